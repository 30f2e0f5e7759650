"""The population as arrays: per-agent expertise and interest by topic, thresholds, activity,
attention.

Trust is factorised (tie x expertise x interest), so memory stays O(E + N*T). How these arrays
are drawn from a scenario's ``population`` section is :mod:`sim.runner.realise`; this module
only holds and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dtypes import ACCUM, VALUE
from sim.errors import InputError


@dataclass(frozen=True, eq=False)
class AgentArrays:
    """The population as arrays, one row per agent, checked on construction.

    topics : names of the T topics. expertise, interest : float32 (N, T) in 0..1.
    threshold : float64 (N), not NaN (+inf: never adopts). min_sources : int32 (N), >= 1.
    activity, attention : float32 (N) in 0..1.
    """

    topics: tuple[str, ...]
    expertise: np.ndarray
    interest: np.ndarray
    threshold: np.ndarray
    min_sources: np.ndarray
    activity: np.ndarray
    attention: np.ndarray

    def __post_init__(self) -> None:
        topics = tuple(str(topic) for topic in self.topics)
        if not topics or len(set(topics)) != len(topics):
            raise InputError(f"agents: topics must be distinct names, at least one, got {topics}")
        object.__setattr__(self, "topics", topics)
        threshold = _array("threshold", self.threshold, ACCUM, 1)
        n = threshold.size
        if np.isnan(threshold).any() or (threshold == -np.inf).any():
            raise InputError("agents: threshold must be a number or +inf (never adopts), not NaN")
        object.__setattr__(self, "threshold", threshold)
        for name in ("expertise", "interest"):
            table = _array(name, getattr(self, name), VALUE, 2)
            if table.shape != (n, len(topics)):
                raise InputError(
                    f"agents: {name} must have shape (agents, topics) = ({n}, {len(topics)}), "
                    f"got {table.shape}"
                )
            _in_unit(name, table)
            object.__setattr__(self, name, table)
        for name in ("activity", "attention"):
            values = _array(name, getattr(self, name), VALUE, 1)
            _same_length(name, values, n)
            _in_unit(name, values)
            object.__setattr__(self, name, values)
        sources = np.asarray(self.min_sources)
        if sources.size and not np.issubdtype(sources.dtype, np.integer):
            raise InputError(f"agents: min_sources must be integers, got dtype {sources.dtype}")
        sources = _array("min_sources", sources, np.int32, 1)
        _same_length("min_sources", sources, n)
        if sources.size and sources.min() < 1:
            raise InputError(f"agents: min_sources must be >= 1, got {int(sources.min())}")
        object.__setattr__(self, "min_sources", sources)

    @property
    def n_agents(self) -> int:
        return self.threshold.size

    def topic_index(self, topic: str | None) -> int:
        """Column of ``topic`` (the first topic when None)."""
        if topic is None:
            return 0
        try:
            return self.topics.index(topic)
        except ValueError:
            raise InputError(f"topic {topic!r} is not one of {list(self.topics)}") from None


def _array(name: str, values, dtype, ndim: int) -> np.ndarray:
    try:
        array = np.ascontiguousarray(values, dtype=dtype)
    except (TypeError, ValueError):
        raise InputError(f"agents: {name} must be a numeric array") from None
    if array.ndim != ndim:
        raise InputError(f"agents: {name} must be {ndim}-dimensional, got shape {array.shape}")
    return array


def _same_length(name: str, values: np.ndarray, n: int) -> None:
    if values.size != n:
        raise InputError(f"agents: {name} has {values.size} values for {n} agents")


def _in_unit(name: str, values: np.ndarray) -> None:
    if values.size and not (np.all(values >= 0) and np.all(values <= 1)):  # NaN fails too
        bad = values[~((values >= 0) & (values <= 1))].ravel()[0]
        raise InputError(f"agents: {name} must lie in 0..1, got {bad}")


def textbook_agents(
    n: int, *, threshold: float = 0.0, min_sources: int = 1, topics: int = 1
) -> AgentArrays:
    """Agents for the textbook models: unit expertise and interest, certain posting and
    attention, one threshold and min_sources for everyone (topics named topic0, topic1, ...)."""
    return AgentArrays(
        tuple(f"topic{k}" for k in range(topics)),
        np.ones((n, topics), dtype=VALUE),
        np.ones((n, topics), dtype=VALUE),
        np.full(n, threshold, dtype=ACCUM),
        np.full(n, min_sources, dtype=np.int32),
        np.ones(n, dtype=VALUE),
        np.ones(n, dtype=VALUE),
    )
