"""Reproduce three textbook results with the engine: Bass (1969), independent cascade = bond
percolation, and Granovetter's threshold model. Writes three figures and a markdown section.

Run from anywhere:

    .venv/bin/python docs/validation/classic.py            # full: about a minute on 2 cores
    .venv/bin/python docs/validation/classic.py --quick    # smoke run, ~15 s

It writes ``docs/figures/validation_{bass,percolation,threshold}.png`` and
``docs/validation/classic.md``, which ``docs/validation/build.py`` joins into
``docs/validation.md`` (hence figure links of the form ``figures/...``). ``--quick`` uses small
populations and few runs and says so in the markdown; ``--out DIR`` writes into ``DIR/figures``
and ``DIR/validation`` instead. Every random draw comes from fixed seeds: a rerun gives the same
numbers (on any number of threads).

The theory for each study is computed here independently of the engine:

* Bass: the exact expectation and variance of the adopter count on n agents, by propagating
  the distribution of the Markov chain ``A(t+1) = A(t) + Binomial(n - A(t), p + q A(t)/(n-1))``
  (the engine's exact per-day hazard), next to the expected-count recursion, its n -> inf limit
  and the continuous closed form.
* Percolation: S = 1 - exp(-zT S), the extinction-conditioned (dual) branching process for the
  mean size of small outbreaks, 1 / (1 - zT (1 - S)), which is 1 / (1 - zT) below zT = 1; and
  the exact finite-n values from the Reed-Frost chain binomial, which the graph-averaged
  cascade on directed Erdős–Rényi graphs is.
* Threshold: the mean-field fixed point and the exact finite-n distribution of the final count
  (a dynamic programme over the threshold order statistics; for uniform thresholds it is the
  closed-form quasi-binomial (Abel) law).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import binom, norm

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.kernels.diffusion import NEW_ADOPTERS, POSTS  # noqa: E402
from sim.model import (  # noqa: E402
    Params,
    SeedSchedule,
    Simulation,
    replication_keys,
    textbook_agents,
)
from sim.network.generators import complete, erdos_renyi  # noqa: E402

THREADS = 2


# ================================================================================ Bass (1969)
def bass_closed_form(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """Bass (1969): F(t) = (1 - exp(-(p+q)t)) / (1 + q/p exp(-(p+q)t))."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - decay) / (1 + q / p * decay)


def bass_peak_time(p: float, q: float) -> float:
    """Time of the maximum adoption rate of the continuous model, ln(q/p) / (p + q)."""
    return float(np.log(q / p) / (p + q))


def bass_recursion(p: float, q: float, n: float, steps: int) -> np.ndarray:
    """Adopted share after days 1..steps from the recursion on expected counts,
    F(t+1) = F(t) + (p + q F~(t)) (1 - F(t)) with F~ = A / (n - 1); n = inf gives F~ = F."""
    shares, share = [], 0.0
    for _ in range(steps):
        seen = share if np.isinf(n) else share * n / (n - 1)
        share += (1 - share) * (p + q * seen)
        shares.append(share)
    return np.array(shares)


def bass_exact(
    p: float, q: float, n: int, steps: int, fourth: bool = False
) -> tuple[np.ndarray, ...]:
    """Exact mean and variance (and with ``fourth`` the 4th central moment) of the adopted share
    after days 1..steps.

    The engine's hazard on day t is p + q A/(n-1) for every non-adopter, independently, with A
    the adopters of days < t, so A is a Markov chain with binomial increments; its distribution
    is propagated exactly (an (n+1)^2 transition matrix, fine for n up to a few thousand).
    """
    a = np.arange(n + 1)
    hazard = np.minimum(p + q * a / (n - 1), 1.0)
    # transition[a, b] = P(A(t+1) = b | A(t) = a) = Binomial(n - a, hazard[a]) at b - a
    increment = a[None, :] - a[:, None]
    transition = binom.pmf(increment, (n - a)[:, None], hazard[:, None])
    dist = np.zeros(n + 1)
    dist[0] = 1.0
    means, variances, fourths = [], [], []
    for _ in range(steps):
        dist = dist @ transition
        mean = dist @ a
        means.append(mean / n)
        variances.append((dist @ (a - mean) ** 2) / n**2)
        fourths.append((dist @ (a - mean) ** 4) / n**4)
    if fourth:
        return np.array(means), np.array(variances), np.array(fourths)
    return np.array(means), np.array(variances)


def parabolic_peak(y: np.ndarray) -> float:
    """Position of the maximum of a sampled curve, refined by the parabola through the largest
    sample and its two neighbours (in units of the sample index)."""
    k = int(np.argmax(y))
    if k == 0 or k == y.size - 1:
        return float(k)
    left, mid, right = y[k - 1], y[k], y[k + 1]
    curvature = left - 2 * mid + right
    return float(k + 0.5 * (left - right) / curvature) if curvature < 0 else float(k)


def simulate_bass(
    p: float, q: float, n: int, steps: int, reps: int, seed: int, active_steps: int = 1
) -> np.ndarray:
    """Daily adoptions (reps, steps) of the `bass` rule on complete(n), no seeds.

    ``active_steps=1`` (the default): an adopter posts only on the day after adopting. Only the
    first exposure on an edge feeds `bass`, so this is the same model as posting on every later
    day too (the tests check the two give identical draws) and saves the repeated edge visits."""
    simulation = Simulation(
        complete(n),
        textbook_agents(n),
        Params(rule="bass", external_p=p, bass_q=q, active_steps=active_steps),
        SeedSchedule.build([]),
        steps,
    )
    raw = simulation.run(replication_keys(seed, reps), threads=THREADS)
    return raw.step_stats[:, :, NEW_ADOPTERS]


def bass_study(quick: bool) -> dict:
    n, reps = (300, 80) if quick else (1000, 400)
    cases = [(0.01, 0.1, 60), (0.03, 0.38, 25), (0.005, 0.5, 30)]
    rows = []
    for index, (p, q, steps) in enumerate(cases):
        daily = simulate_bass(p, q, n, steps, reps, seed=100 + index)
        shares = daily.cumsum(axis=1) / n
        mean = shares.mean(axis=0)
        exact_mean, exact_var, exact_mu4 = bass_exact(p, q, n, steps, fourth=True)
        se = np.sqrt(exact_var / reps)  # exact standard error of the mean of `reps` runs
        sim_se = shares.std(axis=0, ddof=1) / np.sqrt(reps)
        live = exact_var > 0
        z = np.abs(mean - exact_mean)[live] / se[live]
        recursion = bass_recursion(p, q, n, steps)
        limit = bass_recursion(p, q, np.inf, steps)
        t = np.arange(1, steps + 1)
        closed_half = bass_closed_form(p, q, t - 0.5)
        closed = bass_closed_form(p, q, t)
        # peak day of the mean daily adoptions; SE by bootstrap over runs (fixed seed)
        daily_share = daily / n
        peak = parabolic_peak(daily_share.mean(axis=0))
        boot_rng = np.random.default_rng(index)
        boots = [
            parabolic_peak(daily_share[boot_rng.integers(0, reps, reps)].mean(axis=0))
            for _ in range(200)
        ]
        exact_daily = np.diff(exact_mean, prepend=0.0)
        middle = (exact_mean > 0.05) & (exact_mean < 0.95)  # days where the variance is large
        var_ratio = shares.var(axis=0, ddof=1)[middle] / exact_var[middle]
        # SE of a sample variance: sqrt((mu4 - sigma^4 (R-3)/(R-1)) / R)
        var_se = np.sqrt((exact_mu4 - exact_var**2 * (reps - 3) / (reps - 1))[middle] / reps)
        var_z = (shares.var(axis=0, ddof=1) - exact_var)[middle] / var_se
        rows.append(
            dict(
                p=p,
                q=q,
                steps=steps,
                t=t,
                mean=mean,
                se=sim_se,
                daily_mean=daily_share.mean(axis=0),
                daily_se=daily_share.std(axis=0, ddof=1) / np.sqrt(reps),
                exact_mean=exact_mean,
                exact_daily=exact_daily,
                recursion=recursion,
                closed_half=closed_half,
                closed=closed,
                max_z=float(z.max()),
                var_ratio=(float(var_ratio.min()), float(var_ratio.max())),
                var_z=float(np.abs(var_z).max()),
                sim_vs_exact=float(np.max(np.abs(mean - exact_mean))),
                exact_vs_recursion=float(np.max(np.abs(exact_mean - recursion))),
                limit_vs_closed_half=float(np.max(np.abs(limit - closed_half))),
                limit_vs_closed=float(np.max(np.abs(limit - closed))),
                sim_vs_closed_half=float(np.max(np.abs(mean - closed_half))),
                peak=peak,
                peak_se=float(np.std(boots, ddof=1)),
                exact_peak=parabolic_peak(exact_daily),
                closed_peak=bass_peak_time(p, q),
            )
        )
    # the recursion's O(1/n) error: n * max|exact - recursion| at a few n
    sizes = (100, 300) if quick else (250, 500, 1000, 2000)
    scaling = {
        (p, q): [
            m
            * float(np.max(np.abs(bass_exact(p, q, m, steps)[0] - bass_recursion(p, q, m, steps))))
            for m in sizes
        ]
        for p, q, steps in cases
    }
    return dict(n=n, reps=reps, rows=rows, scaling=scaling, scaling_sizes=sizes)


def bass_figure(study: dict, path: Path) -> None:
    rows = study["rows"]
    fig, axes = plt.subplots(2, len(rows), figsize=(4.6 * len(rows), 7.2), sharex="col")
    for col, row in enumerate(rows):
        top, bottom = axes[0, col], axes[1, col]
        t = row["t"]
        top.errorbar(
            t,
            row["mean"],
            yerr=2 * row["se"],
            fmt="o",
            ms=3,
            color="C0",
            label=f"engine, mean of {study['reps']} runs (±2 SE)",
        )
        top.plot(
            t, row["exact_mean"], color="k", lw=1.2, label=f"exact expectation, n={study['n']}"
        )
        top.plot(t, row["closed_half"], "--", color="C3", lw=1.2, label="closed form F(t − ½)")
        top.plot(t, row["closed"], ":", color="C2", lw=1.2, label="closed form F(t)")
        top.set_title(f"p = {row['p']}, q = {row['q']}")
        top.set_ylabel("adopted share after t days")
        top.set_ylim(0, 1.02)
        days = t - 1
        bottom.errorbar(
            days,
            row["daily_mean"],
            yerr=2 * row["daily_se"],
            fmt="o",
            ms=3,
            color="C0",
            label="engine (±2 SE)",
        )
        bottom.plot(days, row["exact_daily"], color="k", lw=1.2, label="exact expectation")
        p, q = row["p"], row["q"]
        continuous = bass_closed_form(p, q, days + 0.5) - bass_closed_form(p, q, days - 0.5)
        bottom.plot(days, continuous, "--", color="C3", lw=1.2, label="F(d + ½) − F(d − ½)")
        bottom.axvline(row["closed_peak"], color="C3", lw=0.8, alpha=0.6, label="ln(q/p)/(p+q)")
        bottom.set_xlabel("day d (0 = launch)")
        bottom.set_ylabel("share adopting on day d")
        if col == 0:
            top.legend(fontsize=8, loc="lower right")
            bottom.legend(fontsize=8, loc="upper right")
    fig.suptitle(
        "Bass (1969): `bass` rule on the complete graph, no seeds (external_p = p, bass_q = q)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def bass_markdown(study: dict) -> str:
    n, reps = study["n"], study["reps"]
    sizes = ", ".join(str(m) for m in study["scaling_sizes"])
    scaling = "; ".join(
        f"p = {p}, q = {q}: " + ", ".join(f"{v:.2f}" for v in values)
        for (p, q), values in study["scaling"].items()
    )
    lines = [
        "### Bass (1969)",
        "",
        "**Compared.** The `bass` rule on the well-mixed population (`complete(n)`, unit trust, "
        "no seeds, `external_p = p`, `bass_q = q`, `active_steps = 1`) against the Bass model. "
        "In the engine every non-adopter adopts on day t with probability exactly "
        "p + q·A/(n − 1), A being the agents that adopted before day t (they post on the day "
        "after adopting). The adopter count is therefore a Markov chain with binomial "
        "increments, and its exact expectation and variance at finite n are computed by "
        "propagating its distribution (an (n + 1)² transition matrix). Three approximations "
        "of it are shown:",
        "",
        "- the recursion on expected counts F(t+1) = F(t) + (p + q·F̃(t))(1 − F(t)), "
        "F̃ = F·n/(n − 1): it replaces E[A²] by E[A]², so it overshoots by q·Var(A)/(n − 1) per "
        "day. The error is O(1/n) but with a large constant when q/p is large (early "
        "adoptions are few, so the timing of the take-off varies a lot between runs): "
        f"n · max|exact − recursion| for n = {sizes} is {scaling};",
        "- the continuous closed form F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t}): the "
        "daily steps lead it by about half a day, so it is compared at t − ½ (the column "
        "'recursion(n = ∞) vs F(t − ½)' is the pure discretisation error, which grows with "
        "p + q);",
        "- the peak of the adoption rate, ln(q/p)/(p + q): day d (0 = launch) of the daily "
        "counts stands for the interval (d − ½, d + ½], so the peak day of the expected daily "
        "adoptions (refined by a parabola through the three highest days) is compared with it "
        "directly.",
        "",
        f"**Settings.** n = {n} agents, {reps} runs per (p, q), fixed seeds. SE = the exact "
        "standard deviation of the adopted share / √runs; 'max |z|' is the largest "
        "|engine − exact| / SE over all days (days are correlated; |z| ≤ 4 is the test's "
        "criterion); the variance ratio is over the days on which the expected share is "
        "between 0.05 and 0.95, its z with the exact SE of a sample variance (from the exact "
        "4th moment). The peak-day SE is a bootstrap over runs.",
        "",
        "![Bass validation](figures/validation_bass.png)",
        "",
        "| p | q | max \\|z\\| engine vs exact | engine var / exact var (max \\|z\\|) | "
        "max \\|exact − recursion\\| | max \\|recursion(n = ∞) − F(t − ½)\\| | "
        "max \\|recursion(n = ∞) − F(t)\\| | peak day: engine ± SE | exact | ln(q/p)/(p+q) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in study["rows"]:
        lo, hi = row["var_ratio"]
        lines.append(
            f"| {row['p']} | {row['q']} | {row['max_z']:.2f} | {lo:.2f}–{hi:.2f} "
            f"({row['var_z']:.1f}) | "
            f"{row['exact_vs_recursion']:.4f} | {row['limit_vs_closed_half']:.4f} | "
            f"{row['limit_vs_closed']:.4f} | {row['peak']:.2f} ± {row['peak_se']:.2f} | "
            f"{row['exact_peak']:.2f} | {row['closed_peak']:.2f} |"
        )
    worst = max(study["rows"], key=lambda r: r["limit_vs_closed_half"])
    lines += [
        "",
        "**Reading.** The engine matches the exact finite-n expectation on every day (largest "
        f"|z| {max(r['max_z'] for r in study['rows']):.1f} over "
        f"{sum(r['t'].size for r in study['rows'])} correlated days), and its variance matches "
        "the exact variance (largest |z| "
        f"{max(r['var_z'] for r in study['rows']):.1f}), so the per-agent draws behave as "
        "independent. The recursion on expected counts is a first-order "
        "approximation whose error shrinks as 1/n. Against the continuous curve the half-day "
        "shift is what matters: with it, the discretisation error is below 0.01 for "
        "p + q ≈ 0.1, but it reaches "
        f"{worst['limit_vs_closed_half']:.3f} for p = {worst['p']}, q = {worst['q']} (a daily "
        "step is too coarse when adoption can double in a day), and the peak day moves "
        "accordingly.",
        "",
        "Reference: F. M. Bass (1969), A new product growth for model consumer durables, "
        "*Management Science* 15(5):215–227.",
        "",
    ]
    return "\n".join(lines)


# ============================================================ percolation (independent cascade)
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


def percolation_figure(study: dict, path: Path) -> None:
    rows = study["rows"]
    n = study["n"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    line = np.linspace(0.4, max(r["zt"] for r in rows) + 0.1, 400)
    left.plot(
        line, [percolation_size(x) for x in line], color="k", lw=1.3, label="S = 1 − exp(−zT·S)"
    )
    sup = [r for r in rows if r["zt"] > 1.0]
    zts = np.array([r["zt"] for r in sup])
    share = np.array([r["large_share"] for r in sup])
    chance = np.array([r["p_large"] for r in sup])
    left.errorbar(
        zts - 0.015,
        share[:, 0],
        yerr=2 * share[:, 1],
        fmt="o",
        color="C0",
        ms=5,
        label="engine: mean share reached by large outbreaks (±2 SE)",
    )
    left.errorbar(
        zts + 0.015,
        chance[:, 0],
        yerr=2 * chance[:, 1],
        fmt="s",
        color="C1",
        ms=5,
        mfc="none",
        label="engine: fraction of runs that are large (±2 SE)",
    )
    left.plot(
        np.concatenate([zts - 0.015, zts + 0.015]),
        [r["exact"][2][0] for r in sup] + [r["exact"][1][0] for r in sup],
        "x",
        color="k",
        ms=5,
        label=f"exact at n = {n} (Reed–Frost)",
    )
    left.axvline(1.0, color="grey", lw=0.8, ls=":")
    left.set_xlabel("zT (mean degree × transmission probability)")
    left.set_ylabel("share of the network")
    left.set_title(f"Large outbreaks, directed G(n = {n}, z = {study['z']:g})")
    left.legend(fontsize=8, loc="upper left")
    left.set_ylim(-0.02, 1.0)

    below = [r for r in rows if r["zt"] <= 1.0]
    above = [r for r in rows if r["zt"] > 1.0]
    x1 = np.linspace(0.4, 0.985, 200)
    x2 = np.linspace(1.02, line[-1], 200)
    right.plot(x1, 1 / (1 - x1), color="k", lw=1.3, label="1 / (1 − zT) (subcritical)")
    right.plot(
        x2,
        [small_outbreak_mean(x) for x in x2],
        "--",
        color="k",
        lw=1.3,
        label="1 / (1 − zT(1 − S)) (outbreaks that die out)",
    )
    b = np.array([r["mean_size"] for r in below])
    right.errorbar(
        [r["zt"] for r in below],
        b[:, 0],
        yerr=2 * b[:, 1],
        fmt="o",
        color="C0",
        ms=5,
        label="engine: mean outbreak size (±2 SE; zT = 1: finite only at finite n)",
    )
    a = np.array([r["small_mean"] for r in above])
    right.errorbar(
        [r["zt"] for r in above],
        a[:, 0],
        yerr=2 * a[:, 1],
        fmt="^",
        color="C2",
        ms=5,
        label="engine: mean size of small outbreaks (±2 SE)",
    )
    right.plot(
        [r["zt"] for r in below] + [r["zt"] for r in above],
        [r["exact"][0][0] for r in below] + [r["exact"][3][0] for r in above],
        "x",
        color="k",
        ms=6,
        label=f"exact at n = {n} (Reed–Frost)",
    )
    right.axvline(1.0, color="grey", lw=0.8, ls=":")
    right.set_yscale("log")
    right.set_ylim(0.9, 3000)  # room for the legend above the points
    right.set_xlabel("zT")
    right.set_ylabel("agents reached (seed included)")
    right.set_title("Outbreak size from one random seed")
    right.legend(fontsize=8, loc="upper right")
    fig.suptitle("Independent cascade = bond percolation (`cascade` rule, ties = T)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def percolation_markdown(study: dict) -> str:
    n, z, graphs = study["n"], study["z"], study["graphs"]

    def fmt(pair, digits):
        value, se = pair
        return "–" if not np.isfinite(value) else f"{value:.{digits}f} ± {se:.{digits}f}"

    def zscore(engine, exact):
        return (engine[0] - exact[0]) / np.hypot(engine[1], exact[1])

    near = next((r for r in study["rows"] if r["zt"] == 0.95), None)
    lines = [
        "### Independent cascade and bond percolation",
        "",
        "**Compared.** The `cascade` rule with unit expertise, interest, activity and attention "
        "and every tie equal to T is the independent cascade: each new adopter gets one chance "
        "T to convert each follower. Its final reach is the out-cluster of the seed under bond "
        "percolation with occupation T. On a directed Erdős–Rényi graph G(n, z/n) the "
        "transmitted offspring are Poisson(zT), so as n → ∞: below zT = 1 the mean outbreak "
        "from one random seed has 1/(1 − zT) agents (mean total progeny of a Galton–Watson "
        "process); above it an outbreak is large with probability S and then reaches a share "
        "S of the network, S = 1 − exp(−zT·S) (on directed ER the giant in- and "
        "out-components have the same share); outbreaks that die out have mean size "
        "1/(1 − zT(1 − S)) (the process conditioned on extinction has mean offspring "
        "zT(1 − S)).",
        "",
        "The exact finite-n reference: averaged over graphs, this cascade *is* the Reed–Frost "
        "chain-binomial epidemic. Every (adopter, non-adopter) pair is tried once, when the "
        "adopter posts, and succeeds if the edge exists and transmits, with probability "
        "zT/(n − 1), independently of all other pairs. So "
        f"{study['exact_runs']:,} Reed–Frost runs per zT (a few lines of numpy, independent of "
        "the engine) give the exact expectation at this n, and their difference from the "
        "n → ∞ formulas is the finite-size effect.",
        "",
        f"**Settings.** n = {n}, z = {z:g}, T = zT/z, {graphs} independent graphs per zT; "
        "on each graph 50 random seeds run 10 times each below zT = 1 (small outbreaks have "
        "heavy-tailed sizes), 20 seeds run 4 times each from zT = 1 (runs per zT in the "
        "tables). A run is *large* when it reaches more than "
        f"{study['large_cut']:.0f} agents (2 % of n). The graph is a source of variance, so "
        "each graph's mean is one observation and SE = sd of the graph means / √graphs; "
        "the Reed–Frost SE is a bootstrap, and z = (engine − exact)/√(SE² + SE²).",
        "",
        "![Percolation validation](figures/validation_percolation.png)",
        "",
        "Mean outbreak size, at and below the critical point:",
        "",
        "| zT | runs | engine ± SE | exact at n (Reed–Frost) | z | n → ∞: 1/(1 − zT) |",
        "|---|---|---|---|---|---|",
    ]
    for r in study["rows"]:
        if r["zt"] > 1.0:
            continue
        theory = "∞" if r["zt"] == 1.0 else f"{1 / (1 - r['zt']):.2f}"
        lines.append(
            f"| {r['zt']:g} | {r['runs']} | {fmt(r['mean_size'], 2)} | "
            f"{fmt(r['exact'][0], 2)} | {zscore(r['mean_size'], r['exact'][0]):+.1f} | "
            f"{theory} |"
        )
    lines += [
        "",
        "Above the critical point (large: more than 2 % of n):",
        "",
        "| zT | runs | P(large): engine | exact at n | z | large share: engine | exact at n "
        "| z | n → ∞: S | small-outbreak mean: engine | exact at n | z | "
        "n → ∞: 1/(1 − zT(1 − S)) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in study["rows"]:
        if r["zt"] <= 1.0:
            continue
        cells = [f"{r['zt']:g}", str(r["runs"])]
        for column, key, digits in ((1, "p_large", 3), (2, "large_share", 4)):
            cells += [
                fmt(r[key], digits),
                fmt(r["exact"][column], digits),
                f"{zscore(r[key], r['exact'][column]):+.1f}",
            ]
        cells.insert(8, f"{r['S']:.4f}")
        cells += [
            fmt(r["small_mean"], 2),
            fmt(r["exact"][3], 2),
            f"{zscore(r['small_mean'], r['exact'][3]):+.1f}",
            f"{r['small_theory']:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    zs = [
        zscore(r[key], r["exact"][column])
        for r in study["rows"]
        for column, key in ((0, "mean_size"), (1, "p_large"), (2, "large_share"), (3, "small_mean"))
        if (r["zt"] <= 1.0) == (column == 0) and np.isfinite(r[key][0])
    ]
    finite = (
        f" (at zT = 0.95 the exact mean at n = {n} is {near['exact'][0][0]:.1f}, not 20)"
        if near
        else ""
    )
    lines += [
        "",
        "**Reading.** The engine agrees with the exact finite-n expectation: over the "
        f"{len(zs)} comparisons the largest |z| is {np.max(np.abs(zs)):.1f}, and "
        f"{np.sum(np.abs(zs) > 2)} of them exceed 2 in size (chance alone gives about "
        f"{0.046 * len(zs):.1f}). "
        "Below the critical point the mean outbreak follows 1/(1 − zT); above "
        "it both the chance of a large outbreak and its reach follow S, and the outbreaks that "
        "fail follow the dual branching process. Close to zT = 1 the finite network rounds the "
        "transition off: outbreaks big enough to feel the network's size are cut short, "
        f"which lowers the subcritical mean{finite}, and near zT = 1 the split between small "
        "and large outbreaks is blurred. That is where the points depart from the n → ∞ "
        "curves, and the Reed–Frost column shows the departure is the expected finite-size "
        "effect.",
        "",
        "References: D. Kempe, J. Kleinberg & É. Tardos (2003), Maximizing the spread of "
        "influence through a social network, *KDD*; M. E. J. Newman (2002), Spread of epidemic "
        "disease on networks, *Phys. Rev. E* 66:016128; P. Grassberger (1983), On the critical "
        "behavior of the general epidemic process and dynamical percolation, *Math. Biosci.* "
        "63:157; H. Abbey (1952), An examination of the Reed–Frost theory of epidemics, "
        "*Human Biology* 24:201.",
        "",
    ]
    return "\n".join(lines)


# ====================================================================== Granovetter / threshold
def mean_field_final(f0: float, cdf, n: float = np.inf) -> float:
    """Smallest r >= f0 with r = f0 + (1 - f0) F(r n/(n - 1)) (n = inf: F(r)); ``cdf`` must
    accept arrays."""
    scale = 1.0 if np.isinf(n) else n / (n - 1)

    def gap(r):
        return f0 + (1 - f0) * cdf(np.minimum(r * scale, 1.0)) - r

    grid = np.linspace(f0, 1.0, 4001)
    below = np.flatnonzero(gap(grid) < 0)
    if below.size == 0:
        return 1.0
    k = below[0]
    return float(brentq(lambda r: float(gap(r)), grid[k - 1], grid[k])) if k > 0 else f0


def tipping_point(cdf, low: float = 0.0, high: float = 0.5) -> tuple[float, float, float]:
    """Seed fraction at which the mean-field final fraction jumps (bisection), with the final
    fractions just below and just above it."""
    for _ in range(50):
        middle = 0.5 * (low + high)
        if mean_field_final(middle, cdf) > 0.5:
            high = middle
        else:
            low = middle
    return high, mean_field_final(low, cdf), mean_field_final(high, cdf)


def final_count_distribution(n: int, seeds: int, sf) -> np.ndarray:
    """Exact distribution (length n + 1) of the final number of adopters for the `fractional`
    rule on complete(n), ``seeds`` seeds and i.i.d. thresholds with survival function ``sf``.

    Each non-seed j adopts once the adopters it has seen reach theta_j (n - 1), so the final
    count is the smallest a >= seeds with a = seeds + C(a), C(a) = #{non-seeds: theta <= a/(n-1)}.
    Scanning a = seeds, seeds + 1, ..., C(a + 1) - C(a) is Binomial(m - C(a), pi_a) given C(a)
    (m = n - seeds, pi_a the conditional chance of a threshold in the next bin), so the law
    of the stopping point follows from a dynamic programme over (a, C(a)); states and binomial
    terms below ~1e-30 are dropped.
    """
    m = n - seeds
    survival = np.asarray(sf(np.arange(n + 1) / (n - 1)), dtype=float)  # P(theta > a/(n-1))
    c = np.arange(m + 1)
    dist = binom.pmf(c, m, 1.0 - survival[seeds])
    out = np.zeros(n + 1)
    for a in range(seeds, n + 1):
        k = a - seeds
        out[a] = dist[k]
        if a == n:
            break
        dist[: k + 1] = 0.0
        survive = survival[a]
        pi = 1.0 if survive <= 0 else min(max((survive - survival[a + 1]) / survive, 0.0), 1.0)
        if pi == 0.0:
            continue
        support = np.flatnonzero(dist > 1e-30)  # states still carrying probability
        if support.size == 0:
            break
        lo, hi = support[0], support[-1] + 1
        live = dist[lo:hi]
        remaining = (m - c[lo:hi]).astype(float)
        new = np.zeros(m + 1)
        if pi == 1.0:
            new[m] = live.sum()
            dist = new
            continue
        width = int(remaining.max() * pi + 14 * np.sqrt(remaining.max() * pi) + 12)
        term = live * np.exp(remaining * np.log1p(-pi))  # Binomial(remaining, pi) at 0
        ratio = pi / (1.0 - pi)
        for j in range(min(width, m - lo) + 1):
            if j:
                term = term * np.maximum(remaining - (j - 1), 0.0) / j * ratio
            stop = min(hi + j, m + 1)
            new[lo + j : stop] += term[: stop - lo - j]
        dist = new
    return out


def uniform_final_distribution(n: int, seeds: int) -> np.ndarray:
    """Closed form for thresholds U(0, 1): with m = n - seeds non-seeds and h = 1/(n-1),
    P(final = seeds + k) = C(m, k) (seeds h) ((seeds + k) h)^(k-1) (1 - (seeds + k) h)^(m-k)
    for k < m (Abel's identity for uniform order statistics under a linear boundary: a
    quasi-binomial law), the rest at k = m."""
    m = n - seeds
    h = 1.0 / (n - 1)
    k = np.arange(m)
    with np.errstate(divide="ignore"):  # the last term is log(0) = -inf: probability 0
        log_p = (
            gammaln(m + 1)
            - gammaln(k + 1)
            - gammaln(m - k + 1)
            + np.log(seeds * h)
            + (k - 1) * np.log((seeds + k) * h)
            + (m - k) * np.log1p(-(seeds + k) * h)
        )
    out = np.zeros(n + 1)
    out[seeds : seeds + m] = np.exp(log_p)
    out[n] = 1.0 - out.sum()
    return out


def fixed_point_count(thresholds: np.ndarray, seeds: np.ndarray) -> int:
    """Final adopters of the `fractional` rule on complete(n), computed without the engine:
    iterate a <- |seeds| + #{non-seeds with theta (n - 1) <= a} from a = |seeds|."""
    n = thresholds.size
    others = np.ones(n, dtype=bool)
    others[seeds] = False
    needed = np.sort(thresholds[others] * (n - 1))
    adopted = seeds.size
    while True:
        now = seeds.size + int(np.searchsorted(needed, adopted * (1 + 1e-9), side="right"))
        if now == adopted:
            return adopted
        adopted = now


def simulate_threshold(
    network, thresholds: np.ndarray, seeds: np.ndarray
) -> tuple[int, np.ndarray]:
    """Final adopters and daily adoptions of one `fractional` run on complete(n)."""
    n = network.n_nodes
    agents = dataclasses.replace(textbook_agents(n), threshold=thresholds.astype(np.float64))
    simulation = Simulation(
        network, agents, Params(rule="fractional", active_steps=1), SeedSchedule.build(seeds), n
    )
    daily = simulation.run(replication_keys(0, 1)).step_stats[0, :, NEW_ADOPTERS]
    return int(daily.sum()), daily


THRESHOLD_DISTRIBUTIONS = {
    "uniform": dict(
        label="θ ~ U(0, 1)",
        draw=lambda rng, size: rng.uniform(0.0, 1.0, size),
        cdf=lambda x: np.clip(x, 0.0, 1.0),
        sf=lambda x: np.clip(1.0 - np.asarray(x), 0.0, 1.0),
    ),
    "normal": dict(
        label="θ ~ N(0.4, 0.1²)",
        draw=lambda rng, size: rng.normal(0.4, 0.1, size),
        cdf=lambda x: norm.cdf((np.asarray(x) - 0.4) / 0.1),
        sf=lambda x: norm.sf((np.asarray(x) - 0.4) / 0.1),
    ),
}


def threshold_study(quick: bool) -> dict:
    n, reps = (600, 12) if quick else (2000, 30)
    grids = {
        "uniform": [0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3],
        "normal": [0.05, 0.1, 0.15, 0.17, 0.18, 0.19, 0.195, 0.2, 0.21, 0.22, 0.25, 0.3],
    }
    if quick:
        grids = {"uniform": [0.01, 0.05, 0.2], "normal": [0.1, 0.19, 0.25]}
    network = complete(n)
    results = {}
    mismatches = 0
    longest = 0
    for d_index, (name, spec) in enumerate(THRESHOLD_DISTRIBUTIONS.items()):
        rows = []
        for f_index, f0 in enumerate(grids[name]):
            seeds_count = max(1, round(f0 * n))
            finals = []
            for rep in range(reps):
                rng = np.random.default_rng([11, d_index, f_index, rep])
                thresholds = spec["draw"](rng, n)
                seeds = np.sort(rng.choice(n, seeds_count, replace=False))
                final, daily = simulate_threshold(network, thresholds, seeds)
                mismatches += final != fixed_point_count(thresholds, seeds)
                longest = max(longest, int(np.flatnonzero(daily).max()) + 1)
                finals.append(final / n)
            finals = np.array(finals)
            exact = final_count_distribution(n, seeds_count, spec["sf"])
            counts = np.arange(n + 1)
            exact_mean = float(exact @ counts) / n
            exact_sd = float(np.sqrt(exact @ (counts / n - exact_mean) ** 2))
            rows.append(
                dict(
                    f0=seeds_count / n,
                    finals=finals,
                    mean=float(finals.mean()),
                    se=float(finals.std(ddof=1) / np.sqrt(reps)),
                    exact_mean=exact_mean,
                    exact_se=exact_sd / np.sqrt(reps),
                    mean_field=mean_field_final(seeds_count / n, spec["cdf"], n),
                    mean_field_inf=mean_field_final(seeds_count / n, spec["cdf"]),
                )
            )
        results[name] = rows
    # the closed form for uniform thresholds agrees with the dynamic programme
    check = max(
        float(
            np.abs(
                uniform_final_distribution(n, s)
                - final_count_distribution(n, s, THRESHOLD_DISTRIBUTIONS["uniform"]["sf"])
            ).max()
        )
        for s in (max(1, n // 100), n // 10)
    )
    curves = {}
    for name, spec in THRESHOLD_DISTRIBUTIONS.items():
        f_line = np.linspace(0.0005, 0.35, 700)
        curves[name] = (f_line, [mean_field_final(f, spec["cdf"]) for f in f_line])
    # the exact finite-n expectation as a curve, on a grid of seed counts
    points = 8 if quick else 16
    fractions = {
        "uniform": np.geomspace(0.002, 0.35, 2 * points),
        "normal": np.concatenate(
            [np.linspace(0.01, 0.32, points), np.linspace(0.16, 0.23, points)]
        ),
    }
    exact_curves = {}
    for name, spec in THRESHOLD_DISTRIBUTIONS.items():
        counts = np.unique(np.maximum(1, np.round(fractions[name] * n))).astype(int)
        exact_curves[name] = (
            counts / n,
            [
                float(final_count_distribution(n, s, spec["sf"]) @ np.arange(n + 1)) / n
                for s in counts
            ],
        )
    return dict(
        n=n,
        reps=reps,
        tipping=tipping_point(THRESHOLD_DISTRIBUTIONS["normal"]["cdf"]),
        results=results,
        mismatches=int(mismatches),
        runs=sum(len(v) for v in grids.values()) * reps,
        longest=longest,
        closed_form_check=check,
        curves=curves,
        exact_curves=exact_curves,
    )


def threshold_figure(study: dict, path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, name in zip(axes, ("uniform", "normal"), strict=True):
        rows = study["results"][name]
        spec = THRESHOLD_DISTRIBUTIONS[name]
        f_line, r_line = study["curves"][name]
        ax.plot(f_line, r_line, color="k", lw=1.3, label="mean field: r = f0 + (1 − f0) F(r)")
        fx, fy = study["exact_curves"][name]
        ax.plot(fx, fy, "--", color="C3", lw=1.2, label=f"exact expectation, n = {study['n']}")
        for row in rows:
            ax.plot(
                np.full(row["finals"].size, row["f0"]),
                row["finals"],
                ".",
                color="C0",
                alpha=0.15,
                ms=4,
            )
        f0 = np.array([r["f0"] for r in rows])
        mean = np.array([r["mean"] for r in rows])
        se = np.array([r["se"] for r in rows])
        ax.errorbar(
            f0,
            mean,
            yerr=2 * se,
            fmt="o",
            color="C0",
            ms=5,
            capsize=2,
            label=f"engine: mean of {study['reps']} runs (±2 SE); dots: runs",
        )
        ax.plot(f0, f0, ":", color="grey", lw=1, label="seeds only (r = f0)")
        ax.set_xlabel("seed fraction f0")
        ax.set_ylabel("final adopted fraction r")
        ax.set_title(f"{spec['label']}, complete graph")
        ax.set_ylim(-0.02, 1.05)
        ax.legend(fontsize=8, loc="lower right" if name == "uniform" else "upper left")
    axes[0].set_xscale("log")
    fig.suptitle("Granovetter (1978) threshold model: `fractional` rule, random seeds")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def threshold_markdown(study: dict) -> str:
    n, reps = study["n"], study["reps"]
    tip, below, above = study["tipping"]
    zs = [
        (r["mean"] - r["exact_mean"]) / r["exact_se"]
        for rows in study["results"].values()
        for r in rows
        if r["exact_se"] > 0
    ]
    max_z = float(np.max(np.abs(zs)))
    lines = [
        "### Granovetter and the linear threshold model",
        "",
        "**Compared.** The `fractional` rule on the complete graph with unit trust: agent j "
        "adopts once the share of the n − 1 others whose posts it has seen reaches its own "
        "threshold θ_j (thresholds i.i.d. with CDF F, set per agent with "
        "`dataclasses.replace(agents, threshold=...)`). A fraction f0 of agents, chosen at "
        "random, are seeds that adopt and post on day 0; everyone else posts the day after "
        "adopting. Exact fixed-point form: the final count is the smallest a ≥ f0·n with "
        "a = f0·n + #{non-seeds: θ_j ≤ a/(n − 1)} (seeds count in the share every agent "
        "sees; the synchronous updates reach the same least fixed point as any other update "
        "order, because adoption is monotone, and only the number of days depends on the "
        "order). Its mean-field form is r = f0 + (1 − f0)·F(r·n/(n − 1)) → "
        "r = f0 + (1 − f0)·F(r), the smallest root above f0. The exact finite-n law of the "
        "final count is computed by a dynamic programme over the threshold order statistics; "
        "for uniform thresholds it is the quasi-binomial (Abel) law "
        "P(a = S + k) = C(m, k)·(S/(n−1))·((S + k)/(n−1))^(k−1)·(1 − (S + k)/(n−1))^(m−k), "
        f"S seeds, m = n − S (the two agree to {study['closed_form_check']:.0e}).",
        "",
        "Two threshold distributions:",
        "",
        "- **U(0, 1)**, Granovetter's riot: F(r) = r, so the mean field gives r = 1 for every "
        "f0 > 0, but the chain of adoptions is critical at every step and a finite crowd "
        "stalls at the first gap in its thresholds. The exact finite-n expectation is far "
        "below 1 unless f0 ≫ 1/√n.",
        "- **N(0.4, 0.1²)** (Granovetter's tipping): the low fixed point disappears at "
        f"f0 = {tip:.4f} and the mean-field final fraction jumps from {below:.3f} to "
        f"{above:.4f}; at finite n the jump is smeared over a narrow window of f0 in which "
        "runs end either low or high.",
        "",
        f"**Settings.** n = {n}, {reps} runs per f0 (fresh thresholds and random seeds each "
        "run; the rule itself draws no random numbers). SE = sd of the final fraction / √runs. "
        f"Every one of the {study['runs']} runs ended exactly at the fixed point computed "
        f"independently from its own thresholds and seeds ({study['mismatches']} mismatches); "
        f"the longest took {study['longest']} days.",
        "",
        "![Threshold validation](figures/validation_threshold.png)",
        "",
        "| thresholds | f0 | engine mean ± SE | exact expectation (n) ± SE | "
        "(engine − exact)/SE | mean field, n | mean field, n = ∞ |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("uniform", "normal"):
        for r in study["results"][name]:
            z = (r["mean"] - r["exact_mean"]) / r["exact_se"] if r["exact_se"] > 0 else 0.0
            lines.append(
                f"| {THRESHOLD_DISTRIBUTIONS[name]['label']} | {r['f0']:.4g} | "
                f"{r['mean']:.4f} ± {r['se']:.4f} | {r['exact_mean']:.4f} ± {r['exact_se']:.4f} "
                f"| {z:+.2f} | {r['mean_field']:.4f} | {r['mean_field_inf']:.4f} |"
            )
    lines += [
        "",
        "**Reading.** The engine reproduces the exact finite-population law: run by run (the "
        "fixed point of each run's own thresholds), and on average (largest |z| "
        f"{max_z:.1f} over {len(zs)} seed fractions). The mean field is its n → ∞ limit: "
        "close to it for the normal thresholds away from the tipping point, and a poor guide "
        "for uniform thresholds, which is Granovetter's point: the same average disposition "
        "gives a riot or nothing depending on a few agents' thresholds.",
        "",
        "References: M. Granovetter (1978), Threshold models of collective behavior, *American "
        "Journal of Sociology* 83(6):1420–1443; D. Kempe, J. Kleinberg & É. Tardos (2003) "
        "(linear threshold model); D. J. Watts (2002), A simple model of global cascades on "
        "random networks, *PNAS* 99(9):5766.",
        "",
    ]
    return "\n".join(lines)


# ================================================================================ driver
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (~15 s)")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs",
        help="directory that receives figures/ and validation/classic.md (default: docs/)",
    )
    args = parser.parse_args(argv)
    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    (out / "validation").mkdir(parents=True, exist_ok=True)

    sections = []
    for name, study, figure, markdown in (
        ("bass", bass_study, bass_figure, bass_markdown),
        ("percolation", percolation_study, percolation_figure, percolation_markdown),
        ("threshold", threshold_study, threshold_figure, threshold_markdown),
    ):
        start = time.perf_counter()
        result = study(args.quick)
        figure(result, out / "figures" / f"validation_{name}.png")
        sections.append(markdown(result))
        print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)
    footer = (
        "Generated by `docs/validation/classic.py`"
        + (
            " --quick: a smoke run with small populations and few runs; rerun without "
            "--quick for the published numbers."
            if args.quick
            else " (fixed seeds: a rerun gives the same numbers); tests in "
            "`tests/test_validation_classic.py`."
        )
        + "\n"
    )
    (out / "validation" / "classic.md").write_text("\n".join([*sections, footer]))
    print(f"wrote {out / 'validation' / 'classic.md'} and three figures in {out / 'figures'}")


if __name__ == "__main__":
    main()
