"""Typed, frozen configuration objects: what a scenario says, checked, and nothing else.

These pydantic models are the engine's inputs whether they come from a YAML file
(:mod:`sim.scenario` is the only module that reads YAML) or are built in Python. Unknown keys
and out-of-range values are rejected with a message naming the key path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveInt = Annotated[int, Field(ge=1)]


class Strict(BaseModel):
    """Base: frozen, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


def as_distribution(value: float | Distribution) -> Distribution:
    """A bare number means a constant."""
    return Constant(value=float(value)) if isinstance(value, int | float) else value


# ---------------------------------------------------------------------------- network
class GeneratedNetwork(Strict):
    """A network drawn by one of the generators in :mod:`sim.network.generators`."""

    generator: Literal[
        "erdos_renyi", "watts_strogatz", "barabasi_albert", "complete", "follower_graph"
    ]
    n: Annotated[int, Field(ge=2)]
    mean_degree: Annotated[float, Field(gt=0.0)] | None = None
    directed: bool = True
    k: Annotated[int, Field(ge=2)] | None = None
    p: Probability | None = None
    m: PositiveInt | None = None
    mean_following: Annotated[float, Field(gt=0.0)] | None = None
    max_reach: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    tail_exponent: Annotated[float, Field(gt=1.0)] | None = None
    n_communities: PositiveInt | None = None
    homophily: Probability | None = None
    reciprocity: Probability | None = None
    closure: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None
    ties: float | Distribution = 1.0

    @model_validator(mode="after")
    def _required(self) -> GeneratedNetwork:
        needed = {
            "erdos_renyi": ["mean_degree"],
            "watts_strogatz": ["k", "p"],
            "barabasi_albert": ["m"],
            "complete": [],
            "follower_graph": [],
        }[self.generator]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"generator {self.generator!r} needs {', '.join(missing)}")
        return self


class FileNetwork(Strict):
    """A network read from an edge list (SNAP, plain or .gz) or a CSV file."""

    file: Path
    format: Literal["auto", "edgelist", "csv"] = "auto"
    reverse: bool = False
    undirected: bool = False
    source: str | int = "source"
    target: str | int = "target"
    weight: str | int | None = None
    header: bool = True
    weight_scale: tuple[float, float] | None = None
    communities: Path | None = None
    ties: float | Distribution = 1.0


NetworkSpec = GeneratedNetwork | FileNetwork


# ---------------------------------------------------------------------------- population
class Attention(Strict):
    """Chance that a follower sees one post, falling with the poster's follower count.

    ``constant``: ``value`` for everyone. ``power_law``: ``min(1, value * (followers /
    reference) ** -exponent)`` (``reference`` in followers, default the mean). ``tiers``: a
    value per follower tier (``nano``, ``micro``, ``macro``, ``mega``).
    """

    mode: Literal["constant", "power_law", "tiers"] = "constant"
    value: Probability = 1.0
    exponent: Annotated[float, Field(ge=0.0)] = 0.5
    reference: Annotated[float, Field(gt=0.0)] | None = None
    tiers: dict[Literal["nano", "micro", "macro", "mega"], Probability] | None = None

    @model_validator(mode="after")
    def _tiers_given(self) -> Attention:
        if self.mode == "tiers" and not self.tiers:
            raise ValueError("mode 'tiers' needs a 'tiers' table, e.g. {nano: 0.04, micro: 0.024}")
        return self


class TopicProfile(Strict):
    """How expertise or interest is drawn on each topic.

    Each community has a home topic (community id modulo the number of topics). An agent's value
    on its community's home topic is drawn from ``home``; on other topics from ``home`` times
    ``off_topic``. With one topic every agent is "home".
    """

    home: float | Distribution = 1.0
    off_topic: Probability = 1.0


class Population(Strict):
    """Per-agent attributes."""

    topics: list[str] = Field(default_factory=lambda: ["general"], min_length=1)
    expertise: TopicProfile = TopicProfile()
    interest: TopicProfile = TopicProfile()
    threshold: float | Distribution = 0.0
    min_sources: PositiveInt = 1
    activity: float | Distribution = 1.0
    attention: Attention = Attention()
    file: Path | None = None
    """Optional CSV of per-agent values overriding the draws: a ``node`` column plus any of
    ``threshold``, ``activity``, ``expertise_<topic>``, ``interest_<topic>``."""

    @model_validator(mode="after")
    def _unique_topics(self) -> Population:
        if len(set(self.topics)) != len(self.topics):
            raise ValueError(f"topics must be distinct, got {self.topics}")
        return self


# ---------------------------------------------------------------------------- dynamics
class Dynamics(Strict):
    """The adoption rule and the time constants of trust and memory (days)."""

    rule: Literal["threshold", "fractional", "cascade", "bass"] = "threshold"
    topic: str | None = None
    """Campaign topic (one of the population's topics; the first when omitted)."""
    active_steps: PositiveInt | None = 1
    """Days an adopter keeps posting (None: for the whole run)."""
    tie_half_life: Annotated[float, Field(gt=0.0)] | None = None
    reinforcement: Probability = 0.0
    memory_half_life: Annotated[float, Field(gt=0.0)] | None = None
    external_p: Probability = 0.0
    bass_q: Annotated[float, Field(ge=0.0)] = 0.0
    sponsored_weight: Probability = 1.0


# ---------------------------------------------------------------------------- seeds
class Seeds(Strict):
    """Which agents start the campaign, and when they post.

    ``explicit``: the listed ``ids`` (file labels for loaded networks). ``random``: ``k`` agents
    at random. ``top_followers``: the ``k`` largest follower counts. ``tier``: ``k`` agents of
    follower tier ``tier`` (the most-followed first). ``topic``: the ``k`` agents with the most
    expertise on the campaign topic.
    """

    strategy: Literal["explicit", "random", "top_followers", "tier", "topic"] = "random"
    name: str | None = None
    k: Annotated[int, Field(ge=0)] = 1
    ids: list[int] | None = None
    tier: Literal["nano", "micro", "macro", "mega"] | None = None
    step: Annotated[int, Field(ge=0)] = 0
    posts: PositiveInt = 1
    every: PositiveInt = 1

    @model_validator(mode="after")
    def _consistent(self) -> Seeds:
        if self.strategy == "explicit" and self.ids is None:
            raise ValueError("strategy 'explicit' needs 'ids'")
        if self.strategy == "tier" and self.tier is None:
            raise ValueError("strategy 'tier' needs 'tier' (nano, micro, macro or mega)")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.strategy == "tier":
            return f"{self.tier}_{self.k}"
        if self.strategy == "explicit":
            return "explicit"
        return f"{self.strategy}_{self.k}"


# ---------------------------------------------------------------------------- scenario
class Scenario(Strict):
    """A whole experiment: network, population, dynamics, seeds, and how long and how often."""

    name: str = "scenario"
    network: GeneratedNetwork | FileNetwork
    population: Population = Population()
    dynamics: Dynamics = Dynamics()
    seeds: Seeds
    steps: PositiveInt = 60
    replications: PositiveInt = 100
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _topic_known(self) -> Scenario:
        topic = self.dynamics.topic
        if topic is not None and topic not in self.population.topics:
            raise ValueError(
                f"dynamics.topic {topic!r} is not one of population.topics {self.population.topics}"
            )
        return self
