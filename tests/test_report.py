"""The evaluator's report: written from the CLI, complete, offline, deterministic."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import clusternet as cn
from clusternet.cli import EXIT_OK, main

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//|ftp:)|@import|url\(\s*["']?(?:https?:|//)""", re.I)


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--dataset", "flanders-synthetic", "--out", str(out), "--quiet"]) == EXIT_OK
    return out


def test_report_has_every_section_figure_and_table(synthetic_report):
    page = (synthetic_report / "index.html").read_text(encoding="utf-8")
    for title in ("The data", "Programme KPIs", "SPC-IBN membership overlap", "Centrality of clusters",
                  "Cross-sector bridging", "Communities against the nominal clusters", "Interactive networks"):
        assert f"<h2>{title}</h2>" in page
    assert "Not in this report" not in page  # the synthetic ecosystem has every table
    assert "SYNTHETIC" in page and "REAL" in page  # the first page says which parts are which
    for name in ("overlap_spc_ibn", "cluster_centrality", "communities"):
        assert (synthetic_report / "figures" / f"{name}.png").stat().st_size > 1000
        assert (synthetic_report / "figures" / f"{name}.svg").read_text(encoding="utf-8").startswith("<?xml")
    kpis = pd.read_csv(synthetic_report / "tables" / "kpis.csv")
    # the report's 2019 figure: 1,611 paying member firms over all SPCs (line 1143); per SPC the
    # members column sums to more, because about 5% of firms are in two SPCs
    spc_2019 = kpis[(kpis["year"] == 2019) & kpis["cluster_id"].str.startswith("spc-")]
    assert spc_2019["members"].sum() >= 1611
    for link in re.findall(r'href="(networks/[^"]+)"', page):
        assert (synthetic_report / link).exists()


def test_report_makes_no_external_reference(synthetic_report):
    for page in [synthetic_report / "index.html", *sorted((synthetic_report / "networks").glob("*.html"))]:
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), (page.name, EXTERNAL.search(text).group(0))
        assert "Content-Security-Policy" in text


def test_report_on_the_real_data_skips_what_it_cannot_compute(tmp_path):
    index = cn.write_report(cn.datasets.load_flanders(), tmp_path, title="Real")
    page = index.read_text(encoding="utf-8")
    # no member lists in the report: the overlap section says so instead of failing
    assert "Not in this report" in page
    assert (tmp_path / "tables" / "cluster_centrality.csv").exists()
    centrality = pd.read_csv(tmp_path / "tables" / "cluster_centrality.csv", index_col="cluster_id")
    # Tabel 10 and 11 by hand (datasets/flanders/README.md): SIM works with Catalisti, Flux50,
    # VIL, Flanders' FOOD and IBN Offshore energy -> 5 neighbouring clusters
    assert centrality.loc["spc-sim", "degree"] == 5


def test_report_is_deterministic(tmp_path):
    first = cn.write_report(cn.datasets.load_flanders(), tmp_path / "a", seed=3)
    second = cn.write_report(cn.datasets.load_flanders(), tmp_path / "b", seed=3)
    assert first.read_bytes() == second.read_bytes()
    for table in sorted((tmp_path / "a" / "tables").glob("*.csv")):
        assert table.read_bytes() == (tmp_path / "b" / "tables" / table.name).read_bytes(), table.name


def test_report_opens_offline_in_chromium(synthetic_report, open_offline):
    _, page, errors, blocked = open_offline(synthetic_report / "index.html")
    images = page.evaluate("() => Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert len(images) == 3
    assert all(complete and width > 100 for complete, width in images), images
    # seven sections and the key findings above them
    assert page.evaluate("() => document.querySelectorAll('section').length") == 8
    assert page.evaluate("() => document.querySelector('section').id") == "findings"
    assert not errors and not blocked, (errors, blocked)


def test_report_names_the_community_method_it_used(synthetic_report, tmp_path):
    # The test extra installs python-igraph, so "auto" is Leiden; "louvain" can be asked for.
    assert "Leiden communities of the organisation network" in (synthetic_report / "index.html").read_text("utf-8")
    eco = cn.datasets.synthetic_ecosystem(scale=0.1, seed=1)
    page = cn.write_report(eco, tmp_path / "l", community_method="louvain").read_text("utf-8")
    assert "Louvain communities of the organisation network" in page
    expected = cn.communities(cn.organisation_network(eco, weight="newman"), method="louvain", seed=0)
    profile = pd.read_csv(tmp_path / "l" / "tables" / "community_profile.csv")
    assert len(profile) == expected.nunique()
    with pytest.raises(cn.OptionError, match="community_method"):
        cn.write_report(eco, tmp_path / "x", community_method="walktrap")


def _section(page: str, key: str) -> str:
    return page.split(f'<section id="{key}">', 1)[1].split("</section>", 1)[0]


def test_report_bridging_shows_exactly_the_measures_numbers(synthetic_report):
    eco = cn.datasets.synthetic_ecosystem(seed=0)  # what --dataset flanders-synthetic loads
    graph = cn.organisation_network(eco, weight="newman")
    expected = pd.concat([cn.attribute_mixing(graph, attribute=a) for a in ("sector", "size_class", "kind", "country")],
                         ignore_index=True)
    shown = pd.read_csv(synthetic_report / "tables" / "ei_index.csv", keep_default_na=False)
    columns = ["attribute", "among", "groups", "organisations", "ties", "ei_index"]
    pd.testing.assert_frame_equal(shown, expected[columns], check_exact=False, rtol=1e-12)
    section = _section((synthetic_report / "index.html").read_text(encoding="utf-8"), "bridging")
    for value in expected["ei_index"]:
        assert f"<td>{value:,.3f}</td>" in section
    mixing = cn.attribute_mixing(graph, attribute="sector", fallback="kind", level="group")
    assert set(mixing["attribute"]) == {"sector"}
    table = pd.read_csv(synthetic_report / "tables" / "group_mixing_sector.csv")
    pd.testing.assert_frame_equal(table, mixing.drop(columns=["attribute", "among"]), check_exact=False, rtol=1e-12)
    groups = cn.attribute_mixing(graph, attribute="sector", level="node").set_index("node")["group"]
    diversity = cn.consortium_diversity(eco, groups)
    # the share's population: projects with two or more companies of known sector, from the
    # per-project table (participants minus those without a value)
    eligible = diversity[(diversity["participants"] - diversity["unknown"]) >= 2]
    assert (f"{eligible['spans_groups'].mean():.0%} of the {len(eligible):,} projects with two or more companies "
            "of known sector bring together companies of two or more sector groups") in section
    baseline = cn.spanning_share(eco, groups, samples=1000, seed=0).iloc[0]
    assert f"the share would be {baseline['expected']:.1%} &plusmn; {baseline['expected_sd']:.1%}" in section


def test_report_bridging_says_what_it_could_not_measure(tmp_path):
    # no sectors and no size classes; kind and country are the only groupings with ties
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"],
                                    "kind": ["company", "company", "knowledge_institution", "company"],
                                    "country": ["BE", "NL", "BE", "BE"]}),
        projects=pd.DataFrame({"project_id": ["p1", "p2"], "year": [2019, 2020]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2"],
                                     "organisation_id": ["a", "b", "b", "c"]}),
    )
    page = cn.write_report(eco, tmp_path).read_text(encoding="utf-8")
    section = _section(page, "bridging")
    assert "&#x27;sector&#x27; has 0 known value(s) among 3 companies" in section
    assert "&#x27;size_class&#x27; has 0 known value(s) among 3 companies" in section
    shown = pd.read_csv(tmp_path / "tables" / "ei_index.csv")
    assert shown["attribute"].tolist() == ["kind", "country"]
    # without sectors the section falls back to kinds of organisation, among all of them
    assert "<h3>Ties within and across kind groups</h3>" in section
    expected = cn.attribute_mixing(eco, attribute="kind", level="group")
    table = pd.read_csv(tmp_path / "tables" / "group_mixing_kind.csv")
    pd.testing.assert_frame_equal(table, expected.drop(columns=["attribute", "among"]), check_exact=False)


def _programme_elsewhere():
    """A programme that is not Flemish: three clusters of type 'other', each project carried by one
    cluster only (no intercluster project), organisations in two countries."""
    organisations = pd.DataFrame({
        "organisation_id": [f"o{i}" for i in range(8)],
        "kind": ["company"] * 6 + ["knowledge_institution"] * 2,
        "sector": ["industry", "services", "industry", "trade", "services", "industry", None, None],
        "country": ["NL", "NL", "NL", "DE", "NL", "NL", "NL", "DE"],
    })
    return cn.Ecosystem(
        organisations=organisations,
        clusters=pd.DataFrame({"cluster_id": ["k1", "k2", "k3"], "name": ["Agri", "Port", "Health"]}),
        memberships=pd.DataFrame({"organisation_id": ["o0", "o1", "o2", "o2", "o3", "o4", "o5", "o6"],
                                  "cluster_id": ["k1", "k1", "k1", "k2", "k2", "k3", "k3", "k3"],
                                  "year": [2021] * 8}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "year": [2020, 2021, 2021]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2", "p3", "p3", "p3"],
                                     "organisation_id": ["o0", "o1", "o6", "o2", "o3", "o4", "o5", "o7"]}),
        project_clusters=pd.DataFrame({"project_id": ["p1", "p2", "p3"], "cluster_id": ["k1", "k2", "k3"]}),
    )


def test_report_on_data_from_elsewhere_speaks_generically_and_says_why(tmp_path):
    # No SPCs, no IBNs, no intercluster project: the report must not speak of SPCs or the Flemish
    # tables, and each choice the data forced is one sentence (expected text written by hand).
    eco = _programme_elsewhere()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing leaks to the console
        index = cn.write_report(eco, tmp_path, title="Elsewhere", seed=0)
    text = index.read_text(encoding="utf-8")
    assert "SPC" not in text and "Tabel" not in text and "IBN" not in text
    assert "Membership overlap" in text and "Shared members of every pair of clusters" in text
    # k1 and k2 share o2: one pair shares, so no "no two clusters share" sentence
    overlap = pd.read_csv(tmp_path / "tables" / "overlap.csv")
    assert overlap.loc[(overlap["source"] == "k1") & (overlap["target"] == "k2"), "shared"].tolist() == [1]
    assert "No two clusters are linked by the projects they carry together, so clusters are linked by shared members instead." in text
    # kpis' rule for data without one home country, said in words (p2: NL and DE, p3: NL and DE)
    assert "A project counts as international when it has participants from two or more known countries" in text
    assert "drawn from the 8 organisations of the ecosystem" in text
    centrality = pd.read_csv(tmp_path / "tables" / "cluster_centrality.csv").set_index("cluster_id")
    assert centrality.loc["k2", "degree"] == 1 and centrality.loc["k3", "degree"] == 0


def test_report_tables_are_for_reading(tmp_path):
    # No pandas row numbers, no <NA>/None/NaN in the cells, whole-number counts without decimals.
    index = cn.write_report(_programme_elsewhere(), tmp_path, title="Elsewhere", seed=0)
    text = index.read_text(encoding="utf-8")
    assert "&lt;NA&gt;" not in text and ">None<" not in text and ">NaN<" not in text and ">nan<" not in text
    # the E-I table has a plain row index: it is not shown
    assert re.search(r"<th>\d+</th>\s*<td>(sector|size_class|kind|country)</td>", text) is None
    assert re.search(r"<td>(sector|kind)</td>", text)
    # whole-number counts are written as such (805, not 805.000)
    mixing = pd.read_csv(tmp_path / "tables" / "group_mixing_sector.csv")
    for value in mixing["internal"].tolist() + mixing["external"].tolist():
        assert float(value).is_integer() and f"<td>{int(value):,}</td>" in text


def test_key_findings_state_numbers_with_their_baseline(tmp_path):
    # The findings are sentences computed from the tables the report writes: checked here against
    # those tables (the cluster ranking, the overlap's strongest pair, the shuffled baseline).
    eco = cn.datasets.synthetic_ecosystem(scale=0.3)
    text = cn.write_report(eco, tmp_path, title="t", seed=0).read_text(encoding="utf-8")
    findings = text[text.index('<section id="findings">'):text.index("</section>", text.index('<section id="findings">'))]
    ranked = pd.read_csv(tmp_path / "tables" / "cluster_centrality.csv").sort_values(["rank", "name"])
    assert f"{html.escape(ranked.iloc[0]['name'])}, linked with {int(ranked.iloc[0]['degree'])} of the" in findings
    overlap = pd.read_csv(tmp_path / "tables" / "overlap_spc_ibn.csv")
    top = overlap[overlap["shared"] > 0].sort_values(["association", "shared"], ascending=False).iloc[0]
    assert f"share {int(top['shared']):,} members, {top['association']:.2g} times what chance gives" in findings
    baseline = pd.read_csv(tmp_path / "tables" / "spanning_share_sector.csv").iloc[0]
    assert f"it would be {baseline['expected']:.0%}" in findings
    assert "normalised mutual information" in findings


def test_report_says_how_robust_the_first_rank_is_on_flanders(tmp_path):
    # The sentence comes from cluster_rank_sensitivity, whose table the report writes; 69 of 120
    # (alone in 68) is the brute-force count over every way of dropping three of the ten Tabel 10
    # projects (tests/test_centrality.py::test_rank_sensitivity_equals_brute_force_on_tabel_10).
    text = cn.write_report(cn.datasets.load_flanders(), tmp_path, title="Real").read_text(encoding="utf-8")
    table = pd.read_csv(tmp_path / "tables" / "cluster_rank_sensitivity.csv", index_col="cluster_id")
    sim = table.loc["spc-sim"]
    assert (int(sim["first"]), int(sim["first_alone"]), int(sim["readings"])) == (69, 68, 120)
    assert ("SIM is the most central cluster in 69 of 120 readings of which three Tabel 10 projects are "
            "dropped (57.5%, alone in 68), its rank ranging from 1 to 4") in text
    assert "seven of the ten Tabel 10 applications were approved, not which" in text


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # by hand: links k1-k2 (p1) and k1-k3 (p2), p3 carried by k3 alone. Dropping p1 or p2 leaves
        # k1 tied first with the other end of the remaining link; dropping p3 changes nothing.
        ("approved", "Agri is the most central cluster in 3 of 3 readings of which one intercluster project "
                     "is dropped (100.0%, alone in 1), its rank ranging from 1 to 1 (read: all 3 ways of "
                     "leaving out 1 of 3 projects)."),
        # by hand: only p2 is in doubt; without it k1-k2 is the one link, so k1 and k2 tie first.
        ("submitted", "Agri is the most central cluster in 1 of 1 readings of which one project with an "
                      "uncertain status is dropped (100.0%, alone in 0), its rank ranging from 1 to 1"),
    ],
    ids=["jackknife", "uncertain-status"],
)
def test_report_first_rank_robustness_elsewhere(tmp_path, status, expected):
    eco = _programme_elsewhere()
    eco = eco.replace(project_clusters=pd.DataFrame({
        "project_id": ["p1", "p1", "p2", "p2", "p3"], "cluster_id": ["k1", "k2", "k1", "k3", "k3"],
        "status": ["approved", "approved", status, status, "approved"],
    }))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the 'submitted' status is named in a warning
        text = cn.write_report(eco, tmp_path, title="Elsewhere", seed=0).read_text(encoding="utf-8")
    assert expected in html.unescape(text)
    assert "Tabel" not in text
