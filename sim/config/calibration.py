"""The ``calibrate:`` section of a scenario: what ``influence-sim calibrate`` fits.

See docs/calibration.md. The keys are dotted scenario paths with :class:`Range` bounds; every
candidate is re-validated as a whole scenario by :func:`sim.config.gate.with_overrides`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from sim.config.base import FilePath, PositiveInt, Range, Strict


class CalibrationCascades(Strict):
    """How simulated cascades start: ``seeds`` accounts (``random`` among those with at least
    ``min_followers`` followers, or the ``top_followers``), ``replications`` each; they are
    compared when they reach ``min_size`` nodes (default: the smallest observed cascade), and
    a candidate with fewer than ``min_cascades`` such cascades is not judged."""

    seeds: PositiveInt = 200
    select: Literal["random", "top_followers"] = "random"
    min_followers: PositiveInt = 1
    min_size: PositiveInt | None = None
    min_cascades: Annotated[int, Field(ge=2)] = 20


class Calibration(Strict):
    """What ``influence-sim calibrate`` fits: scenario keys (dotted paths) within bounds, to
    observed cascade trees or an adoption curve (see docs/calibration.md)."""

    observed: list[FilePath] = Field(default_factory=list)
    """Cascade-tree files (read together) or one adoption-curve CSV; may be given instead on
    the command line (``--observed``)."""
    kind: Literal["cascades", "curve"] = "cascades"
    parameters: Annotated[dict[str, Range], Field(min_length=1)]
    split: Literal["none", "parity", "hash"] = "none"
    """``parity``: fit on even cascade ids, report on the odd ones held out; ``hash``: the
    same on the CRC-32 of the id; ``none``: fit and report on all."""
    weights: dict[str, Annotated[float, Field(ge=0.0)]] | None = None
    budget: Annotated[int, Field(ge=2)] = 40
    lhs_share: Annotated[float, Field(gt=0.0, le=1.0)] = 0.6
    replications: PositiveInt = 4
    """Replications per seed account (cascades) or of the whole run (curve)."""
    bootstrap: Annotated[int, Field(ge=20)] = 200
    seed: Annotated[int, Field(ge=0)] | None = None
    cascades: CalibrationCascades = CalibrationCascades()

    @field_validator("observed", mode="before")
    @classmethod
    def _listed(cls, value):
        return [value] if isinstance(value, str) else value
