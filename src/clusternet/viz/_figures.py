"""Publication figures with matplotlib, in the colours of the interactive HTML."""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from .._shared import is_missing
from ._layout import layout_positions, leave_out_isolates
from ._style import (
    CATEGORICAL,
    CONTINUOUS_MAP,
    EDGE_COLOR,
    MISSING_COLOR,
    OTHER_LABEL,
    StyleError,
    category_colors,
    in_drawing_order,
    node_style,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..model import Ecosystem

__all__ = [
    "plot_backbone",
    "plot_centrality",
    "plot_communities",
    "plot_network",
    "plot_overlap",
    "plot_region_ties",
    "save_figure",
]

#: Width of the text block of an A4 page with 2.5 cm margins, in inches: the default width.
A4_WIDTH = 6.3
# Figures are read at A4 width, so text is never smaller than this (points).
_FONT_SIZE = 8


def plot_network(
    G: nx.Graph,
    *,
    ax: Axes | None = None,
    color_by: str | Mapping | pd.Series | None = None,
    size_by: str | Mapping | pd.Series | None = None,
    label_by: str | Mapping | pd.Series | None = None,
    layout: str | Mapping[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
    measures: pd.DataFrame | None = None,
    labels: bool | str = "auto",
    legend: bool = True,
    title: str | None = None,
    isolates: bool = False,
) -> Axes:
    """Draw a network: the static twin of :func:`clusternet.to_html`.

    Same layout (for the same ``layout``, ``seed`` and ``isolates``), same colours, sizes and
    leading labels as the HTML page, so a figure in the report matches the file the reader
    explores.

    Parameters
    ----------
    G : networkx.Graph
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new A4-width figure by default.
    color_by, size_by, label_by, layout, seed, measures
        As in :func:`clusternet.to_html`.
    labels : bool or "auto"
        Write node labels; ``"auto"`` writes them all for graphs of at most 60 nodes and, on
        larger graphs, those of the most prominent 5% of nodes (at most 30, by size and then
        degree), the same nodes the HTML page labels at every zoom.
    legend : bool
        Add the colour legend (or colour bar for numbers).
    title : str, optional
    isolates : bool
        Draw the nodes without ties too. By default they are left out, as on the page, and a
        line under the drawing says how many ("3 isolated nodes not shown").

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "SPC", "b": "IBN", "c": "IBN"}, "type")
    >>> ax = cn.plot_network(G, color_by="type")
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['SPC', 'IBN']
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patheffects import withStroke

    G, left_out = leave_out_isolates(in_drawing_order(G), isolates=isolates)
    style = node_style(G, color_by=color_by, size_by=size_by, label_by=label_by, measures=measures)
    positions = layout_positions(G, layout, seed=seed)
    nodes = list(G)
    n = len(nodes)
    if ax is None:
        _, ax = plt.subplots(figsize=(A4_WIDTH, A4_WIDTH * 0.75), layout="constrained")
    xy = np.array([positions[node] for node in nodes], dtype=float).reshape(n, 2)
    index = {node: i for i, node in enumerate(nodes)}

    edges = list(G.edges(data=True))
    if edges:
        segments = np.array([[xy[index[u]], xy[index[v]]] for u, v, _ in edges])
        weights = np.array([_finite(data.get("weight")) for _, _, data in edges])
        top = np.nanmax(np.abs(weights)) if np.isfinite(weights).any() else np.nan
        widths = 0.6 + 2.4 * np.abs(weights) / top if np.isfinite(top) and top > 0 else np.full(len(edges), 0.8)
        widths = np.where(np.isfinite(widths), widths, 0.8)
        ax.add_collection(
            LineCollection(segments, colors=EDGE_COLOR, linewidths=widths, alpha=0.5, zorder=1,
                           label="_edges")
        )
    base = 3.0 if n > 500 else 5.0
    radius = base + 10.0 * style.table["size"].to_numpy(dtype=float)
    # Thousands of markers of a few points each cover an A4-wide drawing: shrink them with the
    # square root of the node count beyond 600 (the spacing of a layout of n nodes).
    radius = radius * min(1.0, math.sqrt(600 / max(n, 1)))
    ax.scatter(
        xy[:, 0] if n else [],
        xy[:, 1] if n else [],
        s=radius**2,
        c=list(style.table["color"]),
        edgecolors="white",
        linewidths=0.5,
        zorder=2,
    )
    if labels is True or labels == "auto":
        shown = range(n) if labels is True or n <= 60 else _leading(G, nodes, style)
        for i in shown:
            label = style.table["label"].iloc[i]
            ax.text(
                xy[i, 0], xy[i, 1] - 0.035, label, fontsize=_FONT_SIZE - 1, ha="center", va="top",
                zorder=3, parse_math=False, path_effects=[withStroke(linewidth=2.5, foreground="white")],
            )
    if legend and style.legend:
        handles = [
            Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=entry.color,
                   markeredgecolor="white", label=entry.label)
            for entry in style.legend
        ]
        box = ax.legend(handles=handles, title=style.legend_title, fontsize=_FONT_SIZE,
                        title_fontsize=_FONT_SIZE, frameon=False, loc="upper left",
                        bbox_to_anchor=(1.0, 1.0))
        _plain_text(box.get_texts(), [box.get_title()])
    elif legend and style.continuous is not None:
        from matplotlib import colormaps
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        mappable = ScalarMappable(Normalize(*style.continuous), colormaps[CONTINUOUS_MAP])
        bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.6)
        bar.set_label(style.legend_title, fontsize=_FONT_SIZE)
    if title:
        ax.set_title(title, fontsize=_FONT_SIZE + 2, parse_math=False)
    if left_out:
        ax.text(0.5, 0.0, left_out, transform=ax.transAxes, ha="center", va="top", fontsize=_FONT_SIZE - 1,
                color="#555555", parse_math=False)
    ax.set_aspect("equal")
    margin = 0.12
    ax.set_xlim(-1 - margin, 1 + margin)
    ax.set_ylim(-1 - margin - (0.06 if n <= 60 else 0), 1 + margin)
    ax.set_axis_off()
    return ax


def plot_backbone(
    source: Ecosystem | nx.Graph,
    *,
    methods: Sequence[str] | None = None,
    alphas: Sequence[float] = (0.05, 0.01),
    correction: str | None = None,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Backbones side by side, for a methods section: ties kept, and degrees before and after.

    Left, the ties each null model keeps at each significance level, as a share of all ties
    (the count written beside each bar). Right, the degree distribution of the whole network
    and of each backbone at the first level of ``alphas``, as a complementary cumulative
    distribution P(degree >= k) on log axes [5]_: a backbone that keeps the hubs' ties and
    drops the rest bends the tail, one that keeps a similar share everywhere shifts the curve.
    Nodes left without a tie cannot be drawn on a log axis; the legend says how many nodes
    each curve holds.

    Parameters
    ----------
    source : Ecosystem or networkx.Graph
        As in :func:`clusternet.backbone_edges`.
    methods : sequence of str, optional
        Methods of :func:`clusternet.backbone_edges`; by default all four for an Ecosystem or a
        two-mode graph (nodes marked ``bipartite``), ``disparity`` and ``noise_corrected`` for
        a one-mode graph.
    alphas : sequence of float
        Significance levels; the degree panel uses the first.
    correction : {"holm", "fdr_bh"}, optional
        As in :func:`clusternet.backbone_edges`.
    axes : pair of matplotlib.axes.Axes, optional
        Where to draw the two panels; a new A4-width figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        ``figure.axes[0]`` the ties kept, ``figure.axes[1]`` the degree distributions.

    See Also
    --------
    clusternet.backbone_edges, clusternet.backbone

    References
    ----------
    .. [1] M. Tumminello, S. Miccichè, F. Lillo, J. Piilo and R. N. Mantegna, "Statistically
       validated networks in bipartite complex systems", PLoS ONE 6(3), e17994 (2011).
    .. [2] Z. Neal, "The backbone of bipartite projections: Inferring relationships from
       co-authorship, co-sponsorship, co-attendance and other co-behaviors", Social Networks
       39, 84-97 (2014).
    .. [3] M. Á. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of
       complex weighted networks", PNAS 106(16), 6483-6488 (2009).
    .. [4] M. Coscia and F. M. H. Neffke, "Network backboning with noisy data", IEEE 33rd
       International Conference on Data Engineering (ICDE), 425-436 (2017).
    .. [5] A. Clauset, C. R. Shalizi and M. E. J. Newman, "Power-law distributions in
       empirical data", SIAM Review 51(4), 661-703 (2009).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4", "p5", "p6"]}),
    ...     participations=pd.DataFrame({
    ...         "project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p5", "p6", "p6", "p6"],
    ...         "organisation_id": ["a", "b", "a", "b", "a", "b", "c", "c", "c", "d", "a"]}),
    ... )
    >>> figure = cn.plot_backbone(eco, methods=["hypergeometric", "disparity"], alphas=[0.1])
    >>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
    ['hypergeometric', 'disparity']
    >>> [text.get_text() for text in figure.axes[0].texts]  # ties kept at alpha 0.1
    ['0', '1']
    >>> [line.get_label() for line in figure.axes[1].get_lines()]  # no curve for an empty backbone
    ['all ties (4 nodes)', 'disparity (2 nodes)']
    """
    import matplotlib.pyplot as plt

    from ..graphs import BACKBONE_METHODS, backbone_edges

    levels = [float(alpha) for alpha in alphas]
    if not levels:
        raise StyleError("alphas is empty; give at least one significance level, e.g. (0.05,)")
    if methods is None:
        two_mode = isinstance(source, nx.Graph) and len(source) > 0 and all(
            "bipartite" in data for _, data in source.nodes(data=True))
        methods = BACKBONE_METHODS if not isinstance(source, nx.Graph) or two_mode else ("disparity", "noise_corrected")
    methods = list(methods)
    if not methods:
        raise StyleError(f"methods is empty; choose from {', '.join(map(repr, BACKBONE_METHODS))}")
    # p_adjusted does not depend on alpha, so each method is tested once; every level reads it.
    tables = {method: backbone_edges(source, method=method, alpha=levels[0], correction=correction)
              for method in methods}
    if axes is None:
        figure, axes = plt.subplots(1, 2, figsize=(A4_WIDTH, 2.8), layout="constrained",
                                    gridspec_kw={"width_ratios": [1.1, 1]})
    bars, curves = axes[0], axes[1]
    figure = bars.figure
    colours = {method: CATEGORICAL[i % len(CATEGORICAL)] for i, method in enumerate(methods)}

    # Left: share of ties kept, one bar per method and level (lighter for the later levels).
    height = 0.8 / len(levels)
    positions = np.arange(len(methods))[::-1]
    for j, alpha in enumerate(levels):
        kept = np.array([int((tables[m]["p_adjusted"] <= alpha).sum()) for m in methods])
        total = np.array([len(tables[m]) for m in methods])
        share = np.divide(kept, total, out=np.zeros(len(methods)), where=total > 0)
        offset = (len(levels) - 1) / 2 - j
        drawn = bars.barh(positions + offset * height, share, height=height * 0.92,
                          color=[colours[m] for m in methods], alpha=1.0 - 0.55 * j / max(len(levels) - 1, 1),
                          label=f"alpha = {alpha:g}")
        bars.bar_label(drawn, labels=[f"{k:,}" for k in kept], padding=2, fontsize=_FONT_SIZE - 2)
    bars.set_yticks(positions, methods, fontsize=_FONT_SIZE)
    _plain_text(bars.get_yticklabels())
    total_ties = max(len(table) for table in tables.values())
    bars.set_xlabel(f"share of the {total_ties:,} ties kept", fontsize=_FONT_SIZE)
    bars.set_xlim(0, 1.18)
    bars.tick_params(axis="x", labelsize=_FONT_SIZE)
    bars.spines[["top", "right"]].set_visible(False)
    if len(levels) > 1:
        from matplotlib.patches import Patch

        handles = [Patch(facecolor="#555555", alpha=1.0 - 0.55 * j / (len(levels) - 1), label=f"alpha = {a:g}")
                   for j, a in enumerate(levels)]
        bars.legend(handles=handles, fontsize=_FONT_SIZE - 1, frameon=False, loc="upper left",
                    bbox_to_anchor=(0.0, -0.22), ncols=len(levels))
    title = "ties kept" + (f" ({correction} correction)" if correction else "")
    bars.set_title(title, fontsize=_FONT_SIZE + 1)

    # Right: P(degree >= k) of the whole network and of each backbone at the first level.
    first = tables[methods[0]]
    everyone = _degrees(first["source"], first["target"])
    k, p = _ccdf(everyone)
    curves.loglog(k, p, color="#333333", linewidth=1.4, label=f"all ties ({everyone.size:,} nodes)")
    for method in methods:
        table = tables[method]
        kept = table[table["p_adjusted"] <= levels[0]]
        degrees = _degrees(kept["source"], kept["target"])
        if degrees.size:
            k, p = _ccdf(degrees)
            curves.loglog(k, p, color=colours[method], linewidth=1.2, label=f"{method} ({degrees.size:,} nodes)")
    curves.set_xlabel("degree k", fontsize=_FONT_SIZE)
    curves.set_ylabel("P(degree ≥ k)", fontsize=_FONT_SIZE)
    curves.tick_params(labelsize=_FONT_SIZE - 1)
    curves.spines[["top", "right"]].set_visible(False)
    box = curves.legend(fontsize=_FONT_SIZE - 2, frameon=False, loc="lower left")
    _plain_text(box.get_texts())
    curves.set_title(f"degree distribution, alpha = {levels[0]:g}", fontsize=_FONT_SIZE + 1)
    return figure


def plot_overlap(
    table: pd.DataFrame,
    *,
    value: str = "jaccard",
    ax: Axes | None = None,
    rows: Sequence[Hashable] | None = None,
    columns: Sequence[Hashable] | None = None,
    labels: Mapping[Hashable, str] | pd.Series | None = None,
    annotate: bool = True,
    fmt: str | None = None,
) -> Axes:
    """Heatmap of a pairwise table, e.g. SPC x IBN member overlap, with the values written in.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy pairs with columns ``source``, ``target`` and ``value`` (the output of
        :func:`clusternet.overlap`: ``shared, jaccard, overlap, cosine, association, p_value``).
    value : str
        The column to show.
    ax : matplotlib.axes.Axes, optional
    rows, columns : sequence, optional
        Row (source) and column (target) ids in order; by default the sources and targets of the
        table, sorted. A pair missing in one orientation is looked up in the other (the
        measures are symmetric); pairs missing in both are left blank.
    labels : mapping or pandas.Series, optional
        Display names of the ids (e.g. cluster names).
    annotate : bool
        Write each value in its cell.
    fmt : str, optional
        Format of the values (``"{:.3f}"``); by default whole numbers without decimals, others
        with 2 decimals, written ``.25`` and ``0`` in tables of more than 12 columns.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> pairs = pd.DataFrame({"source": ["SIM", "SIM", "VIL"], "target": ["ACB", "BIM", "ACB"],
    ...                       "jaccard": [0.5, 0.25, 0.125]})
    >>> ax = cn.plot_overlap(pairs)
    >>> [t.get_text() for t in ax.texts]
    ['0.50', '0.25', '0.12']
    """
    import matplotlib.pyplot as plt
    from matplotlib import colormaps

    missing = [column for column in ("source", "target", value) if column not in table.columns]
    if missing:
        raise StyleError(f"the overlap table lacks column(s) {missing}; it has {list(table.columns)}")
    lookup: dict[tuple, float] = {}
    for source, target, number in zip(table["source"], table["target"], table[value], strict=True):
        lookup[(source, target)] = number
    row_ids = list(rows) if rows is not None else sorted(pd.unique(table["source"]), key=str)
    column_ids = list(columns) if columns is not None else sorted(pd.unique(table["target"]), key=str)
    matrix = np.full((len(row_ids), len(column_ids)), np.nan)
    for i, source in enumerate(row_ids):
        for j, target in enumerate(column_ids):
            number = lookup.get((source, target), lookup.get((target, source)))
            if number is not None and not is_missing(number):
                matrix[i, j] = float(number)
    if ax is None:
        height = min(9.0, 1.2 + 0.28 * len(row_ids))
        _, ax = plt.subplots(figsize=(A4_WIDTH, max(2.0, height)), layout="constrained")
    cmap = colormaps[CONTINUOUS_MAP].with_extremes(bad="#FFFFFF")
    finite = matrix[np.isfinite(matrix)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        high = low + 1.0
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=low, vmax=high, aspect="auto",
                      interpolation="nearest")
    integral = finite.size > 0 and bool(np.all(np.equal(np.mod(finite, 1), 0)))
    form = fmt or ("{:.0f}" if integral else "{:.2f}")
    # At A4 width a cell of a wide table is about a quarter inch: smaller text, no leading zero.
    crowded = len(column_ids) > 12
    if annotate:
        for i in range(len(row_ids)):
            for j in range(len(column_ids)):
                number = matrix[i, j]
                if not np.isfinite(number):
                    continue
                shade = cmap((number - low) / (high - low))
                luminance = 0.2126 * shade[0] + 0.7152 * shade[1] + 0.0722 * shade[2]
                text = form.format(number)
                if crowded and fmt is None:
                    text = "0" if number == 0 else re.sub(r"^(-?)0\.", r"\1.", text)
                ax.text(j, i, text, ha="center", va="center", fontsize=_FONT_SIZE - (2 if crowded else 1),
                        color="black" if luminance > 0.5 else "white", parse_math=False)
    names = _names(labels)
    ax.set_xticks(range(len(column_ids)), [names.get(c, str(c)) for c in column_ids], rotation=45,
                  ha="right", rotation_mode="anchor", fontsize=_FONT_SIZE)
    ax.set_yticks(range(len(row_ids)), [names.get(r, str(r)) for r in row_ids], fontsize=_FONT_SIZE)
    _plain_text(ax.get_xticklabels(), ax.get_yticklabels())
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(value, fontsize=_FONT_SIZE)
    bar.ax.tick_params(labelsize=_FONT_SIZE)
    ax.set_title(value, fontsize=_FONT_SIZE + 2, parse_math=False)
    return ax


def plot_centrality(
    measures: pd.DataFrame,
    column: str,
    *,
    ax: Axes | None = None,
    top: int = 20,
    labels: Mapping[Hashable, str] | pd.Series | None = None,
    color_by: Mapping[Hashable, object] | pd.Series | None = None,
) -> Axes:
    """Ranked horizontal bars of one measure, the highest at the top.

    Parameters
    ----------
    measures : pandas.DataFrame
        Indexed by node (e.g. :func:`clusternet.centrality`).
    column : str
        The measure to rank by.
    ax : matplotlib.axes.Axes, optional
    top : int
        How many nodes to show; ties at the cut are broken by node id so the figure is stable.
    labels : mapping or pandas.Series, optional
        Display names of the nodes.
    color_by : mapping or pandas.Series, optional
        A category per node (e.g. cluster type), coloured as in the HTML, with a legend.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> table = pd.DataFrame({"degree": [1, 3, 2]}, index=["a", "b", "c"])
    >>> ax = cn.plot_centrality(table, "degree")
    >>> [t.get_text() for t in ax.get_yticklabels()], [float(p.get_width()) for p in ax.patches]
    (['b', 'c', 'a'], [3.0, 2.0, 1.0])
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if column not in measures.columns:
        raise StyleError(f"no column {column!r} in the measures; columns: {list(measures.columns)}")
    if top < 1:
        raise StyleError(f"top must be at least 1, got {top}")
    numbers = pd.to_numeric(measures[column], errors="coerce").dropna()
    order = sorted(numbers.index, key=lambda node: (-float(numbers[node]), str(node)))[:top]
    if ax is None:
        _, ax = plt.subplots(figsize=(A4_WIDTH, max(2.0, 0.8 + 0.24 * len(order))), layout="constrained")
    names = _names(labels)
    groups = {}
    colors = [CATEGORICAL[0]] * len(order)
    if color_by is not None:
        mapping = pd.Series(color_by) if not isinstance(color_by, pd.Series) else color_by
        values = [mapping.get(node) for node in order]
        groups = category_colors(pd.Series(list(mapping.reindex(numbers.index)), dtype=object))
        colors = [MISSING_COLOR if is_missing(value) else groups.get(value, MISSING_COLOR) for value in values]
    # Highest at the top: bars drawn from the top row down.
    positions = np.arange(len(order))[::-1]
    bars = ax.barh(positions, [float(numbers[node]) for node in order], color=colors, height=0.7)
    ax.set_yticks(positions, [names.get(node, str(node)) for node in order], fontsize=_FONT_SIZE)
    _plain_text(ax.get_yticklabels())
    form = "{:.0f}" if all(float(numbers[node]).is_integer() for node in order) else "{:.3g}"
    ax.bar_label(bars, labels=[form.format(float(numbers[node])) for node in order], padding=2,
                 fontsize=_FONT_SIZE - 1)
    ax.set_xlabel(column, fontsize=_FONT_SIZE)
    ax.tick_params(axis="x", labelsize=_FONT_SIZE)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    if groups:
        shown = {value for value in (mapping.get(node) for node in order) if not is_missing(value)}
        handles = [Patch(color=color, label=str(value)) for value, color in groups.items() if value in shown]
        box = ax.legend(handles=handles, fontsize=_FONT_SIZE, frameon=False, loc="lower right",
                        title=getattr(mapping, "name", None), title_fontsize=_FONT_SIZE)
        _plain_text(box.get_texts(), [box.get_title()])
    return ax


def plot_region_ties(G: nx.Graph, *, top: int = 12, ax: Axes | None = None) -> Axes:
    """The strongest regions' ties as a heatmap: a map-free figure of a country network.

    Rows and columns are the ``top`` regions (countries) with the most participations, in that
    order; a cell is the number of organisation pairs joined in projects across the two (the
    edge ``weight`` of :func:`clusternet.region_network`) and the diagonal the pairs inside one
    region (its ``internal`` ties). The colour is logarithmic, since a few pairs of large
    countries carry most ties; an empty cell means no tie. The title says how many regions are
    left out.

    Parameters
    ----------
    G : networkx.Graph
        A :func:`clusternet.region_network` (nodes with ``participations`` and ``internal``).
    top : int, default 12
        How many regions to show.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    StyleError
        If ``top`` is below 1, or the graph has no region with participations.

    References
    ----------
    .. [1] T. Scherngell and M. J. Barber, "Spatial interaction modelling of cross-region R&D
       collaborations: empirical evidence from the 5th EU Framework Programme", Papers in
       Regional Science 88(3), 531-546 (2009).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                 "country": ["BE", "BE", "NL", "DE"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "d"]}),
    ... )
    >>> ax = cn.plot_region_ties(cn.region_network(eco))
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['BE', 'DE', 'NL']
    >>> [text.get_text() for text in ax.texts]  # row by row; BE-BE: the pair a-b
    ['1', '1', '2', '1', '', '', '2', '', '']
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    if top < 1:
        raise StyleError(f"top must be at least 1, got {top}")
    sizes = pd.Series({node: float(data.get("participations", 0) or 0) for node, data in G.nodes(data=True)})
    sizes = sizes[sizes > 0]
    if sizes.empty:
        raise StyleError("the region network has no region with participations; build it with region_network")
    order = sorted(sizes.index, key=lambda node: (-sizes[node], str(node)))[:top]
    position = {node: k for k, node in enumerate(order)}
    ties = np.zeros((len(order), len(order)))
    for node in order:
        ties[position[node], position[node]] = float(G.nodes[node].get("internal", 0) or 0)
    for u, v, weight in G.edges(data="weight", default=0.0):
        if u in position and v in position and u != v:
            ties[position[u], position[v]] = ties[position[v], position[u]] = float(weight)
    if ax is None:
        side = min(A4_WIDTH, 1.6 + 0.42 * len(order))
        _, ax = plt.subplots(figsize=(side + 1.2, side), layout="constrained")
    shown = np.ma.masked_less_equal(ties, 0)
    positive = ties[ties > 0]
    norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if len(positive) and positive.min() < positive.max() else None
    image = ax.imshow(shown, cmap=CONTINUOUS_MAP, norm=norm, interpolation="nearest")
    labels = [str(node) for node in order]
    ax.set_xticks(range(len(order)), labels, fontsize=_FONT_SIZE, rotation=90)
    ax.set_yticks(range(len(order)), labels, fontsize=_FONT_SIZE)
    _plain_text(ax.get_xticklabels(), ax.get_yticklabels())
    whole = all(float(value).is_integer() for value in positive)
    if len(order) <= 15:
        for row in range(len(order)):
            for column in range(len(order)):
                value = ties[row, column]
                text = "" if value <= 0 else (f"{value:,.0f}" if whole else f"{value:.3g}")
                # Dark text on the light end of the map, white on the dark end, so every count reads.
                red, green, blue, _ = image.cmap(image.norm(value)) if value > 0 else (1, 1, 1, 1)
                light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
                ax.text(column, row, text, ha="center", va="center", fontsize=_FONT_SIZE - 1,
                        color="#222222" if light else "white")
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("organisation pairs joined in projects (log scale)", fontsize=_FONT_SIZE)
    bar.ax.tick_params(labelsize=_FONT_SIZE - 1)
    left_out = len(sizes) - len(order)
    what = "countries" if G.graph.get("level") == "country" else "regions"
    ax.set_title(f"The {len(order)} {what} with most participations"
                 + (f" ({left_out:,} more not shown)" if left_out else ""), fontsize=_FONT_SIZE + 1)
    return ax


def plot_communities(
    communities: pd.Series | Mapping[Hashable, Hashable],
    groups: pd.Series | Mapping[Hashable, Hashable],
    *,
    ax: Axes | None = None,
    normalize: bool = False,
    top: int | None = None,
) -> Axes:
    """Composition of each community: stacked bars of how many of its nodes fall in each group.

    Parameters
    ----------
    communities : pandas.Series or mapping
        Node -> community (e.g. :func:`clusternet.communities`).
    groups : pandas.Series or mapping
        Node -> group (kind, sector, cluster type...); nodes without a group count as
        ``missing``. Its ``name`` titles the legend.
    ax : matplotlib.axes.Axes, optional
    normalize : bool
        Show shares of each community instead of counts.
    top : int, optional
        Show only the ``top`` largest communities.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> communities = pd.Series({"a": 0, "b": 0, "c": 1})
    >>> kinds = pd.Series({"a": "company", "b": "research_centre", "c": "company"}, name="kind")
    >>> ax = cn.plot_communities(communities, kinds)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['company', 'research_centre']
    """
    import matplotlib.pyplot as plt

    community = pd.Series(communities) if not isinstance(communities, pd.Series) else communities
    group = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    frame = pd.DataFrame({
        "community": community.to_numpy(),
        "group": [group.get(node) if node in group.index else None for node in community.index],
    })
    colors = category_colors(frame["group"])
    # Groups beyond the palette share one grey bar segment and one legend entry that counts them,
    # instead of a legend of identical grey swatches.
    coloured = list(colors)[: len(CATEGORICAL)]
    other = f"{OTHER_LABEL} ({len(colors) - len(coloured):,})"
    frame["group"] = frame["group"].map(
        lambda value: "missing" if is_missing(value) else (value if value in coloured else other))
    counts = pd.crosstab(frame["community"], frame["group"])
    ordered = [value for value in coloured if value in counts.columns]
    for extra in (other, "missing"):
        if extra in counts.columns:
            ordered.append(extra)
    counts = counts[ordered]
    totals = counts.sum(axis=1)
    community_order = sorted(counts.index, key=lambda c: (-int(totals[c]), _community_key(c)))
    if top is not None:
        community_order = community_order[:top]
    counts = counts.loc[community_order]
    shown = counts.div(counts.sum(axis=1), axis=0) if normalize else counts
    if ax is None:
        _, ax = plt.subplots(figsize=(A4_WIDTH, max(2.0, 0.9 + 0.3 * len(counts))), layout="constrained")
    positions = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    for value in shown.columns:
        width = shown[value].to_numpy(dtype=float)
        ax.barh(positions, width, left=left, height=0.7, label=str(value),
                color=colors.get(value, MISSING_COLOR), edgecolor="white", linewidth=0.5)
        left += width
    ax.set_yticks(positions, [f"{c} (n={int(totals[c])})" for c in counts.index], fontsize=_FONT_SIZE)
    _plain_text(ax.get_yticklabels())
    ax.set_ylabel(str(community.name) if community.name is not None else "community", fontsize=_FONT_SIZE)
    ax.set_xlabel("share of nodes" if normalize else "nodes", fontsize=_FONT_SIZE)
    ax.tick_params(axis="x", labelsize=_FONT_SIZE)
    ax.spines[["top", "right"]].set_visible(False)
    box = ax.legend(title=group.name, fontsize=_FONT_SIZE, title_fontsize=_FONT_SIZE, frameon=False,
                    loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _plain_text(box.get_texts(), [box.get_title()])
    return ax


def save_figure(
    figure: Figure | Axes,
    path: str | Path,
    *,
    formats: Iterable[str] = ("png", "svg", "pdf"),
    dpi: int = 300,
) -> list[Path]:
    """Save a figure as PNG, SVG and PDF (or the ``formats`` given), byte-stable across runs.

    ``path`` without its suffix is the stem: ``save_figure(ax, "out/overlap")`` writes
    ``out/overlap.png``, ``.svg`` and ``.pdf``. Dates are left out of the SVG and PDF metadata
    and SVG ids are salted with a constant, so the same figure gives the same bytes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, tempfile, pathlib
    >>> import clusternet as cn
    >>> fig, ax = plt.subplots()
    >>> paths = cn.save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "figure")
    >>> [p.suffix for p in paths]
    ['.png', '.svg', '.pdf']
    """
    import matplotlib

    fig = figure.figure if hasattr(figure, "figure") and figure.figure is not None else figure
    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix.lower() in (".png", ".svg", ".pdf") else stem
    written = []
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    with matplotlib.rc_context({"svg.hashsalt": "clusternet", "svg.fonttype": "path", "pdf.fonttype": 42}):
        for extension in formats:
            target = stem.parent / f"{stem.name}.{extension.lower().lstrip('.')}"
            fig.savefig(target, dpi=dpi, metadata=metadata.get(target.suffix[1:], {}), bbox_inches="tight")
            if target.suffix == ".svg":
                clean_svg(target)
            written.append(target)
    return written


# --- helpers -----------------------------------------------------------------------------

_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_svg(path: Path) -> None:
    """Make an SVG valid XML: matplotlib copies each text into a comment, control characters too.

    A name with an ANSI escape or a bell would otherwise give a file no XML parser reads; the
    glyphs themselves are paths, so only the comments change (characters become U+FFFD).
    """
    text = path.read_text(encoding="utf-8")
    cleaned = _XML_INVALID.sub("\ufffd", text)
    if cleaned != text:
        path.write_text(cleaned, encoding="utf-8")


def _plain_text(*groups: Iterable) -> None:
    """Names are data: a ``$`` in a name must not switch matplotlib into mathtext."""
    for texts in groups:
        for text in texts:
            if text is not None:
                text.set_parse_math(False)


def _names(labels: Mapping | pd.Series | None) -> dict:
    if labels is None:
        return {}
    items = labels.items() if isinstance(labels, pd.Series) else dict(labels).items()
    return {key: "" if is_missing(value) else str(value) for key, value in items}


def _finite(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return np.nan
    number = float(value)
    return number if np.isfinite(number) else np.nan


def _degrees(sources: pd.Series, targets: pd.Series) -> np.ndarray:
    """Ties per node of an edge table (nodes with at least one)."""
    ends = pd.concat([sources, targets], ignore_index=True)
    return ends.value_counts(sort=False).to_numpy(dtype=float)


def _ccdf(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values k and the share of values at least k."""
    ordered = np.sort(values)
    k, first = np.unique(ordered, return_index=True)
    return k, 1.0 - first / ordered.size


def _community_key(value: object) -> tuple:
    return (0, float(value), "") if isinstance(value, int | float | np.number) else (1, 0.0, str(value))


def _leading(G: nx.Graph, nodes: list, style) -> list[int]:
    """Positions of the most prominent 5% of nodes (at most 30): by size, then degree, then order.

    The same rule as the page's app.js, so a figure and its page name the same nodes.
    """
    count = min(30, math.ceil(len(nodes) * 0.05))
    size = style.table["size"].to_numpy(dtype=float)
    degree = np.array([G.degree(node) for node in nodes], dtype=float)
    order = np.lexsort((np.arange(len(nodes)), -degree, -size))
    return sorted(order[:count].tolist())
