"""The engine's parameters as plain numbers, checked once.

:class:`Params` is what :class:`sim.model.engine.Simulation` takes: the adoption rule and the
time constants of trust and memory. It knows nothing of YAML or pydantic; a scenario's
``dynamics`` section becomes one with :meth:`sim.config.schema.Dynamics.params`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.errors import InputError

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
    """

    rule: str = "threshold"
    active_steps: int | None = 1
    tie_half_life: float | None = None
    reinforcement: float = 0.0
    memory_half_life: float | None = None
    external_p: float = 0.0
    bass_q: float = 0.0

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


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
