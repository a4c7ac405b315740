"""The project KPIs of :func:`clusternet.kpis` (``by=None``) as DuckDB queries, out of core."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..graphs._engines import _Session
from ..model import Ecosystem

__all__: list[str] = []

#: The columns :func:`_project_kpis_sql` fills, as ``_project_kpis`` does.
_PROJECT_COLUMNS = (
    "projects",
    "projects_3plus_companies",
    "cross_sector_projects",
    "international_projects",
    "active_companies",
    "new_active_companies",
    "companies_in_3plus_projects",
    "sme_share_in_3plus_projects",
    "companies_in_cross_sector_projects",
    "repeat_pairs",
)


def _project_kpis_sql(
    ecosystem: Ecosystem,
    projects: pd.DataFrame,
    home_country: str | None,
    has_participants: bool,
    unknown_sectors: frozenset[str],
    memory_limit=None,
) -> tuple[pd.DataFrame | None, tuple[int, int] | None]:
    """The ecosystem-wide project KPIs per year on DuckDB: the same numbers as ``_project_kpis``.

    ``projects`` are the projects with a year (``project_id, year``). Returns the per-year grid
    indexed by ``("__ecosystem__", year)`` and the span of project years, like ``_project_kpis``.
    """
    first, last = int(projects["year"].min()), int(projects["year"].max())
    with _Session(memory_limit, None) as session:
        con = session.connection
        con.register("cn_projects", projects[["project_id", "year"]])
        counts = {"projects": con.execute("SELECT year, count(*) FROM cn_projects GROUP BY year").fetchall()}
        if not has_participants:
            return _grid(counts, first, last), (first, last)
        organisations = ecosystem.organisations
        con.register(
            "cn_organisations",
            pd.DataFrame(
                {
                    "organisation_id": organisations["organisation_id"],
                    "kind": organisations["kind"],
                    "sector": organisations["sector"]
                    .astype("object")
                    .where(organisations["sector"].notna(), None),
                    "country": organisations["country"]
                    .astype("object")
                    .where(organisations["country"].notna(), None),
                    "size_class": organisations["size_class"].astype("object"),
                }
            ),
        )
        con.register("cn_links", ecosystem.participations[["project_id", "organisation_id"]])
        unknown = ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(unknown_sectors))
        con.execute(f"""CREATE TEMP VIEW cn_people AS
            SELECT organisation_id, kind = 'company' AS company,
                   CASE WHEN lower(trim(coalesce(sector, ''))) IN ({unknown}) THEN NULL
                        ELSE lower(trim(sector)) END AS sector,
                   CASE WHEN trim(coalesce(country, '')) = '' THEN NULL ELSE trim(country) END AS country,
                   CASE size_class WHEN 'sme' THEN 1.0 WHEN 'large' THEN 0.0 END AS sme
            FROM cn_organisations""")
        con.execute("""CREATE TEMP VIEW cn_parts AS
            SELECT l.project_id, l.organisation_id, p.year, o.company, o.sector, o.country, o.sme
            FROM cn_links l JOIN cn_projects p USING (project_id) JOIN cn_people o USING (organisation_id)""")
        if home_country is None:
            international = "count(DISTINCT country) >= 2"
        else:
            home = "'" + home_country.replace("'", "''") + "'"
            international = (
                f"bool_or(country = {home}) AND bool_or(country IS NOT NULL AND country <> {home})"
            )
            known, at_home = con.execute(
                f"SELECT count(country), count(*) FILTER (WHERE country = {home}) FROM cn_parts"
            ).fetchone()
            if known and not at_home:
                countries = [
                    row[0]
                    for row in con.execute(
                        "SELECT DISTINCT country FROM cn_parts WHERE country IS NOT NULL ORDER BY 1 LIMIT 5"
                    ).fetchall()
                ]
                warnings.warn(
                    f"kpis: no participant is from home_country={home_country!r} (the participants' "
                    f"countries include {', '.join(map(repr, countries))}), so no project is "
                    "international seen from it",
                    UserWarning,
                    stacklevel=3,
                )
        con.execute(f"""CREATE TEMP VIEW cn_flags AS
            SELECT project_id, any_value(year) AS year,
                   count(*) FILTER (WHERE company) >= 3 AS three_plus,
                   count(DISTINCT sector) FILTER (WHERE company) >= 2 AS cross_sector,
                   {international} AS international
            FROM cn_parts GROUP BY project_id""")
        con.execute("""CREATE TEMP VIEW cn_companies AS
            SELECT c.organisation_id, c.year, c.sme, f.three_plus, f.cross_sector
            FROM cn_parts c JOIN cn_flags f USING (project_id) WHERE c.company""")
        queries = {
            "projects_3plus_companies": "SELECT year, count(*) FILTER (WHERE three_plus) FROM cn_flags GROUP BY year",
            "cross_sector_projects": "SELECT year, count(*) FILTER (WHERE cross_sector) FROM cn_flags GROUP BY year",
            "international_projects": "SELECT year, count(*) FILTER (WHERE international) FROM cn_flags GROUP BY year",
            "active_companies": "SELECT year, count(DISTINCT organisation_id) FROM cn_companies GROUP BY year",
            "new_active_companies": "SELECT first, count(*) FROM (SELECT min(year) AS first FROM cn_companies "
            "GROUP BY organisation_id) GROUP BY first",
            "companies_in_3plus_projects": "SELECT year, count(DISTINCT organisation_id) FROM cn_companies "
            "WHERE three_plus GROUP BY year",
            "sme_share_in_3plus_projects": "SELECT year, avg(sme) FROM (SELECT DISTINCT year, organisation_id, sme "
            "FROM cn_companies WHERE three_plus) WHERE sme IS NOT NULL GROUP BY year",
            "companies_in_cross_sector_projects": "SELECT year, count(DISTINCT organisation_id) FROM cn_companies "
            "WHERE cross_sector GROUP BY year",
            "repeat_pairs": """
                WITH pairs AS (SELECT a.organisation_id AS low, b.organisation_id AS high, a.year
                               FROM cn_parts a JOIN cn_parts b
                                 ON a.project_id = b.project_id AND a.organisation_id < b.organisation_id),
                met AS (SELECT low, high, min(year) AS first FROM pairs GROUP BY low, high)
                SELECT year, count(*) FROM (SELECT DISTINCT p.year, p.low, p.high FROM pairs p
                                            JOIN met m USING (low, high) WHERE m.first < p.year)
                GROUP BY year""",
        }
        counts.update({name: con.execute(query).fetchall() for name, query in queries.items()})
        has_sector, has_country = con.execute(
            "SELECT count(*) FILTER (WHERE company AND sector IS NOT NULL), count(country) FROM cn_parts"
        ).fetchone()
    table = _grid(counts, first, last)
    if not has_sector:
        table["cross_sector_projects"] = table["companies_in_cross_sector_projects"] = np.nan
    if not has_country:
        table["international_projects"] = np.nan
    return table, (first, last)


def _grid(counts: dict[str, list[tuple]], first: int, last: int) -> pd.DataFrame:
    """Per-year values on the years first..last (0 where a count has no row; NaN for the SME share)."""
    years = pd.Index(range(first, last + 1), dtype="int64")
    columns = {}
    for name in _PROJECT_COLUMNS:
        if name not in counts:
            continue
        values = pd.Series({int(year): value for year, value in counts[name]}, dtype="float64")
        filled = values.reindex(years)
        columns[name] = (
            filled.to_numpy() if name == "sme_share_in_3plus_projects" else filled.fillna(0).to_numpy()
        )
    index = pd.MultiIndex.from_product(
        [pd.Index(["__ecosystem__"], dtype="str"), years], names=["cluster_id", "year"]
    )
    return pd.DataFrame(columns, index=index)
