"""The engine's parameters as plain numbers, checked once.

:class:`Params` is what :class:`sim.model.engine.Simulation` takes: the adoption rule and the
time constants of trust and memory. It knows nothing of YAML or pydantic; a scenario's
``dynamics`` section becomes one with :meth:`sim.config.schema.Dynamics.params`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.errors import InputError
from sim.model.delays import Delay, Empirical, Exponential, LogNormal

MAX_STEP_HOURS = 24.0 * 366
"""At most a year per step."""

RULES = ("threshold", "fractional", "cascade", "bass")


@dataclass(frozen=True)
class Params:
    """Adoption rule and time constants (days).

    Parameters
    ----------
    rule : {"threshold", "fractional", "cascade", "bass"}
        The adoption rule (see docs/model.md).
    active_steps : int or None
        Days an adopter keeps posting (None: for the whole run).
    tie_half_life, memory_half_life : float or None
        Half-lives of tie strength and of accumulated influence (None: no decay).
    reinforcement : float
        Added to a tie (up to 1) each time a post gets through, 0..1.
    external_p : float
        Chance per day that a non-adopter adopts from outside the network (Bass ``p``), 0..1.
    bass_q : float
        Bass imitation coefficient ``q``, >= 0.
    step_hours : float
        Hours per step (24: a step is a day), > 0. Half-lives and ``active_steps`` count steps.
    view_delay, repost_delay : Exponential, LogNormal, Empirical or None
        Delays in hours (:mod:`sim.model.delays`) between a post and a follower seeing it, and
        between an adoption and the adopter's first post (None: no delay; without any delay
        the engine is exactly the synchronous one).
    """

    rule: str = "threshold"
    active_steps: int | None = 1
    tie_half_life: float | None = None
    reinforcement: float = 0.0
    memory_half_life: float | None = None
    external_p: float = 0.0
    bass_q: float = 0.0
    step_hours: float = 24.0
    view_delay: Delay | None = None
    repost_delay: Delay | None = None

    @property
    def timed(self) -> bool:
        """True when a delay is set: times are kept in hours, late exposures are queued."""
        return self.view_delay is not None or self.repost_delay is not None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise InputError(f"rule: {self.rule!r} is not one of {', '.join(RULES)}")
        if self.active_steps is not None and (
            isinstance(self.active_steps, bool)
            or not isinstance(self.active_steps, int)
            or self.active_steps < 1
        ):
            raise InputError(
                f"active_steps: must be an integer >= 1 or None, got {self.active_steps!r}"
            )
        for name in ("tie_half_life", "memory_half_life"):
            value = getattr(self, name)
            if value is not None and not (_finite(value) and value > 0):
                raise InputError(f"{name}: must be a finite number > 0 or None, got {value!r}")
        for name in ("reinforcement", "external_p"):
            value = getattr(self, name)
            if not (_finite(value) and 0.0 <= value <= 1.0):
                raise InputError(f"{name}: must be a number in 0..1, got {value!r}")
        if not (_finite(self.bass_q) and self.bass_q >= 0.0):
            raise InputError(f"bass_q: must be a finite number >= 0, got {self.bass_q!r}")
        if not (_finite(self.step_hours) and 0.0 < self.step_hours <= MAX_STEP_HOURS):
            raise InputError(
                f"step_hours: must be a number in (0, {MAX_STEP_HOURS:g}] (hours per step), "
                f"got {self.step_hours!r}"
            )
        for name in ("view_delay", "repost_delay"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Exponential | LogNormal | Empirical):
                raise InputError(
                    f"{name}: must be None or a sim.model.delays Exponential, LogNormal or "
                    f"Empirical, got {type(value).__name__}"
                )


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
