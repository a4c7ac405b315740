"""The HTML page in a real, offline, headless Chromium (Debian's /usr/bin/chromium via playwright).

Every request that is not file: or data: is aborted and recorded; the page must not try any.
"""

from __future__ import annotations

import time
from pathlib import Path

import networkx as nx
import pytest

import clusternet as cn

HOSTILE_NAMES = [
    '<img src=x onerror="window.__pwned=1">',
    "Coöperatief & Zonen \"de 'Eendracht'\"",
    "</script><script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    "Société Générale — Ærø",
]


@pytest.fixture(scope="module")
def browser(chromium):
    # One playwright per process: a second sync_playwright beside the session's fails with
    # "using Playwright Sync API inside the asyncio loop" when pytest-xdist puts them together.
    return chromium


class Visit:
    """An opened page with what happened while it loaded."""

    def __init__(self, browser, path: Path, timeout: float = 30.0) -> None:
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        # Poll from Python: the page's CSP (rightly) forbids the eval a JS wait would need.
        deadline = time.monotonic() + timeout
        while not self.page.evaluate("() => !!(window.clusternet && window.clusternet.drawn)"):
            if time.monotonic() > deadline:
                raise AssertionError(f"the network was not drawn within {timeout} s; errors: {self.errors}")
            time.sleep(0.05)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def evaluate(self, script: str):
        return self.page.evaluate(script)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def hostile_page(browser, tmp_path):
    G = nx.Graph()
    for i, name in enumerate(HOSTILE_NAMES):
        G.add_node(i, name=name, type=("SPC", "IBN")[i % 2], members=i + 1)
    G.add_edges_from([(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (0, 2)])
    path = tmp_path / "hostile.html"
    cn.to_html(G, path, color_by="type", size_by="members", title='<img src=x onerror="window.__pwned=9">')
    visit = Visit(browser, path)
    yield visit, G
    visit.close()


_NON_BLANK_PIXELS = """() => {
  const canvas = document.querySelector('#network canvas');
  const context = canvas.getContext('2d');
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] > 0 && !(pixels[i] > 250 && pixels[i + 1] > 250 && pixels[i + 2] > 250)) drawn++;
  }
  return drawn;
}"""


def test_page_draws_offline_without_errors(hostile_page):
    visit, G = hostile_page
    assert visit.evaluate("() => [clusternet.nodes.length, clusternet.edges.length]") == [5, 6]
    assert visit.evaluate(_NON_BLANK_PIXELS) > 200
    assert visit.errors == []
    assert visit.console_errors == []
    assert visit.blocked == []


def test_no_hostile_name_runs_and_labels_show_as_typed(hostile_page):
    visit, G = hostile_page
    assert visit.evaluate("() => window.__pwned === undefined")
    assert visit.evaluate("() => document.querySelectorAll('img, svg, iframe').length") == 0
    labels = visit.evaluate("() => clusternet.nodes.get().map(n => n.label)")
    assert labels == HOSTILE_NAMES
    assert visit.evaluate("() => document.title") == '<img src=x onerror="window.__pwned=9">'


def test_tooltip_shows_attributes_as_text(hostile_page):
    visit, G = hostile_page
    point = visit.evaluate(
        "() => clusternet.network.canvasToDOM(clusternet.network.getPositions([0])[0])"
    )
    box = visit.page.locator("#network canvas").bounding_box()
    visit.page.mouse.move(box["x"] + point["x"] - 30, box["y"] + point["y"] - 30)
    visit.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=5)
    tooltip = visit.page.locator("#tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    assert HOSTILE_NAMES[0] in text and "members" in text and "SPC" in text
    assert visit.evaluate("() => document.querySelectorAll('#tooltip img').length") == 0
    assert visit.evaluate("() => window.__pwned === undefined")


def test_search_ignores_case_and_accents(hostile_page):
    visit, G = hostile_page
    visit.page.fill("#search", "COOPERATIEF")
    visit.page.click("#search-form button")
    assert visit.page.locator("#status").inner_text() == "1 match"
    assert visit.evaluate("() => clusternet.network.getSelectedNodes()") == [1]
    assert HOSTILE_NAMES[1] in visit.page.locator("#details").inner_text()


def test_filter_hides_the_other_values(hostile_page):
    visit, G = hostile_page
    visit.page.select_option("#filter-attribute", "type")
    visit.page.select_option("#filter-value", "IBN")
    hidden = visit.evaluate("() => clusternet.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()")
    assert hidden == [i for i in G if G.nodes[i]["type"] != "IBN"]
    assert visit.page.locator("#status").inner_text() == "2 of 5 nodes shown"


def test_legend_lists_each_colour(hostile_page):
    visit, G = hostile_page
    rows = visit.page.locator("#legend .legend-row").all_inner_texts()
    assert [row.split("\n")[0].strip() for row in rows] == ["SPC", "IBN"]


def test_physics_can_be_switched_on(hostile_page):
    visit, G = hostile_page
    visit.page.check("#physics")
    assert visit.evaluate("() => clusternet.network.physics.options.enabled") is True
    assert visit.errors == []


def test_flemish_intercluster_network_in_the_browser(browser, tmp_path, flanders):
    G = cn.cluster_network(flanders, via="intercluster")
    path = cn.to_html(G, tmp_path / "flanders.html", color_by="type", title="Intercluster projects").path
    visit = Visit(browser, path)
    try:
        # Isolates are left out of the page by default (the description counts them).
        assert visit.evaluate("() => [clusternet.nodes.length, clusternet.edges.length]") == [
            G.number_of_nodes() - nx.number_of_isolates(G), G.number_of_edges()]
        assert visit.evaluate(_NON_BLANK_PIXELS) > 500
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_a_thousand_nodes_draw(browser, tmp_path):
    # The 10,000-node timing lives in benchmarks/bench_html.py; here only that it works at scale.
    G = nx.barabasi_albert_graph(1000, 2, seed=1)
    path = cn.to_html(G, tmp_path / "large.html").path
    visit = Visit(browser, path, timeout=60)
    try:
        assert visit.evaluate("() => [clusternet.nodes.length, clusternet.edges.length]") == [1000, G.number_of_edges()]
        assert visit.evaluate(_NON_BLANK_PIXELS) > 1000
        assert visit.errors == []
    finally:
        visit.close()


def test_the_page_test_contract(hostile_page):
    # window.clusternet's counts, positions and colours, read without knowing vis-network: the
    # counts are the graph's, the colours the palette's for SPC and IBN (docs/pictures.md: SPC
    # blue #4E79A7, IBN orange #F28E2B), and the drawn positions the ones Python laid out.
    visit, G = hostile_page
    assert visit.evaluate("() => [clusternet.nodeCount, clusternet.edgeCount]") == [5, 6]
    colors = visit.evaluate("() => clusternet.colors()")
    expected = {str(i): ("#4E79A7", "#F28E2B")[i % 2] for i in range(5)}
    assert {key: value.upper() for key, value in colors.items()} == expected
    # positions() are the layout's coordinates: the page pixels vis-network drew, divided by the
    # page's scale and turned over (screen y grows downwards), which are clusternet.layout_positions.
    positions = visit.evaluate("() => clusternet.positions()")
    given = visit.evaluate("() => Object.fromEntries(clusternet.nodes.get().map(n => [String(n.id), [n.x, n.y]]))")
    scale = visit.evaluate("() => JSON.parse(document.getElementById('cn-data').textContent).scale")
    assert positions.keys() == given.keys() and len(positions) == 5
    layout = cn.layout_positions(cn.viz.in_drawing_order(G), seed=0)
    for key, (x, y) in positions.items():
        assert (x, y) == pytest.approx((given[key][0] / scale, -given[key][1] / scale), abs=1.0 / scale)
        assert (x, y) == pytest.approx(layout[int(key)], abs=1.0 / scale)  # vis-network reports whole pixels


def test_a_click_highlights_the_node_and_its_neighbours(hostile_page):
    # Node 0's neighbours are 1, 2 and 4 (edges of the fixture); 3 fades, and a click on empty
    # space brings its colour back.
    visit, G = hostile_page
    assert sorted(G.neighbors(0)) == [1, 2, 4]
    box = visit.page.locator("#network canvas").bounding_box()
    point = visit.evaluate("() => clusternet.network.canvasToDOM(clusternet.network.getPositions([0])[0])")
    visit.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    shown = visit.evaluate("() => Object.fromEntries(clusternet.nodes.get().map(n => [n.id, n.color.background]))")
    original = visit.evaluate("() => clusternet.colors()")
    assert [str(i) for i in range(5) if shown[str(i)] == original[str(i)]] == ["0", "1", "2", "4"]
    assert shown["3"].upper() == "#E4E4E4"
    visit.page.mouse.click(box["x"] + 5, box["y"] + 5)
    shown = visit.evaluate("() => Object.fromEntries(clusternet.nodes.get().map(n => [n.id, n.color.background]))")
    assert shown == original


def test_the_leading_labels_stay_readable_as_the_view_zooms_out(hostile_page):
    # With 5 nodes, 5% is one leading label: the largest node by size_by="members", node 4
    # (members 5). Its font keeps about 13 screen pixels: after zooming out with the mouse wheel
    # its canvas font size times the scale is still at least 13.
    visit, G = hostile_page
    assert visit.evaluate("() => clusternet.leading") == [4]
    box = visit.page.locator("#network canvas").bounding_box()
    visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(5):
        visit.page.mouse.wheel(0, 400)
        visit.page.wait_for_timeout(100)
    scale, size = visit.evaluate("() => [clusternet.network.getScale(), clusternet.nodes.get(4).font.size]")
    assert scale < 0.9 and size * scale >= 13 - 1e-9
    assert visit.evaluate("() => clusternet.nodes.get(0).font") is None


def test_the_description_line_says_what_is_shown_as_text(browser, tmp_path):
    path = tmp_path / "described.html"
    cn.to_html(nx.path_graph(4), path, description="2 of 4 <b>organisations</b>, the most central")
    visit = Visit(browser, path)
    try:
        text = visit.page.locator("#legend").inner_text()
        assert "2 of 4 <b>organisations</b>, the most central" in text
        assert visit.evaluate("() => document.querySelectorAll('#legend b').length") == 0
    finally:
        visit.close()
