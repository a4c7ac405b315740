"""Research question 3: where do clusters overlap, and how do the IBNs relate to the SPCs?

Report appendix B.1: "Hoe zet men zich in concurrentie tot elkaar? Waar zit er overlap?" (where
do clusters compete and overlap?) and "Hoe tot een duidelijker verhouding en meer samenhang tussen
IBN's en SPC's komen?" (how to relate the IBNs and SPCs more coherently?). Answered with the
shared members of every pair of clusters and a hypergeometric test, the SPC each IBN overlaps
most set beside the niche relations the report names (lines 390-400, 1945-1975), and a short
list of IBNs that could be folded into an SPC.

Run: python examples/q3_spc_ibn_overlap.py [--out FOLDER] [--seed 0] [--alpha 0.01]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn


def main() -> None:
    parser = options(__doc__.splitlines()[0])
    parser.add_argument("--alpha", type=float, default=0.01, help="family-wise significance level (Bonferroni)")
    args = parser.parse_args()
    out = output_folder(args.out, "q3")
    print(SYNTHETIC_NOTE)
    real = cn.datasets.load_flanders()
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    names = eco.clusters.set_index("cluster_id")["name"]

    heading("Overlap between the SPCs (overlap, between=('SPC', 'SPC'))")
    spc = cn.overlap(eco, between=("SPC", "SPC"))
    columns = ["source", "target", "shared", "jaccard", "association", "p_value"]
    below = int((spc["association"] < 1).sum())
    show(spc.sort_values("p_value")[columns],
         "association is shared members over the number expected by chance (1: as by chance); a small "
         f"p_value means more shared members than chance. {below} of {len(spc)} SPC pairs share fewer "
         "members than chance: the spearhead clusters recruit from distinct pools.")
    save(spc, out, "q3_overlap_spc_spc")

    heading("SPC x IBN pairs that share more members than chance (overlap)")
    pairs = cn.overlap(eco, between=("SPC", "IBN"))
    # One test per SPC-IBN pair: Bonferroni over all of them.
    threshold = args.alpha / len(pairs)
    significant = pairs[pairs["p_value"] < threshold].sort_values("p_value")
    show(significant[["source", "target", "shared", "jaccard", "overlap", "association", "p_value"]],
         f"{len(significant)} of {len(pairs)} SPC-IBN pairs share more members than chance at a "
         f"family-wise {args.alpha} (Bonferroni: p < {threshold:.1e}); 'overlap' is the share of the "
         "smaller cluster's members found in the other.")
    save(pairs, out, "q3_overlap_spc_ibn")

    heading("Each IBN's closest SPC beside the report's niche relations (niche_mapping)")
    niches = cn.niche_mapping(eco, measure="p_value")
    niches.insert(0, "name", names.reindex(niches.index))
    show(niches[["name", "spc", "shared", "overlap", "p_value", "niche_of", "matches_report"]],
         "matches_report is True where the SPC of strongest overlap is the one the report names "
         "(Air Cargo Belgium-VIL, Power to Gas-Flux50, Composieten-SIM, coatings-SIM, Offshore-Blauwe "
         "Cluster) and empty where the report names none.")
    save(niches, out, "q3_niche_mapping")

    heading("Integration candidates: IBNs largely inside one SPC")
    # An IBN is a candidate when its overlap with one SPC is significant and a large share of its
    # members are already members of that SPC. Joint intercluster projects come from the real
    # Tabel 10 and 11.
    joint = real.project_clusters[real.project_clusters["status"] != "withdrawn"]
    together = joint.merge(joint, on="project_id")
    joint_pairs = together.groupby(["cluster_id_x", "cluster_id_y"]).size()
    candidates = niches[(niches["p_value"] < threshold) & (niches["overlap"] >= 0.3)].copy()
    candidates["joint_projects_real"] = [int(joint_pairs.get((ibn, spc_id), 0))
                                         for ibn, spc_id in zip(candidates.index, candidates["spc"], strict=True)]
    candidates["report_integration"] = candidates["integrates_into"]
    show(candidates[["name", "spc", "overlap", "p_value", "joint_projects_real", "report_integration"]],
         "these IBNs share a large share of their members with one SPC; report_integration names the "
         "integrations the report records (Composites -> SIM, Offshore -> Blauwe Cluster). The "
         "synthetic memberships put members in the named niches on purpose, so the list recovers "
         "what went in: on real member lists the same code would test the report's claims.")
    save(candidates, out, "q3_integration_candidates")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 30)
    main()
