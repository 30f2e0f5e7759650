"""Calibration losses and the Bass fit: the distances equal scipy's, the weights are checked,
and Bass least squares recovers known coefficients from a synthetic curve.

Bass recovery: the curve is the model's own (closed form or discrete recursion, m = 1000,
p = 0.01, q = 0.4, 40 days) plus independent Gaussian noise (sd 5 adopters, fixed seed), so the
least-squares standard errors are the right scale: every coefficient must land within 3 SE of
the truth. The twin shows the band has power: a curve made with q 5% higher is fitted more than
3 SE away from the true q.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import ks_2samp, wasserstein_distance

from sim.calibrate.bass import FORMS, bass_curve, fit_bass
from sim.calibrate.loss import (
    cascade_loss,
    cumulative_at,
    curve_error,
    ks_statistic,
    wasserstein1,
    weights_for,
)
from sim.calibrate.observed import AdoptionCurve
from sim.errors import InputError

P, Q, M, DAYS, NOISE = 0.01, 0.4, 1000.0, 40, 5.0


def test_distances_equal_scipy():
    rng = np.random.default_rng(4)
    a, b = rng.lognormal(size=300), rng.lognormal(0.3, size=200)
    assert wasserstein1(a, b) == pytest.approx(wasserstein_distance(a, b))
    assert ks_statistic(a, b) == pytest.approx(ks_2samp(a, b).statistic)
    assert ks_statistic(a, a) == 0.0 and np.isnan(ks_statistic(a, np.array([np.nan])))


def test_cascade_loss_is_the_weighted_mean_and_zero_on_itself():
    import pandas as pd

    rng = np.random.default_rng(5)
    table = pd.DataFrame(
        {
            "size": rng.integers(56, 3000, 200),
            "depth1_share": rng.random(200),
            "depth": rng.integers(1, 8, 200),
            "virality": 2 + rng.random(200),
            "time_last": rng.lognormal(5, 1, 200),
            "delay_median": rng.lognormal(0, 1, 200),
        }
    )
    weights = weights_for(None)
    assert cascade_loss(table, table, weights)[0] == 0.0
    other = table.assign(size=table["size"] * 10)
    loss, parts = cascade_loss(table, other, weights)
    assert parts["size"] == pytest.approx(1.0)  # a factor of 10 is one decade
    assert loss == pytest.approx(1.0 * weights["size"] / sum(weights.values()))
    with pytest.raises(InputError, match=r"calibrate\.weights\.height: not a statistic"):
        weights_for({"height": 1.0})
    with pytest.raises(InputError, match="at least one weight must be > 0"):
        weights_for(dict.fromkeys(weights, 0.0))


def test_curve_error_and_step_interpolation():
    counts = np.array([1.0, 2.0, 3.0])
    at = cumulative_at(counts, 24.0, np.array([24.0, 36.0, 72.0]))
    assert list(at) == [1.0, 2.0, 6.0]
    assert curve_error(np.array([1.0, 3.0, 6.0]), np.array([1.0, 3.0, 6.0])) == 0.0
    assert curve_error(np.array([0.0, 10.0]), np.array([0.0, 12.0])) == pytest.approx(
        np.sqrt(2.0) / 10
    )


def synthetic(form: str, q: float = Q) -> AdoptionCurve:
    t = np.arange(DAYS) + 1.0
    noise = np.random.default_rng(2026).normal(0.0, NOISE, DAYS)
    return AdoptionCurve(t * 24.0, bass_curve(form, P, q, M, t) + noise, "day", Path("synthetic"))


@pytest.mark.parametrize("form", FORMS)
def test_bass_least_squares_recovers_known_coefficients(form):
    fit = fit_bass(synthetic(form), form)
    for name, truth in (("p", P), ("q", Q), ("m", M)):
        assert abs(getattr(fit, name) - truth) < 3 * fit.se[name], (name, getattr(fit, name))
    assert fit.error < 2 * NOISE / M
    assert fit.peak == pytest.approx(np.log(Q / P) / (P + Q), rel=0.05)


@pytest.mark.parametrize("form", FORMS)
def test_bass_twin_a_five_percent_wrong_q_is_outside_the_band(form):
    fit = fit_bass(synthetic(form, q=Q * 1.05), form)
    assert abs(fit.q - Q) > 3 * fit.se["q"]


def test_within_noise_pairs_resamples_and_needs_half_of_them_judged():
    from sim.calibrate.search import within_noise

    rng = np.random.default_rng(8)
    noise = rng.normal(0.0, 0.01, 200)
    losses = np.stack([0.30 + noise, 0.305 + noise + rng.normal(0, 0.01, 200), 0.40 + noise])
    patchy = 0.30 + noise.copy()
    patchy[:150] = np.nan  # judged on a quarter of the resamples only
    out = within_noise(np.vstack([losses, patchy]), best=0)
    assert out.tolist() == [True, True, False, False]
