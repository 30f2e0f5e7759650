"""Bass (1969) fitted to an adoption curve: the fast special case of calibration.

Two nonlinear least-squares fits (:func:`scipy.optimize.least_squares`) of ``(p, q, m)`` to the
observed cumulative adopters at the end of each period (``t`` = period index + 1):

* **closed form**: ``N(t) = m F(t)``, ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``;
* **discrete recursion**: ``N(t+1) = N(t) + (p + q N(t)/m) (m - N(t))``, ``N(0) = 0``: the
  model the engine's ``bass`` rule follows on a well-mixed population, one period a step.

Both formulas are :mod:`sim.validation.bass`'s. Standard errors come from the Jacobian at the
optimum, ``s^2 (J'J)^-1`` with ``s^2`` the residual variance (K - 3 degrees of freedom).

Reference: F. M. Bass (1969), A new product growth for model consumer durables, *Management
Science* 15(5):215-227; V. Srinivasan & C. H. Mason (1986), Nonlinear least squares estimation
of new product diffusion models, *Marketing Science* 5(2):169-178.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calibrate.loss import curve_error
from sim.calibrate.observed import AdoptionCurve

FORMS = ("closed_form", "recursion")


@dataclass(frozen=True)
class BassFit:
    """One Bass fit: the coefficients with standard errors, the fitted cumulative curve at the
    observed times, and its error (:func:`sim.calibrate.loss.curve_error`)."""

    form: str
    p: float
    q: float
    m: float
    se: dict[str, float]
    fitted: np.ndarray
    error: float

    @property
    def peak(self) -> float:
        """Periods to the peak adoption rate of the continuous model, ln(q/p) / (p + q)."""
        return float(np.log(self.q / self.p) / (self.p + self.q)) if self.q > self.p else 0.0

    def row(self) -> dict:
        return {
            "model": f"Bass ({self.form.replace('_', ' ')})",
            "p": self.p,
            "p_se": self.se["p"],
            "q": self.q,
            "q_se": self.se["q"],
            "m": self.m,
            "m_se": self.se["m"],
            "peak_periods": self.peak,
            "curve_error": self.error,
        }


def bass_curve(form: str, p: float, q: float, m: float, t: np.ndarray) -> np.ndarray:
    """Cumulative adopters ``N(t)`` of one form at period ends ``t`` (> 0)."""
    from sim.validation.bass import bass_closed_form, bass_recursion

    t = np.asarray(t, dtype=np.float64)
    if form == "closed_form":
        return m * bass_closed_form(p, q, t)
    steps = int(np.ceil(t.max()))
    shares = np.concatenate([[0.0], bass_recursion(p, q, np.inf, steps)])
    return m * np.interp(t, np.arange(steps + 1), shares)


def fit_bass(curve: AdoptionCurve, form: str = "closed_form") -> BassFit:
    """Least-squares Bass coefficients for ``curve`` (periods as the curve gives them)."""
    from scipy.optimize import least_squares

    t = curve.periods + 1.0
    y = curve.cumulative
    top = float(y[-1])

    def residuals(x: np.ndarray) -> np.ndarray:
        p, q, m = x[0], x[1], x[2] * top
        return (bass_curve(form, p, q, m, t) - y) / top

    best = None
    for start in ((0.01, 0.3, 1.5), (0.03, 0.5, 1.1), (0.001, 1.0, 3.0)):
        solved = least_squares(
            residuals,
            np.array(start),
            bounds=([1e-7, 0.0, 0.5], [1.0, 20.0, 1e3]),
            x_scale=np.array([0.01, 0.1, 1.0]),
        )
        if best is None or solved.cost < best.cost:
            best = solved
    p, q, share = (float(v) for v in best.x)
    dof = max(y.size - 3, 1)
    variance = 2.0 * best.cost / dof
    try:
        cov = np.linalg.pinv(best.jac.T @ best.jac) * variance
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(3, np.nan)
    fitted = bass_curve(form, p, q, share * top, t)
    return BassFit(
        form,
        p,
        q,
        share * top,
        {"p": float(se[0]), "q": float(se[1]), "m": float(se[2] * top)},
        fitted,
        curve_error(y, fitted),
    )
