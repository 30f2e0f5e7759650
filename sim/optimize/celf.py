"""Greedy seed selection with CELF lazy evaluation on the sample-average spread.

Objective: sigma_K(S) = mean over the replication keys K of the final adopters (seeds included)
when the set S is seeded. Greedy adds, k times, the candidate with the largest marginal gain
sigma_K(S + v) - sigma_K(S).

Guarantee. If sigma is monotone and submodular, greedy is within 1 - 1/e of the best set of the
same size (Nemhauser, Wolsey & Fisher 1978). CELF (Leskovec, Krause, Guestrin, Faloutsos,
VanBriesen & Glance 2007, "Cost-effective outbreak detection in networks", KDD) keeps every
candidate's last computed gain in a max-heap; by submodularity a gain can only shrink as S
grows, so an old gain is an upper bound, and a candidate whose gain is fresh (computed for the
current S) and still on top of the heap is the greedy choice without re-scoring the others.

Why common random numbers. Every set is scored on the *same* keys. Under the independent
cascade (the ``cascade`` rule) a key fixes which edges transmit, i.e. one live-edge graph, and
the final adopters of S are the nodes reachable from S in it: a coverage function, monotone and
submodular in S (Kempe, Kleinberg & Tardos 2003). A mean of such functions over fixed keys is
again monotone submodular, so sigma_K itself (not only its expectation) has both properties,
CELF's lazy evaluation is exact (it picks what plain greedy on sigma_K picks, ties to the lower
id) and the 1 - 1/e bound holds for sigma_K. With fresh draws per evaluation, or for rules whose
spread is not submodular (fixed thresholds, ``min_sources`` > 1), lazy greedy is a heuristic.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.model import AgentArrays, Params, SeedSchedule, Simulation
from sim.network import Network

SimulationBuilder = Callable[[Sequence[int]], Simulation]
"""Seed ids -> a ready :class:`~sim.model.Simulation` with those seeds (posting on day 0)."""


def simulation_builder(
    network: Network, agents: AgentArrays, params: Params, steps: int, **options
) -> SimulationBuilder:
    """A :data:`SimulationBuilder` for one network, population and parameters; ``options`` go
    to :class:`~sim.model.Simulation` (``topic``, ``sponsored_weight``)."""

    def build(seeds: Sequence[int]) -> Simulation:
        return Simulation(network, agents, params, SeedSchedule.build(seeds), steps, **options)

    return build


def spreads(
    build: SimulationBuilder,
    seeds: Sequence[int],
    keys: np.ndarray,
    threads: int = 1,
    check_finished: bool = True,
) -> np.ndarray:
    """Final adopters (seeds included) of one run per key, float64 (R,)
    (:meth:`~sim.model.Simulation.spread`: final counts only, fast on textbook IC and
    threshold settings).

    With ``check_finished`` a run that still gained adopters on its last day raises: the
    spread would be cut short by the horizon (raise ``steps``)."""
    counts = build(seeds).spread(keys, threads=threads)
    if check_finished and counts.last_step.any():
        raise RuntimeError("a cascade was still running on the last day; raise steps")
    return counts.adopters.astype(float)


@dataclass(frozen=True)
class CelfResult:
    """The greedy seeds in the order chosen, each pick's marginal gain in sigma_K and the number
    of spread evaluations (one evaluation = one run per key)."""

    seeds: list[int]
    gains: list[float]
    evaluations: int

    @property
    def objective(self) -> np.ndarray:
        """sigma_K of the first 1, 2, ... seeds (the cumulative gains)."""
        return np.cumsum(self.gains)


def celf_greedy(
    build: SimulationBuilder,
    candidates: Iterable[int],
    k: int,
    keys: np.ndarray,
    threads: int = 1,
) -> CelfResult:
    """Up to ``k`` seeds from ``candidates`` by CELF lazy greedy on the mean spread over
    ``keys`` (the same keys for every set: common random numbers, see the module docstring).

    The first round scores every candidate alone; later rounds re-score only candidates whose
    stored gain is stale and on top of the heap. Equal gains go to the lower id. ``threads``
    is passed to each run (one thread is usually faster for small cascades)."""
    heap = [(-spreads(build, [int(v)], keys, threads).mean(), int(v), 1) for v in candidates]
    heapq.heapify(heap)
    chosen: list[int] = []
    gains: list[float] = []
    evaluations, current = len(heap), 0.0
    while len(chosen) < k and heap:
        negative_gain, v, round_ = heapq.heappop(heap)
        if round_ == len(chosen) + 1:  # fresh gain, largest of all (upper bounds): take it
            chosen.append(v)
            gains.append(float(-negative_gain))
            current -= negative_gain
            continue
        gain = spreads(build, [*chosen, v], keys, threads).mean() - current
        evaluations += 1
        heapq.heappush(heap, (-gain, v, len(chosen) + 1))
    return CelfResult(chosen, gains, evaluations)
