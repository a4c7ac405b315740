"""The activities table: strategies, the synthetic generator, a CRM export read as a new user would,
and the Tabel 4 KPI against plain pandas on the same rows."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import testing


def _pandas_active(eco: cn.Ecosystem, by: str | None) -> pd.Series:
    """Tabel 4's active companies with plain pandas (no clusternet code): distinct activities per
    company, cluster and year >= 2, or a company in a project the cluster carries that year."""
    firms = eco.organisations.loc[eco.organisations["kind"] == "company", "organisation_id"]
    rows = eco.activities.dropna(subset=["date"])
    rows = rows[rows["organisation_id"].isin(firms)].assign(year=lambda f: f["date"].dt.year)
    if by is None:  # an activity is a (cluster, activity) pair over the whole programme
        rows = rows.assign(activity=rows["cluster_id"] + "/" + rows["activity"], cluster_id="*")
    used = rows.groupby(["cluster_id", "year", "organisation_id"])["activity"].nunique()
    active = used[used >= 2].reset_index()[["cluster_id", "year", "organisation_id"]]
    projects = eco.projects.dropna(subset=["year"])
    part = eco.participations.merge(projects[["project_id", "year"]], on="project_id")
    part = part[part["organisation_id"].isin(firms)]
    if by is None:
        part = part.assign(cluster_id="*")
    else:
        links = eco.project_clusters[eco.project_clusters["status"] != "withdrawn"]
        part = part.merge(links[["project_id", "cluster_id"]], on="project_id")
    both = pd.concat([active, part[["cluster_id", "year", "organisation_id"]]]).drop_duplicates()
    counts = both.groupby(["cluster_id", "year"]).size()
    # inside each cluster's span of activity years (rows of any kind) a year without anyone is a 0
    dated = eco.activities.dropna(subset=["date"]).assign(year=lambda f: f["date"].dt.year)
    if by is None:
        dated = dated.assign(cluster_id="*")
    span = dated.groupby("cluster_id")["year"].agg(["min", "max"])
    index = pd.MultiIndex.from_tuples([(c, y) for c, r in span.iterrows() for y in range(r["min"], r["max"] + 1)],
                                      names=["cluster_id", "year"])
    return counts.reindex(index, fill_value=0).astype("int64")


def _compare(eco: cn.Ecosystem, by: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rows without a year, activities without projects
        table = cn.kpis(eco, by=by)
    got = table["companies_in_2plus_activities_or_projects"]
    expected = _pandas_active(eco, by)
    if by is None:
        expected = expected.droplevel("cluster_id")
    got = got.reindex(expected.index)
    assert got.notna().all(), (got, expected)
    assert got.astype("int64").tolist() == expected.tolist()
    # outside every span the KPI is missing, never 0
    others = table.index.difference(expected.index)
    assert table.loc[others, "companies_in_2plus_activities_or_projects"].isna().all()


# --- the strategies ------------------------------------------------------------------------------


@settings(max_examples=6, deadline=None)
@given(eco=testing.ecosystems(with_activities=True, max_organisations=5, max_projects=3, max_clusters=2))
def test_generated_activities_pass_validation_unchanged_and_match_pandas(eco):
    again = cn.Ecosystem.from_tables({name: eco.table(name) for name in eco.provided})
    assert again == eco and "activities" in eco.provided
    assert not again.notes["removed"].any()  # nothing merged: the (activity, cluster, date) uses are distinct
    for by in ("cluster", None):
        _compare(eco, by)


@settings(max_examples=8, deadline=None)
@given(data=st.data(), limit=st.integers(0, 5))
def test_activities_strategy_keeps_its_bounds(data, limit):
    table = data.draw(testing.activities(organisation_ids=["a", "10", "9"], cluster_ids=["k1", "k2"],
                                         years=range(2018, 2020), max_activities_per_organisation=limit))
    assert (table.groupby("organisation_id").size() <= limit).all()
    assert table["date"].dt.year.between(2018, 2019).all()
    assert not table.duplicated().any()
    eco = cn.Ecosystem(organisations=pd.DataFrame({"organisation_id": ["a", "10", "9"]}),
                       clusters=pd.DataFrame({"cluster_id": ["k1", "k2"]}), activities=table)
    pd.testing.assert_frame_equal(eco.activities, table)


def test_activities_strategy_under_the_0_1_name_too():
    # clusternet.strategies (the 0.1 name of clusternet.testing) exports every strategy.
    from clusternet import strategies

    assert strategies.activities is testing.activities
    assert set(strategies.__all__) == set(testing.__all__)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: testing.ecosystems(with_activities=True, with_clusters=False), ValueError, "needs with_clusters"),
    (lambda: testing.ecosystems(with_activities="yes"), TypeError, "with_activities='yes'"),
    (lambda: testing.activities(organisation_ids=["a"], cluster_ids=["k"], max_activities_per_organisation=-1),
     ValueError, "max_activities_per_organisation=-1"),
    (lambda: testing.activities(organisation_ids=["a"], cluster_ids="k"), TypeError, "cluster_ids='k'"),
], ids=["without-clusters", "flag", "negative", "ids-string"])
def test_bad_strategy_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- the synthetic Flemish ecosystem ---------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic():
    return cn.datasets.synthetic_ecosystem(seed=0, scale=0.1)


def test_synthetic_tabel4_active_firms_sum_to_the_report(synthetic):
    # Tabel 4 (line 863): 1,580 unique active firms in 2018, summed over the SPCs (158 at scale
    # 0.1; test_synthetic's calibration report checks 1,580 at full scale); counted here with plain
    # pandas on the generated rows, then with kpis, which must agree cluster by cluster and year.
    spcs = synthetic.clusters.loc[synthetic.clusters["type"] == "SPC", "cluster_id"]
    expected = _pandas_active(synthetic, "cluster")
    assert int(expected.loc[list(spcs)].xs(2018, level="year").sum()) == 158
    _compare(synthetic, "cluster")
    table = cn.kpis(synthetic).loc[list(spcs)].dropna(subset=["members"])
    # members and active firms kept apart: every SPC has dormant members (no activity at all)
    assert (table["members_without_activities"] > 0).all()
    assert (table["members_without_activities"] < table["members"]).all()


def test_synthetic_activities_are_seeded(synthetic):
    again = cn.datasets.synthetic_ecosystem(seed=0, scale=0.1)
    pd.testing.assert_frame_equal(again.activities, synthetic.activities)
    other = cn.datasets.synthetic_ecosystem(seed=1, scale=0.1)
    assert not other.activities.equals(synthetic.activities)


# --- a CRM export, read as a new user would ----------------------------------------------------------


ORGANISATIONS = ("organisation_id;name;kind;country\n0412.345.678;Agfa-Gevaert NV;company;BE\n"
                 "0401.234.567;Umicore NV;company;BE\n0203.111.222;Universiteit Gent;university;BE\n"
                 "0899.999.001;Brouwerij De Koninck;company;BE\n")
CLUSTERS = "cluster_id,name,type\ncatalisti,Catalisti,SPC\n"
MEMBERS = "organisation_id,cluster_id,year\n0412.345.678,catalisti,2019\n0401.234.567,catalisti,2019\n" \
          "0899.999.001,catalisti,2019\n"
# Exported from a CRM on a Belgian PC: Dutch column names, ';', Windows-1252, continental dates with
# and without a time, the firm by name (once spelt 'AGFA Gevaert'), two colleagues at one webinar.
CRM = ("Contactpersoon;Bedrijf;Activiteit;Datum;Cluster\n"
       "Jan Peeters;Agfa-Gevaert NV;Webinar waterstof;12/03/2019 14:00;catalisti\n"
       "An Claes;AGFA Gevaert;Webinar waterstof;12/03/2019 14:00;catalisti\n"
       "Piet Maes;Umicore NV;Matchmaking circulaire chemie;02.05.2019;catalisti\n"
       "Piet Maes;Umicore NV;Webinar waterstof;12/03/2019;catalisti\n"
       "Els Coöreman;Universiteit Gent;Matchmaking circulaire chemie;02.05.2019;catalisti\n"
       "Els Coöreman;Universiteit Gent;Webinar waterstof;12/03/2019;catalisti\n")


@pytest.fixture
def crm_folder(tmp_path):
    (tmp_path / "organisations.csv").write_text(ORGANISATIONS, encoding="utf-8")
    (tmp_path / "clusters.csv").write_text(CLUSTERS, encoding="utf-8")
    (tmp_path / "memberships.csv").write_text(MEMBERS, encoding="utf-8")
    (tmp_path / "activiteiten.csv").write_text(CRM, encoding="cp1252")
    return tmp_path


def test_a_crm_export_names_firms_and_the_error_says_whose_id(crm_folder):
    with pytest.raises(cn.SchemaError) as info:
        cn.read_ecosystem(crm_folder)
    cases = info.value.failure_cases.set_index("row")
    assert set(cases["table"]) == {"activities"} and set(cases["column"]) == {"organisation_id"}
    # spreadsheet rows: the header is row 1
    assert "'Agfa-Gevaert NV' is the name of organisation '0412.345.678'" in cases.loc[2, "reason"]
    assert "looks like the name of organisation '0412.345.678'" in cases.loc[3, "reason"]  # 'AGFA Gevaert'
    assert "'Universiteit Gent' is the name of organisation '0203.111.222'" in cases.loc[6, "reason"]


def test_a_crm_export_mapped_to_ids_gives_tabel4_by_hand(crm_folder):
    # The fix the docs show: ids from names through name_key (case, punctuation, legal forms).
    organisations = cn.read_table(crm_folder / "organisations.csv")
    key = {cn.io.name_key(name, legal_forms=True)[0]: id_
           for name, id_ in zip(organisations["name"], organisations["organisation_id"], strict=True)}
    crm = cn.read_table(crm_folder / "activiteiten.csv")
    crm["organisation_id"] = crm.pop("Bedrijf").map(lambda name: key[cn.io.name_key(name, legal_forms=True)[0]])
    crm.to_csv(crm_folder / "activiteiten.csv", index=False, sep=";", encoding="cp1252")
    eco = cn.read_ecosystem(crm_folder)
    # the two colleagues at one webinar are one row, merged with a note; dates read day first
    assert eco.summary().loc["activities", ["rows", "merged"]].tolist() == [5, 1]
    assert eco.activities["date"].min() == pd.Timestamp("2019-03-12")
    assert pd.Timestamp("2019-05-02") in set(eco.activities["date"])
    with pytest.warns(UserWarning, match="counts only the companies with two or more activities"):
        table = cn.kpis(eco)
    # by hand: Umicore used 2 services (active); Agfa 1 (not); UGent 2 but is no company;
    # De Koninck none: a member without activity data
    row = table.loc[("catalisti", 2019)]
    assert row["companies_in_2plus_activities_or_projects"] == 1
    assert row["members"] == 3 and row["members_without_activities"] == 1
