"""Tidy result tables built from the kernel's raw arrays.

One schema, snake_case columns, fixed here:

- ``steps``: one row per (strategy, replication, step) with the day's ``posts``,
  ``edges_touched``, ``exposures``, ``new_aware``, ``new_seed_adopters``, ``new_adopters``
  (seeds included) and the running totals ``aware``, ``adopters`` and ``organic_adopters``
  (adopters who are not paid seeds).
- ``replications``: one row per (strategy, replication): ``seeds``, ``final_adopters`` (seeds
  included), ``organic_adopters`` (adopters who were not seeds: the campaign's result),
  ``reach`` (agents who saw at least one post, adopters included), ``time_to_half`` (first day
  by which half of the final organic adopters had adopted; NaN when nobody did), ``spend`` and
  the run's totals.
- ``attribution``: one row per (strategy, replication, seed): adoptions whose first exposure
  came down that seed's cascade (``seed`` = -1 for adopters reached by no seed).
- ``communities``: one row per (strategy, replication, community): adoptions.
- ``strategies``: one row per strategy: selection, seeds by tier, posting plan and ``spend``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.stats import mean_interval
from sim.campaign.strategies import Plan
from sim.model.engine import STEP_STATS
from sim.model.tiers import TIER_NAMES
from sim.runner.stream import Chunk

STEP_STAT_NAMES = STEP_STATS
NEW_AWARE = STEP_STATS.index("new_aware")
NEW_SEED_ADOPTERS = STEP_STATS.index("new_seed_adopters")
NEW_ADOPTERS = STEP_STATS.index("new_adopters")

STEP_COLUMNS = (
    "strategy",
    "replication",
    "step",
    *STEP_STAT_NAMES,
    "aware",
    "adopters",
    "organic_adopters",
)
REPLICATION_COLUMNS = (
    "strategy",
    "replication",
    "seeds",
    "final_adopters",
    "organic_adopters",
    "reach",
    "time_to_half",
    "spend",
    "posts",
    "exposures",
    "edges_touched",
)


@dataclass
class Results:
    """Tables from one or more runs, and what produced them."""

    steps: pd.DataFrame
    replications: pd.DataFrame
    attribution: pd.DataFrame
    communities: pd.DataFrame
    meta: dict = field(default_factory=dict)
    strategies: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def concat(cls, parts: list[Results], meta: dict | None = None) -> Results:
        """Stack the tables of several runs (e.g. one per strategy)."""
        tables = []
        for name in _TABLES:
            table = pd.concat([getattr(p, name) for p in parts], ignore_index=True)
            order = list(dict.fromkeys(table["strategy"].astype(str)))
            table["strategy"] = pd.Categorical(table["strategy"].astype(str), categories=order)
            tables.append(table)
        strategies = pd.concat([p.strategies for p in parts], ignore_index=True)
        meta = meta if meta is not None else (parts[0].meta if parts else {})
        return cls(*tables, meta=meta, strategies=strategies)

    @classmethod
    def from_stream(cls, chunks: Iterable[Chunk], meta: dict | None = None) -> Results:
        """Tabulate a stream of chunks (see :mod:`sim.runner.stream`) and stack the tables;
        the ``strategies`` table gets one row per plan met."""
        parts, plan_rows, seen = [], [], set()
        for chunk in chunks:
            parts.append(tabulate_chunk(chunk))
            if chunk.strategy not in seen:
                seen.add(chunk.strategy)
                plan_rows.append(plan_row(chunk.plan))
        results = cls.concat(parts, meta=meta or {})
        results.strategies = pd.DataFrame(plan_rows)
        results.sort()  # ensembles arrive replication by replication
        return results

    def sort(self) -> None:
        """Order every table by strategy (scenario order), replication, then step, seed or
        community; stable, so tables already in that order are left as they are."""
        for name in _TABLES:
            table = getattr(self, name)
            keys = [c for c in ("strategy", "replication") if c in table.columns]
            if len(table) and keys:
                setattr(self, name, table.sort_values(keys, kind="stable", ignore_index=True))

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Per strategy: mean, standard deviation and t interval of the mean of the outcomes
        (:func:`sim.analysis.stats.mean_interval`)."""
        return summarise(self.replications, confidence)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, for writers."""
        return {name: getattr(self, name) for name in (*_TABLES, "strategies")}


_TABLES = ("steps", "replications", "attribution", "communities")


def tabulate_chunk(chunk: Chunk) -> Results:
    """The tidy tables of one chunk of the stream."""
    raw = chunk.raw
    return tabulate(
        chunk.strategy,
        raw.replications,
        raw.step_stats,
        raw.by_origin,
        raw.by_community,
        chunk.seed_labels,
        spend=chunk.plan.spend,
    )


def plan_row(plan: Plan) -> dict:
    """One row of the ``strategies`` table: selection, seeds by tier, posting plan, spend."""
    strategy = plan.strategy
    return {
        "strategy": strategy.name,
        "select": strategy.select,
        "seeds": plan.n_seeds,
        **{tier: plan.seeds_by_tier.get(tier, 0) for tier in TIER_NAMES},
        "brand": plan.is_brand,
        "posts_per_seed": strategy.posts,
        "first_day": strategy.start,
        "every": strategy.every,
        "sponsored_weight": plan.sponsored_weight,
        "spend": plan.spend,
        "note": "; ".join(plan.notes),
    }


def tabulate(
    strategy: str,
    replications: np.ndarray,
    step_stats: np.ndarray,
    by_origin: np.ndarray,
    by_community: np.ndarray,
    seed_labels: np.ndarray,
    spend: float = 0.0,
) -> Results:
    """Turn raw kernel arrays (see :class:`sim.model.engine.RawRun`) into tidy tables."""
    n_reps, n_steps, _ = step_stats.shape
    reps = np.asarray(replications, dtype=np.int64)
    cumulative = np.cumsum(step_stats, axis=1)
    adopters = cumulative[:, :, NEW_ADOPTERS]
    organic = adopters - cumulative[:, :, NEW_SEED_ADOPTERS]
    steps = pd.DataFrame(
        {
            "strategy": pd.Categorical([strategy] * (n_reps * n_steps)),
            "replication": np.repeat(reps, n_steps),
            "step": np.tile(np.arange(n_steps, dtype=np.int64), n_reps),
            **{name: step_stats[:, :, k].ravel() for k, name in enumerate(STEP_STAT_NAMES)},
            "aware": cumulative[:, :, NEW_AWARE].ravel(),
            "adopters": adopters.ravel(),
            "organic_adopters": organic.ravel(),
        }
    )
    final_organic = organic[:, -1]
    reached_half = organic >= (final_organic[:, None] + 1) // 2
    time_to_half = np.where(final_organic > 0, reached_half.argmax(axis=1), np.nan)
    totals = step_stats.sum(axis=1)
    replications_table = pd.DataFrame(
        {
            "strategy": pd.Categorical([strategy] * n_reps),
            "replication": reps,
            "seeds": np.full(n_reps, seed_labels.size, dtype=np.int64),
            "final_adopters": adopters[:, -1],
            "organic_adopters": final_organic,
            "reach": cumulative[:, -1, NEW_AWARE],
            "time_to_half": time_to_half,
            "spend": np.full(n_reps, spend, dtype=np.float64),
            **{
                name: totals[:, STEP_STAT_NAMES.index(name)]
                for name in ("posts", "exposures", "edges_touched")
            },
        }
    )
    origin_labels = np.append(np.asarray(seed_labels, dtype=np.int64), -1)
    attribution = pd.DataFrame(
        {
            "strategy": pd.Categorical([strategy] * by_origin.size),
            "replication": np.repeat(reps, origin_labels.size),
            "seed": np.tile(origin_labels, n_reps),
            "adopters": by_origin.ravel(),
        }
    )
    n_comm = by_community.shape[1]
    communities = pd.DataFrame(
        {
            "strategy": pd.Categorical([strategy] * by_community.size),
            "replication": np.repeat(reps, n_comm),
            "community": np.tile(np.arange(n_comm, dtype=np.int64), n_reps),
            "adopters": by_community.ravel(),
        }
    )
    # the one schema: fixed column order, and a missing or extra column fails here
    steps = steps[list(STEP_COLUMNS)]
    replications_table = replications_table[list(REPLICATION_COLUMNS)]
    return Results(steps, replications_table, attribution, communities)


def summarise(replications: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, sd and a t interval of the mean, per strategy and outcome."""
    rows = []
    for strategy, group in replications.groupby("strategy", observed=True, sort=False):
        row = {
            "strategy": strategy,
            "replications": len(group),
            "seeds": int(group["seeds"].iloc[0]),
        }
        for column in ("final_adopters", "organic_adopters", "reach", "time_to_half"):
            values = group[column].dropna().to_numpy(dtype=np.float64)
            mean, low, high = mean_interval(values, confidence)
            sd = values.std(ddof=1) if values.size > 1 else np.nan
            row |= {
                f"{column}_mean": mean,
                f"{column}_sd": sd,
                f"{column}_low": low,
                f"{column}_high": high,
            }
        rows.append(row)
    return pd.DataFrame(rows)
