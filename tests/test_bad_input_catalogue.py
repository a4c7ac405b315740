"""The catalogue of bad input: every class, in the format it comes in, with what must happen.

Each class writes real files in ``tmp_path`` (CSV, Excel, Parquet, gzip) or hands DataFrames to
the readers, then reads them with ``clusternet.read_ecosystem`` or ``clusternet.read_cordis``.
An accepted class states how it is normalised and checks that; a rejected class names the
table, row (as a spreadsheet shows it: header = row 1), column and reason the
``SchemaError`` must carry. ``docs/bad-input.md`` shows this catalogue as a table; a test keeps
the two equal (run this file as a script to rewrite the page's table).

The expected values are written from the input by hand (a decimal comma "1.234,5" is 1234.5,
the second data row of a file is spreadsheet row 3), never taken from clusternet's output.
"""

from __future__ import annotations

import datetime
import gzip
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import clusternet as cn

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "bad-input.md"

ORGS = "organisation_id,name,kind\na,Alpha,company\nb,Beta,university\nc,Gamma,REC\n"
PROJECTS = "project_id,year,budget\np1,2018,100\np2,2019,200\n"
PARTICIPATIONS = "project_id,organisation_id\np1,a\np1,b\np2,c\n"
CLUSTERS = "cluster_id,type,start,end\nk1,SPC,2016-01-01,2019-12-31\nk2,IBN,2017-01-01,2020-12-31\n"
MEMBERSHIPS = "organisation_id,cluster_id,year\na,k1,2018\nb,k2,2018\n"
# A cluster's CRM export: its own column names, ';', continental dates, two colleagues of one firm
# at one event (the same row twice), a time of day.
CRM = ("Bedrijf;Dienst;Cluster;Datum\na;Webinar waterstof;k1;12/03/2019 14:00\na;Webinar waterstof;k1;"
       "12/03/2019 14:00\nb;Matchmaking;k1;02.05.2019\nc;Advies;k2;15/10/2019\n")


@dataclass(frozen=True)
class Error:
    """The failure a rejected class must report (row None: a whole file, table or column)."""

    table: str
    row: int | None
    column: str | None
    reason: str


@dataclass(frozen=True)
class Case:
    id: str
    tables: str
    format: str
    given: str
    expected: str  # what happens, in words, as the docs show it
    build: Callable[[Path], object]  # writes the input, returns the Ecosystem-making call
    check: Callable[[cn.Ecosystem], None] | Error


def write(folder: Path, name: str, text: str, encoding: str = "utf-8", newline: str | None = None) -> None:
    with open(folder / name, "w", encoding=encoding, newline=newline) as handle:
        handle.write(text)


def folder_with(**files: str) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    """A folder of UTF-8 CSV files named after their tables."""

    def build(folder: Path) -> Callable[[], cn.Ecosystem]:
        for name, text in files.items():
            write(folder, f"{name}.csv", text)
        return lambda: cn.read_ecosystem(folder)

    return build


def with_projects(**files: str) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    tables = {"organisations": ORGS, "projects": PROJECTS, "participations": PARTICIPATIONS}
    tables.update(files)
    return folder_with(**tables)


def with_clusters(**files: str) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    tables = {"organisations": ORGS, "clusters": CLUSTERS, "memberships": MEMBERSHIPS}
    tables.update(files)
    return folder_with(**tables)


def with_activities(text: str, name: str = "activities.csv") -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    def build(folder: Path) -> Callable[[], cn.Ecosystem]:
        for table, rows in (("organisations", ORGS), ("clusters", CLUSTERS), ("memberships", MEMBERSHIPS)):
            write(folder, f"{table}.csv", rows)
        write(folder, name, text)
        return lambda: cn.read_ecosystem(folder)

    return build


def frames(**tables: pd.DataFrame) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    return lambda folder: (lambda: cn.read_ecosystem(tables))


def custom(function: Callable[[Path], None]) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    """Run ``function`` to write the folder, then read the folder."""

    def build(folder: Path) -> Callable[[], cn.Ecosystem]:
        function(folder)
        return lambda: cn.read_ecosystem(folder)

    return build


def cordis(text: str, *, name: str = "h2020.csv", **options) -> Callable[[Path], Callable[[], cn.Ecosystem]]:
    def build(folder: Path) -> Callable[[], cn.Ecosystem]:
        write(folder, name, text)
        return lambda: cn.read_cordis(folder / name, **options)

    return build


def actions(eco: cn.Ecosystem) -> str:
    return " | ".join(eco.notes["action"])


# ---------------------------------------------------------------------------------------------
# The writers of the non-CSV classes
# ---------------------------------------------------------------------------------------------


def _excel_merged_header(folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Ledenlijst cluster 2019"
    sheet.merge_cells("A1:C1")
    sheet["A2"] = "Organisatie"
    sheet.merge_cells("A2:B2")
    sheet["C2"] = "Type"
    sheet.append(["organisation_id", "name", "kind"])
    sheet.append(["a", "Alpha", "company"])
    sheet.append(["b", "Beta", "HES"])
    book.save(folder / "organisations.xlsx")


def _excel_project_years(value_2: object, number_format: str | None) -> Callable[[Path], None]:
    def writer(folder: Path) -> None:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["project_id", "year"])
        sheet.append(["p1", 2018])
        sheet.append(["p2", value_2])
        if number_format:
            sheet["B3"].number_format = number_format
        book.save(folder / "projects.xlsx")
        write(folder, "organisations.csv", ORGS)
        write(folder, "participations.csv", PARTICIPATIONS)

    return writer


def _excel_budgets(folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["project_id", "budget"])
    sheet.append(["p1", "1.234,5"])
    sheet.append(["p2", 1000.25])
    book.save(folder / "projects.xlsx")
    write(folder, "organisations.csv", ORGS)
    write(folder, "participations.csv", PARTICIPATIONS)


def _excel_ids(folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["organisation_id", "name"])
    sheet.append([7, "Seven as a number"])
    sheet.append(["007", "Seven as text"])
    sheet.append([8.0, "Eight as a float"])
    book.save(folder / "organisations.xlsx")


def _excel_activities(folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Event", "Cluster", "Date"])
    sheet.append(["a", "Workshop", "k1", datetime.datetime(2019, 3, 12, 9, 30)])
    sheet.append(["b", "Workshop", "k1", datetime.date(2019, 3, 12)])
    book.save(folder / "activities.xlsx")
    for table, rows in (("organisations", ORGS), ("clusters", CLUSTERS), ("memberships", MEMBERSHIPS)):
        write(folder, f"{table}.csv", rows)


def _parquet_activities(folder: Path) -> None:
    pytest.importorskip("pyarrow")
    pd.DataFrame({"organisation_id": ["a", "b"], "activity": [7, 7], "cluster_id": ["k1", "k2"],
                  "date": pd.to_datetime(["2019-03-12", "2020-01-31"])}).to_parquet(folder / "activities.parquet")
    for table, rows in (("organisations", ORGS), ("clusters", CLUSTERS), ("memberships", MEMBERSHIPS)):
        write(folder, f"{table}.csv", rows)


def _activities_without_clusters(folder: Path) -> None:
    write(folder, "organisations.csv", ORGS)
    write(folder, "activities.csv", "organisation_id,activity,cluster_id,date\na,Webinar,k1,2019-03-12\n")


def _excel_broken(folder: Path) -> None:
    (folder / "organisations.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")


def _parquet_dtypes(folder: Path) -> None:
    pytest.importorskip("pyarrow")
    pd.DataFrame({"organisation_id": [1, 2], "kind": ["PRC", "HES"]}).to_parquet(folder / "organisations.parquet")
    pd.DataFrame({"project_id": [10.0], "year": [2019.0], "budget": ["1.234,5"]}).to_parquet(
        folder / "projects.parquet")
    pd.DataFrame({"project_id": ["10", "10"], "organisation_id": [1, 2]}).to_parquet(
        folder / "participations.parquet")


def _parquet_junk_budget(folder: Path) -> None:
    pytest.importorskip("pyarrow")
    write(folder, "organisations.csv", ORGS)
    write(folder, "participations.csv", PARTICIPATIONS)
    pd.DataFrame({"project_id": ["p1", "p2"], "budget": ["100", "lots"]}).to_parquet(folder / "projects.parquet")


def _parquet_nan_everywhere(folder: Path) -> None:
    pytest.importorskip("pyarrow")
    nan = float("nan")
    pd.DataFrame({"organisation_id": [nan, nan], "name": [nan, nan], "kind": [nan, nan]}).to_parquet(
        folder / "organisations.parquet")


def _fake_gzip(folder: Path) -> None:
    (folder / "organisations.csv.gz").write_bytes(ORGS.encode())


def _gzip_ok(folder: Path) -> None:
    (folder / "organisations.csv.gz").write_bytes(gzip.compress(ORGS.encode("cp1252")))


def _binary(folder: Path) -> None:
    (folder / "organisations.csv").write_bytes(b"organisation_id\x00\x01\x02\n\x00\xff\xfe")


def _undefined_cp1252(folder: Path) -> None:
    # 0x81 has no character in Windows-1252; 0xE9 is é in Latin-1
    (folder / "organisations.csv").write_bytes(b"organisation_id,name\na,Caf\xe9 \x81\n")


def _two_files(folder: Path) -> None:
    write(folder, "organisations.csv", ORGS)
    write(folder, "Organisations.txt", ORGS)


def _unknown_file(folder: Path) -> None:
    write(folder, "organisations.csv", ORGS)
    write(folder, "organisations (1).csv", ORGS)
    write(folder, "README.md", "not a table")


NFC = unicodedata.normalize("NFC", "Coöperatief")
NFD = unicodedata.normalize("NFD", "Coöperatief")
BIG_NAME = "x" * 10_000_000


def _check_big_name(eco: cn.Ecosystem) -> None:
    assert len(eco.organisations.loc[0, "name"]) == 10_000_000


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------

CATALOGUE = [
    # --- encodings, separators, line endings -----------------------------------------------
    Case("csv-semicolon-decimal-comma", "projects", "CSV", "`;` separators, budget `1.234,5`, year `2019`",
         "accepted: separator detected, `1.234,5` read as 1234.5",
         with_projects(projects="project_id;year;budget\np1;2018;1.234,5\np2;2019;12,5\n"),
         lambda eco: eco.projects["budget"].tolist() == [1234.5, 12.5] or pytest.fail("decimal comma")),
    Case("csv-utf8-bom", "organisations", "CSV", "UTF-8 with a byte-order mark before the header",
         "accepted: BOM dropped, first column recognised",
         custom(lambda f: (f / "organisations.csv").write_bytes(b"\xef\xbb\xbf" + ORGS.encode())),
         lambda eco: eco.organisations["organisation_id"].tolist() == ["a", "b", "c"] or pytest.fail("bom")),
    Case("csv-cp1252", "organisations", "CSV", "Windows-1252 (Excel on a Belgian PC) with `Coöperatief`",
         "accepted: decoded as Windows-1252, `Coöperatief` intact",
         custom(lambda f: write(f, "organisations.csv", f"organisation_id,name\na,{NFC}\n", "cp1252")),
         lambda eco: eco.organisations["name"].tolist() == [NFC] or pytest.fail("cp1252")),
    Case("csv-undefined-cp1252-byte", "organisations", "CSV", "a byte (0x81) that Windows-1252 leaves undefined",
         "accepted: decoded as Latin-1 (used to crash with UnboundLocalError)",
         custom(_undefined_cp1252),
         lambda eco: eco.organisations["name"].tolist() == ["Café \x81"] or pytest.fail("latin-1")),
    Case("csv-utf16", "organisations", "CSV", "UTF-16 with BOM, tab-separated (Excel's \"Unicode text\")",
         "accepted: decoded as UTF-16, tab detected",
         custom(lambda f: write(f, "organisations.csv", ORGS.replace(",", "\t").replace("Alpha", NFC),
                                "utf-16")),
         lambda eco: eco.organisations["name"].tolist()[0] == NFC or pytest.fail("utf-16")),
    Case("csv-crlf", "organisations", "CSV", "Windows line endings (CRLF)",
         "accepted: no `\\r` left in any cell",
         custom(lambda f: write(f, "organisations.csv", ORGS, newline="\r\n")),
         lambda eco: eco.organisations["kind"].tolist() == ["company", "knowledge_institution",
                                                            "research_centre"] or pytest.fail("crlf")),
    Case("csv-embedded-newline", "organisations", "CSV", "a quoted name with a line break inside",
         "accepted: one row, the line break kept in the name; rows still numbered per record",
         folder_with(organisations='organisation_id,name,kind\na,"Alpha\nNV",company\nb,Beta,alien\n'),
         Error("organisations", 3, "kind", "not one of")),
    Case("csv-binary", "organisations", "CSV", "a binary file (NUL bytes) named `.csv`",
         "error: not a text file", custom(_binary), Error("organisations", None, None, "not a text file")),
    Case("csv-ragged-rows", "organisations", "CSV", "a data row with more cells than any of the first ten rows",
         "error: not a readable CSV file",
         folder_with(organisations="organisation_id,name\n" + "a,x\n" * 12 + "b,y,z,w\n"),
         Error("organisations", None, None, "not a readable CSV")),
    Case("gzip-not-gzip", "organisations", "CSV (gzip)", "`organisations.csv.gz` that is plain text",
         "error: not a readable gzip file", custom(_fake_gzip),
         Error("organisations", None, None, "not a readable gzip")),
    Case("gzip-cp1252", "organisations", "CSV (gzip)", "a real gzip of a Windows-1252 CSV",
         "accepted: decompressed, then decoded", custom(_gzip_ok),
         lambda eco: len(eco.organisations) == 3 or pytest.fail("gzip")),
    # --- empty and nearly empty files ------------------------------------------------------------
    Case("empty-file", "organisations", "CSV", "a file of 0 bytes",
         "error: the file is empty", folder_with(organisations=""),
         Error("organisations", None, None, "the file is empty")),
    Case("whitespace-file", "organisations", "CSV", "a file of blank lines",
         "error: the file is empty", folder_with(organisations="\n \r\n\t\n"),
         Error("organisations", None, None, "the file is empty")),
    Case("header-only", "organisations", "CSV", "a header and no rows",
         "accepted: an empty table, listed as provided",
         folder_with(organisations="organisation_id,name\n"),
         lambda eco: (len(eco.organisations) == 0 and "organisations" in eco.provided) or pytest.fail("hdr")),
    Case("title-only", "organisations", "CSV", "only a title row (\"Ledenlijst 2019\")",
         "error: missing mandatory column `organisation_id`",
         folder_with(organisations="Ledenlijst 2019\n"),
         Error("organisations", None, "organisation_id", "missing mandatory column")),
    Case("blank-rows", "organisations", "CSV", "empty rows between and after the data",
         "accepted: skipped, counted in `eco.notes` (removed); error rows keep spreadsheet numbers",
         folder_with(organisations="organisation_id,kind\n\na,company\n,\nb,alien\n\n"),
         Error("organisations", 5, "kind", "not one of")),
    # --- Excel ------------------------------------------------------------------------------------
    Case("excel-merged-header", "organisations", "Excel", "a merged title row and a merged group row above "
         "the header", "accepted: header found below them, the rows above noted",
         custom(_excel_merged_header),
         lambda eco: (eco.organisations["kind"].tolist() == ["company", "knowledge_institution"]
                      and "above the header" in actions(eco)) or pytest.fail("merged header")),
    Case("excel-date-in-year", "projects", "Excel", "a date cell (2019-03-01) in the year column",
         "accepted: its year (2019), noted",
         custom(_excel_project_years(datetime.datetime(2019, 3, 1), None)),
         lambda eco: (eco.projects["year"].tolist() == [2018, 2019]
                      and "dates in a year column" in actions(eco)) or pytest.fail("date year")),
    Case("excel-year-formatted-as-date", "projects", "Excel", "2019 in a cell formatted as a date "
         "(shows 1905-07-11)", "accepted: the year 2019 read back from the date serial, noted",
         custom(_excel_project_years(2019, "yyyy-mm-dd")),
         lambda eco: (eco.projects["year"].tolist() == [2018, 2019]
                      and "formatted as dates" in actions(eco)) or pytest.fail("serial year")),
    Case("excel-numeric-ids", "organisations", "Excel", "ids 7 (number), `007` (text) and 8.0 (float)",
         "accepted: ids as text `7`, `007`, `8`; `7` and `007` stay two organisations",
         custom(_excel_ids),
         lambda eco: eco.organisations["organisation_id"].tolist() == ["7", "007", "8"] or pytest.fail("ids")),
    Case("excel-broken", "organisations", "Excel", "a `.xlsx` that is not a workbook",
         "error: not a readable Excel file", custom(_excel_broken),
         Error("organisations", None, None, "not a readable Excel")),
    # --- Parquet ----------------------------------------------------------------------------------
    Case("parquet-wrong-dtypes", "organisations, projects, participations", "Parquet",
         "integer ids, a float project id 10.0, year 2019.0, budget as text `1.234,5`",
         "accepted: ids `1`, `2`, `10`; year 2019; budget 1234.5", custom(_parquet_dtypes),
         lambda eco: (eco.participations["organisation_id"].tolist() == ["1", "2"]
                      and eco.projects[["project_id", "year", "budget"]].values.tolist() == [["10", 2019, 1234.5]])
         or pytest.fail("parquet")),
    Case("parquet-text-in-number", "projects", "Parquet", "budget `lots` in a text column",
         "error: not a number", custom(_parquet_junk_budget), Error("projects", 3, "budget", "not a number")),
    Case("nan-everywhere", "organisations", "Parquet", "every cell NaN",
         "error: empty id (every row); empty categories would get their defaults",
         custom(_parquet_nan_everywhere), Error("organisations", 2, "organisation_id", "empty id")),
    # --- ids ----------------------------------------------------------------------------------------
    Case("ids-007-vs-7", "organisations", "CSV", "ids `007` and `7`",
         "accepted: ids are text, so two organisations",
         folder_with(organisations="organisation_id\n007\n7\n"),
         lambda eco: eco.organisations["organisation_id"].tolist() == ["007", "7"] or pytest.fail("007")),
    Case("ids-trailing-spaces", "participations", "CSV", "`a ` and ` p1` (spaces, a non-breaking space) "
         "in references", "accepted: ids stripped, the references match",
         with_projects(participations="project_id,organisation_id\n p1,a \np1,\u00a0b\np2,c\n"),
         lambda eco: eco.participations["organisation_id"].tolist() == ["a", "b", "c"] or pytest.fail("strip")),
    Case("ids-trailing-space-duplicate", "organisations", "CSV", "ids `a` and `a ` in one table",
         "error: duplicate id (they are one id once stripped)",
         folder_with(organisations="organisation_id\na\na \n"),
         Error("organisations", 3, "organisation_id", "duplicate id (first seen in row 2)")),
    Case("ids-invisible-characters", "participations", "CSV", "a zero-width space and a stray BOM inside ids",
         "accepted: invisible characters removed",
         with_projects(participations="project_id,organisation_id\np1,\u200ba\np1,\ufeffb\np2,c\n"),
         lambda eco: eco.participations["organisation_id"].tolist() == ["a", "b", "c"] or pytest.fail("zw")),
    Case("ids-differ-by-case", "organisations", "CSV", "ids `KUL` and `kul` in one table",
         "accepted: ids are case-sensitive, kept as two organisations, noted",
         folder_with(organisations="organisation_id\nKUL\nkul\n"),
         lambda eco: (len(eco.organisations) == 2 and "differ only in case" in actions(eco))
         or pytest.fail("case")),
    Case("ids-case-reference", "participations", "CSV", "a participation naming `A` where the organisation is `a`",
         "error: unknown organisation_id, with the hint \"did you mean 'a'?\"",
         with_projects(participations="project_id,organisation_id\np1,a\np1,A\np2,c\n"),
         Error("participations", 3, "organisation_id", "did you mean 'a'?")),
    Case("ids-nfd-vs-nfc", "organisations, participations", "CSV",
         "`Coöperatief` typed as NFD (o + combining diaeresis) in one file and NFC in another",
         "accepted: text is NFC-normalised, so the reference matches",
         with_projects(organisations=f"organisation_id\n{NFC}\nb\nc\n",
                       participations=f"project_id,organisation_id\np1,{NFD}\np1,b\np2,c\n"),
         lambda eco: eco.participations["organisation_id"].tolist()[0] == NFC or pytest.fail("nfc")),
    Case("ids-nfd-nfc-duplicate", "organisations", "CSV", "the NFD and the NFC `Coöperatief` as two ids",
         "error: duplicate id",
         folder_with(organisations=f"organisation_id\n{NFD}\n{NFC}\n"),
         Error("organisations", 3, "organisation_id", "duplicate id")),
    Case("empty-id", "participations", "CSV", "a participation without an organisation",
         "error: empty id", with_projects(participations="project_id,organisation_id\np1,a\np1,\np2,c\n"),
         Error("participations", 3, "organisation_id", "empty id")),
    Case("unknown-reference", "participations", "CSV", "a participation in project `p9` that does not exist",
         "error: unknown project_id", with_projects(participations="project_id,organisation_id\np9,a\n"),
         Error("participations", 2, "project_id", "not in the projects table")),
    Case("missing-referenced-table", "participations", "CSV", "participations without an organisations file",
         "error: missing table organisations",
         folder_with(projects=PROJECTS, participations=PARTICIPATIONS),
         Error("organisations", None, None, "missing table")),
    # --- columns ----------------------------------------------------------------------------------
    Case("duplicate-columns", "organisations", "CSV", "two columns both named `name`",
         "error: duplicate column name (once, not renamed to `name.1`)",
         folder_with(organisations="organisation_id,name,name\na,x,y\n"),
         Error("organisations", None, "name", "duplicate column name")),
    Case("duplicate-columns-by-alias", "organisations", "CSV", "`organisation_id` and `Organisation ID`",
         "error: duplicate column (both give organisation_id)",
         folder_with(organisations="organisation_id,Organisation ID\na,b\n"),
         Error("organisations", None, "Organisation ID", "duplicate column")),
    Case("column-all-missing", "organisations, projects", "CSV", "a `kind` and a `budget` column with "
         "every cell empty", "accepted: kind defaulted to `other` (noted), budget left empty (NaN)",
         with_projects(organisations="organisation_id,kind\na,\nb,\nc,\n",
                       projects="project_id,budget\np1,\np2,\n"),
         lambda eco: (set(eco.organisations["kind"]) == {"other"}
                      and eco.projects["budget"].isna().all()
                      and "empty cells filled with default 'other'" in actions(eco)) or pytest.fail("empty")),
    Case("nan-as-text", "organisations, projects", "CSV", "`NaN`, `NA`, `null`, `#N/A` written in category, "
         "year and number cells", "accepted: missing there (defaults, NaN); in id and text columns `NA` stays "
         "text (Namibia)",
         with_projects(organisations="organisation_id,kind,country\na,NaN,NA\nb,null,BE\nc,#N/A,NL\n",
                       projects="project_id,year,budget\np1,NA,NaN\np2,null,#N/A\n"),
         lambda eco: (set(eco.organisations["kind"]) == {"other"}
                      and eco.organisations["country"].tolist() == ["NA", "BE", "NL"]
                      and eco.projects["year"].isna().all()) or pytest.fail("nan text")),
    Case("ten-megabyte-name", "organisations", "CSV", "a 10 MB organisation name",
         "accepted: kept whole", folder_with(organisations=f"organisation_id,name\na,{BIG_NAME}\n"),
         _check_big_name),
    # --- values ------------------------------------------------------------------------------------
    Case("year-as-float", "projects", "CSV", "year written `2019.0`", "accepted: 2019",
         with_projects(projects="project_id,year\np1,2018.0\np2,2019.0\n"),
         lambda eco: eco.projects["year"].tolist() == [2018, 2019] or pytest.fail("2019.0")),
    Case("year-fractional", "projects", "CSV", "year `2019.5`", "error: a year must be a whole number",
         with_projects(projects="project_id,year\np1,2018\np2,2019.5\n"),
         Error("projects", 3, "year", "whole number")),
    Case("year-two-digits", "projects", "CSV", "year `19`", "error: year outside 1900-2100",
         with_projects(projects="project_id,year\np1,2018\np2,19\n"),
         Error("projects", 3, "year", "year outside 1900-2100")),
    Case("negative-budget", "projects", "CSV", "budget `-5000` (a correction)",
         "accepted as given: corrections and refunds are real; a measure that needs positive budgets checks",
         with_projects(projects="project_id,budget\np1,-5000\np2,10\n"),
         lambda eco: eco.projects["budget"].tolist() == [-5000.0, 10.0] or pytest.fail("negative")),
    Case("infinite-budget", "projects", "CSV", "budget `1e400` (overflows) and `inf`",
         "error: not a finite number", with_projects(projects="project_id,budget\np1,1e400\np2,inf\n"),
         Error("projects", 2, "budget", "not a finite number")),
    # --- number formats: each column's convention inferred from all its values -------------------
    Case("number-english-thousands", "projects", "CSV", "budget `892,228.58` and `\"1,250,000\"` (quoted)",
         "accepted: 892228.58 and 1250000 (`.` settles the column: decimal point, `,` thousands)",
         with_projects(projects='project_id,budget\np1,"892,228.58"\np2,"1,250,000"\n'),
         lambda eco: eco.projects["budget"].tolist() == [892228.58, 1250000.0] or pytest.fail("english")),
    Case("number-continental-thousands", "projects", "CSV", "budget `1.250.000,50` and `7,5`",
         "accepted: 1250000.5 and 7.5",
         with_projects(projects="project_id;budget\np1;1.250.000,50\np2;7,5\n"),
         lambda eco: eco.projects["budget"].tolist() == [1250000.5, 7.5] or pytest.fail("continental")),
    Case("number-space-groups", "projects", "CSV", "budget `1 250 000` (no-break spaces) and `2\u202f500,5` "
         "(narrow no-break)", "accepted: 1250000 and 2500.5",
         with_projects(projects="project_id;budget\np1;1\u00a0250\u00a0000\np2;2\u202f500,5\n"),
         lambda eco: eco.projects["budget"].tolist() == [1250000.0, 2500.5] or pytest.fail("spaces")),
    Case("number-apostrophe-groups", "projects", "CSV", "budget `1'250'000` and `1’250.75` (Swiss)",
         "accepted: 1250000 and 1250.75",
         with_projects(projects="project_id,budget\np1,1'250'000\np2,1’250.75\n"),
         lambda eco: eco.projects["budget"].tolist() == [1250000.0, 1250.75] or pytest.fail("apostrophes")),
    Case("number-currency", "projects", "CSV", "budget `EUR 1.234,50` and `12,5 €`",
         "accepted: 1234.5 and 12.5; the currency left out, noted",
         with_projects(projects="project_id;budget\np1;EUR 1.234,50\np2;12,5 €\n"),
         lambda eco: (eco.projects["budget"].tolist() == [1234.5, 12.5]
                      and "currency EUR" in actions(eco)) or pytest.fail("currency")),
    Case("number-two-currencies", "projects", "CSV", "budget `€1,234.50` and `USD 99`",
         "error: several currencies in one column",
         with_projects(projects="project_id,budget\np1,\"€1,234.50\"\np2,USD 99\n"),
         Error("projects", 2, "budget", "several currencies")),
    Case("number-negative-parentheses", "projects", "CSV", "budget `(1,234.50)` (accounting) and `-7.5`",
         "accepted: -1234.5 and -7.5",
         with_projects(projects='project_id,budget\np1,"(1,234.50)"\np2,-7.5\n'),
         lambda eco: eco.projects["budget"].tolist() == [-1234.5, -7.5] or pytest.fail("negative")),
    Case("number-ambiguous-thousands", "projects", "CSV", "budget only `\"250,000\"` and `\"1,250\"` "
         "(a separator and three digits: either convention)",
         "accepted by the stated rule: thousands (250000, 1250), noted with the column and `decimal=`",
         with_projects(projects='project_id,budget\np1,"250,000"\np2,"1,250"\n'),
         lambda eco: (eco.projects["budget"].tolist() == [250000.0, 1250.0]
                      and "thousands separator" in actions(eco)) or pytest.fail("ambiguous")),
    Case("number-ambiguous-stated", "projects", "CSV", "budget `1.000` read with `decimal=\".\"`",
         "accepted as stated: 1.0, no note",
         lambda folder: (write(folder, "projects.csv", "project_id,budget\np1,1.000\n"),
                         lambda: cn.read_ecosystem(folder, decimal="."))[1],
         lambda eco: (eco.projects["budget"].tolist() == [1.0]
                      and "thousands" not in actions(eco)) or pytest.fail("stated")),
    Case("number-ambiguous-both-marks", "projects", "CSV", "budget `\"1,250\"` and `1.000` (each ambiguous, "
         "with different marks)", "error: no single convention reads the column, state decimal= and thousands=",
         with_projects(projects='project_id,budget\np1,"1,250"\np2,1.000\n'),
         Error("projects", 2, "budget", "state decimal= and thousands=")),
    Case("number-mixed-conventions", "projects", "CSV", "budget `1,234.5` in one row, `1.234,5` and `7,5` in "
         "others", "error: the minority convention's rows, naming both examples",
         with_projects(projects="project_id;budget\np1;1,234.5\np2;1.234,5\np3;7,5\n"),
         Error("projects", 2, "budget", "no single convention reads both")),
    Case("number-excel-text-cells", "projects", "Excel", "a budget cell stored as text `1.234,5` beside a "
         "numeric cell 1000.25", "accepted: the text inferred (1234.5), the number kept (1000.25)",
         custom(_excel_budgets),
         lambda eco: eco.projects["budget"].tolist() == [1234.5, 1000.25] or pytest.fail("excel text")),
    # --- dates where a year is expected --------------------------------------------------------
    Case("year-iso-date", "projects", "CSV", "year `2015-10-27`", "accepted: 2015, noted with the form read",
         with_projects(projects="project_id,year\np1,2015-10-27\np2,2019\n"),
         lambda eco: (eco.projects["year"].tolist() == [2015, 2019]
                      and "dates written YYYY-MM-DD" in actions(eco)) or pytest.fail("iso year")),
    Case("year-slashed-dates", "projects", "CSV", "year `2015/10/27` and `27/10/2015`",
         "accepted: 2015 twice, each form noted (day and month order does not matter for the year)",
         with_projects(projects="project_id,year\np1,2015/10/27\np2,27/10/2015\n"),
         lambda eco: (eco.projects["year"].tolist() == [2015, 2015] and "YYYY/MM/DD" in actions(eco)
                      and "DD/MM/YYYY" in actions(eco)) or pytest.fail("slashed years")),
    Case("year-dotted-date", "projects", "CSV", "year `27.10.2015`", "accepted: 2015, noted",
         with_projects(projects="project_id;year\np1;27.10.2015\np2;2019\n"),
         lambda eco: eco.projects["year"].tolist() == [2015, 2019] or pytest.fail("dotted year")),
    Case("year-excel-serial", "projects", "CSV", "year `42304` (an Excel date exported as its serial number)",
         "accepted: 2015 (42304 is 2015-10-27), noted",
         with_projects(projects="project_id,year\np1,42304\np2,2019\n"),
         lambda eco: (eco.projects["year"].tolist() == [2015, 2019]
                      and "Excel serial dates" in actions(eco)) or pytest.fail("serial")),
    Case("year-two-digit-date", "projects", "CSV", "year `27/10/15`",
         "error: a two-digit year, its century unknown",
         with_projects(projects="project_id,year\np1,2018\np2,27/10/15\n"),
         Error("projects", 3, "year", "two-digit year")),
    # --- separators --------------------------------------------------------------------------------
    Case("csv-semicolon-decimal-comma-every-row", "projects", "CSV", "`;` separators and a decimal comma in every "
         "row (`1,5`), the comma more frequent than `;` in the data", "accepted: `;` chosen (the same cell count "
         "on every line), 1.5 and 2.5",
         with_projects(projects="project_id;budget\np1;1,5\np2;2,5\n"),
         lambda eco: eco.projects["budget"].tolist() == [1.5, 2.5] or pytest.fail("separator")),
    Case("cordis-official-decimal-commas", "participations", "CORDIS CSV", "the official `organization.csv` "
         "with `;` and ecContribution `1.234,5`, `250.000`, `12,5`",
         "accepted: layout recognised, 1234.5, 250000 and 12.5 (used to be 'not a CORDIS participation layout')",
         cordis("projectID;organisationID;activityType;role;ecContribution\n101;999;PRC;coordinator;1.234,5\n"
                "101;888;HES;participant;250.000\n102;888;HES;coordinator;12,5\n", name="organization.csv"),
         lambda eco: sorted(eco.participations["budget"].tolist()) == [12.5, 1234.5, 250000.0]
         or pytest.fail("cordis decimal commas")),
    Case("dutch-booleans", "memberships", "CSV", "board `ja`, `Nee`, `WAAR`, `x`, empty",
         "accepted: ja/waar/x true, nee/onwaar/empty false (empty noted)",
         with_clusters(memberships="organisation_id,cluster_id,year,board\na,k1,2018,ja\nb,k1,2018,Nee\n"
                                   "c,k1,2018,WAAR\na,k2,2018,x\nb,k2,2018,\n"),
         lambda eco: eco.memberships["board"].tolist() == [True, False, True, True, False] or pytest.fail("ja")),
    Case("bad-boolean", "memberships", "CSV", "board `misschien`", "error: not a yes/no value",
         with_clusters(memberships="organisation_id,cluster_id,year,board\na,k1,2018,misschien\n"),
         Error("memberships", 2, "board", "not a yes/no value")),
    Case("bad-date", "clusters", "CSV", "start `31/02/2019` (no such day)", "error: not a date",
         with_clusters(clusters="cluster_id,start\nk1,2016-01-01\nk2,31/02/2019\n"),
         Error("clusters", 3, "start", "not a date")),
    Case("unknown-category", "organisations", "CSV", "kind `spaceship`", "error: not one of the kinds",
         folder_with(organisations="organisation_id,kind\na,company\nb,spaceship\n"),
         Error("organisations", 3, "kind", "not one of company")),
    # --- rows and tables ----------------------------------------------------------------------------
    Case("project-one-participant", "participations", "CSV", "a project with a single participant",
         "accepted unchanged: a node without collaboration edges (CORDIS has 19,050 such projects)",
         with_projects(participations="project_id,organisation_id\np1,a\np2,c\n"),
         lambda eco: eco.participations.groupby("project_id").size().tolist() == [1, 1] or pytest.fail("one")),
    Case("same-organisation-twice", "participations", "CSV", "one organisation twice in one project",
         "accepted: merged into one row, budgets summed, strongest role kept, noted (removed)",
         with_projects(participations="project_id,organisation_id,role,budget\np1,a,partner,10\n"
                                      "p1,a,coordinator,5\np2,c,partner,1\n"),
         lambda eco: (eco.participations[["role", "budget"]].values.tolist()[0] == ["coordinator", 15.0]
                      and eco.summary().loc["participations", "merged"] == 1) or pytest.fail("merge")),
    Case("membership-outside-period", "memberships", "CSV", "a membership in 2022 of a cluster running "
         "2016-2019", "accepted with a note: cluster periods are funding periods, members join before and "
         "stay after", with_clusters(memberships="organisation_id,cluster_id,year\na,k1,2022\nb,k2,2018\n"),
         lambda eco: ("outside their cluster's start-end period" in actions(eco)
                      and len(eco.memberships) == 2) or pytest.fail("period")),
    Case("unknown-file-in-folder", "(folder)", "CSV", "`organisations (1).csv` and a README beside the tables",
         "accepted: files with a table suffix but no table name are ignored and listed in `eco.notes`",
         custom(_unknown_file),
         lambda eco: ("organisations (1).csv ignored" in actions(eco)
                      and "README" not in actions(eco)) or pytest.fail("ignored")),
    Case("two-files-one-table", "organisations", "CSV", "`organisations.csv` and `Organisations.txt`",
         "error: two files for table organisations", custom(_two_files),
         Error("organisations", None, None, "two files for table organisations")),
    # --- activities: a cluster's CRM export ---------------------------------------------------------
    Case("activities-crm-export", "activities", "CSV", "`activiteiten.csv` with `Bedrijf;Dienst;Cluster;Datum`, "
         "dates `12/03/2019 14:00` and `02.05.2019`, one row twice (two colleagues at one webinar)",
         "accepted: Dutch names read as the columns, dates day first with their time, the repeated row merged "
         "(noted, removed)",
         with_activities(CRM, name="activiteiten.csv"),
         lambda eco: (eco.activities["date"].tolist() == [pd.Timestamp("2019-03-12 14:00"),
                                                          pd.Timestamp("2019-05-02"), pd.Timestamp("2019-10-15")]
                      and eco.summary().loc["activities", "merged"] == 1) or pytest.fail("crm")),
    Case("activities-month-first", "activities", "CSV", "dates `03/15/2019` and `04/02/2019` (a US export)",
         "accepted: month first, as 15 cannot be a month; noted",
         with_activities("organisation_id,activity,cluster_id,date\na,Webinar,k1,03/15/2019\n"
                         "b,Webinar,k1,04/02/2019\n"),
         lambda eco: (eco.activities["date"].tolist() == [pd.Timestamp("2019-03-15"), pd.Timestamp("2019-04-02")]
                      and "month first" in actions(eco)) or pytest.fail("month first")),
    Case("activities-mixed-date-order", "activities", "CSV", "`15/03/2019` beside `03/16/2019`",
         "error: read day first, `03/16/2019` has month 16",
         with_activities("organisation_id,activity,cluster_id,date\na,Webinar,k1,15/03/2019\n"
                         "b,Webinar,k1,03/16/2019\n"),
         Error("activities", 3, "date", "dates are read day first")),
    Case("activities-two-digit-year", "activities", "CSV", "date `12/03/19`", "error: a two-digit year",
         with_activities("organisation_id,activity,cluster_id,date\na,Webinar,k1,12/03/19\n"),
         Error("activities", 2, "date", "two-digit year")),
    Case("activities-spelt-two-ways", "activities", "CSV", "`Webinar waterstof` and `webinar  Waterstof`",
         "accepted as two activities, with a note naming both spellings",
         with_activities("organisation_id,activity,cluster_id,date\na,Webinar waterstof,k1,2019-03-12\n"
                         "a,webinar  Waterstof,k1,2019-03-12\n"),
         lambda eco: (len(eco.activities) == 2 and "'Webinar waterstof' = 'webinar  Waterstof'" in actions(eco))
         or pytest.fail("spellings")),
    Case("activities-names-for-ids", "activities", "CSV", "organisations named by name (`Alpha`) where the "
         "table holds ids", "error: unknown organisation_id, with the id whose name it is",
         with_activities("organisation_id,activity,cluster_id,date\nAlpha,Webinar,k1,2019-03-12\n"),
         Error("activities", 2, "organisation_id", "'Alpha' is the name of organisation 'a'")),
    Case("activities-without-clusters", "activities", "CSV", "`activities.csv` without `clusters.csv`",
         "error: missing table clusters", custom(_activities_without_clusters),
         Error("clusters", None, None, "activities refers to clusters")),
    Case("activities-excel-date-cells", "activities", "Excel", "date cells (one with a time) under `Event`, "
         "`Organisation`", "accepted: the dates as they are", custom(_excel_activities),
         lambda eco: eco.activities["date"].tolist() == [pd.Timestamp("2019-03-12 09:30"), pd.Timestamp("2019-03-12")]
         or pytest.fail("excel dates")),
    Case("activities-parquet-numbers", "activities", "Parquet", "activity ids stored as integers, timestamps",
         "accepted: ids as text (`7`)", custom(_parquet_activities),
         lambda eco: eco.activities["activity"].tolist() == ["7", "7"] or pytest.fail("parquet")),
    # --- DataFrames given directly -------------------------------------------------------------------
    Case("frame-collection-cell", "organisations", "DataFrame", "a list in an id cell and a dict in a name",
         "error: not a single value",
         frames(organisations=pd.DataFrame({"organisation_id": ["a", ["b"]], "name": [{"x": 1}, "B"]})),
         Error("organisations", 1, "organisation_id", "not a single value")),
    Case("frame-repeated-index", "organisations", "DataFrame", "row labels 0, 0, 0 (after a concat)",
         "accepted: rows renumbered by position for reports, noted",
         frames(organisations=pd.DataFrame({"organisation_id": ["a", "b", "c"]}, index=[0, 0, 0])),
         lambda eco: ("reported by position" in actions(eco) and len(eco.organisations) == 3)
         or pytest.fail("index")),
    Case("frame-huge-float-id", "organisations", "DataFrame", "an id 1e20 stored as a float",
         "accepted: `100000000000000000000` (used to overflow to a negative number)",
         frames(organisations=pd.DataFrame({"organisation_id": [1e20, 2.0]})),
         lambda eco: eco.organisations["organisation_id"].tolist() == ["100000000000000000000", "2"]
         or pytest.fail("1e20")),
    Case("frame-timestamp-year", "projects", "DataFrame", "Timestamps in the year column",
         "accepted: their year, noted",
         frames(organisations=pd.read_csv(pd.io.common.StringIO(ORGS)),
                projects=pd.DataFrame({"project_id": ["p1", "p2"],
                                       "year": pd.to_datetime(["2018-05-01", "2019-01-01"])}),
                participations=pd.read_csv(pd.io.common.StringIO(PARTICIPATIONS))),
         lambda eco: eco.projects["year"].tolist() == [2018, 2019] or pytest.fail("timestamp")),
    # --- CORDIS -------------------------------------------------------------------------------------
    Case("cordis-blank-rows", "participations", "CORDIS CSV", "empty lines in a compact-layout export",
         "accepted: skipped and counted in `eco.notes` (removed)",
         cordis("rcn,role,pic,type\n1,coordinator,10,PRC\n\n1,participant,11,HES\n\n"),
         lambda eco: (len(eco.participations) == 2
                      and eco.summary().loc["participations", "skipped"] == 2) or pytest.fail("cordis blank")),
    Case("cordis-repeated-participation", "participations", "CORDIS CSV", "the same (rcn, pic) twice",
         "accepted: merged, contributions summed, noted (removed)",
         cordis("rcn,role,pic,type,contribution\n1,coordinator,10,PRC,5\n1,participant,10,PRC,7\n"),
         lambda eco: eco.participations[["role", "budget"]].values.tolist() == [["coordinator", 12.0]]
         or pytest.fail("cordis merge")),
    Case("cordis-empty-pic", "participations", "CORDIS CSV", "a row without a pic",
         "error: empty id", cordis("rcn,role,pic,type\n1,coordinator,10,PRC\n1,participant,,HES\n"),
         Error("participations", 3, "organisation_id", "empty id")),
    Case("cordis-official-semicolon-bom", "participations", "CORDIS CSV", "the official `organization.csv`: "
         "`;`, a BOM, decimal commas in ecContribution", "accepted: layout recognised, `1.500,25` is 1500.25",
         cordis("\ufeffprojectID;organisationID;activityType;role;ecContribution\n101;999;PRC;coordinator;1.500,25\n",
                name="organization.csv"),
         lambda eco: eco.participations["budget"].tolist() == [1500.25] or pytest.fail("official")),
    Case("cordis-unknown-layout", "participations", "CORDIS CSV", "a CSV with none of the CORDIS columns",
         "error: not a CORDIS participation layout", cordis("a,b\n1,2\n"),
         Error("participations", None, None, "not a CORDIS participation layout")),
    Case("cordis-programme-parts-gaps", "project_clusters", "CORDIS CSV", "programme parts with an empty part, "
         "a repeated row and a project without participations", "accepted: each left out and counted in "
         "`eco.notes` (removed)",
         cordis("rcn,role,pic,type\n1,coordinator,10,PRC\n2,coordinator,11,HES\n",
                programme_parts=pd.DataFrame({"rcn": ["1", "1", "2", "3"], "programme_part": ["ERC", "ERC", None,
                                                                                            "LEIT"]})),
         lambda eco: (len(eco.project_clusters) == 1
                      and eco.notes.loc[eco.notes["table"] == "project_clusters", "rows"].sum() == 3)
         or pytest.fail("parts")),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.id for case in CATALOGUE])
def test_bad_input_class(tmp_path, case):
    read = case.build(tmp_path)
    if isinstance(case.check, Error):
        with pytest.raises(cn.SchemaError) as info:
            read()
        cases = info.value.failure_cases
        expected = case.check
        match = cases[(cases["table"] == expected.table)
                      & cases["reason"].astype(str).str.contains(expected.reason, regex=False)]
        assert len(match), cases.to_string()
        found = match.iloc[0]
        if expected.row is None:
            assert pd.isna(found["row"]), cases.to_string()
        else:
            assert found["row"] == expected.row, cases.to_string()
        if expected.column is None:
            assert pd.isna(found["column"]) or found["column"] == "", cases.to_string()
        else:
            assert found["column"] == expected.column, cases.to_string()
        assert isinstance(info.value, ValueError) and isinstance(info.value, cn.ClusternetError)
    else:
        eco = read()
        assert isinstance(eco, cn.Ecosystem)
        case.check(eco)


def test_catalogue_has_at_least_thirty_distinct_classes():
    ids = [case.id for case in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 30
    formats = {case.format for case in CATALOGUE}
    assert {"CSV", "Excel", "Parquet", "DataFrame", "CORDIS CSV"} <= formats
    tables = " ".join(case.tables for case in CATALOGUE)
    for table in cn.model.TABLES:
        assert table in tables, table


def catalogue_markdown() -> str:
    """The catalogue as the Markdown table ``docs/bad-input.md`` shows."""
    lines = ["| class | tables | format | input | what happens |", "| --- | --- | --- | --- | --- |"]
    for case in CATALOGUE:
        cells = [f"`{case.id}`", case.tables, case.format, case.given, case.expected]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def test_docs_list_every_class():
    page = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- catalogue:start -->\n(.*?)\n<!-- catalogue:end -->", page, re.S)
    assert block, "docs/bad-input.md lost its catalogue markers"
    assert block.group(1).strip() == catalogue_markdown().strip(), (
        "docs/bad-input.md is out of date: run `python tests/test_bad_input_catalogue.py`"
    )


if __name__ == "__main__":  # rewrite the table of docs/bad-input.md from the catalogue
    text = DOC.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- catalogue:start -->\n).*?(<!-- catalogue:end -->)",
                 lambda m: m.group(1) + catalogue_markdown() + "\n" + m.group(2), text, flags=re.S)
    DOC.write_text(new, encoding="utf-8")
    sys.stdout.write(f"{len(CATALOGUE)} classes written to {DOC}\n")
