"""How long 1,000 bootstrap resamples of the headline measures take, on the synthetic Flemish data and on H2020.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_uncertainty.py [--samples 1000] [--no-h2020]

H2020 is read as benchmarks/bench_pipeline.py reads it (CLUSTERNET_SHARED_DATA, programme parts as
clusters). Each row prints wall and CPU seconds and the 1-minute load average: the machine may be
shared, so wall time can be inflated by waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import clusternet as cn

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"


def _timed(data: str, step: str, function) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    print(
        json.dumps(
            {
                "data": data,
                "step": step,
                "wall": round(time.perf_counter() - wall, 2),
                "cpu": round(time.process_time() - cpu, 2),
                "load": os.getloadavg()[0],
                "rows": len(result),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--no-h2020", action="store_true")
    args = parser.parse_args()
    n = args.samples
    eco = cn.datasets.synthetic_ecosystem()
    _timed("synthetic", "degree_intervals clusters", lambda: cn.degree_intervals(eco, samples=n))
    _timed(
        "synthetic",
        "degree_intervals organisations top 10",
        lambda: cn.degree_intervals(eco, nodes="organisations", samples=n),
    )
    _timed(
        "synthetic",
        "degree_intervals clusters bca",
        lambda: cn.degree_intervals(eco, samples=n, method="bca"),
    )
    _timed("synthetic", "ei_index_intervals sector", lambda: cn.ei_index_intervals(eco, "sector", samples=n))
    _timed(
        "synthetic",
        "overlap_intervals SPC-IBN memberships",
        lambda: cn.overlap_intervals(eco, between=("SPC", "IBN"), samples=n),
    )
    _timed(
        "synthetic",
        "overlap_intervals intercluster",
        lambda: cn.overlap_intervals(eco, via="intercluster", samples=n),
    )
    _timed(
        "synthetic",
        "bootstrap generic (consortium size), 100 resamples",
        lambda: cn.bootstrap(
            eco, lambda e: e.participations.groupby("project_id").size().mean(), samples=100
        ),
    )
    if args.no_h2020 or not DATA.exists():
        return
    h2020 = cn.read_cordis(DATA / "h2020.csv.gz", programme_parts=DATA / "programme_parts.csv.gz")
    _timed(
        "h2020", "degree_intervals clusters (programme parts)", lambda: cn.degree_intervals(h2020, samples=n)
    )
    _timed(
        "h2020",
        "degree_intervals organisations top 10",
        lambda: cn.degree_intervals(h2020, nodes="organisations", samples=n),
    )
    _timed("h2020", "ei_index_intervals kind", lambda: cn.ei_index_intervals(h2020, "kind", samples=n))
    _timed(
        "h2020",
        "overlap_intervals intercluster",
        lambda: cn.overlap_intervals(h2020, via="intercluster", samples=n),
    )


if __name__ == "__main__":
    main()
