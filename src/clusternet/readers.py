"""Reading the six tables from CSV, Excel and Parquet files, folders and mappings."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .ecosystem import Ecosystem
from .errors import OptionalDependencyError, SchemaError
from .schema import SCHEMAS, TABLES

__all__ = ["read_ecosystem", "read_table", "TABLE_SUFFIXES"]

#: File suffixes read_ecosystem recognises, by format.
TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".csv.gz": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# Tried in this order: UTF-8 (a BOM is dropped), then Windows-1252, which Excel on a
# Belgian PC writes and which decodes any byte, so "Coöperatief" survives both.
_ENCODINGS = ("utf-8-sig", "cp1252")


def read_ecosystem(source: str | os.PathLike | Mapping[str, object]) -> Ecosystem:
    """Read and validate an ecosystem from a folder of files or a mapping of tables.

    Parameters
    ----------
    source : path or mapping
        A folder with one file per table, named after the table (``organisations.csv``,
        ``memberships.xlsx``, ``participations.parquet``; case-insensitive, documented aliases
        such as ``organizations`` or ``members`` accepted), or a mapping of table name to a path
        or a DataFrame. Tables not needed may be left out.

    Returns
    -------
    Ecosystem

    Raises
    ------
    SchemaError
        Listing every problem of every table: unreadable or empty files, missing columns,
        bad values, unknown references, with file, row (header = row 1) and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import clusternet as cn
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "organisations.csv").write_text("org_id,name\\n007,Coöperatief A\\n", encoding="cp1252")
    >>> eco = cn.read_ecosystem(folder)
    >>> eco.organisations[["organisation_id", "name"]].values.tolist()
    [['007', 'Coöperatief A']]
    """
    if isinstance(source, Mapping):
        entries = dict(source)
    else:
        folder = Path(source)
        if not folder.exists():
            raise SchemaError([_case(None, str(folder), "no such file or folder")])
        if not folder.is_dir():
            raise SchemaError([_case(None, str(folder), "expected a folder with one file per table")])
        entries = _find_tables(folder)
        if not entries:
            raise SchemaError([_case(None, str(folder),
                                     f"no table files found; expected files named {', '.join(TABLES)} "
                                     f"with a suffix among {', '.join(TABLE_SUFFIXES)}")])
    frames: dict[str, pd.DataFrame | None] = {}
    files: dict[str, str | None] = {}
    failures = []
    for name, value in entries.items():
        if value is None:
            continue
        if isinstance(value, pd.DataFrame):
            frames[name] = value
            continue
        files[name] = str(value)
        try:
            frames[name] = read_table(value)
        except SchemaError as error:
            failures.extend(error.failure_cases.assign(table=name).to_dict("records"))
    if failures:
        raise SchemaError(failures)
    return Ecosystem.from_tables(frames, files=files)


def read_table(path: str | os.PathLike, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read one table file as text cells, indexed by spreadsheet row number (header = row 1).

    CSV: the separator (``,``, ``;``, tab or ``|``) is detected, the encoding is UTF-8 (with or
    without BOM) or Windows-1252, and every cell is kept as text so ids like ``007`` survive.
    Excel needs the ``excel`` extra (openpyxl), Parquet the ``parquet`` extra (pyarrow).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import clusternet as cn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "projects.csv"
    >>> _ = path.write_text("project_id;budget\\nP1;1.250,5\\n", encoding="utf-8")
    >>> cn.read_table(path)
      project_id  budget
    2         P1 1.250,5
    """
    path = Path(path)
    form = _format(path)
    if form is None:
        raise SchemaError([_case(None, str(path),
                                 f"unknown file type; expected one of {', '.join(TABLE_SUFFIXES)}")])
    if not path.exists():
        raise SchemaError([_case(None, str(path), "no such file")])
    if form == "csv":
        frame = _read_csv(path)
    elif form == "excel":
        frame = _read_excel(path, sheet)
    else:
        frame = _read_parquet(path)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        import gzip

        raw = gzip.decompress(raw)
    if not raw.strip():
        raise SchemaError([_case(None, str(path), "the file is empty; expected a header row")])
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:65536]
    try:
        separator = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        separator = ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,  # "NA" is Namibia, not a missing value
            na_values=[""],
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise SchemaError([_case(None, str(path), f"not a readable CSV file: {error}")]) from error


def _read_excel(path: Path, sheet) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError as error:
        raise OptionalDependencyError(
            "reading Excel files needs openpyxl: pip install 'clusternet[excel]'"
        ) from error
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise SchemaError([_case(None, str(path), f"not a readable Excel file: {error}")]) from error
    frame = frame.dropna(how="all")
    return frame.reset_index(drop=True)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise OptionalDependencyError(
            "reading Parquet files needs pyarrow: pip install 'clusternet[parquet]'"
        ) from error
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise SchemaError([_case(None, str(path), f"not a readable Parquet file: {error}")]) from error


def _format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(TABLE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return TABLE_SUFFIXES[suffix]
    return None


def _find_tables(folder: Path) -> dict[str, Path]:
    names = {}
    for name, schema in SCHEMAS.items():
        names[name] = name
        for alias in schema.file_aliases:
            names[alias] = name
    found: dict[str, Path] = {}
    failures = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or _format(path) is None:
            continue
        stem = path.name.lower()
        for suffix in sorted(TABLE_SUFFIXES, key=len, reverse=True):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        table = names.get(stem.strip().replace(" ", "_").replace("-", "_"))
        if table is None:
            continue
        if table in found:
            failures.append(_case(table, str(path), f"two files for table {table}: {found[table].name} and "
                                  f"{path.name}; keep one"))
            continue
        found[table] = path
    if failures:
        raise SchemaError(failures)
    return found


def _case(table, file, reason):
    return {"table": table, "file": file, "row": None, "column": None, "value": None, "reason": reason}
