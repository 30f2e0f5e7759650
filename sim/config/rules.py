"""Cross-field rules of a scenario, for YAML files and Python callers alike.

A single section can be checked on its own (pydantic does that in :mod:`sim.config.schema`);
these rules need several: a strategy without a campaign needs ``k``, every post falls within the
run, strategy names are distinct, the campaign topic is one of the population's. The scenario
validator and :func:`sim.runner.prepare.prepare` both call :func:`check_parts`, so a Python
caller gets the same one-line message as a YAML file. Each message starts with the key path it
is about (``strategies.1: ...``), which the gate turns into a file line.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.config.base import Constant, as_distribution
from sim.errors import InputError
from sim.model.well_mixed import refusal
from sim.network.well_mixed import WellMixed

WELL_MIXED_STRATEGIES = ("tier", "topic", "top_followers", "random", "communities", "explicit")
"""Seeding a well-mixed population can use (besides ``none`` and ``optimized`` with CELF)."""


def check_parts(
    strategies: Sequence,
    campaign,
    steps: int,
    topics: Sequence[str],
    external_p: float | None = None,
) -> None:
    """Raise :class:`~sim.errors.InputError` naming the first broken rule (``external_p``:
    the dynamics' outside adoption chance, when known)."""
    if campaign is not None and campaign.topic not in (None, *topics):
        raise InputError(
            f"campaign.topic: {campaign.topic!r} is not one of population.topics {list(topics)}"
        )
    names = [strategy.name for strategy in strategies]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(f"strategies: names must be distinct; repeated: {repeated}")
    for index, strategy in enumerate(strategies):
        if strategy.select == "none":
            if external_p is not None and external_p <= 0:
                raise InputError(
                    f"strategies.{index}: {strategy.name!r} seeds nobody, so nothing can happen "
                    "without outside influence; set dynamics.external_p > 0 (Bass's p)"
                )
            continue
        unsized = strategy.k is None and strategy.select != "explicit"  # ids give the count
        if campaign is None and (unsized or strategy.select == "brand"):
            why = "a brand account buys reach" if strategy.select == "brand" else "no k given"
            raise InputError(
                f"strategies.{index}: {strategy.name!r} needs a campaign budget ({why}); "
                "add a campaign or give k"
            )
        if strategy.last_post >= steps:
            raise InputError(
                f"strategies.{index}: {strategy.name!r} posts on day {strategy.last_post}, after "
                f"the last day ({steps - 1}); raise steps or move the posts"
            )


def check_well_mixed(network, population, params, campaign, strategies: Sequence) -> None:
    """On a ``well_mixed`` network (a spec or a :class:`~sim.network.well_mixed.WellMixed`),
    raise :class:`~sim.errors.InputError` naming the first setting that is not mean-field:
    the ``cascade`` rule, tie decay or reinforcement, per-edge tie distributions, attention
    below 1 (the population's or the campaign's engagement), a brand account, RIS."""
    if not (isinstance(network, WellMixed) or getattr(network, "generator", None) == "well_mixed"):
        return
    refused = refusal(params)
    if refused is not None:
        raise InputError(f"dynamics.{refused[0]}: {refused[1]}")
    ties = getattr(network, "ties", None)
    if ties is not None and not isinstance(as_distribution(ties), Constant):
        raise InputError(
            f"network.ties: a well_mixed network has one tie value for every pair, got a "
            f"{ties.dist} distribution; allowed: a number in 0..1"
        )
    for key in ("tie_age", "churn"):
        if getattr(network, key, None) is not None:
            raise InputError(
                f"network.{key}: a well_mixed network has one constant tie between everyone, "
                "with no history; allowed: null"
            )
    attention = getattr(population, "attention", None)
    if attention is not None and not (attention.mode == "constant" and attention.value == 1.0):
        raise InputError(
            f"population.attention: a well_mixed network needs full attention, got mode "
            f"{attention.mode!r} value {attention.value!r}; allowed: mode constant, value 1"
        )
    engagement = getattr(campaign, "engagement", None)
    if engagement is not None and (
        not isinstance(engagement, dict) or any(v < 1.0 for v in engagement.values())
    ):
        raise InputError(
            f"campaign.engagement: a well_mixed network needs full attention, got "
            f"{engagement!r}; allowed: null (the population's attention, 1)"
        )
    for index, strategy in enumerate(strategies):
        select, method = strategy.select, strategy.method
        if select in WELL_MIXED_STRATEGIES or select == "none":
            continue
        if select == "optimized" and method != "ris":
            continue
        what = "select 'brand'" if select == "brand" else f"select {select!r} method {method!r}"
        raise InputError(
            f"strategies.{index}: {strategy.name!r}: {what} needs stored edges, which a "
            f"well_mixed network has not; allowed: {', '.join(WELL_MIXED_STRATEGIES)}, none, "
            "optimized (celf)"
        )
