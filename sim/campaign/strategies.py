"""From a :class:`sim.config.schema.Strategy` to a runnable plan: who posts, when, at what cost.

A plan spends the campaign budget at tier prices: candidates are ranked by the strategy and
taken in order while the budget covers them (``k`` caps the count). Spend never exceeds the
budget. The brand-account strategy adds one account, the brand, whose followers are the paid
audience it buys at a CPM; it is appended after every agent so that all other agents and edges
keep their ids, and with them their random draws (common random numbers).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.campaign.pricing import account_tiers, engagement_by_tier, price_per_post
from sim.config.schema import Campaign, Strategy, Tiers
from sim.dtypes import EDGE, NODE, VALUE
from sim.errors import InputError
from sim.model.population import AgentArrays
from sim.model.schedule import SeedSchedule
from sim.model.tiers import TIER_NAMES
from sim.network import Network
from sim.network.well_mixed import WellMixed


class StrategyError(InputError):
    """A strategy that cannot be carried out on this network and budget."""


@dataclass(frozen=True, eq=False)
class Plan:
    """A strategy made concrete for one network and population."""

    strategy: Strategy
    network: Network
    agents: AgentArrays
    schedule: SeedSchedule
    spend: float
    seeds_by_tier: dict[str, int]
    sponsored_weight: float
    notes: tuple[str, ...] = ()
    """What a strategist should know about how the plan differs from what was asked."""

    @property
    def n_seeds(self) -> int:
        return int(self.schedule.seeds.size)

    @property
    def is_brand(self) -> bool:
        return self.strategy.select == "brand"


def make_plan(
    strategy: Strategy,
    network: Network,
    agents: AgentArrays,
    campaign: Campaign | None,
    topic: str,
    rng: np.random.Generator,
) -> Plan:
    """Choose the seeds (or build the brand account) and schedule their posts."""
    weight = campaign.sponsored_weight if (campaign and strategy.sponsored) else 1.0
    if strategy.select == "brand":
        if isinstance(network, WellMixed):
            raise StrategyError(
                f"strategy {strategy.name!r}: select 'brand' adds an account with a bought "
                "audience, which a well-mixed population cannot store; seed its own agents"
            )
        return _brand_plan(strategy, network, agents, campaign, topic, rng, weight)
    if strategy.select == "none":  # outside influence only: no seeds, no spend
        schedule = SeedSchedule.build(np.zeros(0, dtype=NODE), 0, 1, 1)
        return Plan(strategy, network, agents, schedule, 0.0, dict.fromkeys(TIER_NAMES, 0), weight)
    if strategy.select == "optimized":
        raise StrategyError(
            f"strategy {strategy.name!r} (select 'optimized') is chosen by the optimiser: run "
            "it with influence-sim optimize or compare (sim.optimize.plan_strategies)"
        )
    n = network.n_nodes
    tier_spec = campaign.tiers if campaign else Tiers()
    tiers = account_tiers(network.followers, n, tier_spec)
    try:
        order = candidate_order(strategy, network, agents, topic, tiers, rng)
    except StrategyError as error:
        if strategy.tier is None or "no accounts" not in str(error):
            raise
        hint = _empty_tier_hint(strategy.tier, network, tier_spec)
        raise StrategyError(f"{error}: {hint}") from None
    if campaign is None:
        if strategy.k is None and strategy.select != "explicit":
            raise StrategyError(
                f"strategy {strategy.name!r} needs k (how many accounts) or a campaign budget"
            )
        k = order.size if strategy.k is None else strategy.k
        if k > order.size:
            raise StrategyError(
                f"strategy {strategy.name!r} asks for {k} accounts but only {order.size} qualify"
            )
        chosen = order[:k]
        spend = 0.0
        notes = ()
    else:
        cost = price_per_post(network.followers[order], n, campaign) * strategy.posts
        chosen, spend = _within_budget(strategy, order, cost, campaign)
        notes = _budget_notes(strategy, campaign, order, chosen, cost)
    return _scheduled(strategy, network, agents, campaign, tiers, chosen, spend, weight, notes)


def plan_for_seeds(
    strategy: Strategy,
    network: Network,
    agents: AgentArrays,
    campaign: Campaign | None,
    seeds: np.ndarray,
    notes: tuple[str, ...] = (),
) -> Plan:
    """The plan that hires exactly ``seeds`` (agent ids) on ``strategy``'s terms (posts,
    days, sponsorship), priced at the campaign's prices; what an optimiser scores and returns.
    The budget is the caller's to respect (the optimiser checks it)."""
    seeds = np.asarray(seeds, dtype=NODE)
    weight = campaign.sponsored_weight if (campaign and strategy.sponsored) else 1.0
    tier_spec = campaign.tiers if campaign else Tiers()
    tiers = account_tiers(network.followers, network.n_nodes, tier_spec)
    spend = 0.0
    if campaign is not None and seeds.size:
        cost = price_per_post(network.followers[seeds], network.n_nodes, campaign)
        spend = float(np.sum(cost * strategy.posts))
    return _scheduled(strategy, network, agents, campaign, tiers, seeds, spend, weight, notes)


def _scheduled(strategy, network, agents, campaign, tiers, chosen, spend, weight, notes) -> Plan:
    """Schedule the chosen accounts' posts, at their tier's engagement when the campaign has
    an engagement table."""
    schedule = SeedSchedule.build(chosen, strategy.start, strategy.posts, strategy.every)
    if campaign is not None:
        table = engagement_by_tier(campaign)
        if table is not None:
            attention = agents.attention.copy()
            attention[chosen] = table[tiers[chosen]]
            agents = dataclasses.replace(agents, attention=attention)
    counts = np.bincount(tiers[chosen], minlength=len(TIER_NAMES))
    by_tier = {name: int(count) for name, count in zip(TIER_NAMES, counts, strict=True)}
    return Plan(strategy, network, agents, schedule, spend, by_tier, weight, notes)


def candidate_order(
    strategy: Strategy,
    network: Network,
    agents: AgentArrays,
    topic: str,
    tiers: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Candidate accounts in the order the strategy would hire them (int32)."""
    select = strategy.select
    if select == "explicit" or (select == "optimized" and strategy.ids):
        try:
            return network.node_ids(np.asarray(strategy.ids, dtype=np.int64))
        except InputError as error:
            raise StrategyError(f"strategy {strategy.name!r}: {error.args[0]}") from None
    pool = np.arange(network.n_nodes)
    if strategy.tier is not None:
        pool = pool[tiers == TIER_NAMES.index(strategy.tier)]
    rank = {"top_followers": "followers", "topic": "topic", "random": "random"}.get(select)
    ordered = _ranked(pool, rank or strategy.rank, network, agents, topic, rng)
    if select == "optimized" and strategy.pool is not None:  # the optimiser's candidates
        ordered = ordered[: strategy.pool]
    if select == "communities" and network.community is not None:
        community = network.community[ordered]
        position = np.empty(ordered.size, dtype=np.int64)
        for c in np.unique(community):  # one pass per community: position within it
            members = np.flatnonzero(community == c)
            position[members] = np.arange(members.size)
        ordered = ordered[np.lexsort((community, position))]
    if ordered.size == 0:
        where = f" in tier {strategy.tier}" if strategy.tier else ""
        raise StrategyError(f"strategy {strategy.name!r}: no accounts{where} in this network")
    return ordered.astype(NODE)


def _ranked(pool, rank, network, agents, topic, rng) -> np.ndarray:
    followers = network.followers[pool]
    if rank == "random":
        return rng.permutation(pool)
    if rank == "topic":
        expertise = agents.expertise[pool, agents.topic_index(topic)]
        return pool[np.lexsort((pool, -followers, -expertise))]
    return pool[np.lexsort((pool, -followers))]


def _within_budget(strategy: Strategy, order, cost, campaign: Campaign):
    """The longest prefix of ``order`` the budget covers (capped at ``k``), and its spend."""
    affordable = int(np.searchsorted(np.cumsum(cost), campaign.budget, side="right"))
    name, currency = strategy.name, campaign.currency
    if strategy.k is not None and strategy.k > order.size:
        raise StrategyError(
            f"strategy {name!r} asks for {strategy.k} accounts but only {order.size} qualify"
        )
    if strategy.k is not None and strategy.k > affordable:
        needed = float(np.sum(cost[: strategy.k]))
        raise StrategyError(
            f"strategy {name!r} is over budget: {strategy.k} accounts x {strategy.posts} posts "
            f"cost {needed:,.0f} {currency}, the budget is {campaign.budget:,.0f} {currency}"
        )
    if affordable == 0:
        raise StrategyError(
            f"strategy {name!r}: the budget of {campaign.budget:,.0f} {currency} does not buy "
            f"one account ({cost[0]:,.0f} {currency} for the first)"
        )
    count = affordable if strategy.k is None else strategy.k
    return order[:count], float(np.sum(cost[:count]))


def _brand_plan(strategy, network, agents, campaign, topic, rng, weight) -> Plan:
    """Append the brand account, following it with the paid audience the budget buys."""
    n = network.n_nodes
    impressions = campaign.budget / strategy.cpm * 1000.0 / strategy.posts
    # impressions are bought on the platform; the network is a scaled-down sample of it
    # (capped before rounding: a tiny cpm buys "infinitely many" impressions, i.e. everyone)
    audience_share = min(float(n), impressions * n / campaign.tiers.reference_population)
    size = int(max(1, round(audience_share)))
    if strategy.audience == "interest":
        interest = agents.interest[:, agents.topic_index(topic)]
        audience = np.lexsort((rng.random(n), -interest))[:size]
    else:
        audience = rng.choice(n, size=size, replace=False)
    audience = np.sort(audience).astype(NODE)
    brand = n
    indptr = np.append(network.indptr, network.indptr[-1] + size).astype(EDGE)
    indices = np.concatenate([network.indices, audience])
    ties = np.concatenate([network.tie_values(), np.full(size, strategy.brand_tie, dtype=VALUE)])
    community = None
    if network.community is not None:
        community = np.append(network.community, network.community.max() + 1)
    labels = None
    if network.labels is not None:
        labels = np.append(network.labels, network.labels.max() + 1)
    grown = Network(indptr, indices, ties, community, labels, f"{network.name} + brand")
    topics = len(agents.topics)
    agents = AgentArrays(
        agents.topics,
        np.vstack([agents.expertise, np.full((1, topics), strategy.brand_expertise, VALUE)]),
        np.vstack([agents.interest, np.zeros((1, topics), VALUE)]),
        np.append(agents.threshold, np.inf),
        np.append(agents.min_sources, 1).astype(np.int32),
        np.append(agents.activity, 0.0).astype(VALUE),
        np.append(agents.attention, 1.0).astype(VALUE),
    )
    schedule = SeedSchedule.build(np.array([brand]), strategy.start, strategy.posts, strategy.every)
    by_tier = dict.fromkeys(TIER_NAMES, 0)
    return Plan(strategy, grown, agents, schedule, float(campaign.budget), by_tier, weight)


def _budget_notes(strategy, campaign, order, chosen, cost) -> tuple[str, ...]:
    """What the budget did to the plan that the strategist did not ask for."""
    notes = []
    free = int(np.count_nonzero(cost[: chosen.size] == 0))
    if free:
        notes.append(
            f"strategy {strategy.name!r}: {free} of its {chosen.size} accounts cost nothing at "
            "these prices, so the budget does not limit them (check campaign.prices)"
        )
    if strategy.select == "explicit" and chosen.size < order.size:
        notes.append(
            f"strategy {strategy.name!r}: the budget of {campaign.budget:,.0f} "
            f"{campaign.currency} buys {chosen.size} of the {order.size} listed ids (in the "
            f"listed order); the other {order.size - chosen.size} are not hired"
        )
    return tuple(notes)


def _empty_tier_hint(tier: str, network: Network, spec: Tiers) -> str:
    """Why a tier is empty here, with the numbers: its bounds at this network's size and the
    largest account, and which way to move ``reference_population``."""
    index = TIER_NAMES.index(tier)
    scale = network.n_nodes / spec.reference_population
    bounds = [0.0, *(b * scale for b in spec.boundaries), np.inf]
    low, high = bounds[index], bounds[index + 1]
    most = int(network.followers.max()) if network.n_nodes else 0
    span = f"at least {low:,.0f}" if high == np.inf else f"{low:,.0f} to under {high:,.0f}"
    if most < low:
        move = "raise campaign.tiers.reference_population (or lower the boundaries)"
    else:
        move = "lower campaign.tiers.reference_population (or raise the boundaries)"
    return (
        f"{tier} means {span} followers in a network of {network.n_nodes:,} agents "
        f"(boundaries {list(spec.boundaries)} on a platform of {spec.reference_population:,.0f}"
        f" accounts, scaled), and the most-followed account has {most:,}; {move}"
    )
