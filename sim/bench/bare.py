"""The bound: a bare Numba independent-cascade loop, timed beside the engine in one process.

It is not a competitor (it records nothing but the final sizes) but the practical limit of
this machine for the same work: a BFS frontier, one xorshift coin per edge, and a reset of only
the nodes the run activated. Its whole code is below.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def bare_ic(indptr, indices, p, seeds, runs, seed, sizes):
    """``runs`` IC runs from ``seeds`` with probability ``p`` on every edge; final sizes
    (seeds included) into ``sizes`` int64 (runs,); returns the number of coins flipped."""
    n = indptr.size - 1
    return bare_runs(
        indptr, indices, p, seeds, runs, seed, sizes, np.zeros(n, np.bool_), np.empty(n, np.int32)
    )


@njit(cache=True, nogil=True)
def bare_runs(indptr, indices, p, seeds, runs, seed, sizes, active, frontier):
    """:func:`bare_ic` on given scratch: ``active`` bool (N,) all false (left so) and
    ``frontier`` int32 (N,); without the interpreter lock, so two threads can run it at once
    (each with its own scratch) for the machine's two-thread bound."""
    coins = 0
    state = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) | np.uint64(1)
    for r in range(runs):
        size = 0
        for s in seeds:
            if not active[s]:
                active[s] = True
                frontier[size] = s
                size += 1
        head = 0
        while head < size:
            i = frontier[head]
            head += 1
            coins += indptr[i + 1] - indptr[i]
            for e in range(indptr[i], indptr[i + 1]):
                state ^= state << np.uint64(13)  # xorshift64: one coin per edge
                state ^= state >> np.uint64(7)
                state ^= state << np.uint64(17)
                if float(state >> np.uint64(11)) * (1.0 / 9007199254740992.0) < p:
                    j = indices[e]
                    if not active[j]:
                        active[j] = True
                        frontier[size] = j
                        size += 1
        sizes[r] = size
        for k in range(size):  # reset only what this run touched
            active[frontier[k]] = False
    return coins


@njit(cache=True, nogil=True)
def spin(n):
    """``n`` steps of a 64-bit LCG with a xorshift: arithmetic only, no memory. Two threads
    running it at once show how much of a second core this machine gives for that long."""
    x = np.uint64(1)
    for _ in range(n):
        x = x * np.uint64(6364136223846793005) + np.uint64(1442695040888963407)
        x ^= x >> np.uint64(29)
    return x
