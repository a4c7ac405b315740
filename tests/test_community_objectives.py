"""Tests of the constant Potts model, resolution profiles, two-mode communities (Barber) and AMI/VI."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusternet import InvalidGraphError, OptionError
from clusternet.measures import (
    PROFILE_COLUMNS,
    bipartite_modularity,
    communities,
    compare_partitions,
    consensus_communities,
    modularity,
    resolution_profile,
)


def set_partitions(items: list):
    """Every partition of ``items`` (Bell(n) of them), as lists of blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        for i in range(len(partition)):
            yield partition[:i] + [[first, *partition[i]]] + partition[i + 1 :]
        yield [[first], *partition]


def as_labels(partition: list) -> dict:
    return {node: k for k, block in enumerate(partition) for node in block}


def cpm_by_hand(G: nx.Graph, labels: dict, resolution: float) -> float:
    """Traag et al.'s H = sum_c e_c - gamma C(n_c, 2), counted from networkx."""
    inside = sum(w for u, v, w in G.edges(data="weight", default=1.0) if labels[u] == labels[v])
    sizes = Counter(labels.values())
    return inside - resolution * sum(n * (n - 1) / 2 for n in sizes.values())


def barber_by_hand(B: nx.Graph, labels: dict, resolution: float = 1.0) -> float:
    """Barber (2007) eq. 7, Q_b = 1/m sum_ij (A_ij - k_i d_j / m) delta(g_i, h_j), over every red-blue pair."""
    red = [n for n in B if B.nodes[n]["bipartite"] == 0]
    blue = [n for n in B if B.nodes[n]["bipartite"] == 1]
    m = B.size(weight="weight")
    k = dict(B.degree(weight="weight"))
    total = 0.0
    for i in red:
        for j in blue:
            if labels[i] == labels[j]:
                a = B.edges[i, j].get("weight", 1.0) if B.has_edge(i, j) else 0.0
                total += a - resolution * k[i] * k[j] / m
    return total / m


def random_bipartite(seed: int, red: int = 4, blue: int = 4, p: float = 0.45) -> nx.Graph:
    rng = np.random.default_rng(seed)
    B = nx.Graph()
    B.add_nodes_from((f"o{i}", {"bipartite": 0}) for i in range(red))
    B.add_nodes_from((f"p{j}", {"bipartite": 1}) for j in range(blue))
    for i in range(red):
        for j in range(blue):
            if rng.random() < p:
                B.add_edge(f"o{i}", f"p{j}", weight=float(rng.choice([1.0, 2.0, 3.0])))
    return B


def planted_bipartite(
    seed: int, blocks: int = 3, red: int = 12, blue: int = 8, inside: float = 0.6, between: float = 0.02
) -> tuple[nx.Graph, pd.Series]:
    rng = np.random.default_rng(seed)
    B = nx.Graph()
    truth = {}
    for b in range(blocks):
        for i in range(red):
            B.add_node(f"o{b}-{i}", bipartite=0)
            truth[f"o{b}-{i}"] = b
        for j in range(blue):
            B.add_node(f"p{b}-{j}", bipartite=1)
            truth[f"p{b}-{j}"] = b
    for u in [n for n in B if B.nodes[n]["bipartite"] == 0]:
        for v in [n for n in B if B.nodes[n]["bipartite"] == 1]:
            if rng.random() < (inside if truth[u] == truth[v] else between):
                B.add_edge(u, v)
    return B, pd.Series(truth)


# --------------------------------------------------------------------------------------------
# The constant Potts model
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["graph-1", "graph-2", "graph-3"])
def test_cpm_reaches_the_brute_force_optimum(seed):
    # The expected value: the best H over all Bell(7) = 877 partitions of a 7-node graph.
    G = nx.gnp_random_graph(7, 0.5, seed=seed)
    resolution = 0.4
    best = max(cpm_by_hand(G, as_labels(p), resolution) for p in set_partitions(list(G)))
    found = communities(G, method="cpm", resolution=resolution, seed=0)
    assert cpm_by_hand(G, found.to_dict(), resolution) == pytest.approx(best, abs=1e-12)


def test_cpm_default_resolution_is_the_density():
    G = nx.les_miserables_graph()
    density = G.size(weight="weight") / (len(G) * (len(G) - 1) / 2)
    assert communities(G, method="cpm").equals(communities(G, method="cpm", resolution=density))
    # Without weights the density is networkx's.
    unweighted = communities(G, method="cpm", weight=None)
    assert unweighted.equals(communities(G, method="cpm", resolution=nx.density(G), weight=None))


def test_cpm_resolution_is_a_density_threshold():
    # Four 5-cliques in a ring: merging two cliques adds one tie over 25 pairs, so below a
    # density of 1/25 they merge and above it every clique is its own community (worked by hand).
    G = nx.ring_of_cliques(4, 5)
    assert communities(G, method="cpm", resolution=0.05).nunique() == 4
    assert communities(G, method="cpm", resolution=0.03).nunique() == 2


# --------------------------------------------------------------------------------------------
# resolution_profile
# --------------------------------------------------------------------------------------------


def test_profile_boundaries_by_hand():
    # Ring of four 5-cliques (hand-worked): all four together up to gamma = 2 ties / 100 pairs,
    # pairs of cliques up to 1 / 25, single cliques up to 10 ties / 10 pairs = 1.
    profile = resolution_profile(nx.ring_of_cliques(4, 5), method="cpm")
    assert list(profile.columns) == list(PROFILE_COLUMNS)
    assert profile["communities"].tolist() == [1, 2, 4]
    assert profile["resolution_high"].tolist() == pytest.approx([0.02, 0.04, 1.0])
    assert profile["resolution_low"].iloc[0] == pytest.approx(1 / 190)  # w_min / C(20, 2)
    assert profile["plateau"].tolist() == [False, False, True]


@pytest.mark.parametrize("method", ["cpm", "modularity"], ids=["cpm", "modularity"])
def test_profile_rows_are_the_partitions_communities_returns(method):
    G = nx.karate_club_graph()
    profile = resolution_profile(G, method=method, seed=2)
    assert profile.equals(resolution_profile(G, method=method, seed=2))  # deterministic for a seed
    # Contiguous ranges, and the penalty falls as the resolution rises (a convex envelope).
    assert np.allclose(profile["resolution_high"].to_numpy()[:-1], profile["resolution_low"].to_numpy()[1:])
    assert profile["penalty"].is_monotonic_decreasing
    assert profile["plateau"].sum() == 1
    for row in profile.itertuples():
        found = communities(
            G, method="cpm" if method == "cpm" else "leiden", resolution=row.resolution, seed=2
        )
        assert found.nunique() == row.communities
        if method == "cpm":  # counted from networkx
            assert row.quality == pytest.approx(cpm_by_hand(G, found.to_dict(), row.resolution), rel=1e-12)
        else:  # networkx's modularity at that resolution
            expected = nx.community.modularity(
                G, [set(m.index) for _, m in found.groupby(found)], weight="weight", resolution=row.resolution
            )
            assert row.quality == pytest.approx(expected, abs=1e-12)
            assert row.quality == pytest.approx(modularity(G, found, resolution=row.resolution), abs=1e-12)


@pytest.mark.parametrize("method", ["cpm", "modularity"], ids=["cpm", "modularity"])
def test_profile_is_at_least_as_good_as_a_grid_of_direct_runs(method):
    # The independent value: Leiden run directly on a grid of 30 resolutions; the profile's best
    # line at each must be at least that run's quality (else the bisection missed a partition).
    G = nx.les_miserables_graph()
    profile = resolution_profile(G, method=method, seed=0)
    low, high = profile["resolution_low"].iloc[0], profile["resolution_high"].iloc[-1]
    for resolution in np.geomspace(low, high, 30):
        found = communities(G, method="cpm" if method == "cpm" else "leiden", resolution=resolution, seed=0)
        direct = (
            cpm_by_hand(G, found.to_dict(), resolution)
            if method == "cpm"
            else modularity(G, found, resolution=resolution)
        )
        best = (profile["internal"] - resolution * profile["penalty"]).max()
        assert best >= direct - 1e-9 * (1 + abs(direct))


def test_profile_plateau_finds_planted_groups():
    # Planted partition: 4 groups of 15, p_in = 0.6, p_out = 0.02; the plateau's partition is the groups.
    G = nx.planted_partition_graph(4, 15, 0.6, 0.02, seed=4)
    groups = pd.Series({node: node // 15 for node in G})
    profile = resolution_profile(G, method="cpm", seed=0)
    row = profile[profile["plateau"]].iloc[0]
    found = communities(G, method="cpm", resolution=row["resolution"], seed=0)
    assert compare_partitions(found, groups)["ari"] == 1.0
    assert row["resolution_low"] < 0.1 < row["resolution_high"]  # between p_out and p_in


@pytest.mark.parametrize(
    ("G", "options", "match"),
    [
        (nx.path_graph(3), {"method": "leiden"}, "method must be one of 'cpm', 'modularity'"),
        (nx.path_graph(3), {"resolution_range": (1.0, 0.5)}, "low < high"),
        (nx.path_graph(3), {"resolution_range": (0, 1)}, "positive"),
        (nx.path_graph(3), {"resolution_range": "ab"}, "two numbers"),
        (nx.path_graph(3), {"tolerance": 0}, "tolerance"),
        (nx.empty_graph(3), {}, "no tie of positive weight"),
    ],
    ids=["method", "reversed-range", "zero", "not-numbers", "tolerance", "edgeless"],
)
def test_profile_bad_input(G, options, match):
    with pytest.raises(OptionError, match=match):
        resolution_profile(G, **options)


# --------------------------------------------------------------------------------------------
# Barber's bipartite modularity and BRIM
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6), ids=[f"graph-{s}" for s in range(6)])
def test_bipartite_modularity_equals_barbers_formula(seed):
    B = random_bipartite(seed, red=5, blue=6)
    rng = np.random.default_rng(seed)
    for resolution in (1.0, 0.5):
        labels = {node: int(rng.integers(0, 3)) for node in B}
        assert bipartite_modularity(B, labels, resolution=resolution) == pytest.approx(
            barber_by_hand(B, labels, resolution), abs=1e-12
        )


def test_bipartite_modularity_by_hand():
    # a, b on side 0; p (both) and q (b alone) on side 1; m = 3, k = (1, 2), d = (2, 1):
    # Q_b = 1/3 [(1 - 1*2/3) + (1 - 2*1/3)] = 2/9.
    B = nx.Graph([("a", "p"), ("b", "p"), ("b", "q")])
    nx.set_node_attributes(B, {"a": 0, "b": 0, "p": 1, "q": 1}, "bipartite")
    assert bipartite_modularity(B, {"a": 0, "p": 0, "b": 1, "q": 1}) == pytest.approx(2 / 9, abs=1e-15)
    # Unlabelled nodes are singletons: {a, p} together, b and q alone: 1/3 (1 - 2/3) = 1/9.
    assert bipartite_modularity(B, {"a": 0, "p": 0}) == pytest.approx(1 / 9, abs=1e-15)
    assert math.isnan(bipartite_modularity(nx.Graph(B.subgraph(["a", "q"])), {"a": 0}))


@pytest.mark.parametrize("seed", range(5), ids=[f"graph-{s}" for s in range(5)])
def test_barber_reaches_the_brute_force_optimum(seed):
    # The expected value: the best Q_b over all Bell(8) = 4,140 partitions of 4 + 4 nodes.
    B = random_bipartite(100 + seed)
    B.remove_nodes_from([n for n, d in list(B.degree()) if d == 0])
    if B.number_of_edges() == 0:
        pytest.skip("no edges drawn")
    best = max(barber_by_hand(B, as_labels(p)) for p in set_partitions(list(B)))
    found = communities(B, method="barber", seed=seed)
    assert bipartite_modularity(B, found) == pytest.approx(best, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1], ids=["planted-0", "planted-1"])
def test_barber_recovers_planted_blocks(seed):
    # Three blocks of 12 organisations and 8 projects, ties drawn with p = 0.6 inside, 0.02 across.
    B, truth = planted_bipartite(seed)
    found = communities(B, method="barber", seed=seed)
    assert compare_partitions(found, truth)["ari"] == 1.0
    # Looser blocks: where BRIM departs from the planted partition, it is because it found a better one.
    B, truth = planted_bipartite(seed + 2, inside=0.5, between=0.03)
    found = communities(B, method="barber", seed=seed)
    assert bipartite_modularity(B, found) >= bipartite_modularity(B, truth) - 1e-12
    assert compare_partitions(found, truth)["ari"] > 0.9


def test_barber_is_deterministic_and_independent_of_insertion_order():
    B, _ = planted_bipartite(3, between=0.1)
    found = communities(B, method="barber", seed=7)
    assert found.equals(communities(B, method="barber", seed=7))
    H = nx.Graph()
    H.add_nodes_from(reversed(list(B.nodes(data=True))))
    H.add_edges_from((v, u) for u, v in reversed(list(B.edges())))
    assert found.equals(communities(H, method="barber", seed=7).loc[list(B)])


# On the organisation-project graph of the synthetic ecosystem: the docs block of
# docs/measures-rd-networks.md (tests/test_rd_networks_page.py) checks BRIM against Leiden's Q_b.


def test_barber_consensus_over_seeds():
    B, truth = planted_bipartite(0)
    table = consensus_communities(B, method="barber", seeds=range(3))
    assert compare_partitions(table["community"], truth)["ari"] == 1.0


@pytest.mark.parametrize(
    ("edges", "sides", "match"),
    [
        ([("a", "p")], {"a": 0}, "node 'p' has None"),
        ([("a", "p")], {"a": 0, "p": True}, "node 'p' has True"),
        ([("a", "b")], {"a": 0, "b": 0}, r"edge \('a', 'b'\) joins two nodes of side 0"),
    ],
    ids=["missing-side", "boolean-side", "same-side"],
)
def test_barber_bad_graphs(edges, sides, match):
    B = nx.Graph(edges)
    nx.set_node_attributes(B, sides, "bipartite")
    for call in (
        lambda: communities(B, method="barber"),
        lambda: bipartite_modularity(B, dict.fromkeys(B, 0)),
    ):
        with pytest.raises(InvalidGraphError, match=match):
            call()


# --------------------------------------------------------------------------------------------
# AMI and the variation of information
# --------------------------------------------------------------------------------------------


def brute_force_expected_mi(a: list, b: list) -> float:
    """E[I] by shuffling: the mean MI of ``a`` against every permutation of ``b`` (exact for small n)."""

    def mutual(x, y):
        n = len(x)
        px, py, pxy = Counter(x), Counter(y), Counter(zip(x, y, strict=True))
        return sum(c / n * math.log(c * n / (px[i] * py[j])) for (i, j), c in pxy.items())

    values = [mutual(a, list(p)) for p in itertools.permutations(b)]
    return sum(values) / len(values)


def brute_force_vi(a: list, b: list) -> float:
    """H(A|B) + H(B|A) from conditional distributions (Meila 2007, eq. 15's two terms)."""
    n = len(a)

    def conditional(x, y):
        total = 0.0
        for value, count in Counter(y).items():
            inside = [xi for xi, yi in zip(x, y, strict=True) if yi == value]
            total += count / n * -sum(c / count * math.log(c / count) for c in Counter(inside).values())
        return total

    return conditional(a, b) + conditional(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([0, 0, 1, 1, 2], [0, 1, 1, 1, 0]),
        ([0, 0, 0, 1, 1, 1, 2], [5, 5, 6, 6, 7, 7, 7]),
        ([0, 1, 2, 3], [0, 0, 1, 1]),
    ],
    ids=["five", "seven", "four"],
)
def test_ami_against_the_shuffle_expectation(a, b):
    # E[I] by enumerating every permutation (at most 7! = 5,040), plugged into Vinh et al.'s eq.
    entropy = lambda x: -sum(c / len(x) * math.log(c / len(x)) for c in Counter(x).values())  # noqa: E731
    expected = brute_force_expected_mi(a, b)
    mutual = (entropy(a) + entropy(b) - brute_force_vi(a, b)) / 2  # VI = H(A) + H(B) - 2 I
    ami = (mutual - expected) / ((entropy(a) + entropy(b)) / 2 - expected)
    assert compare_partitions(pd.Series(a), pd.Series(b))["ami"] == pytest.approx(ami, abs=1e-12)


labelings = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.sampled_from("pqrstu"), min_size=n, max_size=n),
    )
)


@settings(max_examples=20, deadline=None)
@given(labels=labelings)
def test_ami_against_scikit_learn_and_vi_against_its_definition(labels):
    metrics = pytest.importorskip("sklearn.metrics")
    a, b = labels
    result = compare_partitions(pd.Series(a), pd.Series(b))
    assert result["ami"] == pytest.approx(metrics.adjusted_mutual_info_score(a, b), abs=1e-10)
    assert result["variation_of_information"] == pytest.approx(brute_force_vi(a, b), abs=1e-12)


def test_ami_on_many_groups_against_scikit_learn():
    # Thousands of nodes in hundreds of groups of skewed sizes: the grouping by sizes must agree.
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    a = np.minimum(rng.zipf(1.7, 3000), 400)
    b = rng.integers(0, 60, 3000)
    result = compare_partitions(pd.Series(a), pd.Series(b))
    assert result["ami"] == pytest.approx(metrics.adjusted_mutual_info_score(a, b), abs=1e-10)


def test_vi_and_ami_by_hand():
    a = {"w": 0, "x": 0, "y": 1, "z": 1}
    # H(A|B) = 3/4 H(2/3, 1/3), H(B|A) = 1/2 log 2: VI = 3/4 log 3 (worked by hand).
    result = compare_partitions(a, {"w": "p", "x": "p", "y": "p", "z": "q"})
    assert result["variation_of_information"] == pytest.approx(0.75 * math.log(3), abs=1e-15)
    same = compare_partitions(a, {"w": "r", "x": "r", "y": "s", "z": "s"})
    assert same["ami"] == pytest.approx(1.0, abs=1e-12) and same["variation_of_information"] == pytest.approx(
        0.0
    )
    empty = compare_partitions({}, {})
    assert math.isnan(empty["ami"]) and math.isnan(empty["variation_of_information"])
