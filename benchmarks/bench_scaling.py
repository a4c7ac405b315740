"""Scaling table: time and memory of the pipeline from 10k to 1M participations.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_scaling.py [--sizes 10000 50000 144726 500000 1000000] [--bounded]

Inputs, all from the Horizon 2020 participations (``../shared/data/cordis-h2020``; set
CLUSTERNET_SHARED_DATA to move it):

* up to 144,726 participations: whole CORDIS projects drawn at random (seed 0) until the
  participations reach the size, so consortia keep their real sizes;
* beyond that (synthetic): CORDIS resampled. Every copy of a project gets a new project id; in
  every copy after the first, each organisation keeps its id with probability 1/2 and otherwise
  becomes a new organisation of the same kind and country. The copies stay linked through the
  shared organisations and the organisations grow with the participations, as in a longer
  programme; consortium sizes keep CORDIS's distribution (up to 186).

Each size runs in its own Python process (``ru_maxrss`` is that process's peak) and times, wall
and CPU: building and validating the Ecosystem, the Newman projection as an edge table
(:func:`clusternet.organisation_edges`), the networkx graph (:func:`clusternet.organisation_network`),
centrality with 100 sampled sources, Leiden communities and KPIs (``by=None``). It also prints
the number of organisation pairs the projection has to touch, ``sum over projects of
n_p (n_p - 1) / 2``, which grows with the square of consortium size.

``--bounded`` adds, at the largest size, the projection with the three ways to keep it bounded:
``min_weight`` (drop weak ties), ``kinds`` (one kind of organisation) and a consortium size cap
(projects above 50 partners left out before projecting; not an option of clusternet: filter
``participations`` first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"
SIZES = (10_000, 50_000, 144_726, 500_000, 1_000_000)  # 144,726: all of Horizon 2020


def _timed(row: dict, step: str, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    row[step] = (round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3))
    return result


def tables(data: Path, participations: int, *, seed: int = 0) -> dict:
    """The three tables with about ``participations`` rows of participations (see the module doc)."""
    import numpy as np
    import pandas as pd

    import clusternet as cn

    eco = cn.read_cordis(data / "h2020.csv.gz")
    organisations, projects, part = eco.organisations, eco.projects, eco.participations
    rng = np.random.default_rng(seed)
    total = len(part)
    if participations <= total:
        order = rng.permutation(projects["project_id"].to_numpy())
        sizes = part["project_id"].value_counts().reindex(order).fillna(0).to_numpy()
        chosen = order[: int(np.searchsorted(np.cumsum(sizes), participations)) + 1]
        part = part[part["project_id"].isin(chosen)]
        return {"organisations": organisations[organisations["organisation_id"].isin(part["organisation_id"])],
                "projects": projects[projects["project_id"].isin(chosen)],
                "participations": part}
    copies = -(-participations // total)
    parts, project_tables, organisation_tables = [], [], [organisations]
    for copy in range(copies):
        this = part.copy()
        this["project_id"] = this["project_id"] + f"~{copy}"
        if copy:
            renamed = organisations["organisation_id"][rng.random(len(organisations)) < 0.5]
            mapping = pd.Series(renamed.to_numpy() + f"~{copy}", index=renamed.to_numpy())
            new = this["organisation_id"].map(mapping)
            this["organisation_id"] = new.fillna(this["organisation_id"])
            extra = organisations[organisations["organisation_id"].isin(renamed)].copy()
            extra["organisation_id"] = extra["organisation_id"] + f"~{copy}"
            organisation_tables.append(extra)
        parts.append(this)
        copied = projects.copy()
        copied["project_id"] = copied["project_id"] + f"~{copy}"
        project_tables.append(copied)
    part = pd.concat(parts, ignore_index=True)
    projects = pd.concat(project_tables, ignore_index=True)
    # Trim whole projects off the end so the total is near the target.
    keep = projects["project_id"].iloc[: int(len(projects) * participations / len(part))]
    part = part[part["project_id"].isin(keep)]
    organisations = pd.concat(organisation_tables, ignore_index=True)
    return {"organisations": organisations[organisations["organisation_id"].isin(part["organisation_id"])],
            "projects": projects[projects["project_id"].isin(keep)],
            "participations": part}


def child(data: Path, participations: int, bounded: bool) -> None:
    import clusternet as cn

    warnings.simplefilter("ignore")
    given = tables(data, participations)
    part = given["participations"]
    sizes = part.groupby("project_id").size()
    row: dict = {"participations": len(part), "organisations": len(given["organisations"]),
                 "projects": len(given["projects"]), "pairs": int((sizes * (sizes - 1) // 2).sum()),
                 "load_start": os.getloadavg()[0]}
    eco = _timed(row, "validate", cn.Ecosystem, **given)
    edges = _timed(row, "projection", cn.organisation_edges, eco, weight="newman")
    row["edges"] = len(edges)
    del edges
    G = _timed(row, "graph", cn.organisation_network, eco, weight="newman")
    _timed(row, "centrality", cn.centrality, G, weight="weight", samples=100)
    _timed(row, "leiden", cn.communities, G, method="leiden")
    _timed(row, "kpis", cn.kpis, eco, by=None)
    del G
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if bounded:
        row["bounded"] = {}
        for label, options in (("min_weight=0.5", {"min_weight": 0.5}),
                               ("kinds=company", {"kinds": "company"})):
            out: dict = {}
            found = _timed(out, "projection", cn.organisation_edges, eco, weight="newman", **options)
            out["edges"] = len(found)
            row["bounded"][label] = out
        small = sizes.index[sizes <= 50]
        capped = cn.Ecosystem(organisations=given["organisations"],
                              projects=given["projects"][given["projects"]["project_id"].isin(small)],
                              participations=part[part["project_id"].isin(small)])
        out = {}
        found = _timed(out, "projection", cn.organisation_edges, capped, weight="newman")
        out["edges"] = len(found)
        out["pairs"] = int((sizes[sizes <= 50] * (sizes[sizes <= 50] - 1) // 2).sum())
        row["bounded"]["consortia <= 50"] = out
    row["load_end"] = os.getloadavg()[0]
    print(json.dumps(row), flush=True)


def child_duckdb(data: Path, participations: int) -> None:
    """The Newman projection as a DuckDB self-join on participations, beside organisation_edges."""
    import duckdb
    import numpy as np

    import clusternet as cn

    warnings.simplefilter("ignore")
    given = tables(data, participations)
    eco = cn.Ecosystem(**given)
    row: dict = {"participations": len(eco.participations), "load_start": os.getloadavg()[0]}
    ours = _timed(row, "clusternet", cn.organisation_edges, eco, weight="newman")
    connection = duckdb.connect()
    connection.execute("SET threads = 2")
    part = eco.participations[["project_id", "organisation_id"]]
    connection.register("participations", part)
    query = """
        WITH sized AS (
            SELECT project_id, organisation_id,
                   count(*) OVER (PARTITION BY project_id) AS size
            FROM participations)
        SELECT a.organisation_id AS source, b.organisation_id AS target,
               sum(1.0 / (a.size - 1)) AS weight, count(*) AS shared
        FROM sized a JOIN sized b
          ON a.project_id = b.project_id AND a.organisation_id < b.organisation_id
        GROUP BY ALL ORDER BY source, target"""
    theirs = _timed(row, "duckdb", lambda: connection.execute(query).df())
    row["edges"] = len(ours)
    row["same"] = bool(len(ours) == len(theirs)
                       and (ours["source"].to_numpy() == theirs["source"].to_numpy()).all()
                       and (ours["target"].to_numpy() == theirs["target"].to_numpy()).all()
                       and np.allclose(ours["weight"].to_numpy(), theirs["weight"].to_numpy()))
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["load_end"] = os.getloadavg()[0]
    print(json.dumps(row), flush=True)


STEPS = ("validate", "projection", "graph", "centrality", "leiden", "kpis")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--bounded", action="store_true", help="bounded projections at the largest size")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--duckdb", action="store_true",
                        help="only the projection: clusternet against a DuckDB self-join")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child and options.duckdb:
        child_duckdb(options.data, options.child)
        return 0
    if options.child:
        child(options.data, options.child, options.bounded)
        return 0
    if options.duckdb:
        for size in options.sizes:
            command = [sys.executable, __file__, "--data", str(options.data), "--duckdb", "--child", str(size)]
            done = subprocess.run(command, capture_output=True, text=True, timeout=options.timeout, check=False)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            print(lines[-1] if lines else done.stderr.strip().splitlines()[-1:], flush=True)
        return 0
    print(f"{'participations':>14}{'orgs':>8}{'pairs':>11}{'edges':>10}"
          + "".join(f"{step + ' s':>17}" for step in STEPS) + f"{'peak MB':>9}{'load':>6}")
    print(f"{'':>43}" + "".join(f"{'wall/cpu':>17}" for _ in STEPS))
    for size in options.sizes:
        command = [sys.executable, __file__, "--data", str(options.data), "--child", str(size)]
        if options.bounded and size == max(options.sizes):
            command.append("--bounded")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=options.timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"{size:>14,} timed out after {options.timeout:.0f} s", flush=True)
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(f"{size:>14,} failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        row = json.loads(lines[-1])
        print(f"{row['participations']:>14,}{row['organisations']:>8,}{row['pairs']:>11,}{row['edges']:>10,}"
              + "".join(f"{row[step][0]:>8.2f}/{row[step][1]:<8.2f}" for step in STEPS)
              + f"{row['peak_mb']:>9,}{row['load_end']:>6.1f}", flush=True)
        for label, out in row.get("bounded", {}).items():
            print(f"{'':>14}  {label}: projection {out['projection'][0]:.2f} s wall / "
                  f"{out['projection'][1]:.2f} s cpu, {out['edges']:,} edges"
                  + (f", {out['pairs']:,} pairs" if "pairs" in out else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
