"""Pictures of the Flemish cluster landscape: an offline HTML page, report figures, exports.

Run: python examples/flanders_pictures.py [output-folder]   (default: ./flanders-pictures)

* The intercluster network of the 2020 evaluation report (Tabel 10 and 11: clusters linked by
  the projects they carry together), from the real data: an interactive page that works offline,
  the same network as a figure, and its ranked degree.
* SPC x IBN member overlap and the communities of the collaboration network: the report
  publishes no member lists, so these two figures use the calibrated synthetic ecosystem (real
  clusters, synthetic members). They illustrate the method; they are not findings about Flanders.
* The network for Gephi (GEXF, GraphML) and VOSviewer, and the overlap table as CSV and Excel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import clusternet as cn


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    flanders = cn.datasets.load_flanders()
    network = cn.cluster_network(flanders, via="intercluster")
    measures = cn.centrality(network)
    names = flanders.clusters.set_index("cluster_id")["name"]
    types = flanders.clusters.set_index("cluster_id")["type"]

    page = cn.to_html(network, folder / "flanders_intercluster.html", color_by="type", size_by="neighbours",
                      measures=measures, title="Flemish clusters: joint intercluster projects (2017-2019)")
    print(f"{page.path}: {network.number_of_nodes()} clusters, {network.number_of_edges()} links")

    ax = cn.plot_network(network, color_by="type", size_by="neighbours", measures=measures,
                         title="Intercluster projects, Tabel 10 and 11")
    print("figure:", *cn.save_figure(ax, folder / "flanders_intercluster"))
    ax = cn.plot_centrality(measures, "neighbours", top=15, labels=names, color_by=types)
    ax.set_xlabel("clusters worked with in intercluster projects")
    print("figure:", *cn.save_figure(ax, folder / "flanders_degree"))

    synthetic = cn.datasets.synthetic_ecosystem(seed=0)
    clusters = synthetic.clusters.set_index("cluster_id")
    table = cn.overlap(synthetic, between=("SPC", "IBN"))
    ax = cn.plot_overlap(
        table,
        value="jaccard",
        rows=sorted(clusters.index[clusters["type"] == "SPC"]),
        columns=sorted(clusters.index[clusters["type"] == "IBN"]),
        labels=clusters["name"],
    )
    ax.set_title("Member overlap SPC x IBN (Jaccard), synthetic members")
    print("figure:", *cn.save_figure(ax, folder / "synthetic_overlap"))

    organisations = cn.organisation_network(synthetic)
    communities = cn.communities(organisations, seed=0)
    kinds = synthetic.organisations.set_index("organisation_id")["kind"]
    connected = communities[[organisations.degree(node) > 0 for node in communities.index]]
    ax = cn.plot_communities(connected, kinds, top=12)
    ax.set_title("Communities of the project network by kind, synthetic members")
    print("figure:", *cn.save_figure(ax, folder / "synthetic_communities"))

    print("export:", cn.write_gexf(network, folder / "flanders_intercluster.gexf"))
    print("export:", cn.write_graphml(network, folder / "flanders_intercluster.graphml"))
    print("export:", *cn.write_vosviewer(network, folder / "vosviewer_map.txt", folder / "vosviewer_network.txt",
                                         cluster_by="type"))
    print("export:", cn.write_table(table, folder / "synthetic_overlap.csv"))
    print("export:", cn.write_table(table, folder / "synthetic_overlap.xlsx"))


if __name__ == "__main__":
    # The folder may also be given as --out FOLDER, as the other examples take it.
    arguments = [argument for argument in sys.argv[1:] if argument != "--out"]
    main(Path(arguments[0]) if arguments else Path("flanders-pictures"))
