"""Research question 6: which IBNs could grow into a spearhead cluster, and which fold into one?

Report appendix B.1 asks how to relate IBNs and SPCs more coherently ("meer samenhang tussen IBN's
en SPC's"), and the report discusses IBNs folding into an SPC (Composites -> SIM, Offshore ->
Blauwe Cluster, lines 1945-1975) against IBNs that stand on their own. This script puts the
evidence for each IBN in one table: its size and growth against the smallest SPC (the report: SPCs
have 100 to ~700 paying firms), its overlap with its closest SPC, its centrality among clusters,
and its part in the real intercluster projects.

Run: python examples/q6_new_spc_from_ibn.py [--out FOLDER] [--seed 0]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn


def main() -> None:
    args = options(__doc__.splitlines()[0]).parse_args()
    out = output_folder(args.out, "q6")
    print(SYNTHETIC_NOTE)
    real = cn.datasets.load_flanders()
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    clusters = eco.clusters.set_index("cluster_id")
    ibn = clusters.index[clusters["type"] == "IBN"]

    kpi = cn.kpis(eco)["members"].unstack("year")
    first, last = int(kpi.columns.min()), int(kpi.columns.max())
    smallest_spc = kpi.loc[clusters.index[clusters["type"] == "SPC"], last].min()
    niches = cn.niche_mapping(eco, measure="p_value")
    by_members = cn.cluster_centrality(eco, via="memberships")
    intercluster = cn.cluster_centrality(real, via="intercluster")

    table = pd.DataFrame({
        "name": clusters.loc[ibn, "name"],
        "call": real.clusters.set_index("cluster_id").loc[ibn, "call"],
        f"members_{last}": kpi.loc[ibn, last],
        "growth": kpi.loc[ibn, last] / kpi.loc[ibn, first],
        "size_vs_smallest_spc": kpi.loc[ibn, last] / smallest_spc,
        "closest_spc": niches.loc[ibn, "spc"],
        "overlap": niches.loc[ibn, "overlap"],
        "p_value": niches.loc[ibn, "p_value"],
        "cluster_degree": by_members.loc[ibn, "degree"],
        "eigenvector": by_members.loc[ibn, "eigenvector"],
        "intercluster_projects_real": intercluster.loc[ibn, "projects"],
        "niche_of_report": clusters.loc[ibn, "niche_of"],
    })
    # A rule of thumb, stated so that it can be argued with: an IBN that shares half its members
    # with one SPC is a niche of it; one that is large, growing and tied to many clusters without
    # such an overlap stands on its own.
    threshold = 0.01 / len(ibn) / 6
    niche = (table["p_value"] < threshold) & (table["overlap"] >= 0.3)
    grows = (table["size_vs_smallest_spc"] >= 0.5) & (table["growth"] > 1)
    table["reading"] = "stays an IBN"
    table.loc[grows & ~niche, "reading"] = "could grow into an SPC"
    table.loc[niche, "reading"] = "fold into " + table.loc[niche, "closest_spc"].astype(str)
    table = table.sort_values(["reading", f"members_{last}"], ascending=[True, False])

    heading(f"The twenty IBNs: size, growth {first}-{last}, overlap with their closest SPC, centrality")
    show(table.drop(columns=["niche_of_report"]),
         f"the smallest SPC had {int(smallest_spc)} members in {last}. 'fold into' marks IBNs sharing at "
         "least 30% of their members with one SPC (Bonferroni-significant); 'could grow into an SPC' "
         "those at least half the smallest SPC's size, growing, without such an overlap.")
    save(table, out, "q6_ibn_evidence")

    heading("The readings against the report")
    counts = table["reading"].value_counts()
    named = table[table["niche_of_report"].notna()]
    agree = named["reading"] == "fold into " + named["niche_of_report"].astype(str)
    missed = ", ".join(named.loc[~agree, "name"]) or "none"
    show(counts, f"{int(agree.sum())} of the {len(named)} IBNs the report calls a niche of an SPC come out "
         f"as 'fold into' that SPC (not: {missed}); "
         f"{int((table['reading'] == 'could grow into an SPC').sum())} IBNs could grow into an SPC. The "
         "synthetic members give every IBN about the same growth, so growth does not tell them apart "
         "here; on real member lists the same table would back or question each integration.")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 24)
    main()
