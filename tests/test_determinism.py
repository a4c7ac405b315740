"""Determinism: the same seed and the same data in another row order give the same bytes.

Every table of ``synthetic_ecosystem`` is shuffled and the ecosystem rebuilt; tables written as
CSV, the network page and rendered figures must not change. One output is also made in a
subprocess under another ``PYTHONHASHSEED`` (set iteration order changes with it).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

import clusternet as cn

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def original() -> cn.Ecosystem:
    return cn.datasets.synthetic_ecosystem(scale=0.1, seed=3)


@pytest.fixture(scope="module")
def shuffled(original) -> cn.Ecosystem:
    rng = np.random.default_rng(11)
    tables = {}
    for name in original.provided:
        table = original.table(name)
        tables[name] = table.iloc[rng.permutation(len(table))].reset_index(drop=True)
    eco = cn.Ecosystem.from_tables(tables)
    assert not eco.organisations.equals(original.organisations)  # the shuffle did reorder rows
    return eco


def _csv(frame) -> bytes:
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    return frame.to_csv(lineterminator="\n").encode("utf-8")


def _graph(eco):
    return cn.organisation_network(eco, weight="newman")


OUTPUTS = {
    "kpis": lambda eco: cn.kpis(eco),
    "overlap": lambda eco: cn.overlap(eco, between=("SPC", "IBN")),
    "cluster_centrality": lambda eco: cn.cluster_centrality(eco),
    "centrality": lambda eco: cn.centrality(_graph(eco), weight="weight"),
    "communities": lambda eco: cn.communities(_graph(eco), seed=0),
    "group_mixing": lambda eco: cn.group_mixing(_graph(eco), "sector"),
    "consortium_diversity": lambda eco: cn.consortium_diversity(eco, "sector"),
    "organisation_edges": lambda eco: cn.organisation_edges(eco, weight="newman"),
    "cluster_edges": lambda eco: cn.cluster_edges(eco, via="memberships"),
    "project_edges": lambda eco: cn.project_edges(eco),
    "edge_table": lambda eco: cn.edge_table(_graph(eco)),
}


@pytest.mark.parametrize("name", list(OUTPUTS), ids=str)
def test_tables_do_not_depend_on_row_order(original, shuffled, name):
    assert _csv(OUTPUTS[name](original)) == _csv(OUTPUTS[name](shuffled))


def test_network_page_does_not_depend_on_row_order(original, shuffled, tmp_path):
    pages = [cn.to_html(_graph(eco), tmp_path / f"{i}.html", color_by="sector", seed=0).html
             for i, eco in enumerate((original, shuffled))]
    assert pages[0] == pages[1]


def _pixels(draw) -> np.ndarray:
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6, 4))
    try:
        draw(ax)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=60, metadata={"Software": None})
    finally:
        plt.close(figure)
    buffer.seek(0)
    return plt.imread(buffer)


FIGURES = {
    "network": lambda eco, ax: cn.plot_network(_graph(eco), ax=ax, color_by="sector", seed=0),
    "overlap": lambda eco, ax: cn.plot_overlap(cn.overlap(eco, between=("SPC", "IBN")), ax=ax),
    "centrality": lambda eco, ax: cn.plot_centrality(cn.centrality(_graph(eco)), "degree", ax=ax),
}


@pytest.mark.parametrize("name", list(FIGURES), ids=str)
def test_figures_render_the_same_pixels(original, shuffled, name):
    a = _pixels(lambda ax: FIGURES[name](original, ax))
    b = _pixels(lambda ax: FIGURES[name](shuffled, ax))
    assert a.shape == b.shape and np.array_equal(a, b)


_SCRIPT = """
import sys, clusternet as cn
eco = cn.datasets.synthetic_ecosystem(scale=0.1, seed=3)
graph = cn.organisation_network(eco, weight="newman")
sys.stdout.write(cn.organisation_edges(eco, weight="newman").to_csv(lineterminator="\\n"))
sys.stdout.write(cn.communities(graph, seed=0).to_csv(lineterminator="\\n"))
sys.stdout.write(cn.to_html(graph, sys.argv[1], color_by="sector", seed=0).html)
# A subgraph lists its nodes in set order, which changes with the hash seed; the page must not.
top = cn.centrality(graph)["degree"].nlargest(40).index
sys.stdout.write(cn.to_html(graph.subgraph(top), sys.argv[1], seed=0).html)
"""


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path):
    outputs = []
    for hash_seed in ("1", "2024"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / f"{hash_seed}.html")],
                                capture_output=True, env=env, check=True, timeout=300)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
