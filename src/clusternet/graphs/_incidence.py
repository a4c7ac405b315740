"""The sparse core: incidence matrices and their weighted one-mode projections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["WEIGHTS", "Incidence", "Projection", "build_incidence", "node_ids", "project_rows"]

#: The weightings of a projection, see :func:`clusternet.organisation_network`.
WEIGHTS = ("count", "newman", "jaccard", "overlap", "cosine", "association")


@dataclass(frozen=True)
class Incidence:
    """A binary ``rows x columns`` matrix with the ids of its rows and columns (both sorted)."""

    matrix: sp.csr_matrix
    rows: pd.Index
    columns: pd.Index


@dataclass(frozen=True)
class Projection:
    """The upper triangle of a one-mode projection: row codes ``i < j`` in (i, j) order."""

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    shared: np.ndarray


def node_ids(values: Sequence[object] | pd.Series | pd.Index) -> pd.Series:
    """The ids of one side of an incidence matrix, in any order (:func:`build_incidence` sorts)."""
    return pd.Series(values).reset_index(drop=True)


def build_incidence(
    row_ids: pd.Series,
    column_ids: pd.Series,
    *,
    rows: pd.Series,
    columns: pd.Series,
) -> Incidence:
    """Binary incidence matrix of (row id, column id) pairs over the given id sets.

    ``rows`` and ``columns`` are the nodes of each side; the matrix has them in sorted order
    (code point order of the ids). Pairs whose row or column is not among them are left out
    (that is how a cut on years is applied); repeated pairs count once.
    """
    row_codes, row_index = _codes(rows, row_ids)
    column_codes, column_index = _codes(columns, column_ids)
    inside = (row_codes >= 0) & (column_codes >= 0)
    row_codes = row_codes[inside]
    column_codes = column_codes[inside]
    matrix = sp.csr_matrix(
        (np.ones(len(row_codes), dtype=np.float64), (row_codes, column_codes)),
        shape=(len(row_index), len(column_index)),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return Incidence(matrix=matrix, rows=row_index, columns=column_index)


def _codes(nodes: pd.Series, links: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Sorted distinct node ids and the code of each link's id in them (-1: not a node).

    One ``factorize(sort=True)`` of nodes and links together: pandas hashes and sorts the
    strings in C (Arrow for the ``str`` dtype), far faster than a lookup of Python strings.
    """
    nodes = pd.Series(nodes).reset_index(drop=True)
    links = pd.Series(links).reset_index(drop=True)
    if len(nodes) == 0:
        return np.full(len(links), -1, dtype=np.int64), pd.Index([], dtype=object)
    combined = pd.concat([nodes, links], ignore_index=True) if len(links) else nodes
    codes, uniques = pd.factorize(combined, sort=True)
    codes = codes.astype(np.int64)
    is_node = np.zeros(len(uniques), dtype=bool)
    is_node[codes[: len(nodes)]] = True
    link_codes = codes[len(nodes):]
    if is_node.all():
        return link_codes, pd.Index(uniques)
    renumbered = np.cumsum(is_node) - 1
    renumbered[~is_node] = -1
    return renumbered[link_codes], pd.Index(uniques)[is_node]


def project_rows(
    incidence: Incidence,
    *,
    weight: str,
    keep: np.ndarray | None = None,
    min_weight: float | None = None,
    amounts: sp.csr_matrix | None = None,
) -> Projection:
    """Project an incidence matrix onto its rows: ``B @ B.T``, weighted, upper triangle only.

    Row degrees ``s_i``, column sizes ``n_p`` and the number of non-empty columns ``m`` come from
    the whole matrix; ``keep`` (a boolean mask of rows) then selects the rows that are projected,
    so a projection with ``keep`` is exactly the induced subgraph of the one without.
    ``amounts`` (same shape and rows as the incidence matrix, non-negative) is needed by the
    ``contribution`` weight: the tie sums ``sqrt(a_ip * a_jp)`` over the shared columns.
    """
    matrix = incidence.matrix
    degree = np.diff(matrix.indptr).astype(np.float64)
    size = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    kept_rows = np.flatnonzero(keep) if keep is not None else None
    part = matrix[kept_rows] if kept_rows is not None else matrix

    if weight == "newman":
        # A project of one member adds nothing between two organisations; avoid 1/0.
        inverse = np.divide(1.0, size - 1.0, out=np.zeros_like(size), where=size > 1)
        # One product gives both the shared count and Newman's weight: with the column weights
        # 1 + i/(n_p - 1) the real part of B W B^T counts shared columns and the imaginary part
        # sums 1/(n_p - 1). Every product is 1 x (1 + iw) x 1, exact, summed in the same order
        # as a real product, so both parts equal those of two real products bit for bit, at
        # half the cost (the symbolic phase of a sparse product is most of it).
        complex_part = part.astype(np.complex128)
        i, j, both = _upper(complex_part @ sp.diags(1.0 + 1j * inverse) @ complex_part.T)
        shared, values = both.real.copy(), both.imag.copy()
    elif weight == "contribution":
        if amounts is None:  # pragma: no cover - callers pass them
            raise AssertionError("the contribution weight needs amounts")
        roots = amounts[kept_rows] if kept_rows is not None else amounts
        roots = roots.sqrt()
        # Shared projects in the real part, summed geometric means in the imaginary part: a
        # tie whose shared projects all carry a zero contribution keeps its shared count and
        # weighs 0, instead of vanishing from the product's sparsity pattern.
        i, j, both = _upper((part @ part.T) + 1j * (roots @ roots.T))
        shared, values = both.real.copy(), both.imag.copy()
    else:
        i, j, shared = _upper(part @ part.T)
        rows_degree = degree[kept_rows] if kept_rows is not None else degree
        si, sj = rows_degree[i], rows_degree[j]
        if weight == "count":
            values = shared.copy()
        elif weight == "jaccard":
            values = shared / (si + sj - shared)
        elif weight == "overlap":
            values = shared / np.minimum(si, sj)
        elif weight == "cosine":
            values = shared / np.sqrt(si * sj)
        elif weight == "association":
            columns_used = float(np.count_nonzero(size))
            values = columns_used * shared / (si * sj)
        else:  # pragma: no cover - callers validate
            raise AssertionError(f"unknown weight {weight!r}")
    if kept_rows is not None:
        i, j = kept_rows[i], kept_rows[j]
    if min_weight is not None:
        strong = values >= min_weight
        i, j, values, shared = i[strong], j[strong], values[strong], shared[strong]
    return Projection(source=i, target=j, weight=values, shared=shared.astype(np.int64))


def _upper(product: sp.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries above the diagonal of a symmetric product, in (row, column) order."""
    product = sp.csr_matrix(product)
    product.sort_indices()
    rows = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
    columns = product.indices.astype(np.int64)
    above = columns > rows
    return rows[above], columns[above], product.data[above]
