"""What the optimiser maximises: expected organic adopters of a plan, on common random numbers.

:class:`PlanObjective` turns a set of agent ids into the plan that hires exactly them on the
optimised strategy's terms (posts, days, sponsorship, tier engagement, prices:
:func:`sim.campaign.strategies.plan_for_seeds`), runs it with the engine on fixed selection
keys and returns the mean organic adopters (adopters who were not seeds). Every set is scored
on the same keys, so two sets differ only in their seeds (common random numbers), and the whole
model is in the objective: topic trust, decay, attention, sponsored weight, posting schedule
and any rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.campaign.pricing import account_tiers, price_per_post
from sim.campaign.strategies import Plan, StrategyError, candidate_order, plan_for_seeds
from sim.config.schema import Strategy, Tiers
from sim.model import streams
from sim.model.tiers import TIER_NAMES
from sim.runner.prepare import Setup


class PlanObjective:
    """Mean organic adopters of the plan hiring a set of agents, over fixed keys.

    Parameters
    ----------
    setup : Setup
        The prepared scenario (network, population, parameters, campaign).
    strategy : Strategy
        The ``optimized`` strategy whose terms (posts, start, every, sponsored) every plan
        takes.
    keys : numpy.ndarray
        uint64 selection keys (:func:`sim.model.streams.optimizer_keys`).
    threads : int
        Threads per engine run (the numbers do not depend on it).
    """

    def __init__(self, setup: Setup, strategy: Strategy, keys: np.ndarray, threads: int = 1):
        self.setup = setup
        self.strategy = strategy
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.threads = threads
        self.runs = 0

    def plan(self, seeds: Sequence[int], notes: tuple[str, ...] = ()) -> Plan:
        setup = self.setup
        ids = np.asarray(sorted(int(v) for v in seeds), dtype=np.int64)
        return plan_for_seeds(
            self.strategy, setup.network, setup.agents, setup.campaign, ids, notes
        )

    def samples(self, seeds: Sequence[int]) -> np.ndarray:
        """Organic adopters of each selection replication (float64 (R,))."""
        simulation = self.setup.simulation(self.plan(seeds))
        self.runs += 1
        return simulation.spread(self.keys, threads=self.threads).organic.astype(float)

    def __call__(self, seeds: Sequence[int]) -> float:
        return float(self.samples(seeds).mean())


def candidates_and_costs(setup: Setup, strategy: Strategy) -> tuple[np.ndarray, np.ndarray]:
    """The strategy's candidate pool (agent ids, int64, in the strategy's ranked order) and
    each one's price for the strategy's posts (float64; ones without a campaign)."""
    network = setup.network
    campaign = setup.campaign
    tier_spec = campaign.tiers if campaign else Tiers()
    tiers = account_tiers(network.followers, network.n_nodes, tier_spec)
    rng = streams.strategy_generator(setup.seed, strategy.name)
    if strategy.tiers is not None:
        pool = _tier_pools(strategy, setup, tiers, rng)
    else:
        pool = candidate_order(strategy, network, setup.agents, setup.topic, tiers, rng)
        pool = pool.astype(np.int64)
    pool = np.unique(pool) if strategy.ids else pool  # an explicit list may repeat ids
    if campaign is None:
        return pool, np.ones(pool.size)
    cost = price_per_post(network.followers[pool], network.n_nodes, campaign) * strategy.posts
    return pool, cost


def _tier_pools(strategy: Strategy, setup: Setup, tiers: np.ndarray, rng) -> np.ndarray:
    """A multi-tier pool (``tiers``): the top ``pool`` (or the tier's own count; all of it when
    neither is given) by ``rank`` within each listed tier, in the listed order; a tier with no
    accounts in this network adds none."""
    counts = {tier: strategy.pool if n is None else n for tier, n in strategy.tiers.items()}
    parts = []
    for tier, count in counts.items():
        if not (tiers == TIER_NAMES.index(tier)).any():
            continue
        single = strategy.model_copy(update={"tiers": None, "tier": tier, "pool": count})
        order = candidate_order(single, setup.network, setup.agents, setup.topic, tiers, rng)
        parts.append(order.astype(np.int64))
    if not parts:
        raise StrategyError(
            f"strategy {strategy.name!r}: no accounts in tiers {list(counts)} in this network"
        )
    return np.concatenate(parts)
