"""Uncertainty of a measure: bootstrap and jackknife over projects or organisations, and communities' spread."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import igraph
from .._shared import random_generator
from ..errors import OptionalDependencyError, OptionError
from ..model import Ecosystem
from ..model._ecosystem import _restore
from ._bridging import _name, _organisation_groups
from ._centrality import _check_status, _counted_links
from ._communities import COMMUNITY_METHODS, communities, compare_partitions, consensus_communities
from ._overlap import _check_types, _membership_matrix

__all__ = [
    "bootstrap",
    "jackknife",
    "degree_intervals",
    "ei_index_intervals",
    "overlap_intervals",
    "community_agreement",
    "INTERVAL_COLUMNS",
    "INTERVAL_METHODS",
    "AGREEMENT_COLUMNS",
]

#: Columns of every interval table (:func:`bootstrap`, :func:`jackknife` and their thin uses).
INTERVAL_COLUMNS = ["estimate", "bias", "standard_error", "low", "high"]
#: The ``method`` vocabulary of the interval tables: bootstrap percentile, basic and BCa
#: intervals (``scipy.stats.bootstrap``), and the jackknife's estimate +- t standard errors.
INTERVAL_METHODS = ("percentile", "basic", "bca", "jackknife")
#: Columns of :func:`community_agreement`.
AGREEMENT_COLUMNS = ["runs", "mean", "sd", "min", "max", "consensus"]

_UNITS = ("project", "organisation")
_UNKNOWN = "unknown"
_BATCH_CELLS = 4_000_000  # resample weights held at once (samples x units), about 32 MB
_DEGREE_NODES = ("clusters", "organisations")
_PAIR_WEIGHTS = (None, "count", "newman")
_OVERLAP_SHARES = ("shared", "jaccard", "overlap", "cosine")

Statistic = Callable[[Ecosystem], "float | pd.Series | Mapping"]


def bootstrap(
    ecosystem: Ecosystem,
    statistic: Statistic,
    *,
    unit: str = "project",
    samples: int = 1000,
    level: float = 0.95,
    method: str = "percentile",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """A bootstrap interval of any measure of an ecosystem, resampling projects or organisations.

    Each resample draws as many units (projects, or organisations) as the data has, with
    replacement, and builds the ecosystem they make up: a unit drawn twice appears twice, its
    copy renamed (``p1``, ``p1#2``) with all its rows (a project's participations and
    ``project_clusters`` rows; an organisation's memberships and participations). The
    measure is computed on every resample, and the interval from their spread.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``projects`` (``unit="project"``) or ``organisations`` (``unit="organisation"``).
    statistic : callable
        ``statistic(ecosystem)`` returning a number, or a Series (or mapping) of numbers by
        label, e.g. ``lambda e: cn.cluster_centrality(e, via="intercluster")["strength"]``.
        A label missing from a resample's result is NaN there, and its interval NaN: return 0
        where 0 is meant.
    unit : {"project", "organisation"}, default "project"
        What is resampled: the projects (the sampled unit of project data such as CORDIS or a
        programme's calls), or the organisations (for membership measures, where the member
        lists are what varies).
    samples : int, default 1000
        Bootstrap resamples.
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    method : {"percentile", "basic", "bca", "jackknife"}, default "percentile"
        The interval: ``percentile``, ``basic`` or ``bca`` (bias-corrected and accelerated),
        each as ``scipy.stats.bootstrap`` computes it from the resamples; ``jackknife`` runs
        :func:`jackknife` instead (``samples`` and ``seed`` unused).
    seed : int, numpy.random.Generator or None, default 0
        Draws the resamples (see ``docs/parameters.md``); the draws are those of
        ``scipy.stats.bootstrap`` with ``rng=numpy.random.default_rng(seed)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the statistic's labels (``statistic`` for a number), columns of
        :data:`INTERVAL_COLUMNS`: ``estimate`` (on the data), ``bias`` (mean of the
        resamples minus the estimate), ``standard_error`` (standard deviation of the
        resamples, ``ddof=1``), ``low`` and ``high``. ``attrs`` holds ``unit``, ``units``
        (how many), ``samples``, ``level``, ``method``, ``seed`` and ``resampled`` (in words).

    Raises
    ------
    OptionError
        When ``unit``, ``samples``, ``level`` or ``method`` is not one of its values, or the
        statistic returns something that is not a number or numbers by label.
    MissingTableError
        When the table of the unit was not given.

    See Also
    --------
    jackknife : leave-one-out standard errors and intervals.
    degree_intervals, ei_index_intervals, overlap_intervals : fast intervals of the headline
        network measures, computed on all resamples at once.

    Notes
    -----
    The resamples are drawn as ``scipy.stats.bootstrap`` draws them (``rng.integers(0, n,
    (samples, n))``) and the interval is scipy's, given the resampled values; BCa's
    acceleration comes from the jackknife values, computed by scipy on the same statistic.
    Every resample builds a new ecosystem (without validating again: the tables are those of
    a valid ecosystem), so a slow statistic makes a slow bootstrap; the thin uses compute
    their measures from sparse incidence matrices instead (see the uncertainty docs page for
    timings).

    References
    ----------
    .. [1] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
       Chapman & Hall. Chapters 13-14 (percentile and BCa intervals).
    .. [2] Davison, A. C. and Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
       Cambridge University Press. Section 5.2 (basic interval).

    Examples
    --------
    The mean consortium size of the synthetic Flemish projects, resampling projects:

    >>> import clusternet as cn
    >>> eco = cn.datasets.synthetic_ecosystem()
    >>> def consortium_size(e):
    ...     return e.participations.groupby("project_id").size().mean()
    >>> cn.bootstrap(eco, consortium_size, samples=20, seed=1).round(2)  # doctest: +NORMALIZE_WHITESPACE
               estimate  bias  standard_error   low  high
    statistic
    statistic      8.13   0.0            0.26  7.68  8.63

    Any measure whose result is a Series gets one row per label, e.g. each cluster's strength:
    ``cn.bootstrap(eco, lambda e: cn.cluster_centrality(e, via="intercluster")["strength"])``.
    """
    method = _check_method(method)
    if method == "jackknife":
        return jackknife(ecosystem, statistic, unit=unit, level=level)
    unit = _check_unit(unit)
    resampler = _Resampler(ecosystem, unit)
    labels, replicate = _generic_replicate(ecosystem, statistic, resampler)
    return _intervals(
        replicate,
        resampler.n,
        labels,
        samples=samples,
        level=level,
        method=method,
        seed=seed,
        attrs={"unit": unit, "resampled": f"{resampler.n:,} {unit}s with replacement"},
    )


def jackknife(
    ecosystem: Ecosystem,
    statistic: Statistic,
    *,
    unit: str = "project",
    level: float = 0.95,
) -> pd.DataFrame:
    """Jackknife standard error, bias and interval of any measure of an ecosystem.

    The measure is computed once without each unit (project or organisation, with all its
    rows) in turn. With :math:`\\hat\\theta_{(i)}` the value without unit :math:`i` and
    :math:`\\bar\\theta` their mean over the :math:`n` units:

    .. math::

        SE = \\sqrt{\\frac{n-1}{n} \\sum_i (\\hat\\theta_{(i)} - \\bar\\theta)^2},\\qquad
        bias = (n - 1)(\\bar\\theta - \\hat\\theta),\\qquad
        \\hat\\theta \\pm t_{n-1,\\,(1+level)/2}\\, SE

    Parameters
    ----------
    ecosystem : Ecosystem
    statistic : callable
        As in :func:`bootstrap`.
    unit : {"project", "organisation"}, default "project"
        What is left out, one at a time.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        As :func:`bootstrap`: columns of :data:`INTERVAL_COLUMNS`, ``attrs`` with
        ``method="jackknife"`` and ``samples`` the number of units.

    See Also
    --------
    bootstrap : resampling intervals, percentile or BCa.

    Notes
    -----
    The jackknife is made for smooth functions of means (a share, an E-I index). For a total
    that grows with the number of units (a strength, a count of shared members) each value
    without a unit is lower by about :math:`1/n` of the total, so ``bias`` reads about minus
    the estimate; the standard error is still that of the total.

    References
    ----------
    .. [1] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
       Chapman & Hall. Chapter 11 (the jackknife).

    Examples
    --------
    The number of projects with three or more participants, leaving out one project at a time:

    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abc")}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2", "p3"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "b", "a"]}))
    >>> def mean_size(e):
    ...     return e.participations.groupby("project_id").size().mean()
    >>> cn.jackknife(eco, mean_size).round(3)  # doctest: +NORMALIZE_WHITESPACE
               estimate  bias  standard_error    low   high
    statistic
    statistic       2.0   0.0           0.577 -0.484  4.484
    """
    unit = _check_unit(unit)
    resampler = _Resampler(ecosystem, unit)
    labels, replicate = _generic_replicate(ecosystem, statistic, resampler)
    return _intervals(
        replicate,
        resampler.n,
        labels,
        samples=0,
        level=level,
        method="jackknife",
        seed=None,
        attrs={"unit": unit, "resampled": f"each of the {resampler.n:,} {unit}s left out in turn"},
    )


def degree_intervals(
    ecosystem: Ecosystem,
    *,
    nodes: str = "clusters",
    top: int | None = 10,
    weight: str = "count",
    status: str = "all",
    samples: int = 1000,
    level: float = 0.95,
    method: str = "percentile",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Intervals of the degree and strength of the leading clusters or organisations, resampling projects.

    Parameters
    ----------
    ecosystem : Ecosystem
        ``nodes="clusters"``: needs ``clusters`` and ``project_clusters`` (clusters linked by the
        projects they carry together, the report's Tabel 10 and 11, as
        ``cluster_centrality(via="intercluster")``). ``nodes="organisations"``: needs
        ``participations`` (organisations linked by shared projects, as
        :func:`clusternet.organisation_network`).
    nodes : {"clusters", "organisations"}, default "clusters"
    top : int or None, default 10
        Only the ``top`` nodes with the highest degree on the data (then strength, then id);
        ``None`` for every node.
    weight : {"count", "newman"}, default "count"
        The tie weight that strength sums: shared projects, or Newman's
        :math:`\\sum_p 1/(n_p - 1)` (organisations only).
    status : {"all", "approved"}
        Which ``project_clusters`` rows count (clusters only), as in
        :func:`clusternet.cluster_centrality`.
    samples, level, method, seed
        As in :func:`bootstrap`; ``method="jackknife"`` leaves out one project at a time.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(node, measure)``, the node ids in the order of their degree on the data
        and ``measure`` in ``degree`` (distinct neighbours) and ``strength``; columns ``name``
        then those of :data:`INTERVAL_COLUMNS`. ``attrs`` as :func:`bootstrap`'s.

    Notes
    -----
    A resample of the projects gives each project a multiplicity :math:`w_p` (0, 1, 2, ...).
    The weight of a tie in the resample is :math:`\\sum_p w_p a_p`, the sum over the projects
    the two nodes share of their multiplicity times the project's weight :math:`a_p` (1 for
    ``count``, :math:`1/(n_p-1)` for ``newman``); the degree counts the ties of positive
    weight. All resamples are computed at once as a product of the resample weights with a
    sparse tie-by-project matrix. The projects resampled are those that link the nodes: with
    a counted ``project_clusters`` row (clusters) or a participant (organisations). The
    leading nodes are chosen on the data and kept in every resample (a node whose projects were
    not drawn has degree 0 there).

    *Degree is biased under the bootstrap.* A resample holds about 63% of the distinct
    projects, so a node loses every neighbour it meets in one project only: its degree in the
    resamples is lower than on the data, and for an organisation with many one-off partners
    the whole percentile interval lies below the estimate (KU Leuven in the synthetic Flemish
    data: 352 neighbours, interval 202-280). A warning says when an estimate lies outside
    its interval. Strength is a sum over projects and has no such bias; for the degree use
    ``method="jackknife"``, whose standard error is that of leaving one project out.

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.load_flanders()
    >>> table = cn.degree_intervals(eco, top=3, samples=200, seed=0)
    >>> table[["name", "estimate", "low", "high"]]  # doctest: +NORMALIZE_WHITESPACE
                                          name  estimate    low  high
    cluster_id        measure
    spc-sim           degree               SIM       5.0  2.000   5.0
                      strength             SIM       9.0  3.000  17.0
    spc-flanders-food degree    Flanders' FOOD       5.0  1.000   5.0
                      strength  Flanders' FOOD       7.0  2.975  13.0
    spc-vil           degree               VIL       5.0  1.000   5.0
                      strength             VIL       7.0  1.000  16.0

    The ten Tabel 10 projects and the rest carry these links, so one resample that misses a few
    of them loses a partner: the degree can only fall when projects go, and its interval
    ends at the degree on the data (the strength's is two-sided).
    """
    if nodes not in _DEGREE_NODES:
        raise OptionError(f"nodes must be one of {', '.join(map(repr, _DEGREE_NODES))}; got {nodes!r}")
    if weight not in ("count", "newman"):
        raise OptionError(f"weight must be 'count' or 'newman'; got {weight!r}")
    _check_top(top)
    method = _check_method(method)
    if nodes == "clusters":
        if weight != "count":
            raise OptionError(
                "weight='newman' is for organisations; clusters are linked by their joint projects"
            )
        ecosystem.require("clusters", "project_clusters", purpose="degree intervals of clusters")
        links = _counted_links(ecosystem, _check_status(status)).drop_duplicates(["project_id", "cluster_id"])
        units = _project_units(ecosystem, links["project_id"])
        ids = pd.Index(sorted(ecosystem.clusters["cluster_id"].tolist()))
        node_codes, unit_codes = ids.get_indexer(links["cluster_id"]), units.get_indexer(links["project_id"])
        names = ecosystem.clusters.set_index("cluster_id")["name"] if "name" in ecosystem.clusters else None
        index_name = "cluster_id"
    else:
        ecosystem.require("participations", purpose="degree intervals of organisations")
        pairs = ecosystem.participations[["project_id", "organisation_id"]].drop_duplicates()
        units = _project_units(ecosystem, pairs["project_id"])
        ids = pd.Index(sorted(pairs["organisation_id"].unique().tolist()))
        node_codes, unit_codes = (
            ids.get_indexer(pairs["organisation_id"]),
            units.get_indexer(pairs["project_id"]),
        )
        names = (
            ecosystem.organisations.set_index("organisation_id")["name"]
            if "organisations" in ecosystem.provided and "name" in ecosystem.organisations
            else None
        )
        index_name = "organisation_id"
    ties = _Ties.of(node_codes, unit_codes, len(ids), len(units), weight=weight)
    degree, strength = ties.degree_and_strength(np.ones((1, len(units))))
    order = np.lexsort((np.arange(len(ids)), -strength[:, 0], -degree[:, 0]))
    chosen = order if top is None else order[:top]
    ties = ties.touching(chosen)

    def replicate(weights: np.ndarray) -> np.ndarray:
        degree, strength = ties.degree_and_strength(weights)
        return np.stack([degree[chosen], strength[chosen]], axis=1).reshape(2 * len(chosen), -1)

    labels = pd.MultiIndex.from_product([ids[chosen], ["degree", "strength"]], names=[index_name, "measure"])
    table = _intervals(
        replicate,
        len(units),
        labels,
        samples=samples,
        level=level,
        method=method,
        seed=seed,
        attrs={
            "unit": "project",
            "resampled": _resampled_words(len(units), "project", method),
            "nodes": nodes,
            "weight": weight,
            "status": status,
        },
    )
    shown = names.reindex(table.index.get_level_values(0)).to_numpy() if names is not None else pd.NA
    table.insert(0, "name", shown)
    return table


def ei_index_intervals(
    ecosystem: Ecosystem,
    attribute: str | pd.Series,
    *,
    weight: str | None = None,
    samples: int = 1000,
    level: float = 0.95,
    method: str = "percentile",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """An interval of the E-I index of the organisation network, resampling projects.

    The E-I index of Krackhardt and Stern, :math:`(EL - IL) / (EL + IL)`, over the ties of
    organisations that share a project (:func:`clusternet.ei_index` on
    :func:`clusternet.organisation_network`), with its bootstrap or jackknife interval.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``participations`` and ``organisations``.
    attribute : str or pandas.Series
        A column of ``ecosystem.organisations`` (``sector``, ``kind``, ...) or a Series
        organisation_id -> group. Organisations without a value or with ``"unknown"`` (the
        data model's default) are left out with their ties: unknown is never a group.
    weight : {None, "count", "newman"}, default None
        ``None`` counts each tie once (``ei_index(G, attribute)``); ``"count"`` and ``"newman"``
        sum the tie weights of that name.
    samples, level, method, seed
        As in :func:`bootstrap`.

    Returns
    -------
    pandas.DataFrame
        One row, ``ei_index``, with the columns of :data:`INTERVAL_COLUMNS`; ``attrs`` as
        :func:`bootstrap`'s, with ``organisations`` (those with a group) and ``groups``.

    Raises
    ------
    MissingAttributeError
        When the organisations table has no such column.
    OptionError
        When no two organisations with a group share a project (nothing to measure).

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. Social Psychology Quarterly 51(2), 123-140.

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.synthetic_ecosystem()
    >>> cn.ei_index_intervals(eco, "sector", samples=200, seed=0).round(3)  # doctest: +NORMALIZE_WHITESPACE
              estimate   bias  standard_error    low   high
    ei_index     0.243  0.002           0.016  0.215  0.276
    """
    if weight not in _PAIR_WEIGHTS:
        raise OptionError(f"weight must be one of None, 'count', 'newman'; got {weight!r}")
    method = _check_method(method)
    ecosystem.require("participations", "organisations", purpose="E-I index intervals")
    groups = _organisation_groups(ecosystem, attribute)
    pairs = ecosystem.participations[["project_id", "organisation_id"]].drop_duplicates()
    units = _project_units(ecosystem, pairs["project_id"])
    ids = pd.Index(sorted(pairs["organisation_id"].unique().tolist()))
    # Newman's weights count every participant of a project, known group or not; the ties of
    # organisations without a group are dropped after.
    group = groups[~groups.index.duplicated()].reindex(ids).astype("string")
    known = (group.notna() & (group != _UNKNOWN)).to_numpy(dtype=bool)
    codes, labels = pd.factorize(group.where(known), sort=True)
    ties = _Ties.of(
        ids.get_indexer(pairs["organisation_id"]),
        units.get_indexer(pairs["project_id"]),
        len(ids),
        len(units),
        weight=weight or "count",
    ).within(known)
    if ties.count == 0:
        raise OptionError(
            f"nothing to measure: no two organisations with a group ({_name(attribute)}) share a project"
        )
    across = codes[ties.first] != codes[ties.second]

    def replicate(weights: np.ndarray) -> np.ndarray:
        value = ties.weights(weights)
        if weight is None:
            value = (value > 0).astype(float)
        external, internal = value[across].sum(axis=0), value[~across].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return ((external - internal) / (external + internal))[None, :]

    return _intervals(
        replicate,
        len(units),
        pd.Index(["ei_index"]),
        samples=samples,
        level=level,
        method=method,
        seed=seed,
        attrs={
            "unit": "project",
            "resampled": _resampled_words(len(units), "project", method),
            "organisations": int(known.sum()),
            "groups": len(labels),
            "weight": weight,
        },
    )


def overlap_intervals(
    ecosystem: Ecosystem,
    *,
    between: tuple[str, str] | None = None,
    measure: str = "overlap",
    via: str = "memberships",
    years: int | Iterable[int] | None = None,
    samples: int = 1000,
    level: float = 0.95,
    method: str = "percentile",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Intervals of the shared-member shares of every pair of clusters.

    The pairs and the measures are those of :func:`clusternet.overlap`. The unit resampled is
    what makes a cluster's member set: organisations with their memberships for
    ``via="memberships"``, projects with their participants for ``via="intercluster"``.

    Parameters
    ----------
    ecosystem : Ecosystem
        As :func:`clusternet.overlap` needs for ``via``.
    between, via, years
        As in :func:`clusternet.overlap`.
    measure : {"overlap", "jaccard", "cosine", "shared"}, default "overlap"
        The column of :func:`clusternet.overlap`: shared members over the smaller cluster,
        over the union, over the geometric mean of the sizes, or their number.
    samples, level, method, seed
        As in :func:`bootstrap`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(source, target)`` in the order of :func:`clusternet.overlap`, columns of
        :data:`INTERVAL_COLUMNS`; ``attrs`` as :func:`bootstrap`'s, with ``measure``.

    Notes
    -----
    With memberships every organisation's multiplicity :math:`w_i` in a resample weighs its
    memberships, so shared members :math:`\\sum_i w_i m_{is} m_{it}` and sizes
    :math:`\\sum_i w_i m_{is}` come for all resamples from two matrix products. Through
    intercluster projects an organisation is a member of a cluster in a resample when one of
    the cluster's projects it takes part in was drawn; each resample is one sparse product.
    A measure dividing by zero (a cluster empty in a resample) is NaN there, and the
    interval of its pair NaN. Through intercluster projects the member sets themselves shrink
    in a resample (an organisation in one drawn project of a cluster stays, one in an undrawn
    project goes), so ``shared`` is biased down there as a degree is (see
    :func:`degree_intervals`); the shares divide such counts by each other and suffer less.

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.synthetic_ecosystem()
    >>> table = cn.overlap_intervals(eco, between=("SPC", "SPC"), samples=200, seed=0)
    >>> table.loc[("spc-flanders-food", "spc-vil")].round(3).to_dict()
    {'estimate': 0.122, 'bias': 0.003, 'standard_error': 0.02, 'low': 0.087, 'high': 0.164}
    """
    if measure not in _OVERLAP_SHARES:
        raise OptionError(f"measure must be one of {', '.join(map(repr, _OVERLAP_SHARES))}; got {measure!r}")
    method = _check_method(method)
    if between is not None and (isinstance(between, str) or len(between) != 2):
        raise OptionError(f"between must name two cluster types, not {between!r}")
    matrix, organisations, clusters, _, _ = _membership_matrix(
        ecosystem, population=None, years=years, via=via
    )
    types = ecosystem.clusters.set_index("cluster_id")["type"].reindex(clusters).to_numpy()
    if between is None:
        sources = targets = np.arange(len(clusters))
    else:
        _check_types(ecosystem, between, "between")
        sources, targets = np.flatnonzero(types == between[0]), np.flatnonzero(types == between[1])
    s, t = np.meshgrid(sources, targets, indexing="ij")
    s, t = s.ravel(), t.ravel()
    if between is None or between[0] == between[1]:
        keep = clusters[s] < clusters[t]
        s, t = s[keep], t[keep]
    labels = pd.MultiIndex.from_arrays([clusters[s], clusters[t]], names=["source", "target"])
    if via == "memberships":
        membership = matrix.tocsc().astype(float)
        both = membership[:, s].multiply(membership[:, t]).tocsc()
        n_units, unit = len(organisations), "organisation"

        def counts(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return np.asarray(both.T @ weights.T), np.asarray(membership.T @ weights.T)
    else:
        present, units, both, sizes_of = _intercluster_links(ecosystem, organisations, clusters, years, s, t)
        n_units, unit = len(units), "project"

        def counts(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            member = (np.asarray(present @ weights.T) > 0).astype(float)  # (organisation, cluster) pairs
            first, second, target = both
            return np.asarray(target @ (member[first] * member[second])), np.asarray(sizes_of @ member)

    def replicate(weights: np.ndarray) -> np.ndarray:
        shared, sizes = counts(weights)
        a, b = sizes[s], sizes[t]
        with np.errstate(invalid="ignore", divide="ignore"):
            if measure == "shared":
                return shared
            if measure == "jaccard":
                return shared / (a + b - shared)
            if measure == "overlap":
                return shared / np.minimum(a, b)
            return shared / np.sqrt(a * b)

    return _intervals(
        replicate,
        n_units,
        labels,
        samples=samples,
        level=level,
        method=method,
        seed=seed,
        attrs={
            "unit": unit,
            "resampled": _resampled_words(n_units, unit, method),
            "measure": measure,
            "via": via,
        },
    )


def community_agreement(
    G: nx.Graph,
    nominal: pd.Series | Mapping,
    *,
    methods: Iterable[str] | None = None,
    seeds: Iterable[int] = range(10),
    resolution: float | None = None,
    weight: str | None = "weight",
    isolates: bool = False,
    consensus: bool = True,
) -> pd.DataFrame:
    """How far detected communities match nominal groups, as a spread over seeds and methods.

    One NMI says little when another seed or method gives another: this runs
    :func:`clusternet.communities` once per seed and method, compares each partition with
    ``nominal`` (:func:`clusternet.compare_partitions`) and reports the mean, spread and
    range of the normalised mutual information and the adjusted Rand index, beside the
    agreement of the consensus partition over the same seeds
    (:func:`clusternet.consensus_communities`).

    Parameters
    ----------
    G : networkx.Graph
        The network the communities are found in, e.g.
        ``cn.organisation_network(eco, weight="newman")``.
    nominal : pandas.Series or mapping
        The nominal group of each node, e.g. ``cn.nominal_partition(eco)``. Nodes without one
        are left out of the comparison.
    methods : iterable of str, optional
        Methods of :func:`clusternet.communities`; default the modularity methods
        (``louvain`` and ``leiden``); ``cpm`` and ``barber`` are named when wanted.
    seeds : iterable of int, default range(10)
        One run per seed and method.
    resolution, weight
        As in :func:`clusternet.communities`.
    isolates : bool, default False
        Whether nodes without ties take part. Each is a community of its own, so counting
        them makes agreement look better or worse by how many there are, not by how the
        organisations collaborate; by default they are left out of the comparison.
    consensus : bool, default True
        Also report the consensus partition's agreement (one more run per seed); ``False``
        leaves the column NaN.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(method, measure)``, ``measure`` in ``nmi``, ``ari`` and ``communities``
        (the number of communities among the nodes compared), with the columns of
        :data:`AGREEMENT_COLUMNS`: ``runs`` (seeds), ``mean``, ``sd`` (``ddof=1``; NaN for
        one run), ``min``, ``max`` over the runs, and ``consensus``. ``attrs`` holds
        ``nodes`` (compared), ``isolates_left_out``, ``groups`` (nominal groups among the
        nodes compared) and ``seeds``.

    Raises
    ------
    OptionError
        When there are no seeds, a method is unknown, or no node of ``G`` has a nominal group.
    OptionalDependencyError
        When ``methods`` names ``leiden`` and python-igraph is not installed.

    See Also
    --------
    compare_partitions : one comparison of two partitions.

    References
    ----------
    .. [1] Vinh, N. X., Epps, J. and Bailey, J. (2010). Information theoretic measures for
       clusterings comparison. Journal of Machine Learning Research 11, 2837-2854.
    .. [2] Lancichinetti, A. and Fortunato, S. (2012). Consensus clustering in complex
       networks. Scientific Reports 2, 336. https://doi.org/10.1038/srep00336

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.connected_caveman_graph(3, 4)  # three groups of four
    >>> groups = {node: node // 4 for node in G}
    >>> table = cn.community_agreement(G, groups, methods=["louvain"], seeds=range(3))
    >>> table.loc["louvain", ["runs", "mean", "min", "consensus"]]  # doctest: +NORMALIZE_WHITESPACE
                 runs  mean  min  consensus
    measure
    nmi             3   1.0  1.0        1.0
    ari             3   1.0  1.0        1.0
    communities     3   3.0  3.0        3.0
    """
    seeds = list(seeds)
    if not seeds:
        raise OptionError("seeds must name at least one seed")
    if methods is None:
        # The modularity methods; cpm and barber are asked for by name (barber needs a two-mode graph).
        methods = [m for m in ("louvain", "leiden") if m != "leiden" or igraph() is not None]
    else:
        methods = [methods] if isinstance(methods, str) else list(methods)
        unknown = [m for m in methods if m not in COMMUNITY_METHODS]
        if unknown or not methods:
            raise OptionError(
                f"methods must name some of {', '.join(map(repr, COMMUNITY_METHODS))}; got {methods!r}"
            )
        if "leiden" in methods and igraph() is None:
            raise OptionalDependencyError(
                "methods=['leiden'] needs python-igraph; install it with pip install 'clusternet[fast]'"
            )
    labels = pd.Series(nominal, dtype="object") if isinstance(nominal, Mapping) else pd.Series(nominal)
    labels = labels.dropna()
    compared = [node for node in G if node in labels.index and (isolates or G.degree(node) > 0)]
    left_out = sum(1 for node in G if G.degree(node) == 0 and node in labels.index) if not isolates else 0
    if not compared:
        raise OptionError("no node of the graph has a nominal group" + ("" if isolates else " and a tie"))
    labels = labels.loc[compared]
    rows = []
    for method in methods:
        scores = []
        for seed in seeds:
            found = communities(G, method=method, resolution=resolution, seed=seed, weight=weight).loc[
                compared
            ]
            result = compare_partitions(found, labels)
            scores.append((result["nmi"], result["ari"], found.nunique()))
        scores = np.asarray(scores, dtype=float)
        together = [math.nan] * 3
        if consensus:
            table = consensus_communities(G, seeds=seeds, method=method, resolution=resolution, weight=weight)
            found = table["community"].loc[compared]
            result = compare_partitions(found, labels)
            together = [result["nmi"], result["ari"], float(found.nunique())]
        for k, measure in enumerate(("nmi", "ari", "communities")):
            values = scores[:, k]
            rows.append(
                {
                    "method": method,
                    "measure": measure,
                    "runs": len(seeds),
                    "mean": values.mean(),
                    "sd": values.std(ddof=1) if len(values) > 1 else math.nan,
                    "min": values.min(),
                    "max": values.max(),
                    "consensus": together[k],
                }
            )
    result = pd.DataFrame(rows).set_index(["method", "measure"])[AGREEMENT_COLUMNS]
    result["runs"] = result["runs"].astype("int64")
    result.attrs.update(
        nodes=len(compared), isolates_left_out=left_out, groups=int(labels.nunique()), seeds=seeds
    )
    return result


# --------------------------------------------------------------------------------------------
# The engine: resample weights, replicate values, scipy's intervals
# --------------------------------------------------------------------------------------------


def _intervals(
    replicate: Callable[[np.ndarray], np.ndarray],
    n: int,
    labels: pd.Index,
    *,
    samples: int,
    level: float,
    method: str,
    seed,
    attrs: dict,
) -> pd.DataFrame:
    """The interval table of a statistic given as ``replicate(weights)``.

    ``weights`` is a (batch, n) array of unit multiplicities (ones on the data); ``replicate``
    returns the statistic's values as a (labels, batch) array.
    """
    if not (isinstance(level, float | int) and not isinstance(level, bool) and 0 < level < 1):
        raise OptionError(f"level must be a number between 0 and 1, e.g. 0.95; got {level!r}")
    if method != "jackknife" and (
        isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 2
    ):
        raise OptionError(f"samples must be a whole number of at least 2; got {samples!r}")
    if n < 2:
        raise OptionError(f"resampling needs at least two units to draw from; the data has {n}")
    estimate = np.asarray(replicate(np.ones((1, n))), dtype=float)[:, 0]
    batch = max(1, _BATCH_CELLS // n)

    def from_indices(indices: np.ndarray, axis: int = -1) -> np.ndarray:
        # scipy hands the resampled (or jackknifed) unit positions; the statistic wants multiplicities
        indices = np.asarray(indices)
        flat = indices.reshape(-1, indices.shape[-1])
        weights = _multiplicities(flat, n)
        values = np.concatenate(
            [replicate(weights[k : k + batch]) for k in range(0, len(weights), batch)], axis=1
        )
        return values[:, 0] if indices.ndim == 1 else values

    if method == "jackknife":
        values = np.concatenate(
            [replicate(_leave_one_out(k, min(k + batch, n), n)) for k in range(0, n, batch)], axis=1
        )
        mean = values.mean(axis=1)
        error = np.sqrt((n - 1) / n * ((values - mean[:, None]) ** 2).sum(axis=1))
        from scipy.stats import t as student

        half = student.ppf((1 + level) / 2, n - 1) * error
        table = {
            "estimate": estimate,
            "bias": (n - 1) * (mean - estimate),
            "standard_error": error,
            "low": estimate - half,
            "high": estimate + half,
        }
        samples = n
    else:
        from scipy.stats import bootstrap as scipy_bootstrap

        rng = random_generator(seed)
        replicates = np.empty((len(labels), samples))
        # drawn in one call, as scipy.stats.bootstrap draws them, then computed in batches
        draws = rng.integers(0, n, (samples, n))
        for k in range(0, samples, batch):
            replicates[:, k : k + batch] = replicate(_multiplicities(draws[k : k + batch], n))
        del draws
        undefined = np.isnan(replicates).any(axis=1) & ~np.isnan(estimate)
        if undefined.any():
            shown = ", ".join(map(repr, list(labels[undefined])[:3])) + (
                ", ..." if undefined.sum() > 3 else ""
            )
            warnings.warn(
                f"{int(undefined.sum())} of {len(labels)} values are undefined (NaN) in some resamples "
                f"(e.g. a share of a cluster that no drawn unit is in), so their intervals are NaN: "
                f"{shown}",
                UserWarning,
                stacklevel=3,
            )
        with warnings.catch_warnings():
            # BCa on a statistic at the edge of its resamples (a degree can only fall when projects
            # go) divides by zero; scipy's own DegenerateDataWarning says so in words.
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            warnings.filterwarnings("ignore", "divide by zero encountered", RuntimeWarning)
            if method != "bca" or undefined.any():  # said above, or not about BCa at all
                warnings.filterwarnings("ignore", "The BCa confidence interval cannot be calculated")
            result = scipy_bootstrap(
                (np.arange(n),),
                from_indices,
                n_resamples=0,
                vectorized=True,
                batch=batch,
                confidence_level=level,
                method=method.replace("bca", "BCa"),
                bootstrap_result=SimpleNamespace(bootstrap_distribution=replicates),
            )
        table = {
            "estimate": estimate,
            "bias": replicates.mean(axis=1) - estimate,
            "standard_error": np.atleast_1d(result.standard_error),
            "low": np.atleast_1d(result.confidence_interval.low),
            "high": np.atleast_1d(result.confidence_interval.high),
        }
        outside = (estimate < table["low"]) | (estimate > table["high"])
        if outside.any():
            shown = ", ".join(map(repr, list(labels[outside])[:3])) + (", ..." if outside.sum() > 3 else "")
            warnings.warn(
                f"{int(outside.sum())} of {len(labels)} estimates lie outside their own {method} interval, "
                f"so the resamples are biased for them (a count of distinct neighbours or members can only "
                f"fall in a resample, which holds about 63% of the distinct units): {shown}; use "
                f"method='jackknife', or a measure that sums over the units (a strength)",
                UserWarning,
                stacklevel=3,
            )
    frame = pd.DataFrame(table, index=labels)[INTERVAL_COLUMNS]
    frame.attrs.update(attrs)
    frame.attrs.update(
        units=n,
        samples=int(samples),
        level=float(level),
        method=method,
        seed=seed if isinstance(seed, int | np.integer | type(None)) else "generator",
    )
    return frame


def _multiplicities(indices: np.ndarray, n: int) -> np.ndarray:
    """(batch, m) unit positions -> (batch, n) counts, in one bincount."""
    rows = len(indices)
    offset = (np.arange(rows, dtype=np.int64) * n)[:, None]
    return np.bincount((indices + offset).ravel(), minlength=rows * n).reshape(rows, n).astype(float)


def _leave_one_out(start: int, stop: int, n: int) -> np.ndarray:
    weights = np.ones((stop - start, n))
    weights[np.arange(stop - start), np.arange(start, stop)] = 0.0
    return weights


def _resampled_words(n: int, unit: str, method: str) -> str:
    if method == "jackknife":
        return f"each of the {n:,} {unit}s left out in turn"
    return f"{n:,} {unit}s with replacement"


# --------------------------------------------------------------------------------------------
# Resampled ecosystems, for any statistic
# --------------------------------------------------------------------------------------------


class _Resampler:
    """Builds the ecosystem of a vector of unit multiplicities (copies renamed ``id#2``, ``id#3``...)."""

    def __init__(self, ecosystem: Ecosystem, unit: str) -> None:
        table = "projects" if unit == "project" else "organisations"
        ecosystem.require(table, purpose=f"resampling {unit}s")
        self.ecosystem = ecosystem
        self.column = f"{unit}_id"
        self.ids = pd.Index(sorted(ecosystem.table(table)[self.column].astype(str).unique()))
        self.n = len(self.ids)
        self.tables = ecosystem.tables()
        self.separator = "#"
        while any(self.separator in value for value in self.ids):
            self.separator += "#"
        self.codes = {
            name: self.ids.get_indexer(frame[self.column].astype(str))
            for name, frame in self.tables.items()
            if name in ecosystem.provided and self.column in frame.columns
        }

    def __call__(self, weights: np.ndarray) -> Ecosystem:
        counts = np.rint(weights).astype(np.int64)
        tables = dict(self.tables)
        for name, codes in self.codes.items():
            frame = self.tables[name]
            # rows of units outside the unit table (none in a valid ecosystem) stay once
            repeats = np.where(codes >= 0, counts[np.maximum(codes, 0)], 1)
            rows = np.repeat(np.arange(len(frame)), repeats)
            copy = np.arange(len(rows)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
            resampled = frame.iloc[rows].reset_index(drop=True)
            if (copy > 0).any():
                ids = resampled[self.column].astype(str)
                suffix = pd.Series(np.char.add(self.separator, (copy + 1).astype(str)), index=ids.index)
                resampled[self.column] = ids.where(copy == 0, ids + suffix)
            tables[name] = resampled
        ecosystem = self.ecosystem
        return _restore(type(ecosystem), tables, ecosystem.provided, ecosystem.notes, ecosystem.files)


def _generic_replicate(ecosystem: Ecosystem, statistic: Statistic, resampler: _Resampler):
    if not callable(statistic):
        raise OptionError(f"statistic must be a function of an Ecosystem; got {type(statistic).__name__}")
    observed = _as_values(statistic(ecosystem))
    labels = observed.index

    def replicate(weights: np.ndarray) -> np.ndarray:
        columns = [
            _as_values(statistic(resampler(row))).reindex(labels).to_numpy(dtype=float) for row in weights
        ]
        return np.stack(columns, axis=1)

    return labels, replicate


def _as_values(value: object) -> pd.Series:
    if isinstance(value, pd.DataFrame):
        raise OptionError("the statistic returned a DataFrame; return one column (a Series) or a number")
    if isinstance(value, Mapping):
        value = pd.Series(dict(value))
    if isinstance(value, pd.Series):
        if not value.index.is_unique:
            raise OptionError("the statistic's labels must be unique")
        try:
            return value.astype(float)
        except (TypeError, ValueError) as err:
            raise OptionError(f"the statistic must return numbers; got {value.dtype}") from err
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return pd.Series([float(value)], index=pd.Index(["statistic"], name="statistic"))
    raise OptionError(
        f"the statistic must return a number or a Series of numbers; got {type(value).__name__}"
    )


# --------------------------------------------------------------------------------------------
# Ties as sparse tie-by-project matrices
# --------------------------------------------------------------------------------------------


class _Ties:
    """Every pair of nodes that share a unit, with the units it shares (value: the pair's weight per unit)."""

    def __init__(self, first: np.ndarray, second: np.ndarray, by_unit: sp.csr_array, n_nodes: int) -> None:
        self.first, self.second, self.by_unit, self.n_nodes = first, second, by_unit, n_nodes

    @property
    def count(self) -> int:
        return len(self.first)

    @classmethod
    def of(
        cls, node_codes: np.ndarray, unit_codes: np.ndarray, n_nodes: int, n_units: int, *, weight: str
    ) -> _Ties:
        order = np.lexsort((node_codes, unit_codes))
        nodes, units = node_codes[order], unit_codes[order]
        sizes = np.bincount(units, minlength=n_units)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        firsts, seconds, owners, values = [], [], [], []
        for size in np.unique(sizes[sizes >= 2]):
            members = np.flatnonzero(sizes == size)
            positions = starts[members][:, None] + np.arange(size)[None, :]
            i, j = np.triu_indices(size, k=1)
            firsts.append(nodes[positions[:, i]].ravel())
            seconds.append(nodes[positions[:, j]].ravel())
            owners.append(np.repeat(units[starts[members]], len(i)))
            share = 1.0 if weight == "count" else 1.0 / (size - 1)
            values.append(np.full(len(members) * len(i), share))
        if not firsts:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), sp.csr_array((0, n_units)), n_nodes)
        first, second = np.concatenate(firsts), np.concatenate(seconds)
        key, pair = np.unique(first.astype(np.int64) * n_nodes + second, return_inverse=True)
        by_unit = sp.csr_array(
            (np.concatenate(values), (pair.ravel(), np.concatenate(owners))), shape=(len(key), n_units)
        )
        return cls(key // n_nodes, key % n_nodes, by_unit, n_nodes)

    def touching(self, nodes: np.ndarray) -> _Ties:
        wanted = np.zeros(self.n_nodes, dtype=bool)
        wanted[nodes] = True
        keep = wanted[self.first] | wanted[self.second]
        return _Ties(self.first[keep], self.second[keep], self.by_unit[np.flatnonzero(keep)], self.n_nodes)

    def within(self, nodes: np.ndarray) -> _Ties:
        """The ties both of whose ends are among ``nodes`` (a mask)."""
        keep = nodes[self.first] & nodes[self.second]
        return _Ties(self.first[keep], self.second[keep], self.by_unit[np.flatnonzero(keep)], self.n_nodes)

    def weights(self, unit_weights: np.ndarray) -> np.ndarray:
        """(ties, batch): each tie's weight in each resample."""
        return np.asarray(self.by_unit @ unit_weights.T)

    def degree_and_strength(self, unit_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(nodes, batch) each: ties of positive weight, and their weight sum."""
        value = self.weights(unit_weights)
        ends = sp.csr_array(
            (
                np.ones(2 * self.count),
                (np.concatenate([self.first, self.second]), np.tile(np.arange(self.count), 2)),
            ),
            shape=(self.n_nodes, self.count),
        )
        return np.asarray(ends @ (value > 0).astype(float)), np.asarray(ends @ value)


def _project_units(ecosystem: Ecosystem, used: pd.Series) -> pd.Index:
    """The projects resampled by the thin uses: those that carry the measure (named in its links).

    A project without a participant (or without a counted cluster row) adds nothing to the
    measure; resampling it too would only make the number of informative projects random.
    """
    return pd.Index(sorted(used.astype(str).unique()))


def _intercluster_links(
    ecosystem: Ecosystem, organisations: np.ndarray, clusters: np.ndarray, years, s: np.ndarray, t: np.ndarray
):
    """Membership through intercluster projects, as sparse matrices over the (organisation, cluster) pairs.

    ``present``: pairs by project (the projects that make the organisation a member);
    ``both``: for every organisation in two clusters of a wanted pair (s, t), the positions of
    its two pairs and a matrix summing them into the wanted pairs; ``sizes``: clusters by pairs.
    """
    from .._options import select_years
    from ..graphs import WITHDRAWN

    carried = ecosystem.project_clusters
    if "status" in carried.columns:
        status = carried["status"].astype("string").str.strip().str.lower()
        carried = carried[~status.isin(WITHDRAWN).fillna(False).to_numpy()]
    participations = ecosystem.participations
    if years is not None:
        kept = select_years(ecosystem.projects, years)["project_id"]
        participations = participations[participations["project_id"].isin(kept).to_numpy()]
    links = (
        participations[["project_id", "organisation_id"]]
        .merge(carried[["project_id", "cluster_id"]], on="project_id")
        .drop_duplicates()
    )
    units = _project_units(ecosystem, links["project_id"])
    n_clusters = len(clusters)
    code = np.searchsorted(organisations, links["organisation_id"].to_numpy()) * n_clusters + pd.Index(
        clusters
    ).get_indexer(links["cluster_id"])
    pair_ids, pair = np.unique(code, return_inverse=True)
    present = sp.csr_array(
        (np.ones(len(links)), (pair.ravel(), units.get_indexer(links["project_id"]))),
        shape=(len(pair_ids), len(units)),
    )
    owner, cluster = pair_ids // n_clusters, pair_ids % n_clusters
    sizes = sp.csr_array(
        (np.ones(len(pair_ids)), (cluster, np.arange(len(pair_ids)))), shape=(n_clusters, len(pair_ids))
    )
    wanted = {(min(a, b), max(a, b)): k for k, (a, b) in enumerate(zip(s.tolist(), t.tolist(), strict=True))}
    counts = np.bincount(owner, minlength=len(organisations))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    firsts, seconds = [], []
    for size in np.unique(counts[counts >= 2]):
        positions = starts[np.flatnonzero(counts == size)][:, None] + np.arange(size)[None, :]
        i, j = np.triu_indices(size, k=1)
        firsts.append(positions[:, i].ravel())
        seconds.append(positions[:, j].ravel())
    first = np.concatenate(firsts) if firsts else np.zeros(0, np.int64)
    second = np.concatenate(seconds) if seconds else np.zeros(0, np.int64)
    target = np.array(
        [
            wanted.get((a, b), -1)
            for a, b in zip(cluster[first].tolist(), cluster[second].tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    keep = target >= 0
    first, second, target = first[keep], second[keep], target[keep]
    summing = sp.csr_array(
        (np.ones(len(target)), (target, np.arange(len(target)))), shape=(len(s), len(target))
    )
    return present, units, (first, second, summing), sizes


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def _check_unit(unit: object) -> str:
    if not isinstance(unit, str) or unit not in _UNITS:
        raise OptionError(f"unit must be one of {', '.join(map(repr, _UNITS))}; got {unit!r}")
    return unit


def _check_method(method: object) -> str:
    if not isinstance(method, str) or method not in INTERVAL_METHODS:
        raise OptionError(f"method must be one of {', '.join(map(repr, INTERVAL_METHODS))}; got {method!r}")
    return method


def _check_top(top: object) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1):
        raise OptionError(f"top must be a positive whole number or None; got {top!r}")


