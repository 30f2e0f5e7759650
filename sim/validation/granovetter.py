"""Granovetter's threshold model on the complete graph: the mean-field final fraction and its
tipping point, the exact finite-n law of the final count, its closed form for uniform
thresholds, the fixed point of one run, and the driver that runs the ``fractional`` rule.

On complete(n) with unit trust an agent adopts once the share of the n - 1 others that have
adopted reaches its threshold, so the final count is the least a >= |seeds| with
a = |seeds| + #{non-seeds: theta (n - 1) <= a}. Its law over i.i.d. thresholds
(:func:`final_count_distribution`) is exact at finite n, where the mean field
(:func:`mean_field_final`) is only the n -> inf limit, far off for uniform thresholds.

References: M. Granovetter (1978), Threshold models of collective behavior, *American Journal of
Sociology* 83(6):1420-1443; D. Kempe, J. Kleinberg & É. Tardos (2003), KDD (linear threshold).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import binom, norm

from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.well_mixed import WellMixed


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
"""The study's two threshold laws: label, sampler, CDF and survival function."""


def threshold_study(quick: bool) -> dict:
    """Final fractions of the ``fractional`` rule on complete(n) over a grid of seed fractions,
    for uniform and normal thresholds (fresh thresholds and seeds each run), against the exact
    finite-n expectation and the mean field; counts the runs that miss their own fixed point
    (must be 0) and checks the uniform closed form against the dynamic programme.
    ``quick``: n = 600, 12 runs, 3 seed fractions per law."""
    n, reps = (600, 12) if quick else (2000, 30)
    grids = {
        "uniform": [0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3],
        "normal": [0.05, 0.1, 0.15, 0.17, 0.18, 0.19, 0.195, 0.2, 0.21, 0.22, 0.25, 0.3],
    }
    if quick:
        grids = {"uniform": [0.01, 0.05, 0.2], "normal": [0.1, 0.19, 0.25]}
    network = WellMixed(n)  # complete(n) without stored edges: the same numbers
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
