"""Benchmark: the organisation network by clusternet's sparse core, by networkx, by a bare B @ B.T.

Run on demand (not part of the tests)::

    python benchmarks/bench_projection.py [path/to/h2020.csv.gz] [--synthetic-only] [--repeat N]

Two inputs: the full Horizon 2020 participations (``../shared/data/cordis-h2020/h2020.csv.gz``
by default; about 145k participations, 36k organisations, 31k projects of up to 186 partners)
and a synthetic set of 200k participations with a CORDIS-like spread of project sizes and a
heavy-tailed organisation activity. For each, in the same run:

* ``bare B @ B.T``: the sparse product alone, on a prebuilt ``csr`` incidence matrix;
* ``clusternet edges``: :func:`clusternet.organisation_edges` from the Ecosystem (builds the
  incidence matrix from the tables, projects, keeps the upper triangle, makes the DataFrame);
* ``clusternet graph``: :func:`clusternet.organisation_network` (the same plus a networkx Graph
  with node attributes);
* ``networkx``: :func:`networkx.algorithms.bipartite.weighted_projected_graph` on the bipartite
  graph (building that bipartite graph is timed apart and not counted against networkx).

Times are the best of ``--repeat`` runs (networkx runs once). The check at the end compares
the clusternet edges with the networkx projection edge by edge.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from networkx.algorithms import bipartite

import clusternet as cn

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-h2020" / "h2020.csv.gz"


def load_h2020(path: Path) -> cn.Ecosystem:
    if hasattr(cn, "read_cordis"):
        return cn.read_cordis(path)
    raw = pd.read_csv(path, dtype={"rcn": str, "pic": str})
    organisations = raw.drop_duplicates("pic")[["pic", "type"]]
    projects = raw.drop_duplicates("rcn")[["rcn", "start_year"]]
    return cn.Ecosystem(organisations=organisations, projects=projects,
                        participations=raw[["rcn", "pic"]])


def synthetic(participations: int = 200_000, *, seed: int = 0) -> cn.Ecosystem:
    """CORDIS-like: many single-partner projects, a long tail of large consortia, busy hubs."""
    rng = np.random.default_rng(seed)
    sizes = []
    total = 0
    while total < participations:
        size = 1 if rng.random() < 0.55 else int(min(186, 2 + rng.zipf(1.6)))
        sizes.append(size)
        total += size
    n_projects = len(sizes)
    n_organisations = participations // 4
    popularity = 1.0 / np.arange(1, n_organisations + 1) ** 0.8
    popularity /= popularity.sum()
    project_of, organisation_of = [], []
    for project, size in enumerate(sizes):
        members = np.unique(rng.choice(n_organisations, size=size, p=popularity))
        project_of.append(np.full(len(members), project))
        organisation_of.append(members)
    project_of = np.concatenate(project_of)
    organisation_of = np.concatenate(organisation_of)
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": [f"o{i}" for i in range(n_organisations)]}),
        projects=pd.DataFrame({"project_id": [f"p{i}" for i in range(n_projects)]}),
        participations=pd.DataFrame({"project_id": [f"p{i}" for i in project_of],
                                     "organisation_id": [f"o{i}" for i in organisation_of]}),
    )


def best_of(repeat: int, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def run(name: str, eco: cn.Ecosystem, repeat: int, *, with_networkx: bool = True) -> dict:
    participations = eco.participations
    organisations = eco.organisations["organisation_id"]
    print(f"\n== {name}: {len(participations):,} participations, {len(organisations):,} organisations, "
          f"{participations['project_id'].nunique():,} projects")

    rows = pd.Index(sorted(organisations))
    columns = pd.Index(sorted(participations["project_id"].unique()))
    B = sp.csr_matrix(
        (np.ones(len(participations)), (rows.get_indexer(participations["organisation_id"]),
                                        columns.get_indexer(participations["project_id"]))),
        shape=(len(rows), len(columns)),
    )
    bare, product = best_of(repeat, lambda: B @ B.T)
    edges_time, edges = best_of(repeat, lambda: cn.organisation_edges(eco))
    graph_time, graph = best_of(repeat, lambda: cn.organisation_network(eco))
    print(f"B @ B.T nonzeros: {product.nnz:,}; edges: {len(edges):,}")
    print(f"bare B @ B.T         {bare:9.3f} s")
    print(f"clusternet edges     {edges_time:9.3f} s   ({edges_time / bare:5.2f}x bare)")
    print(f"clusternet graph     {graph_time:9.3f} s   ({graph_time / bare:5.2f}x bare)")
    result = {"bare": bare, "edges": edges_time, "graph": graph_time}
    if not with_networkx:
        return result

    start = time.perf_counter()
    two_mode = nx.Graph()
    two_mode.add_nodes_from((("o", o) for o in organisations), bipartite=0)
    two_mode.add_nodes_from((("p", p) for p in columns), bipartite=1)
    two_mode.add_edges_from(zip(zip(["o"] * len(participations), participations["organisation_id"], strict=True),
                                zip(["p"] * len(participations), participations["project_id"], strict=True),
                                strict=True))
    build = time.perf_counter() - start
    start = time.perf_counter()
    projected = bipartite.weighted_projected_graph(two_mode, [("o", o) for o in organisations])
    networkx_time = time.perf_counter() - start
    print(f"networkx bipartite   {build:9.3f} s   (building the two-mode graph, not counted)")
    print(f"networkx projection  {networkx_time:9.3f} s")
    print(f"speed-up edges {networkx_time / edges_time:7.1f}x   graph {networkx_time / graph_time:7.1f}x")

    reference = {frozenset((u[1], v[1])): w for u, v, w in projected.edges(data="weight")}
    ours = {frozenset((s, t)): w for s, t, w in zip(edges["source"], edges["target"], edges["weight"],
                                                    strict=True)}
    same = reference == ours
    print(f"same edges and weights as networkx: {same}")
    result.update(networkx=networkx_time, same=same)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic-only", action="store_true")
    parser.add_argument("--no-networkx", action="store_true")
    options = parser.parse_args(argv)
    ok = True
    if not options.synthetic_only:
        path = Path(options.path)
        if path.exists():
            start = time.perf_counter()
            eco = load_h2020(path)
            print(f"read {path.name} in {time.perf_counter() - start:.1f} s")
            ok &= run("Horizon 2020", eco, options.repeat, with_networkx=not options.no_networkx).get("same", True)
        else:
            print(f"no H2020 data at {path}; skipped")
    eco = synthetic()
    ok &= run("synthetic 200k", eco, options.repeat, with_networkx=not options.no_networkx).get("same", True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
