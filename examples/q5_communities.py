"""Research question 5: do the collaboration communities follow the cluster boundaries?

Report appendix B.1: "Welke verschillende werkingsmodellen kunnen er onderscheiden worden?" and
"Hoe positioneren clusters zich in het brede ecosysteem?" (how do clusters position themselves
in the wider ecosystem?). If firms collaborate mainly inside their own cluster, the communities
of the project network coincide with the nominal clusters; if not, the clusters' boundaries are
not where collaboration happens. Answered with Louvain communities, their agreement with the
clusters (NMI, ARI), a profile of each community, and the misfits.

Run: python examples/q5_communities.py [--out FOLDER] [--seed 0]
"""

from __future__ import annotations

import pandas as pd
from _common import SYNTHETIC_NOTE, heading, options, output_folder, save, show

import clusternet as cn


def main() -> None:
    args = options(__doc__.splitlines()[0]).parse_args()
    out = output_folder(args.out, "q5")
    print(SYNTHETIC_NOTE)
    eco = cn.datasets.synthetic_ecosystem(seed=args.seed)
    network = cn.organisation_network(eco, weight="newman")
    # Members without a project are isolates: each would be a community of its own and inflate
    # NMI (see the walk-through), so only organisations in at least one project are compared.
    active = network.subgraph([node for node, degree in network.degree() if degree > 0]).copy()
    print(f"\nOrganisation network: {network.number_of_nodes()} organisations, of which "
          f"{active.number_of_nodes()} share a project with another ({active.number_of_edges()} ties).")

    heading("Communities of the project network (communities, Louvain)")
    found = cn.communities(active, seed=args.seed)
    profile = cn.community_profile(eco, found, graph=active)
    show(profile[["size", "clusters", "top_organisations"]],
         f"{found.nunique()} communities; the clusters column counts the members of each cluster in the "
         "community: most communities are led by one SPC, with members of others mixed in.", rows=10)
    save(profile, out, "q5_community_profile")

    heading("Agreement with the nominal clusters (compare_partitions)")
    # nominal_partition gives an organisation in two clusters the label 'several'. Counting IBNs,
    # that is most members of an SPC with niche IBNs (SIM with Composieten and Coatings), and
    # 'several' then dominates their community: so the nominal clusters here are the SPCs alone.
    spc = eco.clusters.loc[eco.clusters["type"] == "SPC", "cluster_id"]
    nominal = cn.nominal_partition(eco.replace(memberships=eco.memberships[eco.memberships["cluster_id"].isin(spc)]))
    every_cluster = cn.nominal_partition(eco, by="cluster")
    comparison = pd.DataFrame([cn.compare_partitions(found, nominal, graph=active)])
    show(comparison, "NMI 0 means unrelated and 1 identical; ARI corrects for chance (0: chance "
         "agreement). modularity_b is the modularity of the cluster partition itself: lower than the "
         "communities', so the clusters are not the densest groups of collaborators. Organisations in "
         "two or more SPCs form one nominal group 'several'.")
    save(comparison, out, "q5_communities_vs_clusters")
    with_isolates = cn.compare_partitions(cn.communities(network, seed=args.seed), nominal, graph=network)
    print(f"With the {network.number_of_nodes() - active.number_of_nodes()} isolated members kept, NMI "
          f"would read {with_isolates['nmi']:.2f} and ARI {with_isolates['ari']:.2f}: each isolate is a "
          "community of its own, which moves NMI (it rewards many small groups) while ARI drops to "
          "chance, so compare only organisations that collaborate.")

    heading("Misfits: organisations in a community dominated by another cluster (misfits)")
    odd = cn.misfits(found, nominal)
    names = eco.organisations.set_index("organisation_id")["name"]
    odd.insert(0, "name", names.reindex(odd.index))
    by_cluster = odd.groupby("nominal").size().rename("misfits").to_frame()
    by_cluster["organisations"] = nominal[nominal.index.isin(found.index)].value_counts().reindex(by_cluster.index)
    by_cluster["misfit_share"] = by_cluster["misfits"] / by_cluster["organisations"]
    show(by_cluster.sort_values("misfit_share", ascending=False),
         f"{len(odd)} of {int(comparison.loc[0, 'nodes'])} organisations in projects (and in an SPC) work mostly among another cluster's "
         "members: candidates for a second membership, or signs that two clusters serve one community.",
         rows=12)
    save(odd, out, "q5_misfits")
    every = cn.misfits(found, every_cluster)
    print(f"With IBN memberships counted too, {len(every)} organisations would be misfits, "
          f"{int((every['nominal'] == 'spc-sim').sum())} of them SIM-only members whose community is "
          "dominated by 'several' (SIM members who are also in an IBN): a label artefact, not a finding.")
    print(f"\nTables written to {out}")


if __name__ == "__main__":
    pd.set_option("display.max_colwidth", 60)
    main()
