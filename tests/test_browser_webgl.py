"""The page in both renderers (canvas and WebGL) in a real, offline, headless Chromium.

The WebGL page draws with sigma.js in software WebGL (SwiftShader; conftest's CHROMIUM_ARGS).
Every check reads window.clusternet, the page contract that is the same in both renderers, and
compares it with what Python computes on the same graph. The 25,793-node H2020 page is timed by
benchmarks/bench_webgl.py, not here.
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

import clusternet as cn

RENDERERS = ["canvas", "webgl"]
HOSTILE = '<img src=x onerror="window.__pwned=1">'


def _graph() -> nx.Graph:
    """A small weighted network with years on its ties, names and two kinds (a few hostile names)."""
    G = nx.les_miserables_graph()  # 77 nodes, 254 weighted edges (co-appearances)
    G = nx.convert_node_labels_to_integers(G, ordering="sorted", label_attribute="name")
    G.nodes[0]["name"] = HOSTILE
    for node in G:
        G.nodes[node]["kind"] = ("company", "knowledge_institution")[node % 2]
    for i, (u, v) in enumerate(sorted(G.edges())):
        G.edges[u, v]["years"] = sorted({2014 + i % 7, 2014 + (u * v) % 7})
    return G


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return _graph()


class Page:
    """One opened page: waits for ``clusternet.drawn``, records errors and blocked requests."""

    def __init__(self, browser, path, *, timeout: float = 30.0) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": 1100, "height": 760}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        deadline = time.monotonic() + timeout
        while not self.page.evaluate("() => !!(window.clusternet && window.clusternet.drawn)"):
            if time.monotonic() > deadline:
                raise AssertionError(f"not drawn within {timeout} s; errors: {self.errors}")
            time.sleep(0.05)

    def _route(self, route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def evaluate(self, script: str):
        return self.page.evaluate(script)

    def slide(self, selector: str, value: int) -> None:
        self.page.evaluate(
            "([selector, value]) => { const s = document.querySelector(selector); s.value = String(value);"
            " s.dispatchEvent(new Event('input', {bubbles: true})); }",
            [selector, value],
        )


@pytest.fixture(scope="module", params=RENDERERS)
def opened(request, chromium, graph, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param) / "page.html"
    cn.to_html(graph, path, color_by="kind", renderer=request.param, title="Les Misérables")
    page = Page(chromium, path)
    yield request.param, page
    page.context.close()


def test_auto_picks_webgl_for_large_networks_and_canvas_otherwise(graph):
    from clusternet.viz._html import WEBGL_EDGES, WEBGL_NODES, _choose_renderer

    assert '"renderer":"canvas"' in cn.show_html(graph, layout="circular").html  # 77 nodes, 254 edges
    assert _choose_renderer("auto", WEBGL_NODES, WEBGL_EDGES, physics=False) == "canvas"
    assert _choose_renderer("auto", WEBGL_NODES + 1, 0, physics=False) == "webgl"
    assert _choose_renderer("auto", 100, WEBGL_EDGES + 1, physics=False) == "webgl"
    assert _choose_renderer("auto", WEBGL_NODES + 1, 0, physics=True) == "canvas"  # physics: canvas only
    big = nx.empty_graph(WEBGL_NODES + 1)
    assert '"renderer":"webgl"' in cn.show_html(big, layout="circular").html  # no tie: drawn whole
    # auto counts the nodes drawn: 10 with ties beside 5,000 isolates left out is a small page
    sparse = nx.path_graph(10)
    sparse.add_nodes_from(range(10, WEBGL_NODES + 10))
    assert '"renderer":"canvas"' in cn.show_html(sparse, layout="circular").html
    assert '"renderer":"webgl"' in cn.show_html(sparse, layout="circular", isolates=True).html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"renderer": "svg"}, "renderer='svg'; expected one of 'auto', 'canvas', 'webgl'"),
        ({"renderer": "webgl", "physics": True}, "has no physics"),
        ({"renderer": "webgl", "layout": "physics"}, "has no physics"),
    ],
    ids=["unknown", "webgl-physics", "webgl-physics-layout"],
)
def test_bad_renderer_options_raise_a_clear_error(graph, options, message):
    with pytest.raises(cn.StyleError, match=message):
        cn.show_html(graph, **options)


def test_page_draws_offline_the_graph_python_laid_out(opened, graph):
    # The contract is the same in both renderers: counts, palette colours and the positions
    # of clusternet.layout_positions (the page stores them as page pixels, 2 decimals).
    renderer, page = opened
    assert page.evaluate("() => clusternet.renderer") == renderer
    assert page.evaluate("() => [clusternet.nodeCount, clusternet.edgeCount, clusternet.edgesDrawn]") == [
        77,
        254,
        254,
    ]
    expected = cn.layout_positions(cn.viz.in_drawing_order(graph), seed=0)
    drawn = page.evaluate("() => clusternet.positions()")
    tolerance = 2.0 if renderer == "canvas" else 0.01  # vis-network reports whole page pixels
    scale = page.evaluate("() => JSON.parse(document.getElementById('cn-data').textContent).scale")
    for i, node in enumerate(expected):
        assert drawn[str(i)] == pytest.approx(expected[node], abs=tolerance / scale + 1e-4)
    colors = page.evaluate("() => clusternet.colors()")
    palette = cn.viz.category_colors([graph.nodes[node]["kind"] for node in graph])
    assert {key: value.upper() for key, value in colors.items()} == {
        str(i): palette[graph.nodes[node]["kind"]].upper() for i, node in enumerate(expected)
    }
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.errors == [] and page.blocked == []


def test_png_download_is_a_real_picture_of_the_view(opened):
    import matplotlib.image

    renderer, page = opened
    with page.page.expect_download() as caught:
        page.page.click("#download-png")
    data = caught.value.path().read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    width, height = page.evaluate(
        "() => [document.getElementById('network').clientWidth,"
        " document.getElementById('network').clientHeight]"
    )
    assert pixels.shape[1] >= width and pixels.shape[0] >= height  # device pixels
    coloured = (np.abs(pixels[..., 0] - pixels[..., 2]) > 0.2).sum()  # blue and orange nodes, not grey
    assert coloured > 500, f"{renderer}: {coloured} coloured pixels"


def test_svg_download_draws_the_nodes_and_edges_shown(opened):
    renderer, page = opened
    text = page.evaluate("() => clusternet.svg()")
    svg = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    circles = svg.findall(f".//{ns}circle")
    inside = page.evaluate("""() => { const n = document.getElementById('network'); let k = 0;
      for (let i = 0; i < clusternet.nodeCount; i++) { const p = clusternet.toScreen(i);
        if (p.x >= 0 && p.y >= 0 && p.x <= n.clientWidth && p.y <= n.clientHeight) k++; } return k; }""")
    assert len(circles) == inside > 60
    assert len(svg.findall(f".//{ns}line")) > 200
    assert "<img" not in text and svg.findall(".//{*}img") == []  # names are text nodes, escaped


def test_weight_slider_shows_the_edges_python_counts(opened, graph):
    renderer, page = opened
    steps = page.evaluate("() => clusternet.weightSteps")
    weights = sorted({w for _, _, w in graph.edges(data="weight")})
    assert steps == weights  # 31 distinct weights, fewer than 200: one step each
    for step in (3, len(steps) // 2, len(steps) - 1, 0):
        page.slide("#min-weight", step)
        threshold = page.evaluate("() => clusternet.minWeight")
        expected = sum(1 for _, _, w in graph.edges(data="weight") if w >= steps[step])
        assert threshold == (steps[step] if step else None)
        assert page.evaluate("() => clusternet.edgeCount") == expected
    assert page.evaluate("() => clusternet.edgeCount") == graph.number_of_edges()


def test_year_slider_shows_the_ties_of_the_years_chosen(opened, graph):
    renderer, page = opened
    assert page.evaluate("() => clusternet.yearSpan") == [2014, 2020]
    page.slide("#year-from", 2016)
    page.slide("#year-to", 2017)
    expected = sum(1 for _, _, years in graph.edges(data="years") if any(2016 <= y <= 2017 for y in years))
    assert page.evaluate("() => [clusternet.yearRange, clusternet.edgeCount]") == [[2016, 2017], expected]
    assert f"{expected} of 254 edges shown" in page.page.locator("#status").inner_text()
    page.slide("#year-from", 2014)
    page.slide("#year-to", 2020)
    assert page.evaluate("() => [clusternet.yearRange, clusternet.edgeCount]") == [None, 254]


def test_a_click_fades_all_but_the_node_and_its_neighbours(opened, graph):
    renderer, page = opened
    hub = max(graph, key=graph.degree)  # Valjean: the one node clicked, drawn on top
    index = list(cn.viz.in_drawing_order(graph)).index(hub)
    point = page.evaluate(f"() => clusternet.toScreen({index})")
    box = page.page.locator("#network").bounding_box()
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert graph.nodes[hub]["name"] in page.page.locator("#details").inner_text()
    if renderer == "webgl":
        shown = page.evaluate(
            "() => Array.from({length: clusternet.nodeCount}, (_, i) => "
            "clusternet.sigma.getNodeDisplayData(String(i)).color)"
        )
    else:
        shown = page.evaluate("() => clusternet.nodes.get().map(n => n.color.background)")
    kept = {index} | {list(cn.viz.in_drawing_order(graph)).index(n) for n in graph.neighbors(hub)}
    assert {i for i, color in enumerate(shown) if color.upper() != "#E4E4E4"} == kept
    page.page.wait_for_timeout(400)  # two clicks within 300 ms are a double click (sigma zooms)
    page.page.mouse.click(box["x"] + 3, box["y"] + 3)  # empty space
    colors = page.evaluate("() => clusternet.colors()")
    if renderer == "webgl":
        shown = page.evaluate(
            "() => Array.from({length: clusternet.nodeCount}, (_, i) => "
            "clusternet.sigma.getNodeDisplayData(String(i)).color)"
        )
    else:
        shown = page.evaluate("() => clusternet.nodes.get().map(n => n.color.background)")
    assert shown == [colors[str(i)] for i in range(len(shown))]


def test_hovering_a_node_shows_its_attributes_as_text(opened, graph):
    renderer, page = opened
    point = page.evaluate("() => clusternet.toScreen(0)")  # the hostile name
    box = page.page.locator("#network").bounding_box()
    page.page.mouse.move(box["x"] + point["x"] - 20, box["y"] + point["y"] - 20)
    page.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=4)
    tooltip = page.page.locator("#tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert HOSTILE in tooltip.inner_text() and "kind" in tooltip.inner_text()
    assert page.evaluate("() => document.querySelectorAll('#tooltip img').length") == 0
    assert page.evaluate("() => window.__pwned === undefined")


def test_search_and_filter_in_both_renderers(opened, graph):
    renderer, page = opened
    page.page.fill("#search", "COSETTE")
    page.page.click("#search-form button")
    assert page.page.locator("#status").inner_text() == "1 match"
    assert "Cosette" in page.page.locator("#details").inner_text()
    page.page.select_option("#filter-attribute", "kind")
    page.page.select_option("#filter-value", "company")
    companies = [n for n in graph if graph.nodes[n]["kind"] == "company"]
    inner = sum(1 for u, v in graph.edges() if u in companies and v in companies)
    assert page.evaluate("() => [clusternet.nodeCount, clusternet.edgeCount]") == [len(companies), inner]
    page.page.select_option("#filter-attribute", "")
    assert page.evaluate("() => [clusternet.nodeCount, clusternet.edgeCount]") == [77, 254]


def test_webgl_leading_labels_do_not_pile_up(chromium, tmp_path):
    # The leading nodes (5%, at most 30) are labelled unless a more prominent one's label box
    # already covers theirs; zoomed in, they spread apart and more of them get their label.
    G = nx.les_miserables_graph()
    path = cn.to_html(G, tmp_path / "labels.html", renderer="webgl").path
    page = Page(chromium, path)
    try:
        leading, labelled = page.evaluate("() => [clusternet.leading, clusternet.labelled()]")
        assert len(leading) == 4 and labelled and set(labelled) <= set(leading)
        assert labelled[0] == leading[0]  # the most prominent is always labelled
        box = page.page.locator("#network").bounding_box()
        page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(4):
            page.page.mouse.wheel(0, -300)
            page.page.wait_for_timeout(150)
        page.page.wait_for_timeout(500)
        assert len(page.evaluate("() => clusternet.labelled()")) >= len(labelled)
        assert page.errors == []
    finally:
        page.context.close()


def test_canvas_leading_labels_do_not_pile_up(chromium, tmp_path):
    # As in the WebGL view: a leading label whose box overlaps a more prominent one's keeps
    # vis-network's scaled font (hidden below its draw threshold) instead of the fixed 13 px.
    G = nx.les_miserables_graph()
    path = cn.to_html(G, tmp_path / "labels.html", renderer="canvas").path
    page = Page(chromium, path)
    try:
        leading, labelled = page.evaluate("() => [clusternet.leading, clusternet.labelled()]")
        assert len(leading) == 4 and labelled and set(labelled) <= set(leading)
        assert labelled[0] == leading[0]  # the most prominent is always labelled
        fonts = page.evaluate("() => clusternet.leading.map(i => clusternet.nodes.get(i).font.size)")
        scale = page.evaluate("() => clusternet.network.getScale()")
        for node, size in zip(leading, fonts, strict=True):
            # labelled: about 13 screen pixels; the others: the default 14 canvas pixels
            assert (size * scale >= 13 - 1e-9) if node in labelled else size == 14
        assert page.errors == []
    finally:
        page.context.close()


def test_webgl_draws_the_strongest_edges_at_rest_when_there_are_many(chromium, tmp_path):
    # Above 50,000 edges the page draws at most 40,000 when the view rests, the strongest first
    # (software WebGL fills too few line pixels a second for more); the expected set is numpy's
    # argsort of the weights, the page's is the prefix of sigma's edge order.
    rng = np.random.default_rng(0)
    # a ring whose nodes are tied to their 12 nearest on each side: short lines, quick to draw
    G = cn.viz.in_drawing_order(nx.circulant_graph(4200, range(1, 13)))  # page edge i: G.edges()'s i-th
    weights = rng.random(G.number_of_edges()).round(6)
    for (u, v), w in zip(G.edges(), weights, strict=True):
        G.edges[u, v]["weight"] = float(w)
    path = cn.to_html(G, tmp_path / "many.html", renderer="webgl", layout="circular").path
    page = Page(chromium, path)
    try:
        assert page.evaluate("() => [clusternet.edgeCount, clusternet.edgesDrawn]") == [50400, 40000]
        drawn = page.evaluate("() => clusternet.graph.edges().slice(0, 40000).map(Number)")
        strongest = np.argsort(-weights, kind="stable")[:40000]
        assert sorted(drawn) == sorted(strongest.tolist())
        assert "the 40000 strongest of the 50400 shown" in page.page.locator("#edges-drawn").inner_text()
        page.slide("#min-weight", len(page.evaluate("() => clusternet.weightSteps")) - 1)  # few left
        shown = page.evaluate("() => clusternet.edgeCount")
        assert page.evaluate("() => clusternet.edgesDrawn") == shown < 40000
        assert page.page.locator("#edges-drawn").inner_text() == ""
        assert page.errors == []
    finally:
        page.context.close()
