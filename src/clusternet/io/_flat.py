"""Flat partner lists (one row per participation) split into the six tables."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..errors import FAILURE_COLUMNS, OptionError, SchemaError
from ..model import SCHEMAS, Ecosystem
from ._names import name_key
from ._readers import read_table

__all__ = ["read_participations", "FLAT_FIELDS", "VOCABULARIES"]

#: The fields of a flat table, by the table and column of the data model each one fills.
#: ``contribution`` is the participation's budget (``participations.budget``); ``budget`` the
#: project's.
FLAT_FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "project_id": ("projects", "project_id"),
    "organisation_id": ("organisations", "organisation_id"),
    "name": ("organisations", "name"),
    "kind": ("organisations", "kind"),
    "sector": ("organisations", "sector"),
    "size_class": ("organisations", "size_class"),
    "ownership": ("organisations", "ownership"),
    "region": ("organisations", "region"),
    "country": ("organisations", "country"),
    "title": ("projects", "title"),
    "instrument": ("projects", "instrument"),
    "year": ("projects", "year"),
    "budget": ("projects", "budget"),
    "funding": ("projects", "funding"),
    "role": ("participations", "role"),
    "contribution": ("participations", "budget"),
    "cluster_id": ("clusters", "cluster_id"),
})
_ORGANISATION_FIELDS = ("name", "kind", "sector", "size_class", "ownership", "region", "country")
_PROJECT_FIELDS = ("title", "instrument", "year", "budget", "funding")
_CATEGORY_FIELDS = ("kind", "size_class", "ownership", "role")
_FLAGS = {"yes", "no", "y", "n", "true", "false", "1", "0", "ja", "nee", "oui", "non", "x"}
# Texts that often stand for an empty cell; only named in a hint, never read as empty unasked.
_BLANKS = {"na", "n_a", "nan", "null", "none", "", "#n_a"}
_COMPOUND = " / "  # joins the parts of a compound key: "Interreg VI / ACME"


def _vocabulary(field: str) -> dict[str, str]:
    table, column = FLAT_FIELDS[field]
    declared = SCHEMAS[table].column(column)
    return {**{value: value for value in declared.vocabulary}, **declared.value_aliases}


#: The values each category field accepts, spelling to value, as the data model declares them
#: (case, spaces, hyphens and dots do not matter: ``Lead partner`` is ``lead_partner``). Extend
#: one with ``read_participations(..., vocabulary={"role": {"Yes": "coordinator"}})``.
VOCABULARIES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {field: MappingProxyType(_vocabulary(field)) for field in _CATEGORY_FIELDS}
)


def read_participations(
    source: str | os.PathLike | pd.DataFrame,
    *,
    columns: Mapping[str, str | Iterable[str]] | None = None,
    vocabulary: Mapping[str, Mapping[str, str]] | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    sheet: str | int | None = None,
    missing: Iterable[str] = (),
    legal_forms: bool | Iterable[str] = False,
    conflicts: str = "raise",
    cluster_link: str = "projects",
) -> Ecosystem:
    """Read a flat table, one row per participation, into a validated Ecosystem.

    Each row names a project and an organisation, with their attributes repeated on every row
    (CORDIS, regional and national programme exports, a cluster organisation's spreadsheet). The
    rows are split into ``organisations``, ``projects`` and ``participations``, plus ``clusters``
    and ``project_clusters`` (or ``memberships``) when a cluster or programme column is given,
    and validated as :func:`~clusternet.read_ecosystem` validates tables.

    Parameters
    ----------
    source : path or DataFrame
        A CSV, Excel or Parquet file (read by :func:`~clusternet.read_table`: every cell as text,
        rows numbered as a spreadsheet shows them) or a DataFrame (rows named by its index).
    columns : mapping of str to str or list of str, optional
        clusternet's field (a key of :data:`FLAT_FIELDS`) to the source's column; a list of
        columns makes a compound key (``{"project_id": ["Programme", "Acronym"]}``, joined with
        ``" / "``). A field not mapped is looked for under its own name and the aliases the data
        model declares (``pic`` for ``organisation_id``, ``start_year`` for ``year``), matched
        without regard to case, spaces and hyphens; an alias two fields share (``id``, ``type``)
        is never guessed.
    vocabulary : mapping of str to mapping, optional
        Extra spellings for the category fields ``role``, ``kind``, ``size_class``,
        ``ownership``, each to one of the field's values: ``{"role": {"Yes": "coordinator", "No":
        "partner"}}`` reads a lead-partner flag. They come before the defaults in
        :data:`VOCABULARIES`.
    decimal, thousands : str, optional
        The number convention of the number fields (``budget``, ``funding``,
        ``contribution``) and the year, in every column, as :func:`~clusternet.read_table` and
        validation take them: ``decimal=","`` and ``thousands="."`` read ``1.234,50`` as 1234.5.
        By default each column's convention is inferred from its values (a note names a column
        read by a rule); state it when the data leaves it open.
    sheet : str or int, optional
        The Excel sheet (default the first).
    missing : iterable of str, optional
        Cells meaning "no value" besides empty ones, such as ``"NA"`` in files written by R (by
        default ``NA`` is text: it may be Namibia).
    legal_forms : bool or iterable of str, default False
        When organisation ids are made from names: leave a trailing legal form out of them, so
        ``Acme NV`` and ``Acme`` are one organisation. ``True`` uses :data:`LEGAL_FORMS`.
    conflicts : {"raise", "most_frequent"}, default "raise"
        What to do when an organisation's or a project's rows disagree on an attribute: raise a
        :class:`~clusternet.SchemaError` listing the rows, or keep the most frequent value (the
        first in Unicode order on a tie, so the order of the rows never matters) and say so in a
        note.
    cluster_link : {"projects", "memberships"}, default "projects"
        With a ``cluster_id`` column: clusters carry the projects (``project_clusters``), or
        organisations are members of the clusters they took part through (``memberships``, one
        per organisation, cluster and project year).

    Returns
    -------
    Ecosystem
        Its notes say which column gave each field, which columns were not used, every merge of
        spellings and every value a rule chose, beside what validation notes.

    Raises
    ------
    SchemaError
        Listing every problem: an empty id, a value outside a vocabulary (with every value
        accepted), an organisation or project whose rows disagree, and all that validation finds;
        rows and columns as the source names them.
    OptionError
        An unknown field or source column in ``columns``, a ``vocabulary`` value the field does
        not have, an unknown ``conflicts`` or ``cluster_link``.

    Notes
    -----
    Without an ``organisation_id`` column the id is made from the name (see
    :func:`~clusternet.io.name_key`) and the country, when there is one:
    ``"acme nv (BE)"``. Every id with more than one spelling is a note, and
    :func:`~clusternet.name_variants` lists the spellings behind each id. The organisation's
    ``name`` is its most frequent spelling. With ids in the source, names that differ only as
    :func:`~clusternet.io.name_key` ignores are merged the same way, with a note; other
    differences are conflicts.

    An empty cell beside a value on the entity's other rows takes that value (a note counts
    them). Every source row is a participation: rows naming the same organisation twice in a
    project are merged by validation, with a note.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> flat = pd.DataFrame({
    ...     "Acronym": ["ACME", "ACME", "BETA"],
    ...     "Partner": ["Ghent University", "Acme N.V.", "ACME NV"],
    ...     "Country": ["BE", "BE", "BE"],
    ...     "Lead partner": ["Yes", "No", "Yes"],
    ...     "Budget": ["892,228.58", "892,228.58", "1,000"]})
    >>> eco = cn.read_participations(flat, columns={"project_id": "Acronym", "name": "Partner",
    ...     "role": "Lead partner"}, vocabulary={"role": {"Yes": "coordinator", "No": "partner"}})
    >>> eco.participations[["project_id", "organisation_id", "role"]]
      project_id       organisation_id         role
    0       ACME  ghent university (BE)  coordinator
    1       ACME          acme nv (BE)      partner
    2       BETA          acme nv (BE)  coordinator
    """
    if conflicts not in ("raise", "most_frequent"):
        raise OptionError(f"conflicts must be 'raise' or 'most_frequent', not {conflicts!r}")
    if cluster_link not in ("projects", "memberships"):
        raise OptionError(f"cluster_link must be 'projects' or 'memberships', not {cluster_link!r}")
    vocabularies = _vocabularies(vocabulary)
    frame, file, notes = _load(source, sheet=sheet, decimal=decimal, thousands=thousands)
    split = _Split(frame, file, notes)
    chosen = split.choose_columns(columns)
    split.read_cells(chosen, missing=tuple(missing))
    split.make_ids(legal_forms)
    split.map_vocabularies(vocabularies)
    split.settle_numbers(decimal, thousands)
    tables = split.tables(conflicts, cluster_link)
    return split.validate(tables)


# -- the steps -------------------------------------------------------------------------------------


def _vocabularies(vocabulary) -> dict[str, dict[str, str]]:
    """Default and user spellings by field, keyed by their normalised form (user first)."""
    vocabulary = dict(vocabulary or {})
    unknown = sorted(set(vocabulary) - set(_CATEGORY_FIELDS))
    if unknown:
        raise OptionError(f"vocabulary has no field {', '.join(map(repr, unknown))}; the fields with a "
                          f"vocabulary are {', '.join(_CATEGORY_FIELDS)}")
    tables = {}
    for field in _CATEGORY_FIELDS:
        values = SCHEMAS[FLAT_FIELDS[field][0]].column(FLAT_FIELDS[field][1]).vocabulary
        extra = dict(vocabulary.get(field) or {})
        wrong = {spelling: value for spelling, value in extra.items() if value not in values}
        if wrong:
            raise OptionError(f"vocabulary[{field!r}] maps {', '.join(f'{k!r} to {v!r}' for k, v in wrong.items())}; "
                              f"a {field} is one of {', '.join(values)}")
        table = {_spelling(spelling): value for spelling, value in VOCABULARIES[field].items()}
        table.update({_spelling(spelling): value for spelling, value in extra.items()})
        tables[field] = {"lookup": table, "spellings": [*VOCABULARIES[field], *extra], "values": values}
    return tables


def _load(source, *, sheet, decimal, thousands):
    if isinstance(source, pd.DataFrame):
        if source.index.is_unique and not source.index.hasnans:
            return source.copy(), None, []
        # a problem must point at one row; repeated labels (after a concat) cannot
        note = {"table": "participations", "file": None, "column": "", "rows": len(source), "removed": False,
                "action": "row labels repeated or empty; rows are reported by position, counting from 0"}
        return source.reset_index(drop=True), None, [note]
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        options = {"sheet": 0 if sheet is None else sheet}
        options.update({name: value for name, value in (("decimal", decimal), ("thousands", thousands))
                        if value is not None})
        frame = read_table(path, **options)
        notes = [{"table": "participations", "file": str(path), "column": "", **skipped}
                 for skipped in frame.attrs.get("skipped", [])]
        return frame, str(path), notes
    raise OptionError(f"source must be a path or a pandas DataFrame, not {type(source).__name__}")


def _spelling(value: object) -> str:
    """A vocabulary spelling as compared: case, spaces, hyphens, dots and slashes do not matter."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return re.sub(r"[\s\-./_\u200b\u200c\u200d\u2060\ufeff]+", "_", text).strip("_")


def _column_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().casefold())


def _field_names() -> dict[str, list[str]]:
    """The source column names each field is found under when not mapped: its own name first,
    then the data model's aliases of its column, leaving out any alias two fields share."""
    names = {field: [field] + list(SCHEMAS[table].column(column).aliases)
             for field, (table, column) in FLAT_FIELDS.items()}
    names["cluster_id"] = ["cluster_id", "cluster"]
    owners: dict[str, set[str]] = {}
    for field, spellings in names.items():
        for spelling in spellings:
            owners.setdefault(_column_key(spelling), set()).add(field)
    return {field: [spelling for spelling in spellings
                    if spelling == field or owners[_column_key(spelling)] == {field}]
            for field, spellings in names.items()}


def _text(value: object) -> str | None:
    """A cell as the text that keys and comparisons use; None when empty."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)  # Excel's 2019.0 is 2019
    text = str(value).strip()
    return text or None


def _rows(labels) -> str:
    """Row labels as a reader scans them: ``rows 2-4, 9``."""
    labels = list(labels)
    if labels and all(isinstance(label, int | np.integer) for label in labels):
        numbers = sorted(int(label) for label in labels)
        runs, start = [], numbers[0]
        for previous, current in zip(numbers, numbers[1:] + [None], strict=True):
            if current != previous + 1:
                runs.append(str(start) if start == previous else f"{start}-{previous}")
                start = current
        text = ", ".join(runs)
    else:
        text = ", ".join(map(str, labels))
    return f"row{'s' if len(labels) != 1 else ''} {text}"


class _Split:
    """One flat table on its way to six: its cells, the columns chosen and what was found."""

    def __init__(self, frame: pd.DataFrame, file: str | None, notes: list[dict]) -> None:
        self.frame = frame
        self.file = file
        self.notes = notes
        self.failures: list[dict] = []
        self.labels: dict[str, str] = {}  # field -> the source column(s) as the user names them
        self.cells = pd.DataFrame(index=frame.index)
        self.spellings: pd.Series | None = None

    # notes and failures ----------------------------------------------------------------------
    def note(self, table: str, field: str, rows: int, action: str) -> None:
        self.notes.append({"table": table, "file": self.file, "column": self.labels.get(field, field),
                           "rows": int(rows), "action": action, "removed": False})

    def fail(self, table: str, field: str, rows, values, reason) -> None:
        rows = list(rows)
        values = list(values)
        reasons = reason if isinstance(reason, list) else [reason] * len(rows)
        for row, value, why in zip(rows, values, reasons, strict=True):
            self.failures.append({"table": table, "file": self.file, "row": row,
                                  "column": self.labels.get(field, field), "value": value, "reason": why})

    # steps -------------------------------------------------------------------------------------
    def choose_columns(self, columns) -> dict[str, list]:
        """The source column(s) of each field: the mapping given, then names and aliases."""
        by_key: dict[str, list] = {}
        for original in self.frame.columns:
            by_key.setdefault(_column_key(original), []).append(original)
        chosen: dict[str, list] = {}
        for field, value in dict(columns or {}).items():
            if field not in FLAT_FIELDS:
                raise OptionError(f"columns has no field {field!r}; the fields are {', '.join(FLAT_FIELDS)}")
            names = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
            if not names:
                raise OptionError(f"columns[{field!r}] names no column")
            found = []
            for name in names:
                if name in self.frame.columns:
                    found.append(name)
                elif len(by_key.get(_column_key(name), [])) == 1:
                    found.append(by_key[_column_key(name)][0])
                else:
                    raise OptionError(f"columns[{field!r}] names {name!r}, which is not a column of the source; "
                                      f"its columns are {', '.join(map(repr, map(str, self.frame.columns)))}")
            chosen[field] = found
        taken = {name for names in chosen.values() for name in names}
        guessed = []
        for field, spellings in _field_names().items():
            if field in chosen:
                continue
            for spelling in spellings:  # the field's own name first, then its aliases in order
                candidates = [name for name in by_key.get(_column_key(spelling), []) if name not in taken]
                if candidates:
                    chosen[field] = [candidates[0]]
                    taken.add(candidates[0])
                    guessed.append(f"{field} <- {candidates[0]!r}")
                    break
        self.labels = {field: "+".join(map(str, names)) for field, names in chosen.items()}
        if guessed:
            self.notes.append({"table": "", "file": self.file, "column": "", "rows": 0, "removed": False,
                               "action": "columns found by their names (map them with columns= to choose "
                                         f"others): {', '.join(guessed)}"})
        unused = [str(name) for name in self.frame.columns if name not in taken]
        if unused:
            self.notes.append({"table": "", "file": self.file, "column": "", "rows": 0, "removed": False,
                               "action": f"columns not used: {', '.join(map(repr, unused))}"})
        if "project_id" not in chosen:
            self.fail("projects", "project_id", [None], [None],
                      "no project column: map one with columns={'project_id': ...}; also accepted by name: "
                      + ", ".join(_field_names()["project_id"]))
        if "organisation_id" not in chosen and "name" not in chosen:
            self.fail("organisations", "organisation_id", [None], [None],
                      "no organisation column: map an id or a name with columns={'organisation_id': ...} or "
                      "columns={'name': ...}; also accepted by name: "
                      + ", ".join(_field_names()["organisation_id"] + _field_names()["name"]))
        if self.failures:
            raise SchemaError(self.failures)
        return chosen

    def read_cells(self, chosen: dict[str, list], *, missing: tuple[str, ...]) -> None:
        """Every chosen column as text, compound keys joined, ``missing`` cells emptied."""
        absent = set(missing)
        for field, names in chosen.items():
            parts = []
            for name in names:
                column = self.frame[name]
                if isinstance(column, pd.DataFrame):  # a repeated column name
                    raise SchemaError([{"table": FLAT_FIELDS[field][0], "file": self.file, "row": None,
                                        "column": str(name), "value": None, "reason": "duplicate column name"}])
                texts = [_text(value) for value in column.tolist()]
                parts.append([None if text in absent else text for text in texts])
            if len(parts) == 1:
                self.cells[field] = pd.Series(parts[0], index=self.frame.index, dtype=object)
                continue
            joined, empty_rows = [], []
            for row, values in zip(self.frame.index, zip(*parts, strict=True), strict=True):
                if any(value is None for value in values):
                    joined.append(None)
                    if any(value is not None for value in values):
                        empty_rows.append((row, values))
                else:
                    joined.append(_COMPOUND.join(values))
            for row, values in empty_rows:
                gaps = [str(name) for name, value in zip(chosen[field], values, strict=True) if value is None]
                self.fail(FLAT_FIELDS[field][0], field, [row], [None],
                          f"empty part {', '.join(map(repr, gaps))} of the compound {field}")
            self.cells[field] = pd.Series(joined, index=self.frame.index, dtype=object)
        self.compound = {field for field, names in chosen.items() if len(names) > 1}

    def make_ids(self, legal_forms) -> None:
        """Ids of projects and organisations; made from names when the source has no organisation id."""
        cells = self.cells
        for field, table in (("project_id", "projects"), ("organisation_id", "organisations")):
            if field not in cells:
                continue
            empty = cells[field].isna()
            if field in self.compound:  # an empty part is reported already, all empty is not
                empty &= ~cells.index.isin([case["row"] for case in self.failures])
            self.fail(table, field, cells.index[empty], [None] * int(empty.sum()), "empty id")
        self.legal_forms = legal_forms
        if "organisation_id" in cells:
            self._merge_spellings()
            return
        names = cells["name"]
        countries = cells["country"].map(lambda c: c.upper() if isinstance(c, str) else c) \
            if "country" in cells else pd.Series(None, index=cells.index, dtype=object)
        keys, stripped = {}, {}
        for name in names.dropna().unique():
            keys[name], stripped[name] = name_key(name, legal_forms=legal_forms)
        key = names.map(keys)
        no_letters = names.notna() & key.eq("")
        self.fail("organisations", "name", cells.index[names.isna()], [None] * int(names.isna().sum()),
                  "empty name: the organisation id is made from the name")
        self.fail("organisations", "name", cells.index[no_letters], names[no_letters].tolist(),
                  "the name has no letters or digits to make an organisation id from")
        ids = [None if not isinstance(k, str) or not k else (k if not isinstance(c, str) else f"{k} ({c})")
               for k, c in zip(key.tolist(), countries.tolist(), strict=True)]
        cells["organisation_id"] = pd.Series(ids, index=cells.index, dtype=object)
        label = self.labels["name"] + (f" and {self.labels['country']}" if "country" in self.labels else "")
        self.note("organisations", "name", int(names.notna().sum()),
                  f"no organisation id column: ids made from the names ({label}): Unicode NFKC, case folded, "
                  "spaces collapsed, punctuation left out" + (", legal forms left out" if legal_forms else "")
                  + (", with the country" if "country" in self.labels else ""))
        counted: dict[str, int] = {}
        for name, rows in names.value_counts(sort=False).items():
            for character in stripped[name]:
                counted[character] = counted.get(character, 0) + int(rows)
        for character, rows in counted.items():
            shown = character if character.startswith(("legal form", "zero", "word", "byte", "soft", "U+")) \
                else repr(character)
            self.note("organisations", "name", rows, f"{shown} left out of the organisation ids "
                      f"(names on {rows} row{'s' if rows != 1 else ''})")
        self._merge_spellings()

    def _merge_spellings(self) -> None:
        """One name per organisation: spellings that normalise alike are merged, with a note."""
        cells = self.cells
        if "name" not in cells:
            return
        named = cells[["organisation_id", "name"]].dropna()
        # most rows first, then a spelling without stray spaces (doubled, leading, trailing, no-break)
        # before one with them, then Unicode order, so that the order of the rows never decides
        counts = named.groupby(["organisation_id", "name"], sort=False).size().rename("rows").reset_index()
        counts["untidy"] = counts["name"].map(lambda name: " ".join(name.split()) != name)
        counts = counts.sort_values(["rows", "untidy", "name"], ascending=[False, True, True],
                                    kind="stable")[["organisation_id", "name", "rows"]]
        # a loop over tuples: a pandas group per organisation costs seconds at 10,000 of them
        variants: dict[str, dict[str, int]] = {}
        for organisation, name, rows in counts.itertuples(index=False):
            variants.setdefault(organisation, {})[name] = int(rows)
        self.spellings = pd.Series({organisation: json.dumps(spellings, ensure_ascii=False)
                                    for organisation, spellings in variants.items()}, dtype=object)
        chosen = {}
        for organisation, spellings in variants.items():
            kept = next(iter(spellings))
            if len(spellings) > 1 and len({name_key(name, legal_forms=self.legal_forms)[0] for name in spellings}) == 1:
                listed = ", ".join(f"{name!r} ({rows} row{'s' if rows != 1 else ''})"
                                   for name, rows in spellings.items())
                self.note("organisations", "name", sum(spellings.values()),
                          f"spellings {listed} merged into organisation {organisation!r}; its name is "
                          f"{kept!r}, the most frequent spelling (on a tie one without stray spaces, then "
                          "the first in Unicode order)")
                chosen[organisation] = kept
        if chosen:  # the other names of one id are conflicts, found in tables()
            merged = cells["organisation_id"].map(chosen)
            cells["name"] = merged.where(merged.notna() & cells["name"].notna(), cells["name"])

    def map_vocabularies(self, vocabularies) -> None:
        for field in _CATEGORY_FIELDS:
            if field not in self.cells:
                continue
            table = vocabularies[field]
            values = self.cells[field]
            mapped = {value: table["lookup"].get(_spelling(value)) for value in values.dropna().unique()}
            unknown = values.notna() & values.map(mapped).isna()
            if unknown.any():
                accepted = ", ".join(table["values"])
                spellings = ", ".join(repr(spelling) for spelling in dict.fromkeys(table["spellings"]))
                met = {_spelling(value) for value in values[unknown].unique()}
                hint = (f"; a Yes/No lead flag reads with vocabulary={{{field!r}: {{'Yes': 'coordinator', "
                        "'No': 'partner'}}" if field == "role" and met <= _FLAGS else "")
                blanks = sorted({value for value in values[unknown].unique() if _spelling(value) in _BLANKS})
                if blanks:
                    hint += f"; if {', '.join(map(repr, blanks))} means no value, pass missing={blanks!r}"
                self.fail(FLAT_FIELDS[field][0], field, values.index[unknown], values[unknown].tolist(),
                          f"not a {field} clusternet knows: a {field} is one of {accepted}, written as one of "
                          f"{spellings} (in any case, spaces, hyphens and underscores alike); add spellings "
                          f"with vocabulary={{{field!r}: {{...}}}}{hint}")
            # reported once, here: left empty, they cannot come back as conflicts or defaults
            self.cells[field] = values.map(mapped)

    def settle_numbers(self, decimal, thousands) -> None:
        """The number convention stated, for validation to read as it reads read_table's."""
        self.number_options = {name: value for name, value in (("decimal", decimal), ("thousands", thousands))
                               if value is not None}

    def tables(self, conflicts: str, cluster_link: str) -> dict[str, pd.DataFrame]:
        cells = self.cells
        keyed = cells["organisation_id"].notna() & cells["project_id"].notna()
        cells = cells[keyed]
        tables = {
            "organisations": self._entities(cells, "organisations", "organisation_id",
                                            [f for f in _ORGANISATION_FIELDS if f in cells], conflicts),
            "projects": self._entities(cells, "projects", "project_id",
                                       [f for f in _PROJECT_FIELDS if f in cells], conflicts),
        }
        if self.spellings is not None and "organisation_id" not in self.labels:
            tables["organisations"]["name_variants"] = tables["organisations"]["organisation_id"].map(self.spellings)
        participations = cells[["project_id", "organisation_id"]].copy()
        for field in ("role", "contribution"):
            if field in cells:
                participations[FLAT_FIELDS[field][1]] = cells[field]
        tables["participations"] = participations
        if "cluster_id" in cells:
            linked = cells[cells["cluster_id"].notna()]
            tables["clusters"] = linked[["cluster_id"]].drop_duplicates()
            if cluster_link == "projects":
                tables["project_clusters"] = linked[["project_id", "cluster_id"]].drop_duplicates()
            else:
                columns = ["organisation_id", "cluster_id"] + (["year"] if "year" in linked else [])
                tables["memberships"] = linked[columns].drop_duplicates()
            empty = int(cells["cluster_id"].isna().sum())
            if empty:
                self.note("project_clusters" if cluster_link == "projects" else "memberships", "cluster_id",
                          empty, f"{empty} row(s) with no cluster: their projects are in no cluster")
        return tables

    def _entities(self, cells, table, key, fields, conflicts) -> pd.DataFrame:
        """One row per id (labelled with its first source row); rows that disagree reported."""
        first = ~cells[key].duplicated()
        entities = cells.loc[first, [key]].copy()
        noun = table.removesuffix("s")
        for field in fields:
            pairs = cells[[key, field]].dropna()
            counts = (pairs.groupby([key, field], sort=False).size().rename("rows").reset_index()
                      .sort_values(["rows", field], ascending=[False, True], kind="stable"))
            kept = counts.drop_duplicates(key).set_index(key)[field]
            split = counts[key].duplicated(keep=False)
            disputed = pairs[pairs[key].isin(set(counts.loc[split, key]))]
            where = disputed.groupby([key, field], sort=False).groups  # (id, value) -> its rows
            for entity, group in counts[split].groupby(key, sort=False):
                rows = disputed.index[disputed[key] == entity]
                listed = "; ".join(f"{value!r} ({_rows(where[(entity, value)])})" for value in group[field])
                if conflicts == "raise":
                    # A project budget that differs on every row is most likely each partner's own.
                    hint = (" or, if it is each partner's own budget, map the column as contribution="
                            if table == "projects" and field == "budget" and len(group) == len(rows) else "")
                    self.fail(table, field, rows, pairs.loc[rows, field].tolist(),
                              f"{noun} {entity!r} has different {field} values on its rows: {listed} "
                              f"(make them agree, or pass conflicts='most_frequent'{hint})")
                else:
                    self.note(table, field, len(rows),
                              f"{noun} {entity!r} has different {field} values on its rows: {listed}; "
                              f"kept {kept[entity]!r}, the most frequent (on a tie the first in Unicode order)")
            values = cells[key].map(kept)
            filled = cells[field].isna() & values.notna()
            if filled.any():
                self.note(table, field, int(filled.sum()),
                          f"{int(filled.sum())} empty cell(s) take the value the {noun}'s other rows give")
            entities[field] = entities[key].map(kept)
        return entities

    def validate(self, tables: dict[str, pd.DataFrame]) -> Ecosystem:
        files = dict.fromkeys(tables, self.file) if self.file else None
        if self.number_options:  # read by validation as read_table's stated convention is
            for table in tables.values():
                table.attrs["number_format"] = dict(self.number_options)
        notes = pd.DataFrame(self.notes)
        try:
            ecosystem = Ecosystem.from_tables(tables, files=files, notes=notes)
        except SchemaError as error:
            cases = error.failure_cases.copy()
            source = {FLAT_FIELDS[field]: label for field, label in self.labels.items()}
            source.update({("participations", "project_id"): self.labels.get("project_id"),
                           ("participations", "organisation_id"): self.labels.get("organisation_id")})
            cases["column"] = [source.get((table, column)) or column
                               for table, column in zip(cases["table"], cases["column"], strict=True)]
            raise SchemaError(pd.concat([pd.DataFrame(self.failures, columns=FAILURE_COLUMNS), cases],
                                        ignore_index=True)) from error
        if self.failures:
            raise SchemaError(self.failures)
        return ecosystem
