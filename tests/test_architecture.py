"""The layout of docs/architecture.md: stages import only earlier ones, private stays private, names stay.

The import rules read every module under ``src/clusternet`` with :mod:`ast`, so a module that
would fail to import is still checked, and imports inside functions count as much as those at
the top.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "clusternet"

#: The pipeline, bottom up: a module may import its own stage and earlier ones. ``_shared`` imports
#: nothing of clusternet, so that the errors can use it; ``_options`` reads arguments and raises errors.
PIPELINE = {
    "_shared": 0,
    "errors": 1,
    "_options": 2,
    "model": 3,
    "io": 4,
    "graphs": 5,
    "measures": 6,
    "viz": 7,
    "report": 8,
    "cli": 9,
    "__main__": 9,
}
#: Beside the pipeline: bundled data and strategies build Ecosystems, so they may use the model and
#: the readers; no stage may come to depend on them, only the command line (which loads datasets).
BESIDE = {"datasets": PIPELINE["io"], "testing": PIPELINE["io"]}
#: The 0.1 module paths kept alive; each stands in for one package and needs nothing else.
COMPAT = {"ecosystem": "model", "strategies": "testing"}
#: The only modules that may import the report and the command line.
TOP = {"cli", "__main__"}

#: ``clusternet.__all__`` as of 6eb08ff (``git show 6eb08ff:src/clusternet/__init__.py``), the last
#: flat layout: every one of these must keep importing from ``clusternet``.
OLD_ALL = [
    "COMMUNITY_METHODS",
    "communities",
    "community_profile",
    "compare_partitions",
    "consensus_communities",
    "misfits",
    "modularity",
    "nominal_partition",
    "ConvergenceWarning",
    "InvalidGraphError",
    "centrality",
    "cluster_centrality",
    "OVERLAP_MEASURES",
    "multi_membership",
    "niche_mapping",
    "overlap",
    "BROKERAGE_ROLES",
    "MODULE_ROLES",
    "MissingAttributeError",
    "PermutationResult",
    "brokerage",
    "consortium_diversity",
    "ei_index",
    "gefura",
    "group_mixing",
    "module_roles",
    "nominal_assortativity",
    "participation_coefficient",
    "permutation_test",
    "structural_holes",
    "ClusternetError",
    "Ecosystem",
    "MissingTableError",
    "OptionalDependencyError",
    "SchemaError",
    "StyleError",
    "datasets",
    "read_cordis",
    "read_ecosystem",
    "read_table",
    "write_report",
    "kpis",
    "network_timeseries",
    "IdCollisionError",
    "OptionError",
    "bipartite_graph",
    "cluster_edges",
    "cluster_network",
    "edge_table",
    "organisation_edges",
    "organisation_network",
    "project_edges",
    "project_network",
    "ExportError",
    "write_gexf",
    "write_graphml",
    "write_table",
    "write_vosviewer",
    "NetworkPage",
    "show_html",
    "to_html",
    "plot_centrality",
    "plot_communities",
    "plot_network",
    "plot_overlap",
    "save_figure",
]


class Violation(NamedTuple):
    rule: str  # "stage" or "private"
    path: str  # relative to src/, e.g. clusternet/io/_readers.py
    line: int
    target: str  # what was imported, fully qualified
    why: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.path, self.target)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why}"


def _stage(module: str) -> str | None:
    """The stage a dotted clusternet module belongs to: its first component below the package."""
    parts = module.split(".")
    if len(parts) == 1:
        return "clusternet"
    name = parts[1]
    return name if name in PIPELINE or name in BESIDE or name in COMPAT else None


def _label(stage: str | None, module: str) -> str:
    if stage is None:
        return f"{module} (no stage: give it one in tests/test_architecture.py)"
    if stage in PIPELINE:
        return f"{stage} ({PIPELINE[stage]})"
    if stage in BESIDE:
        return f"{stage} (beside the pipeline, after io)"
    if stage in COMPAT:
        return f"{stage} (0.1 alias of {COMPAT[stage]})"
    return "clusternet (the package namespace)"


def _allowed(importer: str, imported: str) -> bool:
    if importer == imported or importer == "clusternet":
        return True
    if imported == "__main__":  # importing it runs the command line
        return False
    if importer in COMPAT:
        return imported == COMPAT[importer]
    if imported in COMPAT or imported == "clusternet":
        return False
    if imported in ("report", "cli") or imported in BESIDE:
        return importer in TOP
    if importer in BESIDE:
        return PIPELINE[imported] <= BESIDE[importer]
    return PIPELINE[imported] <= PIPELINE[importer]


def _imports(tree: ast.AST, module: str, is_package: bool):
    """Every import in the tree as (line, module imported from, name or None), relative ones resolved."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                yield node.lineno, source, alias.name


def check_module(source: str, path: str) -> list[Violation]:
    """The import-rule violations of one module, given its text and its path below ``src/``."""
    file = PurePosixPath(path)
    parts = list(file.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    module = ".".join(parts[:-1] if is_package else parts)
    own = _stage(module)
    if own is None:
        return [Violation("stage", path, 1, module, f"{_label(None, module)}")]
    found = []
    for line, source_module, name in _imports(ast.parse(source, filename=path), module, is_package):
        if name is not None and name.startswith("_") and not name.startswith("__"):
            if not source_module.rsplit(".", 1)[-1].startswith("_"):
                found.append(Violation(
                    "private", path, line, f"{source_module}.{name}",
                    f"{name} imported from {source_module}, which is not a private module",
                ))
        if not (source_module == "clusternet" or source_module.startswith("clusternet.")):
            continue
        target = source_module if name is None or name == "*" else f"{source_module}.{name}"
        # `from . import datasets` at the top names a subpackage; `from .. import Ecosystem` the namespace
        named_stage = source_module == "clusternet" and _stage(target) is not None
        stage_of = target if named_stage else source_module
        imported = _stage(stage_of)
        if imported is None or not _allowed(own, imported):
            found.append(Violation(
                "stage", path, line, target,
                f"{_label(own, module)} -> {_label(imported, stage_of)}: {target}",
            ))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _violations(rule: str) -> list[Violation]:
    found = []
    for file in _modules():
        path = file.relative_to(SRC).as_posix()
        found += [v for v in check_module(file.read_text(encoding="utf-8"), path) if v.rule == rule]
    return found


def _packages() -> list[str]:
    return sorted(
        ".".join(init.parent.relative_to(SRC).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    )


def test_no_stage_imports_a_later_one():
    found = _violations("stage")
    assert not found, "imports against the pipeline order (docs/architecture.md):\n" + "\n".join(map(str, found))


def test_private_names_come_only_from_private_modules():
    found = _violations("private")
    assert not found, "private names imported from public modules:\n" + "\n".join(map(str, found))


# Each case is a module that breaks one rule: the checker must say so, or it proves nothing.
BROKEN = [
    ("clusternet/graphs/_builders.py", "from ..measures import centrality\n", "graphs (5) -> measures (6)"),
    ("clusternet/model/_schema.py", "def draw():\n    from ..viz import to_html\n", "model (3) -> viz (7)"),
    ("clusternet/io/_readers.py", "import clusternet.graphs._builders\n", "io (4) -> graphs (5)"),
    ("clusternet/viz/_html.py", "from clusternet.report import write_report\n", "viz (7) -> report (8)"),
    ("clusternet/errors.py", "from .model import Ecosystem\n", "errors (1) -> model (3)"),
    ("clusternet/_shared.py", "from .errors import OptionError\n", "_shared (0) -> errors (1)"),
    ("clusternet/_options.py", "from ._shared import is_missing\nfrom .model import KINDS\n", "_options (2) -> model (3)"),
    ("clusternet/measures/_kpis.py", "from .. import datasets\n", "measures (6) -> datasets"),
    ("clusternet/datasets/synthetic.py", "from ..graphs import edge_table\n", "datasets (beside"),
    ("clusternet/testing/_strategies.py", "from ..cli import main\n", "-> cli (9)"),
    ("clusternet/strategies.py", "from .io import read_table\n", "strategies (0.1 alias of testing) -> io"),
    ("clusternet/graphs/_builders.py", "from .. import Ecosystem\n", "-> clusternet (the package namespace)"),
    ("clusternet/cli.py", "from . import __main__\n", "-> __main__ (9)"),
    ("clusternet/_layout.py", "", "clusternet._layout (no stage"),
]
BROKEN_PRIVATE = [
    ("clusternet/report.py", "from .viz import _figures\n", "_figures imported from clusternet.viz"),
    ("clusternet/measures/_kpis.py", "from ..graphs import _sorted\n", "_sorted imported from clusternet.graphs"),
    ("clusternet/viz/_html.py", "from json import _default_encoder\n", "_default_encoder imported from json"),
]
# And modules that keep the rules, so the checker does not cry wolf.
KEPT = [
    ("clusternet/measures/_communities.py", "from ._centrality import _edge_arrays\n"),
    ("clusternet/errors.py", "def message():\n    from ._shared import is_missing\n"),
    ("clusternet/graphs/_builders.py", "from ..model import Ecosystem\nfrom .._shared import isin\n"),
    ("clusternet/cli.py", "from . import datasets\nfrom .report import write_report\n"),
    ("clusternet/__main__.py", "from .cli import main\n"),
    ("clusternet/__init__.py", "from . import datasets\nfrom .report import write_report\n"),
    ("clusternet/datasets/__init__.py", "from ..io import read_table\nfrom ..model import TABLES\n"),
    ("clusternet/datasets/synthetic.py", "def f():\n    from . import load_flanders\n"),
    ("clusternet/ecosystem.py", "from .model._ecosystem import _restore\n"),
    ("clusternet/viz/_style.py", "from __future__ import annotations\nimport numpy as np\n"),
]


@pytest.mark.parametrize(("path", "source", "expected"), BROKEN + BROKEN_PRIVATE,
                         ids=[f"{p}:{s.strip().splitlines()[-1].strip() if s else 'new'}"
                              for p, s, _ in BROKEN + BROKEN_PRIVATE])
def test_checker_reports_a_broken_rule(path, source, expected):
    found = check_module(source, path)
    assert any(expected in str(v) for v in found), f"not reported: {expected!r}; found {list(map(str, found))}"


@pytest.mark.parametrize(("path", "source"), KEPT, ids=[f"{p}:{s.splitlines()[-1].strip()}" for p, s in KEPT])
def test_checker_accepts_a_kept_rule(path, source):
    assert check_module(source, path) == []


def test_every_0_1_name_still_imports_from_clusternet():
    import clusternet

    gone = [name for name in OLD_ALL if not hasattr(clusternet, name)]
    unlisted = [name for name in OLD_ALL if name not in clusternet.__all__]
    assert not gone, f"no longer importable from clusternet: {gone}"
    assert not unlisted, f"importable but missing from clusternet.__all__ (star imports lose them): {unlisted}"


@pytest.mark.parametrize("package", _packages())
def test_no_public_name_shadows_a_module(package):
    folder = SRC.joinpath(*package.split("."))
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    modules |= {p.parent.name for p in folder.glob("*/__init__.py")}
    namespace = importlib.import_module(package)
    shadowing = [
        name for name in getattr(namespace, "__all__", [])
        if name in modules and not (inspect.ismodule(getattr(namespace, name, None))
                                    and getattr(namespace, name).__name__ == f"{package}.{name}")
    ]
    assert not shadowing, f"{package}.__all__ names that hide a module of the same name: {shadowing}"


@pytest.mark.parametrize("package", _packages())
def test_every_name_in_all_exists(package):
    namespace = importlib.import_module(package)
    names = getattr(namespace, "__all__", None)
    assert names is not None, f"{package} has no __all__"
    missing = [name for name in names if not hasattr(namespace, name)]
    doubled = sorted({name for name in names if names.count(name) > 1})
    assert not missing, f"{package}.__all__ lists names it does not have: {missing}"
    assert not doubled, f"{package}.__all__ lists names twice: {doubled}"
