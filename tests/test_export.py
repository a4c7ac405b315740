"""Exports: GEXF and GraphML stay valid XML with every attribute, VOSviewer files, safe tables."""

from __future__ import annotations

import csv
import datetime as _dt
import math
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import ExportError
from clusternet.viz import neutralise_formulas

HOSTILE = {
    "a": '<img src=x onerror="alert(1)">',
    "b": "Coöperatief & Zonen \"de 'Eendracht'\"",
    "c": "]]></node><node id=\"evil\">",
    "d": "=HYPERLINK(\"http://x\"); bell\x07 null\x00",
}


@pytest.fixture
def messy_graph() -> nx.Graph:
    G = nx.Graph(title="Flanders & co")
    for node, name in HOSTILE.items():
        G.add_node(node, name=name)
    G.nodes["a"].update(members=np.int64(12), share=np.float64(0.25), tags=["ai", "food"], start=pd.Timestamp("2017-01-01"))
    G.nodes["b"].update(members=None, share=float("nan"), tags={"z", "y"}, board=True)
    G.nodes["c"].update(members=3, share=1, mixed="text")
    G.nodes["d"].update(members=pd.NA, mixed=4.5)
    G.add_edge("a", "b", weight=2.5, shared=np.int64(2), role=None)
    G.add_edge("b", "c", weight=1, shared=1, role="partner")
    G.add_edge("c", "d", weight=float("inf"), shared=0)
    return G


def _clean(text: str) -> str:
    return text.replace("\x07", "\ufffd").replace("\x00", "\ufffd")


@pytest.mark.parametrize("writer", [cn.write_gexf, cn.write_graphml], ids=["gexf", "graphml"])
def test_xml_exports_are_valid_xml(tmp_path, messy_graph, writer):
    path = writer(messy_graph, tmp_path / "g.xml")
    root = ET.parse(path).getroot()  # raises on invalid XML
    assert root is not None
    text = path.read_text(encoding="utf-8")
    assert "<img" not in text and "\x00" not in text and "\x07" not in text


def test_gexf_keeps_attributes(tmp_path, messy_graph):
    H = nx.read_gexf(cn.write_gexf(messy_graph, tmp_path / "g.gexf"))
    assert {H.nodes[n]["label"] for n in H} == {_clean(name) for name in HOSTILE.values()}
    assert H.nodes["a"]["members"] == 12 and H.nodes["a"]["share"] == 0.25
    assert H.nodes["a"]["tags"] == '["ai", "food"]' and H.nodes["b"]["tags"] == '["y", "z"]'
    assert H.nodes["a"]["start"] == "2017-01-01T00:00:00"
    assert "members" not in H.nodes["b"] and "share" not in H.nodes["b"] and "members" not in H.nodes["d"]
    # A column that mixes text and numbers is text throughout.
    assert H.nodes["c"]["mixed"] == "text" and H.nodes["d"]["mixed"] == "4.5"
    assert H.edges["a", "b"]["weight"] == 2.5 and H.edges["a", "b"]["shared"] == 2
    assert "role" not in H.edges["a", "b"] and H.edges["b", "c"]["role"] == "partner"
    assert H.number_of_nodes() == 4 and H.number_of_edges() == 3


def test_graphml_keeps_attributes(tmp_path, messy_graph):
    H = nx.read_graphml(cn.write_graphml(messy_graph, tmp_path / "g.graphml"))
    assert {n: H.nodes[n]["name"] for n in H} == {n: _clean(name) for n, name in HOSTILE.items()}
    assert H.nodes["a"]["members"] == 12 and H.nodes["c"]["members"] == 3
    assert H.nodes["c"]["share"] == 1.0 and isinstance(H.nodes["c"]["share"], float)
    assert H.nodes["b"]["board"] is True
    assert H.edges["c", "d"]["weight"] == "inf"  # non-finite numbers are written as text
    assert H.graph["title"] == "Flanders & co"


def test_xml_export_refuses_ids_that_collide_as_text(tmp_path):
    G = nx.Graph()
    G.add_nodes_from([1, "1"])
    with pytest.raises(ExportError, match="same text id") as caught:
        cn.write_graphml(G, tmp_path / "g.graphml")
    assert isinstance(caught.value, ValueError)


def test_directed_and_multi_graphs_keep_their_kind(tmp_path):
    D = nx.MultiDiGraph()
    D.add_edge("x", "y", weight=1)
    D.add_edge("x", "y", weight=2)
    H = nx.read_graphml(cn.write_graphml(D, tmp_path / "d.graphml"))
    assert H.is_directed() and H.is_multigraph() and H.number_of_edges() == 2


def _xml_char(c: str) -> bool:
    """XML 1.0's Char production (W3C XML 1.0, 5th edition, section 2.2), written from the spec."""
    code = ord(c)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.text(max_size=12), min_size=1, max_size=6, unique=True))
def test_any_text_round_trips_through_graphml(tmp_path_factory, names):
    G = nx.Graph()
    for i, name in enumerate(names):
        G.add_node(f"n{i}", name=name)
    path = cn.write_graphml(G, tmp_path_factory.mktemp("g") / "g.graphml")
    H = nx.read_graphml(path)
    for i, name in enumerate(names):
        # XML keeps the text except forbidden characters; parsers normalise a lone CR to LF.
        expected = "".join(c if _xml_char(c) else "\ufffd" for c in name).replace("\r\n", "\n").replace("\r", "\n")
        assert H.nodes[f"n{i}"].get("name", "").replace("\r\n", "\n").replace("\r", "\n") == expected


# --- VOSviewer ---------------------------------------------------------------------------


@pytest.fixture
def vos_graph() -> nx.Graph:
    G = nx.Graph()
    G.add_node("spc-vil", name="VIL, logistics; ports", type="SPC", members=40)
    G.add_node("ibn-acb", name='Air "Cargo"\tBelgium', type="IBN", members=12)
    G.add_node("ibn-x", name="<b>x</b>", type="IBN", members=0)
    G.add_node("lonely", type="other")
    G.add_edge("spc-vil", "ibn-acb", weight=3)
    G.add_edge("ibn-acb", "ibn-x", weight=0.5)
    G.add_edge("spc-vil", "ibn-x", weight=0)  # not positive: VOSviewer would refuse it
    return G


def _read_map(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quotechar='"'))


def test_vosviewer_map_file(tmp_path, vos_graph):
    map_path, _ = cn.write_vosviewer(vos_graph, tmp_path / "map.txt", tmp_path / "net.txt", cluster_by="type",
                                     weights={"Members": "members"}, seed=1)
    rows = _read_map(map_path)
    assert list(rows[0]) == ["id", "label", "description", "x", "y", "cluster", "weight<Members>"]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    # Read back with a CSV parser, the labels are the names (tabs become spaces), the node id is kept.
    assert [r["label"] for r in rows] == ["VIL, logistics; ports", 'Air "Cargo" Belgium', "<b>x</b>", "lonely"]
    assert rows[2]["description"] == "ibn-x"
    assert [r["cluster"] for r in rows] == ["1", "2", "2", "3"]  # SPC, IBN, other in vocabulary order
    assert [r["weight<Members>"] for r in rows] == ["40", "12", "0", ""]
    positions = cn.layout_positions(vos_graph, seed=1)
    written = [float(r[axis]) for r in rows for axis in ("x", "y")]
    assert written == pytest.approx([c for xy in positions.values() for c in xy], abs=1e-6)


def test_vosviewer_network_file(tmp_path, vos_graph):
    _, net_path = cn.write_vosviewer(vos_graph, tmp_path / "map.txt", tmp_path / "net.txt")
    lines = net_path.read_text(encoding="utf-8").splitlines()
    ids = {node: i + 1 for i, node in enumerate(vos_graph)}
    expected = [
        f"{ids[u]}\t{ids[v]}\t{float(d['weight']):g}"
        for u, v, d in vos_graph.edges(data=True)
        if d["weight"] > 0
    ]
    assert lines == expected == ["1\t2\t3", "2\t3\t0.5"]


def test_vosviewer_description_is_escaped_html(tmp_path):
    G = nx.Graph()
    G.add_node("<script>x</script>")
    map_path, _ = cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt")
    assert _read_map(map_path)[0]["description"] == "&lt;script&gt;x&lt;/script&gt;"


def test_vosviewer_description_escapes_both_quotes(tmp_path):
    # Found by mutation testing: html.escape(quote=False) survived. Expected text by hand: " is
    # &quot; and ' is &#x27; (HTML's escapes), so a description cannot end an attribute.
    G = nx.Graph()
    G.add_node("Air \"C\" 'x'")
    map_path, _ = cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt")
    assert _read_map(map_path)[0]["description"] == "Air &quot;C&quot; &#x27;x&#x27;"


@pytest.mark.parametrize("kind", [nx.Graph, nx.DiGraph, nx.MultiGraph], ids=["graph", "digraph", "multigraph"])
def test_xml_exports_keep_the_graph_kind_lists_and_labels(tmp_path, kind):
    # Found by mutation testing (surviving mutants of _xml_safe_graph, _xml_value, write_graphml):
    # read back with networkx, the graph keeps its kind; a list attribute is JSON text in its own
    # order with its non-ASCII letters (json.dumps(ensure_ascii=False), written out here), a
    # numpy array too, a value JSON cannot hold as its str(); any other object is its str();
    # GraphML keeps name as an attribute, GEXF makes an explicit label the label.
    G = kind()
    G.add_node("a", name="Alpha", label="Shown", tags=["zé", "b"], vector=np.array([1, 2]),
               mixed=[_dt.date(2020, 1, 2)], other=complex(1, 2))
    G.add_node("b", name="Beta")
    G.add_edge("a", "b", weight=1.0)
    if G.is_multigraph():
        G.add_edge("a", "b", weight=2.0)  # networkx reads a multigraph back only with parallel edges
    H = nx.read_graphml(cn.write_graphml(G, tmp_path / "g.graphml"))
    assert type(H) is {nx.Graph: nx.Graph, nx.DiGraph: nx.DiGraph, nx.MultiGraph: nx.MultiGraph}[kind]
    node = H.nodes["a"]
    assert node["tags"] == '["zé", "b"]' and node["vector"] == "[1, 2]" and node["mixed"] == '["2020-01-02"]'
    assert node["other"] == "(1+2j)" and node["name"] == "Alpha" and node["label"] == "Shown"
    assert "label" not in H.nodes["b"]  # GraphML has no label field: the name is not copied into one
    gexf = nx.read_gexf(cn.write_gexf(G, tmp_path / "g.gexf"))
    assert gexf.nodes["a"]["label"] == "Shown" and gexf.nodes["b"]["label"] == "Beta"


def test_xml_exports_say_when_two_ids_are_the_same_text(tmp_path):
    G = nx.Graph([(1, "1")])
    with pytest.raises(ExportError, match="XML formats store ids as text, so relabel one of them first"):
        cn.write_graphml(G, tmp_path / "g.graphml")


def test_vosviewer_quotes_only_labels_that_need_it_and_rounds_to_6_places(tmp_path):
    # Raw text, by hand: a label with , ; or " is quoted (quotes doubled), others are not; a
    # coordinate is rounded to 6 decimals.
    G = nx.Graph()
    G.add_node("X1", name="XYZ")
    G.add_node("v", name="a, b")
    map_path, _ = cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt",
                                     layout={"X1": (0.1234567, 2.0), "v": (1.0, -0.5)})
    assert map_path.read_text(encoding="utf-8").splitlines()[1:] == ['1\tXYZ\tX1\t0.123457\t2', '2\t"a, b"\tv\t1\t-0.5']


def test_vosviewer_scores_missing_clusters_and_edge_weights(tmp_path):
    # Found by mutation testing (each line below killed a surviving mutant). By hand, from
    # VOSviewer's manual: score<title> columns may be negative, weight<title> columns may not; a
    # node without a cluster has an empty cell; a tie without the weight attribute has strength
    # 1, a tie of weight 0 is left out (and the ties after it are still written); weight=None
    # gives every tie strength 1.
    G = nx.Graph()
    G.add_node("a", type="SPC", quality=-1.0, size=3)
    G.add_node("b", quality=2.5, size=1)
    G.add_node("c", type="IBN", quality=0.0, size=2)
    G.add_edge("a", "b", weight=0)
    G.add_edge("a", "c", weight=2)
    G.add_edge("b", "c")
    map_path, net_path = cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt", cluster_by="type",
                                            scores={'"Quality"': "quality"}, weights={"Size": "size"})
    rows = _read_map(map_path)
    assert [r["cluster"] for r in rows] == ["1", "", "2"]
    assert [r["score<Quality>"] for r in rows] == ["-1", "2.5", "0"]
    assert [r["weight<Size>"] for r in rows] == ["3", "1", "2"]
    assert net_path.read_text(encoding="utf-8").splitlines() == ["1\t3\t2", "2\t3\t1"]
    _, unweighted = cn.write_vosviewer(G, tmp_path / "m2.txt", tmp_path / "n2.txt", weight=None)
    assert unweighted.read_text(encoding="utf-8").splitlines() == ["1\t2\t1", "1\t3\t1", "2\t3\t1"]
    with pytest.raises(ExportError, match="VOSviewer weights must be non-negative; 'quality' has negative values"):
        cn.write_vosviewer(G, tmp_path / "m3.txt", tmp_path / "n3.txt", weights={"Quality": "quality"})


@pytest.mark.parametrize("clusters", [1000, 1001], ids=["at-the-limit", "one-over"])
def test_vosviewer_cluster_limit(tmp_path, clusters):
    # VOSviewer's limit, 1,000 clusters (its manual): 1,000 are written, 1,001 refused and said.
    G = nx.Graph()
    G.add_nodes_from(range(clusters))
    options = {"cluster_by": {i: i for i in range(clusters)}, "layout": {i: (i, 0.0) for i in range(clusters)}}
    if clusters <= 1000:
        map_path, _ = cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt", **options)
        rows = _read_map(map_path)
        assert {row["cluster"] for row in rows} == {str(i + 1) for i in range(clusters)}
        assert [float(row["x"]) for row in rows] == list(range(clusters))  # the layout given is used
    else:
        with pytest.raises(ExportError, match="VOSviewer allows at most 1,000 clusters; cluster_by has 1001 values"):
            cn.write_vosviewer(G, tmp_path / "m.txt", tmp_path / "n.txt", **options)


def test_neutralise_formulas_leaves_numbers_and_booleans_their_type():
    # Found by mutation testing: nothing checked that numeric columns keep their dtype (mapping
    # them through the text rule would make them object columns).
    frame = pd.DataFrame({"n": [-1], "flag": [True], "x": [-1.5], "name": ["=x"]})
    safe = neutralise_formulas(frame)
    assert safe[["n", "flag", "x"]].dtypes.to_dict() == {"n": np.int64, "flag": np.bool_, "x": np.float64}
    assert safe["name"].tolist() == ["'=x"] and safe["n"].tolist() == [-1]


# --- tables ------------------------------------------------------------------------------

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_csv_cells_that_would_run_get_a_quote(tmp_path, cell):
    frame = pd.DataFrame({"name": [cell, "safe"], "budget": [-5, 7]})
    path = cn.write_table(frame, tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["name", "budget"]
    assert rows[1] == ["'" + cell, "-5"]  # the number stays a number
    assert rows[2] == ["safe", "7"]


def test_excel_has_no_formula_and_no_illegal_character(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"=name": [*DANGEROUS, "bell\x07", "Coöperatief"], "n": range(8)})
    path = cn.write_table(frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [sheet.cell(row=r, column=1).value for r in range(1, 10)]
    # XML (inside .xlsx) turns a raw carriage return into a line feed: the quote is what counts.
    expected = ["'=name", *("'" + c.replace("\r", "\n") for c in DANGEROUS), "bell\ufffd", "Coöperatief"]
    assert values == expected
    assert [sheet.cell(row=r, column=2).value for r in range(2, 10)] == list(range(8))


def test_neutralise_leaves_numbers_and_the_original_alone():
    frame = pd.DataFrame({"x": [-1.5, 2.0], "s": ["-1", "ok"]}, index=["=i", "j"])
    result = neutralise_formulas(frame)
    assert result["x"].tolist() == [-1.5, 2.0] and result["s"].tolist() == ["'-1", "ok"]
    assert result.index.tolist() == ["'=i", "j"]
    assert frame["s"].tolist() == ["-1", "ok"]


def test_table_index_and_tsv(tmp_path):
    frame = pd.DataFrame({"v": [1]}, index=pd.Index(["@x"], name="node"))
    path = cn.write_table(frame, tmp_path / "t.tsv", index=True)
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["node\tv", "'@x\t1"]


@pytest.mark.parametrize(("name", "separator"), [("t.csv", ","), ("t.tsv", "\t"), ("t.txt", ","), ("T.CSV", ",")],
                         ids=["csv", "tsv", "txt", "upper-case"])
def test_text_tables_start_with_a_byte_order_mark(tmp_path, name, separator):
    # Found by mutation testing (scripts/mutate): nothing checked the BOM Excel needs to read
    # UTF-8 (the docstring's promise) nor the .txt and upper-case suffixes. The expected bytes
    # are written out here: EF BB BF, then RFC 4180 lines.
    raw = cn.write_table(pd.DataFrame({"name": ["Coöp"], "n": [1]}), tmp_path / name).read_bytes()
    assert raw == b"\xef\xbb\xbf" + f"name{separator}n\r\nCo\u00f6p{separator}1\r\n".encode()


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_excel_sheet_name_and_suffixes(tmp_path, suffix):
    # Found by mutation testing: the default sheet name and the .xlsm suffix were never read back.
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"a": [1]})
    assert openpyxl.load_workbook(cn.write_table(frame, tmp_path / f"t{suffix}")).sheetnames == ["data"]
    named = cn.write_table(frame, tmp_path / f"u{suffix}", sheet_name="organisations")
    assert openpyxl.load_workbook(named).sheetnames == ["organisations"]


def test_excel_without_openpyxl_says_which_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    with pytest.raises(cn.OptionalDependencyError, match=r"writing Excel needs openpyxl: pip install 'clusternet\[excel\]'"):
        cn.write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")


def test_unknown_table_format(tmp_path):
    with pytest.raises(ExportError, match="unknown table format"):
        cn.write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.json")


def test_flemish_network_exports(tmp_path, flanders):
    G = cn.cluster_network(flanders, via="intercluster")
    H = nx.read_gexf(cn.write_gexf(G, tmp_path / "f.gexf"))
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    weights = sorted(d["weight"] for *_, d in H.edges(data=True))
    assert weights == sorted(float(d["weight"]) for *_, d in G.edges(data=True))
    assert all(not (isinstance(v, float) and math.isnan(v)) for _, d in H.nodes(data=True) for v in d.values())
