"""The command line: exit codes, messages without tracebacks, hostile names kept inert."""

from __future__ import annotations

import subprocess
import sys

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
    assert "Ecosystem with 6 of 6 tables" in result.stdout


def test_the_old_name_of_the_real_tables_says_what_to_write(capsys):
    # --dataset names follow clusternet.datasets: 'flanders' is load_flanders() (real tables).
    assert main(["summary", "--dataset", "flanders-real"]) != EXIT_OK
    assert "--dataset flanders-real is now --dataset flanders" in capsys.readouterr().err
    assert main(["summary", "--dataset", "flanders"]) == EXIT_OK
    assert "6 of 6 tables" in capsys.readouterr().out
