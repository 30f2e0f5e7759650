"""``Simulation.spread`` under the threshold rules gives the general kernel's final counts.

Under textbook settings the ``threshold`` and ``fractional`` rules run
:func:`sim.kernels.threshold.run_threshold_spread`, which keeps only who adopted. Each case runs
the same Simulation through :meth:`Simulation.run` (the general kernel) and through
:meth:`Simulation.spread`, on one and two threads, and compares adopters, seed adopters and the
last day's adopters; the scratch must be left as it was found. The cases are the hand-built
graphs of ``test_kernel_paths`` (seeds that follow each other, repeated seed posts, per-edge and
uniform ties, partial trust) with thresholds that leave cascades partial, instigators
(threshold <= 0), agents needing two distinct sources, and every posting window.
"""

from pathlib import Path

import numpy as np
import pytest

from sim.model import AgentArrays, Params, SeedSchedule, Simulation, Spread, replication_keys
from sim.network import Network
from sim.runner.prepare import prepare
from tests.test_kernel_paths import (
    CASES,
    SCENARIOS,
    assert_same_counts,
    plan_simulations,
)

HIGH = {"fractional": 0.9, "threshold": 2.5}  # thresholds uniform on 0.05 .. HIGH[rule]


def with_thresholds(agents: AgentArrays, rule: str, *, two_sources: bool, seed: int = 1):
    """``agents`` with thresholds that leave cascades partial, 1% instigators (threshold 0) and,
    with ``two_sources``, a third of the agents needing two distinct sources."""
    rng = np.random.default_rng(seed)
    n = agents.n_agents
    threshold = rng.uniform(0.05, HIGH[rule], n)
    threshold[rng.random(n) < 0.01] = 0.0
    sources = np.where(rng.random(n) < 1 / 3, 2, 1) if two_sources else np.ones(n)
    return AgentArrays(
        agents.topics,
        agents.expertise,
        agents.interest,
        threshold,
        sources.astype(np.int32),
        agents.activity,
        agents.attention,
    )


def assert_spread_is_run(simulation: Simulation, keys: np.ndarray) -> Spread:
    """``spread`` on one and two threads equals ``run``'s final counts and leaves its scratch
    as found (:func:`tests.test_kernel_paths.assert_same_counts`)."""
    assert simulation._threshold_path, "the case should qualify for the threshold path"
    expected = Spread.of(simulation.run(keys))
    assert_same_counts(simulation, keys, expected)
    return expected


@pytest.mark.parametrize("two_sources", [False, True], ids=["one-source", "two-sources"])
@pytest.mark.parametrize("active_steps", [1, 3, None])
@pytest.mark.parametrize("rule", ["fractional", "threshold"])
@pytest.mark.parametrize("name", CASES)
def test_threshold_spread_equals_general_kernel(name, rule, active_steps, two_sources):
    network, agents, schedule, weight, steps = CASES[name]
    agents = with_thresholds(agents, rule, two_sources=two_sources)
    simulation = Simulation(
        network,
        agents,
        Params(rule=rule, active_steps=active_steps),
        schedule,
        steps,
        topic=agents.topics[-1],
        sponsored_weight=weight,
    )
    assert_spread_is_run(simulation, replication_keys(5, 3))


def test_the_cases_spread_partially():
    """The comparison above is not empty: on the larger graphs cascades go past the seeds and
    instigators without taking everyone, and some are still growing on the last day."""
    partial = growing = 0
    for name in ("sparse", "erdos-renyi", "followers-repeated", "many-seeds"):
        network, agents, schedule, weight, steps = CASES[name]
        for rule in HIGH:
            thresholds = with_thresholds(agents, rule, two_sources=False)
            simulation = Simulation(
                network, thresholds, Params(rule=rule), schedule, steps, sponsored_weight=weight
            )
            got = simulation.spread(replication_keys(1, 1))
            instigated = (thresholds.threshold <= 0).sum() + schedule.seeds.size
            partial += bool(instigated < got.adopters[0] < 0.9 * network.n_nodes)
            growing += bool(got.last_step[0] > 0)
    assert partial >= 4 and growing >= 1


def test_exact_fractions_adopt_at_their_threshold():
    """A ring where everyone follows its two neighbours and needs exactly half of them: the
    influence 0.5 meets the threshold 0.5 (the general kernel's tolerance), so one seed takes
    the whole ring; at 0.5 + 1e-6 nobody follows. Both paths agree on both."""
    n = 50
    sources = np.concatenate([np.arange(n), np.arange(n)])
    targets = np.concatenate([(np.arange(n) + 1) % n, (np.arange(n) - 1) % n])
    ring = Network.from_edges(sources, targets, n, ties=np.full(2 * n, 0.5))
    adopters = []
    for level in (0.5, 0.5 + 1e-6):
        agents = AgentArrays(
            ("a",),
            np.full((n, 1), 0.75),  # trust 0.5 * 0.75 * 0.5: exact in float32
            np.full((n, 1), 0.5),
            np.full(n, level),
            np.ones(n, np.int32),
            np.ones(n),
            np.ones(n),
        )
        simulation = Simulation(ring, agents, Params(rule="fractional"), SeedSchedule.build([0]), n)
        adopters.append(assert_spread_is_run(simulation, replication_keys(2, 2)).adopters[0])
    assert adopters == [n, 1]


def test_nobody_trusted_cannot_adopt_under_fractional():
    """An agent nobody reaches with any trust (norm 0) never adopts under ``fractional``; one
    reached with zero trust is the same. Both paths agree."""
    # 0 -> 1 (tie 0), 0 -> 2 (tie 1); agent 3 follows nobody
    network = Network.from_edges([0, 0], [1, 2], 4, ties=np.array([0.0, 1.0]))
    agents = AgentArrays(
        ("a",), np.ones((4, 1)), np.ones((4, 1)), np.full(4, 0.5), np.ones(4, np.int32),
        np.ones(4), np.ones(4),
    )  # fmt: skip
    simulation = Simulation(network, agents, Params(rule="fractional"), SeedSchedule.build([0]), 5)
    assert assert_spread_is_run(simulation, replication_keys(3, 4)).adopters.tolist() == [2] * 4


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: Path(path).stem)
def test_threshold_spread_on_shipped_scenarios(path):
    """Each shipped scenario's network, population (with certain posting and attention) and
    every strategy's plan, under both threshold rules with the population's own thresholds."""
    setup = prepare(path, replications=2)
    for rule in ("threshold", "fractional"):
        for simulation in plan_simulations(setup, Params(rule=rule, active_steps=2)):
            assert_spread_is_run(simulation, replication_keys(setup.seed, 2))


@pytest.mark.parametrize(
    "changes",
    [
        {"memory_half_life": 3.0},
        {"tie_half_life": 5.0},
        {"reinforcement": 0.1},
        {"external_p": 0.01},
        {"rule": "bass", "bass_q": 0.3},
    ],
)
def test_other_threshold_settings_are_run_reduced(changes):
    """Off the textbook settings ``spread`` is ``run`` reduced to its counts (general kernel)."""
    network, agents, schedule, weight, steps = CASES["erdos-renyi"]
    agents = with_thresholds(agents, "threshold", two_sources=False)
    params = Params(**{"rule": "threshold", "active_steps": 2, **changes})
    simulation = Simulation(network, agents, params, schedule, steps, sponsored_weight=weight)
    assert not simulation._threshold_path
    keys = replication_keys(4, 6)
    expected = Spread.of(simulation.run(keys))
    np.testing.assert_array_equal(simulation.spread(keys).adopters, expected.adopters)
    half = agents.activity.copy()
    half[0] = 0.5
    partial = AgentArrays(
        agents.topics, agents.expertise, agents.interest, agents.threshold, agents.min_sources,
        half, agents.attention,
    )  # fmt: skip
    fractional = Params(rule="fractional")
    assert not Simulation(network, partial, fractional, schedule, steps)._threshold_path


@pytest.mark.parametrize("rule", ["fractional", "threshold"])
def test_a_seed_reached_before_its_post_counts_as_a_seed_adopter(rule):
    """0 -> 1 -> 2, seeds 0 (posting on day 0) and 1 (on day 4): 1 adopts on day 0, reached by
    0, before its own post (which reaches 2 on day 4); it is counted among the seed adopters on
    both paths."""
    network = Network.from_edges([0, 1], [1, 2], 3, ties=np.ones(2))
    agents = AgentArrays(
        ("a",), np.ones((3, 1)), np.ones((3, 1)), np.full(3, 0.5), np.ones(3, np.int32),
        np.ones(3), np.ones(3),
    )  # fmt: skip
    schedule = SeedSchedule(
        np.array([0, 1], np.int32), np.array([0, 1], np.int32), np.array([0, 4], np.int32),
        np.array([0, 1], np.int32),
    )  # fmt: skip
    simulation = Simulation(network, agents, Params(rule=rule), schedule, 8)
    keys = replication_keys(1, 2)
    assert simulation.run(keys).stat("new_adopters")[0, :5].tolist() == [2, 0, 0, 0, 1]
    got = assert_spread_is_run(simulation, keys)
    assert got.seed_adopters.tolist() == [2, 2] and got.adopters.tolist() == [3, 3]


@pytest.mark.parametrize("rule", ["fractional", "threshold"])
def test_threshold_spread_shares_blocks_among_threads(rule, monkeypatch):
    """With the threshold for starting threads at zero, both threads take blocks (each with
    its own scratch) and the counts are still ``run``'s, row for row."""
    from sim.model import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_SECONDS", 0.0)
    network, agents, schedule, weight, steps = CASES["followers-repeated"]
    agents = with_thresholds(agents, rule, two_sources=True)
    simulation = Simulation(
        network, agents, Params(rule=rule, active_steps=2), schedule, steps,
        sponsored_weight=weight,
    )  # fmt: skip
    keys = replication_keys(3, 4)
    expected = Spread.of(simulation.run(keys))
    used = set()
    block = simulation._spread_block

    def spy(keys, scratch, counts):
        used.add(id(scratch[0]))
        block(keys, scratch, counts)

    simulation._spread_block = spy
    got = simulation.spread(np.tile(keys, 100), threads=2)
    assert len(used) == 2  # both threads' scratch took blocks
    np.testing.assert_array_equal(got.adopters, np.tile(expected.adopters, 100))
    np.testing.assert_array_equal(got.seed_adopters, np.tile(expected.seed_adopters, 100))
