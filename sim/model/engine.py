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

import threading
import time
from dataclasses import dataclass

import numpy as np

from sim.dtypes import ACCUM, COUNT, KEY, NODE, VALUE
from sim.errors import InputError
from sim.kernels import batch, cascade, threshold
from sim.kernels import diffusion as kernel
from sim.model import parallel
from sim.model.checks import as_keys, check_inputs
from sim.model.delays import kernel_delay
from sim.model.kernel_inputs import (
    adoption_cutoff,
    initial_queue,
    instigators,
    is_textbook_cascade,
    is_textbook_threshold,
    kernel_graph,
    uniform_values,
)
from sim.model.params import Params
from sim.model.population import AgentArrays
from sim.model.schedule import SeedSchedule
from sim.model.state import allocate_state, grow_queue, halving_table
from sim.model.trace import Trace, read_trace
from sim.model.views import Views, frozen
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


@dataclass(frozen=True, eq=False)
class Spread:
    """Final counts of a batch of replications (:meth:`Simulation.spread`), int64 (R,) each:
    the numbers :class:`RawRun` gives, without the day rows.

    adopters : adopters at the end, seeds included (:meth:`RawRun.final_adopters`).
    seed_adopters : seeds among them (``new_seed_adopters`` summed over the steps).
    last_step : adopters of the last step (non-zero: the horizon cut a cascade short).
    """

    adopters: np.ndarray
    seed_adopters: np.ndarray
    last_step: np.ndarray

    @property
    def organic(self) -> np.ndarray:
        """Adopters who were not seeds, int64 (R,)."""
        return self.adopters - self.seed_adopters

    @classmethod
    def of(cls, raw: RawRun) -> Spread:
        """The final counts of full kernel output."""
        new = raw.stat("new_adopters")
        return cls(new.sum(axis=1), raw.stat("new_seed_adopters").sum(axis=1), new[:, -1].copy())


class Simulation(Views):
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
        self._take_inputs(network, agents, params, schedule, steps, topic, sponsored_weight)
        self._graph = kernel_graph(network, params)
        self._agents = self._agent_arrays()
        self._params = self._param_tuple()
        self._schedule = kernel.Schedule(schedule.nodes, schedule.steps, schedule.origin)
        self._queue = initial_queue(network, params)
        self.state = allocate_state(
            network.n_nodes, network.n_edges, self.steps, schedule.nodes.size, queue=self._queue
        )
        np.copyto(self.state.tie, self._graph.tie0)
        self.state.agent["interest"] = self._agents.interest
        self.n_communities = max(network.n_communities, 1)
        self._textbook = is_textbook_cascade(self._params, self._agents)
        self._threshold_path = is_textbook_threshold(self._params, self._agents)
        self._counts_only = self._threshold_path or is_textbook_cascade(
            self._params, self._agents, counts_only=True
        )
        self._uniform = (
            uniform_values(self._graph.tie0, self._agents.expertise, self._agents.interest)
            if self._counts_only or self._textbook
            else None
        )
        self._cutoff = adoption_cutoff(self._params, self._agents) if self._threshold_path else None
        # distinct sources are counted only when some agent needs more than one
        many = self._agents.min_sources.max(initial=0) > 1
        self._min_sources = self._agents.min_sources if many else _NO_SOURCES
        self._no_replication_yet()

    def _take_inputs(self, network, agents, params, schedule, steps, topic, sponsored_weight):
        """Check the inputs (one line naming what is wrong) and keep them."""
        check_inputs(network, agents, params, schedule, steps, sponsored_weight)
        self.network = network
        self.agents = agents
        self.params = params
        self.schedule = schedule
        self.steps = int(steps)
        self.sponsored_weight = float(sponsored_weight)
        self.topic = agents.topic_index(topic)

    def _no_replication_yet(self) -> None:
        """No thread states and no stepped replication yet."""
        self._stack: kernel.State | None = None
        self._states: list[kernel.State] = []
        self._day: int | None = None  # the next day step() runs; None before start()
        self._key = KEY(0)
        self._stepped: RawRun | None = None
        self._spread: list[tuple[np.ndarray, np.ndarray]] = []

    def _agent_arrays(self) -> kernel.Agents:
        network, agents, c = self.network, self.agents, self.topic
        expertise = np.ascontiguousarray(agents.expertise[:, c])
        interest = np.ascontiguousarray(agents.interest[:, c])
        sources = network.edge_sources()
        incoming = np.bincount(
            network.indices,
            weights=self._graph.tie0 * expertise[sources],  # step-0 strengths (aged ties)
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
            float(p.step_hours),
            p.timed,
            False,
            kernel_delay(p.view_delay),
            kernel_delay(p.repost_delay),
            self._changing_ties(),
        )

    def _changing_ties(self) -> bool:
        """Do ties appear or expire during a run?"""
        return self._graph.appear.size > 0

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
        threads = parallel.thread_count(threads, n_reps)
        out = (step_stats, by_origin, by_community)
        if threads == 1:
            self._run_one_thread(keys, out, 0, n_reps, self.state, keep_last=True)
            self._day = self.steps if n_reps else None
            self._stepped = None
            return RawRun(labels.astype(np.int64), step_stats, by_origin, by_community)
        self._run_threads(keys, out, threads)
        return RawRun(labels.astype(np.int64), step_stats, by_origin, by_community)

    def spread(self, keys: np.ndarray, threads: int = 1) -> Spread:
        """The final counts of one replication per key (uint64): what :meth:`run` gives for
        the same keys, without the per-day rows, attribution or the agents' final state.

        Under textbook settings (certain posting and attention, fixed ties, no outside
        adoptions, no delays; any ``active_steps``) this runs a kernel that records nothing
        but who adopted: :func:`sim.kernels.cascade.run_spread` for the ``cascade`` rule
        (independent cascade), :func:`sim.kernels.threshold.run_threshold_spread` for
        ``threshold`` and ``fractional`` (with influence that does not fade: Centola–Macy and
        the linear threshold). It is several times faster than :meth:`run` on small cascades,
        the cost an influence estimate or an optimiser pays per call. Otherwise it is
        :meth:`run` reduced to its final counts.
        ``threads`` as in :meth:`run` (the numbers do not depend on it)."""
        if not self._counts_only:
            return Spread.of(self.run(keys, threads=threads))
        keys = as_keys(keys)
        threads = parallel.thread_count(threads, keys.size)
        counts = np.zeros((keys.size, 3), dtype=COUNT)
        scratch = self._spread_scratch(threads)[:threads]
        if threads == 1:
            self._spread_block(keys, scratch[0], counts)
        else:
            parallel.measured_share(
                keys.size,
                scratch,
                lambda lo, hi, own: self._spread_block(keys[lo:hi], own, counts[lo:hi]),
            )
        return Spread(counts[:, 0], counts[:, 1], counts[:, 2])

    def _spread_block(self, keys, scratch, counts) -> None:
        g, a, s = self._graph, self._agents, self._schedule
        if self._threshold_path:
            announce_compile(threshold.run_threshold_spread)
            p = self._params
            threshold.run_threshold_spread(
                keys.size, g.indptr, g.indices, g.tie0, a.expertise, a.interest, self._uniform,
                self._cutoff, self._min_sources,
                a.instigators, s.nodes, s.steps, self.steps, p.active_steps,
                p.rule == kernel.THRESHOLD, self.sponsored_weight, *scratch, counts,
            )  # fmt: skip
            return
        announce_compile(cascade.run_spread)
        cascade.run_spread(
            keys, g.indptr, g.indices, g.tie0, a.expertise, a.interest, self._uniform, s.nodes,
            s.steps, self.steps, self.sponsored_weight, *scratch, counts,
        )  # fmt: skip

    def _spread_scratch(self, threads: int) -> list[tuple[np.ndarray, ...]]:
        """Per-thread scratch of :meth:`spread`, allocated once and left by the kernel as it
        found it: flags with the seeds marked and the work lists (order; under the threshold
        rules also influence, distinct sources, the day's checks, the touched agents and the
        day bounds)."""
        while len(self._spread) < threads:
            n = self.network.n_nodes
            flags = np.zeros(n, np.uint8)
            if not self._threshold_path:
                flags[self.schedule.seeds] = cascade.SPREAD_SEED
                self._spread.append((flags, np.zeros(n + 1, NODE)))
                continue
            flags[self.schedule.seeds] = threshold.THRESHOLD_SEED
            self._spread.append((
                flags, np.zeros(n, ACCUM), np.zeros(self._min_sources.size, np.int32),
                np.zeros(n + 1, NODE), np.zeros(n + 1, NODE), np.zeros(n + 1, NODE),
                np.zeros(self.steps + 1, COUNT),
            ))  # fmt: skip
        return self._spread

    def _run_one_thread(self, keys, out, lo: int, hi: int, state, *, keep_last: bool) -> float:
        """Replications ``lo .. hi - 1`` on this thread with ``state`` (reset first); the
        seconds taken."""
        start = time.perf_counter()
        if not self._textbook:  # the textbook driver resets the state itself
            self._reset_state(state)
        grown = self._run_block(keys[lo:hi], state, [array[lo:hi] for array in out], keep_last)
        self._replace_state(state, grown)
        return time.perf_counter() - start

    def _reset_state(self, state) -> None:
        kernel.reset(self._graph, self._agents, self._params, state)

    def _run_block(self, keys, state, out, keep_last: bool, params=None) -> kernel.State:
        """The kernel call of every driver: replications ``keys`` into the rows ``out``, on the
        textbook IC path where the settings allow it, else the general kernel (always with
        other kernel ``params``). When delayed exposures overflow the state's queue, a state
        with four times the room runs again from that replication (the numbers depend only on
        the keys). Returns the state used last."""
        if self._textbook and params is None:
            return self._run_textbook(keys, state, out, keep_last)
        params = self._params if params is None else params
        announce_compile(batch.run_batch)
        lo = 0
        while True:
            done = batch.run_batch(
                keys[lo:], self._graph, self._agents, params, self._schedule, state,
                *(array[lo:] for array in out), keep_last,
            )  # fmt: skip
            lo += done
            if lo == keys.size:
                return state
            for array in out:
                array[lo] = 0
            kernel.reset(self._graph, self._agents, params, state)
            self._queue = max(4 * self._queue, 1024)
            state = grow_queue(state, self._queue)

    def _run_textbook(self, keys, state, out, keep_last: bool) -> kernel.State:
        """:func:`batch.run_textbook` (plain arrays: microseconds of dispatch, not tens)."""
        announce_compile(batch.run_textbook)
        g, a, s, p, st = self._graph, self._agents, self._schedule, self._params, state
        batch.run_textbook(
            keys, g.indptr, g.indices, g.tie0, a.expertise, a.interest, self._uniform, a.is_seed,
            a.community, s.nodes, s.steps, s.origin, p.steps, p.sponsored_weight, st.agent,
            st.flags, st.has_posted, st.candidate, st.hours, st.parent, st.adoption_order,
            st.touched_list, st.adopted_before, st.counters, st.origin_of, *out, keep_last,
        )  # fmt: skip
        return state

    def _replace_state(self, old: kernel.State, new: kernel.State) -> None:
        """Keep a grown state wherever the old one was kept."""
        if new is old:
            return
        if old is self.state:
            self.state = new
        self._states = [new if s is old else s for s in self._states]

    def _run_threads(self, keys, out, threads: int) -> None:
        """Replications shared among this thread and ``threads - 1`` worker threads, each with
        its own state (:func:`sim.model.parallel.measured_share`); every state is left reset."""
        states = self._thread_states(threads)
        lock = threading.Lock()
        holders = [[state] for state in states]  # a holder's state is replaced when it grows

        def work(lo: int, hi: int, holder: list) -> None:
            state = holder[0]
            grown = self._run_block(keys[lo:hi], state, [a[lo:hi] for a in out], False)
            if grown is not state:
                with lock:
                    self._replace_state(state, grown)
                holder[0] = grown

        for state in states:
            self._reset_state(state)
        parallel.measured_share(keys.size, holders, work)

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
            network.n_nodes,
            network.n_edges,
            self.steps,
            self.schedule.nodes.size,
            threads,
            queue=self._queue,
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
        day = (self._key, self._graph, self._agents, self._params, self._schedule)
        rows = (raw.step_stats[0], raw.by_origin[0], raw.by_community[0])
        batch.run_day(t, *day, self.state, rows[0][t], *rows[1:])
        if self.state.counters[kernel.OVERFLOW]:
            # delayed exposures overflowed the queue: run the days so far again with more room
            self._queue = max(4 * self._queue, 1024)
            self.state = grow_queue(self.state, self._queue)
            for row in rows:
                row[:] = 0
            kernel.reset(self._graph, self._agents, self._params, self.state)
            for d in range(t + 1):
                batch.run_day(d, *day, self.state, rows[0][d], *rows[1:])

    def trace(self, key: int | np.integer) -> Trace:
        """Run one whole replication with ``key`` on this thread and return its adoptions in
        order: who, whose exposure made them adopt (the parent: -1 for seeds, instigators and
        outside adoptions), the step and the time in hours. The numbers are those of
        :meth:`run` with the same key; afterwards the views show this replication."""
        out = [
            np.zeros((1, self.steps, kernel.N_STEP_STATS), dtype=COUNT),
            np.zeros((1, self.schedule.seeds.size + 1), dtype=COUNT),
            np.zeros((1, self.n_communities), dtype=COUNT),
        ]
        traced = self._params._replace(tracing=True)
        kernel.reset(self._graph, self._agents, traced, self.state)
        self.state = self._run_block(as_keys([key]), self.state, out, True, traced)
        self._day = self.steps
        self._stepped = None
        return read_trace(self.state, self.params, self.schedule.seeds)

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


_NO_SOURCES = np.empty(0, np.int32)  # run_threshold_spread: nobody needs two sources


def _read_only(raw: RawRun) -> RawRun:
    return RawRun(
        *(
            frozen(getattr(raw, name).view())
            for name in ("replications", "step_stats", "by_origin", "by_community")
        )
    )
