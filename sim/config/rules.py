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

from sim.errors import InputError


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
