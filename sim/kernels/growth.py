"""Sequential graph growth: Barabási–Albert preferential attachment.

This module imports only numpy and numba. Growth is sequential (each new node's choice depends
on every earlier one), so it runs as a kernel. Its randomness is handed in, not drawn here: the
caller passes blocks of raw 32-bit words, and the kernel turns each into a bounded integer by
masking and rejection (keep the lowest ``bits(n - 1)`` bits, draw again when the value is
``>= n``). When a block runs out the kernel returns, and the caller resumes it with the next block,
so memory stays bounded whatever the graph size.
"""

import numpy as np
from numba import njit

# Slots of the resumable progress vector.
NEXT_NODE = 0
FOUND = 1
N_EDGES = 2
N_PROGRESS = 3


@njit(cache=True, inline="always")
def _mask_for(n):
    """All-ones mask covering ``n - 1`` (``n >= 2``)."""
    mask = np.uint64(n - 1)
    mask |= mask >> np.uint64(1)
    mask |= mask >> np.uint64(2)
    mask |= mask >> np.uint64(4)
    mask |= mask >> np.uint64(8)
    mask |= mask >> np.uint64(16)
    return mask


@njit(cache=True)
def seed_clique(m, src, dst, repeated, progress):
    """The starting graph: the complete graph on ``m + 1`` nodes, edges ``i < j``."""
    e = 0
    for i in range(m + 1):
        for j in range(i + 1, m + 1):
            src[e] = i
            dst[e] = j
            repeated[2 * e] = i
            repeated[2 * e + 1] = j
            e += 1
    progress[NEXT_NODE] = m + 1
    progress[FOUND] = 0
    progress[N_EDGES] = e


@njit(cache=True)
def attach(n, m, words, src, dst, repeated, targets, progress):
    """Grow to ``n`` nodes, each new node linking to ``m`` distinct nodes chosen with probability
    proportional to degree (a uniform pick from ``repeated``, one entry per edge end).

    words : uint32 (W,) raw random words, consumed in order. src, dst : int32 (E,) edge ends.
    repeated : int32 (2E,). targets : int32 (m,) the current node's picks so far.
    progress : int64 (N_PROGRESS,) where to resume. Returns the number of words used; the growth
    is complete when ``progress[NEXT_NODE] == n``.
    """
    w = 0
    v = progress[NEXT_NODE]
    found = progress[FOUND]
    e = progress[N_EDGES]
    while v < n:
        ends = 2 * e
        mask = _mask_for(ends)
        while found < m:
            if w >= words.size:
                progress[NEXT_NODE] = v
                progress[FOUND] = found
                progress[N_EDGES] = e
                return w
            r = np.uint64(words[w]) & mask
            w += 1
            if r >= np.uint64(ends):
                continue
            t = repeated[r]
            fresh = True
            for q in range(found):
                if targets[q] == t:
                    fresh = False
                    break
            if fresh:
                targets[found] = t
                found += 1
        for q in range(m):
            src[e] = v
            dst[e] = targets[q]
            repeated[2 * e] = v
            repeated[2 * e + 1] = targets[q]
            e += 1
        found = 0
        v += 1
    progress[NEXT_NODE] = v
    progress[FOUND] = found
    progress[N_EDGES] = e
    return w
