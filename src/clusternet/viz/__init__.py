"""Pictures and exports: colours and layout, the offline HTML page, matplotlib figures, files for Gephi and VOSviewer.

``_style`` decides colours and sizes, ``_layout`` places the nodes, ``_html`` writes the page (its JavaScript and CSS are the
files in ``static/``), ``_figures`` draws with matplotlib, ``_export`` writes GEXF, GraphML,
VOSviewer and spreadsheet files.
"""

from ._export import neutralise_formulas, write_gexf, write_graphml, write_table, write_vosviewer
from ._figures import (
    clean_svg,
    plot_backbone,
    plot_centrality,
    plot_communities,
    plot_network,
    plot_overlap,
    plot_region_ties,
    save_figure,
)
from ._html import NetworkPage, show_html, to_html
from ._layout import layout_positions
from ._style import (
    CATEGORICAL,
    EDGE_COLOR,
    MISSING_COLOR,
    OTHER_LABEL,
    category_colors,
    continuous_color,
    in_drawing_order,
)

__all__ = [
    "clean_svg",
    "CATEGORICAL",
    "EDGE_COLOR",
    "MISSING_COLOR",
    "OTHER_LABEL",
    "NetworkPage",
    "category_colors",
    "continuous_color",
    "in_drawing_order",
    "layout_positions",
    "neutralise_formulas",
    "plot_backbone",
    "plot_region_ties",
    "plot_centrality",
    "plot_communities",
    "plot_network",
    "plot_overlap",
    "save_figure",
    "show_html",
    "to_html",
    "write_gexf",
    "write_graphml",
    "write_table",
    "write_vosviewer",
]
