"""Bass (1969) diffusion: the closed form, the recursion on expected counts, the exact law of
the engine's adopter count at finite n, and the driver that runs the ``bass`` rule on the
complete graph.

The engine's ``bass`` rule gives every non-adopter the daily hazard p + q A/(n - 1), A the
adopters of earlier days, so the adopter count is a Markov chain with binomial increments; its
exact moments (:func:`bass_exact`) are the reference the engine must match, and the recursion
and the continuous curve are approximations of it (O(1/n), and a half-day discretisation shift).

Reference: F. M. Bass (1969), A new product growth for model consumer durables, *Management
Science* 15(5):215-227.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.well_mixed import WellMixed

THREADS = 2
"""Threads of the study runs (the numbers do not depend on it)."""


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
    p: float,
    q: float,
    n: int,
    steps: int,
    reps: int,
    seed: int,
    active_steps: int = 1,
    threads: int = THREADS,
) -> np.ndarray:
    """Daily adoptions (reps, steps) of the `bass` rule on the well-mixed population of n (the
    complete graph without stored edges: the same numbers as complete(n)), no seeds.

    ``active_steps=1`` (the default): an adopter posts only on the day after adopting. Only the
    first exposure on an edge feeds `bass`, so this is the same model as posting on every later
    day too (the tests check the two give identical draws) and saves the repeated edge visits."""
    simulation = Simulation(
        WellMixed(n),
        textbook_agents(n),
        Params(rule="bass", external_p=p, bass_q=q, active_steps=active_steps),
        SeedSchedule.build([]),
        steps,
    )
    raw = simulation.run(replication_keys(seed, reps), threads=threads)
    return raw.step_stats[:, :, NEW_ADOPTERS]


def bass_study(quick: bool) -> dict:
    """The engine against the exact law, the recursion, the closed form and the peak time for
    three (p, q), and the recursion's O(1/n) error at several n; ``quick``: small n, few runs.

    Per (p, q) row: the engine's mean and SE by day, the exact expectation, the approximations,
    the largest |z| of the mean (exact SE), the variance ratio and its largest |z| (exact SE of a
    sample variance from the 4th moment), and the peak day with a bootstrap SE."""
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
