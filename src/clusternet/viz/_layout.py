"""Node positions for every picture: igraph's force layout per component, packed, deterministic for a seed.

The HTML page, the matplotlib figures and the VOSviewer export all place nodes through
:func:`layout_positions`, so a network looks the same in each of them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from .._options import igraph as optional_igraph
from .._shared import edge_arrays
from ..errors import StyleError

__all__ = ["layout_positions"]

# Steps of igraph's Fruchterman-Reingold (chosen in benchmarks/bench_layout.py).
_ITERATIONS = 100


def layout_positions(
    G: nx.Graph,
    layout: str | Mapping[Hashable, tuple[float, float]] | None = None,
    *,
    seed: int = 0,
    weight: str | None = "weight",
) -> dict[Hashable, tuple[float, float]]:
    """Node positions, deterministic for a seed, centred and scaled to fit [-1, 1].

    Parameters
    ----------
    G : networkx.Graph
        Any graph; directed and parallel edges are laid out as one undirected tie (weights
        summed).
    layout : str, mapping or None
        ``None`` or ``"force"``: each connected component is laid out with the
        Fruchterman-Reingold force layout [1]_ of igraph [2]_ (its grid version, 100 steps;
        networkx's ``spring_layout`` if igraph, a dependency, cannot be imported, much slower above a few
        thousand nodes), scaled so that its area is proportional to its node count, and the
        components are packed in rings round the largest, largest first and isolates last,
        so the picture is about as wide as high (never more than 3:1) however many small
        components there are. ``"circular"``, ``"shell"``, ``"spectral"``,
        ``"kamada_kawai"`` and ``"spring"`` call the networkx layout of that name (``spring``
        is slow beyond a few hundred nodes). A mapping ``{node: (x, y)}`` is used as given
        (every node needs a position).
    seed : int
        Seed of the random start (and of igraph's generator during the layout).
    weight : str or None
        Edge attribute pulling endpoints together (absolute values scaled to a maximum of 1,
        at least 0.001); ``None`` treats every edge alike.

    Returns
    -------
    dict
        ``{node: (x, y)}`` in the graph's node order, every node included.

    See Also
    --------
    clusternet.to_html, clusternet.plot_network : they leave isolates out unless asked.

    Notes
    -----
    Timings and a quality figure (stress on shortest paths, edge length against the distance
    of random pairs) against networkx's ``spring_layout`` at 2,000, 10,000 and 25,793 nodes
    are in ``benchmarks/bench_layout.py``.

    References
    ----------
    .. [1] T. M. J. Fruchterman and E. M. Reingold, "Graph drawing by force-directed
       placement", Software: Practice and Experience 21(11), 1991, 1129-1164.
    .. [2] G. Csardi and T. Nepusz, "The igraph software package for complex network
       research", InterJournal Complex Systems 1695, 2006.

    Examples
    --------
    >>> import networkx as nx
    >>> from clusternet.viz import layout_positions
    >>> G = nx.path_graph(4)
    >>> layout_positions(G, seed=1) == layout_positions(G, seed=1)
    True
    >>> max(abs(c) for xy in layout_positions(G).values() for c in xy) <= 1.0
    True
    """
    nodes = list(G)
    if not nodes:
        return {}
    if isinstance(layout, Mapping):
        missing = [node for node in nodes if node not in layout]
        if missing:
            raise StyleError(
                f"layout has no position for {len(missing)} node(s), e.g. {missing[0]!r}; "
                "give (x, y) for every node or pass layout=None"
            )
        xy = np.array([tuple(map(float, layout[node])) for node in nodes], dtype=float)
        return dict(zip(nodes, map(tuple, xy.tolist()), strict=True))
    name = "force" if layout is None else layout
    if name == "force":
        xy = _force_layout_with_isolates(G, seed=seed, weight=weight)
    elif name in _NETWORKX_LAYOUTS:
        xy = _networkx_layout(G, name, seed=seed, weight=weight)
    else:
        raise StyleError(
            f"unknown layout {layout!r}; use None, 'force', "
            + ", ".join(repr(option) for option in _NETWORKX_LAYOUTS)
            + " or a mapping {node: (x, y)}"
        )
    return dict(zip(nodes, map(tuple, _fit(xy).tolist()), strict=True))


# --- helpers -----------------------------------------------------------------------------


_NOUNS = {"organisation": "organisations", "project": "projects", "cluster": "clusters"}


def leave_out_isolates(G: nx.Graph, *, isolates: bool) -> tuple[nx.Graph, str]:
    """The graph a drawing shows and the line that says what it leaves out.

    With ``isolates=False`` the nodes without a tie to another node (a loop does not count) are
    left out, unless no node has one (then there is nothing else to draw); the line says how
    many, e.g. "1,992 isolated organisations not shown" (the noun from ``G.graph["network"]``
    of clusternet's networks, else "nodes"). The graph keeps ``G``'s order and attributes.
    """
    if isolates:
        return G, ""
    alone = [node for node, neighbours in G.adjacency() if not neighbours or set(neighbours) == {node}]
    if not alone or len(alone) == len(G):
        return G, ""
    aside = set(alone)
    shown = G.__class__()
    shown.graph.update(G.graph)
    shown.add_nodes_from((node, data) for node, data in G.nodes(data=True) if node not in aside)
    # An isolate's only ties are loops, so dropping the edges from isolates drops nothing else.
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True)
    shown.add_edges_from(edge for edge in edges if edge[0] not in aside)
    noun = _NOUNS.get(G.graph.get("network"), "nodes")
    if len(alone) == 1:
        noun = noun[:-1]
    return shown, f"{len(alone):,} isolated {noun} not shown"


_NETWORKX_LAYOUTS = ("circular", "shell", "spectral", "kamada_kawai", "spring")


def _networkx_layout(G: nx.Graph, name: str, *, seed: int, weight: str | None) -> np.ndarray:
    if name == "circular":
        positions = nx.circular_layout(G)
    elif name == "shell":
        positions = nx.shell_layout(G)
    elif name == "spectral":
        positions = nx.spectral_layout(G, weight=weight) if len(G) > 2 else nx.circular_layout(G)
    elif name == "kamada_kawai":
        positions = nx.kamada_kawai_layout(G, weight=None)
    else:
        positions = nx.spring_layout(G, seed=seed, weight=weight)
    return np.array([positions[node] for node in G], dtype=float).reshape(len(G), 2)


def _fit(xy: np.ndarray) -> np.ndarray:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    xy = xy - (xy.max(axis=0) + xy.min(axis=0)) / 2
    extent = np.abs(xy).max()
    return np.round(xy / extent if extent > 0 else xy, 6)


def _force_layout_with_isolates(G: nx.Graph, *, seed: int, weight: str | None) -> np.ndarray:
    """Each connected component laid out on its own, sized to its node count, packed in rings.

    The largest component sits in the middle with an area proportional to its nodes; the
    others, largest first, go round it in rings (see :func:`_pack`), isolates last. So the
    picture stays about as wide as high whatever the number of small components.
    """
    n = len(G)
    if n == 1:  # nothing to place, nor any weight to read
        return np.zeros((1, 2))
    rows, cols, strength = _edge_arrays(G, weight)
    matrix = sparse.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    count, labels = csgraph.connected_components(matrix, directed=False)
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, n)
    np.minimum.at(first, labels, np.arange(n))
    # Largest first; among equal sizes, the one whose first node comes first in G.
    order = np.lexsort((first, -sizes))
    rank = np.empty(count, dtype=np.intp)
    rank[order] = np.arange(count)
    ranked = rank[labels]
    edge_component = ranked[rows]
    members = np.argsort(ranked, kind="stable")  # nodes grouped by component, in G's order within
    bounds = np.concatenate([[0], np.cumsum(sizes[order])])
    edge_order = np.argsort(edge_component, kind="stable")
    edge_bounds = np.searchsorted(edge_component[edge_order], np.arange(count + 1))
    local = np.empty(n, dtype=np.intp)
    xy = np.zeros((n, 2))
    radii = np.empty(count)
    engine = _engine()
    for c in range(count):
        nodes_c = members[bounds[c] : bounds[c + 1]]
        size = nodes_c.size
        radii[c] = 0.5 * math.sqrt(size)  # area proportional to the node count
        if size == 1:
            continue
        local[nodes_c] = np.arange(size)
        edges_c = edge_order[edge_bounds[c] : edge_bounds[c + 1]]
        part = engine(size, local[rows[edges_c]], local[cols[edges_c]], strength[edges_c], seed=seed + c)
        part = part - (part.max(axis=0) + part.min(axis=0)) / 2
        extent = np.hypot(part[:, 0], part[:, 1]).max()
        xy[nodes_c] = part * (radii[c] / extent) if extent > 0 else part
    centres = _pack(radii)
    return xy + centres[ranked]


def _pack(radii: np.ndarray, gap: float = 0.3) -> np.ndarray:
    """Centres of circles of the given radii (largest first): the first in the middle, the rest
    round it in rings, none overlapping.

    Each circle of a ring touches the ring's inner edge (so a large circle does not push the
    small ones of its ring outwards) and follows the previous one at the smallest angle that
    keeps ``gap`` between them and every circle already in the ring; the next ring starts
    beyond the ring's largest circle. The last ring's circles are spread evenly round it, so
    the picture is balanced.
    """
    k = radii.size
    centres = np.zeros((k, 2))
    inner = radii[0] + gap if k else 0.0
    i = 1
    while i < k:
        start = i
        distance = inner + radii[start : start + 1]
        angles = [0.0]
        i += 1
        while i < k:
            reach = inner + radii[i]
            angle = angles[-1] + _angle_apart(inner + radii[i - 1], reach, radii[i - 1] + radii[i] + gap)
            placed = np.array(angles)
            while angle < 2 * math.pi:
                clash = _apart(distance, placed, reach, angle) < radii[start:i] + radii[i] + gap - 1e-12
                if not clash.any():
                    break
                if clash[0] and angle > math.pi:  # back at the ring's first circle: the ring is full
                    angle = 2 * math.pi
                    break
                worst = int(np.flatnonzero(clash)[-1])
                # A hair beyond the exact angle, so that rounding cannot leave it clashing.
                angle = placed[worst] + _angle_apart(
                    distance[worst], reach, radii[start + worst] + radii[i] + gap
                )
                angle += 1e-9
            if angle >= 2 * math.pi:
                break
            angles.append(angle)
            distance = np.append(distance, reach)
            i += 1
        spread = np.array(angles)
        if i == k and len(angles) > 1:  # a ring not full: share out the room left, if nothing clashes
            last = inner + radii[i - 1]
            slack = (
                2 * math.pi
                - angles[-1]
                - _angle_apart(inner + radii[start], last, radii[start] + radii[i - 1] + gap)
            )
            even = spread + np.arange(len(angles)) * (max(slack, 0.0) / len(angles))
            xy = distance[:, None] * np.column_stack([np.cos(even), np.sin(even)])
            one, two = np.triu_indices(len(angles), 1)
            room = np.hypot(*(xy[one] - xy[two]).T) - radii[start:i][one] - radii[start:i][two]
            if np.all(room >= gap - 1e-12):
                spread = even
        centres[start:i] = distance[:, None] * np.column_stack([np.cos(spread), np.sin(spread)])
        inner += 2 * radii[start] + gap
    return centres


def _apart(distance: np.ndarray, angles: np.ndarray, reach: float, angle: float) -> np.ndarray:
    """Distances from the point at (``reach``, ``angle``) to the points at (``distance``, ``angles``), in polar terms."""
    return np.hypot(
        distance * np.cos(angles) - reach * math.cos(angle),
        distance * np.sin(angles) - reach * math.sin(angle),
    )


def _angle_apart(first: float, second: float, separation: float) -> float:
    """The angle between two points at distances ``first`` and ``second`` from the origin that
    puts them ``separation`` apart (law of cosines; a half turn if they cannot be)."""
    cosine = (first * first + second * second - separation * separation) / (2 * first * second)
    return math.acos(min(1.0, max(-1.0, cosine)))


def _engine():
    """The force layout of one connected component: igraph's, else networkx's."""
    igraph = optional_igraph()
    return _networkx_force if igraph is None else _igraph_force


def _igraph_force(
    n: int, rows: np.ndarray, cols: np.ndarray, strength: np.ndarray, *, seed: int
) -> np.ndarray:
    """igraph's Fruchterman-Reingold with its grid, from a start drawn from ``seed``.

    The start is spread over a square of side sqrt(n), the scale igraph's grid works in (from
    the unit square every node falls in one cell and each step costs all pairs: 16 s instead
    of 1 s for 2,000 H2020 organisations). igraph's own generator (it nudges nodes that
    coincide) is seeded for the call and given back afterwards.
    """
    import random

    igraph = optional_igraph()
    start = np.random.default_rng(seed).random((n, 2)) * math.sqrt(n)
    graph = igraph.Graph(n=n, edges=np.column_stack([rows, cols]).tolist())
    previous = random.getstate()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        layout = graph.layout_fruchterman_reingold(
            weights=_attraction(strength).tolist(), niter=_ITERATIONS, seed=start.tolist(), grid="grid"
        )
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(previous)
    return np.array(layout.coords, dtype=float).reshape(n, 2)


def _networkx_force(
    n: int, rows: np.ndarray, cols: np.ndarray, strength: np.ndarray, *, seed: int
) -> np.ndarray:
    """networkx's spring layout (Fruchterman-Reingold): the fallback without igraph (slow above
    a few thousand nodes: it loops over the nodes in Python)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(
        zip(rows.tolist(), cols.tolist(), _attraction(strength).tolist(), strict=True)
    )
    positions = nx.spring_layout(graph, seed=seed, weight="weight")
    return np.array([positions[i] for i in range(n)], dtype=float).reshape(n, 2)


def _attraction(strength: np.ndarray) -> np.ndarray:
    """|weights| scaled to a maximum of 1; igraph needs them positive, so zero pulls with 1e-3."""
    top = strength.max() if strength.size else 0.0
    scaled = strength / top if top > 0 else np.ones_like(strength)
    return np.maximum(scaled, 1e-3)


def _edge_arrays(G: nx.Graph, weight: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair of distinct linked nodes once (positions in ``list(G)``) and the |weight| of its ties.

    The edges of :func:`clusternet._shared.edge_arrays` (an edge without the weight counts 1, as
    in ``nx.to_scipy_sparse_array``); both directions of a directed pair and parallel edges add
    up, as in ``nx.to_scipy_sparse_array`` of the undirected graph.
    """
    nodes, rows, cols, raw = edge_arrays(G, weight, missing=1)
    strength = np.abs(np.array(raw, dtype=float).reshape(len(raw)))
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    pairs = sparse.coo_array((strength, (low, high)), shape=(len(nodes), len(nodes)))
    pairs.sum_duplicates()  # sorted by row, then column
    return pairs.row.astype(np.intp), pairs.col.astype(np.intp), pairs.data.astype(float)
