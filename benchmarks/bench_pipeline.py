"""End-to-end benchmark: the whole clusternet pipeline on all of Horizon 2020, beside plain networkx.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_pipeline.py [--data DIR] [--no-networkx] [--nx-sources 10] [--timeout 900]

The data lives outside the repository (``../shared/data/cordis-h2020``, see its SOURCE.txt; set
CLUSTERNET_SHARED_DATA to move it). Every measured piece runs in its own fresh Python process,
so that the peak memory of one does not hide in another's:

``clusternet`` (one process, the steps in order)
    read (:func:`clusternet.read_cordis` with programme parts; validation happens inside), the
    organisation edge table and network (``weight="newman"``), centrality (``weight="weight"``,
    100 sampled sources per component, igraph paths; in one process, and with ``workers=2``,
    the one the pipeline total counts), communities (louvain and leiden), KPIs
    (``by=None``), the HTML page of the 2,000 organisations with the highest betweenness (and
    of the 500 highest, to compare with pyvis where pyvis finishes). The pipeline total counts
    the rows marked ``|``: read, network, centrality, Leiden, KPIs, the 2,000-node page. The
    peak memory of a step is the process's ``ru_maxrss`` high-water mark after it (it only
    rises, so a step that did not raise it shows the peak of an earlier one).
``networkx`` (each in its own process, with a time limit)
    the projection by ``bipartite.collaboration_weighted_projected_graph`` (Newman's weights,
    the same as ``weight="newman"``); python-louvain's ``best_partition`` on the networkx graph;
    ``networkx.betweenness_centrality`` with ``k`` sampled sources on the ``1 / weight``
    distances. networkx betweenness on this graph takes several seconds per source, so it is
    run with ``--nx-sources`` sources (10 by default) and the time per source is scaled to the
    100 sources clusternet uses; the table says so.
``fastest`` (one process, then pyvis in its own processes with the time limit)
    the fastest library measured for each step on prebuilt inputs: a bare scipy
    ``B @ diag(1/(n_p-1)) @ B.T`` on a prebuilt incidence matrix for the projection (both as
    edge table and as graph: no library builds either faster); igraph on a prebuilt igraph
    Graph for centrality (betweenness from the same 100 sources, closeness from them,
    eigenvector, PageRank), Louvain (``community_multilevel``) and Leiden; a bare
    ``pandas.read_csv`` of the file for reading; pyvis ``from_nx`` + ``write_html`` for the
    pages of the same nodes (ranked by igraph's betweenness from the same sources). pyvis's
    ``add_edge`` looks for a duplicate among all edges added so far, so a page costs it the
    square of its edges: the 2,000-node page does not finish within the time limit.

``networkit`` (one process: the expert pipeline of issue 16, written by hand)
    ``pandas.read_csv``, the projection as a bare scipy product with Newman's weights, a
    networkit graph of it (``1 / weight`` distances and the weights), ``EstimateBetweenness``
    from 100 sources, PageRank and eigenvector centrality, and ``PLM`` communities, all on
    networkit's default threads (every core). It validates nothing, computes no closeness, KPIs
    or page; its total is what the pipeline is compared with (issue 16: within 1.5 times).

``--pipeline-only`` runs only the pipeline's rows and the networkit expert pipeline, for a
comparison in the same run on a busy machine. Each row prints wall time, CPU time of the process and its finished child processes (``time.process_time``: on a machine shared
with other work the wall time is inflated by waiting for a core, the CPU time much less) and the
1-minute load average at the end of the step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"
SAMPLES = 100  # sampled sources per component for betweenness and closeness
TOP = 2000  # organisations on the HTML page


def _row(step: str, wall: float, cpu: float, **extra) -> dict:
    return {"step": step, "wall": wall, "cpu": cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "load": os.getloadavg()[0], **extra}


def _timed(rows: list, step: str, function, *args, describe=None, **extra):
    """Run one step, print its row at once (a later step that times out cannot lose it)."""
    wall, cpu = time.perf_counter(), _cpu()
    result = function(*args)
    row = _row(step, time.perf_counter() - wall, _cpu() - cpu, **extra)
    if describe is not None:
        row["size"] = describe(result)
    rows.append(row)
    print(json.dumps(row), flush=True)
    return result


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the workers of ``workers=2``)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _graph_size(G) -> str:
    return f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges"


def _read(data: Path):
    import clusternet as cn

    return cn.read_cordis(data / "h2020.csv.gz", programme_parts=data / "programme_parts.csv.gz")


# --- the processes --------------------------------------------------------------------------------


def _child_clusternet(rows: list, data: Path, out: Path, pipeline_only: bool = False) -> None:
    import warnings

    import clusternet as cn

    warnings.simplefilter("ignore")  # the yearly-figure warning about 6 projects without a year
    # igraph takes over a second to import; the igraph baseline imports it before its clock
    # starts, so clusternet's steps do too, and the import is shown as a row of its own.
    _timed(rows, "import igraph", lambda: __import__("igraph"), extra_step=True)
    eco = _timed(rows, "read + validate", _read, data)
    _timed(rows, "organisation edges (newman)", lambda: cn.organisation_edges(eco, weight="newman"),
           describe=lambda edges: f"{len(edges)} edges", extra_step=True)
    G = _timed(rows, "organisation network (newman)", lambda: cn.organisation_network(eco, weight="newman"),
               describe=_graph_size)
    if not pipeline_only:
        _timed(rows, f"centrality (samples={SAMPLES})",
               lambda: cn.centrality(G, weight="weight", samples=SAMPLES), extra_step=True)
    measures = _timed(rows, f"centrality (samples={SAMPLES}, workers=2)",
                      lambda: cn.centrality(G, weight="weight", samples=SAMPLES, workers=2))
    _timed(rows, "communities (leiden)", lambda: cn.communities(G, method="leiden"),
           describe=lambda found: f"{found.nunique()} communities")
    if not pipeline_only:
        _timed(rows, "communities (louvain)", lambda: cn.communities(G, method="louvain"),
               describe=lambda found: f"{found.nunique()} communities", extra_step=True)
    _timed(rows, "kpis (by=None)", lambda: cn.kpis(eco, by=None))

    def page():
        # The subgraph view, not a copy: to_html copies it once, in drawing order.
        top = measures["betweenness"].nlargest(TOP).index
        return cn.to_html(G.subgraph(top), out, measures=measures.loc[top], title="Horizon 2020: most central")

    _timed(rows, f"html ({TOP} most central)", page)
    if pipeline_only:
        return
    top = measures["betweenness"].nlargest(TOP).index
    _timed(rows, f"html ({TOP // 4} most central)",
           lambda: cn.to_html(G.subgraph(top[: TOP // 4]), out.with_suffix(".small.html"),
                              measures=measures.loc[top[: TOP // 4]]), extra_step=True)


def _child_networkx(rows: list, data: Path, what: str, sources: int) -> None:
    import networkx as nx
    from networkx.algorithms import bipartite

    import clusternet as cn

    eco = _read(data)
    if what == "projection":
        B = cn.bipartite_graph(eco)
        organisations = [n for n, mode in B.nodes(data="bipartite") if mode == 0]
        _timed(rows, "organisation network (newman)", bipartite.collaboration_weighted_projected_graph,
               B, organisations, describe=_graph_size)
        return
    G = cn.organisation_network(eco, weight="newman")
    if what == "louvain":
        import community as community_louvain  # python-louvain

        _timed(rows, "communities (louvain)", community_louvain.best_partition, G, weight="weight",
               random_state=0)
    elif what == "betweenness":
        for u, v, w in G.edges(data="weight"):
            G.edges[u, v]["distance"] = 1.0 / w
        _timed(rows, f"centrality (samples={SAMPLES})",
               lambda: nx.betweenness_centrality(G, k=sources, weight="distance", seed=0), scaled_from=sources)


def _child_fastest(rows: list, data: Path, out: Path) -> None:
    import igraph as ig
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    import clusternet as cn

    _timed(rows, "read + validate", lambda: pd.read_csv(data / "h2020.csv.gz"))
    eco = _read(data)
    part = eco.participations
    organisations = pd.Categorical(part["organisation_id"])
    projects = pd.Categorical(part["project_id"])
    incidence = sp.csr_array((np.ones(len(part)), (organisations.codes, projects.codes)))
    size = np.bincount(projects.codes)
    inverse = np.divide(1.0, size - 1.0, out=np.zeros(len(size)), where=size > 1)

    def product():
        return sp.triu(incidence @ sp.diags_array(inverse) @ incidence.T, k=1).tocoo()

    # The bare product stands for both the edge table and the graph: no library builds either faster.
    for step in ("organisation edges (newman)", "organisation network (newman)"):
        _timed(rows, step, product, describe=lambda upper: f"{incidence.shape[0]} nodes, {upper.nnz} edges")

    G = cn.organisation_network(eco, weight="newman")
    index = {node: i for i, node in enumerate(G)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    weights = [w for _, _, w in G.edges(data="weight")]
    g = ig.Graph(n=len(index), edges=edges, directed=False)
    distances = [1.0 / w for w in weights]
    membership = np.asarray(g.connected_components().membership)
    rng = np.random.default_rng(0)
    sources = []
    for component in np.unique(membership):
        nodes = np.flatnonzero(membership == component)
        sources.extend(rng.choice(nodes, size=SAMPLES, replace=False) if len(nodes) > SAMPLES else nodes)
    sources = sorted(int(s) for s in sources)
    # Closeness as clusternet estimates it: distances from the drawn sources of the large
    # components only (small components are measured exactly, at a negligible cost).
    large = [int(s) for s in sources if np.sum(membership == membership[s]) > SAMPLES]

    def igraph_centrality():
        between = g.betweenness(directed=False, weights=distances, sources=sources)
        g.distances(source=large, weights=distances)
        g.eigenvector_centrality(weights=weights)
        g.pagerank(weights=weights)
        return between

    between = _timed(rows, f"centrality (samples={SAMPLES})", igraph_centrality)
    _timed(rows, "communities (leiden)", lambda: g.community_leiden(
        objective_function="modularity", weights=weights, n_iterations=2))
    _timed(rows, "communities (louvain)", lambda: g.community_multilevel(weights=weights))
    # The pages' nodes for the pyvis process: the most central by the same sampled betweenness.
    nodes = list(G)
    ranked = [nodes[i] for i in np.argsort(-np.asarray(between), kind="stable")[:TOP]]
    out.with_suffix(".top.json").write_text(json.dumps(ranked))


def _child_networkit(rows: list, data: Path) -> None:
    """The expert pipeline of issue 16: pandas, a bare scipy projection, networkit."""
    import networkit as nk
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    table = _timed(rows, "read (pandas.read_csv)", lambda: pd.read_csv(data / "h2020.csv.gz", low_memory=False))

    def projection():
        organisations = pd.Categorical(table["pic"].astype(str))
        projects = pd.Categorical(table["rcn"].astype(str))
        incidence = sp.csr_array((np.ones(len(table)), (organisations.codes, projects.codes)))
        incidence.data[:] = 1.0  # an organisation listed twice in a project counts once
        size = np.asarray(incidence.sum(axis=0)).ravel()
        inverse = np.divide(1.0, size - 1.0, out=np.zeros(len(size)), where=size > 1)
        upper = sp.triu(incidence @ sp.diags_array(inverse) @ incidence.T, k=1).tocoo()
        return incidence.shape[0], upper

    n, upper = _timed(rows, "projection (scipy, newman)", projection,
                      describe=lambda result: f"{result[0]} nodes, {result[1].nnz} edges")

    def graphs():
        ends = (upper.row.astype(np.uint64), upper.col.astype(np.uint64))
        distance, strength = nk.Graph(n, weighted=True), nk.Graph(n, weighted=True)
        distance.addEdges((1.0 / upper.data, ends))
        strength.addEdges((upper.data.astype(np.float64), ends))
        return distance, strength

    distance, strength = _timed(rows, "networkit graphs", graphs)

    def centrality():
        scores = {}
        for name, algorithm in (
                ("betweenness", nk.centrality.EstimateBetweenness(distance, SAMPLES, True, True)),
                ("pagerank", nk.centrality.PageRank(strength)),
                ("eigenvector", nk.centrality.EigenvectorCentrality(strength))):
            algorithm.run()
            scores[name] = algorithm.scores()
        return scores

    _timed(rows, f"centrality (EstimateBetweenness {SAMPLES}, PageRank, eigenvector)", centrality)

    def plm():
        algorithm = nk.community.PLM(strength, refine=False)
        algorithm.run()
        return algorithm.getPartition()

    _timed(rows, "communities (PLM)", plm, describe=lambda found: f"{found.numberOfSubsets()} communities")


def _child_pyvis(rows: list, data: Path, out: Path, top: int) -> None:
    """pyvis from_nx + write_html of the same page (its add_edge scans all edges: quadratic)."""
    from pyvis.network import Network

    import clusternet as cn

    G = cn.organisation_network(_read(data), weight="newman")
    H = G.subgraph(json.loads(out.with_suffix(".top.json").read_text())[:top]).copy()

    os.chdir(out.parent)  # pyvis copies its JavaScript into ./lib beside the page

    def pyvis_page():
        net = Network()
        net.from_nx(H)
        net.write_html(str(out))

    _timed(rows, f"html ({top} most central)", pyvis_page, size=_graph_size(H))


def _child(function, *args) -> None:
    function([], *args)


# --- the parent -----------------------------------------------------------------------------------


def _run(arguments: list[str], timeout: float) -> tuple[list[dict], str]:
    command = [sys.executable, __file__, *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        text = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        rows = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        return rows, f"timed out after {timeout:.0f} s"
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    note = "" if done.returncode == 0 else f"failed: {done.stderr.strip().splitlines()[-1:]}"
    return rows, note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-networkx", action="store_true", help="skip the networkx processes")
    parser.add_argument("--nx-sources", type=int, default=10, help="networkx betweenness sources (default 10)")
    parser.add_argument("--timeout", type=float, default=900.0, help="time limit per networkx process (s)")
    parser.add_argument("--json", type=Path, help="also write every row to this file")
    parser.add_argument("--pipeline-only", action="store_true",
                        help="only the pipeline's rows and the networkit expert pipeline, in the same run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=Path("/tmp/clusternet_bench_pipeline.html"))
    options = parser.parse_args(argv)
    if not (options.data / "h2020.csv.gz").exists():
        raise SystemExit(f"CORDIS data not found in {options.data}")
    if options.child in ("clusternet", "clusternet-pipeline"):
        _child(_child_clusternet, options.data, options.out, options.child == "clusternet-pipeline")
    elif options.child == "networkit":
        _child(_child_networkit, options.data)
    elif options.child == "fastest":
        _child(_child_fastest, options.data, options.out.with_suffix(".pyvis.html"))
    elif options.child and options.child.startswith("pyvis-"):
        _child(_child_pyvis, options.data, options.out.with_suffix(".pyvis.html"), int(options.child[6:]))
    elif options.child:
        _child(_child_networkx, options.data, options.child.removeprefix("networkx-"), options.nx_sources)
    if options.child:
        return 0

    common = ["--data", str(options.data), "--nx-sources", str(options.nx_sources), "--out", str(options.out)]
    # The pyvis processes read the nodes the "fastest" process ranks; never those of an earlier run.
    options.out.with_suffix(".pyvis.top.json").unlink(missing_ok=True)
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} cores", flush=True)
    ours, note = _run(["--child", "clusternet-pipeline" if options.pipeline_only else "clusternet", *common],
                      timeout=3600)
    if note:
        print("clusternet:", note)
    expert, note = _run(["--child", "networkit", *common], timeout=3600)
    if note:
        print("networkit:", note)
    if options.pipeline_only:
        _report(ours, [], [], expert)
        return 0
    fastest, note = _run(["--child", "fastest", *common], timeout=3600)
    if note:
        print("fastest:", note)
    for top in (TOP // 4, TOP):
        rows, note = _run(["--child", f"pyvis-{top}", *common], timeout=options.timeout)
        fastest += rows
        if note:
            fastest.append({"step": f"html ({top} most central)", "note": f"pyvis {note}"})
    plain: list[dict] = []
    if not options.no_networkx:
        for what in ("projection", "louvain", "betweenness"):
            rows, note = _run(["--child", f"networkx-{what}", *common], timeout=options.timeout)
            plain += rows
            if note:
                plain.append({"step": {"projection": "organisation network (newman)",
                                       "louvain": "communities (louvain)",
                                       "betweenness": f"centrality (samples={SAMPLES})"}[what],
                              "note": note})
    _report(ours, fastest, plain, expert)
    if options.json:
        options.json.write_text(json.dumps({"clusternet": ours, "fastest": fastest, "networkx": plain,
                                            "networkit": expert}, indent=1))
    return 0


def _report(ours: list[dict], fastest: list[dict], plain: list[dict], expert: list[dict]) -> None:
    by_step = {row["step"]: row for row in fastest}
    nx_step = {row["step"]: row for row in plain}
    print()
    print(f"{'step':<34}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'load':>6}"
          f"{'nx cpu s':>10}{'nx/ours':>9}{'fastest cpu':>12}{'ours/fastest':>13}")
    for row in ours:
        step = row["step"]
        mark = " " if row.get("extra_step") else "|"
        line = f"{mark}{step:<33}{row['wall']:8.2f}{row['cpu']:8.2f}{row['peak_mb']:9.0f}{row['load']:6.1f}"
        compared = step.replace(", workers=2", "")  # the comparisons run in one process
        other = nx_step.get(compared)
        if other and "cpu" in other:
            scale = SAMPLES / other["scaled_from"] if "scaled_from" in other else 1.0
            star = "*" if scale != 1.0 else ""
            line += f"{other['cpu'] * scale:9.1f}{star:1}{other['cpu'] * scale / row['cpu']:9.1f}"
        elif other:
            line += f"{other['note']:>19}"
        else:
            line += f"{'-':>10}{'-':>9}"
        best = by_step.get(compared)
        if best and "cpu" in best:
            line += f"{best['cpu']:12.2f}{row['cpu'] / best['cpu']:13.2f}"
        elif best:
            line += f"  {best['note']}"
        print(line)
    pipeline = [row for row in ours if not row.get("extra_step")]
    print(f"{'pipeline (rows marked |), total':<34}{sum(r['wall'] for r in pipeline):8.2f}"
          f"{sum(r['cpu'] for r in pipeline):8.2f}{max(r['peak_mb'] for r in ours):9.0f}")
    print()
    for row in expert:
        print(f" networkit: {row['step']:<58}{row['wall']:8.2f}{row['cpu']:8.2f}{row['load']:6.1f}")
    if expert:
        wall, cpu = sum(r["wall"] for r in pipeline), sum(r["cpu"] for r in pipeline)
        expert_wall, expert_cpu = sum(r["wall"] for r in expert), sum(r["cpu"] for r in expert)
        print(f"networkit expert pipeline, total: {expert_wall:.2f} wall s, {expert_cpu:.2f} CPU s; clusternet / "
              f"expert: {wall / expert_wall:.2f} (wall), {cpu / expert_cpu:.2f} (CPU)")
    print("ratios use CPU seconds; * = networkx betweenness timed on fewer sources and scaled to "
          f"{SAMPLES} (cost per source is constant); sizes:", "; ".join(
              f"{r['step']}: {r['size']}" for r in ours + fastest + plain if "size" in r))


if __name__ == "__main__":
    raise SystemExit(main())
