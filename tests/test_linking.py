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
