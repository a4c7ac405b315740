"""Centrality and communities of the full Horizon 2020 organisation network (36k organisations).

Run from the repository root:

    python benchmarks/bench_centrality_communities.py [--samples 100] [--louvain] [--check] [--epsilon]

It prints wall times of each step, and with ``--check`` the error of sampled betweenness and
closeness against the exact values on a subnetwork small enough to compute them exactly, plus
the agreement of two seeds on the full network. With ``--epsilon`` it compares betweenness
within ``epsilon`` (and ``samples=100``) with the exact values on the 9,201 organisations of the
largest component of the projects starting in 2020, weighted and unweighted: the exact top 10
and top 50 found, the largest error, times and the load average. ``--methods`` sets
igraph's Leiden (2, 5 and unlimited iterations) and Louvain beside networkit's PLM and
ParallelLeiden on all of H2020: modularity and CPU seconds. The data lives outside the repository
(``../shared/data/cordis-h2020``, see its SOURCE.txt); set CLUSTERNET_SHARED_DATA to move it.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

import clusternet as cn
from clusternet import centrality, communities, modularity

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cordis-h2020"


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<52}{time.perf_counter() - start:8.2f} s", flush=True)
    return result


def organisation_network(path: Path, *, years: tuple[int, int] | None = None):
    """The organisation network: clusternet's builder, or a bare sparse projection without it."""
    if hasattr(cn, "organisation_network") and hasattr(cn, "read_cordis"):
        ecosystem = timed("read_cordis", cn.read_cordis, path)
        return timed("organisation_network (count)", cn.organisation_network, ecosystem, years=years)
    import networkx as nx

    rows = pd.read_csv(path, usecols=["rcn", "pic", "start_year"], dtype={"rcn": str, "pic": str})
    if years is not None:
        rows = rows[rows["start_year"].between(*years)]
    organisations = pd.Categorical(rows["pic"])
    projects = pd.Categorical(rows["rcn"])
    incidence = sp.csr_array((np.ones(len(rows)), (organisations.codes, projects.codes)))
    upper = sp.triu(incidence @ incidence.T, k=1).tocoo()
    G = nx.Graph()
    G.add_nodes_from(organisations.categories)
    names = organisations.categories
    G.add_weighted_edges_from(zip(names[upper.row], names[upper.col], upper.data, strict=True))
    return G


def spearman(a: pd.Series, b: pd.Series) -> float:
    return float(a.rank().corr(b.rank()))


def _top(values: pd.Series, k: int) -> set:
    return set(values.sort_values(ascending=False, kind="stable").index[:k])


def compare_epsilon(path: Path) -> None:
    """Betweenness within epsilon against exact betweenness on the 2020 H2020 network."""
    import networkx as nx

    ecosystem = cn.read_cordis(path, programme_parts=path.parent / "programme_parts.csv.gz")
    G = cn.organisation_network(ecosystem, weight="newman", years=2020)
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    print(f"projects starting in 2020, largest component: {G.number_of_nodes():,} organisations, "
          f"{G.number_of_edges():,} ties")
    print(f"{'weight':<8}{'estimate':<34}{'seconds':>9}{'top 10':>8}{'top 50':>8}{'max error':>11}{'Spearman':>10}"
          f"{'load':>6}")
    for weight in ("weight", None):
        start = time.perf_counter()
        exact = centrality(G, weight=weight, epsilon=None, workers=2)["betweenness"]
        runs = [("exact (epsilon=None, workers=2)", exact, time.perf_counter() - start)]
        for label, options in (("epsilon=0.01", {}), ("epsilon=0.01, workers=2", {"workers": 2}),
                               ("epsilon=0.005, workers=2", {"epsilon": 0.005, "workers": 2}),
                               ("samples=100", {"samples": 100})):
            start = time.perf_counter()
            estimate = centrality(G, weight=weight, **options)["betweenness"]
            runs.append((label, estimate, time.perf_counter() - start))
        for label, estimate, seconds in runs:
            print(f"{weight or 'none':<8}{label:<34}{seconds:9.1f}{len(_top(estimate, 10) & _top(exact, 10)):8d}"
                  f"{len(_top(estimate, 50) & _top(exact, 50)):8d}{(estimate - exact).abs().max():11.4f}"
                  f"{spearman(estimate, exact):10.3f}{os.getloadavg()[0]:6.1f}", flush=True)


def compare_methods(path: Path, *, seeds: int = 3, louvain: bool = False) -> None:
    """Modularity, CPU and wall time of igraph's Leiden and Louvain, networkit's PLM and
    ParallelLeiden (and python-louvain with ``louvain``), for ``seeds`` seeds each."""
    import random

    import igraph as ig
    import networkit as nk

    from clusternet.measures._communities import _Canonical

    ecosystem = cn.read_cordis(path, programme_parts=path.parent / "programme_parts.csv.gz")
    G = cn.organisation_network(ecosystem, weight="newman")
    graph = _Canonical.from_networkx(G, weight="weight")
    g = ig.Graph(n=graph.n, edges=list(zip(graph.sources.tolist(), graph.targets.tolist(), strict=True)))
    weights = graph.weights.tolist()
    gk = nk.Graph(graph.n, weighted=True)
    gk.addEdges((graph.weights.astype(float), (graph.sources.astype(np.uint64), graph.targets.astype(np.uint64))))
    print(f"{graph.n:,} nodes, {len(weights):,} ties; load before {os.getloadavg()}", flush=True)

    def run(label, function, seed):
        wall, cpu = time.perf_counter(), time.process_time()
        membership = function(seed)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{label:<40} seed {seed}  modularity {g.modularity(membership, weights=weights):.4f}  "
              f"{len(set(membership)):>6,} communities  {cpu:7.2f} CPU s  {wall:7.2f} wall s  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)

    def leiden(iterations, seed):
        ig.set_random_number_generator(random.Random(seed))
        try:
            return g.community_leiden(objective_function="modularity", weights=weights,
                                      n_iterations=iterations).membership
        finally:
            ig.set_random_number_generator(random)

    def multilevel(seed):
        ig.set_random_number_generator(random.Random(seed))
        try:
            return g.community_multilevel(weights=weights).membership
        finally:
            ig.set_random_number_generator(random)

    for seed in range(seeds):
        for iterations in (2, 5, -1):
            run(f"igraph Leiden n_iterations={iterations}", lambda s, i=iterations: leiden(i, s), seed)
        run("igraph multilevel (Louvain)", multilevel, seed)
    threads = nk.getMaxNumberOfThreads()
    for count in (1, 2):
        nk.setNumberOfThreads(count)
        for label, make in (("PLM", lambda: nk.community.PLM(gk, refine=False)),
                            ("PLM refine", lambda: nk.community.PLM(gk, refine=True)),
                            ("ParallelLeiden", lambda: nk.community.ParallelLeiden(gk))):
            def detect(seed, make=make):
                nk.engineering.setSeed(seed, True)
                algorithm = make()
                algorithm.run()
                return algorithm.getPartition().getVector()

            for seed in range(seeds):
                run(f"networkit {label}, {count} thread(s)", detect, seed)
    nk.setNumberOfThreads(threads)
    if louvain:
        from community import community_louvain

        H = graph.to_networkx()
        for seed in range(min(seeds, 2)):
            run("python-louvain best_partition", lambda s: [
                found[i] for found in [community_louvain.best_partition(H, weight="weight", random_state=s)]
                for i in range(graph.n)], seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="sources per component (default 100)")
    parser.add_argument("--louvain", action="store_true", help="also time python-louvain (slow)")
    parser.add_argument("--check", action="store_true", help="measure the sampling error")
    parser.add_argument("--epsilon", action="store_true", help="only: epsilon against exact betweenness, 2020")
    parser.add_argument("--methods", action="store_true", help="only: Leiden, Louvain, PLM side by side")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per method with --methods (default 3)")
    options = parser.parse_args()
    path = DATA / "h2020.csv.gz"
    if not path.exists():
        raise SystemExit(f"CORDIS data not found at {path}")
    if options.epsilon:
        compare_epsilon(path)
        return
    if options.methods:
        compare_methods(path, seeds=options.seeds, louvain=options.louvain)
        return

    G = organisation_network(path)
    print(f"network: {G.number_of_nodes():,} organisations, {G.number_of_edges():,} ties")
    start = time.perf_counter()
    table = timed(f"centrality(weight='weight', samples={options.samples})", centrality, G,
                  weight="weight", samples=options.samples)
    found = timed("communities(method='leiden')", communities, G, method="leiden")
    total = time.perf_counter() - start
    print(f"{'centrality + leiden communities':<52}{total:8.2f} s")
    print(f"  leiden: {found.nunique():,} communities, largest {found.value_counts().iloc[0]:,}, "
          f"modularity {modularity(G, found):.4f}")
    print("  top 5 by betweenness:", ", ".join(table["betweenness"].nlargest(5).index.astype(str)))

    if options.louvain:
        louvain = timed("communities(method='louvain')", communities, G, method="louvain")
        print(f"  louvain: {louvain.nunique():,} communities, modularity {modularity(G, louvain):.4f}")

    if options.check:
        other = timed("centrality, another seed", centrality, G, weight="weight", samples=options.samples,
                      seed=1)
        for column in ("betweenness", "closeness"):
            print(f"  seed 0 vs seed 1, {column}: Spearman {spearman(table[column], other[column]):.4f}")
        small = organisation_network(path, years=range(2020, 2022))
        small = small.subgraph([n for n, d in small.degree() if d > 0]).copy()
        print(f"subnetwork (projects starting 2020-2021): {small.number_of_nodes():,} organisations, "
              f"{small.number_of_edges():,} ties")
        exact = timed("  exact centrality", centrality, small, weight="weight")
        sampled = timed(f"  sampled centrality (samples={options.samples})", centrality, small,
                        weight="weight", samples=options.samples)
        for column in ("betweenness", "closeness"):
            error = (sampled[column] - exact[column]).abs()
            relative = error / exact[column].where(exact[column] > 0)
            top = exact[column].nlargest(100).index
            print(f"  {column}: Spearman {spearman(sampled[column], exact[column]):.4f}, max abs error "
                  f"{error.max():.2e}, median relative error of the top 100 "
                  f"{relative.loc[top].median():.3f}")


if __name__ == "__main__":
    main()
