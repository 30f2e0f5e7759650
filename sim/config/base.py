"""The base of every configuration model (frozen, strict, finite numbers) and the value
types shared by the sections: numbers, probabilities, paths and per-agent distributions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveInt = Annotated[int, Field(ge=1)]


class Strict(BaseModel):
    """Base: frozen, unknown keys are errors, numbers are finite numbers (``true`` is not 1,
    ``.nan`` and ``.inf`` are refused, "3" is not 3)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data):
        """numpy scalars from Python callers count as the numbers they hold."""
        if isinstance(data, dict):
            return {k: _plain(v) for k, v in data.items()}
        return data


def _plain(value):
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


FilePath = Annotated[Path, Field(strict=False)]
"""A path: YAML and Python give strings, which become paths (the one lax field kind)."""


# ---------------------------------------------------------------------------- distributions
class Constant(Strict):
    """Every agent gets ``value``."""

    dist: Literal["constant"] = "constant"
    value: float


class Uniform(Strict):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class Normal(Strict):
    """Normal(mean, sd), clipped to ``[low, high]``."""

    dist: Literal["normal"]
    mean: float
    sd: Annotated[float, Field(ge=0.0)]
    low: float = 0.0
    high: float | None = None


class Beta(Strict):
    """Beta(a, b) times ``scale``."""

    dist: Literal["beta"]
    a: Annotated[float, Field(gt=0.0)]
    b: Annotated[float, Field(gt=0.0)]
    scale: Annotated[float, Field(gt=0.0)] = 1.0


Distribution = Annotated[Constant | Uniform | Normal | Beta, Field(discriminator="dist")]
"""A per-agent (or per-edge) value: a number, or a distribution mapping with ``dist``."""


def _value_kind(value) -> str:
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else "dist"


Value = Annotated[
    Annotated[float, Tag("number")] | Annotated[Distribution, Tag("dist")],
    Discriminator(_value_kind),
]
"""A number (the same for everyone) or a distribution mapping with ``dist``."""


def as_distribution(value: float | Distribution) -> Distribution:
    """A bare number means a constant."""
    return Constant(value=float(value)) if isinstance(value, int | float) else value


class Range(Strict):
    """A continuous range of one swept key: uniform (or log-uniform with ``log``) between
    ``low`` and ``high``; ``integer`` rounds; ``count`` evenly spaced values for a grid."""

    low: float
    high: float
    log: bool = False
    integer: bool = False
    count: Annotated[int, Field(ge=2)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be > low ({self.low})")
        if self.log and self.low <= 0:
            raise ValueError(f"a log range needs low > 0, got {self.low}")
        return self
