"""The bundled Flemish landscape against counts made by hand from the 2020 report.

Every expected number below was counted by reading the report text
(../shared/seeds/cluster-evaluation-report-nl.txt); the line numbers say where.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import clusternet as cn


def test_clusters_of_tabel_3(flanders):
    clusters = flanders.clusters.set_index("cluster_id")
    # Tabel 3 (line 405): "Speerpuntclusters (#=6)", "Innovatieve bedrijfsnetwerken (#=20)",
    # "1e oproep (#=14)"; plus the Moonshot programme as a cluster of type other.
    assert Counter(clusters["type"]) == {"SPC": 6, "IBN": 20, "other": 1}
    assert Counter(clusters.loc[clusters["type"] == "IBN", "call"]) == {"1": 14, "2": 6}
    # Tabel 3: the four older SPCs run 1/1/2017 - 31/12/2026
    assert str(clusters.loc["spc-catalisti", "end"].date()) == "2026-12-31"
    assert str(clusters.loc["spc-blauwe-cluster", "start"].date()) == "2018-01-01"


def test_niche_relations_named_in_the_text(flanders):
    clusters = flanders.clusters.set_index("cluster_id")
    niches = clusters["niche_of"].dropna().to_dict()
    # lines 395-397 and 1945-1947
    assert niches == {
        "ibn-air-cargo-belgium": "spc-vil",
        "ibn-power-to-gas": "spc-flux50",
        "ibn-composieten": "spc-sim",
        "ibn-offshore-energy": "spc-blauwe-cluster",
        "ibn-innovatieve-coatings": "spc-sim",
    }
    # line 1961: "Composites -> SIM, Offshore energie -> Blauwe Cluster"
    assert clusters["integrates_into"].dropna().to_dict() == {
        "ibn-composieten": "spc-sim",
        "ibn-offshore-energy": "spc-blauwe-cluster",
    }


def test_intercluster_projects_of_tabel_10_and_11(flanders):
    projects = flanders.projects
    intercluster = projects[projects["project_id"].str.startswith("ic")]
    # Tabel 10: ten rows, nine under 2017 and Data Solanea in 2018; Tabel 11: five rows in 2019
    assert Counter(intercluster["year"]) == {2017: 9, 2018: 1, 2019: 5}
    links = flanders.project_clusters
    # CORSET (line 1773): "SIM, Catalisti (teruggetrokken)"
    withdrawn = links[links["status"] == "withdrawn"]
    assert withdrawn[["project_id", "cluster_id"]].values.tolist() == [["ic2017-09", "spc-catalisti"]]


def test_intercluster_pairs_counted_by_hand(flanders):
    links = flanders.project_clusters
    approved = links[links["status"] == "approved"]
    pairs = Counter()
    for _, group in approved.groupby("project_id"):
        for a, b in combinations(sorted(group["cluster_id"]), 2):
            pairs[(a, b)] += 1
    # Hand count from Tabel 10 and 11 (datasets/flanders/README.md): 14 distinct pairs, 21 in all.
    assert len(pairs) == 14
    assert sum(pairs.values()) == 21
    assert pairs[("spc-catalisti", "spc-sim")] == 3  # Voedingsverpakking, CORONA, APPLISURF
    assert pairs[("spc-catalisti", "spc-flanders-food")] == 3  # Voedingsverpakking, EFFSEP, Prometheus
    assert pairs[("ibn-air-cargo-belgium", "spc-vil")] == 1  # Datasharing in luchtvrachtlogistiek


def test_moonshot_board(flanders):
    members = flanders.memberships
    # lines 2044-2050: Catalisti coordinates; all SPCs sit on the governance board
    assert set(members["cluster_id"]) == {"moonshot"}
    assert len(members) == 6 and members["board"].all()
    spcs = set(flanders.clusters.query("type == 'SPC'")["cluster_id"].str.removeprefix("spc-"))
    assert set(members["organisation_id"].str.removeprefix("org-")) == spcs
    # line 2026 and Tabel 7: 12 SBO projects approved in 2019, carried by no cluster
    moonshot = flanders.projects[flanders.projects["project_id"].str.startswith("moonshot")]
    assert len(moonshot) == 12
    assert not flanders.project_clusters["project_id"].isin(moonshot["project_id"]).any()


def test_load_flanders_reads_through_the_public_reader(flanders):
    # the bundled CSVs are valid user input as they stand
    assert isinstance(flanders, cn.Ecosystem)
    assert flanders.provided == set(cn.model.TABLES) - {"activities"}  # the report publishes no activities
