"""The one streaming runner: every strategy's replications as a stream of result chunks.

:func:`stream` yields :class:`Chunk` objects, one per kernel call, in a fixed order (strategy by
strategy, replications ascending). Every consumer reads the same stream: the in-memory
:class:`~sim.analysis.results.Results`, comparisons and price sweeps, and the batch writers,
executors and optimisers built on them. Nothing is kept here: a consumer holds what it needs.

Every strategy of one setup runs on the same replication keys (common random numbers), and
replication ``r`` gets the same key whatever chunk, batch, thread or worker runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sim.campaign.strategies import Plan
from sim.errors import InputError
from sim.model import streams
from sim.model.engine import RawRun
from sim.runner.prepare import Setup
from sim.version import __version__

CHUNK = 256
"""Replications per kernel call: small enough for a live progress bar, large enough that the
Python overhead between calls does not show and that threads share the work evenly."""


@dataclass(frozen=True, eq=False)
class Chunk:
    """The raw arrays of one kernel call.

    point : index of the design point the chunk belongs to (0 for a single scenario).
    strategy : the strategy's name. replications : the replication indices it ran.
    plan : the strategy's concrete plan (seeds, spend). raw : the kernel's arrays.
    """

    point: int
    strategy: str
    replications: range
    plan: Plan
    raw: RawRun

    @property
    def seed_labels(self) -> np.ndarray:
        """The seeds' ids as the user knows them (file labels for loaded networks), int64."""
        seeds = self.plan.schedule.seeds.astype(np.int64)
        labels = self.plan.network.labels
        return seeds if labels is None else labels[seeds]


def replication_range(replications: int | range | None, default: int) -> range:
    """The replication indices to run: ``range(n)`` for a count, a range as given."""
    value = default if replications is None else replications
    if isinstance(value, range):
        if len(value) == 0 or value.start < 0 or value.step < 1:
            raise InputError(f"replications: need a non-empty ascending range >= 0, got {value}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"replications: must be an integer >= 1 or a range, got {value!r}")
    return range(int(value))


def stream(
    setup: Setup,
    replications: int | range | None = None,
    *,
    plans: Sequence[Plan] | None = None,
    point: int = 0,
    threads: int | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Chunk]:
    """Run every plan (default: every strategy of ``setup``, planned as reached) over the
    replications, yielding one :class:`Chunk` per kernel call.

    ``threads`` share each chunk's replications (default: every core numba may use); the
    numbers do not depend on it. ``progress`` is called with the replications each chunk ran.
    """
    indices = replication_range(replications, setup.replications)
    threads = default_threads() if threads is None else threads
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError(f"chunk_size: must be an integer >= 1, got {chunk_size!r}")
    strategies = [p.strategy for p in plans] if plans is not None else list(setup.strategies)
    if setup.varies(strategies):
        yield from _ensemble(setup, indices, strategies, plans, point, threads, progress)
        return
    todo = plans if plans is not None else (setup.plan(s) for s in setup.strategies)
    for plan in todo:
        simulation = setup.simulation(plan)
        for start in range(0, len(indices), chunk_size):
            chunk = indices[start : start + chunk_size]
            keys = streams.replication_keys(setup.seed, chunk)
            raw = simulation.run(keys, np.asarray(chunk), threads=threads)
            yield Chunk(point, plan.strategy.name, chunk, plan, raw)
            if progress is not None:
                progress(len(chunk))


def _ensemble(setup, indices, strategies, plans, point, threads, progress) -> Iterator[Chunk]:
    """Replication by replication: each draws its own world (network, population) where the
    scenario resamples them, and its own seeds where a strategy redraws them; the strategies
    of one replication share that world and its kernel key (common random numbers)."""
    fixed = {p.strategy.name: p for p in plans} if plans is not None else {}
    for r in indices:
        world = setup.world(r)
        key = streams.replication_keys(setup.seed, [r])
        for strategy in strategies:
            if world is setup and not setup.redraws(strategy):  # the same plan every time
                if strategy.name not in fixed:
                    fixed[strategy.name] = setup.plan(strategy)
                plan = fixed[strategy.name]
            else:
                plan = world.plan(strategy, replication=r)
            raw = world.simulation(plan).run(key, np.asarray([r]), threads=1)
            yield Chunk(point, strategy.name, range(r, r + 1), plan, raw)
        if progress is not None:
            progress(len(strategies))


def default_threads() -> int:
    """Threads for replications: numba's thread count (all cores unless NUMBA_NUM_THREADS)."""
    import numba

    return int(numba.get_num_threads())


def run_meta(setup: Setup, replications: range) -> dict:
    """What produced a run, recorded beside its tables: version, seed, sizes, the scenario."""
    campaign = setup.campaign
    return {
        "version": __version__,
        "seed": setup.seed,
        "replications": len(replications),
        "steps": setup.steps,
        "step_hours": setup.params.step_hours,
        "rule": setup.params.rule,
        "topic": setup.topic,
        "network": setup.network.summary(),
        "currency": campaign.currency if campaign else None,
        "budget": campaign.budget if campaign else None,
        "notes": setup.notes(),
        "scenario": setup.scenario.model_dump(mode="json") if setup.scenario else None,
    }
