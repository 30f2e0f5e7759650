"""Time-decaying ties and fading memory, exact on two-node graphs."""

import numpy as np
import pytest

from sim.model import Params, SeedSchedule, Simulation, replication_keys
from sim.network import Network
from tests.helpers import uniform_agents


def two_nodes(tie: float) -> Network:
    return Network.from_edges([0], [1], 2, ties=[tie])


def run_posts(
    dynamics: Params, post_days: list[int], tie: float = 0.8, steps: int = 30, weight: float = 1.0
):
    """Agent 0 posts to its one follower on the given days; agent 1 never adopts."""
    network = two_nodes(tie)
    agents = uniform_agents(2, threshold=1e9)
    days = np.array(post_days, dtype=np.int32)
    schedule = SeedSchedule(
        np.array([0], np.int32), np.zeros(days.size, np.int32), days, np.zeros(days.size, np.int32)
    )
    simulation = Simulation(network, agents, dynamics, schedule, steps, sponsored_weight=weight)
    simulation.run(replication_keys(0, 1))
    return simulation.state


def test_tie_not_renewed_for_one_half_life_carries_half_its_trust():
    state = run_posts(Params(tie_half_life=5.0), [5])
    assert state.agent["influence"][1] == pytest.approx(0.4, rel=1e-6)


def test_tie_decays_from_its_last_interaction_and_reinforcement_caps_at_one():
    # day 0: trust 0.8, tie reinforced to 1.0; day 10 (two half-lives later): 1.0 / 4
    state = run_posts(Params(tie_half_life=5.0, reinforcement=0.5), [0, 10])
    assert state.agent["influence"][1] == pytest.approx(0.8 + 0.25, rel=1e-6)
    assert state.tie[0] == pytest.approx(min(1.0, 0.25 + 0.5))
    assert state.tie_time[0] == 10


def test_without_decay_ties_keep_their_strength():
    state = run_posts(Params(), [0, 7, 20])
    assert state.agent["influence"][1] == pytest.approx(3 * 0.8, rel=1e-6)


def test_memory_fades_with_its_half_life():
    # exposures of 0.8 on days 0 and 4, memory half-life 4: 0.8 / 2 + 0.8
    state = run_posts(Params(memory_half_life=4.0), [0, 4])
    assert state.agent["influence"][1] == pytest.approx(0.8 * 0.5 + 0.8, rel=1e-6)


def test_sponsored_posts_carry_the_authenticity_discount():
    state = run_posts(Params(), [0], weight=0.25)
    assert state.agent["influence"][1] == pytest.approx(0.8 * 0.25, rel=1e-6)
