"""The search: a Latin hypercube over the bounds, then local refinement by Nelder–Mead.

Candidates are points of the unit cube mapped onto each key's bounds (uniform, or log-uniform
with ``log``; ``integer`` rounds). The first ``lhs_share`` of the budget is a Latin hypercube
(:class:`scipy.stats.qmc.LatinHypercube`) over the whole box; the rest refines from the best
candidate so far with Nelder–Mead (:func:`scipy.optimize.minimize`) on the unit cube, points
clipped to the bounds, starting from a simplex of steps of 0.15 along each key; when a run
converges before the budget is spent it restarts from the best with half the step. Nelder–Mead
follows ridges (two keys that trade off, like a tie strength and a credibility) where boxes
around the best do not. Common random numbers make the loss a deterministic function of the
values, which is what a direct search needs. Candidates that cannot be judged count as a large
loss. Draws come from the calibration's stream
(:func:`sim.model.streams.calibration_generator`), so the same seed and the same results give
the same candidates; since results are replayed from the store on resume, a resumed search
proposes exactly the candidates of the uninterrupted one.

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


class _Spent(Exception):
    """The budget is used up (stops a refinement run)."""


PENALTY = 1e3
"""The loss a refinement sees for a candidate that cannot be judged (NaN)."""


def search(
    parameters: list[Parameter],
    budget: int,
    seed: int,
    evaluate: Callable[[dict], float],
    lhs_share: float = 0.6,
) -> list[dict]:
    """Propose and evaluate ``budget`` candidates; ``evaluate(values)`` returns the loss
    (NaN when the candidate cannot be judged). Returns the candidates in order, each
    ``{"values", "unit", "round", "loss"}`` (round 0: the hypercube; k >= 1: refinement run
    k)."""
    from scipy.optimize import minimize

    d = len(parameters)
    first = min(budget, max(2, math.ceil(budget * lhs_share)))
    done: list[dict] = []
    seen: dict[tuple, float] = {}

    def one(u: np.ndarray, round_: int) -> float:
        values = {p.key: p.value(x) for p, x in zip(parameters, u, strict=True)}
        key = tuple(round(p.unit(v), 4) for p, v in zip(parameters, values.values(), strict=True))
        if key in seen:  # rounding, clipping or a tiny simplex met an evaluated candidate
            return seen[key]
        if len(done) >= budget:
            raise _Spent
        loss = float(evaluate(values))
        done.append({"values": values, "unit": [float(x) for x in u], "round": round_,
                     "loss": loss})  # fmt: skip
        seen[key] = loss
        return loss

    for u in lhs(first, d, streams.calibration_generator(seed, 0, 0)):
        one(u, 0)
    round_, step = 1, 0.15
    while len(done) < budget and round_ <= 20:
        finite = [c for c in done if np.isfinite(c["loss"])]
        if not finite:  # nothing judged yet: another hypercube over the whole box
            n = min(budget - len(done), max(2, 2 * d))
            for u in lhs(n, d, streams.calibration_generator(seed, 0, round_)):
                one(u, round_)
            round_ += 1
            continue
        start = np.array(min(finite, key=lambda c: c["loss"])["unit"])
        simplex = [start]
        for i in range(d):  # one step along each key, inward at a bound
            vertex = start.copy()
            vertex[i] += step if start[i] + step <= 1.0 else -step
            simplex.append(vertex)

        def objective(u: np.ndarray, round_: int = round_) -> float:
            loss = one(np.clip(u, 0.0, 1.0), round_)
            return loss if np.isfinite(loss) else PENALTY

        try:
            minimize(
                objective,
                start,
                method="Nelder-Mead",
                options={"initial_simplex": np.array(simplex), "xatol": 1e-3, "fatol": 1e-4,
                         "maxfev": 4 * budget},
            )  # fmt: skip
        except _Spent:
            break
        round_, step = round_ + 1, step / 2
    return done


def within_noise(resampled: np.ndarray, best: int) -> np.ndarray:
    """bool (candidates,): which candidates the paired bootstrap cannot tell from ``best``.

    ``resampled`` is float (candidates, resamples) of losses on the same resamples, NaN where
    a resample leaves too few simulated cascades to judge. Each candidate is compared with the
    best on the resamples where both are judged; a candidate judged on fewer than half of the
    resamples is never within noise."""
    both = np.isfinite(resampled) & np.isfinite(resampled[best])
    counted = both.sum(axis=1)
    diff = np.where(both, resampled - resampled[best], np.inf)
    share = (diff <= 0).sum(axis=1) / np.maximum(counted, 1)
    out = (counted >= resampled.shape[1] / 2) & (share >= WITHIN_NOISE)
    out[best] = True
    return out
