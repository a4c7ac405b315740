"""Independent oracles for the numbers of the bridging measures that had none (issue #22).

Each expected value comes from a computation that shares no code with clusternet: a loop over
every pair of nodes, networkx on an equivalent multigraph, an exhaustive enumeration of labelings
or of graphs. A mutant that changes the formula (a lost factor 2, n_g instead of n_g - 1, a
self-loop counted, p = k/n) changes the number these tests compare.
"""

from __future__ import annotations

import itertools
import math
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import clusternet as cn


def _random_grouped(n: int, p: float, groups: int, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=seed)
    nx.set_node_attributes(G, {v: "abcd"[int(rng.integers(groups))] for v in G}, "group")
    return G


GRAPHS = [(12, 0.3, 2, 1), (15, 0.25, 3, 2), (9, 0.5, 4, 3), (20, 0.15, 3, 4)]


# --- E-I: the self-loop rule ---------------------------------------------------------------


def test_self_loops_do_not_count_in_the_ei_index():
    # The docstring's rule: self-loops are ignored. The path a-b-c-d has one tie across and two
    # inside, (1 - 2) / 3; a loop on a would make it (1 - 3) / 4 = -0.5 if it counted.
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "a")])
    groups = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert cn.ei_index(G, groups) == pytest.approx(-1 / 3)
    nodes = cn.group_mixing(G, groups, level="node")
    assert nodes.loc["a", ["internal", "external"]].tolist() == [1.0, 0.0]
    per_group = cn.group_mixing(G, groups)
    assert per_group.loc["x", ["internal", "external"]].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("spec", GRAPHS, ids=str)
def test_loops_leave_every_level_unchanged(spec):
    G = _random_grouped(*spec)
    looped = G.copy()
    looped.add_edges_from((v, v) for v in list(G)[::3])
    for level in ("graph", "group", "node"):
        pd.testing.assert_frame_equal(cn.group_mixing(looped, "group", level=level),
                                      cn.group_mixing(G, "group", level=level))


# --- expected E-I: brute force over every pair of nodes --------------------------------------


def _pair_ei(pairs, group) -> float:
    external = sum(group[u] != group[v] for u, v in pairs)
    internal = len(pairs) - external
    return (external - internal) / (external + internal)


@pytest.mark.parametrize("spec", GRAPHS, ids=str)
def test_expected_ei_is_the_ei_of_all_pairs(spec):
    # Ties falling on pairs at random: the expected E-I is the E-I of the complete graph on the
    # same nodes, counted here pair by pair (graph level: every pair; group g: pairs touching g;
    # node i: pairs (i, j) with j any other node).
    G = _random_grouped(*spec)
    group = nx.get_node_attributes(G, "group")
    pairs = list(itertools.combinations(G, 2))
    graph = cn.group_mixing(G, "group", level="graph")
    assert graph.loc["graph", "expected_ei_index"] == pytest.approx(_pair_ei(pairs, group))
    per_group = cn.group_mixing(G, "group")
    for g in per_group.index:
        touching = [(u, v) for u, v in pairs if g in (group[u], group[v])]
        assert per_group.loc[g, "expected_ei_index"] == pytest.approx(_pair_ei(touching, group)), g
    nodes = cn.group_mixing(G, "group", level="node")
    for v in G:
        own = [(v, u) for u in G if u != v]
        assert nodes.loc[v, "expected_ei_index"] == pytest.approx(_pair_ei(own, group)), v


def test_expected_ei_hand_worked_path():
    # Path a-b-c-d, groups x x y y: 4 of the 6 pairs cross, 2 are inside: (4 - 2) / 6 = 1/3.
    G = nx.path_graph(["a", "b", "c", "d"])
    groups = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert cn.group_mixing(G, groups, level="graph").loc["graph", "expected_ei_index"] == pytest.approx(1 / 3)
    # Node a: of its 3 possible partners 2 are in y and 1 in x: (2 - 1) / 3.
    assert cn.group_mixing(G, groups, level="node").loc["a", "expected_ei_index"] == pytest.approx(1 / 3)


# --- weighted assortativity: networkx on the multigraph of integer weights -------------------


def _as_multigraph(G: nx.Graph, weight: str) -> nx.MultiGraph:
    M = nx.MultiGraph()
    M.add_nodes_from(G.nodes(data=True))
    for u, v, w in G.edges(data=weight):
        M.add_edges_from([(u, v)] * int(w))
    return M


@pytest.mark.parametrize("spec", GRAPHS, ids=str)
def test_weighted_assortativity_equals_networkx_on_repeated_ties(spec):
    # A tie of integer weight w is w parallel ties for networkx's mixing matrix (it counts every
    # key of a multigraph), so the weighted coefficient must equal networkx's on that multigraph.
    G = _random_grouped(*spec)
    rng = np.random.default_rng(spec[-1])
    nx.set_edge_attributes(G, {e: int(rng.integers(1, 5)) for e in G.edges}, "weight")
    expected = nx.attribute_assortativity_coefficient(_as_multigraph(G, "weight"), "group")
    assert cn.nominal_assortativity(G, "group", weight="weight") == pytest.approx(expected)
    graph = cn.group_mixing(G, "group", weight="weight", level="graph")
    assert graph.loc["graph", "assortativity"] == pytest.approx(expected)


def test_weighted_assortativity_hand_worked_cycle():
    # 4-cycle a-b-c-d-a with groups x x y y; the ties inside the groups weigh 2, those across 1.
    # Tie ends: e_xx = e_yy = 4/12, e_xy = e_yx = 2/12; a = b = 1/2; r = (8/12 - 1/2) / (1/2) = 1/3.
    # Unweighted, every tie weighs 1: e_xx = e_yy = 1/4, r = 0. (The 0.667 is with the
    # inside ties weighing 5: e_ii = 5/12 each, r = (10/12 - 1/2) / (1/2) = 2/3.)
    G = nx.cycle_graph(["a", "b", "c", "d"])
    groups = {"a": "x", "b": "x", "c": "y", "d": "y"}
    nx.set_node_attributes(G, groups, "group")
    assert cn.nominal_assortativity(G, "group") == pytest.approx(0.0)
    nx.set_edge_attributes(G, {("a", "b"): 2, ("c", "d"): 2, ("b", "c"): 1, ("d", "a"): 1}, "weight")
    assert cn.nominal_assortativity(G, "group", weight="weight") == pytest.approx(1 / 3)
    nx.set_edge_attributes(G, {("a", "b"): 5, ("c", "d"): 5}, "weight")
    assert cn.nominal_assortativity(G, "group", weight="weight") == pytest.approx(2 / 3)


# --- permutation p-values ------------------------------------------------------------------


def test_permutation_p_values_count_the_observed_as_one_permutation():
    G = nx.barbell_graph(6, 0)
    nx.set_node_attributes(G, {v: "left" if v < 6 else "right" for v in G}, "side")
    result = cn.permutation_test(G, cn.ei_index, "side", n=199, seed=2)
    null, observed, n = np.asarray(result.null), result.observed, 199
    assert len(null) == n
    # Davison and Hinkley (1997, eq. 4.11): p = (1 + #{null as extreme}) / (n + 1), never 0.
    assert result.p_less == pytest.approx((1 + np.sum(null <= observed)) / (n + 1))
    assert result.p_greater == pytest.approx((1 + np.sum(null >= observed)) / (n + 1))
    mean = null.mean()
    assert result.p == pytest.approx((1 + np.sum(np.abs(null - mean) >= abs(observed - mean))) / (n + 1))
    # The planted blocks are more extreme than every shuffle, so the smallest p is 1 / (n + 1).
    assert result.p_less == pytest.approx(1 / (n + 1))
    assert min(result.p, result.p_less, result.p_greater) > 0


def test_permutation_null_matches_the_exact_distribution_of_labelings():
    # 7 nodes, 3 labelled x: all C(7, 3) = 35 labelings enumerated give the exact null of the
    # E-I index; 400 shuffles must reproduce its probabilities within sampling error.
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6)])
    nx.set_node_attributes(G, {v: "x" if v < 3 else "y" for v in G}, "g")
    exact = []
    for chosen in itertools.combinations(G, 3):
        labels = {v: "x" if v in chosen else "y" for v in G}
        exact.append(cn.ei_index(G, labels))
    exact = np.array(exact)
    observed = cn.ei_index(G, "g")
    exact_p_less = np.mean(exact <= observed + 1e-12)
    result = cn.permutation_test(G, cn.ei_index, "g", n=400, seed=11)
    n = 400
    standard_error = math.sqrt(exact_p_less * (1 - exact_p_less) / n)
    assert abs(result.p_less - (1 + exact_p_less * n) / (n + 1)) < 4 * standard_error + 1 / n
    values, counts = np.unique(np.round(exact, 12), return_counts=True)
    seen = {v: c for v, c in zip(*np.unique(np.round(result.null, 12), return_counts=True), strict=True)}
    for value, count in zip(values, counts, strict=True):
        share = count / len(exact)
        assert abs(seen.get(value, 0) / n - share) < 4 * math.sqrt(share * (1 - share) / n), value


# --- brokerage: exact moments of the Bernoulli graph by enumerating every graph -------------


def _roles_of(broker, adjacency, group):
    counts = dict.fromkeys(cn.BROKERAGE_ROLES, 0)
    nodes = range(len(group))
    for a, c in itertools.permutations(nodes, 2):
        if broker in (a, c) or not (adjacency[a][broker] and adjacency[broker][c]) or adjacency[a][c]:
            continue
        ga, gb, gc = group[a], group[broker], group[c]
        if ga == gb == gc:
            counts["coordinator"] += 1
        elif ga == gc != gb:
            counts["itinerant"] += 1
        elif ga == gb != gc:
            counts["representative"] += 1
        elif gb == gc != ga:
            counts["gatekeeper"] += 1
        else:
            counts["liaison"] += 1
    return counts


def test_brokerage_expected_counts_are_the_bernoulli_graph_means():
    # Gould and Fernandez's expected role counts are those of a random graph with the observed
    # density d. On 5 actors the 2^10 graphs are few enough to weigh each by d^L (1 - d)^(10 - L)
    # and take the exact mean of every role of every actor.
    groups = ["x", "x", "x", "y", "z"]
    ids = [f"o{i}" for i in range(5)]
    # Projects of two partners each: ties o0-o1, o1-o2, o1-o3, o3-o4: L = 4, d = 4/10.
    ties = [(0, 1), (1, 2), (1, 3), (3, 4)]
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ids}),
        projects=pd.DataFrame({"project_id": [f"p{k}" for k in range(len(ties))]}),
        participations=pd.DataFrame(
            [(f"p{k}", ids[end]) for k, tie in enumerate(ties) for end in tie],
            columns=["project_id", "organisation_id"]),
    )
    table = cn.brokerage(eco, pd.Series(groups, index=ids))
    d = len(ties) / 10
    pairs = list(itertools.combinations(range(5), 2))
    mean = {(b, role): 0.0 for b in range(5) for role in (*cn.BROKERAGE_ROLES, "total")}
    square = dict.fromkeys(mean, 0.0)
    for present in itertools.product((0, 1), repeat=len(pairs)):
        adjacency = [[0] * 5 for _ in range(5)]
        for (u, v), on in zip(pairs, present, strict=True):
            adjacency[u][v] = adjacency[v][u] = on
        ties_here = sum(present)
        probability = d**ties_here * (1 - d) ** (len(pairs) - ties_here)
        for b in range(5):
            counts = _roles_of(b, adjacency, groups)
            counts["total"] = sum(counts.values())
            for role, count in counts.items():
                mean[b, role] += probability * count
                square[b, role] += probability * count**2
    checked = 0
    for b in range(5):
        for role in (*cn.BROKERAGE_ROLES, "total"):
            assert table.loc[ids[b], f"expected_{role}"] == pytest.approx(mean[b, role]), (b, role)
            # The sd behind the z-scores is the exact one of the Bernoulli graph too (sna's is
            # smaller by sqrt(2) for the roles whose pairs count in both directions).
            exact_sd = math.sqrt(square[b, role] - mean[b, role] ** 2)
            z = table.loc[ids[b], f"z_{role}"]
            if exact_sd > 0:
                checked += 1
                assert z == pytest.approx((table.loc[ids[b], role] - mean[b, role]) / exact_sd), (b, role)
    assert checked >= 15


# --- permutation_test's options (survivors of scripts/mutate: messages and swaps untested) -----


@pytest.mark.parametrize(
    ("options", "message"),
    [({"method": "bootstrap"}, "method must be 'shuffle' or 'rewire', not 'bootstrap'"),
     ({"n": 0}, "n must be at least 1, not 0"),
     ({"attribute": {0: "a"}}, "needs the groups as a node attribute name")],
    ids=["method", "n", "attribute"],
)
def test_permutation_test_says_what_was_wrong(options, message):
    G = nx.path_graph(4)
    nx.set_node_attributes(G, dict.fromkeys(G, "a"), "g")
    call = {"attribute": "g", **options}
    with pytest.raises(cn.OptionError, match=re.escape(message)):
        cn.permutation_test(G, cn.ei_index, call.pop("attribute"), **call)


def test_rewire_swaps_as_many_ties_as_asked(monkeypatch):
    # The docstring: double edge swaps per rewired graph, by default the number of edges.
    G = nx.cycle_graph(8)
    nx.set_node_attributes(G, {v: "ab"[v % 2] for v in G}, "g")
    asked = []
    real = nx.double_edge_swap

    def recording(graph, nswap=1, max_tries=100, seed=None):
        asked.append(nswap)
        return real(graph, nswap=nswap, max_tries=max_tries, seed=seed)

    monkeypatch.setattr(nx, "double_edge_swap", recording)
    cn.permutation_test(G, cn.ei_index, "g", n=3, method="rewire")
    cn.permutation_test(G, cn.ei_index, "g", n=2, method="rewire", swaps=5)
    assert asked == [8, 8, 8, 5, 5]
