"""Who is cost-effective when a post's price rises with follower count (Bakshy et al. 2011)?

The world: a 50,000-agent follower graph read as a sample of a 10^7-account platform (the
engine's tiers), one budget, four plans (hire mega, macro, micro or nano accounts, most expert
first), and a per-account power-law price ``10,000 * (platform followers / 10^6) ** beta``
(beta = 1 is the engine's ``PerFollowerPrice(0.01)``). The engine has no per-account power law,
so prices are computed here, every plan is hired with the engine's rule (the longest ranked
prefix the budget covers) and handed to the engine as ``select: explicit`` seeds with zero
engine prices. Every plan runs on the same replication keys, so comparisons are paired.

With organic adopters ~ followers ** gamma (:func:`elasticity`), cost per adopter goes as
followers ** (beta - gamma): big accounts are cheaper below beta = gamma, ordinary ones above.

References: E. Bakshy, J. M. Hofman, W. A. Mason & D. J. Watts (2011), Everyone's an
influencer, WSDM 65-74; D. J. Watts & P. S. Dodds (2007), Influentials, networks, and public
opinion formation, *Journal of Consumer Research* 34(4):441-458.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.campaign.pricing import RATE_CARD_PRICES, SURVEY_POINTS, account_tiers, platform_followers
from sim.campaign.strategies import candidate_order
from sim.config import (
    Attention,
    Campaign,
    Dynamics,
    GeneratedNetwork,
    Population,
    Strategy,
    TierPrices,
    TopicProfile,
)
from sim.model import replication_keys
from sim.model.tiers import TIER_NAMES
from sim.runner import Setup, prepare

N_AGENTS = 50_000
SEED = 2011
BUDGET = 20_000.0
ANCHOR_FOLLOWERS = 1_000_000.0
"""Platform followers at which every price curve passes through ANCHOR_PRICE."""
ANCHOR_PRICE = 10_000.0
"""The rate card's celebrity post; at beta = 1 this is $0.01 per follower."""
HIRE_FLOOR = 1_000.0
"""Platform followers an account needs to be hired (the industry's nano tier starts at 1k)."""
BIG = ("mega", "macro")
ORDINARY = ("micro", "nano")
STEPS = 30
BETAS_FULL = np.round(np.arange(0.30, 1.5001, 0.05), 2)
BETAS_QUICK = np.round(np.arange(0.30, 1.5001, 0.10), 2)
ZERO_PRICES = TierPrices(tiers=dict.fromkeys(TIER_NAMES, 0.0))


@dataclass(frozen=True)
class Settings:
    """One world: the network, the population and dynamics, the budget and the hiring rule."""

    network_seed: int = SEED
    attention: float = 0.06
    """Organic attention: power law ``value * (followers / mean) ** -0.3`` (the flagship's
    shape, scaled down so that word of mouth is subcritical, as on Twitter, where most
    cascades stop at the seed)."""
    engagement: str | float = "rate_card"
    """Chance a follower sees a paid post: the rate card by tier (4% nano .. 1.7% mega) or one
    value for every tier."""
    budget: float = BUDGET
    rank: str = "topic"
    n_agents: int = N_AGENTS


@dataclass
class World:
    """A prepared setup plus the follower facts the pricing needs."""

    settings: Settings
    setup: Setup
    platform: np.ndarray
    tiers: np.ndarray
    orders: dict[str, np.ndarray]
    """Hireable accounts of each tier in hiring order (most expert first)."""


def build_world(settings: Settings = Settings()) -> World:
    """The follower graph, population and dynamics of one setting (seeded, reproducible)."""
    engagement = (
        "rate_card"
        if settings.engagement == "rate_card"
        else dict.fromkeys(TIER_NAMES, float(settings.engagement))
    )
    setup = prepare(
        network=GeneratedNetwork(
            generator="follower_graph",
            n=settings.n_agents,
            mean_following=20,
            ties={"dist": "beta", "a": 4, "b": 2},
        ),
        population=Population(
            expertise=TopicProfile(home={"dist": "beta", "a": 4, "b": 2}),
            interest=TopicProfile(home={"dist": "beta", "a": 5, "b": 2}),
            activity=1.0,
            attention=Attention(mode="power_law", value=settings.attention, exponent=0.3),
        ),
        dynamics=Dynamics(rule="cascade", active_steps=1),
        campaign=Campaign(
            budget=settings.budget,
            prices=ZERO_PRICES,
            engagement=engagement,
            sponsored_weight=0.7,
        ),
        strategies=[Strategy(name="placeholder", select="top_followers", k=1)],
        steps=STEPS,
        seed=settings.network_seed,
    )
    network, campaign = setup.network, setup.campaign
    followers, n = network.followers, network.n_nodes
    platform = platform_followers(followers, n, campaign.tiers)
    tiers = account_tiers(followers, n, campaign.tiers)
    orders = {}
    for tier in TIER_NAMES:
        strategy = Strategy(name=tier, select="tier", tier=tier, rank=settings.rank)
        order = candidate_order(
            strategy, network, setup.agents, setup.topic, tiers, np.random.default_rng(0)
        )
        orders[tier] = order[platform[order] >= HIRE_FLOOR]
    return World(settings, setup, platform, tiers, orders)


def power_law_price(platform: np.ndarray, beta: float) -> np.ndarray:
    """Price per post of accounts with ``platform`` followers: anchor * (F / 10^6) ** beta."""
    return ANCHOR_PRICE * (np.asarray(platform, dtype=np.float64) / ANCHOR_FOLLOWERS) ** beta


def hire(order: np.ndarray, price: np.ndarray, budget: float) -> tuple[np.ndarray, float]:
    """The engine's rule: the longest prefix of ``order`` whose prices the budget covers."""
    count = int(np.searchsorted(np.cumsum(price), budget, side="right"))
    return order[:count], float(price[:count].sum())


def organic_adopters(world: World, seeds: np.ndarray, keys: np.ndarray, threads: int = 2):
    """Organic adopters (paid seeds excluded) of one plan, one value per replication key."""
    setup = world.setup
    if seeds.size == 0:
        return np.zeros(keys.size)
    plan = setup.plan(Strategy(name="plan", select="explicit", ids=seeds.tolist()))
    return setup.simulation(plan).spread(keys, threads=threads).organic.astype(np.float64)


def sweep(world: World, betas, replications: int, threads: int = 2):
    """Run every (beta, tier) plan on the same replication keys (common random numbers).

    Returns ``plans`` (one row per beta and tier: seeds, spend, median platform followers of
    the hired accounts) and ``adopters``, an array (betas, tiers, replications).
    """
    keys = replication_keys(world.settings.network_seed, replications)
    cache: dict[bytes, np.ndarray] = {}
    rows = []
    adopters = np.zeros((len(betas), len(TIER_NAMES), replications))
    for b, beta in enumerate(betas):
        for t, tier in enumerate(TIER_NAMES):
            order = world.orders[tier]
            chosen, spend = hire(
                order, power_law_price(world.platform[order], beta), world.settings.budget
            )
            key = np.sort(chosen).tobytes()
            if key not in cache:
                cache[key] = organic_adopters(world, chosen, keys, threads)
            adopters[b, t] = cache[key]
            rows.append(
                {
                    "beta": float(beta),
                    "tier": tier,
                    "seeds": int(chosen.size),
                    "spend": spend,
                    "median_followers": float(np.median(world.platform[chosen]))
                    if chosen.size
                    else np.nan,
                }
            )
    return pd.DataFrame(rows), adopters


def cost_table(plans: pd.DataFrame, adopters: np.ndarray, betas, boot: np.ndarray):
    """Cost per organic adopter by beta and tier, with paired percentile bootstrap intervals.

    ``boot`` (B, R) holds the resampled replication indices, the same for every plan."""
    spend = plans["spend"].to_numpy().reshape(len(betas), len(TIER_NAMES))
    mean = adopters.mean(axis=2)
    resampled = adopters[:, :, boot].mean(axis=3)  # (betas, tiers, B)
    with np.errstate(divide="ignore"):
        cost = np.where(mean > 0, spend / np.where(mean > 0, mean, 1), np.inf)
        boot_cost = spend[:, :, None] / resampled
    low, high = np.quantile(boot_cost, [0.025, 0.975], axis=2, method="inverted_cdf")
    sd = adopters.std(axis=2, ddof=1) / np.sqrt(adopters.shape[2])
    table = plans.copy()
    table["adopters"] = mean.ravel()
    table["adopters_se"] = sd.ravel()
    table["cost_per_adopter"] = cost.ravel()
    table["cost_low"] = low.ravel()
    table["cost_high"] = high.ravel()
    cheapest = np.argmin(cost, axis=1)
    table["cheapest"] = (np.arange(len(TIER_NAMES))[None, :] == cheapest[:, None]).ravel()
    return table, boot_cost


def gap(cost: np.ndarray) -> np.ndarray:
    """log(cheapest ordinary cost / cheapest big cost) per beta: > 0 while big accounts win.

    ``cost`` has shape (betas, tiers, ...)."""
    big = [TIER_NAMES.index(t) for t in BIG]
    ordinary = [TIER_NAMES.index(t) for t in ORDINARY]
    return np.log(cost[:, ordinary].min(axis=1)) - np.log(cost[:, big].min(axis=1))


def crossing(betas, values: np.ndarray) -> float:
    """First beta where ``values`` turns from >= 0 to < 0 (linear interpolation), else NaN."""
    betas = np.asarray(betas, dtype=np.float64)
    for k in range(len(betas) - 1):
        a, b = values[k], values[k + 1]
        if a >= 0 > b:
            return float(betas[k] + (betas[k + 1] - betas[k]) * a / (a - b))
    return np.nan


def flip_point(betas, table: pd.DataFrame, boot_cost: np.ndarray):
    """The beta where the cheapest tier flips from big to ordinary, with a bootstrap interval."""
    cost = table["cost_per_adopter"].to_numpy().reshape(len(betas), len(TIER_NAMES))
    point = crossing(betas, gap(cost))
    gaps = gap(boot_cost)  # (betas, B)
    draws = np.array([crossing(betas, gaps[:, k]) for k in range(gaps.shape[1])])
    found = draws[np.isfinite(draws)]
    low, high = np.quantile(found, [0.025, 0.975]) if found.size else (np.nan, np.nan)
    return point, float(low), float(high), float(found.size / draws.size)


def paired_log_ratio(spend_a, adopters_a, spend_b, adopters_b, boot: np.ndarray):
    """log(cost per adopter of a / of b), point and paired bootstrap 95% interval."""
    point = np.log(spend_a / adopters_a.mean()) - np.log(spend_b / adopters_b.mean())
    draws = np.log(spend_a / adopters_a[boot].mean(axis=1)) - np.log(
        spend_b / adopters_b[boot].mean(axis=1)
    )
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(point), float(low), float(high)


def beta_index(betas, beta: float) -> int:
    """Position of ``beta`` in the grid ``betas``."""
    return int(np.flatnonzero(np.isclose(betas, beta))[0])


def tier_log_ratio(betas, plans: pd.DataFrame, adopters: np.ndarray, boot, beta, a: str, b: str):
    """log(cost per adopter of tier ``a`` / of tier ``b``) at ``beta`` from a :func:`sweep`
    (``plans`` or the :func:`cost_table` built on it), paired bootstrap 95% interval."""
    i, ta, tb = beta_index(betas, beta), TIER_NAMES.index(a), TIER_NAMES.index(b)
    spend = plans["spend"].to_numpy().reshape(len(betas), len(TIER_NAMES))
    return paired_log_ratio(spend[i, ta], adopters[i, ta], spend[i, tb], adopters[i, tb], boot)


# ---------------------------------------------------------------------------- single seeds
def single_seeds(world: World, per_tier: int, replications: int, threads: int = 2):
    """Bakshy-style: expected organic adopters of single seeds across the follower range.

    Samples up to ``per_tier`` hireable accounts per tier (all of a smaller tier) and runs each
    alone. Returns one row per account: tier, platform followers, mean organic adopters."""
    rng = np.random.default_rng(np.random.SeedSequence(world.settings.network_seed, spawn_key=(9,)))
    keys = replication_keys(world.settings.network_seed + 1, replications)
    rows = []
    for tier in TIER_NAMES:
        pool = world.orders[tier]
        chosen = pool if pool.size <= per_tier else rng.choice(pool, per_tier, replace=False)
        for account in chosen:
            y = organic_adopters(world, np.array([account]), keys, threads)
            rows.append(
                {
                    "tier": tier,
                    "account": int(account),
                    "followers": float(world.platform[account]),
                    "adopters": float(y.mean()),
                }
            )
    return pd.DataFrame(rows)


def elasticity(seeds: pd.DataFrame, boot: int = 1000, seed: int = 0):
    """Slope gamma of log(mean adopters) on log(followers) over accounts, bootstrap interval."""
    data = seeds[seeds["adopters"] > 0]
    x, y = np.log(data["followers"].to_numpy()), np.log(data["adopters"].to_numpy())
    gamma, intercept = np.polyfit(x, y, 1)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(boot):
        k = rng.integers(0, x.size, x.size)
        draws.append(np.polyfit(x[k], y[k], 1)[0])
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(gamma), float(intercept), float(low), float(high), int(len(seeds) - len(data))


# ---------------------------------------------------------------------------- reference betas
def implied_exponents() -> dict[str, float]:
    """Price exponents implied by the engine's price presets (see docs/pricing.md)."""
    mids = np.array([10**3.5, 10**4.5, 10**5.5, 10**6.5])  # geometric middle of each tier
    prices = np.array([RATE_CARD_PRICES[t] for t in TIER_NAMES])
    rate_card = np.polyfit(np.log(mids), np.log(prices), 1)[0]
    (x0, y0), (x1, y1) = SURVEY_POINTS
    survey = np.log(y1 / y0) / np.log(x1 / x0)
    return {"survey": float(survey), "rate card": float(rate_card), "per follower": 1.0}


# ---------------------------------------------------------------------------- sensitivity
def sensitivity_rows(variants, threads: int, seed: int, verbose: bool = True):
    """Flip point, cheapest tiers at beta 0.3 and 1.0, and the mega and nano plans' adopters
    at beta 1, for each ``(name, settings, replications)`` variant."""
    rows = []
    betas = BETAS_QUICK
    one = beta_index(betas, 1.0)
    for name, settings, replications in variants:
        world = build_world(settings)
        plans, adopters = sweep(world, betas, replications, threads)
        boot = np.random.default_rng(seed).integers(0, replications, (1000, replications))
        table, boot_cost = cost_table(plans, adopters, betas, boot)
        point, low, high, _ = flip_point(betas, table, boot_cost)
        cheap = table[table["cheapest"]].set_index("beta")["tier"]
        mega, nano = (adopters[one, TIER_NAMES.index(t)].mean() for t in ("mega", "nano"))
        rows.append((name, point, low, high, cheap.loc[0.3], cheap.loc[1.0], mega, nano))
        if verbose:
            print(f"  {name}: flip {point:.2f} [{low:.2f}, {high:.2f}]", flush=True)
    return rows
