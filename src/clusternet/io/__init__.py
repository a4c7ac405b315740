"""Reading: tables from CSV, Excel, Parquet or pandas, and CORDIS downloads, into an Ecosystem."""

from ._cordis import ACTIVITY_KINDS, CORDIS_ROLES, read_cordis
from ._readers import TABLE_SUFFIXES, read_ecosystem, read_table

__all__ = ["ACTIVITY_KINDS", "CORDIS_ROLES", "TABLE_SUFFIXES", "read_cordis", "read_ecosystem", "read_table"]
