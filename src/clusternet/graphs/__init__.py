"""Graphs: the sparse organisation-by-project incidence and the networkx graphs built from it.

``_incidence`` holds the sparse core (one matrix product per projection and weighting);
``_builders`` turns an Ecosystem into bipartite graphs, projections and tidy edge tables.
"""

from ._builders import (
    CLUSTER_LINKS,
    WEIGHTS,
    WITHDRAWN,
    bipartite_graph,
    cluster_edges,
    cluster_network,
    edge_table,
    organisation_edges,
    organisation_network,
    project_edges,
    project_network,
)

__all__ = [
    "WITHDRAWN",
    "CLUSTER_LINKS",
    "WEIGHTS",
    "bipartite_graph",
    "cluster_edges",
    "cluster_network",
    "edge_table",
    "organisation_edges",
    "organisation_network",
    "project_edges",
    "project_network",
]
