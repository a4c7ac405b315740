"""The data contract of the HTML page: the JSON that ``_html`` writes and ``static/app.js`` reads."""

# The page carries this as JSON in <script id="cn-data" type="application/json">. Every key is
# written down here, in docs/pictures.md ("The page's data contract") and at the top of
# static/app.js; tests/test_web_assets.py checks the keys and types of real pages against these
# TypedDicts, so a key added on one side only fails a test. Keys are camelCase because JavaScript
# reads them.

from __future__ import annotations

from typing import TypedDict

__all__ = [
    "PageData",
    "PageEdgeColumn",
    "PageEdges",
    "PageGradient",
    "PageLegend",
    "PageLegendEntry",
    "PageNode",
    "PageYears",
]


class _PageNodeRequired(TypedDict):
    # vis-network's id, and the index of the node's row in nodeValues; the graph's own node id is
    # text in the "id" column of nodeValues, because ids can be anything hashable.
    id: int
    # Drawn on the canvas and searched; cut to 120 characters (the tooltip keeps the full name).
    label: str
    # "#RRGGBB", the fill and the border (the same colour as in the figures).
    color: str
    # Radius in page pixels.
    size: float
    # The node's legend entry ("" without color_by). app.js does not read it; it names what
    # the colour means for whoever reads the JSON.
    group: str


class PageNode(_PageNodeRequired, total=False):
    # Both or neither: absent when layout="physics" lets the browser place the nodes.
    # Page pixels right of the centre.
    x: float
    # Page pixels below the centre (the layout's y turned over, so the page matches the figure).
    y: float


class PageYears(TypedDict):
    # The years of edge i are values[offsets[i]:offsets[i + 1]], sorted, from the edge attribute
    # "years" (a collection of whole numbers) or "year" (one). Both base64 of little-endian
    # arrays: offsets uint32 (edge count + 1 entries), values int32.
    offsets: str
    values: str


class PageEdgeColumn(TypedDict):
    # One tooltip row of every edge, coded: the text of edge i is texts[codes[i]]. texts holds
    # display text (4 significant digits, "" for missing), codes is base64 of little-endian uint32.
    texts: list[str]
    codes: str


class PageEdges(TypedDict):
    # Edges in the graph's order (G.edges()), packed as base64 of little-endian typed arrays:
    # 433,508 edges as JSON objects took seconds in Python and tens of MB; as arrays, 5 MB.
    count: int
    # uint32: index of each edge's source node in PageData.nodes.
    source: str
    # uint32: index of the target node.
    target: str
    # float32: drawn width, 1 to 6 pixels by |weight|, NaN where the edge has no finite numeric
    # weight (the renderer's default width); null when no edge has one (or all weights are zero).
    width: str | None
    # float64: the edge attribute "weight" where it is a finite number, NaN elsewhere; null when
    # no edge has one. The minimum-weight slider reads it.
    weight: str | None
    # The years of each edge (the year slider); null when no edge carries "years" or "year".
    years: PageYears | None


class PageLegendEntry(TypedDict):
    # A category as text, or "other" / "missing" for the grey entries.
    label: str
    # "#RRGGBB".
    color: str
    # Number of nodes with this colour.
    count: int


class PageGradient(TypedDict):
    # The smallest and largest value as display text (4 significant digits).
    low: str
    high: str
    # 11 "#RRGGBB" colours, evenly spaced from low to high.
    colors: list[str]


class PageLegend(TypedDict):
    # What the colour shows (color_by), "" when the nodes are not coloured by anything.
    title: str
    # The categories in legend order; empty when the colour is continuous or absent.
    entries: list[PageLegendEntry]
    # The colour scale when the colour encodes a number, otherwise None (JSON null).
    continuous: PageGradient | None
    # What node area shows (size_by), "" when all nodes have one size.
    size: str


class PageData(TypedDict):
    # The title given to to_html, "" without one. app.js does not read it: the heading and the
    # <title> are already in the HTML.
    title: str
    # "canvas" (vis-network, static/render_canvas.js) or "webgl" (sigma.js, render_webgl.js):
    # to_html's renderer, "auto" resolved.
    renderer: str
    # Page pixels per layout unit: node (x, y) is the layout's (x * scale, -y * scale), and
    # window.clusternet.positions() divides by it to give the layout's coordinates back.
    scale: float
    # A multigraph (parallel edges possible).
    multigraph: bool
    # Arrows on the edges, and "→" instead of "—" in an edge's details.
    directed: bool
    # Physics on when the page opens (physics=True or layout="physics").
    physics: bool
    # More than 2,000 nodes: edges are hidden while dragging and zooming and labels get a plain
    # font (both renderers).
    large: bool
    # "#RRGGBB" of every edge.
    edgeColor: str
    # Nodes in drawing order; node i has id i.
    nodes: list[PageNode]
    # Edges in the graph's order, packed; edge i is the renderer's edge i.
    edges: PageEdges
    # Tooltip rows of a node: "id" first, then node attributes, then columns of measures not
    # already attributes; at most 24.
    nodeColumns: list[str]
    # One row per node, aligned with nodeColumns, every value display text; "" (missing) is
    # left out of the tooltip.
    nodeValues: list[list[str]]
    # Tooltip rows of an edge: its attribute names, at most 24.
    edgeColumns: list[str]
    # One coded column per name of edgeColumns (not one row per edge, as nodeValues).
    edgeValues: list[PageEdgeColumn]
    # Node columns offered in the filter, with their non-empty values as in nodeValues, sorted
    # ignoring case: only columns with 2 to 60 distinct values and (beyond 3 nodes) fewer values
    # than nodes, so that names and ids are not offered.
    filters: dict[str, list[str]]
    # The side panel's colour legend and what node area means.
    legend: PageLegend
    # to_html's description: a line under the counts saying what the page shows; "" without one.
    description: str
