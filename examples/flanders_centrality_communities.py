"""Clusters as central actors, and communities of collaboration, on the Flemish landscape.

Part 1 uses the REAL intercluster projects of Tabel 10 and 11 of the 2020 evaluation report:
which clusters sit at the centre of the intercluster network, and which domains they link.
Part 2 uses the SYNTHETIC member-level stand-in (datasets.synthetic_ecosystem): communities of
organisations that work together, how stable they are over 20 seeds, how far they follow the
cluster boundaries (NMI, ARI, modularity) and who the misfits are.

Run: python examples/flanders_centrality_communities.py [--out FOLDER] [--seed 0]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn
from clusternet import centrality, communities


def main() -> None:
    args = options(__doc__.splitlines()[0]).parse_args()
    out = output_folder(args.out, "centrality-communities")

    heading("REAL DATA: clusters in the intercluster network of Tabel 10 and 11 (cluster_centrality)")
    real = cn.datasets.load_flanders()
    table = cn.cluster_centrality(real, via="intercluster").sort_values(["rank", "name"])
    linked = table[table["degree"] > 0]
    show(linked[["name", "type", "degree", "strength", "betweenness", "closeness", "projects",
                 "other_domain_share", "rank"]],
         f"{len(linked)} of {len(table)} clusters carried an intercluster project. SIM, VIL and "
         "Flanders' FOOD each work with five other clusters, Catalisti with four; by joint-project "
         "ties (strength) SIM and Catalisti lead. The IBNs hang on one SPC each.")
    save(table, out, "cluster_centrality_intercluster")

    network = cn.cluster_network(real, via="intercluster")
    network.remove_nodes_from([c for c, degree in dict(network.degree()).items() if degree == 0])
    found = communities(network, method="leiden", seed=args.seed)
    groups = found.groupby(found).apply(lambda members: ", ".join(network.nodes[c]["name"] for c in members.index))
    show(groups.rename("clusters"),
         "Communities of the intercluster network (Leiden): which clusters form a working block.")

    heading("SYNTHETIC DATA: organisations that work together (communities, consensus_communities)")
    print(SYNTHETIC_NOTE)
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    organisations = cn.organisation_network(eco, weight="count")
    active = organisations.subgraph([n for n, degree in organisations.degree() if degree > 0]).copy()
    print(f"{active.number_of_nodes():,} organisations with at least one project partner, "
          f"{active.number_of_edges():,} ties")

    measures = centrality(active, weight="weight")
    names = eco.organisations.set_index("organisation_id")["name"]
    top = measures.nlargest(8, "betweenness").assign(name=lambda t: t.index.map(names))
    show(top[["name", "neighbours", "strength", "betweenness", "closeness", "eigenvector"]],
         "The organisations on most shortest paths between others (betweenness, distance = 1 / shared projects).")

    consensus = cn.consensus_communities(active, seeds=range(args.seed, args.seed + 20), method="leiden")
    detected = consensus["community"]
    show(consensus["stability"].describe()[["mean", "25%", "50%", "min"]].rename("stability"),
         "How often, over 20 seeds, an organisation lands with its own partners (1 = always).")

    nominal = cn.nominal_partition(eco, by="cluster")
    comparison = cn.compare_partitions(detected, nominal, graph=active, weight="weight")
    show(pd.Series(comparison, name="value"),
         "a = detected communities, b = cluster membership ('several' for members of more than one). "
         "NMI and ARI near 0 mean the collaboration communities cut across the clusters; "
         "compare the modularity of each partition in the same network.")

    wrong = cn.misfits(detected, nominal)
    wrong = wrong.assign(name=wrong.index.map(names))
    show(wrong[["name", "nominal", "community", "community_nominal", "community_share"]],
         f"{len(wrong)} organisations work mostly in a community whose members come from another cluster "
         "(the community's majority cluster is community_nominal).", rows=10)
    save(wrong, out, "misfits")

    profile = cn.community_profile(eco, detected, graph=active, top=3)
    show(profile.head(8), "Who is in the largest communities: kinds, sectors, clusters and the leading organisations.")
    save(profile, out, "community_profile")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    main()
