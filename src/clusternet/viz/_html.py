"""Interactive networks as one self-contained, offline HTML file."""

from __future__ import annotations

import base64
import gc
import hashlib
import html as _html
import importlib.util
import itertools
import json
import math
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .._shared import is_missing
from ..errors import OptionalDependencyError, StyleError
from ._layout import layout_positions, leave_out_isolates
from ._page_data import PageData, PageEdgeColumn, PageEdges, PageLegend, PageNode, PageYears
from ._style import (
    EDGE_COLOR,
    NodeStyle,
    in_drawing_order,
    node_style,
)

__all__ = ["NetworkPage", "show_html", "to_html"]

# Categorical attributes with at most this many distinct values are offered in the filter.
_MAX_FILTER_VALUES = 60
# Tooltips show at most this many attributes.
_MAX_TOOLTIP_ROWS = 24
# Above this many nodes, edges are hidden while dragging or zooming so the page stays fluid.
_MAX_LABEL = 120  # characters of a label drawn on the canvas
_LARGE = 2000
# renderer="auto" draws with WebGL above either of these (see to_html's Notes for the timings
# they come from): vis-network's canvas redraws every edge on every frame and builds its data
# sets edge by edge, so many edges stall it long before many nodes do.
WEBGL_NODES = 5000
WEBGL_EDGES = 20000
_RENDERERS = ("auto", "canvas", "webgl")
# The libraries the WebGL page inlines (static/vendor/, see its README.md), in loading order.
_WEBGL_LIBRARIES = (("graphology.umd.min.js", "graphology", "0.26.0"), ("sigma.min.js", "sigma", "3.0.3"))


@dataclass(frozen=True)
class NetworkPage:
    """An interactive network page: the HTML text, and the file it was written to (if any).

    In a Jupyter notebook the object displays the network inline, in a sandboxed ``iframe``.

    Attributes
    ----------
    html : str
        The complete page, self-contained.
    path : pathlib.Path or None
        Where :func:`to_html` wrote it; ``None`` for :func:`show_html`.
    """

    html: str
    path: Path | None = None

    def write(self, path: str | Path) -> NetworkPage:
        """Write the page as UTF-8 and return it with ``path`` set."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return NetworkPage(self.html, path)

    def _repr_html_(self) -> str:
        # srcdoc keeps the page one document; sandbox without allow-same-origin gives it an
        # opaque origin, so nothing in it can reach the notebook.
        return (
            f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            'style="width:100%;height:640px;border:1px solid #ddd" '
            'title="clusternet network"></iframe>'
        )

    def __repr__(self) -> str:
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<NetworkPage{where}, {len(self.html):,} characters>"


def to_html(
    G: nx.Graph,
    path: str | Path,
    *,
    color_by: str | Mapping | pd.Series | None = None,
    size_by: str | Mapping | pd.Series | None = None,
    label_by: str | Mapping | pd.Series | None = None,
    title: str | None = None,
    layout: str | Mapping[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
    measures: pd.DataFrame | None = None,
    physics: bool = False,
    description: str | None = None,
    renderer: str = "auto",
    isolates: bool = False,
) -> NetworkPage:
    r"""Write an interactive network as one self-contained HTML file that works offline.

    The file carries everything it needs: the drawing library is inlined (vis-network, shipped
    with pyvis, for the canvas; sigma.js and graphology, shipped with clusternet, for WebGL),
    there is no Bootstrap, no font and no link to any server, and a Content-Security-Policy
    forbids the page to load anything. It can be e-mailed and opened on a laptop without
    network. Both renderers have the same side panel: a colour legend, tooltips with each
    node's attributes and measures (click a node to keep them in the side panel and to fade all
    but it and its neighbours), a search by name, a filter by attribute, a minimum-weight slider
    when edges carry numeric weights, a year slider when they carry years, and buttons that
    download the current view as PNG and as SVG.

    Names are data: labels and tooltips are set as text, never as markup, so a name such as
    ``<img src=x onerror=alert(1)>`` is shown exactly as typed and nothing runs.

    Parameters
    ----------
    G : networkx.Graph
        Any graph; node and edge attributes are shown in the tooltips.
    path : str or pathlib.Path
        The file to write (UTF-8).
    color_by : str, mapping or pandas.Series, optional
        Node attribute (or column of ``measures``, or a node -> value mapping) giving the colour.
        Text, booleans and integers with few values are categories (colours of
        :mod:`clusternet.viz`, the same as the figures'); other numbers use a continuous map.
    size_by : str, mapping or pandas.Series, optional
        Numeric node attribute or measure; node area grows with the value.
    label_by : str, mapping or pandas.Series, optional
        Node label; by default the ``name`` attribute, else the node id.
    title : str, optional
        Page title and heading.
    layout : str or mapping, optional
        Positions computed in Python (see :func:`clusternet.layout_positions`), or
        ``"physics"`` to let the browser's physics place the nodes (only for small graphs: it
        does not settle beyond about 1,000 nodes).
    seed : int
        Seed of the layout. The page depends only on the graph, the options and the seed, not
        on the order in which nodes and edges were added: the graph is drawn with its nodes
        sorted (see :func:`clusternet.viz.in_drawing_order`), so the page of a
        ``G.subgraph(...)``, whose node order changes with Python's hash seed, is the same in
        every process. Not so for multigraphs (drawn in their own order) and for nodes that
        are sets (a ``quotient_graph``'s), which have no total order.
    measures : pandas.DataFrame, optional
        Node measures indexed by node (e.g. from :func:`clusternet.centrality`): shown in the
        tooltips and usable in ``color_by`` and ``size_by``.
    physics : bool
        Start with physics on (it can be switched on and off in the page).
    description : str, optional
        One line under the node and edge counts that says what the page shows, e.g. "2,000 of
        35,871 organisations, the most central by degree" (plain text, shown as written).
    renderer : {"auto", "canvas", "webgl"}
        How the browser draws: ``"canvas"`` with vis-network (physics possible), ``"webgl"``
        with sigma.js (tens of thousands of nodes and hundreds of thousands of edges; needs
        positions from Python, so not with ``layout="physics"``). ``"auto"`` takes WebGL for
        more than 5,000 nodes or more than 20,000 edges drawn (``WEBGL_NODES``, ``WEBGL_EDGES``;
        isolates left out are not counted), unless physics is asked for.
    isolates : bool
        Draw the nodes without ties too (packed round the network, see
        :func:`clusternet.layout_positions`). By default they are left out and the description
        says how many ("1,992 isolated organisations not shown"); a graph without any tie is
        drawn whole.

    Returns
    -------
    NetworkPage
        The page; displays inline in a notebook.

    Raises
    ------
    StyleError
        If an option names something that cannot be drawn (an unknown renderer or layout,
        ``renderer="webgl"`` with physics, a missing attribute).

    See Also
    --------
    show_html : the same page without writing a file.
    clusternet.plot_network : the static figure, with the same colours.

    Notes
    -----
    The thresholds of ``renderer="auto"`` come from ``benchmarks/bench_webgl.py --compare``
    (headless Chromium with software WebGL on a shared 2-core machine, time from navigation to
    the first drawn frame; docs/pictures.md has the table). The canvas page builds a vis-network
    data set item by item and redraws every edge on every frame, so it slows with the edges
    first; WebGL costs more to start (the libraries and the GPU buffers) and less per element.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph()
    >>> G.add_node("a", name="Coöperatief <b>&</b>", type="SPC")
    >>> G.add_node("b", name="VIL", type="IBN")
    >>> G.add_edge("a", "b", weight=2)
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> page = cn.to_html(G, folder / "net.html", color_by="type", title="Clusters")
    >>> page.path.name, page.path.read_text(encoding="utf-8") == page.html
    ('net.html', True)
    >>> r"Coöperatief \u003cb\u003e\u0026\u003c/b\u003e" in page.html  # as data, never as markup
    True
    """
    return show_html(
        G,
        color_by=color_by,
        size_by=size_by,
        label_by=label_by,
        title=title,
        layout=layout,
        seed=seed,
        measures=measures,
        physics=physics,
        description=description,
        renderer=renderer,
        isolates=isolates,
    ).write(path)


def show_html(
    G: nx.Graph,
    *,
    color_by: str | Mapping | pd.Series | None = None,
    size_by: str | Mapping | pd.Series | None = None,
    label_by: str | Mapping | pd.Series | None = None,
    title: str | None = None,
    layout: str | Mapping[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
    measures: pd.DataFrame | None = None,
    physics: bool = False,
    description: str | None = None,
    renderer: str = "auto",
    isolates: bool = False,
) -> NetworkPage:
    """The page of :func:`to_html` without writing a file: for display in a notebook.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> page = cn.show_html(nx.path_graph(3))
    >>> page.path is None, page._repr_html_().startswith("<iframe srcdoc=")
    (True, True)
    >>> '"renderer":"webgl"' in cn.show_html(nx.path_graph(3), renderer="webgl").html
    True
    """
    if not isinstance(G, nx.Graph):
        raise StyleError(f"expected a networkx Graph, got {type(G).__name__}")
    use_physics = bool(physics) or (isinstance(layout, str) and layout == "physics")
    _choose_renderer(renderer, 0, 0, physics=use_physics)  # a bad option fails before any work
    with _gc_paused():
        G, left_out = leave_out_isolates(in_drawing_order(G), isolates=isolates)
        # "auto" counts what is drawn: the isolates left out are not on the page.
        renderer = _choose_renderer(renderer, G.number_of_nodes(), G.number_of_edges(), physics=use_physics)
        style = node_style(G, color_by=color_by, size_by=size_by, label_by=label_by, measures=measures)
        positions = (
            None
            if isinstance(layout, str) and layout == "physics"
            else layout_positions(G, layout, seed=seed)
        )
        data = _page_data(G, style, positions, measures=measures, title=title or "", physics=use_physics)
        data["renderer"] = renderer
        data["description"] = " ".join(
            part
            for part in ("" if description is None else str(description), left_out and f"{left_out}.")
            if part
        )
        return NetworkPage(_render(data, title=title or "Network"))


def _choose_renderer(renderer: object, nodes: int, edges: int, *, physics: bool) -> str:
    """``renderer`` checked, and ``"auto"`` resolved by the size of the graph."""
    if not isinstance(renderer, str) or renderer not in _RENDERERS:
        raise StyleError(f"renderer={renderer!r}; expected one of " + ", ".join(map(repr, _RENDERERS)))
    if renderer == "auto":
        if physics:
            return "canvas"
        return "webgl" if nodes > WEBGL_NODES or edges > WEBGL_EDGES else "canvas"
    if renderer == "webgl" and physics:
        raise StyleError(
            "renderer='webgl' draws the positions computed in Python and has no physics; "
            "use renderer='canvas' (or 'auto') with physics=True or layout='physics'"
        )
    return renderer


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the page is built.

    The page data are some 10^5 small dicts and lists without cycles; each few hundred of them
    set off a collection that also walks the (large) graph, which took about half the time of
    building the data of a 130,000-edge page.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- page data ---------------------------------------------------------------------------


def _page_data(
    G: nx.Graph,
    style: NodeStyle,
    positions: dict | None,
    *,
    measures: pd.DataFrame | None,
    title: str,
    physics: bool,
) -> PageData:
    # Built column by column: a 2,000-node page of the CORDIS network has 130,000 edges, and
    # per-row pandas look-ups or per-value type checks took seconds.
    node_items = list(G.nodes(data=True))
    nodes = [node for node, _ in node_items]
    n = len(nodes)
    spread = max(500.0, 45.0 * math.sqrt(n))  # page pixels from centre to edge of the layout
    radius = 5.0 if n > _LARGE else 8.0
    table = style.table
    node_rows: list[PageNode] = []
    for i, (label, color, size, group) in enumerate(
        zip(
            table["label"].tolist(),
            table["color"].tolist(),
            table["size"].tolist(),
            table["group"].tolist(),
            strict=True,
        )
    ):
        entry: PageNode = {
            "id": i,
            "label": _short_label(label),
            "color": color,
            "size": round(radius + 22.0 * float(size), 2),
            "group": group,
        }
        if positions is not None:
            x, y = positions[nodes[i]]
            # Screen y grows downwards; flip so the page matches the figure.
            entry["x"], entry["y"] = round(x * spread, 2), round(-y * spread, 2)
        node_rows.append(entry)

    attribute_names: list[str] = []
    for _, attributes in node_items:
        for key in attributes:
            if key not in attribute_names:
                attribute_names.append(str(key))
    measure_columns = [str(column) for column in measures.columns] if measures is not None else []
    columns = ["id", *attribute_names, *[c for c in measure_columns if c not in attribute_names]]
    columns = columns[:_MAX_TOOLTIP_ROWS]
    lookup = _measure_lookup(measures, nodes)
    node_texts = []
    for column in columns:
        if column == "id":
            values = nodes
        else:
            from_measures = lookup(column)
            values = [
                attributes[column] if column in attributes else from_measures[i]
                for i, (_, attributes) in enumerate(node_items)
            ]
        node_texts.append(_texts(values))
    rows = [list(values) for values in zip(*node_texts, strict=True)] if columns else [[] for _ in nodes]

    filters = {}
    for column, texts in zip(columns, node_texts, strict=True):
        if column == "id":
            continue
        distinct = set(texts)
        distinct.discard("")
        if 2 <= len(distinct) <= _MAX_FILTER_VALUES and len(distinct) < max(n, 3):
            filters[column] = sorted(distinct, key=str.casefold)

    sources, targets, edge_data = _edge_table(G)
    numbers = _finite_numbers([attributes.get("weight") for attributes in edge_data])
    widths = _width_array(numbers)
    edge_columns: list[str] = []
    # Edges mostly share one set of attribute names: look at each distinct set once, in order.
    for keys in dict.fromkeys(tuple(attributes) for attributes in edge_data):
        for key in keys:
            if str(key) not in edge_columns:
                edge_columns.append(str(key))
    edge_columns_all = edge_columns
    edge_columns = edge_columns[:_MAX_TOOLTIP_ROWS]
    edge_values = [_coded([attributes.get(column) for attributes in edge_data]) for column in edge_columns]
    edges: PageEdges = {
        "count": len(edge_data),
        "source": _packed(sources, "<u4"),
        "target": _packed(targets, "<u4"),
        "width": None if widths is None else _packed(widths, "<f4"),
        "weight": _packed(numbers, "<f8") if np.isfinite(numbers).any() else None,
        # Looked for only where some edge has the attribute: a look-up per edge costs seconds.
        "years": _years(edge_data) if {"years", "year"} & set(edge_columns_all) else None,
    }

    legend: PageLegend = {
        "title": style.legend_title,
        "entries": [{"label": e.label, "color": e.color, "count": e.count} for e in style.legend],
        "continuous": None,
        "size": style.size_title,
    }
    if style.continuous is not None:
        from ._style import continuous_color

        legend["continuous"] = {
            "low": _text(style.continuous[0]),
            "high": _text(style.continuous[1]),
            "colors": continuous_color(np.linspace(0, 1, 11)),
        }
    return {
        "title": title,
        "renderer": "canvas",
        "scale": spread,
        "multigraph": G.is_multigraph(),
        "directed": G.is_directed(),
        "physics": physics,
        "large": n > _LARGE,
        "edgeColor": EDGE_COLOR,
        "nodes": node_rows,
        "edges": edges,
        "nodeColumns": columns,
        "nodeValues": rows,
        "edgeColumns": edge_columns,
        "edgeValues": edge_values,
        "filters": filters,
        "legend": legend,
    }


def _edge_table(G: nx.Graph) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """The ends (positions in ``list(G)``) and attribute dicts of the edges, in ``G.edges()`` order.

    For a Graph or DiGraph the adjacency dicts are walked once and the ends come as arrays
    (several times faster than the edge view on 100,000s of edges); an undirected edge is kept
    from its first end in node order, as the edge view does, self-loops included.
    """
    index = {node: i for i, node in enumerate(G)}
    if type(G) not in (nx.Graph, nx.DiGraph):
        items = list(G.edges(data=True))
        sources = np.fromiter((index[u] for u, _, _ in items), np.int64, len(items))
        targets = np.fromiter((index[v] for _, v, _ in items), np.int64, len(items))
        return sources, targets, [attributes for _, _, attributes in items]
    adjacency = [neighbours for _, neighbours in G.adjacency()]
    count = sum(map(len, adjacency))
    sources = np.repeat(
        np.arange(len(adjacency), dtype=np.int64), [len(neighbours) for neighbours in adjacency]
    )
    targets = np.fromiter((index[v] for neighbours in adjacency for v in neighbours), np.int64, count)
    data = [attributes for neighbours in adjacency for attributes in neighbours.values()]
    if type(G) is nx.Graph:
        keep = sources <= targets
        sources, targets = sources[keep], targets[keep]
        data = list(itertools.compress(data, keep.tolist()))
    return sources, targets, data


def _packed(values: np.ndarray, dtype: str) -> str:
    """A numeric array as base64 of its bytes in ``dtype`` (little-endian), as the page decodes it."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _coded(values: list) -> PageEdgeColumn:
    """A column of values as distinct display texts and one code per value (texts[code])."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and kinds <= {str, int, float}:
        # One plain type: equal values have equal texts, so the distinct values are enough.
        codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=False)
        texts = _texts(list(uniques))
    else:
        codes, uniques = pd.factorize(np.array(_texts(values), dtype=object), use_na_sentinel=False)
        texts = [str(text) for text in uniques]
    return {"texts": texts, "codes": _packed(codes, "<u4")}


def _years(edge_data: list[dict]) -> PageYears | None:
    """The years of every edge (``years``: a collection of whole numbers, or ``year``: one).

    ``None`` when no edge has any, or when some value is not a whole number (then there is no
    year slider, and the tooltip still shows the values as they are).
    """
    lists = []
    found = False
    for attributes in edge_data:
        value = attributes.get("years", attributes.get("year"))
        if value is None or (not isinstance(value, list | tuple | set | frozenset) and is_missing(value)):
            lists.append([])
            continue
        items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        years = []
        for item in items:
            if isinstance(item, bool | np.bool_) or not isinstance(
                item, int | np.integer | float | np.floating
            ):
                return None
            if not (math.isfinite(float(item)) and float(item).is_integer() and abs(float(item)) < 2**31):
                return None
            years.append(int(item))
        found = found or bool(years)
        lists.append(sorted(years))
    if not found:
        return None
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(years) for years in lists], out=offsets[1:])
    values = np.fromiter(itertools.chain.from_iterable(lists), np.int64, int(offsets[-1]))
    return {"offsets": _packed(offsets, "<u4"), "values": _packed(values, "<i4")}


def _measure_lookup(measures: pd.DataFrame | None, nodes: list):
    """A function giving, for a column name, the column's value of every node (``None`` where
    the column or the node is absent), as ``measures.at[node, column]`` would."""
    if measures is None:
        return lambda column: [None] * len(nodes)
    found = [node in measures.index for node in nodes]
    where = None
    if measures.index.is_unique and measures.columns.is_unique:
        where = [
            measures.index.get_loc(node) if present else None
            for node, present in zip(nodes, found, strict=True)
        ]
        if not all(i is None or isinstance(i, int) for i in where):  # e.g. part of a MultiIndex key
            where = None

    def lookup(column: str) -> list:
        if column not in measures.columns:
            return [None] * len(nodes)
        if where is None:  # duplicate labels: keep pandas' own answer, whatever it is
            return [
                measures.at[node, column] if present else None
                for node, present in zip(nodes, found, strict=True)
            ]
        values = measures[column].to_numpy(dtype=object)
        return [None if i is None else values[i] for i in where]

    return lookup


def _finite_numbers(weights: list) -> np.ndarray:
    """The weights as float64, NaN where a weight is not a finite number (booleans are not numbers)."""
    kinds = set(map(type, weights))
    if kinds <= {float, int}:
        try:
            numbers = np.array(weights, dtype=float).reshape(len(weights))
        except OverflowError:  # an int beyond float's range: one value at a time below
            pass
        else:
            numbers[~np.isfinite(numbers)] = np.nan
            return numbers
    return np.array(
        [
            float(w)
            if isinstance(w, int | float | np.number)
            and not isinstance(w, bool | np.bool_)
            and math.isfinite(float(w))
            else math.nan
            for w in weights
        ],
        dtype=float,
    ).reshape(len(weights))


def _width_array(numbers: np.ndarray) -> np.ndarray | None:
    """Drawn edge width, 1 to 6 by |weight| (NaN where there is no weight; ``None`` without any)."""
    finite = np.isfinite(numbers)
    top = float(np.abs(numbers[finite]).max()) if finite.any() else 0.0
    if top <= 0:
        return None
    return np.round(1.0 + 5.0 * np.abs(numbers) / top, 2)


def _widths(weights: list) -> list[float | None]:
    """Drawn edge width: 1 to 6 by |weight| (``None`` where the weight is not a finite number)."""
    widths = _width_array(_finite_numbers(weights))
    if widths is None:
        return [None] * len(weights)
    return [None if math.isnan(width) else width for width in widths.tolist()]


def _texts(values: list) -> list[str]:
    """:func:`_text` of every value, with fast paths for columns of one plain type."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(values)
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {float} and np.isfinite(np.array(values, dtype=float)).all():
        return list(map("{:.4g}".format, values))
    return [_text(value) for value in values]


def _short_label(label: str) -> str:
    """The label drawn on the canvas; the tooltip keeps the full name.

    vis-network fits the view to the labels, so a 100 kB name would shrink every node to a dot.
    """
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "\u2026"


def _text(value: object) -> str:
    """Any attribute value as display text (numbers rounded, missing as empty)."""
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if is_missing(value):
        return ""
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}" if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat(sep=" ")
    return str(value)


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that could end or open markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@lru_cache(maxsize=1)
def _vis_network() -> tuple[str, str]:
    """The vis-network bundle that ships inside the pyvis wheel, and its version."""
    # Found, not imported: importing pyvis (jinja2 and the rest) costs more than the page.
    spec = importlib.util.find_spec("pyvis")
    if spec is None:  # pragma: no cover - pyvis is a dependency
        raise OptionalDependencyError(
            "to_html needs pyvis (it ships the vis-network library): pip install pyvis"
        )
    locations = list(spec.submodule_search_locations or [])
    library = Path(locations[0]) / "lib" if locations else None
    if library is None or not library.is_dir():  # pragma: no cover - e.g. pyvis inside a zip
        import pyvis

        library = resources.files(pyvis) / "lib"
    versions = sorted(
        (entry.name for entry in library.iterdir() if entry.name.startswith("vis-")),
        key=lambda name: tuple(int(part) for part in name[4:].split(".") if part.isdigit()),
    )
    for name in reversed(versions):
        bundle = library / name / "vis-network.min.js"
        if bundle.is_file():
            text = bundle.read_text(encoding="utf-8")
            if "</script" in text.lower():  # would end the inline script early
                text = text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
            return text, name[4:]
    raise OptionalDependencyError(  # pragma: no cover
        "the installed pyvis carries no vis-network bundle; reinstall pyvis>=0.3.2"
    )


@cache
def _static(name: str) -> str:
    """``static/<name>`` as it goes into the page, read once per process.

    The file's leading ``//`` lines are notes for whoever edits it (where the data contract is
    written) and stay out of the page; the text starts on a line of its own after the tag.
    """
    text = (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")
    while text.startswith("//"):
        text = text.partition("\n")[2]
    return "\n" + text.lstrip("\n")


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def _vendor(name: str) -> str:
    """``static/vendor/<name>`` as it goes into the page (its source-map comment left out)."""
    text = (
        (resources.files(__package__) / "static" / "vendor" / name).read_text(encoding="utf-8").rstrip("\n")
    )
    last = text.rfind("\n")
    if text[last + 1 :].startswith("//# sourceMappingURL="):
        text = text[:last]
    if "</script" in text.lower():  # pragma: no cover - checked by tests/test_web_assets.py
        raise OptionalDependencyError(f"static/vendor/{name} holds '</script' and cannot be inlined")
    return text


def _render(data: PageData, *, title: str) -> str:
    if data["renderer"] == "webgl":
        scripts = [_vendor(name) for name, _, _ in _WEBGL_LIBRARIES] + [_static("render_webgl.js")]
        generator = ", ".join(f"{library} {version}" for _, library, version in _WEBGL_LIBRARIES)
    else:
        vis, version = _vis_network()
        scripts = [vis, _static("render_canvas.js")]
        generator = f"vis-network {version}"
    scripts.append(_static("app.js"))
    policy = (
        "default-src 'none'; "
        f"script-src {' '.join(_hash(script) for script in scripts)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    escaped_title = _html.escape(title, quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="clusternet, {_html.escape(generator)}">\n'
        f"<title>{escaped_title}</title>\n"
        f"<style>{_static('app.css')}</style>\n</head>\n<body>\n"
        f"{_BODY.replace('{title}', escaped_title)}\n"
        f'<script id="cn-data" type="application/json">{_script_json(data)}</script>\n'
        + "".join(f"<script>{script}</script>\n" for script in scripts)
        + "</body>\n</html>\n"
    )


# The markup static/app.js fills in, by these element ids; short enough to stay beside _render.
_BODY = """<header>
<h1 id="page-title">{title}</h1>
<form id="search-form" role="search"><label>Search <input id="search" type="search" placeholder="name" autocomplete="off"></label> <button type="submit">Find</button></form>
<label>Filter <select id="filter-attribute"><option value="">(none)</option></select></label>
<select id="filter-value" disabled><option value="">all</option></select>
<label id="physics-control"><input id="physics" type="checkbox"> physics</label>
<span id="weight-control" hidden><label>Min. weight <input id="min-weight" type="range" min="0" max="0" step="1" value="0"></label> <output id="min-weight-value"></output></span>
<span id="year-control" hidden><label>Years <input id="year-from" type="range" step="1"></label> <label>to <input id="year-to" type="range" step="1"></label> <output id="year-value"></output></span>
<span class="downloads"><button id="download-png" type="button">PNG</button> <button id="download-svg" type="button">SVG</button></span>
<span id="status" role="status"></span>
</header>
<main>
<div id="network"></div>
<aside>
<section id="legend"></section>
<section><h2>Selected</h2><div id="details">Click a node or an edge.</div></section>
</aside>
</main>
<div id="tooltip" role="tooltip"></div>"""
