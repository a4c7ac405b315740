"""The sparse core: incidence matrices and their weighted one-mode projections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["WEIGHTS", "Incidence", "Projection", "build_incidence", "project_rows"]

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


def sorted_ids(values: Sequence[object] | pd.Series | pd.Index) -> pd.Index:
    """Distinct ids as a sorted ``Index`` of Python strings' order (code point order)."""
    # np.unique sorts object arrays with Python's own comparison: code point order for str.
    return pd.Index(np.unique(np.asarray(values, dtype=object)), dtype=object)


def build_incidence(
    row_ids: pd.Series | np.ndarray,
    column_ids: pd.Series | np.ndarray,
    *,
    rows: pd.Index,
    columns: pd.Index,
) -> Incidence:
    """Binary incidence matrix of (row id, column id) pairs over the given sorted id sets.

    Pairs whose row or column is not in ``rows`` / ``columns`` are left out (that is how a cut
    on years or kinds is applied); repeated pairs count once.
    """
    row_codes = rows.get_indexer(np.asarray(row_ids, dtype=object))
    column_codes = columns.get_indexer(np.asarray(column_ids, dtype=object))
    inside = (row_codes >= 0) & (column_codes >= 0)
    row_codes = row_codes[inside]
    column_codes = column_codes[inside]
    matrix = sp.csr_matrix(
        (np.ones(len(row_codes), dtype=np.float64), (row_codes, column_codes)),
        shape=(len(rows), len(columns)),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return Incidence(matrix=matrix, rows=rows, columns=columns)


def project_rows(
    incidence: Incidence,
    *,
    weight: str,
    keep: np.ndarray | None = None,
    min_weight: float | None = None,
) -> Projection:
    """Project an incidence matrix onto its rows: ``B @ B.T``, weighted, upper triangle only.

    Row degrees ``s_i``, column sizes ``n_p`` and the number of non-empty columns ``m`` come from
    the whole matrix; ``keep`` (a boolean mask of rows) then selects the rows that are projected,
    so a projection with ``keep`` is exactly the induced subgraph of the one without.
    """
    matrix = incidence.matrix
    degree = np.diff(matrix.indptr).astype(np.float64)
    size = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    kept_rows = np.flatnonzero(keep) if keep is not None else None
    part = matrix[kept_rows] if kept_rows is not None else matrix

    counts = _upper(part @ part.T)
    i, j, shared = counts
    if weight == "count":
        values = shared.copy()
    elif weight == "newman":
        # A project of one member adds nothing between two organisations; avoid 1/0.
        inverse = np.divide(1.0, size - 1.0, out=np.zeros_like(size), where=size > 1)
        wi, wj, values = _upper(part @ sp.diags(inverse) @ part.T)
        if not (np.array_equal(wi, i) and np.array_equal(wj, j)):  # pragma: no cover - invariant
            raise AssertionError("weighted and count projections differ in pattern")
    else:
        rows_degree = degree[kept_rows] if kept_rows is not None else degree
        si, sj = rows_degree[i], rows_degree[j]
        if weight == "jaccard":
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
