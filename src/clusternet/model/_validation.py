"""The validation engine: raw tables checked against the declarations, cleaned, every failure collected."""

from __future__ import annotations

import datetime
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._shared import isin
from ..errors import FAILURE_COLUMNS, SchemaError
from ._declarations import NOTE_COLUMNS, REQUIRED_BY, ROLES, SCHEMAS, TABLES, YEAR_RANGE, Column, TableSchema
from ._numbers import _years_of_dates, check_number_format, parse_number_column

__all__ = ["validate_tables"]

# Stronger roles win when one organisation is listed twice in one project.
_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

_TRUE = {"true", "yes", "y", "t", "1", "ja", "j", "x", "waar", "1.0"}
_FALSE = {"false", "no", "n", "f", "0", "nee", "onwaar", "0.0", ""}


def _normalise_name(name: object) -> str:
    text = unicodedata.normalize("NFC", str(name).translate(_INVISIBLE)).strip().lower()
    return re.sub(r"[\s\-./]+", "_", text)


@dataclass
class _Collector:
    """Collects failures and notes while one ecosystem is validated."""

    chunks: list[pd.DataFrame | dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    # per table, the (decimal, thousands) the caller stated; None where the text decides
    number_formats: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.chunks)

    def fail(self, table, file, row, column, value, reason) -> None:
        self.chunks.append(
            {"table": table, "file": file, "row": row, "column": column, "value": value, "reason": reason}
        )

    def fail_rows(self, table, file, column, rows: pd.Index, values, reason) -> None:
        """Many failures of one column at once (``reason`` a string or one per row)."""
        if len(rows) == 0:
            return
        self.chunks.append(pd.DataFrame({
            "table": table, "file": file, "row": np.asarray(rows, dtype=object), "column": column,
            "value": np.asarray(values, dtype=object), "reason": reason,
        }))

    def failure_cases(self) -> pd.DataFrame:
        frames = [pd.DataFrame([chunk], columns=FAILURE_COLUMNS) if isinstance(chunk, dict) else chunk
                  for chunk in self.chunks]
        return pd.concat([frame.astype(object) for frame in frames], ignore_index=True)

    def note(self, table, file, column, rows, action, *, removed: bool = False) -> None:
        self.notes.append({"table": table, "file": file, "column": column, "rows": int(rows),
                           "action": action, "removed": removed})


def validate_tables(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    files: Mapping[str, str | None] | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, frozenset[str]]:
    """Validate raw tables and return them cleaned.

    Parameters
    ----------
    tables : mapping of str to DataFrame or None
        Raw tables by name; ``None`` or a missing key means the table was not given.
    files : mapping of str to str, optional
        The file each table came from, for the failure report. For tables read from files,
        the DataFrame index must hold the spreadsheet row numbers.
    decimal, thousands : str, optional
        The decimal mark (``"."`` or ``","``) and thousands separator (``","``, ``"."``, ``" "``,
        ``"'"``, or ``""`` for none) of numbers written as text, in every table; by default each
        number and year column's convention is inferred from its values (see "Numbers and dates"
        in the data model's documentation). A table whose ``attrs["number_format"]`` holds a
        ``{"decimal": ..., "thousands": ...}`` mapping (which :func:`~clusternet.read_table` sets)
        uses that instead.

    Returns
    -------
    cleaned : dict of str to DataFrame
        All seven tables, with canonical columns first, documented dtypes and defaults filled;
        absent tables are empty.
    notes : DataFrame
        What was defaulted, merged or noticed: ``table, file, column, rows, action, removed``
        (see :data:`NOTE_COLUMNS`).
    provided : frozenset of str
        The names of the tables that were given.

    Raises
    ------
    SchemaError
        With every problem found.

    Examples
    --------
    >>> import pandas as pd
    >>> from clusternet.model import validate_tables
    >>> cleaned, notes, provided = validate_tables({"organisations": pd.DataFrame({"org_id": [" 7 "]})})
    >>> cleaned["organisations"]["organisation_id"].tolist(), sorted(provided)
    (['7'], ['organisations'])
    """
    files = dict(files or {})
    check_number_format(decimal, thousands)  # a bad option fails before any table is read
    unknown = sorted(str(name) for name in set(tables) - set(SCHEMAS))
    collector = _Collector()
    for name in unknown:
        collector.fail(name, files.get(name), None, None, None,
                       f"unknown table; expected one of {', '.join(TABLES)}")
    provided = frozenset(name for name in TABLES if tables.get(name) is not None)
    for name in sorted(provided):
        for needed in REQUIRED_BY[name]:
            if needed not in provided:
                collector.fail(needed, None, None, None, None,
                               f"missing table: {name} refers to {needed}, so {needed} must be given too")
    cleaned = {}
    for name, schema in SCHEMAS.items():
        raw = tables.get(name)
        if raw is None:
            cleaned[name] = _empty(schema)
        else:
            stated = getattr(raw, "attrs", {}).get("number_format") or {}
            number_format = (stated.get("decimal", decimal), stated.get("thousands", thousands))
            check_number_format(*number_format)
            collector.number_formats[name] = number_format
            cleaned[name] = _validate_table(raw, schema, files.get(name), collector)
    _check_references(cleaned, provided, files, collector)
    if collector.failed:
        raise SchemaError(collector.failure_cases())
    _note_memberships_outside_period(cleaned, provided, files, collector)
    _note_activities(cleaned, provided, files, collector)
    notes = pd.DataFrame(collector.notes, columns=NOTE_COLUMNS).astype({"rows": "int64", "removed": "bool"})
    return {name: frame.reset_index(drop=True) for name, frame in cleaned.items()}, notes, provided


def _empty(schema: TableSchema) -> pd.DataFrame:
    return pd.DataFrame({column.name: _empty_series(column) for column in schema.columns})


def _empty_series(column: Column) -> pd.Series:
    return pd.Series([], dtype=_DTYPES[column.kind])


def _validate_table(
    raw: pd.DataFrame, schema: TableSchema, file: str | None, out: _Collector
) -> pd.DataFrame:
    if not isinstance(raw, pd.DataFrame):
        out.fail(schema.name, file, None, None, type(raw).__name__, "expected a pandas DataFrame")
        return _empty(schema)
    if not raw.index.is_unique or raw.index.hasnans:
        # A failure must point at one row; repeated labels (after a concat) cannot.
        out.note(schema.name, file, "", len(raw), "row labels repeated or empty; rows are reported by "
                 "position, counting from 0")
        raw = raw.set_axis(pd.RangeIndex(len(raw)), axis=0)
    duplicated = raw.columns.duplicated(keep=False)
    if duplicated.any():
        for original in sorted({str(c) for c in raw.columns[duplicated]}):
            out.fail(schema.name, file, None, original, None, "duplicate column name")
        return _empty(schema)
    lookup = {}
    for column in schema.columns:
        lookup[_normalise_name(column.name)] = column.name
    for column in schema.columns:  # aliases never shadow a canonical name
        for alias in column.aliases:
            lookup.setdefault(_normalise_name(alias), column.name)
    chosen: dict[str, object] = {}
    extras = []
    for original in raw.columns:
        canonical = lookup.get(_normalise_name(original))
        if canonical is None:
            extras.append(original)
        elif canonical in chosen:
            if _normalise_name(chosen[canonical]) == _normalise_name(original) or _normalise_name(
                original
            ) == _normalise_name(canonical):
                out.fail(schema.name, file, None, str(original), None,
                         f"duplicate column: {chosen[canonical]!r} and {original!r} both give {canonical!r}")
            else:  # an alias beside the canonical column: keep it as an extra user column
                extras.append(original)
        else:
            chosen[canonical] = original
    # Columns are gathered first and joined once: inserting them one by one into a frame costs
    # more than parsing them when the tables are small.
    columns: dict[object, pd.Series] = {}
    for column in schema.columns:
        if column.name not in chosen:
            if column.required:
                out.fail(schema.name, file, None, column.name, None,
                         f"missing mandatory column {column.name!r}"
                         + (f" (also accepted: {', '.join(column.aliases)})" if column.aliases else ""))
                columns[column.name] = pd.Series(pd.NA, index=raw.index, dtype="object")
                continue
            columns[column.name] = _default_series(column, raw.index)
            if len(raw) and column.default is not None:
                out.note(schema.name, file, column.name, len(raw),
                         f"column absent; filled with default {column.default!r}")
            continue
        columns[column.name] = _parse(raw[chosen[column.name]], column, schema, file, out)
    taken = set(columns)
    for original in extras:
        name = original
        while name in taken:  # an extra column never overwrites a model column
            name = f"{name}_extra"
        taken.add(name)
        columns[name] = raw[original]
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=raw.index)
    _check_key(frame, schema, file, out)
    return _merge_duplicates(frame, schema, file, out)


def _default_series(column: Column, index: pd.Index) -> pd.Series:
    if column.default is None:
        return pd.Series(pd.NA if column.kind not in ("number", "date") else np.nan,
                         index=index).astype(_DTYPES[column.kind])
    return pd.Series(column.default, index=index).astype(_DTYPES[column.kind])


# Characters that are invisible in a spreadsheet but make two ids differ: byte-order marks left
# inside a file by concatenation, zero-width spaces and joiners pasted from web pages.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)
_INVISIBLE_PATTERN = "[\ufeff\u200b\u200c\u200d\u2060]"


class _Unreadable:
    """A cell holding a list, dict or other non-scalar: each one distinct, always a failure."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _factorise(values: pd.Series) -> tuple[np.ndarray, list | None, pd.Series, np.ndarray]:
    """Factorise a column for parsing once per distinct value instead of once per row.

    Returns a code per row (-1 for a missing cell), the distinct cells as Python objects
    (``None`` when they are all strings), their text (stripped, invisible characters removed,
    NFC-normalised; NA when empty) as a string Series, and which of them are unreadable
    (lists, dicts). A CORDIS column of 144,726 roles has five distinct values.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        # Mixed cells (Excel, user frames): factorise by type and value, so that 1, 1.0 and True
        # (equal in Python) stay apart.
        lookup: dict[object, int] = {}
        raw: list[object] = []
        codes = np.empty(len(values), dtype=np.intp)
        for position, value in enumerate(values.to_numpy(dtype=object)):
            if not pd.api.types.is_scalar(value):
                key: object = _Unreadable(value)
            elif value is None or pd.isna(value):
                codes[position] = -1
                continue
            else:
                key = value if isinstance(value, str) else (type(value), value)
            code = lookup.get(key)
            if code is None:
                code = lookup[key] = len(raw)
                raw.append(key if isinstance(key, _Unreadable) else value)
            codes[position] = code
    else:
        codes, found = pd.factorize(values)
        if pd.api.types.is_string_dtype(values.dtype):
            texts = _clean_texts(pd.Series(found, dtype="str"))
            return codes, None, texts, np.zeros(len(texts), dtype=bool)
        raw = list(found)
    texts = pd.Series([_clean_text(value) for value in raw], dtype="str")
    return codes, raw, texts, np.array([isinstance(value, _Unreadable) for value in raw], dtype=bool)


# Below this many distinct cells a Python loop beats the fixed cost of each string kernel (about
# 0.1-0.5 ms a call); measured: 100 cells 0.4 ms against 1.8 ms, 10,000 ASCII cells 25 ms against 15 ms.
_KERNEL_MIN_CELLS = 5000


def _clean_texts(texts: pd.Series) -> pd.Series:
    """:func:`_clean_text` on a string Series, with vectorised string kernels when it is long."""
    if len(texts) < _KERNEL_MIN_CELLS:
        return pd.Series([_clean_text(text) for text in texts.tolist()], dtype="str")
    if texts.str.contains(_INVISIBLE_PATTERN, regex=True).any():
        texts = texts.str.replace(_INVISIBLE_PATTERN, "", regex=True)
    texts = texts.str.strip()
    foreign = texts.str.contains(r"[^\x00-\x7f]", regex=True).to_numpy(dtype=bool)
    if foreign.any():  # NFC only where needed: unicodedata has no vectorised form
        texts = texts.copy()
        texts[foreign] = [unicodedata.normalize("NFC", text) for text in texts[foreign]]
    return texts.where(texts != "")


def _clean_text(value: object) -> str | None:
    if isinstance(value, str):
        text = value.translate(_INVISIBLE).strip()
        if text and not text.isascii():
            text = unicodedata.normalize("NFC", text)  # "Coöperatief" typed or pasted is one name
        return text or None
    if isinstance(value, _Unreadable):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating):
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))  # Excel's 7.0 is 7; Python ints never overflow
        return str(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, bytes):
        try:
            return _clean_text(value.decode("utf-8"))
        except UnicodeDecodeError:
            return _clean_text(value.decode("cp1252", errors="replace"))
    return _clean_text(str(value))


def _by_row(per_unique: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Values by row from values by distinct cell; a missing cell (code -1) gets ``fill``."""
    return np.append(per_unique, np.array([fill], dtype=per_unique.dtype))[codes]


def _take(texts: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(texts.array.take(codes, allow_fill=True), index=index, dtype="str")


def _text_aliases(values: pd.Series, column: Column) -> pd.Series:
    """Free text with a few known spellings of one value (a Dutch "teruggetrokken" is "withdrawn")."""
    if not column.value_aliases or values.empty:
        return values
    canonical = values.str.strip().str.lower().map(dict(column.value_aliases))
    return values.where(canonical.isna(), canonical).astype("str")


def _parse(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    """One column parsed by the parser of its kind, its failures and defaults reported to ``out``."""
    parser = _PARSERS.get(column.kind)
    if parser is None:  # pragma: no cover - a schema bug
        raise AssertionError(f"unknown column kind {column.kind}")
    return parser(values, column, schema, file, out)


@dataclass
class _Cells:
    """One column being parsed: its distinct cells, and where its failures and notes go.

    Parsers decide once per distinct cell (``raw``, ``texts``, ``unreadable`` and ``empty`` hold one
    entry each) and go back to rows through ``codes`` (-1 for a missing cell) only to report a
    failure or to return the column.
    """

    values: pd.Series
    column: Column
    schema: TableSchema
    file: str | None
    out: _Collector
    codes: np.ndarray
    raw: list | None
    texts: pd.Series | None
    unreadable: np.ndarray
    empty: np.ndarray

    @classmethod
    def of(
        cls, values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
    ) -> _Cells:
        """The distinct cells of ``values``; collections (lists, dicts) are reported at once."""
        codes, raw, texts, unreadable = _factorise(values)
        cells = cls(values, column, schema, file, out, codes, raw, texts, unreadable,
                    texts.isna().to_numpy(dtype=bool))
        if unreadable.any():
            cells.fail(unreadable, "not a single value (a list, dict or other collection)")
        return cells

    @functools.cached_property
    def lowered(self) -> pd.Series:
        return self.texts.str.lower()

    def among(self, words: frozenset[str] | set[str]) -> np.ndarray:
        """Which distinct cells are one of ``words``, whatever their case."""
        return self.lowered.isin(words).to_numpy(dtype=bool)

    def by_row(self, per_cell: np.ndarray, fill: object) -> np.ndarray:
        return _by_row(per_cell, self.codes, fill)

    def fail(self, bad: np.ndarray, reason, *, missing_cells: bool = False) -> None:
        """Report every row whose cell is ``bad`` (``reason`` one string, or one per distinct cell)."""
        rows = np.flatnonzero(self.by_row(bad, missing_cells))
        if len(rows):
            self.out.fail_rows(self.schema.name, self.file, self.column.name, self.values.index[rows],
                               self.values.iloc[rows].to_numpy(dtype=object),
                               reason if isinstance(reason, str)
                               else np.asarray(reason, dtype=object)[self.codes[rows]])

    def note_cells(self, chosen: np.ndarray, action: str) -> None:
        """A note about the rows whose cell is ``chosen``, if there are any."""
        count = int(self.by_row(chosen, False).sum())
        if count:
            self.out.note(self.schema.name, self.file, self.column.name, count, action)

    def note_defaults(self, missing: np.ndarray) -> None:
        count = int(self.by_row(missing, True).sum())
        if count and self.column.default is not None:
            self.out.note(self.schema.name, self.file, self.column.name, count,
                          f"empty cells filled with default {self.column.default!r}")

    def text(self) -> pd.Series:
        """The cleaned text by row, NA where empty."""
        if (self.raw is None and not self.empty.any() and (self.codes >= 0).all()
                and self.texts.equals(pd.Series(pd.unique(self.values), dtype="str"))):
            return self.values.astype("str")  # clean text already, no conversion
        return _take(self.texts, self.codes, self.values.index)

    def column_of(self, per_cell: np.ndarray, fill: object, dtype: str) -> pd.Series:
        return pd.Series(self.by_row(per_cell, fill), index=self.values.index, dtype=dtype)


def _parse_id(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells = _Cells.of(values, column, schema, file, out)
    cells.fail(cells.empty & ~cells.unreadable, "empty id", missing_cells=True)
    return _text_aliases(cells.text(), column)  # an id is never defaulted, whatever the column says


def _parse_text(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells = _Cells.of(values, column, schema, file, out)
    text = cells.text()
    if column.default is not None:
        cells.note_defaults(cells.empty)
        text = text.fillna(column.default)
    return _text_aliases(text, column)


def _parse_category(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells = _Cells.of(values, column, schema, file, out)
    missing = cells.empty | cells.among(_MISSING_TEXT)
    by_lower = {_normalise_name(value): value for value in column.vocabulary}
    by_lower.update({_normalise_name(k): v for k, v in column.value_aliases.items()})
    mapped = np.array([None if m else by_lower.get(_normalise_name(t))
                       for t, m in zip(cells.texts.tolist(), missing, strict=True)], dtype=object)
    unmapped = np.array([m is None for m in mapped], dtype=bool)
    cells.fail(~missing & ~cells.unreadable & unmapped, f"not one of {', '.join(column.vocabulary)}")
    cells.note_defaults(missing)
    mapped[unmapped] = column.default
    return cells.column_of(mapped, column.default, "str")


def _parse_number(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells, numbers, _ = _numbers(values, column, schema, file, out, dates=False)
    return cells.column_of(numbers, np.nan, "float64")


def _parse_year(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells, numbers, readable = _numbers(values, column, schema, file, out, dates=True)
    finite = readable & np.isfinite(numbers)  # the cells not reported yet
    with np.errstate(invalid="ignore"):
        serial = finite & (numbers % 1 == 0) & (numbers >= _SERIAL_YEARS[0]) & (numbers <= _SERIAL_YEARS[1])
    if serial.any():
        days = pd.to_timedelta(numbers[serial], unit="D")
        numbers[serial] = (pd.Timestamp("1899-12-30") + days).year.to_numpy(dtype=float)
        cells.note_cells(serial, f"numbers from {_SERIAL_YEARS[0]} to {_SERIAL_YEARS[1]} in a year column read as "
                                 "Excel serial dates (days since 1899-12-30, 42304 is 2015-10-27): their year kept")
    with np.errstate(invalid="ignore"):
        fractional = finite & (numbers % 1 != 0)
    cells.fail(fractional, "a year must be a whole number")
    low, high = YEAR_RANGE
    with np.errstate(invalid="ignore"):
        outside = finite & ~fractional & ((numbers < low) | (numbers > high))
    cells.fail(outside, f"year outside {low}-{high}")
    numbers[fractional | outside] = np.nan
    return pd.Series(cells.by_row(numbers, np.nan), index=values.index).round().astype("Int64")


def _parse_boolean(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells = _Cells.of(values, column, schema, file, out)
    truth = cells.among(_TRUE)
    bad = ~cells.empty & ~truth & ~cells.among(_FALSE)
    cells.fail(bad & ~cells.unreadable, "not a yes/no value (true/false, yes/no, ja/nee, 1/0)")
    cells.note_defaults(cells.empty)
    return cells.column_of(truth, False, "bool")


def _parse_date(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector
) -> pd.Series:
    cells = _Cells.of(values, column, schema, file, out)
    found = cells.raw if cells.raw is not None else cells.texts.tolist()
    texts = cells.texts.tolist()
    # A slashed date (03/04/2019) is read day first, as in Belgium, unless the column's other slashed
    # dates show month first: some second part above 12 and no first part above 12 (a US export).
    slashed = [_SLASHED.fullmatch(t) if isinstance(t, str) and not e else None
               for t, e in zip(texts, cells.empty, strict=True)]
    firsts = [int(m["a"]) for m in slashed if m is not None]
    seconds = [int(m["b"]) for m in slashed if m is not None]
    month_first = any(b > 12 for b in seconds) and not any(a > 12 for a in firsts)
    parsed, reasons = [], []
    for cell, empty, match in zip(found, cells.empty, slashed, strict=True):
        if empty:
            parsed.append(None)
            reasons.append(None)
            continue
        stamp, reason = _date_of_cell(cell, match, month_first=month_first)
        parsed.append(stamp)
        reasons.append(reason)
    bad = np.array([p is None for p in parsed], dtype=bool) & ~cells.empty
    cells.fail(bad & ~cells.unreadable, [r or _NOT_A_DATE for r in reasons])
    if month_first:
        example = next(t for t, m in zip(texts, slashed, strict=True) if m is not None and int(m["b"]) > 12)
        cells.note_cells(np.array([m is not None for m in slashed], dtype=bool),
                         f"dates written MM/DD/YYYY (month first, as {example!r} shows: no month 13 or above): "
                         "read month first")
    stamps = pd.DatetimeIndex([pd.NaT if p is None else p for p in parsed] + [pd.NaT]).as_unit("ns")
    return pd.Series(stamps.to_numpy()[cells.codes], index=values.index, dtype="datetime64[ns]")


_Parser = Callable[[pd.Series, Column, TableSchema, str | None, _Collector], pd.Series]

# A column kind is one entry in each of these two: the parser that turns raw cells into the
# column (reporting what it cannot read) and the dtype the column has in every validated table.
_PARSERS: dict[str, _Parser] = {
    "id": _parse_id,
    "text": _parse_text,
    "category": _parse_category,
    "year": _parse_year,
    "number": _parse_number,
    "boolean": _parse_boolean,
    "date": _parse_date,
}
_DTYPES = {
    "id": "str",
    "text": "str",
    "category": "str",
    "year": "Int64",
    "number": "float64",
    "boolean": "bool",
    "date": "datetime64[ns]",
}


def _numbers(
    values: pd.Series, column: Column, schema: TableSchema, file: str | None, out: _Collector, *, dates: bool
) -> tuple[_Cells, np.ndarray, np.ndarray]:
    """The numbers of a number or year column, one per distinct cell (NaN where there is none).

    Cells that are no finite number are reported. ``dates`` reads a date as its year. Also
    returns which cells were readable (neither missing nor a collection).
    """
    if pd.api.types.is_float_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype):
        # already numbers (Parquet, DataFrames): no text at all, and each row its own cell
        numbers = values.astype("float64").to_numpy(dtype=float, na_value=np.nan)
        no_collections = np.zeros(len(values), dtype=bool)
        cells = _Cells(values, column, schema, file, out, np.arange(len(values), dtype=np.intp), None, None,
                       no_collections, np.isnan(numbers))
        missing = cells.empty & values.isna().to_numpy(dtype=bool)
        reported = np.zeros(len(numbers), dtype=bool)
    else:
        cells = _Cells.of(values, column, schema, file, out)
        missing = cells.empty | cells.among(_MISSING_TEXT)
        numbers, reasons = _cell_numbers(cells, missing, dates=dates)
        reported = ~pd.isna(reasons)
        cells.fail(reported, reasons)
    readable = ~missing & ~cells.unreadable
    not_number = readable & np.isnan(numbers) & ~reported
    infinite = readable & np.isinf(numbers)
    cells.fail(not_number, "not a number")
    cells.fail(infinite, "not a finite number")
    return cells, np.where(not_number | infinite | reported, np.nan, numbers), readable & ~reported


def _cell_numbers(cells: _Cells, missing: np.ndarray, *, dates: bool) -> tuple[np.ndarray, np.ndarray]:
    """The number each distinct cell holds (numbers as they are, text read in the convention the
    column's text shows, dates as their year), and why a cell could not be read (None if it was)."""
    numbers = np.full(len(cells.texts), np.nan)
    reasons = np.full(len(cells.texts), None, dtype=object)
    dated = np.zeros(len(cells.texts), dtype=bool)
    serial = np.zeros(len(cells.texts), dtype=bool)
    textual = ~missing & ~cells.unreadable
    if cells.raw is not None:
        for position, value in enumerate(cells.raw):
            if not textual[position]:
                continue
            if isinstance(value, bool | np.bool_):
                textual[position] = False  # True is not a number: stays NaN, is reported
            elif isinstance(value, int | float | np.integer | np.floating):
                numbers[position] = float(value)
                textual[position] = False
            elif dates and isinstance(value, datetime.date):
                numbers[position], serial[position] = _year_of_date(value)
                dated[position] = True
                textual[position] = False
    for flags, action in (
        (serial, "Excel year cells formatted as dates (2019 shown as 1905-07-11): the year read back"),
        (dated & ~serial, "dates in a year column: their year kept"),
    ):
        cells.note_cells(flags, action)
    if dates and textual.any():
        positions = np.flatnonzero(textual)
        years, forms, bad = _years_of_dates(cells.texts.iloc[positions])
        numbers[positions] = years
        reasons[positions] = bad
        for form in dict.fromkeys(f for f in forms if f is not None):
            chosen = np.zeros(len(textual), dtype=bool)
            chosen[positions[forms == form]] = True
            example = cells.texts.iloc[int(np.flatnonzero(chosen)[0])]
            cells.note_cells(chosen, f"dates written {form} (for example {example!r}) in a year column: "
                                     "their year kept")
        textual[positions[~np.isnan(years) | ~pd.isna(bad)]] = False
    if textual.any():
        decimal, thousands = cells.out.number_formats.get(cells.schema.name, (None, None))
        read = parse_number_column(cells.texts[textual], column=cells.column.name, decimal=decimal,
                                   thousands=thousands)
        numbers[textual] = read.values.to_numpy()
        reasons[textual] = read.reasons.to_numpy()
        for action, about in read.notes:
            chosen = np.zeros(len(textual), dtype=bool)
            chosen[np.flatnonzero(textual)[about.to_numpy(dtype=bool)]] = True
            cells.note_cells(chosen, action)
    return numbers, reasons


# Excel serial numbers of 1950-01-01 and 2100-12-31: a "year" in this range is a date cell exported
# as a number (a CSV from a workbook), never a year of the data model's range.
_SERIAL_YEARS = (18264, 73415)


def _year_of_date(value: datetime.date) -> tuple[float, bool]:
    """The year a date in a year column stands for, and whether it is an Excel serial number.

    Excel stores a date as days since 1899-12-30; a cell holding 2019 but formatted as a date
    shows 1905-07-11. Years 1900-2100 stored that way all fall in 1905.
    """
    days = (pd.Timestamp(value) - pd.Timestamp("1899-12-30")).days
    low, high = YEAR_RANGE
    if low <= days <= high and pd.Timestamp(value) == pd.Timestamp(value).normalize():
        return float(days), True
    return float(value.year), False


# In number, year and category columns these can only mean missing ("NA" from R, "NaN" from a
# pandas export); in text and id columns they are kept ("NA" is Namibia).
_MISSING_TEXT = frozenset({"na", "n/a", "nan", "null", "none", "-", "#n/a", "<na>", "nat"})

_NOT_A_DATE = "not a date (expected YYYY-MM-DD, DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY or YYYY)"
_CLOCK = r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_SLASHED = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>\d{{4}}){_CLOCK}")
# Day, month and year in another order than the slashed form: (pattern, groups in order).
_DAY_FIRST = re.compile(rf"(?P<a>\d{{1,2}})[.-](?P<b>\d{{1,2}})[.-](?P<year>\d{{4}}){_CLOCK}")
_YEAR_FIRST = re.compile(rf"(?P<year>\d{{4}})[-/.](?P<b>\d{{1,2}})[-/.](?P<a>\d{{1,2}}){_CLOCK}")
_TWO_DIGITS = re.compile(r"\d{1,2}([./-])\d{1,2}\1\d{2}(?:[ T].*)?")


def _date_of_cell(value: object, slashed: re.Match | None = None, *,
                  month_first: bool = False) -> tuple[pd.Timestamp | None, str | None]:
    """The date a cell holds, or None and why not (None: the general reason).

    Day and month come day first (``DD/MM/YYYY``, ``DD.MM.YYYY``, ``DD-MM-YYYY``) unless
    ``month_first`` (the column's slashed dates are ``MM/DD/YYYY``); ``YYYY-MM-DD`` and
    ``YYYY/MM/DD`` put the year first. A time of day after the date is kept.
    """
    if isinstance(value, pd.Timestamp | np.datetime64 | datetime.date):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError, OverflowError):
            return None, None
        return (None, None) if pd.isna(stamp) else (stamp, None)
    if isinstance(value, bool | np.bool_):
        return None, None
    text = _clean_text(value) or ""
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(year=int(text), month=1, day=1), None
    match = slashed or _SLASHED.fullmatch(text)
    if match is not None:
        day, month = (int(match["b"]), int(match["a"])) if month_first else (int(match["a"]), int(match["b"]))
    else:
        match = _DAY_FIRST.fullmatch(text) or _YEAR_FIRST.fullmatch(text)
        if match is None:
            if _TWO_DIGITS.fullmatch(text):
                return None, (f"a date with a two-digit year ({text!r}): its century is unknown; write the "
                              "year in four digits")
            return None, None
        day, month = int(match["a"]), int(match["b"])
    try:
        stamp = pd.Timestamp(year=int(match["year"]), month=month, day=day,
                             hour=int(match["hour"] or 0), minute=int(match["minute"] or 0),
                             second=int(match["second"] or 0))
    except (TypeError, ValueError, OverflowError):
        if match.re is _SLASHED and not month_first and 1 <= day <= 12 < month <= 31:
            return None, (f"not a date: dates are read day first (DD/MM/YYYY), so {text!r} has month {month}; "
                          "the column's other dates have a day above 12 first, so it cannot be read month first")
        return None, None
    return stamp, None


def _check_key(frame: pd.DataFrame, schema: TableSchema, file, out: _Collector) -> None:
    if not schema.key_unique:
        return
    name = schema.key[0]
    ids = frame[name]
    repeated = ids.duplicated(keep="first")
    duplicated = ids.notna() & repeated
    if duplicated.any():
        first_row = pd.Series(frame.index[~repeated], index=ids[~repeated].to_numpy(dtype=object))
        rows = frame.index[duplicated.to_numpy()]
        value = ids[duplicated].to_numpy(dtype=object)
        reasons = [f"duplicate id (first seen in row {first_row[v]})" for v in value]
        out.fail_rows(schema.name, file, name, rows, value, reasons)
        return
    # Ids are case-sensitive ("KUL" and "kul" are two organisations), which is seldom meant.
    present = ids.dropna()
    if present.empty:
        return
    folded = present.str.casefold()
    twins = folded.duplicated(keep=False)
    if twins.any():
        examples = ", ".join(repr(v) for v in present[twins].head(6))
        out.note(schema.name, file, name, int(twins.sum()),
                 f"ids that differ only in case are kept apart as different {schema.name}: {examples}")


def _merge_duplicates(frame: pd.DataFrame, schema: TableSchema, file, out: _Collector) -> pd.DataFrame:
    """Merge rows repeating a non-unique key (one organisation twice in a project), with a note."""
    if schema.key_unique or frame.empty:
        return frame
    key = list(schema.key)
    if frame[[name for name in key if schema.column(name).kind == "id"]].isna().any(axis=None):
        return frame  # empty ids are already failures (a membership's year, an activity's date may be empty)
    duplicated = frame.duplicated(key, keep=False) & frame[key[:2]].notna().all(axis=1)
    if not duplicated.any():
        return frame
    rows = ", ".join(str(row) for row in frame.index[duplicated][:10])
    n_extra = int(frame.duplicated(key, keep="first").sum())
    if schema.name == "participations":
        action = (f"{n_extra} repeated (project_id, organisation_id) rows merged into one: "
                  f"budgets summed, strongest role kept (rows {rows})")
        strongest = (
            frame.assign(_rank=frame["role"].map(_ROLE_RANK))
            .sort_values("_rank", kind="stable")
            .drop_duplicates(key, keep="first")
            .set_index(key)["role"]
        )
        budget = frame.groupby(key, sort=False)["budget"].sum(min_count=1)
        kept = frame[~frame.duplicated(key, keep="first")]
        position = pd.MultiIndex.from_frame(kept[key])
        kept = kept.assign(role=strongest.reindex(position).to_numpy(),
                           budget=budget.reindex(position).to_numpy())
        out.note(schema.name, file, ", ".join(key), n_extra, action, removed=True)
        return kept
    action = f"{n_extra} repeated {tuple(key)} rows merged into one, first kept (rows {rows})"
    out.note(schema.name, file, ", ".join(key), n_extra, action, removed=True)
    return frame[~frame.duplicated(key, keep="first")]


def _check_references(tables: dict[str, pd.DataFrame], provided, files, out: _Collector) -> None:
    for name, schema in SCHEMAS.items():
        if name not in provided:
            continue
        frame = tables[name]
        for column in schema.columns:
            target = column.references
            if target is None or target not in provided or column.name not in frame:
                continue
            values = frame[column.name]
            known = tables[target][SCHEMAS[target].key[0]]
            unknown = values.notna().to_numpy() & ~isin(values, known)
            if unknown.any():
                bad = values[unknown].to_numpy(dtype=object)
                names = tables[target]["name"] if "name" in tables[target] else None
                out.fail_rows(name, files.get(name), column.name, frame.index[unknown], bad,
                              _unknown_reasons(bad, known, column.name, target, names))


def _unknown_reasons(bad: np.ndarray, known: pd.Series, column: str, target: str,
                     names: pd.Series | None = None) -> list[str]:
    """Say which known id a reference probably meant: one that differs only in case or spaces, or
    the id of the row whose ``name`` it is (a CRM export names organisations, the table holds ids);
    names are matched up to case, spaces and punctuation, then by :func:`difflib.get_close_matches`
    for the first distinct values (it is slow on long tables)."""
    folded: dict[str, str] = {}
    for value in known.dropna().to_numpy(dtype=object):
        folded.setdefault(re.sub(r"\s+", "", str(value)).casefold(), value)
    by_name: dict[str, list[str]] = {}
    if names is not None:
        for name, value in zip(names.to_numpy(dtype=object), known.to_numpy(dtype=object), strict=True):
            if isinstance(name, str) and isinstance(value, str):
                by_name.setdefault(_fold_name(name), []).append(value)
    close: dict[str, str | None] = {}
    reasons = []
    for value in bad:
        text = str(value)
        near = folded.get(re.sub(r"\s+", "", text).casefold())
        hint = f"; ids are case-sensitive: did you mean {near!r}?" if near is not None else ""
        if not hint and by_name:
            ids = by_name.get(_fold_name(text))
            if ids is None and text not in close:
                close[text] = None
                if len(close) <= _CLOSE_MATCHES and len(by_name) <= _CLOSE_NAMES:
                    found = difflib.get_close_matches(_fold_name(text), list(by_name), n=1, cutoff=0.8)
                    close[text] = found[0] if found else None
            if ids is None and close.get(text) is not None:
                ids = by_name[close[text]]
                hint = (f"; it looks like the name of {target[:-1] if target.endswith('s') else target} "
                        f"{ids[0]!r}: this column takes ids")
            elif ids is not None:
                hint = (f"; {text!r} is the name of {target[:-1] if target.endswith('s') else target} "
                        f"{ids[0]!r}" + (f" (and of {len(ids) - 1} more)" if len(ids) > 1 else "")
                        + ": this column takes ids")
        reasons.append(f"unknown {column}: not in the {target} table{hint}")
    return reasons


# How many distinct unknown references get a fuzzy name hint, and up to how many names: difflib
# compares each with every name (about 0.1 s per value against 20,000 names).
_CLOSE_MATCHES = 20
_CLOSE_NAMES = 20_000


def _fold_name(name: str) -> str:
    """A name for matching only: case, spaces and punctuation left out ('Agfa-Gevaert N.V.' is 'agfagevaertnv')."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name)).casefold()


def _note_memberships_outside_period(tables, provided, files, out: _Collector) -> None:
    """Memberships dated outside their cluster's start-end years are kept, with a note: cluster
    periods in the sources are those of a funding call, and members often join before or stay after."""
    if not {"memberships", "clusters"} <= provided:
        return
    members = tables["memberships"]
    clusters = tables["clusters"].drop_duplicates("cluster_id").set_index("cluster_id")
    if members.empty:
        return
    start = members["cluster_id"].map(clusters["start"].dt.year.astype("float64")).to_numpy(dtype=float)
    end = members["cluster_id"].map(clusters["end"].dt.year.astype("float64")).to_numpy(dtype=float)
    year = members["year"].astype("float64").to_numpy(dtype=float, na_value=np.nan)
    outside = (year < start) | (year > end)  # NaN compares false: no year or no period, no note
    if outside.any():
        rows = ", ".join(str(row) for row in members.index[outside][:10])
        out.note("memberships", files.get("memberships"), "year", int(outside.sum()),
                 f"memberships in years outside their cluster's start-end period, kept (rows {rows})")


def _note_activities(tables, provided, files, out: _Collector) -> None:
    """Activity rows without a date (they count in no year) and activity names that differ only in
    case, spaces or punctuation (counted as different activities) are kept, with a note."""
    if "activities" not in provided or tables["activities"].empty:
        return
    activities = tables["activities"]
    file = files.get("activities")
    undated = int(activities["date"].isna().sum())
    if undated:
        out.note("activities", file, "date", undated,
                 "activity rows without a date: kept, but they count in no year's KPIs")
    names = pd.Series(activities["activity"].dropna().unique(), dtype="str")
    folded = names.str.casefold().str.replace(r"[\W_]+", "", regex=True)
    twins = folded.duplicated(keep=False) & folded.ne("")
    if twins.any():
        groups = names[twins].groupby(folded[twins], sort=True).agg(lambda spellings: " = ".join(
            repr(spelling) for spelling in sorted(spellings)))
        examples = "; ".join(groups.head(3))
        rows = int(activities["activity"].isin(set(names[twins])).sum())
        out.note("activities", file, "activity", rows,
                 f"{len(groups)} {'activity' if len(groups) == 1 else 'activities'} spelt in more than one "
                 "way (case, spaces or punctuation), "
                 f"counted as different activities: {examples}; write each one way if they are one")
