"""Compare seeding strategies: the strategist's table, with intervals.

Every strategy runs on the same network realisation and the same replication keys (common
random numbers), so strategy differences are paired per replication. Pairing removes the noise
the strategies share: a lot when they reach overlapping audiences (a plan against a variant of
itself), little when they reach different people (a celebrity's followers against forty micro
audiences).

The table, one row per strategy:

- ``spend`` and seeds by tier;
- ``adopters``: mean organic adopters (adopters who are not paid seeds) with a t interval;
- ``reach``: mean agents who saw the campaign, with a t interval;
- ``cost_per_adopter``: spend / mean adopters, with a percentile bootstrap interval over
  replications (paired: every strategy is resampled with the same replication indices);
- ``days_to_half``: mean days until half of the final organic adopters had adopted;
- ``diff_vs_best``: the paired difference in adopters against the strategy with the most, per
  replication, with a t interval (zero for the best itself);
- risk: ``adopters_p10``, ``adopters_p50``, ``adopters_p90`` (percentiles of the replications'
  adopters: what a single campaign may well get) and ``flop_probability``, the share of
  replications below ``flop_share`` (default half) of the best strategy's median, with a Wilson
  interval; ``distinguishable`` says whether the paired interval against the best excludes 0.

Intervals of counts never go below zero (the mean of non-negative numbers cannot). Without a
campaign there is no spend, so the cost columns are empty (NaN), not zero.

Intervals come from :mod:`sim.analysis.stats`; writing files is :mod:`sim.report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.results import Results
from sim.analysis.stats import (
    bootstrap_indices,
    mean_interval,
    percentile_interval,
    wilson_interval,
)
from sim.campaign.strategies import Plan
from sim.model.tiers import TIER_NAMES
from sim.runner.prepare import Setup
from sim.runner.stream import replication_range, run_meta, stream

FLOP_SHARE = 0.5
"""A replication is a flop when its adopters fall under this share of the best's median."""


@dataclass
class Comparison:
    """The strategies' results and the table that compares them."""

    results: Results
    table: pd.DataFrame
    confidence: float
    flop_share: float = FLOP_SHARE

    @property
    def best(self) -> str | None:
        """The strategy with the most adopters on average (None when nobody adopted)."""
        if not (self.table["adopters_mean"] > 0).any():
            return None
        return str(self.table.loc[self.table["best"], "strategy"].iloc[0])

    @property
    def verdict(self) -> str:
        """What the comparison can say about the best, in one sentence."""
        best = self.best
        if best is None:
            return "no strategy reached any organic adopter: there is no best"
        close = self.table[~self.table["best"] & ~self.table["distinguishable"]]
        if close.empty:
            return f"best: {best}, ahead of every other strategy (paired {self.confidence:.0%})"
        names = ", ".join(str(name) for name in close["strategy"])
        return (
            f"most adopters: {best}, but not distinguishable from {names} (the paired "
            f"{self.confidence:.0%} interval of the difference includes 0)"
        )


def compare_setup(
    setup: Setup,
    replications: int | range | None = None,
    *,
    plans: Sequence[Plan] | None = None,
    progress: Callable[[int], None] | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
    flop_share: float = FLOP_SHARE,
) -> Comparison:
    """Run every plan (default: every strategy of ``setup``) on common random numbers and
    compare them (see the module docs)."""
    indices = replication_range(replications, setup.replications)
    chunks = stream(setup, indices, plans=plans, threads=threads, progress=progress)
    results = Results.from_stream(chunks, meta=run_meta(setup, indices))
    table = comparison_table(
        results,
        setup.seed,
        confidence=confidence,
        bootstrap=bootstrap,
        flop_share=flop_share,
        priced=setup.campaign is not None,
    )
    return Comparison(results, table, confidence, flop_share)


def comparison_table(
    results: Results,
    seed: int,
    *,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    flop_share: float = FLOP_SHARE,
    priced: bool = True,
) -> pd.DataFrame:
    """One row per strategy: spend, seeds by tier, adopters, reach, cost per adopter, days to
    half and the paired difference against the best, each with its interval."""
    reps = results.replications
    names = list(reps["strategy"].cat.categories)
    wide = reps.pivot(index="replication", columns="strategy", values="organic_adopters")
    wide = wide[names].to_numpy(dtype=np.float64)
    n_reps = wide.shape[0]
    means = wide.mean(axis=0)
    best = int(np.argmax(means))
    resampled = wide[bootstrap_indices(seed, n_reps, bootstrap)].mean(axis=1)
    flop_line = flop_share * float(np.median(wide[:, best]))
    plans = results.strategies.set_index("strategy")
    rows = []
    for k, name in enumerate(names):
        group = reps[reps["strategy"] == name]
        spend = float(plans.loc[name, "spend"])
        row = {"strategy": name, "seeds": int(plans.loc[name, "seeds"])}
        row |= {tier: int(plans.loc[name, tier]) for tier in TIER_NAMES}
        row |= {"brand": bool(plans.loc[name, "brand"]), "spend": spend}
        row |= _named("adopters", wide[:, k], confidence, floor=0.0)
        row |= _named("reach", group["reach"].to_numpy(np.float64), confidence, floor=0.0)
        if priced:
            row |= _cost_interval(spend, means[k], resampled[:, k], confidence)
        else:
            row |= dict.fromkeys(COST_COLUMNS, np.nan)
        days = group["time_to_half"].to_numpy(np.float64)
        row |= _named("days_to_half", days, confidence, floor=0.0)
        row |= _named("diff_vs_best", wide[:, k] - wide[:, best], confidence)
        p10, p50, p90 = np.percentile(wide[:, k], [10, 50, 90])
        row |= {"adopters_p10": p10, "adopters_p50": p50, "adopters_p90": p90}
        flops = int(np.sum(wide[:, k] < flop_line)) if flop_line > 0 else 0
        share, low, high = wilson_interval(flops, n_reps, confidence)
        row |= {
            "flop_probability": share,
            "flop_probability_low": low,
            "flop_probability_high": high,
        }
        row["best"] = k == best
        row["distinguishable"] = bool(k == best or row["diff_vs_best_high"] < 0)
        rows.append(row)
    return pd.DataFrame(rows)


COST_COLUMNS = ("cost_per_adopter", "cost_per_adopter_low", "cost_per_adopter_high")


def _named(name: str, values: np.ndarray, confidence: float, floor: float | None = None) -> dict:
    mean, low, high = mean_interval(values, confidence)
    if floor is not None and low == low:  # the parameter space: a mean of counts is >= 0
        low = max(low, floor)
    return {f"{name}_mean": mean, f"{name}_low": low, f"{name}_high": high}


def _cost_interval(spend: float, mean: float, resampled: np.ndarray, confidence: float) -> dict:
    """Spend per mean adopter, with the percentile bootstrap interval (inf when none adopt)."""
    with np.errstate(divide="ignore"):
        point = spend / mean if mean > 0 else np.inf
        boot = np.where(resampled > 0, spend / np.where(resampled > 0, resampled, 1), np.inf)
    low, high = percentile_interval(boot, confidence)
    return {"cost_per_adopter": point, "cost_per_adopter_low": low, "cost_per_adopter_high": high}
