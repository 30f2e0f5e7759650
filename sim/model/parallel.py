"""Replications on several threads: how a batch is split, where its threads run.

The kernels release the interpreter lock, so Python threads run them at once, each with its own
kernel state; the numbers do not depend on the split. A batch times a few replications first
and stays on one thread when the rest is too little to pay for waking another
(:func:`measured_share`); otherwise blocks are handed out largest first (:func:`blocks`,
:func:`share`) with the threads kept on different CPUs (:func:`cpus_apart`).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from sim.errors import InputError

PARALLEL_MIN_SECONDS = 1e-3
"""Below this much single-thread work, starting the other threads costs more than it saves."""

BLOCK_SECONDS = 3e-4
"""Least estimated work per block of replications handed to a thread."""


_pools: dict[int, ThreadPoolExecutor] = {}


def pool(threads: int) -> ThreadPoolExecutor:
    """One pool of worker threads per thread count, started on first use and kept."""
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="sim-replications")
    return _pools[threads]


def thread_count(threads, n_reps: int) -> int:
    """``threads`` checked (an integer >= 1), at most numba's thread count, and 1 for a
    handful of replications (a thread pool does not pay for them)."""
    if isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 1:
        raise InputError(f"threads: must be an integer >= 1, got {threads!r}")
    threads = min(int(threads), numba.config.NUMBA_NUM_THREADS)
    return 1 if n_reps < 8 * threads else threads


def measured_share(n_reps: int, owners: list, work) -> None:
    """``work(lo, hi, owner)`` over replications 0 .. ``n_reps`` - 1 with one owner (kernel
    state) per thread. A few replications run on this thread first and are timed; when the
    rest would take less than starting threads costs (:data:`PARALLEL_MIN_SECONDS`), they
    finish here, so more threads are never slower; otherwise they are dealt out in blocks
    (:func:`share`). The numbers do not depend on it."""
    threads = len(owners)
    done = min(2 * threads, n_reps)
    start = time.perf_counter()
    work(0, done, owners[0])
    per_replication = (time.perf_counter() - start) / max(done, 1)
    if per_replication * (n_reps - done) < PARALLEL_MIN_SECONDS:
        work(done, n_reps, owners[0])
    else:
        share(blocks(done, n_reps, threads, per_replication), owners, work)


def share(bounds: list[tuple[int, int]], owners: list, work) -> None:
    """``work(lo, hi, owner)`` for every block ``(lo, hi)`` of ``bounds``, handed out one at a
    time to this thread and one worker thread per further owner (each thread keeps its owner:
    its own kernel state); the kernels release the GIL, so they run at once."""
    queue = iter(bounds)
    lock = threading.Lock()

    def drain(owner) -> None:
        while True:
            with lock:
                block = next(queue, None)
            if block is None:
                return
            work(*block, owner)

    workers = pool(len(owners) - 1)
    with cpus_apart() as others:
        helpers = [workers.submit(pinned, others, drain, owner) for owner in owners[1:]]
        drain(owners[0])
        for helper in helpers:
            helper.result()


@contextlib.contextmanager
def cpus_apart():
    """Keep the threads of one batch off each other's CPU: this thread stays on the CPU it is
    on until the batch ends (then its affinity is restored); yields the CPUs its helpers may
    use, every other one this thread may (``None``: not pinned, off Linux or with one CPU),
    for :func:`pinned`.

    Left to itself the scheduler may wake a helper on the CPU of the thread that woke it, or
    move that thread next to its helper, and leave both there while the other CPU idles:
    measured on a 2-CPU machine, half the calls of a 5 ms batch on two threads ran on one CPU
    and were slower than one thread. The helpers get the set, not one CPU each, so that on a
    large machine the processes of a cluster do not all pile their helpers on its first CPUs."""
    here = this_cpu()
    allowed = os.sched_getaffinity(0) if here is not None else set()
    others = allowed - {here}
    if not others:
        yield None
        return
    pin({here})
    try:
        yield others
    finally:
        pin(allowed)


def pinned(cpus, function, *args):
    """``function(*args)`` on the calling thread after :func:`pin` ``(cpus)``: what a helper
    thread of :func:`cpus_apart` runs."""
    pin(cpus)
    return function(*args)


def pin(cpus) -> None:
    """Let the calling thread run only on ``cpus`` (``None``: leave it as it is)."""
    if cpus is None:
        return
    try:
        os.sched_setaffinity(0, cpus)
    except OSError:  # a CPU taken away meanwhile (cpuset): run where the scheduler says
        pass


@functools.cache
def _cpu_probe():
    """glibc's ``sched_getcpu`` (Linux), or ``None`` where threads cannot be pinned."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    import ctypes

    try:
        probe = ctypes.CDLL(None).sched_getcpu
    except (OSError, AttributeError):
        return None
    probe.restype, probe.argtypes = ctypes.c_int, []
    return probe


def this_cpu() -> int | None:
    """The CPU the calling thread is running on, or ``None`` when it cannot be known."""
    probe = _cpu_probe()
    if probe is None:
        return None
    cpu = probe()
    return cpu if cpu >= 0 else None


def blocks(lo: int, hi: int, threads: int, per_replication: float) -> list[tuple[int, int]]:
    """Blocks of replications ``lo .. hi - 1`` for the threaded driver, as ``(lo, hi)`` pairs,
    largest first: each takes ``1 / (2 * threads)`` of the replications left, and at least
    ``BLOCK_SECONDS`` of estimated work. Large blocks first keep the handouts few (each is a
    Python call under the interpreter lock, which the other thread may be waiting for); small
    ones last let the threads finish together when cascade sizes vary. Measured against equal
    blocks (16 per thread at most) on 20,000 small cascades: 1.58-1.85x -> 1.76-1.92x on two
    threads. Plain integers: numpy's per-call overhead is what a short batch cannot spare."""
    per_block = max(4, math.ceil(BLOCK_SECONDS / max(per_replication, 1e-9)))
    bounds = []
    start = lo
    while start < hi:
        stop = min(hi, start + max(per_block, (hi - start) // (2 * threads)))
        bounds.append((start, stop))
        start = stop
    return bounds
