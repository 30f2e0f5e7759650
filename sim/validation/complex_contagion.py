"""Centola & Macy (2007) complex contagion: the driver that runs the ``threshold`` rule with
threshold 0 and ``min_sources`` = 2 (complex) or 1 (simple) on Watts–Strogatz rings seeded with a
node and its neighbours, and the per-p summary (final share, days to 90 %).

Wide bridges of the ring lattice carry a complex contagion; rewiring replaces them with long
ties that speed a simple contagion up but reach one node with a single source, so the complex
one stalls. Each run is deterministic given its graph, so one replication per fresh graph.

References: D. Centola & M. Macy (2007), Complex contagions and the weakness of long ties,
*American Journal of Sociology* 113:702; D. J. Watts & S. H. Strogatz (1998), *Nature* 393:440.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import watts_strogatz

RING_N = 4_000
RING_K = 6
RING_P = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
REACH = 0.9  # time to spread = first day on which 90% of the agents have adopted
ANY_EXPOSURE = 0.5
"""The influence threshold of the ring studies: half of one post at unit trust, so one seen post
passes it (a threshold <= 0 would make every agent an instigator)."""


def ring_spread(
    p: float,
    min_sources: int,
    graphs: int,
    seed: int,
    n: int = RING_N,
    k: int = RING_K,
) -> tuple[np.ndarray, np.ndarray]:
    """Final adoption share and days to reach ``REACH`` of n (nan if never) on ``graphs``
    Watts–Strogatz rings (n, k, p), each seeded with a random node and all its neighbours;
    ``threshold`` rule, ``min_sources`` distinct adopted sources needed (threshold
    ``ANY_EXPOSURE``: with unit trust one seen post passes it, so only the count of sources
    matters)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(round(p * 10**6), k)))
    agents = textbook_agents(n, threshold=ANY_EXPOSURE, min_sources=min_sources)
    dynamics = Params(rule="threshold", active_steps=1)
    key = replication_keys(seed, 1)
    steps = n  # the slowest spread (complex contagion on the lattice) takes about n / k days
    final = np.empty(graphs)
    days = np.full(graphs, math.nan)
    for g in range(graphs):
        network = watts_strogatz(n, k, p, rng=rng)
        focal = int(rng.integers(n))
        cluster = network.indices[network.indptr[focal] : network.indptr[focal + 1]]
        schedule = SeedSchedule.build(np.concatenate([[focal], cluster]))
        daily = Simulation(network, agents, dynamics, schedule, steps).run(key)
        adopters = daily.step_stats[0, :, NEW_ADOPTERS]
        if adopters[-1]:
            raise RuntimeError(f"p = {p}: the contagion was still spreading after {steps} days")
        total = np.cumsum(adopters)
        final[g] = total[-1] / n
        reached = np.flatnonzero(total >= REACH * n)
        if reached.size:
            days[g] = reached[0]
    return final, days


@dataclass(frozen=True)
class RingStats:
    """Final share and days to ``REACH`` over the graphs of one rewiring probability p."""

    p: float
    graphs: int
    share: float
    share_se: float
    reached: int  # graphs on which 90% adopted
    days: float  # mean days to 90% over those graphs (nan if none)
    days_se: float

    @classmethod
    def of(cls, p: float, final: np.ndarray, days: np.ndarray):
        hit = days[~np.isnan(days)]
        se = hit.std(ddof=1) / math.sqrt(hit.size) if hit.size > 1 else math.nan
        return cls(
            p,
            final.size,
            float(final.mean()),
            float(final.std(ddof=1) / math.sqrt(final.size)),
            int(hit.size),
            float(hit.mean()) if hit.size else math.nan,
            float(se),
        )


def centola_macy_study(p_values, graphs: int, seed: int = 2007) -> dict[str, list[RingStats]]:
    """:class:`RingStats` per p for the complex (``min_sources`` = 2) and simple (1) contagion."""
    return {
        label: [RingStats.of(p, *ring_spread(p, m, graphs, seed)) for p in p_values]
        for label, m in (("complex", 2), ("simple", 1))
    }
