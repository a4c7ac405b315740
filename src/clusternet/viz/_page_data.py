"""The data contract of the HTML page: the JSON that ``_html`` writes and ``static/app.js`` reads."""

# The page carries this as JSON in <script id="cn-data" type="application/json">. Every key is
# written down here, in docs/pictures.md ("The page's data contract") and at the top of
# static/app.js; tests/test_web_assets.py checks the keys and types of real pages against these
# TypedDicts, so a key added on one side only fails a test. Keys are camelCase because JavaScript
# reads them.

from __future__ import annotations

from typing import TypedDict

__all__ = ["PageData", "PageEdge", "PageGradient", "PageLegend", "PageLegendEntry", "PageNode"]


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


# The functional form, because "from" is a Python keyword.
_PageEdgeRequired = TypedDict(
    "_PageEdgeRequired",
    {
        "from": int,  # index of the source node in PageData.nodes
        "to": int,  # index of the target node
    },
)


class PageEdge(_PageEdgeRequired, total=False):
    # 1 to 6 pixels by |weight|; absent where the edge has no finite numeric weight (or all
    # weights are zero), which leaves vis-network's default width.
    width: float


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
    # Arrows on the edges, and "→" instead of "—" in an edge's details.
    directed: bool
    # Physics on when the page opens (physics=True or layout="physics").
    physics: bool
    # More than 2,000 nodes: edges are hidden while dragging and zooming and labels get a plain font.
    large: bool
    # "#RRGGBB" of every edge.
    edgeColor: str
    # Nodes in drawing order; node i has id i.
    nodes: list[PageNode]
    # Edges in the graph's order; edge i is vis-network's edge i and has the row edgeValues[i].
    edges: list[PageEdge]
    # Tooltip rows of a node: "id" first, then node attributes, then columns of measures not
    # already attributes; at most 24.
    nodeColumns: list[str]
    # One row per node, aligned with nodeColumns, every value display text; "" (missing) is
    # left out of the tooltip.
    nodeValues: list[list[str]]
    # Tooltip rows of an edge: its attribute names, at most 24.
    edgeColumns: list[str]
    # One row per edge, aligned with edgeColumns, as nodeValues.
    edgeValues: list[list[str]]
    # Node columns offered in the filter, with their non-empty values as in nodeValues, sorted
    # ignoring case: only columns with 2 to 60 distinct values and (beyond 3 nodes) fewer values
    # than nodes, so that names and ids are not offered.
    filters: dict[str, list[str]]
    # The side panel's colour legend and what node area means.
    legend: PageLegend
    # to_html's description: a line under the counts saying what the page shows; "" without one.
    description: str
