r"""Backbones: the ties of a network stronger than a null model predicts."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from scipy import special, stats

from .._options import CORRECTIONS, check_correction, check_edge_weights, check_simple_graph
from .._shared import adjust_p_values, edge_arrays
from ..errors import ConvergenceWarning, InvalidGraphError, OptionError
from ..model import Ecosystem
from ._builders import (
    _as_str,
    _check_choice,
    _check_options,
    _id_column,
    _node_records,
    _organisation_incidence,
)
from ._incidence import WEIGHTS, Incidence, build_incidence, project_rows

__all__ = ["backbone_edges", "backbone", "BACKBONE_METHODS", "CORRECTIONS"]

#: The null models of :func:`backbone_edges`: two for a two-mode (organisation-project) source,
#: two for any weighted graph.
BACKBONE_METHODS = ("hypergeometric", "sdsm", "disparity", "noise_corrected")
#: The multiple-testing corrections of :func:`backbone_edges` (statsmodels' names).
_BIPARTITE_METHODS = ("hypergeometric", "sdsm")
# The bipartite configuration model is fitted to the degree classes until every expected degree
# is within this fraction of the observed one.
_FIT_TOLERANCE = 1e-10
_FIT_ITERATIONS = 20_000
# Below this, an SDSM p-value is the sum of the probabilities of the counts from the observed
# one up, rather than one minus those below it, whose rounding error is about 1e-16.
_SUMMED_BELOW = 1e-8


def backbone_edges(
    source: Ecosystem | nx.Graph,
    *,
    method: str,
    alpha: float = 0.05,
    correction: str | None = None,
    weight: str | None = None,
    years: int | Iterable[int] | None = None,
    kinds: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    r"""Every tie of a network with its p-value under a null model, and whether it is significant.

    A backbone keeps the ties that are stronger than a null model predicts [1]_. Two nulls are
    for the organisation-project incidence (an Ecosystem or a two-mode graph): they ask whether
    two organisations share more projects than chance allows, given how many projects each has
    (``hypergeometric``) and also how large the projects are (``sdsm``). Two are for any weighted
    graph: they ask whether a tie carries more of its ends' weight than chance allows
    (``disparity``, ``noise_corrected``).

    Parameters
    ----------
    source : Ecosystem or networkx.Graph
        An Ecosystem (needs ``organisations``, ``projects`` and ``participations``): its
        organisation network is tested. A graph: for ``hypergeometric`` and ``sdsm`` a two-mode
        graph whose nodes carry ``bipartite`` 0 (the side that is projected, as
        :func:`bipartite_graph` writes organisations) or 1; for ``disparity`` and
        ``noise_corrected`` any undirected graph, read from its edges' ``weight`` attribute (1
        where an edge has none).
    method : {"hypergeometric", "sdsm", "disparity", "noise_corrected"}
        The null model, see the Notes.
    alpha : float, default 0.05
        The significance level, strictly between 0 and 1: a tie is significant when its
        (corrected) p-value is at most ``alpha``.
    correction : {"holm", "fdr_bh"}, optional
        Correct the p-values for testing every tie at once: Holm's step-down method (controls
        the family-wise error rate) or Benjamini-Hochberg (controls the false discovery rate),
        as statsmodels' ``multipletests`` computes them. None (the default) tests each tie on
        its own.
    weight : {"count", "newman", "jaccard", "overlap", "cosine", "association"}, optional
        The weighting of the organisation network (as in :func:`organisation_network`), for an
        Ecosystem or a two-mode graph. It is the ``weight`` column of the result and, for
        ``disparity`` and ``noise_corrected``, the weight that is tested. When None: ``"newman"``
        for those two (on shared-project counts most ties weigh 1 and almost none stands out),
        ``"count"`` (shared projects) for the others, whose p-values do not use it. A one-mode graph already carries its weights, so ``weight`` must
        then be None.
    years : int or collection of int, optional
        For an Ecosystem: keep only projects of these years (``docs/parameters.md``).
    kinds : str or iterable of str, optional
        For an Ecosystem: keep only ties between organisations of these kinds. As in
        :func:`organisation_network` the cut comes after: degrees, project sizes and the
        number of projects still count every participant.

    Returns
    -------
    pandas.DataFrame
        One row per tie (every tie of :func:`organisation_edges` for an Ecosystem, every edge of
        a one-mode graph), ``source < target`` as strings, sorted by ``source`` then
        ``target``. Columns ``source, target, weight``, then per method: ``shared`` (the
        number of shared projects; ``hypergeometric`` and ``sdsm``, and ``disparity`` and
        ``noise_corrected`` on an Ecosystem), ``p_source`` and ``p_target`` (``disparity``:
        the p-value at each end), ``score`` and ``sd`` (``noise_corrected``: the transformed
        lift and its standard deviation); then ``p_value``, ``p_adjusted`` (equal to
        ``p_value`` without a correction) and ``significant`` (``p_adjusted <= alpha``).

    Raises
    ------
    OptionError
        If an option has a bad value, or ``weight``, ``years`` or ``kinds`` is given with a
        one-mode graph.
    InvalidGraphError
        If ``source`` is neither an Ecosystem nor an undirected simple graph, if a two-mode
        method is given a graph whose nodes are not all marked ``bipartite`` 0 or 1 (or with
        an edge inside one side), or if an edge weight is negative or not a number.
    MissingTableError
        If the Ecosystem lacks a table the organisation network needs.

    Warns
    -----
    UserWarning
        If there is no tie to test (an empty table is returned).
    ConvergenceWarning
        If the bipartite configuration model of ``sdsm`` could not be fitted to the degrees
        (a degree sequence at the edge of what is possible, such as an organisation in every
        project); the p-values then use the last fit.

    See Also
    --------
    backbone : the significant ties as a networkx graph.
    organisation_edges : every tie, without a test.

    Notes
    -----
    Let :math:`c_{ij}` be the number of projects organisations :math:`i` and :math:`j` share,
    :math:`d_i` the number of projects of :math:`i`, :math:`n_p` the number of participants of
    project :math:`p` and :math:`N` the number of projects with at least one participant. Every
    p-value is that of the observed tie or a stronger one.

    **hypergeometric** (fixed-row null, Tumminello et al. [2]_): :math:`i` and :math:`j` chose
    their projects at random among the :math:`N`, keeping their degrees, so

    .. math::

        p_{ij} = P(X \ge c_{ij}), \quad X \sim \mathrm{Hypergeom}(N, d_i, d_j),
        \quad P(X = k) = \binom{d_i}{k} \binom{N - d_i}{d_j - k} \Big/ \binom{N}{d_j}.

    **sdsm** (stochastic degree sequence model, Neal [3]_): each organisation-project pair
    is an independent Bernoulli trial with the probability of the bipartite configuration model
    (Saracco et al. [4]_), the maximum-entropy model whose expected degrees are the observed
    ones on both sides:

    .. math::

        P_{ip} = \frac{x_i y_p}{1 + x_i y_p}, \quad \sum_p P_{ip} = d_i, \quad
        \sum_i P_{ip} = n_p,

    and the number of projects :math:`i` and :math:`j` share is Poisson-binomial:
    :math:`p_{ij} = P(X \ge c_{ij})` with :math:`X = \sum_p B_p`,
    :math:`B_p \sim \mathrm{Bernoulli}(P_{ip} P_{jp})`. Both sums are computed exactly here,
    not approximated: :math:`P_{ip}` depends only on the two degrees, so the model is fitted
    to the distinct degrees (a fixed point, Vallarano et al. [5]_), and the projects of one
    size add up to a binomial, so :math:`X` is the convolution of one binomial per distinct
    project size, truncated at twice the largest :math:`c_{ij}` of the pair of degrees. The
    p-value is :math:`1 - P(X < c_{ij})`, or, below :math:`10^{-8}`, the sum of
    :math:`P(X = t)` from :math:`t = c_{ij}` to the truncation (the rest of such a tail is
    negligible), so small p-values keep their relative precision; for :math:`c_{ij} = 1` it is
    :math:`1 - \prod_p (1 - P_{ip} P_{jp})` in closed form.

    **disparity** (Serrano et al. [6]_): the weights of a node's :math:`k_i` ties are a random
    split of its strength :math:`s_i = \sum_j w_{ij}`, so at end :math:`i`

    .. math::

        \alpha_{ij} = \left(1 - \frac{w_{ij}}{s_i}\right)^{k_i - 1},

    and a tie is kept when it is significant at either end: :math:`p_{ij} = \min(\alpha_{ij},
    \alpha_{ji})` (a node with one tie gives :math:`\alpha = 1` at its end).

    **noise_corrected** (Coscia and Neffke [7]_): with :math:`n_i = s_i` and
    :math:`n = \sum_i s_i` (the undirected graph read as a symmetric directed one, as in the
    authors' code), the lift :math:`\kappa w_{ij}`, :math:`\kappa = n / (n_i n_j)`, is
    transformed to :math:`\tilde L_{ij} = (\kappa w_{ij} - 1) / (\kappa w_{ij} + 1)` (column
    ``score``) and its standard deviation :math:`\sigma_{ij}` (column ``sd``) comes from a
    binomial with a Beta prior whose mean is :math:`n_i n_j / n^2` (their equations 6-13). The
    authors keep a tie when :math:`\tilde L_{ij} > \delta \sigma_{ij}`; the p-value here is
    :math:`p_{ij} = 1 - \Phi(\tilde L_{ij} / \sigma_{ij})`, so that ``alpha`` chooses
    :math:`\delta = \Phi^{-1}(1 - \alpha)` (1.64 at 0.05).

    p-values depend only on :math:`(d_i, d_j, c_{ij})` (or the weights), so the two bipartite
    nulls are computed once per distinct pair of degrees: Horizon 2020 has 796,670 ties but
    22,648 such pairs. For an Ecosystem, ``disparity`` and ``noise_corrected`` test the
    organisation network with the chosen ``weight``; ``count`` weights suit them best, as
    their nulls split a total of units.

    References
    ----------
    .. [1] Z. P. Neal, "backbone: An R package to extract network backbones", PLoS ONE 17(5),
       e0269137 (2022).
    .. [2] M. Tumminello, S. Miccichè, F. Lillo, J. Piilo and R. N. Mantegna, "Statistically
       validated networks in bipartite complex systems", PLoS ONE 6(3), e17994 (2011).
    .. [3] Z. Neal, "The backbone of bipartite projections: Inferring relationships from
       co-authorship, co-sponsorship, co-attendance and other co-behaviors", Social Networks
       39, 84-97 (2014).
    .. [4] F. Saracco, R. Di Clemente, A. Gabrielli and T. Squartini, "Randomizing bipartite
       networks: the case of the World Trade Web", Scientific Reports 5, 10595 (2015).
    .. [5] N. Vallarano, M. Bruno, E. Marchese, G. Trapani, F. Saracco, G. Cimini, M. Zanon
       and T. Squartini, "Fast and scalable likelihood maximization for exponential random
       graph models with local constraints", Scientific Reports 11, 15227 (2021).
    .. [6] M. Á. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of
       complex weighted networks", PNAS 106(16), 6483-6488 (2009).
    .. [7] M. Coscia and F. M. H. Neffke, "Network backboning with noisy data", IEEE 33rd
       International Conference on Data Engineering (ICDE), 425-436 (2017).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4", "p5", "p6"]}),
    ...     participations=pd.DataFrame({
    ...         "project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p5", "p6", "p6"],
    ...         "organisation_id": ["a", "b", "a", "b", "a", "b", "c", "c", "c", "d"]}),
    ... )
    >>> edges = cn.backbone_edges(eco, method="hypergeometric", alpha=0.1)
    >>> edges[["source", "target", "shared", "p_value", "significant"]].round(3)
      source target  shared  p_value  significant
    0      a      b       3     0.05         True
    1      c      d       1     0.50        False
    >>> cn.backbone_edges(eco, method="disparity")[["source", "target", "p_value"]]
      source target  p_value
    0      a      b      1.0
    1      c      d      1.0
    """
    method = _check_choice("method", method, BACKBONE_METHODS)
    alpha = _check_alpha(alpha)
    correction = check_correction(correction)
    ties = _ties(source, method, weight, years, kinds)
    if len(ties.source) == 0:
        warnings.warn(f"backbone_edges(method={method!r}): {ties.empty_reason}; the table is empty",
                      UserWarning, stacklevel=2)
    columns, p_value = _METHODS[method](ties)
    adjusted = adjust_p_values(p_value, correction)
    frame = _frame(ties, {**columns, "p_value": p_value, "p_adjusted": adjusted,
                          "significant": adjusted <= alpha})
    return frame


def backbone(
    source: Ecosystem | nx.Graph,
    *,
    method: str,
    alpha: float = 0.05,
    correction: str | None = None,
    weight: str | None = None,
    years: int | Iterable[int] | None = None,
    kinds: Iterable[str] | str | None = None,
) -> nx.Graph:
    """The significant ties of a network under a null model, as a networkx graph.

    The graph of :func:`backbone_edges`'s significant rows; parameters, methods and formulas
    are described there.

    Returns
    -------
    networkx.Graph
        Every node of the network is a node, isolates included, with its attributes: for an
        Ecosystem the organisations (of the kept ``kinds``) with the columns of their table, as
        :func:`organisation_network` gives them; for a two-mode graph its ``bipartite=0``
        nodes; for a one-mode graph all its nodes. Edges carry the columns of
        :func:`backbone_edges` but ``source``, ``target`` and ``significant``. ``G.graph``
        records ``method``, ``alpha``, ``correction`` and ``weight`` (those that are not
        None), and for an Ecosystem ``network="organisation"`` and the ``years`` and
        ``kinds`` given (as sorted tuples).

    Raises
    ------
    OptionError, InvalidGraphError, MissingTableError
        As :func:`backbone_edges`.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                 "kind": ["company", "company", "university", "company"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4", "p5", "p6"]}),
    ...     participations=pd.DataFrame({
    ...         "project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p5", "p6", "p6"],
    ...         "organisation_id": ["a", "b", "a", "b", "a", "b", "c", "c", "c", "d"]}),
    ... )
    >>> G = cn.backbone(eco, method="hypergeometric", alpha=0.1)
    >>> sorted(G.edges), G.number_of_nodes(), G.nodes["c"]["kind"]
    ([('a', 'b')], 4, 'knowledge_institution')
    >>> G.graph["method"], G.graph["alpha"]
    ('hypergeometric', 0.1)
    """
    edges = backbone_edges(source, method=method, alpha=alpha, correction=correction, weight=weight,
                           years=years, kinds=kinds)
    options = {"method": method, "alpha": float(alpha), "correction": correction, "weight": weight}
    if isinstance(source, Ecosystem):
        _, chosen_years, chosen_kinds, _ = _check_options("count", years, kinds, None)
        options = {"network": "organisation", **options, "weight": weight or _default_weight(method),
                   "years": None if chosen_years is None else tuple(sorted(chosen_years)),
                   "kinds": None if chosen_kinds is None else tuple(chosen_kinds)}
        organisations = source.organisations
        if chosen_kinds is not None:
            organisations = organisations[organisations["kind"].isin(chosen_kinds)]
        ids, records = _node_records(organisations, "organisation_id")
        nodes = list(zip(ids, records, strict=True))
    elif method in _BIPARTITE_METHODS:
        options["weight"] = weight or "count"
        nodes = [(node, dict(data)) for node, data in source.nodes(data=True) if data.get("bipartite") == 0]
    else:
        nodes = [(node, dict(data)) for node, data in source.nodes(data=True)]
    graph = nx.Graph(**{key: value for key, value in options.items() if value is not None})
    graph.add_nodes_from(nodes)
    kept = edges[edges["significant"].to_numpy()]
    attributes = [column for column in kept.columns if column not in ("source", "target", "significant")]
    values = [kept[column].tolist() for column in attributes]
    graph.add_edges_from(
        (u, v, dict(zip(attributes, row, strict=True)))
        for u, v, *row in zip(kept["source"].tolist(), kept["target"].tolist(), *values, strict=True)
    )
    return graph


# --------------------------------------------------------------------------------------------
# The ties of a source
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ties:
    """The ties to test: positions ``source < target`` in ``labels``, with what the nulls need."""

    labels: pd.Index | np.ndarray
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    shared: np.ndarray | None  # shared projects, for a source with an incidence
    incidence: Incidence | None  # the organisation-project incidence, degrees counted over it
    ordered: bool  # labels are strings in code point order, so ties are already in table order
    empty_reason: str


def _ties(source, method: str, weight, years, kinds) -> _Ties:
    default = _default_weight(method)
    if isinstance(source, Ecosystem):
        source.require("organisations", "projects", "participations", purpose="a backbone")
        weight, years, kinds, _ = _check_options(weight or default, years, kinds, None)
        incidence, keep = _organisation_incidence(source, years, kinds)
        return _projected(incidence, weight, keep)
    if not isinstance(source, nx.Graph):
        raise InvalidGraphError(f"a backbone needs an Ecosystem or a networkx Graph, got {type(source).__name__}")
    check_simple_graph(source, "a backbone")
    for name, value in (("years", years), ("kinds", kinds)):
        if value is not None:
            raise OptionError(f"{name}={value!r} applies to an Ecosystem; a graph is tested as it is")
    if method in _BIPARTITE_METHODS:
        weight = _check_choice("weight", weight or default, WEIGHTS)
        return _projected(_two_mode_incidence(source, method), weight, None)
    if weight is not None:
        raise OptionError(
            f"weight={weight!r}: a one-mode graph is tested on its edges' 'weight' attribute; "
            "leave weight=None (build the graph with the weighting you want)"
        )
    nodes, rows, cols, raw = edge_arrays(source, "weight")
    weights = check_edge_weights(nodes, rows, cols, raw, "weight", allow_zero=True)
    labels = np.empty(len(nodes), dtype=object)
    labels[:] = nodes  # element by element: tuple node ids stay tuples
    return _Ties(labels=labels, source=rows.astype(np.int64), target=cols.astype(np.int64), weight=weights,
                 shared=None, incidence=None, ordered=False, empty_reason="the graph has no edge")


def _projected(incidence: Incidence, weight: str, keep: np.ndarray | None) -> _Ties:
    projection = project_rows(incidence, weight=weight, keep=keep)
    labels = incidence.rows
    ordered = isinstance(labels.dtype, pd.StringDtype) or labels.inferred_type in ("string", "empty")
    return _Ties(labels=labels, source=projection.source, target=projection.target,
                 weight=projection.weight.astype(np.float64), shared=projection.shared,
                 incidence=incidence, ordered=ordered, empty_reason="no two organisations share a project")


def _two_mode_incidence(graph: nx.Graph, method: str) -> Incidence:
    side = dict(graph.nodes(data="bipartite"))
    unmarked = [node for node, value in side.items() if value not in (0, 1)]
    if unmarked:
        raise InvalidGraphError(
            f"method={method!r} needs a two-mode graph whose nodes carry bipartite=0 or 1 (as "
            f"bipartite_graph writes them); {len(unmarked)} node(s) do not, e.g. {unmarked[0]!r}"
        )
    ends = [(u, v) if side[u] == 0 else (v, u) for u, v in graph.edges()]
    inside = [(u, v) for u, v in ends if side[u] == side[v]]
    if inside:
        raise InvalidGraphError(
            f"method={method!r} needs a two-mode graph; edge {inside[0]!r} joins two nodes of one side"
        )
    rows = pd.Series([node for node, value in side.items() if value == 0], dtype=object)
    columns = pd.Series([node for node, value in side.items() if value == 1], dtype=object)
    return build_incidence(pd.Series([u for u, _ in ends], dtype=object),
                           pd.Series([v for _, v in ends], dtype=object), rows=rows, columns=columns)


def _frame(ties: _Ties, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The tidy table: ids as the *_edges functions give them, rows in string order."""
    order = None
    if ties.ordered:
        source, target = _as_str(ties.labels.take(ties.source)), _as_str(ties.labels.take(ties.target))
    else:
        labels = np.asarray(ties.labels, dtype=object)
        source, target = labels[ties.source], labels[ties.target]
        source_text = np.array([str(label) for label in source], dtype=object)
        target_text = np.array([str(label) for label in target], dtype=object)
        swap = source_text > target_text
        source, target = np.where(swap, target, source), np.where(swap, source, target)
        source_text, target_text = np.where(swap, target_text, source_text), np.where(swap, source_text,
                                                                                        target_text)
        order = np.lexsort((target_text, source_text))
        source, target = _id_column(list(source[order]), False), _id_column(list(target[order]), False)
    frame = pd.DataFrame({"source": source, "target": target, "weight": ties.weight})
    if order is not None:
        frame["weight"] = ties.weight[order]
    for name, values in columns.items():
        frame[name] = values if order is None else values[order]
    return frame


# --------------------------------------------------------------------------------------------
# The nulls
# --------------------------------------------------------------------------------------------


def _hypergeometric(ties: _Ties) -> tuple[dict[str, np.ndarray], np.ndarray]:
    degree, _, projects = _degrees(ties.incidence)
    low, high, pair, first, shared = _degree_pairs(degree, ties)
    # The upper tail from the smallest shared count of each pair of degrees up to the largest
    # possible one (the smaller degree), summed from the far end so small p-values keep their
    # relative precision.
    start = np.full(len(first), np.iinfo(np.int64).max)
    np.minimum.at(start, pair, shared)
    p_value = np.empty(len(shared))
    for members, length in _buckets(low[first] - start + 1):
        d_i, d_j = low[first][members, None], high[first][members, None]
        k = start[members, None] + np.arange(length)
        possible = (k <= d_i) & (k >= d_i + d_j - projects)
        log_pmf = (_log_choose(d_i, k) + _log_choose(projects - d_i, d_j - k) - _log_choose(projects, d_j))
        pmf = np.where(possible, np.exp(np.where(possible, log_pmf, 0.0)), 0.0)
        tail = np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1]
        p_value_of = _lookup(pair, members, shared - start[pair], tail)
        p_value[p_value_of[0]] = p_value_of[1]
    return {"shared": ties.shared}, np.clip(p_value, 0.0, 1.0)


def _sdsm(ties: _Ties) -> tuple[dict[str, np.ndarray], np.ndarray]:
    degree, size, _ = _degrees(ties.incidence)
    row_degrees, row_counts = np.unique(degree[degree > 0], return_counts=True)
    column_sizes, column_counts = np.unique(size[size > 0], return_counts=True)
    probability = _bipartite_configuration(row_degrees, row_counts, column_sizes, column_counts)
    low, high, pair, first, shared = _degree_pairs(degree, ties)
    p_low = probability[np.searchsorted(row_degrees, low[first])]
    p_high = probability[np.searchsorted(row_degrees, high[first])]
    joint = p_low * p_high  # pairs x project sizes: the chance both take part in one project
    counts = column_counts.astype(np.float64)
    # P(X = 0) in closed form, so the most common tie (one shared project) gets a p-value that
    # is accurate however small.
    log_none = (np.log1p(-np.minimum(joint, 1.0)) * counts).sum(axis=1)
    none_at_all = -np.expm1(log_none)
    longest = np.zeros(len(first), dtype=np.int64)
    np.maximum.at(longest, pair, shared)
    p_value = np.where(shared == 1, none_at_all[pair], np.nan)
    # Then 1 - P(X < c) by the convolution truncated at the longest count of each pair; where
    # that is below 1e-8 (it keeps no digit under 1e-16) the pair is done again at twice the
    # length and the p-value summed term by term from c on: a tail that small has died away
    # long before twice the count.
    for stretch, pairs in ((1, np.flatnonzero(longest > 1)), (2, None)):
        if pairs is None:
            small = np.flatnonzero((p_value < _SUMMED_BELOW) & (shared > 1))
            pairs = np.unique(pair[small])
        for members, length in _buckets(longest[pairs]):
            members = pairs[members]
            pmf = _poisson_binomial(joint[members], counts, stretch * length)
            at_least = 1.0 - np.cumsum(pmf, axis=1)[:, :length]  # column t: P(X >= t + 1)
            if stretch > 1:
                summed = np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1][:, 1 : length + 1]
                at_least = np.where(at_least < _SUMMED_BELOW, summed, at_least)
            where, values = _lookup(pair, members, shared - 1, at_least)
            keep = shared[where] > 1
            p_value[where[keep]] = values[keep]
    return {"shared": ties.shared}, np.clip(p_value, 0.0, 1.0)


def _disparity(ties: _Ties) -> tuple[dict[str, np.ndarray], np.ndarray]:
    n = len(ties.labels)
    weight = ties.weight
    strength = np.bincount(ties.source, weight, n) + np.bincount(ties.target, weight, n)
    degree = np.bincount(ties.source, minlength=n) + np.bincount(ties.target, minlength=n)

    def at_end(end: np.ndarray) -> np.ndarray:
        share = np.divide(weight, strength[end], out=np.zeros_like(weight), where=strength[end] > 0)
        return np.power(1.0 - share, degree[end] - 1.0)  # 0 ** 0 is 1: one tie says nothing

    p_source, p_target = at_end(ties.source), at_end(ties.target)
    columns = {} if ties.shared is None else {"shared": ties.shared}
    return {**columns, "p_source": p_source, "p_target": p_target}, np.minimum(p_source, p_target)


def _noise_corrected(ties: _Ties) -> tuple[dict[str, np.ndarray], np.ndarray]:
    n = len(ties.labels)
    w = ties.weight
    strength = np.bincount(ties.source, w, n) + np.bincount(ties.target, w, n)
    n_i, n_j = strength[ties.source], strength[ties.target]
    total = strength.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = total / (n_i * n_j)
        score = (kappa * w - 1.0) / (kappa * w + 1.0)
        prior_mean = n_i * n_j / total**2
        prior_variance = n_i * n_j * (total - n_i) * (total - n_j) / (total**4 * (total - 1.0))
        prior_alpha = prior_mean**2 / prior_variance * (1.0 - prior_mean) - prior_mean
        prior_beta = prior_mean / prior_variance * (1.0 - prior_mean**2) - (1.0 - prior_mean)
        posterior = (prior_alpha + w) / (prior_alpha + w + total - w + prior_beta)
        variance_w = posterior * (1.0 - posterior) * total
        derivative = 1.0 / (n_i * n_j) - total * (n_i + n_j) / (n_i * n_j) ** 2
        sd = np.sqrt(variance_w * (2.0 * (kappa + w * derivative) / (kappa * w + 1.0) ** 2) ** 2)
        z = score / sd
    # A tie that is all of both ends' weight (a lone pair) has no variance: nothing to test.
    p_value = np.where(np.isfinite(z), stats.norm.sf(np.where(np.isfinite(z), z, 0.0)), 1.0)
    columns = {} if ties.shared is None else {"shared": ties.shared}
    return {**columns, "score": score, "sd": sd}, p_value


_METHODS = {
    "hypergeometric": _hypergeometric,
    "sdsm": _sdsm,
    "disparity": _disparity,
    "noise_corrected": _noise_corrected,
}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _degrees(incidence: Incidence) -> tuple[np.ndarray, np.ndarray, int]:
    """Row degrees, column sizes and the number of non-empty columns."""
    matrix = incidence.matrix
    degree = np.diff(matrix.indptr).astype(np.int64)
    size = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.int64)
    return degree, size, int(np.count_nonzero(size))


def _degree_pairs(degree: np.ndarray, ties: _Ties):
    """Each tie's pair of degrees (smaller first) as a code into the distinct pairs."""
    d_i, d_j = degree[ties.source], degree[ties.target]
    low, high = np.minimum(d_i, d_j), np.maximum(d_i, d_j)
    key = low * (int(degree.max(initial=0)) + 1) + high
    _, first, pair = np.unique(key, return_index=True, return_inverse=True)
    return low, high, pair.ravel(), first, ties.shared.astype(np.int64)


def _buckets(lengths: np.ndarray):
    """Positions grouped by length rounded up to a power of two, so padding at most doubles the work."""
    if len(lengths) == 0:
        return
    rounded = 1 << np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    for length in np.unique(rounded):
        yield np.flatnonzero(rounded == length), int(length)


def _lookup(pair: np.ndarray, members: np.ndarray, column: np.ndarray, table: np.ndarray):
    """For the ties whose pair is one of ``members``: their positions and ``table[row, column]``."""
    row_of = np.full(int(pair.max(initial=-1)) + 1, -1)
    row_of[members] = np.arange(len(members))
    rows = row_of[pair]
    where = np.flatnonzero(rows >= 0)
    return where, table[rows[where], np.minimum(column[where], table.shape[1] - 1)]


def _log_choose(n, k):
    return special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)


def _bipartite_configuration(row_degrees, row_counts, column_sizes, column_counts) -> np.ndarray:
    """Probabilities ``P[a, k]`` of the bipartite configuration model, by degree class.

    Rows of one degree share one ``x`` and columns of one size one ``y``, so the fixed point of
    Vallarano et al. (2021) runs on the distinct degrees: for Horizon 2020 a 217 x 83 matrix.
    """
    if len(row_degrees) == 0 or len(column_sizes) == 0:
        return np.zeros((len(row_degrees), len(column_sizes)))
    d = row_degrees.astype(np.float64)
    n = column_sizes.astype(np.float64)
    r = row_counts.astype(np.float64)
    m = column_counts.astype(np.float64)
    edges = float((d * r).sum())
    x, y = d / np.sqrt(edges), n / np.sqrt(edges)
    for _ in range(_FIT_ITERATIONS):
        x = d / ((m * y)[None, :] / (1.0 + np.outer(x, y))).sum(axis=1)
        y = n / ((r * x)[:, None] / (1.0 + np.outer(x, y))).sum(axis=0)
        xy = np.outer(x, y)
        probability = xy / (1.0 + xy)
        expected = probability @ m
        if np.max(np.abs(expected - d) / d) < _FIT_TOLERANCE:
            return probability
    warnings.warn(
        f"sdsm: the bipartite configuration model did not reach the observed degrees in "
        f"{_FIT_ITERATIONS} iterations (largest relative gap {np.max(np.abs(expected - d) / d):.2g}); "
        "the degree sequence may be at the edge of what is possible (an organisation in every "
        "project). The p-values use the last fit.",
        ConvergenceWarning, stacklevel=4,
    )
    return probability


def _poisson_binomial(joint: np.ndarray, counts: np.ndarray, length: int) -> np.ndarray:
    """``P(X = t)`` for ``t < length``, X the sum of ``counts[k]`` Bernoulli(``joint[:, k]``) trials.

    One binomial per column (a project size), convolved and truncated to ``length``. The
    convolution is written out (not an FFT): every term is a sum of non-negative products, so
    even the smallest probabilities keep their relative precision.
    """
    t = np.arange(length, dtype=np.float64)
    pmf = np.zeros((len(joint), length))
    pmf[:, 0] = 1.0
    # Kept off 0 and 1 so that the logarithms stay finite; the probabilities move by 1e-300.
    q = np.clip(joint, 1e-300, 1.0 - 1e-16)
    log_q, log_not_q = np.log(q), np.log1p(-q)
    for k, trials in enumerate(counts.tolist()):
        possible = t <= trials
        log_binomial = (np.where(possible, _log_choose(trials, np.minimum(t, trials)), -np.inf)
                        + t * log_q[:, k, None] + np.maximum(trials - t, 0.0) * log_not_q[:, k, None])
        binomial = np.exp(log_binomial)
        result = np.zeros_like(pmf)
        # A binomial's terms beyond its number of trials are zero: no lag past it adds anything.
        for lag in range(min(length, int(trials) + 1)):
            result[:, lag:] += binomial[:, lag, None] * pmf[:, : length - lag]
        pmf = result
    return pmf


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number) or not 0 < alpha < 1:
        raise OptionError(f"alpha={alpha!r} must be a number strictly between 0 and 1")
    return float(alpha)


def _default_weight(method: str) -> str:
    # The weighted nulls test how a tie's weight stands out among its ends' ties; on shared-project
    # counts most ties weigh 1, nothing stands out and the disparity filter keeps almost no tie
    # (1 of 994 on a small synthetic ecosystem), so they default to Newman's weights.
    return "newman" if method in ("disparity", "noise_corrected") else "count"
