"""Where tasks run: this process, local worker processes, or a Dask cluster.

Every executor takes the same :class:`~sim.batch.tasks.BatchSpec` and tasks and yields results
as they finish, in any order; the store makes the outcome independent of that order.

- ``threads``: this process, one task at a time, numba's threads sharing each task's
  replications (no copies of the network; the default, measured fastest on one machine).
- ``processes``: ``workers`` local processes (each single-threaded; each builds a point's network
  once).
- Dask: an existing ``distributed`` cluster (``scheduler="tcp://host:port"``) or a
  ``LocalCluster`` of ``dask_local`` single-threaded worker processes. The spec is scattered to
  every worker once; tasks carry only indices.

Kernels are compiled (or loaded from numba's cache) by the coordinator before any worker starts,
because concurrent writes to the numba cache are a known crash; workers then only read it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from sim.batch.store import Task
from sim.batch.tasks import BatchSpec, TaskResult, run_task
from sim.errors import InputError


class Outcome:
    """A task's result, or the exception it raised."""

    def __init__(self, task: Task, result: TaskResult | None, error: BaseException | None):
        self.task, self.result, self.error = task, result, error


class ThreadExecutor:
    """Tasks in this process, one after another, each on ``threads`` numba threads."""

    name = "threads"

    def __init__(self, threads: int | None = None) -> None:
        import numba

        self.threads = int(numba.get_num_threads()) if threads is None else int(threads)

    @property
    def workers(self) -> int:
        return self.threads

    def run(self, spec: BatchSpec, tasks: Iterable[Task]) -> Iterator[Outcome]:
        for task in tasks:
            try:
                yield Outcome(task, run_task(spec, task, threads=self.threads), None)
            except Exception as error:
                yield Outcome(task, None, error)

    def close(self) -> None:
        pass


def _single_threaded() -> None:
    """Worker initialiser: numba uses one thread per worker process."""
    os.environ["NUMBA_NUM_THREADS"] = "1"
    import numba

    numba.set_num_threads(1)


class ProcessExecutor:
    """Tasks on ``workers`` local single-threaded processes (started fresh, not forked, so
    numba's thread pool and the parent's state are never inherited)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        import multiprocessing

        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_single_threaded,
        )

    def run(self, spec: BatchSpec, tasks: Iterable[Task]) -> Iterator[Outcome]:
        futures = {self._pool.submit(run_task, spec, task, 1): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            error = future.exception()
            yield Outcome(task, None if error else future.result(), error)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Tasks on a Dask ``distributed`` cluster: an existing one, or a ``LocalCluster``."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(
                "--scheduler/--dask-local: Dask is not installed; pip install "
                "'influence-sim[cluster]'"
            ) from None
        self._cluster = None
        if scheduler is not None:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise InputError(f"--scheduler: cannot reach {scheduler} ({error})") from None
        else:
            self._cluster = LocalCluster(
                n_workers=local_workers or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                env={"NUMBA_NUM_THREADS": "1"},
            )
            self.client = Client(self._cluster)
        self.client.run(_single_threaded)
        self.workers = len(self.client.scheduler_info()["workers"])

    def run(self, spec: BatchSpec, tasks: Iterable[Task]) -> Iterator[Outcome]:
        from distributed import as_completed as dask_completed

        shared = self.client.scatter(spec, broadcast=True)
        futures = {}
        for task in tasks:
            future = self.client.submit(run_task, shared, task, 1, pure=False)
            futures[future] = task
        for future in dask_completed(futures):
            task = futures[future]
            if future.status == "error":
                yield Outcome(task, None, future.exception())
            else:
                yield Outcome(task, future.result(), None)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    kind: str = "threads",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
):
    """The executor for the command line's choice."""
    if scheduler is not None or dask_local is not None:
        return DaskExecutor(scheduler, dask_local)
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "threads":
        return ThreadExecutor(workers)
    raise InputError(f"--executor: {kind!r} is not one of threads, processes")
