"""The report's cluster KPIs on the synthetic Flemish ecosystem.

Run: python examples/flanders_kpis.py

The synthetic ecosystem keeps the real clusters of the 2020 evaluation report and adds synthetic
members and consortia fitted to the report's published figures (see the Datasets page). So the
figures below show what the KPIs look like, not what the clusters achieved.
"""

from __future__ import annotations

import pandas as pd

import clusternet as cn

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)

eco = cn.datasets.synthetic_ecosystem(seed=0)
table = cn.kpis(eco)
spc = eco.clusters.loc[eco.clusters["type"] == "SPC", "cluster_id"]
spc_rows = table[table.index.get_level_values("cluster_id").isin(spc)]

print("Members and their flows per spearhead cluster (members of any kind):")
print(spc_rows[["members", "new_members", "leavers", "retention_rate"]].round(3))

print("\nTabel 4: unique active companies and projects with at least 3 companies, all SPCs:")
tabel4 = spc_rows.groupby(level="year")[["companies_in_2plus_activities_or_projects", "active_companies",
                                          "members_without_activities", "projects_3plus_companies"]].sum()
print(tabel4)
print("(active companies as Tabel 4 defines them: two or more services or activities, or a project;"
      " active_companies counts the project route alone. Summed over SPCs: a company active in two SPCs"
      " counts twice, as when each SPC reports its own figure; the report gives 1,580 for 2018)")

print("\nCollaboration KPIs per SPC, 2019:")
columns = ["projects", "companies_in_3plus_projects", "sme_share_in_3plus_projects",
           "cross_sector_projects", "companies_in_cross_sector_projects",
           "international_projects", "repeat_pairs"]
print(spc_rows.xs(2019, level="year")[columns].round(3))
print(f"(international: {table.attrs['international_projects']})")

# "Zowat 5% van de bedrijven is lid van twee of meerdere speerpuntclusters": count SPC
# memberships of companies only, then the share of each year's member companies in 2+ SPCs.
companies = eco.organisations.loc[eco.organisations["kind"] == "company", "organisation_id"]
memberships = eco.memberships
firm_spc = memberships[memberships["cluster_id"].isin(spc) & memberships["organisation_id"].isin(companies)]
whole = cn.kpis(eco.replace(memberships=firm_spc), by=None)
print("\nMember companies of any SPC, and the share in two or more SPCs:")
print(whole[["members", "new_members", "retention_rate", "multi_cluster_member_share"]].round(3))

# The report's "80% van de leden uit 2019 waren ook al in 2018 lid" (line 1146), leaving out the
# Blauwe Cluster that started in 2019 (footnote 24), is 1 - new_members / members:
older = firm_spc[firm_spc["cluster_id"] != "spc-blauwe-cluster"]
older_whole = cn.kpis(eco.replace(memberships=older), by=None)
share_kept = 1 - older_whole["new_members"] / older_whole["members"]
print("Members of the five older SPCs that were members the year before (report: 80% in 2019):")
print(share_kept.dropna().round(3).to_string())

print("\nThe whole ecosystem per year (every cluster, every project):")
print(cn.kpis(eco, by=None).round(3).T)

print("\nThe organisation network per year and over 2-year windows:")
print(cn.network_timeseries(eco).round(4))
print(cn.network_timeseries(eco, window=2).round(4))
