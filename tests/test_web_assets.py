"""The page's JavaScript and CSS files: shipped, valid, inlined as written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest

import clusternet as cn

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


def test_asset_files_ship_with_the_package():
    for name in ("app.js", "app.css"):
        assert (STATIC / name).is_file(), f"static/{name} is package data of clusternet.viz"


@pytest.mark.parametrize("source", ["file", "inlined"], ids=["app.js as written", "app.js as inlined"])
def test_app_script_is_valid_javascript(source, small_page, tmp_path):
    node = _node()
    if node is None:
        pytest.skip("node is not installed, so app.js cannot be syntax-checked")
    with resources.as_file(STATIC / "app.js") as path:
        if source == "inlined":
            # The page's own copy: what the browser runs, the header comment left out.
            path = tmp_path / "inlined.js"
            path.write_text(_inline_scripts(small_page)[-1], encoding="utf-8")
        result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_page_inlines_the_files_without_their_header(small_page):
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    code = script[script.index("\n(function") :]
    assert _inline_scripts(small_page)[-1] == code
    assert script.splitlines()[0] not in small_page  # the header is for whoever edits the file
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert f"<style>\n{css}</style>" in small_page


def test_assets_cannot_close_their_element_early():
    # Inlined, "</script" inside the script (or "</style" in the CSS) would end it and turn
    # the rest into markup; "<!--" starts the script-data escape states.
    script = (STATIC / "app.js").read_text(encoding="utf-8").lower()
    assert "</script" not in script and "<!--" not in script
    assert "</style" not in (STATIC / "app.css").read_text(encoding="utf-8").lower()
