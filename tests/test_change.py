"""Tests of period_change against networkx, kpis and brute-force permutations on tiny cases."""

from __future__ import annotations

import itertools
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import clusternet as cn
from clusternet import MissingAttributeError, MissingTableError, OptionError
from clusternet.measures import CHANGE_COLUMNS, CHANGE_NULLS

# The tiny ecosystems have one family's tables only; that the other is left out is tested once.
pytestmark = pytest.mark.filterwarnings("ignore:period_change. no .* measures:UserWarning")


def tiny_network() -> cn.Ecosystem:
    """Three projects in 2018, three in 2019; seven organisations of two sectors."""
    return cn.Ecosystem(
        organisations=pd.DataFrame(
            {"organisation_id": list("abcdefg"), "sector": ["x", "x", "y", "y", "x", "y", "unknown"]}
        ),
        projects=pd.DataFrame(
            {"project_id": ["p1", "p2", "p3", "q1", "q2", "q3"], "year": [2018, 2018, 2018, 2019, 2019, 2019]}
        ),
        participations=pd.DataFrame(
            {
                "project_id": [
                    "p1",
                    "p1",
                    "p1",
                    "p2",
                    "p2",
                    "p3",
                    "p3",
                    "q1",
                    "q1",
                    "q2",
                    "q2",
                    "q3",
                    "q3",
                    "q3",
                ],
                "organisation_id": ["a", "b", "c", "c", "d", "a", "g", "e", "f", "a", "e", "b", "f", "g"],
            }
        ),
    )


def tiny_memberships() -> cn.Ecosystem:
    """Six organisations, two clusters, memberships 2017-2019."""
    rows = [
        ("a", "k", 2017), ("a", "k", 2018), ("a", "l", 2018), ("a", "k", 2019),
        ("b", "k", 2017), ("b", "k", 2019), ("b", "l", 2019),
        ("c", "l", 2018), ("c", "l", 2019),
        ("d", "k", 2017), ("d", "k", 2018),
        ("e", "l", 2019),
        ("f", "k", 2018), ("f", "l", 2018), ("f", "k", 2019), ("f", "l", 2019),
    ]  # fmt: skip
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcdef")}),
        clusters=pd.DataFrame({"cluster_id": ["k", "l"]}),
        memberships=pd.DataFrame(rows, columns=["organisation_id", "cluster_id", "year"]),
    )


def _network_measures(eco: cn.Ecosystem, projects: list[str]) -> dict[str, float]:
    """Brute force with networkx: the organisation network of the given projects."""
    G = nx.Graph()
    sector = eco.organisations.set_index("organisation_id")["sector"]
    for _, members in eco.participations[eco.participations["project_id"].isin(projects)].groupby(
        "project_id"
    ):
        orgs = sorted(members["organisation_id"])
        G.add_nodes_from(orgs)
        G.add_edges_from(itertools.combinations(orgs, 2))
    n = G.number_of_nodes()
    degree = [d for _, d in G.degree()]
    known = G.subgraph([v for v in G if sector[v] != "unknown"])
    nx.set_node_attributes(known, {v: sector[v] for v in known}, "sector")
    return {
        "density": nx.density(G),
        "mean_degree": 2 * G.number_of_edges() / n,
        "degree_centralisation": sum(max(degree) - d for d in degree) / ((n - 1) * (n - 2)),
        "ei_index": cn.ei_index(known, "sector"),
    }


def test_network_values_equal_networkx():
    eco = tiny_network()
    table = cn.period_change(eco, 2018, 2019, attribute="sector", samples=9)
    for column, projects in (("first", ["p1", "p2", "p3"]), ("second", ["q1", "q2", "q3"])):
        expected = _network_measures(eco, projects)
        for name, value in expected.items():
            assert table.loc[name, column] == pytest.approx(value), (name, column)
    assert list(table.columns) == CHANGE_COLUMNS
    assert table.attrs["null"]["network"] == CHANGE_NULLS["network"]


def test_network_p_values_equal_a_brute_force_loop_over_the_same_permutations():
    # The same generator draws the same permutations of the period labels (projects sorted by
    # id, True for the second period); each permuted network is rebuilt with networkx.
    eco = tiny_network()
    samples = 20
    table = cn.period_change(eco, 2018, 2019, attribute="sector", samples=samples, seed=3)
    projects = ["p1", "p2", "p3", "q1", "q2", "q3"]
    label = np.array([False, False, False, True, True, True])
    rng = np.random.default_rng(3)
    observed = {
        name: _network_measures(eco, projects[3:])[name] - _network_measures(eco, projects[:3])[name]
        for name in ("density", "mean_degree", "degree_centralisation", "ei_index")
    }
    extreme = dict.fromkeys(observed, 0)
    for _ in range(samples):
        permuted = rng.permutation(label)
        second = _network_measures(eco, [p for p, s in zip(projects, permuted, strict=True) if s])
        first = _network_measures(eco, [p for p, s in zip(projects, permuted, strict=True) if not s])
        for name, d in observed.items():
            extreme[name] += abs(second[name] - first[name]) >= abs(d) - 1e-12
    for name in observed:
        assert table.loc[name, "change"] == pytest.approx(observed[name])
        assert table.loc[name, "p_value"] == pytest.approx((1 + extreme[name]) / (1 + samples)), name


def test_network_p_value_approaches_the_exact_permutation_distribution_and_is_never_zero():
    # All 20 ways of choosing which three of the six projects are the second period.
    eco = tiny_network()
    projects = ["p1", "p2", "p3", "q1", "q2", "q3"]
    observed = (
        _network_measures(eco, projects[3:])["density"] - _network_measures(eco, projects[:3])["density"]
    )
    changes = []
    for chosen in itertools.combinations(range(6), 3):
        second = [projects[i] for i in chosen]
        first = [p for p in projects if p not in second]
        changes.append(_network_measures(eco, second)["density"] - _network_measures(eco, first)["density"])
    exact = np.mean(np.abs(changes) >= abs(observed) - 1e-12)
    table = cn.period_change(eco, 2018, 2019, samples=400, seed=1)
    assert table.loc["density", "p_value"] == pytest.approx(exact, abs=0.075)  # 3 standard errors at p = 0.5
    assert (table["p_value"].dropna() > 0).all()
    one = cn.period_change(eco, 2018, 2019, samples=1, seed=1)
    assert set(one["p_value"].dropna()) <= {0.5, 1.0}  # (1 + k) / (1 + 1)


def test_membership_values_equal_kpis():
    eco = tiny_memberships()
    table = cn.period_change(eco, 2018, 2019, samples=9)
    kpis = cn.kpis(eco, by=None)
    for column, year in (("first", 2018), ("second", 2019)):
        assert table.loc["members", column] == kpis.loc[year, "members"]
        assert table.loc["retention_rate", column] == pytest.approx(kpis.loc[year, "retention_rate"])
        assert table.loc["returning_share", column] == pytest.approx(kpis.loc[year, "returning_share"])
        assert table.loc["multi_membership_share", column] == pytest.approx(
            kpis.loc[year, "multi_cluster_member_share"]
        )
    # 2017 has no year before it in the data: retention is missing, never 0
    early = cn.period_change(eco, 2017, 2019, samples=9)
    assert np.isnan(early.loc["retention_rate", "first"]) and np.isnan(early.loc["retention_rate", "p_value"])
    assert early.attrs["before_first"] == [2016]


def test_membership_p_values_equal_a_brute_force_loop_over_the_same_swaps():
    eco = tiny_memberships()
    samples = 30
    table = cn.period_change(eco, 2018, 2019, samples=samples, seed=5)
    clusters = {
        (org, year): set(group["cluster_id"])
        for (org, year), group in eco.memberships.groupby(["organisation_id", "year"])
    }
    organisations = sorted(eco.memberships["organisation_id"].unique())

    def record(org, year):
        return len(clusters.get((org, year), set())), bool(clusters.get((org, year - 1)))

    def measures(records):
        members = [r for r in records if r[0] >= 1]
        before = [r for r in records if r[1]]
        stayed = [r for r in members if r[1]]
        return {
            "members": len(members),
            "multi_membership_share": sum(r[0] >= 2 for r in members) / len(members),
            "retention_rate": len(stayed) / len(before),
            "returning_share": len(stayed) / len(members),
        }

    first = measures([record(o, 2018) for o in organisations])
    second = measures([record(o, 2019) for o in organisations])
    rng = np.random.default_rng(5)
    swaps = rng.random((samples, len(organisations))) < 0.5
    extreme = dict.fromkeys(first, 0)
    for swap in swaps:
        a = [record(o, 2019) if s else record(o, 2018) for o, s in zip(organisations, swap, strict=True)]
        b = [record(o, 2018) if s else record(o, 2019) for o, s in zip(organisations, swap, strict=True)]
        ma, mb = measures(a), measures(b)
        for name in first:
            extreme[name] += abs(mb[name] - ma[name]) >= abs(second[name] - first[name]) - 1e-12
    for name in first:
        assert table.loc[name, "change"] == pytest.approx(second[name] - first[name])
        assert table.loc[name, "p_value"] == pytest.approx((1 + extreme[name]) / (1 + samples)), name


def test_same_seed_same_table():
    eco = tiny_network()
    pd.testing.assert_frame_equal(
        cn.period_change(eco, 2018, 2019, samples=50, seed=2),
        cn.period_change(eco, 2018, 2019, samples=50, seed=2),
    )


def test_a_missing_family_is_said():
    with pytest.warns(UserWarning, match="no memberships measures"):
        table = cn.period_change(tiny_network(), 2018, 2019, samples=5)
    assert set(table["family"]) == {"network"}


BAD = [
    ("overlap", lambda: cn.period_change(tiny_network(), range(2018, 2020), 2019), OptionError, "share the year"),
    ("samples", lambda: cn.period_change(tiny_network(), 2018, 2019, samples=0), OptionError, "samples must"),
    ("years", lambda: cn.period_change(tiny_network(), "2018", 2019), OptionError, "years"),
    ("attribute", lambda: cn.period_change(tiny_network(), 2018, 2019, attribute="colour"), MissingAttributeError,
     "not a column"),
    ("empty period", lambda: cn.period_change(tiny_network(), 2016, 2019), OptionError, "has no project"),
    ("no tables", lambda: cn.period_change(cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"]})),
                                           2018, 2019), MissingTableError, "neither"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing-family warning of the ecosystems without memberships
        call()


@pytest.mark.parametrize("cluster", ["k", "l"])
def test_one_clusters_membership_values_equal_kpis_by_cluster(cluster):
    eco = tiny_memberships()
    table = cn.period_change(eco, 2018, 2019, cluster=cluster, samples=9)
    kpis = cn.kpis(eco).loc[cluster]
    for column, year in (("first", 2018), ("second", 2019)):
        assert table.loc["members", column] == kpis.loc[year, "members"]
        assert table.loc["retention_rate", column] == pytest.approx(kpis.loc[year, "retention_rate"], nan_ok=True)
        assert table.loc["returning_share", column] == pytest.approx(kpis.loc[year, "returning_share"], nan_ok=True)
        assert table.loc["multi_membership_share", column] == pytest.approx(
            kpis.loc[year, "multi_cluster_member_share"]
        )
    assert table.attrs["cluster"] == cluster
    if cluster == "l":  # l's member list starts in 2018: no retention to measure then, as in kpis
        assert np.isnan(table.loc["retention_rate", "first"])


def test_one_clusters_network_is_that_of_its_projects():
    eco = tiny_network()
    eco = eco.replace(
        clusters=pd.DataFrame({"cluster_id": ["k"]}),
        project_clusters=pd.DataFrame({"project_id": ["p1", "p2", "q1", "q3"], "cluster_id": "k"}),
    )
    table = cn.period_change(eco, 2018, 2019, cluster="k", attribute="sector", samples=9)
    for column, projects in (("first", ["p1", "p2"]), ("second", ["q1", "q3"])):
        for name, value in _network_measures(eco, projects).items():
            assert table.loc[name, column] == pytest.approx(value), (name, column)
    with pytest.raises(OptionError, match="not a cluster of this ecosystem"):
        cn.period_change(eco, 2018, 2019, cluster="spc-nowhere")
