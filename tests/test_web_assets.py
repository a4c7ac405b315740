"""The page's JavaScript and CSS files, and the data contract between Python and the page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import types
import typing
from importlib import resources
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import clusternet as cn
from clusternet.viz._page_data import PageData

STATIC = resources.files("clusternet.viz") / "static"


def _data(page_html: str) -> dict:
    match = re.search(r'<script id="cn-data" type="application/json">(.*?)</script>', page_html, re.S)
    assert match, "the page carries its data in one JSON script element"
    return json.loads(match.group(1))


def _inline_scripts(page_html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page_html, re.S)


def _node() -> str | None:
    return shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").is_file() else None)


@pytest.fixture(scope="module")
def small_page() -> str:
    G = nx.Graph()
    G.add_node("a", name="Alpha", type="SPC", members=3)
    G.add_node("b", name="Beta", type="IBN", members=1)
    G.add_node("c", name="Gamma", type="SPC", members=7)
    G.add_edge("a", "b", weight=2.0)
    G.add_edge("b", "c")
    return cn.show_html(G, color_by="type", size_by="members", title="Small").html


SCRIPTS = ("app.js", "render_canvas.js", "render_webgl.js")
VENDOR = ("graphology.umd.min.js", "sigma.min.js")


def test_asset_files_ship_with_the_package():
    for name in (*SCRIPTS, "app.css"):
        assert (STATIC / name).is_file(), f"static/{name} is package data of clusternet.viz"
    for name in (
        *VENDOR,
        "README.md",
        "sigma.LICENSE.txt",
        "graphology.LICENSE.txt",
        "events.LICENSE.txt",
        "graphology-utils.LICENSE.txt",
    ):
        assert (STATIC / "vendor" / name).is_file(), f"static/vendor/{name} is package data of clusternet.viz"


def test_vendored_libraries_are_the_versions_and_files_the_readme_names():
    # The README is how the next person updates them: its versions and SHA-256 sums must be the
    # ones the page names in its generator line and the files shipped.
    import hashlib

    from clusternet.viz._html import _WEBGL_LIBRARIES

    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    for name, library, version in _WEBGL_LIBRARIES:
        assert re.search(rf"`{re.escape(name)}` \| \[{library}\].* \| {re.escape(version)} \| MIT", readme), (
            name
        )
        digest = hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in readme, f"README.md's SHA-256 of {name} is out of date"
        licence = (STATIC / "vendor" / f"{library}.LICENSE.txt").read_text(encoding="utf-8")
        assert "Permission is hereby granted, free of charge" in licence  # the MIT licence text


@pytest.fixture(scope="module")
def webgl_page() -> str:
    G = nx.Graph([("a", "b"), ("b", "c")])
    return cn.show_html(G, renderer="webgl", title="Small").html


@pytest.mark.parametrize(
    ("name", "source"),
    [(name, source) for name in SCRIPTS for source in ("file", "inlined")],
    ids=[f"{name} {source}" for name in SCRIPTS for source in ("as written", "as inlined")],
)
def test_page_scripts_are_valid_javascript(name, source, small_page, webgl_page, tmp_path):
    node = _node()
    if node is None:
        pytest.skip("node is not installed, so the page's scripts cannot be syntax-checked")
    with resources.as_file(STATIC / name) as path:
        if source == "inlined":
            # The page's own copy: what the browser runs, the header comment left out.
            page = webgl_page if name == "render_webgl.js" else small_page
            position = -1 if name == "app.js" else -2
            path = tmp_path / "inlined.js"
            path.write_text(_inline_scripts(page)[position], encoding="utf-8")
        result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_page_inlines_the_files_without_their_header(small_page, webgl_page):
    for page, names in (
        (small_page, ("render_canvas.js", "app.js")),
        (webgl_page, ("render_webgl.js", "app.js")),
    ):
        for inlined, name in zip(_inline_scripts(page)[-2:], names, strict=True):
            script = (STATIC / name).read_text(encoding="utf-8")
            assert inlined == script[script.index("\n(function") :], name
            assert script.splitlines()[0] not in page  # the header is for whoever edits the file
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert f"<style>\n{css}</style>" in small_page
    # The vendored libraries go in as shipped, less the source-map comment (the map is not shipped).
    for inlined, name in zip(_inline_scripts(webgl_page)[:2], VENDOR, strict=True):
        shipped = (STATIC / "vendor" / name).read_text(encoding="utf-8")
        assert shipped.startswith(inlined) and "sourceMappingURL" not in inlined


def test_assets_cannot_close_their_element_early():
    # Inlined, "</script" inside the script (or "</style" in the CSS) would end it and turn
    # the rest into markup; "<!--" starts the script-data escape states.
    for name in SCRIPTS:
        script = (STATIC / name).read_text(encoding="utf-8").lower()
        assert "</script" not in script and "<!--" not in script, name
    for name in VENDOR:
        script = (STATIC / "vendor" / name).read_text(encoding="utf-8").lower()
        assert "</script" not in script and "<!--" not in script, name
    assert "</style" not in (STATIC / "app.css").read_text(encoding="utf-8").lower()


def test_the_wheel_ships_the_page_assets(tmp_path):
    # The page reads its scripts and the vendored libraries as package data: a wheel without
    # them would write pages that do not draw. Built with hatchling's own wheel builder.
    hatchling = pytest.importorskip("hatchling.builders.wheel", reason="hatchling is not installed")
    import zipfile

    root = Path(__file__).resolve().parents[1]
    (wheel,) = hatchling.WheelBuilder(str(root)).build(directory=str(tmp_path), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [f"clusternet/viz/static/{name}" for name in (*SCRIPTS, "app.css")]
    wanted += [
        f"clusternet/viz/static/vendor/{name}"
        for name in (*VENDOR, "README.md", "sigma.LICENSE.txt", "graphology.LICENSE.txt")
    ]
    assert [name for name in wanted if name not in names] == []


# --- the data contract -------------------------------------------------------------------


def _departures(value: object, annotation: object, where: str, seen: set[tuple[str, str]]) -> list[str]:
    """Where ``value`` (parsed JSON) departs from ``annotation``; records each TypedDict key met."""
    if typing.is_typeddict(annotation):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        hints = typing.get_type_hints(annotation)
        problems = [
            f"{where}: missing {key!r}" for key in sorted(annotation.__required_keys__ - value.keys())
        ]
        problems += [
            f"{where}: {key!r} is not in the contract" for key in sorted(value.keys() - hints.keys())
        ]
        for key, item in value.items():
            if key in hints:
                seen.add((annotation.__name__, key))
                problems += _departures(item, hints[key], f"{where}.{key}", seen)
        return problems
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not an array"]
        return [
            p for i, item in enumerate(value) for p in _departures(item, arguments[0], f"{where}[{i}]", seen)
        ]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        return [
            p
            for key, item in value.items()
            for p in _departures(item, arguments[1], f"{where}[{key!r}]", seen)
        ]
    if origin in (types.UnionType, typing.Union):
        attempts = [_departures(value, argument, where, seen) for argument in arguments]
        return [] if any(not attempt for attempt in attempts) else attempts[0]
    if annotation is type(None):
        return [] if value is None else [f"{where}: {value!r}, not null"]
    if annotation is float:  # a JSON number
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif annotation is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, annotation)
    return [] if ok else [f"{where}: {value!r}, not {annotation.__name__}"]


def _declared(annotation: object, found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every (TypedDict, key) reachable from ``annotation``."""
    if typing.is_typeddict(annotation):
        for key, hint in typing.get_type_hints(annotation).items():
            if (annotation.__name__, key) not in found:
                found.add((annotation.__name__, key))
                _declared(hint, found)
    for argument in typing.get_args(annotation):
        _declared(argument, found)
    return found


def _contract_pages() -> dict[str, str]:
    """Pages that between them use every key of the contract."""
    G = nx.Graph()
    G.add_node("a", name="Alpha", type="SPC", members=3, founded=pd.Timestamp("2001-05-01"))
    G.add_node("b", name="Beta", type="IBN", members=1)
    G.add_node("c", name="Gamma", type="SPC", members=7)
    G.add_node("d", name="Delta", type=None, members=2)
    G.add_edge("a", "b", weight=2.0, years=[2015, 2017])
    G.add_edge("b", "c", weight=1, years=(2016,))
    G.add_edge("c", "d", note="no weight, so no width")
    measures = pd.DataFrame({"score": [0.5, 0.25, 1.0, 0.0]}, index=list("abcd"))
    directed = nx.DiGraph([(1, 2), (2, 3), (3, 1)])
    return {
        "categories, positions": cn.show_html(
            G, color_by="type", size_by="members", measures=measures, title="Contract"
        ).html,
        "webgl": cn.show_html(G, color_by="type", renderer="webgl").html,
        "continuous, physics": cn.show_html(G, color_by="score", measures=measures, layout="physics").html,
        "directed, plain": cn.show_html(directed).html,
        "empty": cn.show_html(nx.Graph()).html,
    }


@pytest.fixture(scope="module")
def contract_pages() -> dict[str, str]:
    return _contract_pages()


def test_pages_emit_exactly_the_contract(contract_pages):
    seen: set[tuple[str, str]] = set()
    for name, page_html in contract_pages.items():
        assert _departures(_data(page_html), PageData, "data", seen) == [], name
    # Each key of the contract is written by some page, so the contract holds no dead keys.
    assert _declared(PageData, set()) - seen == set()


def test_contract_checker_catches_drift(contract_pages):
    # The checker itself must notice an added, a missing and a retyped key.
    data = _data(contract_pages["categories, positions"])
    data["nodes"][0]["shape"] = "box"
    del data["legend"]["size"]
    data["edges"]["count"] = "3"
    problems = _departures(data, PageData, "data", set())
    assert problems == [
        "data.nodes[0]: 'shape' is not in the contract",
        "data.edges.count: '3', not int",
        "data.legend: missing 'size'",
    ]


@pytest.mark.parametrize("name", SCRIPTS)
def test_page_scripts_read_only_contract_keys(name):
    # Top-level, edge and legend keys the scripts read (as data.<key>) must all be in the contract.
    script = (STATIC / name).read_text(encoding="utf-8")
    hints = typing.get_type_hints(PageData)
    assert set(re.findall(r"\bdata\.(\w+)", script)) <= hints.keys()
    edges = typing.get_type_hints(hints["edges"])
    assert set(re.findall(r"\bdata\.edges\.(\w+)", script)) <= edges.keys()
    legend = typing.get_type_hints(hints["legend"])
    assert set(re.findall(r"\bdata\.legend\.(\w+)", script)) <= legend.keys()
    gradient = typing.get_type_hints(typing.get_args(legend["continuous"])[0])
    assert set(re.findall(r"\bdata\.legend\.continuous\.(\w+)", script)) <= gradient.keys()
