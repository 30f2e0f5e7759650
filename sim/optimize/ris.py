"""Reverse influence sampling (RIS) for the ``cascade`` rule: IMM sample sizes, budgeted coverage.

Sample sizes follow IMM (Tang, Shi & Xiao 2015, "Influence maximization in near-linear time: a
martingale approach", SIGMOD): a lower bound on the optimum from doubling rounds, then
``theta = lambda* / LB`` RR sets, so that with unit costs the greedy cover of ``k`` seeds is
within ``1 - 1/e - epsilon`` of the best ``k``-set with probability at least ``1 - 1/n``. As
Chen (2018, "An issue in the martingale analysis of the influence maximization algorithm IMM")
pointed out, reusing the bound-finding sets in the final selection breaks the martingale
argument; here the final ``theta`` sets are drawn afresh on their own key.

Money budgets: candidates have prices, so the number of seeds is not fixed. The sets are sized
as IMM for ``k_max``, the most accounts the budget could buy (the cheapest first), and the
plan is the best of cost-benefit greedy, unit-cost greedy and the best single seed on RR-set
coverage, which is within ``(1 - 1/e) / 2`` of the best affordable set on the sampled coverage
(Khuller, Moss & Naor 1999; Leskovec et al. 2007), itself within ``epsilon`` of the spread in
the sense of IMM's concentration bounds. The expected adopters the CLI reports come from fresh
Monte-Carlo replications of the engine.

Roots are uniform over all agents; candidates outside the pool never enter a set, so the
cover chooses among the pool only.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.campaign.pricing import account_tiers, engagement_by_tier
from sim.config.schema import Strategy
from sim.kernels import rr_sets
from sim.model import streams
from sim.runner.prepare import Setup

BATCH = 4096
"""RR sets per kernel call (one call per thread and round)."""


def unsupported_reason(setup: Setup) -> str | None:
    """Why RIS cannot model this setup (None when it can): RR sets need a live-edge world,
    i.e. the ``cascade`` rule with ties that neither decay nor grow and no external influence."""
    p = setup.params
    if p.rule != "cascade":
        return f"needs the cascade rule (this scenario uses {p.rule!r})"
    if p.tie_half_life is not None or p.reinforcement > 0:
        return "needs ties that neither decay nor grow (tie_half_life null, reinforcement 0)"
    if p.external_p > 0:
        return "needs no external influence (external_p 0)"
    if p.timed:
        return "needs posts seen on the step they are made (no delays)"
    history = getattr(setup.network, "history", None)
    if history is not None and history.changes_ties:
        return "needs ties that last the whole run (no churn or time columns)"
    return None


class RRSets:
    """RR sets drawn on one key, grown on demand (amortised doubling buffers): ``indptr``
    int64 (S + 1,) and ``members`` int32 views of the sets drawn so far."""

    def __init__(self, sampler: Sampler, key: np.uint64):
        self.sampler = sampler
        self.key = key
        self._indptr = np.zeros(1024, dtype=np.int64)
        self._members = np.zeros(4096, dtype=np.int32)
        self.count = 0

    @property
    def indptr(self) -> np.ndarray:
        return self._indptr[: self.count + 1]

    @property
    def members(self) -> np.ndarray:
        return self._members[: self._indptr[self.count]]

    def extend(self, total: int) -> None:
        """Draw sets until there are ``total``."""
        if total <= self.count:
            return
        sizes, members = self.sampler.draw(self.key, self.count, total - self.count)
        used = int(self._indptr[self.count])
        self._indptr = _fit(self._indptr, total + 1)
        self._members = _fit(self._members, used + members.size)
        np.cumsum(sizes, out=self._indptr[self.count + 1 : total + 1])
        self._indptr[self.count + 1 : total + 1] += used
        self._members[used : used + members.size] = members
        self.count = total

    def nbytes(self) -> int:
        """Memory of the sets and of the agent -> sets index built to cover them."""
        return int(self.indptr.nbytes + self.members.nbytes * 3 + 8 * (self.sampler.n + 1))

    def inverted(self) -> tuple[np.ndarray, np.ndarray]:
        """For each agent the sets that hold it: ``node_ptr`` int64 (N + 1,), ``node_sets``
        int64."""
        return rr_sets.invert(self.indptr, self.members, self.sampler.n)


def _fit(buffer: np.ndarray, size: int) -> np.ndarray:
    """``buffer`` itself when it holds ``size`` entries, else a copy at least twice as big."""
    if size <= buffer.size:
        return buffer
    grown = np.empty(max(size, 2 * buffer.size), dtype=buffer.dtype)
    grown[: buffer.size] = buffer
    return grown


class Sampler:
    """The arrays RR sets are drawn from, for one setup and strategy (see
    :mod:`sim.kernels.rr_sets`)."""

    def __init__(self, setup: Setup, strategy: Strategy, pool: np.ndarray, threads: int = 1):
        network, agents, campaign = setup.network, setup.agents, setup.campaign
        c = agents.topic_index(setup.topic)
        self.n = network.n_nodes
        self.threads = max(1, int(threads))
        rindptr, rsources, redges = network.reverse_index()
        self.rindptr = np.ascontiguousarray(rindptr, dtype=np.int64)
        self.rsources = np.ascontiguousarray(rsources, dtype=np.int32)
        self.redges = np.ascontiguousarray(redges, dtype=np.int64)
        sources = network.edge_sources()
        expertise = agents.expertise[:, c].astype(np.float64)
        interest = agents.interest[:, c].astype(np.float64)
        trust = network.tie_values().astype(np.float64) * expertise[sources]
        self.trust = trust * interest[network.indices]
        self.activity = agents.activity.astype(np.float64)
        self.attention = agents.attention.astype(np.float64)
        p = setup.params
        self.active_steps = (
            setup.steps if p.active_steps is None else min(p.active_steps, setup.steps)
        )
        seed_attention = self.attention.copy()
        if campaign is not None:
            table = engagement_by_tier(campaign)
            if table is not None:
                tiers = account_tiers(network.followers, self.n, campaign.tiers)
                seed_attention = table[tiers].astype(np.float64)
        self.seed_seen = np.zeros(self.n)
        pool = np.asarray(pool, dtype=np.int64)
        self.seed_seen[pool] = 1.0 - (1.0 - seed_attention[pool]) ** strategy.posts
        sponsored = campaign is not None and strategy.sponsored
        self.sponsored_weight = float(campaign.sponsored_weight) if sponsored else 1.0
        self._scratch: dict[int, list[tuple[np.ndarray, ...]]] = {}

    def draw(self, key: np.uint64, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Sets ``first .. first + count - 1`` of ``key``: sizes and members."""
        parts = max(1, min(self.threads, count // 256))
        bounds = np.linspace(first, first + count, parts + 1).astype(np.int64)
        scratch = self._scratch.setdefault(int(key), [])
        while len(scratch) < parts:
            scratch.append(
                (np.zeros(self.n, np.int64), np.zeros(self.n, np.int64), np.zeros(self.n, np.int32))
            )

        def one(i):
            lo, hi = int(bounds[i]), int(bounds[i + 1])
            out_sizes, out_members = [], []
            for start in range(lo, hi, BATCH):
                size = min(BATCH, hi - start)
                sizes, members = rr_sets.sample_sets(
                    np.uint64(key), start, size, self.n, self.rindptr, self.rsources,
                    self.redges, self.trust, self.activity, self.attention, self.active_steps,
                    self.seed_seen, self.sponsored_weight, *scratch[i],
                )  # fmt: skip
                out_sizes.append(sizes)
                out_members.append(members)
            return np.concatenate(out_sizes), np.concatenate(out_members)

        if parts == 1:
            results = [one(0)]
        else:
            with ThreadPoolExecutor(parts) as executor:
                results = list(executor.map(one, range(parts)))
        return (
            np.concatenate([r[0] for r in results]),
            np.concatenate([r[1] for r in results]),
        )


@dataclass(frozen=True)
class Cover:
    """A budgeted greedy cover: seeds, sets covered, spend and the rule that won."""

    seeds: list[int]
    covered: int
    spend: float
    rule: str


def budgeted_cover(sets: RRSets, cost: np.ndarray, budget: float, k: int | None) -> Cover:
    """Best of cost-benefit greedy, unit-cost greedy and the best single seed on coverage.
    ``cost`` float64 (N,) with inf outside the pool."""
    node_ptr, node_sets = sets.inverted()
    cap = -1 if k is None else int(k)
    found = []
    finite = cost[np.isfinite(cost)]
    uniform = finite.size == 0 or bool(np.all(finite == finite[0]))
    rules = (("unit-cost", False),) if uniform else (("cost-benefit", True), ("unit-cost", False))
    for rule, by_ratio in rules:  # with equal prices the two greedy rules coincide
        seeds, covered = rr_sets.greedy_cover(
            sets.indptr, sets.members, node_ptr, node_sets, cost, float(budget), cap, by_ratio
        )
        found.append(Cover(seeds.tolist(), int(covered.sum()), float(cost[seeds].sum()), rule))
    counts = np.diff(node_ptr).astype(np.float64)
    counts[cost > budget] = -1
    best = int(np.argmax(counts))
    if counts[best] > 0:
        found.append(Cover([best], int(counts[best]), float(cost[best]), "single"))
    return max(found, key=lambda c: (c.covered, -c.spend))


@dataclass(frozen=True)
class RISResult:
    seeds: list[int]
    estimate: float
    details: dict


def ris_plan(
    setup: Setup,
    strategy: Strategy,
    pool: np.ndarray,
    cost: np.ndarray,
    budget: float,
    k: int | None,
    epsilon: float,
    threads: int,
    progress=None,
    ell: float = 1.0,
) -> RISResult:
    """IMM-sized RR sets and the budgeted cover over them (see the module docstring)."""
    started = time.perf_counter()
    sampler = Sampler(setup, strategy, pool, threads)
    n = sampler.n
    full_cost = np.full(n, np.inf)
    full_cost[pool] = cost
    k_max = int(np.searchsorted(np.cumsum(np.sort(cost)), budget, side="right"))
    k_max = max(1, min(k_max, pool.size, k if k is not None else pool.size))
    keys = streams.optimizer_keys(setup.seed, streams.RR_SETS, strategy.name, 2)
    bound_sets = RRSets(sampler, keys[0])
    theta, lower = imm_sizes(n, pool.size, k_max, epsilon, ell, bound_sets, full_cost, budget, k)
    if progress is not None:
        progress("ris", bound_sets.count, theta)
    final = RRSets(sampler, keys[1])
    step = max(BATCH * sampler.threads, theta // 20)
    while final.count < theta:
        final.extend(min(theta, final.count + step))
        if progress is not None:
            progress("ris", final.count, theta)
    cover = budgeted_cover(final, full_cost, budget, k)
    unit = bool(np.all(cost == cost[0]))
    spread = n * cover.covered / final.count
    details = {
        "epsilon": epsilon,
        "ell": ell,
        "k_max": k_max,
        "rule": cover.rule,
        "rr_sets": final.count,
        "bound_sets": bound_sets.count,
        "mean_set_size": float(final.members.size / max(final.count, 1)),
        "bytes": final.nbytes(),
        "lower_bound": lower,
        "spread_estimate": spread,
        "guarantee": (
            f"1 - 1/e - {epsilon:g} (unit costs, k = {min(k_max, len(cover.seeds) or 1)})"
            if unit
            else "(1 - 1/e) / 2 on the sampled coverage (money budget)"
        ),
        "seconds": time.perf_counter() - started,
    }
    return RISResult(sorted(cover.seeds), spread - len(cover.seeds), details)


def log_binomial(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm_sizes(
    n: int,
    pool: int,
    k: int,
    epsilon: float,
    ell: float,
    sets: RRSets,
    cost: np.ndarray,
    budget: float,
    cap: int | None,
) -> tuple[int, float]:
    """IMM's final sample size ``theta`` and the lower bound ``LB`` on the optimum found by
    its doubling rounds on ``sets`` (Tang, Shi & Xiao 2015, Algorithm 2), with the number of
    candidate sets ``C(pool, k)`` in place of ``C(n, k)``."""
    ell = ell * (1 + math.log(2) / math.log(n))
    log_c = log_binomial(pool, k)
    eps1 = math.sqrt(2) * epsilon
    lam1 = (2 + 2 * eps1 / 3) * (log_c + ell * math.log(n) + math.log(math.log2(n))) * n / eps1**2
    lower = 1.0
    for i in range(1, max(2, int(math.log2(n)))):
        x = n / 2**i
        sets.extend(math.ceil(lam1 / x))
        found = budgeted_cover(sets, cost, budget, cap)
        if n * found.covered / sets.count >= (1 + eps1) * x:
            lower = n * found.covered / sets.count / (1 + eps1)
            break
    e = 1 - 1 / math.e
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(e * (log_c + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * (e * alpha + beta) ** 2 / epsilon**2
    return math.ceil(lam_star / lower), lower
