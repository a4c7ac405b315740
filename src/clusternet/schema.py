"""The data model: declarative schemas of the six tables and their validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import SchemaError

__all__ = [
    "Column",
    "TableSchema",
    "SCHEMAS",
    "TABLES",
    "KINDS",
    "SIZE_CLASSES",
    "OWNERSHIPS",
    "CLUSTER_TYPES",
    "ROLES",
    "validate_tables",
    "describe_schema",
]

KINDS = (
    "company",
    "knowledge_institution",
    "research_centre",
    "public_body",
    "cluster_organisation",
    "other",
)
SIZE_CLASSES = ("sme", "large", "unknown")
OWNERSHIPS = ("domestic", "national_multinational", "foreign_multinational", "unknown")
CLUSTER_TYPES = ("SPC", "IBN", "other")
ROLES = ("coordinator", "partner", "subcontractor", "other")

YEAR_RANGE = (1900, 2100)
# Stronger roles win when one organisation is listed twice in one project.
_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

_TRUE = {"true", "yes", "y", "t", "1", "ja", "j", "x", "waar", "1.0"}
_FALSE = {"false", "no", "n", "f", "0", "nee", "onwaar", "0.0", ""}


@dataclass(frozen=True)
class Column:
    """One column of a table schema.

    ``kind`` is one of ``id`` (a key or a reference, kept as text: ``007`` stays ``007``),
    ``text``, ``category`` (a closed vocabulary), ``year``, ``number``, ``boolean``, ``date``.
    ``default`` fills the column when it is absent and empty cells of optional columns.
    """

    name: str
    kind: str
    required: bool = False
    default: object = None
    vocabulary: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    value_aliases: Mapping[str, str] = field(default_factory=dict)
    references: str | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    """Schema of one table: its columns, its key and the file names it may come from."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    key_unique: bool
    file_aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_KIND_ALIASES = {
    "firm": "company",
    "enterprise": "company",
    "bedrijf": "company",
    "onderneming": "company",
    "prc": "company",
    "university": "knowledge_institution",
    "higher_education": "knowledge_institution",
    "hes": "knowledge_institution",
    "universiteit": "knowledge_institution",
    "hogeschool": "knowledge_institution",
    "research_center": "research_centre",
    "rec": "research_centre",
    "soc": "research_centre",
    "public": "public_body",
    "government": "public_body",
    "pub": "public_body",
    "cluster": "cluster_organisation",
    "cluster_organization": "cluster_organisation",
    "oth": "other",
}
_SIZE_ALIASES = {"kmo": "sme", "small": "sme", "medium": "sme", "micro": "sme", "big": "large",
                 "groot": "large"}
_OWNERSHIP_ALIASES = {
    "belgian": "domestic",
    "national": "domestic",
    "belgian_multinational": "national_multinational",
    "foreign": "foreign_multinational",
}
_TYPE_ALIASES = {"spc": "SPC", "ibn": "IBN", "other": "other", "speerpuntcluster": "SPC",
                 "innovatief_bedrijfsnetwerk": "IBN"}
_ROLE_ALIASES = {"participant": "partner", "beneficiary": "partner", "coordinator": "coordinator",
                 "coördinator": "coordinator", "lead": "coordinator", "thirdparty": "other",
                 "third_party": "other", "onderaannemer": "subcontractor"}

SCHEMAS: dict[str, TableSchema] = {
    schema.name: schema
    for schema in (
        TableSchema(
            "organisations",
            (
                Column("organisation_id", "id", required=True,
                       aliases=("org_id", "organization_id", "organisation", "organization", "pic", "id")),
                Column("name", "text", aliases=("organisation_name", "organization_name", "legal_name")),
                Column("kind", "category", default="other", vocabulary=KINDS,
                       aliases=("type", "organisation_type", "activity_type"), value_aliases=_KIND_ALIASES),
                Column("sector", "text", default="unknown"),
                Column("size_class", "category", default="unknown", vocabulary=SIZE_CLASSES,
                       aliases=("size",), value_aliases=_SIZE_ALIASES),
                Column("ownership", "category", default="unknown", vocabulary=OWNERSHIPS,
                       value_aliases=_OWNERSHIP_ALIASES),
                Column("region", "text", aliases=("province",)),
                Column("country", "text", aliases=("country_code",)),
            ),
            key=("organisation_id",),
            key_unique=True,
            file_aliases=("organizations", "orgs", "organisaties"),
            description="Firms, universities, research centres and other actors.",
        ),
        TableSchema(
            "clusters",
            (
                Column("cluster_id", "id", required=True, aliases=("cluster", "id")),
                Column("name", "text", aliases=("cluster_name",)),
                Column("type", "category", default="other", vocabulary=CLUSTER_TYPES,
                       aliases=("cluster_type",), value_aliases=_TYPE_ALIASES),
                Column("domain", "text"),
                Column("call", "text"),
                Column("start", "date", aliases=("start_date",)),
                Column("end", "date", aliases=("end_date",)),
            ),
            key=("cluster_id",),
            key_unique=True,
            description="Cluster organisations: spearhead clusters (SPC), innovative business "
            "networks (IBN), others.",
        ),
        TableSchema(
            "memberships",
            (
                Column("organisation_id", "id", required=True, references="organisations",
                       aliases=("org_id", "organization_id", "organisation", "organization", "member")),
                Column("cluster_id", "id", required=True, references="clusters", aliases=("cluster",)),
                Column("year", "year"),
                Column("tier", "text", aliases=("membership_type", "level")),
                Column("board", "boolean", default=False, aliases=("board_member",)),
            ),
            key=("organisation_id", "cluster_id", "year"),
            key_unique=False,
            file_aliases=("members", "leden"),
            description="Which organisation is a member of which cluster, per year.",
        ),
        TableSchema(
            "projects",
            (
                Column("project_id", "id", required=True, aliases=("project", "rcn", "id")),
                Column("title", "text", aliases=("acronym", "name")),
                Column("instrument", "text", aliases=("type", "funding_scheme")),
                Column("year", "year", aliases=("start_year",)),
                Column("budget", "number", aliases=("total_cost", "cost")),
                Column("funding", "number", aliases=("support", "steun", "max_contribution")),
            ),
            key=("project_id",),
            key_unique=True,
            file_aliases=("projecten",),
            description="Collaborative projects.",
        ),
        TableSchema(
            "participations",
            (
                Column("project_id", "id", required=True, references="projects", aliases=("project", "rcn")),
                Column("organisation_id", "id", required=True, references="organisations",
                       aliases=("org_id", "organization_id", "organisation", "organization", "pic")),
                Column("role", "category", default="partner", vocabulary=ROLES, value_aliases=_ROLE_ALIASES),
                Column("budget", "number", aliases=("contribution", "ec_contribution")),
            ),
            key=("project_id", "organisation_id"),
            key_unique=False,
            file_aliases=("participants", "deelnames"),
            description="Which organisation takes part in which project, in which role.",
        ),
        TableSchema(
            "project_clusters",
            (
                Column("project_id", "id", required=True, references="projects", aliases=("project",)),
                Column("cluster_id", "id", required=True, references="clusters", aliases=("cluster",)),
                Column("status", "text", default="approved"),
            ),
            key=("project_id", "cluster_id"),
            key_unique=False,
            file_aliases=("projectclusters", "project_cluster"),
            description="The clusters that carry a project (intercluster projects have several).",
        ),
    )
}

#: The six table names in their canonical order.
TABLES = tuple(SCHEMAS)

# A table that references another needs it: memberships name organisations and clusters.
REQUIRED_BY = {
    name: sorted({column.references for column in schema.columns if column.references})
    for name, schema in SCHEMAS.items()
}


def describe_schema() -> pd.DataFrame:
    """The data model as a table: one row per column of each of the six tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, column, type, mandatory, default, values, aliases, references``.

    Examples
    --------
    >>> from clusternet.schema import describe_schema
    >>> schema = describe_schema()
    >>> schema[schema["mandatory"]][["table", "column"]].values.tolist()[:3]
    [['organisations', 'organisation_id'], ['clusters', 'cluster_id'], ['memberships', 'organisation_id']]
    """
    rows = []
    for name, schema in SCHEMAS.items():
        for column in schema.columns:
            rows.append({
                "table": name,
                "column": column.name,
                "type": column.kind,
                "mandatory": column.required,
                "default": "" if column.default is None else str(column.default),
                "values": ", ".join(column.vocabulary or ()),
                "aliases": ", ".join(column.aliases),
                "references": column.references or "",
            })
    return pd.DataFrame(rows)


def schema_markdown() -> str:
    """The data model as Markdown tables, as the docs show it (a test keeps them equal)."""
    table = describe_schema()
    lines = []
    for name, group in table.groupby("table", sort=False):
        lines += [f"### `{name}`", "", SCHEMAS[name].description, "",
                  "| column | type | mandatory | default | values | aliases | refers to |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in group.itertuples():
            lines.append(f"| `{row.column}` | {row.type} | {'yes' if row.mandatory else ''} | {row.default} "
                         f"| {row.values} | {row.aliases} | {row.references} |")
        lines.append("")
    return "\n".join(lines)


def _normalise_name(name: object) -> str:
    text = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-./]+", "_", text)


@dataclass
class _Collector:
    """Collects failures and notes while one ecosystem is validated."""

    failures: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    def fail(self, table, file, row, column, value, reason) -> None:
        self.failures.append(
            {"table": table, "file": file, "row": row, "column": column, "value": value, "reason": reason}
        )

    def note(self, table, file, column, rows, action) -> None:
        self.notes.append({"table": table, "file": file, "column": column, "rows": rows, "action": action})


def validate_tables(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    files: Mapping[str, str | None] | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, frozenset[str]]:
    """Validate raw tables and return them cleaned.

    Parameters
    ----------
    tables : mapping of str to DataFrame or None
        Raw tables by name; ``None`` or a missing key means the table was not given.
    files : mapping of str to str, optional
        The file each table came from, for the failure report. For tables read from files,
        the DataFrame index must hold the spreadsheet row numbers.

    Returns
    -------
    cleaned : dict of str to DataFrame
        All six tables, with canonical columns first, documented dtypes and defaults filled;
        absent tables are empty.
    notes : DataFrame
        What was defaulted or merged: ``table, file, column, rows, action``.
    provided : frozenset of str
        The names of the tables that were given.

    Raises
    ------
    SchemaError
        With every problem found.
    """
    files = dict(files or {})
    unknown = sorted(set(tables) - set(SCHEMAS))
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
            cleaned[name] = _validate_table(raw, schema, files.get(name), collector)
    _check_references(cleaned, provided, files, collector)
    if collector.failures:
        raise SchemaError(collector.failures)
    notes = pd.DataFrame(collector.notes, columns=["table", "file", "column", "rows", "action"])
    return {name: frame.reset_index(drop=True) for name, frame in cleaned.items()}, notes, provided


def _empty(schema: TableSchema) -> pd.DataFrame:
    return pd.DataFrame({column.name: _empty_series(column) for column in schema.columns})


def _empty_series(column: Column) -> pd.Series:
    return pd.Series([], dtype=_DTYPES[column.kind])


_DTYPES = {
    "id": "str",
    "text": "str",
    "category": "str",
    "year": "Int64",
    "number": "float64",
    "boolean": "bool",
    "date": "datetime64[ns]",
}


def _validate_table(
    raw: pd.DataFrame, schema: TableSchema, file: str | None, out: _Collector
) -> pd.DataFrame:
    if not isinstance(raw, pd.DataFrame):
        out.fail(schema.name, file, None, None, type(raw).__name__, "expected a pandas DataFrame")
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
    # A canonical name wins over an alias that came first.
    frame = pd.DataFrame(index=raw.index)
    duplicated = raw.columns.duplicated(keep=False)
    if duplicated.any():
        for original in sorted({str(c) for c in raw.columns[duplicated]}):
            out.fail(schema.name, file, None, original, None, "duplicate column name")
        return _empty(schema)
    for column in schema.columns:
        if column.name not in chosen:
            if column.required:
                out.fail(schema.name, file, None, column.name, None,
                         f"missing mandatory column {column.name!r}"
                         + (f" (also accepted: {', '.join(column.aliases)})" if column.aliases else ""))
                frame[column.name] = pd.Series(pd.NA, index=raw.index, dtype="object")
                continue
            frame[column.name] = _default_series(column, raw.index)
            if len(raw) and column.default is not None:
                out.note(schema.name, file, column.name, len(raw),
                         f"column absent; filled with default {column.default!r}")
            continue
        frame[column.name] = _parse(raw[chosen[column.name]], column, schema, file, out)
    for original in extras:
        frame[original if original not in frame.columns else f"{original}_extra"] = raw[original]
    _check_key(frame, schema, file, out)
    return _merge_duplicates(frame, schema, file, out)


def _default_series(column: Column, index: pd.Index) -> pd.Series:
    if column.default is None:
        return pd.Series(pd.NA if column.kind not in ("number", "date") else np.nan,
                         index=index).astype(_DTYPES[column.kind])
    return pd.Series(column.default, index=index).astype(_DTYPES[column.kind])


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings, missing as NA; integral floats (Excel's 7.0) as ``7``."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("object").map(str).astype("object")
    if pd.api.types.is_integer_dtype(values.dtype):
        text = values.astype("str").astype("object")
        return text.where(values.notna(), pd.NA)
    if pd.api.types.is_float_dtype(values.dtype):
        integral = values.notna() & (values % 1 == 0)
        text = values.astype("str").astype("object")
        text[integral] = values[integral].astype("int64").astype("str")
        return text.where(values.notna(), pd.NA)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # the common case (CSV read as text): vectorised string kernels
        stripped = values.astype("str").str.strip()
        return stripped.where(stripped != "")

    def convert(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return pd.NA
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        return text if text else pd.NA

    return values.map(convert, na_action=None).astype("object")


def _parse(values: pd.Series, column: Column, schema: TableSchema, file, out: _Collector) -> pd.Series:
    text = _as_text(values)
    missing = text.isna()
    kind = column.kind
    if kind == "id":
        for row in text.index[missing]:
            out.fail(schema.name, file, row, column.name, values[row], "empty id")
        return text.astype("str").where(~missing, pd.NA)
    if kind == "text":
        if column.default is None:
            return text.astype("str")
        if missing.any():
            out.note(schema.name, file, column.name, int(missing.sum()),
                     f"empty cells filled with default {column.default!r}")
        return text.fillna(column.default).astype("str")
    if kind == "category":
        lowered = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        by_lower = {value.lower(): value for value in column.vocabulary}
        by_lower.update({_normalise_name(k): v for k, v in column.value_aliases.items()})
        mapped = lowered.map(by_lower)
        bad = ~missing & mapped.isna()
        for row in text.index[bad]:
            out.fail(schema.name, file, row, column.name, values[row],
                     f"not one of {', '.join(column.vocabulary)}")
        if missing.any() and column.default is not None:
            out.note(schema.name, file, column.name, int(missing.sum()),
                     f"empty cells filled with default {column.default!r}")
        return mapped.fillna(column.default).astype("str")
    if kind in ("year", "number"):
        # In a number column "NA" (R's export) or "n/a" can only mean missing.
        absent = text.str.strip().str.lower().isin(_MISSING_NUMBER)
        text = text.where(~absent, pd.NA)
        missing = text.isna()
        comma = text.str.match(_DECIMAL_COMMA.pattern).fillna(False).astype(bool)
        cleaned = text.where(~comma, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        numbers = pd.to_numeric(cleaned, errors="coerce")
        bad = ~missing & numbers.isna()
        for row in text.index[bad]:
            out.fail(schema.name, file, row, column.name, values[row], "not a number")
        if kind == "number":
            return numbers.astype("float64")
        fractional = numbers.notna() & (numbers % 1 != 0)
        for row in text.index[fractional]:
            out.fail(schema.name, file, row, column.name, values[row], "a year must be a whole number")
        low, high = YEAR_RANGE
        outside = numbers.notna() & ~fractional & ((numbers < low) | (numbers > high))
        for row in text.index[outside]:
            out.fail(schema.name, file, row, column.name, values[row], f"year outside {low}-{high}")
        return numbers.where(~(fractional | outside)).round().astype("Int64")
    if kind == "boolean":
        lowered = text.fillna("").str.lower()
        truth = lowered.isin(_TRUE)
        bad = ~(truth | lowered.isin(_FALSE))
        for row in text.index[bad]:
            out.fail(schema.name, file, row, column.name, values[row],
                     "not a yes/no value (true/false, yes/no, ja/nee, 1/0)")
        return truth.astype("bool")
    if kind == "date":
        dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        for row in text.index[~missing]:
            value = values[row]
            parsed = _parse_date(value)
            if parsed is None:
                out.fail(schema.name, file, row, column.name, value,
                         "not a date (expected YYYY-MM-DD, DD/MM/YYYY or YYYY)")
            else:
                dates[row] = parsed
        return dates
    raise AssertionError(f"unknown column kind {kind}")  # pragma: no cover - schema bug


_MISSING_NUMBER = frozenset({"na", "n/a", "nan", "null", "none", "-", "#n/a"})
# "1.234,5" and "12,5" (Belgian spreadsheets) mean 1234.5 and 12.5.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def _parse_date(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "year"):
        try:
            return pd.Timestamp(value)
        except (TypeError, ValueError):
            return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    for pattern, fmt in (
        (r"^\d{4}$", "%Y"),
        (r"^\d{4}-\d{1,2}-\d{1,2}$", "%Y-%m-%d"),
        (r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{2}:\d{2}(:\d{2})?$", None),
        (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
        (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
    ):
        if re.match(pattern, text):
            try:
                return pd.Timestamp(text) if fmt is None else pd.to_datetime(text, format=fmt)
            except (TypeError, ValueError):
                return None
    return None


def _check_key(frame: pd.DataFrame, schema: TableSchema, file, out: _Collector) -> None:
    if not schema.key_unique:
        return
    key = list(schema.key)
    ids = frame[key[0]]
    duplicated = ids.notna() & ids.duplicated(keep="first")
    first_row = pd.Series(frame.index[~ids.duplicated(keep="first")], index=ids[~ids.duplicated(keep="first")])
    for row in frame.index[duplicated]:
        first = first_row[ids[row]]
        out.fail(schema.name, file, row, key[0], ids[row], f"duplicate id (first seen in row {first})")


def _merge_duplicates(frame: pd.DataFrame, schema: TableSchema, file, out: _Collector) -> pd.DataFrame:
    """Merge rows repeating a non-unique key (one organisation twice in a project), with a note."""
    if schema.key_unique or frame.empty:
        return frame
    key = list(schema.key)
    if frame[key].isna().any(axis=None) and schema.name != "memberships":
        return frame  # empty ids are already failures
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
        out.note(schema.name, file, ", ".join(key), n_extra, action)
        return kept
    action = f"{n_extra} repeated {tuple(key)} rows merged into one, first kept (rows {rows})"
    out.note(schema.name, file, ", ".join(key), n_extra, action)
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
            unknown = values.notna() & ~_isin(values, tables[target][SCHEMAS[target].key[0]])
            for row in frame.index[unknown]:
                out.fail(name, files.get(name), row, column.name, values[row],
                         f"unknown {column.name}: not in the {target} table")


def _isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known)`` through a hash index: pandas' Arrow-string isin is a Python loop."""
    index = pd.Index(pd.unique(known.dropna().to_numpy(dtype=object)))
    return index.get_indexer(values.to_numpy(dtype=object)) >= 0
