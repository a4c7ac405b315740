"""The ecosystem KPIs and the network time series on all of Horizon 2020 (CORDIS), timed.

Run: python examples/cordis_kpis.py [path/to/h2020.csv.gz]

The default path is the shared copy outside the repository (see its SOURCE.txt). EU data has no
clusters, memberships, sectors or company sizes: the membership KPIs, the SME share and the
cross-sector KPIs are missing (not zero), and the KPIs are per year for the whole programme
(``by=None``). Companies are participants of CORDIS activity type PRC.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

import clusternet as cn

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cordis-h2020" / "h2020.csv.gz"
path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT


def timed(label, function, *args, **options):
    # Wall time depends on what else runs on the machine; CPU time less so: print both.
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **options)
    print(f"{label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    return result


eco = timed("read_cordis", cn.read_cordis, path)
print(eco)
with warnings.catch_warnings():
    # CORDIS lists a few projects without a start year; kpis warns that it leaves them out.
    warnings.simplefilter("ignore", UserWarning)
    table = timed("kpis(by=None)", cn.kpis, eco, by=None)
    belgian = timed("kpis(by=None, home_country='BE')", cn.kpis, eco, by=None, home_country="BE")
    series = timed("network_timeseries(window=1)", cn.network_timeseries, eco)
    windows = timed("network_timeseries(window=3)", cn.network_timeseries, eco, window=3)

project_columns = ["projects", "active_companies", "new_active_companies", "projects_3plus_companies",
                   "companies_in_3plus_projects", "international_projects", "repeat_pairs"]
print(f"\nKPIs per start year (international: {table.attrs['international_projects']}):")
print(table[project_columns])
print("\nMissing for lack of data:", ", ".join(c for c in table.columns if table[c].isna().all()))
print("\nInternational projects seen from Belgium (a Belgian partner and a foreign one):")
print(belgian["international_projects"].to_string())
print("\nThe organisation network per start year:")
print(series.round(4))
print("\nOver 3-year windows:")
print(windows.round(4))
