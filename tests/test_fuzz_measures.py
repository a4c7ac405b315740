"""Fuzzing the measures: any input gives a valid result or a ClusternetError, never another exception.

Ecosystems come from :mod:`clusternet.testing` and are then bent within what the data model
allows: tables emptied, a single organisation, projects with one participant, all-NaN
attributes, budgets of 0 or huge/tiny floats (``test_mutated_ecosystems_stay_valid`` checks that
these ecosystems pass clusternet's validation unchanged, so a failure elsewhere is the measure's
fault, not the fuzzer's). Graphs built from them are bent the way a user's own graph may be:
isolated nodes, edge weights of 0 and huge/tiny floats, self-loops, group attributes of mixed
types or missing, and DiGraph/MultiGraph/MultiDiGraph instead of Graph.

Each property combines several measures on tiny inputs (2-8 organisations). CI runs 40-250
derandomized examples a property, as many as a CPU budget allows (the count and the cost of an
example are stated at each property), without shrinking (see tests/conftest.py).
``CLUSTERNET_FUZZ_EXAMPLES`` sets the number of examples (properties that are slower per example
run a fraction of it, the comment at each says why); with the variable set, Hypothesis also
explores new seeds instead of the fixed CI ones and shrinks failures fully.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import strategies
from clusternet.graphs import CLUSTER_LINKS, WEIGHTS
from clusternet.testing._strategies import _assemble

# CI runs a fixed number of examples a property (``fuzz(ci=...)``), derandomized, chosen from the
# CPU one example costs (stated above each property) so that this file and
# test_fuzz_readers.py together stay within about 200 s of CPU. Every property here combines
# several measures, each a few milliseconds of pandas/networkx work even on tiny inputs, so
# 2,000 examples a property would need 1,200-1,900 s of CPU for this file: no property reaches
# 2,000 in CI; the nightly run does (scripts/fuzz-nightly).
# With CLUSTERNET_FUZZ_EXAMPLES set (the nightly run), every property runs that many examples
# divided by its ``nightly_divisor``, with fresh seeds and full shrinking.
NIGHTLY = "CLUSTERNET_FUZZ_EXAMPLES" in os.environ
NIGHTLY_EXAMPLES = int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0"))
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


def fuzz(*, ci: int, nightly_divisor: int = 1) -> settings:
    """Settings of one fuzz property: ``ci`` examples in CI, the nightly count otherwise."""
    if not NIGHTLY:  # phases from the conftest profile: no shrinking in CI
        return settings(max_examples=ci, deadline=None, derandomize=True, suppress_health_check=HEALTH)
    return settings(max_examples=max(10, NIGHTLY_EXAMPLES // nightly_divisor), deadline=None,
                    derandomize=False, phases=tuple(Phase), suppress_health_check=HEALTH)


ODD_FLOATS = st.sampled_from([0.0, 1e300, 1e-300, 5e-324, 1.7976931348623157e308, 1.0, 3.5])


def _base() -> st.SearchStrategy[cn.Ecosystem]:
    return st.one_of(
        strategies.ecosystems(min_organisations=2, max_organisations=8, max_projects=5, max_clusters=3),
        strategies.ecosystems(min_organisations=1, max_organisations=1, max_projects=2, max_clusters=2),
        strategies.ecosystems(min_organisations=2, max_organisations=6, max_projects=4, max_partners=1),
        strategies.ecosystems(min_organisations=2, max_organisations=5, max_projects=4, max_clusters=2,
                              distinct_ids=False),
        strategies.ecosystems(min_organisations=2, max_organisations=6, max_projects=4, with_clusters=False),
        strategies.ecosystems(min_organisations=2, max_organisations=6, max_clusters=3, with_projects=False),
    )


MUTATIONS = ("empty_table", "nan_attribute", "odd_budget", "zero_budget", "nan_budget", "drop_table")
# Only columns without a default may stay empty: validation fills the others (sector "unknown"...).
ATTRIBUTES = ("region", "country", "name")
EMPTIABLE = ("participations", "memberships", "project_clusters", "projects", "clusters")


@st.composite
def ecosystems(draw) -> cn.Ecosystem:
    """An ecosystem from the strategies, bent by 0-3 mutations that keep it valid."""
    eco = draw(_base())
    tables = {name: eco.table(name) for name in eco.provided}
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), max_size=3)):
        if mutation in ("empty_table", "drop_table"):
            name = draw(st.sampled_from(EMPTIABLE))
            if name not in tables:
                continue
            # Emptying a parent table empties its children, so that every reference still resolves.
            children = {"projects": ("participations", "project_clusters"),
                        "clusters": ("memberships", "project_clusters")}.get(name, ())
            for table in (name, *children):
                if table in tables:
                    if mutation == "drop_table" and table == name:
                        del tables[table]
                    else:
                        tables[table] = tables[table].iloc[0:0]
        elif mutation == "nan_attribute":
            column = draw(st.sampled_from(ATTRIBUTES))
            frame = tables["organisations"].copy()
            frame[column] = pd.Series([pd.NA] * len(frame), dtype=frame[column].dtype)
            tables["organisations"] = frame
        else:
            name = draw(st.sampled_from(["projects", "participations"]))
            if name not in tables or tables[name].empty:
                continue
            frame = tables[name].copy()
            if mutation == "odd_budget":
                values = draw(st.lists(ODD_FLOATS, min_size=len(frame), max_size=len(frame)))
            else:
                values = [0.0 if mutation == "zero_budget" else float("nan")] * len(frame)
            frame["budget"] = pd.Series(values, dtype="float64")
            if name == "projects":
                frame["funding"] = frame["budget"] / 2
            tables[name] = frame
    if "projects" not in tables:  # participations need their projects
        tables.pop("participations", None)
        tables.pop("project_clusters", None)
    if "clusters" not in tables:
        tables.pop("memberships", None)
        tables.pop("project_clusters", None)
    return _assemble(tables)


MIXED_VALUES = st.one_of(st.sampled_from(["a", "b", "10", "9", "é"]), st.integers(-2, 2), st.none(),
                         st.just(float("nan")), st.booleans(), st.just(("t", 1)))


@st.composite
def graphs(draw) -> tuple[nx.Graph, cn.Ecosystem]:
    """A user's graph: an organisation network bent by isolated nodes, odd weights, self-loops,
    group labels of mixed types and another graph class."""
    eco = draw(ecosystems())
    weight = draw(st.sampled_from(WEIGHTS))
    try:
        G = cn.organisation_network(eco, weight=weight)
    except cn.ClusternetError:
        G = nx.Graph()
        G.add_nodes_from(eco.organisations["organisation_id"], sector="unknown")
    G = nx.Graph(G)
    nodes = list(G.nodes)
    for _ in range(draw(st.integers(0, 2))):
        G.add_node(f"iso{len(G)}", sector=draw(MIXED_VALUES))
    if nodes and draw(st.booleans()):
        G.add_edge(nodes[0], nodes[0], weight=draw(ODD_FLOATS))
    if draw(st.booleans()):
        for u, v in G.edges:
            G.edges[u, v]["weight"] = draw(ODD_FLOATS)
    group = draw(st.sampled_from(["ordinary", "mixed", "missing", "one"]))
    for node in G.nodes:
        if group == "mixed":
            G.nodes[node]["sector"] = draw(MIXED_VALUES)
        elif group == "missing" and draw(st.booleans()):
            G.nodes[node].pop("sector", None)
        elif group == "one":
            G.nodes[node]["sector"] = "x"
        else:
            G.nodes[node].setdefault("sector", "unknown")
    kind = draw(st.sampled_from([nx.Graph, nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph]))
    if kind is not nx.Graph:
        G = kind(G)
        if G.is_multigraph() and G.number_of_edges() and draw(st.booleans()):
            u, v = next(iter(G.edges()))
            G.add_edge(u, v, weight=draw(ODD_FLOATS))  # a parallel edge
    return G, eco


def _is_node_table(result, G) -> None:
    assert isinstance(result, pd.DataFrame | pd.Series)
    assert set(result.index) <= set(G.nodes)


def _check_edge_table(graph: nx.Graph) -> None:
    assert isinstance(graph, nx.Graph)
    table = cn.edge_table(graph)
    assert isinstance(table, pd.DataFrame)
    assert {"source", "target"} <= set(table.columns)
    assert len(table) == graph.number_of_edges()


def _lacks(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _documented_refusal(error: cn.ClusternetError, *, eco: cn.Ecosystem | None = None,
                        G: nx.Graph | None = None, weight: str | None = None) -> bool:
    """Whether ``error`` is one of the refusals the measures document, and true of this input.

    Each refusal the strategies can provoke is matched by its class and message, and what the
    message says is checked on the input itself: the tables it names are absent, the graph is
    directed or a multigraph, as many nodes lack the attribute as it says, and so on. Anything
    else (another message, or a true message about an input that does not have the fault) is a
    measure refusing valid input.
    """
    text = str(error)
    if isinstance(error, cn.MissingTableError) and eco is not None:
        named = re.search(r"needs the tables? ([\w, ]+); this ecosystem was built without", text)
        return bool(named) and all(name not in eco.provided for name in named.group(1).split(", "))
    if isinstance(error, cn.InvalidGraphError) and G is not None:
        kind = re.search(r"needs an undirected simple graph, got a (\w+);", text)
        if kind:
            return (G.is_directed() or G.is_multigraph()) and kind.group(1) == type(G).__name__
        if re.search(r"edge weight 'weight' must be a positive number", text):
            return weight is not None and any(not w > 0 for *_, w in G.edges(data=weight, default=1.0))
        return False
    if isinstance(error, cn.MissingAttributeError) and G is not None:
        count = re.match(r"(\d+) node\(s\) have no '(\w+)'", text)
        return bool(count) and int(count.group(1)) == sum(
            _lacks(data.get(count.group(2))) for _, data in G.nodes(data=True))
    if isinstance(error, cn.MissingAttributeError) and eco is not None:
        count = re.match(r"(\d+) organisation\(s\) taking part in projects have no '(\w+)'", text)
        if not count:
            return False
        taking_part = set(eco.participations["organisation_id"])
        values = eco.organisations.set_index("organisation_id")[count.group(2)]
        return int(count.group(1)) == sum(_lacks(values[o]) for o in taking_part)
    if isinstance(error, cn.IdCollisionError) and eco is not None:
        clash = re.match(r"(\d+) ids? (?:is|are) both an organisation and an? (project|cluster) id \((.*?)\);", text)
        if not clash:
            return False
        shared = set(eco.organisations["organisation_id"]) & set(eco.table(clash.group(2) + "s")[clash.group(2) + "_id"])
        return int(clash.group(1)) == len(shared) and set(re.findall(r"'([^']*)'", clash.group(3))) <= shared
    if isinstance(error, cn.OptionError) and eco is not None:
        absent = re.search(r"niche_mapping needs clusters of the types=\(.*?\): no cluster has type ([^;]+);", text)
        return bool(absent) and not set(re.findall(r"'(\w+)'", absent.group(1))) & set(eco.clusters["type"])
    return False


def _tolerated(call, *args, eco: cn.Ecosystem | None = None, G: nx.Graph | None = None, **kwargs):
    """The result of ``call(*args, **kwargs)``, or None when it refused the input in a documented
    way that is true of this input (``_documented_refusal``, told the ecosystem or graph the
    input came from). Any other ClusternetError, or any other exception, fails the property: a
    measure must not refuse a valid input."""
    try:
        return call(*args, **kwargs)
    except cn.ClusternetError as error:
        if _documented_refusal(error, eco=eco, G=G, weight=kwargs.get("weight")):
            return None
        raise AssertionError(f"{call.__name__} refused a valid input: {type(error).__name__}: {error}") from error


# A validation an example, about 0.1 s of CPU: 50 (5 s) show the mutations stay within the data
# model; the nightly run does a hundredth of its count.
@fuzz(ci=50, nightly_divisor=100)
@given(eco=ecosystems())
def test_mutated_ecosystems_stay_valid(eco):
    again = cn.Ecosystem.from_tables({name: eco.table(name) for name in eco.provided})
    assert again == eco


# Eleven graph builds and their edge tables, about 0.15 s of CPU an example: 100 (15 s).
@fuzz(ci=100, nightly_divisor=20)
@given(eco=ecosystems())
def test_graph_builders(eco):
    for weight in WEIGHTS:
        graph = _tolerated(cn.organisation_network, eco, eco=eco, weight=weight)
        if graph is not None:
            assert set(graph.nodes) <= set(eco.organisations["organisation_id"])
            _check_edge_table(graph)
            assert all(math.isfinite(w) and w >= 0 for *_, w in graph.edges(data="weight"))
    for via in CLUSTER_LINKS:
        graph = _tolerated(cn.cluster_network, eco, eco=eco, via=via)
        if graph is not None:
            assert set(graph.nodes) <= set(eco.clusters["cluster_id"])
            _check_edge_table(graph)
    for call, kwargs in ((cn.project_network, {}), (cn.bipartite_graph, {"between": "organisation-project"}),
                         (cn.bipartite_graph, {"between": "organisation-cluster"})):
        graph = _tolerated(call, eco, eco=eco, **kwargs)
        if graph is not None:
            _check_edge_table(graph)


# Seventeen measures an example, several of them building graphs, each 5-35 ms even on these tiny
# ecosystems (cluster_centrality and kpis the slowest): about 0.3 s of CPU an example (0.5 s on
# a loaded machine), the most expensive property, so 40 (15-20 s).
@fuzz(ci=40, nightly_divisor=50)
@given(eco=ecosystems(), attribute=st.sampled_from(["kind", "sector", "region"]))
def test_ecosystem_measures(eco, attribute):
    organisations = set(eco.organisations["organisation_id"])
    for count in ("pairs", "paths"):
        result = _tolerated(cn.brokerage, eco, attribute, count=count, eco=eco)
        assert result is None or isinstance(result, pd.DataFrame)
    result = _tolerated(cn.consortium_diversity, eco, attribute, eco=eco)
    assert result is None or isinstance(result, pd.DataFrame)
    for via in ("memberships", "intercluster"):
        result = _tolerated(cn.overlap, eco, eco=eco, via=via)
        assert result is None or isinstance(result, pd.DataFrame)
        result = _tolerated(cn.niche_mapping, eco, eco=eco, via=via)
        assert result is None or isinstance(result, pd.DataFrame)
    result = _tolerated(cn.multi_membership, eco, eco=eco, include_non_members=True)
    if result is not None:  # its brute-force twin: count each organisation's distinct clusters
        joined = {o: set() for o in organisations}
        for row in eco.memberships.itertuples():
            joined[row.organisation_id].add(row.cluster_id)
        counts = Counter(len(clusters) for clusters in joined.values())
        assert list(result.index) == list(range(min(counts), max(counts) + 1))
        assert result["organisations"].tolist() == [counts.get(k, 0) for k in result.index]
    for via in CLUSTER_LINKS:
        result = _tolerated(cn.cluster_centrality, eco, eco=eco, via=via)
        assert result is None or set(result.index) <= set(eco.clusters["cluster_id"])
    for by in ("cluster", None):
        result = _tolerated(cn.kpis, eco, eco=eco, by=by)
        assert result is None or isinstance(result, pd.DataFrame)
    result = _tolerated(cn.network_timeseries, eco, eco=eco)
    assert result is None or isinstance(result, pd.DataFrame)


# Eleven measures on a user's graph, gefura and the permutation test (n=3) among them: about
# 0.09 s of CPU an example on these tiny graphs, so 250 (23 s).
@fuzz(ci=250, nightly_divisor=10)
@given(case=graphs(), weighted=st.booleans())
def test_graph_measures(case, weighted):
    G, _ = case
    weight = "weight" if weighted else None
    ei = _tolerated(cn.ei_index, G, "sector", weight=weight, G=G)
    assert ei is None or (isinstance(ei, float) and (math.isnan(ei) or -1 - 1e-9 <= ei <= 1 + 1e-9))
    for level in ("group", "node", "graph"):
        result = _tolerated(cn.group_mixing, G, "sector", weight=weight, level=level, G=G)
        assert result is None or isinstance(result, pd.DataFrame)
    result = _tolerated(cn.participation_coefficient, G, "sector", weight=weight, G=G)
    if result is not None:
        _is_node_table(result, G)
    for call, kwargs in ((cn.module_roles, {"weight": weight}), (cn.gefura, {}),
                         (cn.structural_holes, {"weight": weight}), (cn.centrality, {"weight": weight})):
        result = _tolerated(call, G, *(() if call in (cn.structural_holes, cn.centrality) else ("sector",)), G=G,
                            **kwargs)
        if result is not None:
            _is_node_table(result, G)
    result = _tolerated(cn.permutation_test, G, cn.ei_index, "sector", n=3, G=G)
    assert result is None or (math.isnan(result.p) or 0 <= result.p <= 1)


# Louvain three times (once, then two seeds of the consensus) an example, about 0.07 s of CPU:
# 120 (9 s).
@fuzz(ci=120, nightly_divisor=40)
@given(case=graphs(), weighted=st.booleans())
def test_community_measures(case, weighted):
    G, eco = case
    weight = "weight" if weighted else None
    found = _tolerated(cn.communities, G, G=G, weight=weight)
    if found is not None:
        _is_node_table(found, G)
    consensus = _tolerated(cn.consensus_communities, G, G=G, seeds=(0, 1), weight=weight)
    if consensus is not None:
        _is_node_table(consensus, G)
    nominal = pd.Series({node: data.get("sector") for node, data in G.nodes(data=True)}, dtype=object)
    if found is not None:
        scores = _tolerated(cn.compare_partitions, found, nominal, G=G, graph=G, weight=weight)
        assert scores is None or isinstance(scores, dict)
        result = _tolerated(cn.misfits, found, nominal, G=G)
        assert result is None or isinstance(result, pd.DataFrame)
        result = _tolerated(cn.community_profile, eco, found, graph=G, weight=weight, eco=eco, G=G)
        assert result is None or isinstance(result, pd.DataFrame)


# Found by test_community_measures: labels of types that do not compare (a tuple and an int)
# made misfits raise a bare TypeError from pandas' sort.
@pytest.mark.parametrize("nominal", [{"a": ("t", 1), "b": 0}, {"a": ("t", 1), "b": 0, "c": "x"}],
                         ids=["tuple-int", "tuple-int-str"])
def test_misfits_with_incomparable_labels_raise_a_clusternet_error(nominal):
    with pytest.raises(cn.ClusternetError):
        cn.misfits({"a": 0, "b": 0, "c": 0}, nominal)


# Found by test_graph_measures: a graph with one labelled node divided a Python float by zero in
# the graph-level expected E-I index; the other levels already gave NaN.
@pytest.mark.parametrize("level", ["graph", "group", "node"], ids=["graph", "group", "node"])
def test_group_mixing_of_a_single_node_gives_nan_not_zero_division(level):
    G = nx.Graph()
    G.add_node("a", sector="x")
    table = cn.group_mixing(G, "sector", level=level)
    assert isinstance(table, pd.DataFrame)
    assert math.isnan(cn.ei_index(G, "sector"))


# Found by test_graph_measures: parallel edges of the largest float overflow the tie sum, the
# participation is NaN and no role matched, so module_roles raised KeyError(None).
def test_module_roles_with_overflowing_weights_give_no_role_not_key_error():
    G = nx.MultiGraph()
    G.add_edge("a", "b", weight=1.7976931348623157e308)
    G.add_edge("a", "b", weight=1.7976931348623157e308)
    G.add_edge("b", "c", weight=1.0)
    nx.set_node_attributes(G, {"a": "x", "b": "y", "c": "x"}, "sector")
    roles = cn.module_roles(G, "sector", weight="weight")
    assert list(roles.index) == ["a", "b", "c"]
    assert roles.loc["c", "role_name"] is not None  # its participation stays defined
