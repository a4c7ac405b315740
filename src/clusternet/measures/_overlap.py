"""Overlap between clusters: shared members, multi-membership, and which SPC an IBN is a niche of."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import check_correction, check_via, select_years
from .._shared import adjust_p_values
from ..errors import OptionError
from ..model import Ecosystem

__all__ = ["overlap", "multi_membership", "niche_mapping", "OVERLAP_MEASURES"]

#: Similarity columns of :func:`overlap`; each can rank in :func:`niche_mapping`.
OVERLAP_MEASURES = ("shared", "jaccard", "overlap", "cosine", "association")

Via = Literal["memberships", "intercluster"]


def overlap(
    ecosystem: Ecosystem,
    *,
    between: tuple[str, str] | None = None,
    population: int | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    via: Via = "memberships",
    correction: str | None = None,
) -> pd.DataFrame:
    """Shared members of every pair of clusters (or of two types), with similarity and a hypergeometric test.

    With :math:`S` and :math:`T` the member sets of a source and a target cluster and
    :math:`N` the population:

    .. math::

        jaccard = \\frac{|S \\cap T|}{|S \\cup T|},\\quad
        overlap = \\frac{|S \\cap T|}{\\min(|S|, |T|)},\\quad
        cosine = \\frac{|S \\cap T|}{\\sqrt{|S|\\,|T|}},\\quad
        association = \\frac{N\\,|S \\cap T|}{|S|\\,|T|}

    ``association`` is the observed number of shared members over the number expected if
    the two clusters drew members independently (1 = as by chance; van Eck and Waltman's
    association strength times :math:`N`). ``p_value`` is the hypergeometric probability of
    at least this many shared members when :math:`|T|` members are drawn from :math:`N`
    of whom :math:`|S|` are in the source, ``scipy.stats.hypergeom.sf(shared - 1, N, |S|, |T|)``.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``clusters`` and ``memberships`` (``via="memberships"``) or ``participations``
        and ``project_clusters`` (``via="intercluster"``).
    between : (str, str), optional
        Cluster types of source and target, e.g. ``("SPC", "IBN")``. When both are the same
        type each unordered pair appears once (source id < target id). Default: every pair of
        clusters whatever their type, each once (source id < target id).
    population : int or iterable of str, optional
        :math:`N`, or the organisation ids that make it up (memberships of others are then
        left out). Default: all organisations of the ecosystem.
    years : int or iterable of int, optional
        Keep only memberships of these years (``via="memberships"``) or projects of these
        years (``via="intercluster"``); default all (``range(2017, 2020)`` for 2017-2019). A
        member in any kept year counts once.
    via : {"memberships", "intercluster"}, default "memberships"
        ``"intercluster"`` makes an organisation a member of every cluster that carries a
        project it takes part in (``project_clusters`` rows with status ``withdrawn`` are left
        out), for EU data where programme parts are clusters. (``"projects"``, the members'
        own projects, links clusters in :func:`cluster_network` but defines no member set.)
    correction : {None, "holm", "fdr_bh"}
        Adjust the p-values for testing every pair at once (statsmodels' ``multipletests``):
        Holm's step-down controls the chance of any false finding, Benjamini-Hochberg the
        share of false findings. The adjusted values are in ``p_adjusted`` (equal to
        ``p_value`` with None, the default).

    Returns
    -------
    pandas.DataFrame
        One row per pair, sorted by source and target id, columns ``source, target, shared,
        jaccard, overlap, cosine, association, p_value, p_adjusted, source_members,
        target_members, population`` (:math:`N`, the universe of the hypergeometric null, also described in words
        in ``attrs["population"]``). Measures that divide by zero (an empty cluster) are NaN.

    Raises
    ------
    MissingTableError
        When a needed table is absent.
    OptionError
        When ``between`` names a type no cluster has (the message lists the types there are).
    ValueError
        When the population is smaller than the organisations that are members.

    Warns
    -----
    UserWarning
        When no pair of clusters shares a single member, so every count is 0.

    References
    ----------
    .. [1] van Eck, N. J. and Waltman, L. (2009). How to normalize cooccurrence data? An
       analysis of some well-known similarity measures. Journal of the American Society for
       Information Science and Technology 60(8), 1635-1651.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abcdefgh")}),
    ...     clusters=pd.DataFrame({"cluster_id": ["spc", "ibn"], "type": ["SPC", "IBN"]}),
    ...     memberships=pd.DataFrame({"organisation_id": list("abcdcd"),
    ...                               "cluster_id": ["spc"] * 4 + ["ibn"] * 2}))
    >>> cn.overlap(eco, between=("SPC", "IBN")).round(3).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'source': 'spc', 'target': 'ibn', 'shared': 2, 'jaccard': 0.5, 'overlap': 1.0, 'cosine': 0.707,
     'association': 2.0, 'p_value': 0.214, 'p_adjusted': 0.214, 'source_members': 4, 'target_members': 2,
     'population': 8}
    >>> cn.overlap(eco, between=("SPC", "IBN")).attrs["population"]
    'the 8 organisations of the ecosystem'
    """
    correction = check_correction(correction)
    if between is not None and (isinstance(between, str) or len(between) != 2):
        raise OptionError(f"between must name two cluster types, not {between!r}")
    matrix, organisations, clusters, size, described = _membership_matrix(ecosystem, population=population, years=years, via=via)
    types = ecosystem.clusters.set_index("cluster_id")["type"].reindex(clusters)
    if between is None:
        source_type = target_type = None
        sources = targets = np.arange(len(clusters))
    else:
        source_type, target_type = between
        _check_types(ecosystem, between, "between")
        sources = np.flatnonzero((types == source_type).to_numpy())
        targets = np.flatnonzero((types == target_type).to_numpy())
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    shared = np.asarray((matrix[:, sources].T @ matrix[:, targets]).todense()).reshape(len(sources), len(targets))
    source_index, target_index = np.meshgrid(np.arange(len(sources)), np.arange(len(targets)), indexing="ij")
    keep = np.ones(source_index.shape, dtype=bool)
    if source_type == target_type:  # one type, or every cluster: each unordered pair once
        keep = clusters[sources][:, None] < clusters[targets][None, :]
    rows = pd.DataFrame(
        {
            "source": clusters[sources][source_index[keep]],
            "target": clusters[targets][target_index[keep]],
            "shared": shared[keep].astype(np.int64),
            "source_members": counts[sources][source_index[keep]].astype(np.int64),
            "target_members": counts[targets][target_index[keep]].astype(np.int64),
        }
    )
    if len(rows) and not (rows["shared"] > 0).any():
        warnings.warn(
            f"no two clusters share a member{'' if between is None else f' between types {between}'} "
            f"(via={via!r}): every shared count is 0",
            UserWarning, stacklevel=2,
        )
    table = _similarities(rows, size, described)
    table.insert(8, "p_adjusted", adjust_p_values(table["p_value"].to_numpy(), correction))
    table.attrs["correction"] = correction
    return table


def multi_membership(
    ecosystem: Ecosystem,
    *,
    types: Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
    include_non_members: bool = False,
) -> pd.DataFrame:
    """How many clusters (of some types) each organisation belongs to: the distribution.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``organisations``, ``clusters`` and ``memberships``.
    types : iterable of str, optional
        Cluster types counted, e.g. ``["SPC"]``; default every cluster. A type no cluster has
        raises an OptionError that lists the types there are.
    years : int or iterable of int, optional
        Keep only memberships of these years; a cluster joined in several years counts once.
    kinds : iterable of str, optional
        Only organisations of these kinds, e.g. ``["company"]`` for firms.
    include_non_members : bool
        Also count organisations in none of the clusters (row 0); by default the shares are
        of the organisations in at least one.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``clusters`` (the number of clusters, ascending, every value from the
        smallest to the largest), columns ``organisations``, ``share`` and
        ``share_at_least`` (share of organisations in this many clusters or more).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abcd"), "kind": "company"}),
    ...     clusters=pd.DataFrame({"cluster_id": ["s1", "s2", "i1"], "type": ["SPC", "SPC", "IBN"]}),
    ...     memberships=pd.DataFrame({"organisation_id": list("aabc"),
    ...                               "cluster_id": ["s1", "s2", "s1", "i1"]}))
    >>> cn.multi_membership(eco, types=["SPC"])
              organisations  share  share_at_least
    clusters
    1                     1    0.5             1.0
    2                     1    0.5             0.5
    """
    ecosystem.require("organisations", "clusters", "memberships", purpose="multi-membership")
    memberships = select_years(ecosystem.memberships, years)
    if types is not None:
        types = [types] if isinstance(types, str) else list(types)
        _check_types(ecosystem, types, "types")
        wanted = ecosystem.clusters.loc[ecosystem.clusters["type"].isin(list(types)), "cluster_id"]
        memberships = memberships[memberships["cluster_id"].isin(wanted)]
    organisations = ecosystem.organisations
    if kinds is not None:
        organisations = organisations[organisations["kind"].isin(list(kinds))]
    counts = (
        memberships[memberships["organisation_id"].isin(organisations["organisation_id"])]
        .drop_duplicates(["organisation_id", "cluster_id"])
        .groupby("organisation_id")
        .size()
    )
    if include_non_members:
        counts = counts.reindex(organisations["organisation_id"], fill_value=0)
    distribution = counts.value_counts()
    if len(distribution):
        distribution = distribution.reindex(range(int(distribution.index.min()), int(distribution.index.max()) + 1), fill_value=0)
    distribution = distribution.sort_index()
    total = distribution.sum()
    table = pd.DataFrame({"organisations": distribution.astype(np.int64)})
    table.index = pd.Index(table.index.astype(np.int64), name="clusters")
    table["share"] = table["organisations"] / total if total else np.nan
    table["share_at_least"] = table["organisations"][::-1].cumsum()[::-1] / total if total else np.nan
    return table


def niche_mapping(
    ecosystem: Ecosystem,
    *,
    measure: str = "jaccard",
    population: int | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    via: Via = "memberships",
    correction: str | None = None,
) -> pd.DataFrame:
    """For every IBN the SPC whose members it overlaps most, beside the relations the report names.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``clusters`` and the tables of ``via`` (see :func:`overlap`). Optional
        ``clusters`` columns ``niche_of`` and ``integrates_into`` (as in
        :func:`clusternet.datasets.load_flanders`) are reported alongside.
    measure : str
        Column of :func:`overlap` to rank by: one of :data:`OVERLAP_MEASURES` (highest wins)
        or ``"p_value"`` (lowest wins, i.e. the SPC shared with most beyond chance; the
        others favour large SPCs). Ties go to more shared members, then the lower p-value,
        then the SPC id.
    population, years, via
        As for :func:`overlap`.
    correction : {None, "holm", "fdr_bh"}
        As for :func:`overlap`, over every SPC-IBN pair tested (not only the IBNs' best, which
        would hide the choice of the best among the SPCs): the chosen pair's ``p_adjusted``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the IBN's ``cluster_id`` (sorted), columns ``spc`` (the best-overlapping
        SPC; missing when the IBN shares no member with any SPC), ``shared, jaccard,
        overlap, p_value, p_adjusted`` of that pair, ``population`` (:math:`N` of the null, as
        in :func:`overlap`, described in words in ``attrs["population"]``), ``niche_of``,
        ``integrates_into`` (the reported relations, missing when not reported) and
        ``matches_report`` (``spc`` is the reported niche or integration SPC; missing when
        neither is reported or no SPC overlaps). ``attrs["correction"]`` names the correction.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abcdef")}),
    ...     clusters=pd.DataFrame({"cluster_id": ["spc-1", "spc-2", "ibn-x"],
    ...                            "type": ["SPC", "SPC", "IBN"], "niche_of": [None, None, "spc-2"]}),
    ...     memberships=pd.DataFrame({"organisation_id": list("abcdeab"),
    ...                               "cluster_id": ["spc-1"] * 3 + ["spc-2"] * 2 + ["ibn-x"] * 2}))
    >>> cn.niche_mapping(eco)[["spc", "shared", "niche_of", "matches_report"]]
                  spc  shared niche_of  matches_report
    cluster_id
    ibn-x       spc-1       2    spc-2           False
    """
    if measure not in (*OVERLAP_MEASURES, "p_value"):
        raise OptionError(f"measure must be one of {', '.join(OVERLAP_MEASURES)}, p_value, not {measure!r}")
    ecosystem.require("clusters", purpose="niche mapping")
    # The niche relation is the Flemish report's (an IBN as a niche of an SPC); other data has
    # no such types, and the error says which types it has instead.
    _check_types(ecosystem, ("SPC", "IBN"), "niche_mapping needs clusters of the types")
    pairs = overlap(ecosystem, between=("SPC", "IBN"), population=population, years=years, via=via,
                    correction=correction)
    described = pairs.attrs["population"]
    size = int(pairs["population"].iloc[0]) if len(pairs) else 0
    keys = ["target", measure, "shared", "p_value", "source"]
    ascending = [True, measure == "p_value", False, True, True]
    if measure == "p_value":
        keys, ascending = ["target", "p_value", "shared", "source"], [True, True, False, True]
    pairs = pairs[pairs["shared"] > 0].sort_values(keys, ascending=ascending)
    best = pairs.drop_duplicates("target").set_index("target")
    clusters = ecosystem.clusters.set_index("cluster_id")
    ibns = np.sort(clusters.index[clusters["type"] == "IBN"].to_numpy())
    table = pd.DataFrame(index=pd.Index(ibns, name="cluster_id"))
    table["spc"] = best["source"].reindex(ibns).astype(object).to_numpy()
    table["shared"] = best["shared"].reindex(ibns).fillna(0).astype(np.int64).to_numpy()
    for column in ("jaccard", "overlap", "p_value", "p_adjusted"):
        table[column] = best[column].reindex(ibns).to_numpy()
    table["population"] = np.int64(size)
    for column in ("niche_of", "integrates_into"):
        values = clusters[column].reindex(ibns) if column in clusters.columns else pd.Series(index=ibns, dtype=object)
        table[column] = values.astype(object).where(values.notna(), None).to_numpy()
    reported = table[["niche_of", "integrates_into"]].notna().any(axis=1)
    matches = (table["spc"] == table["niche_of"]) | (table["spc"] == table["integrates_into"])
    table["matches_report"] = pd.array(
        [bool(m) if r and pd.notna(s) else pd.NA for m, r, s in zip(matches, reported, table["spc"], strict=True)],
        dtype="boolean",
    )
    table.attrs.update(population=described, correction=correction)
    return table


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _membership_matrix(
    ecosystem: Ecosystem,
    *,
    population: int | Iterable[str] | None,
    years: int | Iterable[int] | None,
    via: Via,
) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray, int]:
    """Binary organisation x cluster matrix (all clusters of the ecosystem), and N."""
    via = check_via(via, ("memberships", "intercluster"), renamed={"projects": "intercluster"})
    if via == "memberships":
        ecosystem.require("clusters", "memberships", purpose="cluster overlap")
        links = select_years(ecosystem.memberships, years)[["organisation_id", "cluster_id"]]
    else:
        ecosystem.require("clusters", "participations", "project_clusters", purpose="cluster overlap via intercluster projects")
        carried = ecosystem.project_clusters
        if "status" in carried.columns:
            carried = carried[carried["status"].fillna("").str.lower() != "withdrawn"]
        participations = ecosystem.participations
        if years is not None:
            projects = select_years(ecosystem.projects, years)["project_id"]
            participations = participations[participations["project_id"].isin(projects)]
        links = participations[["project_id", "organisation_id"]].merge(carried[["project_id", "cluster_id"]], on="project_id")
        links = links[["organisation_id", "cluster_id"]]
    links = links.drop_duplicates()
    if population is None:
        if "organisations" in ecosystem.provided:
            size = len(ecosystem.organisations)
            described = f"the {size:,} organisations of the ecosystem"
        else:
            size = links["organisation_id"].nunique()
            described = f"the {size:,} organisations that are members"
    elif isinstance(population, (int, np.integer)):
        size = int(population)
        described = f"{size:,} organisations, as given"
    else:
        members = pd.Index(pd.unique(pd.Series(list(population), dtype=object)))
        links = links[links["organisation_id"].isin(members)]
        size = len(members)
        described = f"the {size:,} organisations given"
    organisations = np.sort(links["organisation_id"].unique())
    if size < len(organisations):
        raise OptionError(
            f"the population ({size}) is smaller than the {len(organisations)} organisations that are members; "
            "give the number of organisations the clusters draw from"
        )
    clusters = np.sort(ecosystem.clusters["cluster_id"].to_numpy())
    rows = np.searchsorted(organisations, links["organisation_id"].to_numpy())
    columns = pd.Index(clusters).get_indexer(links["cluster_id"])
    known = columns >= 0
    matrix = sp.csc_matrix(
        (np.ones(int(known.sum())), (rows[known], columns[known])), shape=(len(organisations), len(clusters))
    )
    return matrix, organisations, clusters, size, described


def _similarities(rows: pd.DataFrame, size: int, described: str) -> pd.DataFrame:
    shared = rows["shared"].to_numpy(dtype=float)
    a = rows["source_members"].to_numpy(dtype=float)
    b = rows["target_members"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rows["jaccard"] = shared / (a + b - shared)
        rows["overlap"] = shared / np.minimum(a, b)
        rows["cosine"] = shared / np.sqrt(a * b)
        rows["association"] = shared * size / (a * b)
    from scipy.stats import hypergeom  # scipy.stats takes a second to import: only when needed

    rows["p_value"] = hypergeom.sf(shared - 1, size, a, b) if len(rows) else np.zeros(0)
    rows["population"] = np.int64(size)
    columns = ["source", "target", "shared", "jaccard", "overlap", "cosine", "association", "p_value"]
    table = rows[columns + ["source_members", "target_members", "population"]].reset_index(drop=True)
    # The null's universe travels with the p-values: with N the organisations of the data or all
    # firms of a region, the same shared count can be far below or far above chance.
    table.attrs["population"] = described
    return table


def _check_types(ecosystem: Ecosystem, wanted: Iterable[str], name: str) -> None:
    """An OptionError when a requested cluster type is absent, naming the types the data has."""
    present = ecosystem.clusters["type"].value_counts()
    missing = [t for t in dict.fromkeys(wanted) if t not in present.index]
    if missing:
        have = ", ".join(f"{t} ({n} cluster{'s' if n != 1 else ''})" for t, n in present.items()) or "no clusters"
        raise OptionError(
            f"{name}={tuple(wanted)!r}: no cluster has type {', '.join(map(repr, missing))}; "
            f"this ecosystem's cluster types are {have}"
        )
