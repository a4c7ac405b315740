"""The docs: they build with mkdocs --strict, and the data-model page matches the schemas."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clusternet.model._declarations import schema_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_data_model_page_shows_the_schemas_as_they_are():
    page = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- schema:start -->\n(.*?)\n<!-- schema:end -->", page, re.S)
    assert block, "docs/data-model.md lost its schema markers"
    assert block.group(1).strip() == schema_markdown().strip(), (
        "docs/data-model.md is out of date: paste clusternet.model._declarations.schema_markdown() between the markers"
    )


def test_mkdocs_builds_strict(tmp_path):
    mkdocs = shutil.which("mkdocs") or str(Path(sys.executable).with_name("mkdocs"))
    if not Path(mkdocs).exists():
        pytest.fail("mkdocs is not installed; it comes with the 'test' extra")
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").exists()
