"""Helpers every stage shares: missing values, node order, a graph as arrays, seeds, fast membership tests.

Private to clusternet: each helper exists once here so that the stages agree (what counts as
missing, which order nodes are visited in, how a seed becomes a generator). It imports nothing
from clusternet, so that even :mod:`clusternet.errors` can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN (float, numpy or Decimal), NaT and pd.NA; False for any other value.

    A container (a list, a set) is a value, never missing, even when pandas would test it
    element by element.
    """
    if value is None:
        return True
    if not pd.api.types.is_scalar(value):  # pd.isna would answer element by element
        return False
    return bool(pd.isna(value))


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


#: Country codes as CORDIS writes them: the United Kingdom and Greece as the EU does (UK, EL),
#: where ISO 3166 has GB and GR.
COUNTRY_ALIASES = {"GB": "UK", "GR": "EL"}


def country_codes(values: pd.Series) -> pd.Series:
    """Country codes compared across sources: stripped, upper case, ``GB`` as ``UK`` and ``GR``
    as ``EL``; a missing code is the empty string."""
    text = values.astype("object").where(values.notna(), "").astype("str").str.strip().str.upper()
    return text.replace(COUNTRY_ALIASES).astype(object)


def random_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The one place a ``seed`` becomes a generator, so the same seed always gives the same draws."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def edge_arrays(G: nx.Graph, weight: str | None, *, missing: object = 1.0) -> tuple[list, np.ndarray, np.ndarray, list]:
    """The one conversion of a networkx graph to arrays: nodes, edge ends as positions, raw weights.

    Nodes come in graph order (``list(G)``). An undirected edge is listed once, from the end that
    comes first in that order; a directed graph lists every arc, a multigraph every parallel
    edge. Self-loops are left out. The weights are the raw attribute values (``1.0`` for every
    edge when ``weight`` is None); an edge without the attribute gets ``missing``, so each
    caller states its own rule: 1 as networkx's converters do, or NaN to have it rejected.
    """
    nodes = list(G)
    position = {node: i for i, node in enumerate(nodes)}
    if G.is_multigraph():
        ends = [(position[u], position[v], data.get(weight, missing)) for u, v, data in G.edges(data=True)]
        rows = np.fromiter((end[0] for end in ends), np.intp, len(ends))
        cols = np.fromiter((end[1] for end in ends), np.intp, len(ends))
        raw = [end[2] for end in ends]
        keep = rows != cols
    else:
        # One walk over the adjacency dicts, several times faster than G.edges(data=...) on
        # large graphs; an undirected edge appears from both ends and is kept from the first.
        adjacency = [neighbours for _, neighbours in G.adjacency()]
        count = sum(map(len, adjacency))
        rows = np.repeat(np.arange(len(nodes), dtype=np.intp), [len(neighbours) for neighbours in adjacency])
        cols = np.fromiter((position[v] for neighbours in adjacency for v in neighbours), np.intp, count)
        raw = [data.get(weight, missing) for neighbours in adjacency for data in neighbours.values()]
        keep = rows != cols if G.is_directed() else rows < cols
    if weight is None:
        raw = [1.0] * int(keep.sum())
    else:
        raw = [w for w, kept in zip(raw, keep.tolist(), strict=True) if kept]
    return nodes, rows[keep], cols[keep], raw


def adjust_p_values(p_value: np.ndarray, correction: str | None) -> np.ndarray:
    """p-values adjusted for multiple testing by statsmodels (``holm``, ``fdr_bh``), or a copy for None.

    Missing p-values (NaN: nothing tested) stay missing and do not count as tests.
    """
    p_value = np.asarray(p_value, dtype=float)
    tested = ~np.isnan(p_value)
    if correction is None or not tested.any():
        return p_value.copy()
    from statsmodels.stats.multitest import multipletests  # a second to import: only when asked

    adjusted = p_value.copy()
    adjusted[tested] = multipletests(p_value[tested], method=correction)[1]
    return adjusted
