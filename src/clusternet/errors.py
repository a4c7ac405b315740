"""Exceptions and warnings raised by clusternet, all in one place.

Every error clusternet raises on purpose subclasses :class:`ClusternetError` and the builtin it
refines (``ValueError``, ``KeyError``, ``ImportError``), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

import pandas as pd

from ._shared import is_missing

__all__ = [
    "ClusternetError",
    "SchemaError",
    "MissingTableError",
    "OptionalDependencyError",
    "OptionError",
    "IdCollisionError",
    "MissingAttributeError",
    "InvalidGraphError",
    "ExportError",
    "StyleError",
    "ConvergenceWarning",
    "FAILURE_COLUMNS",
]

#: Columns of :attr:`SchemaError.failure_cases`.
FAILURE_COLUMNS = ["table", "file", "row", "column", "value", "reason"]

_SHOWN_CASES = 10


class ClusternetError(Exception):
    """Base class of every error clusternet raises on purpose.

    Every one pickles and deep-copies with its data, so it comes back whole from a worker process
    (multiprocessing, joblib, concurrent.futures). A subclass whose constructor takes something
    other than the message says what in :meth:`_arguments`.
    """

    def __reduce__(self) -> tuple:
        # The builtin reduce rebuilds an exception as type(self)(*self.args): for an error built
        # from data rather than from its message (SchemaError) that calls the constructor with
        # the message. Only the arguments are ours; the state stays what the builtin keeps (the
        # instance __dict__, and ImportError's name and path).
        _, _, *state = super().__reduce__()
        return (type(self), self._arguments(), *state)

    def _arguments(self) -> tuple:
        """The positional arguments that build this error again."""
        return self.args


class SchemaError(ClusternetError, ValueError):
    """Input tables do not fit the data model.

    Every problem found is collected before this is raised, so one run shows all of them.

    Attributes
    ----------
    failure_cases : pandas.DataFrame
        One row per problem, columns ``table, file, row, column, value, reason``. ``row`` is the
        row as a spreadsheet shows it (header = row 1, first data row = row 2) for files, and the
        index label for DataFrames; it is empty for problems of a whole table or column.
    """

    def __init__(self, failure_cases: pd.DataFrame | list[dict]) -> None:
        cases = pd.DataFrame(failure_cases, columns=FAILURE_COLUMNS)
        self.failure_cases = cases.reset_index(drop=True)
        super().__init__(self._message())

    def _arguments(self) -> tuple:
        return (self.failure_cases,)

    def _message(self) -> str:
        total = len(self.failure_cases)
        lines = [f"{total} problem{'s' if total != 1 else ''} in the input tables:"]
        for case in self.failure_cases.head(_SHOWN_CASES).itertuples(index=False):
            where = [f"table {case.table!r}"]
            if isinstance(case.file, str) and case.file:
                where.append(f"file {case.file!r}")
            if case.row is not None and not (isinstance(case.row, float) and pd.isna(case.row)):
                where.append(f"row {case.row}")
            if isinstance(case.column, str) and case.column:
                where.append(f"column {case.column!r}")
            value = "" if is_missing(case.value) else f" (value {_short(case.value)!r})"
            lines.append(f"  - {', '.join(where)}: {case.reason}{value}")
        if total > _SHOWN_CASES:
            lines.append(
                f"  ... and {total - _SHOWN_CASES} more; see the error's failure_cases DataFrame."
            )
        return "\n".join(lines)


class MissingTableError(ClusternetError, KeyError):
    """An analysis needs a table the ecosystem was built without."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class OptionalDependencyError(ClusternetError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""


class OptionError(ClusternetError, ValueError):
    """A keyword option has a value the function does not accept."""


class IdCollisionError(ClusternetError, ValueError):
    """An id names both an organisation and a project (or cluster) in one bipartite graph."""


class MissingAttributeError(ClusternetError, KeyError):
    """Some nodes or organisations have no value for the attribute that defines the groups."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class InvalidGraphError(ClusternetError, ValueError):
    """A graph cannot be measured as given (directed, non-positive weights, inconsistent two modes)."""


class ExportError(ClusternetError, ValueError):
    """A graph or table cannot be written in the requested format."""


class StyleError(ClusternetError, ValueError):
    """A styling option names an attribute or layout that cannot be used."""


class ConvergenceWarning(RuntimeWarning):
    """An iterative measure did not converge; the warning says what was returned instead."""


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
