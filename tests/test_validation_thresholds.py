"""Validation of the threshold rules against Watts (2002) and Centola & Macy (2007).

The analytic results and the simulation drivers live in ``sim.validation.watts`` and
``sim.validation.complex_contagion`` (run by ``docs/validation/thresholds.py``, which draws the
figures of docs/validation.md); these tests run smaller versions with fixed seeds. Runs are
independent (a fresh graph and seed each), so frequencies get binomial
standard errors and means the standard error of the mean; every tolerance below is k SE plus,
where stated, a finite-size allowance for n = 10^4. Every hand-set allowance, band or cut has a
twin test (``..._reject...``) showing that the same check fails for a wrong parameter.
"""

import functools
import itertools
import math

import numpy as np
import pytest

from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import erdos_renyi
from sim.validation import watts
from sim.validation.complex_contagion import RingStats, ring_spread

PHI = watts.PHI
N = watts.WATTS_N


def simulated(z: float, runs: int, seed: int = 11, phi: float = PHI, scale: float = 1.0):
    """Global-cascade statistics of ``runs`` runs at mean degree ``scale * z`` and threshold
    ``phi`` (``scale`` and ``phi`` other than 1 and PHI: deliberately wrong engine runs)."""
    sizes = watts.watts_sizes(scale * z, runs, seed, phi=phi)
    return watts.CascadeStats.of(z, sizes, N)


def test_analytic_window_and_frequency():
    """The cascade condition of Watts (2002, eq. 3) for phi = 0.18 (vulnerable: k <= 5) has
    roots near z = 1.02 and 5.76; the frequency and size vanish outside the window."""
    low, high = watts.cascade_window()
    assert low == pytest.approx(1.0207, abs=1e-3)
    assert high == pytest.approx(5.7647, abs=1e-3)
    assert watts.cascade_condition(4.0) > 0 > watts.cascade_condition(0.8)
    for z in (0.8, 1.0, 5.8, 12.0):
        assert watts.cascade_frequency(z) == 0.0
        assert watts.cascade_size(z) == 0.0
    # inside, well above the lower edge, a global cascade takes the giant component; the
    # frequency (extended vulnerable cluster) is below 1 because hubs are not vulnerable
    assert watts.cascade_size(4.0) == pytest.approx(watts.giant_component(4.0), abs=1e-6)
    assert 0.8 < watts.cascade_frequency(4.0) < 0.9


def test_analytic_bands_reject_a_wrong_threshold():
    """Twin: with phi = 0.16 (vulnerable up to k = 6) or 0.21 (k <= 4) the window edges leave the
    abs = 1e-3 bands and the frequency at z = 4 leaves (0.8, 0.9); the size equals the giant
    component (abs = 1e-6) only where the cascade takes it over, not at z = 4 for phi = 0.21."""
    for phi in (0.16, 0.21):
        low, high = watts.cascade_window(phi)
        assert low != pytest.approx(1.0207, abs=1e-3) or high != pytest.approx(5.7647, abs=1e-3)
        assert not 0.8 < watts.cascade_frequency(4.0, phi) < 0.9
    assert high != pytest.approx(5.7647, abs=1e-3)
    assert watts.cascade_size(4.0, 0.21) != pytest.approx(watts.giant_component(4.0), abs=1e-6)


def test_global_cascades_inside_the_window():
    """z = 4, 300 runs: global cascades happen with the frequency of the extended vulnerable
    cluster (within 3 binomial SE + 0.02 for finite size) and clearly > 0 (lower 3-SE bound
    > 0.7); their mean size is the predicted size = the giant component share (3 SE + 0.005,
    the O(1/sqrt(n)) finite-size allowance)."""
    checks = inside_window_checks(simulated(4.0, 300))
    assert all(checks.values()), checks


def inside_window_checks(result) -> dict[str, bool]:
    """The checks above against the theory at z = 4, phi = PHI: 3 binomial SE (derived) + 0.02
    (hand-set finite-size allowance); the 3-SE lower bound above the hand-set cut 0.7; the size
    within 3 SE + 0.005 (hand-set, O(1/sqrt n)) of the predicted size and the giant component."""
    expected = watts.cascade_frequency(4.0)
    sizes = (watts.cascade_size(4.0), watts.giant_component(4.0))
    return {
        "lower": result.frequency - 3 * result.frequency_se > 0.7,
        "frequency": abs(result.frequency - expected) <= 3 * result.frequency_se + 0.02,
        "size": all(abs(result.size - size) <= 3 * result.size_se + 0.005 for size in sizes),
    }


def test_inside_window_checks_reject_wrong_runs():
    """Twin: engine runs with phi = 0.16 (degree-6 nodes vulnerable) fail the frequency band;
    with phi = 0.21 (outside the window at z = 4) the lower bound; with the mean degree 10 % too
    high (z = 4.4) the size band."""
    assert not inside_window_checks(simulated(4.0, 300, phi=0.16))["frequency"]
    assert not inside_window_checks(simulated(4.0, 300, phi=0.21))["lower"]
    assert not inside_window_checks(simulated(4.0, 300, scale=1.1))["size"]


@pytest.mark.parametrize("z", [0.8, 12.0])
def test_no_global_cascades_outside_the_window(z):
    """Below the window the graph has no giant component; above it no node of a percolating
    cluster tips over from one neighbour. 300 runs: the 99% upper bound on the frequency is
    below 2% (in fact none occurs)."""
    result = simulated(z, 300)
    assert result.n_global == 0
    assert result.upper_bound(0.99) < 0.02  # 99% Clopper–Pearson bound, hand-set cut 2%


@pytest.mark.parametrize(("z", "phi", "scale"), [(0.8, PHI, 1.5), (12.0, 0.08, 1.0)])
def test_outside_window_check_rejects_wrong_runs(z, phi, scale):
    """Twin: with the mean degree 50 % too high at z = 0.8 (1.2: a giant component) or the
    threshold 0.08 at z = 12 (vulnerable up to k = 12) the 99% upper bound is above 2%."""
    assert simulated(z, 300, phi=phi, scale=scale).upper_bound(0.99) >= 0.02


def test_simulated_window_edges_match_the_analytic_ones():
    """Where the frequency crosses 2% (200 runs per z, binomial SE about 0.01 at the crossing,
    i.e. well under 0.05 in z) against the analytic edges. Lower edge: within 0.1 (the grid
    step; the finite-size giant component at z = 1 is about n^(2/3), under the 5% cutoff).
    Upper edge: finite graphs cascade beyond it (as in Watts's own n = 10^4 simulations), so
    the simulated edge must lie between 0 and 0.75 above the analytic one."""
    checks = window_edge_checks()
    assert all(checks.values()), checks


EDGE_GRID = (0.9, 1.0, 1.1, 1.2, 3.0, 5.5, 5.75, 6.0, 6.25, 6.5, 7.0)


def window_edge_checks(phi: float = PHI, scale: float = 1.0) -> dict[str, bool]:
    """The edge checks above (hand-set bands 0.1 and [0, 0.75]) for runs at ``phi`` and mean
    degree ``scale * z`` on the grid, against the analytic window of PHI."""
    z = np.array(EDGE_GRID)
    freq = np.array([simulated(x, 200, seed=12, phi=phi, scale=scale).frequency for x in z])
    low, high = watts.crossings(z, freq, 0.02)
    a_low, a_high = watts.cascade_window()
    return {"lower": abs(low - a_low) <= 0.1, "upper": 0.0 <= high - a_high <= 0.75}


def test_window_edge_checks_reject_wrong_runs():
    """Twin: with the mean degree 15 % too high both edges fall below the bands (the lower one
    by more than 0.1); with phi = 0.16 the upper edge is more than 0.75 above 5.76."""
    wrong_degree = window_edge_checks(scale=1.15)
    assert not wrong_degree["lower"] and not wrong_degree["upper"], wrong_degree
    assert not window_edge_checks(phi=0.16)["upper"]


def test_final_states_are_fixed_points_of_the_watts_rule():
    """Independent check of the kernel's fractional rule: in the final state every non-seed
    adopter had at least a share phi of its neighbours adopted before it (or a seed), and no
    non-adopter with neighbours has a share phi adopted. Also: the dynamics are deterministic
    (unit trust and attention), so replications with other keys agree, on two threads too."""
    n = N
    agents = textbook_agents(n, threshold=PHI)
    dynamics = Params(rule="fractional", active_steps=1)
    rng = np.random.default_rng(13)
    checked_global = 0
    for z in (1.5, 4.0, 5.75, 6.0):
        for _ in range(6):
            network = erdos_renyi(n, z, directed=False, rng=rng)
            seed = int(rng.integers(n))
            simulation = Simulation(network, agents, dynamics, SeedSchedule.build([seed]), 1000)
            both = simulation.run(replication_keys(1, 2), threads=2)
            np.testing.assert_array_equal(both.step_stats[0], both.step_stats[1])
            simulation.run(replication_keys(1, 1))
            adopt = simulation.state.agent["adopt_time"]
            adopted = adopt >= 0
            src, dst = network.edge_sources(), network.indices
            degree = np.bincount(dst, minlength=n)
            is_seed = np.zeros(n, dtype=bool)
            is_seed[seed] = True
            earlier = adopted[src] & ((adopt[src] < adopt[dst]) | is_seed[src])
            share_before = np.bincount(dst, weights=earlier, minlength=n)
            share_final = np.bincount(dst, weights=adopted[src], minlength=n)
            assert adopted.sum() == both.step_stats[0, :, -1].sum()
            assert np.all(share_before[adopted & ~is_seed] >= PHI * degree[adopted & ~is_seed])
            stable = ~adopted & (degree > 0)
            assert np.all(share_final[stable] < PHI * degree[stable])
            checked_global += adopted.sum() > 0.05 * n
    assert checked_global >= 6  # the check covered global cascades, not only tiny ones


@functools.cache
def _rings(p_values, min_sources, graphs=40, seed=21):
    return [RingStats.of(p, *ring_spread(p, min_sources, graphs, seed)) for p in p_values]


def _se_diff(a: float, b: float) -> float:
    return math.sqrt(a**2 + b**2)


def test_complex_contagion_reach_falls_with_rewiring():
    """Centola & Macy (2007): min_sources = 2 on a Watts–Strogatz ring (n = 4000, k = 6),
    seeded with a node and its neighbours, 40 graphs per p. The lattice is taken over (the
    fronts move k/2 - 1 = 2 nodes a day each way: exactly 898 days to 90%); the mean final
    share falls from p = 0 to 0.1 to 0.5, each step by more than 3 SE of the difference, and
    at p = 0.5 the contagion stays near the seed cluster (< 2% of n)."""
    lattice, middle, random_ = _rings((0.0, 0.1, 0.5), min_sources=2)
    assert lattice.share == 1.0 and lattice.reached == lattice.graphs
    assert lattice.days == 898.0
    assert lattice.share - middle.share > 3 * _se_diff(lattice.share_se, middle.share_se)
    assert middle.share - random_.share > 3 * _se_diff(middle.share_se, random_.share_se)
    assert random_.share < 0.02  # hand-set cut (twin below)


def test_seed_cluster_cut_rejects_a_simple_contagion():
    """Twin: at p = 0.5 the simple contagion (min_sources = 1 instead of 2) is not held near the
    seed cluster: its share is far above the 2% cut."""
    (random_,) = _rings((0.5,), min_sources=1)
    assert not random_.share < 0.02


def test_simple_contagion_spreads_faster_with_rewiring():
    """The small-world effect: with min_sources = 1 every ring is taken over, and the days to
    90% fall from p = 0 (k/2 = 3 nodes a day each way: exactly 598 days) to 0.01, 0.1 and 1,
    each step by more than 3 SE of the difference; at p = 1 it takes a handful of days
    (about log n / log k)."""
    rows = _rings((0.0, 0.01, 0.1, 1.0), min_sources=1, graphs=30)
    assert all(r.share == 1.0 for r in rows)
    assert rows[0].days == 598.0
    for slow, fast in itertools.pairwise(rows):
        se = _se_diff(0.0 if math.isnan(slow.days_se) else slow.days_se, fast.days_se)
        assert slow.days - fast.days > 3 * se, (slow, fast)
    assert rows[-1].days < 8  # hand-set cut (twin below)


def test_handful_of_days_cut_rejects_a_wrong_rewiring():
    """Twin: with p = 0.01 instead of 1 the simple contagion takes more than the 8-day cut. (The
    cut is loose: p = 0.1 takes about 7.3 days and passes it; the 3-SE steps above are what
    separate p = 0.1 from p = 1.)"""
    rows = _rings((0.0, 0.01, 0.1, 1.0), min_sources=1, graphs=30)
    assert not rows[1].days < 8
