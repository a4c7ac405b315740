"""Countries and regions linked by the organisation pairs their projects join."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import parse_years, select_years
from ..errors import MissingAttributeError, OptionError
from ..model import Ecosystem
from ._builders import _as_str, _check_choice
from ._incidence import _upper, build_incidence, node_ids

__all__ = ["REGION_LEVELS", "REGION_WEIGHTS", "region_network", "region_edges"]

#: The organisation column that places an organisation, see :func:`region_network`.
REGION_LEVELS = ("country", "region")
#: How the organisation pairs of a project are counted, see :func:`region_network`.
REGION_WEIGHTS = ("count", "fractional")
_SIZE_COLUMNS = ["organisations", "participations"]


def region_network(
    ecosystem: Ecosystem,
    *,
    level: str = "country",
    weight: str = "count",
    years: int | Iterable[int] | None = None,
) -> nx.Graph:
    r"""Countries (or regions) linked by the pairs of their organisations that work in one project.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``organisations`` (with the ``country`` or ``region`` column), ``projects`` and
        ``participations``.
    level : {"country", "region"}, default "country"
        The organisations column that places an organisation: ``country`` (CORDIS gives the
        ISO code, ``UK`` and ``EL`` as CORDIS writes them) or ``region`` (the NUTS code where
        CORDIS gives it, or your own regions).
    weight : {"count", "fractional"}, default "count"
        How a project's organisation pairs count (formulas in the Notes).
    years : int or collection of int, optional
        Keep only projects of these years (``range(2017, 2020)`` for 2017-2019, see
        ``docs/parameters.md``); projects without a year are then left out.

    Returns
    -------
    networkx.Graph
        One node per country (region) that an organisation of the table has, sorted, with
        ``internal`` (the ties between two of its own organisations, float), ``organisations``
        (its organisations taking part in a kept project) and ``participations`` (their
        participations in kept projects). Edges carry ``weight`` (float) and ``shared``, the
        number of projects with organisations of both. ``G.graph`` records ``network="region"``,
        the options and ``unplaced``, the number of participating organisations without a value.

    Raises
    ------
    MissingTableError
        If one of the needed tables was not given.
    MissingAttributeError
        If no organisation taking part in a kept project has a ``level`` value (H2020 as
        clusternet reads it has countries but no regions).
    OptionError
        If an option has a bad value.

    Warns
    -----
    UserWarning
        When some participating organisations have no ``level`` value: they are no node, but
        still count in their projects' sizes :math:`n_p`, and the warning says how many.

    See Also
    --------
    region_edges : the same ties as a table with both ends' sizes, for a gravity model.
    organisation_network : the organisations themselves.

    Notes
    -----
    Let :math:`n_A(p)` be the number of organisations of region :math:`A` in project
    :math:`p` and :math:`n_p` the number of all its participants. The tie between regions
    :math:`A \ne B` and the internal ties of :math:`A` are

    .. math::

        w_{AB} = \sum_p f_p \, n_A(p) \, n_B(p), \qquad
        w_{AA} = \sum_p f_p \binom{n_A(p)}{2}

    with :math:`f_p = 1` for ``count`` (the organisation pairs across the two regions, as in
    the FP network studies [1]_ [2]_) and :math:`f_p = 1 / (n_p - 1)` for ``fractional``
    (Newman's weighting [3]_: each participant spreads one unit of collaboration over its
    partners, so a 100-partner project does not outweigh 30 small ones; a project of one
    participant adds nothing). The weights of all ties, internal ones included, then sum to
    the total weight of :func:`organisation_network` (``weight="count"`` or ``"newman"``) over
    the placed organisations. Computed as :math:`N F N^\top` with :math:`N` the sparse region
    by project matrix of counts.

    References
    ----------
    .. [1] T. Scherngell and M. J. Barber, "Spatial interaction modelling of cross-region R&D
       collaborations: empirical evidence from the 5th EU Framework Programme", Papers in
       Regional Science 88(3), 531-546 (2009).
    .. [2] S. Breschi and L. Cusmano, "Unveiling the texture of a European Research Area:
       emergence of oligarchic networks under EU Framework Programmes", International Journal
       of Technology Management 27(8), 747-772 (2004).
    .. [3] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted
       networks, and centrality", Physical Review E 64, 016132 (2001).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                 "country": ["BE", "BE", "NL", "DE"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"], "year": [2019, 2020]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "d"]}),
    ... )
    >>> G = cn.region_network(eco)
    >>> sorted(G.edges(data="weight"))
    [('BE', 'DE', 1.0), ('BE', 'NL', 2.0)]
    >>> G.nodes["BE"]
    {'internal': 1.0, 'organisations': 2, 'participations': 3}
    >>> G = cn.region_network(eco, weight="fractional")
    >>> G.edges["BE", "NL"]
    {'weight': 1.0, 'shared': 1}
    """
    ties = _region_ties(ecosystem, level, weight, years)
    graph = nx.Graph(
        network="region",
        level=ties.level,
        weight=ties.weight,
        **({} if ties.years is None else {"years": tuple(sorted(ties.years))}),
        unplaced=ties.unplaced,
    )
    sizes = ties.sizes
    graph.add_nodes_from(
        (region, {"internal": internal, "organisations": organisations, "participations": participations})
        for region, internal, organisations, participations in zip(
            sizes.index.tolist(),
            ties.internal.tolist(),
            sizes["organisations"].tolist(),
            sizes["participations"].tolist(),
            strict=True,
        )
    )
    labels = sizes.index.to_numpy(dtype=object)
    graph.add_edges_from(
        (labels[i], labels[j], {"weight": w, "shared": s})
        for i, j, w, s in zip(
            ties.source.tolist(),
            ties.target.tolist(),
            ties.values.tolist(),
            ties.shared.tolist(),
            strict=True,
        )
    )
    return graph


def region_edges(
    ecosystem: Ecosystem,
    *,
    level: str = "country",
    weight: str = "count",
    years: int | Iterable[int] | None = None,
    all_pairs: bool = False,
) -> pd.DataFrame:
    r"""The ties of :func:`region_network` as a tidy table with both ends' sizes, for a gravity model.

    Parameters
    ----------
    ecosystem, level, weight, years
        As in :func:`region_network`.
    all_pairs : bool, default False
        Also give every pair of regions without a tie (``weight`` 0, ``shared`` 0). A gravity
        model needs them: leaving the zeros out fits only the pairs that collaborate and
        biases every coefficient.

    Returns
    -------
    pandas.DataFrame
        Columns ``source, target, weight, shared, source_organisations, target_organisations,
        source_participations, target_participations``, one row per pair with
        ``source < target``, sorted by ``source`` then ``target``. Internal ties are on the
        nodes of :func:`region_network`, not here.

    Notes
    -----
    A gravity model of the ties (Scherngell and Barber [1]_) explains :math:`w_{AB}` by the
    sizes of both ends and their distance, :math:`E[w_{AB}] = \exp(\beta_0 + \beta_1 \log s_A +
    \beta_2 \log s_B + \beta_3 \log d_{AB})`, fitted as a Poisson GLM (statsmodels'
    ``GLM(..., family=Poisson())``); ``docs/measures-rd-networks.md`` shows one. Distances
    are yours to supply.

    References
    ----------
    .. [1] T. Scherngell and M. J. Barber, "Spatial interaction modelling of cross-region R&D
       collaborations: empirical evidence from the 5th EU Framework Programme", Papers in
       Regional Science 88(3), 531-546 (2009).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                 "country": ["BE", "BE", "NL", "DE"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "d"]}),
    ... )
    >>> cn.region_edges(eco, all_pairs=True)[["source", "target", "weight", "shared", "source_participations"]]
      source target  weight  shared  source_participations
    0     BE     DE     1.0       1                      3
    1     BE     NL     2.0       1                      3
    2     DE     NL     0.0       0                      1
    """
    if not isinstance(all_pairs, bool | np.bool_):
        raise OptionError(f"all_pairs={all_pairs!r} must be True or False")
    ties = _region_ties(ecosystem, level, weight, years)
    source, target, values, shared = ties.source, ties.target, ties.values, ties.shared
    if all_pairs:
        n = len(ties.sizes)
        source, target = np.triu_indices(n, k=1)
        dense_weight = np.zeros((n, n))
        dense_shared = np.zeros((n, n), dtype=np.int64)
        dense_weight[ties.source, ties.target] = ties.values
        dense_shared[ties.source, ties.target] = ties.shared
        values, shared = dense_weight[source, target], dense_shared[source, target]
    ids = ties.sizes.index
    frame = pd.DataFrame(
        {
            "source": _as_str(ids.take(source)),
            "target": _as_str(ids.take(target)),
            "weight": np.asarray(values, dtype=np.float64),
            "shared": np.asarray(shared, dtype=np.int64),
        }
    )
    for end, codes in (("source", source), ("target", target)):
        for column in _SIZE_COLUMNS:
            frame[f"{end}_{column}"] = ties.sizes[column].to_numpy()[codes]
    order = np.lexsort((frame["target"].to_numpy(dtype=object), frame["source"].to_numpy(dtype=object)))
    return frame.iloc[order].reset_index(drop=True)


class _Ties:
    """What both builders need: region sizes, internal ties and the upper triangle of the ties."""

    def __init__(self, **values) -> None:
        self.__dict__.update(values)


def _region_ties(ecosystem: Ecosystem, level, weight, years) -> _Ties:
    ecosystem.require("organisations", "projects", "participations", purpose="the region network")
    level = _check_choice("level", level, REGION_LEVELS)
    weight = _check_choice("weight", weight, REGION_WEIGHTS)
    wanted = parse_years(years)
    organisations = ecosystem.organisations
    incidence = build_incidence(
        ecosystem.participations["organisation_id"],
        ecosystem.participations["project_id"],
        rows=node_ids(organisations["organisation_id"]),
        columns=node_ids(select_years(ecosystem.projects, wanted)["project_id"]),
    )
    matrix = incidence.matrix  # organisations x kept projects, binary
    if level in organisations:
        place = organisations.set_index("organisation_id")[level].reindex(incidence.rows)
    else:
        place = pd.Series(pd.NA, index=incidence.rows, dtype="object")
    taking_part = np.diff(matrix.indptr) > 0
    placed = place.notna().to_numpy()
    unplaced = int((taking_part & ~placed).sum())
    if taking_part.any() and not (taking_part & placed).any():
        raise MissingAttributeError(
            f"no organisation taking part in a project has a {level!r} "
            f"(of {int(taking_part.sum())} participating organisations); "
            + (
                "use level='country', or give the organisations table a region column"
                if level == "region"
                else "give the organisations table a country column"
            )
        )
    if unplaced:
        examples = ", ".join(repr(i) for i in incidence.rows[taking_part & ~placed][:3])
        warnings.warn(
            f"region_network: {unplaced} of {int(taking_part.sum())} participating organisations have no "
            f"{level} (e.g. {examples}); they are no node but still count in their projects' sizes",
            UserWarning,
            stacklevel=3,
        )
    codes, regions = pd.factorize(place[placed].astype("str").to_numpy(), sort=True)
    region_of = sp.csr_matrix(
        (np.ones(len(codes)), (codes, np.flatnonzero(placed))), shape=(len(regions), matrix.shape[0])
    )
    counts = (region_of @ matrix).tocsr()  # n_A(p)
    size = np.asarray(matrix.sum(axis=0)).ravel()  # n_p, every participant
    if weight == "count":
        factor = (size > 1).astype(np.float64)  # a lone participant has no pair: 0 either way
    else:
        factor = np.divide(1.0, size - 1.0, out=np.zeros_like(size, dtype=np.float64), where=size > 1)
    product = (counts @ sp.diags(factor) @ counts.T).tocsr()
    source, target, values = _upper(product)
    present = counts.copy()
    present.data[:] = 1.0
    shared_source, shared_target, shared = _upper(present @ present.T)
    # Both products are non-zero exactly where some project has organisations of both regions.
    assert np.array_equal(shared_source, source) and np.array_equal(shared_target, target)
    shared = np.rint(shared).astype(np.int64)
    diagonal = product.diagonal()
    internal = (diagonal - counts @ factor) / 2.0
    internal[np.abs(internal) < 1e-12] = 0.0
    participations = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    active = region_of @ taking_part.astype(np.float64)
    sizes = pd.DataFrame(
        {"organisations": np.rint(active).astype(np.int64), "participations": participations},
        index=pd.Index(np.asarray(regions, dtype=object), name=level),
    )
    keep = values != 0
    return _Ties(
        level=level,
        weight=weight,
        years=wanted,
        unplaced=unplaced,
        sizes=sizes,
        internal=internal.astype(np.float64),
        source=source[keep],
        target=target[keep],
        values=values[keep].astype(np.float64),
        shared=shared[keep],
    )
