"""Compare seeding strategies: the strategist's table, with intervals, and its outputs.

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
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.api import Setup, prepare, run
from sim.config import Scenario
from sim.results import Results
from sim.scenario import scenario_to_yaml
from sim.tiers import TIER_NAMES

BOOTSTRAP_STREAM = 4
"""Spawn key of the bootstrap's random stream (see :mod:`sim.rng`)."""


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

    def save(self, directory: str | Path, scenario: Scenario | None = None, plots: bool = True):
        """Write tables (Parquet and CSV), ``comparison.csv``, ``summary.json``, the resolved
        scenario and, with ``plots``, ``adoption_curves.png`` and ``cost_per_adopter.png``."""
        out = self.results.save(directory)
        self.table.to_csv(out / "comparison.csv", index=False)
        self.table.to_parquet(out / "comparison.parquet", index=False)
        summary = {
            "meta": self.results.meta,
            "confidence": self.confidence,
            "best": self.best,
            "comparison": json.loads(self.table.to_json(orient="records")),
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
        if scenario is not None:
            (out / "scenario.yaml").write_text(scenario_to_yaml(scenario))
        if plots:
            from sim.plots import plot_adoption_curves, plot_cost_per_adopter

            plot_adoption_curves(self.results, out / "adoption_curves.png", self.confidence)
            plot_cost_per_adopter(self, out / "cost_per_adopter.png")
        return out


def compare(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | range | None = None,
    progress: Callable[[int], None] | None = None,
    setup: Setup | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
    **parts,
) -> Comparison:
    """Run every strategy with common random numbers and compare them (see module docs)."""
    setup = setup if setup is not None else prepare(scenario, **parts)
    results = run(replications=replications, progress=progress, setup=setup, threads=threads)
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
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_STREAM,)))
    resampled = wide[rng.integers(0, n_reps, size=(bootstrap, n_reps))].mean(axis=1)
    plans = results.strategies.set_index("strategy")
    rows = []
    for k, name in enumerate(names):
        group = reps[reps["strategy"] == name]
        spend = float(plans.loc[name, "spend"])
        row = {"strategy": name, "seeds": int(plans.loc[name, "seeds"])}
        row |= {tier: int(plans.loc[name, tier]) for tier in TIER_NAMES}
        row |= {"brand": bool(plans.loc[name, "brand"]), "spend": spend}
        row |= _mean_interval("adopters", wide[:, k], confidence)
        row |= _mean_interval("reach", group["reach"].to_numpy(np.float64), confidence)
        row |= _cost_interval(spend, means[k], resampled[:, k], confidence)
        row |= _mean_interval("days_to_half", group["time_to_half"].dropna().to_numpy(), confidence)
        row |= _mean_interval("diff_vs_best", wide[:, k] - wide[:, best], confidence)
        row["best"] = k == best
        rows.append(row)
    return pd.DataFrame(rows)


def _mean_interval(name: str, values: np.ndarray, confidence: float) -> dict:
    """Mean and a t interval of the mean (NaN bounds with fewer than two values)."""
    values = np.asarray(values, dtype=np.float64)
    mean = float(values.mean()) if values.size else np.nan
    if values.size < 2:
        return {f"{name}_mean": mean, f"{name}_low": np.nan, f"{name}_high": np.nan}
    half = stats.t.ppf(0.5 + confidence / 2, values.size - 1) * values.std(ddof=1)
    half /= np.sqrt(values.size)
    return {f"{name}_mean": mean, f"{name}_low": mean - half, f"{name}_high": mean + half}


def _cost_interval(spend: float, mean: float, resampled: np.ndarray, confidence: float) -> dict:
    """Spend per mean adopter, with the percentile bootstrap interval (inf when none adopt)."""
    with np.errstate(divide="ignore"):
        point = spend / mean if mean > 0 else np.inf
        boot = np.where(resampled > 0, spend / np.where(resampled > 0, resampled, 1), np.inf)
    tail = (1 - confidence) / 2 * 100
    # the inverted-CDF quantile never interpolates, so infinite resamples stay clean
    low, high = np.quantile(boot, [tail / 100, 1 - tail / 100], method="inverted_cdf")
    return {"cost_per_adopter": point, "cost_per_adopter_low": low, "cost_per_adopter_high": high}


def price_sweep(
    scenario: Scenario | str | Path | None = None,
    scales: list[float | dict[str, float]] = (0.3, 1.0, 3.0),
    *,
    replications: int | range | None = None,
    setup: Setup | None = None,
    progress: Callable[[int], None] | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
    **parts,
) -> pd.DataFrame:
    """Re-run the comparison with prices multiplied by each scale (a number for every tier, or
    ``{tier: factor}``). Prices vary about tenfold within a tier, so which strategy is cheapest
    per adopter can flip; one row per (scale, strategy), with ``best`` marking the winner."""
    import dataclasses

    setup = setup if setup is not None else prepare(scenario, **parts)
    if setup.campaign is None:
        raise ValueError("a price sweep needs a campaign with a budget")
    from sim.strategies import StrategyError

    tables = []
    for scale in scales:
        campaign = setup.campaign.model_copy(update={"price_scale": scale})
        scaled = dataclasses.replace(setup, campaign=campaign)
        affordable, skipped = [], []
        for strategy in scaled.strategies:
            try:
                scaled.plan(strategy)
                affordable.append(strategy)
            except StrategyError as error:  # e.g. a fixed k no longer fits the budget
                skipped.append({"strategy": strategy.name, "note": str(error)})
        table = pd.DataFrame(columns=["strategy"])
        if affordable:
            comparison = compare(
                setup=dataclasses.replace(scaled, strategies=tuple(affordable)),
                replications=replications,
                progress=progress,
                confidence=confidence,
                bootstrap=bootstrap,
                threads=threads,
            )
            table = comparison.table.assign(note="")
        table = pd.concat([table, pd.DataFrame(skipped)], ignore_index=True)
        table.insert(0, "price_scale", json.dumps(scale) if isinstance(scale, dict) else scale)
        costs = pd.to_numeric(table["cost_per_adopter"], errors="coerce")
        table["cheapest"] = table.index == costs.idxmin() if costs.notna().any() else False
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
