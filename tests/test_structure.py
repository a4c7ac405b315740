"""Rich club and core-periphery against networkx, brute force and planted structure."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import clusternet as cn
from clusternet.measures import _structure


def _graphs():
    with_isolates = nx.gnm_random_graph(40, 90, seed=3)
    with_isolates.add_nodes_from(["lonely", "alone"])
    return {
        "karate": nx.karate_club_graph(),
        "powerlaw": nx.powerlaw_cluster_graph(120, 3, 0.3, seed=1),
        "isolates": with_isolates,
        "star": nx.star_graph(6),
        "one edge": nx.Graph([("a", "b")]),
    }


@pytest.mark.parametrize("name", list(_graphs()), ids=str)
def test_phi_equals_networkx(name):
    # Expected: networkx.rich_club_coefficient(normalized=False), the definition of phi(k).
    G = _graphs()[name]
    club = cn.rich_club(G, normalized=False)
    assert dict(zip(club.index, club["phi"], strict=True)) == nx.rich_club_coefficient(G, normalized=False)
    assert club[["phi_null", "phi_null_sd", "rho", "p_value"]].isna().all().all()
    degree = dict(G.degree())
    for k in club.index[:: max(1, len(club) // 4)]:  # N_{>k} and E_{>k} counted by hand
        rich = {node for node, d in degree.items() if d > k}
        assert club.loc[k, "nodes"] == len(rich)
        assert club.loc[k, "edges"] == G.subgraph(rich).number_of_edges()


def _networkx_null(G, samples, seed):
    """The mean phi over networkx double_edge_swap rewirings, the independent reference of the null."""
    top = len(nx.rich_club_coefficient(G, normalized=False))
    phis = np.zeros((samples, top))
    rng = np.random.default_rng(seed)
    for draw in range(samples):
        R = G.copy()
        nx.double_edge_swap(R, nswap=10 * G.number_of_edges(), max_tries=10**6, seed=int(rng.integers(2**31)))
        phis[draw] = list(nx.rich_club_coefficient(R, normalized=False).values())
    return phis.mean(axis=0), phis.std(axis=0, ddof=1)


@pytest.fixture(scope="module")
def karate_null():
    return _networkx_null(nx.karate_club_graph(), NULL_SAMPLES, 11)


NULL_SAMPLES = 40


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_null_mean_agrees_with_networkx_rewirings(backend, karate_null, monkeypatch):
    if backend == "networkx":
        monkeypatch.setattr(_structure, "igraph", lambda *args, **kwargs: None)
    G = nx.karate_club_graph()
    club = cn.rich_club(G, samples=NULL_SAMPLES, seed=5)
    assert club.attrs["backend"] == backend
    mean, sd = karate_null
    # Two independent samples of rewirings: their means differ by well under 5 standard errors.
    standard_error = np.sqrt((sd**2 + club["phi_null_sd"].to_numpy() ** 2) / NULL_SAMPLES)
    close = np.abs(club["phi_null"].to_numpy() - mean) <= 5 * standard_error + 1e-9
    assert close.all(), club.assign(reference=mean)[~close]
    assert np.allclose(club["rho"], club["phi"] / club["phi_null"], equal_nan=True)


def test_rewirings_keep_degrees_and_simplicity(monkeypatch):
    G = nx.powerlaw_cluster_graph(80, 3, 0.2, seed=2)
    nodes, rows, cols, _ = cn._shared.edge_arrays(G, None)
    degree = np.bincount(np.r_[rows, cols], minlength=len(nodes))
    for fallback in (False, True):
        if fallback:
            monkeypatch.setattr(_structure, "igraph", lambda *args, **kwargs: None)
        rng = np.random.default_rng(0)
        for u, v in _structure._rewirings(len(nodes), rows, cols, samples=3, swaps=2000, rng=rng):
            assert np.array_equal(np.bincount(np.r_[u, v], minlength=len(nodes)), degree)
            assert (u != v).all()
            keys = np.minimum(u, v) * len(nodes) + np.maximum(u, v)
            assert len(np.unique(keys)) == len(keys)
            assert set(zip(u.tolist(), v.tolist(), strict=True)) != set(
                zip(rows.tolist(), cols.tolist(), strict=True)
            )


def test_random_graph_has_no_rich_club_and_a_planted_one_has():
    random_graph = nx.gnm_random_graph(150, 450, seed=4)
    club = cn.rich_club(random_graph, samples=20, seed=0)
    middle = club[(club["nodes"] >= 20)]
    assert middle["rho"].between(0.6, 1.4).all()
    planted = nx.relabel_nodes(nx.circulant_graph(200, [1, 2]), lambda i: f"p{i}")
    planted.add_edges_from(nx.complete_graph(10).edges)
    planted.add_edges_from((hub, f"p{20 * hub + i}") for hub in range(10) for i in range(20))
    club = cn.rich_club(planted, samples=20, seed=0)
    assert club.loc[20, "rho"] > 1.5 and club.loc[20, "p_value"] == pytest.approx(1 / 21)


def test_same_seed_same_table():
    G = nx.powerlaw_cluster_graph(60, 2, 0.3, seed=7)
    a = cn.rich_club(G, samples=5, seed=3)
    b = cn.rich_club(G, samples=5, seed=3)
    c = cn.rich_club(G, samples=5, seed=4)
    assert a.equals(b)
    assert not a["phi_null"].equals(c["phi_null"])
    assert list(a.columns) == cn.measures.RICH_CLUB_COLUMNS


@pytest.mark.parametrize(
    ("graph", "options", "error", "match"),
    [
        (nx.DiGraph([(1, 2)]), {}, cn.InvalidGraphError, "undirected simple graph"),
        (nx.MultiGraph([(1, 2), (1, 2)]), {}, cn.InvalidGraphError, "undirected simple graph"),
        (nx.Graph([(1, 1), (1, 2)]), {}, cn.InvalidGraphError, "without self-loops; this one has 1"),
        (nx.empty_graph(5), {}, cn.InvalidGraphError, "at least one edge"),
        (nx.path_graph(4), {"samples": 0}, cn.OptionError, "samples=0 must be a whole number"),
        (nx.path_graph(4), {"swaps": 2.5}, cn.OptionError, "swaps=2.5 must be a whole number"),
        (nx.path_graph(4), {"normalized": "yes"}, cn.OptionError, "normalized='yes' must be True or False"),
    ],
    ids=["directed", "multigraph", "self-loop", "edgeless", "samples", "swaps", "normalized"],
)
def test_rich_club_bad_input(graph, options, error, match):
    with pytest.raises(error, match=match):
        cn.rich_club(graph, **options)


# --------------------------------------------------------------------------------------------
# Core and periphery
# --------------------------------------------------------------------------------------------


def _planted(n_core, n_periphery, p_core, p_between, p_periphery, seed):
    """A stochastic block model with a planted core (nodes 0 .. n_core - 1)."""
    G = nx.stochastic_block_model(
        [n_core, n_periphery],
        [[p_core, p_between], [p_between, p_periphery]],
        seed=seed,
    )
    G.graph.clear()
    for node in G:
        G.nodes[node].clear()
    return G


def _pair_correlation(G, core, weight=None):
    """Brute force: Pearson correlation over the core-core and periphery-periphery pairs (np.corrcoef)."""
    nodes = list(G)
    ties, ideal = [], []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if (a in core) != (b in core):
                continue
            value = G.edges[a, b].get(weight, 1.0) if weight and G.has_edge(a, b) else float(G.has_edge(a, b))
            ties.append(value)
            ideal.append(1.0 if a in core else 0.0)
    if np.std(ties) == 0 or np.std(ideal) == 0:
        return -np.inf
    return np.corrcoef(ties, ideal)[0, 1]


def test_coreness_is_the_least_squares_fit():
    # Expected: scipy's least_squares on the dense residuals a_ij - c_i c_j (i != j), another
    # algorithm on the same objective (Borgatti and Everett's continuous model).
    from scipy.optimize import least_squares

    G = nx.karate_club_graph()
    table = cn.core_periphery(G, samples=1)
    A = nx.to_numpy_array(G, nodelist=list(G), weight=None)
    off = ~np.eye(len(A), dtype=bool)
    n = len(A)

    def jacobian(c):  # d(a_ij - c_i c_j)/dc_k = -(c_j [k = i] + c_i [k = j])
        J = np.zeros((n, n, n))
        J[np.arange(n), :, np.arange(n)] -= c
        J[:, np.arange(n), np.arange(n)] -= c[:, None]
        return J[off]

    reference = least_squares(
        lambda c: (A - np.outer(c, c))[off],
        np.ones(n),
        jac=jacobian,
        method="lm",
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
    ).x
    reference = np.abs(reference) / np.abs(reference).max()
    assert np.allclose(table.loc[list(G), "coreness"].to_numpy(), reference, atol=1e-6)
    fitted = np.outer(reference, reference)[np.triu_indices(len(A), 1)]
    assert table.attrs["continuous_fit"] == pytest.approx(
        np.corrcoef(A[np.triu_indices(len(A), 1)], fitted)[0, 1]
    )


@pytest.mark.parametrize("seed", [0, 2], ids=lambda s: f"seed{s}")
def test_discrete_core_is_the_best_split_and_the_best_subset(seed):
    from itertools import combinations

    G = _planted(4, 7, 0.9, 0.3, 0.1, seed)
    table = cn.core_periphery(G, samples=1)
    core = set(table.index[table["core"]])
    assert table.attrs["fit"] == pytest.approx(_pair_correlation(G, core))
    # Brute force over every split by coreness ...
    ranked = table.sort_values("coreness", ascending=False, kind="stable").index.tolist()
    splits = [_pair_correlation(G, set(ranked[:k])) for k in range(2, len(G) - 1)]
    assert table.attrs["fit"] >= max(splits) - 1e-12  # the local moves start from the best split
    # ... and over every subset: the coreness order finds the best core of these planted graphs.
    best = max(
        _pair_correlation(G, set(subset)) for k in range(2, len(G) - 1) for subset in combinations(G, k)
    )
    assert table.attrs["fit"] == pytest.approx(best)


def test_planted_core_is_found_and_beats_rewired_graphs_a_random_graph_does_not():
    G = _planted(12, 60, 0.8, 0.05, 0.02, 4)
    table = cn.core_periphery(G, samples=19, seed=0)
    found = set(table.index[table["core"]])
    assert len(found & set(range(12))) >= 10 and len(found - set(range(12))) <= 3
    assert table.attrs["p_value"] == pytest.approx(1 / 20)
    assert table.attrs["fit"] > table.attrs["null_fit"] + 3 * table.attrs["null_fit_sd"]
    random_graph = nx.gnm_random_graph(72, G.number_of_edges(), seed=4)
    assert cn.core_periphery(random_graph, samples=19, seed=0).attrs["p_value"] > 0.05


def test_weights_are_fitted_when_asked():
    G = _planted(4, 7, 0.9, 0.3, 0.2, 5)
    rng = np.random.default_rng(0)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = float(rng.integers(1, 6)) * (3 if u < 4 and v < 4 else 1)
    table = cn.core_periphery(G, weight="weight", samples=3, seed=1)
    core = set(table.index[table["core"]])
    assert table.attrs["fit"] == pytest.approx(_pair_correlation(G, core, weight="weight"))
    ranked = table.sort_values("coreness", ascending=False, kind="stable").index.tolist()
    best = max(_pair_correlation(G, set(ranked[:k]), weight="weight") for k in range(2, len(G) - 1))
    assert table.attrs["fit"] >= best - 1e-12


def test_core_periphery_is_deterministic_and_keeps_isolates_in_the_periphery():
    G = _planted(5, 20, 0.8, 0.2, 0.05, 6)
    G.add_node("isolate")
    a = cn.core_periphery(G, samples=4, seed=2)
    b = cn.core_periphery(G, samples=4, seed=2)
    assert a.equals(b) and a.attrs == b.attrs
    assert not a.loc["isolate", "core"] and a.loc["isolate", "coreness"] == 0
    assert a.index.tolist() == cn._shared.sorted_nodes(G)
    # samples=0 fits the same core without the test against rewired graphs.
    untested = cn.core_periphery(G, samples=0, seed=2)
    assert untested.equals(a) and untested.attrs["fit"] == a.attrs["fit"]
    assert np.isnan(untested.attrs["p_value"]) and np.isnan(untested.attrs["null_fit"])


@pytest.mark.parametrize(
    ("graph", "options", "error", "match"),
    [
        (nx.DiGraph([(1, 2)]), {}, cn.InvalidGraphError, "undirected simple graph"),
        (nx.Graph([(1, 1), (1, 2), (2, 3), (3, 4)]), {}, cn.InvalidGraphError, "without self-loops"),
        (nx.empty_graph(6), {}, cn.InvalidGraphError, "at least one tie"),
        (nx.path_graph(3), {}, cn.InvalidGraphError, "at least four nodes with a tie.*has 3"),
        (
            nx.path_graph(5),
            {"method": "rombach"},
            cn.OptionError,
            "method='rombach' is not one of 'borgatti_everett'",
        ),
        (nx.path_graph(5), {"samples": -1}, cn.OptionError, "samples=-1 must be a whole number of at least 0"),
        (
            nx.Graph([(1, 2, {"w": -1}), (2, 3, {"w": 1}), (3, 4, {"w": 1})]),
            {"weight": "w"},
            cn.InvalidGraphError,
            r"edge weight 'w' must be a non-negative number; edge \(1, 2\) has -1",
        ),
    ],
    ids=["directed", "self-loop", "edgeless", "three nodes", "method", "samples", "negative weight"],
)
def test_core_periphery_bad_input(graph, options, error, match):
    with pytest.raises(error, match=match):
        cn.core_periphery(graph, **options)


def _period_ecosystem():
    """Three periods of projects: a stable core of six, then one member replaced, with new partners each time."""
    import pandas as pd

    rng = np.random.default_rng(3)
    rows, years = [], {}
    cores = {2016: "abcdef", 2017: "abcdef", 2018: "abcdeg"}
    for year, core in cores.items():
        partners = [f"{year}-{i}" for i in range(30)]
        for p in range(25):
            project = f"p{year}-{p}"
            years[project] = year
            members = set(rng.choice(list(core), size=3, replace=False)) | set(
                rng.choice(partners, size=2, replace=False)
            )
            rows += [(project, member) for member in sorted(members)]
    organisations = sorted({member for _, member in rows})
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": organisations}),
        projects=pd.DataFrame({"project_id": list(years), "year": list(years.values())}),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    )


def test_core_persistence_equals_core_periphery_period_by_period():
    eco = _period_ecosystem()
    periods = {"first": 2016, "second": 2017, "third": [2018]}
    table = cn.core_persistence(eco, periods, samples=3, seed=0)
    assert table.index.tolist() == ["first", "second", "third"]
    previous = None
    for label, years in periods.items():
        G = cn.organisation_network(eco, years=years)
        G.remove_nodes_from([n for n, d in G.degree() if d == 0])
        core = set(cn.core_periphery(G, samples=1).query("core").index)
        row = table.loc[label]
        assert set(row["core"]) == core
        assert row["organisations"] == G.number_of_nodes() and row["ties"] == G.number_of_edges()
        assert row["core_share"] == pytest.approx(len(core) / G.number_of_nodes())
        if previous is None:
            assert np.isnan(row["stayed"]) and np.isnan(row["jaccard"])
        else:
            assert row["stayed"] == pytest.approx(len(core & previous) / len(previous))
            assert row["jaccard"] == pytest.approx(len(core & previous) / len(core | previous))
        previous = core
    assert set("abcde") <= set(table.loc["third", "core"])
    assert cn.core_persistence(eco, [range(2016, 2018), 2018], samples=1).index.tolist() == [
        "2016-2017",
        "2018",
    ]


@pytest.mark.parametrize(
    ("periods", "match"),
    [
        ([], "periods is empty"),
        ("2016", "must be a sequence of years values"),
        ([2016, None], "a period of None"),
        ([2016, (2017, None)], "not a whole year"),
        ([2016, [2016]], "the same label twice"),
        ([1990], "the period 1990 has 0 organisations with a tie"),
    ],
    ids=["empty", "string", "none", "open end", "same label", "no projects"],
)
def test_core_persistence_bad_periods(periods, match):
    with pytest.raises((cn.OptionError, cn.InvalidGraphError), match=match):
        cn.core_persistence(_period_ecosystem(), periods, samples=1)


# --------------------------------------------------------------------------------------------
# Degree assortativity
# --------------------------------------------------------------------------------------------


def _pearson_r(edges, degree):
    """Brute force: the Pearson correlation of the degrees at both ends, each tie in both directions."""
    ends = np.array(
        [(degree[u], degree[v]) for u, v in edges] + [(degree[v], degree[u]) for u, v in edges], float
    )
    return np.corrcoef(ends[:, 0], ends[:, 1])[0, 1]


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.powerlaw_cluster_graph(60, 2, 0.4, seed=3),
        nx.gnm_random_graph(30, 70, seed=2),
    ],
    ids=["karate", "powerlaw", "random"],
)
def test_degree_assortativity_and_its_jackknife_against_brute_force(graph):
    # Expected: networkx's degree_assortativity_coefficient, and Newman's (2003) jackknife by a
    # loop that leaves out each tie and correlates the degrees again with numpy.
    result = cn.degree_assortativity(graph)
    assert result["r"] == pytest.approx(nx.degree_assortativity_coefficient(graph), abs=1e-12)
    degree = dict(graph.degree())
    edges = list(graph.edges())
    left_out = np.array([_pearson_r(edges[:i] + edges[i + 1 :], degree) for i in range(len(edges))])
    assert result["standard_error"] == pytest.approx(
        np.sqrt(((left_out - _pearson_r(edges, degree)) ** 2).sum())
    )
    assert result["ties"] == len(edges)


def test_degree_assortativity_undefined_and_bad_input():
    assert np.isnan(cn.degree_assortativity(nx.cycle_graph(6))["r"])  # every degree 2: no variance
    with pytest.raises(cn.InvalidGraphError, match="at least two ties; this graph has 1"):
        cn.degree_assortativity(nx.path_graph(2))
    with pytest.raises(cn.InvalidGraphError, match="undirected simple graph"):
        cn.degree_assortativity(nx.DiGraph([(1, 2), (2, 3)]))


# --------------------------------------------------------------------------------------------
# Small world
# --------------------------------------------------------------------------------------------


def test_small_world_observed_values_equal_networkx():
    # Expected: networkx's transitivity and average_shortest_path_length on the largest component.
    G = nx.powerlaw_cluster_graph(150, 2, 0.5, seed=3)
    G.add_edges_from([("x", "y"), ("y", "z")])  # a second, small component
    table = cn.small_world(G, samples=2, seed=0)
    largest = G.subgraph(max(nx.connected_components(G), key=len))
    assert table.loc["clustering", "observed"] == pytest.approx(nx.transitivity(G))
    assert table.loc["path_length", "observed"] == pytest.approx(nx.average_shortest_path_length(largest))
    assert table.attrs["sigma"] == pytest.approx(
        table.loc["clustering", "ratio"] / table.loc["path_length", "ratio"]
    )


def test_small_world_finds_the_watts_strogatz_world_and_not_a_random_one(monkeypatch):
    lattice = nx.connected_watts_strogatz_graph(200, 8, 0.05, seed=1)
    table = cn.small_world(lattice, samples=5, seed=0)
    assert table.attrs["sigma"] > 3
    random_graph = nx.gnm_random_graph(200, 800, seed=2)
    assert cn.small_world(random_graph, samples=5, seed=0).loc["clustering", "ratio"] == pytest.approx(
        1, abs=0.35
    )
    monkeypatch.setattr(_structure, "igraph", lambda *args, **kwargs: None)  # networkx transitivity
    fallback = cn.small_world(lattice, samples=2, seed=0)
    assert fallback.loc["clustering", "observed"] == pytest.approx(nx.transitivity(lattice))


def test_small_world_sampled_sources_estimate_the_mean_path():
    G = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=5)
    exact = nx.average_shortest_path_length(G)
    sampled = cn.small_world(G, samples=1, sources=60, seed=1)
    assert sampled.attrs["sources"] == 60
    assert sampled.loc["path_length", "observed"] == pytest.approx(exact, rel=0.05)
    assert sampled.equals(cn.small_world(G, samples=1, sources=60, seed=1))
    with pytest.raises(cn.OptionError, match="sources=0 must be a whole number"):
        cn.small_world(G, sources=0)
    with pytest.raises(cn.InvalidGraphError, match="at least two ties"):
        cn.small_world(nx.path_graph(2))
