"""read_cordis: every layout it reads, and the real H2020 file against its documented counts."""

from __future__ import annotations

import pandas as pd
import pytest

import clusternet as cn


def test_official_layout_with_sme_flag(tmp_path):
    path = tmp_path / "organization.csv"
    path.write_text(
        "projectID;projectAcronym;organisationID;name;SME;activityType;country;role;ecContribution\n"
        "101;ACME;999;Acme NV;true;PRC;BE;coordinator;100\n"
        "101;ACME;777;Big Corp;false;PRC;DE;participant;60\n"
        "101;ACME;888;KU Leuven;false;HES;BE;participant;50\n"
        "102;OTHER;888;KU Leuven;false;HES;BE;partner;5\n",
        encoding="utf-8",
    )
    eco = cn.read_cordis(path)
    orgs = eco.organisations.set_index("organisation_id")
    assert orgs.loc["999", "size_class"] == "sme"
    assert orgs.loc["777", "size_class"] == "large"  # a company flagged "not an SME"
    assert orgs.loc["888", "size_class"] == "unknown"  # a university is neither
    roles = eco.participations.set_index(["project_id", "organisation_id"])["role"]
    assert roles[("102", "888")] == "other"  # CORDIS "partner" = linked third party
    assert eco.projects.set_index("project_id").loc["101", "title"] == "ACME"


def test_compact_layout_and_programme_parts(tmp_path):
    path = tmp_path / "h2020.csv"
    path.write_text(
        "rcn,role,pic,type,contribution,country,start_year,total_cost,max_contribution\n"
        "1,coordinator,10,PRC,5,BE,2015,100,50\n"
        "1,participant,11,REC,5,NL,2015,100,50\n"
        "2,coordinator,10,PRC,5,BE,NA,NA,NA\n",
        encoding="utf-8",
    )
    parts = pd.DataFrame({"rcn": ["1", "2", "3"], "programme_part": ["LEIT", "SC5", "ERC"]})
    eco = cn.read_cordis(path, programme_parts=parts)
    assert eco.projects["year"].isna().tolist() == [False, True]  # R's "NA" is missing, not an error
    assert eco.clusters["cluster_id"].tolist() == ["LEIT", "SC5"]
    assert set(eco.clusters["type"]) == {"other"}
    # project 3 has no participations: its programme-part row is counted, not silently dropped
    note = eco.notes[eco.notes["table"] == "project_clusters"].iloc[0]
    assert note["rows"] == 1


def test_unknown_layout_names_the_expected_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError, match="not a CORDIS participation layout"):
        cn.read_cordis(path)


def test_unknown_activity_type_is_reported_with_its_row(tmp_path):
    path = tmp_path / "h2020.csv"
    path.write_text("rcn,role,pic,type\n1,coordinator,10,PRC\n1,participant,11,XYZ\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError) as info:
        cn.read_cordis(path)
    case = info.value.failure_cases.iloc[0]
    assert (case["table"], case["row"], case["column"], case["value"]) == ("organisations", 3, "kind", "XYZ")


def test_real_h2020_counts(cordis_path, cordis_parts_path):
    eco = cn.read_cordis(cordis_path, programme_parts=cordis_parts_path)
    # ../shared/data/cordis-h2020/SOURCE.txt: 144,726 rows, 31,451 projects, 35,871 organisations,
    # roles coordinator 31,476 | participant 106,108 | partner 7,142,
    # types HES 49,220 | PRC 48,244 | REC 29,481 | OTH 9,840 | PUB 7,941 (participations)
    assert len(eco.participations) == 144_726
    assert len(eco.projects) == 31_451
    assert len(eco.organisations) == 35_871
    assert eco.participations["role"].value_counts().to_dict() == {
        "partner": 106_108, "coordinator": 31_476, "other": 7_142,
    }
    kinds = eco.participations.merge(eco.organisations, on="organisation_id")["kind"].value_counts()
    # per participation the organisation's most frequent type is used, so the totals may shift a
    # little from the per-row counts; they must stay within 0.5%
    expected = {"knowledge_institution": 49_220, "company": 48_244, "research_centre": 29_481,
                "other": 9_840, "public_body": 7_941}
    for kind, count in expected.items():
        assert abs(kinds[kind] - count) <= 0.005 * count, (kind, kinds[kind], count)
    # programme_parts.csv.gz: 37,441 rows over 31,348 projects; rows for projects absent from
    # h2020.csv.gz are left out and counted in the notes
    left_out = eco.notes.loc[eco.notes["table"] == "project_clusters", "rows"].sum()
    assert len(eco.project_clusters) + left_out == 37_441
    assert eco.project_clusters["project_id"].nunique() <= 31_348


def test_official_layout_semicolons_and_decimal_commas(tmp_path):
    """CORDIS's own downloads: ';' separators and amounts like 1.234,5 (csv.Sniffer took ',')."""
    path = tmp_path / "organization.csv"
    path.write_text(
        "projectID;organisationID;name;SME;activityType;country;role;ecContribution\n"
        "101;999;Acme NV;true;PRC;BE;coordinator;1.234,5\n"
        "101;888;KU Leuven;false;HES;BE;participant;250.000\n"
        "102;888;KU Leuven;false;HES;BE;coordinator;12,5\n",
        encoding="utf-8",
    )
    eco = cn.read_cordis(path)
    budgets = eco.participations.set_index(["project_id", "organisation_id"])["budget"]
    # by hand: a decimal comma, so "250.000" is 250000 and "12,5" is 12.5
    assert budgets.to_dict() == {("101", "999"): 1234.5, ("101", "888"): 250000.0, ("102", "888"): 12.5}


@pytest.mark.parametrize(("amount", "decimal", "expected"), [("250.000", None, 250000.0), ("250.000", ".", 250.0),
                                                              ("1,250", ",", 1.25)],
                         ids=["ambiguous-rule", "stated-point", "stated-comma"])
def test_read_cordis_ambiguous_amounts(tmp_path, amount, decimal, expected):
    path = tmp_path / "organization.csv"
    path.write_text("projectID;organisationID;activityType;role;ecContribution\n"
                    f"101;999;PRC;coordinator;{amount}\n", encoding="utf-8")
    eco = cn.read_cordis(path, decimal=decimal)
    assert eco.participations["budget"].tolist() == [expected]
    noted = eco.notes["action"].str.contains("thousands separator").any()
    assert noted == (decimal is None)
