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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import networkx as nx
import numpy as np

_KEY = "clusternet"
T = TypeVar("T")


def cached_conversion(G: nx.Graph, kind: str, build: Callable[[], T], *, weight: str | None,
                      node_attribute: str | None = None, options: tuple = ()) -> T:
    """``build()``, or the form it returned for the same graph, ``kind``, ``weight`` and ``options``."""
    cache = getattr(G, "__networkx_cache__", None)
    if cache is None or nx.is_frozen(G):
        return build()
    fingerprint = _fingerprint(G, weight, node_attribute)
    if fingerprint is None:  # weights that are not numbers: the conversion says what is wrong
        return build()
    store = cache.setdefault(_KEY, {})
    key = (kind, weight, node_attribute, *options)
    entry = store.get(key)
    if entry is not None and _same(entry[0], fingerprint):
        return entry[1]
    value = build()
    store[key] = (fingerprint, value)
    return value


def _fingerprint(G: nx.Graph, weight: str | None, node_attribute: str | None) -> tuple | None:
    counts = (G.number_of_nodes(), G.number_of_edges())
    weights = None
    if weight is not None:
        raw = [data.get(weight, np.nan) for _, neighbours in G.adjacency() for data in neighbours.values()]
        try:
            weights = np.asarray(raw, dtype="float64")
        except (TypeError, ValueError):
            return None
    labels = None if node_attribute is None else [data.get(node_attribute) for _, data in G.nodes(data=True)]
    return counts, weights, labels


def _same(old: tuple, new: tuple) -> bool:
    if old[0] != new[0] or old[2] != new[2]:
        return False
    if old[1] is None or new[1] is None:
        return old[1] is None and new[1] is None
    return bool(np.array_equal(old[1], new[1], equal_nan=True))
