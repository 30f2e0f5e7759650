"""The statistics every table and plot uses, in one place: intervals of a mean (Student t) and
paired bootstrap resamples of replications.

One definition means ``run``, ``compare``, the plots and the JSON summaries print the same
interval for the same quantity.
"""

from __future__ import annotations

import numpy as np

from sim.model import streams


def t_quantile(confidence: float, n: int) -> float:
    """The two-sided Student t quantile for ``n`` values (``n - 1`` degrees of freedom)."""
    from scipy import stats  # imported when first needed: `import sim` stays light

    return float(stats.t.ppf(0.5 + confidence / 2, n - 1))


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean with a t interval of the mean, ignoring NaN values.

    The bounds are NaN with fewer than two values, the mean too with none.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if values.size < 2:
        return mean, np.nan, np.nan
    half = t_quantile(confidence, values.size) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def band(values: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise t interval of the mean of a (replications, points) array: ``(low, high)``,
    as :func:`mean_interval` computes for each column (NaN with fewer than two rows)."""
    values = np.asarray(values, dtype=np.float64)
    mean = values.mean(axis=0)
    if values.shape[0] < 2:
        nan = np.full_like(mean, np.nan)
        return nan, nan
    half = t_quantile(confidence, values.shape[0]) * values.std(axis=0, ddof=1)
    half /= np.sqrt(values.shape[0])
    return mean - half, mean + half


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """``(share, low, high)``: a proportion with its Wilson score interval (Wilson 1927), which
    stays inside 0..1 and behaves at 0 and n, unlike the normal approximation."""
    if n <= 0:
        return np.nan, np.nan, np.nan
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return share, max(0.0, centre - half), min(1.0, centre + half)


def bootstrap_indices(seed: int, n_values: int, resamples: int) -> np.ndarray:
    """Replication indices of ``resamples`` bootstrap resamples, int64 (resamples, n_values),
    from the scenario's bootstrap stream; apply the same rows to every strategy (paired)."""
    rng = streams.generator(seed, streams.BOOTSTRAP)
    return rng.integers(0, n_values, size=(resamples, n_values))


def percentile_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The percentile interval of bootstrap ``values``; the inverted-CDF quantile never
    interpolates, so infinite values stay clean."""
    tail = (1 - confidence) / 2 * 100
    low, high = np.quantile(values, [tail / 100, 1 - tail / 100], method="inverted_cdf")
    return float(low), float(high)
