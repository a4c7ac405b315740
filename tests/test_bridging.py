"""Bridging measures against brute force, networkx, hand-worked cases and sna's formulas."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy

import clusternet as cn
from clusternet import MissingAttributeError

# ------------------------------------------------------------------------------------------
# Generated inputs
# ------------------------------------------------------------------------------------------

GRAPH_CASES = {
    "gnp-20": lambda: nx.gnp_random_graph(20, 0.2, seed=1),
    "gnp-30-sparse": lambda: nx.gnp_random_graph(30, 0.08, seed=2),
    "barabasi-25": lambda: nx.barabasi_albert_graph(25, 2, seed=3),
    "karate": nx.karate_club_graph,
    "two-components": lambda: nx.disjoint_union(nx.cycle_graph(6), nx.path_graph(5)),
}


def _with_groups(G: nx.Graph, groups: int, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = G.copy()
    nx.set_node_attributes(G, {v: f"g{rng.integers(groups)}" for v in G}, "group")
    return G


@pytest.fixture(params=list(GRAPH_CASES), ids=list(GRAPH_CASES))
def grouped_graph(request) -> nx.Graph:
    return _with_groups(GRAPH_CASES[request.param](), 3, seed=len(request.param))


@pytest.fixture(params=[False, True], ids=["unweighted", "weighted"])
def weight(request, grouped_graph) -> str | None:
    if not request.param:
        return None
    rng = np.random.default_rng(7)
    for u, v in grouped_graph.edges:
        grouped_graph.edges[u, v]["w"] = float(rng.integers(1, 5))
    return "w"


def _random_ecosystem(seed: int, organisations: int = 10, projects: int = 7, groups: int = 3) -> cn.Ecosystem:
    rng = np.random.default_rng(seed)
    ids = [f"o{i:02d}" for i in range(organisations)]
    rows = []
    for p in range(projects):
        size = int(rng.integers(2, 5))
        for member in rng.choice(organisations, size=size, replace=False):
            rows.append((f"p{p}", ids[member]))
    kinds = ["company", "knowledge_institution", "research_centre", "public_body"][:groups]
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ids, "kind": [kinds[i] for i in rng.integers(groups, size=organisations)]}),
        projects=pd.DataFrame({"project_id": [f"p{p}" for p in range(projects)]}),
        participations=pd.DataFrame(rows, columns=["project_id", "organisation_id"]),
    )


# ------------------------------------------------------------------------------------------
# E-I index, group mixing, assortativity
# ------------------------------------------------------------------------------------------


def _brute_mixing(G, weight):
    group = nx.get_node_attributes(G, "group")
    internal = external = 0.0
    node_in = Counter()
    node_out = Counter()
    group_in = Counter()
    group_out = Counter()
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        w = data.get(weight, 1.0) if weight else 1.0
        if group[u] == group[v]:
            internal += w
            node_in[u] += w
            node_in[v] += w
            group_in[group[u]] += w
        else:
            external += w
            node_out[u] += w
            node_out[v] += w
            group_out[group[u]] += w
            group_out[group[v]] += w
    return internal, external, node_in, node_out, group_in, group_out


def test_ei_index_against_edge_loop(grouped_graph, weight):
    internal, external, *_ = _brute_mixing(grouped_graph, weight)
    expected = (external - internal) / (external + internal)
    assert cn.ei_index(grouped_graph, "group", weight=weight) == pytest.approx(expected)


def test_group_mixing_levels_against_edge_loop(grouped_graph, weight):
    internal, external, node_in, node_out, group_in, group_out = _brute_mixing(grouped_graph, weight)
    nodes = cn.group_mixing(grouped_graph, "group", weight=weight, level="node")
    assert list(nodes.index) == list(grouped_graph.nodes)
    for v in grouped_graph:
        assert nodes.loc[v, "internal"] == pytest.approx(node_in[v])
        assert nodes.loc[v, "external"] == pytest.approx(node_out[v])
    groups = cn.group_mixing(grouped_graph, "group", weight=weight)
    sizes = Counter(nx.get_node_attributes(grouped_graph, "group").values())
    N = grouped_graph.number_of_nodes()
    for g, row in groups.iterrows():
        assert row["internal"] == pytest.approx(group_in[g])
        assert row["external"] == pytest.approx(group_out[g])
        assert row["nodes"] == sizes[g]
        # Expected E-I of random ties: n_g (N - n_g) external pairs, C(n_g, 2) internal pairs.
        ext_pairs, int_pairs = sizes[g] * (N - sizes[g]), sizes[g] * (sizes[g] - 1) / 2
        assert row["expected_ei_index"] == pytest.approx((ext_pairs - int_pairs) / (ext_pairs + int_pairs))
    graph = cn.group_mixing(grouped_graph, "group", weight=weight, level="graph")
    assert graph.loc["graph", "external_share"] == pytest.approx(external / (internal + external))


def test_assortativity_equals_networkx(grouped_graph):
    ours = cn.nominal_assortativity(grouped_graph, "group")
    assert ours == pytest.approx(nx.attribute_assortativity_coefficient(grouped_graph, "group"))
    graph = cn.group_mixing(grouped_graph, "group", level="graph")
    assert graph.loc["graph", "assortativity"] == pytest.approx(ours)


def test_assortativity_directed_equals_networkx():
    G = _with_groups(nx.gnp_random_graph(25, 0.15, seed=4, directed=True), 3, seed=5)
    assert cn.nominal_assortativity(G, "group") == pytest.approx(nx.attribute_assortativity_coefficient(G, "group"))


def test_ei_hand_worked_directed():
    # Arcs a->b (inside x), b->c, c->b (across), c->d (inside y): EL = 2, IL = 2.
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    groups = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert cn.ei_index(G, groups) == 0.0
    table = cn.group_mixing(G, groups)
    assert table.loc["x", ["internal", "external"]].tolist() == [1.0, 2.0]


# ------------------------------------------------------------------------------------------
# Participation coefficient and roles
# ------------------------------------------------------------------------------------------


def test_participation_against_formula(grouped_graph, weight):
    group = nx.get_node_attributes(grouped_graph, "group")
    result = cn.participation_coefficient(grouped_graph, "group", weight=weight)
    for v in grouped_graph:
        by_group = Counter()
        for u in grouped_graph[v]:
            by_group[group[u]] += grouped_graph.edges[v, u].get(weight, 1.0) if weight else 1.0
        k = sum(by_group.values())
        expected = 1 - sum((x / k) ** 2 for x in by_group.values()) if k else 0.0
        assert result[v] == pytest.approx(expected)


def test_module_roles_against_formula(grouped_graph):
    group = nx.get_node_attributes(grouped_graph, "group")
    roles = cn.module_roles(grouped_graph, "group")
    within = {v: sum(group[u] == group[v] for u in grouped_graph[v]) for v in grouped_graph}
    for g in set(group.values()):
        members = [v for v in grouped_graph if group[v] == g]
        values = np.array([within[v] for v in members], dtype=float)
        sd = values.std()
        for v in members:
            expected = (within[v] - values.mean()) / sd if sd > 0 else 0.0
            assert roles.loc[v, "within_module_z"] == pytest.approx(expected)
    assert roles["role"].notna().all()


def test_module_roles_hand_worked_hub():
    # Module m: a centre tied to 12 leaves; the centre has one more tie, to node 100 in
    # module "other". Within-degrees in m: 12 for the centre, 1 for each leaf: mean 24/13,
    # population variance (12 - 24/13)^2 / 13 + 12 (1 - 24/13)^2 / 13, z = 3.46 -> hub.
    G = nx.star_graph(12)
    G.add_edge(0, 100)
    groups = {v: "m" for v in G}
    groups[100] = "other"
    roles = cn.module_roles(G, groups)
    mean = 24 / 13
    sd = math.sqrt(((12 - mean) ** 2 + 12 * (1 - mean) ** 2) / 13)
    assert roles.loc[0, "within_module_z"] == pytest.approx((12 - mean) / sd)
    # centre: 12 ties inside, 1 outside: P = 1 - (12/13)^2 - (1/13)^2 = 0.142 -> provincial hub.
    assert roles.loc[0, "participation"] == pytest.approx(1 - (12 / 13) ** 2 - (1 / 13) ** 2)
    assert roles.loc[0, "role"] == "R5"
    assert roles.loc[100, "role_name"] == "ultra-peripheral"


# ------------------------------------------------------------------------------------------
# Attribute mixing: group mixing on the population an attribute describes
# ------------------------------------------------------------------------------------------


def _hand_ecosystem() -> cn.Ecosystem:
    # c4 is a company with no sector (the model fills in "unknown"), u1 and r1 are no companies,
    # r1 has no country; nobody has a size class.
    return cn.Ecosystem(
        organisations=pd.DataFrame({
            "organisation_id": ["c1", "c2", "c3", "c4", "u1", "r1"],
            "kind": ["company"] * 4 + ["knowledge_institution", "research_centre"],
            "sector": ["chem", "chem", "food", None, None, None],
            "country": ["BE", "BE", "NL", "BE", "BE", None],
        }),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4"]}),
        participations=pd.DataFrame({
            "project_id": ["p1", "p1", "p1", "p2", "p2", "p3", "p3", "p3", "p4", "p4"],
            "organisation_id": ["c1", "c2", "u1", "c2", "c3", "c3", "c4", "r1", "c1", "u1"],
        }),
    )


def _brute_attribute_mixing(eco: cn.Ecosystem, attribute: str, companies_only: bool) -> dict:
    """The population and its E-I index from the tables alone: no graph, no clusternet measure."""
    organisations = eco.organisations.set_index("organisation_id")
    scope = organisations[organisations["kind"] == "company"] if companies_only else organisations
    values = scope[attribute]
    known = values[values.notna() & (values != "unknown")]
    ties = set()
    for _, members in eco.participations.groupby("project_id")["organisation_id"]:
        inside = sorted(set(members) & set(known.index))
        ties |= set(itertools.combinations(inside, 2))
    internal = sum(known[a] == known[b] for a, b in ties)
    external = len(ties) - internal
    return {"organisations": len(known), "unknown": len(values) - len(known), "groups": known.nunique(),
            "ties": len(ties), "internal": internal, "external": external,
            "ei_index": (external - internal) / (external + internal)}


# Hand count on _hand_ecosystem's seven ties c1-c2, c1-u1, c2-u1, c2-c3, c3-c4, c3-r1, c4-r1:
# sector among c1, c2, c3 keeps c1-c2 (inside chem) and c2-c3 (across): (1 - 1) / 2 = 0;
# country among all but r1 keeps c1-c2, c1-u1, c2-u1 (inside BE), c2-c3, c3-c4 (across): -1/5;
# kind among all six: c1-c2, c2-c3, c3-c4 inside, the other four across: (4 - 3) / 7.
HAND_COUNTS = [
    ("sector", "companies", {"organisations": 3, "unknown": 1, "groups": 2, "ties": 2, "ei_index": 0.0}),
    ("country", "all organisations", {"organisations": 5, "unknown": 1, "groups": 2, "ties": 5, "ei_index": -0.2}),
    ("kind", "all organisations", {"organisations": 6, "unknown": 0, "groups": 3, "ties": 7, "ei_index": 1 / 7}),
]


@pytest.mark.parametrize(("attribute", "among", "counts"), HAND_COUNTS, ids=[c[0] for c in HAND_COUNTS])
def test_attribute_mixing_against_hand_count_and_tables(attribute, among, counts):
    eco = _hand_ecosystem()
    row = cn.attribute_mixing(eco, attribute=attribute).iloc[0]
    assert (row["attribute"], row["among"]) == (attribute, among)
    for column, value in counts.items():
        assert row[column] == pytest.approx(value), column
    brute = _brute_attribute_mixing(eco, attribute, companies_only=among == "companies")
    for column, value in brute.items():
        assert row[column] == pytest.approx(value), column
    # the graph an Ecosystem is measured on, passed in, gives the same row
    from_graph = cn.attribute_mixing(cn.organisation_network(eco, weight="newman"), attribute=attribute)
    pd.testing.assert_frame_equal(from_graph, cn.attribute_mixing(eco, attribute=attribute))


def test_attribute_mixing_levels_are_group_mixing_on_the_known_population():
    eco = _hand_ecosystem()
    G = cn.organisation_network(eco)
    population = G.subgraph(["c1", "c2", "c3"]).copy()  # the companies with a known sector, by hand
    for level in ("group", "node"):
        table = cn.attribute_mixing(G, attribute="sector", level=level)
        assert set(table["attribute"]) == {"sector"} and set(table["among"]) == {"companies"}
        expected = cn.group_mixing(population, "sector", level=level).reset_index()
        pd.testing.assert_frame_equal(table.drop(columns=["attribute", "among"]), expected)
    assert cn.attribute_mixing(G, attribute="sector", level="node")["node"].tolist() == ["c1", "c2", "c3"]
    graph = cn.attribute_mixing(G, attribute="sector").iloc[0]
    # baseline by hand: 3 pairs of which 1 inside a group, so (2 - 1) / 3 expected at random
    assert graph["expected_ei_index"] == pytest.approx(1 / 3)
    assert graph["assortativity"] == pytest.approx(cn.nominal_assortativity(population, "sector"))


def test_attribute_mixing_falls_back_and_says_which_attribute_it_used():
    eco = _hand_ecosystem()
    table = cn.attribute_mixing(eco, attribute="size_class", fallback="kind")
    assert table.loc[0, "attribute"] == "kind"
    pd.testing.assert_frame_equal(table, cn.attribute_mixing(eco, attribute="kind"))
    # a measurable attribute is used even when a fallback is given
    assert cn.attribute_mixing(eco, attribute="sector", fallback="kind").loc[0, "attribute"] == "sector"


NOTHING_TO_MEASURE = [
    ("no-known-value", dict(attribute="size_class"), r"'size_class' has 0 known value\(s\) among 4 companies"),
    ("fallback-too", dict(attribute="size_class", fallback="region"), r"'size_class' .*; 'region' has 1 known"),
    ("one-group", dict(attribute="region"), r"'region' has 1 known value\(s\) among 6 organisations"),
    ("no-column", dict(attribute="colour"), r"'colour' has 0 known value\(s\) among 6 organisations"),
    ("no-tie", dict(attribute="ownership"), "leaves no tie among the 2 companies"),
    ("bad-level", dict(attribute="sector", level="edge"), "level must be"),
]


@pytest.mark.parametrize(("case", "options", "message"), NOTHING_TO_MEASURE, ids=[c[0] for c in NOTHING_TO_MEASURE])
def test_attribute_mixing_says_why_there_is_nothing_to_measure(case, options, message):
    eco = _hand_ecosystem()
    # c1 and c4 have an ownership but share no project; every organisation is in one region
    organisations = eco.organisations.assign(
        ownership=["domestic", "unknown", "unknown", "foreign_multinational", "unknown", "unknown"],
        region="Flanders")
    eco = cn.Ecosystem(organisations=organisations, projects=eco.projects, participations=eco.participations)
    with pytest.raises(cn.OptionError, match=message):
        cn.attribute_mixing(eco, **options)


def test_attribute_mixing_needs_a_network():
    with pytest.raises(cn.MissingTableError):
        cn.attribute_mixing(_hand_ecosystem().replace(participations=None))
    with pytest.raises(cn.OptionError, match="Ecosystem or a networkx graph"):
        cn.attribute_mixing(pd.DataFrame())


# ------------------------------------------------------------------------------------------
# Consortium diversity
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["eco1", "eco2", "eco3"])
def test_consortium_diversity_against_counter(seed):
    eco = _random_ecosystem(seed)
    kind = eco.organisations.set_index("organisation_id")["kind"]
    table = cn.consortium_diversity(eco, "kind")
    for project, members in eco.participations.groupby("project_id")["organisation_id"]:
        counts = Counter(kind[m] for m in set(members))
        shares = np.array(list(counts.values()), dtype=float) / sum(counts.values())
        assert table.loc[project, "groups"] == len(counts)
        assert table.loc[project, "blau"] == pytest.approx(1 - np.sum(shares**2))
        assert table.loc[project, "shannon"] == pytest.approx(entropy(shares))
        assert table.loc[project, "spans_groups"] == (len(counts) >= 2)


def test_consortium_diversity_unknown_values():
    eco = cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": ["a", "b", "c"], "region": ["x", None, "y"]}),
        projects=pd.DataFrame({"project_id": ["p"]}),
        participations=pd.DataFrame({"project_id": ["p", "p", "p"], "organisation_id": ["a", "b", "c"]}),
    )
    row = cn.consortium_diversity(eco, "region").loc["p"]
    assert (row["participants"], row["unknown"], row["groups"]) == (3, 1, 2)
    assert row["blau"] == pytest.approx(0.5)


# ------------------------------------------------------------------------------------------
# Brokerage
# ------------------------------------------------------------------------------------------


def _projects_of(eco):
    members = eco.participations.groupby("project_id")["organisation_id"].apply(set).to_dict()
    return members


def _role(ga, gb, gc):
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if ga == gb:
        return "representative"
    if gb == gc:
        return "gatekeeper"
    return "liaison"


def _brute_brokerage(eco, paths: bool) -> pd.DataFrame:
    members = _projects_of(eco)
    kind = eco.organisations.set_index("organisation_id")["kind"].to_dict()
    projects_of = {}
    for project, orgs in members.items():
        for org in orgs:
            projects_of.setdefault(org, set()).add(project)
    actors = sorted(projects_of)
    counts = {b: Counter() for b in actors}

    def share(x, y):
        return bool(projects_of[x] & projects_of[y])

    for b in actors:
        if paths:
            # Every two-mode path a - p - b - q - c with a and c sharing no project.
            for p, q in itertools.product(projects_of[b], repeat=2):
                if p == q:
                    continue
                for a in members[p] - {b}:
                    for c in members[q] - {b}:
                        if a != c and not share(a, c):
                            counts[b][_role(kind[a], kind[b], kind[c])] += 1
        else:
            neighbours = {o for p in projects_of[b] for o in members[p]} - {b}
            for a, c in itertools.permutations(neighbours, 2):
                if not share(a, c):
                    counts[b][_role(kind[a], kind[b], kind[c])] += 1
    return pd.DataFrame(
        [[counts[b][r] for r in cn.BROKERAGE_ROLES] for b in actors], index=actors, columns=list(cn.BROKERAGE_ROLES)
    ).astype(float)


@pytest.mark.parametrize("count", ["pairs", "paths"], ids=["pairs", "paths"])
@pytest.mark.parametrize("seed", [11, 12, 13, 14], ids=["eco11", "eco12", "eco13", "eco14"])
def test_brokerage_against_enumeration(seed, count):
    eco = _random_ecosystem(seed, organisations=12, projects=8, groups=3)
    ours = cn.brokerage(eco, "kind", count=count)
    brute = _brute_brokerage(eco, paths=count == "paths")
    pd.testing.assert_frame_equal(ours[list(cn.BROKERAGE_ROLES)], brute, check_names=False)
    assert (ours["representative"] == ours["gatekeeper"]).all()


def test_brokerage_pairs_equal_open_two_paths_of_projection():
    # Pairs mode is sna's brokerage on the binary co-participation graph: open two-paths.
    eco = _random_ecosystem(21, organisations=14, projects=9)
    members = _projects_of(eco)
    G = nx.Graph()
    for orgs in members.values():
        G.add_edges_from(itertools.combinations(sorted(orgs), 2))
    kind = eco.organisations.set_index("organisation_id")["kind"].to_dict()
    ours = cn.brokerage(eco, "kind")
    for b in G:
        count = Counter()
        for a, c in itertools.permutations(G[b], 2):
            if not G.has_edge(a, c):
                count[_role(kind[a], kind[b], kind[c])] += 1
        assert [ours.loc[b, r] for r in cn.BROKERAGE_ROLES] == [count[r] for r in cn.BROKERAGE_ROLES]


def test_brokerage_hand_worked():
    # p1 = {a, b}, p2 = {b, c, d}, p3 = {d, e}; a, b, e firms, c, d universities.
    # Broker b: neighbours a, c, d; open pairs {a, c}, {a, d} (c, d share p2).
    #   a(F) -> b(F) -> c(U): representative; c -> b -> a: gatekeeper; same for d: 2 + 2.
    # Broker d (U): neighbours b, c, e; open pairs {b, e}, {c, e}.
    #   b(F) -> d(U) -> e(F): itinerant (both ways: 2); c(U) -> d(U) -> e(F): representative,
    #   e -> d -> c: gatekeeper.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame(
            {
                "organisation_id": list("abcde"),
                "kind": ["company", "company", "knowledge_institution", "knowledge_institution", "company"],
            }
        ),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3"]}),
        participations=pd.DataFrame(
            {"project_id": ["p1", "p1", "p2", "p2", "p2", "p3", "p3"], "organisation_id": list("abbcdde")}
        ),
    )
    table = cn.brokerage(eco, "kind")
    assert table.loc["b", list(cn.BROKERAGE_ROLES)].tolist() == [0, 0, 2, 2, 0]
    assert table.loc["d", list(cn.BROKERAGE_ROLES)].tolist() == [0, 2, 1, 1, 0]
    assert table.loc[["a", "c", "e"], "total"].tolist() == [0, 0, 0]


def test_brokerage_moments_hand_worked():
    # Path a - b - c (two projects): N = 3, L = 2 ties, d = 2L / (N (N - 1)) = 2/3,
    # q = d^2 (1 - d) = 4/27. Broker b is a firm like a (n_i = 2):
    #   E[representative] = q (N - n_i)(n_i - 1) = 4/27,
    #   Var = E (1 - q) + 2 ((n_i - 1) C(N - n_i, 2) + (N - n_i) C(n_i - 1, 2)) d^3 (1-d)^3 = 4/27 * 23/27,
    #   z = (1 - 4/27) / sqrt(92/729) = 23 / sqrt(92).
    # c is alone in its group (n_i = 1): E[itinerant] = q * 2 * 1 = 8/27, E[liaison] = q (2^2 - 2^2) = 0.
    eco = cn.Ecosystem(
        organisations=pd.DataFrame(
            {"organisation_id": ["a", "b", "c"], "kind": ["company", "company", "knowledge_institution"]}
        ),
        projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2"], "organisation_id": ["a", "b", "b", "c"]}),
    )
    table = cn.brokerage(eco, "kind")
    assert table.loc["b", "expected_representative"] == pytest.approx(4 / 27)
    assert table.loc["b", "z_representative"] == pytest.approx(23 / math.sqrt(92))
    assert table.loc["b", "expected_coordinator"] == 0
    assert table.loc["c", "expected_itinerant"] == pytest.approx(8 / 27)
    assert table.loc["c", "expected_liaison"] == 0
    assert table.loc["a", "expected_total"] == pytest.approx(4 / 27 * 2 * 1)


def _sna_moments_literal(cl, N, m):
    """A line-by-line transcription of the moments in R sna's brokerage() (sna/R/gli.R)."""
    d = m / (N * (N - 1))
    clid = sorted(set(cl))
    n = np.array([sum(1 for x in cl if x == i) for i in clid], dtype=float)
    ebr = np.zeros((len(clid), 6))
    vbr = np.zeros((len(clid), 6))

    def choose(x, k):
        return math.comb(int(x), k) if x >= k else 0.0

    for i in range(len(clid)):
        rest = np.delete(n, i)
        ebr[i, 0] = d**2 * (1 - d) * (n[i] - 1) * (n[i] - 2)
        vbr[i, 0] = ebr[i, 0] * (1 - d**2 * (1 - d)) + 2 * (n[i] - 1) * (n[i] - 2) * (n[i] - 3) * d**3 * (1 - d) ** 3
        ebr[i, 1] = d**2 * (1 - d) * sum(rest * (rest - 1))
        vbr[i, 1] = ebr[i, 1] * (1 - d**2 * (1 - d)) + 2 * sum(rest * (rest - 1) * (rest - 2)) * d**3 * (1 - d) ** 3
        ebr[i, 2] = d**2 * (1 - d) * (N - n[i]) * (n[i] - 1)
        vbr[i, 2] = ebr[i, 2] * (1 - d**2 * (1 - d)) + 2 * (
            (n[i] - 1) * choose(N - n[i], 2) + (N - n[i]) * choose(n[i] - 1, 2)
        ) * d**3 * (1 - d) ** 3
        ebr[i, 3], vbr[i, 3] = ebr[i, 2], vbr[i, 2]
        ebr[i, 4] = d**2 * (1 - d) * (np.sum(np.outer(rest, rest)) - np.sum(rest**2))
        vbr[i, 4] = ebr[i, 4] * (1 - d**2 * (1 - d)) + 4 * sum(
            r * choose(N - r - n[i], 2) * d**3 * (1 - d) ** 3 for r in rest
        )
        ebr[i, 5] = d**2 * (1 - d) * (N - 1) * (N - 2)
        vbr[i, 5] = ebr[i, 5] * (1 - d**2 * (1 - d)) + 2 * (N - 1) * (N - 2) * (N - 3) * d**3 * (1 - d) ** 3
    return dict(zip(clid, ebr, strict=True)), dict(zip(clid, np.sqrt(vbr), strict=True))


@pytest.mark.parametrize("seed", [31, 32], ids=["eco31", "eco32"])
def test_brokerage_moments_equal_sna_transcription(seed):
    eco = _random_ecosystem(seed, organisations=15, projects=8, groups=4)
    table = cn.brokerage(eco, "kind")
    members = _projects_of(eco)
    G = nx.Graph()
    for orgs in members.values():
        G.add_edges_from(itertools.combinations(sorted(orgs), 2))
    cl = table["group"].tolist()
    expected, sd = _sna_moments_literal(cl, len(cl), 2 * G.number_of_edges())
    columns = [*cn.BROKERAGE_ROLES, "total"]
    for _org, row in table.iterrows():
        assert [row[f"expected_{c}"] for c in columns] == pytest.approx(list(expected[row["group"]]))
        # sna's sd, times sqrt(2) for coordinator, itinerant, liaison and total: on the symmetric
        # graph their pairs count in both directions (see test_bridging_oracles.py).
        scale = np.array([math.sqrt(2), math.sqrt(2), 1, 1, math.sqrt(2), math.sqrt(2)])
        z = [(row[c] - e) / s if s > 0 else np.nan
             for c, e, s in zip(columns, expected[row["group"]], sd[row["group"]] * scale, strict=True)]
        assert [row[f"z_{c}"] for c in columns] == pytest.approx(z, nan_ok=True)


def test_brokerage_paths_have_no_expected_values():
    table = cn.brokerage(_random_ecosystem(3), "kind", count="paths")
    assert table["expected_total"].isna().all()


# ------------------------------------------------------------------------------------------
# Gefura
# ------------------------------------------------------------------------------------------


def _brute_gefura(G, group):
    glob = dict.fromkeys(G, 0.0)
    loc = dict.fromkeys(G, 0.0)
    pairs = itertools.permutations(G, 2) if G.is_directed() else itertools.combinations(G, 2)
    for s, t in pairs:
        if group[s] == group[t] or not nx.has_path(G, s, t):
            continue
        paths = list(nx.all_shortest_paths(G, s, t))
        for v in G:
            if v in (s, t):
                continue
            share = sum(v in path for path in paths) / len(paths)
            glob[v] += share
            # local: pairs between v's own group and another group, either end (undirected).
            if G.is_directed():
                if group[s] == group[v]:
                    loc[v] += share
            elif group[v] in (group[s], group[t]):
                loc[v] += share
    return glob, loc


@pytest.mark.parametrize(
    "make",
    [
        lambda: nx.gnp_random_graph(14, 0.25, seed=1),
        lambda: nx.disjoint_union(nx.cycle_graph(5), nx.path_graph(4)),
        nx.florentine_families_graph,
        lambda: nx.gnp_random_graph(12, 0.25, seed=5, directed=True),
    ],
    ids=["gnp", "disconnected", "florentine", "directed"],
)
def test_gefura_against_all_shortest_paths(make):
    G = _with_groups(make(), 3, seed=9)
    group = nx.get_node_attributes(G, "group")
    glob, loc = _brute_gefura(G, group)
    ours = cn.gefura(G, "group", normalized=False)
    assert ours["global_gefura"].to_dict() == pytest.approx(glob)
    assert ours["local_gefura"].to_dict() == pytest.approx(loc)


def test_gefura_normalised_and_sampled():
    G = _with_groups(nx.gnp_random_graph(16, 0.2, seed=3), 3, seed=4)
    group = nx.get_node_attributes(G, "group")
    raw = cn.gefura(G, "group", normalized=False)
    sizes = Counter(group.values())
    N = len(G)
    norm = cn.gefura(G, "group")
    for v in G:
        others = Counter(sizes)
        others[group[v]] -= 1
        cross = sum(others[a] * others[b] for a, b in itertools.combinations(others, 2))
        local_pairs = (sizes[group[v]] - 1) * (N - sizes[group[v]])
        assert norm.loc[v, "global_gefura"] == pytest.approx(raw.loc[v, "global_gefura"] / cross if cross else 0)
        assert norm.loc[v, "local_gefura"] == pytest.approx(raw.loc[v, "local_gefura"] / local_pairs if local_pairs else 0)
    # Sampling every source is the exact computation.
    pd.testing.assert_frame_equal(cn.gefura(G, "group", k=len(G), seed=1), norm)


# ------------------------------------------------------------------------------------------
# Structural holes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
def test_structural_holes_equal_networkx(grouped_graph, weight, directed):
    G = grouped_graph.to_directed() if directed else grouped_graph
    if directed:  # drop some arcs so that the two directions differ
        G.remove_edges_from([e for i, e in enumerate(list(G.edges)) if i % 3 == 0])
    ours = cn.structural_holes(G, weight=weight)
    constraint = nx.constraint(G, weight=weight)
    # nodes= forces networkx's reference loop: its all-nodes sparse shortcut (networkx 3.6)
    # disagrees with that loop on some directed graphs.
    effective = nx.effective_size(G, nodes=list(G), weight=weight)
    for v in G:
        assert ours.loc[v, "constraint"] == pytest.approx(constraint[v], nan_ok=True)
        if directed and not G.succ[v] and G.pred[v]:
            # networkx's loop calls a node without out-arcs isolated; its ties still count here.
            assert np.isfinite(ours.loc[v, "effective_size"])
            continue
        assert ours.loc[v, "effective_size"] == pytest.approx(effective[v], nan_ok=True)


# ------------------------------------------------------------------------------------------
# Permutation null
# ------------------------------------------------------------------------------------------


def test_permutation_shuffle_is_deterministic_and_keeps_group_sizes():
    G = _with_groups(nx.karate_club_graph(), 2, seed=1)
    seen = []

    def measure(graph, attribute):
        seen.append(sorted(Counter(nx.get_node_attributes(graph, attribute).values()).items()))
        return cn.ei_index(graph, attribute)

    first = cn.permutation_test(G, measure, "group", n=30, seed=5)
    second = cn.permutation_test(G, cn.ei_index, "group", n=30, seed=5)
    assert np.array_equal(first.null, second.null)
    assert all(s == seen[0] for s in seen)
    assert first.observed == cn.ei_index(G, "group")
    assert first.mean == pytest.approx(np.mean(first.null))
    assert first.z == pytest.approx((first.observed - first.mean) / np.std(first.null, ddof=1))
    assert nx.get_node_attributes(G, "group") == nx.get_node_attributes(_with_groups(nx.karate_club_graph(), 2, seed=1), "group")


def test_permutation_rewire_keeps_degrees():
    G = _with_groups(nx.gnp_random_graph(30, 0.15, seed=2), 2, seed=3)
    degrees = sorted(dict(G.degree).items())

    def measure(graph, attribute):
        assert sorted(dict(graph.degree).items()) == degrees
        return cn.nominal_assortativity(graph, attribute)

    result = cn.permutation_test(G, measure, "group", n=5, seed=0, method="rewire")
    again = cn.permutation_test(G, measure, "group", n=5, seed=0, method="rewire")
    assert np.array_equal(result.null, again.null)
    assert 0 < result.p <= 1


def test_permutation_detects_planted_groups():
    # Two dense blocks and one tie between them: labels following the blocks are far from random.
    G = nx.barbell_graph(8, 0)
    nx.set_node_attributes(G, {v: "left" if v < 8 else "right" for v in G}, "side")
    result = cn.permutation_test(G, cn.ei_index, "side", n=99, seed=3)
    assert result.z < -3 and result.p_less <= 0.05


# ------------------------------------------------------------------------------------------
# Bad input and properties
# ------------------------------------------------------------------------------------------

BAD = [
    ("missing-node-group", lambda G: cn.ei_index(G, {0: "a"}), MissingAttributeError),
    ("missing-attribute", lambda G: cn.participation_coefficient(G, "nope"), KeyError),
    ("bad-level", lambda G: cn.group_mixing(G, "group", level="edge"), ValueError),
    ("bad-k", lambda G: cn.gefura(G, "group", k=0), ValueError),
    ("bad-method", lambda G: cn.permutation_test(G, cn.ei_index, "group", method="bootstrap"), ValueError),
    ("rewire-directed", lambda G: cn.permutation_test(G.to_directed(), cn.ei_index, "group", method="rewire", n=2), ValueError),
    ("bad-count", lambda G: cn.brokerage(_random_ecosystem(1), "kind", count="edges"), ValueError),
    ("no-column", lambda G: cn.brokerage(_random_ecosystem(1), "colour"), KeyError),
]


@pytest.mark.parametrize(("case", "call", "error"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(case, call, error):
    G = _with_groups(nx.path_graph(4), 2, seed=0)
    with pytest.raises(error) as info:
        call(G)
    assert isinstance(info.value, cn.ClusternetError)


def test_brokerage_needs_projects(flanders):
    with pytest.raises(cn.MissingTableError):
        cn.brokerage(flanders.replace(participations=None), "kind")


@st.composite
def grouped_graphs(draw):
    n = draw(st.integers(2, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    groups = draw(st.lists(st.sampled_from("xyz"), min_size=n, max_size=n))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v) for u, v in edges if u != v)
    nx.set_node_attributes(G, dict(enumerate(groups)), "group")
    return G


@settings(max_examples=20, deadline=None)
@given(G=grouped_graphs(), seed=st.integers(0, 1000))
def test_node_order_does_not_change_results(G, seed):
    order = list(np.random.default_rng(seed).permutation(list(G.nodes)))
    H = nx.Graph()
    H.add_nodes_from((v, G.nodes[v]) for v in order)
    H.add_edges_from(G.edges)
    for function in (cn.participation_coefficient, lambda g, a: cn.gefura(g, a), lambda g, a: cn.module_roles(g, a)):
        a = function(G, "group")
        b = function(H, "group")
        pd.testing.assert_frame_equal(pd.DataFrame(a).sort_index(), pd.DataFrame(b).sort_index())
    assert cn.ei_index(G, "group") == pytest.approx(cn.ei_index(H, "group"), nan_ok=True)


@settings(max_examples=25, deadline=None)
@given(G=grouped_graphs())
def test_ei_index_is_the_global_row_of_group_mixing(G):
    graph = cn.group_mixing(G, "group", level="graph")
    node = cn.group_mixing(G, "group", level="node")
    # Every tie has two ends: node sums are twice the graph totals.
    assert node["internal"].sum() == pytest.approx(2 * graph.loc["graph", "internal"])
    assert node["external"].sum() == pytest.approx(2 * graph.loc["graph", "external"])
    value = cn.ei_index(G, "group")
    assert np.isnan(value) or -1 <= value <= 1


def _three_pairs():
    return cn.Ecosystem(
        organisations=pd.DataFrame({"organisation_id": list("abcdefg"),
                                    "sector": ["x", "x", "x", "y", "y", "y", None]}),
        projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4"]}),
        participations=pd.DataFrame({"project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4"],
                                     "organisation_id": ["a", "b", "c", "d", "e", "f", "g", "a"]}),
    )


def test_spanning_share_against_the_exact_permutation_null():
    # Observed by hand: only p2 (c: x, d: y) spans, 1 of 3 projects; p4 has one known participant
    # (g has no sector) and is not in the population. Exact null by enumerating all 720
    # permutations of the six labels (itertools): each pair spans with probability 9/15.
    eco = _three_pairs()
    row = cn.spanning_share(eco, "sector", samples=4000, seed=1).iloc[0]
    assert (row["projects"], row["organisations"], row["groups"]) == (3, 6, 2)
    assert row["observed"] == pytest.approx(1 / 3)
    labels = ["x", "x", "x", "y", "y", "y"]
    pairs = [(0, 1), (2, 3), (4, 5)]
    shares = [np.mean([perm[i] != perm[j] for i, j in pairs]) for perm in itertools.permutations(labels)]
    assert row["expected"] == pytest.approx(np.mean(shares), abs=0.01)
    assert np.mean(shares) == pytest.approx(0.6)
    assert row["expected_sd"] == pytest.approx(np.std(shares, ddof=1), abs=0.01)
    exact_p = np.mean([s >= 1 / 3 - 1e-12 for s in shares])
    assert row["p_value"] == pytest.approx(exact_p, abs=0.02)
    again = cn.spanning_share(eco, "sector", samples=4000, seed=1)
    pd.testing.assert_frame_equal(again, cn.spanning_share(eco, "sector", samples=4000, seed=1))


@pytest.mark.parametrize(("options", "fragment"), [
    ({"samples": 0}, "samples must be a positive integer"),
    ({"attribute": pd.Series({"a": "x"})}, "no project has two participants"),
], ids=["samples", "nothing-to-measure"])
def test_spanning_share_refuses(options, fragment):
    kwargs = {"attribute": "sector", **options}
    with pytest.raises(cn.OptionError, match=fragment):
        cn.spanning_share(_three_pairs(), kwargs.pop("attribute"), **kwargs)
