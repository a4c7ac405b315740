"""Scaling table: time and memory of the pipeline from 10k to 1M participations.

Run on demand from the repository root (not part of the tests)::

    python benchmarks/bench_scaling.py [--sizes 10000 50000 144726 500000 1000000]
        [--bounded [--variants min_weight=0.5 kinds=company 'consortia<=50'] [--skip-unbounded]]
        [--step-limit 600] [--timeout 1800]
    python benchmarks/bench_scaling.py --engine numpy duckdb [--sizes 144726 1000000 10000000]
        [--what edges degrees] [--memory-limit 4GB]

``--engine`` times :func:`clusternet.organisation_edges` (Newman's weight) and
:func:`clusternet.organisation_degrees` reading the participations from a Parquet file (written
once per size to ``$TMPDIR/clusternet-bench``, with each organisation's kind and each project's
year), one process per engine, step and size: wall and CPU seconds, the process's peak resident
memory, the edges and DuckDB's spill (``--memory-limit`` is DuckDB's ``memory_limit``; numpy has
none). The load average is printed at the start and end of every run: the machine is shared.

Inputs, all from the Horizon 2020 participations (``../shared/data/cordis-h2020``; set
CLUSTERNET_SHARED_DATA to move it):

* up to 144,726 participations: whole CORDIS projects drawn at random (seed 0) until the
  participations reach the size, so consortia keep their real sizes;
* beyond that (synthetic): CORDIS resampled. Every copy of a project gets a new project id; in
  every copy after the first, each organisation keeps its id with probability 1/2 and otherwise
  becomes a new organisation of the same kind and country. The copies stay linked through the
  shared organisations and the organisations grow with the participations, as in a longer
  programme; consortium sizes keep CORDIS's distribution (up to 186).

Each size runs in its own Python process and times, wall and CPU (``time.process_time``: all
threads of the process): building and validating the Ecosystem, the Newman projection as an
edge table (:func:`clusternet.organisation_edges`), the networkx graph
(:func:`clusternet.organisation_network`), centrality with 100 sampled sources, Leiden
communities and KPIs (``by=None``). It also prints the number of organisation pairs the
projection has to touch, ``sum over projects of n_p (n_p - 1) / 2``, which grows with the
square of consortium size. *Peak MB* is the process's peak resident size (``ru_maxrss`` from
``wait4``, so it includes building the input tables and is known even for a process that was
stopped); where a size needed more than one process (see below) it is the largest of them.

``--bounded`` adds, at the largest size, the same steps with each of the three ways to keep the
projection bounded, each in its own process (``--variants`` chooses them; by default):
``min_weight=0.5`` (drop weak ties; passed to both
``organisation_edges`` and ``organisation_network``), ``kinds="company"`` (one kind of
organisation) and a consortium size cap (``consortia<=50``: larger projects left out before projecting;
not an option of clusternet: ``participations``, ``projects`` and ``organisations`` are filtered
first). Their *pairs* are the pairs the product touches: all of them for ``min_weight`` (the
product is computed in full, then cut), pairs of companies for ``kinds``, pairs of the kept
projects for the cap. KPIs are not repeated for ``min_weight`` and ``kinds`` (they do not depend
on the projection). ``--skip-unbounded`` runs only those rows.

Time limits, so that a loaded machine or a hopeless step loses nothing that finished:

* the child prints one JSON line when a step starts and one when it ends, and the parent prints
  every finished step at once (a time-out of the whole script keeps every earlier row);
* a step still running ``--step-limit`` wall seconds after it started is stopped (the process
  is killed; compiled code such as igraph cannot be interrupted otherwise) and marked "did not
  finish in N s", with the CPU seconds it had used by then. The steps after it run in a fresh
  process, which first repeats the steps they need (building the Ecosystem, and the graph for
  centrality and Leiden); those repeats are printed but do not replace the first measurement.
  If the graph itself does not finish, centrality and Leiden are marked "not run";
* a size still running ``--timeout`` wall seconds after it started (all its processes) is
  stopped: the step running is marked "did not finish", the steps after it "not run".

What changed from the first version of this script, and what did not: a finished step is the
same call, timed the same way, in a process that has run the steps it needs before it (a step
after a stopped one runs without the stopped one, so only the peak memory of that row can
differ, which is why the peak is the largest over the row's processes). The bounded rows used
to time only the projection; they now run every step, since the bounds are meant to bound what
comes after the projection.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"
SIZES = (10_000, 50_000, 144_726, 500_000, 1_000_000)  # 144,726: all of Horizon 2020
STEPS = ("validate", "projection", "graph", "centrality", "leiden", "kpis")
NEEDS = {"centrality": "graph", "leiden": "graph"}  # every step also needs the validated Ecosystem
VARIANTS = ("min_weight=0.5", "kinds=company", "consortia<=50")


def variant_options(variant: str | None) -> tuple[dict, int | None, tuple[str, ...]]:
    """Options of organisation_edges / organisation_network, consortium cap and steps of a variant.

    ``min_weight=W``, ``kinds=KIND`` or ``consortia<=N``; KPIs only where they change (the cap).
    """
    if variant is None:
        return {}, None, STEPS
    if variant.startswith("consortia<="):
        return {}, int(variant.removeprefix("consortia<=")), STEPS
    name, value = variant.split("=")
    if name == "min_weight":
        return {"min_weight": float(value)}, None, STEPS[:-1]
    if name == "kinds":
        return {"kinds": value}, None, STEPS[:-1]
    raise ValueError(f"unknown variant {variant!r}")


def _timed(row: dict, step: str, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    row[step] = (round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3))
    return result


def _emit(**line) -> None:
    print(json.dumps(line), flush=True)


def _cpu() -> float:
    return round(time.process_time(), 3)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _peak_mb(kilobytes: int) -> int:
    return round(kilobytes / 1024)  # ru_maxrss is in KB on Linux


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


def child(data: Path, participations: int, variant: str | None, only: list[str]) -> None:
    """Run ``only`` (and what they need, marked as prerequisites), one JSON line per event."""
    import numpy as np

    import clusternet as cn

    warnings.simplefilter("ignore")
    given = tables(data, participations)
    options, cap, _ = variant_options(variant)
    part = given["participations"]
    if cap is not None:
        sizes = part.groupby("project_id").size()
        small = sizes.index[sizes <= cap]
        part = part[part["project_id"].isin(small)]
        given = {"organisations": given["organisations"][given["organisations"]["organisation_id"]
                                                         .isin(part["organisation_id"])],
                 "projects": given["projects"][given["projects"]["project_id"].isin(small)],
                 "participations": part}
    organisations = given["organisations"]
    if "kinds" in options:
        kept = organisations["organisation_id"][organisations["kind"] == options["kinds"]]
        counted = part[part["organisation_id"].isin(kept)]
        nodes = len(kept)
    else:
        counted, nodes = part, len(organisations)
    sizes = counted.groupby("project_id").size().to_numpy(dtype=np.int64)
    _emit(event="info", participations=len(part), organisations=nodes, projects=len(given["projects"]),
          pairs=int((sizes * (sizes - 1) // 2).sum()), load=os.getloadavg()[0], cpu=_cpu())

    wanted = set(only)
    run = [step for step in STEPS
           if step in wanted or step == "validate" or any(NEEDS.get(other) == step for other in wanted)]
    state: dict = {}

    def step_function(step):
        eco = state.get("eco")
        if step == "validate":
            return lambda: cn.Ecosystem(**given)
        if step == "projection":
            return lambda: cn.organisation_edges(eco, weight="newman", **options)
        if step == "graph":
            return lambda: cn.organisation_network(eco, weight="newman", **options)
        if step == "centrality":
            return lambda: cn.centrality(state["G"], weight="weight", samples=100)
        if step == "leiden":
            return lambda: cn.communities(state["G"], method="leiden")
        return lambda: cn.kpis(eco, by=None)

    for step in run:
        function = step_function(step)
        _emit(event="start", step=step, cpu=_cpu())
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        line = {"event": "step", "step": step, "wall": round(time.perf_counter() - wall, 3),
                "cpu": round(time.process_time() - cpu, 3), "prerequisite": step not in wanted,
                "peak_mb": _peak_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
                "load": os.getloadavg()[0]}
        if step == "validate":
            state["eco"] = result
        elif step == "projection":
            line["edges"] = len(result)
        elif step == "graph":
            state["G"] = result
            line["nodes"], line["edges"] = result.number_of_nodes(), result.number_of_edges()
        del result
        _emit(**line)


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


def _participations_file(data: Path, participations: int) -> Path:
    """The participations of one size as Parquet (project_id, organisation_id, kind, year), made once."""
    folder = Path(tempfile.gettempdir()) / "clusternet-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"participations-{participations}.parquet"
    if not path.exists():
        given = tables(data, participations)
        flat = (given["participations"][["project_id", "organisation_id"]]
                .merge(given["organisations"][["organisation_id", "kind"]], on="organisation_id")
                .merge(given["projects"][["project_id", "year"]], on="project_id"))
        partial = path.with_suffix(".partial")
        flat.to_parquet(partial, index=False)
        partial.rename(path)
    return path


def child_engine(data: Path, participations: int, engine: str, what: str, memory_limit: str | None) -> None:
    """One engine, one step (edges or degrees) on the Parquet file of one size; one JSON line."""
    import pyarrow.parquet as pq

    import clusternet as cn

    warnings.simplefilter("ignore")
    path = _participations_file(data, participations)
    row: dict = {"engine": engine, "what": what, "participations": pq.read_metadata(path).num_rows,
                 "memory_limit": memory_limit, "load_start": _load()}
    function = cn.organisation_edges if what == "edges" else cn.organisation_degrees
    options = {"memory_limit": memory_limit} if engine == "duckdb" and memory_limit else {}
    spill = Path(tempfile.mkdtemp(prefix="clusternet-bench-spill-"))
    if engine == "duckdb":
        options["temp_directory"] = spill
        watcher = threading.Thread(target=_watch_spill, args=(spill, row), daemon=True)
        watcher.start()
    result = _timed(row, what, function, path, weight="newman", engine=engine, **options)
    row["rows"] = len(result)
    if what == "degrees":
        row["edges"] = int(result["neighbours"].sum() // 2)
    row["peak_mb"] = _peak_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    row["load_end"] = _load()
    shutil.rmtree(spill, ignore_errors=True)
    print(json.dumps(row), flush=True)


def _watch_spill(folder: Path, row: dict) -> None:
    """The largest size the spill folder reached, sampled twice a second."""
    row["spill_mb"] = 0
    while True:
        try:
            size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        except OSError:
            size = 0
        row["spill_mb"] = max(row["spill_mb"], round(size / 2**20))
        time.sleep(0.5)


def _stream(command: list[str], step_limit: float, deadline: float):
    """Run a child; yield its JSON lines as they come, then ``("end", why, usage)``.

    ``why`` is None when the child ended by itself, "step" when a step passed ``step_limit``,
    "size" when ``deadline`` (a ``time.monotonic`` value) passed; the child is then killed.
    """
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        lines: queue.Queue = queue.Queue()

        def read():
            for text in process.stdout:
                lines.put(text)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        step_deadline, why = float("inf"), None
        while True:
            now = time.monotonic()
            limit = min(step_deadline, deadline)
            if now >= limit:
                why = "size" if deadline <= step_deadline else "step"
                process.kill()
                break
            try:
                text = lines.get(timeout=min(limit - now, 5.0))
            except queue.Empty:
                continue
            if text is None:
                break
            if not text.startswith("{"):
                continue
            line = json.loads(text)
            if line["event"] == "start":
                step_deadline = time.monotonic() + step_limit
            elif line["event"] == "step":
                step_deadline = float("inf")
            yield line
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        errors.seek(0)
        tail = errors.read().strip().splitlines()[-1:]
        yield {"event": "end", "why": why, "usage": usage, "returncode": process.returncode, "stderr": tail}


def run_row(data: Path, size: int, variant: str | None, step_limit: float, timeout: float) -> dict:
    """One row of the table: every step measured, or why it was not."""
    label = f"{size:,}" + (f" {variant}" if variant else "")
    steps = list(variant_options(variant)[2])
    row: dict = {"size": size, "variant": variant, "steps": {}, "peak_mb": 0, "processes": 0}
    deadline = time.monotonic() + timeout
    print(f"# {label}: start, load average {_load()}", flush=True)
    remaining = list(steps)
    while remaining:
        command = [sys.executable, __file__, "--data", str(data), "--child", str(size),
                   "--only", ",".join(remaining)] + (["--variant", variant] if variant else [])
        row["processes"] += 1
        current, cpu_at_start = None, 0.0
        for line in _stream(command, step_limit, deadline):
            if line["event"] == "info":
                if "info" not in row:
                    row["info"] = line
                    print(f"# {label}: {line['participations']:,} participations, "
                          f"{line['organisations']:,} organisations, {line['projects']:,} projects, "
                          f"{line['pairs']:,} pairs", flush=True)
            elif line["event"] == "start":
                current, cpu_at_start = line["step"], line["cpu"]
            elif line["event"] == "step":
                current = None
                again = line["prerequisite"] or line["step"] in row["steps"]
                print(f"{label:>22} {line['step']:<11}{line['wall']:>9.2f} s wall{line['cpu']:>9.2f} s CPU"
                      f"{line['peak_mb']:>7,} MB  load {line['load']:.1f}"
                      + (f"  {line['edges']:,} edges" if "edges" in line else "")
                      + ("  (again, needed by the next step; not counted)" if again else ""), flush=True)
                if not again:
                    row["steps"][line["step"]] = line
                    remaining.remove(line["step"])
            else:
                usage = line["usage"]
                row["peak_mb"] = max(row["peak_mb"], _peak_mb(usage.ru_maxrss))
                if line["why"] is None and line["returncode"] != 0:
                    for step in remaining:
                        row["steps"][step] = {"failed": f"failed: {line['stderr']}"}
                    print(f"{label:>22} failed: {line['stderr']}", flush=True)
                    remaining = []
                elif line["why"] is not None:
                    spent = usage.ru_utime + usage.ru_stime - cpu_at_start
                    limit = step_limit if line["why"] == "step" else timeout
                    what = "step" if line["why"] == "step" else "size"
                    stopped = current or "making the input tables"
                    note = f"did not finish in {limit:g} s ({what} limit; {spent:.1f} CPU s used)"
                    print(f"{label:>22} {stopped:<11}{note}", flush=True)
                    if current in remaining:
                        row["steps"][current] = {"dnf": note}
                        remaining.remove(current)
                    if line["why"] == "size" or current in (None, "validate"):
                        reason = "size limit reached" if line["why"] == "size" else f"needs {current}"
                        for step in remaining:
                            row["steps"][step] = {"dnf": f"not run: {reason}"}
                        remaining = []
                    elif current == "graph":
                        for step in [step for step in remaining if NEEDS.get(step) == "graph"]:
                            row["steps"][step] = {"dnf": "not run: needs the graph"}
                            remaining.remove(step)
    row["load_end"] = os.getloadavg()[0]
    print(f"# {label}: done, peak {row['peak_mb']:,} MB over {row['processes']} process(es), "
          f"load average {_load()}", flush=True)
    return row


def _cell(row: dict, step: str) -> str:
    result = row["steps"].get(step)
    if result is None:
        return "-"
    if "cpu" in result:
        return f"{result['cpu']:.2f} ({result['wall']:.1f})"
    return "dnf" if "dnf" in result and result["dnf"].startswith("did not") else "n/r"


def table(rows: list[dict]) -> None:
    """The rows as a Markdown table: CPU seconds (wall seconds in brackets)."""
    print("\nCPU s (wall s); dnf = did not finish in the limit, n/r = not run (see the lines above)")
    print("| participations | variant | organisations | pairs | edges | "
          + " | ".join(STEPS) + " | peak MB | load |")
    print("|---:|---|---:|---:|---:|" + "---:|" * len(STEPS) + "---:|---:|")
    for row in rows:
        info = row.get("info", {})
        edges = next((row["steps"][s]["edges"] for s in ("graph", "projection")
                      if "edges" in row["steps"].get(s, {})), None)
        print(f"| {info.get('participations', row['size']):,} | {row['variant'] or ''} | "
              f"{info.get('organisations', 0):,} | {info.get('pairs', 0):,} | "
              + (f"{edges:,}" if edges is not None else "-") + " | "
              + " | ".join(_cell(row, step) for step in STEPS)
              + f" | {row['peak_mb']:,} | {info.get('load', float('nan')):.1f}-{row['load_end']:.1f} |", flush=True)


def _checked_variant(text: str) -> str:
    try:
        variant_options(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--bounded", action="store_true", help="bounded projections at the largest size")
    parser.add_argument("--skip-unbounded", action="store_true", help="with --bounded: only the bounded rows")
    parser.add_argument("--step-limit", type=float, default=600.0, help="wall seconds a step may take")
    parser.add_argument("--timeout", type=float, default=1800.0, help="wall seconds a size may take")
    parser.add_argument("--duckdb", action="store_true",
                        help="only the projection: clusternet against a DuckDB self-join")
    parser.add_argument("--engine", nargs="+", choices=["numpy", "duckdb"],
                        help="organisation_edges/organisation_degrees on these engines from a Parquet file")
    parser.add_argument("--what", nargs="+", default=["edges", "degrees"], choices=["edges", "degrees"])
    parser.add_argument("--memory-limit", help="DuckDB's memory_limit with --engine duckdb, e.g. 4GB")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), type=_checked_variant,
                        help="with --bounded: min_weight=W, kinds=KIND or consortia<=N (default: %(default)s)")
    parser.add_argument("--variant", type=_checked_variant, help=argparse.SUPPRESS)
    parser.add_argument("--only", default=",".join(STEPS), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child and options.engine:
        child_engine(options.data, options.child, options.engine[0], options.what[0], options.memory_limit)
        return 0
    if options.engine:
        print(f"# {os.cpu_count()} cores, load average {_load()} (1, 5, 15 min; the machine is shared)", flush=True)
        for size in options.sizes:
            _participations_file(options.data, size)  # made once, outside the timed processes
            for engine in options.engine:
                for what in options.what:
                    command = [sys.executable, __file__, "--data", str(options.data), "--engine", engine,
                               "--what", what, "--child", str(size)]
                    if options.memory_limit:
                        command += ["--memory-limit", options.memory_limit]
                    try:
                        done = subprocess.run(command, capture_output=True, text=True, timeout=options.timeout,
                                              check=False)
                    except subprocess.TimeoutExpired:
                        print(json.dumps({"engine": engine, "what": what, "size": size,
                                          "result": f"did not finish in {options.timeout:.0f} s"}), flush=True)
                        continue
                    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
                    peak = _peak_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
                    print(lines[-1] if lines else json.dumps({"engine": engine, "what": what, "size": size,
                          "failed": done.stderr.strip().splitlines()[-1:], "peak_mb_so_far": peak}), flush=True)
        return 0
    if options.child and options.duckdb:
        child_duckdb(options.data, options.child)
        return 0
    if options.child:
        child(options.data, options.child, options.variant, options.only.split(","))
        return 0
    if options.duckdb:
        for size in options.sizes:
            command = [sys.executable, __file__, "--data", str(options.data), "--duckdb", "--child", str(size)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=options.timeout,
                                      check=False)
            except subprocess.TimeoutExpired:
                print(f"{size:,}: did not finish in {options.timeout:.0f} s", flush=True)
                continue
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            print(lines[-1] if lines else done.stderr.strip().splitlines()[-1:], flush=True)
        return 0
    print(f"# {os.cpu_count()} cores, load average {_load()}, step limit {options.step_limit:.0f} s, "
          f"size limit {options.timeout:.0f} s", flush=True)
    rows = []
    if not (options.bounded and options.skip_unbounded):
        for size in options.sizes:
            rows.append(run_row(options.data, size, None, options.step_limit, options.timeout))
    if options.bounded:
        for variant in options.variants:
            rows.append(run_row(options.data, max(options.sizes), variant, options.step_limit, options.timeout))
    table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
