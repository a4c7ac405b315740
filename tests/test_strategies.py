"""The Hypothesis strategies: valid data, bounds kept, bad arguments named."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet import strategies

VALIDATED = 40


def _validated(eco: cn.Ecosystem) -> cn.Ecosystem:
    return cn.Ecosystem.from_tables({name: eco.table(name) for name in eco.provided})


# Validation costs tens to hundreds of milliseconds an example, hence fewer examples here.
@settings(max_examples=VALIDATED, deadline=None)
@given(eco=strategies.ecosystems())
def test_generated_ecosystems_pass_validation_unchanged(eco):
    again = _validated(eco)
    assert again == eco
    # nothing defaulted, nothing merged; ids such as "A" and "a" are generated on purpose and
    # validation only points out that they are kept apart
    assert again.notes["action"].str.contains("differ only in case").all(), again.notes.to_string()
    assert not again.notes["removed"].any()
    assert again.provided == eco.provided
    # the generated ecosystem skips validation and shares the notes of an empty one: no notes,
    # in the dtypes validation gives them, and no files
    pd.testing.assert_frame_equal(eco.notes, cn.Ecosystem().notes)
    assert eco.files == {}


@settings(max_examples=VALIDATED, deadline=None)
@given(eco=strategies.ecosystems(distinct_ids=False, max_organisations=12, max_projects=12))
def test_ecosystems_with_shared_ids_pass_validation_unchanged(eco):
    assert _validated(eco) == eco


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(0, 4),
    extra=st.integers(0, 4),
    max_projects=st.integers(0, 5),
    max_partners=st.integers(0, 3),
    kinds=st.lists(st.sampled_from(["company", "public_body", "other"]), min_size=1, unique=True),
    first=st.integers(2000, 2020),
    span=st.integers(0, 3),
    data=st.data(),
)
def test_ecosystems_keep_their_bounds(low, extra, max_projects, max_partners, kinds, first, span, data):
    eco = data.draw(strategies.ecosystems(
        min_organisations=low, max_organisations=low + extra, max_projects=max_projects,
        max_partners=max_partners, kinds=kinds, years=range(first, first + span + 1), max_clusters=3,
    ))
    assert low <= len(eco.organisations) <= low + extra
    assert len(eco.projects) <= max_projects and len(eco.clusters) <= 3
    assert set(eco.organisations["kind"]) <= set(kinds)
    assert eco.projects["year"].between(first, first + span).all()
    assert eco.memberships["year"].between(first, first + span).all()
    assert (eco.participations.groupby("project_id").size() <= max_partners).all()
    ids = [set(eco.organisations["organisation_id"]), set(eco.projects["project_id"]),
           set(eco.clusters["cluster_id"])]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert eco.provided == {"organisations", "projects", "participations", "clusters", "memberships",
                            "project_clusters"}


@settings(max_examples=100, deadline=None)
@given(eco=strategies.ecosystems(with_clusters=False))
def test_without_clusters_only_the_project_tables_are_given(eco):
    assert eco.provided == {"organisations", "projects", "participations"}


@settings(max_examples=VALIDATED, deadline=None)
@given(data=st.data())
def test_participations_and_memberships_tables_validate(data):
    organisations = pd.DataFrame({"organisation_id": ["a", "b", "10", "9"]})
    projects = pd.DataFrame({"project_id": ["p1", "p2"]})
    clusters = pd.DataFrame({"cluster_id": ["k1", "k2", "k3"]})
    participations = data.draw(strategies.participations(
        organisation_ids=["a", "b", "10", "9"], project_ids=["p1", "p2"], max_partners=2))
    memberships = data.draw(strategies.memberships(
        organisation_ids=["a", "b", "10", "9"], cluster_ids=["k1", "k2", "k3"], years=range(2018, 2020),
        max_clusters_per_organisation=1))
    assert (participations.groupby("project_id").size() <= 2).all()
    assert (memberships.groupby("organisation_id")["cluster_id"].nunique() <= 1).all()
    eco = cn.Ecosystem(organisations=organisations, projects=projects, participations=participations,
                       clusters=clusters, memberships=memberships)
    pd.testing.assert_frame_equal(eco.participations, participations)
    pd.testing.assert_frame_equal(eco.memberships, memberships)
    # The id-only tables above get defaults (noted); the generated ones need nothing.
    assert not eco.notes["table"].isin(["participations", "memberships"]).any()


BAD_ARGUMENTS = [
    ("min-above-max", lambda: strategies.ecosystems(min_organisations=5, max_organisations=2),
     ValueError, "min_organisations=5"),
    ("negative", lambda: strategies.ecosystems(max_projects=-1), ValueError, "max_projects=-1"),
    ("float-count", lambda: strategies.ecosystems(max_clusters=2.5), TypeError, "max_clusters=2.5"),
    ("bool-count", lambda: strategies.ecosystems(max_partners=True), TypeError, "max_partners=True"),
    ("unknown-kind", lambda: strategies.ecosystems(kinds=["company", "pirate"]), ValueError, "'pirate'"),
    ("kinds-string", lambda: strategies.ecosystems(kinds="company"), TypeError, "kinds='company'"),
    ("no-kinds", lambda: strategies.ecosystems(kinds=[]), ValueError, "kinds must not be empty"),
    ("years-gap", lambda: strategies.ecosystems(years=(2020, 2010)), ValueError, "must be consecutive years"),
    ("years-out-of-range", lambda: strategies.ecosystems(years=range(1800, 1811)), ValueError, "within 1900"),
    ("years-open-end", lambda: strategies.ecosystems(years=(2019, None)), ValueError, "not a whole year"),
    ("years-none", lambda: strategies.ecosystems(years=None), TypeError, "years=None"),
    ("flag", lambda: strategies.ecosystems(with_clusters="yes"), TypeError, "with_clusters='yes'"),
    ("ids-string", lambda: strategies.participations(organisation_ids="ab", project_ids=["p"]),
     TypeError, "organisation_ids='ab'"),
    ("ids-blank", lambda: strategies.participations(organisation_ids=["a", " "], project_ids=["p"]),
     ValueError, "organisation_ids: ' '"),
    ("ids-repeated", lambda: strategies.memberships(organisation_ids=["a"], cluster_ids=["k", "k"]),
     ValueError, "cluster_ids contains repeated ids"),
    ("ids-not-str", lambda: strategies.memberships(organisation_ids=[1], cluster_ids=["k"]),
     ValueError, "organisation_ids: 1"),
    ("per-organisation", lambda: strategies.memberships(organisation_ids=["a"], cluster_ids=["k"],
                                                        max_clusters_per_organisation=-2),
     ValueError, "max_clusters_per_organisation=-2"),
]


@pytest.mark.parametrize("call, error, message", [b[1:] for b in BAD_ARGUMENTS], ids=[b[0] for b in BAD_ARGUMENTS])
def test_bad_arguments_are_named_before_drawing(call, error, message):
    with pytest.raises(error, match=message):
        call()
