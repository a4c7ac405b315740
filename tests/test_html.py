"""The offline HTML page: self-contained, escaped, deterministic (no browser needed here)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import clusternet as cn
from clusternet import StyleError
from clusternet.viz import category_colors

HOSTILE_NAMES = [
    '<img src=x onerror="window.__pwned=1">',
    "Coöperatief & Zonen \"de 'Eendracht'\"",
    "</script><script>window.__pwned=2</script>",
    "line\u2028separator\u2029end",
    "<!-- comment --> ]]> &amp; $x^2$",
]


@pytest.fixture
def hostile_graph() -> nx.Graph:
    G = nx.Graph()
    for i, name in enumerate(HOSTILE_NAMES):
        G.add_node(f"n{i}", name=name, type=("SPC", "IBN", "other")[i % 3], members=i * 3)
    G.add_edges_from([("n0", "n1", {"weight": 2.0}), ("n1", "n2", {"weight": 1.0}), ("n3", "n4", {"note": "<b>x</b>"})])
    return G


@pytest.fixture
def page(hostile_graph) -> cn.NetworkPage:
    return cn.show_html(hostile_graph, color_by="type", size_by="members", title="<i>Clusters</i> & co")


def _data(page_html: str) -> dict:
    match = re.search(r'<script id="cn-data" type="application/json">(.*?)</script>', page_html, re.S)
    assert match, "the page carries its data in one JSON script element"
    return json.loads(match.group(1))


# References that would make the page fetch something: src/href attributes, CSS @import and url().
_REFERENCE = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|@import\s+(?:url\(\s*)?["']?|\burl\(\s*["']?)\s*([^"'\s)>;,]*)""",
    re.I,
)


def _external_references(text: str) -> list[str]:
    found = []
    for match in _REFERENCE.finditer(text):
        target = match.group(1)
        # A scheme other than data:, or a protocol-relative //host, would reach out.
        if re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:|//)", target) and not target.lower().startswith("data:"):
            found.append(target)
    return found


def test_reference_scanner_catches_what_it_should():
    # The scanner itself must work, or the next test proves nothing.
    bad = '<script src="https://cdn.x/vis.js"></script><link href=//cdn.y/a.css>'
    bad += "<style>@import 'http://z/b.css'; .a{background:url(https://w/c.png)}</style>"
    assert _external_references(bad) == ["https://cdn.x/vis.js", "//cdn.y/a.css", "http://z/b.css", "https://w/c.png"]
    assert _external_references('<img src="data:image/png;base64,AAA"> e.src=t') == []


def test_page_has_no_external_reference(page):
    assert _external_references(page.html) == []
    assert "cdn" not in page.html.lower().split("<script>")[0]
    assert "bootstrap" not in page.html.lower()


@pytest.mark.parametrize("renderer", ["canvas", "webgl"])
def test_content_security_policy_forbids_network_and_pins_the_scripts(hostile_graph, renderer):
    page = cn.show_html(hostile_graph, color_by="type", renderer=renderer)
    assert _external_references(page.html) == []
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page.html).group(1)
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    # Every executable inline script is allowed by its own hash, nothing else: the library (vis-network;
    # graphology and sigma), the renderer and app.js.
    scripts = re.findall(r"<script>(.*?)</script>", page.html, re.S)
    assert len(scripts) == {"canvas": 3, "webgl": 4}[renderer]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
    assert set(directives["script-src"].split()) == hashes


def test_names_are_data_not_markup(page, hostile_graph):
    data = _data(page.html)
    assert [node["label"] for node in data["nodes"]] == HOSTILE_NAMES
    raw = re.search(r'<script id="cn-data" type="application/json">(.*?)</script>', page.html, re.S).group(1)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in raw
    # The app script writes names with textContent only.
    for app in re.findall(r"<script>(.*?)</script>", page.html, re.S)[1:]:  # ours, after vis-network
        assert "innerHTML" not in app and "insertAdjacentHTML" not in app and "title:" not in app
    assert "<title>&lt;i&gt;Clusters&lt;/i&gt; &amp; co</title>" in page.html


def test_file_is_utf8_and_names_survive(tmp_path, hostile_graph):
    path = tmp_path / "net.html"
    cn.to_html(hostile_graph, path, color_by="type")
    text = path.read_bytes().decode("utf-8")
    assert "Coöperatief" in text
    assert '<meta charset="utf-8">' in text


def test_same_input_same_bytes_and_seed_changes_layout(hostile_graph):
    first = cn.show_html(hostile_graph, seed=3).html
    assert cn.show_html(hostile_graph, seed=3).html == first
    xy = [(n["x"], n["y"]) for n in _data(first)["nodes"]]
    other = [(n["x"], n["y"]) for n in _data(cn.show_html(hostile_graph, seed=4).html)["nodes"]]
    assert xy != other


def test_physics_layout_leaves_positions_to_the_browser(hostile_graph):
    data = _data(cn.show_html(hostile_graph, layout="physics").html)
    assert data["physics"] is True
    assert all("x" not in node for node in data["nodes"])
    fixed = _data(cn.show_html(hostile_graph).html)
    assert fixed["physics"] is False and all("x" in node for node in fixed["nodes"])


def test_legend_and_colours_follow_the_shared_palette(page, hostile_graph):
    data = _data(page.html)
    types = [hostile_graph.nodes[n]["type"] for n in hostile_graph]
    expected = category_colors(types)
    assert [(e["label"], e["color"]) for e in data["legend"]["entries"]] == list(expected.items())
    assert [node["color"] for node in data["nodes"]] == [expected[t] for t in types]
    counts = pd.Series(types).value_counts()
    assert {e["label"]: e["count"] for e in data["legend"]["entries"]} == counts.to_dict()


def test_sizes_grow_with_size_by(page, hostile_graph):
    sizes = [node["size"] for node in _data(page.html)["nodes"]]
    members = [hostile_graph.nodes[n]["members"] for n in hostile_graph]
    assert sorted(range(len(sizes)), key=sizes.__getitem__) == sorted(range(len(members)), key=members.__getitem__)


def test_continuous_colour_gets_a_gradient_legend():
    G = nx.path_graph(20)
    nx.set_node_attributes(G, {n: n / 7 for n in G}, "score")
    legend = _data(cn.show_html(G, color_by="score").html)["legend"]
    assert legend["continuous"]["low"] == "0" and legend["continuous"]["high"] == "2.714"
    assert legend["entries"] == []


def test_tooltips_carry_attributes_and_measures(hostile_graph):
    measures = pd.DataFrame({"betweenness": [0.5, 0.25, 0.0, 0.0, 0.0]}, index=list(hostile_graph))
    data = _data(cn.show_html(hostile_graph, measures=measures, color_by="betweenness").html)
    assert data["nodeColumns"] == ["id", "name", "type", "members", "betweenness"]
    assert data["nodeValues"][0] == ["n0", HOSTILE_NAMES[0], "SPC", "0", "0.5"]
    assert data["edgeColumns"] == ["weight", "note"]
    assert data["filters"]["type"] == ["IBN", "other", "SPC"]


def test_search_and_filter_controls_exist(page):
    for element in ('id="search"', 'id="filter-attribute"', 'id="filter-value"', 'id="physics"', 'id="legend"'):
        assert element in page.html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"color_by": "sector"}, "no node has the attribute 'sector'"),
        ({"layout": "nonsense"}, "unknown layout"),
        ({"layout": {"n0": (0, 0)}}, "no position for 4 node"),
        ({"size_by": "name"}, "no numeric value"),
    ],
    ids=["missing-attribute", "unknown-layout", "partial-positions", "text-size"],
)
def test_bad_options_raise_a_clear_error(hostile_graph, options, message):
    with pytest.raises(StyleError, match=message) as caught:
        cn.show_html(hostile_graph, **options)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, cn.ClusternetError)


def test_notebook_display_is_a_sandboxed_srcdoc_iframe(page):
    shown = page._repr_html_()
    match = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*></iframe>', shown)
    assert match, shown[:200]
    assert html.unescape(match.group(1)) == page.html
    assert "allow-same-origin" not in shown


def test_empty_graph_and_isolates():
    assert _data(cn.show_html(nx.Graph()).html)["nodes"] == []
    G = nx.empty_graph(3)
    assert len(_data(cn.show_html(G).html)["nodes"]) == 3


def test_flemish_intercluster_network(flanders):
    G = cn.cluster_network(flanders, via="intercluster")
    data = _data(cn.show_html(G, color_by="type", title="Intercluster projects").html)
    # Isolates are left out by default and the description counts them (networkx's count).
    alone = nx.number_of_isolates(G)
    assert G.number_of_nodes() == 27 and alone > 0
    assert len(data["nodes"]) == 27 - alone
    assert data["description"] == f"{alone} isolated clusters not shown."
    assert data["edges"]["count"] == G.number_of_edges()
    whole = _data(cn.show_html(G, color_by="type", isolates=True).html)
    assert len(whole["nodes"]) == 27 and whole["description"] == ""
    assert {e["label"] for e in whole["legend"]["entries"]} == {"SPC", "IBN", "other"}


# --- the fast paths of large pages give what the plain networkx/pandas routes give ----------


def _graphs_of_every_kind() -> list[nx.Graph]:
    simple = nx.barabasi_albert_graph(40, 2, seed=5)
    for i, (u, v) in enumerate(simple.edges()):
        simple.edges[u, v]["weight"] = (i % 5) - 2  # zero and negative weights too
    simple.add_edge(3, 3, weight=7)  # a loop
    simple.add_nodes_from([100, 101])  # isolates
    directed = nx.gnp_random_graph(30, 0.15, seed=2, directed=True)
    directed.add_edge(4, 4)
    multi = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 2), (2, 0)])
    multi.edges[0, 1, 1]["weight"] = 3.5
    return [simple, directed, multi, nx.path_graph(["b", "a", "c"])]


# The layout's own properties are in tests/test_layout.py.


@pytest.mark.parametrize("G", _graphs_of_every_kind(), ids=["graph", "digraph", "multigraph", "path"])
def test_page_edges_come_in_the_edge_views_order(G):
    from clusternet.viz._html import _edge_table

    sources, targets, data = _edge_table(G)
    nodes = list(G)
    assert [(nodes[u], nodes[v], d) for u, v, d in zip(sources.tolist(), targets.tolist(), data, strict=True)] == list(
        G.edges(data=True)
    )


@pytest.mark.parametrize(
    "values",
    [
        ["a", "Coöperatief", ""],
        [1, -2, 10**20],
        [0.1, 2.0, 12345.678, 1e-9],
        [0.5, float("nan"), float("inf"), -float("inf")],
        [True, 1, 1.0, "1", None, pd.NA, np.int64(3), np.float32(0.25), np.bool_(False)],
        [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-02 03:04"), ("x", 2), pd.NaT],
        [],
    ],
    ids=["text", "integers", "floats", "non-finite", "mixed", "other", "empty"],
)
def test_texts_of_a_column_are_the_texts_of_each_value(values):
    from clusternet.viz._html import _coded, _text, _texts

    assert _texts(values) == [_text(value) for value in values]
    # The coded edge column the page decodes (texts[codes[i]]) gives the same texts.
    column = _coded(values)
    codes = np.frombuffer(base64.b64decode(column["codes"]), dtype="<u4")
    assert [column["texts"][code] for code in codes.tolist()] == [_text(value) for value in values]


def test_widths_follow_one_plus_five_times_the_relative_weight():
    from clusternet.viz._html import _widths

    weights = [2, 0.5, -4, float("nan"), float("inf"), True, "3", None, np.float32(1.5), 0]
    # Only finite numbers (not booleans) count; the largest |weight| is 4.
    expected = [3.5, 1.62, 6.0, None, None, None, None, None, 2.88, 1.0]
    assert _widths(weights) == expected
    assert _widths([1.0, 2.0, -4.0]) == [2.25, 3.5, 6.0]
    assert _widths([0, 0.0]) == [None, None] and _widths([]) == []


@pytest.mark.parametrize("duplicate", [False, True], ids=["unique-index", "duplicate-index"])
def test_measures_in_tooltips_are_the_values_pandas_looks_up(hostile_graph, duplicate):
    from clusternet.viz._html import _measure_lookup, _text

    nodes = list(hostile_graph)
    index = ["n0", "n1", "n3", "elsewhere", "n1" if duplicate else "n9"]
    measures = pd.DataFrame(
        {
            "share": [0.5, 0.25, float("nan"), 1.0, 2.0],
            "count": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "flag": [True, False, True, False, True],
            "since": pd.to_datetime(["2020-01-01", "2021-05-06 07:00", None, "2022-01-01", "2023-01-01"], format="ISO8601"),
            "label": pd.array(["x", None, "z", "w", "v"], dtype="string"),
        },
        index=index,
    )
    lookup = _measure_lookup(measures, nodes)
    for column in [*measures.columns, "absent"]:
        expected = [
            _text(measures.at[node, column]) if column in measures.columns and node in measures.index else ""
            for node in nodes
        ]
        assert [_text(value) for value in lookup(column)] == expected, column


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
def test_garbage_collector_left_as_it_was(hostile_graph, enabled):
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        cn.show_html(hostile_graph)
        assert gc.isenabled() is enabled
        with pytest.raises(StyleError):
            cn.show_html(hostile_graph, color_by="sector")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_drawing_order_sorts_nodes_and_neighbours_and_keeps_everything():
    from clusternet.viz import in_drawing_order

    G = nx.Graph()
    G.add_edge("c", "a", weight=2.0)
    G.add_edge("b", "c", weight=1.0)
    G.add_node("d", kind="company")
    H = in_drawing_order(G)
    assert list(H) == ["a", "b", "c", "d"]
    assert [list(H.adj[node]) for node in H] == [["c"], ["c"], ["a", "b"], []]
    assert nx.utils.graphs_equal(H, G)  # same nodes, edges and attributes (networkx's own check)
    assert in_drawing_order(H) is H  # already in order: no copy
    mixed = in_drawing_order(nx.Graph([(2, "x"), ("a", 1)]))
    assert list(mixed) == [1, 2, "a", "x"]  # mixed types: by type name, then text
    D = in_drawing_order(nx.DiGraph([("b", "a"), ("a", "b"), ("b", "c")]))
    assert list(D.edges) == [("a", "b"), ("b", "a"), ("b", "c")]


def test_a_subgraph_is_drawn_the_same_whatever_its_node_order(tmp_path):
    # The same graph built in two orders gives the same page, byte for byte.
    edges = [(f"n{i}", f"n{(i * 7) % 31}", {"weight": 1.0 + i % 3}) for i in range(31)]
    forward, backward = nx.Graph(edges), nx.Graph(list(reversed(edges)))
    assert list(forward) != list(backward)
    one = cn.to_html(forward, tmp_path / "a.html", seed=2).html
    assert one == cn.to_html(backward, tmp_path / "b.html", seed=2).html
