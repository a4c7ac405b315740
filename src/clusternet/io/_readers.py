"""Reading the seven tables from CSV, Excel and Parquet files, folders and mappings."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import OptionalDependencyError, SchemaError
from ..model import SCHEMAS, TABLES, Ecosystem
from ..model._numbers import check_number_format

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
# Belgian PC writes, so "Coöperatief" survives both; Latin-1 last, as it decodes any byte
# (cp1252 leaves five bytes such as 0x81 undefined).
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def read_ecosystem(
    source: str | os.PathLike | Mapping[str, object],
    *,
    decimal: str | None = None,
    thousands: str | None = None,
) -> Ecosystem:
    """Read and validate an ecosystem from a folder of files or a mapping of tables.

    Parameters
    ----------
    source : path or mapping
        A folder with one file per table, named after the table (``organisations.csv``,
        ``memberships.xlsx``, ``participations.parquet``, ``activities.csv``; case-insensitive,
        documented aliases such as ``organizations``, ``members`` or ``activiteiten`` accepted), or
        a mapping of table name to a path or a DataFrame. Tables not needed may be left out. Files in the folder with a table
        suffix but another name (``notes.csv``, ``organisations (1).csv``) are ignored and
        listed in ``eco.notes``.
    decimal : {".", ","}, optional
        The decimal mark of numbers written as text, in every table. By default each number and
        year column's convention is inferred from all its values; one only ambiguous values
        (``1,250``, ``1.000``) leaves is read by a stated rule and noted in ``eco.notes``.
    thousands : {",", ".", " ", "'", "’", ""}, optional
        The thousands separator ("" for none); ``","`` alone implies a decimal point, ``"."``
        a decimal comma.

    Returns
    -------
    Ecosystem

    Raises
    ------
    OptionError
        When ``decimal`` or ``thousands`` is not an accepted mark.
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
    check_number_format(decimal, thousands)
    if isinstance(source, Mapping):
        entries = dict(source)
        ignored: list[Path] = []
    else:
        folder = Path(source)
        if not folder.exists():
            raise SchemaError([_case(None, str(folder), "no such file or folder")])
        if not folder.is_dir():
            raise SchemaError([_case(None, str(folder), "expected a folder with one file per table")])
        entries, ignored = _find_tables(folder)
        if not entries:
            raise SchemaError([_case(None, str(folder),
                                     f"no table files found; expected files named {', '.join(TABLES)} "
                                     f"with a suffix among {', '.join(TABLE_SUFFIXES)}")])
    frames: dict[str, pd.DataFrame | None] = {}
    files: dict[str, str | None] = {}
    failures = []
    notes: list[dict] = [
        {"table": "", "file": str(path), "column": "", "rows": 0, "removed": False,
         "action": f"file {path.name} ignored: its name is not one of the tables ({', '.join(TABLES)}) "
                   "or their aliases"}
        for path in ignored
    ]
    for name, value in entries.items():
        if value is None:
            continue
        if isinstance(value, pd.DataFrame):
            frames[name] = _with_number_format(value, decimal, thousands)
            continue
        files[name] = str(value)
        try:
            frames[name] = read_table(value, decimal=decimal, thousands=thousands)
        except SchemaError as error:
            failures.extend(error.failure_cases.assign(table=name).to_dict("records"))
            continue
        for skipped in frames[name].attrs.get("skipped", []):
            notes.append({"table": name, "file": str(value), "column": "", **skipped})
    if failures:
        raise SchemaError(failures)
    return Ecosystem.from_tables(frames, files=files, notes=pd.DataFrame(notes))


def read_table(
    path: str | os.PathLike,
    *,
    sheet: str | int = 0,
    decimal: str | None = None,
    thousands: str | None = None,
) -> pd.DataFrame:
    """Read one table file as text cells, indexed by spreadsheet row number (header = row 1).

    CSV: the separator (``,``, ``;``, tab or ``|``) is the one that cuts the header and the
    first records into the same number of cells (quotes respected), the encoding is UTF-8 (with or
    without BOM), UTF-16 with a BOM, or Windows-1252, and every cell is kept as text so ids like
    ``007`` survive. A ``.gz`` suffix means gzip.
    Excel needs the ``excel`` extra (openpyxl), Parquet the ``parquet`` extra (pyarrow).

    The header is the row among the first ten that names the most columns of the data model, so
    title rows above it (an Excel sheet with a merged "Ledenlijst 2019" banner) are skipped.
    Empty rows are skipped. The index keeps each row's number as a spreadsheet shows it, so
    errors point at the right row; skipped rows are listed in ``frame.attrs["skipped"]``.

    Numbers stay text here: validation reads them, inferring each column's convention. A stated
    ``decimal`` or ``thousands`` (see :func:`read_ecosystem`) is kept in
    ``frame.attrs["number_format"]``, which validation reads.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import clusternet as cn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "projects.csv"
    >>> _ = path.write_text("Projects 2019;\\nproject_id;budget\\n\\nP1;1.250,5\\n", encoding="utf-8")
    >>> cn.read_table(path)
      project_id  budget
    4         P1 1.250,5
    """
    check_number_format(decimal, thousands)
    path = Path(path)
    form = _format(path)
    if form is None:
        raise SchemaError([_case(None, str(path),
                                 f"unknown file type; expected one of {', '.join(TABLE_SUFFIXES)}")])
    if not path.exists():
        raise SchemaError([_case(None, str(path), "no such file")])
    if form == "parquet":
        frame = _read_parquet(path)
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        frame.attrs["skipped"] = []
        return _with_number_format(frame, decimal, thousands)
    grid = _read_csv(path) if form == "csv" else _read_excel(path, sheet)
    return _with_number_format(_grid_to_table(grid, path), decimal, thousands)


def _with_number_format(frame: pd.DataFrame, decimal: str | None, thousands: str | None) -> pd.DataFrame:
    """The frame, telling validation the number format the caller stated (if any)."""
    if decimal is None and thousands is None:
        return frame
    frame = frame.copy(deep=False)
    frame.attrs = {**frame.attrs, "number_format": {"decimal": decimal, "thousands": thousands}}
    return frame


def _grid_to_table(grid: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Find the header row in a grid of cells read without one, and number rows as a spreadsheet."""
    if grid.empty:
        raise SchemaError([_case(None, str(path), "the file is empty; expected a header row")])
    known = _known_column_names()
    # The header is the row naming the most model columns among the first ten: a merged group
    # row above it ("Organisatie | Type") may name one too.
    header_at = None
    first_filled = None
    best = 0
    for position in range(min(10, len(grid))):
        cells = grid.iloc[position]
        if cells.notna().any() and first_filled is None:
            first_filled = position
        hits = len({_normalise(cell) for cell in cells.dropna()} & known)
        if hits > best:
            header_at, best = position, hits
    if header_at is None:
        header_at = first_filled if first_filled is not None else 0
    header = [
        f"unnamed_{i + 1}" if pd.isna(cell) or not str(cell).strip() else str(cell).replace("\ufeff", "").strip()
        for i, cell in enumerate(grid.iloc[header_at])
    ]
    body = grid.iloc[header_at + 1:]
    body.columns = header
    body.index = pd.RangeIndex(header_at + 2, header_at + 2 + len(body))  # spreadsheet rows are 1-based
    # Columns with neither a name nor a value are spreadsheet formatting, not data.
    empty_unnamed = [name for name in header if name.startswith("unnamed_") and body[name].isna().all()]
    body = body.drop(columns=empty_unnamed)
    blank = body.isna().all(axis=1) if body.shape[1] else pd.Series(True, index=body.index)
    skipped = []
    if header_at:
        # title rows are not data rows: reported, but not counted as rows removed from the table
        skipped.append({"rows": header_at, "removed": False, "action": f"{header_at} row(s) above the "
                        f"header (row {header_at + 1}) skipped as titles"})
    if blank.any():
        skipped.append({"rows": int(blank.sum()), "removed": True,
                        "action": f"{int(blank.sum())} empty row(s) skipped"})
    table = body[~blank]
    table.attrs["skipped"] = skipped
    return table


def _known_column_names() -> set[str]:
    names = set()
    for schema in SCHEMAS.values():
        for column in schema.columns:
            names.add(_normalise(column.name))
            names.update(_normalise(alias) for alias in column.aliases)
    return names


def _normalise(name: object) -> str:
    return str(name).replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise SchemaError([_case(None, str(path), f"not a readable gzip file: {error}")]) from error
    text = _decode(raw, path)
    if not text.strip():
        raise SchemaError([_case(None, str(path), "the file is empty; expected a header row")])
    first_lines = [line for line in text[:65536].splitlines() if line.strip()][:10]
    separator = _separator(text)
    try:
        # header=None: pandas would rename a repeated column ("id", "id.1"), hiding the problem
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,  # "NA" is Namibia, not a missing value
            na_values=[""],
            skip_blank_lines=False,  # keep row numbers equal to the spreadsheet's
            # a title line above the header has fewer cells: name the widest row's columns
            names=range(_width(first_lines, separator)),
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        raise SchemaError([_case(None, str(path), f"not a readable CSV file: {error}")]) from error


_SEPARATORS = (",", ";", "\t", "|")


def _separator(text: str) -> str:
    """The separator that cuts the first records of ``text`` into the same number of cells.

    Quotes are respected, and the header counts like any line, so a decimal comma inside
    ``;``-separated data ("1.234,5", which csv.Sniffer took for the separator) does not win:
    the winner is the separator giving most records one width above one cell, then the wider.
    """
    head = text[:65536]
    if len(text) > len(head) and "\n" in head:
        head = head[: head.rfind("\n") + 1]  # no record cut in two
    best, best_score = ",", (0, 0)
    for candidate in _SEPARATORS:
        widths = []
        try:
            for record in csv.reader(io.StringIO(head), delimiter=candidate):
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
                if len(widths) == 20:
                    break
        except csv.Error:
            continue
        counts = Counter(width for width in widths if width > 1)
        if not counts:
            continue
        width, records = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (records, width) > best_score:
            best, best_score = candidate, (records, width)
    return best


def _decode(raw: bytes, path: Path) -> str:
    """Bytes to text: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 (BOM dropped), cp1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SchemaError([_case(None, str(path), f"not readable UTF-16 text: {error}")]) from error
    if b"\x00" in raw[:65536]:
        raise SchemaError([_case(None, str(path), "not a text file (it holds NUL bytes): save it as CSV, "
                                                  "or give it an .xlsx or .parquet suffix if it is one")])
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


def _width(lines: list[str], separator: str) -> int:
    """The number of cells of the widest of the first lines."""
    return max(len(next(csv.reader([line], delimiter=separator))) for line in lines)


def _read_excel(path: Path, sheet) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError as error:
        raise OptionalDependencyError(
            "reading Excel files needs openpyxl: pip install 'clusternet[excel]'"
        ) from error
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise SchemaError([_case(None, str(path), f"not a readable Excel file: {error}")]) from error


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


def _find_tables(folder: Path) -> tuple[dict[str, Path], list[Path]]:
    """The table files of a folder, and the files with a table suffix but no table name (which
    are ignored and reported: a folder often holds a README or a copy such as
    ``organisations (1).csv``)."""
    names = {}
    for name, schema in SCHEMAS.items():
        names[name] = name
        for alias in schema.file_aliases:
            names[alias] = name
    found: dict[str, Path] = {}
    ignored: list[Path] = []
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
            ignored.append(path)
            continue
        if table in found:
            failures.append(_case(table, str(path), f"two files for table {table}: {found[table].name} and "
                                  f"{path.name}; keep one"))
            continue
        found[table] = path
    if failures:
        raise SchemaError(failures)
    return found, ignored


def _case(table, file, reason):
    return {"table": table, "file": file, "row": None, "column": None, "value": None, "reason": reason}
