"""Delay distributions, in hours: how long a post takes to be seen, how long an adopter waits
before reposting.

Real cascades unfold over minutes to weeks (retweet delays are heavy-tailed); with a delay set,
the engine keeps every post, exposure and adoption time in hours on top of its steps (see
docs/model.md, "Time"). Each class checks itself and turns into the kernel's
:data:`sim.kernels.diffusion.Delay` tuple; the draws themselves are counter-based, in the kernel.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.kernels import diffusion as kernel

_NO_VALUES = np.zeros(1, dtype=np.float64)


@dataclass(frozen=True)
class Exponential:
    """Memoryless delays with mean ``mean_hours`` (> 0)."""

    mean_hours: float

    def __post_init__(self) -> None:
        _positive("mean_hours", self.mean_hours)

    def kernel(self) -> kernel.Delay:
        return kernel.Delay(kernel.EXPONENTIAL, float(self.mean_hours), 0.0, _NO_VALUES)

    @property
    def median_hours(self) -> float:
        return self.mean_hours * math.log(2.0)


@dataclass(frozen=True)
class LogNormal:
    """Heavy-tailed delays: ``log(hours)`` is normal with median ``median_hours`` (> 0) and
    standard deviation ``sigma`` (>= 0) on the log scale."""

    median_hours: float
    sigma: float

    def __post_init__(self) -> None:
        _positive("median_hours", self.median_hours)
        if not _finite(self.sigma) or self.sigma < 0:
            raise InputError(f"sigma: must be a finite number >= 0, got {self.sigma!r}")

    def kernel(self) -> kernel.Delay:
        return kernel.Delay(
            kernel.LOGNORMAL, math.log(self.median_hours), float(self.sigma), _NO_VALUES
        )

    @property
    def mean_hours(self) -> float:
        return self.median_hours * math.exp(self.sigma**2 / 2)


@dataclass(frozen=True, eq=False)
class Empirical:
    """Delays resampled from observed values (hours, finite, >= 0): each draw is one of
    ``hours``, equally likely."""

    hours: np.ndarray
    source: str = ""

    def __post_init__(self) -> None:
        values = np.asarray(self.hours, dtype=np.float64).ravel()
        if values.size == 0:
            raise InputError(f"{self.source or 'delays'}: no delay values")
        bad = values[~(np.isfinite(values) & (values >= 0))]
        if bad.size:
            raise InputError(
                f"{self.source or 'delays'}: must be finite hours >= 0, got {float(bad[0])!r}"
            )
        values = np.sort(values)
        values.setflags(write=False)
        object.__setattr__(self, "hours", values)

    @classmethod
    def from_file(cls, path: str | Path, column: str = "hours") -> Empirical:
        """Read one column of a CSV file with a header row (a bad cell is named by file, line
        and column)."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such delay file")
        values = []
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = csv.reader(handle)
                header = next(rows, None)
                if not header or column not in header:
                    raise InputError(
                        f"{path}:1: no column {column!r}; the header has {header or []}"
                    )
                index = header.index(column)
                for line, row in enumerate(rows, start=2):
                    if not row:
                        continue
                    cell = row[index].strip() if index < len(row) else ""
                    try:
                        value = float(cell)
                    except ValueError:
                        value = math.nan
                    if not (math.isfinite(value) and value >= 0):
                        raise InputError(
                            f"{path}:{line}: column {column!r}: {cell!r} is not a number of "
                            "hours >= 0"
                        )
                    values.append(value)
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: not UTF-8 text ({error.reason})") from None
        return cls(np.array(values), source=f"{path}")

    def kernel(self) -> kernel.Delay:
        return kernel.Delay(kernel.EMPIRICAL, 0.0, 0.0, self.hours)

    @property
    def mean_hours(self) -> float:
        return float(self.hours.mean())

    @property
    def median_hours(self) -> float:
        return float(np.median(self.hours))


Delay = Exponential | LogNormal | Empirical
"""Any delay distribution."""

NO_DELAY = kernel.Delay(kernel.NO_DELAY, 0.0, 0.0, _NO_VALUES)
"""The kernel's tuple when no delay is set."""


def kernel_delay(delay: Delay | None) -> kernel.Delay:
    """The kernel's tuple for ``delay`` (None: no delay)."""
    return NO_DELAY if delay is None else delay.kernel()


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(name: str, value) -> None:
    if not _finite(value) or value <= 0:
        raise InputError(f"{name}: must be a finite number > 0, got {value!r}")
