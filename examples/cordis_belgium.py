"""Belgian organisations in Horizon 2020: their network position, communities and brokers.

The real EU data (CORDIS, all Horizon 2020 projects signed by December 2020), with Belgian
organisations in focus, as the report asks how the clusters and their firms are embedded
internationally ("Hoe zijn de clusters internationaal ingebed?", appendix B.1). Organisations are
linked by shared projects (Newman's weights); the programme parts (LEIT, SC1-SC7, MSCA, ...) act as
clusters. The data lives outside the repository: set CLUSTERNET_SHARED_DATA to the folder holding
cordis-h2020/ and cordis-names/ (default: ../shared/data next to the repository).

Run: python examples/cordis_belgium.py [--out FOLDER] [--seed 0] [--years 2019 | 2018-2020 | all]

The whole programme (--years all) takes minutes: brokerage and betweenness grow fast with the
network, so the default is the projects starting in 2019.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from _common import heading, options, output_folder, save, show

import clusternet as cn

SHARED = Path(os.environ.get("CLUSTERNET_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
HOME = "BE"


def year_range(text: str) -> tuple[int, int] | None:
    if text == "all":
        return None
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def main() -> int:
    parser = options(__doc__.splitlines()[0])
    parser.add_argument("--years", default="2019", help="start years of the projects: 2019, 2018-2020 or all")
    args = parser.parse_args()
    participations = SHARED / "cordis-h2020" / "h2020.csv.gz"
    if not participations.exists():
        print(f"The CORDIS data is not at {participations}: set CLUSTERNET_SHARED_DATA to the folder holding "
              "cordis-h2020/ (see its SOURCE.txt). Nothing to do.")
        return 0
    out = output_folder(args.out, "cordis-belgium")
    print("DATA: real EU data, CORDIS Horizon 2020 participations (c) European Union, reused under "
          "Commission Decision 2011/833/EU; organisation names from the cordis-plus files where known.")

    started = time.perf_counter()
    eco = cn.read_cordis(participations, programme_parts=SHARED / "cordis-h2020" / "programme_parts.csv.gz",
                         names=sorted((SHARED / "cordis-names").glob("*.csv")))
    years = year_range(args.years)
    if years is not None:
        # A whole-programme network is the honest context; a subset of start years keeps the
        # example quick. Organisations without a project in the years drop out of the network.
        projects = eco.projects[eco.projects["year"].between(*years)]
        kept = set(projects["project_id"])
        taking_part = eco.participations[eco.participations["project_id"].isin(kept)]
        eco = eco.replace(
            projects=projects, participations=taking_part,
            organisations=eco.organisations[eco.organisations["organisation_id"].isin(set(taking_part["organisation_id"]))],
            project_clusters=eco.project_clusters[eco.project_clusters["project_id"].isin(kept)])
    print(f"{eco} (start years {args.years}), read in {time.perf_counter() - started:.1f} s")

    organisations = eco.organisations.set_index("organisation_id")
    label = organisations["name"].fillna("PIC " + organisations.index.to_series()).str.slice(0, 45)
    belgian = organisations.index[organisations["country"] == HOME]
    # Each organisation's main programme part: where most of its projects are (ties by name).
    parts = eco.project_clusters.merge(eco.participations[["project_id", "organisation_id"]], on="project_id")
    main_part = (parts.groupby(["organisation_id", "cluster_id"]).size().rename("projects").reset_index()
                 .sort_values(["organisation_id", "projects", "cluster_id"], ascending=[True, False, True])
                 .drop_duplicates("organisation_id").set_index("organisation_id")["cluster_id"])
    part = main_part.reindex(organisations.index).fillna("none")

    heading("Belgian organisations' network position (organisation_network, centrality)")
    network = cn.organisation_network(eco, weight="newman")
    measures = cn.centrality(network, weight="weight", samples=200, seed=args.seed)
    measures["country"] = organisations["country"].reindex(measures.index)
    is_home = measures.index.isin(belgian)
    compare = pd.DataFrame({
        "organisations": [int(is_home.sum()), int((~is_home).sum())],
        "mean_partners": [measures.loc[is_home, "neighbours"].mean(), measures.loc[~is_home, "neighbours"].mean()],
        "mean_pagerank_x1000": [1000 * measures.loc[is_home, "pagerank"].mean(),
                                1000 * measures.loc[~is_home, "pagerank"].mean()],
        "share_in_top_1pct": [
            float((measures.loc[is_home, "pagerank"] >= measures["pagerank"].quantile(0.99)).mean()),
            float((measures.loc[~is_home, "pagerank"] >= measures["pagerank"].quantile(0.99)).mean())],
    }, index=["Belgian", "others"])
    show(compare, f"Belgian organisations have {compare.loc['Belgian', 'mean_partners']:.0f} project partners on "
         f"average against {compare.loc['others', 'mean_partners']:.0f} for the rest; "
         "share_in_top_1pct is the share in the top 1% of PageRank.")
    top = measures.loc[is_home].sort_values("pagerank", ascending=False).head(10)
    top.insert(0, "name", label.reindex(top.index))
    top["main_part"] = part.reindex(top.index)
    show(top[["name", "main_part", "neighbours", "betweenness", "pagerank"]],
         f"the most central Belgian organisations by PageRank (first: {', '.join(top['name'].head(3))}); "
         "unnamed ones show their PIC; betweenness is estimated from 200 sampled sources.", digits=5)
    save(measures.loc[is_home], out, "belgian_centrality")

    heading("The communities Belgian organisations belong to (communities, Leiden)")
    try:
        found = cn.communities(network, method="leiden", seed=args.seed)
    except cn.OptionalDependencyError:
        found = cn.communities(network, seed=args.seed)
    rows = []
    for community, members in found.groupby(found):
        ids = members.index
        home = ids.intersection(belgian)
        if len(home) == 0:
            continue
        countries = organisations.loc[ids, "country"].value_counts()
        rows.append({"community": community, "organisations": len(ids), "belgian": len(home),
                     "main_part": part.reindex(ids).value_counts().index[0],
                     "top_countries": ", ".join(f"{c} {n}" for c, n in countries.head(3).items()),
                     "belgian_leader": label[measures.loc[home, "pagerank"].idxmax()]})
    table = pd.DataFrame(rows).set_index("community").sort_values("belgian", ascending=False)
    home_led = int(table["top_countries"].str.startswith(HOME).sum())
    show(table, f"{len(table)} of {found.nunique()} communities hold a Belgian organisation, {home_led} of them "
         "with Belgium as their first country; main_part is the programme part most of the community "
         "works in, so Belgian organisations sit in thematic, European communities.", rows=8)
    save(table, out, "belgian_communities")

    heading("Top Belgian brokers between programme parts (brokerage)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        brokers = cn.brokerage(eco, part)
    home_brokers = brokers.loc[brokers.index.intersection(belgian)].copy()
    home_brokers.insert(0, "name", label.reindex(home_brokers.index))
    home_brokers = home_brokers.sort_values(["liaison", "total"], ascending=False)
    show(home_brokers[["name", "group", "gatekeeper", "liaison", "total", "z_liaison"]],
         "a liaison links two organisations of other programme parts than its own main part, who share "
         "no project; z_liaison compares the count with random part labels (Gould and Fernandez).",
         rows=10)
    save(home_brokers, out, "belgian_brokers")
    print(f"\nTables written to {out}; {time.perf_counter() - started:.1f} s in all")
    return 0


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 48)
    sys.exit(main())
