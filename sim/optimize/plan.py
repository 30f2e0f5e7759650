"""From an ``optimized`` strategy to a concrete plan: CELF or RIS under the campaign budget.

:func:`optimize` chooses the seeds of one ``select: optimized`` strategy on its own selection
stream (:data:`sim.model.streams.SELECTION` or :data:`~sim.model.streams.RR_SETS`) and returns
an :class:`Optimized` whose :attr:`~Optimized.plan` runs like any other plan. The expected
adopters the CLI and ``compare`` report come from the scenario's replication keys, never the
ones that chose the seeds. :func:`plan_strategies` plans every strategy of a setup, optimising
the ``optimized`` ones, for :func:`sim.api.compare`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.campaign.strategies import Plan, StrategyError
from sim.config.schema import Strategy
from sim.errors import InputError
from sim.model import streams
from sim.optimize.budgeted import budgeted_greedy
from sim.optimize.objective import PlanObjective, candidates_and_costs
from sim.runner.prepare import Setup

DEFAULT_SAMPLES = 64
"""Selection replications per CELF evaluation."""
DEFAULT_EPSILON = 0.1
"""RIS accuracy: (1 - 1/e - epsilon) for unit costs, with probability 1 - 1/n."""
AUTO_RIS_POOL = 500
"""``method: auto`` uses RIS for a ``cascade`` it supports once the pool is larger than this."""

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: stage ``"celf"`` (sets evaluated) or ``"ris"`` (RR sets)."""


@dataclass(frozen=True, eq=False)
class Optimized:
    """An optimised plan and how it was found.

    ``estimate`` is the objective on the selection sample (optimistic: the same draws chose
    the seeds); judge the plan on fresh replications instead. ``details`` holds the method's
    figures (CELF: rule, evaluations, runs; RIS: epsilon, sets, bytes)."""

    plan: Plan
    method: str
    estimate: float
    seconds: float
    pool: int
    details: dict = field(default_factory=dict)

    @property
    def seeds(self) -> np.ndarray:
        return self.plan.schedule.seeds


def optimize(
    setup: Setup,
    strategy: Strategy | str,
    *,
    method: str | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    warm_start: bool = True,
) -> Optimized:
    """Choose the seeds of an ``optimized`` strategy under the campaign budget (``k`` seeds
    without a campaign) and return the plan. ``method`` overrides the strategy's.

    With ``warm_start`` (CELF), the seed sets of the setup's hand-made strategies that fit the
    budget (hired on the optimised strategy's terms) are scored on the same selection keys, and
    the best of them replaces the greedy answer if it scores higher there: the answer is never
    worse, on the selection sample, than an affordable hand-made plan. ``details["rule"]`` then
    reads ``"warm start: NAME"``; ``details["warm_starts"]`` holds every one scored."""
    if isinstance(strategy, str):
        strategy = setup.strategy(strategy)
    if strategy.select != "optimized":
        raise InputError(
            f"strategy {strategy.name!r}: select is {strategy.select!r}, not 'optimized'"
        )
    method = method or strategy.method or "auto"
    if method not in ("auto", "celf", "ris"):
        raise InputError(f"method: choose celf, ris or auto, got {method!r}")
    threads = _threads(threads)
    started = time.perf_counter()
    pool, cost = candidates_and_costs(setup, strategy)
    campaign = setup.campaign
    if campaign is None:
        if strategy.k is None:
            raise StrategyError(
                f"strategy {strategy.name!r} needs k (how many accounts) or a budget"
            )
        budget, k = float(strategy.k), strategy.k
    else:
        budget, k = float(campaign.budget), strategy.k
    if not (cost <= budget).any():
        currency = campaign.currency if campaign else ""
        raise StrategyError(
            f"strategy {strategy.name!r}: the budget of {budget:,.0f} {currency} does not buy one "
            f"of its {pool.size} candidates (the cheapest costs {cost.min():,.0f} {currency})"
        )
    from sim.optimize import ris

    supported = ris.unsupported_reason(setup) is None
    if method == "auto":
        method = "ris" if supported and pool.size > AUTO_RIS_POOL else "celf"
    if method == "ris":
        reason = ris.unsupported_reason(setup)
        if reason is not None:
            raise InputError(f"strategy {strategy.name!r}: method 'ris' {reason}; use celf")
        epsilon = strategy.epsilon or DEFAULT_EPSILON
        found = ris.ris_plan(setup, strategy, pool, cost, budget, k, epsilon, threads, progress)
        seeds, estimate, details = found.seeds, found.estimate, found.details
    else:
        samples = strategy.samples or DEFAULT_SAMPLES
        keys = streams.optimizer_keys(setup.seed, streams.SELECTION, strategy.name, samples)
        objective = PlanObjective(setup, strategy, keys, threads)
        tick = None if progress is None else (lambda done: progress("celf", done, None))
        result = budgeted_greedy(objective, pool, cost, budget, k, progress=tick)
        seeds, estimate = result.seeds, result.value
        rule, starts = result.rule, {}
        if warm_start:
            starts = _warm_starts(setup, strategy, objective, budget, k, result.values)
            best = max(starts, key=lambda name: starts[name][1], default=None)
            if best is not None and starts[best][1] > estimate:
                seeds, estimate, rule = starts[best][0], starts[best][1], f"warm start: {best}"
        details = {
            "rule": rule,
            "greedy_rule": result.rule,
            "greedy_estimate": result.value,
            "warm_starts": {name: value for name, (_, value) in starts.items()},
            "evaluations": result.evaluations,
            "samples": samples,
            "baseline": result.baseline,
            "paths": {
                name: {"seeds": path.seeds, "gains": path.gains, "spend": path.spend}
                for name, path in result.paths.items()
            },
        }
    notes = ()
    if not seeds:
        raise StrategyError(
            f"strategy {strategy.name!r}: no affordable candidate adds adopters on the selection "
            "sample; widen the pool or raise samples"
        )
    objective = PlanObjective(setup, strategy, np.zeros(0, dtype=np.uint64))
    plan = objective.plan(seeds, notes)
    if plan.spend > budget * (1 + 1e-9) and campaign is not None:
        raise AssertionError(f"optimised plan spends {plan.spend} over the budget {budget}")
    seconds = time.perf_counter() - started
    return Optimized(plan, method, float(estimate), seconds, int(pool.size), details)


def _warm_starts(setup, strategy, objective, budget, k, known) -> dict:
    """``{name: (seeds, selection value)}`` for every hand-made strategy whose seed set, hired
    on ``strategy``'s terms, fits ``budget`` (and ``k``). Brand, ``none`` and redrawn plans have
    no fixed set of accounts to hire and are skipped, as are plans that fail to build."""
    from sim.campaign.pricing import price_per_post

    network, campaign = setup.network, setup.campaign
    tolerance = 1e-9 * max(abs(budget), 1.0)
    starts = {}
    for other in setup.strategies:
        if other.select in ("optimized", "brand", "none") or other.redraw != "once":
            continue
        try:
            seeds = sorted(int(v) for v in setup.plan(other).schedule.seeds)
        except (StrategyError, InputError):
            continue
        if not seeds or (k is not None and len(seeds) > k):
            continue
        if campaign is None:
            spend = float(len(seeds))
        else:
            followers = network.followers[np.asarray(seeds, dtype=np.int64)]
            spend = float(price_per_post(followers, network.n_nodes, campaign).sum())
            spend *= strategy.posts
        if spend > budget + tolerance:
            continue
        key = tuple(seeds)
        value = known[key] if key in known else objective(key)
        starts[other.name] = (seeds, float(value))
    return starts


def plan_strategies(
    setup: Setup, *, threads: int | None = None, progress: Progress | None = None
) -> list[Plan]:
    """Every strategy's plan in order, the ``optimized`` ones chosen by :func:`optimize`."""
    plans = []
    for index, strategy in enumerate(setup.strategies):
        if strategy.select != "optimized":
            plans.append(setup.plan(strategy))
            continue
        try:
            plans.append(optimize(setup, strategy, threads=threads, progress=progress).plan)
        except StrategyError as error:
            where = setup.scenario.where("strategies", index) if setup.scenario else None
            raise StrategyError(f"{where or f'strategies.{index}'}: {error}") from None
    return plans


def has_optimized(setup: Setup) -> bool:
    return any(strategy.select == "optimized" for strategy in setup.strategies)


def _threads(threads: int | None) -> int:
    if threads is None:
        import numba

        return int(numba.get_num_threads())
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InputError(f"threads: must be an integer >= 1, got {threads!r}")
    return threads
