"""Colours, sizes and labels shared by the interactive HTML and the static figures.

One module decides how a node looks, so a cluster has the same colour in the HTML an evaluator
e-mails and in the PDF figure of the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .._shared import is_missing, sorted_nodes
from ..errors import StyleError
from ..model import CLUSTER_TYPES, KINDS, OWNERSHIPS, ROLES, SIZE_CLASSES

__all__ = [
    "CATEGORICAL",
    "EDGE_COLOR",
    "MISSING_COLOR",
    "OTHER_LABEL",
    "category_colors",
    "continuous_color",
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
    # Three light tones of Tableau 20 after the nine, so that twelve categories get a colour of
    # their own before the rest share the grey.
    "#A0CBE8",  # light blue
    "#FFBE7D",  # light orange
    "#8CD17D",  # light green
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


def category_colors(values: pd.Series | list) -> dict[object, str]:
    """Colour for each distinct value of a categorical attribute.

    Values of the data model's vocabularies (cluster ``type``, organisation ``kind``,
    ``size_class``, ``role``, ``ownership``) take their colour from the vocabulary's order; other
    values are coloured from the most frequent down (ties in sorted order). Values beyond the
    twelve palette colours share the grey of :data:`MISSING_COLOR`; missing values are not keys.

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
        if _is_continuous(values, key=color_by):
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
            lumped = len(colors) - len(in_palette)
            if OTHER_LABEL in counts.index:
                # The legend says how many values share the grey, so none is hidden in it.
                style.legend.append(LegendEntry(f"{OTHER_LABEL} ({lumped:,})", MISSING_COLOR, int(counts[OTHER_LABEL])))
            if MISSING_LABEL in counts.index:
                style.legend.append(LegendEntry(MISSING_LABEL, MISSING_COLOR, int(counts[MISSING_LABEL])))
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

def _is_continuous(values: pd.Series, *, key: object = None) -> bool:
    present = [value for value in values if not is_missing(value)]
    if not present or any(isinstance(value, bool | np.bool_ | str) for value in present):
        return False
    if not all(isinstance(value, int | float | np.integer | np.floating) for value in present):
        return False
    if all(float(value).is_integer() for value in present):
        # Community and cluster numbers are labels, however many there are: on a gradient
        # community 1,273 would look like "more" than community 3.
        return len(set(present)) > _MAX_INTEGER_CATEGORIES and not _names_a_category(key)
    return True


_CATEGORY_NAMES = re.compile(r"(^|_)(community|communities|cluster|group|module|block|partition|id)($|_)", re.I)


def _names_a_category(key: object) -> bool:
    name = key if isinstance(key, str) else getattr(key, "name", None)
    return isinstance(name, str) and bool(_CATEGORY_NAMES.search(name))




def _sort_key(value: object) -> tuple[str, float, str]:
    # Numbers in numeric order (community 10 after 9, not after 1); other values by their text.
    number = float(value) if isinstance(value, int | float | np.integer | np.floating) else 0.0
    return (type(value).__name__, number, str(value))


def _title(key: object, default: str) -> str:
    if isinstance(key, str):
        return key
    name = getattr(key, "name", None)
    return str(name) if name is not None else default


def _format_number(value: float) -> str:
    return f"{value:.4g}"
