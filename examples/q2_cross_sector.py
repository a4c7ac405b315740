"""Research question 2: do cluster projects bridge sectors and kinds of organisation?

Report appendix B.1: "In hoeverre slagen SPC's erin een strategische en open ecosysteemwerking
uit te bouwen, met aandacht voor cross-sectorale kennisuitwisseling?" (cross-sector knowledge
exchange) and "Hoe actief zijn andere actoren (dan bedrijven) betrokken?" (how involved are
actors other than firms?). Answered with consortium diversity per project, the E-I index of the
firm network against a permutation null, and Gould-Fernandez brokerage.

Run: python examples/q2_cross_sector.py [--out FOLDER] [--seed 0] [--permutations 99]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn


def main() -> None:
    parser = options(__doc__.splitlines()[0])
    parser.add_argument("--permutations", type=int, default=99, help="shuffles of the sectors for the E-I null")
    args = parser.parse_args()
    out = output_folder(args.out, "q2")
    print(SYNTHETIC_NOTE)
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    organisations = eco.organisations.set_index("organisation_id")
    is_company = organisations["kind"] == "company"
    sector = organisations.loc[is_company, "sector"]

    heading("Cross-sector projects per SPC, all years (kpis)")
    kpi = cn.kpis(eco).groupby(level="cluster_id")[["projects", "cross_sector_projects",
                                                     "companies_in_cross_sector_projects"]].sum()
    kpi = kpi[kpi["projects"] > 0]
    kpi["cross_sector_share"] = kpi["cross_sector_projects"] / kpi["projects"]
    show(kpi, "the Tabel 12 KPI 'firms in at least one cross-sector project': nearly every project "
         "of every SPC joins firms of two or more sectors.")
    save(kpi, out, "q2_cross_sector_kpis")

    heading("Consortium diversity: sectors of the firms in each project (consortium_diversity)")
    # Only firms have a sector; other participants count as 'unknown' and are left out of Blau.
    diversity = cn.consortium_diversity(eco, sector, baseline="shuffle", seed=args.seed)
    by_instrument = diversity.join(eco.projects.set_index("project_id")["instrument"]).groupby("instrument").agg(
        projects=("blau", "size"), mean_sectors=("groups", "mean"), mean_blau=("blau", "mean"),
        spans_sectors=("spans_groups", "mean"))
    show(by_instrument.sort_values("projects", ascending=False),
         f"{diversity['spans_groups'].mean():.0%} of {len(diversity)} projects join firms of two or more "
         "sectors; Blau is the chance that two random firms of a consortium differ in sector "
         "(0: one sector, 0.75: four equal sectors).")
    line = diversity.attrs["baseline"]
    print(f"\nBeside chance: {line['observed']:.1%} of the {line['projects']} projects with two or more firms of "
          f"known sector join several sectors; {line['expected']:.1%} expected with the sectors shuffled "
          f"across the {line['organisations']} participating firms (+- {line['expected_sd']:.1%} over "
          f"{line['samples']:,} shuffles, one-sided p = {line['p_value']:.2f}).")
    save(diversity, out, "q2_consortium_diversity_sector")

    kinds = cn.consortium_diversity(eco, "kind")
    with_research = eco.participations.merge(organisations["kind"], left_on="organisation_id", right_index=True)
    research = with_research.groupby("project_id")["kind"].apply(
        lambda k: bool(k.isin(["knowledge_institution", "research_centre"]).any()))
    print(f"\nOther actors: {research.mean():.0%} of projects include a university or research centre; "
          f"{kinds['spans_groups'].mean():.0%} mix two or more kinds of organisation.")

    heading("Ties between firms of different sectors (group_mixing, ei_index, permutation_test)")
    # The induced subgraph on firms; organisation_network(kinds=["company"]) should give the same
    # graph but (at the time of writing) keeps some non-firms, see the examples README.
    network = cn.organisation_network(eco)
    firms = network.subgraph(sector.index).copy()
    mixing = cn.group_mixing(firms, "sector")
    show(mixing, "E-I runs from -1 (all ties inside the sector) to +1 (all ties across); "
         "expected_ei_index is its value if ties ignored sector.")
    save(mixing, out, "q2_group_mixing_sector")
    test = cn.permutation_test(firms, cn.ei_index, "sector", n=args.permutations, seed=args.seed)
    verdict = ("more often than" if test.p_greater < 0.05 else "less often than" if test.p_less < 0.05
               else "about as often as")
    print(f"E-I of the firm network {test.observed:.3f}; with sectors shuffled over the same firms "
          f"{test.mean:.3f} +- {test.sd:.3f} (z = {test.z:.1f}, p = {test.p:.3f}, {test.n} shuffles).")
    print(f"-> firms tie across sectors {verdict} in a sector-blind network (the synthetic consortia "
          "draw firms regardless of sector, so no sector preference is expected here).")

    heading("Who brokers between sectors and kinds (brokerage)")
    # Firms by sector, everyone else by kind: a university linking a chemistry firm to a food firm
    # is a liaison between two groups it does not belong to.
    groups = organisations["sector"].where(is_company, organisations["kind"])
    brokers = cn.brokerage(eco, groups)
    brokers.insert(0, "name", organisations.loc[brokers.index, "name"])
    roles = ["group", "coordinator", "gatekeeper", "representative", "liaison", "total"]
    top = brokers.sort_values(["liaison", "total"], ascending=False)[["name", *roles]]
    show(top, "the top liaisons are knowledge institutions and research centres: they link firms of "
         "sectors they are not part of.", rows=8)
    top_firms = brokers[is_company.reindex(brokers.index, fill_value=False)].sort_values(
        ["gatekeeper", "representative", "total"], ascending=False)[["name", *roles]]
    show(top_firms, "the firms that most often sit between their own sector and another (on undirected "
         "project ties gatekeeper and representative counts coincide).", rows=5)
    save(brokers, out, "q2_brokerage")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 40)
    main()
