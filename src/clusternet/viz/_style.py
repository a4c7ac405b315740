"""Colours, sizes, labels and positions shared by the interactive HTML and the static figures.

One module decides how a node looks, so a cluster has the same colour in the HTML an evaluator
e-mails and in the PDF figure of the report.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .._shared import edge_arrays, is_missing, sorted_nodes
from ..errors import StyleError
from ..model import CLUSTER_TYPES, KINDS, OWNERSHIPS, ROLES, SIZE_CLASSES

__all__ = [
    "CATEGORICAL",
    "EDGE_COLOR",
    "MISSING_COLOR",
    "OTHER_LABEL",
    "category_colors",
    "continuous_color",
    "layout_positions",
]

#: Category colours in the order they are handed out (Tableau 10 without its grey, which is
#: kept for missing values and the "other values" bucket).
CATEGORICAL: tuple[str, ...] = (
    "#4E79A7",  # blue
    "#F28E2B",  # orange
    "#59A14F",  # green
    "#E15759",  # red
    "#B07AA1",  # purple
    "#76B7B2",  # teal
    "#EDC948",  # yellow
    "#FF9DA7",  # pink
    "#9C755F",  # brown
)
#: Colour of nodes whose value is missing or falls in the "other values" bucket.
MISSING_COLOR = "#BAB0AC"
#: Colour of edges (drawn translucent).
EDGE_COLOR = "#8C8C8C"
#: Legend entry of the values beyond the palette.
OTHER_LABEL = "other values"
#: Legend entry of missing values.
MISSING_LABEL = "missing"
#: The continuous colour map (perceptually uniform, readable in greyscale).
CONTINUOUS_MAP = "viridis"

# Values of the data model get their colour from the vocabulary's order, not from what happens
# to be present, so "IBN" is orange in every picture, with or without SPCs beside it.
_VOCABULARIES: tuple[tuple[str, ...], ...] = (CLUSTER_TYPES, KINDS, SIZE_CLASSES, ROLES, OWNERSHIPS)
# Integer attributes with at most this many distinct values (community numbers) are categories.
_MAX_INTEGER_CATEGORIES = len(CATEGORICAL) + 3
# Above this many nodes the layout approximates repulsion on a grid instead of all pairs.
_EXACT_LAYOUT_LIMIT = 500


def category_colors(values: pd.Series | list) -> dict[object, str]:
    """Colour for each distinct value of a categorical attribute.

    Values of the data model's vocabularies (cluster ``type``, organisation ``kind``,
    ``size_class``, ``role``, ``ownership``) take their colour from the vocabulary's order; other
    values are coloured from the most frequent down (ties in sorted order). Values beyond the
    nine palette colours share the grey of :data:`MISSING_COLOR`; missing values are not keys.

    Parameters
    ----------
    values : pandas.Series or list
        One value per node.

    Returns
    -------
    dict
        ``{value: "#RRGGBB"}`` in legend order.

    Examples
    --------
    >>> from clusternet.viz import category_colors
    >>> category_colors(["IBN", "IBN", "other"])
    {'IBN': '#F28E2B', 'other': '#59A14F'}
    >>> category_colors(["b", "a", "b"])
    {'b': '#4E79A7', 'a': '#F28E2B'}
    """
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype=object)
    present = series[series.map(lambda value: not is_missing(value))]
    counts = present.value_counts(sort=False)
    distinct = list(counts.index)
    for vocabulary in _VOCABULARIES:
        if distinct and set(distinct) <= set(vocabulary):
            return {value: CATEGORICAL[vocabulary.index(value)] for value in vocabulary if value in counts}
    order = sorted(distinct, key=lambda value: (-counts[value], _sort_key(value)))
    return {
        value: CATEGORICAL[rank] if rank < len(CATEGORICAL) else MISSING_COLOR
        for rank, value in enumerate(order)
    }


def continuous_color(fractions: np.ndarray) -> list[str]:
    """Hex colours of the continuous map for values scaled to [0, 1] (NaN gives the missing grey).

    Examples
    --------
    >>> import numpy as np
    >>> from clusternet.viz import continuous_color
    >>> continuous_color(np.array([0.0, 1.0, np.nan]))
    ['#440154', '#FDE725', '#BAB0AC']
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[CONTINUOUS_MAP]
    return [
        MISSING_COLOR if not np.isfinite(value) else to_hex(cmap(float(value))).upper()
        for value in np.asarray(fractions, dtype=float)
    ]


def in_drawing_order(G: nx.Graph) -> nx.Graph:
    """``G`` with its nodes sorted and each node's neighbours in that order (a copy if needed).

    A picture depends on the order of nodes and edges (the random start of the layout, the
    order of the page's data), and networkx's subgraphs list their nodes in set order, which
    changes from one Python process to the next with the hash seed. Drawing the graph in this
    order makes a page or figure depend only on the graph and the seed. A graph already in
    order (clusternet builds its networks so) is returned as it is, without a copy.

    Examples
    --------
    >>> import networkx as nx
    >>> from clusternet.viz import in_drawing_order
    >>> H = in_drawing_order(nx.Graph([("c", "a"), ("b", "c")]))
    >>> list(H), list(H.adj["c"])
    (['a', 'b', 'c'], ['a', 'b'])
    >>> in_drawing_order(H) is H
    True
    """
    if G.is_multigraph():
        return G  # parallel edges have keys of their own; drawn in the order given
    nodes = list(G)
    ordered = sorted_nodes(nodes)
    position = {node: i for i, node in enumerate(ordered)}
    adjacency = G.succ if G.is_directed() else G.adj
    if ordered == nodes and all(
        all(a < b for a, b in zip(ranks, ranks[1:], strict=False))
        for ranks in ([position[v] for v in adjacency[u]] for u in nodes)
    ):
        return G
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((node, G.nodes[node]) for node in ordered)
    directed = G.is_directed()
    for u in ordered:
        i = position[u]
        neighbours = sorted(adjacency[u].items(), key=lambda item: position[item[0]])
        H.add_edges_from((u, v, data) for v, data in neighbours if directed or position[v] >= i)
    return H


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


# --- node encoding shared by to_html and plot_network --------------------------------------


@dataclass
class LegendEntry:
    label: str
    color: str
    count: int


@dataclass
class NodeStyle:
    """How each node is drawn: one row per node in graph order, plus the colour legend."""

    table: pd.DataFrame  # columns label, color, group, size (0..1)
    legend: list[LegendEntry] = field(default_factory=list)
    legend_title: str = ""
    continuous: tuple[float, float] | None = None  # (min, max) when colours encode a number
    size_title: str = ""


def node_values(G: nx.Graph, key: str | Mapping | pd.Series, measures: pd.DataFrame | None = None) -> pd.Series:
    """Values of ``key`` (node attribute, measures column, or a node -> value mapping) per node."""
    nodes = list(G)
    if isinstance(key, pd.Series | Mapping):
        mapping = key if isinstance(key, pd.Series) else pd.Series(dict(key), dtype=object)
        values = [mapping.get(node) if node in mapping.index else None for node in nodes]
        return pd.Series(values, index=range(len(nodes)), dtype=object)
    if measures is not None and key in measures.columns:
        column = measures[key]
        return pd.Series([column.get(node) if node in column.index else None for node in nodes], dtype=object)
    if not any(key in data for _, data in G.nodes(data=True)) and len(nodes):
        known = sorted({attribute for _, data in G.nodes(data=True) for attribute in data})
        if measures is not None:
            known += [f"{column} (measures)" for column in measures.columns]
        raise StyleError(f"no node has the attribute {key!r}; known: {', '.join(map(str, known)) or 'none'}")
    return pd.Series([data.get(key) for _, data in G.nodes(data=True)], dtype=object)


def node_style(
    G: nx.Graph,
    *,
    color_by: str | Mapping | pd.Series | None = None,
    size_by: str | Mapping | pd.Series | None = None,
    label_by: str | Mapping | pd.Series | None = None,
    measures: pd.DataFrame | None = None,
) -> NodeStyle:
    """Label, colour, legend group and relative size (0..1) of every node."""
    nodes = list(G)
    n = len(nodes)
    if label_by is None:
        has_name = n and all("name" in data for _, data in G.nodes(data=True))
        labels = node_values(G, "name") if has_name else pd.Series(nodes, dtype=object)
        labels = labels.where(labels.map(lambda value: not is_missing(value)), pd.Series(nodes, dtype=object))
    else:
        labels = node_values(G, label_by, measures)
    labels = labels.map(lambda value: "" if is_missing(value) else str(value))

    style = NodeStyle(table=pd.DataFrame(index=range(n)))
    style.table["label"] = labels.to_numpy()
    if color_by is None:
        style.table["color"] = CATEGORICAL[0]
        style.table["group"] = ""
    else:
        values = node_values(G, color_by, measures)
        style.legend_title = _title(color_by, "colour")
        if _is_continuous(values):
            numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
            low, high = np.nanmin(numbers), np.nanmax(numbers)
            span = high - low if high > low else 1.0
            style.table["color"] = continuous_color((numbers - low) / span)
            style.table["group"] = [
                MISSING_LABEL if not np.isfinite(value) else _format_number(value) for value in numbers
            ]
            style.continuous = (float(low), float(high))
        else:
            colors = category_colors(values)
            in_palette = set(list(colors)[: len(CATEGORICAL)])
            groups = values.map(
                lambda value: MISSING_LABEL
                if is_missing(value)
                else (str(value) if value in in_palette else OTHER_LABEL)
            )
            style.table["color"] = values.map(
                lambda value: MISSING_COLOR if is_missing(value) else colors[value]
            ).to_numpy()
            style.table["group"] = groups.to_numpy()
            counts = groups.value_counts()
            for value in list(colors)[: len(CATEGORICAL)]:
                style.legend.append(LegendEntry(str(value), colors[value], int(counts.get(str(value), 0))))
            for extra in (OTHER_LABEL, MISSING_LABEL):
                if extra in counts.index:
                    style.legend.append(LegendEntry(extra, MISSING_COLOR, int(counts[extra])))
    if size_by is None:
        style.table["size"] = 0.25
    else:
        numbers = pd.to_numeric(node_values(G, size_by, measures), errors="coerce").astype(float)
        if numbers.notna().sum() == 0:
            raise StyleError(f"size_by={_title(size_by, 'values')!r} has no numeric value")
        low = min(float(numbers.min()), 0.0)
        high = float(numbers.max())
        span = high - low if high > low else 1.0
        # Area, not radius, grows with the value, so a node twice the value looks twice as big.
        style.table["size"] = np.sqrt(((numbers - low) / span).clip(0, 1)).fillna(0.0).to_numpy()
        style.size_title = _title(size_by, "size")
    return style


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
    # Few columns, every other one a little lower, so that long names do not run into each other.
    columns = max(3, min(5, math.ceil(math.sqrt(2 * len(isolated)))))
    rows = math.ceil(len(isolated) / columns)
    step = 2.0 / max(columns - 1, 1)
    spots = np.array(
        [(-1.0 + step * (i % columns), -1.3 - 0.4 * (i // columns) - 0.12 * (i % 2)) for i in range(len(isolated))]
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


def _is_continuous(values: pd.Series) -> bool:
    present = [value for value in values if not is_missing(value)]
    if not present or any(isinstance(value, bool | np.bool_ | str) for value in present):
        return False
    if not all(isinstance(value, int | float | np.integer | np.floating) for value in present):
        return False
    if all(float(value).is_integer() for value in present):
        return len(set(present)) > _MAX_INTEGER_CATEGORIES
    return True




def _sort_key(value: object) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def _title(key: object, default: str) -> str:
    if isinstance(key, str):
        return key
    name = getattr(key, "name", None)
    return str(name) if name is not None else default


def _format_number(value: float) -> str:
    return f"{value:.4g}"
