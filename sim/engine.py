"""The engine: turns a network, a population, dynamics and a seed schedule into kernel arrays,
runs replications, and hands back raw per-step arrays for :mod:`sim.results` to tabulate.

No Numba here beyond calling the kernels; no YAML.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from sim.config import Dynamics
from sim.dtypes import ACCUM, COUNT, EDGE, KEY, NODE, STEP, VALUE
from sim.kernels import diffusion as kernel
from sim.network import Network
from sim.population import AgentArrays
from sim.seeding import SeedSchedule


@dataclass(frozen=True, eq=False)
class RawRun:
    """Kernel output for a batch of replications.

    step_stats : int64 (R, steps, N_STEP_STATS) with columns ``kernel.STEP_STAT_NAMES``.
    by_origin : int64 (R, G + 1) adoptions attributed to each seed (last column: no seed).
    by_community : int64 (R, C) adoptions per community.
    """

    replications: np.ndarray
    step_stats: np.ndarray
    by_origin: np.ndarray
    by_community: np.ndarray


class Simulation:
    """One network, population, dynamics and seed schedule, ready to run many replications.

    Building a Simulation allocates the kernel state once (O(N + E)); every replication after
    that touches only what its cascade reaches.

    Parameters
    ----------
    network, agents, dynamics, schedule
        The model's inputs (see :mod:`sim.config`).
    steps : int
        Days per replication.
    topic : str, optional
        The campaign topic (the population's first topic when omitted).
    sponsored_weight : float
        Weight of the seeds' scheduled posts (1 = as credible as organic word of mouth).
    """

    def __init__(
        self,
        network: Network,
        agents: AgentArrays,
        dynamics: Dynamics,
        schedule: SeedSchedule,
        steps: int,
        *,
        topic: str | None = None,
        sponsored_weight: float = 1.0,
    ) -> None:
        if agents.n_agents != network.n_nodes:
            raise ValueError(
                f"population has {agents.n_agents} agents but the network has {network.n_nodes}"
            )
        if schedule.nodes.size and (schedule.nodes.max() >= network.n_nodes):
            raise ValueError("a seed is not an agent of the network")
        self.network = network
        self.agents = agents
        self.dynamics = dynamics
        self.schedule = schedule
        self.steps = int(steps)
        self.sponsored_weight = float(sponsored_weight)
        self.topic = agents.topic_index(topic)
        self._graph = kernel.Graph(network.indptr, network.indices, network.tie_values())
        self._agents = self._agent_arrays()
        self._params = self._param_tuple()
        self._schedule = kernel.Schedule(schedule.nodes, schedule.steps, schedule.origin)
        self.state = allocate_state(
            network.n_nodes, network.n_edges, self.steps, schedule.nodes.size
        )
        np.copyto(self.state.tie, self._graph.tie0)
        self.state.agent["interest"] = self._agents.interest
        self.n_communities = max(network.n_communities, 1)
        self._stack: kernel.State | None = None

    def _agent_arrays(self) -> kernel.Agents:
        network, agents, c = self.network, self.agents, self.topic
        expertise = np.ascontiguousarray(agents.expertise[:, c])
        interest = np.ascontiguousarray(agents.interest[:, c])
        sources = network.edge_sources()
        incoming = np.bincount(
            network.indices,
            weights=network.tie_values() * expertise[sources],
            minlength=network.n_nodes,
        )
        norm = (incoming * interest).astype(ACCUM)
        community = (
            network.community if network.community is not None else np.zeros(network.n_nodes, NODE)
        )
        is_seed = np.zeros(network.n_nodes, dtype=np.bool_)
        is_seed[self.schedule.seeds] = True
        return kernel.Agents(
            expertise,
            interest,
            agents.threshold.astype(ACCUM),
            agents.min_sources.astype(np.int32),
            agents.activity.astype(VALUE),
            agents.attention.astype(VALUE),
            norm,
            community,
            is_seed,
        )

    def _param_tuple(self) -> kernel.Params:
        d = self.dynamics
        return kernel.Params(
            kernel.RULE_CODES[d.rule],
            self.steps,
            self.steps if d.active_steps is None else d.active_steps,
            0.0 if d.tie_half_life is None else 1.0 / d.tie_half_life,
            float(d.reinforcement),
            0.0 if d.memory_half_life is None else 1.0 / d.memory_half_life,
            float(d.external_p),
            float(d.bass_q),
            self.sponsored_weight,
            halving_table(d.tie_half_life, self.steps),
            halving_table(d.memory_half_life, self.steps),
        )

    def run(
        self, keys: np.ndarray, replications: np.ndarray | None = None, threads: int = 1
    ) -> RawRun:
        """Run one replication per key (uint64) and return the raw arrays.

        ``replications`` labels the rows (defaults to 0..R-1). With ``threads`` > 1 the
        replications are shared among threads, each with its own state; the numbers are the
        same as on one thread. On one thread the agents' final state of the last replication
        stays in :attr:`state` for inspection.
        """
        keys = np.ascontiguousarray(keys, dtype=KEY)
        n_reps = keys.size
        step_stats = np.zeros((n_reps, self.steps, kernel.N_STEP_STATS), dtype=COUNT)
        by_origin = np.zeros((n_reps, self.schedule.seeds.size + 1), dtype=COUNT)
        by_community = np.zeros((n_reps, self.n_communities), dtype=COUNT)
        arrays = (self._graph, self._agents, self._params, self._schedule)
        threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))
        if n_reps < 8 * threads:  # a thread pool does not pay for a handful of replications
            threads = 1
        if threads > 1:
            stack = self._thread_states(threads)
            previous = numba.get_num_threads()
            numba.set_num_threads(threads)
            try:
                with numba.parallel_chunksize(1):
                    kernel.run_batch_threads(
                        keys, *arrays, stack, step_stats, by_origin, by_community
                    )
            finally:
                numba.set_num_threads(previous)
        else:
            kernel.reset(self._graph, self._agents, self._params, self.state)
            kernel.run_batch(keys, *arrays, self.state, step_stats, by_origin, by_community, True)
        labels = np.arange(n_reps) if replications is None else np.asarray(replications)
        return RawRun(labels, step_stats, by_origin, by_community)

    def _thread_states(self, threads: int) -> kernel.State:
        """One fresh state per thread, allocated once and kept (every run leaves them reset)."""
        if self._stack is None or self._stack.flags.shape[0] != threads:
            network = self.network
            self._stack = allocate_state(
                network.n_nodes, network.n_edges, self.steps, self.schedule.nodes.size, threads
            )
            self._stack.tie[:] = self._graph.tie0
            self._stack.agent["interest"] = self._agents.interest
        return self._stack


def allocate_state(
    n_nodes: int, n_edges: int, steps: int, n_posts: int, threads: int | None = None
) -> kernel.State:
    """Fresh kernel state for a network of the given size (see ``kernel.State``); with
    ``threads``, one state per thread stacked along a leading axis."""
    lead = () if threads is None else (threads,)

    def filled(size, dtype, value=0):
        return np.full((*lead, size), value, dtype=dtype)

    agent = np.zeros((*lead, n_nodes), dtype=kernel.AGENT_RECORD)
    for name in ("adopt_time", "first_seen", "origin", "influence_time"):
        agent[name] = -1
    return kernel.State(
        agent=agent,
        flags=filled(n_nodes, np.uint8),
        has_posted=filled(n_nodes, np.bool_),
        candidate=filled(n_nodes, np.bool_),
        tie=filled(n_edges, VALUE),
        tie_time=filled(n_edges, STEP),
        edge_seen=filled(n_edges, np.bool_),
        adoption_order=filled(n_nodes, NODE),
        adopted_before=filled(steps + 1, EDGE),
        touched_list=filled(n_nodes, NODE),
        check_list=filled(n_nodes, NODE),
        candidate_list=filled(n_nodes, NODE),
        post_nodes=filled(n_nodes + n_posts, NODE),
        post_weight=filled(n_nodes + n_posts, VALUE),
        counters=filled(kernel.N_COUNTERS, np.int64),
    )


def halving_table(half_life: float | None, steps: int) -> np.ndarray:
    """``2 ** (-d / half_life)`` for d = 0..steps (all ones without a half-life), float64."""
    days = np.arange(steps + 1, dtype=np.float64)
    return np.ones(steps + 1) if half_life is None else np.exp2(-days / half_life)
