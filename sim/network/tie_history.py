"""Tie histories: when each tie appears and expires, and how long before the start it last saw
an interaction.

A static follower graph says who follows whom for the whole run, and every tie's history starts
on step 0. Real ties form and lapse, and most predate the campaign. A :class:`TieHistory`, one
value per edge in the network's CSR order, carries both: a tie exists on steps
``appear <= t < expire``, its strength decays from its appearance (or, for ties present at the
start, from ``age`` steps before it), and a post over a tie that does not exist is not seen.

Histories come from an edge file's time columns (:func:`from_times`) or are drawn
(:func:`churn`, and a drawn ``age``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dtypes import STEP, VALUE
from sim.errors import InputError

NEVER = np.iinfo(STEP).max
"""``expire`` of a tie that lasts beyond any run."""


@dataclass(frozen=True, eq=False)
class TieHistory:
    """Per-edge history, CSR order.

    appear, expire : int32 (E,) or None
        The steps a tie exists, ``appear <= t < expire`` (None: from step 0, forever).
    age : float32 (E,) or None
        Steps since the tie's last interaction at step 0 (>= 0; None: 0). Only ties present at
        the start have one; a tie that appears later starts fresh.
    """

    appear: np.ndarray | None = None
    expire: np.ndarray | None = None
    age: np.ndarray | None = None

    def __post_init__(self) -> None:
        sizes = set()
        for name, dtype in (("appear", STEP), ("expire", STEP), ("age", VALUE)):
            value = getattr(self, name)
            if value is None:
                continue
            array = np.ascontiguousarray(value, dtype=dtype)
            if array.ndim != 1:
                raise InputError(f"tie history: {name} must be one value per edge")
            if name == "age" and not (np.isfinite(array) & (array >= 0)).all():
                bad = array[~(np.isfinite(array) & (array >= 0))][0]
                raise InputError(f"tie history: age must be finite steps >= 0, got {bad!r}")
            if name == "appear" and array.size and array.min() < 0:
                raise InputError(f"tie history: appear must be a step >= 0, got {array.min()}")
            array.setflags(write=False)
            object.__setattr__(self, name, array)
            sizes.add(array.size)
        if len(sizes) > 1:
            raise InputError(f"tie history: arrays must all have one value per edge, got {sizes}")
        if self.appear is not None and self.expire is not None:
            bad = np.flatnonzero(self.expire <= self.appear)
            if bad.size:
                e = int(bad[0])
                raise InputError(
                    f"tie history: edge {e} expires at step {self.expire[e]}, not after it "
                    f"appears ({self.appear[e]})"
                )

    @property
    def n_edges(self) -> int | None:
        for value in (self.appear, self.expire, self.age):
            if value is not None:
                return int(value.size)
        return None

    @property
    def changes_ties(self) -> bool:
        """True when ties appear or expire during a run (the kernel then checks each edge)."""
        return self.appear is not None or self.expire is not None

    def windows(self, n_edges: int) -> tuple[np.ndarray, np.ndarray]:
        """``(appear, expire)`` int32 arrays, filled in where absent (0, :data:`NEVER`)."""
        appear = self.appear if self.appear is not None else np.zeros(n_edges, dtype=STEP)
        expire = self.expire if self.expire is not None else np.full(n_edges, NEVER, dtype=STEP)
        return appear, expire

    def permuted(self, order: np.ndarray) -> TieHistory:
        """The history of the edges taken in ``order``."""
        return TieHistory(
            *(None if value is None else value[order] for value in (self.appear, self.expire,
                                                                     self.age))
        )  # fmt: skip

    def present(self, t: int) -> np.ndarray | None:
        """bool (E,): ties that exist on step ``t`` (None: all)."""
        if not self.changes_ties:
            return None
        appear, expire = self.windows(self.n_edges or 0)
        return (appear <= t) & (t < expire)


def from_times(
    time: np.ndarray | None,
    until: np.ndarray | None,
    *,
    start: float | None,
    steps_per_unit: float,
    source: str = "network file",
) -> TieHistory:
    """A history from an edge file's times (in the file's unit): each tie formed or last
    interacted at ``time`` and ends at ``until``. The run starts at ``start`` (None: the latest
    ``time``, so every tie predates it): ties from before the start are present with an age,
    later ones appear on the first step after their time; a tie whose ``until`` is not after
    the start never exists."""
    for name, value in (("time", time), ("until", until)):
        if value is not None and not np.isfinite(value).all():
            raise InputError(f"{source}: {name} column: every edge needs a finite time")
    if time is None and until is None:
        return TieHistory()
    if start is None:
        start = float(np.max(time)) if time is not None else float(np.min(until))
    size = (time if time is not None else until).size
    appear, age = np.zeros(size), None
    if time is not None:
        offset = (time - start) * steps_per_unit
        age = np.where(offset < 0, -offset, 0.0)
        appear = np.ceil(np.maximum(offset, 0.0))
    expire = None
    if until is not None:
        end = np.ceil((until - start) * steps_per_unit)
        gone = end <= 0
        expire = np.where(gone, NEVER, np.maximum(end, appear + 1))
        appear = np.where(gone, NEVER - 1, appear)
    return TieHistory(
        _steps(appear) if appear.any() else None,
        None if expire is None else np.minimum(expire, NEVER).astype(STEP),
        age.astype(VALUE) if age is not None and age.any() else None,
    )


def churn(
    n_edges: int,
    *,
    lifetime: float,
    arrivals: float,
    steps: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``(appear, expire)``: a share ``arrivals`` of the ties appears on a uniform step
    in 1..steps-1 (the others exist from step 0), and every tie lasts an exponential time with
    mean ``lifetime`` steps from its appearance (at least one step)."""
    appear = np.zeros(n_edges, dtype=STEP)
    if arrivals > 0 and steps > 1:
        late = rng.random(n_edges) < arrivals
        appear[late] = rng.integers(1, steps, int(late.sum()))
    lasting = np.maximum(np.ceil(rng.exponential(lifetime, n_edges)), 1.0)
    expire = _steps(appear + lasting)
    return appear, expire


def _steps(values: np.ndarray) -> np.ndarray:
    """Steps as int32, capped below :data:`NEVER`."""
    return np.minimum(values, NEVER - 1).astype(STEP)
