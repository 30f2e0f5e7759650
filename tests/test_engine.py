"""The engine boundary: checked inputs, one-line errors, and stepping that equals running."""

import numpy as np
import pytest

from sim.errors import InputError
from sim.model import (
    AgentArrays,
    Params,
    SeedSchedule,
    Simulation,
    replication_keys,
    textbook_agents,
)
from sim.network import Network
from sim.network.generators import erdos_renyi, follower_graph

STEPS = 40


@pytest.fixture(scope="module")
def network():
    return follower_graph(3000, mean_following=8, n_communities=3, rng=np.random.default_rng(3))


def rich_agents(n: int, seed: int = 5) -> AgentArrays:
    rng = np.random.default_rng(seed)
    return AgentArrays(
        ("a", "b"),
        rng.random((n, 2)),
        rng.random((n, 2)),
        rng.uniform(0, 0.5, n),
        rng.integers(1, 3, n).astype(np.int32),
        rng.random(n),
        rng.choice([1.0, 0.5], n),
    )


CASES = {
    # every feature at once: decay, reinforcement, fading memory, external influence, attention
    "threshold-full": Params(
        rule="threshold",
        active_steps=3,
        tie_half_life=7,
        reinforcement=0.1,
        memory_half_life=5,
        external_p=0.001,
    ),
    # no external influence: the run stops early once quiet, stepping carries on through
    "cascade-quiet": Params(rule="cascade", active_steps=2, tie_half_life=10),
    "fractional": Params(rule="fractional", active_steps=None, reinforcement=0.05),
    "bass": Params(rule="bass", external_p=0.002, bass_q=0.4, memory_half_life=3),
}


@pytest.mark.parametrize("name", CASES)
def test_stepping_day_by_day_equals_run(network, name):
    seeds = np.argsort(network.followers)[-5:]
    simulation = Simulation(
        network,
        rich_agents(network.n_nodes),
        CASES[name],
        SeedSchedule.build(seeds, start=0, posts=3, every=2),
        STEPS,
        topic="b",
        sponsored_weight=0.8,
    )
    keys = replication_keys(11, 3)
    raw = simulation.run(keys)
    assert raw.final_adopters()[-1] > len(seeds)  # something spread: the comparison is not empty
    after_run = {
        name: getattr(simulation, name).copy()
        for name in ("adopt_time", "first_seen", "origin", "n_sources", "influence")
    }
    hub = int(seeds[-1])
    ties_after_run = simulation.ties(hub)[1].copy()
    incoming_after_run = simulation.ties(hub, incoming=True)[1].copy()

    simulation.start(keys[-1])
    assert simulation.day == 0
    assert not simulation.adopted.any()
    days = [simulation.step() for _ in range(STEPS)]
    assert days == list(range(STEPS))
    stepped = simulation.record
    np.testing.assert_array_equal(stepped.step_stats[0], raw.step_stats[-1])
    np.testing.assert_array_equal(stepped.by_origin[0], raw.by_origin[-1])
    np.testing.assert_array_equal(stepped.by_community[0], raw.by_community[-1])
    for field, values in after_run.items():
        np.testing.assert_array_equal(getattr(simulation, field), values, err_msg=field)
    np.testing.assert_array_equal(simulation.ties(hub)[1], ties_after_run)
    np.testing.assert_array_equal(simulation.ties(hub, incoming=True)[1], incoming_after_run)
    assert int(simulation.adopted.sum()) == raw.final_adopters()[-1]


def test_views_are_read_only_and_stepping_stops_at_the_end(network):
    simulation = Simulation(
        network,
        textbook_agents(network.n_nodes),
        Params(rule="cascade"),
        SeedSchedule.build([0]),
        3,
    )
    with pytest.raises(InputError, match="start"):
        simulation.step()
    simulation.start(replication_keys(0, 1)[0])
    for _ in range(3):
        simulation.step()
    with pytest.raises(InputError, match="over"):
        simulation.step()
    with pytest.raises(ValueError, match="read-only"):
        simulation.adopted[0] = True
    with pytest.raises(ValueError, match="read-only"):
        simulation.record.step_stats[0, 0, 0] = 1


def test_tie_view_decays_with_the_half_life():
    # one edge 0 -> 1, posted on day 0 only; after d more days the tie has halved d / h times
    network = Network.from_edges([0], [1], 2, ties=[0.8])
    agents = textbook_agents(2, threshold=10.0)  # nobody adopts: only the seed posts
    simulation = Simulation(
        network, agents, Params(tie_half_life=2.0, reinforcement=0.1), SeedSchedule.build([0]), 6
    )
    simulation.start(replication_keys(0, 1)[0])
    simulation.step()  # day 0: the post reaches 1, the tie becomes min(1, 0.8 + 0.1)
    np.testing.assert_allclose(simulation.ties(0)[1], [0.9], rtol=1e-6)
    for _ in range(4):
        simulation.step()  # days 1..4: no posts
    np.testing.assert_allclose(simulation.ties(0)[1], [0.9 * 2 ** (-4 / 2.0)], rtol=1e-6)
    followers, _ = simulation.ties(1, incoming=True)
    assert followers.tolist() == [0]


def _simulation(graph, **changes):
    parts = {
        "network": graph,
        "agents": textbook_agents(graph.n_nodes),
        "params": Params(rule="cascade"),
        "schedule": SeedSchedule.build([0, 1]),
        "steps": 10,
    }
    parts |= changes
    topic = parts.pop("topic", None)
    weight = parts.pop("sponsored_weight", 1.0)
    return Simulation(*parts.values(), topic=topic, sponsored_weight=weight)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule": SeedSchedule.build([5000])}, "seed 5000 is not an agent"),
        ({"schedule": SeedSchedule.build([0], start=10)}, "day 10, after the last day"),
        ({"steps": 0}, "steps: must be an integer >= 1"),
        ({"agents": textbook_agents(10)}, "10 agents but the network has 3000"),
        ({"topic": "music"}, "topic 'music' is not one of"),
        ({"sponsored_weight": float("nan")}, "sponsored_weight: must be a number in 0..1"),
        ({"sponsored_weight": 1.5}, "sponsored_weight"),
        ({"params": {"rule": "cascade"}}, "params: expected sim.model.Params"),
        ({"network": "graph.txt"}, "network: expected a sim.network.Network"),
    ],
)
def test_simulation_refuses_bad_inputs_in_one_line(network, changes, message):
    with pytest.raises(InputError, match=message) as error:
        _simulation(network, **changes)
    assert "\n" not in str(error.value)


def test_config_dynamics_is_not_taken_for_params(network):
    from sim.config import Dynamics

    with pytest.raises(InputError, match=r"\.params\(\)"):
        _simulation(network, params=Dynamics(rule="cascade"))
    # ... and converts exactly
    assert Dynamics(rule="bass", bass_q=0.3).params() == Params(rule="bass", bass_q=0.3)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: SeedSchedule.build([-1]), "seed ids must lie in 0"),
        (lambda: SeedSchedule.build([3, 3]), "distinct"),
        (lambda: SeedSchedule.build([1], posts=0), "posts must be an integer >= 1"),
        (
            lambda: SeedSchedule(
                np.array([1, 2]), np.array([1, 2]), np.array([3, 1]), np.array([0, 1])
            ),
            "sorted",
        ),
        (
            lambda: SeedSchedule(
                np.array([1, 2]), np.array([2, 2]), np.array([0, 1]), np.array([0, 1])
            ),
            "origin names",
        ),
        (lambda: SeedSchedule.build([2**31]), "seed ids must lie in 0"),
    ],
)
def test_schedule_is_checked(build, message):
    with pytest.raises(InputError, match=message):
        build()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", np.full(4, np.nan), "threshold must be a number"),
        ("activity", np.full(4, 1.5), "activity must lie in 0..1"),
        ("attention", np.full(3, 0.5), "attention has 3 values for 4 agents"),
        ("expertise", np.ones((4, 2)), r"shape \(agents, topics\)"),
        ("min_sources", np.zeros(4, np.int32), "min_sources must be >= 1"),
        ("min_sources", np.full(4, 1.5), "min_sources must be integers"),
    ],
)
def test_agent_arrays_are_checked(field, value, message):
    agents = textbook_agents(4)
    parts = {name: getattr(agents, name) for name in AgentArrays.__dataclass_fields__}
    parts[field] = value
    with pytest.raises(InputError, match=message):
        AgentArrays(**parts)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rule": "sir"}, "rule: 'sir' is not one of"),
        ({"external_p": 1.5}, "external_p: must be a number in 0..1"),
        ({"tie_half_life": float("inf")}, "tie_half_life: must be a finite number > 0"),
        ({"tie_half_life": 0}, "tie_half_life"),
        ({"active_steps": 0}, "active_steps"),
        ({"bass_q": float("nan")}, "bass_q"),
    ],
)
def test_params_are_checked(changes, message):
    with pytest.raises(InputError, match=message):
        Params(**changes)


def test_threads_give_the_same_numbers(network):
    simulation = _simulation(network)
    keys = replication_keys(3, 64)
    one = simulation.run(keys, threads=1)
    two = simulation.run(keys, threads=2)
    np.testing.assert_array_equal(one.step_stats, two.step_stats)
    with pytest.raises(InputError, match="threads"):
        simulation.run(keys, threads=0)


def test_posted_and_reached_views():
    # 0 -> 1 and 2 -> 1: only the seed 0 posts (nobody adopts), so 1 is reached from 0 only
    network = Network.from_edges([0, 2], [1, 1], 3)
    agents = textbook_agents(3, threshold=10.0)
    simulation = Simulation(network, agents, Params(), SeedSchedule.build([0]), 3)
    simulation.start(replication_keys(0, 1)[0])
    assert not simulation.posted.any()
    simulation.step()
    assert simulation.posted.tolist() == [True, False, False]
    followees, reached = simulation.reached(1)
    assert dict(zip(followees.tolist(), reached.tolist(), strict=True)) == {0: True, 2: False}
    with pytest.raises(InputError, match="agent: must be an agent id"):
        simulation.reached(3)


@pytest.mark.parametrize("rule", ["threshold", "fractional"])
def test_an_infinite_threshold_never_adopts_by_the_rule(rule):
    """Agents with an infinite threshold (``level - tolerance`` is NaN for them) never adopt by
    the rule on the general kernel, while the cascade goes on around them; a test written as
    ``influence < level`` would let every one of them adopt at its first exposure."""
    rng = np.random.default_rng(8)
    network = erdos_renyi(400, 6.0, rng=rng)
    n = network.n_nodes
    threshold = rng.uniform(0.0, 0.3, n)
    never = rng.random(n) < 0.25
    threshold[never] = np.inf
    agents = AgentArrays(
        ("a",), np.ones((n, 1)), np.ones((n, 1)), threshold, np.ones(n, np.int32),
        np.ones(n), np.full(n, 0.8),
    )  # fmt: skip
    seeds = np.flatnonzero(~never)[:5]
    simulation = Simulation(
        network, agents, Params(rule=rule, active_steps=2), SeedSchedule.build(seeds), 30
    )
    for key in replication_keys(3, 4):
        simulation.run(np.array([key]))
        adopted = simulation.state.agent["adopt_time"] >= 0
        assert not adopted[never].any()
        assert adopted[~never].sum() > 50  # reached and exposed, but never over the threshold


@pytest.mark.parametrize(
    ("seeds", "params", "dense"),
    [
        (slice(-30, None), CASES["threshold-full"], True),  # most agents: in index order
        (slice(1500, 1502), Params(rule="cascade", tie_half_life=10), False),  # a few only
    ],
)
def test_reset_returns_the_state_a_fresh_simulation_has(network, seeds, params, dense):
    """After a replication (its final state kept) the reset leaves every field it owns as a
    fresh allocation has it, whether it visits the touched agents or all of them; then the
    same keys give the same numbers as a fresh Simulation."""
    from sim.kernels import diffusion as kernel

    hubs = np.argsort(network.followers)[seeds]  # by followers: the largest, or middling

    def build():
        return Simulation(
            network,
            rich_agents(network.n_nodes),
            params,
            SeedSchedule.build(hubs, start=0, posts=2, every=3),
            STEPS,
            topic="b",
            sponsored_weight=0.8,
        )

    keys = replication_keys(4, 3)
    used, fresh = build(), build()
    used.run(keys)
    state = used.state
    touched = int(state.counters[kernel.N_TOUCHED])
    assert (touched * kernel.DENSE_RESET >= network.n_nodes) == dense
    assert state.has_posted.any() and (state.tie != used._graph.tie0).any()  # edges to reset
    kernel.reset(used._graph, used._agents, used._params, state)
    owned = ("agent", "flags", "has_posted", "candidate", "tie", "tie_time", "edge_seen")
    for name in (*owned, "hours", "parent", "counters"):
        np.testing.assert_array_equal(
            getattr(state, name), getattr(fresh.state, name), err_msg=name
        )
    again, expected = used.run(keys), fresh.run(keys)
    np.testing.assert_array_equal(again.step_stats, expected.step_stats)
    np.testing.assert_array_equal(again.by_origin, expected.by_origin)
