"""Converted forms of a networkx graph, kept in its ``__networkx_cache__`` and checked against its weights.

Private to the measures. Every measure turns the networkx graph into arrays first; a pipeline
that asks for centrality, communities and modularity of the same graph converted it each
time. networkx (3.3 and later) keeps a dictionary ``G.__networkx_cache__`` for such converted
forms and clears it whenever the graph changes through one of its methods (``add_edge``,
``remove_node``, ``add_weighted_edges_from``, ...). Edge and node data changed in place
(``G.edges[u, v]["weight"] = 2``, ``G.nodes[v]["bipartite"] = 1``) do not clear it, so each
entry here also stores a fingerprint of what the conversion read: the node and edge counts and
every value of the weight attribute (and of the node attribute, when one is read) in the
graph's own order. The fingerprint is compared exactly on every use, and a different one
converts the graph again. Frozen graphs (views such as ``G.subgraph(nodes)``) are converted
every time: a change of the graph they show does not clear their own cache.

The walk over the adjacency that every conversion starts with (:func:`edge_arrays`) is kept
too, so centrality's and the communities' forms of one graph walk it once, and the weights are
read once per call: a conversion that needs the walk finds the fingerprint its caller took.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import networkx as nx
import numpy as np

from .._shared import edge_arrays

_KEY = "clusternet"
T = TypeVar("T")


class _Missing:
    """An edge without the weight attribute, in the kept walk (pickled by name: one object)."""

    def __reduce__(self) -> str:
        return "_MISSING"


_MISSING = _Missing()
# The weights each conversion in progress has read, by graph and weight, for the walk it needs.
_TAKEN = threading.local()


def cached_conversion(G: nx.Graph, kind: str, build: Callable[[], T], *, weight: str | None,
                      node_attribute: str | None = None, options: tuple = ()) -> T:
    """``build()``, or the form it returned for the same graph, ``kind``, ``weight`` and ``options``."""
    cache = getattr(G, "__networkx_cache__", None)
    if cache is None or nx.is_frozen(G):
        return build()
    taken = _taken()
    fingerprint = _fingerprint(G, weight, node_attribute, taken.get((id(G), weight)))
    if fingerprint is None:  # weights that are not numbers: the conversion says what is wrong
        return build()
    store = cache.setdefault(_KEY, {})
    key = (kind, weight, node_attribute, *options)
    entry = store.get(key)
    if entry is not None and _same(entry[0], fingerprint):
        return entry[1]
    outer = (id(G), weight) not in taken
    taken[(id(G), weight)] = fingerprint[:2]
    try:
        value = build()
    finally:
        if outer:
            del taken[(id(G), weight)]
    store[key] = (fingerprint, value)
    return value


def cached_edge_arrays(G: nx.Graph, weight: str | None, *, missing: object) -> tuple[list, np.ndarray, np.ndarray, list]:
    """:func:`clusternet._shared.edge_arrays` (the same lists and arrays), walked once per graph and weight."""
    nodes, rows, cols, raw = cached_conversion(G, "edges", lambda: edge_arrays(G, weight, missing=_MISSING),
                                               weight=weight)
    if weight is not None:
        raw = [missing if value is _MISSING else value for value in raw]
    return nodes, rows, cols, raw


def _taken() -> dict:
    if not hasattr(_TAKEN, "weights"):
        _TAKEN.weights = {}
    return _TAKEN.weights


def _fingerprint(G: nx.Graph, weight: str | None, node_attribute: str | None, taken: tuple | None = None
                 ) -> tuple | None:
    labels = None if node_attribute is None else [data.get(node_attribute) for _, data in G.nodes(data=True)]
    if taken is not None:  # read by the conversion in progress, which the graph cannot have changed since
        return (*taken, labels)
    counts = (G.number_of_nodes(), G.number_of_edges())
    weights = None
    if weight is not None:
        raw = [data.get(weight, np.nan) for _, neighbours in G.adjacency() for data in neighbours.values()]
        try:
            weights = np.asarray(raw, dtype="float64")
        except (TypeError, ValueError):
            return None
    return counts, weights, labels


def _same(old: tuple, new: tuple) -> bool:
    if old[0] != new[0] or old[2] != new[2]:
        return False
    if old[1] is None or new[1] is None:
        return old[1] is None and new[1] is None
    return bool(np.array_equal(old[1], new[1], equal_nan=True))
