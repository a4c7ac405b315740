"""Measures: bridging, membership overlap, centrality, communities and the programme KPIs.

Each takes a graph or an Ecosystem and returns a tidy DataFrame (node measures indexed by node
id, pairwise results as edge tables). One private module per family of measures.
"""

from ._bridging import (
    BROKERAGE_ROLES,
    MODULE_ROLES,
    PermutationResult,
    attribute_mixing,
    brokerage,
    consortium_diversity,
    ei_index,
    gefura,
    group_mixing,
    module_roles,
    nominal_assortativity,
    participation_coefficient,
    permutation_test,
    spanning_share,
    structural_holes,
)
from ._centrality import (
    CENTRALITY_COLUMNS,
    CLUSTER_CENTRALITY_COLUMNS,
    RANK_SENSITIVITY_COLUMNS,
    centrality,
    cluster_centrality,
    cluster_rank_sensitivity,
)
from ._communities import (
    COMMUNITY_METHODS,
    communities,
    community_profile,
    compare_partitions,
    consensus_communities,
    misfits,
    modularity,
    nominal_partition,
)
from ._embedding import PARTICIPATION_COLUMNS, programme_participation
from ._kpis import KPI_DEFINITIONS, NETWORK_COLUMNS, kpis, network_timeseries
from ._overlap import OVERLAP_MEASURES, multi_membership, niche_mapping, overlap

__all__ = [
    "BROKERAGE_ROLES",
    "CENTRALITY_COLUMNS",
    "CLUSTER_CENTRALITY_COLUMNS",
    "COMMUNITY_METHODS",
    "KPI_DEFINITIONS",
    "MODULE_ROLES",
    "NETWORK_COLUMNS",
    "OVERLAP_MEASURES",
    "PARTICIPATION_COLUMNS",
    "PermutationResult",
    "RANK_SENSITIVITY_COLUMNS",
    "attribute_mixing",
    "brokerage",
    "centrality",
    "cluster_centrality",
    "cluster_rank_sensitivity",
    "communities",
    "community_profile",
    "compare_partitions",
    "consensus_communities",
    "consortium_diversity",
    "ei_index",
    "gefura",
    "group_mixing",
    "kpis",
    "misfits",
    "modularity",
    "module_roles",
    "multi_membership",
    "network_timeseries",
    "niche_mapping",
    "nominal_assortativity",
    "nominal_partition",
    "overlap",
    "participation_coefficient",
    "permutation_test",
    "programme_participation",
    "spanning_share",
    "structural_holes",
]
