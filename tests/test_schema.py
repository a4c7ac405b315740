"""Validation: every bad-input class gives a SchemaError naming table, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

import clusternet as cn


def _orgs(**extra):
    data = {"organisation_id": ["a", "b", "c"], "kind": ["company", "company", "university"]}
    data.update(extra)
    return pd.DataFrame(data)


def _projects(**extra):
    data = {"project_id": ["p1", "p2"], "year": [2018, 2019]}
    data.update(extra)
    return pd.DataFrame(data)


def _participations(**extra):
    data = {"project_id": ["p1", "p1", "p2"], "organisation_id": ["a", "b", "c"]}
    data.update(extra)
    return pd.DataFrame(data)


def _clusters(**extra):
    data = {"cluster_id": ["k1", "k2"], "type": ["SPC", "IBN"]}
    data.update(extra)
    return pd.DataFrame(data)


def _memberships(**extra):
    data = {"organisation_id": ["a", "b"], "cluster_id": ["k1", "k2"], "year": [2018, 2018]}
    data.update(extra)
    return pd.DataFrame(data)


# (id, tables, expected failure (table, row, column, reason fragment))
BAD_INPUTS = [
    ("missing-id-column", {"organisations": pd.DataFrame({"name": ["x"]})},
     ("organisations", None, "organisation_id", "missing mandatory column")),
    ("empty-id", {"organisations": _orgs(organisation_id=["a", None, "c"])},
     ("organisations", 1, "organisation_id", "empty id")),
    ("blank-id", {"organisations": _orgs(organisation_id=["a", "  ", "c"])},
     ("organisations", 1, "organisation_id", "empty id")),
    ("duplicate-id", {"organisations": _orgs(organisation_id=["a", "b", "a"])},
     ("organisations", 2, "organisation_id", "duplicate id (first seen in row 0)")),
    ("unknown-kind", {"organisations": _orgs(kind=["company", "spaceship", "company"])},
     ("organisations", 1, "kind", "not one of company")),
    ("unknown-size", {"organisations": _orgs(size_class=["sme", "huge", "large"])},
     ("organisations", 1, "size_class", "not one of sme")),
    ("unknown-ownership", {"organisations": _orgs(ownership=["domestic", "martian", "unknown"])},
     ("organisations", 1, "ownership", "not one of domestic")),
    ("unknown-cluster-type", {"organisations": _orgs(), "clusters": _clusters(type=["SPC", "XYZ"])},
     ("clusters", 1, "type", "not one of SPC")),
    ("year-not-number", {"organisations": _orgs(), "projects": _projects(year=["2018", "twenty"]),
                         "participations": _participations()},
     ("projects", 1, "year", "not a number")),
    ("year-out-of-range", {"organisations": _orgs(), "projects": _projects(year=[2018, 1850]),
                           "participations": _participations()},
     ("projects", 1, "year", "year outside 1900-2100")),
    ("year-fractional", {"organisations": _orgs(), "projects": _projects(year=[2018, 2019.5]),
                         "participations": _participations()},
     ("projects", 1, "year", "whole number")),
    ("budget-not-number", {"organisations": _orgs(), "projects": _projects(budget=["1000", "lots"]),
                           "participations": _participations()},
     ("projects", 1, "budget", "not a number")),
    ("unknown-organisation-in-participation",
     {"organisations": _orgs(), "projects": _projects(),
      "participations": _participations(organisation_id=["a", "zz", "c"])},
     ("participations", 1, "organisation_id", "not in the organisations table")),
    ("unknown-project-in-participation",
     {"organisations": _orgs(), "projects": _projects(),
      "participations": _participations(project_id=["p1", "p9", "p2"])},
     ("participations", 1, "project_id", "not in the projects table")),
    ("unknown-cluster-in-membership",
     {"organisations": _orgs(), "clusters": _clusters(), "memberships": _memberships(cluster_id=["k1", "k9"])},
     ("memberships", 1, "cluster_id", "not in the clusters table")),
    ("unknown-organisation-in-membership",
     {"organisations": _orgs(), "clusters": _clusters(), "memberships": _memberships(organisation_id=["q", "a"])},
     ("memberships", 0, "organisation_id", "not in the organisations table")),
    ("unknown-cluster-in-project-clusters",
     {"organisations": _orgs(), "clusters": _clusters(), "projects": _projects(),
      "participations": _participations(),
      "project_clusters": pd.DataFrame({"project_id": ["p1"], "cluster_id": ["nope"]})},
     ("project_clusters", 0, "cluster_id", "not in the clusters table")),
    ("missing-referenced-table", {"participations": _participations(), "projects": _projects()},
     ("organisations", None, None, "missing table")),
    ("bad-role", {"organisations": _orgs(), "projects": _projects(),
                  "participations": _participations(role=["coordinator", "boss", "partner"])},
     ("participations", 1, "role", "not one of coordinator")),
    ("bad-board-flag", {"organisations": _orgs(), "clusters": _clusters(),
                        "memberships": _memberships(board=["yes", "maybe"])},
     ("memberships", 1, "board", "not a yes/no value")),
    ("bad-date", {"organisations": _orgs(), "clusters": _clusters(start=["2017-01-01", "someday"])},
     ("clusters", 1, "start", "not a date")),
    ("duplicate-column", {"organisations": pd.DataFrame([["a", "b"]], columns=["organisation_id", "Organisation_ID"])},
     ("organisations", None, "Organisation_ID", "duplicate column")),
]


@pytest.mark.parametrize("tables, expected", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_reported_with_table_row_and_column(tables, expected):
    with pytest.raises(cn.SchemaError) as info:
        cn.Ecosystem.from_tables(tables)
    table, row, column, reason = expected
    cases = info.value.failure_cases
    assert list(cases.columns) == ["table", "file", "row", "column", "value", "reason"]
    match = cases[(cases["table"] == table) & cases["reason"].str.contains(reason, regex=False)]
    assert len(match) >= 1, cases.to_string()
    found = match.iloc[0]
    assert (pd.isna(found["row"]) if row is None else found["row"] == row), cases.to_string()
    assert (pd.isna(found["column"]) if column is None else found["column"] == column), cases.to_string()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, cn.ClusternetError)


def test_all_problems_are_collected_before_raising():
    tables = {
        "organisations": _orgs(organisation_id=["a", "a", None], kind=["x", "company", "company"]),
    }
    with pytest.raises(cn.SchemaError) as info:
        cn.Ecosystem.from_tables(tables)
    reasons = info.value.failure_cases["reason"].tolist()
    assert len(reasons) == 3, reasons
    assert "3 problems" in str(info.value)


def test_message_shows_first_cases_and_total():
    organisations = pd.DataFrame({"organisation_id": [f"o{i}" for i in range(30)], "kind": ["bad"] * 30})
    with pytest.raises(cn.SchemaError) as info:
        cn.Ecosystem(organisations=organisations)
    message = str(info.value)
    assert message.startswith("30 problems")
    assert "and 20 more" in message


def test_defaults_and_aliases_and_extra_columns():
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"ORG_ID": [" 007 ", "8"], "Size": ["KMO", None], "my_note": ["x", "y"]})
    )
    orgs = eco.organisations
    assert orgs["organisation_id"].tolist() == ["007", "8"]  # stripped, leading zeros kept
    assert orgs["size_class"].tolist() == ["sme", "unknown"]
    assert orgs["kind"].tolist() == ["other", "other"]
    assert orgs["my_note"].tolist() == ["x", "y"]
    actions = " ".join(eco.notes["action"])
    assert "column absent; filled with default 'other'" in actions
    assert "empty cells filled with default 'unknown'" in actions


def test_repeated_participation_is_merged_and_reported():
    eco = cn.Ecosystem(
        organisations=_orgs(),
        projects=_projects(),
        participations=pd.DataFrame(
            {"project_id": ["p1", "p1", "p1", "p2"], "organisation_id": ["a", "b", "a", "c"],
             "role": ["partner", "partner", "coordinator", "partner"], "budget": [10.0, 5.0, 2.5, 1.0]}
        ),
    )
    parts = eco.participations
    assert len(parts) == 3
    row = parts[(parts["project_id"] == "p1") & (parts["organisation_id"] == "a")].iloc[0]
    assert row["role"] == "coordinator"
    assert row["budget"] == 12.5
    assert eco.summary().loc["participations", "merged"] == 1


def test_every_column_kind_has_one_parser_and_one_dtype():
    # Adding a kind is one entry in each table; a kind in a schema without both would fail only
    # when a user's file first has that column.
    from clusternet.model._validation import _DTYPES, _PARSERS

    used = {column.kind for schema in cn.model.SCHEMAS.values() for column in schema.columns}
    assert set(_PARSERS) == set(_DTYPES)
    assert used <= set(_PARSERS), sorted(used - set(_PARSERS))


# (kind, table, column, raw cells) for a column of each kind, as text and as mixed Python cells
KIND_COLUMNS = [
    ("id", "organisations", "organisation_id", ["a", 7, " b "]),
    ("text", "organisations", "sector", ["ict", None, 3.0]),
    ("category", "organisations", "kind", ["Company", "HES", None]),
    ("year", "projects", "year", ["2019", 2020.0, None]),
    ("number", "projects", "budget", ["1.234,5", 12, None]),
    ("boolean", "memberships", "board", ["ja", True, None]),
    ("date", "clusters", "start", ["2019-01-05", pd.Timestamp("2020-02-02"), None]),
]


@pytest.mark.parametrize(("kind", "table", "column", "cells"), KIND_COLUMNS, ids=[c[0] for c in KIND_COLUMNS])
@pytest.mark.parametrize("form", ["text", "mixed"])
def test_each_kind_parses_to_its_dtype(kind, table, column, cells, form):
    from clusternet.model._validation import _DTYPES

    schema = cn.model.SCHEMAS[table]
    assert schema.column(column).kind == kind
    values = [None if c is None else str(c) for c in cells] if form == "text" else cells
    ids = ["x", "y", "z"]
    frame = pd.DataFrame({c.name: ids for c in schema.columns if c.kind == "id" and c.name != column})
    frame[column] = pd.Series(values, dtype=object)
    tables = {table: frame}
    for target in {c.references for c in schema.columns if c.references}:
        tables[target] = pd.DataFrame({cn.model.SCHEMAS[target].key[0]: ids})
    cleaned, _, _ = cn.model.validate_tables(tables)
    assert str(cleaned[table][column].dtype) == str(pd.Series([], dtype=_DTYPES[kind]).dtype)


def test_ecosystem_is_immutable(flanders):
    with pytest.raises(AttributeError):
        flanders.organisations = None
    frame = flanders.clusters
    frame.loc[0, "name"] = "changed"
    assert flanders.clusters.loc[0, "name"] != "changed"


def test_missing_table_error_names_the_analysis():
    eco = cn.Ecosystem(organisations=_orgs())
    with pytest.raises(cn.MissingTableError, match="needs the tables projects, participations"):
        eco.require("projects", "participations", purpose="the organisation network")
    with pytest.raises(KeyError):
        eco.require("clusters", purpose="x")


def test_decimal_comma_and_year_as_text():
    eco = cn.Ecosystem(
        organisations=_orgs(),
        projects=_projects(year=["2018", " 2019 "], budget=["1.250,50", "3,5"]),
        participations=_participations(),
    )
    assert eco.projects["budget"].tolist() == [1250.5, 3.5]
    assert eco.projects["year"].tolist() == [2018, 2019]


def test_dutch_status_words_mean_withdrawn_and_approved():
    # Tabel 10 of the report marks a withdrawn partner "teruggetrokken"; a Flemish file says so too
    eco = cn.Ecosystem(
        clusters=_clusters(),
        projects=_projects(),
        organisations=_orgs(),
        participations=_participations(),
        project_clusters=pd.DataFrame({"project_id": ["p1", "p1", "p2"], "cluster_id": ["k1", "k2", "k1"],
                                       "status": ["Goedgekeurd", " Teruggetrokken ", "pending review"]}),
    )
    assert eco.project_clusters["status"].tolist() == ["approved", "withdrawn", "pending review"]
    # the withdrawn cluster does not carry p1, so k1 and k2 share no project
    assert cn.cluster_network(eco, via="intercluster").number_of_edges() == 0


class _Annotated(cn.Ecosystem):
    __slots__ = ()


def test_an_ecosystem_survives_pickle_and_deepcopy(flanders):
    # multiprocessing and joblib pickle their arguments; the immutable class once refused to unpickle.
    import copy
    import pickle

    for clone in (pickle.loads(pickle.dumps(flanders)), copy.deepcopy(flanders), copy.copy(flanders)):
        assert clone == flanders
        assert clone.provided == flanders.provided
        assert clone.files == flanders.files
        pd.testing.assert_frame_equal(clone.notes, flanders.notes)
        with pytest.raises(AttributeError, match="immutable"):
            clone.organisations = None

    mine = _Annotated(organisations=flanders.organisations)  # a user's subclass keeps its type
    assert type(pickle.loads(pickle.dumps(mine))) is _Annotated and type(copy.deepcopy(mine)) is _Annotated
