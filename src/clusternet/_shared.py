"""Helpers every stage shares: missing values, node order, seeds, the years argument, optional igraph.

Private to clusternet: each helper exists once here so that the stages agree (what counts as
missing, which order nodes are visited in, how a seed becomes a generator).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import OptionalDependencyError, OptionError


def is_missing(value: object) -> bool:
    """True for None, NaN (float, numpy or Decimal), NaT and pd.NA; False for any other value.

    A container (a list, a set) is a value, never missing, even when pandas would test it
    element by element.
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # containers: pd.isna answers element-wise
        return False


def sorted_nodes(nodes: Iterable) -> list:
    """Nodes in a canonical order: sorted, or, for mixed types, by type name and then text.

    The one order every result that must not depend on insertion (or hash-seed) order starts
    from: community detection and drawing.
    """
    nodes = list(nodes)
    try:
        return sorted(nodes)
    except TypeError:
        return sorted(nodes, key=lambda node: (type(node).__name__, str(node)))


def isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known)`` by factorising both together: one hash pass, no per-cell Python
    (pandas' isin on Arrow strings converts every cell to a Python object)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    both = pd.concat([known.dropna().astype("str"), values.astype("str")], ignore_index=True)
    codes, _ = pd.factorize(both)
    n_known = len(both) - len(values)
    present = np.zeros(codes.max() + 2, dtype=bool)
    present[codes[:n_known]] = True
    present[-1] = False  # code -1: a missing value
    return present[codes[n_known:]]


def random_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The one place a ``seed`` becomes a generator, so the same seed always gives the same draws."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def igraph(needed_for: str | None = None):
    """The python-igraph module, or None when it is not installed.

    With ``needed_for`` (the option that needs it, e.g. ``"method='leiden'"``) a missing igraph
    raises an OptionalDependencyError that says how to install it, instead of returning None.
    """
    try:
        import igraph as module
    except ImportError as err:
        if needed_for is None:
            return None
        raise OptionalDependencyError(
            f"{needed_for} needs python-igraph; install it with pip install 'clusternet[fast]'"
        ) from err
    return module


def parse_years(years: object) -> frozenset[int] | None:
    """The one reading of a ``years`` argument: None (all years), one year, or a collection of years.

    A span is written as a range, ``range(2017, 2020)`` for 2017-2019; a tuple is a collection
    like any other, so ``(2017, 2019)`` means the two years 2017 and 2019. Returns the years as a
    frozenset, or None for all years.
    """
    if years is None:
        return None
    if _is_year(years):
        return frozenset([int(years)])  # type: ignore[call-overload]
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise OptionError(
            f"years={years!r} must be a year or a collection of years; for a span write "
            "range(first, last + 1), e.g. range(2017, 2020) for 2017-2019"
        )
    values = list(years)
    for value in values:
        if not _is_year(value):
            hint = (" (an open end is not a year: write the span as range(first, last + 1))"
                    if value is None else "")
            raise OptionError(f"years={years!r}: {value!r} is not a whole year{hint}")
    if not values:
        raise OptionError("years is empty; pass years=None for all years")
    return frozenset(int(value) for value in values)


def _is_year(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


#: The one vocabulary of ``via``, named by what ties organisations to clusters: ``memberships``
#: (the member lists), ``projects`` (the projects the members take part in, through
#: ``participations``), ``intercluster`` (the projects the clusters carry, ``project_clusters``).
VIA = ("memberships", "projects", "intercluster")


def check_via(via: object, accepted: tuple[str, ...] = VIA, *, renamed: dict[str, str] | None = None) -> str:
    """``via`` checked against the values a function accepts (a subset of :data:`VIA`).

    ``renamed`` maps a clusternet 0.1 spelling to today's, so the error says what to write.
    """
    if isinstance(via, str) and via in accepted:
        return via
    renamed = {"members": "memberships", **(renamed or {})}
    hint = f"; clusternet 0.1's {via!r} is now {renamed[via]!r}" if isinstance(via, str) and via in renamed else ""
    raise OptionError(f"via={via!r} is not one of {', '.join(map(repr, accepted))}{hint}")


def select_years(table: pd.DataFrame, years: object) -> pd.DataFrame:
    """The rows of ``table`` whose ``year`` is one of ``years`` (read by :func:`parse_years`); rows without a year go."""
    wanted = parse_years(years)
    if wanted is None:
        return table
    return table[table["year"].isin(sorted(wanted)).fillna(False).astype(bool).to_numpy()]
