"""Each rule reduces to its textbook model (fixed seeds; tolerances from standard errors)."""

import dataclasses

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import brentq

from sim.kernels.diffusion import STEP_STAT_NAMES
from sim.model import Params, SeedSchedule, Simulation, replication_keys
from sim.network import Network
from sim.network.generators import complete, erdos_renyi, watts_strogatz
from tests.helpers import final_adopters, uniform_agents


def percolation_size(z: float, transmissibility: float) -> float:
    """Giant out-component share S solving S = 1 - exp(-z T S) (directed Erdos-Renyi)."""
    return brentq(lambda s: s - 1 + np.exp(-z * transmissibility * s), 1e-9, 1.0)


def test_cascade_matches_bond_percolation():
    """Independent cascade = bond percolation (Newman 2002). On directed G(n=20000, z=10) with
    edge probability T, outbreaks that take off reach a share S of the network.

    Each of 8 independent graphs gives the mean share over its large outbreaks (100 runs from a
    random seed); the graphs are the independent units, so the standard error is the spread of
    their means / sqrt(8). Pass: within 3 SE (plus a 0.002 finite-size allowance, O(1/sqrt(n)))
    for two supercritical T."""
    n, z = 20_000, 10.0
    for transmissibility in (0.2, 0.3):
        shares = []
        for graph in range(8):
            rng = np.random.default_rng([graph, int(transmissibility * 100)])
            network = erdos_renyi(n, z, directed=True, rng=rng)
            network = dataclasses.replace(
                network, ties=np.full(network.n_edges, transmissibility, dtype=np.float32)
            )
            sizes = final_adopters(
                network,
                Params(rule="cascade"),
                rng.choice(n, 1),
                replications=100,
                seed=graph,
            )
            large = sizes[sizes > 0.02 * n]
            assert large.size >= 20
            shares.append(large.mean() / n)
        expected = percolation_size(z, transmissibility)
        se = np.std(shares, ddof=1) / np.sqrt(len(shares))
        assert abs(np.mean(shares) - expected) <= 3 * se + 0.002, (transmissibility, shares)


def bass_recursion(p: float, q: float, n: int, steps: int) -> np.ndarray:
    """Expected adopted share after each day: the discrete Bass recursion on n agents who each
    see the other n - 1 (hazard p + q * adopted others / (n - 1))."""
    shares, adopted = [], 0.0
    for _ in range(steps):
        adopted += (n - adopted) * (p + q * adopted / (n - 1))
        shares.append(adopted / n)
    return np.array(shares)


def bass_closed_form(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """Bass (1969): F(t) = (1 - exp(-(p+q)t)) / (1 + q/p exp(-(p+q)t))."""
    decay = np.exp(-(p + q) * t)
    return (1 - decay) / (1 + q / p * decay)


def test_bass_on_well_mixed_population():
    """The `bass` rule on the complete graph follows the Bass curve.

    The discrete-time recursion is the expectation to first order in 1/n; the mean adopted share
    of 150 runs must be within 4 SE of it on every day (4 rather than 3: 50 days are checked at
    once) plus 1/n for the recursion's mean-field error (about 1.5/n here, see
    docs/validation.md: the 4 SE cover the rest; the exact finite-n law is tested in
    tests/test_validation_classic.py). The daily steps lead the continuous
    closed form by about half a day; against F(t - 1/2) the discretisation error of the
    recursion is below 0.006 for p = 0.01, q = 0.1, so the tolerance is 0.006 + 4 SE + 1/n."""
    n, steps, p, q = 800, 50, 0.01, 0.1
    network = complete(n)
    simulation = Simulation(
        network,
        uniform_agents(n),
        Params(rule="bass", external_p=p, bass_q=q),
        SeedSchedule.build([]),
        steps,
    )
    raw = simulation.run(replication_keys(7, 150))
    shares = raw.step_stats[:, :, -1].cumsum(axis=1) / n
    mean = shares.mean(axis=0)
    se = shares.std(axis=0, ddof=1) / np.sqrt(shares.shape[0])
    expected = bass_recursion(p, q, n, steps)
    assert np.all(np.abs(mean - expected) <= 4 * se + 1.0 / n)
    closed = bass_closed_form(p, q, np.arange(1, steps + 1) - 0.5)
    assert np.all(np.abs(mean - closed) <= 0.006 + 4 * se + 1.0 / n)
    # imitation matters: external influence alone would reach far less
    assert mean[-1] > 1 - (1 - p) ** steps + 0.2


def ring(n: int, k: int, p: float, seed: int) -> Network:
    return watts_strogatz(n, k, p, rng=np.random.default_rng(seed))


def test_complex_contagion_on_ring_needs_two_adjacent_seeds():
    """Centola & Macy (2007): with min_sources = 2 a ring lattice (k = 4) is taken over from two
    adjacent seeds but not from one; rewiring the ring makes the spread collapse."""
    n = 2000
    agents = uniform_agents(n, threshold=0.5, min_sources=2)  # one seen post passes 0.5
    rule = Params(rule="threshold")
    lattice = ring(n, 4, 0.0, 0)
    both = final_adopters(lattice, rule, [10, 11], replications=3, agents=agents, steps=1200)
    assert np.all(both == n)
    one = final_adopters(lattice, rule, [10], replications=3, agents=agents, steps=1200)
    assert np.all(one == 1)
    spread = []
    for p in (0.0, 0.05, 0.3):
        sizes = [
            final_adopters(
                ring(n, 4, p, s), rule, [10, 11], replications=1, agents=agents, steps=1200
            )[0]
            for s in range(6)
        ]
        spread.append(np.mean(sizes) / n)
    assert spread[0] == 1.0
    assert spread[0] > spread[1] > spread[2]
    assert spread[2] < 0.05


def test_fractional_tiny_threshold_reaches_reachable_set_and_above_one_nothing():
    """A threshold just above 0: one adopted in-neighbour is enough, so exactly the set
    reachable from the seeds adopts (a threshold of 0 would make everyone an instigator)."""
    rng = np.random.default_rng(5)
    network = erdos_renyi(400, 1.5, directed=True, rng=rng)
    seeds = [3, 17, 200]
    reachable = set(seeds)
    graph = network.to_networkx()
    for s in seeds:
        reachable |= nx.descendants(graph, s)
    simulation = Simulation(
        network,
        uniform_agents(400, threshold=1e-6),
        Params(rule="fractional"),
        SeedSchedule.build(seeds),
        400,
    )
    simulation.run(replication_keys(0, 1))
    adopted = set(np.flatnonzero(simulation.state.agent["adopt_time"] >= 0).tolist())
    assert adopted == reachable
    assert len(reachable) > len(seeds) + 20  # the test graph actually spreads
    nothing = final_adopters(
        network,
        Params(rule="fractional"),
        seeds,
        replications=2,
        agents=uniform_agents(400, threshold=1.01),
    )
    assert np.all(nothing == len(seeds))


def test_topic_trust_limits_off_topic_campaigns():
    """Two topics; agents have expertise only on topic A (0.15 on B). The same cascade spreads
    less for a campaign on topic B. Difference of means tested against 3 SE of the difference."""
    n = 5000
    rng = np.random.default_rng(9)
    network = erdos_renyi(n, 8.0, directed=True, rng=rng)
    network = dataclasses.replace(network, ties=np.full(network.n_edges, 0.4, dtype=np.float32))
    agents = uniform_agents(n, topics=2)
    agents.expertise[:, 1] = 0.15
    seeds = rng.choice(n, 5, replace=False)
    on_topic = final_adopters(
        network, Params(rule="cascade"), seeds, replications=60, agents=agents, topic="topic0"
    )
    off_topic = final_adopters(
        network, Params(rule="cascade"), seeds, replications=60, agents=agents, topic="topic1"
    )
    difference = on_topic.mean() - off_topic.mean()
    se = np.sqrt(on_topic.var(ddof=1) / 60 + off_topic.var(ddof=1) / 60)
    assert difference > 3 * se
    assert off_topic.mean() < 0.1 * on_topic.mean()  # 0.4 * 0.15 * 8 = 0.48: subcritical


@pytest.mark.parametrize("rule", ["threshold", "fractional"])
def test_threshold_zero_makes_everyone_an_instigator(rule):
    """Granovetter: thresholds <= 0 adopt on day 0 without any post; seeds wait for their post.
    Under ``cascade`` the threshold plays no part, so nobody is instigated."""
    network = erdos_renyi(300, 1.5, directed=True, rng=np.random.default_rng(2))
    threshold = np.where(np.arange(300) % 3 == 0, 0.0, 2.0)
    agents = dataclasses.replace(uniform_agents(300), threshold=threshold)
    schedule = SeedSchedule.build(np.array([3, 4]), start=5)
    simulation = Simulation(network, agents, Params(rule=rule), schedule, 10)
    raw = simulation.run(replication_keys(0, 1))
    instigators = np.flatnonzero(threshold == 0.0)
    instigators = instigators[instigators != 3]
    assert np.all(simulation.adopt_time[instigators] == 0)
    assert np.all(simulation.origin[instigators] == -1)
    assert raw.step_stats[0, 0, STEP_STAT_NAMES.index("new_adopters")] == instigators.size
    assert raw.step_stats[0, 0, STEP_STAT_NAMES.index("posts")] == 0
    assert simulation.adopt_time[3] == 5 and simulation.origin[3] == 0
    assert raw.by_origin[0, -1] >= instigators.size
    cascade = Simulation(network, agents, Params(rule="cascade"), schedule, 10)
    assert cascade.run(replication_keys(0, 1)).step_stats[0, :5].sum() == 0
