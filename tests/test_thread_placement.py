"""Where a threaded batch runs: its threads on different CPUs, the caller's affinity restored.

Without the placement the scheduler may wake the helper on the caller's CPU and keep both there
(measured: half the calls of a 5 ms batch on two threads, slower than one thread); these tests
run the sharing driver with a work function that records the CPU each block ran on.
"""

import itertools
import math
import os
import threading
import time

import numpy as np
import pytest
from numba import njit

from sim.model import parallel

linux_two_cpus = pytest.mark.skipif(
    parallel.this_cpu() is None or len(os.sched_getaffinity(0)) < 2,
    reason="thread placement needs Linux and two CPUs (the suite's machine has both)",
)


@njit(nogil=True)
def _busy(n):
    """About a millisecond of arithmetic without the GIL, like a kernel call."""
    total = np.uint64(1)
    for k in range(n):
        total = total * np.uint64(6364136223846793005) + np.uint64(k)
    return total


def _record_blocks(n_blocks: int, threads: int):
    """Run ``n_blocks`` blocks through the driver; per thread, the CPUs its blocks ran on."""
    seen: dict[int, set] = {}
    lock = threading.Lock()

    def work(lo, hi, owner):
        _busy(200_000)  # a block long enough for both threads to be busy at once
        with lock:
            seen.setdefault(threading.get_ident(), set()).add(parallel.this_cpu())

    blocks = [(k, k + 1) for k in range(n_blocks)]
    parallel.share(blocks, list(range(threads)), work)
    return seen


@linux_two_cpus
def test_the_helper_runs_on_another_cpu_than_the_caller():
    before = os.sched_getaffinity(0)
    both = 0
    for _ in range(20):  # the scheduler left alone put both on one CPU in about half the calls
        time.sleep(0.05)  # the other CPU falls idle, as between a user's calls
        seen = _record_blocks(32, 2)
        caller = seen.pop(threading.get_ident(), set())
        assert len(caller) <= 1  # the caller stayed where it was for the whole batch
        for helper in seen.values():
            assert not helper & caller
        both += bool(caller) and bool(seen)
    assert both > 10  # in most calls both threads took blocks
    assert os.sched_getaffinity(0) == before


@linux_two_cpus
def test_the_callers_affinity_is_restored_when_a_block_fails():
    before = os.sched_getaffinity(0)

    def work(lo, hi, owner):
        raise RuntimeError("a failing block")

    with pytest.raises(RuntimeError, match="a failing block"):
        parallel.share([(0, 1), (1, 2)], [0, 1], work)
    assert os.sched_getaffinity(0) == before


@linux_two_cpus
def test_helpers_may_run_on_every_cpu_but_the_callers():
    allowed = os.sched_getaffinity(0)
    with parallel.cpus_apart() as others:
        here = os.sched_getaffinity(0)
        assert len(here) == 1
        assert others == allowed - here
        helper = parallel.pool(1).submit(parallel.pinned, others, os.sched_getaffinity, 0)
        assert helper.result() == others  # a helper run through pinned keeps off this CPU
    assert os.sched_getaffinity(0) == allowed


def test_without_a_cpu_to_spare_nothing_is_pinned(monkeypatch):
    monkeypatch.setattr(parallel, "this_cpu", lambda: None)  # off Linux
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    with parallel.cpus_apart() as others:
        assert others is None
        if before is not None:
            assert os.sched_getaffinity(0) == before


def test_blocks_cover_the_replications_once_largest_first():
    for lo, hi, threads, per_replication in [
        (4, 20_000, 2, 4e-7),  # small cascades: the last blocks about BLOCK_SECONDS each
        (4, 1_000, 2, 1e-2),  # large ones: down to 4 replications a block
        (0, 5, 4, 1.0),
        (2, 3, 2, 1.0),
    ]:
        blocks = parallel.blocks(lo, hi, threads, per_replication)
        assert blocks[0][0] == lo and blocks[-1][1] == hi
        assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
        sizes = [b_hi - b_lo for b_lo, b_hi in blocks]
        assert all(size > 0 for size in sizes)
        assert all(a >= b for a, b in itertools.pairwise(sizes))  # largest first
        least = max(4, math.ceil(parallel.BLOCK_SECONDS / per_replication))
        assert all(size >= min(least, hi - lo) for size in sizes[:-1])
        assert sizes[0] == max(min(least, hi - lo), (hi - lo) // (2 * threads))
    small = parallel.blocks(4, 20_000, 2, 4e-7)
    assert 8 <= len(small) <= 16  # few handouts for a few milliseconds of work
