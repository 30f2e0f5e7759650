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
``POPULATION``            (1,)       agents' expertise, interest, thresholds, activity
``SEEDING``               (2, h)     strategy choices; ``h`` = CRC-32 of the strategy name
``REPLICATIONS``          (3, r)     the kernel key of replication ``r``
``BOOTSTRAP``             (4,)       bootstrap resamples of replications in comparisons
========================  =========  ==================================================
"""

import zlib

import numpy as np

from sim.dtypes import KEY

NETWORK = 0
POPULATION = 1
SEEDING = 2
REPLICATIONS = 3
BOOTSTRAP = 4
PURPOSES = {
    "network": NETWORK,
    "population": POPULATION,
    "seeding": SEEDING,
    "replications": REPLICATIONS,
    "bootstrap": BOOTSTRAP,
}


def generator(seed: int, purpose: int) -> np.random.Generator:
    """A numpy Generator for one purpose (``NETWORK``, ``POPULATION``, ``BOOTSTRAP``)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(purpose,)))


def strategy_generator(seed: int, name: str) -> np.random.Generator:
    """The stream of one strategy's choices, keyed by its name, so that adding, removing or
    reordering strategies changes no other strategy's draws."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SEEDING, key)))


def replication_keys(seed: int, replications: range | int) -> np.ndarray:
    """uint64 kernel keys for the given replication indices (``range(n)`` when given an int)."""
    indices = range(replications) if isinstance(replications, int) else replications
    keys = [
        np.random.SeedSequence(seed, spawn_key=(REPLICATIONS, r)).generate_state(1, np.uint64)[0]
        for r in indices
    ]
    return np.asarray(keys, dtype=KEY)
