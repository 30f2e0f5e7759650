"""Expanding a sweep design into points: a small pure function with its own tests.

A design (:class:`~sim.config.schema.Sweep`) names scenario keys by dotted path. Each key is a
list of values (swept), a range (swept), or one value (fixed). ``grid`` crosses every swept key
(a range contributes its ``count`` evenly spaced values); ``random`` draws each key
independently; ``lhs`` draws a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`), which
covers every key's range evenly with few points. Lists are categories under ``random`` and
``lhs``. Every point becomes a scenario through :func:`sim.config.gate.with_overrides`, so a bad
key or value is refused with its key path before anything runs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.config.gate import with_overrides
from sim.config.schema import Range, Scenario, Sweep
from sim.errors import InputError
from sim.model import streams


@dataclass(frozen=True)
class Point:
    """One point of a design: its index, the swept values, and the scenario it runs."""

    index: int
    values: dict[str, Any]
    scenario: Scenario

    @property
    def label(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in self.values.items()) or "base"


def expand(scenario: Scenario, sweep: Sweep | None = None) -> list[Point]:
    """Every point of the design (the scenario's own ``sweep`` section when not given); a
    scenario without a design is one point. Raises :class:`InputError` naming the key path of
    the first bad parameter, or the point whose scenario is invalid."""
    sweep = sweep if sweep is not None else scenario.sweep
    base = with_overrides(scenario, {"sweep": None}) if scenario.sweep is not None else scenario
    if sweep is None:
        return [Point(0, {}, base)]
    fixed, swept = split_parameters(sweep.parameters)
    rows = _rows(sweep, swept, base.seed if sweep.seed is None else sweep.seed)
    points = []
    for index, values in enumerate(rows):
        overrides = fixed | values
        try:
            point_scenario = with_overrides(base, overrides)
        except InputError as error:
            shown = ", ".join(f"{k}={v}" for k, v in values.items()) or "the fixed values"
            raise InputError(f"sweep point {index} ({shown}): {error}") from None
        points.append(Point(index, values, point_scenario))
    return points


def split_parameters(parameters: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(fixed, swept)``: single values, and lists or ranges (checked, with the key path)."""
    fixed, swept = {}, {}
    for key, value in parameters.items():
        where = f"sweep.parameters.{key}"
        if not key or not all(part.isidentifier() or part.isdigit() for part in key.split(".")):
            raise InputError(f"{where}: not a dotted key path like dynamics.tie_half_life")
        if key == "sweep" or key.startswith("sweep."):
            raise InputError(f"{where}: a sweep cannot sweep its own design")
        if isinstance(value, list | tuple):
            if not value:
                raise InputError(f"{where}: an empty list sweeps nothing; give values or a range")
            swept[key] = list(value)
        elif isinstance(value, dict) and {"low", "high"} <= set(value):
            try:
                swept[key] = Range.model_validate(value)
            except ValidationError as error:
                problem = error.errors()[0]["msg"].removeprefix("Value error, ")
                raise InputError(f"{where}: not a range: {problem}") from None
        elif isinstance(value, Range):
            swept[key] = value
        else:
            fixed[key] = value
    return fixed, swept


def _rows(sweep: Sweep, swept: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    keys = list(swept)
    if not keys:
        return [{}]
    if sweep.design == "grid":
        axes = []
        for key in keys:
            value = swept[key]
            if isinstance(value, Range):
                if value.count is None:
                    raise InputError(
                        f"sweep.parameters.{key}: a range in a grid needs count (how many "
                        "values), or use design random or lhs"
                    )
                axes.append(_grid_values(value))
            else:
                axes.append(value)
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes)]
    n = int(sweep.points)
    rng = streams.generator(seed, streams.DESIGN)
    if sweep.design == "random":
        unit = rng.random((n, len(keys)))
    else:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(keys), rng=rng).random(n)
    return [
        {key: _at(swept[key], float(u)) for key, u in zip(keys, row, strict=True)} for row in unit
    ]


def _grid_values(value: Range) -> list:
    if value.log:
        values = np.geomspace(value.low, value.high, value.count)
    else:
        values = np.linspace(value.low, value.high, value.count)
    return [_typed(value, float(v)) for v in values]


def _at(value, u: float):
    """The value at unit coordinate ``u`` in [0, 1) of a list (categories) or a range."""
    if isinstance(value, list):
        return value[min(int(u * len(value)), len(value) - 1)]
    if value.log:
        x = math.exp(math.log(value.low) + u * (math.log(value.high) - math.log(value.low)))
    else:
        x = value.low + u * (value.high - value.low)
    return _typed(value, x)


def _typed(value: Range, x: float):
    return round(x) if value.integer else x
