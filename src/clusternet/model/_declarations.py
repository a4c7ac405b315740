"""The data model declared: the seven tables, their columns and the values each column accepts.

Nothing here checks a table; that is the engine in ``_validation``, which reads these declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "Column",
    "TableSchema",
    "SCHEMAS",
    "TABLES",
    "KINDS",
    "SIZE_CLASSES",
    "OWNERSHIPS",
    "CLUSTER_TYPES",
    "ROLES",
    "YEAR_RANGE",
    "describe_schema",
    "NOTE_COLUMNS",
]

KINDS = (
    "company",
    "knowledge_institution",
    "research_centre",
    "public_body",
    "cluster_organisation",
    "other",
)
SIZE_CLASSES = ("sme", "large", "unknown")
OWNERSHIPS = ("domestic", "national_multinational", "foreign_multinational", "unknown")
CLUSTER_TYPES = ("SPC", "IBN", "other")
ROLES = ("coordinator", "partner", "subcontractor", "other")

YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class Column:
    """One column of a table schema.

    ``kind`` is one of ``id`` (a key or a reference, kept as text: ``007`` stays ``007``),
    ``text``, ``category`` (a closed vocabulary), ``year``, ``number``, ``boolean``, ``date``.
    ``default`` fills the column when it is absent and empty cells of optional columns.
    """

    name: str
    kind: str
    required: bool = False
    default: object = None
    vocabulary: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    value_aliases: Mapping[str, str] = field(default_factory=dict)
    references: str | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    """Schema of one table: its columns, its key and the file names it may come from."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    key_unique: bool
    file_aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_KIND_ALIASES = {
    "firm": "company",
    "enterprise": "company",
    "bedrijf": "company",
    "onderneming": "company",
    "prc": "company",
    "university": "knowledge_institution",
    "higher_education": "knowledge_institution",
    "hes": "knowledge_institution",
    "universiteit": "knowledge_institution",
    "hogeschool": "knowledge_institution",
    "research_center": "research_centre",
    "rec": "research_centre",
    "soc": "research_centre",
    "public": "public_body",
    "government": "public_body",
    "pub": "public_body",
    "cluster": "cluster_organisation",
    "cluster_organization": "cluster_organisation",
    "oth": "other",
    # partner lists of regional and national programmes (read_participations)
    "private": "company",
    "sme": "company",
    "higher_education_institution": "knowledge_institution",
    "hei": "knowledge_institution",
    "research_organisation": "research_centre",
    "research_organization": "research_centre",
    "research_institute": "research_centre",
    "public_authority": "public_body",
}
_SIZE_ALIASES = {"kmo": "sme", "small": "sme", "medium": "sme", "micro": "sme", "big": "large",
                 "groot": "large"}
_OWNERSHIP_ALIASES = {
    "belgian": "domestic",
    "national": "domestic",
    "belgian_multinational": "national_multinational",
    "foreign": "foreign_multinational",
}
_TYPE_ALIASES = {"spc": "SPC", "ibn": "IBN", "other": "other", "speerpuntcluster": "SPC",
                 "innovatief_bedrijfsnetwerk": "IBN"}
_ROLE_ALIASES = {"participant": "partner", "beneficiary": "partner", "coordinator": "coordinator",
                 "coördinator": "coordinator", "lead": "coordinator", "thirdparty": "other",
                 "third_party": "other", "onderaannemer": "subcontractor",
                 # partner lists of regional and national programmes (read_participations)
                 "lead_partner": "coordinator", "leadpartner": "coordinator", "lp": "coordinator",
                 "project_partner": "partner", "pp": "partner", "linked_third_party": "other",
                 "associated_partner": "other"}

SCHEMAS: dict[str, TableSchema] = {
    schema.name: schema
    for schema in (
        TableSchema(
            "organisations",
            (
                Column("organisation_id", "id", required=True,
                       aliases=("org_id", "organization_id", "organisation", "organization", "pic", "id")),
                Column("name", "text", aliases=("organisation_name", "organization_name", "legal_name")),
                Column("kind", "category", default="other", vocabulary=KINDS,
                       aliases=("type", "organisation_type", "activity_type"), value_aliases=_KIND_ALIASES),
                Column("sector", "text", default="unknown"),
                Column("size_class", "category", default="unknown", vocabulary=SIZE_CLASSES,
                       aliases=("size",), value_aliases=_SIZE_ALIASES),
                Column("ownership", "category", default="unknown", vocabulary=OWNERSHIPS,
                       value_aliases=_OWNERSHIP_ALIASES),
                Column("region", "text", aliases=("province",)),
                Column("country", "text", aliases=("country_code",)),
            ),
            key=("organisation_id",),
            key_unique=True,
            file_aliases=("organizations", "orgs", "organisaties"),
            description="Firms, universities, research centres and other actors.",
        ),
        TableSchema(
            "clusters",
            (
                Column("cluster_id", "id", required=True, aliases=("cluster", "id")),
                Column("name", "text", aliases=("cluster_name",)),
                Column("type", "category", default="other", vocabulary=CLUSTER_TYPES,
                       aliases=("cluster_type",), value_aliases=_TYPE_ALIASES),
                Column("domain", "text"),
                Column("call", "text"),
                Column("start", "date", aliases=("start_date",)),
                Column("end", "date", aliases=("end_date",)),
            ),
            key=("cluster_id",),
            key_unique=True,
            description="Cluster organisations: spearhead clusters (SPC), innovative business "
            "networks (IBN), others.",
        ),
        TableSchema(
            "memberships",
            (
                Column("organisation_id", "id", required=True, references="organisations",
                       aliases=("org_id", "organization_id", "organisation", "organization", "member")),
                Column("cluster_id", "id", required=True, references="clusters", aliases=("cluster",)),
                Column("year", "year"),
                Column("tier", "text", aliases=("membership_type", "level")),
                Column("board", "boolean", default=False, aliases=("board_member",)),
            ),
            key=("organisation_id", "cluster_id", "year"),
            key_unique=False,
            file_aliases=("members", "leden"),
            description="Which organisation is a member of which cluster, per year.",
        ),
        TableSchema(
            "projects",
            (
                Column("project_id", "id", required=True, aliases=("project", "rcn", "id")),
                Column("title", "text", aliases=("acronym", "name")),
                Column("instrument", "text", aliases=("type", "funding_scheme")),
                Column("year", "year", aliases=("start_year",)),
                Column("budget", "number", aliases=("total_cost", "cost")),
                Column("funding", "number", aliases=("support", "steun", "max_contribution")),
            ),
            key=("project_id",),
            key_unique=True,
            file_aliases=("projecten",),
            description="Collaborative projects.",
        ),
        TableSchema(
            "participations",
            (
                Column("project_id", "id", required=True, references="projects", aliases=("project", "rcn")),
                Column("organisation_id", "id", required=True, references="organisations",
                       aliases=("org_id", "organization_id", "organisation", "organization", "pic")),
                Column("role", "category", default="partner", vocabulary=ROLES, value_aliases=_ROLE_ALIASES),
                Column("budget", "number", aliases=("contribution", "ec_contribution")),
            ),
            key=("project_id", "organisation_id"),
            key_unique=False,
            file_aliases=("participants", "deelnames"),
            description="Which organisation takes part in which project, in which role.",
        ),
        TableSchema(
            "project_clusters",
            (
                Column("project_id", "id", required=True, references="projects", aliases=("project",)),
                Column("cluster_id", "id", required=True, references="clusters", aliases=("cluster",)),
                Column("status", "text", default="approved",
                       value_aliases={"teruggetrokken": "withdrawn", "ingetrokken": "withdrawn",
                                      "withdrawn": "withdrawn", "goedgekeurd": "approved",
                                      "approved": "approved"}),
            ),
            key=("project_id", "cluster_id"),
            key_unique=False,
            file_aliases=("projectclusters", "project_cluster"),
            description="The clusters that carry a project (intercluster projects have several).",
        ),
        TableSchema(
            "activities",
            (
                Column("organisation_id", "id", required=True, references="organisations",
                       aliases=("org_id", "organization_id", "organisation", "organization", "member",
                                "company", "firm", "bedrijf", "onderneming")),
                Column("activity", "id", required=True,
                       aliases=("activity_id", "activity_name", "service", "service_id", "service_name",
                                "event", "event_name", "activiteit", "dienst", "evenement")),
                Column("cluster_id", "id", required=True, references="clusters", aliases=("cluster",)),
                Column("date", "date", aliases=("activity_date", "event_date", "datum", "year", "jaar")),
            ),
            key=("organisation_id", "activity", "cluster_id", "date"),
            key_unique=False,
            file_aliases=("activiteiten", "services", "events", "diensten"),
            description="Which organisation used which service or took part in which activity of a "
            "cluster, and when (a cluster organisation's CRM: events, workshops, advice, matchmaking).",
        ),
    )
}

#: The seven table names in their canonical order; ``activities``, the seventh, came last.
TABLES = tuple(SCHEMAS)

# A table that references another needs it: memberships name organisations and clusters.
REQUIRED_BY = {
    name: sorted({column.references for column in schema.columns if column.references})
    for name, schema in SCHEMAS.items()
}


#: Columns of :attr:`Ecosystem.notes`. ``removed`` is true when the note's ``rows`` are input rows
#: that are not in the table (merged into another row, skipped or left out), so that for every
#: table: input rows = table rows + the ``rows`` of its ``removed`` notes.
NOTE_COLUMNS = ["table", "file", "column", "rows", "action", "removed"]


def describe_schema() -> pd.DataFrame:
    """The data model as a table: one row per column of each of the seven tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, column, type, mandatory, default, values, aliases, references``.

    Examples
    --------
    >>> from clusternet.model import describe_schema
    >>> schema = describe_schema()
    >>> schema[schema["mandatory"]][["table", "column"]].values.tolist()[:3]
    [['organisations', 'organisation_id'], ['clusters', 'cluster_id'], ['memberships', 'organisation_id']]
    """
    rows = []
    for name, schema in SCHEMAS.items():
        for column in schema.columns:
            rows.append({
                "table": name,
                "column": column.name,
                "type": column.kind,
                "mandatory": column.required,
                "default": "" if column.default is None else str(column.default),
                "values": ", ".join(column.vocabulary or ()),
                "aliases": ", ".join(column.aliases),
                "references": column.references or "",
            })
    return pd.DataFrame(rows)


def schema_markdown() -> str:
    """The data model as Markdown tables, as the docs show it (a test keeps them equal)."""
    table = describe_schema()
    lines = []
    for name, group in table.groupby("table", sort=False):
        lines += [f"### `{name}`", "", SCHEMAS[name].description, "",
                  "| column | type | mandatory | default | values | aliases | refers to |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in group.itertuples():
            lines.append(f"| `{row.column}` | {row.type} | {'yes' if row.mandatory else ''} | {row.default} "
                         f"| {row.values} | {row.aliases} | {row.references} |")
        lines.append("")
    return "\n".join(lines)
