"""The engine: a checked boundary in front of the diffusion kernel.

:class:`Simulation` turns a network, a population, parameters and a seed schedule into kernel
arrays, checks them (shapes, dtypes, ranges, seed ids, schedule order) so that no kernel ever
sees an array it would read out of bounds, and then either runs whole replications
(:meth:`Simulation.run`) or advances one replication a day at a time (:meth:`Simulation.start`,
:meth:`Simulation.step` and read-only views of the agents' state), for the teaching page. Both
paths call the same kernel day, so stepping gives exactly the numbers ``run`` gives.

No YAML and no pydantic here: the inputs are plain arrays and :class:`~sim.model.params.Params`.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from sim.dtypes import ACCUM, COUNT, KEY, NODE, VALUE
from sim.errors import InputError
from sim.kernels import batch
from sim.kernels import diffusion as kernel
from sim.model.checks import as_keys, check_inputs
from sim.model.params import Params
from sim.model.population import AgentArrays
from sim.model.schedule import SeedSchedule
from sim.model.state import allocate_state, halving_table
from sim.model.warmup import announce_compile
from sim.network import Network
from sim.network.well_mixed import WellMixed

STEP_STATS = kernel.STEP_STAT_NAMES
"""Columns of :attr:`RawRun.step_stats`, in order: the day's ``posts``, ``edges_touched``,
``exposures``, ``new_aware``, ``new_seed_adopters`` and ``new_adopters`` (seeds included)."""


@dataclass(frozen=True, eq=False)
class RawRun:
    """Kernel output for a batch of replications.

    replications : int64 (R,) the replication index of each row.
    step_stats : int64 (R, steps, len(STEP_STATS)) with columns :data:`STEP_STATS`.
    by_origin : int64 (R, G + 1) adoptions attributed to each seed (last column: no seed).
    by_community : int64 (R, C) adoptions per community.
    """

    replications: np.ndarray
    step_stats: np.ndarray
    by_origin: np.ndarray
    by_community: np.ndarray

    def stat(self, name: str) -> np.ndarray:
        """One column of ``step_stats``, shape (R, steps)."""
        return self.step_stats[:, :, STEP_STATS.index(name)]

    def final_adopters(self) -> np.ndarray:
        """Adopters at the end of each replication, seeds included, int64 (R,)."""
        return self.stat("new_adopters").sum(axis=1)


class Simulation:
    """One network, population, parameters and seed schedule, ready to run many replications.

    Building a Simulation checks every input and allocates the kernel state once (O(N + E));
    every replication after that touches only what its cascade reaches.

    Parameters
    ----------
    network : Network
    agents : AgentArrays
        One row per agent of ``network``.
    params : Params
        The rule and its time constants.
    schedule : SeedSchedule
        The seeds' posts; every seed must be an agent and every post day < ``steps``.
    steps : int
        Days per replication, >= 1.
    topic : str, optional
        The campaign topic (the population's first topic when omitted).
    sponsored_weight : float
        Weight of the seeds' scheduled posts, 0..1 (1 = as credible as organic word of mouth).

    Examples
    --------
    >>> import numpy as np
    >>> from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
    >>> from sim.network.generators import erdos_renyi
    >>> network = erdos_renyi(200, 3.0, rng=np.random.default_rng(1))
    >>> simulation = Simulation(network, textbook_agents(200), Params(rule="cascade"),
    ...                         SeedSchedule.build([0, 1]), steps=30)
    >>> raw = simulation.run(replication_keys(7, 5))
    >>> raw.step_stats.shape
    (5, 30, 6)
    >>> simulation.start(raw_key := replication_keys(7, [4])[0])
    >>> while simulation.day < 30:
    ...     _ = simulation.step()
    >>> int(simulation.adopted.sum()) == int(raw.final_adopters()[-1])
    True
    """

    def __new__(cls, network=None, *args, **kwargs):
        """A :class:`~sim.network.well_mixed.WellMixed` population runs on the well-mixed
        kernel (:class:`sim.model.well_mixed.WellMixedSimulation`)."""
        if cls is Simulation and isinstance(network, WellMixed):
            from sim.model.well_mixed import WellMixedSimulation

            cls = WellMixedSimulation
        return super().__new__(cls)

    def __init__(
        self,
        network: Network,
        agents: AgentArrays,
        params: Params,
        schedule: SeedSchedule,
        steps: int,
        *,
        topic: str | None = None,
        sponsored_weight: float = 1.0,
    ) -> None:
        check_inputs(network, agents, params, schedule, steps, sponsored_weight)
        self.network = network
        self.agents = agents
        self.params = params
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
        self._textbook = _is_textbook_cascade(self._params, self._agents)
        self._stack: kernel.State | None = None
        self._states: list[kernel.State] = []
        self._day: int | None = None  # the next day step() runs; None before start()
        self._key = KEY(0)
        self._stepped: RawRun | None = None

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
            instigators(self.params.rule, agents.threshold, is_seed),
        )

    def _param_tuple(self) -> kernel.Params:
        p = self.params
        return kernel.Params(
            kernel.RULE_CODES[p.rule],
            self.steps,
            self.steps if p.active_steps is None else min(p.active_steps, self.steps),
            0.0 if p.tie_half_life is None else 1.0 / p.tie_half_life,
            float(p.reinforcement),
            0.0 if p.memory_half_life is None else 1.0 / p.memory_half_life,
            float(p.external_p),
            float(p.bass_q),
            self.sponsored_weight,
            halving_table(p.tie_half_life, self.steps),
            halving_table(p.memory_half_life, self.steps),
        )

    # ------------------------------------------------------------------ whole replications
    def run(
        self, keys: np.ndarray, replications: np.ndarray | None = None, threads: int = 1
    ) -> RawRun:
        """Run one replication per key (uint64) and return the raw arrays.

        ``replications`` labels the rows (defaults to 0..R-1). With ``threads`` > 1 the
        replications are shared among threads, each with its own state; the numbers are the
        same as on one thread. On one thread the agents' final state of the last replication
        stays in :attr:`state` for inspection (and the views below show it).
        """
        keys = as_keys(keys)
        n_reps = keys.size
        labels = np.arange(n_reps) if replications is None else np.asarray(replications)
        if labels.shape != (n_reps,):
            raise InputError(f"replications: need one label per key ({n_reps}), got {labels.shape}")
        step_stats = np.zeros((n_reps, self.steps, kernel.N_STEP_STATS), dtype=COUNT)
        by_origin = np.zeros((n_reps, self.schedule.seeds.size + 1), dtype=COUNT)
        by_community = np.zeros((n_reps, self.n_communities), dtype=COUNT)
        if isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 1:
            raise InputError(f"threads: must be an integer >= 1, got {threads!r}")
        threads = min(int(threads), numba.config.NUMBA_NUM_THREADS)
        if n_reps < 8 * threads:  # a thread pool does not pay for a handful of replications
            threads = 1
        out = (step_stats, by_origin, by_community)
        if threads == 1:
            self._run_one_thread(keys, out, 0, n_reps, self.state, keep_last=True)
            self._day = self.steps if n_reps else None
            self._stepped = None
            return RawRun(labels.astype(np.int64), step_stats, by_origin, by_community)
        states = self._thread_states(threads)
        # Measure the work: a few replications on this thread first. When the rest would take
        # less than starting threads costs, finish on this thread, so more threads are never
        # slower (the numbers do not depend on it). Either way every state is left reset.
        done = 2 * threads
        seconds = self._run_one_thread(keys, out, 0, done, states[0], keep_last=False)
        per_replication = seconds / done
        if per_replication * (n_reps - done) < PARALLEL_MIN_SECONDS:
            self._run_one_thread(keys, out, done, n_reps, states[0], keep_last=False)
        else:
            bounds = done + _blocks(n_reps - done, threads, per_replication)
            self._run_threads(keys, out, bounds, states)
        return RawRun(labels.astype(np.int64), step_stats, by_origin, by_community)

    def _run_one_thread(self, keys, out, lo: int, hi: int, state, *, keep_last: bool) -> float:
        """Replications ``lo .. hi - 1`` on this thread with ``state`` (reset first); the
        seconds taken."""
        start = time.perf_counter()
        self._reset_state(state)
        self._run_block(keys[lo:hi], state, [array[lo:hi] for array in out], keep_last)
        return time.perf_counter() - start

    def _reset_state(self, state) -> None:
        kernel.reset(self._graph, self._agents, self._params, state)

    def _run_block(self, keys, state, out, keep_last: bool) -> None:
        """The kernel call of every driver: replications ``keys`` into the rows ``out``."""
        announce_compile(batch.run_batch)
        batch.run_batch(
            keys,
            self._graph,
            self._agents,
            self._params,
            self._schedule,
            state,
            *out,
            keep_last,
            self._textbook,
        )

    def _run_threads(self, keys, out, bounds: np.ndarray, states: list) -> None:
        """Blocks ``bounds[b] .. bounds[b + 1] - 1`` of replications handed out one at a time
        to this thread and one worker thread per further state; the kernel releases the GIL,
        so they run at once."""
        blocks = iter(range(bounds.size - 1))
        lock = threading.Lock()

        def work(state) -> None:
            while True:
                with lock:
                    b = next(blocks, None)
                if b is None:
                    return
                lo, hi = int(bounds[b]), int(bounds[b + 1])
                self._run_block(keys[lo:hi], state, [array[lo:hi] for array in out], False)

        for state in states:
            self._reset_state(state)
        helpers = [_pool(len(states) - 1).submit(work, state) for state in states[1:]]
        work(states[0])
        for helper in helpers:
            helper.result()

    def _thread_states(self, threads: int) -> list[kernel.State]:
        """One fresh state per thread (views into one stacked allocation), allocated once and
        kept (every run leaves them reset)."""
        if self._stack is None or self._stack.flags.shape[0] != threads:
            self._stack = self._allocate(threads)
            self._states = [
                type(self._stack)(*(field[k] for field in self._stack)) for k in range(threads)
            ]
        return self._states

    def _allocate(self, threads: int | None) -> kernel.State:
        """Fresh kernel state (with ``threads``, one per thread stacked on a leading axis)."""
        network = self.network
        state = allocate_state(
            network.n_nodes, network.n_edges, self.steps, self.schedule.nodes.size, threads
        )
        state.tie[...] = self._graph.tie0
        state.agent["interest"] = self._agents.interest
        return state

    # ------------------------------------------------------------------ one day at a time
    def start(self, key: int | np.integer) -> None:
        """Begin one replication with ``key`` (a uint64 replication key); nothing has happened
        yet (:attr:`day` is 0)."""
        self._key = as_keys([key])[0]
        self._reset_state(self.state)
        self._stepped = RawRun(
            np.zeros(1, dtype=np.int64),
            np.zeros((1, self.steps, kernel.N_STEP_STATS), dtype=COUNT),
            np.zeros((1, self.schedule.seeds.size + 1), dtype=COUNT),
            np.zeros((1, self.n_communities), dtype=COUNT),
        )
        self._day = 0

    def step(self) -> int:
        """Run the next day (post, expose, decay, adopt, record) and return its index."""
        if self._day is None or self._stepped is None:
            raise InputError("call start(key) before step()")
        if self._day >= self.steps:
            raise InputError(f"the replication is over: all {self.steps} days have run")
        t = self._day
        self._run_day(t, self._stepped)
        self._day = t + 1
        return t

    def _run_day(self, t: int, raw: RawRun) -> None:
        announce_compile(batch.run_day)
        batch.run_day(
            t,
            self._key,
            self._graph,
            self._agents,
            self._params,
            self._schedule,
            self.state,
            raw.step_stats[0, t],
            raw.by_origin[0],
            raw.by_community[0],
        )

    @property
    def day(self) -> int:
        """Days run so far in the current replication (0 after :meth:`start`)."""
        if self._day is None:
            raise InputError("no replication has started: call start(key) or run(keys)")
        return self._day

    @property
    def record(self) -> RawRun:
        """The stepped replication's arrays so far (rows of days not yet run are zero)."""
        if self._stepped is None:
            raise InputError("no stepped replication: call start(key)")
        return _read_only(self._stepped)

    # views of the current state (read-only; valid after start/step or a one-thread run)
    @property
    def adopted(self) -> np.ndarray:
        """bool (N,): has adopted."""
        return _frozen(self._field("adopt_time") >= 0)

    @property
    def aware(self) -> np.ndarray:
        """bool (N,): has seen at least one post (adopters included)."""
        return _frozen(self._field("first_seen") >= 0)

    @property
    def adopt_time(self) -> np.ndarray:
        """int32 (N,): day of adoption, -1 for none."""
        return self._field("adopt_time")

    @property
    def first_seen(self) -> np.ndarray:
        """int32 (N,): day of the first exposure, -1 for none."""
        return self._field("first_seen")

    @property
    def origin(self) -> np.ndarray:
        """int32 (N,): the seed (an index into ``schedule.seeds``) whose cascade reached the
        agent first, -1 for none."""
        return self._field("origin")

    @property
    def n_sources(self) -> np.ndarray:
        """int32 (N,): distinct accounts seen so far (``threshold`` and ``fractional``)."""
        return self._field("n_sources")

    @property
    def posted(self) -> np.ndarray:
        """bool (N,): has posted at least once in this replication."""
        self.day  # noqa: B018 - raises before any replication
        return _frozen(np.asarray(self.state.has_posted, dtype=bool).copy())

    def reached(self, agent: int) -> tuple[np.ndarray, np.ndarray]:
        """``(followees, reached)`` of one agent: the accounts it follows, and whether a post
        of each has got through to it so far (with full attention every post does)."""
        followees, edges = self._edges(agent, incoming=True)
        posted = np.asarray(self.state.has_posted, dtype=bool)[followees]
        seen = np.asarray(self.state.edge_seen, dtype=bool)[edges]
        full = self.agents.attention[followees] >= 1.0
        return _frozen(followees), _frozen(posted & (seen | full))

    @property
    def influence(self) -> np.ndarray:
        """float64 (N,): accumulated influence as of today, faded by the memory half-life."""
        self.day  # noqa: B018 - raises before any replication
        record = self.state.agent
        value = record["influence"].astype(ACCUM)
        when = record["influence_time"]
        if self.params.memory_half_life is not None:
            since = np.clip(self._today() - when, 0, self.steps)
            value = np.where(when >= 0, value * self._params.memory_decay[since], value)
        return _frozen(value)

    def ties(self, agent: int, *, incoming: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(neighbours, tie strengths today)`` of one agent's edges: its followers, or with
        ``incoming`` the accounts it follows. Strengths include decay and reinforcement so far;
        trust on the campaign topic is ``tie * expertise[source] * interest[follower]``."""
        neighbours, edges = self._edges(agent, incoming=incoming)
        p = self.params
        if p.tie_half_life is None and p.reinforcement == 0.0:
            values = self._graph.tie0[edges].astype(VALUE)
        else:
            values = self.state.tie[edges].astype(np.float64)
            if p.tie_half_life is not None:
                since = np.clip(self._today() - self.state.tie_time[edges], 0, self.steps)
                values = values * self._params.tie_decay[since]
            values = values.astype(VALUE)
        return _frozen(neighbours), _frozen(values)

    def _edges(self, agent, *, incoming: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(neighbours int32, edge ids)`` of one checked agent id: its followers' edges, or
        with ``incoming`` the edges from the accounts it follows."""
        self.day  # noqa: B018 - raises before any replication
        n = self.network.n_nodes
        if isinstance(agent, bool) or not isinstance(agent, int | np.integer) or not 0 <= agent < n:
            raise InputError(f"agent: must be an agent id in 0..{n - 1}, got {agent!r}")
        if incoming:
            indptr, sources, edge_ids = self.network.reverse_index()
            edges = edge_ids[indptr[agent] : indptr[agent + 1]]
            neighbours = sources[indptr[agent] : indptr[agent + 1]]
        else:
            edges = np.arange(self.network.indptr[agent], self.network.indptr[agent + 1])
            neighbours = self.network.indices[edges]
        return np.asarray(neighbours, dtype=NODE), edges

    def _today(self) -> int:
        """The day the views refer to: the last day run (0 before any)."""
        return max(self.day - 1, 0)

    def _field(self, name: str) -> np.ndarray:
        self.day  # noqa: B018
        return _frozen(self.state.agent[name].copy())


# ---------------------------------------------------------------------------- compiling
PARALLEL_MIN_SECONDS = 1e-3
"""Below this much single-thread work, starting the other threads costs more than it saves."""

BLOCK_SECONDS = 3e-4
"""Least estimated work per block of replications handed to a thread."""


# ---------------------------------------------------------------------------- checks
def instigators(rule: str, threshold: np.ndarray, is_seed: np.ndarray) -> np.ndarray:
    """Granovetter's instigators: under ``threshold`` and ``fractional``, the agents whose
    threshold is <= 0 adopt at the start of day 0 whatever they see (seeds excepted: they adopt
    when their first post is scheduled, so that the adoption is attributed to them). Sorted
    int32 ids; empty for the other rules."""
    if rule not in ("threshold", "fractional"):
        return np.empty(0, dtype=NODE)
    return np.flatnonzero((threshold <= 0) & ~is_seed).astype(NODE)


def _is_textbook_cascade(params: kernel.Params, agents: kernel.Agents) -> bool:
    """True when the ``cascade`` rule reduces to textbook independent cascade, so the frontier
    path :mod:`sim.kernels.cascade` gives the general kernel's numbers: certain posting and
    attention, one posting day, ties that neither decay nor grow, no external influence."""
    return bool(
        params.rule == kernel.CASCADE
        and params.active_steps == 1
        and params.inv_tie_half_life == 0.0
        and params.reinforcement == 0.0
        and params.external_p == 0.0
        and (agents.activity >= 1.0).all()
        and (agents.attention >= 1.0).all()
    )


_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    """One pool of worker threads per thread count, started on first use and kept."""
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="sim-replications")
    return _pools[threads]


def _blocks(n_reps: int, threads: int, per_replication: float) -> np.ndarray:
    """Block bounds for the threaded driver (int64 (B + 1,)): blocks of at least
    ``BLOCK_SECONDS`` of estimated work, so handing one out costs little beside it, and at
    most 16 per thread, so a few large cascades do not leave a thread idle."""
    per_block = max(4, math.ceil(BLOCK_SECONDS / max(per_replication, 1e-9)))
    n_blocks = int(np.clip(n_reps // per_block, threads, 16 * threads))
    return np.linspace(0, n_reps, min(n_blocks, n_reps) + 1).astype(np.int64)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _read_only(raw: RawRun) -> RawRun:
    return RawRun(
        *(
            _frozen(getattr(raw, name).view())
            for name in ("replications", "step_stats", "by_origin", "by_community")
        )
    )
