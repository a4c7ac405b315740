"""organisation_network(weight="contribution"): ties weighted by the partners' own funding.

The oracle is a brute force over projects and pairs in plain Python: for each project, each
pair of its participants adds sqrt(a_i * a_j), a_i being i's contribution to it (math.sqrt, no
matrices), and one shared project.
"""

from __future__ import annotations

import math
import os
import warnings
from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import clusternet as cn
from clusternet import strategies
from clusternet.errors import MissingAttributeError, OptionError

EXAMPLES = int(os.environ.get("CLUSTERNET_EXAMPLES", "60"))


def _brute_force(eco: cn.Ecosystem) -> dict[tuple[str, str], tuple[float, int]]:
    """{(i, j): (sum of sqrt(a_i a_j) over shared projects, shared projects)}, i < j."""
    known_projects = set(eco.projects["project_id"])
    known_organisations = set(eco.organisations["organisation_id"])
    members = defaultdict(dict)
    for row in eco.participations.itertuples(index=False):
        if row.project_id in known_projects and row.organisation_id in known_organisations:
            amount = 0.0 if pd.isna(row.budget) else float(row.budget)
            members[row.project_id][row.organisation_id] = amount
    ties: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for amounts in members.values():
        for i, j in combinations(sorted(amounts), 2):
            ties[i, j][0] += math.sqrt(amounts[i] * amounts[j])
            ties[i, j][1] += 1
    return {pair: (value[0], value[1]) for pair, value in ties.items()}


@settings(max_examples=EXAMPLES, deadline=None)
@given(eco=strategies.ecosystems(max_organisations=8, max_projects=6, with_clusters=False))
def test_contribution_weight_equals_brute_force(eco):
    expected = _brute_force(eco)
    G = cn.organisation_network(eco, weight="contribution")
    assert set(G.nodes) == set(eco.organisations["organisation_id"])
    got = {tuple(sorted((u, v))): (d["weight"], d["shared"]) for u, v, d in G.edges(data=True)}
    assert set(got) == set(expected)
    for pair, (weight, shared) in expected.items():
        assert got[pair][1] == shared
        assert got[pair][0] == pytest.approx(weight, rel=1e-12, abs=1e-9)
    # The same ties as the count weighting: a tie exists whenever a project is shared, even if
    # both contributions in it are 0.
    counted = cn.organisation_edges(eco, weight="count")
    table = cn.organisation_edges(eco, weight="contribution")
    pd.testing.assert_frame_equal(
        table[["source", "target", "shared"]], counted[["source", "target", "shared"]]
    )


def _small(budgets):
    return cn.Ecosystem(
        organisations=pd.DataFrame(
            {"organisation_id": ["a", "b", "c", "d"], "kind": ["company", "company", "university", "company"]}
        ),
        projects=pd.DataFrame({"project_id": ["p1", "p2"], "year": [2018, 2020]}),
        participations=pd.DataFrame(
            {
                "project_id": ["p1", "p1", "p1", "p2", "p2"],
                "organisation_id": ["a", "b", "c", "a", "b"],
                "budget": budgets,
            }
        ),
    )


def test_hand_worked_case_and_cuts():
    # a-b: sqrt(400*100) in p1 + sqrt(900*100) in p2 = 200 + 300; a-c: sqrt(400*100); b-c: 100.
    eco = _small([400.0, 100.0, 100.0, 900.0, 100.0])
    edges = cn.organisation_edges(eco, weight="contribution")
    assert edges.to_dict("list") == {
        "source": ["a", "a", "b"],
        "target": ["b", "c", "c"],
        "weight": [500.0, 200.0, 100.0],
        "shared": [2, 1, 1],
    }
    assert cn.organisation_edges(eco, weight="contribution", years=2020)["weight"].tolist() == [300.0]
    assert cn.organisation_edges(eco, weight="contribution", kinds="company")["weight"].tolist() == [500.0]
    assert cn.organisation_edges(eco, weight="contribution", min_weight=150)["target"].tolist() == ["b", "c"]


def test_zero_contribution_keeps_the_tie_without_weight():
    eco = _small([0.0, 100.0, 100.0, 0.0, 100.0])
    edges = cn.organisation_edges(eco, weight="contribution").set_index(["source", "target"])
    assert edges.loc[("a", "b"), "shared"] == 2 and edges.loc[("a", "b"), "weight"] == 0.0
    assert edges.loc[("b", "c"), "weight"] == 100.0


def test_missing_contributions_are_reported_and_count_as_zero():
    eco = _small([400.0, np.nan, 100.0, 900.0, 100.0])
    with pytest.warns(UserWarning, match="1 of 5 participations have no contribution"):
        edges = cn.organisation_edges(eco, weight="contribution")
    assert edges["weight"].tolist() == [300.0, 200.0, 0.0]


def test_no_contribution_at_all_is_an_error_not_a_network_of_zeros():
    eco = _small([np.nan] * 5)
    with pytest.raises(MissingAttributeError, match="none of the 5 participations has one"):
        cn.organisation_network(eco, weight="contribution")


def test_negative_contribution_is_named():
    eco = _small([400.0, -5.0, 100.0, 900.0, 100.0])
    with pytest.raises(OptionError, match=r"'b' in 'p1' with -5"):
        cn.organisation_edges(eco, weight="contribution")


def test_other_networks_refuse_the_contribution_weight():
    eco = _small([400.0, 100.0, 100.0, 900.0, 100.0])
    with pytest.raises(OptionError, match="weight='contribution' is not one of"):
        cn.project_network(eco, weight="contribution")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # complete contributions: no warning
        cn.organisation_network(eco, weight="contribution")


def test_contribution_weight_in_the_degree_table_and_outside_the_numpy_engine():
    eco = _small([400.0, 100.0, 100.0, 900.0, 100.0])
    degrees = cn.organisation_degrees(eco, weight="contribution")
    # a: 500 (with b) + 200 (with c); b: 500 + 100; c: 200 + 100; d: no tie
    assert degrees["strength"].tolist() == [700.0, 600.0, 300.0, 0.0]
    with pytest.raises(OptionError, match="weight='contribution' needs an Ecosystem"):
        cn.organisation_edges(eco.participations, weight="contribution")
    with pytest.raises(OptionError, match="engine='duckdb'"):
        cn.organisation_edges(eco, weight="contribution", engine="duckdb")
