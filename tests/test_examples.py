"""Every script in examples/ runs: a smoke test in subprocesses, as a user would run it.

Each script runs as ``__main__`` (``runpy.run_path``) with its own ``sys.argv``, stdout and exit
code, in one of two worker interpreters started with ``sys.executable``: importing the scientific
stack costs seconds of CPU, so paying it twice instead of once per script keeps this file fast on
a shared 2-core machine. The expected text is the heading or verdict each script prints, so a
script that runs but answers nothing fails too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORDIS_FILE = SHARED_DATA / "cordis-h2020" / "h2020.csv.gz"
SYNTHETIC_CAVEAT = "SYNTHETIC, a stand-in calibrated"

# What each script must print; scripts on the real CORDIS data are listed apart.
FLEMISH = {
    "q1_reach.py": [SYNTHETIC_CAVEAT, "Members and active companies per SPC", "in two or more SPCs"],
    "q2_cross_sector.py": [SYNTHETIC_CAVEAT, "E-I of the firm network", "Who brokers between sectors"],
    "q3_spc_ibn_overlap.py": [SYNTHETIC_CAVEAT, "matches_report", "Integration candidates"],
    "q4_central_actors.py": ["REAL DATA", SYNTHETIC_CAVEAT, "spc-sim", "cluster organisation"],
    "q5_communities.py": [SYNTHETIC_CAVEAT, "nmi", "Misfits"],
    "q6_new_spc_from_ibn.py": [SYNTHETIC_CAVEAT, "fold into spc-sim", "The readings against the report"],
    "flanders_kpis.py": ["Members and their flows per spearhead cluster", "Tabel 4"],
    "flanders_overlap_bridging.py": ["Relations the report names", "E-I index"],
    "flanders_pictures.py": ["flanders_intercluster.html", "export:"],
    "flanders_centrality_communities.py": ["REAL DATA", SYNTHETIC_CAVEAT, "consensus_communities"],
    "own_data.py": ["SYNTHETIC partner list", "merged into organisation 'acme nv (BE)'", "report:"],
}
CORDIS = {
    "cordis_belgium.py": ["real EU data", "Belgian organisations' network position", "Top Belgian brokers"],
    "cordis_kpis.py": ["read_cordis", "KPIs per start year"],
}
# Options that keep a run short: fewer permutations, one small year of Horizon 2020.
EXTRA = {"q2_cross_sector.py": ["--permutations", "19"], "cordis_belgium.py": ["--years", "2021"]}
# Two workers with about equal CPU time (measured): the heaviest scripts in different workers.
WORKERS = (
    ["cordis_kpis.py", "cordis_belgium.py", "q1_reach.py", "q3_spc_ibn_overlap.py", "q5_communities.py",
     "flanders_centrality_communities.py", "no data"],
    ["flanders_pictures.py", "flanders_overlap_bridging.py", "q2_cross_sector.py", "q4_central_actors.py",
     "q6_new_spc_from_ibn.py", "flanders_kpis.py", "own_data.py"],
)

WORKER = """
import contextlib, io, json, os, runpy, sys, traceback
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["examples"])  # as when a script runs: its folder comes first
results = {}
for job in spec["jobs"]:
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(job["environment"])
    sys.argv = [job["script"], *job["arguments"]]
    code = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            runpy.run_path(job["script"], run_name="__main__")
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
    os.environ.clear()
    os.environ.update(saved)
    results[job["name"]] = {"returncode": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
with open(spec["results"], "w", encoding="utf-8") as file:
    json.dump(results, file)
"""


def _job(name: str, folder: Path) -> dict:
    if name == "no data":  # cordis_belgium.py where the shared data is absent
        return {"name": name, "script": str(EXAMPLES / "cordis_belgium.py"), "arguments": ["--out", str(folder)],
                "environment": {"CLUSTERNET_SHARED_DATA": str(folder / "absent")}}
    # cordis_kpis.py takes the data file as its one argument and writes nothing
    arguments = [str(CORDIS_FILE)] if name == "cordis_kpis.py" else ["--out", str(folder), *EXTRA.get(name, [])]
    return {"name": name, "script": str(EXAMPLES / name), "arguments": arguments, "environment": {}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """Run every example once; results by script name, with the folder each wrote to."""
    folders, workers = {}, []
    for number, names in enumerate(WORKERS):
        jobs = []
        for name in names:
            if name in CORDIS and not CORDIS_FILE.exists():
                continue
            folders[name] = tmp_path_factory.mktemp(name.removesuffix(".py").replace(" ", "-"))
            jobs.append(_job(name, folders[name]))
        results = tmp_path_factory.mktemp("results") / f"worker{number}.json"
        spec = {"examples": str(EXAMPLES), "jobs": jobs, "results": str(results)}
        environment = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        process = subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(spec)], cwd=ROOT, env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        workers.append((process, results))
    found = {}
    for process, results in workers:
        stdout, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, f"worker failed:\n{stdout[-2000:]}\n{stderr[-4000:]}"
        found.update(json.loads(results.read_text(encoding="utf-8")))
    return {name: {**result, "folder": folders[name]} for name, result in found.items()}


def _check(result: dict, expected: list[str]) -> None:
    assert result["returncode"] == 0, (f"exit {result['returncode']}\n{result['stdout'][-2000:]}\n"
                                       f"{result['stderr'][-4000:]}")
    missing = [text for text in expected if text not in result["stdout"]]
    assert not missing, f"missing {missing} in:\n{result['stdout'][-3000:]}"


def test_every_example_is_listed():
    scripts = {path.name for path in EXAMPLES.glob("*.py") if not path.name.startswith("_")}
    assert scripts == set(FLEMISH) | set(CORDIS)
    assert sorted(name for names in WORKERS for name in names if name != "no data") == sorted(scripts)


@pytest.mark.parametrize("name", list(FLEMISH), ids=[name.removesuffix(".py") for name in FLEMISH])
def test_flemish_example_runs(runs, name):
    _check(runs[name], FLEMISH[name])
    if name not in ("flanders_kpis.py", "flanders_overlap_bridging.py"):  # the two that only print
        # the answers' tables land in --out
        assert list(runs[name]["folder"].glob("*.csv")), f"{name} wrote no table"


@pytest.mark.parametrize("name", list(CORDIS), ids=[name.removesuffix(".py") for name in CORDIS])
def test_cordis_example_runs(cordis_path, runs, name):
    _check(runs[name], CORDIS[name])


def test_cordis_belgium_without_data_exits_cleanly(runs):
    result = runs["no data"]
    _check(result, ["CLUSTERNET_SHARED_DATA", "Nothing to do"])
    assert not list(result["folder"].iterdir()), "nothing is written when the data is absent"

