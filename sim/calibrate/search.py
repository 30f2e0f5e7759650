"""The search: a Latin hypercube over the bounds, then rounds of local refinement.

Candidates are points of the unit cube mapped onto each key's bounds (uniform, or log-uniform
with ``log``; ``integer`` rounds). The first ``lhs_share`` of the budget is a Latin hypercube
(:class:`scipy.stats.qmc.LatinHypercube`) over the whole box; the rest comes in rounds of
``2 d`` points (d keys), each a Latin hypercube in a box around the best candidate so far whose
half-width starts at a quarter of the range and halves every round. Draws come from the
calibration's stream (:func:`sim.model.streams.calibration_generator`), so the same seed and
the same results give the same candidates; since results are replayed from the store on
resume, a resumed search proposes exactly the candidates of the uninterrupted one.

**Noise.** Every candidate runs on the same replication keys (common random numbers), so their
losses differ by the parameters more than by chance. The loss is bootstrapped ``bootstrap``
times: each resample draws the observed cascades and the simulated units (or replications)
with replacement, the same draw for every candidate (paired). A candidate is *within noise* of
the best when at least 5% of the resamples give it a loss no larger than the best's (the
one-sided 95% paired bootstrap cannot tell it apart); the keys' uncertainty range is the span
of the within-noise candidates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.model import streams

WITHIN_NOISE = 0.05
"""A candidate is within noise of the best when it is at least as good in this share of the
paired bootstrap resamples."""


@dataclass(frozen=True)
class Parameter:
    """One calibrated key: a dotted scenario path and its bounds."""

    key: str
    low: float
    high: float
    log: bool = False
    integer: bool = False

    def value(self, u: float) -> float | int:
        """The value at unit coordinate ``u`` in [0, 1]."""
        u = min(max(float(u), 0.0), 1.0)
        if self.log:
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        return round(x) if self.integer else float(x)

    def unit(self, x: float) -> float:
        """The unit coordinate of value ``x`` (clipped to the bounds)."""
        x = min(max(float(x), self.low), self.high)
        if self.log:
            return (math.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (x - self.low) / (self.high - self.low)


def lhs(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` Latin-hypercube points in [0, 1)^d."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=rng).random(n)


def search(
    parameters: list[Parameter],
    budget: int,
    seed: int,
    evaluate: Callable[[dict], float],
    lhs_share: float = 0.6,
) -> list[dict]:
    """Propose and evaluate ``budget`` candidates; ``evaluate(values)`` returns the loss
    (NaN when the candidate cannot be judged). Returns the candidates in order, each
    ``{"values", "unit", "round", "loss"}``."""
    d = len(parameters)
    first = min(budget, max(2, math.ceil(budget * lhs_share)))
    done: list[dict] = []

    def run(points: np.ndarray, round_: int) -> None:
        for u in points:
            values = {p.key: p.value(x) for p, x in zip(parameters, u, strict=True)}
            done.append(
                {"values": values, "unit": [float(x) for x in u], "round": round_,
                 "loss": float(evaluate(values))}
            )  # fmt: skip

    run(lhs(first, d, streams.calibration_generator(seed, 0, 0)), 0)
    round_ = 1
    while len(done) < budget:
        finite = [c for c in done if np.isfinite(c["loss"])]
        if not finite:
            centre, half = np.full(d, 0.5), 0.5
        else:
            best = min(finite, key=lambda c: c["loss"])
            centre, half = np.array(best["unit"]), 0.25 / 2 ** (round_ - 1)
        n = min(budget - len(done), max(2, 2 * d))
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
        points = low + lhs(n, d, streams.calibration_generator(seed, 0, round_)) * (high - low)
        run(points, round_)
        round_ += 1
    return done


def within_noise(resampled: np.ndarray, best: int) -> np.ndarray:
    """bool (candidates,): which candidates the paired bootstrap cannot tell from ``best``.

    ``resampled`` is float (candidates, resamples) of losses on the same resamples; NaN rows
    (candidates that cannot be judged) are never within noise."""
    diff = resampled - resampled[best]
    judged = np.isfinite(resampled).all(axis=1)
    share = np.where(judged[:, None], diff <= 0, False).mean(axis=1)
    out = judged & (share >= WITHIN_NOISE)
    out[best] = True
    return out
