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
  replication, with a t interval (zero for the best itself).

Intervals come from :mod:`sim.analysis.stats`; writing files is :mod:`sim.report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.results import Results
from sim.analysis.stats import bootstrap_indices, mean_interval, percentile_interval
from sim.campaign.strategies import Plan
from sim.model.tiers import TIER_NAMES
from sim.runner.prepare import Setup
from sim.runner.stream import replication_range, run_meta, stream


@dataclass
class Comparison:
    """The strategies' results and the table that compares them."""

    results: Results
    table: pd.DataFrame
    confidence: float

    @property
    def best(self) -> str:
        """The strategy with the most adopters on average."""
        return str(self.table.loc[self.table["best"], "strategy"].iloc[0])


def compare_setup(
    setup: Setup,
    replications: int | range | None = None,
    *,
    plans: Sequence[Plan] | None = None,
    progress: Callable[[int], None] | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
) -> Comparison:
    """Run every plan (default: every strategy of ``setup``) on common random numbers and
    compare them (see the module docs)."""
    indices = replication_range(replications, setup.replications)
    chunks = stream(setup, indices, plans=plans, threads=threads, progress=progress)
    results = Results.from_stream(chunks, meta=run_meta(setup, indices))
    table = comparison_table(results, setup.seed, confidence=confidence, bootstrap=bootstrap)
    return Comparison(results, table, confidence)


def comparison_table(
    results: Results, seed: int, *, confidence: float = 0.95, bootstrap: int = 2000
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
    plans = results.strategies.set_index("strategy")
    rows = []
    for k, name in enumerate(names):
        group = reps[reps["strategy"] == name]
        spend = float(plans.loc[name, "spend"])
        row = {"strategy": name, "seeds": int(plans.loc[name, "seeds"])}
        row |= {tier: int(plans.loc[name, tier]) for tier in TIER_NAMES}
        row |= {"brand": bool(plans.loc[name, "brand"]), "spend": spend}
        row |= _named("adopters", wide[:, k], confidence)
        row |= _named("reach", group["reach"].to_numpy(np.float64), confidence)
        row |= _cost_interval(spend, means[k], resampled[:, k], confidence)
        row |= _named("days_to_half", group["time_to_half"].to_numpy(np.float64), confidence)
        row |= _named("diff_vs_best", wide[:, k] - wide[:, best], confidence)
        row["best"] = k == best
        rows.append(row)
    return pd.DataFrame(rows)


def _named(name: str, values: np.ndarray, confidence: float) -> dict:
    mean, low, high = mean_interval(values, confidence)
    return {f"{name}_mean": mean, f"{name}_low": low, f"{name}_high": high}


def _cost_interval(spend: float, mean: float, resampled: np.ndarray, confidence: float) -> dict:
    """Spend per mean adopter, with the percentile bootstrap interval (inf when none adopt)."""
    with np.errstate(divide="ignore"):
        point = spend / mean if mean > 0 else np.inf
        boot = np.where(resampled > 0, spend / np.where(resampled > 0, resampled, 1), np.inf)
    low, high = percentile_interval(boot, confidence)
    return {"cost_per_adopter": point, "cost_per_adopter_low": low, "cost_per_adopter_high": high}
