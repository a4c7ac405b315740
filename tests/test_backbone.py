"""Backbones: each null against a brute-force computation, an independent implementation, properties."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import types
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests

import clusternet as cn
from clusternet.errors import InvalidGraphError, OptionError
from clusternet.testing import ecosystems

METHODS = ["hypergeometric", "sdsm", "disparity", "noise_corrected"]


def _ecosystem(incidence: np.ndarray) -> cn.Ecosystem:
    """An Ecosystem whose organisation-project incidence is the given 0/1 matrix."""
    rows, columns = np.nonzero(incidence)
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": [f"o{i:02d}" for i in range(incidence.shape[0])]}),
        projects=pd.DataFrame({"project_id": [f"p{j:02d}" for j in range(incidence.shape[1])]}),
        participations=pd.DataFrame({"organisation_id": [f"o{i:02d}" for i in rows],
                                     "project_id": [f"p{j:02d}" for j in columns]}),
    )


def _random_incidence(seed: int, rows: int, columns: int, density: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    incidence = (rng.random((rows, columns)) < density).astype(int)
    incidence[:, incidence.sum(axis=0) == 0] = 0
    return incidence


@pytest.fixture(scope="module")
def small_incidence() -> np.ndarray:
    return _random_incidence(7, 14, 25, 0.3)


# --------------------------------------------------------------------------------------------
# hypergeometric: scipy.stats.hypergeom, one call per pair
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed1", "seed2", "seed3"])
def test_hypergeometric_is_scipys_hypergeom_per_pair(seed):
    incidence = _random_incidence(seed, 15, 30, 0.25)
    incidence[0, :20] = 1  # a large organisation, so that tails run over many terms
    incidence[1, :15] = 1
    edges = cn.backbone_edges(_ecosystem(incidence), method="hypergeometric")
    degree = dict(zip([f"o{i:02d}" for i in range(len(incidence))], incidence.sum(axis=1), strict=True))
    projects = int((incidence.sum(axis=0) > 0).sum())
    # Source of the expected value: scipy.stats.hypergeom.sf, P(X > c - 1) = P(X >= c).
    expected = [stats.hypergeom.sf(c - 1, projects, degree[s], degree[t])
                for s, t, c in zip(edges["source"], edges["target"], edges["shared"], strict=True)]
    np.testing.assert_allclose(edges["p_value"], expected, rtol=1e-9, atol=0)


# --------------------------------------------------------------------------------------------
# sdsm: the bipartite configuration model fitted per node, P(X >= c) by enumeration
# --------------------------------------------------------------------------------------------


def _bicm_per_node(incidence: np.ndarray) -> np.ndarray:
    """BiCM probabilities fitted node by node (not by degree class), by scipy's least squares."""
    incidence = incidence[:, incidence.sum(axis=0) > 0]
    d, n = incidence.sum(axis=1), incidence.sum(axis=0)
    rows = d > 0

    def gap(theta):
        p = special.expit(theta[: rows.sum(), None] + theta[None, rows.sum():])
        return np.r_[p.sum(axis=1) - d[rows], p.sum(axis=0) - n]

    fit = optimize.least_squares(gap, np.zeros(rows.sum() + len(n)), method="lm", xtol=1e-15, ftol=1e-15,
                                 gtol=1e-15)
    probability = np.zeros(incidence.shape)
    probability[rows] = special.expit(fit.x[: rows.sum(), None] + fit.x[None, rows.sum():])
    return probability


def _tail_by_enumeration(q: np.ndarray, c: int) -> float:
    """P(sum of Bernoulli(q_p) >= c), summing over every outcome of the trials."""
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=len(q)):
        chosen = np.array(outcome)
        if chosen.sum() >= c:
            total += float(np.prod(np.where(chosen == 1, q, 1.0 - q)))
    return total


def _tail_by_convolution(q: np.ndarray, c: int) -> float:
    """P(sum of Bernoulli(q_p) >= c), one trial at a time (the plain Poisson-binomial DP)."""
    pmf = np.array([1.0])
    for value in q:
        pmf = np.convolve(pmf, [1.0 - value, value])
    return float(pmf[c:].sum())


def test_sdsm_is_the_enumerated_poisson_binomial_of_a_per_node_bicm():
    incidence = np.array([
        [1, 1, 1, 0, 1, 0, 1, 0],
        [1, 1, 0, 1, 0, 0, 1, 0],
        [0, 1, 1, 1, 0, 1, 0, 0],
        [1, 0, 0, 1, 1, 0, 0, 1],
        [0, 0, 1, 0, 1, 1, 0, 1],
    ])
    edges = cn.backbone_edges(_ecosystem(incidence), method="sdsm")
    probability = _bicm_per_node(incidence)
    # Source of the expected value: the 2^8 outcomes of the eight projects enumerated.
    expected = [_tail_by_enumeration(probability[int(s[1:])] * probability[int(t[1:])], c)
                for s, t, c in zip(edges["source"], edges["target"], edges["shared"], strict=True)]
    np.testing.assert_allclose(edges["p_value"], expected, rtol=1e-7, atol=1e-12)


def test_sdsm_long_tails_match_the_plain_dp():
    # Organisations sharing up to 40 projects, p-values down to 1e-15: long
    # convolutions, and small p-values summed term by term.
    rng = np.random.default_rng(3)
    incidence = np.zeros((40, 400), dtype=int)
    for project in range(400):  # projects of two partners, drawn at random
        incidence[rng.choice(40, size=2, replace=False), project] = 1
    incidence[:, :40] = 0
    incidence[:2, :40] = 1  # two organisations together in forty of them: a tiny p-value
    incidence[2, 40:100] = 1  # and two in sixty projects each, sharing twenty
    incidence[3, 80:140] = 1
    edges = cn.backbone_edges(_ecosystem(incidence), method="sdsm")
    assert edges["shared"].max() >= 40
    probability = _bicm_per_node(incidence)
    # Source of the expected value: Bernoulli trials convolved one project at a time.
    expected = [_tail_by_convolution(probability[int(s[1:])] * probability[int(t[1:])], c)
                for s, t, c in zip(edges["source"], edges["target"], edges["shared"], strict=True)]
    assert min(expected) < 1e-12  # where one minus the cdf would keep no digit
    np.testing.assert_allclose(edges["p_value"], expected, rtol=1e-6, atol=0)


# --------------------------------------------------------------------------------------------
# disparity and noise_corrected
# --------------------------------------------------------------------------------------------


def test_disparity_by_hand():
    G = nx.Graph()
    G.add_edge("a", "b", weight=3.0)
    G.add_edge("a", "c", weight=1.0)
    G.add_edge("b", "c", weight=1.0)
    G.add_edge("c", "d", weight=2.0)
    edges = cn.backbone_edges(G, method="disparity").set_index(["source", "target"])
    # By hand, alpha = (1 - w / s) ** (k - 1) with s_a = 4, s_b = 4, s_c = 4, s_d = 2:
    # a-b: at a (1 - 3/4)^1 = 0.25, at b (1 - 3/4)^1 = 0.25
    # a-c: at a (1 - 1/4)^1 = 0.75, at c (1 - 1/4)^2 = 0.5625
    # c-d: at c (1 - 2/4)^2 = 0.25, at d (a single tie) 1
    expected = {("a", "b"): (0.25, 0.25), ("a", "c"): (0.75, 0.5625), ("b", "c"): (0.75, 0.5625),
                ("c", "d"): (0.25, 1.0)}
    for pair, (p_source, p_target) in expected.items():
        assert edges.loc[pair, "p_source"] == pytest.approx(p_source)
        assert edges.loc[pair, "p_target"] == pytest.approx(p_target)
        assert edges.loc[pair, "p_value"] == pytest.approx(min(p_source, p_target))


def _netbone(name: str):
    """A netbone function, imported without netbone's __init__ (which imports jax and igraph)."""
    if "netbone" not in sys.modules:
        spec = importlib.util.find_spec("netbone")
        if spec is None:
            pytest.skip("netbone is not installed (pip install netbone, into the test environment only)")
        package = types.ModuleType("netbone")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["netbone"] = package
    try:
        module = importlib.import_module(f"netbone.statistical.{name}")
    except Exception as err:  # netbone pins old versions of everything; any import error is a skip
        pytest.skip(f"netbone.statistical.{name} does not import here: {err}")
    return getattr(module, name)


def _weighted_graph(seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.gnm_random_graph(40, 150, seed=seed)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = float(rng.integers(1, 10))
    return G


@pytest.mark.parametrize("seed", [0, 1], ids=["seed0", "seed1"])
def test_disparity_matches_netbone(seed):
    disparity = _netbone("disparity")
    G = _weighted_graph(seed)
    ours = cn.backbone_edges(G, method="disparity")
    theirs = nx.to_pandas_edgelist(disparity(G).graph)
    theirs[["source", "target"]] = np.sort(theirs[["source", "target"]].to_numpy(), axis=1)
    ours[["source", "target"]] = np.sort(ours[["source", "target"]].to_numpy(dtype=int), axis=1)
    merged = ours.merge(theirs, on=["source", "target"], suffixes=("", "_netbone"))
    assert len(merged) == G.number_of_edges()
    # netbone leaves no p-value on a tie between two nodes of degree one; ours is 1 there.
    np.testing.assert_allclose(merged["p_value"], merged["p_value_netbone"].fillna(1.0), rtol=1e-12)


def _coscia_reference(G: nx.Graph) -> pd.DataFrame:
    """noise_corrected as Coscia's backboning.py computes it, on the symmetric edge table."""
    table = pd.DataFrame([(u, v, w) for u, v, w in G.edges(data="weight")], columns=["src", "trg", "nij"])
    table = pd.concat([table, table.rename(columns={"src": "trg", "trg": "src"})], ignore_index=True)
    table["ni."] = table.groupby("src")["nij"].transform("sum")
    table["n.j"] = table.groupby("trg")["nij"].transform("sum")
    n = table["nij"].sum()
    ni, nj, nij = table["ni."], table["n.j"], table["nij"]
    mean_prior = ni * nj / n / n
    kappa = n / (ni * nj)
    table["score"] = (kappa * nij - 1) / (kappa * nij + 1)
    var_prior = (1 / n**2) * (ni * nj * (n - ni) * (n - nj)) / (n**2 * (n - 1))
    alpha_prior = (mean_prior**2 / var_prior) * (1 - mean_prior) - mean_prior
    beta_prior = (mean_prior / var_prior) * (1 - mean_prior**2) - (1 - mean_prior)
    expected = (alpha_prior + nij) / (alpha_prior + nij + n - nij + beta_prior)
    variance_nij = expected * (1 - expected) * n
    d = 1.0 / (ni * nj) - n * ((ni + nj) / (ni * nj) ** 2)
    table["sd"] = (variance_nij * ((2 * (kappa + nij * d)) / ((kappa * nij) + 1) ** 2) ** 2) ** 0.5
    return table[table["src"] < table["trg"]].rename(columns={"src": "source", "trg": "target"})


@pytest.mark.parametrize("seed", [0, 1], ids=["seed0", "seed1"])
def test_noise_corrected_matches_coscias_formulas(seed):
    G = _weighted_graph(seed)
    ours = cn.backbone_edges(G, method="noise_corrected", alpha=0.05)
    ours[["source", "target"]] = np.sort(ours[["source", "target"]].to_numpy(dtype=int), axis=1)
    merged = ours.merge(_coscia_reference(G), on=["source", "target"], suffixes=("", "_reference"))
    assert len(merged) == G.number_of_edges()
    np.testing.assert_allclose(merged["score"], merged["score_reference"], rtol=1e-12)
    np.testing.assert_allclose(merged["sd"], merged["sd_reference"], rtol=1e-9)
    # The authors keep a tie when score > delta * sd; alpha = 0.05 is delta = 1.645.
    delta = stats.norm.isf(0.05)
    np.testing.assert_array_equal(merged["significant"], merged["score_reference"] > delta * merged["sd_reference"])


# --------------------------------------------------------------------------------------------
# Sources, graphs and options
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["hypergeometric", "sdsm"], ids=["hypergeometric", "sdsm"])
def test_a_two_mode_graph_gives_the_ecosystems_table(small_incidence, method):
    eco = _ecosystem(small_incidence)
    B = cn.bipartite_graph(eco)
    from_graph = cn.backbone_edges(B, method=method)
    pd.testing.assert_frame_equal(from_graph, cn.backbone_edges(eco, method=method))
    G = cn.backbone(B, method=method, alpha=0.5)
    assert sorted(G.nodes) == sorted(eco.organisations["organisation_id"])
    assert all(bipartite == 0 for _, bipartite in G.nodes(data="bipartite"))
    assert sorted(G.edges) == sorted(cn.backbone(eco, method=method, alpha=0.5).edges)


@pytest.mark.parametrize("method", ["hypergeometric", "sdsm"], ids=["hypergeometric", "sdsm"])
def test_kinds_cut_after_the_null(small_incidence, method):
    # As in organisation_network, degrees and project sizes count every participant: the ties
    # between companies keep the p-values they have in the whole network.
    eco = _ecosystem(small_incidence)
    kinds = ["company" if k % 2 else "knowledge_institution" for k in range(len(small_incidence))]
    eco = cn.Ecosystem(organisations=eco.organisations.assign(kind=kinds), projects=eco.projects,
                       participations=eco.participations)
    companies = cn.backbone_edges(eco, method=method, kinds="company")
    pd.testing.assert_frame_equal(companies[["source", "target", "weight", "shared"]],
                                  cn.organisation_edges(eco, kinds="company"))
    everyone = cn.backbone_edges(eco, method=method).set_index(["source", "target"])
    np.testing.assert_allclose(companies["p_value"],
                               everyone.loc[list(zip(companies["source"], companies["target"], strict=True)),
                                            "p_value"], rtol=1e-12)


def test_backbone_keeps_nodes_and_significant_ties():
    incidence = _random_incidence(5, 14, 60, 0.08)
    incidence[:3, :10] = 1  # three organisations that meet far more often than chance
    eco = _ecosystem(incidence)
    edges = cn.backbone_edges(eco, method="hypergeometric", alpha=0.5, correction="fdr_bh")
    G = cn.backbone(eco, method="hypergeometric", alpha=0.5, correction="fdr_bh")
    assert G.number_of_nodes() == len(eco.organisations)
    assert G.graph == {"network": "organisation", "method": "hypergeometric", "alpha": 0.5,
                       "correction": "fdr_bh", "weight": "count"}
    kept = edges[edges["significant"]]
    assert 0 < len(kept) < len(edges)
    assert sorted(G.edges) == sorted(zip(kept["source"], kept["target"], strict=True))
    table = cn.edge_table(G)
    pd.testing.assert_series_equal(table["p_value"], kept["p_value"].reset_index(drop=True))


def test_backbone_of_a_weighted_graph_keeps_its_nodes():
    G = _weighted_graph(3)
    nx.set_node_attributes(G, "x", "colour")
    B = cn.backbone(G, method="disparity", alpha=0.3)
    assert set(B.nodes) == set(G.nodes) and all(colour == "x" for _, colour in B.nodes(data="colour"))
    assert set(B.edges) <= set(G.edges)


def test_sdsm_warns_when_the_configuration_model_cannot_reach_the_degrees():
    # An organisation in every project: its probabilities tend to 1 and the fit never closes.
    incidence = _random_incidence(7, 10, 20, 0.3)
    incidence[0] = 1
    with pytest.warns(cn.ConvergenceWarning, match="did not reach the observed degrees"):
        edges = cn.backbone_edges(_ecosystem(incidence), method="sdsm")
    assert edges["p_value"].between(0, 1).all()


def test_no_tie_warns():
    eco = _ecosystem(np.eye(3, dtype=int))
    with pytest.warns(UserWarning, match="no two organisations share a project"):
        edges = cn.backbone_edges(eco, method="sdsm")
    assert list(edges.columns) == ["source", "target", "weight", "shared", "p_value", "p_adjusted", "significant"]
    assert edges.empty


def _directed():
    return nx.DiGraph([(1, 2)])


def _not_two_mode():
    G = nx.Graph()
    G.add_edge("a", "b")
    return G


def _negative():
    G = nx.Graph()
    G.add_edge("a", "b", weight=-1.0)
    return G


BAD = [
    ("method", lambda eco: cn.backbone_edges(eco, method="bonferroni"), OptionError, "method="),
    ("alpha-zero", lambda eco: cn.backbone_edges(eco, method="sdsm", alpha=0), OptionError, "alpha=0"),
    ("alpha-bool", lambda eco: cn.backbone_edges(eco, method="sdsm", alpha=True), OptionError, "alpha=True"),
    ("alpha-big", lambda eco: cn.backbone_edges(eco, method="sdsm", alpha=1.5), OptionError, "alpha=1.5"),
    ("correction", lambda eco: cn.backbone_edges(eco, method="sdsm", correction="bonferroni"), OptionError,
     "correction="),
    ("weight", lambda eco: cn.backbone_edges(eco, method="disparity", weight="strength"), OptionError, "weight="),
    ("weight-graph", lambda eco: cn.backbone_edges(_negative(), method="disparity", weight="count"), OptionError,
     "weight='count'"),
    ("years-graph", lambda eco: cn.backbone_edges(_negative(), method="disparity", years=2020), OptionError,
     "years=2020"),
    ("directed", lambda eco: cn.backbone_edges(_directed(), method="disparity"), InvalidGraphError, "undirected"),
    ("not-two-mode", lambda eco: cn.backbone_edges(_not_two_mode(), method="hypergeometric"), InvalidGraphError,
     "bipartite=0 or 1"),
    ("negative", lambda eco: cn.backbone_edges(_negative(), method="noise_corrected"), InvalidGraphError,
     "non-negative"),
    ("not-a-graph", lambda eco: cn.backbone_edges([("a", "b")], method="disparity"), InvalidGraphError, "list"),
]


@pytest.mark.parametrize(("call", "error", "match"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_input(small_incidence, call, error, match):
    with pytest.raises(error, match=match):
        call(_ecosystem(small_incidence))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(eco=ecosystems(max_organisations=10, max_projects=8, with_clusters=False),
       method=st.sampled_from(METHODS), correction=st.sampled_from([None, "holm", "fdr_bh"]),
       alpha=st.sampled_from([0.01, 0.05, 0.5]), weight=st.sampled_from(["count", "newman", "jaccard"]))
def test_every_tie_is_tested_and_significance_is_p_after_correction(eco, method, correction, alpha, weight):
    plain = cn.organisation_edges(eco, weight=weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no tie at all, or a degree sequence BiCM cannot fit
        edges = cn.backbone_edges(eco, method=method, alpha=alpha, correction=correction, weight=weight)
    pd.testing.assert_frame_equal(edges[["source", "target", "weight", "shared"]], plain)
    p = edges["p_value"].to_numpy()
    assert ((p >= 0) & (p <= 1)).all()
    expected = p if correction is None or len(p) == 0 else multipletests(p, method=correction)[1]
    np.testing.assert_allclose(edges["p_adjusted"], expected)
    np.testing.assert_array_equal(edges["significant"], edges["p_adjusted"] <= alpha)


@pytest.mark.parametrize(("method", "expected"), [("disparity", "newman"), ("noise_corrected", "newman"),
                                                  ("hypergeometric", "count"), ("sdsm", "count")],
                         ids=["disparity", "noise-corrected", "hypergeometric", "sdsm"])
def test_weighted_nulls_default_to_newman_weights_on_an_ecosystem(method, expected):
    # The default is stated in the docstring; the weights tested are those organisation_edges
    # gives for that weighting (the independent reference here), and the graph records it.
    eco = cn.datasets.synthetic_ecosystem(scale=0.1)
    edges = cn.backbone_edges(eco, method=method)
    reference = cn.organisation_edges(eco, weight=expected)
    np.testing.assert_allclose(edges["weight"].to_numpy(), reference["weight"].to_numpy())
    assert cn.backbone(eco, method=method).graph["weight"] == expected
