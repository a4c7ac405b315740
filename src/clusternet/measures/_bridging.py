"""Bridging between groups: E-I index, participation, brokerage, gefura, structural holes, nulls."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Literal, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import entr

from .._options import check_simple_graph
from .._shared import edge_arrays, is_missing, random_generator
from ..errors import MissingAttributeError, OptionError
from ..model import Ecosystem
from ._shuffle import check_samples, composition_expectations, shuffled_labels

__all__ = [
    "ei_index",
    "group_mixing",
    "attribute_mixing",
    "spanning_share",
    "nominal_assortativity",
    "participation_coefficient",
    "module_roles",
    "consortium_diversity",
    "brokerage",
    "gefura",
    "structural_holes",
    "permutation_test",
    "PermutationResult",
    "BROKERAGE_ROLES",
    "MODULE_ROLES",
]

#: Gould & Fernandez role columns of :func:`brokerage`, in sna's order.
BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")

#: Guimerà & Amaral (2005) roles: code -> (name, hub, lower P bound, upper P bound).
MODULE_ROLES = {
    "R1": ("ultra-peripheral", False, -np.inf, 0.05),
    "R2": ("peripheral", False, 0.05, 0.62),
    "R3": ("non-hub connector", False, 0.62, 0.80),
    "R4": ("non-hub kinless", False, 0.80, np.inf),
    "R5": ("provincial hub", True, -np.inf, 0.30),
    "R6": ("connector hub", True, 0.30, 0.75),
    "R7": ("kinless hub", True, 0.75, np.inf),
}
_HUB_Z = 2.5

Groups = str | Mapping[Hashable, Hashable] | pd.Series


class PermutationResult(NamedTuple):
    """Result of :func:`permutation_test`."""

    observed: float
    mean: float
    sd: float
    z: float
    p: float
    p_greater: float
    p_less: float
    n: int
    null: np.ndarray


# --------------------------------------------------------------------------------------------
# Mixing between groups
# --------------------------------------------------------------------------------------------


def ei_index(G: nx.Graph, attribute: Groups, *, weight: str | None = None) -> float:
    """Krackhardt and Stern's E-I index of the whole graph.

    .. math:: EI = \\frac{EL - IL}{EL + IL}

    where :math:`EL` counts (or sums the weights of) ties between nodes of different groups
    and :math:`IL` ties within a group. It runs from -1 (all ties inside groups) to +1 (all
    ties across groups). Self-loops are ignored; in a directed graph every arc is one tie.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    attribute : str or mapping
        The node attribute holding each node's group, or a mapping node -> group.
    weight : str, optional
        Edge attribute to sum instead of counting ties.

    Returns
    -------
    float
        NaN for a graph without ties.

    Raises
    ------
    MissingAttributeError
        When a node has no group.

    See Also
    --------
    group_mixing : the same per group and per node, with the value expected by chance.

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. Social Psychology Quarterly 51(2), 123-140.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "sector")
    >>> cn.ei_index(G, "sector")  # one tie across, two inside: (1 - 2) / 3
    -0.3333333333333333
    """
    table = group_mixing(G, attribute, weight=weight, level="graph")
    return float(table["ei_index"].iloc[0])


def group_mixing(
    G: nx.Graph,
    attribute: Groups,
    *,
    weight: str | None = None,
    level: Literal["group", "node", "graph"] = "group",
) -> pd.DataFrame:
    """Ties inside and across groups: E-I index, cross-group share and what chance would give.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    attribute : str or mapping
        The node attribute holding each node's group, or a mapping node -> group.
    weight : str, optional
        Edge attribute to sum instead of counting ties.
    level : {"group", "node", "graph"}
        One row per group (index ``group``), per node (index ``node``, in ``G``'s order) or
        one row for the whole graph (index ``graph``).

    Returns
    -------
    pandas.DataFrame
        Columns ``internal`` (IL), ``external`` (EL), ``ei_index`` = (EL - IL) / (EL + IL),
        ``external_share`` = EL / (EL + IL) and ``expected_ei_index``, the E-I index if ties
        fell on pairs of nodes at random given the group sizes (unweighted; see Notes). Per
        group also ``nodes``; per node also ``group``; for the graph also ``groups`` and
        ``assortativity`` (:func:`nominal_assortativity`).

    Notes
    -----
    A tie inside group :math:`g` counts once for :math:`g`; a tie between :math:`g` and
    :math:`h` counts once for each. A node's ties are all its ties (in- and out-arcs in a
    directed graph). With :math:`n_g` nodes in group :math:`g` and :math:`N` in all, random
    ties give

    .. math::

        E[EI_{graph}] = \\frac{\\sum_{g<h} n_g n_h - \\sum_g \\binom{n_g}{2}}{\\binom{N}{2}},\\quad
        E[EI_g] = \\frac{2(N - n_g) - (n_g - 1)}{2(N - n_g) + (n_g - 1)},\\quad
        E[EI_i] = \\frac{(N - n_g) - (n_g - 1)}{N - 1}.

    Krackhardt and Stern [1]_ stress that the raw index depends on group sizes; compare it
    with ``expected_ei_index`` or with :func:`permutation_test`.

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. Social Psychology Quarterly 51(2), 123-140.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "sector")
    >>> cn.group_mixing(G, "sector")
           nodes  internal  external  ei_index  external_share  expected_ei_index
    group
    x          2       1.0       1.0       0.0             0.5               0.6
    y          2       1.0       1.0       0.0             0.5               0.6
    >>> cn.group_mixing(G, "sector", level="node")["ei_index"].tolist()
    [-1.0, 0.0, 0.0, -1.0]
    """
    if level not in ("group", "node", "graph"):
        raise _value_error(f"level must be 'group', 'node' or 'graph', not {level!r}")
    nodes, codes, labels = _node_groups(G, attribute)
    adjacency = _adjacency(G, nodes, weight)
    membership = _indicator(codes, len(labels))
    sizes = np.bincount(codes, minlength=len(labels)).astype(float)
    total_nodes = float(len(nodes))
    if level == "node":
        symmetric = adjacency + adjacency.T if G.is_directed() else adjacency
        by_group = np.asarray((symmetric @ membership).todense())
        internal = by_group[np.arange(len(nodes)), codes] if len(nodes) else np.zeros(0)
        external = by_group.sum(axis=1) - internal
        own = sizes[codes]
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = ((total_nodes - own) - (own - 1)) / (total_nodes - 1)
        table = pd.DataFrame(
            {"group": labels[codes], "internal": internal, "external": external},
            index=pd.Index(nodes, name="node"),
        )
        return _ei_columns(table, expected)
    mixing = np.asarray((membership.T @ adjacency @ membership).todense(), dtype=float)
    ties = mixing if G.is_directed() else mixing / 2.0
    inside = np.diag(ties).copy()
    if level == "group":
        across = ties.sum(axis=1) + ties.sum(axis=0) - 2 * inside
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = (2 * (total_nodes - sizes) - (sizes - 1)) / (2 * (total_nodes - sizes) + (sizes - 1))
        table = pd.DataFrame(
            {"nodes": sizes.astype(int), "internal": inside, "external": across},
            index=pd.Index(labels, name="group"),
        )
        return _ei_columns(table, expected)
    pairs_inside = float((sizes * (sizes - 1)).sum() / 2)
    # a numpy float, so that a single labelled node gives NaN (as the other levels do), not ZeroDivisionError
    pairs_all = np.float64(total_nodes * (total_nodes - 1) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.array([(pairs_all - 2 * pairs_inside) / pairs_all])
    table = pd.DataFrame(
        {
            "groups": [len(labels)],
            "internal": [float(inside.sum())],
            "external": [float(ties.sum() - inside.sum())],
        },
        index=pd.Index(["graph"], name="level"),
    )
    table = _ei_columns(table, expected)
    table["assortativity"] = _assortativity_from_mixing(mixing)
    return table


def nominal_assortativity(G: nx.Graph, attribute: Groups, *, weight: str | None = None) -> float:
    """Newman's assortativity coefficient for a categorical node attribute.

    .. math:: r = \\frac{\\sum_g e_{gg} - \\sum_g a_g b_g}{1 - \\sum_g a_g b_g}

    where :math:`e_{gh}` is the share of tie ends from group :math:`g` to group :math:`h`
    (both directions of an undirected tie), :math:`a_g = \\sum_h e_{gh}` and
    :math:`b_g = \\sum_h e_{hg}`. Equal to :func:`networkx.attribute_assortativity_coefficient`
    for unweighted graphs without self-loops; with ``weight``, ties count by their weight.

    Returns
    -------
    float
        1 for perfect sorting into groups, 0 for random mixing, negative for disassortative
        mixing; NaN when undefined (no ties, or one group only).

    References
    ----------
    .. [1] Newman, M. E. J. (2003). Mixing patterns in networks. Physical Review E 67, 026126.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph([("a", "b"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "sector")
    >>> cn.nominal_assortativity(G, "sector")
    1.0
    """
    nodes, codes, labels = _node_groups(G, attribute)
    adjacency = _adjacency(G, nodes, weight)
    membership = _indicator(codes, len(labels))
    mixing = np.asarray((membership.T @ adjacency @ membership).todense(), dtype=float)
    return _assortativity_from_mixing(mixing)


# --------------------------------------------------------------------------------------------
# Mixing among the organisations an attribute describes
# --------------------------------------------------------------------------------------------

#: Attributes the data model fills in for companies only; every other organisation gets their
#: default "unknown", so on the full network it would form one group whose ties all cross.
_COMPANY_ATTRIBUTES = ("sector", "size_class", "ownership")
#: The data model's default for an attribute nobody filled in; it names no group.
_UNKNOWN = "unknown"
#: The shuffle baseline counts groups in a dense (project, group) array up to this many cells a
#: participation, by sorting the (project, group) keys beyond (many groups: countries).
_DENSE_COUNTS = 4


def attribute_mixing(
    data: Ecosystem | nx.Graph,
    *,
    attribute: str = "sector",
    fallback: str | None = None,
    level: Literal["graph", "group", "node"] = "graph",
    weight: str | None = None,
) -> pd.DataFrame:
    """Ties within and across the groups of an organisation attribute, among the organisations it describes.

    :func:`group_mixing` measured on a stated population: ``sector``, ``size_class`` and
    ``ownership`` describe companies, so they are compared among companies (``kind ==
    "company"``); any other attribute among all organisations. Organisations whose value is
    missing or ``"unknown"`` (the data model's default) are then left out, and the measure runs
    on the subgraph they induce. Each row says which attribute and population it was computed on.

    Parameters
    ----------
    data : Ecosystem or networkx.Graph
        An ecosystem (its :func:`~clusternet.organisation_network` is measured) or an
        organisation network whose nodes carry ``kind`` and the attribute.
    attribute : str
        The node attribute that defines the groups.
    fallback : str, optional
        The attribute to measure instead when ``attribute`` cannot be (fewer than two groups
        with a known value, or no tie among their organisations); the ``attribute`` column says
        which was used. ``"kind"`` turns "across industry sectors" into "across kinds of
        organisation" for data without sectors.
    level : {"graph", "group", "node"}
        As in :func:`group_mixing`: one row for the population, one per group or one per
        organisation (in the graph's order).
    weight : str, optional
        Edge attribute to sum instead of counting ties.

    Returns
    -------
    pandas.DataFrame
        Columns ``attribute`` and ``among`` (``"companies"`` or ``"all organisations"``), then
        ``internal`` (IL), ``external`` (EL), ``ei_index``, ``external_share`` and
        ``expected_ei_index`` as in :func:`group_mixing`. Per graph also ``organisations``
        (with a known value), ``unknown`` (of the population, left out), ``groups``, ``ties``
        (edges among the known organisations) and ``assortativity``; per group ``group`` and
        ``nodes``; per node ``node`` and ``group``.

    Raises
    ------
    OptionError
        When neither ``attribute`` nor ``fallback`` can be measured; the message says why for
        each, or when ``level`` is not one of the three.
    MissingTableError
        When an ecosystem has no participations.

    See Also
    --------
    group_mixing : the same on a graph whose every node has a group.
    consortium_diversity : mixing inside each project's consortium.

    Notes
    -----
    The population is the organisations of the network in the attribute's scope (companies or
    all) whose value is known; ``organisations`` counts them, isolates included. ``ei_index``
    is :math:`(EL - IL) / (EL + IL)` over the ties among them; its baseline is
    ``expected_ei_index``, its value if those ties fell on random pairs of the same
    organisations given the group sizes (formulas in :func:`group_mixing`), and
    ``assortativity`` is Newman's coefficient, 0 under random mixing
    (:func:`nominal_assortativity`). ``external_share`` is :math:`EL / (EL + IL)`. An
    organisation with an unknown value is left out rather than made a group of its own: its
    ties would all count as crossing.

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. Social Psychology Quarterly 51(2), 123-140.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "u"), ("e", "a")])
    >>> kinds = dict.fromkeys("abcde", "company") | {"u": "knowledge_institution"}
    >>> nx.set_node_attributes(G, kinds, "kind")
    >>> sectors = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "unknown", "u": "unknown"}
    >>> nx.set_node_attributes(G, sectors, "sector")
    >>> table = cn.attribute_mixing(G, attribute="sector")  # e has no sector, u is no company
    >>> table[["attribute", "among", "organisations", "unknown", "ties", "ei_index"]]
      attribute      among  organisations  unknown  ties  ei_index
    0    sector  companies              4        1     3 -0.333333
    >>> cn.attribute_mixing(G, attribute="region", fallback="kind")[["attribute", "groups", "ei_index"]]
      attribute  groups  ei_index
    0      kind       2      -0.6
    """
    if level not in ("graph", "group", "node"):
        raise _value_error(f"level must be 'graph', 'group' or 'node', not {level!r}")
    graph = _organisation_graph(data)
    reasons = []
    for name in dict.fromkeys([attribute] if fallback is None else [attribute, fallback]):
        population, among, unknown, reason = _attribute_population(graph, name)
        if reason is not None:
            reasons.append(f"{name!r} {reason}")
            continue
        table = group_mixing(population, name, weight=weight, level=level).reset_index()
        if level == "graph":
            table = table.drop(columns="level")
            table.insert(0, "organisations", population.number_of_nodes())
            table.insert(1, "unknown", unknown)
            table.insert(3, "ties", population.number_of_edges())
        table.insert(0, "attribute", name)
        table.insert(1, "among", among)
        return table
    raise OptionError("nothing to measure: " + "; ".join(reasons))


def _organisation_graph(data: Ecosystem | nx.Graph) -> nx.Graph:
    if isinstance(data, Ecosystem):
        from ..graphs import organisation_network

        data.require("projects", "participations", purpose="attribute mixing")
        return organisation_network(data)
    if isinstance(data, nx.Graph):
        return data
    raise _value_error(f"data must be an Ecosystem or a networkx graph, not {type(data).__name__}")


def _attribute_population(graph: nx.Graph, attribute: str) -> tuple[nx.Graph, str, int, str | None]:
    """The subgraph of the organisations an attribute describes and knows, or why there is none."""
    if attribute in _COMPANY_ATTRIBUTES:
        among = who = "companies"
        scope = [node for node, kind in graph.nodes(data="kind") if kind == "company"]
    else:
        among, who = "all organisations", "organisations"
        scope = list(graph.nodes)
    known = [node for node in scope
             if not is_missing(value := graph.nodes[node].get(attribute)) and value != _UNKNOWN]
    unknown = len(scope) - len(known)
    groups = len({graph.nodes[node][attribute] for node in known})
    if groups < 2:
        return graph, among, unknown, (f"has {groups} known value(s) among {len(scope):,} {who}; "
                                       "mixing needs two groups")
    # A copy, not a subgraph view: a view filters every later walk over it, which cost 50 s on
    # all of Horizon 2020; the whole graph is used as it is when every node is known.
    population = graph if len(known) == graph.number_of_nodes() else graph.subgraph(known).copy()
    if population.number_of_edges() == 0:
        return population, among, unknown, (f"leaves no tie among the {len(known):,} {who} "
                                            "with a known value")
    return population, among, unknown, None


# --------------------------------------------------------------------------------------------
# Participation coefficient and module roles
# --------------------------------------------------------------------------------------------


def participation_coefficient(G: nx.Graph, attribute: Groups, *, weight: str | None = None) -> pd.Series:
    """Guimerà and Amaral's participation coefficient: how evenly a node's ties spread over groups.

    .. math:: P_i = 1 - \\sum_s \\left(\\frac{k_{is}}{k_i}\\right)^2

    with :math:`k_{is}` the node's ties (or tie weight) to group :math:`s` and :math:`k_i` all
    its ties. 0 when all ties go to one group; near 1 when they spread evenly over many.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        In a directed graph in- and out-arcs both count.
    attribute : str or mapping
        The node attribute holding each node's group (module), or a mapping node -> group.
    weight : str, optional
        Edge attribute: strengths instead of degrees.

    Returns
    -------
    pandas.Series
        Indexed by node in ``G``'s order, named ``participation``. Isolated nodes get 0, as
        in the Brain Connectivity Toolbox.

    References
    ----------
    .. [1] Guimerà, R. and Amaral, L. A. N. (2005). Functional cartography of complex
       metabolic networks. Nature 433, 895-900.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.star_graph(4)  # centre 0 tied to 1, 2, 3, 4
    >>> groups = {0: "a", 1: "a", 2: "b", 3: "c", 4: "d"}
    >>> cn.participation_coefficient(G, groups).round(3).tolist()
    [0.75, 0.0, 0.0, 0.0, 0.0]
    """
    nodes, codes, labels = _node_groups(G, attribute)
    by_group = _ties_by_group(G, nodes, codes, len(labels), weight)
    return pd.Series(_participation(by_group), index=pd.Index(nodes, name="node"), name="participation")


def module_roles(G: nx.Graph, attribute: Groups, *, weight: str | None = None) -> pd.DataFrame:
    """Within-module degree z-score, participation coefficient and Guimerà-Amaral role per node.

    The within-module degree z-score is

    .. math:: z_i = \\frac{\\kappa_i - \\bar\\kappa_{s_i}}{\\sigma_{\\kappa_{s_i}}}

    where :math:`\\kappa_i` counts (or weighs) the node's ties inside its own group
    :math:`s_i` and :math:`\\bar\\kappa_{s_i}`, :math:`\\sigma_{\\kappa_{s_i}}` are the mean and
    (population) standard deviation of :math:`\\kappa` over that group; a group where all
    :math:`\\kappa` are equal gives 0. Nodes with :math:`z \\ge 2.5` are hubs. Roles
    (Guimerà and Amaral 2005): non-hubs R1 ultra-peripheral (:math:`P \\le 0.05`), R2 peripheral
    (:math:`\\le 0.62`), R3 non-hub connector (:math:`\\le 0.80`), R4 non-hub kinless; hubs R5
    provincial hub (:math:`P \\le 0.30`), R6 connector hub (:math:`\\le 0.75`), R7 kinless hub.

    Returns
    -------
    pandas.DataFrame
        Indexed by node in ``G``'s order, columns ``group, degree, within_degree,
        within_module_z, participation, hub, role, role_name``.

    References
    ----------
    .. [1] Guimerà, R. and Amaral, L. A. N. (2005). Functional cartography of complex
       metabolic networks. Nature 433, 895-900.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.star_graph(4)
    >>> groups = {0: "a", 1: "a", 2: "b", 3: "c", 4: "d"}
    >>> cn.module_roles(G, groups)[["participation", "role", "role_name"]].loc[[0, 1]]
          participation role          role_name
    node
    0              0.75   R3  non-hub connector
    1              0.00   R1   ultra-peripheral
    """
    nodes, codes, labels = _node_groups(G, attribute)
    by_group = _ties_by_group(G, nodes, codes, len(labels), weight)
    degree = by_group.sum(axis=1)
    within = by_group[np.arange(len(nodes)), codes] if len(nodes) else np.zeros(0)
    frame = pd.DataFrame({"code": codes, "within": within})
    grouped = frame.groupby("code")["within"]
    mean = grouped.transform("mean").to_numpy()
    sd = grouped.transform(lambda values: values.std(ddof=0)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (within - mean) / sd
    z = np.where(np.isfinite(z), z, 0.0)
    participation = _participation(by_group)
    hub = z >= _HUB_Z
    role = np.empty(len(nodes), dtype=object)
    for code, (_, is_hub, low, high) in MODULE_ROLES.items():
        role[(hub == is_hub) & (participation > low) & (participation <= high)] = code
    names = {code: spec[0] for code, spec in MODULE_ROLES.items()}
    return pd.DataFrame(
        {
            "group": labels[codes],
            "degree": degree,
            "within_degree": within,
            "within_module_z": z,
            "participation": participation,
            "hub": hub,
            "role": role,
            # weights whose sum overflows leave participation NaN: no role, rather than a KeyError
            "role_name": [names.get(r) for r in role],
        },
        index=pd.Index(nodes, name="node"),
    )


# --------------------------------------------------------------------------------------------
# Consortium diversity
# --------------------------------------------------------------------------------------------


def consortium_diversity(
    ecosystem: Ecosystem,
    attribute: str | pd.Series,
    *,
    baseline: Literal["shuffle"] | None = None,
    samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
    shuffle_among: Literal["participants", "organisations"] = "participants",
) -> pd.DataFrame:
    r"""How many groups each project's consortium mixes, beside what shuffled groups would give.

    With :math:`p_g` the share of a project's participating organisations in group
    :math:`g` (each organisation counted once per project, organisations without a value left
    out):

    .. math:: Blau = 1 - \sum_g p_g^2, \qquad H = -\sum_g p_g \ln p_g

    A share such as "97% of projects join several sectors" says little until it is set beside
    the share the same consortia would give with the groups spread at random, so
    ``baseline="shuffle"`` adds, for every project, its expected value under that null: the
    labels of the organisations with a known value are shuffled among them (every consortium
    and every group's size kept, the standard null of attribute assortment [3]_).

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``participations`` and ``organisations``.
    attribute : str or pandas.Series
        A column of ``ecosystem.organisations`` (``kind``, ``sector``, ``size_class``,
        ``country``, ...) or a Series mapping organisation_id -> group. Organisations without a
        value or with ``"unknown"`` (the data model's default for a sector or size nobody filled
        in) are left out of the shares and counted in ``unknown``: they are never a group. For
        firms only, pass the firms' values (``sector[kind == "company"]``, as in the
        walk-through): the data model gives universities the sector ``"unknown"``, but real data
        may give them one.
    baseline : {"shuffle"}, optional
        Add each project's expected composition with the labels shuffled (see Returns).
    samples : int, default 1000
        Shuffles drawn for the spread of the baseline (the expectations are exact).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the shuffles (see ``docs/parameters.md``).
    shuffle_among : {"participants", "organisations"}, default "participants"
        The population whose labels are shuffled: the organisations with a known value that take
        part in a project (the composition of the participants kept, so only who works with
        whom is random), or every organisation with a known value, also those in no project
        (as if consortia were drawn from all of them; for a Series, every organisation it
        gives a value).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``project_id`` (sorted), columns ``participants, unknown, groups, blau,
        shannon, spans_groups`` (``groups >= 2``). Projects whose participants all lack a
        value have ``groups`` 0 and NaN indices. With ``baseline="shuffle"`` also
        ``expected_groups``, ``expected_blau``, ``expected_shannon`` and ``expected_spans`` (the
        chance of spanning two or more groups), each exact (see Notes), and
        ``expected_groups_sd``, ``expected_blau_sd``, ``expected_shannon_sd``,
        ``expected_spans_sd``: their standard deviations over ``samples`` seeded shuffles.
        ``attrs["population"]`` then says in words which organisations were shuffled, and
        ``attrs["baseline"]`` holds the share over all projects with two or more participants
        of known value (the one-row table of :func:`spanning_share`, as a dict): ``projects``,
        ``organisations`` (:math:`N`), ``groups``, ``observed``, ``expected`` (exact),
        ``expected_sampled`` and ``expected_sd`` (mean and standard deviation over the
        shuffles), ``low`` and ``high`` (their 2.5% and 97.5% quantiles), ``p_value``
        (one-sided, :math:`(1 + \#\{s \geq o\}) / (1 + samples)`), ``samples`` and ``seed``.

    Raises
    ------
    OptionError
        When ``baseline``, ``samples`` or ``shuffle_among`` is not one of its values, or when
        there is no organisation with a known value to shuffle.
    MissingAttributeError
        When ``attribute`` is not a column of the organisations table.

    See Also
    --------
    spanning_share : the overall share and its baseline as a one-row table.
    attribute_mixing : ties within and across groups in the organisation network.

    Notes
    -----
    Shuffling a fixed vector of labels over :math:`N` organisations, :math:`N_g` of them in
    group :math:`g`, makes the group counts :math:`X_g` of a consortium of :math:`n` of them
    multivariate hypergeometric, so the expectations are exact sums over groups:

    .. math::

        E[\text{groups}] = \sum_g 1 - \frac{\binom{N - N_g}{n}}{\binom{N}{n}}, \qquad
        P(\text{groups} \geq 2) = 1 - \sum_g \frac{\binom{N_g}{n}}{\binom{N}{n}},

    :math:`E[Blau] = 1 - \sum_g E[X_g^2] / n^2` from the hypergeometric moments, and
    :math:`E[H] = \sum_g \sum_k P(X_g = k) \cdot (-\frac{k}{n} \ln \frac{k}{n})` (scipy's
    ``hypergeom``). The overall share's expectation is the mean of the projects' chances; its
    spread comes from the shuffles, since projects that share organisations are not
    independent.

    References
    ----------
    .. [1] Blau, P. M. (1977). Inequality and Heterogeneity. New York: Free Press.
    .. [2] Shannon, C. E. (1948). A mathematical theory of communication. Bell System
       Technical Journal 27, 379-423.
    .. [3] Good, P. I. (2005). *Permutation, Parametric, and Bootstrap Tests of Hypotheses*
       (3rd ed.). Springer. Chapter 3.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                 "kind": ["company", "company", "public_body", "company"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "d"]}))
    >>> cn.consortium_diversity(eco, "kind").round(3)
                participants  unknown  groups   blau  shannon  spans_groups
    project_id
    p1                     3        0       2  0.444    0.637          True
    p2                     2        0       1  0.000    0.000         False

    With the kinds shuffled over the four organisations (three companies, one public body), a
    pair spans two kinds with chance 1 - C(3, 2) / C(4, 2) = 0.5, a trio with chance
    1 - C(3, 3) / C(4, 3) = 0.75:

    >>> table = cn.consortium_diversity(eco, "kind", baseline="shuffle", samples=200)
    >>> table[["spans_groups", "expected_spans", "expected_groups"]]
                spans_groups  expected_spans  expected_groups
    project_id
    p1                  True            0.75             1.75
    p2                 False            0.50             1.50
    >>> table.attrs["population"]
    'the 4 organisations with a known kind that take part in a project (by kind: company 3, public_body 1)'
    >>> table.attrs["baseline"]["expected"]  # the mean chance over both projects
    0.625
    """
    if baseline not in (None, "shuffle"):
        raise OptionError(f"baseline must be None or 'shuffle', not {baseline!r}")
    if shuffle_among not in ("participants", "organisations"):
        raise OptionError(f"shuffle_among must be 'participants' or 'organisations', not {shuffle_among!r}")
    samples = check_samples(samples)
    ecosystem.require("participations", "organisations", purpose="consortium diversity")
    groups = _known_groups(_organisation_groups(ecosystem, attribute))
    pairs = _participation_groups(ecosystem, groups)
    participants = pairs.groupby("project_id", sort=True).size()
    known = pairs.dropna(subset=["group"])
    # sorted groups: the float sums below then add in the same order whatever the input row order
    counts = known.groupby(["project_id", "group"], sort=True).size().rename("count").reset_index()
    counts["share"] = counts["count"] / counts.groupby("project_id")["count"].transform("sum")
    counts["square"] = counts["share"] ** 2
    counts["entropy"] = -counts["share"] * np.log(counts["share"])
    per_project = counts.groupby("project_id").agg(
        groups=("group", "size"), square=("square", "sum"), shannon=("entropy", "sum"), known=("count", "sum")
    )
    table = pd.DataFrame(index=participants.index)
    table["participants"] = participants.astype(int)
    known_count = per_project["known"].reindex(table.index, fill_value=0)
    table["unknown"] = (table["participants"] - known_count).astype(int)
    table["groups"] = per_project["groups"].reindex(table.index, fill_value=0).astype(int)
    table["blau"] = 1.0 - per_project["square"].reindex(table.index)
    table["shannon"] = per_project["shannon"].reindex(table.index) + 0.0  # -0.0 -> 0.0
    table["spans_groups"] = table["groups"] >= 2
    table.index.name = "project_id"
    if baseline is None:
        return table
    return _shuffle_baseline(ecosystem, table, known, groups, attribute, shuffle_among, samples, seed)


def _known_groups(groups: pd.Series) -> pd.Series:
    """The organisations' groups with missing and ``"unknown"`` values dropped: those are no group."""
    values = groups.to_numpy(dtype=object)
    unknown = np.array([is_missing(value) or (isinstance(value, str) and value == _UNKNOWN) for value in values],
                       dtype=bool)
    return groups[~unknown]


def _shuffle_baseline(ecosystem: Ecosystem, table: pd.DataFrame, known: pd.DataFrame, groups: pd.Series,
                      attribute: object, shuffle_among: str, samples: int,
                      seed: int | np.random.Generator | None) -> pd.DataFrame:
    """``table`` with each project's composition under shuffled labels, and the overall share's."""
    if shuffle_among == "participants":
        population = pd.Index(pd.unique(known["organisation_id"]))
        where = "that take part in a project"
    else:
        population = pd.Index(pd.unique(groups.index.to_numpy()))
        where = "in the " + ("organisations table" if isinstance(attribute, str) else "given Series")
    if len(population) == 0:
        raise OptionError(f"nothing to shuffle: no organisation {where} has a known {_name(attribute)} value")
    population = population.sort_values()
    values = pd.Series(groups.groupby(level=0).first().reindex(population).to_numpy(dtype=object))
    try:
        label_codes, group_names = pd.factorize(values, sort=True)
    except TypeError:  # mixed, unorderable labels: the organisations' order instead
        label_codes, group_names = pd.factorize(values, sort=False)
    group_sizes = np.bincount(label_codes, minlength=len(group_names))
    n_projects, n_groups = len(table), len(group_names)
    sizes = (table["participants"] - table["unknown"]).to_numpy(dtype=np.int64)
    exact = composition_expectations(sizes, group_sizes)

    row_project = table.index.get_indexer(known["project_id"]).astype(np.int64)
    row_position = population.get_indexer(known["organisation_id"]).astype(np.int64)
    eligible = sizes >= 2
    measures = ("groups", "blau", "shannon", "spans")
    sums = {key: np.zeros(n_projects) for key in measures}
    squares = {key: np.zeros(n_projects) for key in measures}
    shares = []
    # A dense (shuffle, project, group) count array while it is small beside the participations;
    # with many groups (countries) the distinct (shuffle, project, group) keys by sorting instead.
    dense = n_projects * n_groups <= _DENSE_COUNTS * max(len(row_project), 1)
    width = n_projects * n_groups if dense else len(row_project)
    with np.errstate(invalid="ignore", divide="ignore"):
        for block in shuffled_labels(label_codes, samples, random_generator(seed), width):
            rows = len(block)
            keys = ((np.arange(rows)[:, None] * n_projects + row_project[None, :]) * n_groups
                    + block[:, row_position]).ravel()
            values_of = {}
            if dense:
                counts = np.bincount(keys, minlength=rows * n_projects * n_groups).reshape(rows, n_projects, n_groups)
                share = counts / sizes[None, :, None]
                values_of["groups"] = (counts > 0).sum(axis=2).astype(float)
                values_of["blau"] = 1.0 - (share**2).sum(axis=2)
                values_of["shannon"] = entr(share).sum(axis=2)
            else:
                present, counts = np.unique(keys, return_counts=True)
                owner = present // n_groups  # shuffle * n_projects + project
                share = counts / sizes[owner % n_projects]
                cells = rows * n_projects
                values_of["groups"] = np.bincount(owner, minlength=cells).astype(float).reshape(rows, n_projects)
                values_of["blau"] = 1.0 - np.bincount(owner, weights=share**2, minlength=cells).reshape(rows, n_projects)
                values_of["shannon"] = np.bincount(owner, weights=entr(share), minlength=cells).reshape(rows, n_projects)
            values_of["spans"] = (values_of["groups"] >= 2).astype(float)
            for key in measures:
                sums[key] += values_of[key].sum(axis=0)
                squares[key] += (values_of[key] ** 2).sum(axis=0)
            shares.append(values_of["spans"][:, eligible].mean(axis=1) if eligible.any()
                          else np.full(rows, np.nan))
    table = table.copy()
    for key in measures:
        table[f"expected_{key}"] = exact[key]
    for key in measures:
        mean = sums[key] / samples
        spread = np.sqrt(np.maximum(squares[key] - samples * mean**2, 0.0) / (samples - 1)) if samples > 1 \
            else np.full(n_projects, np.nan)
        table[f"expected_{key}_sd"] = np.where(np.isnan(exact[key]), np.nan, spread)
    null = np.concatenate(shares)
    observed = float(table.loc[eligible, "spans_groups"].mean()) if eligible.any() else float("nan")
    kinds = ecosystem.organisations.set_index("organisation_id")["kind"].reindex(population)
    mix = ", ".join(f"{kind} {count:,}" for kind, count in kinds.fillna("unlisted").value_counts().items())
    described = f"the {len(population):,} organisations with a known {_label(attribute)} {where} (by kind: {mix})"
    table.attrs["population"] = described
    table.attrs["baseline"] = {
        "projects": int(eligible.sum()),
        "organisations": len(population),
        "groups": n_groups,
        "observed": observed,
        "expected": float(exact["spans"][eligible].mean()) if eligible.any() else float("nan"),
        "expected_sampled": float(null.mean()) if eligible.any() else float("nan"),
        "expected_sd": float(null.std(ddof=1)) if samples > 1 and eligible.any() else float("nan"),
        "low": float(np.quantile(null, 0.025)) if eligible.any() else float("nan"),
        "high": float(np.quantile(null, 0.975)) if eligible.any() else float("nan"),
        "p_value": (1 + int((null >= observed - 1e-12).sum())) / (1 + samples) if eligible.any()
        else float("nan"),
        "samples": samples,
        "seed": seed if isinstance(seed, int | np.integer) else None,
        "population": described,
    }
    return table


def spanning_share(
    ecosystem: Ecosystem,
    attribute: str | pd.Series,
    *,
    samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
    shuffle_among: Literal["participants", "organisations"] = "participants",
) -> pd.DataFrame:
    r"""The share of projects whose consortium spans two or more groups, beside its chance baseline.

    A share such as "97% of projects join several sectors" says nothing until it is compared
    with what the same consortia would give if the groups were spread at random. The null keeps
    every consortium (who works with whom) and every group's size, and shuffles the group labels
    among the organisations that have one (a permutation of the labels, the standard null of
    attribute assortment [1]_). The overall line of :func:`consortium_diversity`'s baseline.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``participations`` and ``organisations``.
    attribute : str or pandas.Series
        As in :func:`consortium_diversity`: a column of ``ecosystem.organisations`` or a Series
        organisation_id -> group. Organisations without a value, or with ``"unknown"`` (the data
        model's default for a missing sector or size), are left out: they are never a group.
    samples : int, default 1000
        Shuffles drawn for the spread of the baseline.
    seed : int, numpy.random.Generator or None, default 0
        Seed of the shuffles (see ``docs/parameters.md``).
    shuffle_among : {"participants", "organisations"}, default "participants"
        Whose labels are shuffled, as in :func:`consortium_diversity`: the organisations with a
        known value that take part in a project, or all organisations with a known value.

    Returns
    -------
    pandas.DataFrame
        One row, columns ``projects`` (projects with at least two participants that have a
        value: the population of the share), ``organisations`` (:math:`N`, the organisations
        whose labels are shuffled, described in words in ``attrs["population"]``), ``groups``,
        ``observed`` (share of those projects spanning two or more groups), ``expected_exact``
        (the mean of the projects' hypergeometric chances of spanning, see
        :func:`consortium_diversity`), ``expected`` and ``expected_sd`` (mean and standard
        deviation of the share over the shuffles), ``low`` and ``high`` (the 2.5% and 97.5%
        quantiles of the shuffled shares), ``p_value`` (one-sided, the chance of a shuffled
        share at least the observed, :math:`(1 + \#\{s \geq o\}) / (1 + samples)`) and
        ``samples``.

    Raises
    ------
    OptionError
        When ``samples`` is not a positive integer, or no project has two participants with a
        value (nothing to measure; the message says why).

    References
    ----------
    .. [1] Good, P. I. (2005). *Permutation, Parametric, and Bootstrap Tests of Hypotheses*
       (3rd ed.). Springer. Chapter 3.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abcdef"),
    ...                                 "sector": ["x", "x", "x", "y", "y", "y"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2", "p3", "p3"],
    ...                                  "organisation_id": ["a", "b", "c", "d", "e", "f"]}))
    >>> table = cn.spanning_share(eco, "sector", samples=200)
    >>> table[["projects", "organisations", "groups", "observed", "expected_exact"]].round(3)
       projects  organisations  groups  observed  expected_exact
    0         3              6       2     0.333             0.6

    A random pair of the six spans both sectors with chance 1 - 2 C(3, 2) / C(6, 2) = 0.6.
    """
    samples = check_samples(samples)
    table = consortium_diversity(ecosystem, attribute, baseline="shuffle", samples=samples, seed=seed,
                                 shuffle_among=shuffle_among)
    line = table.attrs["baseline"]
    if line["projects"] == 0:
        raise OptionError(
            f"nothing to measure: no project has two participants with a {_name(attribute)} value"
        )
    result = pd.DataFrame({key: [line[key]] for key in ("projects", "organisations", "groups", "observed")})
    result["expected_exact"] = line["expected"]
    result["expected"] = line["expected_sampled"]
    for key in ("expected_sd", "low", "high", "p_value", "samples"):
        result[key] = line[key]
    result.attrs["population"] = line["population"]
    return result


# --------------------------------------------------------------------------------------------
# Brokerage on the organisation-project structure
# --------------------------------------------------------------------------------------------


def brokerage(
    ecosystem: Ecosystem,
    attribute: str | pd.Series,
    *,
    count: Literal["pairs", "paths"] = "pairs",
) -> pd.DataFrame:
    """Gould and Fernandez brokerage roles of each organisation, counted on projects.

    Organisation :math:`b` brokers the ordered pair :math:`(a, c)` when :math:`a` shares a
    project with :math:`b`, :math:`b` shares a project with :math:`c`, and :math:`a` and
    :math:`c` share none (:math:`a, b, c` distinct). This is read from the organisation-project
    incidence, so partners of one consortium are never brokered by each other (they are
    already in contact), as Jasny and Lubell [2]_ require of two-mode brokerage. The role
    depends on the groups of :math:`a \\to b \\to c` (Gould and Fernandez [1]_):

    ============== ==================== =========================================
    role           structure            the broker ...
    ============== ==================== =========================================
    coordinator    A -> A -> A          links two members of its own group
    itinerant      A -> B -> A          links two members of another group
    representative A -> A -> B          passes from its own group out to another
    gatekeeper     A -> B -> B          lets another group in to its own
    liaison        A -> B -> C          links two other, different groups
    ============== ==================== =========================================

    Direction: project ties are undirected, so each brokered pair counts in both directions,
    :math:`a \\to b \\to c` and :math:`c \\to b \\to a`, as R sna's ``brokerage`` does on a
    symmetric graph. Hence ``representative`` equals ``gatekeeper`` for every organisation,
    and every count is twice the number of unordered pairs (their sum is Jasny and Lubell's
    combined representative/gatekeeper count, times two).

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``participations`` and ``organisations``. The actors are the organisations with
        at least one participation.
    attribute : str or pandas.Series
        A column of ``ecosystem.organisations`` or a Series organisation_id -> group.
    count : {"pairs", "paths"}
        ``"pairs"`` counts each brokered ordered pair once; this equals sna's ``brokerage``
        on the (binary) co-participation graph. ``"paths"`` counts each two-mode path
        :math:`a - p - b - q - c` through projects :math:`p \\ne q`, so a broker linking
        :math:`a` and :math:`c` through several project pairs counts each: the weight of the
        bridge. Expected values and z-scores are only defined for ``"pairs"`` (NaN otherwise).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``organisation_id`` (sorted), columns ``group``, the five roles and
        ``total``, then ``expected_<role>`` and ``z_<role>`` for the five roles and the
        total.

    Notes
    -----
    Expected counts and standard deviations are those of sna [3]_ (Gould and Fernandez's
    moments for a random graph of the observed density :math:`d = 2L/(N(N-1))`, :math:`L` the
    number of co-participation ties, :math:`N` actors, :math:`n_i` actors in the broker's
    group :math:`i`); with :math:`q = d^2 (1 - d)`:

    .. math::

        E_{coordinator} &= q (n_i - 1)(n_i - 2) \\\\
        E_{itinerant} &= q \\sum_{j \\ne i} n_j (n_j - 1) \\\\
        E_{representative} = E_{gatekeeper} &= q (N - n_i)(n_i - 1) \\\\
        E_{liaison} &= q \\Big[\\big(\\sum_{j \\ne i} n_j\\big)^2 - \\sum_{j \\ne i} n_j^2\\Big] \\\\
        E_{total} &= q (N - 1)(N - 2)

    The standard deviations are sna's for the representative and gatekeeper roles and
    :math:`\\sqrt{2}` times sna's for the others: sna applies Gould and Fernandez's moments of a
    directed graph to the symmetric graph, where a coordinator's, itinerant's or liaison's pair
    counts in both directions, which doubles the variance. These are the exact moments of the
    random graph (tested against an enumeration of all graphs on five actors); sna's z-scores
    of those roles are :math:`\\sqrt{2}` times these.

    The random-graph null ignores that projects make cliques: co-participation graphs are
    far more clustered than a random graph of the same density, so these z-scores are
    strongly negative almost everywhere. Shuffling the groups over the same structure
    (:func:`permutation_test`) is often the fairer comparison.

    The computation is vectorised: with :math:`W` the co-participation matrix (shared
    projects, or 1/0 for ``"pairs"``) and :math:`A` its 0/1 pattern, all ordered neighbour
    pairs of :math:`b` by group come from :math:`W G` (:math:`G` the group indicator), and
    the closed ones (:math:`a \\sim c`) from :math:`W \\circ (W A)` restricted to ties.

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach
       to brokerage in transaction networks. Sociological Methodology 19, 89-126.
    .. [2] Jasny, L. and Lubell, M. (2015). Two-mode brokerage in policy networks. Social
       Networks 41, 36-47.
    .. [3] Butts, C. T. sna: Tools for Social Network Analysis, R package, function
       ``brokerage``.

    Examples
    --------
    Organisation ``b`` (a firm) is in project p1 with firm ``a`` and in p2 with university
    ``c``; ``a`` and ``c`` share no project:

    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c"],
    ...                                 "kind": ["company", "company", "knowledge_institution"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "b", "c"]}))
    >>> roles = cn.brokerage(eco, "kind")[list(cn.BROKERAGE_ROLES)]
    >>> roles.loc["b"].to_dict()
    {'coordinator': 0.0, 'itinerant': 0.0, 'representative': 1.0, 'gatekeeper': 1.0, 'liaison': 0.0}
    >>> float(roles.loc[["a", "c"]].to_numpy().sum())
    0.0
    """
    if count not in ("pairs", "paths"):
        raise _value_error(f"count must be 'pairs' or 'paths', not {count!r}")
    ecosystem.require("participations", "organisations", purpose="brokerage")
    groups = _organisation_groups(ecosystem, attribute)
    pairs = ecosystem.participations[["organisation_id", "project_id"]].drop_duplicates()
    organisations = np.sort(pairs["organisation_id"].unique())
    group_values = groups.reindex(organisations)
    missing = group_values.isna()
    if missing.any():
        raise MissingAttributeError(
            f"{int(missing.sum())} organisation(s) taking part in projects have no {_name(attribute)} "
            f"(e.g. {_examples(organisations[missing.to_numpy()])}); give every organisation a group, "
            "for example with fillna('unknown')"
        )
    codes, labels = pd.factorize(group_values.to_numpy(), sort=True)
    labels = np.asarray(labels)
    incidence = _incidence(pairs, organisations)
    shared = (incidence @ incidence.T).tocsr()
    shared.setdiag(0)
    shared.eliminate_zeros()
    pattern = shared.copy()
    pattern.data = np.ones_like(pattern.data)
    weights = pattern if count == "pairs" else shared
    observed = _brokerage_counts(weights, pattern, codes, len(labels))
    table = pd.DataFrame(observed, columns=list(BROKERAGE_ROLES), index=pd.Index(organisations, name="organisation_id"))
    table["total"] = table[list(BROKERAGE_ROLES)].sum(axis=1)
    table.insert(0, "group", labels[codes])
    expected, sd = _brokerage_moments(codes, len(labels), pattern.nnz)
    # Gould and Fernandez's variances are for a directed graph, whose arcs are independent. In
    # the symmetric co-participation graph the pairs (a, c) and (c, a) of a coordinator,
    # itinerant or liaison are one event counted twice, so those counts are twice a count of
    # unordered pairs and their variance four times its variance: twice sna's. (Representative
    # and gatekeeper are unaffected: the reverse of one is the other.) Checked against the exact
    # moments of every graph on five actors in tests/test_bridging_oracles.py.
    sd[:, _DOUBLED_ROLES] *= math.sqrt(2.0)
    columns = [*BROKERAGE_ROLES, "total"]
    if count == "paths":
        expected = np.full_like(expected, np.nan)
    for position, role in enumerate(columns):
        table[f"expected_{role}"] = expected[codes, position]
    for position, role in enumerate(columns):
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"z_{role}"] = (table[role].to_numpy() - expected[codes, position]) / sd[codes, position]
    return table


# --------------------------------------------------------------------------------------------
# Gefura
# --------------------------------------------------------------------------------------------


def gefura(
    G: nx.Graph,
    attribute: Groups,
    *,
    normalized: bool = True,
    k: int | None = None,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Global and local gefura: betweenness on shortest paths between nodes of different groups.

    .. math::

        \\Gamma_G(v) = \\sum_{\\substack{s, t:\\ g(s) \\ne g(t)\\\\ s, t \\ne v}}
            \\frac{\\sigma_{st}(v)}{\\sigma_{st}}, \\qquad
        \\Gamma_L(v) = \\sum_{\\substack{s:\\ g(s) = g(v),\\ t:\\ g(t) \\ne g(v)\\\\ s \\ne v}}
            \\frac{\\sigma_{st}(v)}{\\sigma_{st}}

    with :math:`\\sigma_{st}` the number of shortest paths from :math:`s` to :math:`t` and
    :math:`\\sigma_{st}(v)` those through :math:`v`. Global gefura counts paths between any two
    groups; local gefura those between the node's own group and the others. In an undirected
    graph each unordered pair counts once. Normalised, global gefura is divided by the
    number of pairs of nodes in different groups other than :math:`v` and local gefura by
    :math:`(n_{g(v)} - 1)(N - n_{g(v)})`, as in the ``gefura`` package [3]_; both then lie in
    [0, 1]. Path length is the number of ties (weights are not used).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    attribute : str or mapping
        The node attribute holding each node's group, or a mapping node -> group.
    normalized : bool
    k : int, optional
        Estimate from ``k`` source nodes drawn at random (scaled by N / k), as
        :func:`networkx.betweenness_centrality` does; for graphs of tens of thousands of
        nodes. Exact when omitted.
    seed : int or numpy.random.Generator, optional
        For the sample of sources.

    Returns
    -------
    pandas.DataFrame
        Indexed by node in ``G``'s order, columns ``global_gefura, local_gefura``.

    Notes
    -----
    Brandes' accumulation, run for blocks of sources at once as sparse-matrix products
    (breadth-first search level by level), with the dependency of a target counted only when
    its group differs from the source's.

    References
    ----------
    .. [1] Flom, P. L., Friedman, S. R., Strauss, S. and Neaigus, A. (2004). A new measure of
       linkage between two sub-networks. Connections 26(1), 62-70.
    .. [2] Guns, R. and Rousseau, R. (2015). Unnormalized and normalized forms of gefura
       measures in directed and undirected networks. Frontiers of Information Technology &
       Electronic Engineering 16(4), 311-320.
    .. [3] Guns, R. gefura (Python package), https://github.com/rafguns/gefura

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.path_graph(5)
    >>> groups = {0: "A", 2: "A", 1: "B", 3: "C", 4: "C"}
    >>> cn.gefura(G, groups).round(3)
          global_gefura  local_gefura
    node
    0               0.0         0.000
    1               0.5         0.000
    2               0.8         0.667
    3               0.6         1.000
    4               0.0         0.000
    """
    nodes, codes, labels = _node_groups(G, attribute)
    n = len(nodes)
    adjacency = _adjacency(G, nodes, None)
    adjacency.data = np.ones_like(adjacency.data)
    if k is None:
        sources = np.arange(n)
        scale = 1.0
    else:
        if not 0 < k <= n:
            raise _value_error(f"k must be between 1 and the number of nodes ({n}), not {k}")
        sources = np.sort(random_generator(seed).choice(n, size=k, replace=False))
        scale = n / k
    total, local = _gefura_accumulate(adjacency, codes, sources)
    total *= scale
    local *= scale
    directed = G.is_directed()
    if not directed:
        total /= 2.0  # every unordered pair was reached from both ends
    if normalized:
        sizes = np.bincount(codes, minlength=len(labels)).astype(float)
        others = sizes[None, :] - np.eye(len(labels))[codes]  # group sizes without the node itself
        cross_pairs = (others.sum(axis=1) ** 2 - (others**2).sum(axis=1)) / 2.0
        if directed:
            cross_pairs *= 2
        own = sizes[codes]
        local_pairs = (own - 1) * (n - own)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(cross_pairs > 0, total / cross_pairs, 0.0)
            local = np.where(local_pairs > 0, local / local_pairs, 0.0)
    return pd.DataFrame(
        {"global_gefura": total, "local_gefura": local}, index=pd.Index(nodes, name="node")
    )


# --------------------------------------------------------------------------------------------
# Structural holes
# --------------------------------------------------------------------------------------------


def structural_holes(G: nx.Graph, *, weight: str | None = None) -> pd.DataFrame:
    """Burt's constraint, effective size and efficiency of every node.

    The definitions are those of :func:`networkx.constraint` and
    :func:`networkx.effective_size`, computed with sparse matrices so they run on graphs of
    tens of thousands of nodes (tests check equality with networkx). With :math:`p_{ij}` the
    share of :math:`i`'s (mutual) tie weight that goes to :math:`j`, and :math:`m_{jq}` the
    tie weight of :math:`j` to :math:`q` divided by :math:`j`'s largest tie weight:

    .. math::

        c_i = \\sum_{j \\in N(i)} \\Big(p_{ij} + \\sum_{q \\ne i, j} p_{iq} p_{qj}\\Big)^2,\\qquad
        ES_i = \\sum_{j \\in N(i)} \\Big(1 - \\sum_{q} p_{iq} m_{jq}\\Big),\\qquad
        efficiency_i = ES_i / |N(i)|.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Self-loops are ignored. In a directed graph ties in both directions count
        (networkx's mutual weights).
    weight : str, optional

    Returns
    -------
    pandas.DataFrame
        Indexed by node in ``G``'s order, columns ``constraint, effective_size, efficiency``;
        NaN for isolated nodes. (networkx 3.6 also gives NaN effective size to nodes of a
        directed graph that only receive arcs; here their ties count like any other.)

    References
    ----------
    .. [1] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition.
       Cambridge, MA: Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
       Connections 20(1), 35-38.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.star_graph(3)  # a centre with three unconnected alters
    >>> cn.structural_holes(G).round(3).loc[0].tolist()
    [0.333, 3.0, 1.0]
    """
    nodes = list(G.nodes)
    adjacency = _adjacency(G, nodes, weight)
    mutual = (adjacency + adjacency.T).tocsr() if G.is_directed() else (2 * adjacency).tocsr()
    mutual.eliminate_zeros()
    pattern = mutual.copy()
    pattern.data = np.ones_like(pattern.data)
    neighbours = np.diff(pattern.indptr).astype(float)
    strength = np.asarray(mutual.sum(axis=1)).ravel()
    largest = np.asarray(mutual.max(axis=1).todense()).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = sp.diags(np.where(strength > 0, 1.0 / strength, 0.0)) @ mutual
        relative = sp.diags(np.where(largest > 0, 1.0 / largest, 0.0)) @ mutual
    share = share.tocsr()
    indirect = _masked_product(share, share.tocsr(), pattern)
    constraint = np.asarray((share + indirect).power(2).sum(axis=1)).ravel()
    redundancy = _masked_product(pattern, relative.tocsr(), pattern).multiply(share)
    effective = neighbours - np.asarray(redundancy.sum(axis=1)).ravel()
    isolated = neighbours == 0
    constraint[isolated] = np.nan
    effective[isolated] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        efficiency = effective / neighbours
    return pd.DataFrame(
        {"constraint": constraint, "effective_size": effective, "efficiency": efficiency},
        index=pd.Index(nodes, name="node"),
    )


# --------------------------------------------------------------------------------------------
# Permutation null
# --------------------------------------------------------------------------------------------


def permutation_test(
    G: nx.Graph,
    measure: Callable[[nx.Graph, str], float],
    attribute: str,
    *,
    n: int = 999,
    seed: int | np.random.Generator | None = 0,
    method: Literal["shuffle", "rewire"] = "shuffle",
    swaps: int | None = None,
) -> PermutationResult:
    """Compare a graph-level bridging measure with its value on randomised graphs.

    ``method="shuffle"`` permutes the group labels over the nodes (the structure and the
    group sizes stay; the association between them goes). ``method="rewire"`` keeps the
    labels and rewires ties by double edge swaps, keeping every node's degree
    (undirected graphs only).

    Parameters
    ----------
    G : networkx.Graph
    measure : callable
        ``measure(graph, attribute) -> float``, e.g. :func:`ei_index` or
        :func:`nominal_assortativity`, or a lambda summarising a node measure.
    attribute : str
        The node attribute holding the groups.
    n : int
        Number of randomised graphs.
    seed : int or numpy.random.Generator, optional
        Same seed, same result.
    method : {"shuffle", "rewire"}
    swaps : int, optional
        Double edge swaps per rewired graph; default the number of edges.

    Returns
    -------
    PermutationResult
        ``observed``, ``mean`` and ``sd`` of the null values, ``z = (observed - mean) / sd``,
        ``p`` two-sided, ``(1 + #{|null - mean| >= |observed - mean|}) / (n + 1)``,
        ``p_greater`` and ``p_less`` one-sided in the same way, ``n`` and the ``null`` values.

    References
    ----------
    .. [1] Maslov, S. and Sneppen, K. (2002). Specificity and stability in topology of
       protein networks. Science 296, 910-913.

    Examples
    --------
    >>> import networkx as nx
    >>> import clusternet as cn
    >>> G = nx.barbell_graph(5, 0)  # two cliques joined by one tie
    >>> nx.set_node_attributes(G, {v: "left" if v < 5 else "right" for v in G}, "side")
    >>> result = cn.permutation_test(G, cn.ei_index, "side", n=99, seed=1)
    >>> round(result.observed, 3), result.p_less <= 0.05
    (-0.905, True)
    """
    if method not in ("shuffle", "rewire"):
        raise _value_error(f"method must be 'shuffle' or 'rewire', not {method!r}")
    if n < 1:
        raise _value_error(f"n must be at least 1, not {n}")
    if not isinstance(attribute, str):
        raise _value_error("permutation_test needs the groups as a node attribute name")
    nodes, codes, labels = _node_groups(G, attribute)
    observed = float(measure(G, attribute))
    rng = random_generator(seed)
    null = np.empty(n)
    if method == "shuffle":
        graph = G.copy()
        for draw in range(n):
            permuted = labels[rng.permutation(codes)]
            nx.set_node_attributes(graph, dict(zip(nodes, permuted, strict=True)), attribute)
            null[draw] = measure(graph, attribute)
    else:
        check_simple_graph(G, "method='rewire'")
        edges = G.number_of_edges()
        count = edges if swaps is None else swaps
        for draw in range(n):
            graph = G.copy()
            if edges >= 2 and count > 0:
                nx.double_edge_swap(
                    graph, nswap=count, max_tries=max(100, 100 * count), seed=int(rng.integers(2**31 - 1))
                )
            null[draw] = measure(graph, attribute)
    mean = float(np.mean(null))
    sd = float(np.std(null, ddof=1)) if n > 1 else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (observed - mean) / sd if sd > 0 else float("nan")
    tolerance = 1e-12 * max(1.0, abs(observed))
    p = (1 + np.sum(np.abs(null - mean) >= abs(observed - mean) - tolerance)) / (n + 1)
    p_greater = (1 + np.sum(null >= observed - tolerance)) / (n + 1)
    p_less = (1 + np.sum(null <= observed + tolerance)) / (n + 1)
    return PermutationResult(observed, mean, sd, z, float(p), float(p_greater), float(p_less), n, null)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------




def _value_error(message: str) -> Exception:
    return OptionError(message)


def _name(attribute: object) -> str:
    return repr(attribute) if isinstance(attribute, str) else "group"


def _label(attribute: object) -> str:
    """The attribute in running text: its column name, or the Series' name, else "value"."""
    if isinstance(attribute, str):
        return attribute
    name = getattr(attribute, "name", None)
    return str(name) if isinstance(name, str) and name else "value"


def _examples(values, limit: int = 3) -> str:
    shown = [repr(v) for v in list(values)[:limit]]
    return ", ".join(shown) + (", ..." if len(values) > limit else "")


def _node_groups(G: nx.Graph, attribute: Groups) -> tuple[list, np.ndarray, np.ndarray]:
    """Nodes in G's order, their group codes, and the sorted group labels."""
    nodes = list(G.nodes)
    if isinstance(attribute, str):
        values = [G.nodes[node].get(attribute) for node in nodes]
    elif isinstance(attribute, (Mapping, pd.Series)):
        values = [attribute.get(node) for node in nodes]
    else:
        raise _value_error(
            f"attribute must be a node attribute name or a mapping node -> group, not {type(attribute).__name__}"
        )
    series = pd.Series(values, index=range(len(nodes)), dtype=object)
    missing = series.isna().to_numpy()
    if missing.any():
        without = [nodes[i] for i in np.flatnonzero(missing)]
        raise MissingAttributeError(
            f"{len(without)} node(s) have no {_name(attribute)} (e.g. {_examples(without)}); "
            "set it on every node or pass a mapping that covers them"
        )
    try:
        codes, labels = pd.factorize(series, sort=True)
    except TypeError:  # mixed, unorderable labels: order of first appearance instead
        codes, labels = pd.factorize(series, sort=False)
    return nodes, np.asarray(codes, dtype=np.int64), np.asarray(labels, dtype=object)


def _organisation_groups(ecosystem: Ecosystem, attribute: str | pd.Series) -> pd.Series:
    if isinstance(attribute, pd.Series):
        return attribute
    organisations = ecosystem.organisations
    if not isinstance(attribute, str) or attribute not in organisations.columns:
        raise MissingAttributeError(
            f"the organisations table has no column {attribute!r}; its columns are "
            f"{', '.join(organisations.columns)} (or pass a Series organisation_id -> group)"
        )
    return organisations.set_index("organisation_id")[attribute]


def _participation_groups(ecosystem: Ecosystem, groups: pd.Series) -> pd.DataFrame:
    """Each organisation once per project, with its group (missing where it has none)."""
    pairs = ecosystem.participations[["project_id", "organisation_id"]].drop_duplicates()
    return pairs.assign(group=pairs["organisation_id"].map(groups))


def _adjacency(G: nx.Graph, nodes: list, weight: str | None) -> sp.csr_matrix:
    """Adjacency matrix in the order of ``nodes`` without self-loops (summed over multi-edges).

    Both directions of an undirected tie are entries; a missing weight counts 1, as in
    ``nx.to_scipy_sparse_array``.
    """
    n = len(nodes)
    if n == 0:
        return sp.csr_matrix((0, 0))
    if nodes != list(G):  # another order or a subset: networkx's converter takes a node list
        return _without_loops(sp.csr_matrix(nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, format="csr"),
                                            dtype=float))
    _, rows, cols, raw = edge_arrays(G, weight, missing=1)
    values = np.asarray(raw, dtype=float)
    if not G.is_directed():
        rows, cols, values = np.concatenate([rows, cols]), np.concatenate([cols, rows]), np.concatenate([values, values])
    return _without_loops(sp.csr_matrix((values, (rows, cols)), shape=(n, n)))


def _without_loops(matrix: sp.csr_matrix) -> sp.csr_matrix:
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    return matrix


def _indicator(codes: np.ndarray, groups: int) -> sp.csr_matrix:
    n = len(codes)
    return sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, groups))


def _ties_by_group(G, nodes, codes, groups, weight) -> np.ndarray:
    adjacency = _adjacency(G, nodes, weight)
    if G.is_directed():
        adjacency = (adjacency + adjacency.T).tocsr()
    return np.asarray((adjacency @ _indicator(codes, groups)).todense(), dtype=float).reshape(len(nodes), groups)


def _participation(by_group: np.ndarray) -> np.ndarray:
    degree = by_group.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = by_group / degree[:, None]
    participation = 1.0 - np.sum(shares**2, axis=1)
    return np.where(degree > 0, participation, 0.0)


def _ei_columns(table: pd.DataFrame, expected: np.ndarray) -> pd.DataFrame:
    internal = table["internal"].to_numpy(dtype=float)
    external = table["external"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["ei_index"] = (external - internal) / (external + internal)
        table["external_share"] = external / (external + internal)
    table["expected_ei_index"] = expected
    return table


def _assortativity_from_mixing(mixing: np.ndarray) -> float:
    total = mixing.sum()
    if total <= 0:
        return float("nan")
    shares = mixing / total
    expected = float(shares.sum(axis=1) @ shares.sum(axis=0))
    if np.isclose(expected, 1.0):
        return float("nan")
    return float((np.trace(shares) - expected) / (1.0 - expected))


def _incidence(pairs: pd.DataFrame, organisations: np.ndarray) -> sp.csr_matrix:
    rows = pd.Index(organisations).get_indexer(pairs["organisation_id"])
    columns, projects = pd.factorize(pairs["project_id"], sort=True)
    return sp.csr_matrix(
        (np.ones(len(pairs)), (rows, columns)), shape=(len(organisations), len(projects))
    )


def _masked_product(left: sp.csr_matrix, right: sp.csr_matrix, mask: sp.csr_matrix) -> sp.csr_matrix:
    """``(left @ right)`` kept only where ``mask`` is non-zero, in row blocks to bound memory."""
    n = left.shape[0]
    if n == 0:
        return sp.csr_matrix(mask.shape)
    # Work of a row: the non-zeros of the right-hand rows it touches.
    work = np.asarray(abs(left).astype(bool).astype(float) @ np.diff(right.indptr).astype(float)).ravel()
    budget = 5e6
    bounds = np.searchsorted(np.cumsum(work), np.arange(budget, work.sum() + budget, budget))
    starts = np.unique(np.concatenate([[0], np.minimum(bounds + 1, n)]))
    blocks = []
    pattern = mask.copy()
    pattern.data = np.ones_like(pattern.data)
    for start, stop in zip(starts, [*starts[1:], n], strict=True):
        if start >= stop:
            continue
        product = left[start:stop] @ right
        blocks.append(sp.csr_matrix(product.multiply(pattern[start:stop])))
    return sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix(mask.shape)


def _brokerage_counts(weights: sp.csr_matrix, pattern: sp.csr_matrix, codes: np.ndarray, groups: int) -> np.ndarray:
    """Open ordered pairs (a, c) around every broker b, by role; see :func:`brokerage`."""
    n = len(codes)
    membership = _indicator(codes, groups)
    by_group = np.asarray((weights @ membership).todense()).reshape(n, groups)
    squares = np.asarray((weights.multiply(weights) @ membership).todense()).reshape(n, groups)
    rows = np.arange(n)
    own = by_group[rows, codes]
    own_squares = squares[rows, codes]
    everyone = by_group.sum(axis=1)
    # All ordered pairs (a != c) of neighbours of b, weighted W_ba * W_bc, by role.
    coordinator = own**2 - own_squares
    representative = own * (everyone - own)
    other_same = (by_group**2 - squares).sum(axis=1) - coordinator
    other_all = (everyone - own) ** 2 - ((by_group**2).sum(axis=1) - own**2)
    pairs = np.column_stack([coordinator, other_same, representative, representative, other_all])
    # Closed pairs (a and c share a project), from three masked products over the ties.
    coo = weights.tocoo()
    same_as_row = codes[coo.row] == codes[coo.col]
    weights_own = sp.csr_matrix(
        (coo.data * same_as_row, (coo.row, coo.col)), shape=weights.shape
    )
    weights_own.eliminate_zeros()
    pattern_coo = pattern.tocoo()
    same_pair = codes[pattern_coo.row] == codes[pattern_coo.col]
    pattern_same = sp.csr_matrix(
        (pattern_coo.data * same_pair, (pattern_coo.row, pattern_coo.col)), shape=pattern.shape
    )
    pattern_same.eliminate_zeros()
    reach = _masked_product(weights, pattern, weights)  # [b, a] = sum_c W_bc A_ca
    reach_own = _masked_product(weights_own, pattern, weights)  # c in b's group
    reach_same = _masked_product(weights, pattern_same, weights)  # c in a's group

    def closed(left: sp.csr_matrix, right: sp.csr_matrix) -> np.ndarray:
        return np.asarray(left.multiply(right).sum(axis=1)).ravel()

    all_closed = closed(weights, reach)
    own_own = closed(weights_own, reach_own)
    own_any = closed(weights_own, reach)
    any_own = closed(weights, reach_own)
    same_any = closed(weights, reach_same)
    coordinator_closed = own_own
    representative_closed = own_any - own_own
    gatekeeper_closed = any_own - own_own
    itinerant_closed = same_any - own_own
    liaison_closed = all_closed - own_any - any_own + own_own - itinerant_closed
    closed_pairs = np.column_stack(
        [coordinator_closed, itinerant_closed, representative_closed, gatekeeper_closed, liaison_closed]
    )
    return np.rint(pairs - closed_pairs) if np.allclose(weights.data, np.rint(weights.data)) else pairs - closed_pairs


# Columns of _brokerage_moments whose ordered pairs are unordered pairs counted twice.
_DOUBLED_ROLES = [0, 1, 4, 5]  # coordinator, itinerant, liaison, total


def _brokerage_moments(codes: np.ndarray, groups: int, arcs: int) -> tuple[np.ndarray, np.ndarray]:
    """sna's expected brokerage scores and standard deviations by the broker's group.

    Columns: coordinator, itinerant, representative, gatekeeper, liaison, total.
    """
    sizes = np.bincount(codes, minlength=groups).astype(float)
    total = float(len(codes))
    expected = np.full((groups, 6), np.nan)
    variance = np.full((groups, 6), np.nan)
    if total < 2:
        return expected, np.sqrt(variance)
    d = arcs / (total * (total - 1))
    q = d**2 * (1 - d)
    cube = d**3 * (1 - d) ** 3
    n = sizes
    others = [np.delete(sizes, i) for i in range(groups)]
    other_pairs = np.array([np.sum(o * (o - 1)) for o in others])
    other_triples = np.array([np.sum(o * (o - 1) * (o - 2)) for o in others])
    liaison_pairs = np.array([np.sum(o) ** 2 - np.sum(o**2) for o in others])
    liaison_extra = np.array(
        [4 * np.sum(o * _choose2(total - o - n[i])) for i, o in enumerate(others)]
    )
    expected[:, 0] = q * (n - 1) * (n - 2)
    variance[:, 0] = expected[:, 0] * (1 - q) + 2 * (n - 1) * (n - 2) * (n - 3) * cube
    expected[:, 1] = q * other_pairs
    variance[:, 1] = expected[:, 1] * (1 - q) + 2 * other_triples * cube
    expected[:, 2] = q * (total - n) * (n - 1)
    variance[:, 2] = expected[:, 2] * (1 - q) + 2 * ((n - 1) * _choose2(total - n) + (total - n) * _choose2(n - 1)) * cube
    expected[:, 3] = expected[:, 2]
    variance[:, 3] = variance[:, 2]
    expected[:, 4] = q * liaison_pairs
    variance[:, 4] = expected[:, 4] * (1 - q) + liaison_extra * cube
    expected[:, 5] = q * (total - 1) * (total - 2)
    variance[:, 5] = expected[:, 5] * (1 - q) + 2 * (total - 1) * (total - 2) * (total - 3) * cube
    return expected, np.sqrt(variance)


def _choose2(x):
    return x * (x - 1) / 2


def _gefura_accumulate(adjacency: sp.csr_matrix, codes: np.ndarray, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brandes' dependencies for cross-group targets, summed over ``sources`` (all, or local only)."""
    n = adjacency.shape[0]
    total = np.zeros(n)
    local = np.zeros(n)
    if n == 0 or len(sources) == 0:
        return total, local
    forward = adjacency.T.tocsr()  # forward[v, u] = 1 when u -> v
    backward = adjacency.tocsr()
    block = max(1, min(len(sources), int(2e6 // max(n, 1))))
    for start in range(0, len(sources), block):
        batch = sources[start : start + block]
        width = len(batch)
        columns = np.arange(width)
        sigma = np.zeros((n, width))
        sigma[batch, columns] = 1.0
        distance = np.full((n, width), -1, dtype=np.int32)
        distance[batch, columns] = 0
        frontier = sigma.copy()
        level = 0
        while True:
            reached = forward @ frontier
            reached[distance >= 0] = 0.0
            new = reached > 0
            if not new.any():
                break
            level += 1
            distance[new] = level
            sigma[new] = reached[new]
            frontier = np.where(new, reached, 0.0)
        cross = (codes[:, None] != codes[batch][None, :]).astype(float)
        delta = np.zeros((n, width))
        for depth in range(level, 0, -1):
            at_depth = distance == depth
            coefficient = np.where(at_depth, (cross + delta) / np.where(at_depth, sigma, 1.0), 0.0)
            pulled = backward @ coefficient
            parents = distance == depth - 1
            delta[parents] += sigma[parents] * pulled[parents]
        delta[batch, columns] = 0.0
        total += delta.sum(axis=1)
        same = codes[:, None] == codes[batch][None, :]
        local += np.where(same, delta, 0.0).sum(axis=1)
    return total, local
