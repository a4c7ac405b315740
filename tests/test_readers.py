"""Readers: formats, encodings, separators, folder discovery, and errors naming file and row."""

from __future__ import annotations

import pandas as pd
import pytest

import clusternet as cn

ORGS = "organisation_id,name,kind\n007,Coöperatief Ëcht,company\n7,Université de Liège,university\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"], ids=["utf8", "utf8-bom", "cp1252"])
def test_dutch_names_survive_every_encoding(tmp_path, encoding):
    (tmp_path / "organisations.csv").write_text(ORGS, encoding=encoding)
    eco = cn.read_ecosystem(tmp_path)
    assert eco.organisations["name"].tolist() == ["Coöperatief Ëcht", "Université de Liège"]
    assert eco.organisations["organisation_id"].tolist() == ["007", "7"]  # ids stay text


@pytest.mark.parametrize("separator", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_separator_is_detected(tmp_path, separator):
    text = ORGS.replace(",", separator)
    (tmp_path / "organisations.csv").write_text(text, encoding="utf-8")
    assert len(cn.read_ecosystem(tmp_path).organisations) == 2


def test_excel_and_parquet_by_suffix(tmp_path):
    pd.DataFrame({"org_id": ["a", "b"], "kind": ["company", "PRC"]}).to_excel(
        tmp_path / "Organisations.xlsx", index=False
    )
    pd.DataFrame({"project_id": ["p"], "year": [2019]}).to_parquet(tmp_path / "projects.parquet")
    pd.DataFrame({"project_id": ["p", "p"], "organisation_id": ["a", "b"]}).to_csv(
        tmp_path / "participations.csv", index=False
    )
    eco = cn.read_ecosystem(tmp_path)
    assert eco.provided == {"organisations", "projects", "participations"}
    assert eco.organisations["kind"].tolist() == ["company", "company"]
    assert eco.files["projects"].endswith("projects.parquet")


def test_error_names_file_and_spreadsheet_row(tmp_path):
    (tmp_path / "organisations.csv").write_text("organisation_id,kind\na,company\nb,alien\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError) as info:
        cn.read_ecosystem(tmp_path)
    case = info.value.failure_cases.iloc[0]
    # the header is row 1, so the second data row is row 3, as a spreadsheet shows it
    assert (case["table"], case["row"], case["column"], case["value"]) == ("organisations", 3, "kind", "alien")
    assert case["file"].endswith("organisations.csv")


def test_mapping_of_paths_and_frames(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS, encoding="utf-8")
    eco = cn.read_ecosystem(
        {"organisations": path, "clusters": pd.DataFrame({"cluster_id": ["k"], "type": ["spc"]})}
    )
    assert eco.clusters["type"].tolist() == ["SPC"]


@pytest.mark.parametrize(
    "setup, reason",
    [
        (lambda p: (p / "organisations.csv").write_text("", encoding="utf-8"), "empty"),
        (lambda p: None, "no table files found"),
        (lambda p: (p / "organisations.xlsx").write_bytes(b"not a workbook"), "not a readable Excel"),
        (lambda p: (p / "organisations.parquet").write_bytes(b"nope"), "not a readable Parquet"),
    ],
    ids=["empty-file", "empty-folder", "broken-excel", "broken-parquet"],
)
def test_unreadable_files_are_schema_errors(tmp_path, setup, reason):
    setup(tmp_path)
    with pytest.raises(cn.SchemaError, match=reason):
        cn.read_ecosystem(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(cn.SchemaError, match="no such file or folder"):
        cn.read_ecosystem(tmp_path / "absent")


def test_namibia_is_not_missing(tmp_path):
    (tmp_path / "organisations.csv").write_text("organisation_id,country\na,NA\n", encoding="utf-8")
    assert cn.read_ecosystem(tmp_path).organisations["country"].tolist() == ["NA"]


def test_title_rows_and_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    # row 1: a title, row 2: the header, row 3: blank, row 4: good, row 5: bad kind
    (tmp_path / "organisations.csv").write_text(
        "Ledenlijst 2019\norganisation_id,kind\n\na,company\nb,alien\n", encoding="utf-8"
    )
    with pytest.raises(cn.SchemaError) as info:
        cn.read_ecosystem(tmp_path)
    case = info.value.failure_cases.iloc[0]
    assert (case["row"], case["column"], case["value"]) == (5, "kind", "alien")


def test_skipped_rows_are_reported_in_notes(tmp_path):
    (tmp_path / "organisations.csv").write_text(
        "Ledenlijst 2019\norganisation_id,kind\n\na,company\n\n", encoding="utf-8"
    )
    eco = cn.read_ecosystem(tmp_path)
    actions = eco.notes["action"].tolist()
    assert any("above the header" in action for action in actions)
    assert any("2 empty row(s) skipped" in action for action in actions)


def test_excel_with_merged_title_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Leden van de cluster"
    sheet.merge_cells("A1:C1")
    sheet.append(["organisation_id", "name", "kind"])
    sheet.append([7, "Coöperatief Ëcht", "company"])
    sheet.append(["008", "Univ", "HES"])
    book.save(tmp_path / "organisations.xlsx")
    eco = cn.read_ecosystem(tmp_path)
    assert eco.organisations["organisation_id"].tolist() == ["7", "008"]
    assert eco.organisations["kind"].tolist() == ["company", "knowledge_institution"]


def test_repeated_csv_column_is_reported_not_renamed(tmp_path):
    (tmp_path / "organisations.csv").write_text("organisation_id,name,name\na,x,y\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError, match="duplicate column"):
        cn.read_ecosystem(tmp_path)


# (id, the file's text, the separator that must win): a separator is the one that cuts the header
# and the first records into the same number of cells, quotes respected.
SEPARATOR_CASES = [
    ("semicolon-decimal-commas", "project_id;budget\np1;1.234,5\np2;12,5\n", ";"),
    ("semicolon-decimal-comma-every-cell", "project_id;year;budget\np1;2018;1,5\np2;2019;2,5\np3;2019;3,5\n", ";"),
    ("comma-with-semicolons-in-text", "organisation_id,name\na,Alpha; Beta\nb,Gamma\n", ","),
    ("comma-quoted-commas", "organisation_id,name\na,\"Alpha, Inc\"\nb,\"Beta, Ltd\"\n", ","),
    ("tab-with-commas", "project_id\tbudget\np1\t1,5\np2\t2,5\n", "\t"),
    ("pipe", "organisation_id|name\na|Alpha, Inc\n", "|"),
    ("semicolon-title-row", "Projects 2019;\nproject_id;budget\np1;1.250,5\n", ";"),
    ("quoted-newline", "organisation_id;name\na;\"Alpha\nline, two\"\nb;Beta\n", ";"),
]


@pytest.mark.parametrize(("text", "separator"), [case[1:] for case in SEPARATOR_CASES],
                         ids=[case[0] for case in SEPARATOR_CASES])
def test_separator_is_the_one_giving_consistent_rows(text, separator):
    from clusternet.io._readers import _separator

    assert _separator(text) == separator


def test_semicolon_file_with_decimal_commas_reads_its_numbers(tmp_path):
    (tmp_path / "projects.csv").write_text("project_id;year;budget\np1;2018;1,5\np2;2019;2,5\n", encoding="utf-8")
    eco = cn.read_ecosystem(tmp_path)
    assert eco.projects["budget"].tolist() == [1.5, 2.5]  # by hand: decimal commas
