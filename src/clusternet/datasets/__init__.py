"""Bundled datasets: the Flemish cluster landscape of the 2020 evaluation report."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from ..io import read_table
from ..model import TABLES, Ecosystem

__all__ = ["load_flanders", "synthetic_ecosystem", "calibration_report"]


def load_flanders() -> Ecosystem:
    """The Flemish cluster landscape as the 2020 evaluation report describes it.

    Real data only, from the report (IDEA Consult and Technopolis, June 2020): the 6
    speerpuntclusters (SPC) and 20 innovatieve bedrijfsnetwerken (IBN) of Tabel 3 with domain,
    call and dates; the IBN-SPC niche and integration relations the text names (columns
    ``niche_of`` and ``integrates_into`` of ``clusters``); the intercluster projects of Tabel
    10 (2017-2018) and Tabel 11 (2019), carried by their clusters in ``project_clusters``
    (the partner marked "teruggetrokken" has status ``withdrawn``); the Moonshot programme as
    a cluster of type ``other`` with the SPC organisations on its board (``memberships``) and
    its 12 SBO projects of 2019, which no cluster carries, so the intercluster network stays
    that of Tabel 10 and 11. Organisations are the 26 cluster organisations: the report
    publishes no member lists (see :func:`synthetic_ecosystem` for a calibrated stand-in).

    Every row carries ``source_line``, the report line it comes from; the dataset's README
    (``datasets/flanders/README.md``) lists where the report contradicts itself.

    Returns
    -------
    Ecosystem

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.load_flanders()
    >>> eco.clusters["type"].value_counts().sort_index().to_dict()
    {'IBN': 20, 'SPC': 6, 'other': 1}
    >>> eco.clusters.set_index("cluster_id").loc["ibn-air-cargo-belgium", "niche_of"]
    'spc-vil'
    """
    folder = resources.files(__package__) / "flanders"
    tables: dict[str, pd.DataFrame] = {}
    files = {}
    for name in TABLES:
        if not (folder / f"{name}.csv").is_file():  # the report publishes no activities
            continue
        with resources.as_file(folder / f"{name}.csv") as path:
            tables[name] = read_table(path)
            files[name] = f"flanders/{name}.csv"
    return Ecosystem.from_tables(tables, files=files)


from .synthetic import calibration_report, synthetic_ecosystem  # noqa: E402  (needs load_flanders)
