"""Small builders shared by the model tests."""

import numpy as np

from sim.config import Dynamics
from sim.engine import Simulation
from sim.network import Network
from sim.population import AgentArrays
from sim.rng import replication_keys
from sim.seeding import SeedSchedule


def uniform_agents(n: int, *, threshold: float = 0.0, min_sources: int = 1, topics: int = 1):
    """Textbook agents: unit expertise and interest, certain posting and attention."""
    ones = np.ones(n, dtype=np.float32)
    return AgentArrays(
        tuple(f"topic{k}" for k in range(topics)),
        np.ones((n, topics), dtype=np.float32),
        np.ones((n, topics), dtype=np.float32),
        np.full(n, threshold, dtype=np.float64),
        np.full(n, min_sources, dtype=np.int32),
        ones,
        ones.copy(),
    )


def final_adopters(
    network: Network,
    dynamics: Dynamics,
    seeds,
    *,
    replications: int,
    seed: int = 0,
    steps: int = 200,
    agents: AgentArrays | None = None,
) -> np.ndarray:
    """Final adopter counts (seeds included) of ``replications`` runs."""
    agents = agents if agents is not None else uniform_agents(network.n_nodes)
    simulation = Simulation(network, agents, dynamics, SeedSchedule.build(seeds), steps)
    raw = simulation.run(replication_keys(seed, replications))
    return raw.step_stats[:, :, -1].sum(axis=1)
