"""Graphs and projections: property tests against networkx and brute force, hand-worked cases."""

from __future__ import annotations

import math
import os
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms import bipartite

import clusternet as cn
from clusternet import strategies
from clusternet.testing._strategies import _assemble

# At least 500 per property test in CI; CLUSTERNET_EXAMPLES lowers it for a quick local run.
EXAMPLES = int(os.environ.get("CLUSTERNET_EXAMPLES", "500"))
WEIGHTS = ("count", "newman", "jaccard", "overlap", "cosine", "association")


# --------------------------------------------------------------------------------------------
# Independent references: networkx on a hand-built bipartite graph, and plain set arithmetic
# --------------------------------------------------------------------------------------------


def _reference_bipartite(organisation_ids, links):
    """networkx bipartite graph with tagged nodes, so equal ids on the two sides never merge."""
    graph = nx.Graph()
    graph.add_nodes_from((("o", o) for o in organisation_ids), bipartite=0)
    graph.add_nodes_from((("x", x) for x in links["other"]), bipartite=1)
    graph.add_edges_from((("o", o), ("x", x)) for o, x in zip(links["row"], links["other"], strict=True))
    return graph


def _untag(graph):
    return nx.relabel_nodes(graph, {node: node[1] for node in graph})


def _networkx_projection(row_ids, links, weight):
    """The projection networkx computes, or brute force from sets for cosine and association."""
    B = _reference_bipartite(row_ids, links)
    rows = [("o", o) for o in row_ids]
    if links.empty:  # networkx's overlap projection refuses an empty other side
        return nx.empty_graph(row_ids)
    if weight == "count":
        return _untag(bipartite.weighted_projected_graph(B, rows))
    if weight == "newman":
        return _untag(bipartite.collaboration_weighted_projected_graph(B, rows))
    if weight == "jaccard":
        return _untag(bipartite.overlap_weighted_projected_graph(B, rows))
    if weight == "overlap":
        return _untag(bipartite.overlap_weighted_projected_graph(B, rows, jaccard=False))
    # Brute force over pairs of neighbour sets.
    neighbours = {o: set(B[("o", o)]) for o in row_ids}
    m = sum(1 for node, side in B.nodes(data="bipartite") if side == 1 and B.degree(node) > 0)
    graph = nx.Graph()
    graph.add_nodes_from(row_ids)
    for a, b in combinations(row_ids, 2):
        c = len(neighbours[a] & neighbours[b])
        if c:
            sa, sb = len(neighbours[a]), len(neighbours[b])
            value = c / math.sqrt(sa * sb) if weight == "cosine" else m * c / (sa * sb)
            graph.add_edge(a, b, weight=value)
    return graph


def _shared_counts(row_ids, links):
    sets = links.groupby("row")["other"].agg(set).to_dict()
    return {
        frozenset((a, b)): len(sets.get(a, set()) & sets.get(b, set()))
        for a, b in combinations(row_ids, 2)
        if sets.get(a, set()) & sets.get(b, set())
    }


def _assert_same_network(ours, reference, shared):
    assert set(ours.nodes) == set(reference.nodes)
    assert {frozenset(e) for e in ours.edges} == {frozenset(e) for e in reference.edges}
    for u, v, data in ours.edges(data=True):
        assert math.isclose(data["weight"], reference.edges[u, v]["weight"], rel_tol=1e-9), (u, v)
        assert data["shared"] == shared[frozenset((u, v))], (u, v)


def _participation_links(eco, years=None):
    projects = eco.projects
    if years is not None:
        projects = projects[projects["year"].isin(list(years)).fillna(False).astype(bool)]
    links = eco.participations
    links = links[links["project_id"].isin(set(projects["project_id"]))]
    return pd.DataFrame({"row": links["organisation_id"], "other": links["project_id"]})


def _check_edge_table(edges):
    assert list(edges.columns) == ["source", "target", "weight", "shared"]
    assert (edges["source"] < edges["target"]).all()  # source < target: no self-loop, no duplicate
    keys = list(zip(edges["source"], edges["target"], strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert (edges["shared"] >= 1).all() and (edges["weight"] > 0).all()


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=7, max_projects=6, with_clusters=False),
       weight=st.sampled_from(WEIGHTS))
def test_organisation_network_equals_networkx(eco, weight):
    organisation_ids = eco.organisations["organisation_id"].tolist()
    links = _participation_links(eco)
    ours = cn.organisation_network(eco, weight=weight)
    _assert_same_network(ours, _networkx_projection(organisation_ids, links, weight),
                         _shared_counts(organisation_ids, links))
    assert not any(u == v for u, v in ours.edges)
    _check_edge_table(cn.edge_table(ours))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    eco=strategies.ecosystems(max_organisations=7, max_projects=6, with_clusters=False,
                              kinds=("company", "knowledge_institution", "public_body")),
    weight=st.sampled_from(WEIGHTS),
    years=st.sets(st.integers(2013, 2025), min_size=1, max_size=5),
    kinds=st.sets(st.sampled_from(["company", "knowledge_institution", "public_body"]), min_size=1),
)
def test_cuts_are_the_networkx_projection_of_the_years_restricted_to_the_kinds(eco, weight, years, kinds):
    # Documented rule: years cut projects first, then kinds keep nodes; n_p, s_i, m count everyone.
    years = tuple(sorted(years))  # a tuple is a set of years like any other collection
    organisation_ids = eco.organisations["organisation_id"].tolist()
    links = _participation_links(eco, years)
    reference = _networkx_projection(organisation_ids, links, weight)
    kept = eco.organisations.loc[eco.organisations["kind"].isin(kinds), "organisation_id"].tolist()
    ours = cn.organisation_network(eco, weight=weight, years=years, kinds=sorted(kinds))
    _assert_same_network(ours, reference.subgraph(kept), _shared_counts(organisation_ids, links))


NETWORKS = {
    "organisations": lambda eco, weight: cn.organisation_network(eco, weight=weight),
    "projects": lambda eco, weight: cn.project_network(eco, weight=weight),
    "clusters-members": lambda eco, weight: cn.cluster_network(eco, via="memberships", weight=weight),
    "clusters-projects": lambda eco, weight: cn.cluster_network(eco, via="projects", weight=weight),
    "clusters-intercluster": lambda eco, weight: cn.cluster_network(eco, via="intercluster", weight=weight),
}


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=7, max_projects=6), network=st.sampled_from(sorted(NETWORKS)),
       weight=st.sampled_from(WEIGHTS), data=st.data())
def test_shuffling_input_rows_changes_nothing(eco, network, weight, data):
    def shuffled(table):
        order = data.draw(st.permutations(range(len(table))))
        return table.iloc[list(order)].reset_index(drop=True)

    # The shuffled tables are the same canonical tables, so they need no second validation.
    other = _assemble({name: shuffled(eco.table(name)) for name in eco.provided})
    ours, theirs = NETWORKS[network](eco, weight), NETWORKS[network](other, weight)
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=7, max_projects=6, with_clusters=False),
       weight=st.sampled_from(WEIGHTS))
def test_project_network_equals_networkx_on_the_transpose(eco, weight):
    project_ids = eco.projects["project_id"].tolist()
    links = eco.participations
    links = pd.DataFrame({"row": links["project_id"], "other": links["organisation_id"]})
    reference = _networkx_projection(project_ids, links, weight)
    ours = cn.project_network(eco, weight=weight)
    _assert_same_network(ours, reference, _shared_counts(project_ids, links))
    _check_edge_table(cn.edge_table(ours))


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=6, max_projects=5, max_clusters=5),
       via=st.sampled_from(["memberships", "projects", "intercluster"]), weight=st.sampled_from(WEIGHTS))
def test_cluster_networks_equal_networkx(eco, via, weight):
    cluster_ids = eco.clusters["cluster_id"].tolist()
    memberships = eco.memberships
    if via == "memberships":
        links = pd.DataFrame({"row": memberships["cluster_id"], "other": memberships["organisation_id"]})
    elif via == "projects":  # a cluster is in a project when one of its members is
        joined = memberships.merge(eco.participations, on="organisation_id")
        links = pd.DataFrame({"row": joined["cluster_id"], "other": joined["project_id"]})
    else:
        carried = eco.project_clusters[eco.project_clusters["status"] != "withdrawn"]
        links = pd.DataFrame({"row": carried["cluster_id"], "other": carried["project_id"]})
    links = links.drop_duplicates()
    ours = cn.cluster_network(eco, via=via, weight=weight)
    _assert_same_network(ours, _networkx_projection(cluster_ids, links, weight),
                         _shared_counts(cluster_ids, links))
    members = memberships.drop_duplicates(["cluster_id", "organisation_id"]).groupby("cluster_id").size()
    assert dict(ours.nodes(data="members")) == {c: int(members.get(c, 0)) for c in cluster_ids}


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=7, max_projects=6, with_clusters=False),
       weight=st.sampled_from(WEIGHTS), threshold=st.floats(0, 3))
def test_edge_table_of_the_network_is_the_edge_function_and_min_weight_only_drops(eco, weight, threshold):
    edges = cn.organisation_edges(eco, weight=weight)
    _check_edge_table(edges)
    strong = cn.organisation_network(eco, weight=weight, min_weight=threshold)
    expected = edges[edges["weight"] >= threshold].reset_index(drop=True)
    pd.testing.assert_frame_equal(cn.edge_table(strong), expected)


# --------------------------------------------------------------------------------------------
# Hand-worked cases
# --------------------------------------------------------------------------------------------


@pytest.fixture
def small():
    """p1 = {a, b, c} in 2018, p2 = {a, b} in 2020, d alone in p3 (no year); d is in no pair."""
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d", "e"],
                                    "kind": ["company", "company", "university", "company", "other"],
                                    "region": ["Gent", None, "Leuven", "Gent", "Mol"]}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "year": [2018, 2020, None],
                               "budget": [100.0, 50.0, None]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2", "p3"],
                                     "organisation_id": ["a", "b", "c", "a", "b", "d"],
                                     "role": ["coordinator", "partner", "partner", "partner",
                                              "coordinator", "coordinator"],
                                     "budget": [10.0, 20.0, 30.0, 5.0, None, 1.0]}),
    )


# s_a = s_b = 2, s_c = 1, n_p1 = 3, n_p2 = 2, m = 3 projects with a participant. Worked by hand:
HAND = {
    "count": {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1},
    "newman": {("a", "b"): 1 / 2 + 1 / 1, ("a", "c"): 1 / 2, ("b", "c"): 1 / 2},
    "jaccard": {("a", "b"): 2 / (2 + 2 - 2), ("a", "c"): 1 / (2 + 1 - 1), ("b", "c"): 1 / 2},
    "overlap": {("a", "b"): 2 / 2, ("a", "c"): 1 / 1, ("b", "c"): 1 / 1},
    "cosine": {("a", "b"): 2 / 2, ("a", "c"): 1 / math.sqrt(2), ("b", "c"): 1 / math.sqrt(2)},
    "association": {("a", "b"): 3 * 2 / 4, ("a", "c"): 3 * 1 / 2, ("b", "c"): 3 * 1 / 2},
}


@pytest.mark.parametrize("weight", WEIGHTS, ids=WEIGHTS)
def test_small_case_worked_by_hand(small, weight):
    edges = cn.organisation_edges(small, weight=weight)
    got = {(s, t): w for s, t, w in zip(edges["source"], edges["target"], edges["weight"], strict=True)}
    assert got == pytest.approx(HAND[weight])
    assert edges["shared"].tolist() == [2, 1, 1]
    G = cn.organisation_network(small, weight=weight)
    assert sorted(G.nodes) == ["a", "b", "c", "d", "e"]  # isolates kept
    assert G.nodes["a"] == {"kind": "company", "sector": "unknown", "size_class": "unknown",
                            "ownership": "unknown", "region": "Gent"}
    assert "region" not in G.nodes["b"]  # missing values are left out, not NaN
    assert G.graph["weight"] == weight


def test_years_drop_projects_outside_and_without_a_year(small):
    edges = cn.organisation_edges(small, years=range(2019, 2022))
    assert list(zip(edges["source"], edges["target"], edges["shared"], strict=True)) == [("a", "b", 1)]
    assert cn.organisation_edges(small, years=range(1900, 2019))["shared"].tolist() == [1, 1, 1]
    assert cn.organisation_network(small, years=range(1990, 1992)).number_of_edges() == 0


def test_kinds_cut_keeps_project_sizes_of_everyone():
    # Two companies and eight universities in one project: the companies' Newman weight is 1/9.
    orgs = [f"c{i}" for i in range(2)] + [f"u{i}" for i in range(8)]
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": orgs, "kind": ["company"] * 2 + ["university"] * 8}),
        projects=pd.DataFrame({"project_id": ["p"]}),
        participations=pd.DataFrame({"project_id": ["p"] * 10, "organisation_id": orgs}),
    )
    G = cn.organisation_network(eco, weight="newman", kinds=["company"])
    assert sorted(G.nodes) == ["c0", "c1"]
    assert G.edges["c0", "c1"]["weight"] == pytest.approx(1 / 9)


def test_flanders_intercluster_network_is_that_of_tabel_10_and_11(flanders):
    # Expected: the hand count in datasets/flanders/README.md (14 pairs, multiplicity 21).
    expected = {
        ("spc-catalisti", "spc-sim"): 3,
        ("spc-catalisti", "spc-flanders-food"): 3,
        ("spc-sim", "spc-vil"): 2,
        ("spc-flux50", "spc-sim"): 2,
        ("spc-flux50", "spc-vil"): 2,
        ("spc-flanders-food", "spc-vil"): 1,
        ("spc-flanders-food", "spc-sim"): 1,
        ("spc-catalisti", "spc-vil"): 1,
        ("ibn-power-to-gas", "spc-flux50"): 1,
        ("ibn-offshore-energy", "spc-sim"): 1,
        ("ibn-composieten", "spc-catalisti"): 1,
        ("ibn-air-cargo-belgium", "spc-vil"): 1,
        ("ibn-smart-digital-farming", "spc-flanders-food"): 1,
        ("spc-blauwe-cluster", "spc-flanders-food"): 1,
    }
    G = cn.cluster_network(flanders, via="intercluster")
    got = {tuple(sorted((u, v))): d["weight"] for u, v, d in G.edges(data=True)}
    assert got == expected
    assert sum(got.values()) == 21 and len(got) == 14
    assert G.number_of_nodes() == 27  # every cluster, isolates included
    assert sum(1 for n in G if G.degree(n) > 0) == 11
    node = G.nodes["spc-catalisti"]
    assert (node["name"], node["type"], node["members"]) == ("Catalisti", "SPC", 0)
    assert "domain" in node
    assert G.nodes["moonshot"]["members"] == 6
    by_year = cn.cluster_edges(flanders, via="intercluster", years=2019)
    assert int(by_year["weight"].sum()) == 7  # the README: 2019 gives 7 pair occurrences


def test_flanders_cluster_network_via_members_is_the_moonshot_board(flanders):
    # Only moonshot has members, so no two clusters share one.
    G = cn.cluster_network(flanders, via="memberships")
    assert G.number_of_edges() == 0 and G.number_of_nodes() == 27


def test_bipartite_graph_carries_table_columns_and_edge_attributes(small):
    B = cn.bipartite_graph(small)
    assert bipartite.is_bipartite(B)
    assert {n for n, side in B.nodes(data="bipartite") if side == 0} == {"a", "b", "c", "d", "e"}
    assert {n for n, side in B.nodes(data="bipartite") if side == 1} == {"p1", "p2", "p3"}
    assert B.nodes["p1"] == {"budget": 100.0, "year": 2018, "bipartite": 1, "kind": "project"}
    assert B.nodes["c"]["kind"] == "knowledge_institution"
    assert B.edges["a", "p1"] == {"role": "coordinator", "budget": 10.0, "year": 2018}
    assert B.edges["b", "p2"] == {"role": "coordinator", "year": 2020}  # no budget: left out
    assert B.edges["d", "p3"] == {"role": "coordinator", "budget": 1.0}
    # The count projection of our bipartite graph is networkx's projection.
    projected = bipartite.weighted_projected_graph(B, ["a", "b", "c", "d", "e"])
    assert {frozenset(e): w for *e, w in projected.edges(data="weight")} == {
        frozenset(e): w for *e, w in cn.organisation_network(small).edges(data="weight")
    }


def test_bipartite_graph_of_memberships_collapses_years():
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b"]}),
        clusters=pd.DataFrame({"cluster_id": ["k1", "k2"], "type": ["SPC", "IBN"]}),
        memberships=pd.DataFrame({"organisation_id": ["a", "a", "a", "b"],
                                  "cluster_id": ["k1", "k1", "k2", "k1"],
                                  "year": [2020, 2018, None, 2019],
                                  "tier": ["board", "member", "member", "member"],
                                  "board": [True, False, False, False]}),
    )
    B = cn.bipartite_graph(eco, between="organisation-cluster")
    assert B.edges["a", "k1"] == {"years": [2018, 2020], "tier": "board", "board": True}
    assert B.edges["a", "k2"] == {"years": [], "tier": "member", "board": False}
    assert B.nodes["k2"]["kind"] == "cluster" and B.nodes["k2"]["type"] == "IBN"


def test_colliding_ids_raise_in_the_bipartite_graph_and_never_merge():
    # Users number organisations and projects alike: 1, 2, 3.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["1", "2", "3"]}),
        projects=pd.DataFrame({"project_id": ["1", "2"]}),
        participations=pd.DataFrame({"project_id": ["1", "1", "2", "2"],
                                     "organisation_id": ["1", "2", "2", "3"]}),
    )
    with pytest.raises(cn.IdCollisionError, match=r"2 ids are both an organisation and a project id \('1', '2'\)"):
        cn.bipartite_graph(eco)
    assert isinstance(cn.IdCollisionError("x"), ValueError)
    assert isinstance(cn.IdCollisionError("x"), cn.ClusternetError)
    # The projections never mix the two sides, so they work on such data.
    assert sorted(cn.organisation_network(eco).edges) == [("1", "2"), ("2", "3")]
    assert sorted(cn.project_network(eco).edges) == [("1", "2")]


@settings(max_examples=100, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=6, max_projects=5, distinct_ids=False))
def test_colliding_ids_in_generated_data(eco):
    overlap = set(eco.organisations["organisation_id"]) & set(eco.projects["project_id"])
    if overlap:
        with pytest.raises(cn.IdCollisionError):
            cn.bipartite_graph(eco)
    else:
        B = cn.bipartite_graph(eco)
        assert B.number_of_nodes() == len(eco.organisations) + len(eco.projects)


MISSING = [
    ("organisation-no-participations", lambda e: cn.organisation_network(e), "participations"),
    ("project-no-participations", lambda e: cn.project_edges(e), "participations"),
    ("bipartite-no-participations", lambda e: cn.bipartite_graph(e), "participations"),
    ("bipartite-no-memberships", lambda e: cn.bipartite_graph(e, between="organisation-cluster"), "clusters"),
    ("clusters-members", lambda e: cn.cluster_network(e, via="memberships"), "clusters, memberships"),
    ("clusters-projects", lambda e: cn.cluster_edges(e, via="projects"), "clusters, memberships"),
    ("clusters-intercluster", lambda e: cn.cluster_network(e, via="intercluster"), "clusters"),
]


@pytest.mark.parametrize("call, names", [m[1:] for m in MISSING], ids=[m[0] for m in MISSING])
def test_missing_tables_raise_missing_table_error(call, names):
    eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"]}))
    with pytest.raises(cn.MissingTableError, match=names):
        call(eco)


BAD_OPTIONS = [
    ("weight", lambda e: cn.organisation_network(e, weight="salton"), "weight='salton' is not one of"),
    ("weight-type", lambda e: cn.organisation_edges(e, weight=None), "weight=None is not one of"),
    ("years-open-end", lambda e: cn.organisation_edges(e, years=(2019, None)), "an open end is not a year"),
    ("years-string", lambda e: cn.organisation_edges(e, years="2019"), "must be a year or a collection of years"),
    ("years-float", lambda e: cn.organisation_edges(e, years=(2019.5, 2020)), "2019.5 is not a whole year"),
    ("years-empty", lambda e: cn.organisation_edges(e, years=[]), "years is empty"),
    ("via-old-spelling", lambda e: cn.cluster_edges(e, via="members"), "0.1's 'members' is now 'memberships'"),
    ("kinds", lambda e: cn.organisation_network(e, kinds=["company", "spaceship"]), "'spaceship' is not"),
    ("kinds-empty", lambda e: cn.organisation_edges(e, kinds=[]), "kinds=\\[\\]"),
    ("min-weight", lambda e: cn.organisation_edges(e, min_weight="1"), "min_weight='1' must be a number"),
    ("via", lambda e: cn.cluster_network(e, via="board"), "via='board' is not one of"),
    ("between", lambda e: cn.bipartite_graph(e, between="project-cluster"), "between='project-cluster'"),
    ("project-weight", lambda e: cn.project_network(e, weight="pearson"), "weight='pearson'"),
]


@pytest.mark.parametrize("call, message", [b[1:] for b in BAD_OPTIONS], ids=[b[0] for b in BAD_OPTIONS])
def test_bad_options_raise_option_error_naming_the_option(small, call, message):
    with pytest.raises(cn.OptionError, match=message) as info:
        call(small)
    assert isinstance(info.value, ValueError) and isinstance(info.value, cn.ClusternetError)


def test_edge_table_of_any_graph():
    G = nx.Graph()
    G.add_edge(10, 9, weight=2)  # "10" < "9" as strings
    G.add_edge("x", "a", shared=3, colour="red")
    G.add_node("alone")
    table = cn.edge_table(G)
    assert list(table.columns) == ["source", "target", "weight", "shared", "colour"]
    assert table[["source", "target"]].values.tolist() == [[10, 9], ["a", "x"]]
    assert table["weight"].tolist() == [2.0, 1.0]
    assert pd.isna(table.loc[0, "shared"]) and table.loc[1, "shared"] == 3
    empty = cn.edge_table(nx.Graph())
    assert list(empty.columns) == ["source", "target", "weight"] and empty.empty


def test_networks_of_an_ecosystem_without_rows_are_empty_graphs():
    eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"]}),
                       projects=pd.DataFrame({"project_id": pd.Series([], dtype=str)}),
                       participations=pd.DataFrame({"project_id": pd.Series([], dtype=str),
                                                    "organisation_id": pd.Series([], dtype=str)}))
    for weight in WEIGHTS:
        edges = cn.organisation_edges(eco, weight=weight)
        assert edges.empty and list(edges.columns) == ["source", "target", "weight", "shared"]
        assert edges["weight"].dtype == np.float64 and edges["shared"].dtype == np.int64
    assert list(cn.organisation_network(eco).nodes) == ["a"]


def test_a_tuple_of_years_is_a_set_of_years_not_a_span(small):
    # small has projects in 2018 and 2020 only. (2018, 2020) is those two years, so both projects
    # count; a span 2019-2020 keeps p2 alone; 2019 by itself keeps nothing. Expected by hand.
    both = cn.organisation_edges(small, years=(2018, 2020))
    assert both["shared"].tolist() == [2, 1, 1]
    assert cn.organisation_edges(small, years=range(2019, 2021))["shared"].tolist() == [1]
    assert cn.organisation_edges(small, years={2019}).empty
    assert cn.organisation_edges(small, years=np.int64(2018))["shared"].tolist() == [1, 1, 1]


def test_every_function_reads_years_alike():
    # One reading of years everywhere: on the synthetic ecosystem, shared members and
    # organisation ties for years=(2017, 2019) equal those counted from the rows of exactly
    # the years 2017 and 2019 (computed here from the tables with plain pandas).
    eco = cn.datasets.synthetic_ecosystem()
    years = (2017, 2019)
    kept = eco.memberships[eco.memberships["year"].isin(years)]
    members = kept.groupby("cluster_id")["organisation_id"].agg(set)
    table = cn.overlap(eco, between=("SPC", "IBN"), years=years)
    expected = [len(members.get(s, set()) & members.get(t, set())) for s, t in zip(table["source"], table["target"], strict=True)]
    assert table["shared"].tolist() == expected
    assert sum(expected) > 0
    projects = set(eco.projects.loc[eco.projects["year"].isin(years), "project_id"])
    pairs = eco.participations[eco.participations["project_id"].isin(projects)]
    expected_pairs = set()
    for _, group in pairs.groupby("project_id"):
        ids = sorted(set(group["organisation_id"]))
        expected_pairs |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]}
    edges = cn.organisation_edges(eco, years=years)
    assert set(zip(edges["source"], edges["target"], strict=True)) == expected_pairs
    kpi_years = cn.kpis(eco, by=None, years=years).index.tolist()
    assert kpi_years == [2017, 2019]


def test_build_incidence_equals_a_loop_over_the_pairs():
    # Found by mutation testing (scripts/mutate): nothing read the columns of the sparse core's
    # incidence. The oracle is a loop: cell (r, c) is 1 where the pair occurs (repeats once),
    # pairs outside the given ids are left out, both sides in sorted id order.
    from clusternet.graphs._incidence import build_incidence, node_ids

    pairs = [("o2", "p1"), ("o1", "p1"), ("o1", "p1"), ("o3", "p9"), ("o9", "p2"), ("o3", "p2")]
    rows, columns = ["o3", "o1", "o2"], ["p2", "p1", "p3"]
    incidence = build_incidence(pd.Series([r for r, _ in pairs]), pd.Series([c for _, c in pairs]),
                                rows=node_ids(rows), columns=node_ids(columns))
    assert list(incidence.rows) == sorted(rows) and list(incidence.columns) == sorted(columns)
    expected = [[float((r, c) in pairs) for c in sorted(columns)] for r in sorted(rows)]
    assert incidence.matrix.toarray().tolist() == expected
    empty = build_incidence(pd.Series([], dtype=object), pd.Series([], dtype=object), rows=node_ids([]),
                            columns=node_ids(["p"]))
    assert empty.matrix.shape == (0, 1) and list(empty.columns) == ["p"]


def test_min_weight_keeps_ties_at_the_threshold_and_shared_stays_integer():
    # Found by mutation testing: "below this value" (the docstring) means a tie of exactly
    # min_weight stays (a > for >= survived), and shared counts stay integers. By hand: a and b
    # share p and q (count 2), a and c share p (count 1).
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b", "c"]}),
        projects=pd.DataFrame({"project_id": ["p", "q"]}),
        participations=pd.DataFrame({"project_id": ["p", "p", "p", "q", "q"],
                                     "organisation_id": ["a", "b", "c", "a", "b"]}),
    )
    edges = cn.organisation_edges(eco, weight="count", min_weight=2)
    assert edges[["source", "target", "weight"]].values.tolist() == [["a", "b", 2.0]]
    assert edges["shared"].dtype == "int64"
    assert len(cn.organisation_edges(eco, weight="count", min_weight=1)) == 3
