"""docs/measures-rd-networks.md: every code block of the page runs as it is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "measures-rd-networks.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_code_block_runs(code, capsys):
    exec(compile(code, str(PAGE), "exec"), {"__name__": "__docs__"})  # the blocks assert what they show
