"""Numbers and dates written as text: every convention, ambiguity, mixture and stated format.

Every expected value here is written by hand from the input ("1.250.000,50" is 1250000.5),
never taken from clusternet's output.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import clusternet as cn
from clusternet.model import validate_tables
from clusternet.model._numbers import parse_number_column

NBSP, NNBSP = "\u00a0", "\u202f"

# (id, the column's texts, the numbers they hold)
SETTLED = [
    ("point-thousands-comma", ["1,250,000.50", "12"], [1250000.5, 12.0]),
    ("english-budget", ["892,228.58", "1,000.00"], [892228.58, 1000.0]),
    ("comma-thousands-dot", ["1.250.000,50", "7"], [1250000.5, 7.0]),
    ("space-groups", ["1 250 000", "1 250,5"], [1250000.0, 1250.5]),
    ("no-break-space-groups", [f"1{NBSP}250{NBSP}000", "3,25"], [1250000.0, 3.25]),
    ("narrow-no-break-space-groups", [f"1{NNBSP}250{NNBSP}000,75"], [1250000.75]),
    ("apostrophe-groups", ["1'250'000", "1'250.5"], [1250000.0, 1250.5]),
    ("typographic-apostrophe-groups", ["1’250’000.25"], [1250000.25]),
    ("euro-code-before-comma", ["EUR 1.234,50", "EUR 12,5"], [1234.5, 12.5]),
    ("euro-sign-before-point", ["€1,234.50", "€ 99.5"], [1234.5, 99.5]),
    ("euro-sign-after", ["1.234,50 €", "3,5€"], [1234.5, 3.5]),
    ("code-and-sign-same-currency", ["EUR 1.234,50", "7,25 €"], [1234.5, 7.25]),
    ("code-after", ["1,234.50 USD"], [1234.5]),
    ("minus", ["-1.234,5", "\u22122,5"], [-1234.5, -2.5]),
    ("minus-before-currency", ["-€1,234.50", "€-2.5"], [-1234.5, -2.5]),
    ("parentheses-negative", ["(1,234.50)", "10.5"], [-1234.5, 10.5]),
    ("one-decisive-point", ["1,234.5"], [1234.5]),
    ("one-decisive-comma", ["1.234,5"], [1234.5]),
    ("decimal-comma-short", ["12,34", "12"], [12.34, 12.0]),
    ("two-groups-comma", ["1,234,567"], [1234567.0]),
    ("two-groups-dot", ["1.234.567"], [1234567.0]),
    ("plain", ["1234", "-5", "+7"], [1234.0, -5.0, 7.0]),
    ("plain-decimal", ["12.5", "0.125", ".5", "5."], [12.5, 0.125, 0.5, 5.0]),
    ("exponent", ["1e3", "2.5E-1"], [1000.0, 0.25]),
    ("ambiguous-settled-by-point", ["1,234.5", "1,250"], [1234.5, 1250.0]),
    ("ambiguous-settled-by-comma", ["12,5", "1.000"], [12.5, 1000.0]),
    ("ambiguous-dot-settled-by-point", ["12.5", "1.000"], [12.5, 1.0]),
]


@pytest.mark.parametrize(("texts", "expected"), [case[1:] for case in SETTLED], ids=[case[0] for case in SETTLED])
def test_a_settled_column_reads_every_value(texts, expected):
    read = parse_number_column(pd.Series(texts), column="budget")
    assert read.reasons.isna().all(), read.reasons.tolist()
    assert read.values.tolist() == pytest.approx(expected)


def test_ambiguous_values_settled_by_another_are_noted():
    read = parse_number_column(pd.Series(["12.5", "1.000"]), column="budget")
    assert len(read.notes) == 1
    action, cells = read.notes[0]
    assert "budget" in action and "decimal point" in action and "'12.5'" in action and "'1.000'" in action
    assert cells.tolist() == [False, True]


# Only ambiguous values: one separator and three digits. Read as thousands, with a note.
AMBIGUOUS = [
    ("comma-thousands", ["250,000", "1,250"], [250000.0, 1250.0], ","),
    ("dot-thousands", ["1.000", "2.500", "12"], [1000.0, 2500.0, 12.0], "."),
]


@pytest.mark.parametrize(("texts", "expected", "mark"), [c[1:] for c in AMBIGUOUS], ids=[c[0] for c in AMBIGUOUS])
def test_an_ambiguous_column_is_read_by_the_stated_rule_with_a_note(texts, expected, mark):
    read = parse_number_column(pd.Series(texts), column="budget")
    assert read.values.tolist() == expected
    assert len(read.notes) == 1
    action = read.notes[0][0]
    assert action.startswith("budget: ") and "thousands separator" in action and f"decimal={mark!r}" in action


# (id, texts, decimal, thousands, expected)
STATED = [
    ("comma-overrides-thousands-rule", ["250,000", "1,250"], ",", None, [250.0, 1.25]),
    ("point-keeps-one-dot-decimal", ["1.000", "2.500"], ".", None, [1.0, 2.5]),
    ("thousands-dot-implies-comma", ["1.000", "2,5"], None, ".", [1000.0, 2.5]),
    ("thousands-comma-implies-point", ["1,000", "2.5"], None, ",", [1000.0, 2.5]),
    ("thousands-none", ["1.000"], None, "", [1.0]),
    ("thousands-space", ["1 000,5"], ",", " ", [1000.5]),
]


@pytest.mark.parametrize(("texts", "decimal", "thousands", "expected"), [c[1:] for c in STATED],
                         ids=[c[0] for c in STATED])
def test_a_stated_format_overrides_the_inference(texts, decimal, thousands, expected):
    read = parse_number_column(pd.Series(texts), column="budget", decimal=decimal, thousands=thousands)
    assert read.reasons.isna().all(), read.reasons.tolist()
    assert read.values.tolist() == expected
    assert not read.notes


def test_a_value_the_stated_format_cannot_read_is_reported():
    read = parse_number_column(pd.Series(["1,234.5", "7"]), column="budget", decimal=",")
    assert read.reasons.tolist() == ["not a number with decimal=','", None]


# (id, texts, which texts must be reported, a word the reason must hold)
MIXED = [
    ("point-and-comma", ["1,234.5", "1.234,5"], [True, True], "no single convention"),
    ("minority-comma", ["1,234.5", "2.5", "1.234,5"], [False, False, True], "decimal comma ('1.234,5')"),
    ("ambiguous-both-marks", ["1,250", "1.000"], [True, True], "one with '.' and one with ','"),
    ("two-currencies", ["EUR 5", "USD 7"], [True, True], "several currencies"),
    ("not-a-number", ["1.234.5", "abc", "12 5"], [True, True, True], "not a number"),
]


@pytest.mark.parametrize(("texts", "reported", "reason"), [c[1:] for c in MIXED], ids=[c[0] for c in MIXED])
def test_values_no_single_convention_reads_are_reported(texts, reported, reason):
    read = parse_number_column(pd.Series(texts), column="budget")
    assert read.reasons.notna().tolist() == reported
    assert all(reason in text for text in read.reasons.dropna())
    assert np.isnan(read.values[read.reasons.notna()]).all()


@pytest.mark.parametrize(("decimal", "thousands"), [(";", None), (None, "_"), (",", ",")],
                         ids=["bad-decimal", "bad-thousands", "same-mark"])
def test_a_bad_stated_format_is_an_option_error(decimal, thousands):
    with pytest.raises(cn.OptionError):
        parse_number_column(pd.Series(["1"]), column="budget", decimal=decimal, thousands=thousands)
    with pytest.raises(cn.OptionError):
        validate_tables({}, decimal=decimal, thousands=thousands)


# ---------------------------------------------------------------------------------------------
# Through validation and the readers: notes and failures name the table, column and rows
# ---------------------------------------------------------------------------------------------


def projects(budgets, years=None) -> pd.DataFrame:
    frame = pd.DataFrame({"project_id": [f"p{i}" for i in range(len(budgets))], "budget": budgets})
    if years is not None:
        frame["year"] = years
    return frame


def test_an_ambiguous_column_gets_a_note_in_the_ecosystem():
    eco = cn.Ecosystem.from_tables({"projects": projects(["250,000", "1,250", "300"])})
    assert eco.projects["budget"].tolist() == [250000.0, 1250.0, 300.0]
    note = eco.notes[eco.notes["action"].str.contains("thousands separator")]
    assert note[["table", "column", "rows"]].values.tolist() == [["projects", "budget", 2]]


def test_a_mixed_column_raises_with_its_rows(tmp_path):
    (tmp_path / "projects.csv").write_text("project_id;budget\np1;1,234.5\np2;7,5\np3;2,5\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError) as info:
        cn.read_ecosystem(tmp_path)
    cases = info.value.failure_cases
    assert cases[["table", "row", "column", "value"]].values.tolist() == [["projects", 2, "budget", "1,234.5"]]
    assert "decimal point ('1,234.5') and with a decimal comma ('7,5')" in cases["reason"].iloc[0]


def test_an_ambiguous_column_mixing_marks_names_decimal_and_thousands(tmp_path):
    (tmp_path / "projects.csv").write_text("project_id,budget\np1,\"1,250\"\np2,1.000\n", encoding="utf-8")
    with pytest.raises(cn.SchemaError) as info:
        cn.read_ecosystem(tmp_path)
    cases = info.value.failure_cases
    assert cases["row"].tolist() == [2, 3]
    assert all("decimal= and thousands=" in reason for reason in cases["reason"])


@pytest.mark.parametrize(("decimal", "thousands", "expected"),
                         [(",", None, [1.25, 1000.0]), (None, ".", [1.25, 1000.0]), (".", None, [1250.0, 1.0]),
                          (None, ",", [1250.0, 1.0])],
                         ids=["decimal-comma", "thousands-dot", "decimal-point", "thousands-comma"])
def test_read_ecosystem_passes_the_stated_format(tmp_path, decimal, thousands, expected):
    (tmp_path / "projects.csv").write_text("project_id,budget\np1,\"1,250\"\np2,1.000\n", encoding="utf-8")
    eco = cn.read_ecosystem(tmp_path, decimal=decimal, thousands=thousands)
    assert eco.projects["budget"].tolist() == expected
    frames = cn.read_ecosystem({"projects": projects(["1,250", "1.000"])}, decimal=decimal, thousands=thousands)
    assert frames.projects["budget"].tolist() == expected


def test_read_table_keeps_the_stated_format_for_validation(tmp_path):
    path = tmp_path / "projects.csv"
    path.write_text("project_id,budget\np1,\"1,250\"\n", encoding="utf-8")
    frame = cn.read_table(path, decimal=",")
    assert frame["budget"].tolist() == ["1,250"]  # still text
    assert frame.attrs["number_format"] == {"decimal": ",", "thousands": None}
    assert cn.Ecosystem.from_tables({"projects": frame}).projects["budget"].tolist() == [1.25]


def test_excel_text_cells_are_inferred_and_numeric_cells_kept(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["project_id", "budget"])
    sheet.append(["p1", "1.234,5"])  # a cell stored as text
    sheet.append(["p2", 1000.25])  # a real number: not text, so no convention applies
    sheet.append(["p3", "1.000"])  # text: read as the decimal comma the column shows
    book.save(tmp_path / "projects.xlsx")
    eco = cn.read_ecosystem(tmp_path)
    assert eco.projects["budget"].tolist() == [1234.5, 1000.25, 1000.0]


# ---------------------------------------------------------------------------------------------
# Dates where a year is expected
# ---------------------------------------------------------------------------------------------

# (id, the year cell, the year, a word of the note)
DATES = [
    ("iso", "2015-10-27", 2015, "YYYY-MM-DD"),
    ("iso-with-time", "2015-10-27T10:30:00", 2015, "YYYY-MM-DD"),
    ("year-first-slashes", "2015/10/27", 2015, "YYYY/MM/DD"),
    ("day-first-slashes", "27/10/2015", 2015, "DD/MM/YYYY"),
    ("month-first-slashes", "10/27/2015", 2015, "MM/DD/YYYY"),
    ("dots", "27.10.2015", 2015, "DD.MM.YYYY"),
    ("dashes", "27-10-2015", 2015, "DD-MM-YYYY"),
    ("excel-serial-number", 42304, 2015, "Excel serial dates"),
    ("excel-serial-text", "42304", 2015, "Excel serial dates"),
    ("datetime-cell", datetime.datetime(2015, 10, 27, 9, 0), 2015, "dates in a year column"),
]


@pytest.mark.parametrize(("cell", "year", "note"), [c[1:] for c in DATES], ids=[c[0] for c in DATES])
def test_a_date_in_a_year_column_gives_its_year_with_a_note(cell, year, note):
    eco = cn.Ecosystem.from_tables({"projects": pd.DataFrame({"project_id": ["p1", "p2"],
                                                              "year": pd.Series([2014, cell], dtype=object)})})
    assert eco.projects["year"].tolist() == [2014, year]
    found = eco.notes[eco.notes["action"].str.contains(note, regex=False)]
    assert found[["table", "column", "rows"]].values.tolist() == [["projects", "year", 1]]


@pytest.mark.parametrize("cell", ["27/10/15", "27.10.15", "15-10-27"], ids=["slashes", "dots", "dashes"])
def test_a_two_digit_year_is_an_error(cell):
    with pytest.raises(cn.SchemaError) as info:
        cn.Ecosystem.from_tables({"projects": pd.DataFrame({"project_id": ["p1"], "year": [cell]})})
    reason = info.value.failure_cases["reason"].iloc[0]
    assert "two-digit year" in reason and "four digits" in reason


@pytest.mark.parametrize("cell", ["2015-13-27", "32/10/2015", "13/13/2015"], ids=["month-13", "day-32", "no-month"])
def test_an_impossible_date_is_not_a_year(cell):
    with pytest.raises(cn.SchemaError) as info:
        cn.Ecosystem.from_tables({"projects": pd.DataFrame({"project_id": ["p1"], "year": [cell]})})
    assert info.value.failure_cases["reason"].iloc[0] == "not a number"


def test_validate_tables_takes_the_format_and_a_frame_attr_overrides_it():
    stated = projects(["1,250"])
    stated.attrs["number_format"] = {"decimal": "."}
    cleaned, notes, _ = validate_tables({"projects": projects(["1,250"]), "organisations": None}, decimal=",")
    assert cleaned["projects"]["budget"].tolist() == [1.25] and notes.empty
    cleaned, _, _ = validate_tables({"projects": stated}, decimal=",")
    assert cleaned["projects"]["budget"].tolist() == [1250.0]
