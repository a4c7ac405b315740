"""Tests of community detection, consensus, partition comparison, misfits and profiles."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import ConvergenceWarning, InvalidGraphError
from clusternet.measures import (
    COMMUNITY_METHODS,
    communities,
    community_profile,
    compare_partitions,
    consensus_communities,
    misfits,
    modularity,
    nominal_partition,
)

# barber needs a two-mode graph: tests/test_community_objectives.py
ONE_MODE = [method for method in COMMUNITY_METHODS if method != "barber"]


@st.composite
def graphs(draw, *, max_nodes: int = 16) -> nx.Graph:
    """Weighted undirected graphs, often disconnected, with isolates."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n)) if pairs else []
    G = nx.Graph()
    G.add_nodes_from(f"n{i:02d}" for i in range(n))
    for u, v in chosen:
        G.add_edge(f"n{u:02d}", f"n{v:02d}", weight=draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])))
    return G


def shuffled(G: nx.Graph, rng: random.Random) -> nx.Graph:
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((v, u, d) if rng.random() < 0.5 else (u, v, d) for u, v, d in edges)
    return H


def same_partition(a: pd.Series, b: pd.Series) -> bool:
    """Equal up to the names of the groups."""
    a, b = a.sort_index(), b.sort_index()
    return a.groupby(b).nunique().eq(1).all() and b.groupby(a).nunique().eq(1).all()


@pytest.fixture
def two_cliques() -> nx.Graph:
    # Two 5-cliques joined by a single edge: the only sensible split.
    G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    G.add_edge(4, 5)
    return G


# --------------------------------------------------------------------------------------------
# communities
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
def test_two_cliques_by_hand(two_cliques, method):
    found = communities(two_cliques, method=method)
    assert found.tolist() == [0] * 5 + [1] * 5
    assert found.name == "community" and found.dtype == "int64"


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
@settings(max_examples=40, deadline=None)
@given(G=graphs(), order=st.randoms(use_true_random=False), seed=st.integers(0, 1000))
def test_deterministic_and_independent_of_insertion_order(method, G, order, seed):
    found = communities(G, method=method, seed=seed)
    assert found.equals(communities(G, method=method, seed=seed))
    assert found.equals(communities(shuffled(G, order), method=method, seed=seed).loc[list(G)])


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
@settings(max_examples=40, deadline=None)
@given(G=graphs(), seed=st.integers(0, 1000))
def test_numbered_by_size_and_cover_every_node(method, G, seed):
    found = communities(G, method=method, seed=seed)
    assert list(found.index) == list(G)
    sizes = found.value_counts().sort_index()
    assert list(sizes.index) == list(range(len(sizes)))
    assert sizes.is_monotonic_decreasing
    # Equal sizes are numbered by their first node in sorted order.
    first = found.groupby(found).apply(lambda members: min(members.index))
    for size in sizes.unique():
        tied = sizes[sizes == size].index
        assert first.loc[tied].is_monotonic_increasing
    for node in nx.isolates(G):
        assert (found == found[node]).sum() == 1


def networkx_modularity(G: nx.Graph, found: pd.Series, resolution: float = 1.0) -> float:
    """Newman's weighted modularity as networkx computes it, from the found labels."""
    groups = [set(members.index) for _, members in found.groupby(found)]
    return nx.algorithms.community.modularity(G, groups, weight="weight", resolution=resolution)


@pytest.mark.parametrize("resolution", [1.0, 2.0], ids=["standard", "fine"])
@settings(max_examples=25, deadline=None)
@given(G=graphs(), seed=st.integers(0, 1000))
def test_louvain_ends_where_no_merge_of_two_communities_raises_networkx_modularity(G, seed, resolution):
    # Louvain's last level stops when moving no community into another raises modularity (by
    # more than python-louvain's stopping threshold, 1e-7); modularity is networkx's, not the
    # library's, and the library's own modularity() must agree with it.
    assume(G.number_of_edges() > 0)
    found = communities(G, method="louvain", seed=seed, resolution=resolution)
    quality = networkx_modularity(G, found, resolution)
    assert modularity(G, found, resolution=resolution) == pytest.approx(quality, abs=1e-12)
    assert quality >= networkx_modularity(G, pd.Series(range(len(G)), index=list(G)), resolution) - 1e-12
    assert quality >= networkx_modularity(G, pd.Series(0, index=list(G)), resolution) - 1e-12
    # Merging two communities with no tie between them always lowers modularity; the others:
    joined = {tuple(sorted((found[u], found[v]))) for u, v in G.edges() if found[u] != found[v]}
    for a, b in sorted(joined):
        merged = found.replace(b, a)
        assert networkx_modularity(G, merged, resolution) <= quality + 1e-6, (a, b)


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
@pytest.mark.parametrize(
    ("planted", "blocks"),
    [
        # networkx's planted l-partition model: 4 groups of 10, p_in 0.8, p_out 0.02 (seeded).
        (nx.planted_partition_graph(4, 10, 0.8, 0.02, seed=7), [range(i, i + 10) for i in range(0, 40, 10)]),
        # A ring of 8 cliques of 5, each joined to the next by one edge (below the resolution
        # limit, 8 < 5 * 4 + 2, so the cliques are the modularity optimum).
        (nx.ring_of_cliques(8, 5), [range(i, i + 5) for i in range(0, 40, 5)]),
    ],
    ids=["planted-partition", "ring-of-cliques"],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_partition_recovered(planted, blocks, method, seed):
    found = communities(planted, method=method, seed=seed)
    expected = pd.Series({node: k for k, block in enumerate(blocks) for node in block})
    assert same_partition(found, expected)
    # And it scores as the planted partition does by networkx's modularity.
    assert networkx_modularity(planted, found) == pytest.approx(networkx_modularity(planted, expected), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(G=graphs(), seed=st.integers(0, 1000))
def test_leiden_communities_are_connected(G, seed):
    found = communities(G, method="leiden", seed=seed)
    for _, members in found.groupby(found):
        assert nx.is_connected(G.subgraph(members.index))


@pytest.mark.parametrize("resolution", [0.5, 1.0, 2.0], ids=["coarse", "standard", "fine"])
def test_resolution_is_passed_on(resolution):
    G = nx.les_miserables_graph()
    found = communities(G, method="leiden", resolution=resolution, seed=3)
    # Leiden optimises modularity at that resolution: it beats the single-community partition.
    assert modularity(G, found, resolution=resolution) >= modularity(G, dict.fromkeys(G, 0), resolution=resolution)
    coarse = communities(G, method="leiden", resolution=0.5, seed=3).nunique()
    fine = communities(G, method="leiden", resolution=2.0, seed=3).nunique()
    assert coarse < fine


@pytest.mark.parametrize(("ties", "expected"), [(10_000, "louvain"), (10_001, "leiden")], ids=["10000", "10001"])
def test_auto_runs_leiden_above_ten_thousand_ties(monkeypatch, ties, expected):
    # The rule of method="auto" as the docstring states it; a self-loop is not a tie.
    from clusternet.measures import _communities

    chosen = []

    def record(graph, *, method, **_):
        chosen.append(method)
        return np.zeros(graph.n, dtype=np.int64)

    monkeypatch.setattr(_communities, "_detect", record)
    G = nx.gnm_random_graph(3_000, ties, seed=0)
    G.add_edge(0, 0)
    communities(G)
    consensus_communities(G, seeds=[0, 1])
    assert chosen == [expected] * 3


def test_auto_gives_the_partition_of_the_method_it_chooses(monkeypatch):
    from clusternet.measures import _communities

    G = nx.connected_caveman_graph(6, 5)
    ties = G.number_of_edges()
    for limit, method in ((ties - 1, "leiden"), (ties, "louvain")):
        monkeypatch.setattr(_communities, "_AUTO_LEIDEN_TIES", limit)
        assert communities(G, seed=3).equals(communities(G, method=method, seed=3))


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
def test_the_seed_matters_on_a_ring(method):
    # A ring has many equally good splits: the seed picks one, so seeds give different ones.
    G = nx.cycle_graph(40)
    partitions = {tuple(communities(G, method=method, seed=s)) for s in range(5)}
    assert len(partitions) > 1


@pytest.mark.parametrize(
    ("G", "options", "error", "match"),
    [
        (nx.path_graph(3), {"method": "infomap"}, cn.OptionError, "unknown community method 'infomap'"),
        (nx.path_graph(3), {"resolution": 0}, cn.OptionError, "resolution"),
        (nx.DiGraph([(0, 1)]), {}, InvalidGraphError, "undirected"),
        (nx.MultiGraph([(0, 1)]), {}, InvalidGraphError, "undirected"),
        (nx.Graph([(0, 1, {"weight": -1.0})]), {}, InvalidGraphError, "non-negative"),
        (nx.Graph([(0, 1, {"weight": "x"})]), {}, InvalidGraphError, "'x'"),
    ],
    ids=["unknown-method", "resolution", "directed", "multigraph", "negative-weight", "text-weight"],
)
def test_bad_input(G, options, error, match):
    with pytest.raises(error, match=match) as info:
        communities(G, **options)
    assert isinstance(info.value, ValueError) and isinstance(info.value, cn.ClusternetError)


def test_empty_and_edgeless_graphs():
    assert communities(nx.Graph()).empty
    assert communities(nx.empty_graph(["b", "a", "c"]), method="leiden").to_dict() == {"b": 1, "a": 0, "c": 2}


def test_leiden_leaves_the_global_random_module_alone():
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    communities(nx.karate_club_graph(), method="leiden")
    assert random.random() == expected


# --------------------------------------------------------------------------------------------
# consensus
# --------------------------------------------------------------------------------------------


def test_consensus_finds_planted_caves():
    G = nx.connected_caveman_graph(4, 5)
    table = consensus_communities(G, seeds=range(8))
    caves = pd.Series({node: node // 5 for node in G})
    assert same_partition(table["community"], caves)
    assert table["agreement"].eq(1.0).all()
    assert table["stability"].between(0, 1).all()


def test_consensus_stability_by_hand():
    # Two triangles and an isolate: every run puts each triangle together, so every tie is
    # always within a community (stability 1); the isolate has no ties (NaN).
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z")])
    G.add_node("alone")
    table = consensus_communities(G, seeds=range(3))
    assert table["stability"].drop("alone").eq(1.0).all()
    assert math.isnan(table.loc["alone", "stability"])
    assert table["community"].to_dict() == {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1, "alone": 2}


@pytest.mark.parametrize("method", ONE_MODE, ids=list(ONE_MODE))
def test_consensus_is_deterministic_and_stable_in_range(method):
    G = nx.les_miserables_graph()
    first = consensus_communities(G, seeds=range(6), method=method)
    pd.testing.assert_frame_equal(first, consensus_communities(G, seeds=range(6), method=method))
    assert first["stability"].between(0, 1).all() and first["agreement"].between(0, 1).all()
    # Each consensus community is connected in G (components of agreed ties).
    for _, members in first.groupby("community"):
        assert nx.is_connected(G.subgraph(members.index))


def test_consensus_stability_against_a_direct_count():
    G = nx.les_miserables_graph()
    seeds = range(5)
    table = consensus_communities(G, seeds=seeds)
    runs = [communities(G, seed=s) for s in seeds]
    for node in ["Valjean", "Myriel", "Gavroche"]:
        shares = [np.mean([run[node] == run[other] for run in runs]) for other in G[node]]
        assert table.loc[node, "stability"] == pytest.approx(np.mean(shares))


def test_consensus_that_does_not_settle_warns():
    # A ring has no community structure: runs disagree, one round cannot settle it.
    G = nx.cycle_graph(40)
    with pytest.warns(ConvergenceWarning, match="did not settle"):
        table = consensus_communities(G, seeds=range(10), max_rounds=1)
    assert len(table) == 40


@pytest.mark.parametrize(
    ("options", "match"),
    [({"seeds": []}, "seed"), ({"threshold": 0}, "threshold"), ({"max_rounds": 0}, "max_rounds"),
     ({"method": "spectral"}, "unknown community method")],
    ids=["no-seeds", "threshold", "max-rounds", "method"],
)
def test_consensus_bad_options(options, match):
    with pytest.raises(cn.OptionError, match=match):
        consensus_communities(nx.path_graph(4), **options)


# --------------------------------------------------------------------------------------------
# compare_partitions and modularity
# --------------------------------------------------------------------------------------------


def brute_force_nmi(a: list, b: list) -> float:
    """NMI with arithmetic normalisation from its definition, by counting."""
    n = len(a)
    pa, pb, pab = Counter(a), Counter(b), Counter(zip(a, b, strict=True))
    entropy_a = -sum(c / n * math.log(c / n) for c in pa.values())
    entropy_b = -sum(c / n * math.log(c / n) for c in pb.values())
    if entropy_a == entropy_b == 0:
        return 1.0
    mutual = sum(c / n * math.log(c * n / (pa[x] * pb[y])) for (x, y), c in pab.items())
    return mutual / ((entropy_a + entropy_b) / 2) if mutual > 1e-15 else 0.0


def brute_force_ari(a: list, b: list) -> float:
    """ARI from the four pair counts, enumerating every pair (Hubert and Arabie 1985)."""
    both = only_a = only_b = neither = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        same_a, same_b = a[i] == a[j], b[i] == b[j]
        both += same_a and same_b
        only_a += same_a and not same_b
        only_b += same_b and not same_a
        neither += not same_a and not same_b
    if only_a == 0 and only_b == 0:
        return 1.0
    return 2.0 * (both * neither - only_a * only_b) / (
        (both + only_a) * (only_a + neither) + (both + only_b) * (only_b + neither)
    )


labelings = st.integers(1, 30).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 4), min_size=n, max_size=n),
                        st.lists(st.sampled_from("pqrst"), min_size=n, max_size=n))
)


@settings(max_examples=200, deadline=None)
@given(labels=labelings)
def test_nmi_and_ari_against_brute_force(labels):
    a, b = labels
    nodes = [f"v{i}" for i in range(len(a))]
    result = compare_partitions(dict(zip(nodes, a, strict=True)), dict(zip(nodes, b, strict=True)))
    assert result["nodes"] == len(a)
    assert result["nmi"] == pytest.approx(brute_force_nmi(a, b), abs=1e-12)
    assert result["ari"] == pytest.approx(brute_force_ari(a, b), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(labels=labelings)
def test_nmi_and_ari_against_scikit_learn(labels):
    metrics = pytest.importorskip("sklearn.metrics")
    a, b = labels
    result = compare_partitions(pd.Series(a), pd.Series(b))
    assert result["nmi"] == pytest.approx(metrics.normalized_mutual_info_score(a, b), abs=1e-12)
    assert result["ari"] == pytest.approx(metrics.adjusted_rand_score(a, b), abs=1e-12)


def test_compare_aligns_on_common_labelled_nodes():
    a = pd.Series({"w": 0, "x": 0, "y": 1, "z": 1, "extra": 2})
    b = pd.Series({"z": "q", "y": "q", "x": "p", "w": "p", "none": None})
    result = compare_partitions(a, b)
    assert (result["nodes"], result["groups_a"], result["groups_b"]) == (4, 2, 2)
    assert result["ari"] == 1.0 and result["nmi"] == pytest.approx(1.0)
    assert math.isnan(result["modularity_a"])
    empty = compare_partitions({"a": 1}, {"b": 1})
    assert empty["nodes"] == 0 and math.isnan(empty["nmi"]) and math.isnan(empty["ari"])


def test_compare_rejects_a_node_labelled_twice():
    twice = pd.Series([0, 1], index=["a", "a"])
    with pytest.raises(cn.OptionError, match="more than once"):
        compare_partitions(twice, {"a": 0})


@settings(max_examples=100, deadline=None)
@given(G=graphs(), labels=st.lists(st.integers(0, 3), min_size=16, max_size=16),
       resolution=st.sampled_from([0.5, 1.0, 1.7]), weighted=st.booleans())
def test_modularity_equals_networkx(G, labels, resolution, weighted):
    if G.number_of_edges() == 0:
        assert math.isnan(modularity(G, {}))
        return
    partition = dict(zip(G, labels, strict=False))
    groups = [set(members) for members in pd.Series(partition).groupby(pd.Series(partition)).groups.values()]
    weight = "weight" if weighted else None
    expected = nx.community.modularity(G, groups, weight=weight, resolution=resolution)
    assert modularity(G, partition, weight=weight, resolution=resolution) == pytest.approx(expected, abs=1e-12)


def test_modularity_with_unlabelled_nodes_as_singletons():
    G = nx.barbell_graph(3, 1)  # two triangles joined through node 6
    partial = {0: "a", 1: "a", 2: "a", 3: "b", 4: "b", 5: "b"}
    expected = nx.community.modularity(G, [{0, 1, 2}, {3, 4, 5}, {6}])
    assert modularity(G, partial) == pytest.approx(expected)
    result = compare_partitions(communities(G), partial, graph=G)
    assert result["modularity_b"] == pytest.approx(expected)
    assert result["modularity_a"] == pytest.approx(
        nx.community.modularity(G, [set(m.index) for _, m in communities(G).groupby(communities(G))])
    )


# --------------------------------------------------------------------------------------------
# misfits, nominal partitions, profiles
# --------------------------------------------------------------------------------------------


def test_misfits_by_hand():
    detected = pd.Series({"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1, "g": 2, "h": 2})
    nominal = pd.Series({"a": "sim", "b": "sim", "c": "vil", "d": "vil", "e": "vil", "f": "sim",
                         "g": "flux", "h": "vil", "i": "sim"})
    table = misfits(detected, nominal)
    # Community 0 maps to sim (2 of 3): c is a misfit. Community 1 maps to vil (2 of 3): f.
    # Community 2 ties flux/vil 1-1: flux sorts first, so h is the misfit. i has no community.
    assert table.index.tolist() == ["c", "f", "h"]
    assert table["community_nominal"].tolist() == ["sim", "vil", "flux"]
    assert table["nominal"].tolist() == ["vil", "sim", "vil"]
    assert table["community_share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 2])
    assert misfits(detected, detected).empty


@pytest.fixture
def small_ecosystem() -> cn.Ecosystem:
    return cn.Ecosystem(
        organisations=pd.DataFrame({
            "organisation_id": ["a", "b", "c", "d", "e"],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
            "kind": ["company", "company", "university", "company", "public_body"],
            "sector": ["chemistry", "chemistry", "", "logistics", "logistics"],
        }),
        clusters=pd.DataFrame({"cluster_id": ["k1", "k2"]}),
        memberships=pd.DataFrame({"organisation_id": ["a", "b", "b", "c", "d"],
                                  "cluster_id": ["k1", "k1", "k2", "k2", "k2"]}),
        projects=pd.DataFrame({"project_id": ["p", "q"]}),
        participations=pd.DataFrame({"project_id": ["p", "p", "q", "q", "q"],
                                     "organisation_id": ["a", "b", "b", "d", "e"]}),
    )


def test_nominal_partition(small_ecosystem, flanders):
    assert nominal_partition(small_ecosystem).to_dict() == {"a": "k1", "b": "several", "c": "k2", "d": "k2"}
    assert nominal_partition(small_ecosystem, by="kind").to_dict() == {
        "a": "company", "b": "company", "c": "knowledge_institution", "d": "company", "e": "public_body"}
    assert set(nominal_partition(flanders).index) == {f"org-{c}" for c in ["catalisti", "sim", "flux50", "vil",
                                                                           "flanders-food", "blauwe-cluster"]}
    with pytest.raises(cn.OptionError, match="by must be one of"):
        nominal_partition(small_ecosystem, by="colour")


def test_community_profile_by_hand(small_ecosystem):
    found = pd.Series({"a": 0, "b": 0, "d": 0, "c": 1, "e": 1})
    profile = community_profile(small_ecosystem, found, top=2)
    assert profile["size"].tolist() == [3, 2]
    assert profile.loc[0, "kinds"] == "company (3)"
    assert profile.loc[1, "kinds"] == "knowledge_institution (1); public_body (1)"
    assert profile.loc[0, "sectors"] == "chemistry (2); logistics (1)"
    # Memberships of a, b, d: k1 twice (a, b), k2 twice (b, d): equal counts sort by name.
    assert profile.loc[0, "clusters"] == "k1 (2); k2 (2)"
    # Without a graph: most projects first (b: 2), then a and d (1 project, 1 membership each:
    # the id decides).
    assert profile.loc[0, "top_organisations"] == "Beta; Alpha"
    G = nx.Graph([("d", "a", {"weight": 5.0}), ("a", "b", {"weight": 1.0})])
    with_graph = community_profile(small_ecosystem, found, graph=G, top=1)
    assert with_graph.loc[0, "top_organisations"] == "Alpha"


def test_community_profile_names_stay_text(small_ecosystem):
    organisations = small_ecosystem.organisations
    organisations.loc[0, "name"] = "<b>Alpha & Co</b>"
    eco = small_ecosystem.replace(organisations=organisations)
    profile = community_profile(eco, {"a": 0})
    assert profile.loc[0, "top_organisations"] == "<b>Alpha & Co</b>"


# --------------------------------------------------------------------------------------------
# The converted graph kept in G.__networkx_cache__
# --------------------------------------------------------------------------------------------


def _counting(monkeypatch, cls) -> list:
    calls = []
    convert = cls._convert.__func__

    def counted(klass, *args, **kwargs):
        calls.append(1)
        return convert(klass, *args, **kwargs)

    monkeypatch.setattr(cls, "_convert", classmethod(counted))
    return calls


def test_communities_and_modularity_convert_the_graph_once(monkeypatch):
    from clusternet.measures._communities import _Canonical

    calls = _counting(monkeypatch, _Canonical)
    G = nx.les_miserables_graph()
    found = cn.communities(G, method="leiden")
    assert cn.modularity(G, found) == pytest.approx(nx.community.modularity(G, _groups(found), weight="weight"))
    cn.communities(G, method="leiden", seed=1)
    assert len(calls) == 1
    # A weight changed in place does not clear networkx's cache; the fingerprint of the weights sees it.
    G.edges["Valjean", "Javert"]["weight"] = 40
    again = cn.communities(G, method="leiden")
    assert len(calls) == 2
    pd.testing.assert_series_equal(again, cn.communities(nx.Graph(G), method="leiden"))
    assert cn.modularity(G, again) == pytest.approx(nx.community.modularity(G, _groups(again), weight="weight"))
    # A networkx method clears the cache itself.
    before = len(calls)
    G.add_edge("Valjean", "a newcomer", weight=1)
    cn.communities(G, method="leiden")
    assert len(calls) == before + 1


def test_centrality_sees_weights_and_modes_changed_in_place(monkeypatch):
    from clusternet.measures._centrality import _Graph

    calls = _counting(monkeypatch, _Graph)
    G = nx.les_miserables_graph()
    cn.centrality(G, weight="weight")
    cn.centrality(G, weight="weight")
    assert len(calls) == 1
    G.edges["Valjean", "Javert"]["weight"] = 40
    pd.testing.assert_frame_equal(cn.centrality(G, weight="weight"), cn.centrality(nx.Graph(G), weight="weight"))
    B = nx.Graph([("ann", "p1"), ("bob", "p1"), ("bob", "p2")])
    nx.set_node_attributes(B, {"ann": 0, "bob": 0, "p1": 1, "p2": 1}, "bipartite")
    assert cn.centrality(B)["degree"]["p1"] == 1.0  # two-mode: 2 of the 2 organisations
    B.nodes["ann"]["bipartite"] = "gone"  # no longer two-mode: one-mode degree 2 / 3
    assert cn.centrality(B)["degree"]["p1"] == pytest.approx(2 / 3)


def test_centrality_and_communities_walk_the_graph_once(monkeypatch):
    import pickle

    from clusternet.measures import _converted

    walks = []
    walk = _converted.edge_arrays
    monkeypatch.setattr(_converted, "edge_arrays", lambda *args, **kwargs: walks.append(1) or walk(*args, **kwargs))
    G = nx.les_miserables_graph()
    del G.edges["Valjean", "Javert"]["weight"]  # missing: 1 for communities, an error for centrality
    found = cn.communities(G, method="leiden")
    with pytest.raises(InvalidGraphError, match="no such attribute"):
        cn.centrality(G, weight="weight")
    assert len(walks) == 1
    # The kept walk marks the missing weight by an object that survives pickling.
    again = pickle.loads(pickle.dumps(G))
    pd.testing.assert_series_equal(cn.communities(again, method="leiden"), found)
    with pytest.raises(InvalidGraphError, match="no such attribute"):
        cn.centrality(again, weight="weight")
    assert len(walks) == 1
    G.edges["Valjean", "Javert"]["weight"] = 2.0  # in place: seen by the fingerprint, walked again
    table = cn.centrality(G, weight="weight")
    assert len(walks) == 2
    pd.testing.assert_frame_equal(table, cn.centrality(nx.Graph(G), weight="weight"))
    pd.testing.assert_series_equal(cn.communities(G, method="leiden"), cn.communities(nx.Graph(G), method="leiden"))


def test_views_are_converted_every_time():
    G = nx.les_miserables_graph()
    view = G.subgraph(list(G)[:30])
    cn.communities(view, method="leiden")
    assert "clusternet" not in getattr(view, "__networkx_cache__", {})
    cn.communities(G, method="leiden")
    assert "clusternet" in G.__networkx_cache__


def _groups(labels: pd.Series) -> list[set]:
    return [set(group.index) for _, group in labels.groupby(labels)]


def test_weights_near_the_float_maximum_end_in_the_partition_of_smaller_ones():
    # Found by test_community_measures: with weights of 1.8e308 the total overflows, every
    # modularity is NaN and python-louvain looped for ever. Run in a child process so that a
    # regression fails within two minutes instead of stalling the suite. The expected partition
    # is that of the same graph with every weight divided by 1e300 (both qualities rank
    # partitions the same for scaled weights; CPM's resolution scaled with them).
    code = """
import networkx as nx, clusternet as cn
big = 1.7976931348623157e308
G = nx.Graph()
G.add_weighted_edges_from([(0, 1, big), (1, 2, big), (0, 2, big), (3, 4, big), (4, 5, big), (3, 5, big),
                           (2, 3, 1.0)])
small = nx.Graph()
small.add_weighted_edges_from((u, v, w / 1e300) for u, v, w in G.edges(data="weight"))
for method in ("louvain", "leiden", "cpm"):
    found = cn.communities(G, method=method, seed=0, **({"resolution": 0.5 * big} if method == "cpm" else {}))
    expected = cn.communities(small, method=method, seed=0,
                              **({"resolution": 0.5 * big / 1e300} if method == "cpm" else {}))
    assert found.equals(expected), (method, found.to_dict(), expected.to_dict())
    assert found.nunique() == 2, (method, found.to_dict())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
