"""Basic seed selection and post schedules.

A selection returns internal agent ids; a schedule says on which days each seed posts. Budgets,
tier prices and strategy comparisons build on these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import Seeds
from sim.dtypes import NODE, STEP
from sim.network import Network
from sim.population import AgentArrays
from sim.tiers import TIER_NAMES, tier_of


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

    @property
    def last_step(self) -> int:
        return int(self.steps.max(initial=-1))


def select_seeds(
    spec: Seeds,
    network: Network,
    agents: AgentArrays,
    rng: np.random.Generator,
    topic: str | None = None,
) -> np.ndarray:
    """Internal ids of the agents ``spec`` picks (int32); ties broken by the lower id."""
    n = network.n_nodes
    followers = network.followers
    match spec.strategy:
        case "explicit":
            return network.node_ids(np.asarray(spec.ids, dtype=np.int64))
        case "random":
            _need(spec.k, n, "agents")
            return np.sort(rng.choice(n, size=spec.k, replace=False)).astype(NODE)
        case "top_followers":
            _need(spec.k, n, "agents")
            return _top(followers, spec.k)
        case "topic":
            _need(spec.k, n, "agents")
            expertise = agents.expertise[:, agents.topic_index(topic)]
            order = np.lexsort((np.arange(n), -followers, -expertise))
            return np.sort(order[: spec.k]).astype(NODE)
        case "tier":
            members = np.flatnonzero(tier_of(followers, n) == TIER_NAMES.index(spec.tier))
            _need(spec.k, members.size, f"{spec.tier} accounts")
            return np.sort(members[_top_order(followers[members], spec.k)]).astype(NODE)
    raise ValueError(f"unknown seeding strategy {spec.strategy!r}")


def _top(score: np.ndarray, k: int) -> np.ndarray:
    return np.sort(_top_order(score, k)).astype(NODE)


def _top_order(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores; among equals the lower index wins."""
    return np.lexsort((np.arange(score.size), -np.asarray(score, dtype=np.float64)))[:k]


def _need(k: int, available: int, what: str) -> None:
    if k > available:
        raise ValueError(f"asked for {k} seeds but the network has only {available} {what}")
