"""Time ``synthetic_ecosystem`` at full scale; the target is under 2 s per build.

Run: ``python benchmarks/bench_synthetic.py [--repeat N] [--scale S]``. Prints the first build (in
this process, including reading and validating the real Flemish landscape once), the median and the
best of the following builds (wall clock, and the CPU time, which a busy machine inflates
less), the machine's load average, and exits with status 1 when the median
is over the budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

BUDGET_SECONDS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed builds after the first (default 5)")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import clusternet as cn

    imported = time.perf_counter() - started
    started = time.perf_counter()
    ecosystem = cn.datasets.synthetic_ecosystem(seed=0, scale=args.scale)
    first = time.perf_counter() - started
    times, cpu_times = [], []
    for seed in range(1, args.repeat + 1):
        started, cpu_started = time.perf_counter(), time.process_time()
        cn.datasets.synthetic_ecosystem(seed=seed, scale=args.scale)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    started = time.perf_counter()
    cn.datasets.calibration_report(ecosystem, scale=args.scale)
    report = time.perf_counter() - started

    median = statistics.median(times) if times else first
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{ecosystem!r}")
    print(f"import clusternet        {imported:6.2f} s")
    print(f"first build (seed 0)     {first:6.2f} s  (reads the real landscape once)")
    if times:
        print(f"builds, seeds 1-{args.repeat:<8} median {median:.2f} s, best {min(times):.2f} s "
              f"(CPU time median {statistics.median(cpu_times):.2f} s)")
    print(f"calibration_report       {report:6.2f} s")
    print(f"load average (1 min)     {load:6.2f} on {os.cpu_count()} cores")
    if median > BUDGET_SECONDS:
        print(f"over budget: median {median:.2f} s > {BUDGET_SECONDS} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
