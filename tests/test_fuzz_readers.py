"""Fuzzing the readers: any input gives a valid Ecosystem or a ClusternetError, and no row is lost.

Valid ecosystems come from :mod:`clusternet.testing`; they are then mutated (cells replaced by
junk, columns dropped, repeated or renamed, rows repeated, tables dropped; for files also
encodings, separators and line endings switched, blank lines inserted, bytes flipped) and read
back. Two properties hold for every reader:

- it returns an :class:`~clusternet.Ecosystem` that satisfies the data model (checked here
  directly, not through clusternet's validation) or raises a :class:`~clusternet.ClusternetError`;
  any other exception is a bug;
- nothing is lost: for every table read, input rows = table rows + the ``rows`` of the table's
  notes marked ``removed`` (merged, skipped, left out).

CI runs 30-350 derandomized examples a property, as many as a CPU budget allows (the count and
the cost of an example are stated at each property), without shrinking (see tests/conftest.py).
``CLUSTERNET_FUZZ_EXAMPLES`` sets the number of examples of the in-memory properties, with fresh
seeds and full shrinking; the file-based ones, 2-10 times slower per example, run a tenth of it
(Excel/Parquet a fortieth). ``scripts/fuzz-nightly`` runs 100,000.
"""

from __future__ import annotations

import codecs
import datetime
import gzip
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import strategies
from clusternet.model import SCHEMAS

# CI runs a fixed number of examples a property (``fuzz(ci=...)``), derandomized, chosen from the
# CPU one example costs so that this file and test_fuzz_measures.py together stay within about
# 200 s of CPU (the whole suite must stay well under 10 minutes on 2 shared cores). The cost is
# stated above each property. 2,000 examples a property would need about 2,000 s of CPU for
# this file alone, nearly all of it validation and file parsing, so no property here reaches
# 2,000 in CI; the nightly run does (scripts/fuzz-nightly).
# With CLUSTERNET_FUZZ_EXAMPLES set (the nightly run), every property runs that many examples
# divided by its ``nightly_divisor`` (file-based properties cost 2-10 times more), with fresh
# seeds and full shrinking.
NIGHTLY = "CLUSTERNET_FUZZ_EXAMPLES" in os.environ
NIGHTLY_EXAMPLES = int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0"))


def fuzz(*, ci: int, nightly_divisor: int = 1) -> settings:
    """Settings of one fuzz property: ``ci`` examples in CI, the nightly count otherwise."""
    if not NIGHTLY:  # phases from the conftest profile: no shrinking in CI
        return settings(max_examples=ci, deadline=None, derandomize=True, suppress_health_check=HEALTH)
    return settings(max_examples=max(10, NIGHTLY_EXAMPLES // nightly_divisor), deadline=None,
                    derandomize=False, phases=tuple(Phase), suppress_health_check=HEALTH)


HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

JUNK = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["", "  ", "NA", "nan", "NaN", "null", "-", "#N/A", "1.234,5", "12,5", "2019.0", "1e400",
                     "inf", "ja", "nee", "x", "\ufeff", "\u200b", "a\x00b", "=HYPERLINK(1)", "007", "Coöp",
                     "Coo\u0308p", "PRC", "HES", "coordinator", "SPC"]),
    st.none(),
    st.floats(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.binary(max_size=4),
    st.datetimes(min_value=datetime.datetime(1800, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
    st.just([1, 2]),
    st.just({"a": 1}),
)
COLUMN_NAMES = st.one_of(
    st.sampled_from(sorted({alias for schema in SCHEMAS.values() for column in schema.columns
                            for alias in (column.name, *column.aliases)})),
    st.text(max_size=6),
    st.integers(0, 3),
)


def _ecosystems() -> st.SearchStrategy[cn.Ecosystem]:
    return strategies.ecosystems(max_organisations=6, max_projects=4, max_clusters=3,
                                 distinct_ids=True) | strategies.ecosystems(max_organisations=4, max_projects=3,
                                                                            max_clusters=2, distinct_ids=False)


@st.composite
def mutated_tables(draw, *, max_mutations: int = 4) -> dict[str, pd.DataFrame]:
    """The tables of a valid ecosystem, each mutation breaking or bending one of them."""
    eco = draw(_ecosystems())
    tables = {name: eco.table(name) for name in sorted(eco.provided)}
    for _ in range(draw(st.integers(0, max_mutations))):
        if not tables:
            break
        name = draw(st.sampled_from(sorted(tables)))
        frame = tables[name]
        operation = draw(st.sampled_from(
            ["junk-cell", "junk-cell", "drop-column", "repeat-column", "rename-column", "repeat-rows",
             "shuffle-rows", "drop-table", "as-text", "empty-table", "pad-ids", "repeat-index"]))
        columns = list(frame.columns)
        if operation == "junk-cell" and len(frame) and columns:
            frame = frame.astype(object)
            frame.iat[draw(st.integers(0, len(frame) - 1)), draw(st.integers(0, len(columns) - 1))] = draw(JUNK)
        elif operation == "drop-column" and columns:
            frame = frame.drop(columns=[draw(st.sampled_from(columns))])
        elif operation == "repeat-column" and columns:
            frame = pd.concat([frame, frame[[draw(st.sampled_from(columns))]]], axis=1)
        elif operation == "rename-column" and columns:
            old = draw(st.sampled_from(columns))
            frame = frame.rename(columns={old: draw(COLUMN_NAMES)})
        elif operation == "repeat-rows" and len(frame):
            positions = draw(st.lists(st.integers(0, len(frame) - 1), min_size=1, max_size=3))
            frame = pd.concat([frame, frame.iloc[positions]])
        elif operation == "shuffle-rows" and len(frame):
            frame = frame.iloc[draw(st.permutations(range(len(frame))))]
        elif operation == "drop-table":
            del tables[name]
            continue
        elif operation == "as-text":
            frame = frame.astype(str)
        elif operation == "empty-table":
            frame = frame.iloc[0:0]
        elif operation == "pad-ids" and columns:
            column = columns[0]
            frame = frame.assign(**{column: frame[column].astype(object).map(lambda v: f" {v}\u00a0")})
        elif operation == "repeat-index":
            frame = frame.set_axis([0] * len(frame), axis=0)
        tables[name] = frame
    return tables


def assert_valid(eco: cn.Ecosystem) -> None:
    """The data model, checked from its definition rather than through clusternet's validation.

    Each column is read once as a Python list and checked in plain Python: on tables of a few
    rows that is several times cheaper than a pandas call per check, and it runs once an example.
    """
    tables = eco.tables()
    keys = {}
    for name, schema in SCHEMAS.items():
        frame = tables[name]
        assert list(frame.columns[: len(schema.columns)]) == schema.column_names, (name, list(frame.columns))
        columns = {column.name: frame[column.name].tolist() for column in schema.columns}
        for column in schema.columns:
            values = columns[column.name]
            if column.kind == "id":  # a string is never NaN or NA, so this also rules out missing ids
                assert all(isinstance(v, str) and v and v == v.strip() for v in values), (name, column.name)
            if column.vocabulary is not None:
                assert set(values) <= set(column.vocabulary), (name, column.name, set(values))
            if column.kind == "year":
                assert all(1900 <= v <= 2100 for v in values if not pd.isna(v)), (name, column.name)
            if column.kind == "number":
                assert not np.isinf(np.asarray(values, dtype=float)).any(), (name, column.name)
        key = list(zip(*(columns[column] for column in schema.key), strict=True)) if len(frame) else []
        assert len(set(key)) == len(key), (name, "repeated key")
        keys[name] = {k[0] for k in key}
    for name, schema in SCHEMAS.items():
        if name not in eco.provided:
            continue
        for column in schema.columns:
            if column.references and column.references in eco.provided:
                assert set(tables[name][column.name].tolist()) <= keys[column.references], (name, column.name)


def removed_rows(eco: cn.Ecosystem) -> dict[str, int]:
    """Rows each table's notes mark as removed (merged, skipped, left out)."""
    notes = eco.notes
    return {table: int(rows) for table, rows in notes.loc[notes["removed"]].groupby("table")["rows"].sum().items()}


def assert_nothing_lost(eco: cn.Ecosystem, input_rows: dict[str, int]) -> None:
    summary = eco.summary()  # once per example, not once per table: it costs ~10 ms
    removed = removed_rows(eco)
    for table, count in input_rows.items():
        kept = len(eco.table(table))
        assert count == kept + removed.get(table, 0), (table, count, kept, eco.notes.to_string())
        row = summary.loc[table]
        assert count == row["rows"] + row["merged"] + row["skipped"], (table, row)


# ---------------------------------------------------------------------------------------------
# In memory: mutated DataFrames
# ---------------------------------------------------------------------------------------------


# A validation of mutated tables and the data-model and nothing-lost checks: about 0.1 s of CPU an
# example, so 350 (35 s).
@fuzz(ci=350)
@given(tables=mutated_tables())
def test_mutated_tables_give_a_valid_ecosystem_or_a_clusternet_error(tables):
    try:
        eco = cn.Ecosystem.from_tables(tables)
    except cn.ClusternetError:
        return
    assert_valid(eco)
    assert_nothing_lost(eco, {name: len(frame) for name, frame in tables.items()})


# As above, about 0.1 s of CPU an example: 200 (20 s).
@fuzz(ci=200)
@given(eco=_ecosystems(), repeats=st.data())
def test_repeated_rows_are_merged_and_counted(eco, repeats):
    """Valid tables with repeated rows of the non-unique tables: accepted, every repeat counted."""
    tables = {name: eco.table(name) for name in eco.provided}
    for name in ("participations", "memberships", "project_clusters"):
        frame = tables.get(name)
        if frame is not None and len(frame):
            positions = repeats.draw(st.lists(st.integers(0, len(frame) - 1), max_size=4))
            tables[name] = pd.concat([frame, frame.iloc[positions]], ignore_index=True)
    back = cn.Ecosystem.from_tables(tables)
    assert_valid(back)
    assert_nothing_lost(back, {name: len(frame) for name, frame in tables.items()})
    for name in eco.provided:
        assert len(back.table(name)) == len(eco.table(name))


# ---------------------------------------------------------------------------------------------
# Files: CSV text written from valid tables, then mutated
# ---------------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
SEPARATORS = [",", ";", "\t", "|"]


@st.composite
def csv_folders(draw, *, damage: bool) -> tuple[dict[str, bytes], dict[str, int], dict[str, str]]:
    """CSV files of a valid ecosystem (random encoding, separator, line ending, blank lines,
    repeated rows, and numbers with a decimal point or a continental decimal comma), with the
    number of data rows each holds and the options that read them (``decimal=","`` for a folder
    written with decimal commas, or none, when the inference must find it); with ``damage`` also
    junk lines and flipped or cut bytes (then the row count is meaningless)."""
    eco = draw(_ecosystems())
    files, rows = {}, {}
    decimal = draw(st.sampled_from([".", ","]))
    options = {"decimal": ","} if decimal == "," and draw(st.booleans()) else {}
    for name in sorted(eco.provided):
        frame = eco.table(name)
        if name in ("participations", "memberships", "project_clusters") and len(frame):
            positions = draw(st.lists(st.integers(0, len(frame) - 1), max_size=2))
            frame = pd.concat([frame, frame.iloc[positions]], ignore_index=True)
        separator = draw(st.sampled_from([s for s in SEPARATORS if s != decimal]))
        text = frame.to_csv(sep=separator, index=False, lineterminator="\n", decimal=decimal)
        lines = text.split("\n")[:-1]  # the header, then one line per row (no cell holds a newline)
        for _ in range(draw(st.integers(0, 2))):  # blank lines anywhere below the header
            lines.insert(draw(st.integers(1, len(lines))), "")
        if damage:
            for _ in range(draw(st.integers(0, 2))):
                lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=12)))
        eol = draw(st.sampled_from(["\n", "\r\n"]))
        encoding = draw(st.sampled_from(ENCODINGS))
        data = (eol.join(lines) + eol).encode(encoding, errors="replace")
        if damage and data:
            data = bytearray(data)
            for _ in range(draw(st.integers(0, 3))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
            data = bytes(data[: draw(st.integers(0, len(data)))]) if draw(st.booleans()) else bytes(data)
        files[f"{name}.csv"] = data
        rows[name] = len(lines) - 1
    return files, rows, options


def _read_folder(files: dict[str, bytes], **options: str) -> cn.Ecosystem:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return cn.read_ecosystem(folder, **options)


# Up to six CSV files written, sniffed, decoded and validated: about 0.2 s of CPU an example, so 60
# (12 s).
@fuzz(ci=60, nightly_divisor=10)
@given(folder=csv_folders(damage=False))
def test_csv_files_in_any_encoding_and_separator_lose_nothing(folder):
    files, rows, options = folder
    eco = _read_folder(files, **options)
    assert_valid(eco)
    assert_nothing_lost(eco, rows)


# Damaged files often fail early: about 0.1 s of CPU an example, so 80 (8 s).
@fuzz(ci=80, nightly_divisor=10)
@given(folder=csv_folders(damage=True))
def test_damaged_csv_files_give_a_valid_ecosystem_or_a_clusternet_error(folder):
    files, _, options = folder
    try:
        eco = _read_folder(files, **options)
    except cn.ClusternetError:
        return
    assert_valid(eco)


# One small file, mostly rejected at once: about 20 ms of CPU an example, so 300 (6 s).
@fuzz(ci=300, nightly_divisor=10)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".csv.gz", ".xlsx", ".parquet", ".txt"]),
       gzipped=st.booleans())
def test_random_bytes_never_escape_as_another_exception(data, suffix, gzipped):
    if suffix == ".csv.gz" and gzipped:
        data = gzip.compress(data)
    try:
        eco = _read_folder({f"organisations{suffix}": data})
    except cn.ClusternetError:
        return
    assert_valid(eco)


# Writing and reading up to six workbooks (openpyxl) or Parquet files: about 0.27 s of CPU an
# example, the most expensive property, so 30 (8 s).
@fuzz(ci=30, nightly_divisor=40)
@given(eco=_ecosystems(), form=st.sampled_from(["excel", "parquet"]), blank=st.integers(0, 2))
def test_excel_and_parquet_lose_nothing(eco, form, blank):
    pytest.importorskip("openpyxl" if form == "excel" else "pyarrow")
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in sorted(eco.provided):
            frame = eco.table(name)
            if form == "excel":
                # empty rows between header and data are skipped and counted (trailing ones are
                # not stored in a workbook at all, so only tables with data get them)
                empty_rows = blank if len(frame) else 0
                frame = pd.concat([frame.astype(object), pd.DataFrame([[None] * frame.shape[1]] * empty_rows,
                                                                      columns=frame.columns)],
                                  ignore_index=True).iloc[::-1].reset_index(drop=True)
                frame.to_excel(Path(folder) / f"{name}.xlsx", index=False)
            else:
                frame.to_parquet(Path(folder) / f"{name}.parquet")
            rows[name] = len(frame)
        back = cn.read_ecosystem(folder)
    assert_valid(back)
    assert_nothing_lost(back, rows)


# ---------------------------------------------------------------------------------------------
# read_cordis on each layout
# ---------------------------------------------------------------------------------------------

AMOUNTS = {
    ".": ["100", "1,234.5", "", "NA", "12.5", "250,000", "€1,000.25", "(5.5)"],
    ",": ["100", "1.234,5", "", "NA", "12,5", "250.000", "1 250,75", "EUR 3,5"],
}
LAYOUT_COLUMNS = {  # project, organisation, activity type, role; as each layout names them
    "compact": ("rcn", "pic", "type", "role"),
    "official": ("projectID", "organisationID", "activityType", "role"),
    "official-2020": ("projectRcn", "id", "activityType", "role"),
    "dashboard": ("project_id", "pic", "legal_entity_type", "partner_role"),
}


@st.composite
def cordis_files(draw) -> tuple[str, bytes, int, pd.DataFrame | None, int]:
    layout = draw(st.sampled_from(sorted(LAYOUT_COLUMNS)))
    project, organisation, activity, role = LAYOUT_COLUMNS[layout]
    # One convention a file, as exports write them; "250.000" alone is ambiguous (read by the
    # rule, noted) unless another amount settles it or the option states it.
    convention = draw(st.sampled_from(sorted(AMOUNTS)))
    options = {"decimal": convention} if draw(st.booleans()) else {}
    pairs = draw(st.lists(st.tuples(st.integers(1, 5), st.integers(100, 108)), min_size=1, max_size=12))
    n = len(pairs)
    frame = pd.DataFrame({
        project: [p for p, _ in pairs],
        organisation: [o for _, o in pairs],
        activity: draw(st.lists(st.sampled_from(["PRC", "HES", "REC", "PUB", "OTH", "prc", " HES "]),
                                min_size=n, max_size=n)),
        role: draw(st.lists(st.sampled_from(["coordinator", "participant", "partner", "thirdParty", ""]),
                            min_size=n, max_size=n)),
        "ecContribution" if layout != "compact" else "contribution":
            draw(st.lists(st.sampled_from(AMOUNTS[convention]), min_size=n, max_size=n)),
    })
    separator = ";" if layout.startswith("official") else ","
    lines = frame.to_csv(sep=separator, index=False, lineterminator="\n").split("\n")[:-1]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(1, len(lines))), "")
    text = "\n".join(lines) + "\n"
    data = (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + text.encode("utf-8")
    parts = None
    part_rows = 0
    if draw(st.booleans()):
        keys = draw(st.lists(st.one_of(st.integers(1, 7).map(str), st.just(None)), max_size=8))
        parts = pd.DataFrame({"rcn": keys, "programme_part": draw(st.lists(
            st.sampled_from(["ERC", "LEIT", "SC5", None]), min_size=len(keys), max_size=len(keys)))})
        part_rows = len(parts)
    return layout, data, len(lines) - 1, parts, part_rows, options


# read_cordis builds and validates a whole ecosystem: about 0.16 s of CPU an example, so 50 (8 s).
@fuzz(ci=50, nightly_divisor=10)
@given(case=cordis_files())
def test_read_cordis_loses_nothing_in_any_layout(case):
    layout, data, rows, parts, part_rows, options = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("organization.csv" if layout.startswith("official") else "h2020.csv")
        path.write_bytes(data)
        eco = cn.read_cordis(path, programme_parts=parts, **options)
    assert_valid(eco)
    counts = {"participations": rows}
    if parts is not None:
        counts["project_clusters"] = part_rows
    assert_nothing_lost(eco, counts)


# About 0.1 s of CPU an example: 80 (8 s).
@fuzz(ci=80, nightly_divisor=10)
@given(case=cordis_files(), junk=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=4))
def test_damaged_cordis_files_give_an_ecosystem_or_a_clusternet_error(case, junk):
    layout, data, _, parts, _, options = case
    data = bytearray(data)
    for position, byte in junk:
        if position < len(data):
            data[position] = byte
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h2020.csv"
        path.write_bytes(bytes(data))
        try:
            eco = cn.read_cordis(path, programme_parts=parts, **options)
        except cn.ClusternetError:
            return
    assert_valid(eco)
