"""region_network and region_edges against a brute-force loop over projects and organisation pairs."""

from __future__ import annotations

import os
import pickle
import warnings
from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import clusternet as cn
from clusternet import strategies

EXAMPLES = min(20, int(os.environ.get("CLUSTERNET_EXAMPLES", "20")))
if "CLUSTERNET_FUZZ_EXAMPLES" in os.environ:
    EXAMPLES = int(os.environ["CLUSTERNET_FUZZ_EXAMPLES"]) // 10


def _brute_force(eco: cn.Ecosystem, level: str, weight: str, years=None):
    """The definition read literally: every project, every pair of its participants."""
    place = eco.organisations.set_index("organisation_id")[level].to_dict()
    projects = eco.projects
    if years is not None:
        projects = projects[projects["year"].isin(list(years))]
    kept = set(projects["project_id"])
    members = defaultdict(set)
    for row in eco.participations.itertuples():
        if row.project_id in kept:
            members[row.project_id].add(row.organisation_id)
    ties, shared, internal = defaultdict(float), defaultdict(int), defaultdict(float)
    participations, active = defaultdict(int), defaultdict(set)
    for partners in members.values():
        n = len(partners)
        f = 1.0 if weight == "count" else (1.0 / (n - 1) if n > 1 else 0.0)
        for o in partners:
            if not pd.isna(place[o]):
                participations[place[o]] += 1
                active[place[o]].add(o)
        both = set()
        for a, b in combinations(sorted(partners), 2):
            ra, rb = place[a], place[b]
            if pd.isna(ra) or pd.isna(rb):
                continue
            if ra == rb:
                internal[ra] += f
            else:
                key = tuple(sorted((ra, rb)))
                ties[key] += f
                both.add(key)
        for key in both:
            shared[key] += 1
    return ties, shared, internal, participations, active


def _check_against_brute_force(eco, level, weight, years=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unplaced organisations: tested on their own
        G = cn.region_network(eco, level=level, weight=weight, years=years)
        edges = cn.region_edges(eco, level=level, weight=weight, years=years)
    ties, shared, internal, participations, active = _brute_force(eco, level, weight, years)
    regions = sorted({str(v) for v in eco.organisations[level].dropna()})
    assert list(G.nodes) == regions
    got = {tuple(sorted((u, v))): d["weight"] for u, v, d in G.edges(data=True)}
    assert got.keys() == ties.keys()
    for key, value in ties.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
        assert G.edges[key]["shared"] == shared[key]
    for region in regions:
        node = G.nodes[region]
        assert node["internal"] == pytest.approx(internal.get(region, 0.0), rel=1e-12, abs=1e-12)
        assert node["participations"] == participations.get(region, 0)
        assert node["organisations"] == len(active.get(region, ()))
    assert list(zip(edges["source"], edges["target"], strict=True)) == sorted(ties)
    assert np.allclose(edges["weight"], [ties[key] for key in sorted(ties)], rtol=1e-12)
    assert edges["shared"].tolist() == [shared[key] for key in sorted(ties)]


def _random_ecosystem(seed: int, *, missing: float = 0.0) -> cn.Ecosystem:
    rng = np.random.default_rng(seed)
    n, m = 40, 25
    countries = rng.choice(["BE", "DE", "FR", "NL", "IT"], size=n, p=[0.4, 0.2, 0.2, 0.1, 0.1])
    regions = [f"{c}{rng.integers(1, 4)}" for c in countries]
    organisations = pd.DataFrame(
        {"organisation_id": [f"o{i:02d}" for i in range(n)], "country": countries, "region": regions}
    )
    if missing:
        gone = rng.random(n) < missing
        organisations.loc[gone, "country"] = None
        organisations.loc[gone, "region"] = None
    rows = []
    for p in range(m):
        size = int(rng.integers(1, 9))
        for o in rng.choice(n, size=size, replace=False):
            rows.append((f"p{p:02d}", f"o{o:02d}"))
    return cn.Ecosystem(
        organisations=organisations,
        projects=pd.DataFrame(
            {"project_id": [f"p{p:02d}" for p in range(m)], "year": rng.integers(2015, 2020, size=m)}
        ),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    )


@pytest.mark.parametrize("weight", ["count", "fractional"])
@pytest.mark.parametrize("level", ["country", "region"])
@pytest.mark.parametrize("seed", [0, 1], ids=lambda s: f"seed{s}")
def test_region_network_equals_brute_force(seed, level, weight):
    _check_against_brute_force(_random_ecosystem(seed), level, weight)
    _check_against_brute_force(_random_ecosystem(seed), level, weight, years=range(2016, 2018))


@settings(max_examples=EXAMPLES, deadline=None)
@given(strategies.ecosystems(max_organisations=10, max_projects=6, with_clusters=False))
def test_region_network_equals_brute_force_on_our_strategy(eco):
    for weight in ("count", "fractional"):
        _check_against_brute_force(eco, "region", weight)


def test_all_ties_sum_to_the_organisation_network():
    # Independent of the brute force: organisation_network's count and Newman weights, summed by
    # region pair, are the region ties (internal ones on the diagonal).
    eco = _random_ecosystem(3)
    country = eco.organisations.set_index("organisation_id")["country"]
    for weight, scheme in (("count", "count"), ("fractional", "newman")):
        G = cn.region_network(eco, weight=weight)
        pairs = cn.organisation_edges(eco, weight=scheme)
        pairs = pairs.assign(a=pairs["source"].map(country), b=pairs["target"].map(country))
        inside = pairs[pairs["a"] == pairs["b"]].groupby("a")["weight"].sum()
        for region, value in inside.items():
            assert G.nodes[region]["internal"] == pytest.approx(value)
        across = pairs[pairs["a"] != pairs["b"]]
        key = [tuple(sorted(ab)) for ab in zip(across["a"], across["b"], strict=True)]
        totals = across.groupby(pd.Series(key, index=across.index))["weight"].sum()
        assert {k: G.edges[k]["weight"] for k in totals.index} == pytest.approx(totals.to_dict())
        assert G.number_of_edges() == len(totals)


def test_all_pairs_gives_the_zeros_a_gravity_model_needs():
    eco = _random_ecosystem(4)
    linked = cn.region_edges(eco, level="region")
    every = cn.region_edges(eco, level="region", all_pairs=True)
    n = cn.region_network(eco, level="region").number_of_nodes()
    assert len(every) == n * (n - 1) // 2
    merged = every.merge(linked, on=["source", "target"], how="left", suffixes=("", "_linked"))
    assert np.array_equal(merged["weight"].to_numpy(), merged["weight_linked"].fillna(0).to_numpy())
    assert (every["source"] < every["target"]).all()
    sizes = {r: d for r, d in cn.region_network(eco, level="region").nodes(data=True)}
    assert every["source_participations"].tolist() == [sizes[r]["participations"] for r in every["source"]]
    assert every["target_organisations"].tolist() == [sizes[r]["organisations"] for r in every["target"]]


def test_unplaced_organisations_warn_and_still_count_in_project_sizes():
    eco = _random_ecosystem(5, missing=0.2)
    with pytest.warns(UserWarning, match=r"participating organisations have no country"):
        G = cn.region_network(eco, weight="fractional")
    assert G.graph["unplaced"] > 0
    _check_against_brute_force(eco, "country", "fractional")  # n_p counts them: brute force does


def test_region_network_pickles_and_records_options():
    G = cn.region_network(_random_ecosystem(6), level="region", years=[2016, 2015])
    assert G.graph == {
        "network": "region",
        "level": "region",
        "weight": "count",
        "years": (2015, 2016),
        "unplaced": 0,
    }
    again = pickle.loads(pickle.dumps(G))
    assert sorted(again.edges(data=True)) == sorted(G.edges(data=True))


def test_no_region_at_all_is_an_error_that_says_what_to_do():
    eco = _random_ecosystem(7)
    eco = cn.Ecosystem(
        organisations=eco.organisations.drop(columns=["region"]),
        projects=eco.projects,
        participations=eco.participations,
    )
    with pytest.raises(
        cn.MissingAttributeError, match=r"no organisation taking part .* 'region'.*level='country'"
    ):
        cn.region_network(eco, level="region")


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"level": "nuts2"}, cn.OptionError, r"level='nuts2' is not one of 'country', 'region'"),
        ({"weight": "newman"}, cn.OptionError, r"weight='newman' is not one of 'count', 'fractional'"),
        ({"years": (2019, None)}, cn.OptionError, r"not a whole year"),
        ({"all_pairs": "yes"}, cn.OptionError, r"all_pairs='yes' must be True or False"),
    ],
    ids=["level", "weight", "years", "all_pairs"],
)
def test_bad_options(options, error, match):
    with pytest.raises(error, match=match):
        cn.region_edges(_random_ecosystem(8), **options)


def test_missing_tables():
    eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"], "country": ["BE"]}))
    with pytest.raises(cn.MissingTableError, match="region network"):
        cn.region_network(eco)
