"""link_organisations: members to CORDIS participants by PIC, VAT, name and similar name."""

from __future__ import annotations

import os
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet.io import LINK_COLUMNS, name_key
from clusternet.io._names import _words

rapidfuzz = pytest.importorskip("rapidfuzz")
from rapidfuzz import fuzz  # noqa: E402

EXAMPLES = int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "60"))


def _members(**columns) -> cn.Ecosystem:
    return cn.Ecosystem.from_tables({"organisations": pd.DataFrame(columns)})


# Members spelt as a member list spells them; participants as CORDIS does. The right link of
# each member is written beside it, by hand.
MEMBERS = _members(
    organisation_id=[
        "m-ugent",
        "m-ugent-short",
        "m-acme",
        "m-liege",
        "m-pic",
        "m-vat",
        "m-stale-pic",
        "m-nl",
        "m-none",
    ],
    name=[
        "Universiteit Gent",
        "UGent",
        "Acme N.V.",
        "Université de Liège",
        "Renamed Since",
        "Other Name",
        "Beta Systems bvba",
        "Acme N.V.",
        "Nobody At All",
    ],
    country=["BE", "BE", "BE", "BE", "BE", "BE", "BE", "NL", "BE"],
    pic=[None, None, None, None, "999000111", None, "123", None, None],
    vat=[None, None, None, None, None, "0123.456.789", None, None, None],
)
PARTICIPANTS = pd.DataFrame(
    {
        "organisation_id": ["999986096", "911", "976", "999000111", "555", "600", "700"],
        "name": [
            "UNIVERSITEIT GENT",
            "ACME NV",
            "UNIVERSITE DE LIEGE",
            "OLD NAME SA",
            "VAT HOLDER NV",
            "BETA SYSTEMS BVBA",
            "ACME NV",
        ],
        "short_name": ["UGent", None, "ULG", None, None, None, None],
        "country": ["BE", "BE", "BE", "BE", "BE", "BE", "DE"],
        "vat": [None, None, None, None, "BE 0123 456 789", None, None],
    }
)
EXPECTED = {  # member: (participant, method, matched)
    "m-ugent": ("999986096", "name", "name"),
    "m-ugent-short": ("999986096", "name", "short_name"),
    "m-acme": ("911", "name", "name"),
    "m-liege": ("976", "name", "name"),  # accents left out
    "m-pic": ("999000111", "pic", "pic"),  # the PIC wins over a different name
    "m-vat": ("555", "vat", "vat"),  # BE prefix added to the member's number
    "m-stale-pic": ("600", "name", "name"),  # its PIC is nobody's: its name still links
    "m-nl": (None, "unmatched", None),  # ACME NV is in BE and DE, not NL
    "m-none": (None, "unmatched", None),
}


def test_each_member_gets_the_link_written_beside_it():
    links = cn.link_organisations(MEMBERS, PARTICIPANTS)
    assert list(links.columns) == LINK_COLUMNS
    assert links["organisation_id"].tolist() == list(EXPECTED)  # one row each, the table's order
    for row in links.itertuples(index=False):
        participant, method, matched = EXPECTED[row.organisation_id]
        assert (None if pd.isna(row.participant_id) else row.participant_id) == participant
        assert (row.method, None if pd.isna(row.matched) else row.matched) == (method, matched)
        assert row.linked == (method != "unmatched")
        assert (row.score == 100.0) if row.linked else np.isnan(row.score)


def test_an_organisation_with_two_pics_keeps_both():
    # CORDIS registers some organisations twice; both are the member's, so both are linked
    twice = pd.concat(
        [PARTICIPANTS, pd.DataFrame({"organisation_id": ["912"], "name": ["Acme N.V."], "country": ["BE"]})]
    )
    links = cn.link_organisations(MEMBERS, twice, methods=["name"])
    acme = links[links["organisation_id"] == "m-acme"]
    assert acme["participant_id"].tolist() == ["911", "912"] and acme["linked"].all()


def _plain_key(name: str) -> str:
    """An independent normalisation for the ASCII names below: lower case, dots gone, the
    trailing legal form gone (the names are chosen so nothing else matters)."""
    words = name.lower().replace(".", "").replace("-", " ").split()
    return " ".join(
        words[:-1] if len(words) > 1 and words[-1] in {"nv", "bv", "bvba", "sa", "gmbh"} else words
    )


FUZZY_MEMBERS = [
    "Acme Sytems NV",
    "Brightfield Energy",
    "Catalysis Labs BVBA",
    "Delta Logistics",
    "Zeta",
    "Omega Food Group",
]
FUZZY_PARTICIPANTS = [
    "ACMEE SYSTEMS NV",
    "ACME SYSTEMS INTERNATIONAL",
    "BRIGHTFIELDS ENERGY SA",
    "CATALYSIS LAB",
    "CATALYSE LABS",
    "DELTA LOGISTIC",
    "DELTA LOGISTICS GROUP",
    "ZETA-ONE",
    "OMEGA FOODS GROUP",
    "OMEGA FOOD GROUPS",
]


@pytest.mark.parametrize(
    "cutoff, accept, candidates",
    [(80, 90, 3), (60, 95, 2), (0, 0, 10)],
    ids=["defaults", "strict-accept", "everything"],
)
def test_fuzzy_candidates_are_rapidfuzz_scores_brute_force(cutoff, accept, candidates):
    members = _members(
        organisation_id=[f"m{i}" for i in range(len(FUZZY_MEMBERS))], name=FUZZY_MEMBERS, country="BE"
    )
    participants = pd.DataFrame(
        {
            "organisation_id": [f"p{i:02d}" for i in range(len(FUZZY_PARTICIPANTS))],
            "name": FUZZY_PARTICIPANTS,
            "country": "BE",
        }
    )
    links = cn.link_organisations(
        members, participants, methods=["fuzzy"], cutoff=cutoff, accept=accept, candidates=candidates
    )
    # Expected: every pair scored by rapidfuzz on the plain keys, the best `candidates` from cutoff up
    expected = []
    for i, member in enumerate(FUZZY_MEMBERS):
        scores = sorted(
            (
                (-fuzz.token_sort_ratio(_plain_key(member), _plain_key(name)), f"p{j:02d}")
                for j, name in enumerate(FUZZY_PARTICIPANTS)
            )
        )
        kept = [(-score, pid) for score, pid in scores if -score >= cutoff][:candidates]
        if not kept:
            expected.append((f"m{i}", None, "unmatched", None, False))
        for score, pid in kept:
            expected.append(
                (
                    f"m{i}",
                    pid,
                    "fuzzy",
                    pytest.approx(score, abs=1e-4),
                    score == kept[0][0] and score >= accept,
                )
            )
    got = [
        (
            r.organisation_id,
            None if pd.isna(r.participant_id) else r.participant_id,
            r.method,
            None if np.isnan(r.score) else r.score,
            bool(r.linked),
        )
        for r in links.itertuples(index=False)
    ]
    assert got == expected


def test_fuzzy_stays_inside_the_country_and_an_exact_match_ends_the_search():
    members = _members(organisation_id=["a", "b"], name=["Acme Systems", "Acme Sytems"], country=["BE", "FR"])
    participants = pd.DataFrame(
        {"organisation_id": ["1", "2"], "name": ["ACME SYSTEMS", "ACME SYSTEMS"], "country": ["BE", "DE"]}
    )
    links = cn.link_organisations(members, participants)
    assert links[["organisation_id", "participant_id", "method"]].astype(object).where(
        links[["organisation_id", "participant_id", "method"]].notna(), None
    ).values.tolist() == [["a", "1", "name"], ["b", None, "unmatched"]]


def test_an_organisation_without_a_country_is_compared_with_every_country():
    members = _members(organisation_id=["a"], name=["Acme Systems"])
    participants = pd.DataFrame(
        {"organisation_id": ["1", "2"], "name": ["ACME SYSTEMS", "ACME SYSTEMS BV"], "country": ["BE", "NL"]}
    )
    links = cn.link_organisations(members, participants)
    assert links["participant_id"].tolist() == ["1", "2"]


def test_participant_row_order_never_changes_the_links():
    participants = pd.DataFrame(
        {
            "organisation_id": [f"p{i:02d}" for i in range(len(FUZZY_PARTICIPANTS))],
            "name": FUZZY_PARTICIPANTS,
            "country": "BE",
        }
    )
    members = _members(organisation_id=["m"], name=["Omega Food Group"], country="BE")
    first = cn.link_organisations(members, participants, methods=["fuzzy"], cutoff=0, candidates=4)
    again = cn.link_organisations(members, participants.iloc[::-1], methods=["fuzzy"], cutoff=0, candidates=4)
    pd.testing.assert_frame_equal(first, again)


def test_cordis_ecosystem_pics_are_its_organisation_ids(tmp_path):
    path = tmp_path / "organization.csv"
    path.write_text(
        "projectID;organisationID;name;shortName;activityType;country;role\n"
        "1;999986096;UNIVERSITEIT GENT;UGent;HES;BE;coordinator\n"
        "1;911;ACME NV;;PRC;BE;participant\n",
        encoding="utf-8",
    )
    cordis = cn.read_cordis(path)
    members = _members(
        organisation_id=["x", "y"], name=["Ghent University", "UGent"], country="BE", pic=["911", None]
    )
    links = cn.link_organisations(members, cordis)
    assert links[["participant_id", "method", "matched"]].values.tolist() == [
        ["911", "pic", "pic"],
        ["999986096", "name", "short_name"],
    ]


def test_unnamed_participants_are_counted_in_a_warning():
    participants = pd.DataFrame(
        {"organisation_id": ["1", "2", "3"], "name": ["ACME NV", None, None], "country": "BE"}
    )
    with pytest.warns(UserWarning, match="2 of 3 participants have no name"):
        links = cn.link_organisations(MEMBERS, participants)
    assert links.attrs["participants_without_name"] == 2


@pytest.mark.parametrize(
    "options, message",
    [
        ({"methods": ["soundex"]}, "methods=.*'pic', 'vat', 'name', 'fuzzy'"),
        ({"methods": []}, "at least one"),
        ({"cutoff": 120}, "cutoff=120 must be a similarity from 0 to 100"),
        ({"accept": "high"}, "accept='high'"),
        ({"cutoff": 90, "accept": 80}, "accept=80 is below cutoff=90"),
        ({"candidates": 0}, "candidates=0 must be a whole number"),
    ],
    ids=[
        "unknown-method",
        "no-method",
        "cutoff-range",
        "accept-type",
        "accept-below-cutoff",
        "no-candidates",
    ],
)
def test_bad_options_name_the_option(options, message):
    with pytest.raises(cn.OptionError, match=message):
        cn.link_organisations(MEMBERS, PARTICIPANTS, **options)


def test_bad_participants_are_named():
    with pytest.raises(cn.SchemaError, match="organisation_id"):
        cn.link_organisations(MEMBERS, PARTICIPANTS.drop(columns="organisation_id"))
    with pytest.raises(cn.OptionError, match="an Ecosystem or a DataFrame, not list"):
        cn.link_organisations(MEMBERS, ["UGent"])


def test_without_rapidfuzz_fuzzy_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidfuzz", None)
    with pytest.raises(cn.OptionalDependencyError, match=r"clusternet\[linking\]"):
        cn.link_organisations(MEMBERS, PARTICIPANTS)
    exact = cn.link_organisations(MEMBERS, PARTICIPANTS, methods=["pic", "vat", "name"])
    assert (exact["method"] != "fuzzy").all()


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30), st.booleans())
def test_name_key_ascii_shortcut_equals_the_character_loop(text, legal_forms):
    # the plain computation: every character through NFKC, case folding and the category rules
    stripped: list[str] = []
    words = _words(text, lambda label: stripped.append(label) if label not in stripped else None)
    key, labels = name_key(text, legal_forms=legal_forms)
    if not legal_forms:
        assert (key, labels) == (" ".join(words), stripped)
    else:
        assert key == " ".join(words) or " ".join(words).startswith(key + " ")
        assert labels[: len(stripped)] == stripped


def test_accents_are_left_out_for_linking_only():
    # name_key keeps accents (ids made from names); linking compares without them
    assert name_key("Université de Liège")[0] == "université de liège"
    plain = unicodedata.normalize("NFKD", "université de liège").encode("ascii", "ignore").decode()
    links = cn.link_organisations(
        _members(organisation_id=["u"], name=["Université de Liège"], country="BE"),
        pd.DataFrame({"organisation_id": ["1"], "name": [plain.upper()], "country": ["BE"]}),
    )
    assert links["method"].tolist() == ["name"]


# -- real data ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def h2020_named(cordis_path):
    names = sorted((cordis_path.parents[1] / "cordis-names").glob("*.csv"))
    if not names:
        pytest.skip("the CORDIS files with legal names are absent")
    return cn.read_cordis(cordis_path, names=names), names


def test_synthetic_universities_link_to_their_pics(h2020_named):
    eco, names = h2020_named
    # independent: the PICs the legal-names files give the short names KU Leuven, UGent, VUB
    plus = pd.concat([pd.read_csv(path, dtype=str) for path in names])
    plus = plus[plus["country_code"] == "BE"]
    pics = {
        short: sorted(set(plus.loc[plus["legal_short_name"] == short, "pic"]))
        for short in ("KU Leuven", "UGent", "VUB")
    }
    members = cn.datasets.synthetic_ecosystem(seed=0, scale=0.1)
    with pytest.warns(UserWarning, match="have no name"):
        links = cn.link_organisations(members, eco)
    linked = links[links["linked"]]
    for short, expected in pics.items():
        found = linked.loc[linked["name"] == short, "participant_id"].tolist()
        assert found and set(found) <= set(expected), (short, found, expected)
    assert set(links["organisation_id"]) == set(members.organisations["organisation_id"])


# -- programme_participation ----------------------------------------------------------------------


KINDS = ["company", "knowledge_institution"]


def _random_case(seed: int):
    """A small ecosystem and programme drawn at random, with a links table in which some
    organisations have two participants and some rows are not linked."""
    rng = np.random.default_rng(seed)
    organisations = [f"o{i:02d}" for i in range(30)]
    countries = rng.choice(["BE", "NL", "GB"], size=30)
    memberships = pd.DataFrame(
        [
            (org, cluster, int(year))
            for org in organisations
            for cluster in ("c1", "c2", "c3")
            if rng.random() < 0.35
            for year in rng.choice([2018, 2019], size=1)
        ],
        columns=["organisation_id", "cluster_id", "year"],
    )
    eco = cn.Ecosystem.from_tables(
        {
            "organisations": pd.DataFrame(
                {"organisation_id": organisations, "country": countries, "kind": rng.choice(KINDS, size=30)}
            ),
            "clusters": pd.DataFrame({"cluster_id": ["c1", "c2", "c3"]}),
            "memberships": memberships,
        }
    )
    pics = [f"{900 + i}" for i in range(40)]
    projects = [f"p{i:02d}" for i in range(15)]
    pairs = {(project, pic) for project in projects for pic in rng.choice(pics, size=4, replace=False)}
    programme = cn.Ecosystem.from_tables(
        {
            "organisations": pd.DataFrame(
                {
                    "organisation_id": pics,
                    "country": rng.choice(["BE", "NL", "UK"], size=40),
                    "kind": rng.choice(KINDS, size=40),
                }
            ),
            "projects": pd.DataFrame({"project_id": projects, "year": rng.choice([2015, 2019], size=15)}),
            "participations": pd.DataFrame(sorted(pairs), columns=["project_id", "organisation_id"]),
        }
    )
    rows = [(org, pic, True) for org, pic in zip(organisations[:20], pics[:20], strict=True)]
    rows += [("o00", pics[25], True), ("o01", pics[26], True), ("o02", pics[27], False), ("o29", None, False)]
    links = pd.DataFrame(rows, columns=["organisation_id", "participant_id", "linked"])
    return eco, programme, links


def _fisher_two_sided(a, m, b, o):
    """Fisher's exact p-value by enumeration: the hypergeometric tables no likelier than the one seen."""
    from scipy.stats import hypergeom

    total, taking_part = m + o, a + b
    support = np.arange(max(0, taking_part - o), min(m, taking_part) + 1)
    probabilities = hypergeom.pmf(support, total, m, taking_part)
    observed = hypergeom.pmf(a, total, m, taking_part)
    return float(probabilities[probabilities <= observed * (1 + 1e-7)].sum())


def _brute_force(eco, programme, links, *, years=None, project_years=None, population=None):
    """The same numbers by Python sets and loops over the rows."""
    kept_projects = {
        row.project_id
        for row in programme.projects.itertuples()
        if project_years is None or row.year in project_years
    }
    projects_of_pic: dict[str, set] = {}
    for row in programme.participations.itertuples():
        if row.project_id in kept_projects:
            projects_of_pic.setdefault(row.organisation_id, set()).add(row.project_id)
    projects_of: dict[str, set] = {}
    for row in links.itertuples():
        if row.linked and isinstance(row.participant_id, str):
            projects_of.setdefault(row.organisation_id, set()).update(
                projects_of_pic.get(row.participant_id, set())
            )
    everyone = (
        set(eco.organisations["organisation_id"])
        if population is None or isinstance(population, int)
        else (set(population))
    )
    country = dict(
        zip(
            eco.organisations["organisation_id"],
            eco.organisations["country"].replace({"GB": "UK"}),
            strict=True,
        )
    )
    pic_country = dict(
        zip(programme.organisations["organisation_id"], programme.organisations["country"], strict=True)
    )
    pic_kind = dict(
        zip(programme.organisations["organisation_id"], programme.organisations["kind"], strict=True)
    )
    kind = dict(zip(eco.organisations["organisation_id"], eco.organisations["kind"], strict=True))
    per_country: dict[str, list] = {}
    per_country_kind: dict[tuple, list] = {}
    for pic, found in projects_of_pic.items():
        per_country.setdefault(pic_country[pic], []).append(len(found))
        per_country_kind.setdefault((pic_country[pic], pic_kind[pic]), []).append(len(found))
    result = {}
    for cluster in ("c1", "c2", "c3"):
        members = {
            row.organisation_id
            for row in eco.memberships.itertuples()
            if row.cluster_id == cluster and (years is None or row.year in years)
        } & everyone
        counts = [len(projects_of.get(org, set())) for org in members]
        m, a = len(members), sum(count > 0 for count in counts)
        if isinstance(population, int):
            mine = {
                row.participant_id
                for row in links.itertuples()
                if row.linked and row.organisation_id in members
            }
            home = {country[org] for org in members}
            other_pics = [pic for pic in projects_of_pic if pic_country[pic] in home and pic not in mine]
            o, b = population - m, len(other_pics)
            other_projects = sum(len(projects_of_pic[pic]) for pic in other_pics)
        else:
            others = everyone - members
            other_counts = [len(projects_of.get(org, set())) for org in others]
            o, b, other_projects = len(others), sum(count > 0 for count in other_counts), sum(other_counts)
        expected = [
            np.mean(per_country[country[org]])
            for org in members
            if projects_of.get(org) and country[org] in per_country
        ]
        expected_kind = [
            np.mean(per_country_kind[country[org], kind[org]])
            for org in members
            if projects_of.get(org) and (country[org], kind[org]) in per_country_kind
        ]
        result[cluster] = {
            "members": m,
            "participating": a,
            "share": a / m,
            "projects": len(set().union(*[projects_of.get(org, set()) for org in members])),
            "projects_per_member": sum(counts) / m,
            "projects_per_participant": sum(counts) / a if a else np.nan,
            "others": o,
            "others_participating": b,
            "others_share": b / o,
            "others_projects_per_organisation": other_projects / o,
            "country_projects_per_participant": np.mean(expected) if expected else np.nan,
            "country_kind_projects_per_participant": np.mean(expected_kind) if expected_kind else np.nan,
            "p_value": _fisher_two_sided(a, m, b, o),
        }
    return pd.DataFrame(result).T


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"years": 2019},
        {"project_years": 2019},
        {"population": [f"o{i:02d}" for i in range(0, 30, 2)]},
        {"population": 500},
    ],
    ids=["defaults", "membership-year", "project-year", "population-ids", "population-number"],
)
@pytest.mark.parametrize("seed", [0, 1], ids=["seed0", "seed1"])
def test_programme_participation_equals_the_brute_force_count(seed, options):
    eco, programme, links = _random_case(seed)
    table = cn.programme_participation(eco, programme, links, **options)
    years = {options["years"]} if "years" in options else None
    project_years = {options["project_years"]} if "project_years" in options else None
    expected = _brute_force(
        eco, programme, links, years=years, project_years=project_years, population=options.get("population")
    )
    assert table.index.tolist() == ["c1", "c2", "c3"]
    for column in expected.columns:
        np.testing.assert_allclose(
            table[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-9,
            err_msg=column,
        )
    assert "organisations" in table.attrs["population"] and "Fisher" in table.attrs["null"]


def test_correction_is_statsmodels_over_the_clusters():
    from statsmodels.stats.multitest import multipletests

    eco, programme, links = _random_case(0)
    table = cn.programme_participation(eco, programme, links, correction="holm")
    np.testing.assert_allclose(table["p_adjusted"], multipletests(table["p_value"], method="holm")[1])
    assert table.attrs["correction"] == "holm"


def test_programme_participation_bad_input():
    eco, programme, links = _random_case(0)
    with pytest.raises(cn.SchemaError, match="linked"):
        cn.programme_participation(eco, programme, links.drop(columns="linked"))
    with pytest.raises(cn.SchemaError, match="true or false"):
        cn.programme_participation(eco, programme, links.assign(linked="yes"))
    with pytest.raises(cn.OptionError, match="population=0"):
        cn.programme_participation(eco, programme, links, population=0)
    with pytest.raises(cn.OptionError, match="does not have"):
        cn.programme_participation(eco, programme, links, population=["o00", "nobody"])
    with pytest.raises(cn.OptionError, match="smaller than"):
        cn.programme_participation(eco, programme, links, population=2)
    with pytest.raises(cn.OptionError, match="correction"):
        cn.programme_participation(eco, programme, links, correction="bonferonni")
    with pytest.raises(cn.MissingTableError, match="memberships"):
        cn.programme_participation(eco.replace(memberships=None), programme, links)


def test_row_order_never_changes_programme_participation():
    eco, programme, links = _random_case(1)
    rng = np.random.default_rng(5)

    def shuffled(frame):
        return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)

    eco2 = eco.replace(organisations=shuffled(eco.organisations), memberships=shuffled(eco.memberships))
    programme2 = programme.replace(
        participations=shuffled(programme.participations), organisations=shuffled(programme.organisations)
    )
    first = cn.programme_participation(eco, programme, links, population=500)
    again = cn.programme_participation(eco2, programme2, shuffled(links), population=500)
    pd.testing.assert_frame_equal(first, again)


def test_ecosystems_are_asked_for_by_name():
    with pytest.raises(cn.OptionError, match="ecosystem must be an Ecosystem"):
        cn.link_organisations(MEMBERS.organisations, PARTICIPANTS)
    eco, programme, links = _random_case(0)
    with pytest.raises(cn.OptionError, match="participants must be an Ecosystem, not DataFrame"):
        cn.programme_participation(eco, programme.organisations, links)


def test_read_cordis_keeps_short_names_from_names_files_and_the_dashboard(tmp_path):
    main = tmp_path / "organization.csv"
    main.write_text(
        "projectID;organisationID;activityType;country;role\n"
        "1;999986096;HES;BE;coordinator\n1;911;PRC;BE;participant\n",
        encoding="utf-8",
    )
    names = tmp_path / "names.csv"
    names.write_text(
        "pic,legal_name,legal_short_name\n999986096,UNIVERSITEIT GENT,UGent\n911,ACME NV,\n", encoding="utf-8"
    )
    eco = cn.read_cordis(main, names=names)
    # read off the two files above
    table = eco.organisations.set_index("organisation_id")
    assert table.loc["999986096", ["name", "short_name"]].tolist() == ["UNIVERSITEIT GENT", "UGent"]
    assert table.loc["911", "name"] == "ACME NV" and pd.isna(table.loc["911", "short_name"])
    dashboard = tmp_path / "cordis-plus.csv"
    dashboard.write_text(
        "project_id,pic,legal_entity_type,partner_role,country_code,legal_name,legal_short_name\n"
        "7,999991334,HES,Coordinator,BE,KATHOLIEKE UNIVERSITEIT LEUVEN,KU Leuven\n",
        encoding="utf-8",
    )
    assert cn.read_cordis(dashboard).organisations["short_name"].tolist() == ["KU Leuven"]


def test_read_cordis_reads_r_missing_names_as_missing(tmp_path):
    # cordis-plus files come from R: a legal name "NA" is a missing one (341 of cordis-plus-2014's).
    main = tmp_path / "organization.csv"
    main.write_text(
        "projectID;organisationID;activityType;country;role\n1;911;PRC;NA;coordinator\n1;912;HES;BE;participant\n",
        encoding="utf-8",
    )
    names = tmp_path / "names.csv"
    names.write_text("pic,legal_name,legal_short_name\n911,NA,NA\n912,GHENT UNIVERSITY,UGent\n", encoding="utf-8")
    later = tmp_path / "names-later.csv"
    later.write_text("pic,legal_name,legal_short_name\n911,ACME NV,ACME\n", encoding="utf-8")
    eco = cn.read_cordis(main, names=[names, later])
    table = eco.organisations.set_index("organisation_id")
    # the later file's name, not the text "NA" of the first
    assert table.loc["911", ["name", "short_name"]].tolist() == ["ACME NV", "ACME"]
    assert table.loc["911", "country"] == "NA"  # a country code "NA" is Namibia, kept
    noted = eco.notes[eco.notes["action"].str.contains("R's missing value")]
    assert noted["rows"].tolist() == [1, 1] and noted["column"].tolist() == ["name", "short_name"]
    dashboard = tmp_path / "cordis-plus.csv"
    dashboard.write_text(
        "project_id,pic,legal_entity_type,partner_role,country_code,legal_name,legal_short_name\n"
        "7,999991334,HES,Coordinator,BE,NA,NA\n7,999991335,PRC,Participant,BE,ACME NV,ACME\n",
        encoding="utf-8",
    )
    names_read = cn.read_cordis(dashboard).organisations.set_index("organisation_id")
    assert pd.isna(names_read.loc["999991334", "name"]) and names_read.loc["999991335", "name"] == "ACME NV"
