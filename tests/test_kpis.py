"""KPIs and the network time series: hand-worked small cases, brute force, networkx."""

from __future__ import annotations

import itertools
import random
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet.measures import KPI_DEFINITIONS, NETWORK_COLUMNS, kpis, network_timeseries

# The small ecosystem every hand-worked value below is computed on.
#
#   organisation  kind        sector     size     country
#   c1            company     chemistry  sme      BE
#   c2            company     chemistry  large    BE
#   c3            company     food       sme      NL
#   c4            company     (unknown)  unknown  BE
#   c5            company     food       sme      (unknown)
#   u1            university  research   unknown  BE      <- a non-company sector, must be ignored
#   u2            university  (unknown)  unknown  DE
#
#   memberships   A: 2018 c1 c2 u1 | 2019 c1 c3 u1 c4 | 2020 c3 c4
#                 B: 2019 c1 c2    | 2020 c1
#
#   project  year  participants        carried by
#   p1       2018  c1 c2 c3            A
#   p2       2018  c1 u1               A
#   p3       2019  c1 c2 u1            A, B
#   p4       2019  c1 c4 c5 u1         A (B withdrawn)
#   p5       2020  c2 c4 u1 u2         B
#   p6       2020  c1 c2               none
#
#   activities (a CRM export: organisation, service or activity, cluster, date)
#                 A: 2018 c1 webinar twice (one activity) | 2019 c3 webinar + matchmaking,
#                    u1 webinar + matchmaking (no company), c2 matchmaking | 2020 c4 advice, c3 webinar
#                 B: 2019 c2 webinar | 2020 c3 webinar
#
# Without a home country a project is international when its participants come from two or more
# known countries: p1 (BE, NL) and p5 (BE, DE); every project has a BE partner, so seen from BE too.


def _organisations():
    return pd.DataFrame({
        "organisation_id": ["c1", "c2", "c3", "c4", "c5", "u1", "u2"],
        "kind": ["company"] * 5 + ["university"] * 2,
        "sector": ["chemistry", "chemistry", "food", None, "food", "research", None],
        "size_class": ["sme", "large", "sme", None, "sme", None, None],
        "country": ["BE", "BE", "NL", "BE", None, "BE", "DE"],
    })


def _memberships():
    rows = [("A", 2018, "c1 c2 u1"), ("A", 2019, "c1 c3 u1 c4"), ("A", 2020, "c3 c4"),
            ("B", 2019, "c1 c2"), ("B", 2020, "c1")]
    return pd.DataFrame([{"organisation_id": organisation, "cluster_id": cluster, "year": year}
                         for cluster, year, members in rows for organisation in members.split()])


def _projects():
    return pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
                         "year": [2018, 2018, 2019, 2019, 2020, 2020]})


def _participations():
    consortia = {"p1": "c1 c2 c3", "p2": "c1 u1", "p3": "c1 c2 u1", "p4": "c1 c4 c5 u1",
                 "p5": "c2 c4 u1 u2", "p6": "c1 c2"}
    return pd.DataFrame([{"project_id": project, "organisation_id": organisation}
                         for project, members in consortia.items() for organisation in members.split()])


def _project_clusters():
    return pd.DataFrame({"project_id": ["p1", "p2", "p3", "p3", "p4", "p4", "p5"],
                         "cluster_id": ["A", "A", "A", "B", "A", "B", "B"],
                         "status": ["approved"] * 5 + ["withdrawn", "approved"]})


def _activities():
    # Written as a cluster's CRM would export it: its own column names, continental dates.
    rows = [("c1", "Webinar", "A", "12/03/2018"), ("c1", "Webinar", "A", "01.06.2018"),
            ("c3", "Webinar", "A", "15/03/2019"), ("c3", "Matchmaking", "A", "02/05/2019"),
            ("u1", "Webinar", "A", "15/03/2019"), ("u1", "Matchmaking", "A", "02/05/2019"),
            ("c2", "Matchmaking", "A", "02/05/2019"), ("c4", "Advice", "A", "2020-01-20"),
            ("c3", "Webinar", "A", "10/02/2020"), ("c2", "Webinar", "B", "07/11/2019"),
            ("c3", "Webinar", "B", "2020")]
    return pd.DataFrame(rows, columns=["Bedrijf", "Dienst", "Cluster", "Datum"])


def _tables(**replace):
    tables = {"organisations": _organisations(), "clusters": pd.DataFrame({"cluster_id": ["A", "B"]}),
              "memberships": _memberships(), "projects": _projects(),
              "participations": _participations(), "project_clusters": _project_clusters(),
              "activities": _activities()}
    tables.update(replace)
    return tables


@pytest.fixture(scope="module")
def small():
    return cn.Ecosystem.from_tables(_tables())


@pytest.fixture(scope="module")
def by_cluster(small):
    return kpis(small)


@pytest.fixture(scope="module")
def by_ecosystem(small):
    return kpis(small, by=None)


NA = pd.NA
# Worked by hand from the table above; each value's reasoning is in the comment on its row.
BY_CLUSTER = {
    # members: A 3, 4, 2 | B unknown in 2018 (B's list starts in 2019), 2, 1
    "members": {("A", 2018): 3, ("A", 2019): 4, ("A", 2020): 2,
                ("B", 2018): NA, ("B", 2019): 2, ("B", 2020): 1},
    # new: A 2019 c3 c4; A 2020 none; B 2020 none; first known years unknown
    "new_members": {("A", 2018): NA, ("A", 2019): 2, ("A", 2020): 0,
                    ("B", 2018): NA, ("B", 2019): NA, ("B", 2020): 0},
    # leavers: A 2019 c2; A 2020 c1 u1; B 2020 c2
    "leavers": {("A", 2018): NA, ("A", 2019): 1, ("A", 2020): 2,
                ("B", 2018): NA, ("B", 2019): NA, ("B", 2020): 1},
    # retention: A 2019 {c1,u1}/3; A 2020 {c3,c4}/4; B 2020 {c1}/2
    "retention_rate": {("A", 2018): np.nan, ("A", 2019): 2 / 3, ("A", 2020): 0.5,
                       ("B", 2018): np.nan, ("B", 2019): np.nan, ("B", 2020): 0.5},
    # returning: A 2019 {c1,u1} of 4 members; A 2020 {c3,c4} of 2; B 2020 {c1} of 1
    "returning_share": {("A", 2018): np.nan, ("A", 2019): 2 / 4, ("A", 2020): 1.0,
                        ("B", 2018): np.nan, ("B", 2019): np.nan, ("B", 2020): 1.0},
    # in another cluster the same year: A 2019 c1 (B) of 4; B 2019 c1 (A) of 2; none else
    "multi_cluster_member_share": {("A", 2018): 0.0, ("A", 2019): 0.25, ("A", 2020): 0.0,
                                   ("B", 2018): np.nan, ("B", 2019): 0.5, ("B", 2020): 0.0},
    # members with no activity row of the cluster that year: A 2018 c2 u1 (c1 has one);
    # A 2019 c1 c4 (c3 u1 have); A 2020 none (c3 c4 have); B 2019 c1 (c2 has); B 2020 c1
    "members_without_activities": {("A", 2018): 2, ("A", 2019): 2, ("A", 2020): 0,
                                   ("B", 2018): NA, ("B", 2019): 1, ("B", 2020): 1},
    # A: p1 p2 | p3 p4 | - ; B: - | p3 (p4 withdrawn) | p5
    "projects": {("A", 2018): 2, ("A", 2019): 2, ("A", 2020): 0,
                 ("B", 2018): 0, ("B", 2019): 1, ("B", 2020): 1},
    # A 2018 c1 c2 c3; A 2019 c1 c2 c4 c5; B 2019 c1 c2; B 2020 c2 c4 (u1, u2 are no companies)
    "active_companies": {("A", 2018): 3, ("A", 2019): 4, ("A", 2020): 0,
                         ("B", 2018): 0, ("B", 2019): 2, ("B", 2020): 2},
    # A 2019 c4 c5; B 2019 c1 c2 (first active for B); B 2020 c4
    "new_active_companies": {("A", 2018): 3, ("A", 2019): 2, ("A", 2020): 0,
                             ("B", 2018): 0, ("B", 2019): 2, ("B", 2020): 1},
    # Tabel 4: two distinct activities or a project. A 2018: c1 c2 c3 by p1 (c1's two webinar rows
    # are one activity); A 2019: c1 c2 c4 c5 by p3 p4, plus c3 by webinar + matchmaking (u1 is no
    # company, c2's one activity adds nothing); A 2020: no project, nobody with two -> a true 0;
    # B 2018: B's activity data starts in 2019 -> missing; B 2019 c1 c2 (p3); B 2020 c2 c4 (p5)
    "companies_in_2plus_activities_or_projects": {("A", 2018): 3, ("A", 2019): 5, ("A", 2020): 0,
                                                  ("B", 2018): NA, ("B", 2019): 2, ("B", 2020): 2},
    # 3+ companies: p1 (c1 c2 c3) and p4 (c1 c4 c5); p3 and p5 have 2 companies and a university
    "projects_3plus_companies": {("A", 2018): 1, ("A", 2019): 1, ("A", 2020): 0,
                                 ("B", 2018): 0, ("B", 2019): 0, ("B", 2020): 0},
    "companies_in_3plus_projects": {("A", 2018): 3, ("A", 2019): 3, ("A", 2020): 0,
                                    ("B", 2018): 0, ("B", 2019): 0, ("B", 2020): 0},
    # A 2018: c1 c3 SME, c2 large -> 2/3; A 2019: c1 c5 SME, c4 unknown size left out -> 2/2
    "sme_share_in_3plus_projects": {("A", 2018): 2 / 3, ("A", 2019): 1.0, ("A", 2020): np.nan,
                                    ("B", 2018): np.nan, ("B", 2019): np.nan, ("B", 2020): np.nan},
    # p1 chemistry+food, p4 chemistry+food(+unknown); p3 is chemistry only (u1's "research" is
    # not a company sector); p5 is chemistry + unknown, which is no second sector
    "cross_sector_projects": {("A", 2018): 1, ("A", 2019): 1, ("A", 2020): 0,
                              ("B", 2018): 0, ("B", 2019): 0, ("B", 2020): 0},
    # p1: c1 c2 c3; p4: c1 c4 c5 (c4 of unknown sector still takes part)
    "companies_in_cross_sector_projects": {("A", 2018): 3, ("A", 2019): 3, ("A", 2020): 0,
                                           ("B", 2018): 0, ("B", 2019): 0, ("B", 2020): 0},
    # p1 has c3 (NL); p5 has u2 (DE, a university counts); p4's c5 has no known country
    "international_projects": {("A", 2018): 1, ("A", 2019): 0, ("A", 2020): 0,
                               ("B", 2018): 0, ("B", 2019): 0, ("B", 2020): 1},
    # 2019 p3: c1-c2 and c1-u1 met in 2018 (p1, p2), c2-u1 first meets now; p4 adds c1-u1 again
    # 2020 p5: c2-u1 (p3) and c4-u1 (p4) met in 2019; the other p5 pairs are new
    "repeat_pairs": {("A", 2018): 0, ("A", 2019): 2, ("A", 2020): 0,
                     ("B", 2018): 0, ("B", 2019): 2, ("B", 2020): 2},
}

BY_ECOSYSTEM = {
    # members of any cluster: 2018 c1 c2 u1; 2019 c1 c2 c3 c4 u1; 2020 c1 c3 c4
    "members": {2018: 3, 2019: 5, 2020: 3},
    "new_members": {2018: NA, 2019: 2, 2020: 0},  # 2019 c3 c4
    "leavers": {2018: NA, 2019: 0, 2020: 2},  # 2020 c2 u1
    "retention_rate": {2018: np.nan, 2019: 1.0, 2020: 0.6},  # 3/3, then 3/5
    "returning_share": {2018: np.nan, 2019: 0.6, 2020: 1.0},  # 3 of 5 members, then 3 of 3
    "multi_cluster_member_share": {2018: 0.0, 2019: 0.2, 2020: 0.0},  # 2019: c1 in A and B, of 5
    # without an activity row of any cluster: 2018 c2 u1; 2019 c1 c4; 2020 c1
    "members_without_activities": {2018: 2, 2019: 2, 2020: 1},
    "projects": {2018: 2, 2019: 2, 2020: 2},  # p6 belongs to no cluster but counts here
    "active_companies": {2018: 3, 2019: 4, 2020: 3},  # 2020: c2 c4 (p5), c1 c2 (p6)
    "new_active_companies": {2018: 3, 2019: 2, 2020: 0},
    # 2020: c1 c2 c4 by p5 p6, and c3 by (A, webinar) + (B, webinar): two activities of the
    # programme although one of each cluster
    "companies_in_2plus_activities_or_projects": {2018: 3, 2019: 5, 2020: 4},
    "projects_3plus_companies": {2018: 1, 2019: 1, 2020: 0},
    "companies_in_3plus_projects": {2018: 3, 2019: 3, 2020: 0},
    "sme_share_in_3plus_projects": {2018: 2 / 3, 2019: 1.0, 2020: np.nan},
    "cross_sector_projects": {2018: 1, 2019: 1, 2020: 0},
    "companies_in_cross_sector_projects": {2018: 3, 2019: 3, 2020: 0},
    "international_projects": {2018: 1, 2019: 0, 2020: 1},
    # 2020: c1-c2 again in p6 (met 2018), plus c2-u1 and c4-u1 in p5
    "repeat_pairs": {2018: 0, 2019: 2, 2020: 3},
}


def _assert_column(actual: pd.Series, expected: dict) -> None:
    assert list(actual.index) == list(expected)
    for key, value in expected.items():
        got = actual.loc[key]
        if value is NA or (isinstance(value, float) and np.isnan(value)):
            assert pd.isna(got), (key, got)
        else:
            assert got == pytest.approx(value), (key, got, value)


@pytest.mark.parametrize("column", list(KPI_DEFINITIONS), ids=str)
def test_each_kpi_by_cluster_matches_hand_count(by_cluster, column):
    _assert_column(by_cluster[column], BY_CLUSTER[column])


@pytest.mark.parametrize("column", list(KPI_DEFINITIONS), ids=str)
def test_each_kpi_for_the_ecosystem_matches_hand_count(by_ecosystem, column):
    _assert_column(by_ecosystem[column], BY_ECOSYSTEM[column])


def test_columns_dtypes_and_home_country(by_cluster, by_ecosystem):
    table = by_cluster
    assert list(table.columns) == list(KPI_DEFINITIONS)
    assert table.index.names == ["cluster_id", "year"]
    assert table["members"].dtype == "Int64"
    assert table["retention_rate"].dtype == "float64"
    assert table["members_without_activities"].dtype == "Int64"
    assert table["companies_in_2plus_activities_or_projects"].dtype == "Int64"
    assert table.attrs["home_country"] is None
    assert table.attrs["international_projects"] == "participants from two or more known countries"
    assert by_ecosystem.index.name == "year"


def test_home_country_option(small):
    # Seen from NL only p1 has a home partner (c3) and a foreign one (c1, c2: BE). Counting every
    # project with a non-NL partner, the old rule, gave all six.
    table = kpis(small, by=None, home_country="NL")
    assert table["international_projects"].tolist() == [1, 0, 0]
    assert table.attrs["home_country"] == "NL"
    assert table.attrs["international_projects"] == "a participant from NL and one from another known country"
    # From BE: p1 (NL) and p5 (DE) have a foreign partner beside a Belgian one.
    assert kpis(small, by=None, home_country="BE")["international_projects"].tolist() == [1, 0, 1]


def test_international_needs_a_home_partner():
    # q1: NL + DE, no Belgian; q2: BE + NL; q3: BE alone; q4: DE alone. Worked by hand:
    # seen from BE only q2; without a home country q1 and q2 (two countries each).
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["be", "nl", "de"], "country": ["BE", "NL", "DE"]}),
        projects=pd.DataFrame({"project_id": ["q1", "q2", "q3", "q4"], "year": 2019}),
        participations=pd.DataFrame({"project_id": ["q1", "q1", "q2", "q2", "q3", "q4"],
                                     "organisation_id": ["nl", "de", "be", "nl", "be", "de"]}),
    )
    assert kpis(eco, by=None, home_country="BE")["international_projects"].tolist() == [1]
    assert kpis(eco, by=None)["international_projects"].tolist() == [2]
    with pytest.warns(UserWarning, match="no participant is from home_country='FR'"):
        assert kpis(eco, by=None, home_country="FR")["international_projects"].tolist() == [0]


@pytest.mark.parametrize("home", [0, "", "  ", ["BE"]], ids=["number", "empty", "blank", "list"])
def test_bad_home_country(small, home):
    with pytest.raises(cn.OptionError, match="home_country must be a country"):
        kpis(small, home_country=home)


def test_pairs_meeting_twice_in_one_year_are_no_repeat():
    # a-b share q1 and q2, both 2019: neither is earlier; q3 (2020) is then a repeat.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b"]}),
        projects=pd.DataFrame({"project_id": ["q1", "q2", "q3"], "year": [2019, 2019, 2020]}),
        participations=pd.DataFrame({"project_id": ["q1", "q1", "q2", "q2", "q3", "q3"],
                                     "organisation_id": ["a", "b", "a", "b", "a", "b"]}),
    )
    assert kpis(eco, by=None)["repeat_pairs"].tolist() == [0, 1]


def test_years_select_rows_but_keep_history(small):
    table = kpis(small, by=None, years=range(2019, 2030))
    assert table.index.tolist() == [2019, 2020]
    assert table.loc[2019, "new_members"] == 2  # still compared with 2018
    assert table.loc[2019, "repeat_pairs"] == 2  # 2018 projects still count as earlier
    assert kpis(small, by=None, years=2020).index.tolist() == [2020]
    assert kpis(small, by=None, years=[2018, 2019]).index.tolist() == [2018, 2019]


def test_gap_in_a_member_list_counts_zero_members_inside_its_span():
    # k's list is known 2018-2020; nobody is listed in 2019, so 2019 has 0 members, all left.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a"]}),
        clusters=pd.DataFrame({"cluster_id": ["k"]}),
        memberships=pd.DataFrame({"organisation_id": ["a", "a"], "cluster_id": ["k", "k"],
                                  "year": [2018, 2020]}),
    )
    table = kpis(eco)
    assert table["members"].tolist() == [1, 0, 1]
    assert table["leavers"].tolist()[1:] == [1, 0]
    assert table["new_members"].tolist()[1:] == [0, 1]
    assert np.isnan(table["retention_rate"].iloc[2])  # nobody to retain in 2019


# --- absent tables: missing values, never zeros --------------------------------------------

MEMBERSHIP = ["members", "new_members", "leavers", "retention_rate", "returning_share", "multi_cluster_member_share",
              "members_without_activities"]
ACTIVE = ["companies_in_2plus_activities_or_projects"]  # activities, or activities and projects
PARTICIPANT = [column for column in KPI_DEFINITIONS if column not in MEMBERSHIP + ACTIVE + ["projects"]]

# (id, tables removed or replaced, by, columns that must be all missing, columns that must not)
ABSENT = [
    ("no-memberships", {"memberships": None}, "cluster", MEMBERSHIP, ["projects", *PARTICIPANT, *ACTIVE]),
    ("no-activities", {"activities": None}, "cluster", ACTIVE, ["projects", *PARTICIPANT, *MEMBERSHIP]),
    ("no-activities-by-none", {"activities": None}, None, ACTIVE, ["projects", *PARTICIPANT, *MEMBERSHIP]),
    ("no-project-clusters", {"project_clusters": None}, "cluster", ["projects", *PARTICIPANT], MEMBERSHIP),
    ("no-project-clusters-by-none", {"project_clusters": None}, None, [], ["projects", *PARTICIPANT]),
    ("no-participations", {"participations": None, "project_clusters": None}, None, PARTICIPANT,
     ["projects", *MEMBERSHIP]),
    ("empty-participations", {"participations": _participations().iloc[:0]}, "cluster", PARTICIPANT,
     ["projects", *MEMBERSHIP]),
]


@pytest.mark.parametrize(("removed", "by", "missing", "present"),
                         [case[1:] for case in ABSENT], ids=[case[0] for case in ABSENT])
def test_absent_tables_give_missing_values(removed, by, missing, present):
    table = kpis(cn.Ecosystem.from_tables(_tables(**removed)), by=by)
    for column in missing:
        assert table[column].isna().all(), column
    for column in present:
        assert table[column].notna().any(), column


def test_without_activities_every_member_lacks_activity_data(small):
    # The table absent: the Tabel 4 KPI is missing (never 0) and every member is counted as
    # without activity data, so the reader sees why.
    table = kpis(small.replace(activities=None))
    assert table["companies_in_2plus_activities_or_projects"].isna().all()
    members = table["members"].dropna()
    assert table["members_without_activities"].dropna().tolist() == members.tolist()


def test_activities_without_projects_count_two_or_more_with_a_warning(small):
    # Without project tables only the activity route is known: A 2019 c3 (webinar + matchmaking).
    eco = small.replace(projects=None, participations=None, project_clusters=None)
    with pytest.warns(UserWarning, match="counts only the companies with two or more activities"):
        table = kpis(eco)
    assert table["companies_in_2plus_activities_or_projects"].tolist() == [0, 1, 0, NA, 0, 0]


def test_activity_rows_without_a_date_are_noted_and_left_out(small):
    undated = pd.concat([_activities(), pd.DataFrame({"Bedrijf": ["c4"], "Dienst": ["Matchmaking"],
                                                      "Cluster": ["A"], "Datum": [None]})])
    eco = cn.Ecosystem.from_tables(_tables(activities=undated))
    assert "activity rows without a date" in " ".join(eco.notes["action"])
    with pytest.warns(UserWarning, match="1 activity rows without a year"):
        table = kpis(eco)
    pd.testing.assert_frame_equal(table, kpis(small))


def test_no_known_sector_or_country_gives_missing_not_zero():
    organisations = _organisations().assign(sector=None, country=None)
    table = kpis(cn.Ecosystem.from_tables(_tables(organisations=organisations)), by=None)
    for column in ("cross_sector_projects", "companies_in_cross_sector_projects", "international_projects"):
        assert table[column].isna().all(), column
    assert table["active_companies"].tolist() == [3, 4, 3]  # the rest is still counted


# (id, tables, by, error, message fragment)
REFUSED = [
    ("cluster-without-clusters", {"organisations": _organisations(), "projects": _projects(),
                                  "participations": _participations()}, "cluster",
     cn.MissingTableError, "clusters"),
    ("nothing-to-count", {"organisations": _organisations()}, None, cn.MissingTableError, "memberships"),
]


@pytest.mark.parametrize(("tables", "by", "error", "fragment"),
                         [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_refused_without_the_tables_needed(tables, by, error, fragment):
    with pytest.raises(error, match=fragment):
        kpis(cn.Ecosystem.from_tables(tables), by=by)


@pytest.mark.parametrize(("options", "fragment"), [
    ({"by": "organisation"}, "by must be"),
    ({"years": "2019"}, "must be a year or a collection of years"),
    ({"years": (2019, None)}, "an open end is not a year"),
    ({"years": ()}, "years is empty"),
    ({"years": (2018.5, 2019)}, "2018.5 is not a whole year"),
], ids=["bad-by", "years-text", "years-open-end", "years-empty", "years-fraction"])
def test_bad_options(small, options, fragment):
    with pytest.raises(ValueError, match=fragment):
        kpis(small, **options)


def test_rows_without_year_are_left_out_with_a_warning():
    projects = pd.concat([_projects(), pd.DataFrame({"project_id": ["p7"], "year": [None]})])
    participations = pd.concat([_participations(),
                                pd.DataFrame({"project_id": ["p7"] * 3, "organisation_id": ["c1", "c2", "c3"]})])
    eco = cn.Ecosystem.from_tables(_tables(projects=projects, participations=participations))
    with pytest.warns(UserWarning, match="1 projects without a year"):
        table = kpis(eco, by=None)
    assert table["projects"].tolist() == [2, 2, 2]


@pytest.mark.parametrize("seed", [0, 1], ids=lambda seed: f"seed{seed}")
def test_row_order_does_not_change_the_result(by_cluster, seed):
    shuffled = {name: frame.sample(frac=1, random_state=seed) for name, frame in _tables().items()}
    pd.testing.assert_frame_equal(kpis(cn.Ecosystem.from_tables(shuffled)), by_cluster)


# --- brute force on generated ecosystems ----------------------------------------------------


def _brute_force(tables: dict, by: str | None, home: str | None = None) -> pd.DataFrame:
    """The definitions, one set operation at a time (slow, obvious)."""
    organisations = tables["organisations"].set_index("organisation_id")
    kind = organisations["kind"].to_dict()
    # Validation fills an absent sector with "unknown", which is no sector.
    sector = {key: value for key, value in organisations["sector"].items()
              if isinstance(value, str) and value != "unknown"}
    size = organisations["size_class"].to_dict()
    country = {key: value for key, value in organisations["country"].items() if isinstance(value, str)}
    year_of = dict(zip(tables["projects"]["project_id"], tables["projects"]["year"], strict=True))
    consortium: dict[str, set] = {}
    for row in tables["participations"].itertuples():
        consortium.setdefault(row.project_id, set()).add(row.organisation_id)
    groups = sorted(tables["clusters"]["cluster_id"]) if by == "cluster" else ["*"]
    carried = {group: set() for group in groups}
    for row in tables["project_clusters"].itertuples():
        if row.status != "withdrawn" and by == "cluster":
            carried[row.cluster_id].add(row.project_id)
    if by is None:
        carried["*"] = set(year_of)
    member = {}  # (group, year) -> set
    for row in tables["memberships"].itertuples():
        member.setdefault((row.cluster_id if by == "cluster" else "*", row.year), set()).add(row.organisation_id)
    clusters_of = {}
    for row in tables["memberships"].itertuples():
        clusters_of.setdefault((row.organisation_id, row.year), set()).add(row.cluster_id)
    participants = {o for members in consortium.values() for o in members}
    any_country = any(o in country for o in participants)
    # activities: (group, year) -> organisation -> the distinct activities (by=None: with the cluster)
    used: dict = {}
    for row in tables["activities"].itertuples():
        if pd.isna(row.date):
            continue
        group, activity = (row.cluster_id, row.activity) if by == "cluster" else ("*", (row.cluster_id, row.activity))
        used.setdefault((group, row.date.year), {}).setdefault(row.organisation_id, set()).add(activity)
    company_sector_known = any(kind[o] == "company" and o in sector for o in participants)
    met_before = {}
    for project, organisations_in in consortium.items():
        for pair in itertools.combinations(sorted(organisations_in), 2):
            met_before[pair] = min(met_before.get(pair, 9999), year_of[project])
    # Every year from the first to the last in the data: projects, memberships, dated activities.
    data_years = [*year_of.values(), *tables["memberships"]["year"], *(year for _, year in used)]
    years = range(min(data_years), max(data_years) + 1)
    project_span = range(min(year_of.values()), max(year_of.values()) + 1)
    rows = []
    for group in groups:
        member_years = [year for (g, year) in member if g == group]
        for year in years:
            row = {"cluster_id": group, "year": year}
            if member_years and min(member_years) <= year <= max(member_years):
                now = member.get((group, year), set())
                row["members"] = len(now)
                row["multi_cluster_member_share"] = (
                    np.mean([len(clusters_of[(o, year)]) >= 2 for o in now]) if now else np.nan)
                if year - 1 >= min(member_years):
                    before = member.get((group, year - 1), set())
                    row["new_members"], row["leavers"] = len(now - before), len(before - now)
                    row["retention_rate"] = len(now & before) / len(before) if before else np.nan
                    row["returning_share"] = len(now & before) / len(now) if now else np.nan
                row["members_without_activities"] = len(now - set(used.get((group, year), {})))
            projects = [p for p in carried[group] if year_of[p] == year]
            earlier = [p for p in carried[group] if year_of[p] < year]

            def companies(ps):
                return {o for p in ps for o in consortium.get(p, ()) if kind[o] == "company"}

            active = companies(projects)
            activity_years = [y for (g, y) in used if g == group]
            if activity_years and min(activity_years) <= year <= max(activity_years):
                two = {o for o, a in used.get((group, year), {}).items() if kind[o] == "company" and len(a) >= 2}
                row["companies_in_2plus_activities_or_projects"] = len(two | active)
            if year not in project_span:  # the project KPIs are missing outside the project years
                rows.append(row)
                continue
            row["projects"] = len(projects)
            row["active_companies"] = len(active)
            row["new_active_companies"] = len(active - companies(earlier))
            three = [p for p in projects if len(companies([p])) >= 3]
            row["projects_3plus_companies"] = len(three)
            in_three = companies(three)
            row["companies_in_3plus_projects"] = len(in_three)
            sized = [size[o] for o in in_three if size[o] in ("sme", "large")]
            row["sme_share_in_3plus_projects"] = sized.count("sme") / len(sized) if sized else np.nan
            cross = [p for p in projects if len({sector[o] for o in companies([p]) if o in sector}) >= 2]
            if company_sector_known:  # otherwise missing: the sectors are not known
                row["cross_sector_projects"] = len(cross)
                row["companies_in_cross_sector_projects"] = len(companies(cross))
            if any_country:  # otherwise missing: no participant's country is known
                known = [{country[o] for o in consortium.get(p, ()) if o in country} for p in projects]
                row["international_projects"] = sum(
                    len(c) >= 2 if home is None else (home in c and len(c - {home}) >= 1) for c in known)
            pairs = {pair for p in projects for pair in itertools.combinations(sorted(consortium.get(p, ())), 2)}
            row["repeat_pairs"] = sum(met_before[pair] < year for pair in pairs)
            rows.append(row)
    frame = pd.DataFrame(rows).set_index(["cluster_id", "year"])
    return frame.droplevel("cluster_id") if by is None else frame


@st.composite
def _generated_tables(draw):
    n_organisations = draw(st.integers(2, 8))
    ids = [f"o{i}" for i in range(n_organisations)]
    organisations = pd.DataFrame({
        "organisation_id": ids,
        "kind": draw(st.lists(st.sampled_from(["company", "company", "university"]),
                              min_size=n_organisations, max_size=n_organisations)),
        # None becomes "unknown": the sector and size tests need known and unknown values.
        "sector": draw(st.lists(st.sampled_from(["s1", "s2", "s3", None]),
                                min_size=n_organisations, max_size=n_organisations)),
        "size_class": draw(st.lists(st.sampled_from(["sme", "large", None]),
                                    min_size=n_organisations, max_size=n_organisations)),
        "country": draw(st.lists(st.sampled_from(["BE", "NL", None]),
                                 min_size=n_organisations, max_size=n_organisations)),
    })
    n_projects = draw(st.integers(1, 7))
    projects = pd.DataFrame({"project_id": [f"p{i}" for i in range(n_projects)],
                             "year": draw(st.lists(st.integers(2015, 2018), min_size=n_projects,
                                                   max_size=n_projects))})
    participations = pd.DataFrame(
        [{"project_id": f"p{i}", "organisation_id": o} for i in range(n_projects)
         for o in draw(st.sets(st.sampled_from(ids), min_size=1))])
    clusters = pd.DataFrame({"cluster_id": ["k1", "k2"]})
    project_clusters = pd.DataFrame(
        [{"project_id": f"p{i}", "cluster_id": k, "status": draw(st.sampled_from(["approved", "withdrawn"]))}
         for i in range(n_projects) for k in draw(st.sets(st.sampled_from(["k1", "k2"])))],
        columns=["project_id", "cluster_id", "status"])
    memberships = pd.DataFrame(
        [{"organisation_id": o, "cluster_id": k, "year": y}
         for o, k, y in draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(["k1", "k2"]),
                                               st.integers(2015, 2018)), min_size=1))])
    # activities: repeated rows, one activity on two dates, a few in other years than the projects
    activities = pd.DataFrame(
        draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(["w", "m", "a"]),
                                st.sampled_from(["k1", "k2"]),
                                st.sampled_from(["2014-05-01", "2015-03-02", "2016-06-30", "2016-11-11",
                                                 "2018-01-31", "2019-09-09"])), max_size=12)),
        columns=["organisation_id", "activity", "cluster_id", "date"])
    tables = {"organisations": organisations, "clusters": clusters, "memberships": memberships,
              "projects": projects, "participations": participations, "project_clusters": project_clusters}
    if draw(st.booleans()):
        tables["activities"] = activities
    return tables


@pytest.mark.parametrize("by", ["cluster", None], ids=["by-cluster", "by-none"])
@settings(max_examples=10, deadline=None)
@given(tables=_generated_tables(), home=st.sampled_from([None, "BE"]))
def test_matches_brute_force(tables, by, home):
    eco = cn.Ecosystem.from_tables(tables)
    expected = _brute_force(eco.tables(), by, home)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # no participant from BE: said, and checked above
        actual = kpis(eco, by=by, home_country=home)
    # Every row the definitions give, no more, in the same order: a missing or extra year fails.
    assert list(actual.index) == list(expected.index)
    for column in KPI_DEFINITIONS:
        want = expected[column].astype("float64") if column in expected else None
        got = actual[column].astype("float64")
        if want is None:
            assert got.isna().all(), column
        else:
            np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), err_msg=column, equal_nan=True)


# --- the network time series ----------------------------------------------------------------


def _networkx_series(eco: cn.Ecosystem, window: int) -> pd.DataFrame:
    """The same statistics, from a networkx graph built project by project."""
    year_of = dict(zip(eco.projects["project_id"], eco.projects["year"], strict=True))
    consortium: dict[str, set] = {}
    for row in eco.participations.itertuples():
        consortium.setdefault(row.project_id, set()).add(row.organisation_id)
    years = [year for year in year_of.values() if pd.notna(year)]
    rows = []
    for end in range(min(years) + window - 1, max(years) + 1):
        graph = nx.Graph()
        for project, organisations in consortium.items():
            if pd.notna(year_of[project]) and end - window + 1 <= year_of[project] <= end:
                graph.add_nodes_from(organisations)
                graph.add_edges_from(itertools.combinations(sorted(organisations), 2))
        n = graph.number_of_nodes()
        rows.append({
            "year": end, "nodes": n, "edges": graph.number_of_edges(),
            "density": nx.density(graph) if n else np.nan,
            "components": nx.number_connected_components(graph),
            "largest_component_share": max(map(len, nx.connected_components(graph))) / n if n else np.nan,
            "average_clustering": nx.average_clustering(graph) if n else np.nan,
        })
    return pd.DataFrame(rows).set_index("year")


def _random_ecosystem(seed: int) -> cn.Ecosystem:
    rng = random.Random(seed)
    organisations = [f"o{i}" for i in range(30)]
    participations = []
    years = []
    for project in range(40):
        years.append(rng.choice([2016, 2017, 2019, 2020]))  # 2018 is an empty year
        for organisation in rng.sample(organisations, rng.choice([1, 2, 3, 4, 6, 9])):
            participations.append({"project_id": f"p{project}", "organisation_id": organisation})
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": organisations}),
        projects=pd.DataFrame({"project_id": [f"p{i}" for i in range(40)], "year": years}),
        participations=pd.DataFrame(participations),
    )


@pytest.mark.parametrize("window", [1, 2, 3], ids=lambda window: f"window{window}")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=lambda seed: f"seed{seed}")
def test_network_series_matches_networkx(seed, window):
    eco = _random_ecosystem(seed)
    actual = network_timeseries(eco, window=window)
    expected = _networkx_series(eco, window)
    assert list(actual.columns) == list(NETWORK_COLUMNS)
    assert (actual["first_year"] == actual.index - window + 1).all()
    pd.testing.assert_frame_equal(actual.drop(columns="first_year"), expected, check_dtype=False)


def test_network_series_hand_case():
    # 2019: triangle a-b-c plus the lone d (p2) -> 4 nodes, 3 edges, 2 components,
    # clustering (1 + 1 + 1 + 0) / 4; density 3 / 6. 2020: the pair a-e.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcde")}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "year": [2019, 2019, 2020]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p3", "p3"],
                                     "organisation_id": ["a", "b", "c", "d", "a", "e"]}),
    )
    table = network_timeseries(eco)
    assert table.loc[2019, ["nodes", "edges", "components"]].tolist() == [4, 3, 2]
    assert table.loc[2019, "density"] == pytest.approx(0.5)
    assert table.loc[2019, "largest_component_share"] == pytest.approx(0.75)
    assert table.loc[2019, "average_clustering"] == pytest.approx(0.75)
    assert table.loc[2020, ["nodes", "edges", "components"]].tolist() == [2, 1, 1]
    # window 2 ending 2020: a-b-c-e connected, d alone; step 2 from 2019 only keeps 2019
    assert network_timeseries(eco, window=2).loc[2020, "components"] == 2
    assert network_timeseries(eco, step=2).index.tolist() == [2019]


def test_network_series_empty_year_and_years_option():
    eco = _random_ecosystem(0)
    table = network_timeseries(eco)
    assert table.loc[2018, ["nodes", "edges", "components"]].tolist() == [0, 0, 0]
    assert table.loc[2018, ["density", "largest_component_share", "average_clustering"]].isna().all()
    assert network_timeseries(eco, years=range(2017, 2020)).index.tolist() == [2017, 2018, 2019]


@pytest.mark.parametrize(("options", "error"), [
    ({"window": 0}, ValueError), ({"step": 1.5}, ValueError), ({"years": "all"}, ValueError),
], ids=["window-zero", "step-fraction", "years-text"])
def test_network_series_bad_options(options, error):
    with pytest.raises(error):
        network_timeseries(_random_ecosystem(0), **options)


def test_network_series_needs_participations():
    eco = cn.Ecosystem(projects=pd.DataFrame({"project_id": ["p"], "year": [2019]}))
    with pytest.raises(cn.MissingTableError, match="participations"):
        network_timeseries(eco)


# --- CORDIS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cordis(cordis_path):
    return cn.read_cordis(cordis_path)


def test_cordis_by_none(cordis):
    with pytest.warns(UserWarning, match="without a year"):
        table = kpis(cordis, by=None)
    participations = cordis.participations.merge(cordis.projects[["project_id", "year"]], on="project_id")
    # Independent count: projects and active companies per year straight from the tables.
    assert table["projects"].to_dict() == cordis.projects.dropna(subset=["year"]).groupby("year").size().to_dict()
    kinds = cordis.organisations.set_index("organisation_id")["kind"]
    companies = participations[participations["organisation_id"].map(kinds) == "company"]
    expected = companies.groupby("year")["organisation_id"].nunique()
    assert table["active_companies"].reindex(expected.index).tolist() == expected.tolist()
    # CORDIS has no sector and no size: those KPIs are missing, not zero.
    assert table["sme_share_in_3plus_projects"].isna().all()
    assert table["cross_sector_projects"].isna().all()
    assert table["members"].isna().all()  # no memberships in EU data


def test_cordis_network_2014_matches_networkx(cordis):
    # 2014 is the smallest start year (about 1,200 organisations): small enough for networkx.
    small = cordis.replace(projects=cordis.projects[cordis.projects["year"] == 2014],
                           participations=cordis.participations[cordis.participations["project_id"].isin(
                               cordis.projects.loc[cordis.projects["year"] == 2014, "project_id"])])
    actual = network_timeseries(small)
    pd.testing.assert_frame_equal(actual.drop(columns="first_year"), _networkx_series(small, 1),
                                  check_dtype=False)


def test_cordis_international_seen_from_belgium(cordis):
    # Issue 21: H2020 2019 "seen from Belgium" counted 5,415 of 5,547 projects (any non-Belgian
    # partner), most without a Belgian partner. Plain pandas on the same rows: projects with a BE
    # partner and a partner of another known country; and, without a home country, two or more.
    with pytest.warns(UserWarning, match="without a year"):
        belgian = kpis(cordis, by=None, home_country="BE", years=2019)
    with pytest.warns(UserWarning, match="without a year"):
        default = kpis(cordis, by=None, years=2019)
    rows = cordis.participations.merge(cordis.projects[["project_id", "year"]], on="project_id").merge(
        cordis.organisations[["organisation_id", "country"]], on="organisation_id")
    rows = rows[rows["year"] == 2019]
    known = rows.dropna(subset=["country"])
    countries = known.groupby("project_id")["country"].nunique()
    with_be = known["country"].eq("BE").groupby(known["project_id"]).any()
    assert belgian.loc[2019, "projects"] == rows["project_id"].nunique() == 5547
    assert belgian.loc[2019, "international_projects"] == int((with_be & countries.ge(2)).sum()) == 672
    assert int(with_be.sum()) == 804
    assert default.loc[2019, "international_projects"] == int(countries.ge(2).sum()) == 1759
    assert belgian.attrs["home_country"] == "BE" and default.attrs["home_country"] is None
