"""The cluster KPIs of the Flemish evaluation report, and the organisation network over time."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .._options import parse_years, select_years
from .._shared import random_generator
from ..errors import MissingTableError, OptionError
from ..graphs import WITHDRAWN, organisation_edges
from ..model import Ecosystem
from ._kpis_sql import _project_kpis_sql
from ._shuffle import check_samples, composition_expectations, shuffled_labels

__all__ = ["kpis", "cross_sector_baseline", "network_timeseries", "KPI_DEFINITIONS", "NETWORK_COLUMNS"]

#: Every column :func:`kpis` returns, with its definition (the docs print this table).
KPI_DEFINITIONS: dict[str, str] = {
    "members": "organisations (any kind) with a membership of the cluster in the year",
    "new_members": "members in the year that were not members in the year before",
    "leavers": "members in the year before that are not members in the year",
    "retention_rate": "members in both the year before and the year / members in the year before",
    "returning_share": "members in both the year before and the year / members in the year (the "
    "Flemish report's 'retentiegraad': 80% of the 2019 members were members in 2018)",
    "multi_cluster_member_share": "share of the members that are also a member of another cluster "
    "in the same year",
    "members_without_activities": "members with no row of the cluster's activities table in the year "
    "(all members when the table is absent): how much of the active-companies KPI rests on no data",
    "projects": "projects of the year the cluster carries (project_clusters, withdrawn rows excluded)",
    "active_companies": "distinct companies taking part in at least one of the cluster's projects of "
    "the year",
    "new_active_companies": "active companies of the year not active for the cluster in any earlier year",
    "companies_in_2plus_activities_or_projects": "distinct companies that used at least two distinct "
    "services or activities of the cluster in the year, or took part in one of its projects of the year "
    "(the Flemish report's Tabel 4 'active firms'; missing without an activities table)",
    "projects_3plus_companies": "projects of the year with at least 3 distinct company participants",
    "companies_in_3plus_projects": "distinct companies in at least one of those projects",
    "sme_share_in_3plus_projects": "share of SMEs among those companies whose size is known",
    "cross_sector_projects": "projects of the year whose company participants have two or more "
    "distinct known sectors",
    "companies_in_cross_sector_projects": "distinct companies in at least one cross-sector project",
    "international_projects": "projects of the year with a participant from the home country and one "
    "from another known country (without a home country: participants from two or more known countries)",
    "repeat_pairs": "organisation pairs working together in a project of the year that had already "
    "worked together in a project of an earlier year",
}

_MEMBERSHIP_COLUMNS = ("members", "new_members", "leavers", "retention_rate", "returning_share",
                       "multi_cluster_member_share", "members_without_activities")
_SHARE_COLUMNS = frozenset({"retention_rate", "returning_share", "multi_cluster_member_share",
                            "sme_share_in_3plus_projects"})

#: Columns of :func:`network_timeseries`.
NETWORK_COLUMNS = (
    "first_year",
    "nodes",
    "edges",
    "density",
    "components",
    "largest_component_share",
    "average_clustering",
)

_UNKNOWN_SECTORS = frozenset({"unknown", "onbekend", ""})
_ALL = "__ecosystem__"  # the one group when by=None


def kpis(
    ecosystem: Ecosystem,
    *,
    by: str | None = "cluster",
    years: int | Iterable[int] | None = None,
    home_country: str | None = None,
    engine: str = "numpy",
) -> pd.DataFrame:
    """The cluster KPIs of the report's Tabel 4 and Tabel 12, per cluster and year.

    Members (from ``memberships``) and active companies (from project participations) are
    counted strictly apart, as the evaluation report asks: a dormant paying member is not an
    active company, and an active company need not be a member.

    Parameters
    ----------
    ecosystem : Ecosystem
    by : {"cluster", None}, default "cluster"
        ``"cluster"``: one row per cluster of the ``clusters`` table and year. ``None``: one
        row per year for the whole ecosystem, where a member is a member of any cluster and the
        projects are all projects.
    years : int or collection of int, optional
        Only return these years (``range(2017, 2020)`` for 2017-2019). History before them
        still counts for the flows (new members, new active companies, repeat pairs).
    home_country : str, optional
        Seen from this country (as written in ``organisations.country``, e.g. ``"BE"``), a project
        is international when it has a partner from it and one from another known country.
        Default ``None``, for data without a single home country (EU programmes): a project is
        international when its participants come from two or more known countries. Both are in
        ``result.attrs`` (``"home_country"`` and ``"international_projects"``, the rule in words).
    engine : {"numpy", "duckdb"}, default "numpy"
        Who computes the project KPIs (the ones that grow with the participations). ``"duckdb"``
        runs them as DuckDB queries (the ``sql`` extra; ``by=None`` only), with the same
        result; the membership and activity KPIs, which grow with the clusters' member lists,
        stay in pandas.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(cluster_id, year)`` (``by="cluster"``) or ``year`` (``by=None``), one row
        for every year from the first to the last year in the data (only those in ``years``), sorted.
        The columns are always the keys of :data:`KPI_DEFINITIONS`, in that order: counts as
        nullable ``Int64``, shares and rates as ``float64``. A KPI that cannot be computed is
        missing (``<NA>``/``NaN``), never zero; see Notes.

    Raises
    ------
    MissingTableError
        ``by="cluster"`` without ``clusters``; or neither ``memberships`` nor the project tables
        (``projects``, and ``project_clusters`` when ``by="cluster"``) were given.
    OptionError
        ``by`` is not ``"cluster"`` or ``None``, ``engine="duckdb"`` with ``by="cluster"``, ``years`` is not a year or a collection of
        years, or ``home_country`` is not a non-empty text (a ``ValueError``).

    Warns
    -----
    UserWarning
        When membership rows, projects or activities without a year are left out; when no
        participant comes from ``home_country``; when ``activities`` is given without the project
        tables, so that active companies are counted from activities alone.

    See Also
    --------
    network_timeseries : size, density and cohesion of the organisation network per year.

    Notes
    -----
    **Years.** A membership counts in its ``year``; a project and its participants count in the
    project's ``year`` only (the data model has no end year). Rows without a year are left out,
    with a warning.

    **Membership KPIs** need ``memberships`` (missing otherwise). A cluster's member list is
    known from its first to its last membership year; outside that span its membership KPIs are
    missing, inside it a year without rows has 0 members. ``new_members``, ``leavers`` and
    ``retention_rate`` compare with the year before and are missing in the first known year
    (the list before it is unknown); a member that leaves and returns counts as new again. So
    ``members = previous members - leavers + new_members``. ``retention_rate`` is missing when
    the year before had no members. ``returning_share`` looks the other way, at this year's
    members: :math:`|M_t \\cap M_{t-1}| / |M_t|`, against ``retention_rate``'s
    :math:`|M_t \\cap M_{t-1}| / |M_{t-1}|`; it is the Flemish report's "retentiegraad" and is
    missing when the year has no members. ``multi_cluster_member_share`` counts memberships of the
    same year only, of any cluster in ``memberships`` (with ``by=None``: members of two or
    more clusters / members of any cluster).

    **Active companies (Tabel 4).** The report defines the KPI "Aantal unieke actieve
    ondernemingen binnen de cluster" (lines 843-847) as "het aantal unieke ondernemingen die
    beroep doen op of deelnemen aan minstens 2 clusterdiensten of -activiteiten of het aantal
    unieke ondernemingen dat betrokken is bij samenwerkingsinitiatieven" (the unique firms that
    use or take part in at least 2 cluster services or activities, or that are involved in
    collaborative initiatives), and asks to keep it strictly apart from the (paying) members,
    since a dormant member is no active firm. So, for cluster :math:`c` and year :math:`t`,

    .. math::

        A_{c,t} = \\{f \\in F : |S_{f,c,t}| \\ge 2\\} \\cup \\{f \\in F : f \\in P_{c,t}\\}

    where :math:`F` are the organisations of kind ``company``, :math:`S_{f,c,t}` the distinct
    ``activity`` values of the rows of ``activities`` of :math:`f` for :math:`c` dated in
    :math:`t`, and :math:`P_{c,t}` the participants of the projects of year :math:`t` that
    :math:`c` carries; ``companies_in_2plus_activities_or_projects`` is :math:`|A_{c,t}|`.
    Membership plays no part. Two rows of one activity on two dates are one activity (the
    report counts services, not visits; an activity id that holds the date counts each
    session). With ``by=None``, :math:`S` counts distinct (cluster, activity) pairs over all
    clusters and :math:`P` all projects. The KPI needs the ``activities`` table: without it the
    column is missing, and ``members_without_activities`` (members with no activity row of the
    cluster in the year, :math:`|M_{c,t} \\setminus \\{o : S_{o,c,t} \\neq \\emptyset\\}|`) then
    equals ``members``, so a missing table never reads as zero active companies. A cluster's
    activity data is known from its first to its last activity year; outside that span the KPI
    is missing, inside it a year without rows counts the project route alone.

    **Project KPIs.** A project belongs to every cluster that carries it in
    ``project_clusters`` except rows whose status is ``withdrawn`` (as in
    :func:`~clusternet.cluster_network`); a
    project may belong to several clusters and counts for each. With ``by="cluster"`` the
    project KPIs need ``projects`` and ``project_clusters``; with ``by=None`` only
    ``projects``. They are missing for years outside the span of project years. The KPIs on
    participants also need a non-empty ``participations`` table (an empty one is taken as
    unknown: a real project has participants).

    * A company is an organisation of kind ``company``. Only company participants count for
      the 3-companies and cross-sector KPIs.
    * ``new_active_companies``: never active for this cluster (any project, any earlier year)
      before. In the first year of the data every active company is new: the history before
      the data is unknown.
    * ``sme_share_in_3plus_projects`` = SMEs / (SMEs + large companies) among the companies in
      projects with 3 or more companies; companies of unknown size are left out of both; it
      is missing when no such company has a known size.
    * A sector is known unless it is empty or ``unknown`` (the default); unknown-sector companies
      add no sector, but still count in ``companies_in_cross_sector_projects``. Both cross-sector
      KPIs are missing when no participating company has a known sector.
    * ``international_projects``: with a ``home_country`` :math:`h`, the projects :math:`p`
      with :math:`\\exists\\, o, o' \\in p: \\mathrm{country}(o) = h \\ne \\mathrm{country}(o')`
      (a home partner and a foreign one, of any kind: a foreign university counts); without one,
      the projects whose participants have :math:`|\\{\\mathrm{country}(o) : o \\in p\\}| \\ge 2`
      known countries. An unknown country never counts. Missing when no participant has a
      known country. Seen from Belgium, H2020 projects starting in 2019 give 672 of 5,547 (804
      have a Belgian partner); counting every project with a non-Belgian partner, as clusternet
      did before, gave 5,415, most of them without any Belgian partner.
    * ``repeat_pairs``: unordered pairs of distinct organisations (any kind) that share a
      project of the year (of the cluster) and also shared some project (of any cluster, or of
      none) of a strictly earlier year. Two projects of the same year are not earlier than each
      other, so a pair that first meets twice in one year is not a repeat pair in that year.

    References
    ----------
    .. [1] IDEA Consult and Technopolis (2020). *Een onderzoek naar clusterondersteuning in
       Vlaanderen*. Tabel 4 (programme KPIs) and Tabel 12 (KPIs per spearhead cluster).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({
    ...         "organisation_id": ["a", "b", "c", "u"],
    ...         "kind": ["company", "company", "company", "university"],
    ...         "sector": ["chemistry", "food", "chemistry", "unknown"],
    ...         "size_class": ["sme", "large", "sme", "unknown"],
    ...         "country": ["BE", "BE", "NL", "BE"]}),
    ...     clusters=pd.DataFrame({"cluster_id": ["k"]}),
    ...     memberships=pd.DataFrame({"organisation_id": ["a", "b", "a", "c"],
    ...                               "cluster_id": ["k", "k", "k", "k"],
    ...                               "year": [2019, 2019, 2020, 2020]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"], "year": [2019, 2020]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2", "p2", "p2"],
    ...                                  "organisation_id": ["a", "u", "a", "b", "c", "u"]}),
    ...     project_clusters=pd.DataFrame({"project_id": ["p1", "p2"], "cluster_id": ["k", "k"]}),
    ... )
    >>> table = cn.kpis(eco)
    >>> table[["members", "new_members", "leavers", "retention_rate"]]
                 members  new_members  leavers  retention_rate
    cluster_id year
    k          2019        2         <NA>     <NA>             NaN
               2020        2            1        1             0.5
    >>> table.loc[("k", 2020), ["active_companies", "projects_3plus_companies",
    ...                         "cross_sector_projects", "international_projects", "repeat_pairs"]].tolist()
    [3, 1, 1, 1, 1]
    >>> table.attrs["international_projects"]
    'participants from two or more known countries'
    >>> cn.kpis(eco, by=None, engine="duckdb").equals(cn.kpis(eco, by=None))
    True

    With the services members used (a CRM export), Tabel 4's active companies: ``b`` used two
    services in 2019, ``a`` one (and is in project p1), ``c`` none.

    >>> activities = pd.DataFrame({"organisation_id": ["a", "b", "b", "b"],
    ...                            "activity": ["webinar", "webinar", "matchmaking", "matchmaking"],
    ...                            "cluster_id": "k",
    ...                            "date": ["12/03/2019", "12/03/2019", "02/05/2019", "20/09/2019"]})
    >>> with_crm = eco.replace(activities=activities)
    >>> cn.kpis(with_crm).loc[("k", 2019), ["members", "members_without_activities",
    ...                                     "companies_in_2plus_activities_or_projects"]].tolist()
    [2, 0, 2]
    """
    if by not in ("cluster", None):
        raise OptionError(f"by must be 'cluster' or None, not {by!r}")
    if engine not in ("numpy", "duckdb"):
        raise OptionError(f"engine={engine!r} is not one of 'numpy', 'duckdb'")
    if engine == "duckdb" and by is not None:
        raise OptionError("engine='duckdb' computes kpis(by=None), the ecosystem-wide KPIs; per cluster, use "
                          "engine='numpy'")
    if home_country is not None and (not isinstance(home_country, str) or not home_country.strip()):
        raise OptionError(f"home_country must be a country as written in organisations.country (such as "
                          f"'BE'), or None for data without a single home country; not {home_country!r}")
    wanted = parse_years(years)
    provided = ecosystem.provided
    if by == "cluster":
        ecosystem.require("clusters", purpose="kpis(by='cluster')")
        project_tables = ("projects", "project_clusters")
    else:
        project_tables = ("projects",)
    has_members = "memberships" in provided
    has_projects = all(name in provided for name in project_tables)
    if not has_members and not has_projects:
        raise MissingTableError(
            f"kpis(by={by!r}) needs the table memberships (membership KPIs) or the tables "
            f"{', '.join(project_tables)} (project KPIs); this ecosystem has neither"
        )
    has_participants = (
        has_projects and "participations" in provided and len(ecosystem.participations) > 0
    )

    groups = pd.Index(
        sorted(ecosystem.clusters["cluster_id"].unique()) if by == "cluster" else [_ALL], dtype="str"
    )
    pieces: list[pd.DataFrame] = []
    spans: list[tuple[int, int]] = []
    attrs: dict[str, object] = {
        "home_country": home_country,
        "international_projects": "participants from two or more known countries" if home_country is None
        else f"a participant from {home_country} and one from another known country",
    }
    activity_rows = _activity_rows(ecosystem, by) if "activities" in provided else None
    if has_members:
        counts, span = _membership_kpis(ecosystem, by, activity_rows)
        if counts is not None:
            pieces.append(counts)
            spans.append(span)
    if has_projects:
        if engine == "duckdb":
            projects = _projects_with_year(ecosystem, stacklevel=2)
            counts, span = (None, None) if projects.empty else _project_kpis_sql(
                ecosystem, projects, home_country, has_participants, _UNKNOWN_SECTORS)
        else:
            counts, span = _project_kpis(ecosystem, by, groups, home_country, has_participants)
        if counts is not None:
            pieces.append(counts)
            spans.append(span)
    if activity_rows is not None and len(activity_rows):
        if not has_participants:
            warnings.warn(
                "kpis: activities are given but no project participations"
                + ("" if has_projects else f" (the tables {', '.join(project_tables)})")
                + ", so companies_in_2plus_activities_or_projects counts only the companies with two or "
                "more activities (the report's definition also counts companies in projects)",
                UserWarning, stacklevel=2)
        counts, span = _activity_kpis(ecosystem, by, activity_rows, has_participants)
        pieces.append(counts)
        spans.append(span)

    if spans:
        shown = range(min(span[0] for span in spans), max(span[1] for span in spans) + 1)
    else:
        shown = range(0)
    shown = [year for year in shown if wanted is None or year in wanted]
    index = pd.MultiIndex.from_product(
        [groups, pd.Index(shown, dtype="int64")], names=["cluster_id", "year"]
    )
    result = pd.DataFrame(index=index)
    for piece in pieces:
        result = result.join(piece.reindex(index))
    for column in KPI_DEFINITIONS:
        if column not in result:
            result[column] = np.nan
        result[column] = result[column].astype("float64" if column in _SHARE_COLUMNS else "Int64")
    result = result[list(KPI_DEFINITIONS)]
    if by is None:
        result = result.droplevel("cluster_id")
    result.attrs.update(attrs)
    return result


def cross_sector_baseline(
    ecosystem: Ecosystem,
    *,
    by: str | None = "cluster",
    years: int | Iterable[int] | None = None,
    samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """The cross-sector KPIs beside what they would be with the companies' sectors shuffled.

    :func:`kpis`' ``cross_sector_projects`` counts the projects whose companies have two or more
    known sectors. Most consortia of several firms join several sectors by chance alone, so
    the count means little without what the same consortia would give with the sectors spread
    at random: here every company's sector is shuffled among the companies of known sector
    that take part in a project (the consortia and the number of firms of each sector kept),
    and each (cluster, year) gets its exact expected count and the spread over seeded shuffles.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``projects``, ``participations`` and ``organisations``; with ``by="cluster"`` also
        ``clusters`` and ``project_clusters``.
    by : {"cluster", None}, default "cluster"
        As in :func:`kpis`: per cluster and year, or per year for the whole ecosystem.
    years : int or collection of int, optional
        Only return these years, as in :func:`kpis`.
    samples : int, default 1000
        Shuffles drawn for the spread (the expectation is exact).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the shuffles (see ``docs/parameters.md``).

    Returns
    -------
    pandas.DataFrame
        Indexed as :func:`kpis` (``(cluster_id, year)``, or ``year`` with ``by=None``), columns
        ``projects`` and ``cross_sector_projects`` (equal to :func:`kpis`' columns),
        ``expected`` (the exact expected count, see Notes), ``expected_sd``, ``low`` and
        ``high`` (standard deviation, 2.5% and 97.5% quantiles of the count over the
        shuffles), ``share`` (``cross_sector_projects / projects``) and ``expected_share``
        (``expected / projects``); then ``companies_in_cross_sector_projects`` (equal to
        :func:`kpis`' column) beside ``expected_companies`` and ``expected_companies_sd``, its
        mean and standard deviation over the shuffles (a company in several projects makes the
        exact value a sum over their joint chances, so it is sampled). Missing where
        :func:`kpis` leaves the KPIs missing (no
        participating company of known sector) and the shares in years without a project.
        ``attrs["population"]`` says in words which companies were shuffled, ``attrs["samples"]``
        and ``attrs["seed"]`` how.

    Raises
    ------
    MissingTableError
        When a table it needs is absent.
    OptionError
        When ``by``, ``years`` or ``samples`` is not one of its values, or no project has a year.

    See Also
    --------
    kpis : the KPIs, ``cross_sector_projects`` among them.
    consortium_diversity : the same null for each project and any attribute.

    Notes
    -----
    A sector is known unless it is empty or ``unknown``, as in :func:`kpis`; other kinds of
    organisation and companies of unknown sector take no part in the shuffle and are never a
    sector. With :math:`N` companies in the shuffle, :math:`N_s` of sector :math:`s`, a project
    with :math:`n` companies of known sector is cross-sector with probability
    :math:`1 - \\sum_s \\binom{N_s}{n} / \\binom{N}{n}` (the multivariate hypergeometric law of a
    shuffle), and ``expected`` sums that over the cell's projects. One shuffle relabels all
    years and clusters at once, so the spread keeps the dependence between projects that share
    companies.

    Examples
    --------
    Four companies of two sectors in two projects of 2019; shuffled, a pair of them joins both
    sectors with chance 1 - 2 C(2, 2) / C(4, 2) = 2/3:

    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d", "u"],
    ...                                 "kind": ["company"] * 4 + ["university"],
    ...                                 "sector": ["food", "food", "chemistry", "chemistry", "unknown"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"], "year": [2019, 2019]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "u", "c", "d"]}))
    >>> table = cn.cross_sector_baseline(eco, by=None, samples=200)
    >>> table[["projects", "cross_sector_projects", "expected", "expected_share"]].round(3)
          projects  cross_sector_projects  expected  expected_share
    year
    2019         2                      0     1.333           0.667
    >>> table.attrs["population"]
    'the 4 companies of known sector that take part in a project'
    """
    if by not in ("cluster", None):
        raise OptionError(f"by must be 'cluster' or None, not {by!r}")
    samples = check_samples(samples)
    wanted = parse_years(years)
    needs = ("projects", "participations", "organisations") + (("clusters", "project_clusters")
                                                               if by == "cluster" else ())
    ecosystem.require(*needs, purpose="the cross-sector baseline")
    groups = pd.Index(
        sorted(ecosystem.clusters["cluster_id"].unique()) if by == "cluster" else [_ALL], dtype="str"
    )
    projects = _projects_with_year(ecosystem, stacklevel=2)
    if projects.empty:
        raise OptionError("nothing to measure: no project has a year, so no year has a cross-sector count")
    project_ids = pd.Index(projects["project_id"])
    project_year = projects["year"].to_numpy(dtype="int64")
    first, last = int(project_year.min()), int(project_year.max())
    n_years, n_projects = last - first + 1, len(project_ids)
    n_cells = len(groups) * n_years
    carried_group, carried_project = _carried(ecosystem, by, groups, project_ids)
    cell = carried_group * n_years + (project_year[carried_project] - first)

    organisations = ecosystem.organisations
    organisation_ids = pd.Index(organisations["organisation_id"])
    participations = ecosystem.participations
    part_project = project_ids.get_indexer(participations["project_id"]).astype("int64")
    part_organisation = organisation_ids.get_indexer(participations["organisation_id"]).astype("int64")
    sector_code = _codes(organisations["sector"], unknown=_UNKNOWN_SECTORS, lower=True)
    is_company = (organisations["kind"] == "company").to_numpy()
    keep = (part_project >= 0) & (part_organisation >= 0)
    keep[keep] &= is_company[part_organisation[keep]] & (sector_code[part_organisation[keep]] >= 0)
    n_organisations = max(len(organisation_ids), 1)
    keys = np.unique(part_project[keep] * n_organisations + part_organisation[keep])  # sorted by project
    row_project, row_organisation = keys // n_organisations, keys % n_organisations
    population = np.unique(row_organisation)
    _, labels = np.unique(sector_code[population], return_inverse=True)
    labels = labels.ravel().astype("int64")
    group_sizes = np.bincount(labels)
    position = np.searchsorted(population, row_organisation)
    known = np.bincount(row_project, minlength=n_projects)  # companies of known sector per project

    carried = sp.csr_array((np.ones(len(cell)), (carried_project, cell)), shape=(n_projects, n_cells))
    with_rows = np.flatnonzero(known > 0)
    starts = _block_starts(known)[with_rows]

    # Every company (of any sector) of every carried project, as (cell, company) pairs: a pair
    # counts for companies_in_cross_sector_projects when one of its projects is cross-sector.
    company_rows = (part_project >= 0) & (part_organisation >= 0)
    company_rows[company_rows] &= is_company[part_organisation[company_rows]]
    company_keys = np.unique(part_project[company_rows] * n_organisations + part_organisation[company_rows])
    company_project, company_id = company_keys // n_organisations, company_keys % n_organisations
    companies = np.bincount(company_project, minlength=n_projects)
    owner, at = _expand(_block_starts(companies)[carried_project], companies[carried_project])
    pair_keys, pair = np.unique(cell[owner] * n_organisations + company_id[at], return_inverse=True)
    pair = pair.ravel()
    in_pair = sp.csr_array((np.ones(len(pair)), (carried_project[owner], pair)), shape=(n_projects, len(pair_keys)))
    pair_cell = sp.csr_array((np.ones(len(pair_keys)), (np.arange(len(pair_keys)), pair_keys // n_organisations)),
                             shape=(len(pair_keys), n_cells))

    def counts(label_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cross-sector projects and the companies in them per cell, one row per labelling."""
        spans = np.zeros((len(label_rows), n_projects))
        if len(with_rows):
            spans[:, with_rows] = (np.minimum.reduceat(label_rows, starts, axis=1)
                                   != np.maximum.reduceat(label_rows, starts, axis=1))
        reached = (np.asarray((in_pair.T @ spans.T).T) > 0).astype(float)
        return np.asarray((carried.T @ spans.T).T), np.asarray((pair_cell.T @ reached.T).T)

    columns: dict[str, np.ndarray] = {"projects": np.bincount(cell, minlength=n_cells).astype("float64")}
    if len(population):
        chance = composition_expectations(known, group_sizes)["spans"]
        observed, observed_companies = counts(labels[position][None, :])
        columns["cross_sector_projects"] = observed[0]
        columns["expected"] = np.bincount(cell, weights=chance[carried_project], minlength=n_cells)
        drawn = [counts(block[:, position]) for block in
                 shuffled_labels(labels, samples, random_generator(seed), max(len(keys), n_projects, len(pair_keys)))]
        null = np.concatenate([projects_drawn for projects_drawn, _ in drawn])
        null_companies = np.concatenate([companies_drawn for _, companies_drawn in drawn])
        columns["expected_sd"] = null.std(axis=0, ddof=1) if samples > 1 else np.full(n_cells, np.nan)
        columns["low"], columns["high"] = np.quantile(null, [0.025, 0.975], axis=0)
        columns["companies_in_cross_sector_projects"] = observed_companies[0]
        columns["expected_companies"] = null_companies.mean(axis=0)
        columns["expected_companies_sd"] = (null_companies.std(axis=0, ddof=1) if samples > 1
                                            else np.full(n_cells, np.nan))
    else:  # no participating company of known sector: missing, as in kpis
        for name in ("cross_sector_projects", "expected", "expected_sd", "low", "high",
                     "companies_in_cross_sector_projects", "expected_companies", "expected_companies_sd"):
            columns[name] = np.full(n_cells, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        projects_count = np.where(columns["projects"] > 0, columns["projects"], np.nan)
        columns["share"] = columns["cross_sector_projects"] / projects_count
        columns["expected_share"] = columns["expected"] / projects_count
    result = _grid_frame(columns, groups, first, last)
    if wanted is not None:
        result = result[result.index.get_level_values("year").isin(sorted(wanted))]
    order = ["projects", "cross_sector_projects", "expected", "expected_sd", "low", "high", "share",
             "expected_share", "companies_in_cross_sector_projects", "expected_companies", "expected_companies_sd"]
    result = result[order]
    for name in ("projects", "cross_sector_projects", "companies_in_cross_sector_projects"):
        result[name] = result[name].astype("Int64")
    if by is None:
        result = result.droplevel("cluster_id")
    result.attrs.update({
        "population": f"the {len(population):,} companies of known sector that take part in a project",
        "samples": samples,
        "seed": seed if isinstance(seed, int | np.integer) else None,
    })
    return result


def network_timeseries(
    ecosystem: Ecosystem,
    *,
    window: int = 1,
    step: int = 1,
    years: int | Iterable[int] | None = None,
) -> pd.DataFrame:
    """Size and cohesion of the organisation network, per year or per moving window of years.

    The organisation network of a window is that of :func:`~clusternet.organisation_network`
    with ``years=range(first year, last year + 1)`` of the window, restricted to the organisations with
    at least one participation in a project of the window: the other organisations of the
    ecosystem are not counted as nodes (they would make every year look sparse), but the
    single participant of a one-partner project is, as an isolated node.

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``projects`` and ``participations``; projects without a year are left out.
    window : int, default 1
        Years per window: the window ending in year ``t`` covers ``t - window + 1`` to ``t``.
    step : int, default 1
        Years between the ends of consecutive windows.
    years : int or collection of int, optional
        Only use projects of these years (``range(2017, 2020)`` for 2017-2019). The first
        window ends at ``min(years) + window - 1``, the last at ``max(years)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``, the last year of the window, with columns ``first_year`` (first
        year of the window), ``nodes``, ``edges``, ``density`` (edges / possible edges),
        ``components`` (connected components, isolated nodes included),
        ``largest_component_share`` (nodes in the largest component / nodes) and
        ``average_clustering`` (mean local clustering coefficient over all nodes, 0 for nodes
        of degree below 2, as :func:`networkx.average_clustering`). A window without any
        participation has 0 nodes, 0 edges, 0 components and missing ratios.

    Raises
    ------
    MissingTableError
        Without ``projects`` or ``participations``.
    OptionError
        ``window`` or ``step`` not a whole number of at least 1, or a bad ``years`` (a
        ``ValueError``).

    Notes
    -----
    The edges come from :func:`~clusternet.organisation_edges` (the sparse product
    :math:`B B^T` of the window's organisation-by-project incidence matrix :math:`B`); the
    statistics are computed on the sparse adjacency matrix. Triangles are counted on the edges oriented from lower to higher degree, which keeps the
    sparse products small even with consortia of a hundred partners [1]_.

    References
    ----------
    .. [1] Schank, T. and Wagner, D. (2005). Finding, counting and listing all triangles in
       large graphs, an experimental study. *WEA 2005*, LNCS 3503, 606-609.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": list("abcde")}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "year": [2019, 2019, 2020]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p3", "p3"],
    ...                                  "organisation_id": ["a", "b", "c", "d", "a", "e"]}),
    ... )
    >>> cn.network_timeseries(eco)[["nodes", "edges", "components", "average_clustering"]]
          nodes  edges  components  average_clustering
    year
    2019      4      3           2                0.75
    2020      2      1           1                0.00
    """
    for name, value in (("window", window), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise OptionError(f"{name} must be a whole number of years of at least 1, not {value!r}")
    wanted = parse_years(years)
    ecosystem.require("projects", "participations", purpose="network_timeseries")
    projects = _projects_with_year(ecosystem, stacklevel=2)
    if wanted is not None:
        projects = select_years(projects, wanted)
    participations = ecosystem.participations[["project_id", "organisation_id"]].merge(
        projects, on="project_id", how="inner"
    )
    organisation_codes, organisation_ids = pd.factorize(participations["organisation_id"], sort=True)
    project_years = participations["year"].to_numpy(dtype="int64")
    data_years = projects["year"]
    if wanted is not None:
        low, high = min(wanted), max(wanted)
    else:
        low, high = (int(data_years.min()), int(data_years.max())) if len(data_years) else (0, -1)
    rows = []
    for end in range(low + window - 1, high + 1, step):
        start = end - window + 1
        inside = (project_years >= start) & (project_years <= end)
        # The nodes: every organisation with a participation in the window, isolates included.
        nodes = organisation_ids[np.unique(organisation_codes[inside])]
        window_years = [year for year in range(start, end + 1) if wanted is None or year in wanted]
        edges = organisation_edges(ecosystem, years=window_years) if len(nodes) else None
        rows.append({"year": end, "first_year": start, **_network_statistics(_adjacency(nodes, edges))})
    result = pd.DataFrame(rows, columns=["year", *NETWORK_COLUMNS]).set_index("year")
    for column in ("first_year", "nodes", "edges", "components"):
        result[column] = result[column].astype("int64")
    for column in ("density", "largest_component_share", "average_clustering"):
        result[column] = result[column].astype("float64")
    result.index = result.index.astype("int64")
    return result


# --- helpers ---------------------------------------------------------------------------------


def _drop_missing_years(frame: pd.DataFrame, what: str, *, stacklevel: int, warn: bool = True) -> pd.DataFrame:
    missing = frame["year"].isna()
    if missing.any() and warn:
        warnings.warn(
            f"{int(missing.sum())} {what} without a year left out of the yearly figures",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    frame = frame[~missing.to_numpy()]
    return frame.assign(year=frame["year"].astype("int64"))


def _projects_with_year(ecosystem: Ecosystem, *, stacklevel: int) -> pd.DataFrame:
    return _drop_missing_years(ecosystem.projects[["project_id", "year"]], "projects", stacklevel=stacklevel + 1)


def _count(frame: pd.DataFrame, name: str) -> pd.Series:
    """Rows per (group, year), indexed like the result."""
    counts = frame.groupby(["group", "year"], sort=False).size()
    counts.index = counts.index.set_names(["cluster_id", "year"])
    return counts.rename(name)


def _mean(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    means = frame.groupby(["group", "year"], sort=False)[column].mean()
    means.index = means.index.set_names(["cluster_id", "year"])
    return means.rename(name)


def _membership_kpis(
    ecosystem: Ecosystem, by: str | None, activity_rows: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, tuple[int, int] | None]:
    memberships = _drop_missing_years(
        ecosystem.memberships[["organisation_id", "cluster_id", "year"]], "membership rows", stacklevel=3
    ).drop_duplicates(["organisation_id", "cluster_id", "year"])
    if memberships.empty:
        return None, None
    cluster_count = memberships.groupby(["organisation_id", "year"])["cluster_id"].transform("size")
    memberships = memberships.assign(in_other=(cluster_count >= 2).astype("float64"))
    group = memberships["cluster_id"] if by == "cluster" else pd.Series(_ALL, index=memberships.index)
    members = (
        memberships.assign(group=group.astype("str"))
        .drop_duplicates(["group", "organisation_id", "year"])[["group", "organisation_id", "year", "in_other"]]
    )
    stayed = members.merge(
        members[["group", "organisation_id", "year"]].assign(year=lambda frame: frame["year"] + 1),
        on=["group", "organisation_id", "year"],
        how="inner",
    )
    # Members with no activity row of the group in the year (every member without the table).
    if activity_rows is None:
        without = members
    else:
        seen = activity_rows[["group", "organisation_id", "year"]].drop_duplicates()
        without = members.merge(seen, on=["group", "organisation_id", "year"], how="left", indicator=True)
        without = without[without["_merge"] == "left_only"]
    table = pd.concat(
        [
            _count(members, "members"),
            _count(stayed, "stayed"),
            _mean(members, "in_other", "multi_cluster_member_share"),
            _count(without, "members_without_activities"),
        ],
        axis=1,
    )
    # A cluster's member list is known from its first to its last membership year.
    spans = members.groupby("group")["year"].agg(["min", "max"])
    full = pd.MultiIndex.from_tuples(
        [(name, year) for name, row in spans.iterrows() for year in range(row["min"], row["max"] + 1)],
        names=["cluster_id", "year"],
    )
    table = table.reindex(full)
    counted = ["members", "stayed", "members_without_activities"]
    table[counted] = table[counted].fillna(0)
    previous = table["members"].groupby(level="cluster_id").shift(1)  # NaN in the first known year
    table["new_members"] = table["members"] - table["stayed"].where(previous.notna())
    table["leavers"] = previous - table["stayed"]
    table["retention_rate"] = table["stayed"] / previous.where(previous > 0)
    # Of this year's members, the share already there the year before (missing in the first known
    # year, and in a year without members).
    table["returning_share"] = table["stayed"].where(previous.notna()) / table["members"].where(table["members"] > 0)
    return table[list(_MEMBERSHIP_COLUMNS)], (int(spans["min"].min()), int(spans["max"].max()))


def _activity_rows(ecosystem: Ecosystem, by: str | None) -> pd.DataFrame:
    """The dated activity rows as ``group, organisation_id, activity, year`` (by=None: the activity
    is the (cluster, activity) pair, so two clusters' webinars are two activities)."""
    activities = ecosystem.activities
    activities = _drop_missing_years(
        activities[["organisation_id", "activity", "cluster_id"]].assign(year=activities["date"].dt.year),
        "activity rows", stacklevel=3)
    if by == "cluster":
        return activities.rename(columns={"cluster_id": "group"})
    key = activities["cluster_id"].str.cat(activities["activity"], sep="\x1f")
    return activities.assign(group=_ALL, activity=key).drop(columns="cluster_id")


def _activity_kpis(
    ecosystem: Ecosystem, by: str | None, activity_rows: pd.DataFrame, has_participants: bool
) -> tuple[pd.DataFrame, tuple[int, int]]:
    """Tabel 4's active companies on each group's span of activity years."""
    kinds = ecosystem.organisations.set_index("organisation_id")["kind"]
    rows = activity_rows[activity_rows["organisation_id"].map(kinds).eq("company").to_numpy()]
    used = rows.drop_duplicates(["group", "organisation_id", "year", "activity"]).groupby(
        ["group", "organisation_id", "year"], sort=False).size()
    active = [used[used >= 2].index.to_frame(index=False)]
    if has_participants:
        active.append(_company_participants(ecosystem, by))
    active = pd.concat(active, ignore_index=True).drop_duplicates()
    counts = _count(active, "companies_in_2plus_activities_or_projects")
    spans = activity_rows.groupby("group")["year"].agg(["min", "max"])
    full = pd.MultiIndex.from_tuples(
        [(name, year) for name, row in spans.iterrows() for year in range(row["min"], row["max"] + 1)],
        names=["cluster_id", "year"],
    )
    table = counts.reindex(full).fillna(0).to_frame()
    return table, (int(spans["min"].min()), int(spans["max"].max()))


def _company_participants(ecosystem: Ecosystem, by: str | None) -> pd.DataFrame:
    """``group, organisation_id, year`` of every company in a project the group carries."""
    projects = _drop_missing_years(ecosystem.projects[["project_id", "year"]], "projects", stacklevel=1,
                                   warn=False)
    kinds = ecosystem.organisations.set_index("organisation_id")["kind"]
    participations = ecosystem.participations[["project_id", "organisation_id"]]
    companies = participations[participations["organisation_id"].map(kinds).eq("company").to_numpy()]
    companies = companies.merge(projects, on="project_id")
    if by is None:
        return companies.assign(group=_ALL)[["group", "organisation_id", "year"]]
    carried = ecosystem.project_clusters
    status = carried["status"].fillna("").str.strip().str.lower()
    carried = carried.loc[~status.isin(WITHDRAWN).to_numpy(), ["project_id", "cluster_id"]]
    return companies.merge(carried, on="project_id").rename(columns={"cluster_id": "group"})[
        ["group", "organisation_id", "year"]]


def _project_kpis(
    ecosystem: Ecosystem, by: str | None, groups: pd.Index, home_country: str | None, has_participants: bool
) -> tuple[pd.DataFrame | None, tuple[int, int] | None]:
    """Project KPIs on a (group, year) grid, on integer codes so that all of CORDIS takes seconds."""
    projects = _projects_with_year(ecosystem, stacklevel=3)
    if projects.empty:
        return None, None
    project_ids = pd.Index(projects["project_id"])
    project_year = projects["year"].to_numpy(dtype="int64")
    first, last = int(project_year.min()), int(project_year.max())
    n_years, n_projects = last - first + 1, len(project_ids)
    n_cells = len(groups) * n_years

    carried_group, carried_project = _carried(ecosystem, by, groups, project_ids)
    cell = carried_group * n_years + (project_year[carried_project] - first)
    columns: dict[str, np.ndarray] = {"projects": np.bincount(cell, minlength=n_cells).astype("float64")}
    if not has_participants:
        return _grid_frame(columns, groups, first, last), (first, last)

    organisations = ecosystem.organisations
    organisation_ids = pd.Index(organisations["organisation_id"])
    participations = ecosystem.participations
    part_project = project_ids.get_indexer(participations["project_id"])
    inside = part_project >= 0
    part_project = part_project[inside].astype("int64")
    part_organisation = organisation_ids.get_indexer(participations["organisation_id"][inside]).astype("int64")
    order = np.lexsort((part_organisation, part_project))
    part_project, part_organisation = part_project[order], part_organisation[order]
    n_organisations = len(organisation_ids)

    sector_code = _codes(organisations["sector"], unknown=_UNKNOWN_SECTORS, lower=True)
    country_code, countries = _codes(organisations["country"], unknown=frozenset({""}), lower=False,
                                     return_values=True)
    size = organisations["size_class"].map({"sme": 1.0, "large": 0.0}).to_numpy(dtype="float64")
    is_company = (organisations["kind"] == "company").to_numpy()

    # Per project: companies, distinct known company sectors, a foreign participant.
    company = is_company[part_organisation]
    company_project, company_organisation = part_project[company], part_organisation[company]
    companies = np.bincount(company_project, minlength=n_projects)
    sector = sector_code[company_organisation]
    known_sector = sector >= 0
    n_sectors = int(sector_code.max()) + 1 if len(sector_code) else 0
    project_sector = np.unique(company_project[known_sector] * max(n_sectors, 1) + sector[known_sector])
    sectors = np.bincount(project_sector // max(n_sectors, 1), minlength=n_projects)
    part_country = country_code[part_organisation]
    known_country = part_country >= 0
    if home_country is None:  # two or more known countries
        n_countries = max(len(countries), 1)
        project_country = np.unique(part_project[known_country] * n_countries + part_country[known_country])
        international = np.bincount(project_country // n_countries, minlength=n_projects) >= 2
    else:  # a home partner and a foreign one
        home_code = int(np.flatnonzero(countries == home_country)[0]) if home_country in set(countries) else -1
        home = known_country & (part_country == home_code)  # home_code -1 (absent) matches no one
        if known_country.any() and not home.any():
            warnings.warn(f"kpis: no participant is from home_country={home_country!r} (the participants' "
                          f"countries include {', '.join(map(repr, countries[:5]))}), so no project is "
                          "international seen from it", UserWarning, stacklevel=3)
        international = ((np.bincount(part_project[home], minlength=n_projects) > 0)
                         & (np.bincount(part_project[known_country & ~home], minlength=n_projects) > 0))
    three_plus, cross_sector = companies >= 3, sectors >= 2

    for name, flag in (("projects_3plus_companies", three_plus), ("cross_sector_projects", cross_sector),
                       ("international_projects", international)):
        columns[name] = np.bincount(cell[flag[carried_project]], minlength=n_cells).astype("float64")

    # Company participants of every carried project: (cell, organisation) rows.
    company_starts = _block_starts(companies)
    row, position = _expand(company_starts[carried_project], companies[carried_project])
    company_cell, company_id = cell[row], company_organisation[position]
    company_project_of_row = carried_project[row]
    columns["active_companies"] = _distinct_count(company_cell, company_id, n_organisations, n_cells)
    group_organisation = carried_group[row] * n_organisations + company_id
    year_of_row = project_year[company_project_of_row]
    by_key = np.lexsort((year_of_row, group_organisation))
    is_first = np.ones(len(by_key), dtype=bool)
    is_first[1:] = group_organisation[by_key][1:] != group_organisation[by_key][:-1]
    columns["new_active_companies"] = np.bincount(company_cell[by_key][is_first], minlength=n_cells).astype(
        "float64"
    )
    in_three_plus = three_plus[company_project_of_row]
    columns["companies_in_3plus_projects"] = _distinct_count(
        company_cell[in_three_plus], company_id[in_three_plus], n_organisations, n_cells
    )
    distinct = np.unique(company_cell[in_three_plus] * n_organisations + company_id[in_three_plus])
    distinct_size = size[distinct % n_organisations]
    sized = ~np.isnan(distinct_size)
    sized_cell = distinct[sized] // n_organisations
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["sme_share_in_3plus_projects"] = np.bincount(
            sized_cell, weights=distinct_size[sized], minlength=n_cells
        ) / np.bincount(sized_cell, minlength=n_cells)
    in_cross = cross_sector[company_project_of_row]
    columns["companies_in_cross_sector_projects"] = _distinct_count(
        company_cell[in_cross], company_id[in_cross], n_organisations, n_cells
    )
    columns["repeat_pairs"] = _repeat_pairs(
        part_project, part_organisation, project_year, carried_project, cell, n_projects, n_cells
    )
    if not (sector_code[np.unique(company_organisation)] >= 0).any():
        columns["cross_sector_projects"] = columns["companies_in_cross_sector_projects"] = np.full(n_cells, np.nan)
    if not known_country.any():
        columns["international_projects"] = np.full(n_cells, np.nan)
    return _grid_frame(columns, groups, first, last), (first, last)


def _carried(ecosystem: Ecosystem, by: str | None, groups: pd.Index,
             project_ids: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """The carried projects as codes, one (group, project) pair each: every project with
    ``by=None``, else the project_clusters rows that are not withdrawn."""
    n_projects = len(project_ids)
    if by is None:
        return np.zeros(n_projects, dtype="int64"), np.arange(n_projects, dtype="int64")
    carried = ecosystem.project_clusters
    status = carried["status"].fillna("").str.strip().str.lower()
    carried = carried[~status.isin(WITHDRAWN).to_numpy()]
    project_code = project_ids.get_indexer(carried["project_id"])
    group_code = groups.get_indexer(carried["cluster_id"])
    inside = (project_code >= 0) & (group_code >= 0)
    keys = np.unique(group_code[inside].astype("int64") * n_projects + project_code[inside])
    return keys // n_projects, keys % n_projects


def _repeat_pairs(
    part_project: np.ndarray,
    part_organisation: np.ndarray,
    project_year: np.ndarray,
    carried_project: np.ndarray,
    cell: np.ndarray,
    n_projects: int,
    n_cells: int,
) -> np.ndarray:
    """Distinct pairs per cell that met in a project of a strictly earlier year."""
    size = np.bincount(part_project, minlength=n_projects)
    starts = _block_starts(size)
    # Every participant with each later participant of its project (rows are sorted by project).
    later = (starts + size)[part_project] - np.arange(len(part_project)) - 1
    first, offset = _expand(np.arange(len(part_project)) + 1, later)
    low, high = part_organisation[first], part_organisation[offset]
    pair_project = part_project[first]
    _, pair = np.unique(np.minimum(low, high) * (int(part_organisation.max()) + 1) + np.maximum(low, high),
                        return_inverse=True)
    pair = pair.ravel().astype("int64")
    n_pairs = int(pair.max()) + 1 if len(pair) else 0
    first_met = np.full(n_pairs, np.iinfo("int64").max)
    np.minimum.at(first_met, pair, project_year[pair_project])
    # Pairs of every carried project, kept where the pair met in an earlier year.
    order = np.argsort(pair_project, kind="stable")
    pairs_per_project = np.bincount(pair_project, minlength=n_projects)
    pair_starts = _block_starts(pairs_per_project)
    row, position = _expand(pair_starts[carried_project], pairs_per_project[carried_project])
    carried_pair = pair[order][position]
    repeated = first_met[carried_pair] < project_year[carried_project[row]]
    return _distinct_count(cell[row][repeated], carried_pair[repeated], max(n_pairs, 1), n_cells)


def _codes(values: pd.Series, *, unknown: frozenset[str], lower: bool, return_values: bool = False):
    """Integer codes of the known values (stripped text), -1 for empty or unknown ones."""
    text = values.astype("object").where(values.notna(), "").map(lambda value: str(value).strip())
    key = text.str.lower() if lower else text
    known = ~key.isin(unknown).to_numpy()
    codes = np.full(len(values), -1, dtype="int64")
    found, uniques = pd.factorize(key[known], sort=True)
    codes[known] = found
    if return_values:
        return codes, np.asarray(uniques, dtype=object)
    return codes


def _block_starts(counts: np.ndarray) -> np.ndarray:
    """Where each key's block starts in rows sorted by key, from the rows per key."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype("int64")


def _expand(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner ``i`` gets the positions ``starts[i] ... starts[i] + lengths[i] - 1``: (owners, positions)."""
    lengths = np.asarray(lengths, dtype="int64")
    owner = np.repeat(np.arange(len(lengths), dtype="int64"), lengths)
    within = np.arange(int(lengths.sum()), dtype="int64") - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(np.asarray(starts, dtype="int64"), lengths) + within


def _distinct_count(cells: np.ndarray, items: np.ndarray, n_items: int, n_cells: int) -> np.ndarray:
    distinct = np.unique(cells.astype("int64") * n_items + items)
    return np.bincount(distinct // n_items, minlength=n_cells).astype("float64")


def _grid_frame(columns: dict[str, np.ndarray], groups: pd.Index, first: int, last: int) -> pd.DataFrame:
    index = pd.MultiIndex.from_product(
        [groups, pd.Index(range(first, last + 1), dtype="int64")], names=["cluster_id", "year"]
    )
    return pd.DataFrame(columns, index=index)


def _adjacency(nodes: pd.Index, edges: pd.DataFrame | None) -> sp.csr_matrix:
    """Binary symmetric adjacency over ``nodes`` from an edge table ``source, target``."""
    size = len(nodes)
    if edges is None or edges.empty:
        return sp.csr_matrix((size, size))
    source = nodes.get_indexer(edges["source"])
    target = nodes.get_indexer(edges["target"])
    if (source < 0).any() or (target < 0).any():  # pragma: no cover - organisation_edges invariant
        raise AssertionError("an edge joins an organisation without a participation in the window")
    upper = sp.csr_matrix((np.ones(len(source)), (source, target)), shape=(size, size))
    return (upper + upper.T).tocsr()


def _network_statistics(adjacency: sp.csr_matrix) -> dict[str, float]:
    nodes = adjacency.shape[0]
    edges = adjacency.nnz // 2
    if nodes == 0:
        return {"nodes": 0, "edges": 0, "density": np.nan, "components": 0,
                "largest_component_share": np.nan, "average_clustering": np.nan}
    components, labels = connected_components(adjacency, directed=False)
    degree = np.diff(adjacency.indptr)
    triangles = _triangles(adjacency, degree)
    possible = degree * (degree - 1) / 2
    local = np.divide(triangles, possible, out=np.zeros(nodes), where=possible > 0)
    return {
        "nodes": nodes,
        "edges": edges,
        "density": edges / (nodes * (nodes - 1) / 2) if nodes > 1 else 0.0,
        "components": int(components),
        "largest_component_share": np.bincount(labels).max() / nodes,
        "average_clustering": float(local.mean()),
    }


def _triangles(adjacency: sp.csr_matrix, degree: np.ndarray) -> np.ndarray:
    """Triangles through each node, on edges oriented from lower to higher (degree, index)."""
    rank = np.empty(len(degree), dtype="int64")
    rank[np.lexsort((np.arange(len(degree)), degree))] = np.arange(len(degree))
    edges = adjacency.tocoo()
    forward = rank[edges.row] < rank[edges.col]
    oriented = sp.csr_matrix(
        (np.ones(int(forward.sum())), (edges.row[forward], edges.col[forward])), shape=adjacency.shape
    )
    # A triangle with ranks a < b < c has edges a->b, b->c and a->c.
    lowest_highest = (oriented @ oriented).multiply(oriented)  # entry (a, c): one per middle b
    middle = (oriented.T @ oriented).multiply(oriented)  # entry (b, c): one per lowest a
    return (
        np.asarray(lowest_highest.sum(axis=1)).ravel()
        + np.asarray(lowest_highest.sum(axis=0)).ravel()
        + np.asarray(middle.sum(axis=1)).ravel()
    )
