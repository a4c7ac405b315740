"""Hostile names through every output: HTML, SVG, GEXF/GraphML, CSV/Excel and the terminal.

One small ecosystem whose organisation and cluster names, ids and sector values are markup,
script breakers, spreadsheet formulas, ANSI escapes, right-to-left and zero-width characters,
Dutch diacritics and a 100 kB name goes through the report, the network page, the figures, the
exports and the command line. Each output must show the names as typed (after the documented
cleaning of ``Ecosystem``: zero-width characters and surrounding blanks removed, NFC) and never
let them become markup, formulas or terminal commands. The unit tests of each writer live in
``test_html.py``, ``test_browser.py``, ``test_export.py``, ``test_plotting.py`` and
``test_cli.py``; this file checks that the analyses in between keep the names intact.
"""

from __future__ import annotations

import csv
import html.parser
import re
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import networkx as nx
import pandas as pd
import pytest

import clusternet as cn

matplotlib.use("Agg")

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    "Coöperatief \"de 'Eendracht'\" & Zonen",
    "Ëcht &amp; &lt;b&gt; Brouwerij",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\x1b[31mRood\x1b[0m \x07bel",
    "\u202eevil\u202c RTL שלום",
    "zero\u200bwidth\u200djoiner",
    "\tTab=1+1",
    "x\r\n=1+1 in a cell",
]
BIG_NAME = "Coöperatief " + "x" * 100_000
NAMES = [*HOSTILE, BIG_NAME]
# A cell a spreadsheet would run: starts with one of these after the reader's strip.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
INJECTIONS = ("<img", "<script", "<svg", "onerror=", "onload=")


@pytest.fixture(scope="module")
def hostile() -> cn.Ecosystem:
    n = len(NAMES)
    ids = [name[:60] if i % 2 == 0 else f"o{i}" for i, name in enumerate(NAMES)]
    organisations = pd.DataFrame({
        "organisation_id": ids, "name": NAMES, "kind": "company",
        "sector": [HOSTILE[i % 6] for i in range(n)],
    })
    clusters = pd.DataFrame({
        "cluster_id": ['<b>SPC"1', "=IBN", "\x1b[1mc3"],
        "name": [HOSTILE[0], HOSTILE[5], HOSTILE[9]],
        "type": ["SPC", "IBN", "IBN"],
    })
    memberships = pd.DataFrame({
        "organisation_id": ids + ids[:7],
        "cluster_id": ['<b>SPC"1'] * n + ["=IBN"] * 4 + ["\x1b[1mc3"] * 3,
        "year": 2019,
    })
    projects = pd.DataFrame({"project_id": ["p1", "<p2>", "=p3"], "title": HOSTILE[:3], "year": [2019, 2019, 2020]})
    participations = pd.DataFrame({
        "project_id": ["p1"] * 4 + ["<p2>"] * 3 + ["=p3"] * 4,
        "organisation_id": [ids[i] for i in (0, 1, 2, 3, 3, 4, 5, 6, 7, 13, 14)],
    })
    project_clusters = pd.DataFrame({"project_id": ["p1", "p1", "<p2>"],
                                     "cluster_id": ['<b>SPC"1', "=IBN", "\x1b[1mc3"]})
    return cn.Ecosystem(organisations=organisations, clusters=clusters, memberships=memberships,
                        projects=projects, participations=participations, project_clusters=project_clusters)


@pytest.fixture(scope="module")
def names(hostile) -> list[str]:
    """The names as the ecosystem keeps them (the documented cleaning applied)."""
    return list(hostile.organisations["name"])


def test_the_ecosystem_keeps_names_as_typed_apart_from_documented_cleaning(hostile, names):
    cleaned = [re.sub("[\u200b\u200c\u200d\ufeff]", "", name).strip() for name in NAMES]
    assert names == cleaned
    assert BIG_NAME in names and len(BIG_NAME) > 100_000


@pytest.fixture(scope="module")
def graph(hostile) -> nx.Graph:
    return cn.organisation_network(hostile, weight="newman")


@pytest.fixture(scope="module")
def report(hostile, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile-report")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # names without a glyph (escapes, bells) warn nothing on the console
        return cn.write_report(hostile, out, title=HOSTILE[1], provenance=HOSTILE[0]).parent


@pytest.fixture(scope="module")
def network_page(graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile-page") / "network.html"
    # isolates=True: every hostile name must be on the page, the isolated ones too.
    cn.to_html(graph, path, color_by="sector", label_by="name", title=HOSTILE[2],
               measures=cn.centrality(graph), isolates=True)
    return path


# --- HTML --------------------------------------------------------------------------------------

class _Markup(html.parser.HTMLParser):
    """Every tag, attribute and text piece of a page, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.images: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def _pages(report: Path, network_page: Path) -> list[Path]:
    return [report / "index.html", *sorted((report / "networks").glob("*.html")), network_page]


def test_html_has_no_injected_tag_or_handler(report, network_page):
    pages = _pages(report, network_page)
    assert len(pages) >= 4
    for page in pages:
        parser = _Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        assert "svg" not in parser.tags and "iframe" not in parser.tags, page.name
        # The report's own figures are the only images: embedded PNGs with a plain alt text.
        for image in parser.images:
            assert set(image) == {"alt", "src"} and image["src"].startswith("data:image/png;base64,"), page.name
        # The data, the library (vis-network; graphology and sigma), the renderer, the page script.
        assert parser.tags.count("script") <= 5, page.name
        assert not [a for a in parser.attributes if a.startswith("on")], page.name


def test_report_index_shows_names_as_text(report, names):
    parser = _Markup()
    parser.feed((report / "index.html").read_text(encoding="utf-8"))
    text = "".join(parser.text)
    # The title and provenance are typed by the caller, the sector values come from the data.
    for shown in (HOSTILE[1], HOSTILE[0], *{names[0], HOSTILE[5]}):
        assert shown in text


def _wait_drawn(page, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate("() => !!(window.clusternet && window.clusternet.drawn)"):
        assert time.monotonic() < deadline, "the network was not drawn"
        time.sleep(0.05)


def test_report_index_in_chromium_runs_nothing(report, open_offline, names):
    context, page, errors, blocked = open_offline(report / "index.html")
    try:
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned") is None
        assert errors == [] and blocked == []
        assert page.evaluate("() => document.title") == HOSTILE[1]
        body = page.inner_text("body")
        assert HOSTILE[0] in body and HOSTILE[1] in body and HOSTILE[5] in body
        assert page.evaluate("() => document.querySelectorAll('svg, iframe, script').length") == 0
        sources = page.evaluate("() => [...document.images].map(i => i.src.slice(0, 22))")
        assert set(sources) <= {"data:image/png;base64,"}
    finally:
        context.close()


def test_network_pages_in_chromium_show_names_as_typed(report, network_page, open_offline, graph, names):
    pages = [*sorted((report / "networks").glob("*.html")), network_page]
    for path in pages:
        context, page, errors, blocked = open_offline(path)
        try:
            _wait_drawn(page)
            assert page.evaluate("() => window.__pwned") is None, path.name
            assert errors == [] and blocked == [], (path.name, errors, blocked)
            assert page.evaluate("() => document.querySelectorAll('#network img, #tooltip img, svg').length") == 0
        finally:
            context.close()
    # The page made here: every label is the name, every sector is in the legend, a tooltip shows
    # the node's name and sector as text.
    context, page, errors, blocked = open_offline(network_page)
    try:
        _wait_drawn(page)
        labels = page.evaluate("() => clusternet.nodes.get().map(n => n.label)")
        # A name longer than 120 characters is cut on the canvas (else vis-network's fit shrinks
        # every node to a dot around a 100 kB label); the tooltip keeps it whole.
        assert labels == [_canvas_label(graph.nodes[node]["name"]) for node in graph]
        assert any(label.endswith("\u2026") for label in labels)
        legend = "\n".join(page.locator("#legend").all_inner_texts())
        for sector in {graph.nodes[node]["sector"] for node in graph}:
            assert sector in legend
        assert page.evaluate("() => document.title") == HOSTILE[2]
        for position in (0, 2):
            node = list(graph)[position]
            point = page.evaluate(f"() => clusternet.network.canvasToDOM(clusternet.network.getPositions([{position}])[{position}])")
            box = page.locator("#network canvas").bounding_box()
            page.mouse.move(box["x"] + point["x"] - 40, box["y"] + point["y"] - 40)
            page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=5)
            tooltip = page.locator("#tooltip")
            tooltip.wait_for(state="visible", timeout=10_000)
            text = tooltip.inner_text()
            assert graph.nodes[node]["name"] in text and graph.nodes[node]["sector"] in text
            page.mouse.move(1, 1)
        assert page.evaluate("() => window.__pwned") is None
        assert errors == []
    finally:
        context.close()


def _canvas_label(name: str) -> str:
    return name if len(name) <= 120 else name[:119] + "\u2026"


# --- SVG figures --------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _svg_checked(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()  # raises on invalid XML (a raw ESC or a bare & would)
    for element in root.iter():
        assert element.tag.split("}")[-1] not in ("script", "foreignObject", "iframe"), path.name
        assert not [name for name in element.attrib if name.lower().startswith("on")], path.name
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#") or value.startswith("data:image/png"), (path.name, value)
    return root


def _svg_text(path: Path) -> str:
    """Figure text as SVG keeps it with text as text (``svg.fonttype = 'none'``)."""
    # matplotlib writes control characters raw with svg.fonttype 'none' (clusternet never does).
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", path.read_text(encoding="utf-8"))
    root = ET.fromstring(text)
    return "".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


@pytest.fixture(scope="module")
def figures(hostile, graph, names, tmp_path_factory) -> dict[str, Path]:
    import matplotlib.pyplot as plt

    # The 100 kB name is left out of the figures: matplotlib takes minutes to lay it out (noted
    # in the report to the lead); every other hostile name is drawn.
    graph = graph.subgraph([node for node in graph if len(graph.nodes[node]["name"]) < 1000]).copy()
    organisations = hostile.organisations.assign(name=hostile.organisations["name"].str.slice(0, 200))
    hostile = hostile.replace(organisations=organisations.drop(columns=["source_line"], errors="ignore"))

    folder = tmp_path_factory.mktemp("hostile-figures")
    label_of = {row.organisation_id: row.name for row in hostile.organisations.itertuples()}
    cluster_name = dict(zip(hostile.clusters["cluster_id"], hostile.clusters["name"], strict=True))
    measures = cn.centrality(graph)
    partition = cn.communities(graph, seed=0)
    sectors = hostile.organisations.set_index("organisation_id")["sector"]
    draws = {
        "network": lambda ax: cn.plot_network(graph, ax=ax, color_by="sector", label_by="name", labels=True,
                                             title=HOSTILE[1]),
        "overlap": lambda ax: cn.plot_overlap(cn.overlap(hostile, between=("SPC", "IBN")), ax=ax,
                                             labels=cluster_name),
        "centrality": lambda ax: cn.plot_centrality(measures, "degree", ax=ax, labels=label_of, color_by=sectors),
        "communities": lambda ax: cn.plot_communities(partition, sectors.loc[list(partition.index)], ax=ax),
    }
    paths = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs DejaVu lacks (ESC, bell)
        for name, draw in draws.items():
            figure, ax = plt.subplots(figsize=(8, 6))
            try:
                draw(ax)
                (svg,) = cn.save_figure(figure, folder / name, formats=("svg",), dpi=72)
                with matplotlib.rc_context({"svg.fonttype": "none"}):
                    figure.savefig(folder / f"{name}-text.svg")
            finally:
                plt.close(figure)
            paths[name] = svg
    return paths


@pytest.mark.parametrize("name", ["network", "overlap", "centrality", "communities"])
def test_svg_figures_are_valid_xml_without_scripts(figures, name):
    _svg_checked(figures[name])


def test_svg_figures_show_names_as_text(figures, graph, hostile):
    network = _svg_text(figures["network"].with_name("network-text.svg"))
    for name in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[5], HOSTILE[3]):
        # Control characters are not legal XML and cannot be shown; everything else is kept.
        assert name in network, name
    overlap = _svg_text(figures["overlap"].with_name("overlap-text.svg"))
    assert HOSTILE[0] in overlap and HOSTILE[5] in overlap
    centrality = _svg_text(figures["centrality"].with_name("centrality-text.svg"))
    assert any(name in centrality for name in hostile.organisations["name"] if len(name) < 200)


# --- GEXF / GraphML -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["organisations", "projects", "clusters"], ids=str)
@pytest.mark.parametrize("writer, reader", [(cn.write_gexf, nx.read_gexf), (cn.write_graphml, nx.read_graphml)],
                         ids=["gexf", "graphml"])
def test_xml_exports_round_trip_hostile_names(hostile, tmp_path, kind, writer, reader):
    graph = {
        "organisations": lambda: cn.organisation_network(hostile),
        "projects": lambda: cn.project_network(hostile),
        "clusters": lambda: cn.cluster_network(hostile, via="intercluster"),
    }[kind]()
    path = writer(graph, tmp_path / "graph.xml")
    ET.parse(path)
    back = reader(path)
    assert sorted(map(str, back.nodes)) == sorted(_xml_safe(str(node)) for node in graph.nodes)
    for node, attributes in graph.nodes(data=True):
        for key in ("name", "sector", "title"):
            if key in attributes:
                assert _line_ends(back.nodes[_xml_safe(str(node))][key]) == _line_ends(_xml_safe(attributes[key]))


def _xml_safe(text: str) -> str:
    """What XML 1.0 can carry of a text: control characters other than tab/LF/CR become U+FFFD
    (documented in ``docs/pictures.md``)."""
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "\ufffd" for c in text)


def _line_ends(text: str) -> str:
    # An XML parser reads a literal CR LF in element text as LF (XML 1.0, 2.11).
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- CSV / Excel --------------------------------------------------------------------------------

def _runs_as_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_START)


def test_report_tables_neutralise_formulas(report, names):
    tables = sorted((report / "tables").glob("*.csv"))
    assert len(tables) >= 10
    cells = []
    for path in tables:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                cells += row
    text_cells = [cell for cell in cells if cell and not _is_number(cell)]
    assert not [cell for cell in text_cells if _runs_as_formula(cell)]
    # The formulas are there, defused with a leading quote, not dropped.
    assert "'" + HOSTILE[5] in cells
    assert "'" + HOSTILE[6] in cells


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def hostile_table(hostile) -> pd.DataFrame:
    table = hostile.organisations[["organisation_id", "name", "sector"]].copy()
    table["budget"] = [-2.0, 3.5] * (len(table) // 2) + [0.0] * (len(table) % 2)
    return table


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_table_neutralises_and_reads_back(hostile_table, tmp_path, suffix):
    path = cn.write_table(hostile_table, tmp_path / f"table{suffix}")
    if suffix == ".csv":
        back = pd.read_csv(path, dtype=str, keep_default_na=False)
        cells = back[["organisation_id", "name", "sector"]].to_numpy().ravel().tolist()
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(path).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == list(hostile_table.columns)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [cell for row in rows[1:] for cell in row[:3]]
        # numbers stay numbers, negative ones too
        assert [row[3] for row in rows[1:]] == hostile_table["budget"].tolist()
    assert not [cell for cell in cells if isinstance(cell, str) and _runs_as_formula(cell)]
    for original, written in zip(hostile_table[["organisation_id", "name", "sector"]].to_numpy().ravel(), cells,
                                 strict=True):
        # Excel holds at most 32,767 characters a cell: pandas cuts longer ones, with a warning.
        expected = _line_ends(_xml_safe(original))[:32_767] if suffix == ".xlsx" else original
        written = _line_ends(written) if suffix == ".xlsx" else written
        assert written in (expected, "'" + expected), (original[:50], str(written)[:50])
        assert written == ("'" + expected if _runs_as_formula(expected) else expected)


# --- terminal -----------------------------------------------------------------------------------

def _has_raw_control(text: str) -> bool:
    return any(not (c in "\n\t" or c.isprintable()) for c in text)


@pytest.mark.parametrize("command", ["summary", "validate", "export"])
def test_cli_prints_no_raw_control_character(hostile, tmp_path, capsys, command):
    from clusternet.cli import main

    folder = tmp_path / "tables"
    folder.mkdir()
    for name in hostile.provided:
        hostile.table(name).drop(columns=["source_line"], errors="ignore").to_csv(folder / f"{name}.csv",
                                                                                   index=False)
    argv = {
        "summary": ["summary", str(folder)],
        "validate": ["validate", str(folder)],
        "export": ["export", str(folder), "--network", "organisations", "--format", "graphml",
                   "--out", str(tmp_path / "\x1b[31mred.graphml")],
    }[command]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert not _has_raw_control(out) and not _has_raw_control(err), repr((out + err)[:500])
