"""The strategies of :mod:`clusternet.testing`: ecosystems, participation, membership and activity tables."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .._options import parse_years
from ..errors import OptionalDependencyError
from ..model import (
    CLUSTER_TYPES,
    KINDS,
    OWNERSHIPS,
    ROLES,
    SCHEMAS,
    SIZE_CLASSES,
    TABLES,
    YEAR_RANGE,
    Ecosystem,
)

try:
    from hypothesis import strategies as st
except ImportError as err:  # pragma: no cover - hypothesis is in the test extra
    raise OptionalDependencyError(
        "clusternet.testing needs Hypothesis: pip install 'clusternet[test]'"
    ) from err

__all__ = ["ecosystems", "participations", "memberships", "activities", "ID_ALPHABET"]

#: Characters ids are drawn from: digits before letters and a non-ASCII letter, so that string
#: order differs from numeric order ("10" < "9") and from byte-naive assumptions.
ID_ALPHABET = "019abxyzAZ-_é"
_STATUSES = ("approved", "withdrawn")
_SECTORS = ("chemistry", "food", "logistics", "energy", "unknown")
_REGIONS = ("Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen")
_TIERS = ("member", "board", "partner")
#: The services and activities a generated activities table draws from (as a CRM names them).
_ACTIVITIES = ("webinar", "matchmaking", "advice", "workshop", "company visit")


def ecosystems(
    *,
    min_organisations: int = 1,
    max_organisations: int = 8,
    max_projects: int = 6,
    max_partners: int | None = None,
    max_clusters: int = 4,
    kinds: Sequence[str] = KINDS,
    years: int | Iterable[int] = range(2014, 2021),
    with_projects: bool = True,
    with_clusters: bool = True,
    distinct_ids: bool = True,
    with_activities: bool = False,
) -> st.SearchStrategy[Ecosystem]:
    """Ecosystems of organisations with projects and participations and/or clusters.

    Parameters
    ----------
    min_organisations, max_organisations : int
        Bounds on the number of organisations (``0 <= min <= max``).
    max_projects : int
        At most this many projects (at least 0). Projects may have no participants.
    max_partners : int, optional
        At most this many participants per project (default: every organisation may take part).
    max_clusters : int
        At most this many clusters.
    kinds : sequence of str
        The organisation kinds drawn from (a non-empty subset of ``clusternet.model.KINDS``).
    years : int or collection of int, default range(2014, 2021)
        The project and membership years to draw from: consecutive years, as everywhere in
        clusternet (``range(2014, 2021)`` for 2014-2020).
    with_projects : bool
        Include ``projects`` and ``participations`` tables.
    with_clusters : bool
        Include ``clusters`` and ``memberships`` (and ``project_clusters`` when there are
        projects too).
    distinct_ids : bool
        If true (default) organisation, project and cluster ids never coincide; if false, the
        tables draw their ids independently from a small pool, so the same id often names an
        organisation and a project, as when users number both 1, 2, 3.
    with_activities : bool, default False
        Also an ``activities`` table (see :func:`activities`): members and others using the
        clusters' services on dates in ``years``. Needs ``with_clusters``. Drawn after every
        other table, so the other tables of an example are those drawn without it.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of Ecosystem

    Examples
    --------
    >>> from clusternet import strategies
    >>> eco = strategies.ecosystems(min_organisations=2, max_organisations=3).example()
    >>> 2 <= len(eco.organisations) <= 3
    True
    """
    _check_count("min_organisations", min_organisations)
    _check_count("max_organisations", max_organisations)
    if min_organisations > max_organisations:
        raise ValueError(f"min_organisations={min_organisations} is larger than "
                         f"max_organisations={max_organisations}")
    _check_count("max_projects", max_projects)
    if max_partners is not None:
        _check_count("max_partners", max_partners)
    _check_count("max_clusters", max_clusters)
    kinds = _check_vocabulary("kinds", kinds, KINDS)
    years = _check_years(years)
    for name, flag in (("with_projects", with_projects), ("with_clusters", with_clusters),
                       ("distinct_ids", distinct_ids), ("with_activities", with_activities)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name}={flag!r} must be True or False")
    if with_activities and not with_clusters:
        raise ValueError("with_activities=True needs with_clusters=True: an activity is a cluster's service")

    return _ecosystems(min_organisations, max_organisations, max_projects, max_partners, max_clusters,
                       kinds, years, with_projects, with_clusters, distinct_ids, with_activities)


def participations(
    *,
    organisation_ids: Sequence[str],
    project_ids: Sequence[str],
    max_partners: int | None = None,
) -> st.SearchStrategy[pd.DataFrame]:
    """Participations tables linking the given organisations to the given projects.

    Each project gets between 0 and ``max_partners`` distinct participants, each with a role
    and a budget. The table is canonical (the columns and dtypes validation produces).

    Parameters
    ----------
    organisation_ids, project_ids : sequence of str
        Distinct ids of the organisations and projects the table may refer to.
    max_partners : int, optional
        At most this many participants per project (default: all organisations).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame

    Examples
    --------
    >>> from clusternet import strategies
    >>> table = strategies.participations(organisation_ids=["a", "b"], project_ids=["p"]).example()
    >>> list(table.columns)
    ['project_id', 'organisation_id', 'role', 'budget']
    """
    organisation_ids = _check_ids("organisation_ids", organisation_ids)
    project_ids = _check_ids("project_ids", project_ids)
    if max_partners is not None:
        _check_count("max_partners", max_partners)
    limit = len(organisation_ids) if max_partners is None else min(max_partners, len(organisation_ids))

    return _participations(organisation_ids, project_ids, limit)


def memberships(
    *,
    organisation_ids: Sequence[str],
    cluster_ids: Sequence[str],
    years: int | Iterable[int] = range(2014, 2021),
    max_clusters_per_organisation: int | None = None,
) -> st.SearchStrategy[pd.DataFrame]:
    """Memberships tables of the given organisations in the given clusters, per year.

    Each organisation joins between 0 and ``max_clusters_per_organisation`` clusters, for one
    or more distinct years in ``years``, with a tier and a board flag.

    Parameters
    ----------
    organisation_ids, cluster_ids : sequence of str
        Distinct ids the table may refer to.
    years : int or collection of int, default range(2014, 2021)
        The membership years to draw from (consecutive years).
    max_clusters_per_organisation : int, optional
        Default: every cluster.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame

    Examples
    --------
    >>> from clusternet import strategies
    >>> table = strategies.memberships(organisation_ids=["a"], cluster_ids=["k"], years=range(2019, 2021)).example()
    >>> list(table.columns)
    ['organisation_id', 'cluster_id', 'year', 'tier', 'board']
    """
    organisation_ids = _check_ids("organisation_ids", organisation_ids)
    cluster_ids = _check_ids("cluster_ids", cluster_ids)
    start, end = _check_years(years)
    if max_clusters_per_organisation is not None:
        _check_count("max_clusters_per_organisation", max_clusters_per_organisation)
    limit = len(cluster_ids) if max_clusters_per_organisation is None else min(
        max_clusters_per_organisation, len(cluster_ids))
    return _memberships(organisation_ids, cluster_ids, (start, end), limit)


def activities(
    *,
    organisation_ids: Sequence[str],
    cluster_ids: Sequence[str],
    years: int | Iterable[int] = range(2014, 2021),
    max_activities_per_organisation: int = 4,
) -> st.SearchStrategy[pd.DataFrame]:
    """Activities tables: the given organisations using the given clusters' services, on dates.

    Each organisation uses between 0 and ``max_activities_per_organisation`` (activity, cluster,
    date) combinations, all distinct, so validation merges nothing: the same service of one cluster
    on two dates, and two services on one date, both occur. Dates fall in ``years``, some with a
    time of day. The table is canonical (the columns and dtypes validation produces).

    Parameters
    ----------
    organisation_ids, cluster_ids : sequence of str
        Distinct ids the table may refer to (no rows when either is empty).
    years : int or collection of int, default range(2014, 2021)
        The years the dates fall in (consecutive years).
    max_activities_per_organisation : int, default 4
        At most this many rows per organisation.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame

    Examples
    --------
    >>> from clusternet import testing
    >>> table = testing.activities(organisation_ids=["a"], cluster_ids=["k"], years=2019).example()
    >>> list(table.columns), set(table["date"].dt.year) <= {2019}
    (['organisation_id', 'activity', 'cluster_id', 'date'], True)
    """
    organisation_ids = _check_ids("organisation_ids", organisation_ids)
    cluster_ids = _check_ids("cluster_ids", cluster_ids)
    start, end = _check_years(years)
    _check_count("max_activities_per_organisation", max_activities_per_organisation)
    return _activities(organisation_ids, cluster_ids, (start, end), max_activities_per_organisation)


# --------------------------------------------------------------------------------------------
# The tables (building blocks of ecosystems())
# --------------------------------------------------------------------------------------------
#
# Generation is on the hot path of every property test, so an example costs a few pandas
# constructor calls and no more: each column is drawn as a plain list, turned into an array of
# its canonical dtype once, and each table is one DataFrame built from those arrays. Strategies
# are built once per size and cached instead of per example (Hypothesis validates every new
# strategy object), and references are drawn as positions into the id lists, which draws the
# very same choices as sampling the ids themselves. The order of the draws is the order of the
# tables, so a choice sequence gives the same ecosystem as before these speed-ups.


@st.composite
def _ecosystems(draw, min_organisations, max_organisations, max_projects, max_partners, max_clusters,
                kinds, years, with_projects, with_clusters, distinct_ids, with_activities=False) -> Ecosystem:
    n_organisations = draw(_integers(min_organisations, max_organisations))
    n_projects = draw(_integers(0, max_projects)) if with_projects else 0
    n_clusters = draw(_integers(0, max_clusters)) if with_clusters else 0
    if distinct_ids:
        ids = draw(_unique_ids(n_organisations + n_projects + n_clusters))
        organisation_ids = ids[:n_organisations]
        project_ids = ids[n_organisations:n_organisations + n_projects]
        cluster_ids = ids[n_organisations + n_projects:]
    else:
        organisation_ids = draw(_unique_ids(n_organisations, pool=True))
        project_ids = draw(_unique_ids(n_projects, pool=True))
        cluster_ids = draw(_unique_ids(n_clusters, pool=True))
    tables = {"organisations": _draw_organisations(draw, organisation_ids, kinds)}
    if with_projects:
        tables["projects"] = _draw_projects(draw, project_ids, years)
        limit = n_organisations if max_partners is None else min(max_partners, n_organisations)
        tables["participations"] = _draw_participations(draw, organisation_ids, project_ids, limit)
    if with_clusters:
        tables["clusters"] = _draw_clusters(draw, cluster_ids)
        tables["memberships"] = _draw_memberships(draw, organisation_ids, cluster_ids, years, len(cluster_ids))
        if with_projects:
            tables["project_clusters"] = _draw_project_clusters(draw, project_ids, cluster_ids)
    if with_activities:  # last, so that the other tables are drawn as without it
        tables["activities"] = _draw_activities(draw, organisation_ids, cluster_ids, years, 4)
    return _assemble(tables)


@st.composite
def _participations(draw, organisation_ids: list[str], project_ids: list[str], limit: int) -> pd.DataFrame:
    return _draw_participations(draw, organisation_ids, project_ids, limit)


@st.composite
def _memberships(draw, organisation_ids: list[str], cluster_ids: list[str], years: tuple[int, int],
                 limit: int) -> pd.DataFrame:
    return _draw_memberships(draw, organisation_ids, cluster_ids, years, limit)


@st.composite
def _activities(draw, organisation_ids: list[str], cluster_ids: list[str], years: tuple[int, int],
                limit: int) -> pd.DataFrame:
    return _draw_activities(draw, organisation_ids, cluster_ids, years, limit)


def _draw_organisations(draw, ids: list[str], kinds: tuple[str, ...]) -> pd.DataFrame:
    n = len(ids)
    return _table("organisations", {
        "organisation_id": ids,
        "name": [f"Organisation {i}" for i in ids],
        "kind": draw(_samples(kinds, n)),
        "sector": draw(_samples(_SECTORS, n)),
        "size_class": draw(_samples(SIZE_CLASSES, n)),
        "ownership": draw(_samples(OWNERSHIPS, n)),
        "region": draw(_samples(_REGIONS, n)),
        "country": ["BE"] * n,
    })


def _draw_projects(draw, ids: list[str], years: tuple[int, int]) -> pd.DataFrame:
    n = len(ids)
    year = draw(_integer_lists(years[0], years[1], n))
    budget = [float(b) for b in draw(_money(n))]
    return _table("projects", {
        "project_id": ids,
        "title": [f"Project {i}" for i in ids],
        "instrument": ["ICON"] * n,
        "year": year,
        "budget": budget,
        "funding": [b / 2 for b in budget],
    })


def _draw_clusters(draw, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    return _table("clusters", {
        "cluster_id": ids,
        "name": [f"Cluster {i}" for i in ids],
        "type": draw(_samples(CLUSTER_TYPES, n)),
        "domain": ["unknown"] * n,
        "call": ["1"] * n,
        "start": None,  # all NaT
        "end": None,
    })


def _draw_participations(draw, organisation_ids: list[str], project_ids: list[str], limit: int) -> pd.DataFrame:
    projects, organisations = [], []
    if limit:
        partners = _positions(len(organisation_ids), limit)
        for project in project_ids:
            for position in draw(partners):
                projects.append(project)
                organisations.append(organisation_ids[position])
    n = len(projects)
    return _table("participations", {
        "project_id": projects,
        "organisation_id": organisations,
        "role": draw(_samples(ROLES, n)),
        "budget": [float(b) for b in draw(_money(n))],
    })


def _draw_memberships(draw, organisation_ids: list[str], cluster_ids: list[str], years: tuple[int, int],
                      limit: int) -> pd.DataFrame:
    start, end = years
    organisations, clusters, member_years = [], [], []
    if limit:
        joined = _positions(len(cluster_ids), limit)
        span = _distinct_integers(start, end, min(3, end - start + 1))
        for organisation in organisation_ids:
            for position in draw(joined):
                for year in draw(span):
                    organisations.append(organisation)
                    clusters.append(cluster_ids[position])
                    member_years.append(year)
    n = len(organisations)
    return _table("memberships", {
        "organisation_id": organisations,
        "cluster_id": clusters,
        "year": member_years,
        "tier": draw(_samples(_TIERS, n)),
        "board": draw(_booleans(n)),
    })


def _draw_activities(draw, organisation_ids: list[str], cluster_ids: list[str], years: tuple[int, int],
                     limit: int) -> pd.DataFrame:
    organisations, activities, clusters, dates = [], [], [], []
    if limit and cluster_ids:
        uses = _activity_uses(len(cluster_ids), years, limit)
        first = np.datetime64(f"{years[0]}-01-01T00:00", "m")
        for organisation in organisation_ids:
            for activity, position, day, minute in draw(uses):
                organisations.append(organisation)
                activities.append(_ACTIVITIES[activity])
                clusters.append(cluster_ids[position])
                dates.append(first + np.timedelta64(day * 1440 + minute, "m"))
    return _table("activities", {
        "organisation_id": organisations,
        "activity": activities,
        "cluster_id": clusters,
        "date": dates,
    })


def _draw_project_clusters(draw, project_ids: list[str], cluster_ids: list[str]) -> pd.DataFrame:
    projects, clusters = [], []
    if cluster_ids:
        carriers = _positions(len(cluster_ids), len(cluster_ids))
        for project in project_ids:
            for position in draw(carriers):
                projects.append(project)
                clusters.append(cluster_ids[position])
    return _table("project_clusters", {
        "project_id": projects,
        "cluster_id": clusters,
        "status": draw(_samples(_STATUSES, len(projects))),
    })


# Strategies of lists, one per shape, built on first use.


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _samples(values: tuple[str, ...], n: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=n, max_size=n)


@functools.cache
def _positions(n: int, limit: int) -> st.SearchStrategy[list[int]]:
    """0 to ``limit`` distinct positions in a list of ``n`` ids (the draws of sampling the ids)."""
    return st.lists(st.sampled_from(range(n)), max_size=limit, unique=True)


@functools.cache
def _activity_uses(n_clusters: int, years: tuple[int, int], limit: int) -> st.SearchStrategy[list[tuple]]:
    """0 to ``limit`` distinct (activity, cluster position, day, minute) uses; a few distinct days
    and times of day, so one service on two dates and two services on one date both come up."""
    days = (pd.Timestamp(f"{years[1] + 1}-01-01") - pd.Timestamp(f"{years[0]}-01-01")).days
    return st.lists(st.tuples(st.integers(0, len(_ACTIVITIES) - 1), st.integers(0, n_clusters - 1),
                              st.sampled_from(sorted({0, days // 3, days // 2, days - 1})),
                              st.sampled_from((0, 14 * 60 + 30))),
                    max_size=limit, unique=True)


@functools.cache
def _integer_lists(low: int, high: int, n: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(low, high), min_size=n, max_size=n)


@functools.cache
def _distinct_integers(low: int, high: int, limit: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(low, high), min_size=1, max_size=limit, unique=True)


@functools.cache
def _money(n: int) -> st.SearchStrategy[list[int]]:
    """Whole amounts of 0 to 10 million (made floats by the caller)."""
    return st.lists(st.integers(0, 10_000_000), min_size=n, max_size=n)


@functools.cache
def _booleans(n: int) -> st.SearchStrategy[list[bool]]:
    return st.lists(st.booleans(), min_size=n, max_size=n)


_POOL = tuple(str(k) for k in range(1, 13))


@functools.cache
def _unique_ids(count: int, *, pool: bool = False) -> st.SearchStrategy[list[str]]:
    if pool:  # a small pool, so that independently drawn tables share ids
        return st.lists(st.sampled_from(_POOL), min_size=count, max_size=count, unique=True)
    return st.lists(st.text(ID_ALPHABET, min_size=1, max_size=4), min_size=count, max_size=count,
                    unique=True)


_STRING = pd.StringDtype(na_value=np.nan)  # what dtype "str" means in pandas 3


def _array(kind: str, values: list | None, n: int):
    """One column of a canonical dtype, converted once (``None`` for an all-missing date)."""
    if kind == "date":
        if values is None:
            return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        return np.array(values, dtype="datetime64[ns]").reshape(n)
    if kind == "number":
        return np.array(values, dtype="float64")
    if kind == "boolean":
        return np.array(values, dtype=bool)
    if kind == "year":
        return pd.array(values, dtype="Int64")
    return pd.array(values, dtype=_STRING)


def _table(name: str, columns: dict[str, list | None]) -> pd.DataFrame:
    """A table exactly as validation returns it: canonical columns, dtypes and a RangeIndex."""
    schema = SCHEMAS[name]
    n = len(columns[schema.columns[0].name])
    return pd.DataFrame(
        {column.name: _array(column.kind, columns[column.name], n) for column in schema.columns}, copy=False
    )


_TEMPLATE: list[Ecosystem] = []


def _assemble(tables: dict[str, pd.DataFrame]) -> Ecosystem:
    """An Ecosystem of already canonical tables, without validating them a second time.

    Every example shares the notes and files of one empty template Ecosystem (built once through
    the normal constructor): an Ecosystem never changes them and hands out copies, and conforming
    empty notes again for each example cost more than building its tables.
    """
    if not _TEMPLATE:
        _TEMPLATE.append(Ecosystem())
    template = _TEMPLATE[0]
    empty = template._tables
    ecosystem = Ecosystem.__new__(Ecosystem)
    for slot in Ecosystem.__slots__:
        object.__setattr__(ecosystem, slot, getattr(template, slot))
    object.__setattr__(ecosystem, "_tables", {name: tables.get(name, empty[name]) for name in TABLES})
    object.__setattr__(ecosystem, "_provided", frozenset(tables))
    return ecosystem


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name}={value!r} must be an int")
    if value < 0:
        raise ValueError(f"{name}={value!r} must be at least 0")


def _check_vocabulary(name: str, values: object, vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset | tuple):
        raise TypeError(f"{name}={values!r} must be a sequence of strings")
    chosen = tuple(dict.fromkeys(values))
    if not chosen:
        raise ValueError(f"{name} must not be empty")
    unknown = [v for v in chosen if v not in vocabulary]
    if unknown:
        raise ValueError(f"{name}: {', '.join(map(repr, unknown))} not in {', '.join(vocabulary)}")
    return chosen


def _check_years(years: object) -> tuple[int, int]:
    """The first and last year of ``years``, read as everywhere in clusternet; the strategies draw
    from a span, so the years must be consecutive."""
    wanted = parse_years(years)
    if wanted is None:
        raise TypeError("years=None: name the years to draw from, e.g. range(2014, 2021)")
    start, end = min(wanted), max(wanted)
    if len(wanted) != end - start + 1:
        raise ValueError(f"years={years!r} must be consecutive years, e.g. range({start}, {end + 1})")
    low, high = YEAR_RANGE
    if start < low or end > high:
        raise ValueError(f"years={years!r} must lie within {low}-{high}")
    return start, end


def _check_ids(name: str, ids: object) -> list[str]:
    if isinstance(ids, str) or not isinstance(ids, Sequence | pd.Index | pd.Series | np.ndarray):
        raise TypeError(f"{name}={ids!r} must be a sequence of id strings")
    values = list(ids)
    bad = [v for v in values if not isinstance(v, str) or not v.strip() or v != v.strip()]
    if bad:
        raise ValueError(f"{name}: {bad[0]!r} is not a valid id (a non-empty string without surrounding spaces)")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} contains repeated ids")
    return values
