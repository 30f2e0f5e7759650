"""The two pictures a strategist needs: adoption over time, and cost per adopter.

Plots take tables (DataFrames with the columns of :mod:`sim.analysis.results` and
:mod:`sim.analysis.comparison`), never analysis objects, and write PNG files. Importing this
module loads matplotlib (with the file-only Agg backend); nothing else in ``sim`` does.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.stats import band


def plot_adoption_curves(steps: pd.DataFrame, path: str | Path, confidence: float = 0.95) -> Path:
    """Mean organic adopters per day for each strategy, with a t band of the mean.

    ``steps``: the ``steps`` table (``strategy``, ``replication``, ``step``,
    ``organic_adopters``).
    """
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    replications = steps["replication"].nunique()
    for name, group in steps.groupby("strategy", observed=True, sort=False):
        curves = group.pivot(index="replication", columns="step", values="organic_adopters")
        values = curves.to_numpy(dtype=np.float64)
        mean = values.mean(axis=0)
        days = curves.columns.to_numpy()
        (line,) = ax.plot(days, mean, label=str(name), linewidth=2)
        if values.shape[0] > 1:
            low, high = band(values, confidence)
            ax.fill_between(days, low, high, color=line.get_color(), alpha=0.25)
    ax.set_xlabel("day")
    ax.set_ylabel("adopters (paid seeds excluded)")
    ax.set_title(
        f"Adoption by strategy: mean of {replications} replications, {confidence:.0%} band"
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return _save(fig, path)


def plot_outcomes(
    replications: pd.DataFrame,
    path: str | Path,
    *,
    flop_line: float | None = None,
) -> Path:
    """Every replication's organic adopters, one row per strategy: the spread a single
    campaign may land anywhere in, with the 10th, 50th and 90th percentiles marked and, when
    given, the flop line.

    ``replications``: the ``replications`` table (``strategy``, ``organic_adopters``).
    """
    groups = list(replications.groupby("strategy", observed=True, sort=False))
    fig, ax = plt.subplots(figsize=(8, 0.7 * len(groups) + 1.8), dpi=120)
    for row, (_, group) in enumerate(groups):
        values = group["organic_adopters"].to_numpy(dtype=np.float64)
        # points spread vertically by a fixed low-discrepancy sequence (layout, not data)
        y = row + ((np.arange(values.size) * 0.6180339887) % 1.0 - 0.5) * 0.36
        ax.scatter(values, y, s=10, alpha=0.45, color=f"C{row % 10}", linewidths=0)
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        ax.plot([p10, p90], [row, row], color="black", linewidth=1.5)
        ax.plot([p50], [row], marker="|", markersize=16, color="black")
    if flop_line is not None and flop_line > 0:
        ax.axvline(flop_line, color="tab:red", linestyle="--", linewidth=1)
        ax.text(flop_line, -0.6, " flop line", color="tab:red", va="bottom", fontsize="small")
    ax.set_yticks(range(len(groups)), [str(name) for name, _ in groups])
    ax.set_ylim(len(groups) - 0.4, -0.8)
    ax.set_xlabel("organic adopters in one replication (bar: 10th-90th percentile, tick: median)")
    ax.set_title("What one campaign may get: every replication, by strategy")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def plot_sweep(
    summary: pd.DataFrame, parameter: str, path: str | Path, metric: str = "adopters"
) -> Path:
    """The mean of ``metric`` against one swept ``parameter``, one line per strategy with its
    interval band (other swept keys averaged over), and a marker where the best strategy
    changes.

    ``summary``: one row per point and strategy with ``<metric>_mean``, ``_low``, ``_high``.
    """
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    grouped = summary.groupby(["strategy", parameter], sort=True)
    means = grouped[[f"{metric}_mean", f"{metric}_low", f"{metric}_high"]].mean().reset_index()
    numeric = pd.api.types.is_numeric_dtype(means[parameter])
    order = sorted(means[parameter].unique(), key=lambda v: (not numeric, v if numeric else str(v)))
    position = {value: k for k, value in enumerate(order)}
    for k, (name, group) in enumerate(means.groupby("strategy", sort=False)):
        group = group.sort_values(parameter, key=lambda s: s.map(position))
        x = group[parameter].to_numpy() if numeric else group[parameter].map(position)
        (line,) = ax.plot(x, group[f"{metric}_mean"], marker="o", label=str(name), color=f"C{k}")
        ax.fill_between(
            x, group[f"{metric}_low"], group[f"{metric}_high"], color=line.get_color(), alpha=0.2
        )
    best = means.loc[means.groupby(parameter)[f"{metric}_mean"].idxmax()]
    best = best.sort_values(parameter, key=lambda s: s.map(position))
    winners = best["strategy"].tolist()
    values = best[parameter].tolist()
    for k in range(1, len(winners)):
        if winners[k] != winners[k - 1]:
            left = values[k - 1] if numeric else position[values[k - 1]]
            right = values[k] if numeric else position[values[k]]
            ax.axvline((left + right) / 2, color="grey", linestyle=":", linewidth=1.5)
            ax.text(
                (left + right) / 2,
                ax.get_ylim()[1],
                f" best: {winners[k]}",
                va="top",
                fontsize="small",
                color="grey",
            )
    if not numeric:
        ax.set_xticks(range(len(order)), [str(v) for v in order])
    ax.set_xlabel(parameter)
    ax.set_ylabel(f"{metric.replace('_', ' ')} (mean, interval band)")
    ax.set_title(f"{metric.replace('_', ' ').capitalize()} as {parameter} varies")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return _save(fig, path)


def plot_cost_per_adopter(
    table: pd.DataFrame, path: str | Path, *, currency: str = "", confidence: float = 0.95
) -> Path:
    """Cost per adopter by strategy, with bootstrap intervals; the cheapest is highlighted,
    and each bar says what was spent and how many adopted (lower is better).

    ``table``: the comparison table (``strategy``, ``spend``, ``adopters_mean``,
    ``cost_per_adopter`` and its ``_low`` and ``_high`` bounds).
    """
    finite = np.isfinite(table["cost_per_adopter"].to_numpy())
    order = np.argsort(np.where(finite, table["cost_per_adopter"], np.inf))
    shown = table.iloc[order]
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(shown) + 1.8), dpi=120)
    y = np.arange(len(shown))
    cost = shown["cost_per_adopter"].to_numpy(dtype=np.float64)
    low = shown["cost_per_adopter_low"].to_numpy(dtype=np.float64)
    high = shown["cost_per_adopter_high"].to_numpy(dtype=np.float64)
    cap = np.nanmax(np.where(np.isfinite(high), high, np.nan)) if np.isfinite(high).any() else 1.0
    colours = [
        "tab:green" if k == 0 and np.isfinite(cost[0]) else "tab:blue" for k in range(len(shown))
    ]
    ax.barh(y, np.where(np.isfinite(cost), cost, 0), color=colours, alpha=0.8)
    errors = np.clip(
        np.vstack([cost - low, np.where(np.isfinite(high), high, cap) - cost]), 0, None
    )
    ok = np.isfinite(cost)
    ax.errorbar(cost[ok], y[ok], xerr=errors[:, ok], fmt="none", ecolor="black", capsize=4)
    spend = shown["spend"].to_numpy(dtype=np.float64)
    adopters = shown["adopters_mean"].to_numpy(dtype=np.float64)
    for k in range(len(shown)):
        text = f"{cost[k]:,.2f}" if np.isfinite(cost[k]) else "no adopters"
        money = f"{spend[k]:,.0f} {currency}".strip()
        text += f"   ({money} / {adopters[k]:,.0f} adopters)"
        right = high[k] if np.isfinite(high[k]) else (cost[k] if np.isfinite(cost[k]) else 0.0)
        ax.text(right, y[k], f"  {text}", va="center", fontsize="small")
    ax.set_yticks(y, [str(name) for name in shown["strategy"]])
    ax.invert_yaxis()
    ax.set_xlim(0, cap * 1.9 if np.isfinite(cap) else None)
    ax.set_xlabel(f"cost per adopter ({currency}), lower is better".replace(" ()", ""))
    ax.set_title(f"Cost per adopter, {confidence:.0%} bootstrap interval (cheapest in green)")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------- calibration
CALIBRATION_PANELS = (
    ("size", "size (nodes)", "ccdf"),
    ("depth1_share", "depth-1 share", "cdf"),
    ("depth", "depth (hops)", "cdf"),
    ("virality", "structural virality", "cdf_log"),
    ("time_last", "time to last event (hours)", "cdf_log"),
    ("delay_median", "median parent-child delay (hours)", "cdf_log"),
)
"""(column, label, kind) of the panels of :func:`plot_calibration_fit`."""


def plot_calibration_fit(tables: dict[str, pd.DataFrame], path: str | Path, title: str) -> Path:
    """Observed vs simulated distributions of per-cascade statistics: one panel per
    statistic, one line per table (``{label: table with the columns of
    sim.calibrate.statistics}``; the first is drawn in black)."""
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    styles = ["k-", "C0-", "C3--", "C2:"]
    for ax, (column, label, kind) in zip(axes.ravel(), CALIBRATION_PANELS, strict=True):
        for (name, table), style in zip(tables.items(), styles, strict=False):
            values = np.sort(table[column].dropna().to_numpy(dtype=np.float64))
            if values.size == 0:
                continue
            if kind == "ccdf":
                ax.step(values, 1.0 - np.arange(values.size) / values.size, style, where="post",
                        label=f"{name} (n = {len(table)})")  # fmt: skip
                ax.set_xscale("log")
                ax.set_yscale("log")
                ax.set_ylabel("P(X >= x)")
            else:
                if kind == "cdf_log":
                    values = np.clip(values, 1e-3, None)
                    ax.set_xscale("log")
                    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                ax.step(values, np.arange(1, values.size + 1) / values.size, style, where="post",
                        label=f"{name} (n = {len(table)})")  # fmt: skip
                ax.set_ylabel("P(X <= x)")
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_calibration_curve(
    hours: np.ndarray, curves: dict[str, np.ndarray], path: str | Path, title: str
) -> Path:
    """Cumulative adopters over time: the observed curve (first, black dots) and fitted ones."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for k, (name, values) in enumerate(curves.items()):
        style = "ko" if k == 0 else ["C0-", "C3--", "C1-.", "C2:"][(k - 1) % 4]
        ax.plot(np.asarray(hours) / 24.0, values, style, label=name, markersize=3)
    ax.set_xlabel("days")
    ax.set_ylabel("cumulative adopters")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_calibration_search(
    table: pd.DataFrame, keys: list[str], path: str | Path, log_keys: frozenset = frozenset()
) -> Path:
    """Loss of every candidate against each calibrated key (``table``: ``candidate``, the
    keys, ``loss``, ``within_noise``; ``log_keys`` drawn on a log axis); the untuned baseline
    (candidate 0) as a line. Candidates that could not be judged (NaN loss) are counted in
    the title."""
    fig, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.8), squeeze=False)
    searched = table[table["candidate"] > 0]
    near = searched[searched["within_noise"]]
    baseline = table.loc[table["candidate"] == 0, "loss"]
    for ax, key in zip(axes[0], keys, strict=True):
        ax.plot(searched[key], searched["loss"], "o", color="0.6", markersize=4, label="candidate")
        ax.plot(near[key], near["loss"], "o", color="C0", markersize=5, label="within noise")
        best = searched.loc[searched["loss"].idxmin()]
        ax.plot([best[key]], [best["loss"]], "*", color="C3", markersize=12, label="best")
        if len(baseline) and np.isfinite(baseline.iloc[0]):
            ax.axhline(baseline.iloc[0], color="k", linestyle=":", label="untuned")
        ax.set_xlabel(key)
        if key in log_keys:
            ax.set_xscale("log")
        ax.set_ylabel("loss")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    unjudged = int(searched["loss"].isna().sum())
    if unjudged:
        fig.suptitle(f"{unjudged} of {len(searched)} candidates not judged (too few cascades)")
    fig.tight_layout()
    return _save(fig, path)
