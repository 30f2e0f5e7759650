"""What one task computes, on whichever worker runs it.

A task is a chunk of replications of one strategy at one point (:class:`~sim.batch.store.Task`).
A worker keeps the realised setup (network, population, plans) of the last points it ran, so a
point's network is built once per worker, not once per task. Replication ``r`` of point ``p``
draws from the point scenario's own replication key ``r``, so the numbers are the same whatever
the worker, the executor or the task boundaries. A replication that raises is isolated and
reported; the task's other replications are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.results import Results
from sim.batch.store import TABLES, Task
from sim.campaign.strategies import Plan
from sim.config.schema import Scenario
from sim.errors import InputError
from sim.model import streams
from sim.runner.prepare import Setup, prepare
from sim.runner.stream import Chunk, run_meta, stream

_CACHED_POINTS = 2
"""Realised points a worker keeps: the tasks of a point are handed out together, so two
suffice for the overlap between consecutive points, and memory stays bounded."""


@dataclass(frozen=True, eq=False)
class BatchSpec:
    """What every worker needs, sent once per worker: each point's scenario and the strategy
    names (tasks refer to them by index)."""

    hash: str
    points: tuple[Scenario, ...]
    strategies: tuple[str, ...]


@dataclass
class TaskResult:
    """A finished task: its tables (with a ``point`` column), the plan's row, failures."""

    task: Task
    tables: dict[str, pd.DataFrame]
    plan: pd.DataFrame
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0


_SETUPS: OrderedDict = OrderedDict()


def run_task(spec: BatchSpec, task: Task, threads: int = 1) -> TaskResult:
    """Run one task's replications and return its tables (runs on any worker)."""
    started = time.perf_counter()
    setup, prepared = _realised(spec, task.point)
    name = spec.strategies[task.strategy]
    if name not in prepared:  # the plan and its engine state, built once per point and worker
        plan = setup.plan(setup.strategy(name))
        simulation = None if setup.varies([plan.strategy]) else setup.simulation(plan)
        prepared[name] = (plan, simulation)
    plan, simulation = prepared[name]
    indices = range(task.start, task.stop)
    failures: list[dict] = []
    try:
        results = _collect(setup, plan, indices, threads, simulation)
    except InputError:
        raise  # a plan or input problem: the same for every replication, reported once
    except Exception:  # isolate the replication(s) that raise, keep the others
        parts = []
        for r in indices:
            try:
                parts.append(_collect(setup, plan, range(r, r + 1), threads, simulation))
            except Exception as error:
                key = int(streams.replication_keys(setup.seed, [r])[0])
                failures.append({"replication": r, "key": key, "error": repr(error)})
        results = Results.concat(parts) if parts else None
    tables = {}
    for table in TABLES:
        frame = getattr(results, table) if results is not None else pd.DataFrame()
        frame = frame.copy()
        frame.insert(0, "point", task.point)
        frame["strategy"] = frame["strategy"].astype(str) if len(frame) else frame.get("strategy")
        tables[table] = frame
    plan_row = results.strategies.copy() if results is not None else pd.DataFrame()
    if len(plan_row):
        plan_row.insert(0, "point", task.point)
    return TaskResult(task, tables, plan_row, failures, time.perf_counter() - started)


def _collect(setup: Setup, plan: Plan, indices: range, threads: int, simulation=None) -> Results:
    """The task's tables: through the worker's cached engine state when the plan is the same
    in every replication, else through the stream (ensembles draw a world per replication)."""
    if simulation is None:
        chunks = stream(setup, indices, plans=[plan], threads=threads, chunk_size=len(indices))
    else:
        keys = streams.replication_keys(setup.seed, indices)
        raw = simulation.run(keys, np.asarray(indices), threads=threads)
        chunks = [Chunk(0, plan.strategy.name, indices, plan, raw)]
    return Results.from_stream(chunks, meta=run_meta(setup, indices))


def _realised(spec: BatchSpec, point: int) -> tuple[Setup, dict]:
    key = (spec.hash, point)
    if key in _SETUPS:
        _SETUPS.move_to_end(key)
        return _SETUPS[key]
    setup = prepare(spec.points[point])
    _SETUPS[key] = (setup, {})
    while len(_SETUPS) > _CACHED_POINTS:
        _SETUPS.popitem(last=False)
    return _SETUPS[key]


def clear_cache() -> None:
    """Forget the realised points (tests, and a coordinator before it hands out work)."""
    _SETUPS.clear()
