"""The evaluator's report: written from the CLI, complete, offline, deterministic."""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from scipy.stats import hypergeom

import clusternet as cn
from clusternet.cli import EXIT_OK, main

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//|ftp:)|@import|url\(\s*["']?(?:https?:|//)""", re.I)


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the quick start's report: no warning may reach the console
        assert main(["report", "--dataset", "flanders-synthetic", "--out", str(out), "--quiet"]) == EXIT_OK
    return out


def test_report_has_every_section_figure_and_table(synthetic_report):
    page = (synthetic_report / "index.html").read_text(encoding="utf-8")
    for title in ("The data", "Programme KPIs", "SPC-IBN membership overlap", "Centrality of clusters",
                  "Cross-sector bridging", "Communities against the nominal clusters", "Core, periphery and countries",
                  "Interactive networks"):
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
    # The Moonshot is a programme, not a 27th cluster: 6 SPCs and 20 IBNs (README, hand count)
    # remain, SIM's five links are of 25 other clusters, and what the data does not list (member
    # lists, the consortia of Tabel 10 and 11) is missing, not zero.
    text = html.unescape(page)
    assert len(centrality) == 26 and "moonshot" not in centrality.index
    assert "SIM, linked with 5 of the 25 other clusters" in text
    assert ("Moonshot is not a cluster but a programme run by the clusters, coordinated by Catalisti, with 6 "
            "cluster organisations on its board") in text
    assert "12 projects in the data carry its name (2019)" in text
    assert centrality[["members", "reach"]].isna().all().all()
    carrying = centrality["projects"] > 0  # no project lists a participant: unknown, not zero
    assert carrying.sum() == 11 and centrality.loc[carrying, "project_organisations"].isna().all()
    assert (centrality.loc[~carrying, "project_organisations"] == 0).all()  # no project at all: zero
    assert (centrality["projects_without_participants"] == centrality["projects"]).all()


def test_report_is_deterministic(tmp_path):
    first = cn.write_report(cn.datasets.load_flanders(), tmp_path / "a", seed=3)
    second = cn.write_report(cn.datasets.load_flanders(), tmp_path / "b", seed=3)
    assert first.read_bytes() == second.read_bytes()
    for table in sorted((tmp_path / "a" / "tables").glob("*.csv")):
        assert table.read_bytes() == (tmp_path / "b" / "tables" / table.name).read_bytes(), table.name


def test_report_opens_offline_in_chromium(synthetic_report, open_offline):
    _, page, errors, blocked = open_offline(synthetic_report / "index.html")
    images = page.evaluate("() => Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert len(images) == 4  # overlap, centrality, communities, country ties
    assert all(complete and width > 100 for complete, width in images), images
    # eight sections and the key findings above them
    assert page.evaluate("() => document.querySelectorAll('section').length") == 9
    assert page.evaluate("() => document.querySelector('section').id") == "findings"
    assert not errors and not blocked, (errors, blocked)


def test_report_names_the_community_method_it_used(synthetic_report, tmp_path):
    # The test extra installs python-igraph, so "auto" is Leiden; "louvain" can be asked for.
    assert "Leiden communities of the organisation network" in (synthetic_report / "index.html").read_text("utf-8")
    eco = cn.datasets.synthetic_ecosystem(scale=0.1, seed=1)
    page = cn.write_report(eco, tmp_path / "l", community_method="louvain").read_text("utf-8")
    assert "Louvain communities of the organisation network" in page
    # over the organisations with a tie: without one, each would be a community of its own
    network = cn.organisation_network(eco, weight="newman")
    active = network.subgraph([node for node, degree in network.degree() if degree > 0]).copy()
    expected = cn.communities(active, method="louvain", seed=0)
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
    assert (f"the share would be {baseline['expected_exact']:.1%} (exact, hypergeometric); over 1,000 shuffles "
            f"(seed 0) {baseline['expected']:.1%} &plusmn; {baseline['expected_sd']:.1%}") in section
    # the tables carry the baseline: the per-project expectations are consortium_diversity's
    shuffled = cn.consortium_diversity(eco, groups, baseline="shuffle", samples=1000, seed=0)
    written = pd.read_csv(synthetic_report / "tables" / "consortium_diversity_sector.csv", index_col="project_id")
    pd.testing.assert_frame_equal(written, shuffled, check_exact=False, rtol=1e-12, check_index_type=False)


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
    # Words of the page, not of its embedded figures (base64 can spell "IBN" by chance).
    words = re.sub(r'src="data:[^"]*"', "", text)
    assert "SPC" not in words and "Tabel" not in words and "IBN" not in words
    assert "Membership overlap" in text and "Shared members of every pair of clusters" in text
    # k1 and k2 share o2: one pair shares, so no "no two clusters share" sentence
    overlap = pd.read_csv(tmp_path / "tables" / "overlap.csv")
    assert overlap.loc[(overlap["source"] == "k1") & (overlap["target"] == "k2"), "shared"].tolist() == [1]
    assert "No two clusters are linked by the projects they carry together, so clusters are linked by shared members instead." in text
    # kpis' rule for data without one home country, said in words (p2: NL and DE, p3: NL and DE)
    assert "A project counts as international when it has participants from two or more known countries" in text
    assert "the members drawn from a population of the 8 organisations of the ecosystem" in text
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
    assert (f"{baseline['observed']:.0%} of {int(baseline['projects']):,} projects join firms of several sectors; "
            f"{baseline['expected_exact']:.1%} expected with sectors shuffled across the "
            f"{int(baseline['organisations']):,} firms of known sector that take part in them "
            f"(\u00b1{baseline['expected_sd']:.1%} over 1,000 shuffles") in html.unescape(findings)
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
        # by hand: links k1-k2 (p1) and k1-k3 (p2), p3 carried by k3 alone, so no intercluster project
        # and not dropped. Dropping p1 or p2 leaves k1 tied first with the other end of the other link.
        ("approved", "Agri is the most central cluster in 2 of 2 readings of which one intercluster project "
                     "is dropped (100.0%, alone in 0), its rank ranging from 1 to 1 (read: all 2 ways of "
                     "leaving out 1 of 2 projects)."),
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


# -- the organisation page, the population, the safeguards of issue 21 ------------------------------


def _page_nodes(page: Path) -> tuple[set[str], int, str]:
    """The ids, the number of edges and the description line of a network page (its JSON contract)."""
    raw = re.search(r'<script id="cn-data" type="application/json">(.*?)</script>', page.read_text("utf-8"), re.S)
    data = json.loads(raw.group(1))
    assert data["nodeColumns"][0] == "id"
    return {row[0] for row in data["nodeValues"]}, data["edges"]["count"], data["description"]


def test_synthetic_organisation_page_holds_every_organisation_with_a_tie(synthetic_report):
    # 736 of the 2,728 synthetic organisations have a tie, fewer than the 2,000 a page holds, so
    # 'auto' draws the plain network; the expected set is networkx's, on the same network.
    graph = cn.organisation_network(cn.datasets.synthetic_ecosystem(seed=0), weight="newman")
    tied = {node for node, degree in graph.degree() if degree > 0}
    nodes, edges, description = _page_nodes(synthetic_report / "networks" / "organisations.html")
    assert nodes == tied and edges == graph.number_of_edges()
    assert description == (f"{len(tied):,} of {graph.number_of_nodes():,} organisations, all {len(tied):,} with a "
                           f"tie (no backbone); {edges:,} of {edges:,} ties; colour: community.")


def _backbone_case() -> cn.Ecosystem:
    """The programme from elsewhere with more projects: under the hypergeometric null at 0.1, o0-o1,
    o2-o3, o4-o5 and o5-o7 stand out (checked against scipy in the test), so the backbone's
    largest component is o4, o5, o7."""
    consortia = {"p1": "o0 o1 o6", "p2": "o2 o3", "p3": "o4 o5 o7", "p4": "o0 o1", "p5": "o0 o1", "p6": "o4 o5",
                 "p7": "o4 o5", "p8": "o1 o2", "p9": "o2 o3 o6", "p10": "o1 o2", "p11": "o2 o3", "p12": "o5 o7"}
    carriers = ["k1", "k2", "k3", "k1", "k1", "k3", "k3", "k2", "k2", "k1", "k2", "k3"]
    return _programme_elsewhere().replace(
        projects=pd.DataFrame({"project_id": list(consortia), "year": [2021] * len(consortia)}),
        participations=pd.DataFrame([(project, organisation) for project, members in consortia.items()
                                     for organisation in members.split()],
                                    columns=["project_id", "organisation_id"]),
        project_clusters=pd.DataFrame({"project_id": list(consortia), "cluster_id": carriers}),
    )


def _write_tables(eco: cn.Ecosystem, folder: Path) -> Path:
    folder.mkdir()
    for name in eco.provided:
        getattr(eco, name).to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_report_command_draws_the_backbone_and_sets_the_population_without_a_warning(tmp_path, capsys):
    # One run of the command as a user types it, under -W error: --backbone, --alpha, --top and a
    # population file. Expected values: the hypergeometric p of every pair by scipy, the largest
    # component by networkx, the overlap p by scipy against the 100 organisations listed.
    eco = _backbone_case()
    folder = _write_tables(eco, tmp_path / "tables")
    population = [f"o{i}" for i in range(8)] + [f"firm-{i}" for i in range(92)]
    (tmp_path / "population.txt").write_text("# the firms of the region\n" + "\n".join(population) + "\n")
    out = tmp_path / "report"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as python -W error: any warning fails the command
        code = main(["report", str(folder), "--out", str(out), "--quiet", "--backbone", "hypergeometric",
                     "--alpha", "0.1", "--top", "2", "--population", str(tmp_path / "population.txt")])
    printed = capsys.readouterr()
    assert code == EXIT_OK, printed.err
    assert printed.out == "" and printed.err == ""  # --quiet, and nothing else reached the console
    # the backbone by brute force: P(X >= shared), X ~ Hypergeom(projects, d_i, d_j)
    parts = eco.participations
    degree = parts.groupby("organisation_id")["project_id"].nunique()
    pairs = parts.merge(parts, on="project_id").query("organisation_id_x < organisation_id_y")
    shared = pairs.groupby(["organisation_id_x", "organisation_id_y"]).size()
    projects = parts["project_id"].nunique()
    kept = nx.Graph([(a, b) for (a, b), count in shared.items()
                     if hypergeom.sf(count - 1, projects, degree[a], degree[b]) <= 0.1])
    largest = max(nx.connected_components(kept), key=len)
    assert len(largest) == 3 < kept.number_of_nodes()  # the case is not trivial
    in_largest = pd.Series(dict(kept.subgraph(largest).degree())).sort_index(kind="stable")
    top_two = set(in_largest.sort_values(ascending=False, kind="stable").index[:2])
    nodes, edges, description = _page_nodes(out / "networks" / "organisations.html")
    assert nodes == top_two and edges == kept.subgraph(top_two).number_of_edges()
    assert description == (f"2 of 8 organisations the most central by degree of the 3 in the backbone's largest "
                           f"component (hypergeometric backbone, alpha 0.1, weight: shared projects); {edges} of "
                           f"{len(shared)} ties; colour: community.")
    # the population: 100 organisations listed, in the table and beside the p-value in the text
    overlap = pd.read_csv(out / "tables" / "overlap.csv")
    members = eco.memberships.groupby("cluster_id")["organisation_id"].nunique()
    row = overlap[(overlap["source"] == "k1") & (overlap["target"] == "k2")].iloc[0]
    assert row["population"] == 100
    assert row["p_value"] == pytest.approx(hypergeom.sf(1 - 1, 100, members["k1"], members["k2"]), rel=1e-12)
    text = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert f"hypergeometric p = {row['p_value']:.2g}" in text and "population: the 100 organisations given" in text
    chance = hypergeom.sf(0, 8, members["k1"], members["k2"])
    assert "Against the 8 organisations of the ecosystem instead it would be" in text
    assert f"(p = {chance:.2g})" in text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # disparity at 0.05 keeps none of the ten ties of this small case: said, and the plain network drawn
        ({"backbone": "disparity"}, "The disparity filter, alpha 0.05, Newman weights keeps none of the 10 ties, "
                                    "so the page draws the plain network instead. 8 of 8 organisations, all 8 "
                                    "with a tie (no backbone); 10 of 10 ties."),
        # the three of highest degree among those with a tie: o1 and o2 (4 partners), o0 and o5 (3) tie
        # for the third place, broken by id
        ({"backbone": None, "top": 3}, "3 of 8 organisations, the most central by degree of the 8 with a tie (no "
                                       "backbone); 3 of 10 ties."),
        ({"backbone": "auto", "top": 7}, "8 organisations have a tie, more than the 7 a page holds, so the page "
                                         "draws the disparity filter's backbone"),
    ],
    ids=["nothing-kept", "plain-top-3", "auto-too-many"],
)
def test_organisation_page_says_what_it_holds(tmp_path, options, expected):
    from clusternet.report import _ReportBuilder

    settings = {"top": 2000, "backbone": "auto", "alpha": 0.05, **options}
    builder = _ReportBuilder(_backbone_case(), tmp_path, seed=0, community_method="louvain", population=None,
                             progress=None, **settings)
    graph, _, said = builder._organisation_page()
    assert expected in said
    if options.get("top") == 3:
        degrees = dict(cn.organisation_network(_backbone_case()).degree())  # by hand: o1 4, o2 4, o0 3, o5 3
        assert sorted(graph.nodes) == sorted(sorted(degrees, key=lambda node: (-degrees[node], node))[:3])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"top": 0}, "top=0 must be a whole number"),
        ({"backbone": "spanning_tree"}, "backbone must be one of"),
        ({"alpha": 1.5}, "alpha=1.5 must be a number strictly between 0 and 1"),
        ({"population": "176000"}, "not one string"),
        ({"population": 0}, "population=0 must be a whole number"),
        ({"population": []}, "population lists no organisation"),
    ],
    ids=["top-0", "unknown-backbone", "alpha-above-1", "population-as-text", "population-0", "population-empty"],
)
def test_report_options_are_checked_before_any_work(tmp_path, options, message):
    with pytest.raises(cn.OptionError, match=re.escape(message)):
        cn.write_report(_programme_elsewhere(), tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["--top", "0"], 2), (["--alpha", "1"], 2), (["--backbone", "mst"], 2), (["--population", "nowhere.txt"], 2)],
    ids=["top-0", "alpha-1", "unknown-backbone", "population-neither-number-nor-file"],
)
def test_report_command_rejects_bad_options(argv, code, capsys):
    assert main(["report", "--dataset", "flanders", "--quiet", *argv]) == code


def test_population_file_with_two_columns_and_no_ids_is_one_line(tmp_path, capsys):
    (tmp_path / "population.csv").write_text("name,country\nA,BE\n", encoding="utf-8")
    assert main(["report", "--dataset", "flanders", "--quiet", "--out", str(tmp_path / "r"),
                 "--population", str(tmp_path / "population.csv")]) == 1
    err = capsys.readouterr().err
    assert "needs a column organisation_id or a single column; it has name, country" in err


def test_synthetic_report_applies_the_walkthroughs_safeguards(synthetic_report):
    eco = cn.datasets.synthetic_ecosystem(seed=0)
    page = html.unescape((synthetic_report / "index.html").read_text(encoding="utf-8"))
    # Niches by p-value: for each IBN the SPC with the lowest hypergeometric p, recomputed with
    # scipy from the membership counts (population: the 2,728 organisations).
    clusters = eco.clusters.set_index("cluster_id")
    members = eco.memberships[["organisation_id", "cluster_id"]].drop_duplicates()
    size = members.groupby("cluster_id").size()
    pairs = members.merge(members, on="organisation_id")
    pairs = pairs[pairs["cluster_id_x"].map(clusters["type"]).eq("SPC") & pairs["cluster_id_y"].map(clusters["type"]).eq("IBN")]
    shared = pairs.groupby(["cluster_id_y", "cluster_id_x"]).size().rename("shared").reset_index()
    shared["p"] = hypergeom.sf(shared["shared"] - 1, len(eco.organisations), shared["cluster_id_x"].map(size),
                               shared["cluster_id_y"].map(size))
    best = shared.sort_values(["cluster_id_y", "p", "shared"], ascending=[True, True, False]).drop_duplicates("cluster_id_y")
    niches = pd.read_csv(synthetic_report / "tables" / "niche_mapping.csv", index_col="cluster_id")
    assert niches.loc[best["cluster_id_y"], "spc"].tolist() == best["cluster_id_x"].tolist()
    assert (niches["population"] == len(eco.organisations)).all()
    # Communities over the organisations with a tie, compared with SPC membership only.
    graph = cn.organisation_network(eco, weight="newman")
    tied = {node for node, degree in graph.degree() if degree > 0}
    spc = members[members["cluster_id"].map(clusters["type"]).eq("SPC")]
    in_spc = set(spc["organisation_id"])
    comparison = pd.read_csv(synthetic_report / "tables" / "communities_vs_clusters.csv").iloc[0]
    assert comparison["nodes"] == len(tied & in_spc)
    several = (spc.groupby("organisation_id")["cluster_id"].nunique() > 1)
    assert comparison["groups_b"] == spc["cluster_id"].nunique() + int(several[list(tied & in_spc)].any())
    assert f"communities over the {len(tied):,} organisations with a tie." in page
    assert "Compared with SPC membership (an organisation in two or more SPCs counts as 'several'" in page
    # the spread over seeds 0-4, by a loop of communities and compare_partitions
    active = graph.subgraph(tied).copy()
    compared = sorted(tied & in_spc)
    nominal = cn.nominal_partition(eco.replace(memberships=spc))
    nmi = [cn.compare_partitions(cn.communities(active, method="leiden", seed=seed).reindex(compared),
                                 nominal.reindex(compared))["nmi"] for seed in range(5)]
    assert f"over seeds 0-4 the NMI ranges from {min(nmi):.2f} to {max(nmi):.2f}" in page
    # The resolution plateau: its partition is the one Leiden returns at the row's resolution,
    # with the row's number of communities and its modularity there (cn.modularity).
    profile = pd.read_csv(synthetic_report / "tables" / "resolution_profile.csv")
    assert profile["resolution_low"].iloc[0] == 0.1 and profile["resolution_high"].iloc[-1] == 10.0
    plateau = profile[profile["plateau"]].iloc[0]
    at = cn.communities(active, method="leiden", resolution=plateau["resolution"], seed=0)
    assert at.nunique() == plateau["communities"]
    assert cn.modularity(active, at, resolution=plateau["resolution"]) == pytest.approx(plateau["quality"], abs=1e-9)
    inside = "inside" if plateau["resolution_low"] <= 1 <= plateau["resolution_high"] else "outside"
    assert (f"The widest stable range (the plateau) is {plateau['resolution_low']:.4g} to "
            f"{plateau['resolution_high']:.4g}") in page
    assert f"the report's resolution 1 lies {inside} it" in page
    # Sector diversity over firms only: the companies of known sector in projects with two or more
    # of them, counted with pandas.
    firms = eco.organisations.set_index("organisation_id")
    known = firms.index[(firms["kind"] == "company") & (firms["sector"] != "unknown")]
    held = eco.participations[eco.participations["organisation_id"].isin(known)].drop_duplicates()
    counted = held.groupby("project_id")["organisation_id"].transform("nunique") >= 2
    baseline = pd.read_csv(synthetic_report / "tables" / "spanning_share_sector.csv").iloc[0]
    assert baseline["organisations"] == held.loc[counted, "organisation_id"].nunique()
    assert "other organisations and an unknown sector are no group" in page
    # The Moonshot is a programme: not in the cluster tables, and said what it is.
    centrality = pd.read_csv(synthetic_report / "tables" / "cluster_centrality.csv", index_col="cluster_id")
    assert "moonshot" not in centrality.index and len(centrality) == clusters["type"].isin(["SPC", "IBN"]).sum()
    assert "moonshot" not in set(pd.read_csv(synthetic_report / "tables" / "kpis.csv")["cluster_id"])
    assert "Moonshot is not a cluster but a programme run by the clusters, coordinated by Catalisti" in page
    # Missing as missing: the intercluster projects list no participants, so a cluster whose only
    # projects they are has no count of project organisations.
    carried = eco.project_clusters.groupby("cluster_id")["project_id"].agg(set)
    listed = set(eco.participations["project_id"])
    unknown = [cluster for cluster, projects in carried.items() if not projects & listed and cluster != "moonshot"]
    assert unknown and centrality.loc[unknown, "project_organisations"].isna().all()
    assert (centrality.drop(index=unknown)["project_organisations"].notna()).all()


def test_what_a_measure_warns_about_is_a_note_in_the_report_not_the_console(tmp_path):
    # Two projects without a year and no shared project: kpis warns (its own message, caught here
    # by calling it), the communities and the organisation page have nothing to show.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b"]}),
        projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
        participations=pd.DataFrame({"project_id": ["p1", "p2"], "organisation_id": ["a", "b"]}),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cn.kpis(eco, by=None)  # as the report calls it on data without clusters
    assert caught
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = html.unescape(cn.write_report(eco, tmp_path).read_text(encoding="utf-8"))
    for warning in caught:
        assert f"Note: {str(warning.message).rstrip('.')}." in _section(page, "kpis")
    assert "no two organisations share a project, so there are no communities to find" in page
    assert "no two organisations share a project, so there is no organisation network to draw" in page


def test_report_core_and_countries_match_a_brute_force_count(synthetic_report):
    page = html.unescape((synthetic_report / "index.html").read_text(encoding="utf-8"))
    assert "<h2>Core, periphery and countries</h2>" in page
    eco = cn.datasets.synthetic_ecosystem()
    # Organisation pairs per project, same country or not, counted in plain Python over the
    # participations (the oracle for region_network's ties and the report's sentence).
    country = eco.organisations.set_index("organisation_id")["country"].dropna().to_dict()
    inside = across = 0
    for _, members in eco.participations.groupby("project_id")["organisation_id"]:
        placed = sorted({o for o in members if o in country})
        for i, a in enumerate(placed):
            for b in placed[i + 1:]:
                inside, across = (inside + 1, across) if country[a] == country[b] else (inside, across + 1)
    ties = pd.read_csv(synthetic_report / "tables" / "country_ties.csv")
    assert ties.loc[ties["source"] == ties["target"], "pairs"].sum() == inside
    assert ties.loc[ties["source"] != ties["target"], "pairs"].sum() == across
    placed = eco.participations[eco.participations["organisation_id"].isin(country)]
    shares = placed["organisation_id"].map(country).value_counts(normalize=True)
    expected = (f"{across / (inside + across):.1%} of the {inside + across:,} organisation pairs joined in projects "
                f"cross a border, against {1 - (shares**2).sum():.1%} if partners were paired regardless of country")
    assert expected in page
    # The core table is core_periphery's, over the organisations with a tie.
    core = pd.read_csv(synthetic_report / "tables" / "core_periphery.csv").set_index("organisation_id")
    G = cn.organisation_network(eco)
    G.remove_nodes_from([node for node, degree in G.degree() if degree == 0])
    fitted = cn.core_periphery(G, samples=20, seed=0)
    assert core["core"].sort_index().equals(fitted["core"].rename_axis("organisation_id").sort_index())
    assert f"a core of {fitted.attrs['core_size']:,} (" in page
    assert f"p = {fitted.attrs['p_value']:.2g})" in page
    assert (synthetic_report / "figures" / "country_ties.png").stat().st_size > 1000
