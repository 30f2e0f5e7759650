"""Post schedules: on which days each seed posts (selection is in :mod:`sim.strategies`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dtypes import NODE, STEP


@dataclass(frozen=True, eq=False)
class SeedSchedule:
    """Seed posts sorted by day.

    seeds : int32 (G,) the distinct seed agents; a post's ``origin`` indexes this array.
    nodes, steps, origin : int32 (S,) one entry per scheduled post.
    """

    seeds: np.ndarray
    nodes: np.ndarray
    steps: np.ndarray
    origin: np.ndarray

    @classmethod
    def build(
        cls, seeds: np.ndarray, start: int = 0, posts: int = 1, every: int = 1
    ) -> SeedSchedule:
        """Every seed posts ``posts`` times, every ``every`` days from day ``start``."""
        seeds = np.asarray(seeds, dtype=NODE)
        if np.unique(seeds).size != seeds.size:
            raise ValueError("seed agents must be distinct")
        days = start + every * np.arange(posts)
        nodes = np.tile(seeds, posts)
        steps = np.repeat(days, seeds.size).astype(STEP)
        origin = np.tile(np.arange(seeds.size, dtype=NODE), posts)
        return cls(seeds, nodes, steps, origin)
