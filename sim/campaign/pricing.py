"""What influencer posts cost, and how many followers see them, by follower tier.

Defaults (per post, US dollars), with sources in docs/pricing.md:

- ``rate_card``: nano ~$100, micro ~$500, macro ~$5,000, mega ~$10,000+ per post, the typical
  figures of public influencer rate cards; engagement falls with follower count, ~4% nano,
  2.4% micro, 1.8% macro, 1.7% mega.
- ``survey``: a published per-post survey, ~$86 for accounts under 1,000 followers rising to
  ~$763 over 100,000: far flatter than rate cards, which favours big accounts.
- ``per_follower``: a price proportional to followers (e.g. $0.01 per follower), or a power
  of followers with ``exponent``.

Follower counts are read at platform scale (followers x reference population / network size),
the same scaling as the tiers, so a 10^5-agent network prices its "celebrity" like one.
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import Campaign, PerFollowerPrice, TierPrices, Tiers
from sim.errors import InputError
from sim.model.tiers import TIER_NAMES, tier_of

RATE_CARD_PRICES = {"nano": 100.0, "micro": 500.0, "macro": 5_000.0, "mega": 10_000.0}
RATE_CARD_ENGAGEMENT = {"nano": 0.04, "micro": 0.024, "macro": 0.018, "mega": 0.017}
SURVEY_POINTS = ((1_000.0, 86.0), (100_000.0, 763.0))
"""(platform followers, price per post): log-linear between the points, flat outside."""


def platform_followers(followers: np.ndarray, n_nodes: int, tiers: Tiers) -> np.ndarray:
    """Follower counts scaled to the reference platform (float64)."""
    return np.asarray(followers, dtype=np.float64) * (tiers.reference_population / n_nodes)


def account_tiers(followers: np.ndarray, n_nodes: int, tiers: Tiers) -> np.ndarray:
    """Tier index (0 nano .. 3 mega) of each account, int8."""
    return tier_of(followers, n_nodes, tiers.boundaries, tiers.reference_population)


def price_per_post(followers: np.ndarray, n_nodes: int, campaign: Campaign) -> np.ndarray:
    """What one campaign post by each account costs, in the campaign's currency (float64)."""
    tiers = account_tiers(followers, n_nodes, campaign.tiers)
    scaled = platform_followers(followers, n_nodes, campaign.tiers)
    prices = campaign.prices
    if prices == "rate_card":
        price = _by_tier(RATE_CARD_PRICES, tiers)
    elif prices == "survey":
        (x0, y0), (x1, y1) = SURVEY_POINTS
        position = np.clip((np.log(np.maximum(scaled, 1.0)) - np.log(x0)) / np.log(x1 / x0), 0, 1)
        price = np.exp(np.log(y0) + position * np.log(y1 / y0))
    elif isinstance(prices, TierPrices):
        price = _by_tier(prices.tiers, tiers)
    elif isinstance(prices, PerFollowerPrice):
        relative = scaled / prices.anchor
        price = prices.per_follower * prices.anchor * relative**prices.exponent
        price = np.maximum(price, prices.minimum)
    else:
        raise InputError(f"unknown price model {prices!r}")
    scale = campaign.price_scale
    if isinstance(scale, dict):
        price = price * _by_tier({name: scale.get(name, 1.0) for name in TIER_NAMES}, tiers)
    else:
        price = price * scale
    return price


def engagement_by_tier(campaign: Campaign) -> np.ndarray | None:
    """Chance a follower sees a campaign post, for each tier (nano..mega), or None."""
    table = campaign.engagement
    if table is None:
        return None
    if table == "rate_card":
        table = RATE_CARD_ENGAGEMENT
    return np.array([table.get(name, RATE_CARD_ENGAGEMENT[name]) for name in TIER_NAMES])


def _by_tier(table: dict, tiers: np.ndarray) -> np.ndarray:
    return np.array([table[name] for name in TIER_NAMES], dtype=np.float64)[tiers]
