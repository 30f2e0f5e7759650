"""Price sweeps: the comparison re-run with prices multiplied.

Prices vary about tenfold within a tier, so which strategy is cheapest per adopter can flip.
Each scale re-plans every strategy once (a fixed ``k`` may no longer fit the budget: that
strategy is listed with a note instead) and runs the affordable plans on common random numbers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence

import pandas as pd

from sim.analysis.comparison import compare_setup
from sim.campaign.strategies import StrategyError
from sim.config.gate import validate_part
from sim.errors import InputError
from sim.runner.prepare import Setup


def price_sweep_setup(
    setup: Setup,
    scales: Sequence[float | dict[str, float]] = (0.3, 1.0, 3.0),
    *,
    replications: int | range | None = None,
    progress: Callable[[int], None] | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
) -> pd.DataFrame:
    """One row per (scale, strategy): the comparison columns at that price scale (a number for
    every tier, or ``{tier: factor}``), a ``note`` for strategies it makes unaffordable, and
    ``cheapest`` marking the lowest cost per adopter."""
    if setup.campaign is None:
        raise InputError("campaign: a price sweep needs a campaign with a budget")
    tables = []
    for scale in scales:
        campaign = validate_part(
            "campaign", setup.campaign.model_dump() | {"price_scale": scale}
        )  # re-checked like any campaign: a bad scale is one line
        scaled = dataclasses.replace(setup, campaign=campaign)
        plans, skipped = [], []
        for strategy in scaled.strategies:
            try:
                plans.append(scaled.plan(strategy))
            except StrategyError as error:  # e.g. a fixed k no longer fits the budget
                skipped.append({"strategy": strategy.name, "note": str(error)})
        table = pd.DataFrame(columns=["strategy"])
        if plans:
            comparison = compare_setup(
                scaled,
                replications,
                plans=plans,
                progress=progress,
                confidence=confidence,
                bootstrap=bootstrap,
                threads=threads,
            )
            table = comparison.table.assign(note="")
        table = pd.concat([table, pd.DataFrame(skipped)], ignore_index=True)
        table.insert(0, "price_scale", json.dumps(scale) if isinstance(scale, dict) else scale)
        costs = pd.to_numeric(
            table.get("cost_per_adopter", pd.Series(dtype=float)), errors="coerce"
        )
        table["cheapest"] = table.index == costs.idxmin() if costs.notna().any() else False
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
