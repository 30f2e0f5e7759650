"""Independent cascade = bond percolation: the n -> inf sizes (giant share S, subcritical and
dual-branching mean outbreak), the exact finite-n Reed–Frost chain binomial, and the driver
that runs the ``cascade`` rule from single seeds on directed Erdős–Rényi graphs.

With every tie T, the ``cascade`` rule's final reach is the seed's out-cluster under bond
percolation with occupation T; averaged over directed G(n, z/(n - 1)) graphs it is exactly the
Reed–Frost epidemic with pair probability zT/(n - 1), so :func:`reed_frost_sizes` is an
engine-free exact reference at the same n.

References: D. Kempe, J. Kleinberg & É. Tardos (2003), KDD; M. E. J. Newman (2002), *Phys. Rev.
E* 66:016128; P. Grassberger (1983), *Math. Biosci.* 63:157; H. Abbey (1952), *Human Biology*
24:201.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import brentq

from sim.kernels.diffusion import NEW_ADOPTERS, POSTS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import erdos_renyi

THREADS = 2
"""Threads of the supercritical study runs (the numbers do not depend on it)."""


def percolation_size(zt: float) -> float:
    """S solving S = 1 - exp(-zT S): share reached by large outbreaks = chance of one."""
    if zt <= 1.0:
        return 0.0
    return float(brentq(lambda s: s - 1 + np.exp(-zt * s), 1e-12, 1.0))


def small_outbreak_mean(zt: float) -> float:
    """Mean size (seed included) of outbreaks that die out: the branching process conditioned
    on extinction has Poisson(zT (1 - S)) offspring, so 1 / (1 - zT (1 - S)); 1/(1 - zT) below
    the critical point (Borel mean total progeny)."""
    return 1.0 / (1.0 - zt * (1.0 - percolation_size(zt)))


def reed_frost_sizes(n: int, zt: float, runs: int, rng: np.random.Generator) -> np.ndarray:
    """Final sizes of ``runs`` Reed-Frost chain-binomial epidemics from one seed, pair
    probability pi = zT/(n - 1).

    Averaged over graphs, the independent cascade on directed G(n, z/(n-1)) with ties T *is*
    this chain: every (adopter, non-adopter) pair is tried once (when the adopter posts), and
    succeeds when the edge exists and transmits, with probability z/(n-1) * T, independently
    of every other pair. So these are exact finite-n draws of one run's size (graph
    included), with none of the n -> inf approximations."""
    log_miss = np.log1p(-zt / (n - 1))
    susceptible = np.full(runs, n - 1, dtype=np.int64)
    infective = np.ones(runs, dtype=np.int64)
    total = np.ones(runs, dtype=np.int64)
    active = np.arange(runs)
    while active.size:
        new = rng.binomial(susceptible[active], -np.expm1(infective[active] * log_miss))
        susceptible[active] -= new
        infective[active] = new
        total[active] += new
        active = active[new > 0]
    return total


def outbreak_statistics(sizes: np.ndarray, n: int, large_cut: float) -> tuple[float, ...]:
    """(mean size, P(large), mean share of large runs, mean size of small runs)."""
    large = sizes > large_cut
    return (
        sizes.mean(),
        large.mean(),
        sizes[large].mean() / n if large.any() else np.nan,
        sizes[~large].mean(),
    )


def outbreak_sizes(
    network, seeds: np.ndarray, reps: int, key: int, steps: int = 500, threads: int = THREADS
) -> np.ndarray:
    """Final adopter counts (len(seeds), reps): the `cascade` rule from each single seed.

    ``active_steps=1``: with full attention only an adopter's first post can convert, so later
    posts change nothing."""
    agents = textbook_agents(network.n_nodes)
    sizes = np.empty((len(seeds), reps), dtype=np.int64)
    for k, seed in enumerate(seeds):
        simulation = Simulation(
            network,
            agents,
            Params(rule="cascade", active_steps=1),
            SeedSchedule.build([int(seed)]),
            steps,
        )
        raw = simulation.run(replication_keys(key * 1000 + k, reps), threads=threads)
        stats = raw.step_stats
        if stats[:, -1, POSTS].any():
            raise RuntimeError("a cascade was still spreading on the last day: raise steps")
        sizes[k] = stats[:, :, NEW_ADOPTERS].sum(axis=1)
    return sizes


def graph_summary(values: np.ndarray) -> tuple[float, float]:
    """Mean over graphs and its SE (sd of the graph means / sqrt(graphs)); NaNs skipped."""
    values = values[np.isfinite(values)]
    if values.size < 2:
        return np.nan, np.nan
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def percolation_study(quick: bool) -> dict:
    """Outbreaks from single random seeds on independent directed G(n, z = 5) graphs across zT,
    beside the exact Reed–Frost statistics at the same n (bootstrap SE) and the n -> inf
    formulas; ``quick``: n = 4000, 4 graphs, 5 values of zT.

    Per zT: (mean, SE over graphs) of the mean size, P(large), large share and small-outbreak
    mean (a run is large above 2 % of n), ``exact`` = the Reed–Frost (value, SE) of the same
    four, S and the dual-branching small mean."""
    n, z, graphs = (4000, 5.0, 4) if quick else (20_000, 5.0, 16)
    large_cut = 0.02 * n
    exact_runs = 20_000 if quick else 200_000
    grid = (
        [0.5, 0.8, 1.0, 1.5, 2.5]
        if quick
        else [0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0]
    )
    rows = []
    for index, zt in enumerate(grid):
        sub = zt < 1.0
        # small outbreaks are cheap and their sizes heavy-tailed: many seeds, one thread
        seeds_per_graph, reps = (50, 10) if sub else (20, 4)
        per_graph = []
        for graph in range(graphs):
            rng = np.random.default_rng([7, index, graph])
            network = erdos_renyi(n, z, directed=True, rng=rng)
            network = dataclasses.replace(
                network, ties=np.full(network.n_edges, zt / z, dtype=np.float32)
            )
            seeds = rng.choice(n, seeds_per_graph, replace=False)
            sizes = outbreak_sizes(
                network, seeds, reps, key=1000 * index + graph, threads=1 if sub else THREADS
            )
            per_graph.append(outbreak_statistics(sizes.ravel(), n, large_cut))
        values = np.array(per_graph)  # graphs x (mean size, P(large), large share, small mean)
        # the exact finite-n reference: many Reed-Frost runs, bootstrap SE
        exact_rng = np.random.default_rng([8, index])
        chain = reed_frost_sizes(n, zt, exact_runs, exact_rng)
        exact = outbreak_statistics(chain, n, large_cut)
        boots = np.array(
            [
                outbreak_statistics(
                    chain[exact_rng.integers(0, chain.size, chain.size)], n, large_cut
                )
                for _ in range(20)
            ]
        )
        exact_se = boots.std(axis=0, ddof=1)
        rows.append(
            dict(
                zt=zt,
                runs=graphs * seeds_per_graph * reps,
                mean_size=graph_summary(values[:, 0]),
                p_large=graph_summary(values[:, 1]),
                large_share=graph_summary(values[:, 2]),
                small_mean=graph_summary(values[:, 3]),
                exact=tuple(zip(exact, exact_se, strict=True)),
                S=percolation_size(zt),
                small_theory=small_outbreak_mean(zt) if zt != 1.0 else np.inf,
            )
        )
    return dict(n=n, z=z, graphs=graphs, large_cut=large_cut, exact_runs=exact_runs, rows=rows)
