"""Counter-based random numbers for the kernels.

Every random decision in a replication is a pure function of ``(key, stream, step, index)``:
the uniform that decides whether edge ``e`` transmits, whether agent ``i`` posts on day ``t``,
and so on. Nothing depends on the order in which the kernel happens to visit agents, so two
seeding strategies run with the same key share every draw except those their seeds change
(common random numbers), and a replication's numbers are the same alone, in a batch or on any
number of workers.

The mixer is the SplitMix64 finaliser (Steele, Lea & Flood 2014), applied to a Weyl sequence.
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# Stream ids: one per kind of decision.
STREAM_POST = 1
STREAM_ATTENTION = 2
STREAM_CASCADE = 3
STREAM_BASS = 4
STREAM_EXTERNAL = 5
STREAM_VIEW = 8
STREAM_REPOST = 9
STREAM_TIMING = 10


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective avalanche of 64 bits."""
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def stream_base(key: np.uint64, stream: int, step: int) -> np.uint64:
    """The base word of one stream on one step; combine with an index in :func:`uniform`."""
    z = mix64(key + np.uint64(stream) * _GOLDEN)
    return mix64(z + np.uint64(step + 1) * _GOLDEN)


@njit(cache=True, inline="always")
def uniform(base: np.uint64, index: int) -> float:
    """A uniform double in [0, 1) for ``index`` within the stream ``base``."""
    z = mix64(base + np.uint64(index + 1) * _GOLDEN)
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True, inline="always")
def next_hit(base: np.uint64, log_miss: float, j: int, k: int) -> tuple[int, int]:
    """Bernoulli(p) trials over indices 0, 1, 2, ... visited by geometric skips: from the last
    hit ``j`` (-1 before the first) and the draws used ``k``, the next hit and ``k + 1``
    (``log_miss`` = log(1 - p)). A hit at index j has the same law as ``uniform < p`` for each
    index, at a cost of one draw per hit."""
    return j + 1 + int(np.log1p(-uniform(base, k)) / log_miss), k + 1
