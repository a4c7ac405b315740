"""The data model: the seven tables clusternet reads, how each is validated, and the Ecosystem.

The declarations (which columns each table has, which values a column accepts) live in
``_declarations``, apart from the engine that checks tables against them, ``_validation``; the
validated, immutable :class:`Ecosystem` that every later stage receives lives in ``_ecosystem``.
Nothing here reads files: that is :mod:`clusternet.io`.
"""

from ._declarations import (
    CLUSTER_TYPES,
    KINDS,
    NOTE_COLUMNS,
    OWNERSHIPS,
    ROLES,
    SCHEMAS,
    SIZE_CLASSES,
    TABLES,
    YEAR_RANGE,
    Column,
    TableSchema,
    describe_schema,
)
from ._ecosystem import Ecosystem
from ._validation import validate_tables

__all__ = [
    "YEAR_RANGE",
    "CLUSTER_TYPES",
    "KINDS",
    "NOTE_COLUMNS",
    "OWNERSHIPS",
    "ROLES",
    "SCHEMAS",
    "SIZE_CLASSES",
    "TABLES",
    "Column",
    "Ecosystem",
    "TableSchema",
    "describe_schema",
    "validate_tables",
]
