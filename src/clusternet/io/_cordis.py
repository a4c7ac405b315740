"""Reading EU Framework Programme participations (CORDIS) as an Ecosystem."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .._shared import isin
from ..errors import SchemaError
from ..model import NOTE_COLUMNS, Ecosystem
from ..model._numbers import check_number_format
from ._readers import _with_number_format, read_table

__all__ = ["read_cordis", "ACTIVITY_KINDS", "CORDIS_ROLES"]

#: CORDIS activity types and the organisation kinds they become.
ACTIVITY_KINDS = {
    "PRC": "company",
    "HES": "knowledge_institution",
    "REC": "research_centre",
    "PUB": "public_body",
    "OTH": "other",
}
#: CORDIS participation roles and the roles they become. A CORDIS "partner" is a linked third
#: party or associated partner, not a beneficiary, hence ``other``.
CORDIS_ROLES = {
    "coordinator": "coordinator",
    "participant": "partner",
    "beneficiary": "partner",
    "partner": "other",
    "thirdparty": "other",
    "associatedpartner": "other",
    "internationalpartner": "other",
}

# Each layout maps our intermediate fields to its (normalised) column names.
_LAYOUTS = {
    # github.com/zambujo/eunets h2020.csv.gz: one row per participation, project fields repeated
    "compact": {
        "project_id": "rcn", "organisation_id": "pic", "activity": "type", "role": "role",
        "budget": "contribution", "country": "country", "year": "startyear",
        "project_budget": "totalcost", "project_funding": "maxcontribution",
    },
    # CORDIS open data since 2021: organization.csv (";"-separated), key projectID + organisationID
    "official": {
        "project_id": "projectid", "organisation_id": "organisationid", "activity": "activitytype",
        "role": "role", "budget": "eccontribution", "country": "country", "name": "name",
        "sme": "sme", "region": "nutscode", "title": "projectacronym", "ended": "endofparticipation",
        "short_name": "shortname",
    },
    # CORDIS H2020 open data before 2021: cordis-h2020organizations.csv, key projectRcn + id
    "official-2020": {
        "project_id": "projectrcn", "organisation_id": "id", "activity": "activitytype",
        "role": "role", "budget": "eccontribution", "country": "country", "name": "name",
        "title": "projectacronym", "ended": "endofparticipation",
    },
    # Horizon dashboard export with legal names ("cordis-plus"), key project_id + pic
    "dashboard": {
        "project_id": "projectid", "organisation_id": "pic", "activity": "legalentitytype",
        "role": "partnerrole", "budget": "eccontribution", "country": "countrycode",
        "name": "legalname", "short_name": "legalshortname", "year": "startyear", "title": "projectacronym",
        "instrument": "fundingscheme", "project_part": "thematicpriorityabbr",
    },
}
_SIGNATURES = {
    "compact": {"rcn", "pic", "type"},
    "official": {"projectid", "organisationid", "activitytype"},
    "official-2020": {"projectrcn", "id", "activitytype"},
    "dashboard": {"projectid", "pic", "legalentitytype"},
}


def read_cordis(
    path: str | os.PathLike,
    *,
    programme_parts: str | os.PathLike | pd.DataFrame | None = None,
    projects: str | os.PathLike | None = None,
    names: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
) -> Ecosystem:
    """Read EU Framework Programme participations (CORDIS) as an :class:`Ecosystem`.

    One participation row becomes a ``participations`` row; organisations and projects are
    collected from the rows. Activity types become kinds (``PRC`` company, ``HES``
    knowledge_institution, ``REC`` research_centre, ``PUB`` public_body, ``OTH`` other), roles
    become ``coordinator``, ``partner`` (CORDIS participant) or ``other`` (CORDIS partner:
    linked third parties). EU data has no clusters; programme parts may become clusters of type
    ``other`` carrying their projects (``project_clusters``), so every cluster measure runs on
    EU data too.

    Parameters
    ----------
    path : path
        Participations in one of the layouts this reads, recognised by their columns:
        the CORDIS open-data ``organization.csv`` (since 2021: ``projectID, organisationID,
        activityType, role, ecContribution, country, name, SME, ...``), its H2020 predecessor
        ``cordis-h2020organizations.csv`` (``projectRcn, id, activityType, ...``), the Horizon
        dashboard export with legal names (``project_id, pic, legal_entity_type, ...``) and the
        compact layout of the shared H2020 data (``rcn, pic, type, role, contribution, country,
        start_year, total_cost, max_contribution, ...``). CSV (``,`` or ``;``), optionally
        gzipped. Amounts may be written either way (``1234.5``, ``1.234,5`` as CORDIS's own
        ``;``-separated downloads do): each column's convention is inferred from its values.
    programme_parts : path or DataFrame, optional
        Two columns, the project key and ``programme_part``: each part becomes a cluster of type
        ``other``. Rows for projects without participations are left out and counted in
        ``notes``.
    projects : path, optional
        The CORDIS ``project.csv`` of the official layouts (``id``/``rcn``, ``acronym``,
        ``title``, ``startDate``, ``totalCost``, ``ecMaxContribution``, ``fundingScheme``), for
        project years, titles, budgets and instruments.
    names : path or paths, optional
        Files with ``pic`` and ``legal_name`` (or ``name``) columns that name organisations the
        main file leaves unnamed.
    decimal, thousands : str, optional
        The number format of the amounts, when the inference should not decide (see
        :func:`~clusternet.read_ecosystem`).

    Returns
    -------
    Ecosystem
        With ``organisations``, ``projects`` and ``participations`` (and ``clusters`` and
        ``project_clusters`` with ``programme_parts``). An organisation's kind, country and name
        are its most frequent values over its rows; disagreements are counted in ``notes``.

    Raises
    ------
    SchemaError
        When the layout is not recognised (naming the columns expected) or the rows do not
        validate.

    References
    ----------
    .. [1] CORDIS - EU research projects under Horizon 2020 (2014-2020), European Commission,
       https://data.europa.eu/data/datasets/cordish2020projects

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import clusternet as cn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "organization.csv"
    >>> _ = path.write_text(
    ...     "projectID;organisationID;name;SME;activityType;country;role;ecContribution\\n"
    ...     "101;999;Acme NV;true;PRC;BE;coordinator;100\\n"
    ...     "101;888;KU Leuven;false;HES;BE;participant;50\\n", encoding="utf-8")
    >>> eco = cn.read_cordis(path)
    >>> eco.organisations[["organisation_id", "name", "kind", "size_class"]].values.tolist()
    [['888', 'KU Leuven', 'knowledge_institution', 'unknown'], ['999', 'Acme NV', 'company', 'sme']]
    >>> eco.participations["role"].tolist()
    ['coordinator', 'partner']
    """
    check_number_format(decimal, thousands)
    path = Path(path)
    raw = read_table(path)
    layout, columns = _detect_layout(raw, path)
    fields = {field: raw[columns[name]] for field, name in _LAYOUTS[layout].items() if name in columns}
    rows = pd.DataFrame(fields)
    file = str(path)
    notes: list[dict] = [{"table": "participations", "file": file, "column": "", **skipped}
                         for skipped in raw.attrs.get("skipped", [])]

    rows["kind"] = _map_codes(rows.get("activity"), ACTIVITY_KINDS, "activity type", file, notes,
                              default="other", keep_unknown=True)
    rows["role"] = _map_codes(rows.get("role"), CORDIS_ROLES, "role", file, notes, default="partner",
                              keep_unknown=True)
    organisations = _organisations(rows, file, notes)
    if names is not None:
        organisations = _add_names(organisations, names, notes)
    project_table = _projects(rows)
    if projects is not None:
        project_table = _add_project_file(project_table, Path(projects), notes)
    participations = rows[["project_id", "organisation_id", "role", "budget"]] if "budget" in rows else (
        rows[["project_id", "organisation_id", "role"]]
    )
    tables: dict[str, pd.DataFrame | None] = {
        "organisations": organisations,
        "projects": project_table,
        "participations": participations,
    }
    tables = {name: _with_number_format(frame, decimal, thousands) if frame is not None else None
              for name, frame in tables.items()}
    files = {"participations": file, "organisations": file, "projects": file}
    parts = programme_parts
    if parts is None and "project_part" in rows:
        parts = rows[["project_id", "project_part"]].rename(columns={"project_part": "programme_part"})
    if parts is not None:
        clusters, project_clusters = _programme_parts(parts, set(project_table["project_id"]), notes)
        tables["clusters"] = clusters
        tables["project_clusters"] = project_clusters
        files["clusters"] = files["project_clusters"] = (
            str(programme_parts) if isinstance(programme_parts, str | os.PathLike) else file
        )
    note_frame = pd.DataFrame(notes, columns=NOTE_COLUMNS)
    return Ecosystem.from_tables(tables, files=files, notes=note_frame)


def _normalise(name: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).replace("\ufeff", "").lower())


def _detect_layout(raw: pd.DataFrame, path: Path) -> tuple[str, dict[str, str]]:
    columns = {_normalise(column): column for column in raw.columns}
    for layout, signature in _SIGNATURES.items():
        if signature <= set(columns):
            return layout, columns
    expected = "; ".join(f"{layout}: {', '.join(sorted(sig))}" for layout, sig in _SIGNATURES.items())
    raise SchemaError([{
        "table": "participations", "file": str(path), "row": None, "column": None, "value": None,
        "reason": f"not a CORDIS participation layout; expected the columns of one of {expected}",
    }])


def _map_codes(values, mapping, what, file, notes, *, default, keep_unknown):
    """Map CORDIS codes case-insensitively; unknown codes are kept for validation to report."""
    if values is None:
        return default
    # once per distinct code, not per row: 144,726 H2020 rows hold five activity types
    codes, uniques = pd.factorize(values)
    lookup = {_normalise(code): kind for code, kind in mapping.items()}
    distinct = [re.sub(r"[^a-z]", "", str(code).lower()) for code in uniques]
    mapped = pd.Series(np.array([lookup.get(code) for code in distinct] + [None], dtype=object)[codes],
                       index=values.index)
    missing = pd.Series(np.array([code == "" for code in distinct] + [True])[codes], index=values.index)
    if missing.any():
        notes.append({"table": "participations", "file": file, "column": what, "rows": int(missing.sum()),
                      "action": f"empty {what}: {default!r} used"})
    result = mapped.where(~missing, default)
    if keep_unknown:
        result = result.where(result.notna(), values)  # validation names file, row and value
    return result


def _most_frequent(rows: pd.DataFrame, column: str) -> pd.Series:
    """Per organisation, the most frequent non-missing value of a column (ties: smallest)."""
    counts = rows.dropna(subset=[column]).groupby(["organisation_id", column]).size().rename("n")
    counts = counts.reset_index().sort_values(["organisation_id", "n", column],
                                              ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("organisation_id").set_index("organisation_id")[column]


def _without_r_missing_names(frame: pd.DataFrame, file: str, notes: list[dict]) -> pd.DataFrame:
    """Names written "NA" read as missing, with a note: the cordis-plus files are written by R.

    R's missing value is the text "NA" (341 legal names of cordis-plus-2014 are "NA"), and no
    organisation is called that. Country codes are left alone: "NA" is Namibia there.
    """
    for column in ("name", "short_name"):
        if column not in frame:
            continue
        written_na = frame[column].astype("string").str.strip().eq("NA").fillna(False).to_numpy()
        if written_na.any():
            frame = frame.assign(**{column: frame[column].mask(written_na)})
            notes.append({"table": "organisations", "file": file, "column": column, "rows": int(written_na.sum()),
                          "action": "names written 'NA' (R's missing value) read as missing"})
    return frame


def _organisations(rows: pd.DataFrame, file: str, notes: list[dict]) -> pd.DataFrame:
    valid = _without_r_missing_names(rows[rows["organisation_id"].notna()], file, notes)
    ids = pd.Index(sorted(valid["organisation_id"].astype(str).str.strip().unique()))
    valid = valid.assign(organisation_id=valid["organisation_id"].astype(str).str.strip())
    first_row = valid.reset_index().drop_duplicates("organisation_id").set_index("organisation_id")["index"]
    table = pd.DataFrame({"organisation_id": ids}, index=pd.Index(first_row.reindex(ids).to_numpy()))
    for column in ("kind", "country", "name", "short_name", "region"):
        if column not in valid:
            continue
        varying = valid.dropna(subset=[column]).groupby("organisation_id")[column].nunique()
        n_varying = int((varying > 1).sum())
        if n_varying:
            notes.append({"table": "organisations", "file": file, "column": column, "rows": n_varying,
                          "action": f"{n_varying} organisations have several values of {column} over their "
                                    "rows; the most frequent was kept"})
        table[column] = table["organisation_id"].map(_most_frequent(valid, column))
    if "sme" in valid:
        said = valid["sme"].astype("str").str.strip().str.lower()
        flags = pd.DataFrame({"organisation_id": valid["organisation_id"], "is_sme": said == "true",
                              "has_flag": said.isin(["true", "false"])})
        any_row = flags.groupby("organisation_id")[["is_sme", "has_flag"]].any()
        is_sme, has_flag = any_row["is_sme"], any_row["has_flag"]
        size = np.where(table["organisation_id"].map(is_sme).fillna(False).astype(bool), "sme", "unknown")
        # CORDIS flags SMEs only; a company that says it is not one is large.
        large = (~table["organisation_id"].map(is_sme).fillna(False).astype(bool)
                 & table["organisation_id"].map(has_flag).fillna(False).astype(bool)
                 & (table.get("kind") == "company"))
        table["size_class"] = np.where(large, "large", size)
    return table


def _projects(rows: pd.DataFrame) -> pd.DataFrame:
    valid = rows[rows["project_id"].notna()]
    valid = valid.assign(project_id=valid["project_id"].astype(str).str.strip())
    columns = {"year": "year", "project_budget": "budget", "project_funding": "funding",
               "title": "title", "instrument": "instrument"}
    present = [column for column in columns if column in valid]
    # Each project keeps the row label of its first participation, so errors point at a real row.
    table = valid.drop_duplicates("project_id")[["project_id", *present]].rename(columns=columns)
    return table.sort_values("project_id", kind="stable")


def _add_names(organisations: pd.DataFrame, names, notes) -> pd.DataFrame:
    paths = [names] if isinstance(names, str | os.PathLike) else list(names)
    found = []
    for path in paths:
        table = read_table(path)
        columns = {_normalise(column): column for column in table.columns}
        key = columns.get("pic") or columns.get("organisationid") or columns.get("id")
        label = columns.get("legalname") or columns.get("name")
        if key is None or label is None:
            raise SchemaError([{"table": "organisations", "file": str(path), "row": None, "column": None,
                                "value": None, "reason": "a names file needs a pic (or organisationID) "
                                                         "column and a legal_name (or name) column"}])
        short = columns.get("legalshortname") or columns.get("shortname")
        frame = table[[key, label]].set_axis(["organisation_id", "name"], axis=1)
        frame["short_name"] = table[short] if short is not None else pd.NA
        found.append(_without_r_missing_names(frame, str(path), notes))
    every = pd.concat(found)
    every = every.assign(organisation_id=every["organisation_id"].astype("str").str.strip())
    lookup = every.dropna(subset=["organisation_id", "name"]).drop_duplicates("organisation_id")
    lookup = lookup.set_index("organisation_id")
    named = organisations["organisation_id"].map(lookup["name"])
    current = organisations["name"] if "name" in organisations else pd.Series(pd.NA, index=organisations.index)
    filled = current.isna() & named.notna()
    notes.append({"table": "organisations", "file": ", ".join(map(str, paths)), "column": "name",
                  "rows": int(filled.sum()), "action": "names taken from the names file(s)"})
    result = organisations.assign(name=current.where(~filled, named))
    # The legal short name (UGENT, KU Leuven) of the row the name came from: what a member list
    # often writes, so link_organisations compares it too.
    shorts = organisations["organisation_id"].map(lookup["short_name"])
    if shorts.notna().any():
        current_short = result["short_name"] if "short_name" in result else pd.Series(pd.NA, index=result.index)
        result["short_name"] = current_short.where(current_short.notna() | ~filled, shorts)
    return result


def _add_project_file(projects: pd.DataFrame, path: Path, notes) -> pd.DataFrame:
    table = read_table(path)
    columns = {_normalise(column): column for column in table.columns}
    key = columns.get("id") or columns.get("rcn") or columns.get("projectid")
    if key is None:
        raise SchemaError([{"table": "projects", "file": str(path), "row": None, "column": None, "value": None,
                            "reason": "a CORDIS project file needs an id (or rcn) column"}])
    wanted = {"acronym": "title", "startdate": "start", "totalcost": "budget",
              "ecmaxcontribution": "funding", "fundingscheme": "instrument"}
    extra = table[[key] + [columns[c] for c in wanted if c in columns]]
    extra = extra.set_axis(["project_id"] + [wanted[c] for c in wanted if c in columns], axis=1)
    if "start" in extra:
        extra["year"] = extra.pop("start").astype("str").str.slice(0, 4)
    extra = extra.assign(project_id=extra["project_id"].astype("str").str.strip())
    repeated = extra["project_id"].duplicated()
    if repeated.any():
        notes.append({"table": "projects", "file": str(path), "column": "project_id",
                      "rows": int(repeated.sum()), "removed": False,
                      "action": "repeated rows in the project file: the first of each project used"})
    extra = extra[~repeated].set_index("project_id")
    without = int((~extra.index.isin(projects["project_id"])).sum())
    if without:
        notes.append({"table": "projects", "file": str(path), "column": "project_id", "rows": without,
                      "removed": False, "action": "rows of the project file for projects without "
                                                  "participations left out"})
    merged = projects.set_index("project_id")
    for column in extra.columns:
        merged[column] = extra[column].reindex(merged.index)
    unmatched = int((~projects["project_id"].isin(extra.index)).sum())
    if unmatched:
        notes.append({"table": "projects", "file": str(path), "column": "project_id", "rows": unmatched,
                      "action": "projects with participations but no row in the project file"})
    return merged.reset_index()


def _programme_parts(parts, known_projects: set[str], notes) -> tuple[pd.DataFrame, pd.DataFrame]:
    file = str(parts) if not isinstance(parts, pd.DataFrame) else None
    table = parts if isinstance(parts, pd.DataFrame) else read_table(parts)
    columns = {_normalise(column): column for column in table.columns}
    key = columns.get("rcn") or columns.get("projectid") or columns.get("project")
    part = columns.get("programmepart") or columns.get("part") or columns.get("programme")
    if key is None or part is None:
        raise SchemaError([{"table": "project_clusters", "file": file, "row": None, "column": None,
                            "value": None, "reason": "programme parts need a project key (rcn or project_id) "
                                                     "and a programme_part column"}])
    links = table[[key, part]].set_axis(["project_id", "cluster_id"], axis=1)
    links = links.assign(project_id=links["project_id"].astype("str").str.strip(),
                         cluster_id=links["cluster_id"].astype("str").str.strip())
    empty = (links.isna() | (links == "")).any(axis=1)
    if empty.any():
        notes.append({"table": "project_clusters", "file": file, "column": "project_id, cluster_id",
                      "rows": int(empty.sum()), "removed": True,
                      "action": "programme-part rows without a project or a part left out"})
    links = links[~empty]
    used = isin(links["project_id"], pd.Series(sorted(known_projects), dtype="str"))
    if (~used).any():
        notes.append({"table": "project_clusters", "file": file, "column": "project_id",
                      "rows": int((~used).sum()), "removed": True,
                      "action": "programme-part rows for projects without participations left out"})
    links = links[used]
    repeated = links.duplicated()
    if repeated.any():
        notes.append({"table": "project_clusters", "file": file, "column": "project_id, cluster_id",
                      "rows": int(repeated.sum()), "removed": True,
                      "action": "repeated programme-part rows merged into one"})
    links = links[~repeated]
    clusters = pd.DataFrame({"cluster_id": sorted(links["cluster_id"].unique())})
    clusters["name"] = clusters["cluster_id"]
    clusters["type"] = "other"
    return clusters, links.assign(status="approved")
