"""Benchmark: backbone_edges per method on all of Horizon 2020, beside the plain way to compute it.

Run on demand (not part of the tests)::

    python benchmarks/bench_backbone.py [path/to/h2020.csv.gz] [--sample N] [--subnetwork-year Y]

For each method, clusternet's :func:`clusternet.backbone_edges` on the whole organisation
network (35,871 organisations, 796,670 ties), then the plain way on what it finishes in
reasonable time, on the same input as clusternet, as a ratio of CPU seconds (steadier than wall
time on a shared machine; both sides run in one thread):

* ``hypergeometric``: scipy's ``hypergeom.sf`` vectorised over every tie (all of H2020), and
  one ``hypergeom.sf`` call per tie on ``--sample`` ties (extrapolated per tie);
* ``sdsm``: the Poisson-binomial by the plain dynamic programme, one Bernoulli trial per project
  (31,451 per tie), on ``--sample // 20`` ties, with the BiCM probabilities of clusternet's fit
  (a per-organisation fit would need the dense 35,871 x 31,451 matrix);
* ``disparity`` and ``noise_corrected``: netbone's networkx loops (``pip install netbone``,
  imported without its __init__, which needs jax), or the same loops written here when netbone
  is absent, on the organisation network of the projects starting in ``--subnetwork-year``
  (clusternet is timed on that graph too, passed as a networkx graph).

It prints, last, the table of ties kept per method, alpha and correction, with the number of
organisations that keep at least one tie (docs/graphs.md, "Backbones").
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import resource
import sys
import time
import types
from pathlib import Path

import networkx as nx
import numpy as np
from scipy import stats

import clusternet as cn
from clusternet.graphs import _backbone

DEFAULT = Path(os.environ.get("CLUSTERNET_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
               ) / "cordis-h2020" / "h2020.csv.gz"
METHODS = ("hypergeometric", "sdsm", "disparity", "noise_corrected")


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def netbone_function(name: str):
    """netbone's function, or None; its package __init__ imports jax and igraph, so skip it."""
    if "netbone" not in sys.modules:
        spec = importlib.util.find_spec("netbone")
        if spec is None:
            return None
        package = types.ModuleType("netbone")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["netbone"] = package
    try:
        return getattr(importlib.import_module(f"netbone.statistical.{name}"), name)
    except Exception:  # whatever breaks its import (old pins), the loops below stand in
        return None


def plain_disparity(G: nx.Graph) -> dict:
    """Serrano et al.'s filter as networkx code usually writes it: one loop over each node's ties."""
    strength = dict(G.degree(weight="weight"))
    p = {}
    for node in G:
        k = G.degree[node]
        for neighbour, data in G[node].items():
            alpha = (1 - data["weight"] / strength[node]) ** (k - 1) if k > 1 else 1.0
            key = (node, neighbour) if str(node) < str(neighbour) else (neighbour, node)
            p[key] = min(p.get(key, 1.0), alpha)
    return p


def plain_noise_corrected(G: nx.Graph) -> dict:
    n = 2 * G.size(weight="weight")
    sd = {}
    for i, j, w in G.edges(data="weight"):
        ni, nj = G.degree(i, weight="weight"), G.degree(j, weight="weight")
        kappa = n / (ni * nj)
        mean = ni * nj / n / n
        var = ni * nj * (n - ni) * (n - nj) / (n**4 * (n - 1))
        a = mean**2 / var * (1 - mean) - mean
        b = mean / var * (1 - mean**2) - (1 - mean)
        post = (a + w) / (a + w + n - w + b)
        d = 1 / (ni * nj) - n * (ni + nj) / (ni * nj) ** 2
        sd[(i, j)] = (post * (1 - post) * n * (2 * (kappa + w * d) / (kappa * w + 1) ** 2) ** 2) ** 0.5
    return sd


def plain_poisson_binomial_tail(q: np.ndarray, c: int) -> float:
    pmf = np.zeros(c + 1)
    pmf[0] = 1.0
    for value in q:  # one trial per project, truncated at c (the rest is the tail)
        tail = pmf[c] * 1.0
        pmf[1:] = pmf[1:] * (1 - value) + pmf[:-1] * value
        pmf[0] *= 1 - value
        pmf[c] += tail * value  # mass that was already at >= c stays there
    return float(pmf[c])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sample", type=int, default=4000, help="ties for the per-tie scipy calls")
    parser.add_argument("--subnetwork-year", type=int, default=2015)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    eco, wall, _ = timed(cn.read_cordis, args.path)
    print(f"read_cordis: {wall:.1f} s")
    rng = np.random.default_rng(0)

    print(f"\n{'method':<16}{'clusternet s':>14}{'cpu s':>8}")
    rows = {}
    for method in METHODS:
        edges, wall, cpu = timed(cn.backbone_edges, eco, method=method)
        rows[method] = edges
        print(f"{method:<16}{wall:>14.2f}{cpu:>8.2f}", flush=True)
    plain_edges, wall, _ = timed(cn.organisation_edges, eco)
    print(f"{'(organisation_edges alone)':<30}{wall:.2f}")

    # hypergeometric: vectorised scipy on every tie, and one call per tie on a sample.
    edges = rows["hypergeometric"]
    degree = eco.participations.drop_duplicates(["organisation_id", "project_id"])["organisation_id"].value_counts()
    d_i = edges["source"].map(degree).to_numpy()
    d_j = edges["target"].map(degree).to_numpy()
    projects = eco.participations["project_id"].nunique()
    ours = cn.backbone_edges(eco, method="hypergeometric")
    _, _, ours_cpu = timed(cn.backbone_edges, eco, method="hypergeometric")
    reference, _, cpu = timed(stats.hypergeom.sf, edges["shared"].to_numpy() - 1, projects, d_i, d_j)
    gap = np.max(np.abs(reference - ours["p_value"].to_numpy()) / np.maximum(reference, 1e-300))
    print(f"\n(CPU seconds from here on, both sides single-threaded)\n"
          f"hypergeometric, all {len(edges):,} ties: vectorised scipy.stats.hypergeom.sf {cpu:.1f} s, "
          f"clusternet {ours_cpu:.2f} s: {cpu / ours_cpu:.0f}x (largest relative gap {gap:.1e})")
    sample = rng.choice(len(edges), size=min(args.sample, len(edges)), replace=False)
    start = time.process_time()
    for k in sample.tolist():
        stats.hypergeom.sf(int(edges["shared"].iat[k]) - 1, projects, int(d_i[k]), int(d_j[k]))
    per_tie = (time.process_time() - start) / len(sample)
    print(f"hypergeometric, one scipy call per tie: {per_tie * 1e6:.0f} us a tie, "
          f"{per_tie * len(edges):.0f} s for all (extrapolated): {per_tie * len(edges) / ours_cpu:.0f}x")

    # sdsm: the plain Poisson-binomial, one trial per project.
    incidence, _ = cn.graphs._builders._organisation_incidence(eco, None, None)
    row_degree = np.diff(incidence.matrix.indptr)
    size = np.bincount(incidence.matrix.indices, minlength=incidence.matrix.shape[1])
    row_classes, row_counts = np.unique(row_degree[row_degree > 0], return_counts=True)
    column_classes, column_counts = np.unique(size[size > 0], return_counts=True)
    probability = _backbone._bipartite_configuration(row_classes, row_counts, column_classes, column_counts)
    position = {organisation: k for k, organisation in enumerate(incidence.rows)}
    column_class = np.searchsorted(column_classes, size[size > 0])
    sdsm = rows["sdsm"]
    _, _, ours_cpu = timed(cn.backbone_edges, eco, method="sdsm")
    small = rng.choice(len(sdsm), size=max(args.sample // 20, 10), replace=False)
    start = time.process_time()
    gaps = []
    for k in small.tolist():
        i, j = position[sdsm["source"].iat[k]], position[sdsm["target"].iat[k]]
        q = (probability[np.searchsorted(row_classes, row_degree[i])][column_class]
             * probability[np.searchsorted(row_classes, row_degree[j])][column_class])
        p = plain_poisson_binomial_tail(q, int(sdsm["shared"].iat[k]))
        gaps.append(abs(p - sdsm["p_value"].iat[k]))
    per_tie = (time.process_time() - start) / len(small)
    print(f"sdsm, plain DP over {len(column_class):,} projects per tie: {per_tie * 1e3:.1f} ms a tie, "
          f"{per_tie * len(sdsm) / 3600:.1f} h for all (extrapolated), clusternet {ours_cpu:.2f} s: "
          f"{per_tie * len(sdsm) / ours_cpu:.0f}x (largest absolute gap {max(gaps):.1e})")

    # disparity and noise_corrected: networkx loops on one year's organisation network.
    G = cn.organisation_network(eco, years=args.subnetwork_year)
    print(f"\nsubnetwork: projects starting in {args.subnetwork_year}, {G.number_of_nodes():,} organisations, "
          f"{G.number_of_edges():,} ties")
    for method, plain, name in (("disparity", plain_disparity, "disparity"),
                                ("noise_corrected", plain_noise_corrected, "noise_corrected")):
        _, _, ours_cpu = timed(cn.backbone_edges, G, method=method)
        theirs = netbone_function(name)
        if theirs is not None:
            call, label = ((lambda graph, f=theirs: f(graph)) if name == "disparity"
                           else (lambda graph, f=theirs: f(graph, approximation=False))), "netbone"
        else:
            call, label = plain, "networkx loops"
        _, _, cpu = timed(call, G)
        print(f"{method}: {label} {cpu:.1f} s, clusternet {ours_cpu:.2f} s: {cpu / ours_cpu:.0f}x")

    print("\nties kept on Horizon 2020, and organisations with at least one")
    print(f"{'method':<16}{'weight':>8}{'alpha':>7}{'correction':>12}{'ties':>10}{'share':>8}"
          f"{'organisations':>15}")
    runs = [(method, "count") for method in METHODS] + [("disparity", "newman"), ("noise_corrected", "newman")]
    for method, weight in runs:
        for correction in (None, "holm", "fdr_bh"):
            edges = cn.backbone_edges(eco, method=method, weight=weight, correction=correction)
            for alpha in (0.05, 0.01):
                kept = edges[(edges["p_adjusted"] <= alpha).to_numpy()]
                organisations = len(set(kept["source"]) | set(kept["target"]))
                print(f"{method:<16}{weight:>8}{alpha:>7}{correction or '-':>12}{len(kept):>10,}"
                      f"{len(kept) / len(edges):>8.1%}{organisations:>15,}", flush=True)
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
