"""Run a sweep: points x strategies x replications, in tasks, into a resumable store.

:func:`run_sweep` expands the design, estimates each point's memory and refuses what would not
fit, opens (or resumes) the batch folder, warms the kernels in this process (which also times
one replication to size the tasks: at least ``TASK_SECONDS`` each, so scheduling overhead does
not show), hands the missing tasks to the executor, records each result as it arrives, and ends
with a summary table per point and strategy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.stats import mean_interval
from sim.batch.design import Point, expand
from sim.batch.executors import make_executor
from sim.batch.store import BatchStore, Task, header_for
from sim.batch.tasks import BatchSpec, clear_cache, run_task
from sim.config.gate import with_overrides
from sim.config.schema import Scenario, Sweep
from sim.errors import InputError
from sim.runner import resources

TASK_SECONDS = 1.0
"""Target length of one task: measured per-task overheads are 7 ms (threads) to 35 ms (local
processes), so a second keeps them near 1-3%, and a kill loses at most a second per worker."""
MAX_TASK = 4096
"""Most replications in one task: bounds a task's memory and what a kill can lose."""


@dataclass
class SweepOutcome:
    """A finished (or resumed) sweep: where it is, what it holds, what failed."""

    store: BatchStore
    points: list[Point]
    summary: pd.DataFrame
    ran: int
    skipped: int
    failures: list[dict]
    seconds: float


def run_sweep(
    scenario: Scenario,
    out: str | Path,
    *,
    sweep: Sweep | None = None,
    replications: int | None = None,
    executor: str = "threads",
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    task_size: int | None = None,
    max_memory: int | None = None,
    force: bool = False,
    progress: Callable[[str, str, int, int], None] | None = None,
) -> SweepOutcome:
    """Run (or resume) the sweep of ``scenario`` into the batch folder ``out``.

    ``progress`` is called with (kind, message, replications done, replications in all),
    ``kind`` being ``"start"`` (once, before the first task), ``"task"`` (each finished task)
    or ``"point"`` (when every strategy of a point is complete).
    """
    started = time.perf_counter()
    points = expand(scenario, sweep)
    if replications is not None:
        points = [
            Point(p.index, p.values, with_overrides(p.scenario, {"replications": replications}))
            for p in points
        ]
    strategies = [s.name for s in points[0].scenario.strategies]
    for point in points:
        names = [s.name for s in point.scenario.strategies]
        if names != strategies:
            raise InputError(
                f"sweep point {point.index}: strategies must be the same at every point"
            )
    reps = points[0].scenario.replications
    design = (
        sweep.model_dump(mode="json")
        if sweep is not None
        else (scenario.sweep.model_dump(mode="json") if scenario.sweep is not None else None)
    )
    largest = _check_memory(points, executor, workers, scheduler, dask_local, max_memory)
    store = BatchStore.open(out, header_for(points, strategies, reps, design), force=force)
    todo = _missing(store, points, strategies, reps)
    total = len(points) * len(strategies) * reps
    done = total - sum(t.stop - t.start for t in todo)
    skipped = done
    failures: list[dict] = []
    if todo:
        spec = BatchSpec(store.header["hash"], tuple(p.scenario for p in points), tuple(strategies))
        per_replication = _time_replication(spec, todo)
        size = task_size or _task_size(per_replication)
        tasks = _split(todo, size)
        pool = make_executor(executor, workers=workers, scheduler=scheduler, dask_local=dask_local)
        left = {p.index: 0 for p in points}
        for task in tasks:
            left[task.point] += task.stop - task.start
        if progress is not None:
            progress(
                "start",
                f"{len(points)} points x {len(strategies)} strategies x {reps:,} replications: "
                f"{len(tasks)} tasks of up to {size} on {pool.workers} {pool.name} worker(s)"
                + (f"; {skipped:,} replications already recorded" if skipped else "")
                + f"; estimated {resources.format_bytes(largest)} at the largest point"
                + (
                    f", about {_duration(per_replication * (total - done) / pool.workers)}"
                    if per_replication
                    else ""
                ),
                done,
                total,
            )
        refused: set[tuple[int, int]] = set()
        try:
            for outcome in pool.run(spec, tasks):
                task = outcome.task
                if isinstance(outcome.error, InputError):  # the plan itself: once per point
                    if (task.point, task.strategy) not in refused:
                        refused.add((task.point, task.strategy))
                        failures.append(store.record_failure(task, None, None, str(outcome.error)))
                    continue
                if outcome.error is not None:
                    failures.append(
                        store.record_failure(task, task.start, None, _one_line(outcome.error))
                    )
                    continue
                result = outcome.result
                for failure in result.failures:
                    failures.append(
                        store.record_failure(
                            task, failure["replication"], failure["key"], failure["error"]
                        )
                    )
                if result.failures:
                    continue  # retried on resume; the replications that worked are recomputed
                store.record(task, result.tables, result.plan)
                done += task.stop - task.start
                left[task.point] -= task.stop - task.start
                if progress is not None:
                    progress("task", f"point {task.point} {strategies[task.strategy]!r}", done,
                             total)  # fmt: skip
                    if left[task.point] == 0:
                        label = points[task.point].label
                        progress("point", f"point {task.point} done ({label})", done, total)
        finally:
            pool.close()
    summary = summarise_store(store, points, strategies)
    if len(summary):
        summary.to_csv(store.directory / "summary.csv", index=False)
    return SweepOutcome(
        store, points, summary, done - skipped, skipped, failures, time.perf_counter() - started
    )


def _missing(store: BatchStore, points, strategies, reps) -> list[Task]:
    """One task per contiguous run of replications not yet recorded, per point and strategy."""
    todo = []
    for point in points:
        for s in range(len(strategies)):
            have = store.done_replications(point.index, s)
            start = None
            for r in range(reps + 1):
                missing = r < reps and r not in have
                if missing and start is None:
                    start = r
                elif not missing and start is not None:
                    todo.append(Task(point.index, s, start, r))
                    start = None
    return todo


def _split(todo: list[Task], size: int) -> list[Task]:
    return [
        Task(t.point, t.strategy, a, min(a + size, t.stop))
        for t in todo
        for a in range(t.start, t.stop, size)
    ]


def _task_size(per_replication: float | None) -> int:
    """Replications per task for tasks of about TASK_SECONDS."""
    if per_replication is None:
        return MAX_TASK
    return int(min(MAX_TASK, max(1, math.ceil(TASK_SECONDS / max(per_replication, 1e-5)))))


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:,.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:,.0f} min"
    return f"{seconds / 3600:,.1f} h"


def _time_replication(spec: BatchSpec, todo: list[Task]) -> float | None:
    """Seconds per replication, measured here after warming the kernels (compiled or loaded
    from the cache once, before any worker starts), on the first strategy that can be
    planned (a plan that cannot is reported by its tasks); None if none can."""
    clear_cache()
    per_replication = None
    for first in todo:
        probe = Task(first.point, first.strategy, first.start, min(first.start + 2, first.stop))
        try:
            run_task(spec, probe, threads=1)  # compiles / loads kernels, builds the point
        except InputError:
            continue
        started = time.perf_counter()
        run_task(spec, probe, threads=1)
        per_replication = (time.perf_counter() - started) / (probe.stop - probe.start)
        break
    clear_cache()
    return per_replication


def _check_memory(points, executor, workers, scheduler, dask_local, limit) -> int:
    """Each worker holds one point's network and state at a time (two while it moves on);
    results stream to disk, so only one task's tables are in memory."""
    remote = scheduler is not None
    largest = 0
    copies = 1 if executor == "threads" and dask_local is None else 2 * (dask_local or workers or 1)
    for point in points:
        found = resources.estimate(point.scenario, replications=1)
        need = resources.Estimate(
            found.agents,
            found.edges,
            found.network * copies,
            found.population * copies,
            found.state * copies,
            found.results * MAX_TASK,
        )
        largest = max(largest, need.total)
        if not remote:  # a cluster's memory is the cluster's
            resources.refuse_over(need, limit, where=f"sweep point {point.index} ({point.label})")
    return largest


def summarise_store(
    store: BatchStore, points, strategies, confidence: float = 0.95
) -> pd.DataFrame:
    """One row per point and strategy: the swept values, replications recorded, and mean
    organic adopters, reach and days to half with t intervals (:mod:`sim.analysis.stats`)."""
    reps = store.read("replications")
    if reps.empty:
        return pd.DataFrame()
    groups = reps.groupby(["point", "strategy"], observed=True, sort=False)
    rows = []
    for point in points:
        for name in strategies:
            if (point.index, name) not in groups.groups:
                continue
            group = groups.get_group((point.index, name))
            row = {
                "point": point.index,
                **point.values,
                "strategy": name,
                "replications": len(group),
            }
            for column, label in (
                ("organic_adopters", "adopters"),
                ("reach", "reach"),
                ("time_to_half", "days_to_half"),
            ):
                mean, low, high = mean_interval(group[column].to_numpy(np.float64), confidence)
                low = max(low, 0.0) if low == low else low  # means of counts are >= 0
                row |= {f"{label}_mean": mean, f"{label}_low": low, f"{label}_high": high}
            rows.append(row)
    return pd.DataFrame(rows)


def _one_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text.splitlines()[0] if text else type(error).__name__
