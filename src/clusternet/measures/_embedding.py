"""International embedding: how often a cluster's members take part in a programme (H2020) against others."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from .._options import check_correction, parse_years, select_years
from .._shared import adjust_p_values, country_codes
from ..errors import OptionError, SchemaError
from ..io import link_organisations
from ..model import Ecosystem

__all__ = ["PARTICIPATION_COLUMNS", "programme_participation"]

#: The columns of :func:`programme_participation`.
PARTICIPATION_COLUMNS: list[str] = [
    "members",
    "participating",
    "share",
    "projects",
    "projects_per_member",
    "projects_per_participant",
    "others",
    "others_participating",
    "others_share",
    "others_projects_per_organisation",
    "country_projects_per_participant",
    "country_kind_projects_per_participant",
    "p_value",
    "p_adjusted",
]


def programme_participation(
    ecosystem: Ecosystem,
    participants: Ecosystem,
    links: pd.DataFrame | None = None,
    *,
    years: int | Iterable[int] | None = None,
    project_years: int | Iterable[int] | None = None,
    population: int | Iterable[str] | None = None,
    correction: str | None = None,
) -> pd.DataFrame:
    """How the clusters are embedded internationally: their members' participation in a
    programme's projects (Horizon 2020) against the other organisations'.

    An organisation takes part through the participants it is linked to (``links``, from
    :func:`~clusternet.link_organisations`, rows with ``linked`` true): its projects are the
    distinct projects of all of them, so an organisation CORDIS registered under two PICs
    counts each project once. For each cluster with :math:`m` members of whom :math:`a` take
    part, against :math:`o` other organisations of whom :math:`b` take part:

    .. math::

        share = \\frac{a}{m},\\quad others\\_share = \\frac{b}{o},\\quad
        projects\\_per\\_member = \\frac{1}{m}\\sum_{i \\in members} projects_i

    ``p_value`` is Fisher's exact test (two-sided, ``scipy.stats.fisher_exact``) of the table
    :math:`[[a, m - a], [b, o - b]]`: the null is that members take part as often as the
    other organisations of the population. ``country_projects_per_participant`` is the baseline
    for ``projects_per_participant``: the projects per participating organisation of all the
    programme's participants of each participating member's country, averaged over those
    members (what the members would have if they took part like their countries' participants);
    ``country_kind_projects_per_participant`` the same among participants of the member's
    country and kind (a university against the country's knowledge institutions, a firm
    against its companies: kinds differ by two orders of magnitude, 575 projects for KU Leuven
    against one for the median Belgian firm in H2020).

    Parameters
    ----------
    ecosystem : Ecosystem
        Needs ``clusters`` and ``memberships``.
    participants : Ecosystem
        The programme (e.g. :func:`~clusternet.read_cordis`), with ``participations``.
    links : DataFrame, optional
        Which organisation is which participant: ``organisation_id``, ``participant_id`` and
        ``linked`` (the table :func:`~clusternet.link_organisations` returns, after review).
        Default: ``link_organisations(ecosystem, participants)`` with its defaults, unreviewed.
    years : int or iterable of int, optional
        Keep only memberships of these years (default all; a member in any kept year counts once).
    project_years : int or iterable of int, optional
        Keep only the programme's projects that start in these years (default all), read as
        ``years`` is.
    population : int or iterable of str, optional
        Who the members are compared with. Default: the ecosystem's organisations (each
        cluster's members against the organisations that are not its members). The ids of the
        organisations that make it up (memberships of others are then left out). Or the number
        :math:`N` of organisations the members come from (e.g. a country's firms): then the
        others are :math:`N - m` and those taking part are the programme's participants of the
        members' countries that are not linked to a member.
    correction : {None, "holm", "fdr_bh"}
        Adjust the p-values for testing every cluster at once (statsmodels' ``multipletests``);
        the adjusted values are in ``p_adjusted`` (equal to ``p_value`` with None).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cluster_id`` (sorted), columns :data:`PARTICIPATION_COLUMNS`: ``members``,
        ``participating`` (members with a project), ``share``, ``projects`` (the distinct
        projects of the members), ``projects_per_member`` (over all members),
        ``projects_per_participant`` (over those taking part), the same for the ``others``,
        the country baselines, ``p_value`` and ``p_adjusted``. A cluster without members in
        ``years`` has missing shares. ``attrs`` states the ``population``, the ``null``, the
        ``baseline``, the ``correction``, ``years``, ``project_years`` and how many
        organisations are ``linked``.

    Raises
    ------
    MissingTableError
        When the ecosystem has no ``clusters`` or ``memberships``, or the participants no
        ``participations``.
    SchemaError
        When ``links`` lacks ``organisation_id``, ``participant_id`` or ``linked``.
    OptionError
        For a bad ``years``, ``project_years``, ``population`` or ``correction``, or an
        ``ecosystem`` or ``participants`` that is not an Ecosystem.

    References
    ----------
    .. [1] R. A. Fisher, On the interpretation of chi-square from contingency tables, and the
       calculation of P, Journal of the Royal Statistical Society 85 (1922) 87-94.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem.from_tables({
    ...     "organisations": pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
    ...                                    "name": ["Acme NV", "Beta BV", "Gamma", "Delta"],
    ...                                    "country": "BE"}),
    ...     "clusters": pd.DataFrame({"cluster_id": ["food"]}),
    ...     "memberships": pd.DataFrame({"organisation_id": ["a", "b"], "cluster_id": "food"})})
    >>> h2020 = cn.Ecosystem.from_tables({
    ...     "organisations": pd.DataFrame({"organisation_id": ["1", "2", "3"],
    ...                                    "name": ["ACME NV", "GAMMA", "OTHER"], "country": "BE"}),
    ...     "projects": pd.DataFrame({"project_id": ["p", "q"]}),
    ...     "participations": pd.DataFrame({"project_id": ["p", "q", "p", "q"],
    ...                                     "organisation_id": ["1", "1", "2", "3"]})})
    >>> table = cn.programme_participation(eco, h2020)
    >>> table[["members", "participating", "share", "projects_per_member", "others_share"]]
              members  participating  share  projects_per_member  others_share
    cluster_id
    food            2              1    0.5                  1.0           0.5
    >>> table.attrs["population"]
    "the ecosystem's 4 organisations: each cluster's members against its non-members"
    """
    for label, value in (("ecosystem", ecosystem), ("participants", participants)):
        if not isinstance(value, Ecosystem):
            raise OptionError(f"{label} must be an Ecosystem, not {type(value).__name__}")
    ecosystem.require("clusters", "memberships", purpose="programme_participation")
    participants.require("participations", purpose="programme_participation's participants")
    correction = check_correction(correction)
    parse_years(project_years)
    if links is None:
        links = link_organisations(ecosystem, participants)
    linked = _linked(links)

    # the programme's projects per participant, in project_years
    participations = participants.participations[["project_id", "organisation_id"]].astype("str")
    if project_years is not None:
        kept = select_years(participants.projects, project_years)["project_id"].astype("str")
        participations = participations[participations["project_id"].isin(kept)]
    participations = participations.drop_duplicates()
    # each organisation's distinct projects through all its participants
    projects = linked.merge(
        participations.rename(columns={"organisation_id": "participant_id"}), on="participant_id"
    )[["organisation_id", "project_id"]].drop_duplicates()
    count = projects.groupby("organisation_id").size()

    organisations = ecosystem.organisations["organisation_id"].astype("str")
    memberships = select_years(ecosystem.memberships, years)[["organisation_id", "cluster_id"]].astype("str")
    size, universe, described = _population(population, organisations)
    if universe is not None:
        memberships = memberships[memberships["organisation_id"].isin(universe)]
    memberships = memberships.drop_duplicates()
    country = (
        ecosystem.organisations.set_index(organisations)["country"]
        if "country" in (ecosystem.organisations.columns)
        else pd.Series(pd.NA, index=organisations.to_numpy())
    )
    country = country_codes(country)
    kind = pd.Series(ecosystem.organisations["kind"].astype("str").to_numpy(), index=organisations.to_numpy())
    programme, per_participant = _countries(participants, participations)
    by_kind = per_participant.groupby(["country", "kind"])["projects"].mean()

    everyone = universe if universe is not None else pd.Index(organisations.unique())
    total_participating = int(count.reindex(everyone).fillna(0).gt(0).sum())
    total_projects = int(count.reindex(everyone).fillna(0).sum())
    rows = []
    for cluster in sorted(ecosystem.clusters["cluster_id"].astype("str").unique()):
        members = pd.Index(memberships.loc[memberships["cluster_id"] == cluster, "organisation_id"].unique())
        own = count.reindex(members).fillna(0).astype("int64")
        m, a = len(members), int((own > 0).sum())
        theirs = set(projects.loc[projects["organisation_id"].isin(members), "project_id"])
        if isinstance(population, int | np.integer) and not isinstance(population, bool):
            o, b, other_projects = _country_others(size, m, members, country, linked, per_participant)
        else:
            o, b, other_projects = size - m, total_participating - a, total_projects - int(own.sum())
        taking_part = members[own.to_numpy() > 0]
        expected = country.reindex(taking_part).map(programme["projects_per_participant"]).dropna()
        pairs = pd.MultiIndex.from_arrays([country.reindex(taking_part), kind.reindex(taking_part)])
        expected_kind = pd.Series(by_kind.reindex(pairs).to_numpy()).dropna()
        p_value = stats.fisher_exact([[a, m - a], [b, o - b]])[1] if m and o else np.nan
        rows.append(
            {
                "cluster_id": cluster,
                "members": m,
                "participating": a,
                "share": a / m if m else np.nan,
                "projects": len(theirs),
                "projects_per_member": own.mean() if m else np.nan,
                "projects_per_participant": own[own > 0].mean() if a else np.nan,
                "others": o,
                "others_participating": b,
                "others_share": b / o if o else np.nan,
                "others_projects_per_organisation": other_projects / o if o else np.nan,
                "country_projects_per_participant": expected.mean() if len(expected) else np.nan,
                "country_kind_projects_per_participant": expected_kind.mean()
                if len(expected_kind)
                else np.nan,
                "p_value": p_value,
            }
        )
    table = pd.DataFrame(rows, columns=["cluster_id", *PARTICIPATION_COLUMNS[:-1]]).set_index("cluster_id")
    tested = table["p_value"].notna().to_numpy()
    adjusted = np.full(len(table), np.nan)
    adjusted[tested] = adjust_p_values(table["p_value"].to_numpy()[tested], correction)
    table["p_adjusted"] = adjusted
    table = table.astype(
        {
            column: "int64"
            for column in ("members", "participating", "projects", "others", "others_participating")
        }
    )
    table.attrs = {
        "population": described,
        "null": "Fisher's exact test (two-sided): the cluster's members take part as often as the others",
        "baseline": "country_projects_per_participant: projects per participating organisation of all the "
        "programme's participants of each participating member's country (and kind, "
        "country_kind_projects_per_participant)",
        "correction": correction,
        "years": years,
        "project_years": project_years,
        "linked": int(linked["organisation_id"].nunique()),
    }
    return table


def _linked(links: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(links, pd.DataFrame):
        raise OptionError(
            f"links must be the DataFrame link_organisations returns, not {type(links).__name__}"
        )
    missing = [column for column in ("organisation_id", "participant_id", "linked") if column not in links]
    if missing:
        raise SchemaError(
            [
                {
                    "table": "links",
                    "file": None,
                    "row": None,
                    "column": column,
                    "value": None,
                    "reason": "links need organisation_id, participant_id and linked (the table "
                    "link_organisations returns)",
                }
                for column in missing
            ]
        )
    flags = links["linked"]
    if not pd.api.types.is_bool_dtype(flags):
        raise SchemaError(
            [
                {
                    "table": "links",
                    "file": None,
                    "row": None,
                    "column": "linked",
                    "value": str(flags.dtype),
                    "reason": "linked must be true or false",
                }
            ]
        )
    chosen = links.loc[
        flags.to_numpy() & links["participant_id"].notna().to_numpy(), ["organisation_id", "participant_id"]
    ]
    return chosen.astype("str").drop_duplicates()


def _population(population, organisations: pd.Series) -> tuple[int, pd.Index | None, str]:
    if population is None:
        size = int(organisations.nunique())
        return (
            size,
            None,
            f"the ecosystem's {size:,} organisations: each cluster's members against its non-members",
        )
    if isinstance(population, int | np.integer) and not isinstance(population, bool):
        if population < 1:
            raise OptionError(f"population={population!r} must be a number of organisations from 1")
        return (
            int(population),
            None,
            (
                f"{int(population):,} organisations: each cluster's members against the rest of them, of whom the "
                "programme's participants of the members' countries not linked to a member take part"
            ),
        )
    if isinstance(population, str) or not isinstance(population, Iterable):
        raise OptionError(
            "population must be a number of organisations or the organisation ids that make it "
            f"up, not {population!r}"
        )
    universe = pd.Index(pd.unique(pd.Series([str(value) for value in population], dtype=object)))
    unknown = universe.difference(organisations)
    if len(unknown):
        raise OptionError(
            f"population names {len(unknown)} organisations the ecosystem does not have, "
            f"e.g. {sorted(unknown)[:3]}"
        )
    return (
        len(universe),
        universe,
        f"{len(universe):,} organisations given: each cluster's members against the rest",
    )


def _countries(participants: Ecosystem, participations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per country, the programme's participating organisations and their projects per
    participant; and per participant, its country and number of projects."""
    table = participants.organisations
    country = table["country"] if "country" in table else pd.Series(pd.NA, index=table.index)
    ids = table["organisation_id"].astype("str")
    country = pd.Series(country_codes(country).to_numpy(), index=ids)
    kind = pd.Series(table["kind"].astype("str").to_numpy() if "kind" in table else "other", index=ids)
    per = participations.groupby("organisation_id").size()
    frame = pd.DataFrame(
        {
            "country": country.reindex(per.index).to_numpy(),
            "kind": kind.reindex(per.index).to_numpy(),
            "projects": per.to_numpy(),
        },
        index=per.index,
    )
    frame = frame[frame["country"] != ""]
    summary = frame.groupby("country")["projects"].agg(["size", "sum"])
    summary["projects_per_participant"] = summary["sum"] / summary["size"]
    return summary, frame


def _country_others(size, m, members, country, linked, per):
    """Others in a population of ``size``: the programme's participants of the members'
    countries not linked to a member, out of ``size - m``."""
    if size < m:
        raise OptionError(f"population={size} is smaller than a cluster's {m} members")
    countries = set(country.reindex(members).dropna()) - {""}
    mine = set(linked.loc[linked["organisation_id"].isin(members), "participant_id"])
    others = per[per["country"].isin(sorted(countries)) & ~per.index.isin(sorted(mine))]
    return size - m, len(others), int(others["projects"].sum())
