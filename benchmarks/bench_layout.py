"""The force layout of :func:`clusternet.layout_positions` beside plain networkx ``spring_layout``.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_layout.py [--data DIR] [--sizes 2000,10000,0] [--spring-limit 10000]
        [--iterations 100]

Three connected graphs from all of Horizon 2020 (``../shared/data/cordis-h2020``, see its
SOURCE.txt; CLUSTERNET_SHARED_DATA moves it): the organisation network with Newman weights of at
least 0.05 (``organisation_network(eco, weight="newman", min_weight=0.05)``), its largest component
(25,793 organisations, 433,508 ties; size ``0``), and the largest component of the subgraph of its
2,000 and 10,000 organisations of highest degree.

Each layout runs on the largest component alone (no packing), unweighted, seed 0:

``igraph``
    what ``layout_positions`` uses: igraph's grid Fruchterman-Reingold, ``--iterations`` steps
    (``clusternet.viz._layout._ITERATIONS`` by default) from a start spread over a square of side
    sqrt(n).
``spring``
    ``networkx.spring_layout(G, seed=0, weight=None)`` (50 steps, its default), only up to
    ``--spring-limit`` nodes: it loops over the nodes in Python, minutes at 10,000.

Quality, lower is better for both: ``edge/pair``, the mean drawn length of a tie over the mean
distance of 200,000 random pairs (1 for positions that ignore the ties); ``stress``, the normalised
stress ``mean(((s * |x_i - x_j| - d_ij) / d_ij) ** 2)`` over the pairs from 100 random sources, d
the hop distance and s the scale that minimises it (Kamada-Kawai's energy with weights 1/d^2).
Rows print wall and CPU seconds (``time.process_time``) and the 1-minute load average: the
machine is shared, so the wall time is inflated by waiting for a core, the CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import networkx as nx
import numpy as np

import clusternet as cn
from clusternet.viz import _layout

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"


def quality(G: nx.Graph, xy: np.ndarray, seed: int = 1) -> tuple[float, float]:
    """(edge/pair, stress) of positions ``xy`` in ``list(G)`` order."""
    import igraph

    rng = np.random.default_rng(seed)
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    ends = np.array([(index[u], index[v]) for u, v in G.edges()])
    edge = np.linalg.norm(xy[ends[:, 0]] - xy[ends[:, 1]], axis=1).mean()
    a, b = rng.integers(0, len(nodes), 200_000), rng.integers(0, len(nodes), 200_000)
    pair = np.linalg.norm(xy[a] - xy[b], axis=1).mean()
    sources = rng.choice(len(nodes), min(100, len(nodes)), replace=False)
    hops = np.array(
        igraph.Graph(n=len(nodes), edges=ends.tolist()).distances(source=sources.tolist()), dtype=float
    )
    drawn = np.linalg.norm(xy[sources][:, None, :] - xy[None, :, :], axis=2)
    keep = hops > 0
    ratio = drawn[keep] / hops[keep]
    scale = ratio.sum() / (ratio**2).sum()
    return float(edge / pair), float(((scale * ratio - 1) ** 2).mean())


def graphs(data: Path, sizes: list[int]) -> dict[str, nx.Graph]:
    eco = cn.read_cordis(data / "h2020.csv.gz", programme_parts=data / "programme_parts.csv.gz")
    G = cn.organisation_network(eco, weight="newman", min_weight=0.05)
    largest = G.subgraph(max(nx.connected_components(G), key=len))
    out = {}
    for size in sizes:
        part = largest
        if size:
            ranked = sorted(largest.degree(), key=lambda item: (-item[1], str(item[0])))
            part = largest.subgraph([node for node, _ in ranked[:size]])
            part = part.subgraph(max(nx.connected_components(part), key=len))
        H = nx.Graph()
        H.add_nodes_from(sorted(part, key=str))
        H.add_edges_from(part.edges())
        out[f"{H.number_of_nodes():,} nodes, {H.number_of_edges():,} ties"] = H
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", default="2000,10000,0", help="organisations of highest degree; 0 = all")
    parser.add_argument("--spring-limit", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=_layout._ITERATIONS)
    args = parser.parse_args()
    _layout._ITERATIONS = args.iterations
    for name, G in graphs(args.data, [int(size) for size in args.sizes.split(",")]).items():
        n = G.number_of_nodes()
        rows, cols, strength = _layout._edge_arrays(G, None)
        runs = {"igraph": lambda n=n, ends=(rows, cols, strength): _layout._igraph_force(n, *ends, seed=0)}
        if n <= args.spring_limit:
            runs["spring"] = lambda G=G: np.array(list(nx.spring_layout(G, seed=0, weight=None).values()))
        results = {}
        for method, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            xy = run()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            ratio, stress = quality(G, xy)
            results[method] = {"wall": wall, "cpu": cpu, "edge/pair": ratio, "stress": stress}
            print(
                json.dumps(
                    {
                        "graph": name,
                        "method": method,
                        "iterations": args.iterations if method == "igraph" else 50,
                        "wall_s": round(wall, 2),
                        "cpu_s": round(cpu, 2),
                        "edge/pair": round(ratio, 3),
                        "stress": round(stress, 3),
                        "load": round(os.getloadavg()[0], 2),
                    }
                ),
                flush=True,
            )
        if "spring" in results:
            mine, plain = results["igraph"], results["spring"]
            print(
                json.dumps(
                    {
                        "graph": name,
                        "spring/igraph cpu": round(plain["cpu"] / mine["cpu"], 1),
                        "spring/igraph stress": round(plain["stress"] / mine["stress"], 2),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
