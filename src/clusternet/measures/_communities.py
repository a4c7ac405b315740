"""Communities of collaboration: detection, consensus over seeds, comparison with nominal groups."""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import check_edge_weights, check_simple_graph, igraph
from .._shared import random_generator, sorted_nodes
from ..errors import ConvergenceWarning, InvalidGraphError, OptionError
from ..model import Ecosystem
from ._converted import cached_conversion, cached_edge_arrays

__all__ = [
    "communities",
    "resolution_profile",
    "consensus_communities",
    "compare_partitions",
    "modularity",
    "bipartite_modularity",
    "misfits",
    "nominal_partition",
    "community_profile",
    "COMMUNITY_METHODS",
    "PROFILE_COLUMNS",
]

#: The methods of :func:`communities` (besides ``"auto"``, which chooses ``louvain`` or
#: ``leiden``): modularity (``louvain``, ``leiden``), the constant Potts model (``cpm``) and
#: Barber's bipartite modularity of a two-mode graph (``barber``).
COMMUNITY_METHODS = ("louvain", "leiden", "cpm", "barber")
# method="auto" runs Leiden on graphs with more ties than this, python-louvain up to it.
_AUTO_LEIDEN_TIES = 10_000
_PROFILE_METHODS = ("cpm", "modularity")
#: The columns of :func:`resolution_profile`.
PROFILE_COLUMNS = ("resolution_low", "resolution_high", "resolution", "communities", "internal", "penalty",
                   "quality", "decades", "plateau")
_NOMINAL_BY = ("cluster", "kind", "sector", "size_class", "ownership", "region", "country")


def communities(
    G: nx.Graph,
    *,
    method: str = "auto",
    resolution: float | None = None,
    seed: int | None = 0,
    weight: str | None = "weight",
) -> pd.Series:
    """Communities of densely linked nodes: modularity, the constant Potts model or bipartite modularity.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph; edges without the ``weight`` attribute count as 1. Self-loops
        are ignored (by every function of this module).
    method : {"auto", "louvain", "leiden", "cpm", "barber"}
        ``louvain``: python-louvain's ``best_partition`` [1]_ (pure Python). ``leiden``: the
        Leiden algorithm [2]_ optimising the same modularity, as python-igraph's
        ``community_leiden`` with two iterations; it guarantees connected communities and runs
        in compiled code, over forty times faster than ``louvain`` on the Horizon 2020
        network with a higher modularity. ``auto`` (the default) runs ``leiden`` on a graph
        of more than 10,000 ties and ``louvain`` up to that, where
        python-louvain takes about a second and gives the partitions of clusternet 0.1 (see
        Notes). ``cpm``: the same Leiden algorithm optimising the constant Potts model [3]_
        instead (see Notes). ``barber``: a two-mode graph (every node with a ``bipartite``
        attribute of 0 or 1, as :func:`clusternet.bipartite_graph` gives) divided by
        Barber's bipartite modularity [4]_ (:func:`bipartite_modularity`), each side's
        communities found from the other's by BRIM (see Notes).
    resolution : float, optional
        For ``louvain``, ``leiden`` and ``barber``: the resolution :math:`\\gamma` of
        modularity, a multiplier of the weight the null model expects inside a community
        (default 1); above 1 gives more, smaller communities. For ``cpm`` it is a density
        threshold instead, in units of weight per pair of nodes: a community is kept together
        when its internal density exceeds :math:`\\gamma`, and two are kept apart when the
        density between them is below it, whatever the size of the rest of the graph (no
        resolution limit [3]_). The default for ``cpm`` is the graph's own density,
        :math:`W / \\binom{n}{2}` (total weight over pairs of nodes), where CPM is
        Reichardt and Bornholdt's modularity with an Erdos-Renyi null model [3]_.
    seed : int, optional
        The random seed; the same seed gives the same partition. ``None`` draws a fresh one.
    weight : str, optional
        Edge attribute with the (non-negative) tie strength; ``None`` ignores weights.

    Returns
    -------
    pandas.Series
        Community number (int) by node, in the graph's node order, named ``community``.
        Communities are numbered by size, 0 the largest; communities of equal size are
        numbered in the order of their first node when the nodes are sorted. An isolated node
        is a community of its own.

    Raises
    ------
    OptionError
        If ``method`` is unknown or ``resolution`` is not positive.
    InvalidGraphError
        If the graph is directed or a multigraph, or a weight is negative or not a number;
        for ``barber``, if a node has no ``bipartite`` attribute of 0 or 1 or an edge joins
        two nodes of the same side.

    See Also
    --------
    consensus_communities : communities that hold over many seeds.
    resolution_profile : the ranges of resolution over which a partition stays the best.
    bipartite_modularity : the quality ``barber`` maximises.

    Notes
    -----
    The graph is put in a canonical order (nodes sorted, then edges) before the algorithm
    runs, so the result depends only on the graph and the seed, not on the order in which
    nodes and edges were added. Both methods run in one thread with a generator of their
    own seeded by ``seed``, so a seed gives the same partition on every run.

    *Why Leiden with two iterations for large graphs.* Measured side by side on all of
    Horizon 2020 (35,871 organisations, 796,670 ties, Newman weights; seeds 0-2; CPU
    seconds of the algorithm on a prebuilt graph, ``benchmarks/bench_centrality_communities.py
    --methods``): igraph's Leiden with two iterations reached modularity 0.412-0.419 (mean
    0.4150) in 1.7-2.2 s, with five 0.4175 in 3.3-4.1 s, until stable 0.4189 in 17-30 s;
    python-louvain 0.406 in 91 s; networkit's PLM 0.406-0.410, PLM with refinement
    0.414-0.416 and ParallelLeiden 0.406-0.417 in 0.8-2.2 s. The faster ones stay below
    Leiden's mean on one thread (PLM with refinement 0.4145 in 0.9 s), and on two threads
    their partition for a seed depends on the thread schedule, so Leiden with two iterations
    is the fastest deterministic implementation with at least its modularity.

    *The constant Potts model* [3]_ scores a partition by

    .. math::

        H = \\sum_c \\left[ e_c - \\gamma \\binom{n_c}{2} \\right]

    with :math:`e_c` the weight of the ties inside community :math:`c` and :math:`n_c` its
    number of nodes: a group of nodes gains from being together when its ties weigh more than
    :math:`\\gamma` per pair of members. Modularity compares :math:`e_c` with what a
    configuration model expects from the degrees instead, so its :math:`\\gamma` has no
    unit and its communities depend on the size of the whole network.

    *BRIM* [4]_ (bipartite, recursively induced modules) maximises Barber's modularity by
    coordinate ascent: given the communities of one side, each node of the other side joins
    the community that adds most to :math:`Q_b` (a community of its own when every choice
    would subtract), then the sides swap, until no node moves; :math:`Q_b` never decreases.
    It starts from Leiden's modularity partition of the two-mode graph (seeded), and on graphs
    of up to 20,000 ties also from nine seeded random partitions (Barber's random starts),
    keeping the best; so it ends at least as high as Leiden's partition.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. Journal of Statistical Mechanics P10008.
       https://doi.org/10.1088/1742-5468/2008/10/P10008
    .. [2] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233.
       https://doi.org/10.1038/s41598-019-41695-z
    .. [3] Traag, V. A., Van Dooren, P. and Nesterov, Y. (2011). Narrow scope for
       resolution-limit-free community detection. Physical Review E 84, 016114.
       https://doi.org/10.1103/PhysRevE.84.016114
    .. [4] Barber, M. J. (2007). Modularity and community detection in bipartite networks.
       Physical Review E 76, 066102. https://doi.org/10.1103/PhysRevE.76.066102

    Examples
    --------
    Two triangles joined by one edge:

    >>> import networkx as nx
    >>> from clusternet import communities
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"),
    ...               ("d", "e"), ("e", "f"), ("d", "f")])
    >>> communities(G).tolist()
    [0, 0, 0, 1, 1, 1]
    >>> communities(G, method="leiden").tolist()
    [0, 0, 0, 1, 1, 1]

    The constant Potts model at density 0.5: each triangle (density 1) holds together, the
    two triangles (one tie over nine pairs) stay apart:

    >>> communities(G, method="cpm", resolution=0.5).tolist()
    [0, 0, 0, 1, 1, 1]

    Two organisations in two projects, two others in two more, and one of the first pair in a
    project of the second (a two-mode graph: organisations on side 0, projects on side 1):

    >>> B = nx.Graph([("ann", "p1"), ("bob", "p1"), ("ann", "p2"), ("bob", "p2"), ("cas", "p3"),
    ...               ("dirk", "p3"), ("cas", "p4"), ("dirk", "p4"), ("bob", "p3")])
    >>> nx.set_node_attributes(B, {n: int(n.startswith("p")) for n in B}, "bipartite")
    >>> communities(B, method="barber").sort_index().to_dict()
    {'ann': 0, 'bob': 0, 'cas': 1, 'dirk': 1, 'p1': 0, 'p2': 0, 'p3': 1, 'p4': 1}
    """
    method = _check_method(method)
    _check_resolution(resolution, optional=True)
    graph = _Canonical.from_networkx(G, weight=weight)
    method = _automatic(method, graph)
    modes = _bipartite_modes(G, graph) if method == "barber" else None
    labels = _partition(graph, method=method, resolution=resolution, seed=seed, modes=modes)
    return graph.series(_renumber(labels), name="community")


def resolution_profile(
    G: nx.Graph,
    *,
    method: str = "cpm",
    resolution_range: tuple[float, float] | None = None,
    seed: int | None = 0,
    weight: str | None = "weight",
    tolerance: float = 1e-3,
) -> pd.DataFrame:
    """The ranges of resolution over which each partition is the best found, and the widest.

    Every resolution gives its own partition, so which one to report? A partition that stays
    the best over a wide range of resolutions (a plateau) is a structure of the network rather
    than of the chosen value. Both qualities are linear in the resolution for a fixed
    partition, :math:`Q(\\gamma) = I - \\gamma P` (see Returns), so the best of the partitions
    found is a convex, piecewise linear function of :math:`\\gamma`, and each of its pieces is
    one partition's range. The range is bisected as leidenalg's
    ``Optimiser.resolution_profile`` does [1]_, with one change: an interval whose ends have
    different best partitions is split where their two lines cross rather than at its
    midpoint. If Leiden finds nothing better there, no partition is better anywhere in between
    (a line above both somewhere is above them at their crossing), so the boundary is exact
    and the profile needs about two runs per partition instead of a bisection to a tolerance.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph; edges without the ``weight`` attribute count as 1.
    method : {"cpm", "modularity"}
        The quality Leiden optimises at each resolution: the constant Potts model
        (``communities(G, method="cpm")``) or modularity (``method="leiden"``).
    resolution_range : (float, float), optional
        The lowest and highest resolution scanned. By default the range beyond which nothing
        changes: below it the best partition is the connected components, above it every node
        alone. For ``cpm`` that is :math:`w_{min} / \\binom{n_C}{2}` to :math:`w_{max}` (the
        lightest and heaviest tie, :math:`n_C` the largest component's size); for
        ``modularity`` :math:`4 m\\, w_{min} / d_C^2` (:math:`d_C` the largest component's total
        degree) to :math:`\\max_{ij} 2 m\\, w_{ij} / (k_i k_j)` over the ties.
    seed : int, optional
        The seed of every Leiden run; the same seed gives the same profile.
    weight : str, optional
        Edge attribute with the (non-negative) tie strength; ``None`` ignores weights.
    tolerance : float
        Intervals narrower than this on a natural-log scale (:math:`\\log(\\gamma_2/\\gamma_1)`,
        leidenalg's ``min_diff_resolution``) are not split further.

    Returns
    -------
    pandas.DataFrame
        One row per partition on the profile, in order of resolution, with the columns of
        :data:`PROFILE_COLUMNS`:

        ``resolution_low``, ``resolution_high``
            The range of resolution over which this partition is the best found (the first
            and last rows end at ``resolution_range``).
        ``resolution``
            A resolution at which ``communities(G, method=..., resolution=..., seed=seed)``
            returns this partition (``method="cpm"`` or ``"leiden"``).
        ``communities``
            Its number of communities.
        ``internal``, ``penalty``
            :math:`I` and :math:`P` of :math:`Q(\\gamma) = I - \\gamma P`. For ``cpm``
            :math:`I = \\sum_c e_c`, the weight inside communities, and
            :math:`P = \\sum_c \\binom{n_c}{2}`, the pairs of nodes inside them (Traag et
            al.'s :math:`H` [2]_); for ``modularity`` :math:`I = \\sum_c e_c / m` and
            :math:`P = \\sum_c (d_c / 2m)^2`, as :func:`modularity`.
        ``quality``
            :math:`Q` at ``resolution``.
        ``decades``
            The width of the range, :math:`\\log_{10}` (high / low).
        ``plateau``
            True on the widest range whose partition is neither the connected components nor
            every node alone (no row when there is none).

    Raises
    ------
    OptionError
        If ``method`` is unknown, ``resolution_range`` is not two positive numbers in
        increasing order, ``tolerance`` is not positive, or the graph has no tie of positive
        weight (every resolution would give the same partition).
    InvalidGraphError
        If the graph is directed or a multigraph, or a weight is negative or not a number.

    See Also
    --------
    communities : the partition at one resolution.

    References
    ----------
    .. [1] Traag, V. A., Krings, G. and Van Dooren, P. (2013). Significant scales in community
       structure. Scientific Reports 3, 2930. https://doi.org/10.1038/srep02930
    .. [2] Traag, V. A., Van Dooren, P. and Nesterov, Y. (2011). Narrow scope for
       resolution-limit-free community detection. Physical Review E 84, 016114.
       https://doi.org/10.1103/PhysRevE.84.016114
    .. [3] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233.
       https://doi.org/10.1038/s41598-019-41695-z

    Examples
    --------
    Four 5-cliques in a ring: two neighbouring cliques merge while the density threshold is
    below their one tie over 25 pairs (0.04), all four below 2 ties over 100 pairs (0.02), and
    each clique holds together up to its own density, 1:

    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.ring_of_cliques(4, 5)
    >>> profile = cn.resolution_profile(G, method="cpm")
    >>> profile[["resolution_low", "resolution_high", "communities", "plateau"]].round(4)
       resolution_low  resolution_high  communities  plateau
    0          0.0053             0.02            1    False
    1          0.0200             0.04            2    False
    2          0.0400             1.00            4     True
    """
    if method not in _PROFILE_METHODS:
        raise OptionError(f"method must be one of {', '.join(map(repr, _PROFILE_METHODS))}; got {method!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
        raise OptionError(f"tolerance must be a positive number; got {tolerance!r}")
    detect = "cpm" if method == "cpm" else "leiden"
    graph = _Canonical.from_networkx(G, weight=weight)
    ties = (graph.sources != graph.targets) & (graph.weights > 0)
    if not ties.any():
        raise OptionError("the graph has no tie of positive weight, so every resolution gives the same "
                          "partition (every node alone)")
    low, high = _profile_range(graph, ties, method) if resolution_range is None else _checked_range(resolution_range)

    found: list[tuple[np.ndarray, float, float, float]] = []  # labels, internal, penalty, found at
    known: dict[bytes, int] = {}

    def run(resolution: float) -> None:
        labels = _renumber(_detect(graph, method=detect, resolution=resolution, seed=seed))
        key = labels.tobytes()
        if key not in known:
            known[key] = len(found)
            found.append((labels, *_linear_quality(graph, ties, labels, method), resolution))

    def line(k: int, resolution: float) -> float:
        return found[k][1] - resolution * found[k][2]

    def best(resolution: float) -> int:
        return max(range(len(found)), key=lambda k: (line(k, resolution), -found[k][2]))

    run(low)
    run(high)
    stack = [(low, high)]
    while stack:
        a, b = stack.pop()
        left, right = best(a), best(b)
        if left == right or math.log(b / a) <= tolerance:
            continue
        (_, internal_a, penalty_a, _), (_, internal_b, penalty_b, _) = found[left], found[right]
        if penalty_a <= penalty_b:  # parallel or crossed lines: nothing lies between
            continue
        crossing = (internal_a - internal_b) / (penalty_a - penalty_b)
        if not a < crossing < b:
            crossing = math.sqrt(a * b)
        before = len(found)
        run(crossing)
        height = line(left, crossing)
        if len(found) > before and line(len(found) - 1, crossing) > height + 1e-12 * (1.0 + abs(height)):
            stack.extend([(a, crossing), (crossing, b)])
    return _envelope(graph, ties, found, low, high)


def consensus_communities(
    G: nx.Graph,
    *,
    seeds: Iterable[int] = range(20),
    method: str = "auto",
    resolution: float | None = None,
    weight: str | None = "weight",
    threshold: float = 0.5,
    max_rounds: int = 10,
) -> pd.DataFrame:
    """A consensus partition over many seeds, and how stably each node is placed.

    Parameters
    ----------
    G : networkx.Graph
    seeds : iterable of int
        One run of :func:`communities` per seed (20 by default).
    method, resolution, weight
        As in :func:`communities`; ``auto`` chooses by the ties of ``G`` once, for every round.
    threshold : float
        Ties whose endpoints are together in fewer than this share of the runs are dropped
        from the consensus graph (Lancichinetti and Fortunato's :math:`\\tau`).
    max_rounds : int
        The most consensus rounds before giving up (see Notes).

    Returns
    -------
    pandas.DataFrame
        Indexed by node in the graph's node order, with columns

        ``community``
            The consensus community, numbered as in :func:`communities` (0 the largest).
        ``stability``
            The mean, over the node's neighbours, of the share of the first-round runs that
            put the node and that neighbour in the same community: 1 when it always lands
            with all its partners. NaN for an isolated node.
        ``agreement``
            The mean, over the first-round runs, of the Jaccard similarity between the node's
            community in that run and its consensus community: 1 when every run gives it
            exactly its consensus community.

    Raises
    ------
    OptionError
        If there are no seeds, or ``threshold`` is not in (0, 1], or as :func:`communities`.

    Warns
    -----
    ConvergenceWarning
        If the consensus graph still has ties that only some runs agree on after
        ``max_rounds`` rounds; the last round's first-seed partition is returned.

    Notes
    -----
    Consensus clustering after Lancichinetti and Fortunato [1]_, with one change that keeps it
    sparse: co-assignment is measured only on the ties of the graph, not on all pairs of
    nodes. Each round runs the method once per seed, weights each tie by the share of runs
    that put its endpoints together, drops ties below ``threshold``, and runs again on that
    consensus graph, until every remaining tie is agreed by all runs. The consensus
    communities are then the connected components of the remaining ties (so each is
    connected in ``G``).

    References
    ----------
    .. [1] Lancichinetti, A. and Fortunato, S. (2012). Consensus clustering in complex
       networks. Scientific Reports 2, 336. https://doi.org/10.1038/srep00336

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.connected_caveman_graph(3, 4)
    >>> table = cn.consensus_communities(G, seeds=range(5))
    >>> table["community"].nunique(), float(table["agreement"].min())
    (3, 1.0)
    """
    method = _check_method(method)
    _check_resolution(resolution, optional=True)
    seeds = list(seeds)
    if not seeds:
        raise OptionError("seeds must name at least one seed")
    if not 0 < threshold <= 1:
        raise OptionError(f"threshold must be in (0, 1]; got {threshold!r}")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, (int, np.integer)) or max_rounds < 1:
        raise OptionError(f"max_rounds must be a positive integer; got {max_rounds!r}")
    graph = _Canonical.from_networkx(G, weight=weight)
    method = _automatic(method, graph)
    modes = _bipartite_modes(G, graph) if method == "barber" else None
    # The resolution is read once, on G: the consensus graphs of later rounds have other weights.
    resolution = _resolution_for(graph, method, resolution)
    first = np.array([_partition(graph, method=method, resolution=resolution, seed=s, modes=modes)
                      for s in seeds])

    current, runs = graph, first
    for _ in range(max_rounds):
        together = (runs[:, current.sources] == runs[:, current.targets]).mean(axis=0)
        keep = together >= threshold
        if np.all(together[keep] == 1.0):
            consensus = _components(graph.n, current.sources[keep], current.targets[keep])
            break
        current = current.with_edges(keep, together[keep])
        runs = np.array([_partition(current, method=method, resolution=resolution, seed=s, modes=modes)
                         for s in seeds])
    else:
        warnings.warn(
            f"the consensus did not settle in {max_rounds} rounds; returning the last round's "
            f"partition for seed {seeds[0]}",
            ConvergenceWarning,
            stacklevel=2,
        )
        consensus = runs[0]
    consensus = _renumber(consensus)

    table = pd.DataFrame(index=graph.index())
    table["community"] = graph.to_node_order(consensus)
    table["stability"] = graph.to_node_order(_stability(graph, first))
    table["agreement"] = graph.to_node_order(_agreement(first, consensus))
    return table


def compare_partitions(
    a: pd.Series | Mapping,
    b: pd.Series | Mapping,
    *,
    graph: nx.Graph | None = None,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> dict[str, float]:
    """How far two partitions of the same nodes agree, and how modular each is.

    Parameters
    ----------
    a, b : pandas.Series or mapping
        Group label by node (any hashable labels), e.g. detected communities and nominal
        groups (cluster membership, sector, programme part: see :func:`nominal_partition`).
        Only nodes labelled in both are compared; missing labels (NaN) count as unlabelled.
    graph : networkx.Graph, optional
        When given, the modularity of each partition in it is reported too.
    weight, resolution
        For the modularity, as in :func:`modularity`.

    Returns
    -------
    dict
        ``nodes`` (the number compared), ``groups_a``, ``groups_b`` (groups among them),
        ``nmi`` (normalised mutual information, arithmetic normalisation [1]_, scikit-learn's
        default), ``ami`` (adjusted mutual information [1]_, the same normalisation),
        ``ari`` (adjusted Rand index [2]_), ``variation_of_information`` (Meila's distance
        [3]_, in nats), ``modularity_a``, ``modularity_b`` (NaN without ``graph``). ``nmi``,
        ``ami`` and ``ari`` are 1 for identical partitions up to renaming; ``ami`` and ``ari``
        are 0 in expectation for unrelated ones; the variation of information is 0 for
        identical partitions and at most :math:`\\log n`. All are NaN when no node is compared.

    See Also
    --------
    misfits : the nodes whose community differs from their nominal group.

    Notes
    -----
    With :math:`n_{ij}` the nodes in group :math:`i` of ``a`` and :math:`j` of ``b``, row and
    column sums :math:`a_i`, :math:`b_j`, entropies :math:`H(A)`, :math:`H(B)` and mutual
    information :math:`I(A, B) = \\sum_{ij} \\frac{n_{ij}}{n} \\log \\frac{n\\, n_{ij}}{a_i b_j}`
    (natural logarithms throughout):

    .. math::

        \\mathrm{AMI} = \\frac{I - E[I]}{\\tfrac12 (H(A) + H(B)) - E[I]}, \\qquad
        \\mathrm{VI} = H(A \\mid B) + H(B \\mid A) = H(A) + H(B) - 2 I(A, B).

    :math:`E[I]` is the mutual information expected when the nodes are shuffled among groups
    of the same sizes (hypergeometric; Vinh et al.'s eq. 24 [1]_). It depends only on the two
    group sizes of each term, so it is summed over the distinct pairs of sizes, each weighted by
    how often it occurs, its hypergeometric probabilities from scipy's log-gamma. That gives
    scikit-learn's ``adjusted_mutual_info_score`` (the tests compare them to 1e-12) without
    depending on scikit-learn, and its cost grows with the number of distinct group sizes
    rather than the number of pairs of groups: 0.08 CPU s against scikit-learn's 0.66 for
    36,000 nodes in 808 and 3,000 groups.

    References
    ----------
    .. [1] Vinh, N. X., Epps, J. and Bailey, J. (2010). Information theoretic measures for
       clusterings comparison. Journal of Machine Learning Research 11, 2837-2854.
    .. [2] Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of Classification
       2, 193-218. https://doi.org/10.1007/BF01908075
    .. [3] Meila, M. (2007). Comparing clusterings: an information based distance. Journal of
       Multivariate Analysis 98(5), 873-895. https://doi.org/10.1016/j.jmva.2006.11.013

    Examples
    --------
    >>> import clusternet as cn
    >>> a = {"w": 0, "x": 0, "y": 1, "z": 1}
    >>> round(cn.compare_partitions(a, {"w": "p", "x": "p", "y": "q", "z": "q"})["nmi"], 6)
    1.0
    >>> round(cn.compare_partitions(a, {"w": "p", "x": "q", "y": "q", "z": "q"})["ari"], 4)
    0.0

    Splitting ``y, z`` off ``x`` in the second partition: :math:`H(A \\mid B) = \\tfrac34 H(\\tfrac23,
    \\tfrac13)` and :math:`H(B \\mid A) = \\tfrac12 \\log 2`, so VI is :math:`\\tfrac34 \\log 3`:

    >>> import math
    >>> vi = cn.compare_partitions(a, {"w": "p", "x": "p", "y": "p", "z": "q"})["variation_of_information"]
    >>> round(vi, 6), round(0.75 * math.log(3), 6)
    (0.823959, 0.823959)
    """
    left, right = _aligned(a, b)
    n = len(left)
    result: dict[str, float] = {
        "nodes": n,
        "groups_a": int(left.nunique()),
        "groups_b": int(right.nunique()),
        "nmi": math.nan,
        "ami": math.nan,
        "ari": math.nan,
        "variation_of_information": math.nan,
        "modularity_a": math.nan,
        "modularity_b": math.nan,
    }
    if n:
        table = _contingency(left, right)
        result["nmi"] = _nmi(table)
        result["ami"] = _ami(table)
        result["ari"] = _ari(table)
        result["variation_of_information"] = _variation_of_information(table)
    if graph is not None:
        result["modularity_a"] = modularity(graph, a, weight=weight, resolution=resolution)
        result["modularity_b"] = modularity(graph, b, weight=weight, resolution=resolution)
    return result


def modularity(
    G: nx.Graph, partition: pd.Series | Mapping, *, weight: str | None = "weight", resolution: float = 1.0
) -> float:
    """Newman's modularity of a partition, as :func:`networkx.community.modularity`, on sparse arrays.

    Parameters
    ----------
    G : networkx.Graph
        Self-loops are ignored (networkx counts them; organisation networks have none).
    partition : pandas.Series or mapping
        Group label by node. Nodes of ``G`` without a label are each a group of their own;
        labelled nodes that are not in ``G`` are ignored.
    weight : str, optional
        Edge attribute with the weight (missing: 1); ``None`` ignores weights.
    resolution : float
        The resolution :math:`\\gamma`.

    Returns
    -------
    float
        :math:`Q = \\sum_c [L_c / m - \\gamma (d_c / 2m)^2]` with :math:`L_c` the weight inside
        group :math:`c`, :math:`d_c` its total degree and :math:`m` the total weight; NaN for a
        graph without edges.

    References
    ----------
    .. [1] Newman, M. E. J. (2006). Modularity and community structure in networks. PNAS
       103(23), 8577-8582. https://doi.org/10.1073/pnas.0601602103

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.barbell_graph(3, 0)
    >>> round(cn.modularity(G, {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}), 6)
    0.357143
    """
    _check_resolution(resolution)
    graph = _Canonical.from_networkx(G, weight=weight)
    if graph.weights.sum() == 0:
        return math.nan
    labels = _labels_for(graph, partition)
    same = labels[graph.sources] == labels[graph.targets]
    total = graph.weights.sum()
    degree = np.bincount(graph.sources, graph.weights, graph.n) + np.bincount(graph.targets, graph.weights, graph.n)
    group_degree = np.bincount(labels, degree)
    return float(graph.weights[same].sum() / total - resolution * ((group_degree / (2 * total)) ** 2).sum())


def bipartite_modularity(
    B: nx.Graph, partition: pd.Series | Mapping, *, weight: str | None = "weight", resolution: float = 1.0
) -> float:
    """Barber's modularity of a partition of a two-mode graph (organisations and projects, say).

    Parameters
    ----------
    B : networkx.Graph
        A two-mode graph: every node has a ``bipartite`` attribute of 0 or 1 (as
        :func:`clusternet.bipartite_graph` gives) and every edge joins the two sides.
    partition : pandas.Series or mapping
        Community label by node, one set of labels for both sides: a node of side 0 and a
        node of side 1 with the same label are in the same community. Nodes without a label
        are each a community of their own; labelled nodes not in ``B`` are ignored.
    weight : str, optional
        Edge attribute with the weight (missing: 1); ``None`` ignores weights.
    resolution : float
        The resolution :math:`\\gamma` (1 in Barber's definition).

    Returns
    -------
    float
        Barber's bipartite modularity

        .. math::

            Q_b = \\frac{1}{m} \\sum_{i \\in R} \\sum_{j \\in S}
                  \\left( A_{ij} - \\gamma \\frac{k_i d_j}{m} \\right) \\delta(g_i, h_j)

        over the nodes :math:`i` of side 0 (degree :math:`k_i`, community :math:`g_i`) and
        :math:`j` of side 1 (degree :math:`d_j`, community :math:`h_j`), with :math:`m` the
        total weight. The null model keeps both sides' degrees and, unlike Newman's
        modularity of the same graph, expects no tie between two nodes of one side. NaN for
        a graph without edges.

    Raises
    ------
    InvalidGraphError
        If a node has no ``bipartite`` attribute of 0 or 1, an edge joins two nodes of one
        side, or the graph is directed or a multigraph.

    See Also
    --------
    communities : ``method="barber"`` maximises it.
    modularity : Newman's modularity of a one-mode graph.

    References
    ----------
    .. [1] Barber, M. J. (2007). Modularity and community detection in bipartite networks.
       Physical Review E 76, 066102. https://doi.org/10.1103/PhysRevE.76.066102

    Examples
    --------
    Organisations ``a`` and ``b``, projects ``p`` (both) and ``q`` (``b`` alone); :math:`m = 3`,
    :math:`Q_b = \\frac{1}{3}[(1 - \\frac{1 \\cdot 2}{3}) + (1 - \\frac{2 \\cdot 1}{3})] = \\frac{2}{9}`:

    >>> import networkx as nx
    >>> import clusternet as cn
    >>> B = nx.Graph([("a", "p"), ("b", "p"), ("b", "q")])
    >>> nx.set_node_attributes(B, {"a": 0, "b": 0, "p": 1, "q": 1}, "bipartite")
    >>> round(cn.bipartite_modularity(B, {"a": 0, "p": 0, "b": 1, "q": 1}), 6)
    0.222222
    >>> cn.bipartite_modularity(B, dict.fromkeys(B, 0))
    0.0
    """
    _check_resolution(resolution)
    graph = _Canonical.from_networkx(B, weight=weight)
    modes = _bipartite_modes(B, graph)
    return _barber_quality(graph, modes, _labels_for(graph, partition), resolution)


def misfits(communities: pd.Series | Mapping, nominal: pd.Series | Mapping) -> pd.DataFrame:
    """The nodes whose detected community is not the one their nominal group maps to.

    Each community is mapped to the nominal group most of its labelled nodes belong to (ties
    go to the group that sorts first). A node is a misfit when its own nominal group differs
    from its community's group: an organisation that collaborates mostly with another
    cluster's members than with its own cluster's.

    Parameters
    ----------
    communities : pandas.Series or mapping
        Community by node, e.g. from :func:`communities`.
    nominal : pandas.Series or mapping
        Nominal group by node, e.g. from :func:`nominal_partition`. Nodes without one are
        left out.

    Returns
    -------
    pandas.DataFrame
        One row per misfit, indexed by node, in the order of ``communities``, with columns
        ``community``, ``nominal`` (its own group), ``community_nominal`` (the group its
        community maps to) and ``community_share`` (the share of the community's labelled
        nodes in that group).

    Examples
    --------
    >>> import clusternet as cn
    >>> detected = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    >>> clusters = {"a": "sim", "b": "sim", "c": "vil", "d": "vil", "e": "vil"}
    >>> cn.misfits(detected, clusters)
      community nominal community_nominal  community_share
    c         0     vil               sim         0.666667
    """
    left, right = _aligned(communities, nominal)
    frame = pd.DataFrame({"community": left, "nominal": right})
    try:  # ties are broken by label order, so labels of types that do not compare cannot be used
        counts = frame.groupby(["community", "nominal"], sort=True).size().rename("count").reset_index()
        counts = counts.sort_values(["community", "count", "nominal"], ascending=[True, False, True],
                                    kind="stable")
    except TypeError as err:
        raise OptionError(f"misfits needs labels of one comparable type in each partition: {err}") from err
    top = counts.drop_duplicates("community").set_index("community")
    sizes = frame.groupby("community").size()
    frame["community_nominal"] = frame["community"].map(top["nominal"])
    frame["community_share"] = frame["community"].map(top["count"] / sizes).astype("float64")
    return frame[frame["nominal"] != frame["community_nominal"]]


def nominal_partition(ecosystem: Ecosystem, *, by: str = "cluster") -> pd.Series:
    """Each organisation's nominal group: its cluster, or a column of the organisations table.

    Parameters
    ----------
    ecosystem : Ecosystem
    by : {"cluster", "kind", "sector", "size_class", "ownership", "region", "country"}
        ``cluster``: the cluster of the organisation's memberships (any year); an organisation
        in several clusters gets ``"several"``; one in none is left out. Otherwise the column
        of the organisations table (missing values left out).

    Returns
    -------
    pandas.Series
        Group label by ``organisation_id``, sorted by id, named ``by``.

    Examples
    --------
    >>> import clusternet as cn
    >>> cn.nominal_partition(cn.datasets.load_flanders()).value_counts().to_dict()
    {'moonshot': 6}
    """
    if by not in _NOMINAL_BY:
        raise OptionError(f"by must be one of {', '.join(map(repr, _NOMINAL_BY))}; got {by!r}")
    if by == "cluster":
        ecosystem.require("memberships", purpose="the nominal partition by cluster")
        pairs = ecosystem.memberships[["organisation_id", "cluster_id"]].drop_duplicates()
        grouped = pairs.groupby("organisation_id")["cluster_id"]
        label = grouped.first().where(grouped.nunique() == 1, "several")
    else:
        ecosystem.require("organisations", purpose=f"the nominal partition by {by}")
        label = ecosystem.organisations.set_index("organisation_id")[by].dropna()
    label = label.sort_index()
    label.index.name = "organisation_id"
    return label.rename(by)


def community_profile(
    ecosystem: Ecosystem,
    communities: pd.Series | Mapping,
    *,
    graph: nx.Graph | None = None,
    weight: str | None = "weight",
    top: int = 3,
) -> pd.DataFrame:
    """Who is in each community: size, kinds, sectors, clusters and leading organisations.

    Parameters
    ----------
    ecosystem : Ecosystem
        Supplies the organisations (names, kinds, sectors) and memberships (clusters).
    communities : pandas.Series or mapping
        Community by ``organisation_id``, e.g. from :func:`communities`.
    graph : networkx.Graph, optional
        The network the communities were found in. When given, the leading organisations are
        those with the largest strength (weighted degree) in it; otherwise those in the most
        projects (``participations``), then with the most memberships.
    weight : str, optional
        Edge weight for the strength.
    top : int
        How many sectors, clusters and organisations to list.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``community`` (ascending), columns ``size``; ``kinds``, ``sectors``,
        ``clusters``: the most frequent values as plain text ``"value (count); ..."``, most
        frequent first (all kinds, the ``top`` sectors and clusters; unknown sectors are not
        listed); ``top_organisations``: the ``top`` leading organisations' names (or ids),
        separated by ``"; "``.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.datasets.load_flanders()
    >>> found = pd.Series({"org-sim": 0, "org-vil": 0, "org-catalisti": 1})
    >>> cn.community_profile(eco, found)[["size", "kinds", "top_organisations"]]
               size                    kinds top_organisations
    community
    0             2  cluster_organisation (2)         SIM; VIL
    1             1  cluster_organisation (1)         Catalisti
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise OptionError(f"top must be a positive integer; got {top!r}")
    assigned = pd.Series(communities, dtype="object") if isinstance(communities, Mapping) else communities
    assigned = assigned.dropna()
    frame = pd.DataFrame({"organisation_id": assigned.index.astype("object"), "community": assigned.to_numpy()})
    organisations = ecosystem.organisations.set_index("organisation_id")
    names = organisations["name"] if "name" in organisations else pd.Series(dtype="object")
    frame["name"] = frame["organisation_id"].map(names).fillna(frame["organisation_id"]).astype("object")
    for column in ("kind", "sector"):
        frame[column] = frame["organisation_id"].map(organisations[column]) if column in organisations else pd.NA

    if graph is not None:
        score = pd.Series(dict(graph.degree(weight=weight)), dtype="float64")
        tie_break = pd.Series(0.0, index=score.index)
    else:
        score = ecosystem.participations.groupby("organisation_id")["project_id"].nunique().astype("float64")
        tie_break = ecosystem.memberships.groupby("organisation_id")["cluster_id"].nunique().astype("float64")
    frame["score"] = frame["organisation_id"].map(score).fillna(0.0)
    frame["tie_break"] = frame["organisation_id"].map(tie_break).fillna(0.0)

    memberships = ecosystem.memberships[["organisation_id", "cluster_id"]].drop_duplicates()
    in_clusters = frame[["organisation_id", "community"]].merge(memberships, on="organisation_id")

    # One grouped count per column rather than a pandas sort per community: CORDIS has
    # thousands of communities (every isolate is one).
    profile = pd.DataFrame({"size": frame.groupby("community", sort=True).size().astype("int64")})
    known_sector = frame["sector"].notna() & (frame["sector"] != "unknown")
    profile["kinds"] = _counted(frame["community"], frame["kind"], limit=None).reindex(profile.index)
    profile["sectors"] = _counted(frame.loc[known_sector, "community"], frame.loc[known_sector, "sector"],
                                  limit=top).reindex(profile.index)
    profile["clusters"] = _counted(in_clusters["community"], in_clusters["cluster_id"], limit=top).reindex(
        profile.index)
    profile[["kinds", "sectors", "clusters"]] = profile[["kinds", "sectors", "clusters"]].fillna("")
    ranked = frame.sort_values(["community", "score", "tie_break", "organisation_id"],
                               ascending=[True, False, False, True], kind="stable")
    leading = ranked.groupby("community", sort=True).head(top)
    profile["top_organisations"] = leading.assign(name=leading["name"].astype(str)).groupby(
        "community", sort=True)["name"].agg("; ".join)
    profile.index.name = "community"
    return profile


# --------------------------------------------------------------------------------------------
# The graph in canonical order
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Canonical:
    nodes: list  # sorted
    order: np.ndarray  # position in `nodes` of each node of G, in G's order
    original: list  # G's node order
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)

    @classmethod
    def from_networkx(cls, G: nx.Graph, *, weight: str | None) -> _Canonical:
        check_simple_graph(G, "community detection")
        return cached_conversion(G, "canonical", lambda: cls._convert(G, weight=weight), weight=weight)

    @classmethod
    def _convert(cls, G: nx.Graph, *, weight: str | None) -> _Canonical:
        original, rows, cols, raw = cached_edge_arrays(G, weight, missing=1.0)
        nodes = sorted_nodes(original)
        position = {node: i for i, node in enumerate(nodes)}
        rank = np.array([position[node] for node in original], dtype=np.int64)
        weights = np.ones(len(rows)) if weight is None else check_edge_weights(original, rows, cols, raw, weight,
                                                                          allow_zero=True)
        first, second = rank[rows], rank[cols]
        sources, targets = np.minimum(first, second), np.maximum(first, second)
        ordering = np.lexsort((targets, sources))
        return cls(nodes, rank, original, sources[ordering], targets[ordering], weights[ordering])

    def with_edges(self, keep: np.ndarray, weights: np.ndarray) -> _Canonical:
        return _Canonical(self.nodes, self.order, self.original, self.sources[keep], self.targets[keep],
                          np.asarray(weights, dtype="float64"))

    def to_networkx(self) -> nx.Graph:
        H = nx.Graph()
        H.add_nodes_from(range(self.n))
        H.add_weighted_edges_from(
            zip(self.sources.tolist(), self.targets.tolist(), self.weights.tolist(), strict=True)
        )
        return H

    def index(self) -> pd.Index:
        return pd.Index(self.original)

    def to_node_order(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values)[self.order]

    def series(self, values: np.ndarray, *, name: str) -> pd.Series:
        return pd.Series(self.to_node_order(values), index=self.index(), name=name, dtype="int64")


def _resolution_for(graph: _Canonical, method: str, resolution: float | None) -> float:
    """The resolution a method runs at: as given, or its default (the density for CPM, else 1)."""
    if resolution is not None:
        return float(resolution)
    if method != "cpm":
        return 1.0
    pairs = graph.n * (graph.n - 1) / 2
    ties = graph.weights[graph.sources != graph.targets]
    largest = float(ties.max()) if len(ties) else 0.0
    # Summed over the largest weight, so that weights near the float maximum do not overflow.
    total = float((ties / largest).sum()) if largest > 0 else 0.0
    return largest * (total / pairs) if pairs and total > 0 else 1.0


def _partition(graph: _Canonical, *, method: str, resolution: float | None, seed: int | None,
               modes: np.ndarray | None = None) -> np.ndarray:
    """Labels over the canonical node positions for any method (``modes``: the sides, for barber)."""
    resolution = _resolution_for(graph, method, resolution)
    if method == "barber":
        return _barber(graph, modes, resolution=resolution, seed=seed)
    return _detect(graph, method=method, resolution=resolution, seed=seed)


def _detect(graph: _Canonical, *, method: str, resolution: float, seed: int | None) -> np.ndarray:
    """Community labels over the canonical node positions (not yet renumbered)."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        overflows = not np.isfinite(2.0 * float(graph.weights.sum()))
    if overflows:
        # Weights whose total overflows (a few near 1.8e308) make every modularity NaN, and
        # python-louvain then never stops. Both qualities rank partitions the same for weights
        # divided by one factor (CPM's resolution divided with them), so divide by the largest.
        scale = float(graph.weights.max())
        graph = graph.with_edges(np.ones(len(graph.weights), dtype=bool), graph.weights / scale)
        resolution = resolution / scale if method == "cpm" else resolution
    if method == "louvain":
        from community import community_louvain

        found = community_louvain.best_partition(graph.to_networkx(), weight="weight",
                                                 resolution=resolution, random_state=seed)
        return np.array([found[i] for i in range(graph.n)], dtype=np.int64)
    ig = igraph(needed_for="method='leiden'")
    g = ig.Graph(n=graph.n, edges=list(zip(graph.sources.tolist(), graph.targets.tolist(), strict=True)),
                 directed=False)
    # igraph draws from the generator set with set_random_number_generator (Python's random module
    # by default); a private seeded one makes the run reproducible, and the default is put back.
    ig.set_random_number_generator(random.Random(seed))
    try:
        found = g.community_leiden(objective_function="CPM" if method == "cpm" else "modularity",
                                   weights=graph.weights.tolist(),
                                   resolution=resolution, n_iterations=2)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(found.membership, dtype=np.int64)


def _profile_range(graph: _Canonical, ties: np.ndarray, method: str) -> tuple[float, float]:
    """Where the profile stops changing: components below, every node alone above (see resolution_profile)."""
    sources, targets, weights = graph.sources[ties], graph.targets[ties], graph.weights[ties]
    component = _components(graph.n, sources, targets)
    if method == "cpm":
        largest = int(np.bincount(component).max())
        return float(weights.min()) / (largest * (largest - 1) / 2), float(weights.max())
    total = float(weights.sum())
    degree = np.bincount(sources, weights, graph.n) + np.bincount(targets, weights, graph.n)
    largest = float(np.bincount(component, degree).max())
    low = 4 * total * float(weights.min()) / largest**2
    high = float((2 * total * weights / (degree[sources] * degree[targets])).max())
    return low, high


def _checked_range(resolution_range: object) -> tuple[float, float]:
    try:
        low, high = (float(value) for value in resolution_range)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise OptionError(f"resolution_range must be two numbers (low, high); got {resolution_range!r}") from None
    if not 0 < low < high or math.isinf(high):
        raise OptionError(f"resolution_range must be two positive numbers, low < high; got {resolution_range!r}")
    return low, high


def _linear_quality(graph: _Canonical, ties: np.ndarray, labels: np.ndarray, method: str) -> tuple[float, float]:
    """I and P of Q(gamma) = I - gamma P for one partition."""
    sources, targets, weights = graph.sources[ties], graph.targets[ties], graph.weights[ties]
    inside = float(weights[labels[sources] == labels[targets]].sum())
    if method == "cpm":
        sizes = np.bincount(labels).astype("float64")
        return inside, float((sizes * (sizes - 1) / 2).sum())
    total = float(weights.sum())
    degree = np.bincount(sources, weights, graph.n) + np.bincount(targets, weights, graph.n)
    return inside / total, float(((np.bincount(labels, degree) / (2 * total)) ** 2).sum())


def _envelope(graph: _Canonical, ties: np.ndarray, found: list, low: float, high: float) -> pd.DataFrame:
    """The best of the partitions found at each resolution, as ranges (the upper envelope of their lines)."""
    internal = np.array([entry[1] for entry in found])
    penalty = np.array([entry[2] for entry in found])
    quality = internal - low * penalty
    current = int(np.lexsort((penalty, -quality))[0])
    position, rows = low, []
    while True:
        later = penalty < penalty[current]
        crossing = np.full(len(found), np.inf)
        crossing[later] = (internal[current] - internal[later]) / (penalty[current] - penalty[later])
        crossing = np.maximum(crossing, position)
        nearest = float(crossing.min())
        if nearest >= high:
            rows.append((position, high, current))
            break
        following = int(np.lexsort((penalty, crossing))[0])
        rows.append((position, nearest, current))
        position, current = nearest, following
    components = int(_components(graph.n, graph.sources[ties], graph.targets[ties]).max()) + 1
    table = pd.DataFrame(
        [
            {
                "resolution_low": start,
                "resolution_high": end,
                "resolution": found[k][3],
                "communities": int(found[k][0].max()) + 1,
                "internal": found[k][1],
                "penalty": found[k][2],
                "quality": found[k][1] - found[k][3] * found[k][2],
                "decades": math.log10(end / start),
            }
            for start, end, k in rows
            if end > start or len(rows) == 1
        ]
    )
    trivial = table["communities"].isin([components, graph.n])
    table["plateau"] = False
    if not trivial.all():
        table.loc[table["decades"].where(~trivial).idxmax(), "plateau"] = True
    return table[list(PROFILE_COLUMNS)]


def _renumber(labels: np.ndarray) -> np.ndarray:
    # By size, largest first; equal sizes by their first node in canonical order.
    if len(labels) == 0:
        return labels.astype(np.int64)
    _, first, inverse, sizes = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    rank = np.lexsort((first, -sizes))
    new = np.empty(len(rank), dtype=np.int64)
    new[rank] = np.arange(len(rank))
    return new[inverse]


def _components(n: int, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    from scipy.sparse import csgraph

    matrix = sp.coo_array((np.ones(len(sources)), (sources, targets)), shape=(n, n))
    return csgraph.connected_components(matrix, directed=False)[1]


def _stability(graph: _Canonical, runs: np.ndarray) -> np.ndarray:
    together = (runs[:, graph.sources] == runs[:, graph.targets]).mean(axis=0)
    loops = graph.sources != graph.targets
    s, t, share = graph.sources[loops], graph.targets[loops], together[loops]
    total = np.bincount(s, share, graph.n) + np.bincount(t, share, graph.n)
    count = np.bincount(s, minlength=graph.n) + np.bincount(t, minlength=graph.n)
    return np.divide(total, count, out=np.full(graph.n, np.nan), where=count > 0)


def _agreement(runs: np.ndarray, consensus: np.ndarray) -> np.ndarray:
    n = len(consensus)
    consensus_size = np.bincount(consensus)[consensus]
    total = np.zeros(n)
    for labels in runs:
        codes = np.unique(labels, return_inverse=True)[1]
        size = np.bincount(codes)[codes]
        pairs = codes.astype(np.int64) * (consensus.max() + 1) + consensus
        overlap = np.unique(pairs, return_inverse=True, return_counts=True)
        shared = overlap[2][overlap[1]]
        total += shared / (size + consensus_size - shared)
    return total / len(runs)


# --------------------------------------------------------------------------------------------
# Two-mode communities: Barber's modularity and BRIM
# --------------------------------------------------------------------------------------------

# BRIM stops after this many sweeps (each moves both sides once); Q_b rises at every sweep that
# moves a node, so it ends well before on any graph measured (6 sweeps on the synthetic
# organisation-project graph).
_BRIM_SWEEPS = 500
# Nine seeded random starts beside Leiden's on graphs of up to this many ties: on 30 random
# graphs of 4 + 5 nodes they reached the optimum over all partitions every time (Leiden's start
# alone missed it four times). On all of H2020 (144,726 participations) they cost 42 CPU s and
# ended no higher than Leiden's start (Q_b 0.6269 in 3.1 s), so large graphs start from Leiden only.
_BRIM_STARTS = 10
_BRIM_RANDOM_STARTS_TIES = 20_000


def _bipartite_modes(G: nx.Graph, graph: _Canonical) -> np.ndarray:
    """The side (0/1) of each canonical node, from the ``bipartite`` attribute; checks every edge crosses."""
    modes = np.zeros(graph.n, dtype=np.int8)
    for position, node in enumerate(graph.nodes):
        side = G.nodes[node].get("bipartite")
        if isinstance(side, bool) or side not in (0, 1):
            raise InvalidGraphError(
                f"method='barber' and bipartite_modularity need a two-mode graph with a 'bipartite' attribute "
                f"of 0 or 1 on every node (as bipartite_graph gives); node {node!r} has {side!r}"
            )
        modes[position] = side
    same = modes[graph.sources] == modes[graph.targets]
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise InvalidGraphError(
            f"edge ({graph.nodes[graph.sources[i]]!r}, {graph.nodes[graph.targets[i]]!r}) joins two nodes of side "
            f"{int(modes[graph.sources[i]])}; Barber's modularity needs every edge to join the two sides"
        )
    return modes


def _barber_quality(graph: _Canonical, modes: np.ndarray, labels: np.ndarray, resolution: float) -> float:
    total = float(graph.weights.sum())
    if total == 0:
        return math.nan
    degree = np.bincount(graph.sources, graph.weights, graph.n) + np.bincount(graph.targets, graph.weights, graph.n)
    inside = float(graph.weights[labels[graph.sources] == labels[graph.targets]].sum())
    size = int(labels.max()) + 1
    side0 = np.bincount(labels[modes == 0], degree[modes == 0], size)
    side1 = np.bincount(labels[modes == 1], degree[modes == 1], size)
    return inside / total - resolution * float(side0 @ side1) / total**2


def _barber(graph: _Canonical, modes: np.ndarray, *, resolution: float, seed: int | None) -> np.ndarray:
    """BRIM from Leiden's modularity partition: each side in turn takes its best communities given the other."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    total = float(graph.weights.sum())
    if total == 0:
        return np.arange(graph.n, dtype=np.int64)
    degree = np.bincount(graph.sources, graph.weights, graph.n) + np.bincount(graph.targets, graph.weights, graph.n)
    # Each tie once from each end: the moving node, the fixed node across, the weight.
    ends = np.concatenate([graph.sources, graph.targets])
    across = np.concatenate([graph.targets, graph.sources])
    weights = np.concatenate([graph.weights, graph.weights])
    rng = random_generator(seed)
    starts = [_detect(graph, method="leiden", resolution=resolution, seed=seed)]
    side0 = int((modes == 0).sum())
    for _ in range(_BRIM_STARTS - 1 if len(graph.weights) <= _BRIM_RANDOM_STARTS_TIES else 0):
        # Barber's random starts: side 0 in c groups, c from 2 to side 0's size.
        starts.append(rng.integers(0, int(rng.integers(2, max(side0, 2) + 1)), graph.n))
    best, best_quality = None, -math.inf
    alone = degree == 0
    for start in starts:
        # A node without ties never moves (every community scores 0 for it): it starts alone.
        start = np.where(alone, start.max() + 1 + np.cumsum(alone), start)
        labels = _brim(np.unique(start, return_inverse=True)[1], modes, graph, ends, across, weights, degree,
                       total, resolution)
        quality = _barber_quality(graph, modes, labels, resolution)
        if quality > best_quality + 1e-12:
            best, best_quality = labels, quality
    return best


def _brim(labels, modes, graph, ends, across, weights, degree, total, resolution) -> np.ndarray:
    for _ in range(_BRIM_SWEEPS):
        moved = False
        for side in (1, 0):
            labels, changed = _brim_step(labels, modes, side, ends, across, weights, degree, total, resolution)
            moved = moved or changed
        if not moved:
            labels, moved = _merge_step(labels, modes, graph, degree, total, resolution)
        if not moved:
            return labels
    warnings.warn(f"BRIM still moved nodes after {_BRIM_SWEEPS} sweeps; returning its last partition",
                  ConvergenceWarning, stacklevel=3)
    return labels


def _merge_step(labels: np.ndarray, modes: np.ndarray, graph: _Canonical, degree: np.ndarray, total: float,
                resolution: float) -> tuple[np.ndarray, bool]:
    """Joins pairs of linked communities whose union raises Q_b, the largest gains first, each once."""
    size = int(labels.max()) + 1
    side0 = np.bincount(labels[modes == 0], degree[modes == 0], size)
    side1 = np.bincount(labels[modes == 1], degree[modes == 1], size)
    first, second = labels[graph.sources], labels[graph.targets]
    between = first != second
    low, high = np.minimum(first, second)[between], np.maximum(first, second)[between]
    pairs = sp.coo_array((graph.weights[between], (low, high)), shape=(size, size)).tocsr()
    pairs.sum_duplicates()
    pairs = pairs.tocoo()
    gain = pairs.data / total - resolution * (side0[pairs.row] * side1[pairs.col]
                                              + side0[pairs.col] * side1[pairs.row]) / total**2
    order = np.lexsort((pairs.col, pairs.row, -gain))
    joined = np.arange(size)
    used = np.zeros(size, dtype=bool)
    changed = False
    for k in order[gain[order] > 1e-12]:
        a, b = pairs.row[k], pairs.col[k]
        if used[a] or used[b]:
            continue
        used[a] = used[b] = True
        joined[b] = a
        changed = True
    if not changed:
        return labels, False
    return np.unique(joined[labels], return_inverse=True)[1], True


def _brim_step(labels: np.ndarray, modes: np.ndarray, side: int, ends: np.ndarray, across: np.ndarray,
               weights: np.ndarray, degree: np.ndarray, total: float, resolution: float) -> tuple[np.ndarray, bool]:
    """Every node of ``side`` moves to its best community given the other side's (Q_b is separable over them)."""
    n, size = len(labels), int(labels.max()) + 1
    fixed = modes != side
    # The other side's degree in each community: the null model's k_i d_j / m summed over the community.
    other_degree = np.bincount(labels[fixed], degree[fixed], size)
    mine = modes[ends] == side
    links = sp.csr_array((weights[mine], (ends[mine], labels[across[mine]])), shape=(n, size))
    links.sum_duplicates()
    rows = np.repeat(np.arange(n), np.diff(links.indptr))
    scores = links.data - resolution * degree[rows] * other_degree[links.indices] / total
    # A node's score where it is now (its tie weight there may be zero).
    current = -resolution * degree * other_degree[labels] / total
    here = links.indices == labels[rows]
    current[rows[here]] += links.data[here]
    best = np.zeros(n)  # a community of its own scores 0
    np.maximum.at(best, rows, scores)
    tolerance = 1e-12 * (1.0 + np.abs(current))
    movers = (modes == side) & (best > current + tolerance)
    if not movers.any():
        return labels, False
    # The best community of each mover, the lowest label among equals; none above 0: a new one.
    winning = (scores >= best[rows] - tolerance[rows]) & (scores > 0) & movers[rows]
    target = np.full(n, -1, dtype=np.int64)
    order = np.lexsort((links.indices[winning], rows[winning]))
    first = np.unique(rows[winning][order], return_index=True)
    target[first[0]] = links.indices[winning][order][first[1]]
    alone = movers & (target < 0)
    target[alone] = size + np.arange(alone.sum())
    new = labels.copy()
    new[movers] = target[movers]
    return np.unique(new, return_inverse=True)[1], True


# --------------------------------------------------------------------------------------------
# Comparing partitions
# --------------------------------------------------------------------------------------------


def _as_series(partition: pd.Series | Mapping) -> pd.Series:
    if isinstance(partition, pd.Series):
        return partition
    if isinstance(partition, Mapping):
        return pd.Series(dict(partition), dtype="object")
    raise OptionError(f"a partition must be a pandas Series or a mapping of node to label; got {type(partition).__name__}")


def _aligned(a: pd.Series | Mapping, b: pd.Series | Mapping) -> tuple[pd.Series, pd.Series]:
    left, right = _as_series(a).dropna(), _as_series(b).dropna()
    for name, series in (("first", left), ("second", right)):
        if not series.index.is_unique:
            duplicated = series.index[series.index.duplicated()][0]
            raise OptionError(f"the {name} partition labels node {duplicated!r} more than once")
    common = left.index.intersection(right.index, sort=False)
    return left.loc[common], right.loc[common]


def _contingency(left: pd.Series, right: pd.Series) -> sp.csr_array:
    rows = pd.factorize(left, sort=False)[0]
    cols = pd.factorize(right, sort=False)[0]
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(rows.max() + 1, cols.max() + 1))


def _nmi(table: sp.csr_array) -> float:
    if table.shape[0] == table.shape[1] == 1:
        return 1.0  # neither partition splits the nodes: a perfect match, as in scikit-learn
    n = table.sum()
    a = np.asarray(table.sum(axis=1)).ravel()
    b = np.asarray(table.sum(axis=0)).ravel()
    coo = table.tocoo()
    joint = coo.data
    mutual = float(np.sum(joint / n * (np.log(joint * n) - np.log(a[coo.row] * b[coo.col]))))
    if mutual <= 0:
        return 0.0
    entropy_a = float(-np.sum(a / n * np.log(a / n)))
    entropy_b = float(-np.sum(b / n * np.log(b / n)))
    return float(mutual / ((entropy_a + entropy_b) / 2.0))


def _information(table: sp.csr_array) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """Entropies of both partitions and their mutual information (nats), and the group sizes."""
    n = table.sum()
    a = np.asarray(table.sum(axis=1)).ravel()
    b = np.asarray(table.sum(axis=0)).ravel()
    coo = table.tocoo()
    joint = coo.data
    mutual = float(np.sum(joint / n * (np.log(joint * n) - np.log(a[coo.row] * b[coo.col]))))
    entropy_a = float(-np.sum(a / n * np.log(a / n)))
    entropy_b = float(-np.sum(b / n * np.log(b / n)))
    return entropy_a, entropy_b, max(mutual, 0.0), a, b


def _variation_of_information(table: sp.csr_array) -> float:
    entropy_a, entropy_b, mutual, _, _ = _information(table)
    return max(entropy_a + entropy_b - 2.0 * mutual, 0.0)


def _ami(table: sp.csr_array) -> float:
    if table.shape[0] == table.shape[1] == 1:
        return 1.0  # neither partition splits the nodes: a perfect match, as in scikit-learn
    if table.shape[0] == 1 or table.shape[1] == 1:
        return 0.0  # one splits them and the other does not: no information shared
    entropy_a, entropy_b, mutual, a, b = _information(table)
    expected = _expected_mutual_information(a.astype(np.int64), b.astype(np.int64))
    # As scikit-learn: where the expectation equals the mean entropy (every partition of these
    # sizes is the same up to renaming, e.g. all singletons) both differences are rounding
    # errors of either sign; they are kept away from 0 with their sign, so that case gives 1.
    eps = np.finfo("float64").eps
    denominator = (entropy_a + entropy_b) / 2.0 - expected
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mutual - expected
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return float(numerator / denominator)


def _expected_mutual_information(a: np.ndarray, b: np.ndarray) -> float:
    """E[I] under the hypergeometric model (Vinh et al. 2010, eq. 24), summed over distinct size pairs."""
    from scipy.special import gammaln

    n = int(a.sum())
    sizes_a, count_a = np.unique(a, return_counts=True)
    sizes_b, count_b = np.unique(b, return_counts=True)
    total = 0.0
    for size, count in zip(sizes_a.tolist(), count_a.tolist(), strict=True):
        # Every overlap n_ij a group of this size can have with each size of b.
        low = np.maximum(1, size + sizes_b - n)
        high = np.minimum(size, sizes_b)
        lengths = np.maximum(high - low + 1, 0)
        column = np.repeat(np.arange(len(sizes_b)), lengths)
        overlap = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths) + low[column]
        other = sizes_b[column]
        term = overlap / n * (np.log(n * overlap) - np.log(size * other))
        # The hypergeometric probability of that overlap, from log-factorials (as scipy's
        # hypergeom.logpmf, whose per-call overhead is ten times this on CORDIS-sized tables).
        probability = np.exp(gammaln(size + 1) + gammaln(other + 1) + gammaln(n - size + 1) + gammaln(n - other + 1)
                             - gammaln(n + 1) - gammaln(overlap + 1) - gammaln(size - overlap + 1)
                             - gammaln(other - overlap + 1) - gammaln(n - size - other + overlap + 1))
        total += count * float(np.sum(count_b[column] * term * probability))
    return total


def _ari(table: sp.csr_array) -> float:
    def pairs(values: np.ndarray) -> int:
        values = values.astype(np.int64)
        return int((values * (values - 1) // 2).sum())

    n = int(table.sum())
    together_both = pairs(table.tocoo().data)
    together_a = pairs(np.asarray(table.sum(axis=1)).ravel())
    together_b = pairs(np.asarray(table.sum(axis=0)).ravel())
    total = n * (n - 1) // 2
    # The pair-confusion counts; with them the formula is scikit-learn's.
    tp = together_both
    fp = together_b - together_both
    fn = together_a - together_both
    tn = total - tp - fp - fn
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def _labels_for(graph: _Canonical, partition: pd.Series | Mapping) -> np.ndarray:
    series = _as_series(partition).dropna()
    position = pd.Series(np.arange(graph.n), index=pd.Index(graph.nodes, dtype="object"))
    known = series[series.index.isin(position.index)]
    labels = np.full(graph.n, -1, dtype=np.int64)
    labels[position.loc[known.index].to_numpy()] = pd.factorize(known, sort=False)[0]
    unlabelled = labels < 0
    labels[unlabelled] = labels.max(initial=-1) + 1 + np.arange(unlabelled.sum())
    return labels


def _counted(groups: pd.Series, values: pd.Series, *, limit: int | None) -> pd.Series:
    """Per group, ``"value (count); ..."`` most frequent first, ties by value."""
    data = pd.DataFrame({"group": groups.to_numpy(), "value": values.to_numpy()}).dropna()
    data["value"] = data["value"].astype(str)
    counts = data.groupby(["group", "value"], sort=False).size().rename("count").reset_index()
    counts = counts.sort_values(["group", "count", "value"], ascending=[True, False, True], kind="stable")
    if limit is not None:
        counts = counts.groupby("group", sort=False).head(limit)
    text = counts["value"] + " (" + counts["count"].astype(str) + ")"
    return text.groupby(counts["group"], sort=True).agg("; ".join)


# --------------------------------------------------------------------------------------------
# Checks and optional modules
# --------------------------------------------------------------------------------------------


def _check_method(method: str) -> str:
    if method != "auto" and method not in COMMUNITY_METHODS:
        raise OptionError(
            f"unknown community method {method!r}; choose 'auto' or one of {', '.join(map(repr, COMMUNITY_METHODS))}"
        )
    return method


def _automatic(method: str, graph: _Canonical) -> str:
    if method != "auto":
        return method
    return "leiden" if len(graph.sources) > _AUTO_LEIDEN_TIES else "louvain"


def _check_resolution(resolution: float | None, *, optional: bool = False) -> None:
    if resolution is None and optional:
        return
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or not resolution > 0:
        raise OptionError(f"resolution must be a positive number; got {resolution!r}")

