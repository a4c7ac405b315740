"""Fuzzing values, not only types: on small generated ecosystems each measure against a twin.

tests/test_fuzz_measures.py proves that nothing crashes and lets a measure refuse with a
ClusternetError. Here nothing may be refused: every ecosystem drawn from
:func:`clusternet.testing.ecosystems` is valid, so each call must return, and its numbers must
equal a brute-force twin written from the definitions in the docstrings (loops over projects,
pairs and edges; networkx for degree centrality). CI runs the counts below (derandomized by the
profile in tests/conftest.py); ``CLUSTERNET_FUZZ_EXAMPLES`` (scripts/fuzz-nightly) runs a fifth
of that count each, with fresh seeds.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import clusternet as cn
from clusternet.testing import ecosystems

NIGHTLY = int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0"))


def _examples(ci: int) -> settings:
    if not NIGHTLY:
        return settings(max_examples=ci, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    return settings(max_examples=max(ci, NIGHTLY // 5), deadline=None, derandomize=False,
                    phases=tuple(Phase), suppress_health_check=[HealthCheck.too_slow])


def _consortia(eco: cn.Ecosystem) -> dict[str, set[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for project, organisation in zip(eco.participations["project_id"], eco.participations["organisation_id"],
                                     strict=True):
        members[project].add(organisation)
    return members


def _brute_edges(eco: cn.Ecosystem) -> dict[tuple[str, str], tuple[int, float]]:
    """Shared projects and Newman's weight sum_p 1/(n_p - 1), pair by pair."""
    shared: Counter = Counter()
    newman: Counter = Counter()
    for organisations in _consortia(eco).values():
        for pair in itertools.combinations(sorted(organisations), 2):
            shared[pair] += 1
            newman[pair] += 1 / (len(organisations) - 1)
    return {pair: (shared[pair], newman[pair]) for pair in shared}


# An example is two projections of at most 8 organisations: ~15 ms, so 40 (under 1 s idle).
@_examples(40)
@given(eco=ecosystems(max_organisations=8, max_projects=6))
def test_organisation_edges_equal_the_pair_loop(eco):
    expected = _brute_edges(eco)
    for weight in ("count", "newman"):
        table = cn.organisation_edges(eco, weight=weight)
        got = {(s, t): (sh, w) for s, t, w, sh in table[["source", "target", "weight", "shared"]].itertuples(index=False)}
        assert set(got) == set(expected), weight
        for pair, (shared, newman) in expected.items():
            assert got[pair][0] == shared
            assert got[pair][1] == pytest.approx(shared if weight == "count" else newman)


# One graph, three mixing numbers and centrality: ~30 ms, so 40 (1-2 s idle).
@_examples(40)
@given(eco=ecosystems(max_organisations=8, max_projects=6))
def test_mixing_and_degree_equal_their_loops(eco):
    G = cn.organisation_network(eco)
    kind = dict(zip(eco.organisations["organisation_id"], eco.organisations["kind"], strict=True))
    internal = sum(kind[u] == kind[v] for u, v in G.edges if u != v)
    external = sum(kind[u] != kind[v] for u, v in G.edges if u != v)
    ei = cn.ei_index(G, kind)
    if internal + external == 0:
        assert np.isnan(ei)
    else:
        assert ei == pytest.approx((external - internal) / (external + internal))
    if G.number_of_edges() and len({kind[v] for v in G}) > 1:
        r = nx.attribute_assortativity_coefficient(G, "kind")
        ours = cn.nominal_assortativity(G, kind)
        assert (np.isnan(ours) and np.isnan(r)) or ours == pytest.approx(r)
    if G.number_of_nodes() > 1:
        table = cn.centrality(G)
        degree = nx.degree_centrality(G)
        assert table["degree"].to_dict() == pytest.approx(degree)


# overlap over every pair of clusters and their set arithmetic: ~20 ms, so 40 (1 s idle).
@pytest.mark.filterwarnings("ignore:no two clusters share a member")  # a true statement, not a failure
@_examples(40)
@given(eco=ecosystems(max_organisations=8, max_clusters=4, with_projects=False))
def test_overlap_counts_equal_set_intersections(eco):
    clusters = sorted(eco.clusters["cluster_id"])
    if len(clusters) < 2:
        return
    members: dict[str, set[str]] = defaultdict(set)
    for organisation, cluster in zip(eco.memberships["organisation_id"], eco.memberships["cluster_id"], strict=True):
        members[cluster].add(organisation)
    table = cn.overlap(eco)
    assert len(table) == len(clusters) * (len(clusters) - 1) // 2
    for row in table.itertuples(index=False):
        a, b = members[row.source], members[row.target]
        assert row.shared == len(a & b)
        assert (row.source_members, row.target_members) == (len(a), len(b))
        union = len(a | b)
        if union:
            assert row.jaccard == pytest.approx(len(a & b) / union)
    assert (table["population"] == len(eco.organisations)).all()
    assert isinstance(table, pd.DataFrame)
