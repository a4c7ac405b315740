"""Cluster overlap, multi-membership and niche mapping against set computations and scipy."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

import clusternet as cn


def _random_ecosystem(seed: int, organisations: int = 30, spcs: int = 3, ibns: int = 5) -> cn.Ecosystem:
    rng = np.random.default_rng(seed)
    ids = [f"o{i:02d}" for i in range(organisations)]
    clusters = [f"spc{i}" for i in range(spcs)] + [f"ibn{i}" for i in range(ibns)]
    rows = []
    for cluster in clusters:
        size = int(rng.integers(0, organisations // 2))
        for member in rng.choice(organisations, size=size, replace=False):
            rows.append((ids[member], cluster, int(rng.choice([2019, 2020]))))
    return cn.Ecosystem(
        organisations=pd.DataFrame(
            {"organisation_id": ids, "kind": rng.choice(["company", "knowledge_institution"], size=organisations)}
        ),
        clusters=pd.DataFrame({"cluster_id": clusters, "type": ["SPC"] * spcs + ["IBN"] * ibns}),
        memberships=pd.DataFrame(rows, columns=["organisation_id", "cluster_id", "year"]),
    )


def _members(eco, years=None):
    table = eco.memberships
    if years is not None:
        table = table[table["year"].isin(years)]
    sets = {c: set() for c in eco.clusters["cluster_id"]}
    for org, cluster in zip(table["organisation_id"], table["cluster_id"], strict=True):
        sets[cluster].add(org)
    return sets


def _brute_pair(S, T, N):
    shared = len(S & T)
    union = len(S | T)
    return {
        "shared": shared,
        "jaccard": shared / union if union else math.nan,
        "overlap": shared / min(len(S), len(T)) if min(len(S), len(T)) else math.nan,
        "cosine": shared / math.sqrt(len(S) * len(T)) if len(S) * len(T) else math.nan,
        "association": shared * N / (len(S) * len(T)) if len(S) * len(T) else math.nan,
        # P(X >= shared) for X ~ Hypergeom(N, |S|, |T|), as an explicit sum of the pmf.
        "p_value": sum(hypergeom.pmf(x, N, len(S), len(T)) for x in range(shared, min(len(S), len(T)) + 1)) if shared else 1.0,
    }


def _check_rows(table, sets, N, pairs):
    assert list(zip(table["source"], table["target"], strict=True)) == pairs
    for row in table.itertuples(index=False):
        expected = _brute_pair(sets[row.source], sets[row.target], N)
        for column, value in expected.items():
            assert getattr(row, column) == pytest.approx(value, nan_ok=True, abs=1e-12), column


@pytest.mark.parametrize("seed", [1, 2, 3, 4], ids=["eco1", "eco2", "eco3", "eco4"])
def test_overlap_against_sets(seed):
    eco = _random_ecosystem(seed)
    sets = _members(eco)
    table = cn.overlap(eco, between=("SPC", "IBN"))
    pairs = [(s, t) for s in sorted(c for c in sets if c.startswith("spc")) for t in sorted(c for c in sets if c.startswith("ibn"))]
    _check_rows(table, sets, len(eco.organisations), pairs)
    assert (table["source_members"] == [len(sets[s]) for s in table["source"]]).all()


@pytest.mark.parametrize("seed", [5, 6], ids=["eco5", "eco6"])
def test_overlap_same_type_unordered_pairs(seed):
    eco = _random_ecosystem(seed, spcs=4)
    sets = _members(eco)
    table = cn.overlap(eco, between=("SPC", "SPC"))
    spcs = sorted(c for c in sets if c.startswith("spc"))
    _check_rows(table, sets, len(eco.organisations), list(itertools.combinations(spcs, 2)))


def test_overlap_population_and_years():
    eco = _random_ecosystem(7)
    sets = _members(eco, years=[2020])
    table = cn.overlap(eco, between=("SPC", "IBN"), population=100, years=2020)
    pairs = list(zip(table["source"], table["target"], strict=True))
    _check_rows(table, sets, 100, pairs)
    # A population given as ids also drops memberships of other organisations.
    keep = sorted(eco.organisations["organisation_id"])[:20]
    restricted = {c: s & set(keep) for c, s in _members(eco).items()}
    _check_rows(cn.overlap(eco, between=("SPC", "IBN"), population=keep), restricted, 20, pairs)


def test_overlap_hand_worked():
    # SPC {a, b, c, d}, IBN {c, d, e}; N = 10 organisations.
    # shared 2, jaccard 2/5, overlap 2/3, cosine 2/sqrt(12), association 2*10/12,
    # p = P(X >= 2), X ~ Hypergeom(10, 4, 3) = [C(4,2) C(6,1) + C(4,3)] / C(10,3) = 40/120.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcdefghij")}),
        clusters=pd.DataFrame({"cluster_id": ["s", "i"], "type": ["SPC", "IBN"]}),
        memberships=pd.DataFrame({"organisation_id": list("abcdcde"), "cluster_id": list("ssssiii")}),
    )
    row = cn.overlap(eco, between=("SPC", "IBN")).iloc[0]
    assert (row["source"], row["target"], row["shared"]) == ("s", "i", 2)
    assert row["jaccard"] == pytest.approx(2 / 5)
    assert row["overlap"] == pytest.approx(2 / 3)
    assert row["cosine"] == pytest.approx(2 / math.sqrt(12))
    assert row["association"] == pytest.approx(20 / 12)
    assert row["p_value"] == pytest.approx(40 / 120)


def test_overlap_via_projects():
    # Programme parts as clusters of type other: organisation -> projects -> parts.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcde")}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "year": [2018, 2019, 2019]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2", "p3"], "organisation_id": list("abbcd")}),
        clusters=pd.DataFrame({"cluster_id": ["ERC", "MSCA", "SME"], "type": "other"}),
        project_clusters=pd.DataFrame(
            {"project_id": ["p1", "p2", "p3", "p3"], "cluster_id": ["ERC", "MSCA", "MSCA", "SME"],
             "status": ["approved", "approved", "approved", "withdrawn"]}
        ),
    )
    sets = {"ERC": {"a", "b"}, "MSCA": {"b", "c", "d"}, "SME": set()}
    table = cn.overlap(eco, between=("other", "other"), via="intercluster")
    _check_rows(table, sets, 5, [("ERC", "MSCA"), ("ERC", "SME"), ("MSCA", "SME")])
    only_2019 = cn.overlap(eco, between=("other", "other"), via="intercluster", years=[2019])
    assert only_2019["shared"].tolist() == [0, 0, 0]


BAD = [
    ("small-population", {"population": 3}, ValueError),
    ("bad-via", {"via": "boards"}, ValueError),
    ("one-type", {"between": ("SPC",)}, ValueError),
    ("absent-type", {"between": ("SPC", "cluster")}, ValueError),
]


@pytest.mark.parametrize(("case", "options", "error"), BAD, ids=[b[0] for b in BAD])
def test_overlap_bad_input(case, options, error):
    with pytest.raises(error) as info:
        cn.overlap(_random_ecosystem(1), **options)
    assert isinstance(info.value, cn.ClusternetError)


@pytest.mark.parametrize("seed", [1, 2], ids=["eco1", "eco2"])
def test_overlap_default_is_every_pair_of_clusters(seed):
    # Data from elsewhere need not have SPCs and IBNs: by default every unordered pair of
    # clusters, whatever its type, checked against set arithmetic on the memberships.
    eco = _random_ecosystem(seed)
    sets = _members(eco)
    everyone = sorted(eco.clusters["cluster_id"])
    _check_rows(cn.overlap(eco), sets, len(eco.organisations), list(itertools.combinations(everyone, 2)))


def test_absent_cluster_type_names_the_types_there_are():
    eco = _random_ecosystem(1)
    with pytest.raises(cn.OptionError, match=r"no cluster has type 'cluster'; this ecosystem's cluster types are IBN \(\d+ clusters\), SPC"):
        cn.overlap(eco, between=("SPC", "cluster"))
    with pytest.raises(cn.OptionError, match="no cluster has type 'SPC'"):
        cn.multi_membership(eco.replace(clusters=eco.clusters.assign(type="other")), types=["SPC"])
    with pytest.raises(cn.OptionError, match="niche_mapping needs clusters of the types"):
        cn.niche_mapping(eco.replace(clusters=eco.clusters.assign(type="other")))


def test_no_shared_member_at_all_is_said():
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abc")}),
        clusters=pd.DataFrame({"cluster_id": ["k1", "k2"]}),
        memberships=pd.DataFrame({"organisation_id": ["a", "b"], "cluster_id": ["k1", "k2"]}),
    )
    with pytest.warns(UserWarning, match="no two clusters share a member"):
        table = cn.overlap(eco)
    assert table["shared"].tolist() == [0]


@pytest.mark.parametrize(("population", "N", "described"), [
    (None, 10, "the 10 organisations of the ecosystem"),
    (176_000, 176_000, "176,000 organisations, as given"),
    (list("abcdefg"), 7, "the 7 organisations given"),
], ids=["data", "number", "ids"])
def test_overlap_states_its_population(population, N, described):
    # SPC {a, b, c, d}, IBN {c, d, e}: the p-value is scipy's hypergeometric tail for the stated N.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcdefghij")}),
        clusters=pd.DataFrame({"cluster_id": ["s", "i"], "type": ["SPC", "IBN"]}),
        memberships=pd.DataFrame({"organisation_id": list("abcdcde"), "cluster_id": list("ssssiii")}),
    )
    table = cn.overlap(eco, between=("SPC", "IBN"), population=population)
    assert table["population"].tolist() == [N]
    assert table.attrs["population"] == described
    assert table["p_value"].iloc[0] == pytest.approx(hypergeom.sf(1, N, 4, 3))


def test_overlap_needs_memberships():
    eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"]}))
    with pytest.raises(cn.MissingTableError):
        cn.overlap(eco)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000))
def test_overlap_ignores_row_order(seed, shuffle):
    eco = _random_ecosystem(seed, organisations=15)
    memberships = eco.memberships.sample(frac=1, random_state=shuffle)
    shuffled = eco.replace(memberships=memberships[["organisation_id", "cluster_id", "year"]])
    pd.testing.assert_frame_equal(cn.overlap(eco, between=("SPC", "IBN")), cn.overlap(shuffled, between=("SPC", "IBN")))
    pd.testing.assert_frame_equal(cn.overlap(eco), cn.overlap(shuffled))


# ------------------------------------------------------------------------------------------
# Multi-membership
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "kinds"),
    [(("SPC",), None), (None, None), (("SPC", "IBN"), ["company"])],
    ids=["spc", "all-clusters", "firms"],
)
def test_multi_membership_against_counter(types, kinds):
    eco = _random_ecosystem(8, organisations=40, spcs=4)
    type_of = eco.clusters.set_index("cluster_id")["type"].to_dict()
    kind_of = eco.organisations.set_index("organisation_id")["kind"].to_dict()
    per_org = Counter()
    for org, cluster in set(zip(eco.memberships["organisation_id"], eco.memberships["cluster_id"], strict=True)):
        if (types is None or type_of[cluster] in types) and (kinds is None or kind_of[org] in kinds):
            per_org[org] += 1
    distribution = Counter(per_org.values())
    total = sum(distribution.values())
    table = cn.multi_membership(eco, types=types, kinds=kinds)
    for k, row in table.iterrows():
        assert row["organisations"] == distribution.get(k, 0)
        assert row["share"] == pytest.approx(distribution.get(k, 0) / total)
        assert row["share_at_least"] == pytest.approx(sum(v for key, v in distribution.items() if key >= k) / total)
    assert table["organisations"].sum() == total


def test_multi_membership_with_non_members():
    eco = _random_ecosystem(9, organisations=40)
    table = cn.multi_membership(eco, include_non_members=True)
    assert table["organisations"].sum() == 40
    assert table.index[0] == 0


# ------------------------------------------------------------------------------------------
# Niche mapping
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["jaccard", "shared", "overlap", "p_value"], ids=["jaccard", "shared", "overlap", "p"])
def test_niche_mapping_against_argmax(measure):
    eco = _random_ecosystem(10, organisations=30, spcs=4, ibns=6)
    sets = _members(eco)
    N = len(eco.organisations)
    table = cn.niche_mapping(eco, measure=measure)
    for ibn in sorted(c for c in sets if c.startswith("ibn")):
        candidates = []
        for spc in sorted(c for c in sets if c.startswith("spc")):
            values = _brute_pair(sets[spc], sets[ibn], N)
            if values["shared"] > 0:
                first = values["p_value"] if measure == "p_value" else -values[measure]
                candidates.append((first, -values["shared"], values["p_value"], spc))
        expected = min(candidates)[3] if candidates else None
        assert (table.loc[ibn, "spc"] if pd.notna(table.loc[ibn, "spc"]) else None) == expected


def test_niche_mapping_on_flanders_reports_the_relations(flanders):
    table = cn.niche_mapping(flanders)
    clusters = flanders.clusters.set_index("cluster_id")
    ibns = sorted(clusters.index[clusters["type"] == "IBN"])
    assert list(table.index) == ibns
    niche = clusters["niche_of"].reindex(ibns)
    assert table["niche_of"].fillna("").tolist() == niche.fillna("").tolist()
    # The report publishes no member lists, so no IBN shares members with an SPC here.
    assert table["spc"].isna().all() and table["matches_report"].isna().all()


@pytest.mark.parametrize("correction", [None, "holm", "fdr_bh"], ids=["none", "holm", "bh"])
def test_overlap_corrects_for_testing_every_pair(correction):
    # Reference: statsmodels' multipletests on the table's own p-values (None: unchanged).
    from statsmodels.stats.multitest import multipletests

    eco = _random_ecosystem(3)
    table = cn.overlap(eco, between=("SPC", "IBN"), correction=correction)
    expected = table["p_value"] if correction is None else multipletests(table["p_value"], method=correction)[1]
    np.testing.assert_allclose(table["p_adjusted"], expected)
    assert table.attrs["correction"] == correction
    assert (table["p_adjusted"] >= table["p_value"] - 1e-15).all()
    with pytest.raises(cn.OptionError, match="correction='bonferoni' is not one of"):
        cn.overlap(eco, correction="bonferoni")
