"""Benchmark: rich_club on the Horizon 2020 organisation network, beside networkx's rich_club_coefficient.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_rich_club.py [--data DIR] [--samples 10] [--nx-swaps 200000]

The data is read as benchmarks/bench_pipeline.py reads it (``CLUSTERNET_SHARED_DATA``). networkx's
normalised coefficient makes ``Q * E`` double edge swaps in Python (``Q=100``: 80 million on this
graph), far too many to wait for, so its time is the measured rate of ``nx.double_edge_swap`` on
``--nx-swaps`` swaps scaled to ``Q * E``, plus its unnormalised coefficient, measured in full. Every
row prints wall and CPU time and the 1-minute load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import networkx as nx

import clusternet as cn

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"


def _timed(step, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    row = {
        "step": step,
        "wall": round(time.perf_counter() - wall, 2),
        "cpu": round(time.process_time() - cpu, 2),
        "load": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(row), flush=True)
    return result, row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--nx-swaps", type=int, default=200_000)
    args = parser.parse_args()
    eco, _ = _timed(
        "read_cordis",
        cn.read_cordis,
        args.data / "h2020.csv.gz",
        programme_parts=args.data / "programme_parts.csv.gz",
    )
    G, _ = _timed("organisation_network", cn.organisation_network, eco, weight="newman")
    G.remove_nodes_from([node for node, degree in G.degree() if degree == 0])
    edges = G.number_of_edges()
    print(json.dumps({"nodes": G.number_of_nodes(), "edges": edges}))
    plain, _ = _timed(
        "networkx rich_club_coefficient(normalized=False)", nx.rich_club_coefficient, G, normalized=False
    )
    R = nx.Graph(G)
    _, row = _timed(
        f"networkx double_edge_swap x {args.nx_swaps}",
        nx.double_edge_swap,
        R,
        nswap=args.nx_swaps,
        max_tries=100 * args.nx_swaps,
        seed=0,
    )
    print(
        json.dumps(
            {
                "step": "networkx rich_club_coefficient(normalized=True, Q=100), extrapolated",
                "cpu": round(row["cpu"] * 100 * edges / args.nx_swaps, 1),
            }
        )
    )
    ours, _ = _timed(f"clusternet rich_club(samples={args.samples})", cn.rich_club, G, samples=args.samples)
    assert dict(zip(ours.index, ours["phi"], strict=True)) == plain
    shown = ours.iloc[[10, 50, 100, 200, 400, min(800, len(ours) - 1)]]
    print(shown.to_string())


if __name__ == "__main__":
    main()
