"""Shared pieces of the research-question examples: options, the data caveat, printing tables.

Not an example itself (the leading underscore keeps it out of the smoke tests).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

import clusternet as cn

SYNTHETIC_NOTE = (
    "DATA: the Flemish member-level data below (member firms, their sectors, sizes and projects) is\n"
    "SYNTHETIC, a stand-in calibrated to the figures the 2020 evaluation report publishes\n"
    "(datasets.synthetic_ecosystem). Only the cluster landscape (6 SPCs, 20 IBNs, the moonshot) and\n"
    "the intercluster projects of Tabel 10 and 11 are real. The numbers show what the method\n"
    "answers; they are not findings about Flanders."
)


def options(description: str, *, seed: bool = True) -> argparse.ArgumentParser:
    """The options every example takes: ``--out`` (a fresh temporary folder by default) and ``--seed``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the CSV tables (default: a new temporary folder, never the repository)")
    if seed:
        parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data and of random steps")
    return parser


def output_folder(out: Path | None, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"clusternet-{name}-")) if out is None else out
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def show(table: pd.DataFrame | pd.Series, meaning: str, *, digits: int = 3, rows: int | None = None) -> None:
    """Print a table and one sentence saying how to read it."""
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    shown = table if rows is None else table.head(rows)
    print(shown.round(digits).to_string())
    print(f"-> {meaning}")


def save(table: pd.DataFrame | pd.Series, folder: Path, name: str) -> Path:
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    keep_index = not isinstance(frame.index, pd.RangeIndex)
    return cn.write_table(frame.reset_index() if keep_index else frame, folder / f"{name}.csv")
