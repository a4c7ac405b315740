"""read_participations: flat partner lists into the six tables, ids from names, vocabularies."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet.io import LEGAL_FORMS, VOCABULARIES, name_key
from clusternet.testing import ecosystems

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORDIS_PLUS = SHARED_DATA / "cordis-names" / "cordis-plus-2022.csv"
REGIONAL = ROOT / "examples" / "data" / "regional-partners.csv"


def _flat(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# -- the split -------------------------------------------------------------------------------------

# Four participations of three organisations in two projects; project P2 is carried by two
# clusters. The expected tables below are read off these rows by hand.
SMALL = _flat(
    project=["P1", "P1", "P2", "P2"],
    pic=["1", "2", "1", "3"],
    name=["Alpha", "Beta", "Alpha", "Gamma"],
    kind=["company", "HES", "company", "REC"],
    country=["BE", "NL", "BE", "BE"],
    year=["2019", "2019", "2020", "2020"],
    budget=["100", "100", "50", "50"],
    role=["coordinator", "partner", "lead", "beneficiary"],
    contribution=["10", "20", "5", None],
    cluster=["C1", "C1", "C2", "C1"],
)


def test_a_small_flat_table_splits_into_the_tables_read_off_by_hand():
    eco = cn.read_participations(SMALL)
    organisations = eco.organisations.set_index("organisation_id")
    assert organisations.loc[["1", "2", "3"], ["name", "kind", "country"]].values.tolist() == [
        ["Alpha", "company", "BE"], ["Beta", "knowledge_institution", "NL"], ["Gamma", "research_centre", "BE"]]
    projects = eco.projects.set_index("project_id")
    assert projects.loc[["P1", "P2"], "year"].tolist() == [2019, 2020]
    assert projects.loc[["P1", "P2"], "budget"].tolist() == [100.0, 50.0]
    participations = eco.participations
    assert participations[["project_id", "organisation_id", "role"]].values.tolist() == [
        ["P1", "1", "coordinator"], ["P1", "2", "partner"], ["P2", "1", "coordinator"], ["P2", "3", "partner"]]
    assert participations["budget"].tolist()[:3] == [10.0, 20.0, 5.0]
    assert pd.isna(participations["budget"].iloc[3])
    assert sorted(eco.clusters["cluster_id"]) == ["C1", "C2"]
    assert sorted(map(tuple, eco.project_clusters[["project_id", "cluster_id"]].values)) == [
        ("P1", "C1"), ("P2", "C1"), ("P2", "C2")]
    assert "memberships" not in eco.provided


def test_clusters_as_memberships_when_asked():
    eco = cn.read_participations(SMALL, cluster_link="memberships")
    assert "project_clusters" not in eco.provided
    # one membership per organisation, cluster and project year, read off SMALL
    assert sorted(map(tuple, eco.memberships[["organisation_id", "cluster_id", "year"]].astype(str).values)) == [
        ("1", "C1", "2019"), ("1", "C2", "2020"), ("2", "C1", "2019"), ("3", "C1", "2020")]


def test_every_row_is_a_participation_or_a_merge_note():
    flat = pd.concat([SMALL, SMALL.iloc[[0]]], ignore_index=True)  # P1/1 twice
    eco = cn.read_participations(flat)
    removed = eco.notes[eco.notes["removed"] & eco.notes["table"].eq("participations")]["rows"].sum()
    assert len(eco.participations) + removed == len(flat)


def test_columns_are_found_by_the_mapping_and_noted():
    flat = SMALL.rename(columns={"name": "Partner", "role": "Lead partner"})
    eco = cn.read_participations(flat, columns={"name": "Partner", "role": "Lead partner"})
    assert eco.organisations.set_index("organisation_id").loc["1", "name"] == "Alpha"
    found = " ".join(eco.notes["action"])
    assert "organisation_id <- 'pic'" in found and "project_id <- 'project'" in found


@pytest.mark.parametrize(
    ("columns", "message"),
    [({"colour": "name"}, "columns has no field 'colour'"),
     ({"name": "Partner"}, "'Partner', which is not a column"),
     ({"project_id": []}, "names no column")],
    ids=["unknown-field", "unknown-column", "empty-compound"],
)
def test_bad_mappings_raise_option_errors(columns, message):
    with pytest.raises(cn.OptionError, match=message):
        cn.read_participations(SMALL, columns=columns)


def test_no_project_or_organisation_column_says_what_is_accepted():
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(_flat(Acronym=["A"], Partner=["x"]))
    reasons = " ".join(caught.value.failure_cases["reason"])
    assert "no project column" in reasons and "no organisation column" in reasons and "legal_name" in reasons


# -- compound keys --------------------------------------------------------------------------------


def test_a_compound_key_keeps_one_acronym_in_two_programmes_apart():
    flat = _flat(Programme=["Interreg", "Interreg", "Horizon"], Acronym=["ACME", "ACME", "ACME"],
                 Partner=["Alpha", "Beta", "Alpha"])
    eco = cn.read_participations(flat, columns={"project_id": ["Programme", "Acronym"], "name": "Partner",
                                                "cluster_id": "Programme"})
    assert sorted(eco.projects["project_id"]) == ["Horizon / ACME", "Interreg / ACME"]
    assert sorted(eco.clusters["cluster_id"]) == ["Horizon", "Interreg"]


def test_an_empty_part_of_a_compound_key_is_reported_with_its_row():
    flat = _flat(Programme=["Interreg", None], Acronym=["ACME", "BETA"], Partner=["Alpha", "Beta"])
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(flat, columns={"project_id": ["Programme", "Acronym"], "name": "Partner"})
    cases = caught.value.failure_cases
    assert cases[["row", "column"]].values.tolist() == [[1, "Programme+Acronym"]]
    assert "empty part 'Programme'" in cases["reason"].iloc[0]


# -- conflicts --------------------------------------------------------------------------------------


def test_a_project_whose_rows_disagree_is_reported_with_its_rows():
    flat = SMALL.assign(year=["2019", "2018", "2020", "2020"])
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(flat)
    cases = caught.value.failure_cases
    assert cases["row"].tolist() == [0, 1]
    assert cases["column"].unique().tolist() == ["year"]
    assert "project 'P1' has different year values on its rows: '2018' (row 1); '2019' (row 0)" in cases["reason"][0]


def test_conflicts_resolved_by_the_most_frequent_value_are_noted():
    flat = SMALL.assign(kind=["company", "HES", "PUB", "REC"], name=["Alpha", "Beta", "Alpha", "Gamma"])
    flat = pd.concat([flat, flat.iloc[[0]].assign(project="P3")], ignore_index=True)  # Alpha company twice
    eco = cn.read_participations(flat, conflicts="most_frequent")
    assert eco.organisations.set_index("organisation_id").loc["1", "kind"] == "company"
    assert eco.notes["action"].str.contains("kept 'company', the most frequent").any()


def test_an_empty_cell_takes_the_value_of_the_other_rows_with_a_note():
    eco = cn.read_participations(SMALL.assign(country=["BE", "NL", None, "BE"]))
    assert eco.organisations.set_index("organisation_id").loc["1", "country"] == "BE"
    assert eco.notes["action"].str.contains("1 empty cell").any()


# -- organisations without ids ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "legal_forms", "key"),
    [("Acme N.V.", False, "acme nv"),
     ("ACME  NV", False, "acme nv"),
     ("Acme\u00a0NV", False, "acme nv"),
     ("Ac\u200bme NV", False, "acme nv"),
     ("\uff35\uff4e\uff49 Gent", False, "uni gent"),        # full-width letters, NFKC
     ("\ufb01rma", False, "firma"),                         # the fi ligature, NFKC
     ("Stra\u00dfe Bau", False, "strasse bau"),             # casefold
     ("Dupont-Smith & Co", False, "dupont smith co"),
     ("O'Neill\u2019s", False, "oneills"),
     ("Universit\u00e4t Wien", False, "universit\u00e4t wien"),  # accents stay
     ("Acme N.V.", True, "acme"),
     ("Siemens AG", True, "siemens"),
     ("Foo GmbH & Co. KG", True, "foo"),
     ("Bar S.A.", True, "bar"),
     ("Flanders Make vzw", True, "flanders make"),
     ("AB", True, "ab")],                                   # never the whole name
    ids=["dots", "case-and-spaces", "no-break-space", "zero-width-space", "full-width", "ligature",
         "casefold", "punctuation", "apostrophes", "accents-kept", "legal-nv", "legal-ag", "legal-gmbh-co-kg",
         "legal-sa", "legal-vzw", "legal-form-alone"],
)
def test_name_keys(name, legal_forms, key):
    assert name_key(name, legal_forms=legal_forms)[0] == key


def test_legal_forms_are_written_as_name_key_writes_them():
    assert all(name_key(form)[0] == form for form in LEGAL_FORMS)


VARIANTS = _flat(
    project=["P1", "P1", "P2", "P2", "P3"],
    partner=["Acme N.V.", "Beta", "ACME  NV", "Beta", "Acme\u00a0N.V."],
    country=["BE", "NL", "BE", "BE", "BE"],
)


def test_spellings_of_one_name_merge_with_a_note_and_a_review_table():
    eco = cn.read_participations(VARIANTS, columns={"name": "partner"})
    # Beta in NL and Beta in BE are two organisations: the country is part of the id
    assert sorted(eco.organisations["organisation_id"]) == ["acme nv (BE)", "beta (BE)", "beta (NL)"]
    # one row each: the tie goes to the one spelling without stray spaces ('ACME  NV' has two, the
    # other a no-break space), whatever the order of the rows
    assert eco.organisations.set_index("organisation_id").loc["acme nv (BE)", "name"] == "Acme N.V."
    merges = eco.notes[eco.notes["action"].str.startswith("spellings")]
    assert len(merges) == 1
    assert "'Acme N.V.' (1 row), 'ACME  NV' (1 row), 'Acme\\xa0N.V.' (1 row)" in merges["action"].iloc[0]
    variants = cn.name_variants(eco)
    assert variants[variants["merged"]]["spelling"].tolist() == ["Acme N.V.", "ACME  NV", "Acme\u00a0N.V."]
    assert cn.read_participations(VARIANTS.iloc[::-1], columns={"name": "partner"}).organisations.set_index(
        "organisation_id").loc["acme nv (BE)", "name"] == "Acme N.V."
    assert variants["rows"].sum() == len(VARIANTS)


def test_characters_left_out_of_ids_are_noted():
    eco = cn.read_participations(VARIANTS.assign(partner=["Ac\u200bme", "Be-ta", "Acme", "Be-ta", "Acme"]),
                                 columns={"name": "partner"})
    actions = eco.notes["action"].tolist()
    assert "zero-width space left out of the organisation ids (names on 1 row)" in actions
    assert "'-' left out of the organisation ids (names on 2 rows)" in actions


def test_legal_forms_merge_only_when_asked():
    flat = _flat(project=["P1", "P2"], name=["Acme", "Acme NV"])
    assert len(cn.read_participations(flat).organisations) == 2
    eco = cn.read_participations(flat, legal_forms=True)
    assert eco.organisations["organisation_id"].tolist() == ["acme"]
    assert eco.notes["action"].str.contains("legal form 'nv' left out").any()


@pytest.mark.parametrize("name", ["", "...", None], ids=["empty", "punctuation-only", "missing"])
def test_a_name_that_gives_no_id_is_reported(name):
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(_flat(project=["P1", "P1"], name=["Acme", name]))
    assert caught.value.failure_cases["row"].tolist() == [1]


def test_names_under_one_explicit_id_that_really_differ_are_conflicts():
    flat = _flat(project=["P1", "P2", "P3"], pic=["1", "1", "1"], name=["ACME NV", "Acme N.V.", "Zeta"])
    with pytest.raises(cn.SchemaError, match="different name values"):
        cn.read_participations(flat)
    eco = cn.read_participations(flat.iloc[:2])
    assert eco.organisations["name"].tolist() == ["ACME NV"]
    assert eco.notes["action"].str.startswith("spellings 'ACME NV'").any()


# -- vocabularies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "role"),
    [("lead partner", "coordinator"), ("LP", "coordinator"), ("Lead", "coordinator"),
     ("Coordinator", "coordinator"), ("beneficiary", "partner"), ("Participant", "partner"),
     ("partner", "partner"), ("third party", "other"), ("Third-Party", "other")],
    ids=["lead-partner", "LP", "lead", "coordinator", "beneficiary", "participant", "partner", "third-party",
         "third-party-hyphen"],
)
def test_default_role_spellings(value, role):
    eco = cn.read_participations(SMALL.assign(role=value))
    assert set(eco.participations["role"]) == {role}


@pytest.mark.parametrize(
    ("value", "kind"),
    [("HES", "knowledge_institution"), ("PRC", "company"), ("REC", "research_centre"), ("PUB", "public_body"),
     ("OTH", "other"), ("public", "public_body"), ("private", "company"), ("University", "knowledge_institution"),
     ("research centre", "research_centre"), ("Higher education", "knowledge_institution")],
    ids=["HES", "PRC", "REC", "PUB", "OTH", "public", "private", "university", "research-centre",
         "higher-education"],
)
def test_default_kind_spellings(value, kind):
    eco = cn.read_participations(SMALL.assign(kind=value))
    assert set(eco.organisations["kind"]) == {kind}


def test_a_yes_no_lead_flag_through_the_vocabulary():
    flat = SMALL.assign(role=["Yes", "No", "yes", "NO"])
    with pytest.raises(cn.SchemaError, match="a Yes/No lead flag reads with vocabulary"):
        cn.read_participations(flat)
    eco = cn.read_participations(flat, vocabulary={"role": {"Yes": "coordinator", "No": "partner"}})
    assert eco.participations["role"].tolist() == ["coordinator", "partner", "coordinator", "partner"]


def test_an_unknown_value_lists_every_value_and_spelling_accepted():
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(SMALL.assign(kind=["company", "alien", "alien", "REC"]),
                               vocabulary={"kind": {"Spin-off": "company"}})
    cases = caught.value.failure_cases
    assert cases["row"].tolist() == [1, 2]
    reason = cases["reason"].iloc[0]
    assert all(repr(spelling) in reason for spelling in [*VOCABULARIES["kind"], "Spin-off"])
    assert all(kind in reason for kind in cn.model.KINDS)
    assert "..." not in reason.replace("{...}", "")


def test_a_user_spelling_extends_the_defaults():
    eco = cn.read_participations(SMALL.assign(kind=["Spin-off", "HES", "spin off", "REC"]),
                                 vocabulary={"kind": {"spin-off": "company"}})
    assert eco.organisations.set_index("organisation_id").loc["1", "kind"] == "company"


@pytest.mark.parametrize(
    ("vocabulary", "message"),
    [({"colour": {"x": "y"}}, "vocabulary has no field 'colour'"),
     ({"role": {"Yes": "boss"}}, "a role is one of coordinator, partner, subcontractor, other")],
    ids=["unknown-field", "unknown-value"],
)
def test_bad_vocabularies_raise_option_errors(vocabulary, message):
    with pytest.raises(cn.OptionError, match=message):
        cn.read_participations(SMALL, vocabulary=vocabulary)


# -- cells -----------------------------------------------------------------------------------------


def test_missing_cells_by_name():
    flat = SMALL.assign(country=["NA", "NL", "BE", "NA"])
    assert "NA" in set(cn.read_participations(flat, conflicts="most_frequent").organisations["country"])
    countries = cn.read_participations(flat, missing=["NA"]).organisations.set_index("organisation_id")["country"]
    assert countries["1"] == "BE" and pd.isna(countries["3"])


def test_a_stated_number_convention_reads_continental_numbers():
    flat = SMALL.assign(contribution=["1.234,50", "20", "5", "7"])
    eco = cn.read_participations(flat, decimal=",", thousands=".")
    assert eco.participations["budget"].iloc[0] == 1234.5


def test_a_file_reports_spreadsheet_rows_and_source_columns(tmp_path):
    path = tmp_path / "partners.csv"
    SMALL.assign(kind=["company", "alien", "company", "REC"]).to_csv(path, index=False)
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(path)
    assert caught.value.failure_cases[["file", "row", "column", "value"]].values.tolist() == [
        [str(path), 3, "kind", "alien"]]


# -- real and synthetic files -----------------------------------------------------------------------


def test_the_synthetic_regional_export_reads_with_a_mapping_and_a_vocabulary():
    eco = cn.read_participations(
        REGIONAL,
        columns={"project_id": "Project acronym", "title": "Project title", "name": "Partner",
                 "kind": "Partner type", "role": "Lead partner", "budget": "Total budget",
                 "contribution": "Partner budget (EUR)", "cluster_id": "Priority"},
        vocabulary={"role": {"Yes": "coordinator", "No": "partner"},
                    "kind": {"Interest group": "cluster_organisation", "Large enterprise": "company"}},
    )
    raw = pd.read_csv(REGIONAL, dtype=str)
    assert len(eco.participations) == len(raw)
    assert len(eco.projects) == raw["Project acronym"].nunique()
    assert (eco.participations.groupby("project_id")["role"].apply(lambda r: (r == "coordinator").sum()) == 1).all()
    first = raw.iloc[0]  # "1,106,773.95" and "325.257,85" in the file
    assert eco.projects.set_index("project_id").loc[first["Project acronym"], "budget"] == pytest.approx(
        float(first["Total budget"].replace(",", "")))
    assert eco.participations["budget"].iloc[0] == pytest.approx(
        float(first["Partner budget (EUR)"].replace(".", "").replace(",", ".")))


@pytest.mark.skipif(not CORDIS_PLUS.exists(), reason="needs ../shared/data/cordis-names")
def test_cordis_plus_end_to_end_against_plain_pandas():
    eco = cn.read_participations(
        CORDIS_PLUS, columns={"role": "partner_role", "kind": "legal_entity_type", "country": "country_code",
                              "contribution": "ec_contribution"},
        vocabulary={"role": {"Partner": "other"}}, missing=["NA"], conflicts="most_frequent")
    raw = pd.read_csv(CORDIS_PLUS, dtype=str, keep_default_na=False)
    merged = eco.notes[eco.notes["removed"] & eco.notes["table"].eq("participations")]["rows"].sum()
    assert len(eco.participations) + merged == len(raw)
    assert merged == raw.duplicated(["project_id", "pic"]).sum()
    assert len(eco.projects) == raw["project_id"].nunique()
    assert len(eco.organisations) == raw["pic"].nunique()
    assert eco.participations["role"].value_counts()["coordinator"] == raw["partner_role"].eq("Coordinator").sum()


# -- round trip ---------------------------------------------------------------------------------------


# The flat-table properties: 30 examples in CI (about 20 s of CPU); scripts/fuzz-nightly sets
# CLUSTERNET_FUZZ_EXAMPLES and runs a twentieth of it here (each example reads a whole table).
FLAT_EXAMPLES = max(30, int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0")) // 20)


def _joined(eco) -> pd.DataFrame:
    """One row per participation with its organisation's and project's attributes."""
    return eco.participations.rename(columns={"budget": "contribution"}).merge(
        eco.organisations, on="organisation_id").merge(eco.projects, on="project_id")


@settings(max_examples=FLAT_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(with_clusters=False, min_organisations=1))
def test_an_ecosystem_joined_flat_reads_back(eco):
    participations = eco.participations
    flat = _joined(eco)
    if flat.empty:
        return
    back = cn.read_participations(flat)
    taking_part = eco.organisations[eco.organisations["organisation_id"].isin(participations["organisation_id"])]
    pd.testing.assert_frame_equal(back.organisations.sort_values("organisation_id").reset_index(drop=True),
                                  taking_part.sort_values("organisation_id").reset_index(drop=True))
    with_partners = eco.projects[eco.projects["project_id"].isin(participations["project_id"])]
    columns = ["project_id", "title", "instrument", "year", "budget", "funding"]
    pd.testing.assert_frame_equal(back.projects[columns].sort_values("project_id").reset_index(drop=True),
                                  with_partners[columns].sort_values("project_id").reset_index(drop=True))
    key = ["project_id", "organisation_id"]
    pd.testing.assert_frame_equal(back.participations.sort_values(key).reset_index(drop=True),
                                  eco.participations.sort_values(key).reset_index(drop=True))


def test_the_docs_page_lists_every_default_spelling_and_legal_form():
    page = (ROOT / "docs" / "own-data.md").read_text(encoding="utf-8")
    for field in ("role", "kind"):
        for spelling, value in VOCABULARIES[field].items():
            assert f"| `{field}` | `{value}` |" in page and f"`{spelling}`" in page, (field, spelling)
    assert all(f"`{form}`" in page for form in LEGAL_FORMS)


def test_repeated_row_labels_are_renumbered_with_a_note():
    flat = pd.concat([SMALL, SMALL.assign(project=["P7", "P7", "P8", "P8"], year="1800")])
    with pytest.raises(cn.SchemaError) as caught:
        cn.read_participations(flat)
    assert sorted(set(caught.value.failure_cases["row"])) == [4, 6]  # the first row of P7 and P8, by position
    eco = cn.read_participations(pd.concat([SMALL, SMALL.assign(project=["P7", "P7", "P8", "P8"])]))
    assert eco.notes["action"].str.startswith("row labels repeated").any()


@settings(max_examples=FLAT_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(with_clusters=False, min_organisations=1), st.randoms(use_true_random=False))
def test_row_order_never_changes_what_is_read(eco, random):
    # ids made from names, with spellings that differ in case on every other row: merges and ties
    flat = _joined(eco)
    if flat.empty:
        return
    # the strategy's ids may differ only in case ("a", "A"), and names made ids fold case: number them
    flat["name"] = [f"Organisation {code}" for code in pd.factorize(flat.pop("organisation_id"))[0]]
    flat["name"] = flat["name"].where(flat.index % 2 == 0, flat["name"].str.upper())
    order = list(range(len(flat)))
    random.shuffle(order)
    read, shuffled = cn.read_participations(flat), cn.read_participations(flat.iloc[order])
    for table, key in (("organisations", ["organisation_id"]), ("projects", ["project_id"]),
                       ("participations", ["project_id", "organisation_id"])):
        pd.testing.assert_frame_equal(read.table(table).sort_values(key).reset_index(drop=True),
                                      shuffled.table(table).sort_values(key).reset_index(drop=True))
    assert sorted(read.notes["action"]) == sorted(shuffled.notes["action"])


def test_a_budget_that_differs_on_every_row_suggests_contribution():
    # A partner list's "Budget partner" mapped as the project's budget: every row of a project
    # differs, so the error says how to map it as each partner's own (participations.budget).
    flat = pd.DataFrame({"Project": ["p1", "p1", "p2", "p2"], "Partner": ["A", "B", "A", "C"],
                         "Budget": ["10", "20", "30", "40"]})
    with pytest.raises(cn.SchemaError, match="map the column as contribution="):
        cn.read_participations(flat, columns={"project_id": "Project", "name": "Partner", "budget": "Budget"})
    eco = cn.read_participations(flat, columns={"project_id": "Project", "name": "Partner", "contribution": "Budget"})
    assert eco.participations["budget"].tolist() == [10.0, 20.0, 30.0, 40.0]
