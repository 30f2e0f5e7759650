"""The one registry of random streams: every draw a run makes descends from the root seed.

Each purpose has a fixed spawn key of ``numpy.random.SeedSequence``, so the network a scenario
draws does not change when the number of replications does, and replication ``r`` gets the same
key whether it runs alone, in a batch or on any worker. The kernels turn a replication key into
counter-based draws (:mod:`sim.kernels.counter_rng`). Add a purpose here, never a literal spawn
key elsewhere.

========================  =========  ==================================================
purpose                   spawn key  draws
========================  =========  ==================================================
``NETWORK``               (0,)       the generated network and its tie strengths
                          (0, r)     replication ``r``'s own network (``resample``)
``POPULATION``            (1,)       agents' expertise, interest, thresholds, activity
                          (1, r)     replication ``r``'s own agents (``resample``)
``SEEDING``               (2, h)     strategy choices; ``h`` = CRC-32 of the strategy name
                          (2, h, r)  replication ``r``'s own choice (``redraw``)
``REPLICATIONS``          (3, r)     the kernel key of replication ``r``
``BOOTSTRAP``             (4,)       bootstrap resamples of replications in comparisons
``DESIGN``                (5,)       the points of a random or Latin-hypercube sweep design
``SELECTION``             (6, h, j)  an optimiser's selection replication ``j`` (CELF);
                                     ``h`` = CRC-32 of the strategy name
``RR_SETS``               (7, h, j)  the counter key of an optimiser's RR-set batch ``j``
``CALIBRATION``           (8, k, j)  a calibration's own draws: ``k`` = 0 the candidates
                                     (round ``j``: 0 the Latin hypercube, then each
                                     refinement), 1 the seed accounts of simulated
                                     cascades, 2 the bootstrap of the loss
========================  =========  ==================================================

The optimiser chooses on ``SELECTION`` or ``RR_SETS`` keys and reports expected adopters on
``REPLICATIONS`` keys: the replications that judge a plan are never the ones that chose it.
"""

import zlib

import numpy as np

from sim.dtypes import KEY

NETWORK = 0
POPULATION = 1
SEEDING = 2
REPLICATIONS = 3
BOOTSTRAP = 4
DESIGN = 5
SELECTION = 6
RR_SETS = 7
CALIBRATION = 8
PURPOSES = {
    "network": NETWORK,
    "population": POPULATION,
    "seeding": SEEDING,
    "replications": REPLICATIONS,
    "bootstrap": BOOTSTRAP,
    "design": DESIGN,
    "selection": SELECTION,
    "rr_sets": RR_SETS,
    "calibration": CALIBRATION,
}


def generator(seed: int, purpose: int, replication: int | None = None) -> np.random.Generator:
    """A numpy Generator for one purpose (``NETWORK``, ``POPULATION``, ``BOOTSTRAP``, ...);
    with ``replication``, that replication's own stream of it (ensembles)."""
    key = (purpose,) if replication is None else (purpose, int(replication))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def strategy_generator(seed: int, name: str, replication: int | None = None) -> np.random.Generator:
    """The stream of one strategy's choices, keyed by its name, so that adding, removing or
    reordering strategies changes no other strategy's draws; with ``replication``, that
    replication's own choice (``redraw: per_replication``)."""
    key = zlib.crc32(name.encode("utf-8"))
    spawn = (SEEDING, key) if replication is None else (SEEDING, key, int(replication))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=spawn))


def optimizer_keys(seed: int, purpose: int, name: str, count: int) -> np.ndarray:
    """``count`` uint64 kernel keys of an optimiser's ``SELECTION`` or ``RR_SETS`` stream for
    the strategy ``name``: key ``j`` is ``SeedSequence(seed, spawn_key=(purpose, h, j))``'s
    first word, ``h`` the CRC-32 of the name (hundreds of keys at most: one at a time)."""
    if purpose not in (SELECTION, RR_SETS):
        raise ValueError(f"optimizer_keys: purpose must be SELECTION or RR_SETS, got {purpose}")
    h = zlib.crc32(name.encode("utf-8"))
    words = [
        np.random.SeedSequence(seed, spawn_key=(purpose, h, j)).generate_state(1, np.uint64)[0]
        for j in range(int(count))
    ]
    return np.asarray(words, dtype=KEY)


def calibration_generator(seed: int, part: int, *index: int) -> np.random.Generator:
    """A calibration's own stream ``(CALIBRATION, part, *index)``: ``part`` 0 the candidates
    (``index`` = the refinement round), 1 the seed accounts of simulated cascades, 2 the
    bootstrap of the loss."""
    key = (CALIBRATION, int(part), *(int(i) for i in index))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def replication_keys(seed: int, replications: range | int) -> np.ndarray:
    """uint64 kernel keys for the given replication indices (``range(n)`` when given an int).

    Key ``r`` is ``SeedSequence(seed, spawn_key=(REPLICATIONS, r)).generate_state(1, uint64)``.
    The same words are computed for all indices at once (numpy's SeedSequence algorithm on
    uint32 arrays), so a million keys cost milliseconds rather than seconds;
    ``tests/test_kernel_paths.py`` checks them against SeedSequence itself."""
    indices = range(replications) if isinstance(replications, int) else replications
    wanted = np.asarray(indices)
    seed = int(seed)
    if wanted.size == 0:
        return np.zeros(0, dtype=KEY)
    if seed >= 0 and wanted.dtype.kind in "iu" and wanted.min() >= 0 and wanted.max() < 2**32:
        return _spawned_words(seed, wanted.astype(np.uint32))
    keys = [  # indices beyond one 32-bit word (or a seed SeedSequence refuses): one at a time
        np.random.SeedSequence(seed, spawn_key=(REPLICATIONS, r)).generate_state(1, np.uint64)[0]
        for r in (int(r) for r in wanted.ravel())
    ]
    return np.asarray(keys, dtype=KEY)


# numpy.random.SeedSequence's hash constants (numpy/random/bit_generator.pyx)
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = np.uint32(0xCA01F9DD), np.uint32(0x4973F715)
_POOL = 4
_MASK = 0xFFFFFFFF


def _spawned_words(seed: int, indices: np.ndarray) -> np.ndarray:
    """``generate_state(1, uint64)`` of ``SeedSequence(seed, spawn_key=(REPLICATIONS, r))``
    for every ``r`` in ``indices`` (uint32 array): the pool is mixed on arrays, one lane per
    replication (the hash constants do not depend on the data, so they are shared)."""
    words = []
    while seed > 0 or not words:
        words.append(seed & _MASK)
        seed >>= 32
    words += [0] * (_POOL - len(words))  # a spawned sequence pads its entropy to the pool
    lanes = indices.size
    entropy = [np.full(lanes, word, np.uint32) for word in words]
    entropy += [np.full(lanes, REPLICATIONS, np.uint32), indices.astype(np.uint32)]
    hash_const = _INIT_A

    def hashmix(value):
        nonlocal hash_const
        value = value ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_A) & _MASK
        value = value * np.uint32(hash_const)
        return value ^ (value >> np.uint32(16))

    def mix(x, y):
        result = _MIX_L * x - _MIX_R * y
        return result ^ (result >> np.uint32(16))

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    for i_src in range(_POOL, len(entropy)):
        for i_dst in range(_POOL):
            pool[i_dst] = mix(pool[i_dst], hashmix(entropy[i_src]))
    hash_const = _INIT_B
    out = []
    for i in range(2):  # two uint32 words, little-endian, make the uint64 key
        value = pool[i] ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_B) & _MASK
        value = value * np.uint32(hash_const)
        out.append((value ^ (value >> np.uint32(16))).astype(KEY))
    return out[0] | (out[1] << KEY(32))
