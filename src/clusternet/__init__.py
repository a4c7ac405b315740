"""clusternet: network analysis of innovation clusters and R&D collaboration."""

from __future__ import annotations

from . import datasets
from .bridging import (
    BROKERAGE_ROLES,
    MODULE_ROLES,
    PermutationResult,
    brokerage,
    consortium_diversity,
    ei_index,
    gefura,
    group_mixing,
    module_roles,
    nominal_assortativity,
    participation_coefficient,
    permutation_test,
    structural_holes,
)
from .centrality import centrality, cluster_centrality
from .communities import (
    COMMUNITY_METHODS,
    communities,
    community_profile,
    compare_partitions,
    consensus_communities,
    misfits,
    modularity,
    nominal_partition,
)
from .cordis import read_cordis
from .ecosystem import Ecosystem
from .errors import (
    ClusternetError,
    ConvergenceWarning,
    ExportError,
    IdCollisionError,
    InvalidGraphError,
    MissingAttributeError,
    MissingTableError,
    OptionalDependencyError,
    OptionError,
    SchemaError,
    StyleError,
)
from .export import write_gexf, write_graphml, write_table, write_vosviewer
from .graphs import (
    bipartite_graph,
    cluster_edges,
    cluster_network,
    edge_table,
    organisation_edges,
    organisation_network,
    project_edges,
    project_network,
)
from .html import NetworkPage, show_html, to_html
from .kpis import kpis, network_timeseries
from .membership_overlap import OVERLAP_MEASURES, multi_membership, niche_mapping, overlap
from .plotting import plot_centrality, plot_communities, plot_network, plot_overlap, save_figure
from .readers import read_ecosystem, read_table
from .report import write_report

__all__ = [
    "COMMUNITY_METHODS",
    "communities",
    "community_profile",
    "compare_partitions",
    "consensus_communities",
    "misfits",
    "modularity",
    "nominal_partition",
    "ConvergenceWarning",
    "InvalidGraphError",
    "centrality",
    "cluster_centrality",
    "OVERLAP_MEASURES",
    "multi_membership",
    "niche_mapping",
    "overlap",
    "BROKERAGE_ROLES",
    "MODULE_ROLES",
    "MissingAttributeError",
    "PermutationResult",
    "brokerage",
    "consortium_diversity",
    "ei_index",
    "gefura",
    "group_mixing",
    "module_roles",
    "nominal_assortativity",
    "participation_coefficient",
    "permutation_test",
    "structural_holes",
    "ClusternetError",
    "Ecosystem",
    "MissingTableError",
    "OptionalDependencyError",
    "SchemaError",
    "StyleError",
    "datasets",
    "read_cordis",
    "read_ecosystem",
    "read_table",
    "write_report",
    "kpis",
    "network_timeseries",
    "IdCollisionError",
    "OptionError",
    "bipartite_graph",
    "cluster_edges",
    "cluster_network",
    "edge_table",
    "organisation_edges",
    "organisation_network",
    "project_edges",
    "project_network",
    "ExportError",
    "write_gexf",
    "write_graphml",
    "write_table",
    "write_vosviewer",
    "NetworkPage",
    "show_html",
    "to_html",
    "plot_centrality",
    "plot_communities",
    "plot_network",
    "plot_overlap",
    "save_figure",
]

__version__ = "0.1.0"
