"""Reading: tables from CSV, Excel, Parquet or pandas, flat partner lists and CORDIS downloads, into an Ecosystem."""

from ._cordis import ACTIVITY_KINDS, CORDIS_ROLES, read_cordis
from ._flat import FLAT_FIELDS, VOCABULARIES, read_participations
from ._linking import LINK_COLUMNS, LINK_METHODS, link_organisations
from ._names import LEGAL_FORMS, name_key, name_variants
from ._readers import TABLE_SUFFIXES, read_ecosystem, read_table

__all__ = [
    "ACTIVITY_KINDS",
    "CORDIS_ROLES",
    "FLAT_FIELDS",
    "LEGAL_FORMS",
    "LINK_COLUMNS",
    "LINK_METHODS",
    "TABLE_SUFFIXES",
    "VOCABULARIES",
    "link_organisations",
    "name_key",
    "name_variants",
    "read_cordis",
    "read_ecosystem",
    "read_participations",
    "read_table",
]
