"""Post schedules: on which days each seed posts (who is chosen is :mod:`sim.campaign`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dtypes import NODE, STEP
from sim.errors import InputError

_LOW, _HIGH = int(np.iinfo(NODE).min), int(np.iinfo(NODE).max)


@dataclass(frozen=True, eq=False)
class SeedSchedule:
    """Seed posts sorted by day, checked on construction.

    seeds : int32 (G,) the distinct seed agents; a post's ``origin`` indexes this array.
    nodes, steps, origin : int32 (S,) one entry per scheduled post, ``steps`` non-decreasing,
    ``nodes[k] == seeds[origin[k]]``. Whether the agents and days exist is checked by the
    :class:`~sim.model.engine.Simulation` that runs the schedule.
    """

    seeds: np.ndarray
    nodes: np.ndarray
    steps: np.ndarray
    origin: np.ndarray

    def __post_init__(self) -> None:
        arrays = {}
        for name in ("seeds", "nodes", "steps", "origin"):
            values = np.asarray(getattr(self, name))
            if values.ndim != 1 or (values.size and not np.issubdtype(values.dtype, np.integer)):
                raise InputError(f"schedule: {name} must be a 1-d integer array")
            if values.size and (values.min() < _LOW or values.max() > _HIGH):
                raise InputError(f"schedule: {name} must lie in {_LOW}..{_HIGH}")
            arrays[name] = np.ascontiguousarray(values, dtype=STEP if name == "steps" else NODE)
            object.__setattr__(self, name, arrays[name])
        seeds, nodes, steps, origin = (arrays[k] for k in ("seeds", "nodes", "steps", "origin"))
        if np.unique(seeds).size != seeds.size:
            raise InputError("schedule: seed agents must be distinct")
        if not nodes.size == steps.size == origin.size:
            raise InputError("schedule: nodes, steps and origin must have one entry per post")
        if steps.size and (steps.min() < 0 or np.any(np.diff(steps) < 0)):
            raise InputError("schedule: post days must be >= 0 and sorted (non-decreasing)")
        if origin.size and (origin.min() < 0 or origin.max() >= seeds.size):
            raise InputError(f"schedule: origin must index the {seeds.size} seeds")
        if not np.array_equal(seeds[origin], nodes):
            raise InputError("schedule: each post's node must be the seed its origin names")

    @property
    def last_day(self) -> int:
        """The day of the last scheduled post (-1 without posts)."""
        return int(self.steps[-1]) if self.steps.size else -1

    @classmethod
    def build(
        cls, seeds: np.ndarray, start: int = 0, posts: int = 1, every: int = 1
    ) -> SeedSchedule:
        """Every seed posts ``posts`` times, every ``every`` days from day ``start``."""
        for name, value, low in (("start", start, 0), ("posts", posts, 1), ("every", every, 1)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise InputError(f"schedule: {name} must be an integer >= {low}, got {value!r}")
        seeds = np.asarray(seeds)
        if seeds.ndim != 1 or (seeds.size and not np.issubdtype(seeds.dtype, np.integer)):
            raise InputError("schedule: seeds must be a 1-d array of agent ids")
        if seeds.size and (seeds.min() < 0 or seeds.max() > _HIGH):
            raise InputError(f"schedule: seed ids must lie in 0..{_HIGH}")
        seeds = seeds.astype(NODE)
        days = start + every * np.arange(posts)
        nodes = np.tile(seeds, posts)
        steps = np.repeat(days, seeds.size).astype(STEP)
        origin = np.tile(np.arange(seeds.size, dtype=NODE), posts)
        return cls(seeds, nodes, steps, origin)
