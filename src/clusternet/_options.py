"""How the arguments every stage shares are read: ``years``, ``via``, graphs that must be simple, optional igraph.

Private to clusternet. One parser per parameter name, so that ``years`` or ``via`` means the
same in every function (the vocabulary is written down once, in the API reference's
"Parameters" section), and every bad value gets the same shape of message.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from .errors import InvalidGraphError, OptionalDependencyError, OptionError


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

def select_years(table: pd.DataFrame, years: object) -> pd.DataFrame:
    """The rows of ``table`` whose ``year`` is one of ``years`` (read by :func:`parse_years`); rows without a year go."""
    wanted = parse_years(years)
    if wanted is None:
        return table
    return table[table["year"].isin(sorted(wanted)).fillna(False).astype(bool).to_numpy()]


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


def check_simple_graph(G: object, purpose: str) -> None:
    """Raise InvalidGraphError unless ``G`` is an undirected simple networkx graph.

    ``purpose`` names what needs it ("centrality", "method='rewire'"), for the message.
    """
    if not isinstance(G, nx.Graph):
        raise InvalidGraphError(f"{purpose} needs a networkx Graph, got {type(G).__name__}")
    if G.is_directed() or G.is_multigraph():
        raise InvalidGraphError(
            f"{purpose} needs an undirected simple graph, got a {type(G).__name__}; "
            "convert it with nx.Graph(G) (summing parallel edge weights if they matter)"
        )


def check_edge_weights(nodes: list, rows: np.ndarray, cols: np.ndarray, raw: list, weight: str, *,
                       allow_zero: bool = False) -> np.ndarray:
    """The weights of :func:`clusternet._shared.edge_arrays` as floats, each positive (or non-negative).

    The first edge whose weight is missing (NaN), not a number or out of range raises an
    InvalidGraphError that names the edge and the value.
    """
    try:
        values = np.asarray(raw, dtype="float64")
    except (TypeError, ValueError):
        values = np.array([float(w) if _is_number(w) else np.nan for w in raw])
    valid = np.isfinite(values) & ((values >= 0) if allow_zero else (values > 0))
    if not valid.all():
        i = int(np.flatnonzero(~valid)[0])
        wanted = "non-negative" if allow_zero else "positive"
        why = "" if allow_zero else " (it becomes the distance 1 / weight)"
        shown = "no such attribute" if isinstance(raw[i], float) and np.isnan(raw[i]) else repr(raw[i])
        raise InvalidGraphError(
            f"edge weight {weight!r} must be a {wanted} number{why}; edge ({nodes[rows[i]]!r}, "
            f"{nodes[cols[i]]!r}) has {shown}. Drop such edges or pass weight=None."
        )
    return values


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


#: Corrections for many p-values at once: Holm's step-down (family-wise error) and
#: Benjamini-Hochberg (false discovery rate), as statsmodels' ``multipletests`` names them.
CORRECTIONS = ("holm", "fdr_bh")


def check_correction(correction: object) -> str | None:
    """``correction`` checked: None or one of :data:`CORRECTIONS`."""
    if correction is None or (isinstance(correction, str) and correction in CORRECTIONS):
        return correction  # type: ignore[return-value]
    raise OptionError(f"correction={correction!r} is not one of None, {', '.join(map(repr, CORRECTIONS))}")
