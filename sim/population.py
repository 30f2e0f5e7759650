"""Per-agent arrays drawn from a :class:`sim.config.Population` spec.

Expertise and interest are (agents x topics) tables correlated with communities: each community
has a home topic, on which its members draw from the ``home`` distribution; on other topics the
draw is scaled by ``off_topic``. Trust is factorised (tie x expertise x interest), so memory stays
O(E + N*T).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import (
    Attention,
    Beta,
    Constant,
    Distribution,
    Normal,
    Population,
    Tiers,
    TopicProfile,
    as_distribution,
)
from sim.config import Uniform as UniformDist
from sim.dtypes import ACCUM, NODE, VALUE
from sim.network import Network
from sim.tiers import TIER_NAMES, tier_of


@dataclass(frozen=True, eq=False)
class AgentArrays:
    """The population as arrays, one row per agent.

    expertise, interest : float32 (N, T). threshold : float64 (N). min_sources : int32 (N).
    activity, attention : float32 (N).
    """

    topics: tuple[str, ...]
    expertise: np.ndarray
    interest: np.ndarray
    threshold: np.ndarray
    min_sources: np.ndarray
    activity: np.ndarray
    attention: np.ndarray

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
            raise KeyError(f"topic {topic!r} is not one of {list(self.topics)}") from None


def sample(dist: float | Distribution, size: int | tuple, rng: np.random.Generator) -> np.ndarray:
    """Draw ``size`` values from a distribution spec (float64)."""
    dist = as_distribution(dist)
    match dist:
        case Constant(value=value):
            return np.full(size, value, dtype=np.float64)
        case UniformDist(low=low, high=high):
            return rng.uniform(low, high, size)
        case Normal(mean=mean, sd=sd, low=low, high=high):
            return np.clip(rng.normal(mean, sd, size), low, np.inf if high is None else high)
        case Beta(a=a, b=b, scale=scale):
            return rng.beta(a, b, size) * scale
    raise TypeError(f"unknown distribution {dist!r}")


def build_population(
    spec: Population, network: Network, rng: np.random.Generator, tiers: Tiers | None = None
) -> AgentArrays:
    """Draw every agent's attributes for ``network`` from ``spec`` (``tiers``: the follower
    tiers used by tier-based attention, the defaults when None)."""
    n = network.n_nodes
    n_topics = len(spec.topics)
    community = network.community if network.community is not None else np.zeros(n, NODE)
    home = community % n_topics
    expertise = _topic_table(spec.expertise, home, n_topics, rng)
    interest = _topic_table(spec.interest, home, n_topics, rng)
    threshold = sample(spec.threshold, n, rng).astype(ACCUM)
    activity = np.clip(sample(spec.activity, n, rng), 0.0, 1.0).astype(VALUE)
    attention = attention_by_followers(spec.attention, network.followers, n, tiers)
    min_sources = np.full(n, spec.min_sources, dtype=np.int32)
    if spec.file is not None:
        _override_from_file(
            spec.file, network, spec.topics, expertise, interest, threshold, activity
        )
    return AgentArrays(
        tuple(spec.topics), expertise, interest, threshold, min_sources, activity, attention
    )


def _topic_table(profile: TopicProfile, home: np.ndarray, n_topics: int, rng) -> np.ndarray:
    values = sample(profile.home, (home.size, n_topics), rng)
    off_home = np.arange(n_topics)[None, :] != home[:, None]
    values[off_home] *= profile.off_topic
    return np.clip(values, 0.0, 1.0).astype(VALUE)


def attention_by_followers(
    spec: Attention, followers: np.ndarray, n_nodes: int, tiers: Tiers | None = None
) -> np.ndarray:
    """Chance a follower sees a post, per poster, from the attention spec (float32)."""
    followers = np.asarray(followers, dtype=np.float64)
    match spec.mode:
        case "constant":
            values = np.full(followers.size, spec.value)
        case "power_law":
            reference = spec.reference or max(followers.mean(), 1.0)
            values = spec.value * (np.maximum(followers, 1.0) / reference) ** -spec.exponent
        case "tiers":
            table = np.array([spec.tiers.get(name, spec.value) for name in TIER_NAMES])
            tiers = tiers or Tiers()
            values = table[
                tier_of(followers, n_nodes, tiers.boundaries, tiers.reference_population)
            ]
    return np.clip(values, 0.0, 1.0).astype(VALUE)


def _override_from_file(path: Path, network, topics, expertise, interest, threshold, activity):
    table = pd.read_csv(path)
    if "node" not in table.columns:
        raise ValueError(f"{path}: needs a 'node' column, has {list(table.columns)}")
    try:
        rows = network.node_ids(table["node"].to_numpy())
    except KeyError as error:
        raise ValueError(f"{path}: {error.args[0]}") from None
    known = {"node", "threshold", "activity"}
    for column in table.columns:
        values = table[column].to_numpy(dtype=np.float64)
        if column == "threshold":
            threshold[rows] = values
        elif column == "activity":
            activity[rows] = np.clip(values, 0, 1)
        elif column.startswith(("expertise_", "interest_")):
            kind, topic = column.split("_", 1)
            if topic not in topics:
                raise ValueError(
                    f"{path}: column {column!r} names topic {topic!r}, not in {topics}"
                )
            target = expertise if kind == "expertise" else interest
            target[rows, topics.index(topic)] = np.clip(values, 0, 1)
        elif column not in known:
            raise ValueError(
                f"{path}: unknown column {column!r}; allowed: node, threshold, activity, "
                "expertise_<topic>, interest_<topic>"
            )


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
