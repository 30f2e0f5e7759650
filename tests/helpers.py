"""Small builders shared by the model tests."""

# uniform_agents is the library's textbook population, re-exported for the tests.

import numpy as np

from sim.model import (
    AgentArrays,
    Params,
    SeedSchedule,
    Simulation,
    replication_keys,
    textbook_agents,
)
from sim.network import Network


def final_adopters(
    network: Network,
    dynamics: Params,
    seeds,
    *,
    replications: int,
    seed: int = 0,
    steps: int = 200,
    agents: AgentArrays | None = None,
    topic: str | None = None,
) -> np.ndarray:
    """Final adopter counts (seeds included) of ``replications`` runs."""
    agents = agents if agents is not None else textbook_agents(network.n_nodes)
    simulation = Simulation(
        network, agents, dynamics, SeedSchedule.build(seeds), steps, topic=topic
    )
    raw = simulation.run(replication_keys(seed, replications))
    return raw.step_stats[:, :, -1].sum(axis=1)


uniform_agents = textbook_agents
