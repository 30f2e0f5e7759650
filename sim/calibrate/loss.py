"""The calibration loss: distances between observed and simulated distributions, weighted.

Cascade statistics are heavy-tailed (sizes from 56 to 3,000, times from minutes to years), so
each term is a distance that a few extreme cascades cannot dominate:

========================  =============================================  ================
statistic                 distance                                       default weight
========================  =============================================  ================
``size``                  Wasserstein-1 between log10 sizes              1.0
``depth1_share``          Kolmogorov–Smirnov statistic                   1.0
``depth``                 Kolmogorov–Smirnov statistic                   0.5
``virality``              Wasserstein-1 between log10 virality           0.5
``time_last``             Wasserstein-1 between log10(1 + hours)         0.5
``delay_median``          Wasserstein-1 between log10 hours, floored at  0.5
                          one minute
========================  =============================================  ================

The median delay of a large cascade is the median of hundreds of delays, so its distribution
over cascades is narrow: a KS statistic between two such distributions jumps from 0 to 1 as
soon as they stop overlapping and then says nothing about how far apart they are, which leaves
a search without a gradient; Wasserstein-1 on log hours keeps measuring the distance. Both
kinds of term are on comparable scales: a KS statistic is in 0..1, and a Wasserstein-1
distance between log10 values is in decades (0.3 = a factor of two between typical values).
The loss is the weighted mean ``sum(w_k d_k) / sum(w_k)``; a weight of 0 drops a term.

An adoption curve's error is the root mean square difference of the cumulative curves at the
observed times, divided by the observed final count (so 0.05 = typically 5% of the final
count off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.errors import InputError

DISTANCES = {
    "size": ("w1_log", 1.0),
    "depth1_share": ("ks", 1.0),
    "depth": ("ks", 0.5),
    "virality": ("w1_log", 0.5),
    "time_last": ("w1_log1p", 0.5),
    "delay_median": ("w1_log_minute", 0.5),
}
"""statistic -> (distance, default weight)."""


def weights_for(given: dict[str, float] | None) -> dict[str, float]:
    """The default weights with ``given`` ones replacing them (names checked)."""
    weights = {name: weight for name, (_, weight) in DISTANCES.items()}
    for name, value in (given or {}).items():
        if name not in weights:
            raise InputError(
                f"calibrate.weights.{name}: not a statistic; known: {', '.join(weights)}"
            )
        if not (np.isfinite(value) and value >= 0):
            raise InputError(f"calibrate.weights.{name}: must be a finite number >= 0")
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise InputError("calibrate.weights: at least one weight must be > 0")
    return weights


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov–Smirnov statistic sup |F_a - F_b| (NaNs dropped)."""
    a = np.sort(a[np.isfinite(a)])
    b = np.sort(b[np.isfinite(b)])
    if a.size == 0 or b.size == 0:
        return np.nan
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def wasserstein1(a: np.ndarray, b: np.ndarray) -> float:
    """Wasserstein-1 distance between two samples (NaNs dropped), by scipy."""
    from scipy.stats import wasserstein_distance

    a = a[np.isfinite(a)]
    b = b[np.isfinite(b)]
    if a.size == 0 or b.size == 0:
        return np.nan
    return float(wasserstein_distance(a, b))


def _transform(kind: str, values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if kind == "w1_log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.where(values > 0, values, np.nan))
    if kind == "w1_log1p":
        return np.log10(1.0 + np.clip(values, 0.0, None))
    if kind == "w1_log_minute":
        return np.log10(np.clip(values, 1.0 / 60.0, None))
    return values


def distance(name: str, observed: np.ndarray, simulated: np.ndarray) -> float:
    """The distance of :data:`DISTANCES` for one statistic."""
    kind = DISTANCES[name][0]
    a, b = _transform(kind, observed), _transform(kind, simulated)
    return ks_statistic(a, b) if kind == "ks" else wasserstein1(a, b)


def cascade_loss(
    observed: pd.DataFrame, simulated: pd.DataFrame, weights: dict[str, float]
) -> tuple[float, dict[str, float]]:
    """``(loss, {statistic: distance})`` between two per-cascade tables; NaN when either
    table is empty."""
    parts = {
        name: distance(name, observed[name].to_numpy(), simulated[name].to_numpy())
        for name, weight in weights.items()
        if weight > 0
    }
    total = sum(weights.values())
    loss = sum(weights[name] * value for name, value in parts.items()) / total
    return float(loss), parts


def curve_error(observed: np.ndarray, simulated: np.ndarray) -> float:
    """RMS of (simulated - observed) cumulative counts at the observed times, over the
    observed final count."""
    observed = np.asarray(observed, dtype=np.float64)
    simulated = np.asarray(simulated, dtype=np.float64)
    return float(np.sqrt(np.mean((simulated - observed) ** 2)) / max(observed[-1], 1e-12))


def cumulative_at(step_counts: np.ndarray, step_hours: float, hours: np.ndarray) -> np.ndarray:
    """Cumulative simulated adopters at the observed times (hours), by linear interpolation
    between step ends (step ``s`` ends at ``(s + 1) * step_hours``; time 0 has none)."""
    counts = np.asarray(step_counts, dtype=np.float64)
    ends = np.arange(counts.shape[-1] + 1) * float(step_hours)
    cumulative = np.concatenate([np.zeros((*counts.shape[:-1], 1)), np.cumsum(counts, -1)], -1)
    if cumulative.ndim == 1:
        return np.interp(hours, ends, cumulative)
    return np.stack([np.interp(hours, ends, row) for row in cumulative])
