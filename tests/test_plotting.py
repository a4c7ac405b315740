"""Static figures: their structure (artists, labels, colours), determinism and files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import json
import re

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex

import clusternet as cn
from clusternet import StyleError
from clusternet.viz import CATEGORICAL, category_colors


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def typed_graph() -> nx.Graph:
    G = nx.Graph()
    names = {"a": "Catalisti", "b": "Flux $50$", "c": "Coöperatief <x>", "d": "VIL"}
    types = {"a": "SPC", "b": "SPC", "c": "IBN", "d": "other"}
    for node in names:
        G.add_node(node, name=names[node], type=types[node], members=len(names[node]))
    G.add_edges_from([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("c", "d", {"weight": 2})])
    return G


def _scatter(ax) -> PathCollection:
    collections = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(collections) == 1
    return collections[0]


def test_network_colours_match_palette_and_html(typed_graph):
    ax = cn.plot_network(typed_graph, color_by="type", seed=2)
    faces = [to_hex(rgba).upper() for rgba in _scatter(ax).get_facecolors()]
    expected = category_colors([typed_graph.nodes[n]["type"] for n in typed_graph])
    assert faces == [expected[typed_graph.nodes[n]["type"]] for n in typed_graph]
    page = cn.show_html(typed_graph, color_by="type", seed=2).html
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1))
    assert faces == [node["color"] for node in data["nodes"]]


def test_network_draws_every_edge_and_node_at_the_html_positions(typed_graph):
    ax = cn.plot_network(typed_graph, color_by="type", seed=2)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 1 and len(lines[0].get_segments()) == typed_graph.number_of_edges()
    widths = lines[0].get_linewidths()
    weights = [d["weight"] for *_, d in typed_graph.edges(data=True)]
    assert np.argmax(widths) == np.argmax(weights)
    offsets = _scatter(ax).get_offsets()
    positions = cn.layout_positions(typed_graph, seed=2)
    np.testing.assert_allclose(offsets, [positions[n] for n in typed_graph])


def test_network_labels_and_legend_are_plain_text(typed_graph):
    ax = cn.plot_network(typed_graph, color_by="type", title="Net $x$")
    texts = list(ax.texts)
    assert [t.get_text() for t in texts] == [typed_graph.nodes[n]["name"] for n in typed_graph]
    assert not any(t.get_parse_math() for t in texts)  # "Flux $50$" is not mathtext
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["SPC", "IBN", "other"]
    handles = legend.legend_handles
    assert [to_hex(h.get_markerfacecolor()).upper() for h in handles] == list(category_colors(["SPC", "IBN", "other"]).values())
    assert legend.get_title().get_text() == "type"
    assert ax.get_title() == "Net $x$" and not ax.title.get_parse_math()


def test_network_is_deterministic_and_sizes_follow_size_by(typed_graph):
    first = cn.plot_network(typed_graph, size_by="members", seed=5)
    second = cn.plot_network(typed_graph, size_by="members", seed=5)
    np.testing.assert_array_equal(_scatter(first).get_offsets(), _scatter(second).get_offsets())
    sizes = _scatter(first).get_sizes()
    members = [typed_graph.nodes[n]["members"] for n in typed_graph]
    assert list(np.argsort(sizes, kind="stable")) == list(np.argsort(members, kind="stable"))


def test_network_labels_only_the_leading_nodes_of_large_graphs():
    # A path of 100: 5% is 5 labels; all inner nodes have degree 2, so the first five of them
    # in node order (1-5). labels=False writes none.
    G = nx.path_graph(100)
    ax = cn.plot_network(G)
    assert sorted(text.get_text() for text in ax.texts) == ["1", "2", "3", "4", "5"] and ax.get_legend() is None
    assert len(cn.plot_network(G, labels=False).texts) == 0
    plt.close("all")


def test_network_continuous_colour_has_a_colour_bar():
    G = nx.path_graph(30)
    nx.set_node_attributes(G, {n: n / 3 for n in G}, "score")
    ax = cn.plot_network(G, color_by="score")
    assert len(ax.figure.axes) == 2  # the network and its colour bar
    faces = _scatter(ax).get_facecolors()
    assert to_hex(faces[0]) == "#440154" and to_hex(faces[-1]) == "#fde725"  # viridis ends


@pytest.fixture
def overlap_table() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["spc-a", "spc-a", "spc-b", "spc-b"],
        "target": ["ibn-x", "ibn-y", "ibn-x", "ibn-z"],
        "shared": [4, 1, 0, 7],
        "jaccard": [0.4, 0.1, 0.0, 0.7],
    })


def test_overlap_heatmap_matches_a_pandas_pivot(overlap_table):
    ax = cn.plot_overlap(overlap_table, value="shared", labels={"spc-a": "SPC A", "ibn-z": "IBN Z"})
    image = ax.images[0].get_array()
    expected = overlap_table.pivot(index="source", columns="target", values="shared")
    np.testing.assert_array_equal(image.filled(np.nan), expected.to_numpy(dtype=float))
    assert image.mask.sum() == expected.isna().sum().sum() == 2
    assert [t.get_text() for t in ax.texts] == ["4", "1", "0", "7"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SPC A", "spc-b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ibn-x", "ibn-y", "IBN Z"]
    assert ax.get_title() == "shared"


def test_overlap_uses_the_reverse_orientation_and_chosen_order(overlap_table):
    ax = cn.plot_overlap(overlap_table, value="jaccard", rows=["ibn-z", "ibn-x"], columns=["spc-b"])
    np.testing.assert_array_equal(ax.images[0].get_array().filled(np.nan), [[0.7], [0.0]])
    assert [t.get_text() for t in ax.texts] == ["0.70", "0.00"]
    # Dark cells get white text, light cells black: readable on viridis.
    colours = {t.get_text(): to_hex(t.get_color()) for t in ax.texts}
    assert colours == {"0.70": "#000000", "0.00": "#ffffff"}


def test_overlap_reports_missing_columns(overlap_table):
    with pytest.raises(StyleError, match="lacks column"):
        cn.plot_overlap(overlap_table, value="cosine")


def test_overlap_takes_clusternet_overlap_output(flanders):
    table = cn.overlap(flanders, between=("SPC", "IBN"))
    ax = cn.plot_overlap(table, value="jaccard")
    rows = table["source"].nunique()
    columns = table["target"].nunique()
    assert ax.images[0].get_array().shape == (rows, columns)


def test_centrality_bars_are_ranked_like_pandas():
    measures = pd.DataFrame({"degree": [3, 9, 1, 9, 5], "other": 0}, index=["e", "d", "c", "b", "a"])
    ax = cn.plot_centrality(measures, "degree", top=4, labels={"b": "Bee"})
    expected = measures["degree"].sort_values(ascending=False, kind="stable")
    # Ties broken by id: "b" before "d".
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Bee", "d", "a", "e"]
    assert [float(p.get_width()) for p in ax.patches] == [9.0, 9.0, 5.0, 3.0]
    assert sorted(expected.head(4).tolist(), reverse=True) == [9, 9, 5, 3]
    bar_ys = [p.get_y() for p in ax.patches]
    assert bar_ys == sorted(bar_ys, reverse=True)  # highest at the top
    assert ax.get_xlabel() == "degree"


def test_centrality_colours_by_group():
    measures = pd.DataFrame({"pagerank": [0.5, 0.3, 0.2]}, index=["x", "y", "z"])
    kinds = pd.Series({"x": "SPC", "y": "IBN", "z": "SPC"}, name="type")
    ax = cn.plot_centrality(measures, "pagerank", color_by=kinds)
    colours = category_colors(kinds)
    assert [to_hex(p.get_facecolor()).upper() for p in ax.patches] == [colours[k] for k in ["SPC", "IBN", "SPC"]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SPC", "IBN"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"column": "nope"}, "no column"), ({"column": "degree", "top": 0}, "top must be")],
    ids=["unknown-column", "top-zero"],
)
def test_centrality_bad_options(options, message):
    with pytest.raises(StyleError, match=message):
        cn.plot_centrality(pd.DataFrame({"degree": [1]}, index=["a"]), **options)


def test_communities_bars_equal_a_crosstab():
    communities = pd.Series({f"o{i}": i % 3 for i in range(12)}, name="community")
    kinds = pd.Series({f"o{i}": ("company", "knowledge_institution")[i % 2] for i in range(11)}, name="kind")
    ax = cn.plot_communities(communities, kinds)
    frame = pd.DataFrame({"c": communities, "k": kinds.reindex(communities.index).fillna("missing")})
    expected = pd.crosstab(frame["c"], frame["k"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["company", "knowledge_institution", "missing"]
    n_rows = len(expected)
    widths = np.array([p.get_width() for p in ax.patches]).reshape(len(legend), n_rows)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    order = [int(t.split(" ")[0]) for t in ticks]
    for g, group in enumerate(legend):
        np.testing.assert_array_equal(widths[g], expected.loc[order, group].to_numpy())
    assert ticks == [f"{c} (n=4)" for c in order]
    palette = category_colors(kinds)
    assert to_hex(ax.patches[0].get_facecolor()).upper() == palette["company"] == CATEGORICAL[0]


def test_communities_normalised_rows_sum_to_one():
    communities = pd.Series({"a": 0, "b": 0, "c": 0, "d": 1})
    kinds = pd.Series({"a": "x", "b": "y", "c": "y", "d": "x"})
    ax = cn.plot_communities(communities, kinds, normalize=True)
    totals = {}
    for patch in ax.patches:
        totals[patch.get_y()] = totals.get(patch.get_y(), 0.0) + patch.get_width()
    assert np.allclose(list(totals.values()), 1.0)
    assert ax.get_xlabel() == "share of nodes"


def test_default_figures_fit_an_a4_text_width(typed_graph, overlap_table):
    for ax in (cn.plot_network(typed_graph), cn.plot_overlap(overlap_table, value="shared"),
               cn.plot_centrality(pd.DataFrame({"d": [1, 2]}, index=["a", "b"]), "d")):
        width, _ = ax.figure.get_size_inches()
        assert width == pytest.approx(6.3)
        sizes = [t.get_fontsize() for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels()]
        assert min(sizes, default=8) >= 7


def test_axes_given_are_used(typed_graph):
    fig, axes = plt.subplots(1, 2)
    assert cn.plot_network(typed_graph, ax=axes[1]) is axes[1]
    assert len(axes[0].collections) == 0


def test_save_figure_writes_three_formats_byte_stable(tmp_path, typed_graph):
    ax = cn.plot_network(typed_graph, color_by="type")
    (tmp_path / "one").mkdir()
    first = cn.save_figure(ax, tmp_path / "one" / "net.png")
    assert [p.name for p in first] == ["net.png", "net.svg", "net.pdf"]
    assert first[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first[1].read_bytes().lstrip().startswith(b"<?xml")
    assert first[2].read_bytes()[:5] == b"%PDF-"
    (tmp_path / "two").mkdir()
    second = cn.save_figure(ax.figure, tmp_path / "two" / "net")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.suffix


def _edge_to_pair_ratio(G, positions) -> float:
    xy = {n: np.asarray(p) for n, p in positions.items()}
    edges = np.mean([np.linalg.norm(xy[u] - xy[v]) for u, v in G.edges()])
    nodes = list(G)
    pairs = np.mean([np.linalg.norm(xy[a] - xy[b]) for i, a in enumerate(nodes) for b in nodes[i + 1:]])
    return float(edges / pairs)


def test_network_leaves_isolates_out_and_says_how_many(flanders):
    # The figure draws what the page draws: the same nodes at the same positions, and the line
    # under it counts the isolates (networkx's count), as the page's description does.
    G = cn.cluster_network(flanders, via="intercluster")
    alone = nx.number_of_isolates(G)
    ax = cn.plot_network(G, seed=1, labels=False)
    assert len(_scatter(ax).get_offsets()) == G.number_of_nodes() - alone
    assert [t.get_text() for t in ax.texts] == [f"{alone} isolated clusters not shown"]
    page = cn.show_html(G, seed=1).html
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1))
    spread = max(abs(node["x"]) for node in data["nodes"])
    page_xy = np.array([(node["x"], -node["y"]) for node in data["nodes"]]) / spread
    offsets = np.asarray(_scatter(ax).get_offsets())
    np.testing.assert_allclose(offsets / np.abs(offsets[:, 0]).max(), page_xy, atol=1e-3)
    plt.close("all")
    whole = cn.plot_network(G, seed=1, labels=False, isolates=True)
    assert len(_scatter(whole).get_offsets()) == G.number_of_nodes() and not whole.texts


def test_layout_with_isolates_follows_the_graph_order_not_set_order():
    # Integers inserted in descending order: a set of them iterates ascending, the graph does not.
    G = nx.Graph()
    G.add_nodes_from(range(40, -1, -1))
    G.add_edges_from(nx.barabasi_albert_graph(30, 2, seed=4).edges())
    positions = cn.layout_positions(G, seed=0)
    core = G.subgraph([n for n in G if G.degree(n)])
    assert _edge_to_pair_ratio(core, {n: positions[n] for n in core}) < 0.6
    assert list(positions) == list(G)


def test_community_numbers_are_categories_however_many():
    # 40 communities: a label each (12 colours, the rest one grey that the legend counts), never
    # a viridis gradient. Expected counts by hand: 40 values, 12 coloured, 28 in "other values".
    from clusternet.viz._style import node_style

    G = nx.Graph()
    G.add_nodes_from((i, {"community": i % 40, "score": float(i)}) for i in range(200))
    style = node_style(G, color_by="community")
    assert style.continuous is None
    labels = [entry.label for entry in style.legend]
    assert len(labels) == 13 and labels[-1] == "other values (28)"
    assert style.legend[-1].count == 200 - 12 * 5
    assert node_style(G, color_by="score").continuous == (0.0, 199.0)  # a measure stays continuous


def test_equally_frequent_numbers_keep_numeric_order():
    # Ties in frequency go in numeric order: 9, 10, 100, not 10, 100, 9 as text would sort them.
    assert list(cn.viz.category_colors([100, 9, 10, 2, 2])) == [2, 9, 10, 100]


def test_communities_figure_lumps_groups_beyond_the_palette_into_one_counted_entry():
    # 20 clusters: 12 colours, then one grey entry that says 8 groups share it (counted by hand).
    communities = pd.Series({f"n{i}": i % 3 for i in range(60)}, name="community")
    groups = pd.Series({f"n{i}": f"cluster-{i % 20:02d}" for i in range(60)}, name="cluster")
    ax = cn.plot_communities(communities, groups)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(labels) == 13 and labels[-1] == "other values (8)"
    plt.close(ax.figure)


def test_large_network_figures_label_the_leading_nodes_only():
    # 200 nodes: 5% is 10 labels, the ten of highest degree (a star's hub and its ring here:
    # degrees counted by networkx), not 200 labels piled up and not none.
    G = nx.barabasi_albert_graph(200, 2, seed=3)
    nx.set_node_attributes(G, {node: f"n{node}" for node in G}, "name")
    ax = cn.plot_network(G, seed=0)
    texts = sorted(text.get_text() for text in ax.texts)
    top = sorted(G.degree, key=lambda item: (-item[1], item[0]))[:10]
    assert texts == sorted(f"n{node}" for node, _ in top)
    plt.close(ax.figure)


def _small_programme() -> cn.Ecosystem:
    # Seven organisations: a and b share four projects, c-d-e a chain of single shared projects.
    projects = {"p1": "a b", "p2": "a b", "p3": "a b c", "p4": "a b", "p5": "c d", "p6": "d e", "p7": "e f g",
                "p8": "f g", "p9": "c"}
    rows = [(p, o) for p, members in projects.items() for o in members.split()]
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcdefg")}),
        projects=pd.DataFrame({"project_id": list(projects)}),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    )


def test_backbone_figure_counts_the_kept_ties_and_draws_networkx_degrees():
    eco = _small_programme()
    figure = cn.plot_backbone(eco, methods=["hypergeometric", "disparity"], alphas=[0.5, 0.05])
    bars, curves = figure.axes[:2]
    assert [t.get_text() for t in bars.get_yticklabels()] == ["hypergeometric", "disparity"]
    # Bar labels: ties with p_adjusted <= alpha per method, level by level.
    labels = [t.get_text() for t in bars.texts]
    expected = [
        f"{int((cn.backbone_edges(eco, method=m)['p_adjusted'] <= a).sum()):,}"
        for a in (0.5, 0.05) for m in ("hypergeometric", "disparity")
    ]
    assert labels == expected
    # The "all ties" curve: P(degree >= k) of networkx's degrees of the organisation network.
    G = cn.organisation_network(eco)
    degrees = np.array([d for _, d in G.degree() if d > 0])
    k, p = curves.get_lines()[0].get_data()
    assert list(k) == sorted(set(degrees.tolist()))
    assert list(p) == [float((degrees >= value).mean()) for value in k]
    assert curves.get_xscale() == "log" and curves.get_yscale() == "log"


def test_backbone_figure_of_a_one_mode_graph_uses_the_weighted_methods():
    G = nx.karate_club_graph()
    figure = cn.plot_backbone(G)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["disparity", "noise_corrected"]
    with pytest.raises(StyleError, match="alphas is empty"):
        cn.plot_backbone(G, alphas=[])
