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
from .._shared import sorted_nodes
from ..errors import ConvergenceWarning, OptionError
from ..model import Ecosystem
from ._converted import cached_conversion, cached_edge_arrays

__all__ = [
    "communities",
    "consensus_communities",
    "compare_partitions",
    "modularity",
    "misfits",
    "nominal_partition",
    "community_profile",
    "COMMUNITY_METHODS",
]

#: The methods of :func:`communities` (besides ``"auto"``, which chooses one of them).
COMMUNITY_METHODS = ("louvain", "leiden")
# method="auto" runs Leiden on graphs with more ties than this, python-louvain up to it.
_AUTO_LEIDEN_TIES = 10_000
_NOMINAL_BY = ("cluster", "kind", "sector", "size_class", "ownership", "region", "country")


def communities(
    G: nx.Graph,
    *,
    method: str = "auto",
    resolution: float = 1.0,
    seed: int | None = 0,
    weight: str | None = "weight",
) -> pd.Series:
    """Communities of densely linked nodes, by modularity optimisation.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph; edges without the ``weight`` attribute count as 1. Self-loops
        are ignored (by every function of this module).
    method : {"auto", "louvain", "leiden"}
        ``louvain``: python-louvain's ``best_partition`` [1]_ (pure Python). ``leiden``: the
        Leiden algorithm [2]_ optimising the same modularity, as python-igraph's
        ``community_leiden`` with two iterations; it guarantees connected communities and runs
        in compiled code, over forty times faster than ``louvain`` on the Horizon 2020
        network with a higher modularity. ``auto`` (the default) runs ``leiden`` on a graph
        of more than 10,000 ties and ``louvain`` up to that, where
        python-louvain takes about a second and gives the partitions of clusternet 0.1 (see
        Notes).
    resolution : float
        The resolution :math:`\\gamma` of modularity: above 1 gives more, smaller communities.
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
        If the graph is directed or a multigraph, or a weight is negative or not a number.
    OptionalDependencyError
        If ``method="leiden"`` and python-igraph is not installed.

    See Also
    --------
    consensus_communities : communities that hold over many seeds.

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

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. Journal of Statistical Mechanics P10008.
       https://doi.org/10.1088/1742-5468/2008/10/P10008
    .. [2] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233.
       https://doi.org/10.1038/s41598-019-41695-z

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
    """
    method = _check_method(method)
    _check_resolution(resolution)
    graph = _Canonical.from_networkx(G, weight=weight)
    method = _automatic(method, graph)
    labels = _detect(graph, method=method, resolution=resolution, seed=seed)
    return graph.series(_renumber(labels), name="community")


def consensus_communities(
    G: nx.Graph,
    *,
    seeds: Iterable[int] = range(20),
    method: str = "auto",
    resolution: float = 1.0,
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
    _check_resolution(resolution)
    seeds = list(seeds)
    if not seeds:
        raise OptionError("seeds must name at least one seed")
    if not 0 < threshold <= 1:
        raise OptionError(f"threshold must be in (0, 1]; got {threshold!r}")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, (int, np.integer)) or max_rounds < 1:
        raise OptionError(f"max_rounds must be a positive integer; got {max_rounds!r}")
    graph = _Canonical.from_networkx(G, weight=weight)
    method = _automatic(method, graph)
    first = np.array([_detect(graph, method=method, resolution=resolution, seed=s) for s in seeds])

    current, runs = graph, first
    for _ in range(max_rounds):
        together = (runs[:, current.sources] == runs[:, current.targets]).mean(axis=0)
        keep = together >= threshold
        if np.all(together[keep] == 1.0):
            consensus = _components(graph.n, current.sources[keep], current.targets[keep])
            break
        current = current.with_edges(keep, together[keep])
        runs = np.array([_detect(current, method=method, resolution=resolution, seed=s) for s in seeds])
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
        default), ``ari`` (adjusted Rand index [2]_), ``modularity_a``, ``modularity_b`` (NaN
        without ``graph``). ``nmi`` and ``ari`` are 1 for identical partitions up to renaming;
        ``ari`` is 0 in expectation for unrelated ones. Both are NaN when no node is compared.

    See Also
    --------
    misfits : the nodes whose community differs from their nominal group.

    References
    ----------
    .. [1] Vinh, N. X., Epps, J. and Bailey, J. (2010). Information theoretic measures for
       clusterings comparison. Journal of Machine Learning Research 11, 2837-2854.
    .. [2] Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of Classification
       2, 193-218. https://doi.org/10.1007/BF01908075

    Examples
    --------
    >>> import clusternet as cn
    >>> a = {"w": 0, "x": 0, "y": 1, "z": 1}
    >>> round(cn.compare_partitions(a, {"w": "p", "x": "p", "y": "q", "z": "q"})["nmi"], 6)
    1.0
    >>> round(cn.compare_partitions(a, {"w": "p", "x": "q", "y": "q", "z": "q"})["ari"], 4)
    0.0
    """
    left, right = _aligned(a, b)
    n = len(left)
    result: dict[str, float] = {
        "nodes": n,
        "groups_a": int(left.nunique()),
        "groups_b": int(right.nunique()),
        "nmi": math.nan,
        "ari": math.nan,
        "modularity_a": math.nan,
        "modularity_b": math.nan,
    }
    if n:
        table = _contingency(left, right)
        result["nmi"] = _nmi(table)
        result["ari"] = _ari(table)
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


def _detect(graph: _Canonical, *, method: str, resolution: float, seed: int | None) -> np.ndarray:
    """Community labels over the canonical node positions (not yet renumbered)."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
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
        found = g.community_leiden(objective_function="modularity", weights=graph.weights.tolist(),
                                   resolution=resolution, n_iterations=2)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(found.membership, dtype=np.int64)


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


def _check_resolution(resolution: float) -> None:
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or not resolution > 0:
        raise OptionError(f"resolution must be a positive number; got {resolution!r}")

