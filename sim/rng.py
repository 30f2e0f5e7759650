"""Named random streams derived from one root seed with ``numpy.random.SeedSequence``.

Each purpose has a fixed spawn key, so the network a scenario draws does not change when the
number of replications does, and replication ``r`` gets the same key whether it runs alone, in a
batch or on any worker. The kernels turn a replication key into counter-based draws
(:mod:`sim.kernels.counter_rng`).
"""

import numpy as np

from sim.dtypes import KEY

NETWORK = 0
POPULATION = 1
SEEDING = 2
REPLICATIONS = 3


def generator(seed: int, purpose: int) -> np.random.Generator:
    """A numpy Generator for one purpose (``NETWORK``, ``POPULATION``, ``SEEDING``)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(purpose,)))


def replication_keys(seed: int, replications: range | int) -> np.ndarray:
    """uint64 kernel keys for the given replication indices (``range(n)`` when given an int)."""
    indices = range(replications) if isinstance(replications, int) else replications
    keys = [
        np.random.SeedSequence(seed, spawn_key=(REPLICATIONS, r)).generate_state(1, np.uint64)[0]
        for r in indices
    ]
    return np.asarray(keys, dtype=KEY)
