"""Budgeted lazy greedy: the best seed set whose total price fits the budget.

Objective: any set function ``value(S)`` (in the package, the mean organic adopters over fixed
selection keys, :mod:`sim.optimize.objective`; or RR-set coverage, :mod:`sim.optimize.ris`).
Each candidate ``v`` has a price ``cost[v]`` >= 0 and a plan may spend at most ``budget``
(and hire at most ``k`` accounts when ``k`` is given).

Three answers are computed and the best is kept:

- **cost-benefit greedy**: repeatedly add the affordable candidate with the largest marginal
  gain per unit of price, ``(value(S + v) - value(S)) / cost[v]``;
- **unit-cost greedy**: the same with the gain alone (what seed-counting kits do);
- **the best affordable single seed**.

Guarantee. For a monotone submodular ``value`` and a knapsack budget, the better of the
cost-benefit greedy and the unit-cost greedy is within ``(1 - 1/e) / 2`` (about 0.32) of the
best affordable set (Leskovec, Krause, Guestrin, Faloutsos, VanBriesen & Glance 2007,
"Cost-effective outbreak detection in networks", KDD, Theorem 2); the cost-benefit greedy
with the best single element alone already carries the same factor (Khuller, Moss & Naor
1999, "The budgeted maximum coverage problem", Information Processing Letters 70). Taking the
best of all three keeps both. Plain cost-benefit greedy alone has no bound: one cheap account
with a good ratio can exhaust a budget that one expensive account would have used better.

Lazy evaluation (CELF). Each rule keeps every candidate's last computed score in a max-heap;
by submodularity a gain can only shrink as ``S`` grows, so a stale score is an upper bound,
and a candidate whose score is fresh and still on top of the heap is the greedy choice. A
candidate that no longer fits the remaining budget never will again (the budget only shrinks)
and is dropped. Scores are fresh for the current ``S``; values are cached by set, so the two
greedy runs share every set they both evaluate (the single seeds at least). When the best fresh
gain is <= 0 the greedy stops: a seed that adds nothing is money wasted.

For rules whose spread is not submodular (fixed thresholds, ``min_sources`` > 1) lazy greedy is
a heuristic; the fresh-replication evaluation that follows it is what to judge it by.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.errors import InputError

SetValue = Callable[[tuple[int, ...]], float]
"""A set function on sorted tuples of candidate ids."""

RULES = ("cost-benefit", "unit-cost", "single")


@dataclass(frozen=True)
class GreedyPath:
    """One rule's picks in order, each pick's marginal gain and price."""

    rule: str
    seeds: list[int]
    gains: list[float]
    costs: list[float]

    @property
    def value_gain(self) -> float:
        return float(sum(self.gains))

    @property
    def spend(self) -> float:
        return float(sum(self.costs))


@dataclass(frozen=True)
class BudgetedResult:
    """The chosen set (the best of the three rules), every rule's path, the empty set's value
    and the number of distinct sets evaluated."""

    seeds: list[int]
    value: float
    spend: float
    rule: str
    paths: dict[str, GreedyPath]
    baseline: float
    evaluations: int
    values: dict[tuple[int, ...], float] = field(repr=False, default_factory=dict)


class _Cache:
    """Memoised set values, counting distinct evaluations."""

    def __init__(self, value: SetValue, progress: Callable[[int], None] | None):
        self._value = value
        self.values: dict[tuple[int, ...], float] = {}
        self._progress = progress

    def __call__(self, seeds: Iterable[int]) -> float:
        key = tuple(sorted(int(v) for v in seeds))
        if key not in self.values:
            self.values[key] = float(self._value(key))
            if self._progress is not None:
                self._progress(len(self.values))
        return self.values[key]


def budgeted_greedy(
    value: SetValue,
    candidates: Sequence[int],
    costs: Sequence[float],
    budget: float,
    k: int | None = None,
    rules: Sequence[str] = RULES,
    progress: Callable[[int], None] | None = None,
) -> BudgetedResult:
    """The best of cost-benefit greedy, unit-cost greedy and the best single seed (``rules``)
    under ``budget`` (and at most ``k`` seeds), with CELF lazy evaluation.

    ``costs[i]`` is the price of ``candidates[i]`` (non-negative, finite). ``progress`` is
    called with the number of distinct sets evaluated so far. Ties go to the lower id.

    Examples
    --------
    A coverage function: the three accounts cover sets of followers; the budget buys either
    the expensive account or the two cheap ones.

    >>> cover = {1: {1, 2, 3, 4}, 2: {1, 2}, 3: {3}}
    >>> value = lambda s: float(len(set().union(*(cover[v] for v in s))))
    >>> result = budgeted_greedy(value, [1, 2, 3], [10.0, 4.0, 4.0], budget=10.0)
    >>> result.seeds, result.value, result.rule
    ([1], 4.0, 'unit-cost')
    """
    candidates = [int(v) for v in candidates]
    cost = np.asarray(costs, dtype=np.float64)
    if cost.shape != (len(candidates),):
        raise InputError(f"costs: need one price per candidate ({len(candidates)})")
    if cost.size and (not np.isfinite(cost).all() or cost.min() < 0):
        raise InputError("costs: prices must be finite and >= 0")
    if len(set(candidates)) != len(candidates):
        raise InputError("candidates: ids must be distinct")
    unknown = [r for r in rules if r not in RULES]
    if unknown or not rules:
        raise InputError(f"rules: choose from {list(RULES)}, got {list(rules)}")
    price = dict(zip(candidates, cost.tolist(), strict=True))
    cache = _Cache(value, progress)
    baseline = cache(())
    affordable = [v for v in candidates if price[v] <= budget]
    singles = {v: cache((v,)) - baseline for v in affordable}
    paths: dict[str, GreedyPath] = {}
    if "single" in rules and affordable:
        best = max(affordable, key=lambda v: (singles[v], -v))
        if singles[best] > 0:
            paths["single"] = GreedyPath("single", [best], [singles[best]], [price[best]])
    for rule in ("cost-benefit", "unit-cost"):
        if rule in rules:
            paths[rule] = _lazy_greedy(cache, rule, affordable, singles, price, budget, k)
    if not paths or all(not p.seeds for p in paths.values()):
        return BudgetedResult([], baseline, 0.0, "none", paths, baseline, len(cache.values))
    # the best total value; at equal value the cheaper plan, then the rule listed first
    order = {rule: i for i, rule in enumerate(RULES)}
    rule = max(
        (p for p in paths.values() if p.seeds),
        key=lambda p: (cache(p.seeds), -p.spend, -order[p.rule]),
    ).rule
    chosen = paths[rule]
    return BudgetedResult(
        sorted(chosen.seeds),
        cache(chosen.seeds),
        chosen.spend,
        rule,
        paths,
        baseline,
        len(cache.values),
        cache.values,
    )


def _score(rule: str, gain: float, cost: float) -> float:
    if rule == "unit-cost":
        return gain
    if cost <= 0.0:  # free accounts first (their gain decides among them)
        return np.inf if gain > 0 else gain
    return gain / cost


def _lazy_greedy(cache, rule, affordable, singles, price, budget, k) -> GreedyPath:
    """CELF on one rule: heap entries (-score, id, gain, size of S the gain was computed for)."""
    heap = [(-_score(rule, singles[v], price[v]), v, singles[v], 0) for v in affordable]
    heapq.heapify(heap)
    chosen: list[int] = []
    gains: list[float] = []
    costs: list[float] = []
    spent = 0.0
    current = cache(())
    tolerance = 1e-9 * max(abs(budget), 1.0)
    while heap and (k is None or len(chosen) < k):
        _, v, gain, size = heapq.heappop(heap)
        if spent + price[v] > budget + tolerance:
            continue  # never affordable again
        if size == len(chosen):  # fresh and the largest of all upper bounds: take it
            if gain <= 0.0:
                break
            chosen.append(v)
            gains.append(gain)
            costs.append(price[v])
            spent += price[v]
            current += gain
            continue
        gain = cache([*chosen, v]) - current
        heapq.heappush(heap, (-_score(rule, gain, price[v]), v, gain, len(chosen)))
    return GreedyPath(rule, chosen, gains, costs)
