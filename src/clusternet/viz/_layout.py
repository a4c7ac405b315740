"""Node positions for every picture: a vectorised force layout, deterministic for a seed.

The HTML page, the matplotlib figures and the VOSviewer export all place nodes through
:func:`layout_positions`, so a network looks the same in each of them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np

from .._shared import edge_arrays
from ..errors import StyleError

__all__ = ["layout_positions"]

# Above this many nodes the layout approximates repulsion on a grid instead of all pairs.
_EXACT_LAYOUT_LIMIT = 500


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
    layout : str, mapping or None
        ``None`` or ``"force"``: a Fruchterman-Reingold force layout [1]_, vectorised with numpy
        (all pairs up to 500 nodes; above that, repulsion is computed on a grid by FFT
        convolution, so 10,000 nodes take about a second). ``"circular"``, ``"shell"``,
        ``"spectral"``, ``"kamada_kawai"`` and ``"spring"`` call the networkx layout of that
        name (``spring`` is slow beyond a few hundred nodes). A mapping ``{node: (x, y)}`` is
        used as given (every node needs a position).
    seed : int
        Seed of the random start.
    weight : str or None
        Edge attribute pulling endpoints together (values scaled to a maximum of 1); ``None``
        treats every edge alike.

    Returns
    -------
    dict
        ``{node: (x, y)}`` in the graph's node order.

    References
    ----------
    .. [1] T. M. J. Fruchterman and E. M. Reingold, "Graph drawing by force-directed
       placement", Software: Practice and Experience 21(11), 1991, 1129-1164.

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
    """Force layout of the connected part; isolated nodes in rows below it.

    Left in the force layout, isolates form a ring that squeezes the connected part into the
    middle of the picture, so they are set aside like a legend of unconnected nodes.
    """
    nodes = list(G)
    isolated = [node for node in nodes if G.degree(node) == 0 or set(G.neighbors(node)) == {node}]
    if len(nodes) == 1:  # nothing to place, nor any weight to read
        return np.zeros((1, 2))
    if not isolated or len(isolated) == len(nodes):
        return _force_layout(len(nodes), *_edge_arrays(G, weight), seed=seed)
    aside = set(isolated)
    connected = [node for node in nodes if node not in aside]
    if type(G) is nx.Graph:
        # The edges of the connected part come in the same order as in the copy below (a
        # simple graph's edges between connected nodes, by node then by neighbour), so the
        # layout is the same without copying 100,000s of edges: renumber the ends instead.
        rows, cols, strength, symmetric = _edge_arrays(G, weight)
        renumber = np.full(len(nodes), -1, dtype=np.intp)
        renumber[[i for i, node in enumerate(nodes) if node not in aside]] = np.arange(len(connected))
        edges = (renumber[rows], renumber[cols], strength, symmetric)
    else:
        # A subgraph view may iterate in set order (hash-seeded); an explicit copy keeps G's order.
        part = nx.Graph()
        part.add_nodes_from(connected)
        part.add_edges_from((u, v, data) for u, v, data in G.edges(data=True) if u != v)
        edges = _edge_arrays(part, weight)
    core = _fit(_force_layout(len(connected), *edges, seed=seed))
    # A grid as wide as the network and about half as high (twice as many columns as rows), so
    # that a thousand isolates make a block under the network, not a column that shrinks the
    # network to a dot: the whole drawing stays within 2 wide by 3.3 high. Every other column a
    # little lower, so that neighbouring names do not run into each other.
    columns = max(3, math.ceil(math.sqrt(2 * len(isolated))))
    rows = math.ceil(len(isolated) / columns)
    step = 2.0 / max(columns - 1, 1)
    row_step = min(0.4, step)
    spots = np.array(
        [(-1.0 + step * (i % columns), -1.3 - row_step * (i // columns) - 0.3 * row_step * (i % 2))
         for i in range(len(isolated))]
    )
    if rows == 1:  # centre a short row under the network
        spots[:, 0] += 1.0 - step * (len(isolated) - 1) / 2
    position = {node: xy for node, xy in zip(connected, core, strict=True)}
    position.update({node: xy for node, xy in zip(isolated, spots, strict=True)})
    return np.array([position[node] for node in nodes], dtype=float)


def _edge_arrays(G: nx.Graph, weight: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Ends (node positions in ``list(G)``) and |weight| of the edges that are not loops, for the layout.

    The edges of :func:`clusternet._shared.edge_arrays` (an edge without the weight counts 1, as
    in ``nx.to_scipy_sparse_array``), and whether each stands for both directions.
    """
    _, rows, cols, raw = edge_arrays(G, weight, missing=1)
    # The conversion scipy's coo_array(..., dtype=float) applies to the weights.
    strength = np.abs(np.array(raw, dtype=float).reshape(len(raw)))
    return rows, cols, strength, not G.is_directed()


def _force_layout(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    strength: np.ndarray,
    symmetric: bool,
    *,
    seed: int,
    iterations: int | None = None,
) -> np.ndarray:
    """Fruchterman-Reingold positions of ``n`` nodes joined by the edges of :func:`_edge_arrays`."""
    rng = np.random.default_rng(seed)
    if n == 1:
        return np.zeros((1, 2))
    if strength.size:
        top = strength.max()
        strength = strength / top if top > 0 else np.ones_like(strength)
    # An undirected edge pulls both ends, and the reversed entry's pull is exactly the negated
    # one, so it is computed once; the sums still run over all entries in scipy's order, so the
    # positions are the same to the last bit as with the symmetric matrix.
    ends = np.concatenate([rows, cols]) if symmetric else rows
    m = rows.size
    share = np.empty(2 * m if symmetric else m)
    k = 1.0 / math.sqrt(n)  # FR's ideal distance in the unit square
    pos = rng.random((n, 2))
    steps = iterations or 100
    temperatures = np.linspace(0.1, 0.002, steps)
    repulsion = _exact_repulsion if n <= _EXACT_LAYOUT_LIMIT else _GridRepulsion(n)
    for temperature in temperatures:
        displacement = repulsion(pos, k)
        if m:
            # One coordinate at a time: taking from a contiguous column is far cheaper than
            # fancy-indexing rows of the (n, 2) array.
            x, y = pos[:, 0].copy(), pos[:, 1].copy()
            dx = x.take(rows) - x.take(cols)
            dy = y.take(rows) - y.take(cols)
            factor = np.hypot(dx, dy) * strength / k
            for axis, delta in enumerate((dx, dy)):
                np.multiply(delta, factor, out=share[:m])
                if symmetric:
                    np.negative(share[:m], out=share[m:])
                displacement[:, axis] -= np.bincount(ends, share, minlength=n)
        # A weak pull to the centre keeps components from drifting apart forever.
        displacement -= (pos - pos.mean(axis=0)) * (0.05 / k)
        length = np.hypot(displacement[:, 0], displacement[:, 1])
        length[length == 0] = 1.0
        pos += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
    return pos


def _exact_repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    dx = pos[:, 0, None] - pos[None, :, 0]
    dy = pos[:, 1, None] - pos[None, :, 1]
    scale = dx * dx
    scale += dy * dy
    np.maximum(scale, 1e-9, out=scale)
    np.divide(k * k, scale, out=scale)
    np.fill_diagonal(scale, 0.0)
    return np.column_stack([(dx * scale).sum(axis=1), (dy * scale).sum(axis=1)])


class _GridRepulsion:
    """FR repulsion k^2 (p - q) / |p - q|^2 summed over all q, on a grid (particle-mesh).

    Nodes are spread over grid cells by cloud-in-cell weights, the density is convolved with
    the force kernel by FFT, and the field is read back at each node with the same weights.
    In cell units the kernel does not depend on the cell size, so its transform is computed
    once per layout.
    """

    def __init__(self, n: int) -> None:
        self.cells = int(min(128, max(32, math.ceil(2 * math.sqrt(n)))))
        c, size = self.cells, 2 * self.cells
        offsets = np.arange(size)
        offsets = np.where(offsets < c, offsets, offsets - size).astype(float)
        offsets[c] = 0.0  # index c is never reached by differences of indices in [0, c)
        ux, uy = np.meshgrid(offsets, offsets, indexing="ij")
        # Softened inside one cell so that close pairs do not explode.
        r2 = np.maximum(ux * ux + uy * uy, 1.0)
        self.kernel_x = np.fft.rfft2(ux / r2)
        self.kernel_y = np.fft.rfft2(uy / r2)

    def __call__(self, pos: np.ndarray, k: float) -> np.ndarray:
        c = self.cells
        low = pos.min(axis=0)
        extent = float(max((pos.max(axis=0) - low).max(), k))
        h = extent / (c - 1)
        grid = (pos - low) / h
        base = np.clip(np.floor(grid).astype(int), 0, c - 2)
        frac = grid - base
        corners = ((0, 0), (1, 0), (0, 1), (1, 1))
        weights = []
        density = np.zeros(c * c)
        for dx, dy in corners:
            w = (frac[:, 0] if dx else 1 - frac[:, 0]) * (frac[:, 1] if dy else 1 - frac[:, 1])
            weights.append(w)
            density += np.bincount((base[:, 0] + dx) * c + base[:, 1] + dy, w, minlength=c * c)
        transform = np.fft.rfft2(density.reshape(c, c), s=(2 * c, 2 * c))
        scale = k * k / h
        field_x = np.fft.irfft2(transform * self.kernel_x, s=(2 * c, 2 * c))[:c, :c] * scale
        field_y = np.fft.irfft2(transform * self.kernel_y, s=(2 * c, 2 * c))[:c, :c] * scale
        force = np.zeros_like(pos)
        for (dx, dy), w in zip(corners, weights, strict=True):
            cell = (base[:, 0] + dx, base[:, 1] + dy)
            force[:, 0] += w * field_x[cell]
            force[:, 1] += w * field_y[cell]
        return force
