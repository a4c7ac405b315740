"""Interactive networks as one self-contained, offline HTML file."""

from __future__ import annotations

import base64
import gc
import hashlib
import html as _html
import importlib.util
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
from ..errors import OptionalDependencyError
from ._layout import layout_positions
from ._page_data import PageData, PageEdge, PageLegend, PageNode
from ._style import (
    EDGE_COLOR,
    NodeStyle,
    StyleError,
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
) -> NetworkPage:
    r"""Write an interactive network as one self-contained HTML file that works offline.

    The file carries everything it needs: the vis-network library shipped with pyvis is
    inlined, there is no Bootstrap, no font and no link to any server, and a
    Content-Security-Policy forbids the page to load anything. It can be e-mailed and opened
    on a laptop without network. The page has a colour legend, tooltips with each node's
    attributes and measures (click a node to keep them in the side panel), a search by name and
    a filter by attribute.

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

    Returns
    -------
    NetworkPage
        The page; displays inline in a notebook.

    See Also
    --------
    show_html : the same page without writing a file.
    clusternet.plot_network : the static figure, with the same colours.

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
) -> NetworkPage:
    """The page of :func:`to_html` without writing a file: for display in a notebook.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> page = cn.show_html(nx.path_graph(3))
    >>> page.path is None, page._repr_html_().startswith("<iframe srcdoc=")
    (True, True)
    """
    if not isinstance(G, nx.Graph):
        raise StyleError(f"expected a networkx Graph, got {type(G).__name__}")
    with _gc_paused():
        G = in_drawing_order(G)
        style = node_style(G, color_by=color_by, size_by=size_by, label_by=label_by, measures=measures)
        use_physics = physics or layout == "physics"
        positions = None if layout == "physics" else layout_positions(G, layout, seed=seed)
        data = _page_data(G, style, positions, measures=measures, title=title or "", physics=use_physics)
        data["description"] = "" if description is None else str(description)
        return NetworkPage(_render(data, title=title or "Network"))


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
    index = {node: i for i, node in enumerate(nodes)}
    spread = max(500.0, 45.0 * math.sqrt(n))  # page pixels from centre to edge of the layout
    radius = 5.0 if n > _LARGE else 8.0
    table = style.table
    node_rows: list[PageNode] = []
    for i, (label, color, size, group) in enumerate(
        zip(table["label"].tolist(), table["color"].tolist(), table["size"].tolist(), table["group"].tolist(), strict=True)
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

    edge_items = _edges(G)
    edge_data = [attributes for _, _, attributes in edge_items]
    widths = _widths([attributes.get("weight") for attributes in edge_data])
    edge_rows: list[PageEdge] = [{"from": index[u], "to": index[v]} for u, v, _ in edge_items]
    for entry, width in zip(edge_rows, widths, strict=True):
        if width is not None:
            entry["width"] = width
    edge_columns: list[str] = []
    # Edges mostly share one set of attribute names: look at each distinct set once, in order.
    for keys in dict.fromkeys(tuple(attributes) for attributes in edge_data):
        for key in keys:
            if str(key) not in edge_columns:
                edge_columns.append(str(key))
    edge_columns = edge_columns[:_MAX_TOOLTIP_ROWS]
    edge_texts = [_texts([attributes.get(column) for attributes in edge_data]) for column in edge_columns]
    edge_values = [list(values) for values in zip(*edge_texts, strict=True)] if edge_columns else [[] for _ in edge_data]

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
        "directed": G.is_directed(),
        "physics": physics,
        "large": n > _LARGE,
        "edgeColor": EDGE_COLOR,
        "nodes": node_rows,
        "edges": edge_rows,
        "nodeColumns": columns,
        "nodeValues": rows,
        "edgeColumns": edge_columns,
        "edgeValues": edge_values,
        "filters": filters,
        "legend": legend,
    }


def _edges(G: nx.Graph) -> list[tuple]:
    """``list(G.edges(data=True))``, walking the adjacency directly for (Di)Graph (several times
    faster than the edge view on 100,000s of edges; the same order)."""
    if type(G) is nx.DiGraph:
        return [(u, v, data) for u, neighbours in G.adjacency() for v, data in neighbours.items()]
    if type(G) is not nx.Graph:
        return [edge for edge in G.edges(data=True)]
    edges = []
    seen = set()
    for u, neighbours in G.adjacency():
        edges.extend((u, v, data) for v, data in neighbours.items() if v not in seen)
        seen.add(u)
    return edges


def _measure_lookup(measures: pd.DataFrame | None, nodes: list):
    """A function giving, for a column name, the column's value of every node (``None`` where
    the column or the node is absent), as ``measures.at[node, column]`` would."""
    if measures is None:
        return lambda column: [None] * len(nodes)
    found = [node in measures.index for node in nodes]
    where = None
    if measures.index.is_unique and measures.columns.is_unique:
        where = [measures.index.get_loc(node) if present else None for node, present in zip(nodes, found, strict=True)]
        if not all(i is None or isinstance(i, int) for i in where):  # e.g. part of a MultiIndex key
            where = None

    def lookup(column: str) -> list:
        if column not in measures.columns:
            return [None] * len(nodes)
        if where is None:  # duplicate labels: keep pandas' own answer, whatever it is
            return [measures.at[node, column] if present else None for node, present in zip(nodes, found, strict=True)]
        values = measures[column].to_numpy(dtype=object)
        return [None if i is None else values[i] for i in where]

    return lookup


def _widths(weights: list) -> list[float | None]:
    """Drawn edge width: 1 to 6 by |weight| (``None`` where the weight is not a finite number)."""
    kinds = set(map(type, weights))
    if kinds <= {float, int}:
        numbers = np.array(weights, dtype=float).reshape(len(weights))
        finite = np.isfinite(numbers)
    else:
        finite = np.array(
            [isinstance(w, int | float | np.number) and not isinstance(w, bool) and math.isfinite(float(w)) for w in weights],
            dtype=bool,
        )
        numbers = np.array([float(w) if ok else 0.0 for w, ok in zip(weights, finite.tolist(), strict=True)])
    top = float(np.abs(numbers[finite]).max()) if finite.any() else 0.0
    if top <= 0:
        return [None] * len(weights)
    # The same floating-point steps as 1.0 + 5.0 * abs(w) / top, rounded by Python's round.
    scaled = (1.0 + 5.0 * np.abs(numbers) / top).tolist()
    return [round(width, 2) if ok else None for width, ok in zip(scaled, finite.tolist(), strict=True)]


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


def _render(data: PageData, *, title: str) -> str:
    vis, version = _vis_network()
    app = _static("app.js")
    policy = (
        "default-src 'none'; "
        f"script-src {_hash(vis)} {_hash(app)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    escaped_title = _html.escape(title, quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="clusternet, vis-network {_html.escape(version)}">\n'
        f"<title>{escaped_title}</title>\n"
        f"<style>{_static('app.css')}</style>\n</head>\n<body>\n"
        f"{_BODY.replace('{title}', escaped_title)}\n"
        f'<script id="cn-data" type="application/json">{_script_json(data)}</script>\n'
        f"<script>{vis}</script>\n"
        f"<script>{app}</script>\n"
        "</body>\n</html>\n"
    )


# The markup static/app.js fills in, by these element ids; short enough to stay beside _render.
_BODY = """<header>
<h1 id="page-title">{title}</h1>
<form id="search-form" role="search"><label>Search <input id="search" type="search" placeholder="name" autocomplete="off"></label> <button type="submit">Find</button></form>
<label>Filter <select id="filter-attribute"><option value="">(none)</option></select></label>
<select id="filter-value" disabled><option value="">all</option></select>
<label><input id="physics" type="checkbox"> physics</label>
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
