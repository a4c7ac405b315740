"""Baselines for shares: consortium_diversity(baseline="shuffle"), spanning_share, cross_sector_baseline.

The oracles: every shuffle enumerated on tiny cases (itertools.permutations, each arrangement of
the labels over the organisations equally likely, which is what a uniform shuffle is), and the
closed hypergeometric forms written here with exact integer binomials (math.comb).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

import clusternet as cn

# a-e take part and have a known sector; f has "unknown" and g none (never a group); h has a
# sector but takes part in no project (only in the population of shuffle_among="organisations").
SECTORS = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z", "f": "unknown", "g": None, "h": "x"}
CONSORTIA = {"p1": "abc", "p2": "cdef", "p3": "ag", "p4": "bdea", "p5": "fg"}


def _tiny() -> cn.Ecosystem:
    rows = [(project, member) for project, members in CONSORTIA.items() for member in members]
    return cn.Ecosystem(
        organisations=pd.DataFrame(
            {"organisation_id": list(SECTORS), "kind": "company", "sector": list(SECTORS.values())}
        ),
        projects=pd.DataFrame({"project_id": list(CONSORTIA)}),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    )


def _composition(labels: list[str]) -> tuple[int, float, float, bool]:
    """Groups, Blau, Shannon and spanning of one consortium's known labels, by Counter."""
    if not labels:
        return 0, np.nan, np.nan, False
    counts = np.array(list(Counter(labels).values()), dtype=float)
    shares = counts / counts.sum()
    return len(counts), 1 - float(np.sum(shares**2)), float(entropy(shares)), len(counts) >= 2


def _arrangements(labels: list[str]) -> list[tuple[str, ...]]:
    """Every distinct arrangement of the labels: under a uniform shuffle each is equally likely (each
    stands for the same number of the n! orders), so means over them are the shuffle's expectations."""
    return sorted(set(itertools.permutations(labels)))


def _every_shuffle(population: list[str]) -> pd.DataFrame:
    """Per shuffle and project the composition, over every arrangement of the population's labels."""
    labels = [SECTORS[o] for o in population]
    rows = []
    for arrangement in _arrangements(labels):
        given = dict(zip(population, arrangement, strict=True))
        for project, members in CONSORTIA.items():
            known = [given[m] for m in members if m in given]
            rows.append((arrangement, project, len(known), *_composition(known)))
    return pd.DataFrame(rows, columns=["shuffle", "project_id", "n", "groups", "blau", "shannon", "spans"])


@pytest.mark.parametrize(
    ("shuffle_among", "population"),
    [("participants", list("abcde")), ("organisations", list("abcdeh"))],
    ids=["participants", "organisations"],
)
def test_baseline_equals_the_enumeration_of_every_shuffle(shuffle_among, population):
    # Oracle: every arrangement of the labels over the 5 (or 6) organisations, each project's
    # composition by Counter and scipy's entropy.
    enumerated = _every_shuffle(population)
    per_project = enumerated.groupby("project_id")[["groups", "blau", "shannon", "spans"]]
    mean, spread = per_project.mean(), per_project.std(ddof=0)
    samples = 4000
    table = cn.consortium_diversity(
        _tiny(), "sector", baseline="shuffle", samples=samples, seed=3, shuffle_among=shuffle_among
    )
    for key in ("groups", "blau", "shannon", "spans"):
        np.testing.assert_allclose(
            table[f"expected_{key}"],
            mean[key].reindex(table.index).astype(float),
            rtol=0,
            atol=1e-12,
            equal_nan=True,
            err_msg=key,
        )
        # the sampled spread within 4 standard errors of the exact one (se of an sd ~ sd / sqrt(2 samples))
        exact_sd = spread[key].reindex(table.index).to_numpy(dtype=float)
        np.testing.assert_allclose(
            table[f"expected_{key}_sd"],
            exact_sd,
            atol=4 * 0.5 / np.sqrt(2 * samples) + 1e-9,
            equal_nan=True,
            err_msg=key,
        )
    # Unknown and missing are no group: p2 is c, d, e (f unknown), p5 has nobody known.
    assert table.loc["p2", ["participants", "unknown", "groups"]].tolist() == [4, 1, 2]
    assert table.loc["p5", "groups"] == 0 and table.loc["p5", "expected_groups"] == 0
    # The overall share over projects with two or more known participants (p1, p2, p4).
    eligible = enumerated[enumerated["n"] >= 2].groupby("shuffle")["spans"].mean()
    line = table.attrs["baseline"]
    assert (line["projects"], line["organisations"], line["groups"]) == (3, len(population), 3)
    assert line["observed"] == pytest.approx(1.0)  # p1 x x y, p2 y y z, p4 x y z x all span
    assert line["expected"] == pytest.approx(eligible.mean(), abs=1e-12)
    # the sampled mean within 4 standard errors of the exact one, the sd and p-value near theirs
    assert line["expected_sampled"] == pytest.approx(
        eligible.mean(), abs=4 * eligible.std(ddof=0) / np.sqrt(samples)
    )
    assert line["expected_sd"] == pytest.approx(eligible.std(ddof=0), abs=0.02)
    assert line["p_value"] == pytest.approx((eligible >= 1 - 1e-12).mean(), abs=0.03)
    assert line["population"] == table.attrs["population"]
    assert f"the {len(population)} organisations with a known sector" in line["population"]


def test_exact_expectations_equal_the_closed_forms_on_synthetic_firms():
    # Oracle: E[groups] = sum_g 1 - C(N - N_g, n) / C(N, n) and P(spans) = 1 - sum_g C(N_g, n) / C(N, n)
    # with exact integer binomials, on the synthetic firms (shuffled among all of them).
    eco = cn.datasets.synthetic_ecosystem(scale=0.3, seed=2)
    firms = eco.organisations.set_index("organisation_id")
    sector = firms.loc[firms["kind"] == "company", "sector"]
    samples = 400
    table = cn.consortium_diversity(
        eco, sector, baseline="shuffle", samples=samples, seed=0, shuffle_among="organisations"
    )
    known = sector[sector != "unknown"]
    N, sizes = len(known), known.value_counts().tolist()
    for project, n in (table["participants"] - table["unknown"]).items():
        if n == 0:
            continue
        spans = 1 - sum(math.comb(k, n) for k in sizes) / math.comb(N, n)
        groups = sum(1 - math.comb(N - k, n) / math.comb(N, n) for k in sizes)
        assert table.loc[project, "expected_spans"] == pytest.approx(spans, abs=1e-12)
        assert table.loc[project, "expected_groups"] == pytest.approx(groups, abs=1e-12)
    line = table.attrs["baseline"]
    assert line["organisations"] == N
    assert abs(line["expected_sampled"] - line["expected"]) <= 4 * line["expected_sd"] / np.sqrt(samples)


def test_spanning_share_is_the_overall_line():
    eco = _tiny()
    share = cn.spanning_share(eco, "sector", samples=300, seed=5)
    line = cn.consortium_diversity(eco, "sector", baseline="shuffle", samples=300, seed=5).attrs["baseline"]
    assert share.loc[0, "expected_exact"] == line["expected"]
    assert share.loc[0, "expected"] == line["expected_sampled"]
    assert share.attrs["population"] == line["population"]
    # the same seed, the same shuffles
    pd.testing.assert_frame_equal(share, cn.spanning_share(eco, "sector", samples=300, seed=5))


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"baseline": "permute"}, "baseline must be None or 'shuffle'"),
        ({"baseline": "shuffle", "shuffle_among": "firms"}, "shuffle_among must be"),
        ({"baseline": "shuffle", "samples": 0}, "samples must be a positive integer"),
        ({"baseline": "shuffle", "attribute": pd.Series({"a": "unknown"})}, "nothing to shuffle"),
    ],
    ids=["baseline", "shuffle-among", "samples", "no-known-value"],
)
def test_consortium_diversity_baseline_refuses(options, fragment):
    kwargs = {"attribute": "sector", **options}
    with pytest.raises(cn.OptionError, match=fragment):
        cn.consortium_diversity(_tiny(), kwargs.pop("attribute"), **kwargs)


# -- the cross-sector KPI ----------------------------------------------------------------------------

KPI_SECTORS = {
    "c1": "food",
    "c2": "food",
    "c3": "chemistry",
    "c4": "chemistry",
    "c5": "textile",
    "c6": "unknown",
    "u1": "unknown",
}
KPI_CONSORTIA = {
    "p1": ("A", 2018, "c1 c2 u1"),
    "p2": ("A", 2018, "c3 c4 c6"),
    "p3": ("B", 2018, "c1 c3 c5"),
    "p4": ("A", 2019, "c2 c5"),
    "p5": ("B", 2019, "c4 c6 u1"),
    "p6": ("B", 2019, "c1 c2 c3 c4"),
}


def _kpi_ecosystem() -> cn.Ecosystem:
    rows = [(p, o) for p, (_, _, members) in KPI_CONSORTIA.items() for o in members.split()]
    return cn.Ecosystem(
        organisations=pd.DataFrame(
            {
                "organisation_id": list(KPI_SECTORS),
                "kind": ["company"] * 6 + ["university"],
                "sector": list(KPI_SECTORS.values()),
            }
        ),
        clusters=pd.DataFrame({"cluster_id": ["A", "B"]}),
        projects=pd.DataFrame(
            {"project_id": list(KPI_CONSORTIA), "year": [year for _, year, _ in KPI_CONSORTIA.values()]}
        ),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
        project_clusters=pd.DataFrame(
            {"project_id": list(KPI_CONSORTIA), "cluster_id": [c for c, _, _ in KPI_CONSORTIA.values()]}
        ),
    )


def test_cross_sector_baseline_equals_the_enumeration_of_every_shuffle():
    # Oracle: every arrangement of c1-c5's sectors (c6 and the university have none), each
    # cell's cross-sector projects counted with sets.
    population = ["c1", "c2", "c3", "c4", "c5"]
    counts, reached = [], []
    for arrangement in _arrangements([KPI_SECTORS[o] for o in population]):
        given = dict(zip(population, arrangement, strict=True))
        cells, companies = Counter(), {}
        for cluster, year, members in KPI_CONSORTIA.values():
            cross = len({given[o] for o in members.split() if o in given}) >= 2
            cells[(cluster, year)] += cross
            firms = {o for o in members.split() if o.startswith("c")}  # c6 (unknown sector) still counts
            companies.setdefault((cluster, year), set()).update(firms if cross else set())
        counts.append(cells)
        reached.append({cell: len(firms) for cell, firms in companies.items()})
    cells = [("A", 2018), ("A", 2019), ("B", 2018), ("B", 2019)]
    enumerated = pd.DataFrame(
        [[count[cell] for cell in cells] for count in counts], columns=pd.MultiIndex.from_tuples(cells)
    )
    samples = 3000
    table = cn.cross_sector_baseline(_kpi_ecosystem(), samples=samples, seed=1)
    firms = pd.DataFrame(
        [[count[cell] for cell in cells] for count in reached], columns=pd.MultiIndex.from_tuples(cells)
    )
    for cell in cells:
        assert table.loc[cell, "expected"] == pytest.approx(enumerated[cell].mean(), abs=1e-12)
        assert table.loc[cell, "expected_sd"] == pytest.approx(enumerated[cell].std(ddof=0), abs=0.05)
        # sampled: within 4 standard errors of the enumerated mean
        spread = firms[cell].std(ddof=0)
        assert table.loc[cell, "expected_companies"] == pytest.approx(
            firms[cell].mean(), abs=4 * spread / np.sqrt(samples) + 1e-12
        )
        assert table.loc[cell, "expected_companies_sd"] == pytest.approx(spread, abs=0.1)
    # the observed count is kpis' (p3 and p6 cross sectors; p2 is chemistry + unknown, p5 one sector)
    kpi = cn.kpis(_kpi_ecosystem())
    pd.testing.assert_series_equal(table["cross_sector_projects"], kpi["cross_sector_projects"])
    # p3 (c1 c3 c5) and p6 (c1-c4) are the cross-sector projects, as kpis counts their companies
    pd.testing.assert_series_equal(
        table["companies_in_cross_sector_projects"], kpi["companies_in_cross_sector_projects"]
    )
    assert table["cross_sector_projects"].tolist() == [0, 1, 1, 1]
    assert table.attrs["population"] == "the 5 companies of known sector that take part in a project"
    programme = cn.cross_sector_baseline(_kpi_ecosystem(), by=None, samples=samples, seed=1)
    by_year = enumerated.T.groupby(level=1).sum().T  # the programme: both clusters' projects of a year
    np.testing.assert_allclose(programme["expected"], by_year.mean().reindex(programme.index), atol=1e-12)
    np.testing.assert_allclose(programme["expected_share"], programme["expected"] / programme["projects"])


def test_cross_sector_baseline_is_missing_without_known_sectors_and_refuses_bad_options():
    eco = _kpi_ecosystem()
    unknown = eco.replace(organisations=eco.organisations.assign(sector="unknown"))
    table = cn.cross_sector_baseline(unknown, samples=10)
    assert table["cross_sector_projects"].isna().all() and table["expected"].isna().all()
    assert table["projects"].notna().all()
    with pytest.raises(cn.OptionError, match="by must be"):
        cn.cross_sector_baseline(eco, by="year")
    with pytest.raises(cn.OptionError, match="samples must be"):
        cn.cross_sector_baseline(eco, samples=-1)
    assert cn.cross_sector_baseline(eco, years=2019, samples=10).index.get_level_values(
        "year"
    ).unique().tolist() == [2019]


# -- the docs pages show the baseline with code that runs -------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCKS = [
    (page, block)
    for page in ("measures-bridging.md", "kpis.md")
    for block in re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)
    if "baseline" in block
]


@pytest.mark.parametrize(("page", "code"), BLOCKS, ids=[page for page, _ in BLOCKS])
def test_docs_blocks_on_baselines_run(page, code, capsys):
    exec(
        compile(code, str(DOCS / page), "exec"), {"__name__": "__docs__"}
    )  # the blocks assert what they show
    printed = capsys.readouterr().out
    text = (DOCS / page).read_text(encoding="utf-8")
    shown = text[text.index(code) + len(code) :].split("```text\n", 1)[1].split("```", 1)[0]
    assert printed.split() == shown.split()  # the page shows what the code prints


def test_the_sorted_counts_equal_the_dense_ones(monkeypatch):
    # Many groups (a label per handful of firms) take the sorting path; forced each way on the same
    # data and seed, both must give the same table (the dense path is the plain computation).
    from clusternet.measures import _bridging

    eco = cn.datasets.synthetic_ecosystem(scale=0.1, seed=2)
    firms = eco.organisations.loc[eco.organisations["kind"] == "company", "organisation_id"]
    labels = pd.Series([f"g{i % 20}" for i in range(len(firms))], index=firms.to_numpy())
    monkeypatch.setattr(_bridging, "_DENSE_COUNTS", 10**9)
    dense = cn.consortium_diversity(eco, labels, baseline="shuffle", samples=50, seed=4)
    monkeypatch.setattr(_bridging, "_DENSE_COUNTS", 0)
    sorted_ = cn.consortium_diversity(eco, labels, baseline="shuffle", samples=50, seed=4)
    pd.testing.assert_frame_equal(sorted_, dense, check_exact=False, rtol=1e-12, atol=1e-12)
    assert sorted_.attrs["baseline"] == pytest.approx(dense.attrs["baseline"], nan_ok=True)
