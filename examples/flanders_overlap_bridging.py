"""Do SPCs and IBNs share members, and do cluster projects bridge kinds of organisation?

Run: python examples/flanders_overlap_bridging.py

The real Flemish data (load_flanders) name which IBN is a niche of which SPC but publish no
member lists, so the member overlap is computed on the calibrated synthetic ecosystem, which
keeps the real clusters and their reported relations. Numbers on synthetic members illustrate
the method; they are not findings about Flanders.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd

import clusternet as cn


def organisation_graph(eco: cn.Ecosystem) -> nx.Graph:
    """Organisations tied when they share a project (weight: shared projects), with their kind."""
    graph = nx.Graph()
    organisations = eco.organisations.set_index("organisation_id")
    members = eco.participations.groupby("project_id")["organisation_id"].apply(lambda s: sorted(set(s)))
    for consortium in members:
        for a, b in itertools.combinations(consortium, 2):
            weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    nx.set_node_attributes(graph, organisations["kind"].reindex(list(graph.nodes)).to_dict(), "kind")
    return graph


def main() -> None:
    pd.set_option("display.width", 120)
    real = cn.datasets.load_flanders()
    print("Relations the report names (load_flanders):")
    reported = cn.niche_mapping(real)
    print(reported[["niche_of", "integrates_into"]].dropna(how="all").to_string(), "\n")

    eco = cn.datasets.synthetic_ecosystem(seed=0)
    print("Synthetic stand-in:", eco, "\n")

    firms = cn.multi_membership(eco, types=["SPC"], kinds=["company"], years=2018)
    print("Firms by number of SPCs (2018):")
    print(firms.round(3).to_string())
    print(f"-> {firms.loc[firms.index >= 2, 'organisations'].sum()} firms, "
          f"{firms.loc[2, 'share_at_least']:.1%} of member firms, in two or more SPCs\n")

    pairs = cn.overlap(eco, between=("SPC", "IBN"))
    print("SPC-IBN pairs sharing most members:")
    print(pairs.sort_values("shared", ascending=False).head(8).round(3).to_string(index=False), "\n")

    niches = cn.niche_mapping(eco, measure="p_value")
    print("Each IBN's SPC of most significant overlap beside the report's relation:")
    print(niches[["spc", "shared", "overlap", "p_value", "niche_of", "matches_report"]].round(3).to_string(), "\n")

    spc_pairs = cn.overlap(eco, between=("SPC", "SPC"))
    print("SPC x SPC overlap (each pair once):")
    print(spc_pairs[["source", "target", "shared", "jaccard", "p_value"]].round(3).to_string(index=False), "\n")

    diversity = cn.consortium_diversity(eco, "kind")
    print(f"Projects mixing two or more kinds of organisation: {diversity['spans_groups'].mean():.1%} "
          f"(mean Blau {diversity['blau'].mean():.2f})\n")

    graph = organisation_graph(eco)
    mixing = cn.group_mixing(graph, "kind")
    print("Ties by kind: internal, external, E-I and the E-I of random ties")
    print(mixing.round(3).to_string(), "\n")
    test = cn.permutation_test(graph, cn.ei_index, "kind", n=199, seed=0)
    print(f"E-I index {test.observed:.3f}; shuffled kinds give {test.mean:.3f} +- {test.sd:.3f} "
          f"(z = {test.z:.1f}, two-sided p = {test.p:.3f})\n")

    roles = cn.module_roles(graph, "kind", weight="weight")
    print("Guimerà-Amaral roles with kinds as modules:")
    print(roles["role_name"].value_counts().to_string(), "\n")

    brokers = cn.brokerage(eco, "kind")
    names = eco.organisations.set_index("organisation_id")["name"]
    top = brokers.sort_values("liaison", ascending=False).head(5)
    top = top.assign(name=names.reindex(top.index).to_numpy())
    print("Top liaison brokers (ordered pairs of two other kinds they link through projects):")
    print(top[["name", "group", "coordinator", "gatekeeper", "liaison", "z_liaison"]].round(1).to_string(), "\n")

    bridges = cn.gefura(graph, "kind").sort_values("global_gefura", ascending=False).head(5)
    print("Highest global gefura (shortest paths between kinds):")
    print(bridges.round(4).to_string())


if __name__ == "__main__":
    main()
