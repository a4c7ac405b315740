"""Tests of bootstrap, jackknife, their thin uses and community_agreement against hand counts, scipy and brute force."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

import clusternet as cn
from clusternet import MissingAttributeError, OptionError
from clusternet.measures import INTERVAL_COLUMNS


def tiny_clusters() -> cn.Ecosystem:
    """Clusters A, B, C; p1 and p2 carried by A and B, p3 by A and C, p4 by B alone."""
    return cn.Ecosystem(
        clusters=pd.DataFrame({"cluster_id": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4"]}),
        project_clusters=pd.DataFrame(
            {
                "project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4"],
                "cluster_id": ["A", "B", "A", "B", "A", "C", "B"],
            }
        ),
    )


@pytest.fixture(scope="module")
def small() -> cn.Ecosystem:
    return small_ecosystem()


def small_ecosystem() -> cn.Ecosystem:
    """Twelve organisations of three sectors (one unknown), four clusters, ten projects."""
    rng = np.random.default_rng(7)
    organisations = pd.DataFrame(
        {
            "organisation_id": [f"o{i:02d}" for i in range(12)],
            "kind": "company",
            "sector": [
                "food",
                "food",
                "food",
                "chem",
                "chem",
                "chem",
                "ict",
                "ict",
                "ict",
                "food",
                "chem",
                "unknown",
            ],
        }
    )
    projects = pd.DataFrame({"project_id": [f"p{j:02d}" for j in range(10)]})
    rows = []
    for j in range(10):
        size = int(rng.integers(2, 6))
        for i in rng.choice(12, size=size, replace=False):
            rows.append((f"p{j:02d}", f"o{i:02d}"))
    participations = pd.DataFrame(rows, columns=["project_id", "organisation_id"])
    clusters = pd.DataFrame({"cluster_id": ["s1", "s2", "i1", "i2"], "type": ["SPC", "SPC", "IBN", "IBN"]})
    members = [(f"o{i:02d}", c) for i in range(12) for c in ("s1", "s2", "i1", "i2") if rng.random() < 0.45]
    memberships = pd.DataFrame(members, columns=["organisation_id", "cluster_id"])
    carried = [(f"p{j:02d}", c) for j in range(10) for c in ("s1", "s2", "i1", "i2") if rng.random() < 0.4]
    project_clusters = pd.DataFrame(carried, columns=["project_id", "cluster_id"])
    return cn.Ecosystem(
        organisations=organisations,
        clusters=clusters,
        memberships=memberships,
        projects=projects,
        participations=participations,
        project_clusters=project_clusters,
    )


# --- the jackknife, worked by hand -------------------------------------------------------------


def test_jackknife_of_cluster_degree_and_strength_worked_by_hand():
    # A's strength is 3 (p1, p2 with B; p3 with C); without p1, p2 or p3 it is 2, without p4
    #   (B's alone) 3: mean 9/4, SE sqrt(3/4 * (3 * (1/4)^2 + (3/4)^2)) = 3/4, bias 3 (9/4 - 3) = -9/4.
    # A's degree is 2; without p3 it is 1, without p1, p2 or p4 still 2: mean 7/4,
    #   SE sqrt(3/4 * (3 * (1/4)^2 + (3/4)^2)) = sqrt(3/4 * 3/4) = 3/4, bias 3 (7/4 - 2) = -3/4.
    table = cn.degree_intervals(tiny_clusters(), top=None, method="jackknife")
    degree, strength = table.loc[("A", "degree")], table.loc[("A", "strength")]
    assert degree["estimate"] == 2 and strength["estimate"] == 3
    assert degree["standard_error"] == pytest.approx(0.75)
    assert degree["bias"] == pytest.approx(-0.75)
    assert strength["standard_error"] == pytest.approx(0.75)
    assert strength["bias"] == pytest.approx(-2.25)
    half = stats.t.ppf(0.975, 3) * 0.75  # estimate +- t(n - 1) SE
    assert (degree["low"], degree["high"]) == pytest.approx((2 - half, 2 + half))
    assert table.loc[("A", "degree"), "name"] == "Alpha"
    assert table.attrs["method"] == "jackknife" and table.attrs["samples"] == 4


def test_generic_jackknife_equals_the_thin_use_and_a_hand_mean():
    eco = tiny_clusters()

    def strength(e):  # each cluster's joint projects, counted once per partner, from the table
        carried = e.project_clusters.groupby("project_id")["cluster_id"].agg(list)
        totals = dict.fromkeys(["A", "B", "C"], 0)
        for clusters in carried:
            for c in clusters:
                totals[c] += len(clusters) - 1
        return pd.Series(totals)

    generic = cn.jackknife(eco, strength)
    thin = cn.degree_intervals(eco, top=None, method="jackknife").xs("strength", level="measure")
    pd.testing.assert_frame_equal(generic[INTERVAL_COLUMNS], thin[INTERVAL_COLUMNS], check_names=False)
    # The mean consortium size of projects of 3, 2 and 1 members: without each, 1.5, 2, 2.5;
    # SE = sqrt(2/3 * (0.25 + 0 + 0.25)) = sqrt(1/3), no bias.
    sizes = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abc")}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"]}),
        participations=pd.DataFrame(
            {
                "project_id": ["p1", "p1", "p1", "p2", "p2", "p3"],
                "organisation_id": ["a", "b", "c", "a", "b", "a"],
            }
        ),
    )
    row = cn.jackknife(sizes, lambda e: e.participations.groupby("project_id").size().mean()).iloc[0]
    assert row["estimate"] == pytest.approx(2.0)
    assert row["standard_error"] == pytest.approx(math.sqrt(1 / 3))
    assert row["bias"] == pytest.approx(0.0)


# --- the bootstrap against scipy.stats.bootstrap on the same resamples -----------------------


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"], ids=["percentile", "basic", "bca"])
def test_bootstrap_equals_scipy_on_the_same_resamples(method, small):
    # Independent: scipy resamples the array of consortium sizes itself; clusternet resamples the
    # projects of the ecosystem (with their participations) and recomputes the mean from tables.
    eco = small
    sizes = eco.participations.groupby("project_id").size().sort_index().to_numpy(dtype=float)
    ours = cn.bootstrap(
        eco,
        lambda e: e.participations.groupby("project_id").size().mean(),
        samples=30,
        seed=11,
        method=method,
    ).iloc[0]
    theirs = stats.bootstrap(
        (sizes,),
        np.mean,
        n_resamples=30,
        rng=np.random.default_rng(11),
        method="BCa" if method == "bca" else method,
    )
    assert ours["estimate"] == pytest.approx(sizes.mean())
    assert ours["standard_error"] == pytest.approx(theirs.standard_error)
    assert ours["low"] == pytest.approx(theirs.confidence_interval.low)
    assert ours["high"] == pytest.approx(theirs.confidence_interval.high)
    assert ours["bias"] == pytest.approx(theirs.bootstrap_distribution.mean() - sizes.mean())


def test_cluster_strength_bootstrap_equals_scipy_on_a_brute_force_count():
    # scipy draws project indices; the statistic counts each cluster's joint projects by hand.
    eco = tiny_clusters()
    carried = {"p1": {"A", "B"}, "p2": {"A", "B"}, "p3": {"A", "C"}, "p4": {"B"}}
    projects = sorted(carried)

    def strength(indices):
        totals = {c: 0 for c in "ABC"}
        for i in indices:
            clusters = carried[projects[int(i)]]
            for c in clusters:
                totals[c] += len(clusters) - 1
        return np.array([totals[c] for c in "ABC"], dtype=float)

    theirs = stats.bootstrap(
        (np.arange(4),),
        strength,
        n_resamples=40,
        rng=np.random.default_rng(5),
        method="percentile",
        vectorized=False,
    )
    ours = cn.degree_intervals(eco, top=None, samples=40, seed=5).xs("strength", level="measure")
    assert ours["low"].to_numpy() == pytest.approx(theirs.confidence_interval.low)
    assert ours["high"].to_numpy() == pytest.approx(theirs.confidence_interval.high)
    assert ours["standard_error"].to_numpy() == pytest.approx(theirs.standard_error)


# --- the thin uses against the generic bootstrap (brute force on rebuilt ecosystems) ---------


def _known_sector_ei(e: cn.Ecosystem, weight: str | None) -> float:
    G = cn.organisation_network(e, weight=weight or "count")
    known = [node for node, sector in G.nodes(data="sector") if sector not in (None, "unknown")]
    return cn.ei_index(G.subgraph(known), "sector", weight=None if weight is None else "weight")


@pytest.mark.parametrize("weight", [None, "count", "newman"], ids=["unweighted", "count", "newman"])
def test_ei_index_intervals_equal_brute_force_resamples(weight, small):
    eco = small
    fast = cn.ei_index_intervals(eco, "sector", weight=weight, samples=12, seed=2)
    slow = cn.bootstrap(eco, lambda e: _known_sector_ei(e, weight), samples=12, seed=2)
    assert fast.loc["ei_index", "estimate"] == pytest.approx(_known_sector_ei(eco, weight))
    assert fast[INTERVAL_COLUMNS].to_numpy() == pytest.approx(slow[INTERVAL_COLUMNS].to_numpy())
    assert fast.attrs["groups"] == 3  # unknown is never a group


def test_organisation_degree_intervals_equal_brute_force_resamples(small):
    eco = small
    fast = cn.degree_intervals(eco, nodes="organisations", top=4, samples=12, seed=4, method="basic")
    chosen = list(dict.fromkeys(fast.index.get_level_values(0)))

    def degrees(e):
        G = cn.organisation_network(e, weight="count")
        return pd.Series(
            {
                (node, measure): (G.degree(node) if measure == "degree" else G.degree(node, weight="weight"))
                for node in chosen
                for measure in ("degree", "strength")
            }
        )

    slow = cn.bootstrap(eco, degrees, samples=12, seed=4, method="basic")
    assert fast[INTERVAL_COLUMNS].to_numpy() == pytest.approx(slow[INTERVAL_COLUMNS].to_numpy())
    G = cn.organisation_network(eco)
    by_degree = sorted(G, key=lambda node: (-G.degree(node), -G.degree(node, weight="weight"), node))
    assert chosen == by_degree[:4]


@pytest.mark.parametrize(
    ("via", "unit", "measure"),
    [
        ("memberships", "organisation", "overlap"),
        ("memberships", "organisation", "jaccard"),
        ("intercluster", "project", "shared"),
        ("intercluster", "project", "overlap"),
    ],
    ids=["memberships-overlap", "memberships-jaccard", "intercluster-shared", "intercluster-overlap"],
)
@pytest.mark.filterwarnings("ignore:.*undefined \\(NaN\\) in some resamples:UserWarning")
def test_overlap_intervals_equal_brute_force_resamples(via, unit, measure, small):
    eco = small
    if (
        via == "intercluster"
    ):  # the thin use resamples the projects that carry a cluster row; so does this one
        carried = set(eco.project_clusters["project_id"]) & set(eco.participations["project_id"])
        eco = eco.replace(
            projects=eco.projects[eco.projects["project_id"].isin(carried)],
            participations=eco.participations[eco.participations["project_id"].isin(carried)],
            project_clusters=eco.project_clusters[eco.project_clusters["project_id"].isin(carried)],
        )
    fast = cn.overlap_intervals(eco, between=("SPC", "IBN"), via=via, measure=measure, samples=10, seed=9)

    def shares(e):
        return cn.overlap(e, between=("SPC", "IBN"), via=via).set_index(["source", "target"])[measure]

    slow = cn.bootstrap(eco, shares, unit=unit, samples=10, seed=9)
    assert fast.attrs["unit"] == unit
    pd.testing.assert_index_equal(fast.index, slow.index)
    assert fast[INTERVAL_COLUMNS].to_numpy() == pytest.approx(slow[INTERVAL_COLUMNS].to_numpy(), nan_ok=True)


# --- determinism and input order ---------------------------------------------------------------


def test_same_seed_same_table_and_row_order_does_not_matter(small):
    eco = small
    first = cn.overlap_intervals(eco, samples=30, seed=3)
    pd.testing.assert_frame_equal(first, cn.overlap_intervals(eco, samples=30, seed=3))
    assert not first.equals(cn.overlap_intervals(eco, samples=30, seed=4))
    shuffled = eco.replace(
        memberships=eco.memberships.sample(frac=1, random_state=1),
        participations=eco.participations.sample(frac=1, random_state=1),
    )
    pd.testing.assert_frame_equal(
        cn.ei_index_intervals(eco, "sector", samples=30, seed=3),
        cn.ei_index_intervals(shuffled, "sector", samples=30, seed=3),
    )
    pd.testing.assert_frame_equal(first, cn.overlap_intervals(shuffled, samples=30, seed=3))


def test_a_copied_unit_gets_a_fresh_id():
    eco = tiny_clusters()
    seen = []
    cn.bootstrap(eco, lambda e: seen.append(e.projects["project_id"].tolist()) or 0.0, samples=5, seed=0)
    for ids in seen[1:]:
        assert len(ids) == 4 and len(set(ids)) == 4
        assert all(i.split("#")[0] in {"p1", "p2", "p3", "p4"} for i in ids)


# --- community agreement ---------------------------------------------------------------------


def test_community_agreement_equals_sklearn_scores_per_seed():
    G = nx.connected_caveman_graph(4, 5)
    G.remove_edges_from([(0, 1), (5, 6)])
    G.add_nodes_from(["lonely-1", "lonely-2"])  # isolates: left out by default
    nominal = {node: (node // 5 if isinstance(node, int) else "none") for node in G}
    nominal[3] = 2  # one node nominally elsewhere
    table = cn.community_agreement(G, nominal, methods=["louvain"], seeds=range(4), consensus=False)
    nodes = [node for node in G if G.degree(node) > 0]
    nmi, ari = [], []
    for seed in range(4):
        found = cn.communities(G, seed=seed).loc[nodes]
        nmi.append(normalized_mutual_info_score([nominal[n] for n in nodes], found.to_numpy()))
        ari.append(adjusted_rand_score([nominal[n] for n in nodes], found.to_numpy()))
    row = table.loc[("louvain", "nmi")]
    assert row["mean"] == pytest.approx(np.mean(nmi))
    assert row["min"] == pytest.approx(min(nmi)) and row["max"] == pytest.approx(max(nmi))
    assert row["sd"] == pytest.approx(np.std(nmi, ddof=1))
    assert table.loc[("louvain", "ari"), "mean"] == pytest.approx(np.mean(ari))
    assert math.isnan(table.loc[("louvain", "nmi"), "consensus"])
    assert table.attrs["nodes"] == 20 and table.attrs["isolates_left_out"] == 2
    with_isolates = cn.community_agreement(G, nominal, methods=["louvain"], seeds=range(2), isolates=True)
    assert with_isolates.attrs["nodes"] == 22


def test_community_agreement_over_methods_reports_the_consensus():
    pytest.importorskip("igraph")
    G = nx.connected_caveman_graph(3, 4)
    table = cn.community_agreement(G, {node: node // 4 for node in G}, seeds=range(2))
    assert list(table.index.get_level_values("method").unique()) == ["louvain", "leiden"]
    assert table.xs("nmi", level="measure")["consensus"].to_numpy() == pytest.approx([1.0, 1.0])


# --- bad input ---------------------------------------------------------------------------------

BAD = [
    ("unit", lambda eco: cn.bootstrap(eco, lambda e: 1.0, unit="firm"), OptionError, "unit must be one of"),
    ("samples", lambda eco: cn.bootstrap(eco, lambda e: 1.0, samples=1), OptionError, "samples must be"),
    ("level", lambda eco: cn.bootstrap(eco, lambda e: 1.0, level=95), OptionError, "level must be"),
    (
        "method",
        lambda eco: cn.bootstrap(eco, lambda e: 1.0, method="bias"),
        OptionError,
        "method must be one of",
    ),
    ("frame", lambda eco: cn.bootstrap(eco, lambda e: e.projects), OptionError, "returned a DataFrame"),
    ("text", lambda eco: cn.bootstrap(eco, lambda e: "many"), OptionError, "must return a number"),
    ("nodes", lambda eco: cn.degree_intervals(eco, nodes="firms"), OptionError, "nodes must be one of"),
    ("top", lambda eco: cn.degree_intervals(eco, top=0), OptionError, "top must be"),
    (
        "newman clusters",
        lambda eco: cn.degree_intervals(eco, weight="newman"),
        OptionError,
        "for organisations",
    ),
    (
        "weight",
        lambda eco: cn.ei_index_intervals(eco, "sector", weight="jaccard"),
        OptionError,
        "weight must be",
    ),
    (
        "attribute",
        lambda eco: cn.ei_index_intervals(eco, "colour"),
        MissingAttributeError,
        "no column 'colour'",
    ),
    ("measure", lambda eco: cn.overlap_intervals(eco, measure="association"), OptionError, "measure must be"),
    (
        "between",
        lambda eco: cn.overlap_intervals(eco, between=("SPC", "Moonshot")),
        OptionError,
        "no cluster has",
    ),
    ("seeds", lambda eco: cn.community_agreement(nx.path_graph(3), {0: 0}, seeds=[]), OptionError, "seeds"),
    (
        "methods",
        lambda eco: cn.community_agreement(nx.path_graph(3), {0: 0}, methods=["kmeans"]),
        OptionError,
        "methods must name",
    ),
    ("no groups", lambda eco: cn.community_agreement(nx.path_graph(3), {9: 0}), OptionError, "no node"),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_input_raises_a_clear_error(call, error, message, small):
    with pytest.raises(error, match=message):
        call(small)
