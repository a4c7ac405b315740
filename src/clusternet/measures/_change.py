"""Change between two periods: overlap, retention and the organisation network, with permutation p-values."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import check_correction, parse_years
from .._shared import adjust_p_values, random_generator
from ..errors import MissingAttributeError, MissingTableError, OptionError
from ..model import Ecosystem

__all__ = ["period_change", "CHANGE_COLUMNS", "CHANGE_NULLS"]

#: Columns of :func:`period_change`, in order.
CHANGE_COLUMNS = ["family", "first", "second", "change", "p_value", "p_adjusted", "samples"]
#: The null hypothesis of each family of :func:`period_change`, as its ``attrs["null"]`` states it.
CHANGE_NULLS = {
    "network": "the projects of the two periods are exchangeable: the period labels are permuted over the "
    "pooled projects, each period keeping its number of projects",
    "memberships": "each organisation's membership record in the first period (with the span before it) and in "
    "the second are exchangeable: a permutation swaps the two records of a random half of the organisations",
}
_NETWORK = ("density", "mean_degree", "degree_centralisation", "ei_index")
_MEMBERSHIP = ("members", "multi_membership_share", "retention_rate", "returning_share")
_UNKNOWN = "unknown"


def period_change(
    ecosystem: Ecosystem,
    first: int | Iterable[int],
    second: int | Iterable[int],
    *,
    attribute: str | None = None,
    cluster: str | None = None,
    samples: int = 999,
    seed: int | np.random.Generator | None = 0,
    correction: str | None = None,
) -> pd.DataFrame:
    """How overlap, retention and the organisation network changed between two periods, with p-values.

    Parameters
    ----------
    ecosystem : Ecosystem
        The network measures need ``projects`` (with years) and ``participations``; the
        membership measures need ``memberships`` (with years). A family whose tables are absent
        is left out, with a warning.
    first, second : int or collection of int
        The two periods, each a year or a collection of years as ``years`` is read everywhere
        (``range(2017, 2019)`` for 2017-2018). They may not share a year.
    attribute : str, optional
        A column of the organisations table (``sector``, ``kind``): adds the E-I index of the
        network over it (organisations without a value or with ``"unknown"`` are left out with
        their ties).
    cluster : str, optional
        A ``cluster_id``: the measures of that cluster instead of the whole ecosystem's (its
        members, the share of them in another cluster too, its retention; the network of the
        projects it carries, which needs ``project_clusters``), as ``kpis(by="cluster")``
        gives them per year.
    samples : int, default 999
        Permutations of each family's null.
    seed : int, numpy.random.Generator or None, default 0
        Draws the permutations (see ``docs/parameters.md``).
    correction : {None, "holm", "fdr_bh"}
        Adjust the table's p-values for testing several measures at once (statsmodels'
        ``multipletests``): Holm's step-down (any false finding) or Benjamini-Hochberg (the
        share of false findings). The adjusted values are in ``p_adjusted`` (equal to
        ``p_value`` without a correction); missing p-values are no test.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``measure``, with the columns of :data:`CHANGE_COLUMNS`: ``family``
        (``network`` or ``memberships``), the value in ``first`` and ``second``, ``change``
        (second minus first), ``p_value`` (two-sided permutation p-value of the change),
        ``p_adjusted`` (after ``correction``) and ``samples``. The measures:

        ``density``, ``mean_degree``, ``degree_centralisation``, ``ei_index``
            Of the organisation network of the period's projects (organisations linked by a
            shared project, binary ties), over the organisations with a participation in the
            period, as :func:`clusternet.network_timeseries` counts them: edges over possible
            edges, :math:`2E/N`, Freeman's :math:`\\sum_i (d_{max} - d_i) / ((N-1)(N-2))`, and
            Krackhardt and Stern's E-I index over ``attribute``.
        ``members``, ``multi_membership_share``
            Organisations with a membership in a year of the period, and the share of them in
            two or more clusters (the overlap of the clusters' member lists).
        ``retention_rate``, ``returning_share``
            With :math:`M_P` the members in the period and :math:`M_{P^-}` those in the span of
            as many years just before it: :math:`|M_P \\cap M_{P^-}| / |M_{P^-}|` and
            :math:`|M_P \\cap M_{P^-}| / |M_P|`, as :func:`clusternet.kpis` defines them for one
            year (missing when :math:`P^-` lies outside the years of the member lists).

        ``attrs`` holds ``null`` (the null hypothesis of each family, as in
        :data:`CHANGE_NULLS`), ``first`` and ``second`` (the years), ``before_first`` and
        ``before_second`` (the spans retention compares with), ``cluster``, ``samples``,
        ``seed`` and ``correction``.

    Raises
    ------
    OptionError
        When the periods share a year, ``samples`` is not a positive whole number, or a period
        has no project and no membership.
    MissingTableError
        When neither family's tables were given.
    MissingAttributeError
        When ``attribute`` is not a column of the organisations table.

    Notes
    -----
    The p-value is :math:`(1 + \\#\\{|d^*| \\geq |d|\\}) / (1 + samples)` for the observed change
    :math:`d` and its values :math:`d^*` on the permuted data, so it is never 0 [1]_. The
    network null keeps every project as it is and only asks whether its period matters; the
    membership null is paired, organisation by organisation, so an organisation that is a
    member in both periods counts in both.

    References
    ----------
    .. [1] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero.
       Statistical Applications in Genetics and Molecular Biology 9(1), 39.
       https://doi.org/10.2202/1544-6115.1585

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.synthetic_ecosystem()
    >>> table = cn.period_change(eco, 2018, 2019, samples=99)
    >>> table[["first", "second", "change", "p_value"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                               first    second   change  p_value
    measure
    density                    0.050     0.032   -0.018     0.59
    mean_degree               11.409    10.207   -1.202     0.46
    degree_centralisation      0.474     0.322   -0.152     0.17
    members                 1885.000  2322.000  437.000     0.01
    multi_membership_share     0.144     0.132   -0.012     0.01
    retention_rate             0.876     0.925    0.049     0.01
    returning_share            0.676     0.751    0.075     0.01

    The 2019 network is sparser than 2018's, but no more than a random split of the two years'
    projects would make it; the 437 new members and the rise in retention are beyond chance
    (p = 0.01 is the smallest 99 permutations can give). Seven measures are seven tests:

    >>> held = cn.period_change(eco, 2018, 2019, samples=99, correction="holm")
    >>> held["p_adjusted"].round(2).tolist()
    [0.92, 0.92, 0.51, 0.07, 0.07, 0.07, 0.07]

    Holm's correction turns 0.01 into 0.07, the smallest seven tests of 99 permutations can
    give; with ``samples=999`` the member count, retention and returning share come to 0.007
    and the multi-membership share to 0.048.
    """
    correction = check_correction(correction)
    first_years, second_years = parse_years(first), parse_years(second)
    if first_years is None or second_years is None:
        raise OptionError("first and second must each be a year or a collection of years, not None")
    shared = sorted(first_years & second_years)
    if shared:
        raise OptionError(f"the two periods share the year(s) {shared}; a permutation needs periods apart")
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise OptionError(f"samples must be a positive whole number; got {samples!r}")
    provided = ecosystem.provided
    has_network = "projects" in provided and "participations" in provided
    if cluster is not None:
        has_network = has_network and "project_clusters" in provided
        known = set()
        for name in ("clusters", "memberships", "project_clusters"):
            if name in provided:
                known |= set(ecosystem.table(name)["cluster_id"].astype(str))
        if cluster not in known:
            shown = ", ".join(map(repr, sorted(known)[:5])) + (", ..." if len(known) > 5 else "")
            raise OptionError(
                f"cluster={cluster!r} is not a cluster of this ecosystem (its clusters: {shown or 'none'})"
            )
    has_members = "memberships" in provided
    if not (has_network or has_members):
        raise MissingTableError(
            "period_change needs projects and participations (network measures) or memberships (membership "
            "measures); this ecosystem has neither"
        )
    if attribute is not None and (
        "organisations" not in provided or attribute not in ecosystem.organisations.columns
    ):
        raise MissingAttributeError(f"attribute={attribute!r} is not a column of the organisations table")
    for missing, family in ((not has_network, "network"), (not has_members, "memberships")):
        if missing:
            warnings.warn(
                f"period_change: no {family} measures, the ecosystem lacks the tables they need",
                UserWarning,
                stacklevel=2,
            )
    rng = random_generator(seed)
    rows = []
    if has_network:
        rows += _network_rows(ecosystem, first_years, second_years, attribute, cluster, samples, rng)
    if has_members:
        rows += _membership_rows(ecosystem, first_years, second_years, cluster, samples, rng)
    rows = [{**row, "p_adjusted": np.nan} for row in rows]
    table = pd.DataFrame(rows).set_index("measure")[CHANGE_COLUMNS]
    table["p_adjusted"] = adjust_p_values(table["p_value"].to_numpy(dtype=float), correction)
    table["samples"] = table["samples"].astype("int64")
    table.attrs.update(
        null={family: CHANGE_NULLS[family] for family in table["family"].unique()},
        first=sorted(first_years),
        second=sorted(second_years),
        before_first=sorted(_before(first_years)),
        before_second=sorted(_before(second_years)),
        cluster=cluster,
        samples=int(samples),
        seed=seed if isinstance(seed, int | np.integer | type(None)) else "generator",
        correction=correction,
    )
    return table


# --------------------------------------------------------------------------------------------
# The network of each period's projects
# --------------------------------------------------------------------------------------------


def _network_rows(ecosystem, first, second, attribute, cluster, samples, rng) -> list[dict]:
    projects = ecosystem.projects[["project_id", "year"]].dropna(subset=["year"])
    if cluster is not None:
        from ._centrality import _counted_links

        links = _counted_links(ecosystem, "all", warn=False)
        carried = links.loc[(links["cluster_id"] == cluster).to_numpy(), "project_id"]
        projects = projects[projects["project_id"].isin(carried).to_numpy()]
    in_first = projects["year"].isin(sorted(first)).to_numpy(dtype=bool)
    in_second = projects["year"].isin(sorted(second)).to_numpy(dtype=bool)
    pooled = projects[in_first | in_second].sort_values("project_id", kind="stable")
    label = pooled["year"].isin(sorted(second)).to_numpy(dtype=bool)  # True: second period
    pairs = ecosystem.participations[["project_id", "organisation_id"]].drop_duplicates()
    pairs = pairs[pairs["project_id"].isin(pooled["project_id"]).to_numpy()]
    if not label.any() or label.all():
        which = "first" if not (~label).any() else "second"
        raise OptionError(
            f"the {which} period has no project{'' if cluster is None else f' of {cluster!r}'}; "
            "the network cannot be compared"
        )
    project_codes = pd.Index(pooled["project_id"]).get_indexer(pairs["project_id"])
    organisation_codes, organisations = pd.factorize(pairs["organisation_id"], sort=True)
    incidence = sp.csc_array(
        (np.ones(len(pairs)), (organisation_codes, project_codes)), shape=(len(organisations), len(pooled))
    )
    groups = None
    if attribute is not None:
        values = ecosystem.organisations.drop_duplicates("organisation_id").set_index("organisation_id")[
            attribute
        ]
        values = values.reindex(organisations).astype("string")
        known = (values.notna() & (values != _UNKNOWN)).to_numpy(dtype=bool)
        groups = np.where(known, pd.factorize(values.where(known), sort=True)[0], -1)
    names = [name for name in _NETWORK if name != "ei_index" or groups is not None]

    def measures(second_mask: np.ndarray) -> np.ndarray:
        statistics = [_network_statistics(incidence[:, mask], groups) for mask in (~second_mask, second_mask)]
        return np.array([[values[name] for name in names] for values in statistics])

    observed = measures(label)
    null = np.array([np.diff(measures(rng.permutation(label)), axis=0)[0] for _ in range(samples)])
    return _rows("network", names, observed, null, samples)


def _network_statistics(incidence: sp.csr_array, groups: np.ndarray | None) -> dict[str, float]:
    participating = np.flatnonzero(np.asarray(incidence.sum(axis=1)).ravel() > 0)
    incidence = incidence[participating]
    n = len(participating)
    adjacency = (incidence @ incidence.T).tocsr()
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    degree = np.diff(adjacency.indptr).astype(float)
    edges = degree.sum() / 2
    result = {
        "density": edges / (n * (n - 1) / 2) if n > 1 else np.nan,
        "mean_degree": 2 * edges / n if n else np.nan,
        "degree_centralisation": (degree.max() - degree).sum() / ((n - 1) * (n - 2)) if n > 2 else np.nan,
        "ei_index": np.nan,
    }
    if groups is not None:
        upper = sp.triu(adjacency, k=1).tocoo()
        own = groups[participating]
        a, b = own[upper.row], own[upper.col]
        counted = (a >= 0) & (b >= 0)
        external, internal = int((a[counted] != b[counted]).sum()), int((a[counted] == b[counted]).sum())
        if external + internal:
            result["ei_index"] = (external - internal) / (external + internal)
    return result


# --------------------------------------------------------------------------------------------
# Memberships
# --------------------------------------------------------------------------------------------


def _membership_rows(ecosystem, first, second, cluster, samples, rng) -> list[dict]:
    memberships = ecosystem.memberships[["organisation_id", "cluster_id", "year"]].dropna(subset=["year"])
    memberships = memberships.drop_duplicates().assign(year=lambda frame: frame["year"].astype("int64"))
    own = memberships if cluster is None else memberships[(memberships["cluster_id"] == cluster).to_numpy()]
    # The member list is known from its first to its last membership year (as kpis reads it).
    span = (int(own["year"].min()), int(own["year"].max())) if len(own) else (0, -1)
    spans = {
        "first": first,
        "before_first": _before(first),
        "second": second,
        "before_second": _before(second),
    }
    wanted = set().union(*spans.values())
    memberships = memberships[memberships["year"].isin(sorted(wanted)).to_numpy(dtype=bool)]
    organisations = pd.Index(sorted(memberships["organisation_id"].unique()))
    if len(organisations) == 0:
        raise OptionError("no membership has a year of either period (or of the years before them)")
    counts, in_cluster = {}, {}
    for name, years in spans.items():
        inside = memberships[memberships["year"].isin(sorted(years)).to_numpy(dtype=bool)]
        distinct = inside.drop_duplicates(["organisation_id", "cluster_id"])
        counts[name] = np.bincount(
            organisations.get_indexer(distinct["organisation_id"]), minlength=len(organisations)
        )
        if cluster is None:
            in_cluster[name] = counts[name] >= 1
        else:
            mine = distinct[(distinct["cluster_id"] == cluster).to_numpy()]
            in_cluster[name] = np.isin(
                np.arange(len(organisations)), organisations.get_indexer(mine["organisation_id"])
            )
    before_known = {
        period: any(span[0] <= year <= span[1] for year in spans[f"before_{period}"])
        for period in ("first", "second")
    }
    # Each organisation's record of a period: a member in the period, a member of two or more
    # clusters then, a member in the span before; the null swaps the two records of an organisation.
    record_first = np.stack(
        [in_cluster["first"], in_cluster["first"] & (counts["first"] >= 2), in_cluster["before_first"]]
    )
    record_second = np.stack(
        [in_cluster["second"], in_cluster["second"] & (counts["second"] >= 2), in_cluster["before_second"]]
    )

    def measures(record: np.ndarray, known_before: bool) -> np.ndarray:
        member, multi, before = record[0], record[1], record[2]
        members = member.sum(axis=-1).astype(float)
        stayed = (member & before).sum(axis=-1).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            multi_share = multi.sum(axis=-1) / members
            retention = stayed / before.sum(axis=-1) if known_before else np.full_like(members, np.nan)
            returning = stayed / members if known_before else np.full_like(members, np.nan)
        return np.stack([members, multi_share, retention, returning], axis=-1)

    observed = np.array(
        [measures(record_first, before_known["first"]), measures(record_second, before_known["second"])]
    )
    swap = rng.random((samples, len(organisations))) < 0.5
    both_known = before_known["first"] and before_known["second"]
    permuted_first = np.where(swap[None], record_second[:, None, :], record_first[:, None, :])
    permuted_second = np.where(swap[None], record_first[:, None, :], record_second[:, None, :])
    null = measures(permuted_second, both_known) - measures(permuted_first, both_known)
    return _rows("memberships", list(_MEMBERSHIP), observed, null, samples)


def _before(years: frozenset[int]) -> frozenset[int]:
    """The span of as many years just before ``years`` (its first to last year, shifted)."""
    shift = max(years) - min(years) + 1
    return frozenset(year - shift for year in years)


def _rows(family: str, names: list[str], observed: np.ndarray, null: np.ndarray, samples: int) -> list[dict]:
    change = observed[1] - observed[0]
    rows = []
    for k, name in enumerate(names):
        d = change[k]
        if np.isnan(d):
            p = np.nan
        else:
            tolerance = 1e-12 * max(1.0, abs(d))
            extreme = np.abs(null[:, k]) >= abs(d) - tolerance
            p = (1 + int(extreme.sum())) / (1 + samples)
        rows.append(
            {
                "measure": name,
                "family": family,
                "first": observed[0, k],
                "second": observed[1, k],
                "change": d,
                "p_value": p,
                "samples": samples,
            }
        )
    return rows
