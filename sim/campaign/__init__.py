"""The campaign layer: follower tiers and prices, and strategies made into concrete plans
(who posts, when, at what cost) on one network and population."""

from sim.campaign.pricing import account_tiers, engagement_by_tier, price_per_post
from sim.campaign.strategies import Plan, StrategyError, candidate_order, make_plan

__all__ = [
    "Plan",
    "StrategyError",
    "account_tiers",
    "candidate_order",
    "engagement_by_tier",
    "make_plan",
    "price_per_post",
]
