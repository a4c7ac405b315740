"""The helpers every stage shares (clusternet._shared, clusternet._options), against independent references."""

from __future__ import annotations

import decimal

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import clusternet as cn
from clusternet._options import check_simple_graph, check_via, parse_years
from clusternet._shared import edge_arrays, is_missing


def _graphs():
    simple = nx.Graph()
    simple.add_edges_from([("b", "a", {"w": 2.0}), ("a", "c", {"w": 3.0}), ("c", "c", {"w": 9.0}), ("c", "d", {})])
    directed = nx.DiGraph([("a", "b", {"w": 1.5}), ("b", "a", {"w": 4.0}), ("b", "b", {"w": 1.0})])
    multi = nx.MultiGraph([("a", "b", {"w": 1.0}), ("a", "b", {"w": 2.5}), ("b", "c", {})])
    return {"graph": simple, "digraph": directed, "multigraph": multi}


@pytest.mark.parametrize("name", list(_graphs()), ids=str)
def test_edge_arrays_are_networkx_adjacency_without_loops(name):
    # Reference: networkx's own converter, which sums parallel edges and counts a missing weight
    # as 1; the diagonal (self-loops) is dropped and, undirected, the upper triangle kept.
    G = _graphs()[name]
    nodes, rows, cols, raw = edge_arrays(G, "w", missing=1)
    assert nodes == list(G)
    ours = np.zeros((len(nodes), len(nodes)))
    np.add.at(ours, (rows, cols), np.asarray(raw, dtype=float))
    reference = nx.to_numpy_array(G, nodelist=nodes, weight="w")
    np.fill_diagonal(reference, 0)
    if not G.is_directed():
        reference = np.triu(reference)
        assert (rows < cols).all()
    np.testing.assert_array_equal(ours, reference)


def test_edge_arrays_state_the_missing_weight_and_ignore_weights_when_none():
    G = _graphs()["graph"]
    _, rows, cols, raw = edge_arrays(G, "w", missing=np.nan)
    assert sum(np.isnan(raw)) == 1  # the c-d edge has no w; the c-c loop is left out
    assert edge_arrays(G, None)[3] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(("value", "missing"), [
    (None, True), (float("nan"), True), (np.float32("nan"), True), (pd.NA, True), (pd.NaT, True),
    (decimal.Decimal("NaN"), True), (0, False), ("", False), ("NA", False), ([None], False), ({1}, False),
], ids=["none", "nan", "float32-nan", "pd-na", "nat", "decimal-nan", "zero", "empty-text", "na-text", "list",
        "set"])
def test_is_missing(value, missing):
    # The cases the two former versions disagreed on (NaT, Decimal NaN) decided as pandas does.
    assert is_missing(value) is missing


@pytest.mark.parametrize(("years", "expected"), [
    (None, None), (2019, {2019}), (np.int64(2019), {2019}), (range(2017, 2020), {2017, 2018, 2019}),
    ((2017, 2019), {2017, 2019}), ([2020, 2018, 2020], {2018, 2020}), (pd.Series([2015]), {2015}),
], ids=["none", "int", "numpy-int", "range", "tuple-is-a-set", "list", "series"])
def test_parse_years(years, expected):
    assert parse_years(years) == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize(("years", "fragment"), [
    ("2019", "must be a year or a collection"), (True, "must be a year or a collection"),
    ((2019, None), "an open end is not a year"), ([2019.0], "2019.0 is not a whole year"), ([], "years is empty"),
], ids=["text", "bool", "open-end", "float", "empty"])
def test_parse_years_rejects(years, fragment):
    with pytest.raises(cn.OptionError, match=fragment):
        parse_years(years)


def test_via_vocabulary_and_old_spellings():
    assert check_via("projects") == "projects"
    with pytest.raises(cn.OptionError, match="0.1's 'members' is now 'memberships'"):
        check_via("members")
    with pytest.raises(cn.OptionError, match="is not one of 'memberships', 'intercluster'"):
        check_via("projects", ("memberships", "intercluster"))


@pytest.mark.parametrize("graph", [nx.DiGraph([(0, 1)]), nx.MultiGraph([(0, 1)]), {"a": "b"}],
                         ids=["digraph", "multigraph", "dict"])
def test_simple_graph_guard(graph):
    with pytest.raises(cn.InvalidGraphError, match="needs"):
        check_simple_graph(graph, "centrality")
    check_simple_graph(nx.Graph([(0, 1)]), "centrality")
