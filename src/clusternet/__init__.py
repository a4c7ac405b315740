"""clusternet: network analysis of innovation clusters and R&D collaboration."""

from __future__ import annotations

from . import datasets
from .ecosystem import Ecosystem
from .errors import ClusternetError, MissingTableError, OptionalDependencyError, SchemaError
from .cordis import read_cordis
from .kpis import kpis, network_timeseries
from .readers import read_ecosystem, read_table

__all__ = [
    "ClusternetError",
    "Ecosystem",
    "MissingTableError",
    "OptionalDependencyError",
    "SchemaError",
    "datasets",
    "read_cordis",
    "read_ecosystem",
    "read_table",
    "kpis",
    "network_timeseries",
]

__version__ = "0.1.0"
