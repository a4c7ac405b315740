"""The layout of every picture: properties of the positions, not re-runs of the algorithm.

The force layout itself is igraph's (networkx's without igraph); what clusternet adds is the
packing of the components and the isolates, so these tests check what a reader sees: the
picture's shape, components apart, neighbours close, planted communities apart, determinism.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay, QhullError

import clusternet as cn
from clusternet.viz import _layout

EXAMPLES = max(20, int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0")) // 10)


def _aspect(xy: np.ndarray) -> float:
    width, height = np.ptp(xy[:, 0]), np.ptp(xy[:, 1])
    return max(width / height, height / width)


def _array(positions: dict, nodes) -> np.ndarray:
    return np.array([positions[node] for node in nodes], dtype=float)


def _edge_to_pair_ratio(G: nx.Graph, positions: dict) -> float:
    """Mean drawn length of a tie over the mean distance of all pairs (brute force)."""
    nodes = list(G)
    xy = _array(positions, nodes)
    index = {node: i for i, node in enumerate(nodes)}
    ends = np.array([(index[u], index[v]) for u, v in G.edges() if u != v])
    edges = np.linalg.norm(xy[ends[:, 0]] - xy[ends[:, 1]], axis=1).mean()
    i, j = np.triu_indices(len(nodes), 1)
    return float(edges / np.linalg.norm(xy[i] - xy[j], axis=1).mean())


def partner_network(seed: int = 0, organisations: int = 7000, projects: int = 2600) -> nx.Graph:
    """A regional programme's partner network: 7,000 organisations, mostly in small projects.

    Like the one that drew 11:1 (issue #20): a third of the projects join a core of 600 active
    organisations, the rest join 2-4 others, so there is one large component, some 200 small
    ones and about 2,700 organisations in no project at all.
    """
    rng = np.random.default_rng(seed)
    G = nx.Graph(network="organisation")
    G.add_nodes_from(f"org{i:04d}" for i in range(organisations))
    core = 600
    for _ in range(projects):
        size = int(rng.integers(2, 5))
        pool = np.arange(core) if rng.random() < 0.3 else np.arange(core, organisations)
        for a, b in itertools.combinations(sorted(rng.choice(pool, size, replace=False)), 2):
            G.add_edge(f"org{a:04d}", f"org{b:04d}", weight=1.0)
    return G


@pytest.fixture(scope="module")
def partners() -> tuple[nx.Graph, dict]:
    G = partner_network()
    return G, cn.layout_positions(G, seed=0)


@pytest.fixture(scope="module")
def synthetic_organisations() -> nx.Graph:
    """The organisation network of the report on the synthetic Flemish ecosystem."""
    return cn.organisation_network(cn.datasets.synthetic_ecosystem(), weight="newman")


# --- shape -------------------------------------------------------------------------------


def test_partner_network_is_drawn_within_3_to_1_and_its_components_apart(partners):
    G, positions = partners
    components = sorted(nx.connected_components(G), key=len, reverse=True)
    assert len(components) > 2000 and len(components[0]) > 2000  # the shape that drew 11:1
    assert list(positions) == list(G)
    assert _aspect(_array(positions, G)) <= 3.0
    # No node inside the convex hull of another component (scipy's Delaunay triangulation of
    # the hull's points answers "inside"), for every component of 3 or more nodes.
    xy = _array(positions, G)
    index = {node: i for i, node in enumerate(G)}
    label = np.empty(len(G), dtype=int)
    for c, members in enumerate(components):
        label[[index[node] for node in members]] = c
    for c, members in enumerate(components):
        if len(members) < 3:
            continue
        own = xy[label == c]
        low, high = own.min(axis=0), own.max(axis=0)
        near = (label != c) & np.all((xy >= low) & (xy <= high), axis=1)  # only these can be inside
        if not near.any():
            continue
        try:
            hull = Delaunay(own)
        except QhullError:  # all on one line: no area to overlap
            continue
        inside = hull.find_simplex(xy[near]) >= 0
        assert not inside.any(), f"component {c} covers {int(inside.sum())} node(s) of others"


def test_largest_component_takes_room_in_proportion_to_its_nodes(partners):
    # Area proportional to node count: the largest component's extent over a 15-node one's is
    # about sqrt(size ratio) (within a factor 2: the force layouts are not discs).
    G, positions = partners
    components = sorted(nx.connected_components(G), key=len, reverse=True)
    large = components[0]
    small = next(members for members in components if len(members) == 15)
    extent = [np.ptp(_array(positions, members), axis=0).max() for members in (large, small)]
    expected = math.sqrt(len(large) / len(small))
    assert 0.5 * expected <= extent[0] / extent[1] <= 2 * expected


@pytest.mark.parametrize("isolates", [0, 3, 2000], ids=["none", "few", "many"])
def test_isolates_kept_never_make_the_drawing_a_column(isolates):
    # The synthetic report page drew 2,000 nodes 50 times taller than wide.
    G = nx.connected_caveman_graph(6, 8)
    G.add_nodes_from(f"alone-{i}" for i in range(isolates))
    positions = cn.layout_positions(G, seed=0)
    assert _aspect(_array(positions, G)) <= 3.0
    core = G.subgraph(range(48))
    assert _edge_to_pair_ratio(core, positions) < 0.6


def test_report_organisation_page_and_figure_within_3_to_1(synthetic_organisations):
    G = synthetic_organisations
    alone = nx.number_of_isolates(G)
    assert alone > 1000  # most synthetic organisations share no project
    page = cn.show_html(G, seed=0).html
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1))
    assert len(data["nodes"]) == G.number_of_nodes() - alone
    assert data["description"] == f"{alone:,} isolated organisations not shown."
    assert _aspect(np.array([(node["x"], node["y"]) for node in data["nodes"]])) <= 3.0
    assert _aspect(_array(cn.layout_positions(G, seed=0), G)) <= 3.0  # isolates kept


# --- force layout ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "graph",
    [nx.karate_club_graph(), nx.connected_caveman_graph(8, 6), nx.barabasi_albert_graph(700, 2, seed=3)],
    ids=["karate", "caveman", "barabasi-albert"],
)
def test_ends_of_ties_are_nearer_than_random_pairs(graph):
    # A layout that ignored the ties (or gave positions to the wrong nodes) scores about 1.
    assert _edge_to_pair_ratio(graph, cn.layout_positions(graph, seed=0)) < 0.5


def test_planted_communities_are_drawn_apart():
    # Two blocks of 60, dense inside (0.3) and sparse between (0.01): each node is nearer to
    # its own block's centre than to the other's, but for a few.
    G = nx.stochastic_block_model([60, 60], [[0.3, 0.01], [0.01, 0.3]], seed=4)
    positions = cn.layout_positions(G, seed=0)
    xy = _array(positions, G)
    block = np.array([G.nodes[node]["block"] for node in G])
    centres = np.array([xy[block == b].mean(axis=0) for b in (0, 1)])
    nearest = np.linalg.norm(xy[:, None, :] - centres[None], axis=2).argmin(axis=1)
    assert (nearest == block).mean() >= 0.95


def test_same_seed_same_positions_other_seed_other_positions():
    G = nx.barabasi_albert_graph(300, 2, seed=1)
    G.add_edges_from([("a", "b"), ("c", "d"), ("d", "e")])
    first = cn.layout_positions(G, seed=3)
    assert cn.layout_positions(G, seed=3) == first
    assert cn.layout_positions(G, seed=4) != first


def test_directed_and_multigraphs_are_laid_out_as_their_undirected_ties():
    # Same ties, same seed: the DiGraph with both arcs and the MultiGraph with doubled edges
    # give the positions of the Graph whose weights are the sums (networkx's conversion).
    G = nx.Graph()
    for u, v in nx.karate_club_graph().edges():
        G.add_edge(u, v, weight=2.0)
    directed = nx.DiGraph()
    directed.add_nodes_from(G)
    directed.add_edges_from((u, v, {"weight": 1.0}) for u, v in G.edges())
    directed.add_edges_from((v, u, {"weight": 1.0}) for u, v in G.edges())
    multi = nx.MultiGraph()
    multi.add_nodes_from(G)
    multi.add_edges_from((u, v, {"weight": 1.0}) for u, v in itertools.chain(G.edges(), G.edges()))
    expected = cn.layout_positions(G, seed=2)
    assert cn.layout_positions(directed, seed=2) == expected
    assert cn.layout_positions(multi, seed=2) == expected


def test_without_igraph_networkx_lays_out_the_components(monkeypatch):
    monkeypatch.setattr(_layout, "optional_igraph", lambda needed_for=None: None)
    G = nx.connected_caveman_graph(5, 6)
    G.add_edges_from([("p", "q"), ("q", "r")])
    G.add_nodes_from(["alone"])
    positions = cn.layout_positions(G, seed=0)
    assert positions == cn.layout_positions(G, seed=0)
    assert _edge_to_pair_ratio(G.subgraph(range(30)), positions) < 0.6
    assert _aspect(_array(positions, G)) <= 3.0


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.floats(0.5, 30.0), min_size=1, max_size=60))
def test_packed_circles_never_overlap(radii):
    radii = np.sort(np.array(radii))[::-1]
    centres = _layout._pack(radii)
    i, j = np.triu_indices(len(radii), 1)
    distance = np.linalg.norm(centres[i] - centres[j], axis=1)
    assert np.all(distance >= radii[i] + radii[j] - 1e-9)
