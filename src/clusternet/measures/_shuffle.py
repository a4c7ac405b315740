"""The attribute-shuffle null of consortium composition: exact hypergeometric values and seeded shuffles."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy.special import entr
from scipy.stats import hypergeom

from ..errors import OptionError

__all__: list[str] = []

#: Entries a block of shuffles may hold at once (shuffles x the longest array of one shuffle).
_BLOCK_ENTRIES = 1 << 22


def check_samples(samples: object) -> int:
    """``samples`` as a positive int, or the one message for anything else."""
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise OptionError(f"samples must be a positive integer, not {samples!r}")
    return int(samples)


def composition_expectations(sizes: np.ndarray, group_sizes: np.ndarray) -> dict[str, np.ndarray]:
    """Exact means of a consortium's composition when its members' labels are a random shuffle.

    Shuffling a fixed vector of labels over :math:`N` organisations (:math:`N_g` of group
    :math:`g`) makes the group counts :math:`X_g` of a consortium of :math:`n` of them
    multivariate hypergeometric, each :math:`X_g \\sim \\mathrm{Hypergeom}(N, N_g, n)`, so

    * E[distinct groups] :math:`= \\sum_g 1 - \\binom{N - N_g}{n} / \\binom{N}{n}`,
    * P(two or more groups) :math:`= 1 - \\sum_g \\binom{N_g}{n} / \\binom{N}{n}`,
    * E[Blau] :math:`= 1 - \\sum_g E[X_g^2] / n^2` with :math:`E[X_g^2] = \\frac{n(n-1) N_g (N_g - 1)}{N (N - 1)} + \\frac{n N_g}{N}`,
    * E[Shannon] :math:`= \\sum_g \\sum_k P(X_g = k)\\, \\mathrm{entr}(k / n)`.

    ``sizes`` are the consortia's known members (``n``), ``group_sizes`` the :math:`N_g`. Returns
    arrays aligned with ``sizes`` under the keys ``groups, spans, blau, shannon``; an empty
    consortium (``n = 0``) has 0 groups, never spans, and NaN Blau and Shannon.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    group_sizes = np.asarray(group_sizes, dtype=np.int64)
    total = int(group_sizes.sum())
    unique, inverse = np.unique(sizes, return_inverse=True)
    result = {key: np.full(len(unique), np.nan) for key in ("groups", "spans", "blau", "shannon")}
    result["groups"][unique == 0] = 0.0
    result["spans"][unique == 0] = 0.0
    drawn = unique[unique > 0]
    if len(drawn):
        n = drawn[:, None].astype(float)
        law = hypergeom(total, group_sizes[None, :], drawn[:, None])
        at = unique > 0
        result["groups"][at] = (1.0 - law.pmf(0)).sum(axis=1)
        result["spans"][at] = 1.0 - law.pmf(drawn[:, None]).sum(axis=1)
        # E[X^2] = E[X(X - 1)] + E[X], the factorial moment n(n-1)K(K-1) / (N(N-1)) (0 when n = 1)
        share = group_sizes[None, :] / total
        pairs = n * (n - 1) * share * (group_sizes[None, :] - 1) / max(total - 1, 1)
        result["blau"][at] = 1.0 - ((pairs + n * share) / n**2).sum(axis=1)
        shannon = []
        for size in drawn:  # one consortium size at a time: k runs over 0..n
            k = np.arange(size + 1)[:, None]
            shannon.append(
                float((hypergeom.pmf(k, total, group_sizes[None, :], size) * entr(k / size)).sum())
            )
        result["shannon"][at] = shannon
    return {key: values[inverse.ravel()] for key, values in result.items()}


def shuffled_labels(
    labels: np.ndarray, samples: int, generator: np.random.Generator, width: int
) -> Iterator[np.ndarray]:
    """Blocks of shuffles of ``labels``, one shuffle a row, ``samples`` rows in all.

    The block size depends only on the data's sizes (``width``: the longest array one shuffle
    fills), so a seed gives the same shuffles whatever the machine.
    """
    block = max(1, min(samples, _BLOCK_ENTRIES // max(width, len(labels), 1)))
    done = 0
    while done < samples:
        rows = min(block, samples - done)
        yield generator.permuted(np.tile(labels, (rows, 1)), axis=1)
        done += rows
