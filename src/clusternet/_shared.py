"""Helpers every stage shares: missing values, canonical node order, seeds, optional igraph.

Private to clusternet: each helper exists once here so that the stages agree (what counts as
missing, which order nodes are visited in, how a seed becomes a generator).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import OptionalDependencyError


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
