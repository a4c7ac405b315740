"""The structure of a whole network against degree-preserving nulls: rich club, core and periphery."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import check_correction, check_edge_weights, check_simple_graph, igraph, parse_years
from .._shared import adjust_p_values, edge_arrays, random_generator, sorted_nodes
from ..errors import ConvergenceWarning, InvalidGraphError, OptionError
from ..graphs import organisation_network
from ..model import Ecosystem

__all__ = [
    "CORE_METHODS",
    "CORE_PERSISTENCE_COLUMNS",
    "RICH_CLUB_COLUMNS",
    "core_periphery",
    "core_persistence",
    "degree_assortativity",
    "rich_club",
    "small_world",
]

#: Columns of :func:`rich_club`, in order.
RICH_CLUB_COLUMNS = ["nodes", "edges", "phi", "phi_null", "phi_null_sd", "rho", "p_value", "p_adjusted"]
#: The methods of :func:`core_periphery`.
CORE_METHODS = ("borgatti_everett",)
#: Columns of :func:`core_persistence`, in order.
CORE_PERSISTENCE_COLUMNS = [
    "organisations",
    "ties",
    "core_size",
    "core_share",
    "fit",
    "p_value",
    "stayed",
    "jaccard",
    "core",
]
_SWAPS_PER_EDGE = 10
_MAX_ITERATIONS = 2000
_TOLERANCE = 1e-10


def rich_club(
    G: nx.Graph,
    *,
    normalized: bool = True,
    samples: int = 10,
    swaps: int | None = None,
    seed: int | np.random.Generator | None = 0,
    correction: str | None = None,
) -> pd.DataFrame:
    r"""The rich-club coefficient of every degree, beside degree-preserving rewirings of the graph.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph without self-loops; weights are not read.
    normalized : bool, default True
        Compare with ``samples`` rewired graphs. With False only ``nodes``, ``edges`` and
        ``phi`` are computed and the null columns are NaN.
    samples : int, default 10
        The number of rewired graphs.
    swaps : int, optional
        Double edge swaps tried per rewired graph, each from ``G`` itself; by default ten per
        edge (igraph's default).
    seed : int or numpy.random.Generator, default 0
        Same seed, same result (for a given backend, see the Notes).
    correction : {None, "holm", "fdr_bh"}
        Adjust the p-values of all degrees, one test each, for multiple testing (statsmodels'
        ``multipletests``, Holm or Benjamini-Hochberg) into ``p_adjusted`` (equal to
        ``p_value`` without a correction).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``degree`` :math:`k` from 0 up to the largest :math:`k` with at least two
        nodes of degree above it, columns ``nodes`` (:math:`N_{>k}`), ``edges``
        (:math:`E_{>k}`), ``phi``, ``phi_null`` (the mean over the rewired graphs),
        ``phi_null_sd``, ``rho`` (``phi / phi_null``; NaN where both are 0) and ``p_value``
        (the share of rewired graphs whose :math:`\phi` reaches the observed one, counting
        the observed graph: :math:`(1 + \#\{\phi_{null} \ge \phi\}) / (1 + samples)`), and
        ``p_adjusted`` (after ``correction``).

    Raises
    ------
    InvalidGraphError
        If the graph is directed, a multigraph, has self-loops, or no edge.
    OptionError
        If ``samples`` or ``swaps`` is not a positive whole number, or ``correction`` is not
        one of its values.

    See Also
    --------
    networkx.rich_club_coefficient : the same :math:`\phi` (tested equal), normalised by one
        rewired graph with Python double edge swaps.

    Notes
    -----
    With :math:`N_{>k}` nodes of degree above :math:`k` and :math:`E_{>k}` edges among them,

    .. math::

        \phi(k) = \frac{2 E_{>k}}{N_{>k} (N_{>k} - 1)}, \qquad
        \rho(k) = \frac{\phi(k)}{\langle \phi_{null}(k) \rangle}

    (Zhou and Mondragon [1]_; Colizza et al. [2]_). :math:`\phi` rises with :math:`k` even in
    random graphs, because hubs have more ties to spend; only :math:`\rho(k) > 1` says that
    the organisations of degree above :math:`k` work with each other more than their degrees
    alone would make them (a rich club, the "closed club" of the large FP partners).

    The null graphs are made by double edge swaps (Maslov and Sneppen [3]_), which keep
    every node's degree and the graph simple: python-igraph's compiled ``rewire`` where igraph
    is installed, else networkx's ``double_edge_swap`` (``swaps`` swaps made, slower; the two
    backends draw different graphs from the same seed). :math:`\phi` of a graph takes one pass
    over its edges: an edge counts for every :math:`k` below its smaller end degree.

    On the Horizon 2020 organisation network (31,665 organisations with a tie, 796,670 ties)
    networkx's normalised ``rich_club_coefficient`` (``Q=100``: 80 million Python swaps)
    would take hours (measured rate in ``docs/measures-rd-networks.md``); this function
    with the defaults takes a few minutes.

    References
    ----------
    .. [1] S. Zhou and R. J. Mondragon, "The rich-club phenomenon in the Internet topology",
       IEEE Communications Letters 8(3), 180-182 (2004).
    .. [2] V. Colizza, A. Flammini, M. A. Serrano and A. Vespignani, "Detecting rich-club
       ordering in complex networks", Nature Physics 2, 110-115 (2006).
    .. [3] S. Maslov and K. Sneppen, "Specificity and stability in topology of protein
       networks", Science 296, 910-913 (2002).

    Examples
    --------
    Ten hubs that all work with each other and with twenty partners each, in a periphery where
    everyone has four partners:

    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.relabel_nodes(nx.circulant_graph(200, [1, 2]), lambda i: f"p{i}")
    >>> G.add_edges_from(nx.complete_graph(10).edges)
    >>> G.add_edges_from((hub, f"p{20 * hub + i}") for hub in range(10) for i in range(20))
    >>> club = cn.rich_club(G, samples=20, seed=1)
    >>> club.loc[20, ["nodes", "edges", "phi"]].tolist()  # the ten hubs, all 45 of their ties
    [10.0, 45.0, 1.0]
    >>> round(float(club.loc[20, "rho"]), 2), round(float(club.loc[20, "p_value"]), 3)
    (2.06, 0.048)
    """
    check_simple_graph(G, "rich_club")
    if nx.number_of_selfloops(G):
        raise InvalidGraphError(
            f"rich_club needs a graph without self-loops; this one has {nx.number_of_selfloops(G)} "
            "(remove them with G.remove_edges_from(nx.selfloop_edges(G)))"
        )
    if not isinstance(normalized, bool | np.bool_):
        raise OptionError(f"normalized={normalized!r} must be True or False")
    samples = _check_count("samples", samples)
    nodes, rows, cols, _ = edge_arrays(G, None)
    if len(rows) == 0:
        raise InvalidGraphError("rich_club needs a graph with at least one edge; this one has none")
    swaps = _SWAPS_PER_EDGE * len(rows) if swaps is None else _check_count("swaps", swaps)
    correction = check_correction(correction)
    degree = np.bincount(np.r_[rows, cols], minlength=len(nodes))
    # N_{>k} for k = 0, 1, ...: nodes of degree above k; kept while at least two.
    above = len(nodes) - np.cumsum(np.bincount(degree))
    top = int(np.flatnonzero(above > 1).max()) + 1 if (above > 1).any() else 0
    above = above[:top]
    observed = _club_edges(degree, rows, cols, top)
    pairs = above * (above - 1.0)
    phi = 2.0 * observed / pairs
    null = np.full((samples if normalized else 0, top), np.nan)
    if normalized:
        rng = random_generator(seed)
        for draw, (u, v) in enumerate(
            _rewirings(len(nodes), rows, cols, samples=samples, swaps=swaps, rng=rng)
        ):
            null[draw] = 2.0 * _club_edges(degree, u, v, top) / pairs
    nan = np.full(top, np.nan)
    if normalized:
        mean = null.mean(axis=0)
        sd = null.std(axis=0, ddof=1) if samples > 1 else nan
        rho = np.divide(phi, mean, out=np.full(top, np.nan), where=mean > 0)
        rho[(mean == 0) & (phi > 0)] = np.inf
        tolerance = 1e-12
        p_value = (1 + (null >= phi - tolerance).sum(axis=0)) / (1 + samples)
    else:
        mean, sd, rho, p_value = nan, nan, nan, nan
    table = pd.DataFrame(
        {
            "nodes": above.astype(np.int64),
            "edges": observed.astype(np.int64),
            "phi": phi,
            "phi_null": mean,
            "phi_null_sd": sd,
            "rho": rho,
                "p_value": p_value,
            "p_adjusted": adjust_p_values(np.broadcast_to(p_value, (top,)), correction),
        },
        index=pd.RangeIndex(top, name="degree"),
        columns=RICH_CLUB_COLUMNS,
    )
    table.attrs.update(
        samples=samples if normalized else 0,
        swaps=swaps if normalized else 0,
        backend=_backend() if normalized else None,
    )
    return table


def core_periphery(
    G: nx.Graph,
    *,
    method: str = "borgatti_everett",
    weight: str | None = None,
    samples: int = 20,
    swaps: int | None = None,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    r"""Each node's coreness and whether it is in the core, with a test of the core against rewired graphs.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph without self-loops.
    method : {"borgatti_everett"}
        Borgatti and Everett's continuous and discrete models (Notes).
    weight : str, optional
        The edge attribute to fit (non-negative numbers); None (default) fits the ties as 0/1.
    samples : int, default 20
        Degree-preserving rewirings of ``G`` the core's fit is compared with (as in
        :func:`rich_club`; weights, if read, are shuffled over the rewired ties). 0 fits the
        core without the test (``null_fit``, ``null_fit_sd`` and ``p_value`` are NaN).
    swaps : int, optional
        Double edge swaps tried per rewired graph; by default ten per edge.
    seed : int or numpy.random.Generator, default 0
        Same seed, same result.

    Returns
    -------
    pandas.DataFrame
        Indexed by node (sorted), columns ``coreness`` (the continuous model, scaled so the
        largest is 1; 0 for an isolate) and ``core`` (bool, the discrete model). ``attrs``
        holds ``fit`` (the correlation of the ties with the ideal core-periphery pattern of
        the discrete core), ``continuous_fit`` (the correlation of :math:`a_{ij}` with
        :math:`c_i c_j`), ``core_size``, ``null_fit`` (the mean best fit of the rewired
        graphs), ``null_fit_sd``, ``p_value`` (one plus the number of rewired graphs whose
        best fit reaches ``fit``, over one plus ``samples``), ``samples``, ``swaps``,
        ``method`` and ``backend``.

    Raises
    ------
    InvalidGraphError
        If the graph is directed, a multigraph, has self-loops, a negative or missing weight,
        fewer than four nodes with a tie, or no tie.
    OptionError
        If an option has a bad value.

    Warns
    -----
    ConvergenceWarning
        If the continuous model has not converged after 2,000 iterations of L-BFGS-B (the
        last values are returned).

    See Also
    --------
    core_persistence : the core over periods of an ecosystem, the "oligarchic core" question.
    rich_club : whether the best-connected nodes work with each other beyond their degrees.

    Notes
    -----
    **Continuous model.** The coreness :math:`c` minimises
    :math:`\sum_{i \ne j} (a_{ij} - c_i c_j)^2`, so that a tie is likelier the more core both
    ends are (Borgatti and Everett [1]_), fitted as the MINRES objective of Boyd et al. [2]_ by scipy's
    L-BFGS-B with its gradient :math:`-4Ac + 4 (c^\top c) c - 4 c^3` on the sparse adjacency
    matrix, from the degrees.

    **Discrete model.** A core :math:`C` is judged by the Pearson correlation, over the pairs
    :math:`i < j` inside the core or inside the periphery, between :math:`a_{ij}` and the
    ideal pattern :math:`\delta_{ij} = 1` in the core, 0 in the periphery; the pairs between
    core and periphery are left free, the variant of [1]_ that asks nothing of the ties
    between core and periphery. The search starts from the best split into the :math:`k`
    most core nodes by coreness and the rest (:math:`2 \le k \le n - 2` among the nodes with
    a tie; isolates are periphery), every :math:`k` scored at once from cumulative sums, then
    moves single nodes between core and periphery, the best move first, while a move raises
    the correlation (a local search in place of Borgatti and Everett's genetic algorithm; on
    small planted graphs it finds the best of all subsets, tested).

    **Is the core more than chance?** Any graph has a best core. The p-value compares its fit
    with the best fit of each of ``samples`` degree-preserving rewirings of the graph
    (fitted the same way): hubs alone make a core-like pattern, and only a fit above that of
    the rewired graphs says the core is organised beyond the degrees.

    A well-kept Python library for this was looked for: ``cpnet`` (Kojaku and Masuda) has
    Borgatti-Everett and Rombach et al.'s models but its last release is of 2022 and it needs
    numba, plotly and seaborn; the published algorithms are a few lines of numpy and scipy.

    References
    ----------
    .. [1] S. P. Borgatti and M. G. Everett, "Models of core/periphery structures", Social
       Networks 21(4), 375-395 (2000).
    .. [2] J. P. Boyd, W. J. Fitzgerald, M. C. Mahutga and D. A. Smith, "Computing continuous
       core/periphery structures for social relations data with MINRES/SVD", Social Networks
       32(2), 125-137 (2010).

    Examples
    --------
    Ten hubs that all work with each other and with twenty partners each, in a periphery where
    everyone has four partners (as in :func:`rich_club`):

    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.relabel_nodes(nx.circulant_graph(200, [1, 2]), lambda i: f"p{i}")
    >>> G.add_edges_from(nx.complete_graph(10).edges)
    >>> G.add_edges_from((hub, f"p{20 * hub + i}") for hub in range(10) for i in range(20))
    >>> table = cn.core_periphery(G, samples=19, seed=0)
    >>> sorted(table.index[table["core"]], key=str)
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> round(table.attrs["fit"], 3), round(table.attrs["null_fit"], 3), table.attrs["p_value"]
    (0.315, 0.191, 0.05)
    >>> table.loc[[0, "p0"], "coreness"].round(3).tolist()
    [1.0, 0.12]
    """
    check_simple_graph(G, "core_periphery")
    _check_no_selfloops(G, "core_periphery")
    if not isinstance(method, str) or method not in CORE_METHODS:
        raise OptionError(f"method={method!r} is not one of {', '.join(map(repr, CORE_METHODS))}")
    # 0 rewirings: the fit without its test (a report on a network too large to rewire).
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 0:
        raise OptionError(f"samples={samples!r} must be a whole number of at least 0 (0 skips the test)")
    samples = int(samples)
    nodes, rows, cols, raw = edge_arrays(G, weight, missing=np.nan)
    values = (
        check_edge_weights(nodes, rows, cols, raw, weight, allow_zero=True) if weight else np.ones(len(rows))
    )
    if len(rows) == 0:
        raise InvalidGraphError("core_periphery needs a graph with at least one tie; this one has none")
    linked = np.zeros(len(nodes), dtype=bool)
    linked[rows] = linked[cols] = True
    if linked.sum() < 4:
        raise InvalidGraphError(
            f"core_periphery needs at least four nodes with a tie (a core and a periphery of two each); "
            f"this graph has {int(linked.sum())}"
        )
    swaps = _SWAPS_PER_EDGE * len(rows) if swaps is None else _check_count("swaps", swaps)
    n = len(nodes)
    coreness, continuous_fit = _minres(n, rows, cols, values)
    fit, core = _best_core(coreness, rows, cols, values, linked)
    rng = random_generator(seed)
    null = np.zeros(samples)
    if samples:
        for draw, (u, v) in enumerate(_rewirings(n, rows, cols, samples=samples, swaps=swaps, rng=rng)):
            shuffled = rng.permutation(values) if weight else values
            null[draw] = _best_core(_minres(n, u, v, shuffled)[0], u, v, shuffled, linked)[0]
    scale = coreness.max()
    table = pd.DataFrame(
        {"coreness": coreness / scale if scale > 0 else coreness, "core": core},
        index=pd.Index(nodes, dtype=object),
    )
    table = table.loc[sorted_nodes(nodes)]
    table.index.name = "node"
    table.attrs.update(
        fit=float(fit),
        continuous_fit=float(continuous_fit),
        core_size=int(core.sum()),
        null_fit=float(null.mean()) if samples else float("nan"),
        null_fit_sd=float(null.std(ddof=1)) if samples > 1 else float("nan"),
        p_value=float((1 + np.sum(null >= fit - 1e-12)) / (1 + samples)) if samples else float("nan"),
        samples=samples,
        swaps=swaps,
        method=method,
        backend=_backend(),
    )
    return table


def core_persistence(
    ecosystem: Ecosystem,
    periods: Iterable | Mapping,
    *,
    samples: int = 20,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    r"""The core of the organisation network in each period, and how much of it stays: the "oligarchic core" question.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``organisations``, ``projects`` (with years) and ``participations``.
    periods : sequence of years values, or mapping label -> years value
        Each period is a ``years`` value (``range(2014, 2017)``, a year, a set of years; see
        ``docs/parameters.md``), in the order to compare. A sequence is labelled by its years
        (``"2014-2016"``, ``"2018"``, ``"2015, 2017"``).
    samples, seed
        As in :func:`core_periphery`, for each period's test (the periods draw from one
        generator made from ``seed``).

    Returns
    -------
    pandas.DataFrame
        One row per period (indexed by its label, in the given order), columns
        ``organisations`` and ``ties`` of the period's network (organisations with at least
        one tie), ``core_size``, ``core_share`` (of those organisations), ``fit`` and
        ``p_value`` of :func:`core_periphery`, ``stayed`` (the share of the previous period's
        core in this period's core; NaN for the first), ``jaccard`` (of the two cores) and
        ``core`` (the sorted tuple of the core's organisation ids).

    Raises
    ------
    OptionError
        If ``periods`` is empty or a period is not a ``years`` value.
    InvalidGraphError
        If a period's network has fewer than four organisations with a tie.

    Notes
    -----
    Each period's network is :func:`~clusternet.organisation_network` of its projects, its
    ties read as 0/1 (the core is about who works with whom, not how often); organisations
    without a tie in the period are left out, so ``core_share`` is of the active ones. Breschi
    and Cusmano [1]_ found an oligarchic core of large, established organisations that grew
    stronger from FP1 to FP4, and Roediger-Schluga and Barber [2]_ a stable core over FP1-FP5:
    a high ``stayed`` with a significant ``fit`` in every period is that finding.

    References
    ----------
    .. [1] S. Breschi and L. Cusmano, "Unveiling the texture of a European Research Area:
       emergence of oligarchic networks under EU Framework Programmes", International Journal
       of Technology Management 27(8), 747-772 (2004).
    .. [2] T. Roediger-Schluga and M. J. Barber, "The structure of R&D collaboration networks
       in the European Framework Programmes", UNU-MERIT Working Paper 2006-036 (2006).

    Examples
    --------
    Four organisations that work together in every period, each with two projects of its own
    with a new partner:

    >>> import pandas as pd
    >>> import clusternet as cn
    >>> rows, years = [], {}
    >>> for year in (2018, 2019):
    ...     years[f"joint{year}"] = year
    ...     rows += [(f"joint{year}", hub) for hub in "abcd"]
    ...     for hub in "abcd":
    ...         for partner in "xy":
    ...             years[f"{hub}{partner}{year}"] = year
    ...             rows += [(f"{hub}{partner}{year}", hub), (f"{hub}{partner}{year}", f"o{hub}{partner}{year}")]
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": sorted({o for _, o in rows})}),
    ...     projects=pd.DataFrame({"project_id": list(years), "year": list(years.values())}),
    ...     participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    ... )
    >>> table = cn.core_persistence(eco, [2018, 2019], samples=9)
    >>> table[["organisations", "core_size", "fit", "stayed", "jaccard"]]
            organisations  core_size  fit  stayed  jaccard
    period
    2018               12          4  1.0     NaN      NaN
    2019               12          4  1.0     1.0      1.0
    >>> table.loc["2019", "core"]
    ('a', 'b', 'c', 'd')
    """
    labelled = _periods(periods)
    rng = random_generator(seed)
    rows, previous = [], None
    for label, years in labelled:
        G = organisation_network(ecosystem, years=years)
        G.remove_nodes_from([node for node, degree in G.degree() if degree == 0])
        if G.number_of_nodes() < 4:
            raise InvalidGraphError(
                f"core_persistence: the period {label} has {G.number_of_nodes()} organisations with a tie; "
                "a core and a periphery need at least four (join it with a neighbouring period)"
            )
        table = core_periphery(G, samples=samples, seed=rng)
        core = frozenset(table.index[table["core"]])
        stayed = jaccard = np.nan
        if previous is not None:
            stayed = len(core & previous) / len(previous)
            jaccard = len(core & previous) / len(core | previous)
        rows.append(
            {
                "organisations": G.number_of_nodes(),
                "ties": G.number_of_edges(),
                "core_size": len(core),
                "core_share": len(core) / G.number_of_nodes(),
                "fit": table.attrs["fit"],
                "p_value": table.attrs["p_value"],
                "stayed": stayed,
                "jaccard": jaccard,
                "core": tuple(sorted_nodes(core)),
            }
        )
        previous = core
    result = pd.DataFrame(
        rows,
        index=pd.Index([label for label, _ in labelled], name="period"),
        columns=CORE_PERSISTENCE_COLUMNS,
    )
    result.attrs.update(samples=samples)
    return result


def degree_assortativity(G: nx.Graph) -> dict[str, float]:
    r"""Newman's degree assortativity coefficient with its jackknife standard error.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph without self-loops; weights are not read.

    Returns
    -------
    dict
        ``r`` (the coefficient, as ``networkx.degree_assortativity_coefficient``; NaN when
        every tie joins nodes of equal degree), ``standard_error`` (the jackknife over ties)
        and ``ties``, the number of ties.

    Raises
    ------
    InvalidGraphError
        If the graph is directed, a multigraph, has self-loops or fewer than two ties.

    Notes
    -----
    With :math:`j_e, k_e` the degrees at the ends of tie :math:`e` and :math:`M` ties [1]_,

    .. math::

        r = \frac{M^{-1} \sum_e j_e k_e - [M^{-1} \sum_e \tfrac12 (j_e + k_e)]^2}
                 {M^{-1} \sum_e \tfrac12 (j_e^2 + k_e^2) - [M^{-1} \sum_e \tfrac12 (j_e + k_e)]^2},
        \qquad
        \sigma_r^2 = \sum_e (r_e - r)^2

    where :math:`r_e` is :math:`r` with tie :math:`e` left out (the degrees as they are in
    the graph): Newman's jackknife error [1]_ (the textbook jackknife,
    :math:`\tfrac{M-1}{M} \sum_e (r_e - \bar r)^2`, differs from it by under 1% on the
    karate club). Every :math:`r_e` comes
    from the sums less one term, so the error costs one pass over the ties. Roediger-Schluga
    and Barber found the FP networks disassortative (hubs work with small partners).

    References
    ----------
    .. [1] M. E. J. Newman, "Mixing patterns in networks", Physical Review E 67, 026126 (2003).

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> result = cn.degree_assortativity(nx.star_graph(5))  # every tie joins the hub to a leaf
    >>> result["r"], result["ties"]
    (-1.0, 5)
    >>> G = nx.karate_club_graph()
    >>> result = cn.degree_assortativity(G)
    >>> round(result["r"], 4) == round(nx.degree_assortativity_coefficient(G), 4)
    True
    >>> round(result["standard_error"], 3)
    0.075
    """
    check_simple_graph(G, "degree_assortativity")
    _check_no_selfloops(G, "degree_assortativity")
    nodes, rows, cols, _ = edge_arrays(G, None)
    ties = len(rows)
    if ties < 2:
        raise InvalidGraphError(f"degree_assortativity needs at least two ties; this graph has {ties}")
    degree = np.bincount(np.r_[rows, cols], minlength=len(nodes)).astype(np.float64)
    j, k = degree[rows], degree[cols]
    product, mean_terms, square_terms = j * k, (j + k) / 2, (j**2 + k**2) / 2
    r = _assortativity(product.sum(), mean_terms.sum(), square_terms.sum(), ties)
    left_out = _assortativity(
        product.sum() - product, mean_terms.sum() - mean_terms, square_terms.sum() - square_terms, ties - 1
    )
    if np.isnan(left_out).any():
        error = float("nan")
    else:
        error = float(np.sqrt(((left_out - r) ** 2).sum()))
    return {"r": float(r), "standard_error": error, "ties": ties}


def small_world(
    G: nx.Graph,
    *,
    samples: int = 10,
    sources: int | None = None,
    swaps: int | None = None,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    r"""Clustering and path length beside degree-preserving rewirings of the graph.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph without self-loops; weights are not read.
    samples : int, default 10
        The number of rewired graphs (as in :func:`rich_club`).
    sources : int, optional
        Shortest paths from this many nodes of the largest component, drawn with ``seed``
        (a fresh draw in each graph); all of them by default up to 2,000 nodes, else 200.
    swaps : int, optional
        Double edge swaps tried per rewired graph; by default ten per edge.
    seed : int or numpy.random.Generator, default 0
        Same seed, same result.

    Returns
    -------
    pandas.DataFrame
        Rows ``clustering`` (the transitivity, three times the triangles over the connected
        triples, as ``networkx.transitivity``) and ``path_length`` (the mean shortest path
        between nodes of the largest component, as ``networkx.average_shortest_path_length``
        on it when every node is a source), columns ``observed``, ``null`` (the mean over the
        rewired graphs), ``null_sd`` and ``ratio`` (observed over null). ``attrs`` holds
        ``sigma``, ``sources``, ``samples``, ``swaps`` and ``backend``.

    Raises
    ------
    InvalidGraphError
        If the graph is directed, a multigraph, has self-loops or fewer than two ties.
    OptionError
        If an option has a bad value.

    Notes
    -----
    A small world has the short paths of a random graph and much more clustering
    (Watts and Strogatz [1]_). Against rewirings that keep every degree,

    .. math:: \sigma = \frac{C / C_{null}}{L / L_{null}}

    is well above 1 for a small world (Humphries and Gurney [2]_); the null keeps the degrees,
    so hubs alone do not make a graph look clustered. Transitivity by igraph where installed
    (networkx otherwise), paths by scipy's breadth-first search.

    References
    ----------
    .. [1] D. J. Watts and S. H. Strogatz, "Collective dynamics of 'small-world' networks",
       Nature 393, 440-442 (1998).
    .. [2] M. D. Humphries and K. Gurney, "Network 'small-world-ness': a quantitative method
       for determining canonical network equivalence", PLoS ONE 3(4), e0002002 (2008).

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.connected_watts_strogatz_graph(200, 8, 0.05, seed=1)
    >>> table = cn.small_world(G, samples=5, seed=0)
    >>> bool(table.loc["clustering", "ratio"] > 3), bool(table.loc["path_length", "ratio"] < 1.5)
    (True, True)
    >>> bool(abs(table.loc["clustering", "observed"] - nx.transitivity(G)) < 1e-12)
    True
    """
    check_simple_graph(G, "small_world")
    _check_no_selfloops(G, "small_world")
    samples = _check_count("samples", samples)
    nodes, rows, cols, _ = edge_arrays(G, None)
    if len(rows) < 2:
        raise InvalidGraphError(f"small_world needs at least two ties; this graph has {len(rows)}")
    swaps = _SWAPS_PER_EDGE * len(rows) if swaps is None else _check_count("swaps", swaps)
    n = len(nodes)
    if sources is not None:
        sources = _check_count("sources", sources)
    rng = random_generator(seed)
    observed = _clustering_and_paths(n, rows, cols, sources, rng)
    null = np.array(
        [
            _clustering_and_paths(n, u, v, sources, rng)
            for u, v in _rewirings(n, rows, cols, samples=samples, swaps=swaps, rng=rng)
        ]
    )
    mean = null.mean(axis=0)
    sd = null.std(axis=0, ddof=1) if samples > 1 else np.full(2, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.asarray(observed) / mean
    table = pd.DataFrame(
        {"observed": observed, "null": mean, "null_sd": sd, "ratio": ratio},
        index=pd.Index(["clustering", "path_length"], name="measure"),
    )
    table.attrs.update(
        sigma=float(ratio[0] / ratio[1]) if ratio[1] > 0 else float("nan"),
        sources=sources,
        samples=samples,
        swaps=swaps,
        backend=_backend(),
    )
    return table


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _clustering_and_paths(n, rows, cols, sources, rng) -> tuple[float, float]:
    """Transitivity and the mean shortest path length within the largest component."""
    from scipy.sparse import csgraph

    ig = igraph()
    if ig is not None:
        clustering = ig.Graph(n=n, edges=np.column_stack([rows, cols]).tolist()).transitivity_undirected()
    else:
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(zip(rows.tolist(), cols.tolist(), strict=True))
        clustering = nx.transitivity(graph)
    adjacency = sp.csr_matrix((np.ones(2 * len(rows)), (np.r_[rows, cols], np.r_[cols, rows])), shape=(n, n))
    _, labels = csgraph.connected_components(adjacency, directed=False)
    largest = np.flatnonzero(labels == np.bincount(labels).argmax())
    part = adjacency[largest][:, largest]
    size = len(largest)
    count = (size if size <= 2000 else 200) if sources is None else min(sources, size)
    chosen = np.arange(size) if count == size else np.sort(rng.choice(size, size=count, replace=False))
    distances = csgraph.shortest_path(part, method="D", unweighted=True, indices=chosen)
    path_length = float(distances.sum() / (count * (size - 1))) if size > 1 else float("nan")
    return float(clustering), path_length


def _assortativity(products, means, squares, ties):
    """Newman's r from the sums over ties of j k, (j + k) / 2 and (j^2 + k^2) / 2."""
    mean = np.asarray(means) / ties
    numerator = np.asarray(products) / ties - mean**2
    denominator = np.asarray(squares) / ties - mean**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            np.abs(denominator) > 1e-12 * np.maximum(1.0, np.abs(mean) ** 2),
            numerator / np.where(denominator != 0, denominator, 1.0),
            np.nan,
        )


def _periods(periods) -> list[tuple[str, frozenset[int]]]:
    if isinstance(periods, Mapping):
        items = [(str(label), value) for label, value in periods.items()]
    elif isinstance(periods, str | bytes) or not isinstance(periods, Iterable):
        raise OptionError(
            f"periods={periods!r} must be a sequence of years values or a mapping label -> years"
        )
    else:
        items = [(None, value) for value in periods]
    if not items:
        raise OptionError(
            "periods is empty; give at least one period, e.g. [range(2014, 2017), range(2017, 2021)]"
        )
    labelled = []
    for label, value in items:
        years = parse_years(value)
        if years is None:
            raise OptionError("a period of None (all years) cannot be compared with others; give its years")
        labelled.append((label if label is not None else _label(years), years))
    labels = [label for label, _ in labelled]
    if len(set(labels)) < len(labels):
        raise OptionError(f"periods have the same label twice ({labels}); give a mapping label -> years")
    return labelled


def _label(years: frozenset[int]) -> str:
    first, last = min(years), max(years)
    if len(years) == 1:
        return str(first)
    if len(years) == last - first + 1:
        return f"{first}-{last}"
    return ", ".join(map(str, sorted(years)))


def _check_no_selfloops(G: nx.Graph, purpose: str) -> None:
    loops = nx.number_of_selfloops(G)
    if loops:
        raise InvalidGraphError(
            f"{purpose} needs a graph without self-loops; this one has {loops} "
            "(remove them with G.remove_edges_from(nx.selfloop_edges(G)))"
        )


def _minres(n: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, float]:
    """Borgatti-Everett coreness, the least-squares fit of c_i c_j to the ties (i != j), and its correlation.

    The MINRES objective of Boyd et al., sum_{i != j} (a_ij - c_i c_j)^2 = const - 2 c'Ac +
    (c'c)^2 - sum c_i^4, and its gradient, minimised by scipy's L-BFGS-B from the degrees. (Their
    fixed point iteration c_i = (Ac)_i / (c'c - c_i^2), even damped, ran away on some rewired
    graphs: one value growing without end.)
    """
    from scipy.optimize import minimize

    adjacency = sp.csr_matrix((np.r_[values, values], (np.r_[rows, cols], np.r_[cols, rows])), shape=(n, n))
    constant = 2.0 * float((values**2).sum())

    def objective(c: np.ndarray) -> tuple[float, np.ndarray]:
        ac = adjacency @ c
        norm = float(c @ c)
        return constant - 2.0 * float(c @ ac) + norm**2 - float(
            (c**4).sum()
        ), -4.0 * ac + 4.0 * norm * c - 4.0 * c**3

    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    start = degree / np.sqrt(max(float(degree.sum()), 1e-300))
    options = {"maxiter": _MAX_ITERATIONS, "ftol": 1e-14, "gtol": _TOLERANCE}
    with _one_blas_thread():  # L-BFGS-B's small dense steps: threads only wait for each other
        found = minimize(objective, start, jac=True, method="L-BFGS-B", options=options)
    gradient = objective(found.x)[1]
    scale = max(1.0, 4.0 * float(np.max(np.abs(adjacency @ found.x))))
    # "ABNORMAL" line searches end at the minimum too, when the objective can fall no further in
    # floating point: what counts is that the gradient is zero to rounding.
    if not found.success and float(np.max(np.abs(gradient))) > 1e-6 * scale:
        warnings.warn(
            f"core_periphery: the coreness did not converge ({found.message}); the last values are returned",
            ConvergenceWarning,
            stacklevel=3,
        )
    c = found.x if found.x.sum() >= 0 else -found.x  # c and -c fit alike
    return c, _continuous_fit(c, rows, cols, values)


def _one_blas_thread():
    """threadpoolctl's limit of BLAS to one thread where it is installed (10x faster L-BFGS-B on a busy machine)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _continuous_fit(c: np.ndarray, rows, cols, values) -> float:
    """Pearson correlation of a_ij with c_i c_j over all pairs i < j, from sums (no dense matrix)."""
    n = len(c)
    pairs = n * (n - 1) / 2
    sum_c, sum_c2 = c.sum(), (c**2).sum()
    sum_x = (sum_c**2 - sum_c2) / 2  # sum over i<j of c_i c_j
    sum_xx = (sum_c2**2 - (c**4).sum()) / 2
    sum_y, sum_yy = values.sum(), (values**2).sum()
    sum_xy = (values * c[rows] * c[cols]).sum()
    numerator = pairs * sum_xy - sum_x * sum_y
    denominator = np.sqrt(max(pairs * sum_xx - sum_x**2, 0.0) * max(pairs * sum_yy - sum_y**2, 0.0))
    return float(numerator / denominator) if denominator > 0 else float("nan")


def _core_order(coreness: np.ndarray) -> np.ndarray:
    """Node positions from the most core to the least; equal coreness by position (graph order)."""
    return np.lexsort((np.arange(len(coreness)), -coreness))


def _best_core(coreness, rows, cols, values, linked) -> tuple[float, np.ndarray]:
    """The core whose ideal pattern correlates best with the ties, and that correlation.

    First the best of the splits into the k most core nodes and the rest, every k at once (an
    edge is inside the core of size k when k exceeds its larger rank, inside the periphery when
    its smaller rank is at least k); then single nodes move between core and periphery, the
    best move first, while a move raises the correlation.
    """
    total = len(coreness)
    order = _core_order(np.where(linked, coreness, -np.inf))
    rank = np.empty(total, dtype=np.int64)
    rank[order] = np.arange(total)
    n = int(linked.sum())  # isolates rank last and stay periphery
    larger, smaller = np.maximum(rank[rows], rank[cols]), np.minimum(rank[rows], rank[cols])
    k = np.arange(total + 1, dtype=np.float64)
    inside_core = np.r_[0.0, np.cumsum(np.bincount(larger, weights=values, minlength=total))]
    inside_core2 = np.r_[0.0, np.cumsum(np.bincount(larger, weights=values**2, minlength=total))]
    below = np.r_[0.0, np.cumsum(np.bincount(smaller, weights=values, minlength=total))]
    below2 = np.r_[0.0, np.cumsum(np.bincount(smaller, weights=values**2, minlength=total))]
    fit = _pattern_fit(k, total, inside_core, values.sum() - below, inside_core2, (values**2).sum() - below2)
    fit[:2] = -np.inf
    fit[n - 1 :] = -np.inf
    size = int(np.argmax(fit))
    core = np.zeros(total, dtype=bool)
    core[order[:size]] = True
    return _improve(core, rows, cols, values, linked)


def _pattern_fit(core_size, total, core_sum, periphery_sum, core_squares, periphery_squares):
    """Pearson correlation of the ties with the ideal pattern (1 in the core, 0 in the periphery),
    over the pairs inside the core and inside the periphery, from the sums over each."""
    core_pairs = core_size * (core_size - 1) / 2
    periphery_pairs = (total - core_size) * (total - core_size - 1) / 2
    pairs = core_pairs + periphery_pairs
    sum_y = core_sum + periphery_sum
    sum_yy = core_squares + periphery_squares
    numerator = pairs * core_sum - core_pairs * sum_y
    spread = np.maximum(pairs * core_pairs - core_pairs**2, 0) * np.maximum(pairs * sum_yy - sum_y**2, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, numerator / np.sqrt(np.where(spread > 0, spread, 1.0)), -np.inf)


def _improve(core, rows, cols, values, linked) -> tuple[float, np.ndarray]:
    """Steepest ascent over single moves between core and periphery (isolates stay periphery)."""
    total = len(core)
    adjacency = sp.csr_matrix(
        (np.r_[values, values], (np.r_[rows, cols], np.r_[cols, rows])), shape=(total, total)
    )
    squares = adjacency.multiply(adjacency).tocsr()
    to_core, to_core2 = adjacency @ core.astype(float), squares @ core.astype(float)
    strength, strength2 = np.asarray(adjacency.sum(axis=1)).ravel(), np.asarray(squares.sum(axis=1)).ravel()

    def sums():
        core_sum = float(values[core[rows] & core[cols]].sum())
        core_sq = float((values[core[rows] & core[cols]] ** 2).sum())
        periphery = ~core[rows] & ~core[cols]
        return core_sum, float(values[periphery].sum()), core_sq, float((values[periphery] ** 2).sum())

    core_sum, periphery_sum, core_sq, periphery_sq = sums()
    size = int(core.sum())
    current = float(_pattern_fit(np.float64(size), total, core_sum, periphery_sum, core_sq, periphery_sq))
    for _ in range(total):
        to_periphery, to_periphery2 = strength - to_core, strength2 - to_core2
        sign = np.where(core, -1.0, 1.0)  # a core node leaves, a periphery node joins
        new_size = size + sign
        new_core = core_sum + np.where(core, -to_core, to_core)
        new_core2 = core_sq + np.where(core, -to_core2, to_core2)
        new_periphery = periphery_sum + np.where(core, to_periphery, -to_periphery)
        new_periphery2 = periphery_sq + np.where(core, to_periphery2, -to_periphery2)
        candidate = _pattern_fit(new_size, total, new_core, new_periphery, new_core2, new_periphery2)
        candidate[~linked | (new_size < 2) | (new_size > linked.sum() - 2)] = -np.inf
        best = int(np.argmax(candidate))
        if not candidate[best] > current + 1e-12:
            break
        core[best] = not core[best]
        change = adjacency[best].toarray().ravel(), squares[best].toarray().ravel()
        to_core += change[0] * (1 if core[best] else -1)
        to_core2 += change[1] * (1 if core[best] else -1)
        size = int(core.sum())
        core_sum, periphery_sum, core_sq, periphery_sq = (
            float(new_core[best]),
            float(new_periphery[best]),
            float(new_core2[best]),
            float(new_periphery2[best]),
        )
        current = float(candidate[best])
    return current, core


def _club_edges(degree: np.ndarray, rows: np.ndarray, cols: np.ndarray, top: int) -> np.ndarray:
    """E_{>k} for k < top: an edge is among the nodes of degree above k while k < its smaller end degree."""
    smaller = np.minimum(degree[rows], degree[cols])
    counts = np.bincount(np.minimum(smaller, top), minlength=top + 1)
    # edges with smaller end degree exactly d count for k = 0 .. d-1
    return (counts[::-1].cumsum()[::-1])[1 : top + 1].astype(np.float64)


def _backend() -> str:
    return "igraph" if igraph() is not None else "networkx"


def _rewirings(
    n: int, rows: np.ndarray, cols: np.ndarray, *, samples: int, swaps: int, rng: np.random.Generator
):
    """``samples`` degree-preserving rewirings of the graph, each from the graph itself, as edge arrays."""
    ig = igraph()
    seeds = rng.integers(2**63 - 1, size=samples)
    if ig is not None:
        original = ig.Graph(n=n, edges=np.column_stack([rows, cols]).tolist(), directed=False)
        for draw_seed in seeds.tolist():
            graph = original.copy()
            # igraph draws from the generator set here (Python's random module by default); a
            # private seeded one makes the draw reproducible, and the default is put back.
            ig.set_random_number_generator(random.Random(draw_seed))
            try:
                graph.rewire(n=swaps)
            finally:
                ig.set_random_number_generator(random)
            edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
            yield edges[:, 0], edges[:, 1]
        return
    original = nx.Graph()
    original.add_nodes_from(range(n))
    original.add_edges_from(zip(rows.tolist(), cols.tolist(), strict=True))
    for draw_seed in seeds.tolist():
        graph = original.copy()
        if len(rows) >= 2:
            try:
                nx.double_edge_swap(graph, nswap=swaps, max_tries=10 * swaps, seed=draw_seed % (2**32))
            except nx.NetworkXAlgorithmError:
                pass  # a graph that admits few swaps (a star, a clique): what was swapped stays
        edges = np.asarray(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
        yield edges[:, 0], edges[:, 1]


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise OptionError(f"{name}={value!r} must be a whole number of at least 1")
    return int(value)
