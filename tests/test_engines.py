"""organisation_edges and organisation_degrees on numpy and DuckDB: the same ties, weights and degrees.

The reference for every engine is the in-memory sparse product (``engine="numpy"`` on an
Ecosystem, itself tested against networkx in test_builders.py); the degrees are checked against
networkx's ``Graph.degree`` on ``organisation_network``; ``max_partners`` against the same
projection of the ecosystem with the large projects' participations taken out by hand.
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clusternet as cn
from clusternet.errors import OptionError, SchemaError
from clusternet.testing import ecosystems

duckdb = pytest.importorskip("duckdb", reason="DuckDB is not installed (the sql extra)")

NIGHTLY = int(os.environ.get("CLUSTERNET_FUZZ_EXAMPLES", "0"))


def _examples(ci: int) -> settings:
    """``ci`` examples in CI (a DuckDB call costs about 0.1 s of connection set-up, so few); the
    nightly count with CLUSTERNET_FUZZ_EXAMPLES."""
    return settings(
        max_examples=NIGHTLY or ci,
        deadline=None,
        derandomize=not NIGHTLY,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


OPTIONS = st.fixed_dictionaries(
    {
        "weight": st.sampled_from(cn.graphs.WEIGHTS),
        "kinds": st.none()
        | st.sampled_from(["company", ("company", "knowledge_institution"), "research_centre"]),
        "min_weight": st.none() | st.sampled_from([0.3, 1.0, 2.0]),
        "max_partners": st.none() | st.integers(2, 5),
        "years": st.none() | st.sampled_from([2016, range(2015, 2019)]),
    }
)
GENERATED = ecosystems(min_organisations=2, max_organisations=10, max_projects=8, with_clusters=False)


def _flat(eco: cn.Ecosystem) -> pd.DataFrame:
    """The ecosystem's participations as one table with the organisation's kind and the project's year."""
    return (
        eco.participations[["project_id", "organisation_id"]]
        .merge(eco.organisations[["organisation_id", "kind"]], on="organisation_id")
        .merge(eco.projects[["project_id", "year"]], on="project_id")
    )


def _capped(eco: cn.Ecosystem, max_partners: int | None) -> cn.Ecosystem:
    """The ecosystem with the participations of projects of more than max_partners partners taken
    out: what max_partners must mean, done by hand (a years cut keeps or drops whole projects, so
    it does not change a project's size)."""
    if max_partners is None:
        return eco
    parts = eco.participations.drop_duplicates(["project_id", "organisation_id"])
    size = parts.groupby("project_id").size()
    large = set(size.index[size > max_partners])
    return eco.replace(participations=eco.participations[~eco.participations["project_id"].isin(large)])


@_examples(6)
@given(eco=GENERATED, options=OPTIONS)
def test_duckdb_equals_numpy_on_generated_ecosystems(eco, options):
    expected = cn.organisation_edges(eco, **options)
    pd.testing.assert_frame_equal(
        cn.organisation_edges(eco, engine="duckdb", **options), expected, check_exact=True
    )
    flat = _flat(eco)
    for engine in ("numpy", "duckdb"):  # a participations table: the same ties (its nodes are those in it)
        pd.testing.assert_frame_equal(
            cn.organisation_edges(flat, engine=engine, **options), expected, check_exact=True
        )


@_examples(25)
@given(eco=GENERATED, options=OPTIONS)
def test_max_partners_is_the_projection_without_the_large_projects(eco, options):
    cap = options.pop("max_partners")
    expected = cn.organisation_edges(_capped(eco, cap), **options)
    pd.testing.assert_frame_equal(
        cn.organisation_edges(eco, max_partners=cap, **options), expected, check_exact=True
    )


@_examples(5)
@given(eco=GENERATED, options=OPTIONS)
def test_degrees_equal_networkx(eco, options):
    cap = options.pop("max_partners")
    graph = cn.organisation_network(_capped(eco, cap), **options)
    nodes = sorted(graph.nodes)
    neighbours = np.array([graph.degree(node) for node in nodes], dtype=np.int64)
    strength = np.array([graph.degree(node, weight="weight") for node in nodes], dtype=np.float64)
    for engine in ("numpy", "duckdb"):
        table = cn.organisation_degrees(eco, engine=engine, max_partners=cap, **options)
        assert table.index.tolist() == nodes
        np.testing.assert_array_equal(table["neighbours"].to_numpy(), neighbours)
        np.testing.assert_allclose(
            table["strength"].to_numpy(), strength, rtol=1e-12
        )  # sums in another order


def _random_table(seed: int = 3) -> pd.DataFrame:
    """300 projects of 2 to 12 partners among 400 organisations, with kinds and years."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 13, 300)
    projects = np.repeat(np.arange(300), sizes)
    organisations = rng.integers(0, 400, len(projects))
    kinds = np.array(["company", "knowledge_institution", "public_body"])[np.arange(400) % 3]
    return pd.DataFrame(
        {
            "project_id": [f"p{p}" for p in projects],
            "organisation_id": [f"o{o}" for o in organisations],
            "kind": kinds[organisations],
            "year": 2014 + projects % 7,
        }
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".csv.gz"], ids=["parquet", "csv", "csv-gz"])
@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_files_are_read_by_the_engine(tmp_path, suffix, engine):
    table = _random_table()
    path = tmp_path / f"participations{suffix}"
    if suffix == ".parquet":
        table.to_parquet(path)
    else:
        table.to_csv(path, index=False)
    options = {"weight": "newman", "kinds": "company", "years": range(2016, 2020), "max_partners": 10}
    expected = cn.organisation_edges(table, **options)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(
        cn.organisation_edges(path, engine=engine, **options), expected, check_exact=True
    )


def test_integer_ids_are_compared_as_text():
    # 10 < 9 as text: the order every clusternet edge table uses (code point order of the ids).
    table = pd.DataFrame({"project_id": [1, 1, 1], "organisation_id": [9, 10, 11]})
    for engine in ("numpy", "duckdb"):
        edges = cn.organisation_edges(table, engine=engine)
        assert edges[["source", "target"]].values.tolist() == [["10", "11"], ["10", "9"], ["11", "9"]]


def test_h2020_equal(cordis_path):
    eco = cn.read_cordis(cordis_path)
    # Newman's weight is the one sum whose order matters; count, degrees and project totals are
    # checked by the generated ecosystems above (the same SQL on every weight).
    pd.testing.assert_frame_equal(
        cn.organisation_edges(eco, weight="newman", engine="duckdb"),
        cn.organisation_edges(eco, weight="newman"),
        check_exact=True,
    )
    options = {"weight": "newman", "kinds": ["company"], "min_weight": 0.2, "max_partners": 50}
    pd.testing.assert_frame_equal(
        cn.organisation_edges(eco, engine="duckdb", **options),
        cn.organisation_edges(eco, **options),
        check_exact=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # projects without a year, alike on both engines
        pd.testing.assert_frame_equal(
            cn.kpis(eco, by=None, engine="duckdb"), cn.kpis(eco, by=None), check_exact=True
        )


def test_spills_below_its_memory_limit(tmp_path):
    """A projection larger than memory_limit finishes by spilling: with spilling switched off the
    same query under the same limit runs out of memory, so the limit is really below its need."""
    rng = np.random.default_rng(7)
    projects = np.repeat(np.arange(600), 40)  # 468,000 pairs; measured: more than 50 MB unspilled
    table = pd.DataFrame(
        {
            "project_id": [f"p{p:05d}" for p in projects],
            "organisation_id": [f"o{o:05d}" for o in rng.integers(0, 20000, len(projects))],
        }
    )
    path = tmp_path / "participations.parquet"
    table.to_parquet(path)
    limit = "45MB"  # spilled, 40 MB were enough (2 threads); unspilled, 50 MB were not
    from clusternet.graphs._engines import _edges_sql

    with duckdb.connect() as con:
        con.execute(f"SET memory_limit = '{limit}'")
        con.execute("SET temp_directory = ''")  # no spilling
        con.execute(
            f"CREATE VIEW participations AS SELECT DISTINCT project_id, organisation_id, NULL AS kind "
            f"FROM read_parquet('{path}')"
        )
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute(_edges_sql("participations", "count", None, None, None)).fetchall()
    spill = tmp_path / "spill"
    edges = cn.organisation_edges(path, engine="duckdb", memory_limit=limit, temp_directory=spill)
    pd.testing.assert_frame_equal(edges, cn.organisation_edges(path), check_exact=True)


BAD = [
    ("engine", {"engine": "spark!"}, OptionError, "engine='spark!' is not one of"),
    ("memory on numpy", {"memory_limit": "1GB"}, OptionError, "memory_limit and temp_directory are options"),
    ("memory negative", {"engine": "duckdb", "memory_limit": -5}, OptionError, "positive number of bytes"),
    ("memory text", {"engine": "duckdb", "memory_limit": "lots"}, OptionError, "not accepted by DuckDB"),
    ("max_partners one", {"max_partners": 1}, OptionError, "at least 2"),
    ("max_partners float", {"max_partners": 2.5}, OptionError, "whole number"),
]


@pytest.mark.parametrize(
    ("options", "error", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_options(options, error, message):
    table = pd.DataFrame({"project_id": ["p", "p"], "organisation_id": ["a", "b"]})
    with pytest.raises(error, match=message):
        cn.organisation_edges(table, **options)


BAD_TABLES = [
    ("no organisation column", pd.DataFrame({"project_id": ["p"]}), {}, "column missing: an id"),
    (
        "no kind column",
        pd.DataFrame({"project_id": ["p"], "organisation_id": ["a"]}),
        {"kinds": "company"},
        "column missing: needed for kinds",
    ),
    (
        "no year column",
        pd.DataFrame({"project_id": ["p"], "organisation_id": ["a"]}),
        {"years": 2020},
        "column missing: needed for years",
    ),
    (
        "missing id",
        pd.DataFrame({"project_id": ["p", None], "organisation_id": ["a", "b"]}),
        {},
        "1 rows have no project_id",
    ),
    (
        "two kinds",
        pd.DataFrame(
            {"project_id": ["p", "q"], "organisation_id": ["a", "a"], "kind": ["company", "university"]}
        ),
        {"kinds": "company"},
        "organisation 'a' has more than one kind",
    ),
    (
        "two years",
        pd.DataFrame({"project_id": ["p", "p"], "organisation_id": ["a", "b"], "year": [2019, 2020]}),
        {"years": 2020},
        "project 'p' has more than one year",
    ),
]


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
@pytest.mark.parametrize(
    ("table", "options", "message"), [case[1:] for case in BAD_TABLES], ids=[case[0] for case in BAD_TABLES]
)
def test_bad_tables(engine, table, options, message):
    with pytest.raises(SchemaError, match=message):
        cn.organisation_edges(table, engine=engine, **options)


@pytest.mark.parametrize("source", ["edges.xlsx", 42], ids=["suffix", "type"])
def test_bad_sources(source):
    with pytest.raises(OptionError, match="Parquet"):
        cn.organisation_edges(source)


def test_duckdb_temp_directory_is_removed(monkeypatch):
    import tempfile
    from pathlib import Path

    made = []
    original = tempfile.mkdtemp

    def recording(*args, **kwargs):
        made.append(Path(original(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", recording)
    cn.organisation_edges(
        pd.DataFrame({"project_id": ["p", "p"], "organisation_id": ["a", "b"]}), engine="duckdb"
    )
    assert len(made) == 1 and made[0].name.startswith("clusternet-duckdb-")
    assert not made[0].exists()


# --------------------------------------------------------------------------------------------
# kpis(by=None, engine="duckdb"): the project KPIs as queries
# --------------------------------------------------------------------------------------------
KPI_ECOSYSTEMS = ecosystems(min_organisations=2, max_organisations=10, max_projects=8, with_activities=True)


@_examples(6)
@given(
    eco=KPI_ECOSYSTEMS,
    countries=st.lists(st.sampled_from(["BE", "NL", " DE", "", None]), min_size=10, max_size=10),
    home_country=st.sampled_from([None, "BE", "FR"]),
)
def test_kpis_on_duckdb_equal_numpy(eco, countries, home_country):
    organisations = eco.organisations.assign(country=countries[: len(eco.organisations)])
    eco = eco.replace(organisations=organisations)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both engines warn alike (rows without a year, no home partner)
        expected = cn.kpis(eco, by=None, home_country=home_country)
        pd.testing.assert_frame_equal(
            cn.kpis(eco, by=None, home_country=home_country, engine="duckdb"), expected, check_exact=True
        )


def test_home_country_absent_makes_no_project_international():
    # A partner of unknown country and one from NL, seen from FR: no French partner, so by the
    # definition (a home partner and a foreign one) the project is not international.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b"], "country": [None, "NL"]}),
        projects=pd.DataFrame({"project_id": ["p"], "year": [2020]}),
        participations=pd.DataFrame({"project_id": ["p", "p"], "organisation_id": ["a", "b"]}),
    )
    for engine in ("numpy", "duckdb"):
        with pytest.warns(UserWarning, match="no participant is from home_country='FR'"):
            table = cn.kpis(eco, by=None, home_country="FR", engine=engine)
        assert table.loc[2020, "international_projects"] == 0


def test_kpis_duckdb_needs_by_none():
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a"]}), clusters=pd.DataFrame({"cluster_id": ["k"]})
    )
    with pytest.raises(OptionError, match="engine='duckdb' computes kpis\\(by=None\\)"):
        cn.kpis(eco, engine="duckdb")


def test_without_duckdb_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    with pytest.raises(cn.errors.OptionalDependencyError, match=r"clusternet\[sql\]"):
        cn.organisation_edges(pd.DataFrame({"project_id": ["p"], "organisation_id": ["a"]}), engine="duckdb")
