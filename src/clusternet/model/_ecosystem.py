"""The Ecosystem: an immutable, validated bundle of the seven tables."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd

from ..errors import MissingTableError
from ._declarations import NOTE_COLUMNS, SCHEMAS, TABLES
from ._validation import _empty, validate_tables

__all__ = ["Ecosystem"]

# With copy-on-write (the default from pandas 3) a shallow copy is cheap and fully protects the
# stored table; without it only a deep copy does.
_DEEP = not (int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True)


class Ecosystem:
    """Organisations, clusters, memberships, projects, participations, project clusters and activities.

    Every way in validates: building an ``Ecosystem`` collects all problems of all tables and
    raises one :class:`~clusternet.SchemaError` listing them. The tables come back cleaned:
    canonical column names first (aliases such as ``org_id`` are renamed), documented dtypes,
    defaults filled, repeated rows merged. Extra user columns are kept after the canonical ones.

    Only the id columns are mandatory, and only the tables an analysis needs: a member list
    needs ``organisations``, ``clusters`` and ``memberships``; EU data needs ``organisations``,
    ``projects`` and ``participations``. A table not given is empty and listed as absent;
    an analysis that needs it raises :class:`~clusternet.MissingTableError`. The seventh table,
    ``activities`` (which organisation used which service or activity of a cluster, and when),
    is optional everywhere: only the KPI of active companies in :func:`~clusternet.kpis` reads it.

    Parameters
    ----------
    organisations, clusters, memberships, projects, participations, project_clusters, activities : DataFrame, optional
        The raw tables. See the data model in the docs for columns, aliases and defaults.
    files : mapping of str to str, optional
        The file each table was read from, used in error messages.

    Attributes
    ----------
    notes : pandas.DataFrame
        What validation defaulted, merged or noticed (``table, file, column, rows, action,
        removed``): nothing is changed silently. ``removed`` marks notes whose ``rows`` are input
        rows not in the table (merged into another row, skipped, left out), so for every table
        read, input rows = table rows + the ``rows`` of its ``removed`` notes.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c"],
    ...                                 "kind": ["company", "company", "university"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1"], "year": [2019]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1"],
    ...                                  "organisation_id": ["a", "b", "c"]}),
    ... )
    >>> eco
    Ecosystem(organisations=3, clusters=absent, memberships=absent, projects=1, participations=3, project_clusters=absent, activities=absent)
    >>> eco.organisations["kind"].tolist()
    ['company', 'company', 'knowledge_institution']
    """

    __slots__ = ("_tables", "_provided", "_notes", "_files")

    def __init__(
        self,
        organisations: pd.DataFrame | None = None,
        clusters: pd.DataFrame | None = None,
        memberships: pd.DataFrame | None = None,
        projects: pd.DataFrame | None = None,
        participations: pd.DataFrame | None = None,
        project_clusters: pd.DataFrame | None = None,
        activities: pd.DataFrame | None = None,
        *,
        files: Mapping[str, str | None] | None = None,
    ) -> None:
        raw = {
            "organisations": organisations,
            "clusters": clusters,
            "memberships": memberships,
            "projects": projects,
            "participations": participations,
            "project_clusters": project_clusters,
            "activities": activities,
        }
        tables, notes, provided = validate_tables(raw, files=files)
        self._set(tables, provided, notes, files)

    def _set(self, tables, provided, notes, files) -> None:
        if set(tables) != set(TABLES):  # pickled before a table was added (0.1 had no activities)
            tables = {name: tables[name] if name in tables else _empty(SCHEMAS[name]) for name in TABLES}
        object.__setattr__(self, "_tables", tables)
        object.__setattr__(self, "_provided", frozenset(provided))
        object.__setattr__(self, "_notes", _conform_notes(notes))
        object.__setattr__(self, "_files", dict(files or {}))

    @classmethod
    def from_tables(
        cls,
        tables: Mapping[str, pd.DataFrame | None],
        *,
        files: Mapping[str, str | None] | None = None,
        notes: pd.DataFrame | None = None,
    ) -> Ecosystem:
        """Build from a mapping of table name to DataFrame (validated like the constructor).

        ``notes`` (columns ``table, file, column, rows, action`` and optionally ``removed``, see
        :attr:`notes`) lets a reader that reshaped its input, such as
        :func:`~clusternet.read_cordis`, report what it merged or dropped beside what validation
        reports.

        Examples
        --------
        >>> import pandas as pd
        >>> import clusternet as cn
        >>> eco = cn.Ecosystem.from_tables({"organisations": pd.DataFrame({"org_id": ["x"]})})
        >>> eco.provided
        frozenset({'organisations'})
        """
        ecosystem = cls.__new__(cls)
        cleaned, found, provided = validate_tables(tables, files=files)
        if notes is not None and len(notes):
            found = pd.concat([_conform_notes(notes), found], ignore_index=True)
        ecosystem._set(cleaned, provided, found, files)
        return ecosystem

    def __setattr__(self, name, value):
        raise AttributeError("an Ecosystem is immutable; build a new one with replace()")

    def __reduce__(self):
        # pickle (multiprocessing, joblib, notebook caches) and copy.deepcopy would otherwise
        # call the closed __setattr__; the tables are valid already, so nothing is re-validated.
        return (_restore, (type(self), self._tables, self._provided, self._notes, self._files))

    # The tables. pandas copy-on-write makes these shallow copies cheap and safe: changing
    # a returned frame never changes the ecosystem.
    @property
    def organisations(self) -> pd.DataFrame:
        """Organisations table (``organisation_id, name, kind, sector, size_class, ownership, region, country``)."""
        return self._tables["organisations"].copy(deep=_DEEP)

    @property
    def clusters(self) -> pd.DataFrame:
        """Clusters table (``cluster_id, name, type, domain, call, start, end``)."""
        return self._tables["clusters"].copy(deep=_DEEP)

    @property
    def memberships(self) -> pd.DataFrame:
        """Memberships table (``organisation_id, cluster_id, year, tier, board``)."""
        return self._tables["memberships"].copy(deep=_DEEP)

    @property
    def projects(self) -> pd.DataFrame:
        """Projects table (``project_id, title, instrument, year, budget, funding``)."""
        return self._tables["projects"].copy(deep=_DEEP)

    @property
    def participations(self) -> pd.DataFrame:
        """Participations table (``project_id, organisation_id, role, budget``)."""
        return self._tables["participations"].copy(deep=_DEEP)

    @property
    def project_clusters(self) -> pd.DataFrame:
        """Project clusters table (``project_id, cluster_id, status``)."""
        return self._tables["project_clusters"].copy(deep=_DEEP)

    @property
    def activities(self) -> pd.DataFrame:
        """Activities table (``organisation_id, activity, cluster_id, date``): services and activities
        of a cluster that an organisation used or took part in."""
        return self._tables["activities"].copy(deep=_DEEP)

    @property
    def provided(self) -> frozenset[str]:
        """Names of the tables that were given (the others are empty)."""
        return self._provided

    @property
    def notes(self) -> pd.DataFrame:
        """What validation defaulted, merged or noticed (see the class's Attributes)."""
        return self._notes.copy(deep=_DEEP)

    @property
    def files(self) -> dict[str, str | None]:
        """The file each table was read from, where it came from a file."""
        return dict(self._files)

    def table(self, name: str) -> pd.DataFrame:
        """Return a table by name.

        Examples
        --------
        >>> import clusternet as cn
        >>> cn.datasets.load_flanders().table("clusters").shape[0]
        27
        """
        if name not in SCHEMAS:
            raise MissingTableError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        return self._tables[name].copy(deep=_DEEP)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All seven tables by name, in canonical order."""
        return {name: self.table(name) for name in TABLES}

    def require(self, *names: str, purpose: str) -> None:
        """Raise :class:`~clusternet.MissingTableError` unless all the named tables were given.

        Examples
        --------
        >>> import pandas as pd
        >>> import clusternet as cn
        >>> eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a"]}))
        >>> eco.require("projects", "participations", purpose="the organisation network")
        Traceback (most recent call last):
        ...
        clusternet.errors.MissingTableError: the organisation network needs the tables projects, participations; this ecosystem was built without them
        """
        missing = [name for name in names if name not in self._provided]
        if missing:
            raise MissingTableError(
                f"{purpose} needs the table{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"this ecosystem was built without {'them' if len(missing) > 1 else 'it'}"
            )

    def replace(self, **tables: pd.DataFrame | None) -> Ecosystem:
        """A new, validated ecosystem with some tables replaced (``None`` removes one).

        Examples
        --------
        >>> import clusternet as cn
        >>> eco = cn.datasets.load_flanders()
        >>> smaller = eco.replace(memberships=None)
        >>> "memberships" in smaller.provided
        False
        """
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise TypeError(f"unknown table(s) {', '.join(unknown)}; the tables are {', '.join(TABLES)}")
        current = {name: (self._tables[name] if name in self._provided else None) for name in TABLES}
        current.update(tables)
        return Ecosystem(**current, files={k: v for k, v in self._files.items() if k not in tables})

    def summary(self) -> pd.DataFrame:
        """Row counts per table, the file each came from, and how many rows were merged, skipped
        or defaulted.

        Returns
        -------
        pandas.DataFrame
            Indexed by table name with columns ``provided, rows, file, defaulted, merged,
            skipped``: ``defaulted`` counts cells filled with a default, ``merged`` input rows
            merged into another row, ``skipped`` input rows left out (empty rows, rows a reader
            could not use). Input rows = ``rows + merged + skipped``.

        Examples
        --------
        >>> import clusternet as cn
        >>> cn.datasets.load_flanders().summary()[["provided", "rows"]]
                          provided  rows
        table
        organisations         True    26
        clusters              True    27
        memberships           True     6
        projects              True    27
        participations        True     0
        project_clusters      True    33
        activities           False     0
        """
        # One pass over the notes in Python: they are few, and per-table pandas filters cost
        # more than validating a small ecosystem (the fuzz tests call this for every example).
        counts = {name: {"defaulted": 0, "merged": 0, "skipped": 0} for name in TABLES}
        notes = self._notes
        for table, action, removed, count in zip(notes["table"].tolist(), notes["action"].tolist(),
                                                 notes["removed"].tolist(), notes["rows"].tolist(), strict=True):
            if table not in counts:
                continue
            merged = "merged" in str(action)
            if removed:
                counts[table]["merged" if merged else "skipped"] += int(count)
            elif "default" in str(action):
                counts[table]["defaulted"] += int(count)
        rows = [
            {"table": name, "provided": name in self._provided, "rows": len(self._tables[name]),
             "file": self._files.get(name) or "", **counts[name]}
            for name in TABLES
        ]
        return pd.DataFrame(rows).set_index("table")

    def describe(self) -> str:
        """A plain-text summary: the table counts, then every note.

        Examples
        --------
        >>> import clusternet as cn
        >>> print(cn.datasets.load_flanders().describe().splitlines()[0])
        Ecosystem with 6 of 7 tables
        """
        summary = self.summary()
        lines = [f"Ecosystem with {int(summary['provided'].sum())} of {len(TABLES)} tables"]
        for name, row in summary.iterrows():
            count = f"{row['rows']:>9,} rows" if row["provided"] else "   absent"
            source = f"  ({row['file']})" if row["file"] else ""
            lines.append(f"  {name:<17}{count}{source}")
        if len(self._notes):
            lines.append("Notes:")
            for note in self._notes.itertuples(index=False):
                lines.append(f"  - {_where(note)}: {note.action}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        parts = [
            f"{name}={len(self._tables[name]) if name in self._provided else 'absent'}" for name in TABLES
        ]
        return f"Ecosystem({', '.join(parts)})"

    def _repr_html_(self) -> str:
        summary = self.summary().reset_index()
        table = summary.to_html(index=False, escape=True)
        notes = ""
        if len(self._notes):
            items = "".join(
                f"<li>{html.escape(_where(n))}: {html.escape(str(n.action))}</li>"
                for n in self._notes.itertuples(index=False)
            )
            notes = f"<p>Notes:</p><ul>{items}</ul>"
        return f"<div><strong>clusternet Ecosystem</strong>{table}{notes}</div>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ecosystem):
            return NotImplemented
        return self._provided == other._provided and all(
            self._tables[name].equals(other._tables[name]) for name in TABLES
        )

    __hash__ = None  # type: ignore[assignment]

    def organisation_ids(self, kinds: Iterable[str] | None = None) -> pd.Index:
        """Organisation ids, optionally only of some kinds."""
        organisations = self._tables["organisations"]
        if kinds is not None:
            organisations = organisations[organisations["kind"].isin(list(kinds))]
        return pd.Index(organisations["organisation_id"])


def _restore(cls, tables, provided, notes, files) -> Ecosystem:
    ecosystem = cls.__new__(cls)
    ecosystem._set(tables, provided, notes, files)
    return ecosystem


def _conform_notes(notes: pd.DataFrame) -> pd.DataFrame:
    """Notes with exactly :data:`~clusternet.model.NOTE_COLUMNS` (``removed`` false where absent)."""
    notes = notes.reindex(columns=NOTE_COLUMNS)
    return notes.assign(removed=notes["removed"].eq(True),
                        rows=pd.to_numeric(notes["rows"]).fillna(0).astype("int64"))


def _where(note) -> str:
    """``table.column`` of a note, or what of it is there (a folder note has neither)."""
    parts = [str(part) for part in (note.table, note.column) if isinstance(part, str) and part]
    return ".".join(parts) or "input"
