"""Textbook results reproduced with fixed seeds (the figures and tables are made by
docs/validation/classic.py from ``sim.validation.bass``, ``percolation`` and ``granovetter``; the
theory here is written out again, independently of the package, and only the engine driver of
the Bass runs, ``simulate_bass``, and the fixed point of one threshold run, checked against an
independent iteration, are taken from it).

Every tolerance is a multiple of a standard error, stated in each test, plus (where said) an
allowance for a known finite-size effect of the stated order. Each hand-set allowance has a twin
test (``..._rejects_...``) showing that the same check fails for a wrong parameter.
"""

import dataclasses

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import binom, norm

from sim.model import Params, textbook_agents
from sim.network.generators import complete, erdos_renyi
from sim.validation import granovetter
from sim.validation.bass import simulate_bass
from tests.helpers import final_adopters


# ----------------------------------------------------------------------------------- Bass (1969)
def bass_chain_moments(p: float, q: float, n: int, steps: int):
    """Exact mean, variance and 4th central moment of the adopter count after days 1..steps.

    On day t every non-adopter adopts with probability p + q A/(n - 1) (A = adopters of earlier
    days), independently, so A is a Markov chain with binomial increments whose distribution
    is propagated exactly."""
    a = np.arange(n + 1)
    hazard = np.minimum(p + q * a / (n - 1), 1.0)
    transition = binom.pmf(a[None, :] - a[:, None], (n - a)[:, None], hazard[:, None])
    dist = np.zeros(n + 1)
    dist[0] = 1.0
    moments = []
    for _ in range(steps):
        dist = dist @ transition
        mean = dist @ a
        moments.append((mean, dist @ (a - mean) ** 2, dist @ (a - mean) ** 4))
    return np.array(moments).T


def peak_day(daily_mean: np.ndarray) -> float:
    """Day of the largest mean daily adoption count, refined by a parabola through 3 days."""
    k = int(np.argmax(daily_mean))
    left, mid, right = daily_mean[k - 1 : k + 2]
    return k + 0.5 * (left - right) / (left - 2 * mid + right)


@pytest.mark.parametrize(
    ("p", "q", "steps", "seed"), [(0.01, 0.1, 60, 1), (0.03, 0.38, 25, 2), (0.005, 0.5, 30, 3)]
)
def test_bass_matches_exact_finite_population_law(p, q, steps, seed):
    """Bass (1969) on complete(500), no seeds, 300 runs, against the exact law of the adopter
    count (not the mean-field recursion, whose error is O(1/n) with a large constant for
    large q/p).

    - Mean adopted count on every day within 4 SE of the exact expectation, SE = the exact
      standard deviation / sqrt(300) (4 rather than 3: all days are checked at once).
    - Sample variance within 4 SE of the exact variance on the days where the expected share is
      between 0.05 and 0.95, SE = sqrt((mu4 - sigma^4 (R-3)/(R-1)) / R) from the exact 4th
      moment: catches draws that are correlated between agents (or too regular).
    - Peak day of the mean daily adoptions within 4 bootstrap SE (+ 0.05 day for the parabola)
      of the peak day of the exact expected daily adoptions."""
    checks = bass_checks(simulate_bass(p, q, 500, steps, 300, seed), p, q, seed)
    assert all(checks.values()), checks


def bass_checks(daily: np.ndarray, p: float, q: float, seed: int) -> dict[str, bool]:
    """The three checks of the test above for engine runs ``daily`` (reps, steps) on
    complete(500) against the exact law for (p, q)."""
    reps, steps = daily.shape
    n = 500
    counts = daily.cumsum(axis=1)
    mean, var, mu4 = bass_chain_moments(p, q, n, steps)

    # 4 SE, SE = exact sd / sqrt(runs): derived from the standard error
    live = var > 0
    z = (counts.mean(axis=0) - mean)[live] / np.sqrt(var[live] / reps)

    # 4 SE of a sample variance (exact 4th moment): derived from the standard error
    middle = (mean > 0.05 * n) & (mean < 0.95 * n)
    sample_var = counts.var(axis=0, ddof=1)[middle]
    var_se = np.sqrt((mu4 - var**2 * (reps - 3) / (reps - 1))[middle] / reps)

    # 4 bootstrap SE plus a hand-set 0.05 day for the parabola's bias (twin test below)
    expected_peak = peak_day(np.diff(mean, prepend=0.0))
    rng = np.random.default_rng(seed)
    boots = [peak_day(daily[rng.integers(0, reps, reps)].mean(axis=0)) for _ in range(200)]
    peak = peak_day(daily.mean(axis=0))
    return {
        "mean": bool(np.abs(z).max() <= 4.0),
        "variance": bool(np.all(np.abs(sample_var - var[middle]) <= 4 * var_se)),
        "peak": bool(abs(peak - expected_peak) <= 4 * np.std(boots, ddof=1) + 0.05),
    }


def test_bass_checks_reject_a_wrong_q():
    """Twin of the test above (p = 0.03, q = 0.38): engine runs with q 5% too high fail the
    mean check, and with q 20% too high also the peak-day check (4 bootstrap SE + 0.05 day)."""
    p, q, steps, seed = 0.03, 0.38, 25, 2
    assert not bass_checks(simulate_bass(p, 1.05 * q, 500, steps, 300, seed), p, q, seed)["mean"]
    wrong = bass_checks(simulate_bass(p, 1.2 * q, 500, steps, 300, seed), p, q, seed)
    assert not wrong["mean"] and not wrong["peak"], wrong


def test_bass_closed_form_with_half_day_shift():
    """The continuous closed form F(t) = (1 - e^-(p+q)t) / (1 + q/p e^-(p+q)t) at t - 1/2
    follows the engine (300 runs of complete(500), p = 0.01, q = 0.1) within 4 SE (exact SE)
    plus 0.006 for the daily discretisation: the exact expectation differs from F(t - 1/2) by
    at most 0.0049 here (0.0051 from the discretisation at n = inf, the rest O(1/n)). Without
    the half-day shift the gap (up to 0.018) exceeds that tolerance."""
    p, q, steps, n, reps = 0.01, 0.1, 60, 500, 300
    shares = simulate_bass(p, q, n, steps, reps, seed=4).cumsum(axis=1) / n
    _, var, _ = bass_chain_moments(p, q, n, steps)
    se = np.sqrt(var) / n / np.sqrt(reps)
    t = np.arange(1, steps + 1)

    def closed(time):
        decay = np.exp(-(p + q) * time)
        return (1 - decay) / (1 + q / p * decay)

    tolerance = 0.006 + 4 * se  # 4 SE (exact) + the hand-set 0.006 (twin test below)
    assert np.all(np.abs(shares.mean(axis=0) - closed(t - 0.5)) <= tolerance)
    assert np.any(np.abs(shares.mean(axis=0) - closed(t)) > tolerance)
    peak = peak_day(np.diff(closed(np.arange(steps + 1) - 0.5)))
    assert abs(peak - np.log(q / p) / (p + q)) < 0.1  # the shift also puts the peak in place


def test_bass_closed_form_band_rejects_a_wrong_p_or_q():
    """Twin of the test above: the same engine runs are outside the band 0.006 + 4 SE around
    the shifted closed form of p or q 10% off, and the shifted curve's peak day is more than
    0.1 day from ln(q/p)/(p + q) when the curve has a q 5% off."""
    p, q, steps, n, reps = 0.01, 0.1, 60, 500, 300
    shares = simulate_bass(p, q, n, steps, reps, seed=4).cumsum(axis=1) / n
    _, var, _ = bass_chain_moments(p, q, n, steps)
    tolerance = 0.006 + 4 * np.sqrt(var) / n / np.sqrt(reps)
    t = np.arange(1, steps + 1)

    def closed(time, p, q):
        decay = np.exp(-(p + q) * time)
        return (1 - decay) / (1 + q / p * decay)

    for wrong_p, wrong_q in ((1.1 * p, q), (0.9 * p, q), (p, 1.1 * q), (p, 0.9 * q)):
        gap = np.abs(shares.mean(axis=0) - closed(t - 0.5, wrong_p, wrong_q))
        assert np.any(gap > tolerance), (wrong_p, wrong_q)
    peak = peak_day(np.diff(closed(np.arange(steps + 1) - 0.5, p, 0.95 * q)))
    assert abs(peak - np.log(q / p) / (p + q)) >= 0.1


def test_bass_posting_only_the_day_after_adoption_is_the_same_model():
    """The validation runs `bass` with active_steps=1 (cheaper). Only the first exposure on an
    edge feeds `bass`, so later posts change nothing: the runs are identical draw for draw."""
    p, q, steps, n = 0.03, 0.38, 25, 200
    once = simulate_bass(p, q, n, steps, 20, seed=5, active_steps=1)
    always = simulate_bass(p, q, n, steps, 20, seed=5, active_steps=steps)
    np.testing.assert_array_equal(once, always)


# ------------------------------------------------------------- independent cascade = percolation
def giant_share(zt: float) -> float:
    """S = 1 - exp(-zT S), 0 at and below zT = 1."""
    return brentq(lambda s: s - 1 + np.exp(-zt * s), 1e-12, 1.0) if zt > 1 else 0.0


def cascade_sizes(zt: float, graph: int, seeds_per_graph: int, reps: int) -> np.ndarray:
    """Outbreak sizes from single random seeds on one directed G(20000, 5/n), ties T = zT/5."""
    n, z = 20_000, 5.0
    rng = np.random.default_rng([2024, round(zt * 100), graph])
    network = erdos_renyi(n, z, directed=True, rng=rng)
    network = dataclasses.replace(network, ties=np.full(network.n_edges, zt / z, dtype=np.float32))
    sizes = [
        final_adopters(
            network,
            Params(rule="cascade", active_steps=1),
            [seed],
            replications=reps,
            seed=100_000 * graph + 1000 * round(zt * 100) + k,
            steps=400,
        )
        for k, seed in enumerate(rng.choice(n, seeds_per_graph, replace=False))
    ]
    return np.concatenate(sizes)


@pytest.mark.slow
@pytest.mark.parametrize("zt", [0.5, 0.8])
def test_subcritical_cascade_mean_outbreak_is_branching_progeny(zt):
    """Below zT = 1 the mean outbreak from one random seed is 1/(1 - zT) agents (mean total
    progeny of a Galton-Watson process with mean offspring zT). 16 independent graphs, 50
    random seeds x 10 runs on each; a graph's mean size is one observation, SE = sd of the 16
    graph means / sqrt(16). Pass: within 4 SE + 1 % for the finite network: the exact mean at
    n = 20000 (the graph-averaged cascade is the Reed-Frost chain binomial with pair probability
    zT/(n - 1); 2e5 runs of it give 2.00 and 5.02) is within 0.5 % of 1/(1 - zT) here."""
    assert subcritical_check(zt, zt)


def subcritical_check(zt: float, simulated_zt: float) -> bool:
    """Runs at ``simulated_zt``: is their mean within 4 SE (SE over the 16 graph means, derived)
    + 1 % (hand-set finite-size allowance) of 1/(1 - zt)?"""
    means = [cascade_sizes(simulated_zt, graph, 50, 10).mean() for graph in range(16)]
    expected = 1 / (1 - zt)
    se = np.std(means, ddof=1) / np.sqrt(len(means))
    return bool(abs(np.mean(means) - expected) <= 4 * se + 0.01 * expected)


@pytest.mark.slow
@pytest.mark.parametrize(("zt", "wrong"), [(0.5, 0.55), (0.8, 0.84)])
def test_subcritical_check_rejects_a_wrong_transmission(zt, wrong):
    """Twin: runs with zT 10 % (at 0.5) or 5 % (at 0.8) too high fail the check above."""
    assert not subcritical_check(zt, wrong)


@pytest.mark.slow
@pytest.mark.parametrize("zt", [1.3, 1.6, 2.5])
def test_supercritical_cascade_sweep_matches_percolation(zt):
    """Above zT = 1 on directed G(20000, z = 5), from one random seed: a run is large (> 2 % of
    n) with probability S and then reaches a share S, S = 1 - exp(-zT S); runs that die out
    have mean size 1/(1 - zT (1 - S)) (the branching process conditioned on extinction).
    16 independent graphs, 20 seeds x 4 runs each; SE = sd of the 16 graph means / sqrt(16).
    Pass: P(large) within 4 SE; large share within 4 SE + 0.003 (finite-size, O(1/sqrt n));
    small-outbreak mean within 4 SE + 2 %."""
    checks = supercritical_checks(zt, zt)
    assert all(checks.values()), (zt, checks)


def supercritical_checks(zt: float, simulated_zt: float) -> dict[str, bool]:
    """The three checks above for runs at ``simulated_zt`` against the theory at ``zt``: 4 SE
    (SE over the 16 graph means, derived) plus the hand-set allowances 0.003 (large share) and
    2 % (small-outbreak mean)."""
    n = 20_000
    expected = giant_share(zt)
    chance, share, small = [], [], []
    for graph in range(16):
        sizes = cascade_sizes(simulated_zt, graph, 20, 4)
        large = sizes > 0.02 * n
        chance.append(large.mean())
        share.append(sizes[large].mean() / n)
        small.append(sizes[~large].mean())

    def check(values, target, allowance):
        se = np.std(values, ddof=1) / np.sqrt(len(values))
        return bool(abs(np.mean(values) - target) <= 4 * se + allowance)

    small_expected = 1 / (1 - zt * (1 - expected))
    return {
        "chance": check(chance, expected, 0.0),
        "share": check(share, expected, 0.003),
        "small": check(small, small_expected, 0.02 * small_expected),
    }


@pytest.mark.slow
def test_supercritical_checks_reject_a_wrong_transmission():
    """Twin: runs with zT 5 % too high (1.68 for 1.6) fail the large-share check (4 SE + 0.003);
    runs with zT 15 % too high (1.5 for 1.3) fail the small-outbreak check (4 SE + 2 %), whose
    power is low (small outbreaks are few and heavy-tailed near the critical point)."""
    assert not supercritical_checks(1.6, 1.68)["share"]
    assert not supercritical_checks(1.3, 1.5)["small"]


# ----------------------------------------------------------------- Granovetter / linear threshold
def synchronous_final(thresholds: np.ndarray, seeds: np.ndarray) -> int:
    """Final adopters of `fractional` on complete(n), without the engine and without sorting:
    day by day, every non-adopter whose share of adopted others (count / (n - 1)) has reached
    its threshold adopts, until a day adds nobody (the rule's own synchronous dynamics)."""
    n = thresholds.size
    adopted = np.zeros(n, dtype=bool)
    adopted[seeds] = True
    while True:
        joining = ~adopted & (adopted.sum() / (n - 1) >= thresholds)
        if not joining.any():
            return int(adopted.sum())
        adopted |= joining


def test_fixed_point_count_is_the_synchronous_dynamics():
    """The package's sorted-threshold fixed point equals the day-by-day iteration above, on
    draws where the chain stalls early, late and not at all (and on an exact tie)."""
    rng = np.random.default_rng(7)
    for n, f0, draw in (
        (300, 0.01, lambda size: rng.uniform(0, 1, size)),
        (300, 0.05, lambda size: rng.uniform(0, 1, size)),
        (500, 0.19, lambda size: rng.normal(0.4, 0.1, size)),
        (500, 0.25, lambda size: rng.normal(0.4, 0.1, size)),
    ):
        for _ in range(20):
            thresholds = draw(n)
            seeds = rng.choice(n, round(f0 * n), replace=False)
            expected = synchronous_final(thresholds, seeds)
            assert granovetter.fixed_point_count(thresholds, seeds) == expected
    # exact ties: nodes 2 and 3 need exactly 2 of the 4 others, then node 4 needs all 4
    thresholds = np.array([0.0, 0.0, 0.5, 0.5, 1.0])
    assert granovetter.fixed_point_count(thresholds, np.array([0, 1])) == 5
    assert synchronous_final(thresholds, np.array([0, 1])) == 5
    thresholds[4] = 1.0 + 1e-6  # one more than everyone: never
    assert granovetter.fixed_point_count(thresholds, np.array([0, 1])) == 4
    assert synchronous_final(thresholds, np.array([0, 1])) == 4


def threshold_finals(n: int, f0: float, draw, reps: int, seed: int) -> np.ndarray:
    """Final adopter counts of `reps` runs (fresh thresholds and random seeds each); asserts
    that every run ends exactly at the fixed point of its own thresholds and seeds."""
    network = complete(n)
    finals = []
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        thresholds = draw(rng, n)
        seeds = rng.choice(n, round(f0 * n), replace=False)
        agents = dataclasses.replace(textbook_agents(n), threshold=thresholds)
        final = final_adopters(
            network,
            Params(rule="fractional", active_steps=1),
            seeds,
            replications=1,
            agents=agents,
            steps=n,
        )[0]
        assert final == synchronous_final(thresholds, seeds)
        assert final == granovetter.fixed_point_count(thresholds, seeds)
        finals.append(final)
    return np.array(finals)


def uniform_final_law(n: int, seeds: int) -> np.ndarray:
    """Exact law of the final count for thresholds U(0, 1) (quasi-binomial, from Abel's identity
    for uniform order statistics under a linear boundary): with m = n - seeds, h = 1/(n - 1),
    P(seeds + k) = C(m, k) (seeds h) ((seeds + k) h)^(k - 1) (1 - (seeds + k) h)^(m - k)."""
    m, h = n - seeds, 1.0 / (n - 1)
    k = np.arange(m)
    with np.errstate(divide="ignore"):
        log_p = (
            gammaln(m + 1) - gammaln(k + 1) - gammaln(m - k + 1) + np.log(seeds * h)
            + (k - 1) * np.log((seeds + k) * h) + (m - k) * np.log1p(-(seeds + k) * h)
        )  # fmt: skip
    law = np.zeros(n + 1)
    law[seeds:n] = np.exp(log_p)
    law[n] = 1 - law.sum()
    return law


def threshold_final_law(n: int, seeds: int, survival: np.ndarray) -> np.ndarray:
    """Exact law of the final count for i.i.d. thresholds, survival[a] = P(theta > a/(n-1)):
    scan a = seeds, seeds + 1, ...; given C(a) = #{non-seeds: theta <= a/(n-1)}, the next bin
    holds Binomial(m - C(a), pi_a) more; stop at the first a = seeds + C(a)."""
    m = n - seeds
    c = np.arange(m + 1)
    dist = binom.pmf(c, m, 1 - survival[seeds])
    law = np.zeros(n + 1)
    for a in range(seeds, n):
        k = a - seeds
        law[a] = dist[k]
        dist[: k + 1] = 0.0
        pi = (survival[a] - survival[a + 1]) / survival[a] if survival[a] > 0 else 1.0
        new = np.zeros(m + 1)
        if pi >= 1.0:  # every remaining threshold lies in the next bin
            new[m] = dist.sum()
            dist = new
            continue
        term = dist * (1 - pi) ** (m - c)
        for j in range(m - k):
            if j:
                term = term * np.maximum(m - c - (j - 1), 0) / j * (pi / (1 - pi))
            new[j:] += term[: m + 1 - j]
            if term.max() < 1e-18 and j > 3:
                break
        dist = new
    law[n] = dist[m]
    return law


def test_uniform_thresholds_follow_the_exact_finite_crowd_law():
    """Granovetter's riot, thresholds U(0, 1): the mean field r = f0 + (1 - f0) r gives r = 1
    for any f0 > 0, but a finite crowd stalls at the first gap in its thresholds. On
    complete(1000), 60 runs per seed fraction: every run ends at its own fixed point, and the
    mean final count is within 4 SE of the exact (quasi-binomial) expectation, SE = exact sd /
    sqrt(60). With 1 % seeds the exact expectation (~0.33) is far below the mean field (1)."""
    n, reps = 1000, 60
    counts = np.arange(n + 1)
    survival = np.clip(1 - counts / (n - 1), 0, 1)
    for f0, seed in ((0.01, 31), (0.05, 32)):
        finals = threshold_finals(n, f0, lambda rng, size: rng.uniform(0, 1, size), reps, seed)
        law = uniform_final_law(n, round(f0 * n))
        np.testing.assert_allclose(law, threshold_final_law(n, round(f0 * n), survival), atol=1e-9)
        mean = law @ counts
        sd = np.sqrt(law @ (counts - mean) ** 2)
        assert abs(finals.mean() - mean) <= 4 * sd / np.sqrt(reps), (f0, finals.mean(), mean)
    assert uniform_final_law(n, 10) @ counts < 0.5 * n


def test_uniform_law_checks_reject_a_wrong_law():
    """Twins of the exact-law checks above: the closed form (atol 1e-9, numerical agreement of two
    exact computations) differs from the dynamic programme for thresholds U(0, 1.02) (2 % too
    wide) or for one seed more; and the 'far below the mean field' cut (< n/2 at 1 % seeds) does
    not hold once the seeds are many (20 % of n, well above 1/sqrt(n))."""
    n = 1000
    counts = np.arange(n + 1)
    law = uniform_final_law(n, 10)
    wider = np.clip(1 - counts / (n - 1) / 1.02, 0, 1)
    assert np.abs(law - threshold_final_law(n, 10, wider)).max() > 1e-9
    exact = np.clip(1 - counts / (n - 1), 0, 1)
    assert np.abs(uniform_final_law(n, 11) - threshold_final_law(n, 10, exact)).max() > 1e-9
    assert uniform_final_law(n, 200) @ counts >= 0.5 * n


def normal_mean_field(n: int, f0: float) -> float:
    """Smallest root r >= f0 of r = f0 + (1 - f0) F(r n/(n - 1)), F the N(0.4, 0.1^2) CDF."""

    def gap(r):
        return f0 + (1 - f0) * norm.cdf((min(r * n / (n - 1), 1.0) - 0.4) / 0.1) - r

    grid = np.linspace(f0, 1.0, 2001)
    negative = [r for r in grid if gap(r) < 0]
    return brentq(gap, negative[0] - grid[1] + grid[0], negative[0]) if negative else 1.0


def mean_field_check(finals: np.ndarray, expected: float) -> bool:
    """Mean final fraction within 4 SE (from the runs, floored at 1/n: derived) + 2/n (hand-set,
    for the integer count) of the mean field."""
    n = 1000
    se = max(finals.std(ddof=1) / np.sqrt(finals.size), 1 / n)
    return bool(abs(finals.mean() - expected) <= 4 * se + 2 / n)


def test_normal_threshold_checks_reject_a_wrong_threshold_law():
    """Twins of the test below: with thresholds N(0.37, 0.1^2) (mean 7.5 % too low) the runs at
    f0 = 0.15 miss the N(0.4, 0.1^2) mean field by more than 4 SE + 2/n; and the 'runs split
    between the branches' cut fails away from the tip (f0 = 0.25: every run ends high)."""
    n = 1000
    finals = threshold_finals(n, 0.15, lambda rng, size: rng.normal(0.37, 0.1, size), 30, 42)
    assert not mean_field_check(finals / n, normal_mean_field(n, 0.15))
    high = threshold_finals(n, 0.25, lambda rng, size: rng.normal(0.4, 0.1, size), 30, 43)
    assert not (np.any(high < 0.5 * n) and np.any(high > 0.9 * n))


def test_normal_thresholds_tip_as_the_mean_field_predicts():
    """Granovetter's tipping, thresholds N(0.4, 0.1^2) on complete(1000), random seeds. The final
    fraction solves r = f0 + (1 - f0) F(r n/(n - 1)) (smallest root above f0; seeds count in
    the share each agent sees); the low root disappears at f0 = 0.196. Every run ends at its
    own fixed point. Away from the tip (f0 = 0.1, 0.15: low branch; 0.25: everyone) the mean of
    30 runs is within 4 SE + 2/n of the mean field (SE from the runs, floored at 1/n since all
    runs can agree). At the tip (f0 = 0.195, runs end low or high) the mean of 60 runs is
    within 4 SE of the exact finite-n expectation (SE = exact sd / sqrt(60)) and the runs are
    split between the branches."""
    n = 1000
    counts = np.arange(n + 1)

    def draw(rng, size):
        return rng.normal(0.4, 0.1, size)

    for f0, seed in ((0.1, 41), (0.15, 42), (0.25, 43)):
        finals = threshold_finals(n, f0, draw, 30, seed) / n
        assert mean_field_check(finals, normal_mean_field(n, f0)), (f0, finals.mean())

    finals = threshold_finals(n, 0.195, draw, 60, 44)
    survival = norm.sf((counts / (n - 1) - 0.4) / 0.1)
    law = threshold_final_law(n, 195, survival)
    mean = law @ counts
    sd = np.sqrt(law @ (counts - mean) ** 2)
    assert abs(finals.mean() - mean) <= 4 * sd / np.sqrt(finals.size), (finals.mean(), mean)
    assert np.any(finals < 0.5 * n) and np.any(finals > 0.9 * n)
