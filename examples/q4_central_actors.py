"""Research question 4: are the clusters central actors?

Report appendix B.1: "In hoeverre slagen SPC's erin op te treden als algemeen aanvaarde centrale
actor in hun domein?" (do the SPCs become the accepted central actor of their domain?) and "Op
welke wijze wordt er samengewerkt tussen de clusters onderling?" (how do clusters work together?).
Answered twice: on the REAL intercluster projects of Tabel 10 and 11 (clusters linked by joint
projects), and on the synthetic ecosystem (clusters linked by shared members; each cluster
organisation's position among the organisations of its own cluster).

Run: python examples/q4_central_actors.py [--out FOLDER] [--seed 0]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn

COLUMNS = ["name", "type", "degree", "strength", "betweenness", "eigenvector", "projects",
           "other_domain_share", "rank"]


def main() -> None:
    args = options(__doc__.splitlines()[0]).parse_args()
    out = output_folder(args.out, "q4")
    real = cn.datasets.load_flanders()

    heading("REAL DATA: clusters linked by their intercluster projects, Tabel 10 and 11 (cluster_centrality)")
    print("(load_flanders: the real landscape and intercluster projects; withdrawn partners left out)")
    table = cn.cluster_centrality(real, via="intercluster").sort_values(["rank", "name"])
    linked = table[table["degree"] > 0]
    show(linked[COLUMNS],
         f"{len(linked)} of {len(table)} clusters took part in an intercluster project. The SPCs hold the "
         "centre: degree counts partner clusters, strength joint projects per partner, other_domain_share "
         "the share of links outside the cluster's own domain (niche relations count as the same domain).")
    save(table, out, "q4_cluster_centrality_real")

    periods = {"2017-2018 (Tabel 10)": range(2017, 2019), "2019 (Tabel 11)": 2019}
    degree = pd.DataFrame({
        label: pd.Series(dict(cn.cluster_network(real, via="intercluster", years=years).degree()))
        for label, years in periods.items()
    }).fillna(0).astype(int)
    degree = degree[degree.sum(axis=1) > 0]
    degree.insert(0, "name", real.clusters.set_index("cluster_id")["name"].reindex(degree.index))
    types = real.clusters.set_index("cluster_id")["type"].reindex(degree.index)
    ibns = {label: int(((degree[label] > 0) & (types == "IBN")).sum()) for label in periods}
    show(degree.sort_values(list(periods), ascending=False),
         "partner clusters per period; IBNs taking part: "
         + ", ".join(f"{count} in {label}" for label, count in ibns.items())
         + ". The moonshot (coordinated by Catalisti, every SPC on its board) carries no intercluster "
         "project, so it does not show in this network; its hub role is in the memberships.")
    save(degree, out, "q4_degree_by_period_real")

    print()
    print(SYNTHETIC_NOTE)
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    heading("SYNTHETIC: clusters linked by shared members (cluster_centrality, via='memberships')")
    members = cn.cluster_centrality(eco, via="memberships").sort_values("rank")
    show(members[["name", "type", "degree", "strength", "betweenness", "eigenvector", "members", "reach", "rank"]],
         "with shared members as links, the largest SPC (Flanders' FOOD) sits at the centre; strength "
         "counts shared members; reach the unique organisations in its memberships and projects.", rows=12)
    save(members, out, "q4_cluster_centrality_members")

    heading("SYNTHETIC: each SPC's cluster organisation among the organisations of its own cluster")
    network = cn.organisation_network(eco, weight="newman")
    measures = cn.centrality(network, weight="weight", samples=300, seed=args.seed)
    organisations = eco.organisations.set_index("organisation_id")
    carried = eco.project_clusters[eco.project_clusters["status"] != "withdrawn"]
    in_projects = eco.participations.merge(carried, on="project_id")[["cluster_id", "organisation_id"]]
    circle = pd.concat([eco.memberships[["cluster_id", "organisation_id"]], in_projects]).drop_duplicates()
    rows = []
    for cluster_id, name in eco.clusters.loc[eco.clusters["type"] == "SPC", ["cluster_id", "name"]].itertuples(
            index=False):
        own = organisations.index[(organisations["kind"] == "cluster_organisation") & (organisations["name"] == name)]
        around = measures.loc[measures.index.intersection(circle.loc[circle["cluster_id"] == cluster_id,
                                                                     "organisation_id"])]
        if len(own) == 0 or own[0] not in measures.index:
            continue
        mine = measures.loc[own[0]]
        rows.append({
            "cluster_id": cluster_id, "organisation": name, "organisations_around": len(around),
            "neighbours": int(mine["neighbours"]),
            "pagerank_percentile": float((around["pagerank"] < mine["pagerank"]).mean()),
            "betweenness_percentile": float((around["betweenness"] < mine["betweenness"]).mean()),
            "top_betweenness": organisations.loc[around["betweenness"].idxmax(), "name"],
        })
    position = pd.DataFrame(rows).set_index("cluster_id")
    show(position, "a percentile of 1.0 means the cluster organisation outranks every organisation of its "
         "cluster; top_betweenness names the organisation of the cluster that bridges most (often a "
         "university, not the cluster organisation).")
    save(position, out, "q4_cluster_organisation_position")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 30)
    main()
