"""Graphs: the sparse organisation-by-project incidence and the networkx graphs built from it.

``_incidence`` holds the sparse core (one matrix product per projection and weighting);
``_builders`` turns an Ecosystem into bipartite graphs, projections and tidy edge tables;
``_backbone`` tests every tie against a null model and keeps the significant ones;
``_engines`` runs the organisation projection and its degrees on numpy or DuckDB (out of core);
``_regions`` aggregates organisations to their countries or regions.
"""

from ._backbone import BACKBONE_METHODS, CORRECTIONS, backbone, backbone_edges
from ._builders import (
    CLUSTER_LINKS,
    ORGANISATION_WEIGHTS,
    WEIGHTS,
    WITHDRAWN,
    bipartite_graph,
    cluster_edges,
    cluster_network,
    edge_table,
    organisation_network,
    project_edges,
    project_network,
)
from ._engines import ENGINES, organisation_degrees, organisation_edges
from ._regions import REGION_LEVELS, REGION_WEIGHTS, region_edges, region_network

__all__ = [
    "BACKBONE_METHODS",
    "CORRECTIONS",
    "backbone",
    "backbone_edges",
    "WITHDRAWN",
    "CLUSTER_LINKS",
    "WEIGHTS",
    "ORGANISATION_WEIGHTS",
    "bipartite_graph",
    "cluster_edges",
    "cluster_network",
    "edge_table",
    "organisation_edges",
    "organisation_degrees",
    "ENGINES",
    "organisation_network",
    "project_edges",
    "project_network",
    "REGION_LEVELS",
    "REGION_WEIGHTS",
    "region_edges",
    "region_network",
]
