"""The command line: exit codes, messages without tracebacks, hostile names kept inert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clusternet.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, main


def test_summary_of_the_bundled_real_data(capsys):
    assert main(["summary", "--dataset", "flanders"]) == EXIT_OK
    assert "clusters                27 rows" in capsys.readouterr().out


def test_validate_prints_the_failure_table_not_a_traceback(tmp_path, capsys):
    (tmp_path / "organisations.csv").write_text("organisation_id,kind\na,company\nb,alien\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "1 problems" in err or "(1 problems)" in err
    assert "alien" in err and "kind" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["report"], ["validate", "a", "--dataset", "flanders-synthetic"], ["validate", "/nonexistent/folder"]],
    ids=["no-input", "input-and-dataset", "missing-folder"],
)
def test_bad_input_is_one_line_and_exit_1(argv, capsys):
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("clusternet:")
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == EXIT_USAGE
    assert main(["report", "--dataset", "nowhere"]) == EXIT_USAGE


def test_terminal_output_shows_control_characters_instead_of_obeying_them(tmp_path, capsys):
    hostile = "Evil\x1b[2J\x1b]0;pwned\x07 NV"
    (tmp_path / "organisations.csv").write_text(
        f"organisation_id,name,kind\na,x,{hostile}\n", encoding="utf-8"
    )
    assert main(["validate", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b[2J" in err


def test_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "clusternet", "summary", "--dataset", "flanders"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Ecosystem with 6 of 7 tables" in result.stdout


def test_the_old_name_of_the_real_tables_says_what_to_write(capsys):
    # --dataset names follow clusternet.datasets: 'flanders' is load_flanders() (real tables).
    assert main(["summary", "--dataset", "flanders-real"]) != EXIT_OK
    assert "--dataset flanders-real is now --dataset flanders" in capsys.readouterr().err
    assert main(["summary", "--dataset", "flanders"]) == EXIT_OK
    assert "6 of 7 tables" in capsys.readouterr().out


# -- validate: problems grouped; flat files through --columns and --vocabulary ---------------------

REGIONAL = Path(__file__).resolve().parents[1] / "examples" / "data" / "regional-partners.csv"
REGIONAL_COLUMNS = ["--columns", "project_id=Priority+Project acronym", "--columns", "name=Partner",
                    "--columns", "kind=Partner type", "--columns", "role=Lead partner",
                    "--columns", "budget=Total budget", "--columns", "contribution=Partner budget (EUR)",
                    "--columns", "cluster_id=Priority"]
REGIONAL_VOCABULARY = ["--vocabulary", '{"role": {"Yes": "coordinator", "No": "partner"}}',
                       "--vocabulary", '{"kind": {"Interest group": "cluster_organisation", '
                                       '"Large enterprise": "company"}}']


@pytest.fixture
def three_hundred_aliens(tmp_path):
    rows = "".join(f"o{i},alien\n" for i in range(300))
    (tmp_path / "organisations.csv").write_text(f"organisation_id,kind\n{rows}o300,\n", encoding="utf-8")
    return tmp_path


def test_validate_groups_problems_with_a_count_the_rows_and_the_full_reason(three_hundred_aliens, capsys):
    assert main(["validate", str(three_hundred_aliens)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert ("organisations.kind: 300 rows, not one of company, knowledge_institution, research_centre, "
            "public_body, cluster_organisation, other (rows 2-301)") in err
    assert "values: 'alien' (300)" in err
    assert "row 17:" not in err and len(err.splitlines()) == 3


def test_validate_all_lists_every_row(three_hundred_aliens, capsys):
    assert main(["validate", str(three_hundred_aliens), "--all"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert all(f"row {row}: 'alien'" in err for row in range(2, 302))


def test_validate_shows_an_empty_cell_as_empty(tmp_path, capsys):
    (tmp_path / "organisations.csv").write_text("organisation_id,kind\na,company\n,company\n", encoding="utf-8")
    assert main(["validate", str(tmp_path), "--all"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "organisations.organisation_id: 1 row, empty id (row 3)" in err
    assert "row 3: ''" in err and "nan" not in err.lower().replace("organisation", "")


def test_validate_a_flat_file_names_the_source_columns(capsys):
    assert main(["validate", str(REGIONAL), *REGIONAL_COLUMNS]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "participations.Lead partner: 43 rows, not a role clusternet knows" in err
    assert "vocabulary={'role': {'Yes': 'coordinator', 'No': 'partner'}}" in err
    assert "organisations.Partner type: 4 rows" in err


def test_report_of_a_flat_file_with_columns_and_vocabulary(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", str(REGIONAL), "--out", str(out), "--quiet", *REGIONAL_COLUMNS,
                 *REGIONAL_VOCABULARY]) == EXIT_OK
    assert (out / "index.html").exists()


def test_columns_as_json_and_as_pairs_agree(capsys):
    mapping = ('{"project_id": ["Priority", "Project acronym"], "name": "Partner", "kind": "Partner type", '
               '"role": "Lead partner", "budget": "Total budget", "contribution": "Partner budget (EUR)", '
               '"cluster_id": "Priority"}')
    assert main(["summary", str(REGIONAL), "--columns", mapping, *REGIONAL_VOCABULARY]) == EXIT_OK
    as_json = capsys.readouterr().out
    assert main(["summary", str(REGIONAL), *REGIONAL_COLUMNS, *REGIONAL_VOCABULARY]) == EXIT_OK
    assert capsys.readouterr().out == as_json
    assert "organisations           16 rows" in as_json


@pytest.mark.parametrize(
    "argv",
    [["--columns", "name"], ["--columns", "{not json"], ["--vocabulary", '{"role": "Yes"}'],
     ["--vocabulary", "["]],
    ids=["pair-without-equals", "bad-json", "vocabulary-not-nested", "vocabulary-bad-json"],
)
def test_bad_flat_options_are_usage_errors(argv, capsys):
    assert main(["validate", str(REGIONAL), *argv]) == EXIT_USAGE


def test_a_wrong_column_in_the_mapping_is_one_line(capsys):
    assert main(["validate", str(REGIONAL), "--columns", "name=Partnr"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("clusternet: columns['name'] names 'Partnr', which is not a column")
    assert "'Partner'" in err and "Traceback" not in err


def test_a_flat_file_without_columns_is_told_about_columns(capsys):
    assert main(["validate", str(REGIONAL)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "not a CORDIS participation layout" in err and "reads with --columns" in err
