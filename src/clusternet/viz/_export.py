"""Writing networks and tables for other tools: Gephi (GEXF, GraphML), VOSviewer, CSV and Excel."""

from __future__ import annotations

import csv
import datetime as _dt
import html as _html
import json
import math
import re
from collections.abc import Hashable, Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .._shared import is_missing
from ..errors import ExportError, OptionalDependencyError
from ._layout import layout_positions
from ._style import category_colors

__all__ = [
    "neutralise_formulas",
    "write_gexf",
    "write_graphml",
    "write_table",
    "write_vosviewer",
]

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows tab, newline, carriage return and these ranges; everything else is replaced.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write a graph as GEXF 1.2 for Gephi, keeping every node and edge attribute.

    networkx's writer fails on ``None``, lists and mixed types; this one first makes every
    attribute XML-safe: missing values (``None``, NaN, ``pd.NA``) are left out for that node,
    lists, sets and dicts become JSON text, dates ISO text, numpy numbers Python numbers, and an
    attribute whose values mix types is written as text. Characters XML 1.0 forbids (control
    characters) become U+FFFD. Node ids are written as text; ``label`` is the ``name``
    attribute when there is one.

    Parameters
    ----------
    G : networkx.Graph
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ExportError
        If two node ids become the same text (``1`` and ``"1"``).

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> import clusternet as cn
    >>> G = nx.Graph()
    >>> G.add_node("a", name="Coöperatief <x> & co", tags=["ai", "food"], budget=None)
    >>> G.add_edge("a", "b", weight=2.5)
    >>> path = cn.write_gexf(G, pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> H = nx.read_gexf(path)
    >>> H.nodes["a"]["label"], H.nodes["a"]["tags"], H.edges["a", "b"]["weight"]
    ('Coöperatief <x> & co', '["ai", "food"]', 2.5)
    """
    path = Path(path)
    clean = _xml_safe_graph(G, label=True)
    nx.write_gexf(clean, path, encoding="utf-8", prettyprint=True, version="1.2draft")
    return path


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write a graph as GraphML (Gephi, yEd, igraph, Cytoscape), keeping every attribute.

    Attributes are made XML-safe as in :func:`write_gexf` (missing values left out, lists as
    JSON text, mixed types as text, forbidden characters replaced).

    Parameters
    ----------
    G : networkx.Graph
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> import clusternet as cn
    >>> G = nx.Graph()
    >>> G.add_node(1, name="A", size=3)
    >>> G.add_node(2, name=None, size=float("nan"))
    >>> G.add_edge(1, 2, shared=4)
    >>> H = nx.read_graphml(cn.write_graphml(G, pathlib.Path(tempfile.mkdtemp()) / "g.graphml"))
    >>> dict(H.nodes["1"]), dict(H.nodes["2"]), H.edges["1", "2"]["shared"]
    ({'name': 'A', 'size': 3}, {}, 4)
    """
    path = Path(path)
    clean = _xml_safe_graph(G, label=False)
    nx.write_graphml(clean, path, encoding="utf-8", prettyprint=True)
    return path


def write_vosviewer(
    G: nx.Graph,
    map_path: str | Path,
    network_path: str | Path,
    *,
    label_by: str = "name",
    cluster_by: str | Mapping | pd.Series | None = None,
    weights: Mapping[str, str] | None = None,
    scores: Mapping[str, str] | None = None,
    weight: str | None = "weight",
    layout: str | Mapping[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
) -> tuple[Path, Path]:
    """Write a VOSviewer map file and network file.

    VOSviewer reads two tab-separated files [1]_. The *map file* has a header line and one line
    per item: ``id`` (1, 2, ... in the graph's node order), ``label``, ``description`` (the
    original node id, HTML-escaped because VOSviewer renders descriptions as HTML), ``x`` and
    ``y`` (from :func:`clusternet.layout_positions`; pass ``layout`` as a mapping to
    choose them), ``cluster`` (an integer from 1;
    categories numbered in the legend order of the figures) and any ``weight<...>`` and
    ``score<...>`` columns. The *network file* has no header and one line per link: the two
    item ids and the link strength (edge attribute ``weight``, 1 without it; links with a
    strength that is not positive are left out because VOSviewer requires positive strengths).
    Labels lose tabs and line breaks and are put in double quotes when they contain a comma,
    semicolon or quote, as the format asks.

    Parameters
    ----------
    G : networkx.Graph
    map_path, network_path : str or pathlib.Path
    label_by : str
        Node attribute for labels (node id where missing).
    cluster_by : str, mapping or pandas.Series, optional
        Node attribute (or node -> value) giving VOSviewer clusters (at most 1,000 values).
    weights, scores : mapping, optional
        ``{"Links": "degree"}`` writes a column ``weight<Links>`` from node attribute ``degree``.
    weight : str or None
        Edge attribute for link strength.
    layout, seed
        Positions as in :func:`clusternet.layout_positions`.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The map file and the network file.

    References
    ----------
    .. [1] N. J. van Eck and L. Waltman, "VOSviewer Manual", section "Map and network files",
       Centre for Science and Technology Studies, Leiden University.

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> import clusternet as cn
    >>> G = nx.Graph()
    >>> G.add_node("spc-vil", name="VIL, logistics", type="SPC")
    >>> G.add_node("ibn-acb", name="Air Cargo Belgium", type="IBN")
    >>> G.add_edge("spc-vil", "ibn-acb", weight=2)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> m, n = cn.write_vosviewer(G, folder / "map.txt", folder / "net.txt", cluster_by="type")
    >>> print(m.read_text(encoding="utf-8").splitlines()[1].split("\\t")[:3])
    ['1', '"VIL, logistics"', 'spc-vil']
    >>> n.read_text(encoding="utf-8")
    '1\\t2\\t2\\n'
    """
    map_path, network_path = Path(map_path), Path(network_path)
    nodes = list(G)
    ids = {node: i + 1 for i, node in enumerate(nodes)}
    positions = layout_positions(G, layout, seed=seed)
    columns: dict[str, list[str]] = {
        "id": [str(ids[node]) for node in nodes],
        "label": [
            _vos_text(G.nodes[node].get(label_by) if not is_missing(G.nodes[node].get(label_by)) else node)
            for node in nodes
        ],
        "description": [_vos_text(_html.escape(str(node), quote=True)) for node in nodes],
        "x": [_number(positions[node][0]) for node in nodes],
        "y": [_number(positions[node][1]) for node in nodes],
    }
    if cluster_by is not None:
        from ._style import node_values

        values = node_values(G, cluster_by)
        order = {value: rank + 1 for rank, value in enumerate(category_colors(values))}
        if len(order) > 1000:
            raise ExportError(f"VOSviewer allows at most 1,000 clusters; cluster_by has {len(order)} values")
        columns["cluster"] = ["" if is_missing(value) else str(order[value]) for value in values]
    for header, spec in (("weight", weights), ("score", scores)):
        for title, attribute in (spec or {}).items():
            values = pd.to_numeric(
                pd.Series([G.nodes[node].get(attribute) for node in nodes], dtype=object), errors="coerce"
            )
            if header == "weight" and (values < 0).any():
                raise ExportError(f"VOSviewer weights must be non-negative; {attribute!r} has negative values")
            columns[f"{header}<{_vos_text(title).strip(chr(34))}>"] = [
                "" if pd.isna(value) else _number(value) for value in values
            ]
    lines = ["\t".join(columns)]
    lines += ["\t".join(row) for row in zip(*columns.values(), strict=True)]
    map_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    links = []
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        strength = 1.0 if weight is None else data.get(weight, 1.0)
        if is_missing(strength) or not isinstance(strength, int | float | np.number) or strength <= 0:
            continue
        links.append(f"{ids[u]}\t{ids[v]}\t{_number(strength)}")
    network_path.write_text("".join(line + "\n" for line in links), encoding="utf-8")
    return map_path, network_path


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which no text cell can run as a spreadsheet formula.

    Text cells (and column names, and index labels) that start with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return get a leading single quote, as OWASP recommends against CSV
    injection [1]_; spreadsheets then show the text instead of evaluating it. Numbers stay
    numbers (``-5`` the number is untouched; ``"-5"`` the text becomes ``"'-5"``).

    References
    ----------
    .. [1] OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection

    Examples
    --------
    >>> import pandas as pd
    >>> from clusternet.viz import neutralise_formulas
    >>> neutralise_formulas(pd.DataFrame({"name": ["=1+1", "@SUM(A1)", "Coöp"], "n": [-1, 2, 3]}))
           name  n
    0     '=1+1 -1
    1  '@SUM(A1)  2
    2      Coöp  3
    """
    result = frame.copy()
    result.columns = [_neutral(column) for column in result.columns]
    if not isinstance(result.index, pd.MultiIndex):
        result.index = pd.Index([_neutral(label) for label in result.index], name=_neutral(result.index.name))
    for column in result.columns:
        series = result[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        result[column] = series.astype(object).map(_neutral)
    return result


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = False, sheet_name: str = "data") -> Path:
    """Write a table as CSV or Excel with formula injection neutralised.

    The format follows the extension: ``.csv`` (UTF-8 with a byte-order mark so that Excel
    shows Dutch diacritics correctly, CRLF line ends as RFC 4180 has them), ``.tsv`` (the same, tab-separated) or ``.xlsx`` (needs
    openpyxl: the ``excel`` extra). Every text cell passes through :func:`neutralise_formulas`
    first, so a name such as ``=HYPERLINK("http://x")`` is shown as text and never runs. Control
    characters Excel cannot store become U+FFFD.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or pathlib.Path
    index : bool
        Write the index as the first column(s).
    sheet_name : str
        Excel sheet name.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> import clusternet as cn
    >>> table = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Coöperatief"], "budget": [-3.5, 2.0]})
    >>> path = cn.write_table(table, pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> print(path.read_text(encoding="utf-8-sig"))
    name,budget
    '=cmd|' /C calc'!A0,-3.5
    Coöperatief,2.0
    <BLANKLINE>
    """
    path = Path(path)
    suffix = path.suffix.lower()
    safe = neutralise_formulas(frame)
    if suffix in (".csv", ".tsv", ".txt"):
        safe.to_csv(
            path,
            index=index,
            sep="\t" if suffix == ".tsv" else ",",
            encoding="utf-8-sig",
            quoting=csv.QUOTE_MINIMAL,
            # RFC 4180 line ends: a cell holding a carriage return is then quoted, not split.
            lineterminator="\r\n",
        )
    elif suffix in (".xlsx", ".xlsm"):
        try:
            import openpyxl  # noqa: F401
        except ImportError as err:
            raise OptionalDependencyError(
                "writing Excel needs openpyxl: pip install 'clusternet[excel]'"
            ) from err
        safe = safe.map(_excel_safe) if len(safe.columns) else safe
        safe.to_excel(path, index=index, sheet_name=sheet_name, engine="openpyxl")
    else:
        raise ExportError(f"unknown table format {path.suffix!r} for {path.name!r}; use .csv, .tsv or .xlsx")
    return path


# --- helpers -----------------------------------------------------------------------------


def _neutral(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _excel_safe(value: object) -> object:
    # openpyxl refuses control characters; timezone-aware datetimes too.
    if isinstance(value, str):
        return _XML_INVALID.sub("\ufffd", value)
    return value


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _xml_value(value: object) -> object:
    """An attribute value networkx can write as XML, or None to leave it out."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if is_missing(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else str(float(value))
    if isinstance(value, str):
        return _xml_text(value)
    if isinstance(value, pd.Timestamp | _dt.date | _dt.datetime | np.datetime64):
        return _xml_text(pd.Timestamp(value).isoformat())
    if isinstance(value, list | tuple | set | frozenset | dict | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        if isinstance(items, np.ndarray):
            items = items.tolist()
        return _xml_text(json.dumps(items, ensure_ascii=False, default=str))
    return _xml_text(str(value))


def _column_kind(values: list[object]) -> type:
    kinds = {type(value) for value in values if value is not None}
    if not kinds:
        return str
    if kinds == {bool}:
        return bool
    if kinds == {int}:
        return int
    if kinds <= {int, float}:
        return float
    return str


def _xml_safe_graph(G: nx.Graph, *, label: bool) -> nx.Graph:
    """A copy of G with string node ids and attribute values of one XML type per key."""
    names: dict[str, Hashable] = {}
    for node in G:
        text = _xml_text(str(node))
        if text in names:
            raise ExportError(
                f"nodes {names[text]!r} and {node!r} have the same text id {text!r}; "
                "XML formats store ids as text, so relabel one of them first"
            )
        names[text] = node
    ids = {node: text for text, node in names.items()}

    def clean(records: list[dict]) -> list[dict]:
        keys: list[str] = []
        for record in records:
            for key in record:
                if key not in keys:
                    keys.append(key)
        converted = [{key: _xml_value(value) for key, value in record.items()} for record in records]
        result: list[dict] = [{} for _ in records]
        for key in keys:
            column = [record.get(key) for record in converted]
            kind = _column_kind(column)
            safe_key = _xml_text(str(key))
            for position, value in enumerate(column):
                if value is None:
                    continue
                result[position][safe_key] = kind(value) if kind is not str else (
                    value if isinstance(value, str) else _xml_text(str(value))
                )
        return result

    if G.is_multigraph():
        H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    else:
        H = nx.DiGraph() if G.is_directed() else nx.Graph()
    H.graph.update({key: value for key, value in clean([dict(G.graph)])[0].items() if key != "node_default"})
    node_attributes = clean([dict(data) for _, data in G.nodes(data=True)])
    for node, attributes in zip(G, node_attributes, strict=True):
        if label:
            # GEXF has a node label field; the name is what Gephi should show.
            name = attributes.pop("label", None) or attributes.get("name")
            attributes = dict(attributes)
            if name is not None:
                attributes["label"] = str(name)
        H.add_node(ids[node], **attributes)
    edge_attributes = clean([dict(data) for _, _, data in G.edges(data=True)])
    for (u, v), attributes in zip(G.edges(), edge_attributes, strict=True):
        H.add_edge(ids[u], ids[v], **attributes)  # for multigraphs each call adds one parallel edge
    return H


def _vos_text(value: object) -> str:
    text = _xml_text(str(value))
    text = re.sub(r"[\t\r\n\u2028\u2029]+", " ", text)
    if any(mark in text for mark in ',;"'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _number(value: object) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(round(number, 6))
