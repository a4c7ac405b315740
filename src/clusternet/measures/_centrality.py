"""Centrality of the nodes of a network, and of clusters as actors in the cluster network."""

from __future__ import annotations

import itertools
import math
import os
import sys
import threading
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from .._options import check_edge_weights, check_simple_graph, check_via, igraph
from .._shared import random_generator
from ..errors import (
    ConvergenceWarning,
    InvalidGraphError,
    OptionError,
)
from ..graphs import WITHDRAWN, cluster_network
from ..model import Ecosystem
from ._converted import cached_conversion, cached_edge_arrays

__all__ = [
    "centrality",
    "cluster_centrality",
    "cluster_rank_sensitivity",
    "CENTRALITY_COLUMNS",
    "CLUSTER_CENTRALITY_COLUMNS",
    "RANK_SENSITIVITY_COLUMNS",
]

#: Columns of :func:`centrality`, in order.
CENTRALITY_COLUMNS = ["degree", "neighbours", "strength", "betweenness", "closeness", "eigenvector", "pagerank"]
#: Columns of :func:`cluster_centrality`, in order.
CLUSTER_CENTRALITY_COLUMNS = [
    "name", "type", "domain", "degree", "strength", "betweenness", "closeness", "eigenvector",
    "pagerank", "projects", "members", "project_organisations", "reach", "other_domain_share", "rank",
]
#: Columns of :func:`cluster_rank_sensitivity`, in order.
RANK_SENSITIVITY_COLUMNS = ["name", "rank", "best_rank", "worst_rank", "first", "first_alone", "first_share",
                            "readings"]
_BACKENDS = ("auto", "igraph", "networkx")
# The project_clusters statuses clusternet knows (validation maps "goedgekeurd" and "teruggetrokken"
# to them); any other value is kept by validation, so a measure must say what it did with it.
_APPROVED = "approved"
_STATUS_OPTIONS = ("all", "approved")
# Up to this many subsets every one is read; beyond it a stated number of random subsets.
_EXHAUSTIVE_LIMIT = 5000
_DEFAULT_SAMPLES = 1000


def centrality(
    G: nx.Graph,
    *,
    weight: str | None = None,
    bipartite: bool | None = None,
    samples: int | None = None,
    epsilon: float | None = 0.01,
    delta: float = 0.1,
    seed: int | np.random.Generator | None = 0,
    backend: str = "auto",
    workers: int = 1,
    alpha: float = 0.85,
    max_iter: int = 100,
    tol: float = 1.0e-6,
) -> pd.DataFrame:
    """Degree, strength, betweenness, closeness, eigenvector and PageRank centrality of every node.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph. Self-loops are ignored by every measure.
    weight : str, optional
        Edge attribute holding a tie strength (more is stronger). ``None`` treats every edge as
        1. Strength, eigenvector and PageRank use the weight as it is; betweenness and closeness
        use the distance ``1 / weight`` (a strong tie is a short one). Weights must be positive.
    bipartite : bool, optional
        Use the two-mode normalisation of Borgatti and Everett [1]_. ``None`` (the default)
        does so when every node carries a ``bipartite`` attribute of 0 or 1, as the graphs of
        :func:`clusternet.bipartite_graph` do; ``False`` treats such a graph as one-mode.
    samples : int, optional
        Estimate betweenness and closeness from this many source nodes per connected component
        (components not larger than ``samples`` are measured exactly). ``None`` (the default)
        computes closeness exactly and betweenness within ``epsilon``. See Notes for the error.
    epsilon : float or None, default 0.01
        Without ``samples``: the largest absolute error of every node's (normalised)
        betweenness, with probability at least ``1 - delta``. On a graph large enough for
        the estimate to pay (see Notes) betweenness is estimated by KADABRA [5]_ (unweighted
        paths) or by Riondato and Kornaropoulos' fixed sample [6]_ (weighted), in networkit
        (the ``fast`` extra); otherwise, and without networkit, it is computed exactly, which
        meets any ``epsilon``. ``None`` computes it exactly on every graph. Ignored with
        ``samples``.
    delta : float, default 0.1
        The probability that some node's error exceeds ``epsilon``.
    seed : int or numpy.random.Generator, optional
        Chooses the sampled sources or paths; the same seed gives the same result.
    backend : {"auto", "igraph", "networkx"}
        Who computes shortest paths. ``igraph`` (the ``fast`` extra) runs them in compiled code;
        ``networkx`` is the plain reference; ``auto`` takes igraph when it is installed.
    workers : int
        Processes that share the shortest-path searches (``-1``: one per core): those of
        betweenness with the igraph backend, and those of closeness with ``samples``. Each
        takes every ``workers``-th source; their results are added in a fixed order, so a
        given ``workers`` gives the same result on every run, equal to the one-process result
        up to rounding. Used on Linux, where a worker starts as a fork of this process (no copy
        of the graph is sent); elsewhere, and inside a worker of a ``multiprocessing.Pool``
        (which may not start processes of its own), the searches run in this process.
        The estimate of ``epsilon`` runs in networkit's ``workers`` threads instead; it is the
        same for a given ``seed`` and ``workers``, and differs between ``workers`` counts
        (each thread draws its own paths) within the same guarantee.
    alpha : float
        PageRank damping factor.
    max_iter, tol : int, float
        Iteration limit and tolerance of the eigenvector and PageRank power iterations,
        with networkx's meaning and defaults.

    Returns
    -------
    pandas.DataFrame
        Indexed by node, in the graph's node order, with the columns of
        :data:`CENTRALITY_COLUMNS`:

        ``degree``
            Normalised degree: neighbours / (n - 1) as :func:`networkx.degree_centrality`; in
            a two-mode graph neighbours / size of the other mode, as
            :func:`networkx.algorithms.bipartite.degree_centrality`.
        ``neighbours``
            The number of distinct neighbours.
        ``strength``
            The sum of the weights of a node's edges (``neighbours`` when ``weight`` is None).
        ``betweenness``
            As :func:`networkx.betweenness_centrality` (normalised, endpoints excluded), or
            :func:`networkx.algorithms.bipartite.betweenness_centrality` in a two-mode graph.
        ``closeness``
            As :func:`networkx.closeness_centrality` (Wasserman and Faust's scaling for
            disconnected graphs: a node's closeness within its component times the share of the
            other nodes it reaches), or
            :func:`networkx.algorithms.bipartite.closeness_centrality` in a two-mode graph.
            An isolated node has 0.
        ``eigenvector``
            As :func:`networkx.eigenvector_centrality` (unit Euclidean norm, weighted when
            ``weight`` is given).
        ``pagerank``
            As :func:`networkx.pagerank` (dangling nodes jump uniformly).

    Raises
    ------
    InvalidGraphError
        If the graph is directed or a multigraph, a weight is missing, zero, negative or not
        a number, or ``bipartite=True`` and some node has no ``bipartite`` 0/1 attribute or an
        edge joins two nodes of the same mode.
    OptionError
        If ``backend``, ``samples``, ``epsilon``, ``delta``, ``workers``, ``alpha``, ``max_iter``
        or ``tol`` is out of range.
    OptionalDependencyError
        If ``backend="igraph"`` and python-igraph is not installed.

    See Also
    --------
    cluster_centrality : the measures for clusters in the cluster network, with their reach.

    Notes
    -----
    *Distances.* With ``weight``, the length of an edge is ``1 / weight`` for betweenness and
    closeness, so two organisations that share five projects are five times closer than two
    that share one [2]_. Paths whose lengths are equal in exact arithmetic can differ by
    rounding (1/3 + 1/6 against 1/2): igraph compares lengths with a small tolerance and counts
    them as tied, as exact arithmetic would; networkx compares floats exactly and can miss such
    a tie, so with weights like these the ``networkx`` backend can differ slightly.

    *Two modes.* In a two-mode graph with node sets :math:`U` (``bipartite=0``) and :math:`V`
    of sizes :math:`n` and :math:`m`, the normalisations are those of Borgatti and Everett
    [1]_: degree over the size of the other mode, closeness of :math:`u \\in U` as
    :math:`(m + 2(n - 1)) / \\sum_v d(u, v)`, betweenness over the largest value a node of its
    mode can reach. These normalisations are defined for path lengths in steps, so in a
    two-mode graph betweenness and closeness are computed without weights, whatever
    ``weight`` says (strength, eigenvector and PageRank still use it).

    *Disconnected graphs* need nothing special: betweenness counts only pairs that are
    connected, closeness uses the Wasserman-Faust scaling, and the eigenvector concentrates on
    the component with the largest eigenvalue (other components get values near 0).

    *Convergence.* Eigenvector centrality is networkx's power iteration on :math:`A + I`. If
    it does not converge in ``max_iter`` steps (a graph whose leading eigenvalue is nearly
    degenerate), the leading eigenvector is computed by ARPACK instead and a
    :class:`ConvergenceWarning` says so; if ARPACK fails too, the column is NaN. If PageRank
    does not converge, the last iterate is returned with a :class:`ConvergenceWarning`.

    *Sampling.* With ``samples=k``, betweenness is the pivot estimator of Brandes and Pich
    [3]_: the dependencies of ``k`` uniformly drawn sources of each component, scaled by
    component size / k; it is unbiased. Closeness uses the estimator of Eppstein and Wang [4]_:
    a node's mean distance to the other nodes of its component is estimated by its mean
    distance to the drawn sources, within a small multiple of the component's diameter times
    :math:`\\sqrt{\\log n / k}` with high probability. Measured on the Horizon 2020
    organisations in projects starting 2020-2021 (10,384 nodes, weighted, ``k=100``): closeness
    rank correlation 0.997 with the exact values (median relative error of the top 100: 0.1%),
    but betweenness only 0.67 (median relative error of the top 100: 48%). Weighted
    betweenness has a heavy-tailed dependency distribution, so it needs far more sources than
    closeness: use a large ``samples`` or the exact computation when betweenness ranks matter
    (see ``benchmarks/bench_centrality_communities.py --check``).

    *A guaranteed error.* Without ``samples``, betweenness :math:`b(v)` is estimated by
    :math:`\\tilde b(v)` with :math:`P(\\max_v |\\tilde b(v) - b(v)| \\le \\epsilon) \\ge 1 - \\delta`.
    Both algorithms draw node pairs uniformly and one shortest path between them uniformly
    among the shortest ones; the share of paths through :math:`v` estimates
    :math:`b(v)\\,(n-2)/n`, so they run with the error :math:`\\epsilon (n-2)/n` in their units
    (in a two-mode graph, :math:`\\epsilon` times the smallest mode maximum over
    :math:`n(n-1)/2`). KADABRA [5]_ stops as soon as its per-node confidence intervals are
    all within that error, at most after the :math:`\\omega = 0.5\\,\\epsilon^{-2}(\\lfloor
    \\log_2(VD-2) \\rfloor + 1 + \\ln(0.5/\\delta))` pairs of the vertex-diameter bound; it
    searches from both ends at once, so each pair costs a small part of a search. Weighted
    paths are searched by Dijkstra from one end, with the fixed sample of Riondato and
    Kornaropoulos [6]_, :math:`r = 0.5\\,\\epsilon^{-2}(\\lfloor \\log_2(VD-2) \\rfloor + 1 +
    \\ln(1/\\delta))` pairs, where the vertex diameter :math:`VD` of a weighted graph is bounded
    by the size of its largest component (0.5 is the constant of Löffler and Phillips the
    paper uses). When :math:`r` is at least the number of nodes, the exact computation, one
    search per node, costs less and is done instead, with a :class:`UserWarning` above the
    small size below: at ``epsilon=0.01`` that is every weighted graph of fewer than about
    95,000 nodes (even a vertex diameter of 30 would need 36,517 pairs on the 35,871 nodes of
    Horizon 2020), and on all of Horizon 2020 it takes about 77 CPU minutes in igraph (129 ms
    a source; networkit's Dijkstra 89 ms). networkit's KADABRA ignores weights, so it is
    used for unweighted paths only. The exact computation is also done when
    the graph is small (:math:`n \\cdot m` at most :math:`5 \\cdot 10^7`, well under a second in
    igraph), so results on small graphs are exact, and when networkit is not installed (a
    :class:`UserWarning` says so above that size). Measured on the 9,201 organisations of
    the largest component of the Horizon 2020 projects starting in 2020: see
    ``docs/measures-centrality.md``.

    References
    ----------
    .. [1] Borgatti, S. P. and Everett, M. G. (1997). Network analysis of 2-mode data.
       Social Networks 19(3), 243-269. https://doi.org/10.1016/S0378-8733(96)00301-2
    .. [2] Newman, M. E. J. (2001). Scientific collaboration networks. II. Shortest paths,
       weighted networks, and centrality. Physical Review E 64, 016132.
       https://doi.org/10.1103/PhysRevE.64.016132
    .. [3] Brandes, U. and Pich, C. (2007). Centrality estimation in large networks.
       International Journal of Bifurcation and Chaos 17(7), 2303-2318.
       https://doi.org/10.1142/S0218127407018403
    .. [4] Eppstein, D. and Wang, J. (2004). Fast approximation of centrality. Journal of
       Graph Algorithms and Applications 8(1), 39-45. https://doi.org/10.7155/jgaa.00081
    .. [5] Borassi, M. and Natale, E. (2019). KADABRA is an ADaptive Algorithm for
       Betweenness via Random Approximation. ACM Journal of Experimental Algorithmics 24,
       1.2. https://doi.org/10.1145/3284359
    .. [6] Riondato, M. and Kornaropoulos, E. M. (2016). Fast approximation of betweenness
       centrality through sampling. Data Mining and Knowledge Discovery 30, 438-475.
       https://doi.org/10.1007/s10618-015-0423-0

    Examples
    --------
    >>> import networkx as nx
    >>> from clusternet import centrality
    >>> table = centrality(nx.path_graph(["a", "b", "c"]))
    >>> table[["degree", "neighbours", "betweenness", "closeness"]]
       degree  neighbours  betweenness  closeness
    a     0.5           1          0.0   0.666667
    b     1.0           2          1.0   1.000000
    c     0.5           1          0.0   0.666667

    A two-mode graph (the ``bipartite`` attribute) gets Borgatti and Everett's normalisation:

    >>> B = nx.Graph([("ann", "p1"), ("bob", "p1"), ("bob", "p2")])
    >>> nx.set_node_attributes(B, {"ann": 0, "bob": 0, "p1": 1, "p2": 1}, "bipartite")
    >>> centrality(B)["degree"].to_dict()
    {'ann': 0.5, 'p1': 1.0, 'bob': 1.0, 'p2': 0.5}
    """
    backend = _check_backend(backend)
    samples = _check_samples(samples)
    epsilon, delta = _check_guarantee(epsilon, delta)
    workers = _check_workers(workers)
    _check_iteration(alpha, max_iter, tol)
    graph = _Graph.from_networkx(G, weight=weight, bipartite=bipartite)
    n = graph.n
    frame = pd.DataFrame(index=pd.Index(graph.nodes, name=_index_name(G)), columns=CENTRALITY_COLUMNS,
                         dtype="float64")
    if n == 0:
        frame["neighbours"] = frame["neighbours"].astype("int64")
        return frame

    neighbours = np.diff(graph.unit.indptr).astype("int64")
    frame["neighbours"] = neighbours
    frame["strength"] = np.asarray(graph.adjacency.sum(axis=1)).ravel()
    if graph.modes is None:
        frame["degree"] = neighbours / (n - 1) if n > 1 else 1.0
    else:
        other = np.where(graph.modes == 0, graph.mode_sizes[1], graph.mode_sizes[0])
        frame["degree"] = np.divide(neighbours, other, out=np.zeros(n), where=other > 0)

    # Two-mode normalisations are defined on path lengths in steps, so paths ignore weights there.
    weighted = weight is not None and graph.modes is None
    pair_betweenness, total_distance, reached = _shortest_path_measures(
        graph, weighted=weighted, samples=samples, seed=seed, backend=backend, workers=workers,
        epsilon=epsilon, delta=delta,
    )
    frame["betweenness"] = _normalise_betweenness(pair_betweenness, graph)
    frame["closeness"] = _normalise_closeness(total_distance, reached, graph)
    frame["eigenvector"] = _eigenvector(graph.adjacency, max_iter=max_iter, tol=tol)
    frame["pagerank"] = _pagerank(graph.adjacency, alpha=alpha, max_iter=max_iter, tol=tol)
    return frame


def cluster_centrality(
    ecosystem: Ecosystem,
    *,
    via: str = "memberships",
    status: str = "all",
    samples: int | None = None,
    seed: int | np.random.Generator | None = 0,
    backend: str = "auto",
) -> pd.DataFrame:
    """Clusters as central actors: their centrality among clusters, their reach and their rank.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``clusters`` and what :func:`clusternet.cluster_network` needs for ``via``.
    via : {"memberships", "projects", "intercluster"}, default "memberships"
        How clusters are linked, as in :func:`clusternet.cluster_network` (``weight="count"``):
        shared members, members' shared projects, or joint projects (``intercluster``, the
        report's Tabel 10 and 11).
    status : {"all", "approved"}, default "all"
        Which ``project_clusters`` rows count, for the links when ``via="intercluster"`` and for
        the ``projects``, ``project_organisations`` and ``reach`` columns whatever ``via``:
        ``"all"`` every row except those whose status is ``withdrawn``; ``"approved"`` only
        the rows whose status is ``approved``. See Notes for the vocabulary.
    samples, seed, backend
        As in :func:`centrality` (the cluster network is small; the defaults are exact).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cluster_id`` (every cluster, sorted by id), with the
        columns of :data:`CLUSTER_CENTRALITY_COLUMNS`:

        ``name, type, domain``
            From the clusters table.
        ``degree``
            The number of neighbouring clusters (unlike :func:`centrality`, a count).
        ``strength``
            The sum of the link weights: for ``intercluster``, the joint projects counted once
            per partner cluster.
        ``betweenness, closeness, eigenvector, pagerank``
            As in :func:`centrality` on the weighted cluster network (distance = 1 / weight).
        ``projects``
            The projects the cluster carries (``project_clusters``, withdrawn rows left out).
        ``members``
            Unique organisations in its memberships (any year).
        ``project_organisations``
            Unique organisations taking part (``participations``) in the projects it carries.
        ``reach``
            Unique organisations in the union of the two.
        ``other_domain_share``
            The share of its link weight that goes to clusters of another domain; NaN for a
            cluster without links. Two clusters are in the same domain when their ``domain``
            is equal or one is a niche of the other (the clusters table's ``niche_of`` column,
            when present): an IBN tied to the SPC it is a niche of stays within its domain.
        ``rank``
            1 for the most central cluster: clusters are ordered by degree, then strength, then
            betweenness (all descending, betweenness to 12 decimals so that rounding cannot break
            a tie); clusters equal on all three share a rank.

    Raises
    ------
    MissingTableError
        If a table the chosen link needs was not given.
    OptionError
        If ``status`` is not ``"all"`` or ``"approved"``.

    Warns
    -----
    UserWarning
        When ``via`` links no two clusters, so that every degree is 0; when ``project_clusters``
        has a status that is neither ``approved`` nor ``withdrawn`` (the warning names each value,
        its rows, and whether they were counted).

    Notes
    -----
    Tables that were not given count as empty for ``projects``, ``members`` and
    ``project_organisations``.

    ``project_clusters.status`` is free text with two values clusternet knows: ``approved``
    (also read from ``goedgekeurd``, and the default of an empty cell) and ``withdrawn`` (also
    read from ``teruggetrokken`` and ``ingetrokken``). Any other value (``submitted``,
    ``rejected``, ...) is kept as written: ``status="all"`` counts such rows and
    ``status="approved"`` leaves them out, and either way a warning says so. The Flemish data
    has 32 approved rows and one withdrawn (Catalisti in CORSET), so both choices give the
    same table there: the report's text says that seven of the ten Tabel 10 projects were
    approved, but not which, and :func:`cluster_rank_sensitivity` measures what that leaves
    open.

    Examples
    --------
    The intercluster projects of Tabel 10 and 11 of the Flemish evaluation report:

    >>> import clusternet as cn
    >>> table = cn.cluster_centrality(cn.datasets.load_flanders(), via="intercluster")
    >>> table.sort_values("rank")[["name", "degree", "strength", "projects", "rank"]].head(5)
                                 name  degree  strength  projects  rank
    cluster_id
    spc-sim                       SIM       5       9.0         7     1
    spc-flanders-food  Flanders' FOOD       5       7.0         5     2
    spc-vil                       VIL       5       7.0         4     3
    spc-catalisti           Catalisti       4       8.0         6     4
    spc-flux50                 Flux50       3       5.0         4     5
    """
    status = _check_status(status)
    carried = _counted_links(ecosystem, status) if "project_clusters" in ecosystem.provided else None
    counted = ecosystem
    if (carried is not None and via == "intercluster" and status == _APPROVED
            and len(carried) < len(_counted_links(ecosystem, "all", warn=False))):
        # The network builder leaves out withdrawn rows only; give it the rows this status counts.
        counted = ecosystem.replace(project_clusters=carried)
    network = cluster_network(counted, via=via, weight="count")
    if network.number_of_edges() == 0 and network.number_of_nodes() > 1:
        hint = {"intercluster": "no two clusters carry a project together",
                "memberships": "no two clusters share a member",
                "projects": "no members of two clusters meet in a project"}[via]
        warnings.warn(f"cluster_centrality(via={via!r}): {hint}, so every cluster has degree 0; "
                      "another via may link them", UserWarning, stacklevel=2)
    # sorted by id, so the result does not depend on the order of the clusters table's rows
    clusters = ecosystem.clusters.sort_values("cluster_id", kind="stable").reset_index(drop=True)
    ids = clusters["cluster_id"].tolist()
    # Every cluster counts in the normalisations, whether or not the network builder kept isolates.
    network.add_nodes_from(ids)
    measures = centrality(network, weight="weight", bipartite=False, samples=samples, epsilon=None, seed=seed,
                          backend=backend).reindex(ids)
    table = pd.DataFrame(index=pd.Index(ids, name="cluster_id"))
    for column in ("name", "type", "domain"):
        table[column] = clusters[column].to_numpy() if column in clusters else pd.NA
    table["degree"] = measures["neighbours"].astype("int64")
    for column in ("strength", "betweenness", "closeness", "eigenvector", "pagerank"):
        table[column] = measures[column]

    carried = ecosystem.project_clusters if carried is None else carried
    carried = carried[["project_id", "cluster_id"]].drop_duplicates()
    table["projects"] = carried.groupby("cluster_id").size().reindex(ids, fill_value=0).astype("int64")
    member_pairs = ecosystem.memberships[["cluster_id", "organisation_id"]].drop_duplicates()
    project_pairs = carried.merge(ecosystem.participations[["project_id", "organisation_id"]],
                                  on="project_id")[["cluster_id", "organisation_id"]].drop_duplicates()
    reach_pairs = pd.concat([member_pairs, project_pairs]).drop_duplicates()
    for column, pairs in (("members", member_pairs), ("project_organisations", project_pairs),
                          ("reach", reach_pairs)):
        table[column] = pairs.groupby("cluster_id").size().reindex(ids, fill_value=0).astype("int64")
    table["other_domain_share"] = _other_domain_share(network, clusters).reindex(ids)
    table["rank"] = _rank(table["degree"].to_numpy(), table["strength"].to_numpy(),
                          table["betweenness"].to_numpy())
    return table[CLUSTER_CENTRALITY_COLUMNS]


def cluster_rank_sensitivity(
    ecosystem: Ecosystem,
    *,
    via: str = "intercluster",
    uncertain: str | Iterable[str] | None = None,
    leave_out: int = 1,
    status: str = "all",
    samples: int | None = None,
    seed: int | np.random.Generator | None = 0,
    backend: str = "auto",
) -> pd.DataFrame:
    """How stable each cluster's centrality rank is over which projects count.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``clusters`` and ``project_clusters``.
    via : {"intercluster"}, default "intercluster"
        The cluster network whose projects are left out: clusters linked by the projects they
        carry together, as in :func:`cluster_centrality`. The member links do not depend on
        which projects count.
    uncertain : collection of str, "status" or None, default None
        What may be left out. ``None``: every project that carries a counted row. A collection
        of project ids: those projects (the ten Tabel 10 applications of which seven were
        approved). ``"status"``: the rows whose status is neither ``approved`` nor
        ``withdrawn`` (``submitted``, ``pending``, ...), taken project by project, while every
        other row of the project still counts.
    leave_out : int, default 1
        How many of them each reading leaves out (1 is the jackknife).
    status : {"all", "approved"}, default "all"
        Which ``project_clusters`` rows count on all data, as in :func:`cluster_centrality`.
    samples : int, optional
        Read this many subsets drawn at random (uniformly, independently). ``None`` (the
        default) reads every subset when there are at most 5,000, else 1,000 drawn at random.
    seed : int or numpy.random.Generator, optional
        Draws the random subsets; the same seed gives the same table.
    backend : {"auto", "igraph", "networkx"}
        Who computes betweenness, as in :func:`centrality`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cluster_id`` (every cluster, sorted by id), with the columns of
        :data:`RANK_SENSITIVITY_COLUMNS`:

        ``name``
            From the clusters table.
        ``rank``
            Its rank on all data (the ``rank`` of :func:`cluster_centrality`).
        ``best_rank``, ``worst_rank``
            Its highest and lowest rank over the readings (1 is first).
        ``first``
            The readings in which it ranks first, alone or tied.
        ``first_alone``
            The readings in which it ranks first and no other cluster does.
        ``first_share``
            ``first / readings``.
        ``readings``
            The number of readings (the same in every row).

        ``attrs`` holds ``readings`` (what was read, in words), ``left_out_of`` (the project ids
        that may be left out), ``leave_out`` and ``status``.

    Raises
    ------
    MissingTableError
        If ``clusters`` or ``project_clusters`` was not given.
    OptionError
        If ``via``, ``status``, ``samples`` or ``leave_out`` is not one of its values, if
        ``uncertain`` names a project that carries no counted row, or if there is nothing to
        leave out (no row of uncertain status, or ``leave_out`` larger than what may be left
        out).

    Warns
    -----
    UserWarning
        As :func:`cluster_centrality`, when a status is neither ``approved`` nor ``withdrawn``
        (not with ``uncertain="status"``, which is about those rows); when no two clusters
        carry a project together on all data, so that every reading ties them all.

    See Also
    --------
    cluster_centrality : the table and the rank rule of one reading.

    Notes
    -----
    The population is what ``uncertain`` names: :math:`n` projects (or the uncertain rows of
    :math:`n` projects). A reading is the intercluster network built from the counted
    ``project_clusters`` rows without :math:`k` = ``leave_out`` of them, ranked as
    :func:`cluster_centrality` ranks (by degree, then strength, then betweenness; clusters
    equal on all three share a rank). There are :math:`\\binom{n}{k}` readings; all are read
    up to 5,000, otherwise random subsets are, so that ``first_share`` estimates the share
    over all subsets with a standard error of at most :math:`0.5 / \\sqrt{samples}`.
    The readings reuse one sparse cluster-by-project incidence and compute only the three
    ranking measures, so the result equals :func:`cluster_centrality` on each reduced
    ecosystem (the tests check that on every reading of the Flemish data) at a fraction of
    the time.

    Examples
    --------
    Seven of the ten Tabel 10 applications of the Flemish evaluation were approved, and the
    report does not say which; every way of dropping three of them:

    >>> import clusternet as cn
    >>> eco = cn.datasets.load_flanders()
    >>> tabel_10 = eco.projects.loc[eco.projects["year"].isin([2017, 2018]), "project_id"]
    >>> table = cn.cluster_rank_sensitivity(eco, uncertain=tabel_10, leave_out=3)
    >>> table.sort_values("rank")[["rank", "best_rank", "worst_rank", "first", "first_alone"]].head(5)
                       rank  best_rank  worst_rank  first  first_alone
    cluster_id
    spc-sim               1          1           4     69           68
    spc-flanders-food     2          1           5     25           25
    spc-vil               3          1           5     18           17
    spc-catalisti         4          1           5      6            6
    spc-flux50            5          1           5      3            3

    SIM is first in 69 of the 120 readings, in one of them tied with VIL.

    >>> table.attrs["readings"]
    'all 120 ways of leaving out 3 of 10 projects'
    """
    via = check_via(via, ("intercluster",))
    status = _check_status(status)
    backend = _check_backend(backend)
    samples = _check_samples(samples)
    ecosystem.require("clusters", "project_clusters", purpose="the rank sensitivity of clusters")
    by_status = isinstance(uncertain, str) and uncertain == "status"
    links = _counted_links(ecosystem, status, warn=not by_status)
    links = links.drop_duplicates(["project_id", "cluster_id"])
    ids = sorted(ecosystem.clusters["cluster_id"].tolist())
    names = ecosystem.clusters.set_index("cluster_id")["name"].reindex(ids) if "name" in ecosystem.clusters \
        else pd.Series(pd.NA, index=ids)
    projects = sorted(links["project_id"].unique().tolist())

    if by_status:
        in_unit = ~_normalised_status(links).isin([_APPROVED, *WITHDRAWN]).to_numpy()
        if not in_unit.any():
            found = _normalised_status(ecosystem.project_clusters).value_counts().to_dict()
            raise OptionError(
                f"uncertain='status': no counted project_clusters row has a status other than approved or "
                f"withdrawn (found {found}); pass uncertain= the project ids in doubt"
            )
        units = sorted(links.loc[in_unit, "project_id"].unique().tolist())
    else:
        units = projects if uncertain is None else _check_uncertain(uncertain, projects)
        in_unit = links["project_id"].isin(units).to_numpy()
    if isinstance(leave_out, bool) or not isinstance(leave_out, (int, np.integer)) or not 1 <= leave_out <= len(units):
        raise OptionError(f"leave_out must be a whole number from 1 to {len(units)} (what may be left out); "
                          f"got {leave_out!r}")
    leave_out = int(leave_out)

    cluster_index = {c: i for i, c in enumerate(ids)}
    project_index = {p: j for j, p in enumerate(projects)}
    unit_index = {u: j for j, u in enumerate(units)}
    rows = links["cluster_id"].map(cluster_index).to_numpy()
    columns = links["project_id"].map(project_index).to_numpy()
    shape = (len(ids), len(projects))
    fixed = sp.csr_array((np.ones(int((~in_unit).sum())), (rows[~in_unit], columns[~in_unit])), shape=shape)
    unit_rows, unit_columns = rows[in_unit], columns[in_unit]
    unit_of_row = links.loc[in_unit, "project_id"].map(unit_index).to_numpy()

    def ranks_without(dropped: np.ndarray) -> np.ndarray:
        keep = ~np.isin(unit_of_row, dropped)
        incidence = fixed + sp.csr_array((np.ones(int(keep.sum())), (unit_rows[keep], unit_columns[keep])),
                                         shape=shape)
        return _ranks_of_weights(incidence @ incidence.T, backend)

    total = math.comb(len(units), leave_out)
    if samples is None and total <= _EXHAUSTIVE_LIMIT:
        subsets = np.array(list(itertools.combinations(range(len(units)), leave_out)), dtype=np.int64)
        read = f"all {total:,} ways of leaving out {leave_out} of {len(units)} projects"
    else:
        drawn = _DEFAULT_SAMPLES if samples is None else samples
        rng = random_generator(seed)
        subsets = np.argsort(rng.random((drawn, len(units))), axis=1)[:, :leave_out]
        read = (f"{drawn:,} random ways (of {total:,}) of leaving out {leave_out} of {len(units)} projects"
                + (f", seed {seed}" if isinstance(seed, (int, np.integer)) else ""))
    if by_status:
        read = read.replace(" projects", " projects' uncertain rows")
    ranks = np.array([ranks_without(subset) for subset in subsets])
    first = ranks == 1
    alone = first & (first.sum(axis=1) == 1)[:, None]
    on_all_data = ranks_without(np.array([], dtype=np.int64))
    if len(ids) > 1 and (on_all_data == 1).all():
        warnings.warn("cluster_rank_sensitivity: no two clusters carry a project together, so every cluster "
                      "ranks first in every reading", UserWarning, stacklevel=2)
    table = pd.DataFrame(
        {
            "name": names.to_numpy(),
            "rank": on_all_data,
            "best_rank": ranks.min(axis=0),
            "worst_rank": ranks.max(axis=0),
            "first": first.sum(axis=0).astype("int64"),
            "first_alone": alone.sum(axis=0).astype("int64"),
            "first_share": first.mean(axis=0),
            "readings": np.full(len(ids), len(subsets), dtype="int64"),
        },
        index=pd.Index(ids, name="cluster_id"),
    )
    table.attrs.update(readings=read, left_out_of=list(units), leave_out=leave_out, status=status)
    return table[RANK_SENSITIVITY_COLUMNS]


# --------------------------------------------------------------------------------------------
# The graph as sparse matrices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    nodes: list
    sources: np.ndarray  # one row per edge, self-loops dropped
    targets: np.ndarray
    weights: np.ndarray  # 1 when unweighted
    adjacency: sp.csr_array  # symmetric weights
    unit: sp.csr_array  # the same pattern with ones
    modes: np.ndarray | None  # 0/1 per node for a two-mode graph
    mode_sizes: tuple[int, int]

    @property
    def n(self) -> int:
        return len(self.nodes)

    @classmethod
    def from_networkx(cls, G: nx.Graph, *, weight: str | None, bipartite: bool | None) -> _Graph:
        check_simple_graph(G, "centrality")
        return cached_conversion(G, "centrality", lambda: cls._convert(G, weight=weight, bipartite=bipartite),
                                 weight=weight, node_attribute=None if bipartite is False else "bipartite",
                                 options=(bipartite,))

    @classmethod
    def _convert(cls, G: nx.Graph, *, weight: str | None, bipartite: bool | None) -> _Graph:
        nodes, rows, cols, raw = cached_edge_arrays(G, weight, missing=np.nan)
        n = len(nodes)
        values = np.ones(len(rows)) if weight is None else check_edge_weights(nodes, rows, cols, raw, weight)
        both_rows = np.concatenate([rows, cols])
        both_cols = np.concatenate([cols, rows])
        adjacency = sp.csr_array((np.concatenate([values, values]), (both_rows, both_cols)), shape=(n, n))
        adjacency.sort_indices()
        unit = adjacency.copy()
        unit.data = np.ones_like(unit.data)
        modes, sizes = _modes(G, nodes, rows, cols, bipartite)
        return cls(nodes, rows, cols, values, adjacency, unit, modes, sizes)

    def lengths(self, weighted: bool) -> np.ndarray | None:
        return 1.0 / self.weights if weighted else None


def _modes(G: nx.Graph, nodes: list, rows: np.ndarray, cols: np.ndarray, bipartite: bool | None):
    if bipartite is False or not nodes:
        return None, (0, 0)
    labels = [G.nodes[node].get("bipartite") for node in nodes]
    valid = [label in (0, 1) and not isinstance(label, bool) for label in labels]
    if not all(valid):
        if bipartite is None:
            return None, (0, 0)
        node = nodes[valid.index(False)]
        raise InvalidGraphError(
            f"bipartite=True needs a 'bipartite' attribute of 0 or 1 on every node; node {node!r} has "
            f"{G.nodes[node].get('bipartite')!r}"
        )
    modes = np.asarray(labels, dtype=np.int8)
    same = modes[rows] == modes[cols]
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise InvalidGraphError(
            f"edge ({nodes[rows[i]]!r}, {nodes[cols[i]]!r}) joins two nodes of mode {int(modes[rows[i]])}; "
            "a two-mode graph links only nodes of different modes (pass bipartite=False to treat it as one-mode)"
        )
    return modes, (int((modes == 0).sum()), int((modes == 1).sum()))


def _index_name(G: nx.Graph) -> str | None:
    return {"organisation": "organisation_id", "cluster": "cluster_id", "project": "project_id"}.get(
        G.graph.get("network")
    )


# --------------------------------------------------------------------------------------------
# Shortest paths: betweenness and closeness
# --------------------------------------------------------------------------------------------


def _shortest_path_measures(graph: _Graph, *, weighted: bool, samples, seed, backend, workers=1,
                            epsilon=None, delta=0.1):
    """Pair betweenness (each unordered pair once), total distance to the reached nodes, reached count."""
    count, component = csgraph.connected_components(graph.unit, directed=False)
    sizes = np.bincount(component, minlength=count)
    reached = sizes[component]  # including the node itself
    use_igraph = backend == "igraph" or (backend == "auto" and igraph() is not None)
    paths = _IgraphPaths(graph, weighted, workers) if use_igraph else _NetworkxPaths(graph, weighted)
    if samples is None:
        estimated = None if epsilon is None else _guaranteed_betweenness(
            graph, weighted=weighted, epsilon=epsilon, delta=delta, largest=int(sizes.max()), seed=seed,
            workers=workers)
        betweenness = paths.betweenness(None) if estimated is None else estimated
        return betweenness, paths.total_distance(None), reached

    rng = random_generator(seed)
    large = np.flatnonzero(sizes > samples)
    exact = ~np.isin(component, large)
    drawn_large = [np.sort(rng.choice(np.flatnonzero(component == c), size=samples, replace=False))
                   for c in large]
    drawn = np.sort(np.concatenate([np.flatnonzero(exact), *drawn_large]).astype(np.int64))
    # Each drawn source's dependencies stand for size / drawn sources of its component.
    scale = (sizes / np.minimum(sizes, samples))[component]
    betweenness = paths.betweenness(drawn) * scale
    total = np.zeros(graph.n)
    total[exact] = paths.total_distance(np.flatnonzero(exact))
    if len(large):
        total[~exact] = _sampled_total_distance(graph, weighted, np.concatenate(drawn_large),
                                                component, reached, samples, workers)[~exact]
    return betweenness, total, reached


# Below this n * m the exact betweenness takes well under a second in igraph: it is computed exactly.
_EXACT_WORK = 5 * 10**7
# networkit's seed and thread count are settings of the whole process: one estimate at a time.
_NETWORKIT_LOCK = threading.Lock()
# Loffler and Phillips' estimate of the universal constant of the VC-dimension sample bound,
# the one Riondato and Kornaropoulos (2016) and Borassi and Natale (2019) use.
_UNIVERSAL_CONSTANT = 0.5


def _guaranteed_betweenness(graph: _Graph, *, weighted: bool, epsilon: float, delta: float, largest: int,
                            seed, workers: int) -> np.ndarray | None:
    """Pair betweenness within ``epsilon`` (normalised units) with probability 1 - delta; None: compute it exactly.

    The exact computation is chosen when it is cheap, when it costs no more searches than the
    estimate (weighted paths with a sample of at least ``n`` pairs), and without networkit.
    """
    n, m = graph.n, len(graph.sources)
    if n < 3 or m == 0 or n * m <= _EXACT_WORK:
        return None
    # The largest pair betweenness a node can have, for each node: its normalisation.
    pairs = n * (n - 1) / 2.0
    if graph.modes is None:
        smallest_maximum = (n - 1) * (n - 2) / 2.0
    else:
        top, bottom = graph.mode_sizes
        maxima = [value for value in (_two_mode_betweenness_max(top, bottom), _two_mode_betweenness_max(bottom, top))
                  if value > 0]
        if not maxima:
            return None
        smallest_maximum = min(maxima)
    # Both algorithms measure the share of uniformly drawn pairs (u, v), u != v, whose path passes a node.
    error = epsilon * smallest_maximum / pairs
    if weighted:
        vertex_diameter = largest  # networkit's bound for weighted graphs: the largest component
        if vertex_diameter <= 2:
            return None
        needed = math.ceil(_UNIVERSAL_CONSTANT / error**2
                           * (math.floor(math.log2(vertex_diameter - 2)) + 1 + math.log(1 / delta)))
        if needed >= n:
            # networkit's KADABRA, which needs far fewer pairs, reads no weights (it searches in steps).
            warnings.warn(
                f"weighted betweenness within epsilon={epsilon} is computed exactly: the Riondato-Kornaropoulos "
                f"sample ({needed:,} pairs, one Dijkstra search each) is not smaller than the {n:,} nodes, and "
                "KADABRA estimates unweighted paths only; the exact computation takes one search per node "
                "(about an hour of CPU on all of Horizon 2020). Pass samples= for a fixed number of sources "
                "(no guarantee), weight=None for KADABRA on steps, or epsilon=None to ask for the exact values",
                UserWarning, stacklevel=4,
            )
            return None
    nk = _networkit()
    if nk is None:
        warnings.warn(
            f"betweenness of {n:,} nodes is computed exactly, which takes long, because networkit is not "
            "installed; pip install 'clusternet[fast]' estimates it within epsilon, or pass samples=",
            UserWarning, stacklevel=4,
        )
        return None
    g = nk.Graph(n, weighted=weighted)
    sources, targets = graph.sources.astype(np.uint64), graph.targets.astype(np.uint64)
    if weighted:
        g.addEdges((np.ascontiguousarray(graph.lengths(True), dtype=np.float64), (sources, targets)))
    else:
        g.addEdges((sources, targets))
    drawn = int(random_generator(seed).integers(1, 2**62))
    # Set, run and put back under one lock, so that another thread's estimate cannot change the
    # seed or the thread count in between: the result depends on the seed and workers only.
    with _NETWORKIT_LOCK:
        threads = nk.getMaxNumberOfThreads()
        try:
            nk.setNumberOfThreads(workers)
            # Every networkit thread seeds its generator from this seed and its thread number.
            nk.engineering.setSeed(drawn, True)
            if weighted:
                algorithm = nk.centrality.ApproxBetweenness(g, epsilon=error, delta=delta,
                                                            universalConstant=_UNIVERSAL_CONSTANT)
                algorithm.run()
                share = np.asarray(algorithm.scores(), dtype=float)  # of the drawn pairs
            else:
                algorithm = nk.centrality.KadabraBetweenness(g, error, delta, True)
                algorithm.run()
                # networkit doubles the share for undirected graphs (both orders of a pair)
                share = np.asarray(algorithm.scores(), dtype=float) / 2.0
        finally:
            nk.setNumberOfThreads(threads)
    return share * pairs


def _networkit():
    try:
        import networkit
    except ImportError:
        return None
    return networkit


def _sampled_total_distance(graph, weighted, sources, component, reached, samples, workers=1):
    # Eppstein-Wang: the mean distance to the drawn sources of the component, times (reached - 1).
    n = graph.n
    matrix = graph.unit
    if weighted:
        matrix = graph.unit.copy()
        matrix.data = 1.0 / graph.adjacency.data
    if workers > 1 and len(sources) >= 2 * workers and _can_fork():
        total = _forked(_forked_distance_sums, (matrix, weighted), sources, workers)
    else:
        total = _distance_sums(matrix, weighted, sources)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    count = samples - is_source  # a source is not a sample of its own distance
    return total / count * (reached - 1)


def _distance_sums(matrix: sp.csr_array, weighted: bool, sources: np.ndarray) -> np.ndarray:
    """For every node, the sum of its (finite) distances to the given sources."""
    total = np.zeros(matrix.shape[0])
    for block in np.array_split(sources, max(1, len(sources) // 100)):
        # The matrix is symmetric, so directed search gives the undirected distances without a copy.
        d = csgraph.shortest_path(matrix, method="D", directed=True, unweighted=not weighted, indices=block)
        total += np.where(np.isfinite(d), d, 0.0).sum(axis=0)
    return total


class _IgraphPaths:
    def __init__(self, graph: _Graph, weighted: bool, workers: int = 1) -> None:
        ig = igraph(needed_for="backend='igraph'")
        self.n = graph.n
        # A list of pairs is several times faster for igraph to read than a numpy array.
        self.g = ig.Graph(n=graph.n, edges=list(zip(graph.sources.tolist(), graph.targets.tolist(), strict=True)),
                          directed=False)
        lengths = graph.lengths(weighted)
        self.weights = None if lengths is None else lengths.tolist()
        self.workers = workers if workers > 1 and _can_fork() else 1

    def betweenness(self, sources: np.ndarray | None) -> np.ndarray:
        if self.workers > 1:
            chosen = np.arange(self.n) if sources is None else sources
            if len(chosen) >= 2 * self.workers:
                return _forked(_forked_betweenness, (self.g, self.weights), chosen, self.workers)
        if sources is None:
            return np.asarray(self.g.betweenness(directed=False, weights=self.weights), dtype=float)
        return np.asarray(self.g.betweenness(directed=False, weights=self.weights, sources=sources.tolist()),
                          dtype=float)

    def total_distance(self, vertices: np.ndarray | None) -> np.ndarray:
        chosen = None if vertices is None else vertices.tolist()
        if chosen == []:
            return np.zeros(0)
        # igraph's closeness is 1 / total distance to the reachable nodes (NaN when none).
        inverse = np.asarray(self.g.closeness(vertices=chosen, weights=self.weights, normalized=False),
                             dtype=float)
        return np.divide(1.0, inverse, out=np.zeros(len(inverse)), where=np.isfinite(inverse) & (inverse > 0))


# igraph holds the GIL, so workers are processes; a fork inherits the graph instead of
# receiving a pickled copy (0.8M edges take longer to pickle than to search from a source).
# Forking is safe enough only on Linux; elsewhere the searches stay in-process.
_WORKER_STATE: tuple | None = None  # set in each worker process by its initializer


def _can_fork() -> bool:
    import multiprocessing

    # A daemonic process (a worker of the caller's own multiprocessing.Pool) may not have children.
    return sys.platform.startswith("linux") and not multiprocessing.current_process().daemon


def _set_worker_state(state: tuple) -> None:
    global _WORKER_STATE
    _WORKER_STATE = state


def _forked(function, state: tuple, sources: np.ndarray, workers: int) -> np.ndarray:
    """The sum of ``function`` over every ``workers``-th source, in ``workers`` forked processes.

    The per-process results are added in a fixed order, so the sum is the same on every run.
    ``state`` reaches each worker as the argument of its initializer, which a fork inherits
    without pickling; nothing is shared between calls, so two threads may call this at once.
    """
    import multiprocessing

    chunks = [sources[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_set_worker_state, initargs=(state,)) as pool:
        return np.sum(list(pool.map(function, chunks)), axis=0)


def _forked_distance_sums(sources: np.ndarray) -> np.ndarray:
    matrix, weighted = _WORKER_STATE
    return _distance_sums(matrix, weighted, sources)


def _forked_betweenness(sources: np.ndarray) -> np.ndarray:
    g, weights = _WORKER_STATE
    return np.asarray(g.betweenness(directed=False, weights=weights, sources=sources.tolist()), dtype=float)


class _NetworkxPaths:
    def __init__(self, graph: _Graph, weighted: bool) -> None:
        self.n = graph.n
        self.H = nx.Graph()
        self.H.add_nodes_from(range(graph.n))
        lengths = graph.lengths(weighted)
        if lengths is None:
            self.H.add_edges_from(zip(graph.sources.tolist(), graph.targets.tolist(), strict=True))
            self.distance = None
        else:
            self.H.add_weighted_edges_from(
                zip(graph.sources.tolist(), graph.targets.tolist(), lengths.tolist(), strict=True),
                weight="distance",
            )
            self.distance = "distance"

    def betweenness(self, sources: np.ndarray | None) -> np.ndarray:
        if sources is None:
            pairs = nx.betweenness_centrality(self.H, normalized=False, weight=self.distance)
        else:
            pairs = nx.betweenness_centrality_subset(self.H, sources.tolist(), list(range(self.n)),
                                                     normalized=False, weight=self.distance)
        return np.array([pairs[i] for i in range(self.n)], dtype=float)

    def total_distance(self, vertices: np.ndarray | None) -> np.ndarray:
        chosen = range(self.n) if vertices is None else vertices.tolist()
        if self.distance is None:
            return np.array([sum(nx.single_source_shortest_path_length(self.H, v).values()) for v in chosen],
                            dtype=float)
        return np.array(
            [sum(nx.single_source_dijkstra_path_length(self.H, v, weight=self.distance).values()) for v in chosen],
            dtype=float,
        )


def _normalise_betweenness(pairs: np.ndarray, graph: _Graph) -> np.ndarray:
    n = graph.n
    if graph.modes is None:
        return pairs * (2.0 / ((n - 1) * (n - 2))) if n > 2 else pairs
    top, bottom = graph.mode_sizes
    maxima = np.array([_two_mode_betweenness_max(top, bottom), _two_mode_betweenness_max(bottom, top)])
    maximum = maxima[graph.modes]
    return np.divide(pairs, maximum, out=np.zeros(n), where=maximum > 0)


def _two_mode_betweenness_max(own: int, other: int) -> float:
    # The largest betweenness a node of a mode of size `own` can reach (Borgatti & Everett 1997).
    if other == 0:
        return 0.0
    s, t = divmod(own - 1, other)
    return (other**2 * (s + 1) ** 2 + other * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2.0


def _normalise_closeness(total: np.ndarray, reached: np.ndarray, graph: _Graph) -> np.ndarray:
    n = graph.n
    if n < 2:
        return np.zeros(n)
    if graph.modes is None:
        numerator = (reached - 1).astype(float)
    else:
        top, bottom = graph.mode_sizes
        numerator = np.where(graph.modes == 0, bottom + 2 * (top - 1), top + 2 * (bottom - 1)).astype(float)
    within = np.divide(numerator, total, out=np.zeros(n), where=total > 0)
    return within * (reached - 1) / (n - 1)


# --------------------------------------------------------------------------------------------
# Spectral measures
# --------------------------------------------------------------------------------------------


def _eigenvector(adjacency: sp.csr_array, *, max_iter: int, tol: float) -> np.ndarray:
    # networkx's power iteration on A + I from a uniform start, vectorised.
    n = adjacency.shape[0]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + adjacency @ last
        norm = np.linalg.norm(x)
        x = x / (norm or 1.0)
        if np.abs(x - last).sum() < n * tol:
            return x
    try:
        from scipy.sparse.linalg import eigsh

        _, vectors = eigsh(adjacency.astype(float), k=1, which="LA", maxiter=50 * n, tol=0)
        vector = vectors[:, 0]
        vector = vector * np.sign(vector.sum() or 1.0)
        result = np.abs(vector) / np.linalg.norm(vector)
        message = "the leading eigenvector was computed by ARPACK instead"
    except Exception:  # any ARPACK failure leaves the column undefined
        result = np.full(n, np.nan)
        message = "ARPACK failed too, so the eigenvector column is NaN"
    warnings.warn(
        f"eigenvector centrality did not converge in {max_iter} power iterations; {message}",
        ConvergenceWarning,
        stacklevel=3,
    )
    return result


def _pagerank(adjacency: sp.csr_array, *, alpha: float, max_iter: int, tol: float) -> np.ndarray:
    # networkx's pagerank (its scipy version) on the matrix already built.
    n = adjacency.shape[0]
    out = np.asarray(adjacency.sum(axis=1)).ravel()
    dangling = out == 0
    inverse = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    transition = sp.diags_array(inverse) @ adjacency
    x = np.full(n, 1.0 / n)
    jump = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (last @ transition + last[dangling].sum() * jump) + (1 - alpha) * jump
        if np.abs(x - last).sum() < n * tol:
            return x
    warnings.warn(
        f"PageRank did not converge in {max_iter} iterations; the last iterate is returned",
        ConvergenceWarning,
        stacklevel=3,
    )
    return x


# --------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------


def _other_domain_share(network: nx.Graph, clusters: pd.DataFrame) -> pd.Series:
    ids = clusters["cluster_id"].tolist()
    domain = dict(zip(ids, clusters["domain"].astype("string").fillna("").tolist(), strict=True)) if "domain" in clusters \
        else dict.fromkeys(ids, "")
    niche = {}
    if "niche_of" in clusters:
        niche = {c: parent for c, parent in zip(ids, clusters["niche_of"].tolist(), strict=True) if isinstance(parent, str)}
    total = dict.fromkeys(ids, 0.0)
    other = dict.fromkeys(ids, 0.0)
    for u, v, w in network.edges(data="weight", default=1.0):
        same = (domain.get(u) == domain.get(v) and domain.get(u) != "") or niche.get(u) == v or niche.get(v) == u
        for node in (u, v):
            total[node] = total.get(node, 0.0) + w
            other[node] = other.get(node, 0.0) + (0.0 if same else w)
    return pd.Series({c: (other[c] / total[c] if total[c] > 0 else np.nan) for c in ids}, dtype="float64")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------






def _check_status(status: str) -> str:
    if not isinstance(status, str) or status not in _STATUS_OPTIONS:
        raise OptionError(f"status must be one of {', '.join(map(repr, _STATUS_OPTIONS))}; got {status!r}")
    return status


def _normalised_status(links: pd.DataFrame) -> pd.Series:
    return links["status"].astype("string").str.strip().str.lower().fillna("<missing>")


def _counted_links(ecosystem: Ecosystem, status: str, *, warn: bool = True) -> pd.DataFrame:
    """The ``project_clusters`` rows that ``status`` counts; a status clusternet does not know is named."""
    links = ecosystem.project_clusters
    value = _normalised_status(links)
    unknown = value[~value.isin([_APPROVED, *WITHDRAWN])]
    if warn and len(unknown):
        counts = ", ".join(f"{name!r} ({count} row{'s' if count > 1 else ''})"
                           for name, count in sorted(unknown.value_counts().items()))
        done = "counts them" if status == "all" else "leaves them out"
        warnings.warn(
            f"project_clusters has statuses that are neither approved nor withdrawn: {counts}; "
            f"status={status!r} {done} (status='all' counts them, status='approved' does not)",
            UserWarning, stacklevel=3,
        )
    keep = value == _APPROVED if status == _APPROVED else ~value.isin(WITHDRAWN)
    return links[keep.to_numpy()]


def _check_uncertain(uncertain: object, projects: list) -> list:
    if isinstance(uncertain, str) or not isinstance(uncertain, Iterable):
        raise OptionError(f"uncertain must be None, 'status' or a collection of project ids; got {uncertain!r}")
    wanted = sorted({str(project) for project in uncertain})
    if not wanted:
        raise OptionError("uncertain is empty; pass None to leave out any project")
    absent = [project for project in wanted if project not in set(projects)]
    if absent:
        raise OptionError(f"uncertain names {len(absent)} project(s) that carry no counted project_clusters row: "
                          f"{', '.join(map(repr, absent[:5]))}{', ...' if len(absent) > 5 else ''}")
    return wanted


def _rank(degree: np.ndarray, strength: np.ndarray, betweenness: np.ndarray) -> np.ndarray:
    """1 for the most central: by degree, then strength, then betweenness, all descending; equals share a rank."""
    # Rounded, so that betweenness equal in exact arithmetic ties whatever order the paths were summed in.
    keys = np.column_stack([np.nan_to_num(np.asarray(key, dtype=float)) for key in
                            (degree, strength, np.round(np.asarray(betweenness, dtype=float), 12))])
    # rank = 1 + the number of clusters strictly ahead (pandas' method="min")
    _, inverse = np.unique(-keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    ahead = np.concatenate([[0], np.cumsum(np.bincount(inverse))])
    return (ahead[inverse] + 1).astype("int64")


def _ranks_of_weights(cooccurrence: sp.csr_array, backend: str) -> np.ndarray:
    """:func:`_rank` of a cluster network given as its cluster-by-cluster count matrix (diagonal ignored)."""
    n = cooccurrence.shape[0]
    upper = sp.triu(cooccurrence, k=1).tocoo()
    sources, targets, weights = upper.row.astype(np.int64), upper.col.astype(np.int64), upper.data.astype(float)
    adjacency = sp.csr_array((np.concatenate([weights, weights]),
                              (np.concatenate([sources, targets]), np.concatenate([targets, sources]))), shape=(n, n))
    adjacency.sort_indices()
    unit = adjacency.copy()
    unit.data = np.ones_like(unit.data)
    graph = _Graph(list(range(n)), sources, targets, weights, adjacency, unit, None, (0, 0))
    use_igraph = backend == "igraph" or (backend == "auto" and igraph() is not None)
    paths = _IgraphPaths(graph, True) if use_igraph else _NetworkxPaths(graph, True)
    betweenness = _normalise_betweenness(paths.betweenness(None), graph)
    degree = np.diff(unit.indptr)
    strength = np.asarray(adjacency.sum(axis=1)).ravel()
    return _rank(degree, strength, betweenness)


def _check_backend(backend: str) -> str:
    if backend not in _BACKENDS:
        raise OptionError(f"backend must be one of {', '.join(map(repr, _BACKENDS))}; got {backend!r}")
    return backend


def _check_samples(samples: int | None) -> int | None:
    if samples is None:
        return None
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise OptionError(f"samples must be a positive integer or None; got {samples!r}")
    return int(samples)


def _check_guarantee(epsilon: float | None, delta: float) -> tuple[float | None, float]:
    if epsilon is not None and (isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.floating))
                                or not 0 < epsilon < 1):
        raise OptionError(f"epsilon must be a number in (0, 1) or None (exact betweenness); got {epsilon!r}")
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.floating)) or not 0 < delta < 1:
        raise OptionError(f"delta must be a probability in (0, 1); got {delta!r}")
    return (None if epsilon is None else float(epsilon)), float(delta)


def _check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or not (workers >= 1 or workers == -1):
        raise OptionError(f"workers must be a positive integer or -1 (one per core); got {workers!r}")
    if workers != -1:
        return int(workers)
    # The cores this process may run on (a container or taskset may allow fewer than the machine has).
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _check_iteration(alpha: float, max_iter: int, tol: float) -> None:
    if not 0 <= alpha < 1:
        raise OptionError(f"alpha must be in [0, 1); got {alpha!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise OptionError(f"max_iter must be a positive integer; got {max_iter!r}")
    if not tol > 0:
        raise OptionError(f"tol must be positive; got {tol!r}")
