"""The engine on a well-mixed population: :class:`Simulation` over :mod:`sim.kernels.well_mixed`.

``Simulation(WellMixed(n), ...)`` builds a :class:`WellMixedSimulation`: the same checks, runs,
threads, stepping and views as on a stored network, with O(N) memory and the numbers the general
kernel gives on ``complete(n)``. Settings that are not mean-field (the ``cascade`` rule, partial
attention, decaying or reinforced ties) are refused in one line (:func:`refusal`), here for
Python callers and in :mod:`sim.config.rules` for scenarios.
"""

from __future__ import annotations

import numpy as np

from sim.dtypes import ACCUM, EDGE, NODE, VALUE
from sim.errors import InputError
from sim.kernels import well_mixed as kernel
from sim.kernels.diffusion import AGENT_RECORD, Schedule
from sim.model.engine import RawRun, Simulation
from sim.model.kernel_inputs import instigators
from sim.model.params import Params
from sim.model.population import AgentArrays
from sim.model.schedule import SeedSchedule
from sim.model.warmup import announce_compile
from sim.network.well_mixed import WellMixed

RULES = ("threshold", "fractional", "bass")
"""The rules a well-mixed population runs (``cascade`` needs one chance per edge)."""


def refusal(params: Params) -> tuple[str, str] | None:
    """``(key, message)`` for the first dynamics setting a well-mixed population cannot run,
    None when it can run them all."""
    if params.rule not in RULES:
        return "rule", (
            f"{params.rule!r} cannot run on a well-mixed population (it needs one chance per "
            f"edge); allowed: {', '.join(RULES)}"
        )
    if params.tie_half_life is not None:
        return "tie_half_life", (
            f"a well-mixed population has one constant tie, got {params.tie_half_life!r}; "
            "allowed: null (no tie decay)"
        )
    if params.timed:
        return "delays", (
            "a well-mixed population runs without posting or viewing delays (every post "
            "reaches everyone on its step); allowed: null"
        )
    if params.reinforcement != 0.0:
        return "reinforcement", (
            f"a well-mixed population has one constant tie, got {params.reinforcement!r}; "
            "allowed: 0"
        )
    return None


def attention_refusal(attention: np.ndarray) -> str | None:
    """The message when some agent's attention is below 1 (every post reaches everyone)."""
    below = np.flatnonzero(np.asarray(attention) < 1.0)
    if not below.size:
        return None
    j = int(below[0])
    return (
        f"a well-mixed population needs full attention (1 for every agent), got "
        f"{float(attention[j]):g} for agent {j} ({below.size:,} agents below 1)"
    )


class WellMixedSimulation(Simulation):
    """:class:`~sim.model.engine.Simulation` on a :class:`~sim.network.well_mixed.WellMixed`
    population (built by ``Simulation(WellMixed(n), ...)``).

    Building costs O(N); a day costs O(posts + N). ``ties(agent)`` and ``reached(agent)`` have
    no edges to show and raise :class:`~sim.errors.InputError`.

    Examples
    --------
    >>> from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
    >>> from sim.network.well_mixed import WellMixed
    >>> simulation = Simulation(WellMixed(10_000), textbook_agents(10_000),
    ...                         Params(rule="bass", external_p=0.01, bass_q=0.4),
    ...                         SeedSchedule.build([]), steps=30)
    >>> type(simulation).__name__
    'WellMixedSimulation'
    >>> raw = simulation.run(replication_keys(3, 4))
    >>> bool((raw.final_adopters() > 9_000).all())
    True
    """

    def __init__(
        self,
        network: WellMixed,
        agents: AgentArrays,
        params: Params,
        schedule: SeedSchedule,
        steps: int,
        *,
        topic: str | None = None,
        sponsored_weight: float = 1.0,
    ) -> None:
        self._take_inputs(network, agents, params, schedule, steps, topic, sponsored_weight)
        refused = refusal(params)
        if refused is not None:
            raise InputError(f"{refused[0]}: {refused[1]}")
        message = attention_refusal(agents.attention)
        if message is not None:
            raise InputError(f"attention: {message}")
        self._mixed = self._mixed_arrays()
        self._params = self._param_tuple()
        self._schedule = Schedule(schedule.nodes, schedule.steps, schedule.origin)
        self.state = self._allocate(None)
        self.n_communities = max(network.n_communities, 1)
        self._textbook = False
        self._counts_only = False
        self._no_replication_yet()

    def _mixed_arrays(self) -> kernel.Mixed:
        network, agents, c = self.network, self.agents, self.topic
        tie = VALUE(network.tie)
        expertise = np.ascontiguousarray(agents.expertise[:, c])
        interest = np.ascontiguousarray(agents.interest[:, c])
        # the trust j places in everyone else: interest[j] * (all trust given - its own share)
        given = (tie * expertise).astype(ACCUM)
        norm = (interest * (given.sum() - given)).astype(ACCUM)
        n = network.n_nodes
        community = network.community if network.community is not None else np.zeros(n, NODE)
        is_seed = np.zeros(n, dtype=np.bool_)
        is_seed[self.schedule.seeds] = True
        return kernel.Mixed(
            tie,
            expertise,
            interest,
            agents.threshold.astype(ACCUM),
            agents.min_sources.astype(np.int32),
            agents.activity.astype(VALUE),
            norm,
            np.ascontiguousarray(community, dtype=NODE),
            is_seed,
            instigators(self.params.rule, agents.threshold, is_seed),
        )

    def _changing_ties(self) -> bool:
        return False  # one constant tie between everyone

    # ------------------------------------------------------------------ kernel calls
    def _allocate(self, threads: int | None) -> kernel.MixedState:
        lead = () if threads is None else (threads,)
        n = self.network.n_nodes
        agent = np.zeros((*lead, n), dtype=AGENT_RECORD)
        for name in ("adopt_time", "first_seen", "origin", "influence_time"):
            agent[name] = -1
        agent["interest"] = self._mixed.interest
        counters = np.zeros((*lead, kernel.N_COUNTERS), dtype=np.int64)
        counters[..., kernel.FIELD_TIME] = -1
        return kernel.MixedState(
            agent=agent,
            flags=np.zeros((*lead, n), dtype=np.uint8),
            has_posted=np.zeros((*lead, n), dtype=np.bool_),
            adoption_order=np.zeros((*lead, n), dtype=NODE),
            slot_flags=np.zeros((*lead, n), dtype=np.uint8),
            slot_activity=np.zeros((*lead, n), dtype=VALUE),
            slot_trust=np.zeros((*lead, n), dtype=VALUE),
            slot_origin=np.zeros((*lead, n), dtype=NODE),
            adopted_before=np.zeros((*lead, self.steps + 1), dtype=EDGE),
            counters=counters,
            field=np.zeros((*lead, 1), dtype=ACCUM),
        )

    def _reset_state(self, state) -> None:
        kernel.reset(state)

    def _run_block(self, keys, state, out, keep_last: bool, params=None):
        announce_compile(kernel.run_batch)
        kernel.run_batch(keys, self._mixed, self._params, self._schedule, state, *out, keep_last)
        return state

    def _run_day(self, t: int, raw: RawRun) -> None:
        announce_compile(kernel.run_day)
        kernel.run_day(
            t,
            self._key,
            self._mixed,
            self._params,
            self._schedule,
            self.state,
            raw.step_stats[0, t],
            raw.by_origin[0],
            raw.by_community[0],
        )

    def trace(self, key):
        """Not available: a well-mixed population has no edges to trace parents along."""
        raise InputError(
            "trace: a well-mixed population has no edges, so an adoption has no parent; use "
            "run(keys) and the views (adopt_time, origin)"
        )

    # ------------------------------------------------------------------ views without edges
    def reached(self, agent: int) -> tuple[np.ndarray, np.ndarray]:
        """Not available: a well-mixed population stores no edges."""
        raise InputError(
            "reached: a well-mixed population stores no edges (every post reaches everyone); "
            "use posted, aware or first_seen"
        )

    def ties(self, agent: int, *, incoming: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Not available: a well-mixed population stores no edges."""
        raise InputError(
            f"ties: a well-mixed population stores no edges; every tie is network.tie "
            f"({self.network.tie:g})"
        )
