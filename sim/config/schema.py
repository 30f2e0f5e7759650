"""Typed, frozen configuration objects: what a scenario says, checked, and nothing else.

These pydantic models describe an experiment whether it comes from a YAML file
(:mod:`sim.config.gate` is the only module that reads YAML) or is built in Python. Unknown keys
and out-of-range values are rejected with a message naming the key path; rules that span
sections are in :mod:`sim.config.rules`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from sim.config.base import (  # noqa: F401 - the shared value types, re-exported
    Beta,
    Constant,
    Distribution,
    FilePath,
    Normal,
    PositiveInt,
    Probability,
    Range,
    Strict,
    Uniform,
    Value,
    as_distribution,
)
from sim.config.calibration import Calibration
from sim.config.rules import check_parts, check_well_mixed
from sim.model import delays
from sim.model.params import MAX_STEP_HOURS, Params


# ---------------------------------------------------------------------------- network
class Churn(Strict):
    """Ties that come and go: a share ``arrivals`` of the ties forms during the run (on a
    uniform step), the others exist at the start; every tie lasts an exponential time with
    mean ``lifetime`` steps from when it forms."""

    lifetime: Annotated[float, Field(gt=0.0)]
    arrivals: Probability = 0.0


class GeneratedNetwork(Strict):
    """A network drawn by one of the generators in :mod:`sim.network.generators`."""

    generator: Literal[
        "erdos_renyi",
        "watts_strogatz",
        "barabasi_albert",
        "complete",
        "well_mixed",
        "follower_graph",
    ]
    """``well_mixed``: everyone follows everyone, no edge stored (``complete``'s numbers in
    O(n) memory; ``n_communities`` splits it into equal blocks for tables by community)."""
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
    ties: Value = 1.0
    tie_age: Value | None = None
    """Steps since each tie's last interaction at the start (a number or a distribution;
    negative draws count as 0): with a tie half-life, old ties start weaker."""
    churn: Churn | None = None
    """Ties that form and end during the run (null: every tie lasts the whole run)."""
    resample: Literal["once", "per_replication"] = "once"
    """``per_replication``: every replication draws its own network from its own stream (an
    ensemble, as in Watts 2002); ``once``: one network shared by every replication."""

    @model_validator(mode="after")
    def _required(self) -> GeneratedNetwork:
        needed = {
            "erdos_renyi": ["mean_degree"],
            "watts_strogatz": ["k", "p"],
            "barabasi_albert": ["m"],
            "complete": [],
            "well_mixed": [],
            "follower_graph": [],
        }[self.generator]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"generator {self.generator!r} needs {', '.join(missing)}")
        _unit_tie(self.ties)
        return self


class FileNetwork(Strict):
    """A network read from an edge list (SNAP, plain or .gz) or a CSV file."""

    file: FilePath
    format: Literal["auto", "edgelist", "csv"] = "auto"
    reverse: bool = False
    undirected: bool = False
    source: str | int = "source"
    target: str | int = "target"
    weight: str | int | None = None
    header: bool = True
    weight_scale: Annotated[tuple[float, float], Field(strict=False)] | None = None
    communities: FilePath | None = None
    ties: Value = 1.0
    time: str | int | None = None
    """CSV column: when each tie formed or last interacted (in ``time_unit``). Ties from before
    ``start`` are present with that age; later ones form during the run."""
    until: str | int | None = None
    """CSV column: when each tie ends (in ``time_unit``)."""
    time_unit: Literal["steps", "days", "hours", "minutes", "seconds"] = "days"
    start: float | None = None
    """The file time at which the run starts (null: the latest ``time``)."""
    tie_age: Value | None = None
    """Steps since each tie's last interaction at the start, when the file has no times."""
    churn: Churn | None = None
    """Ties that form and end during the run, drawn (null: the file's times, or none)."""

    @model_validator(mode="after")
    def _weights(self) -> FileNetwork:
        is_csv = self.format == "csv" or (
            self.format == "auto" and self.file.name.lower().endswith((".csv", ".csv.gz"))
        )
        if self.weight is not None and not is_csv and not isinstance(self.weight, int):
            raise ValueError(
                f"weight: an edge list has no column names; give the column number "
                f"(0-based), got {self.weight!r}"
            )
        if self.weight is not None and self.ties != 1.0:
            raise ValueError("ties: give either a weight column or ties, not both")
        _unit_tie(self.ties)
        if (self.time is not None or self.until is not None) and not is_csv:
            raise ValueError(
                "time: time columns are read from CSV files (format: csv); an edge list has "
                "no named columns"
            )
        if self.time is not None and self.tie_age is not None:
            raise ValueError("tie_age: the time column gives each tie's age; give one of them")
        if (self.time is not None or self.until is not None) and self.churn is not None:
            raise ValueError("churn: the file's time columns already say when ties form and end")
        if self.start is not None and self.time is None and self.until is None:
            raise ValueError("start: needs a time or until column")
        return self


def _unit_tie(ties) -> None:
    """A tie strength given as a number lies in 0..1 (drawn ones are clipped to it)."""
    if isinstance(ties, int | float) and not 0.0 <= ties <= 1.0:
        raise ValueError(f"ties: a tie strength lies in 0..1, got {ties!r}")


def _network_kind(value) -> str:
    if isinstance(value, BaseModel):
        return "file network" if isinstance(value, FileNetwork) else "generated network"
    return "file network" if isinstance(value, dict) and "file" in value else "generated network"


NetworkSpec = Annotated[
    Annotated[GeneratedNetwork, Tag("generated network")]
    | Annotated[FileNetwork, Tag("file network")],
    Discriminator(_network_kind),
]
"""A generator with parameters, or a file (a mapping with ``file``)."""


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

    home: Value = 1.0
    off_topic: Probability = 1.0


class Population(Strict):
    """Per-agent attributes."""

    topics: list[str] = Field(default_factory=lambda: ["general"], min_length=1)
    expertise: TopicProfile = TopicProfile()
    interest: TopicProfile = TopicProfile()
    threshold: Value = 0.0
    min_sources: PositiveInt = 1
    activity: Value = 1.0
    attention: Attention = Attention()
    file: FilePath | None = None
    """Optional CSV of per-agent values overriding the draws: a ``node`` column plus any of
    ``threshold``, ``activity``, ``expertise_<topic>``, ``interest_<topic>``."""
    resample: Literal["once", "per_replication"] = "once"
    """``per_replication``: every replication draws its own agents (thresholds, expertise, ...)
    from its own stream; ``once``: one population shared by every replication."""

    @model_validator(mode="after")
    def _unique_topics(self) -> Population:
        if len(set(self.topics)) != len(self.topics):
            raise ValueError(f"topics must be distinct, got {self.topics}")
        return self


# ---------------------------------------------------------------------------- dynamics
class ExponentialDelay(Strict):
    """Memoryless delays with mean ``mean_hours``."""

    dist: Literal["exponential"]
    mean_hours: Annotated[float, Field(gt=0.0)]

    def delay(self, read: bool = True) -> delays.Delay:
        return delays.Exponential(self.mean_hours)


class LogNormalDelay(Strict):
    """Heavy-tailed delays: log-hours normal with median ``median_hours``, log-sd ``sigma``."""

    dist: Literal["lognormal"]
    median_hours: Annotated[float, Field(gt=0.0)]
    sigma: Annotated[float, Field(ge=0.0)]

    def delay(self, read: bool = True) -> delays.Delay:
        return delays.LogNormal(self.median_hours, self.sigma)


class EmpiricalDelay(Strict):
    """Delays resampled from the ``column`` (hours) of a CSV file with a header row."""

    dist: Literal["empirical"]
    file: FilePath
    column: str = "hours"

    def delay(self, read: bool = True) -> delays.Delay:
        """The delays in the file (``read=False``: a stand-in of one zero, for rule checks that
        only ask whether a delay is set, before paths are resolved)."""
        if not read:
            return delays.Empirical(np.zeros(1), source=str(self.file))
        return delays.Empirical.from_file(self.file, self.column)


DelaySpec = Annotated[
    ExponentialDelay | LogNormalDelay | EmpiricalDelay, Field(discriminator="dist")
]
"""A delay distribution in hours: ``{dist: exponential, mean_hours}``, ``{dist: lognormal,
median_hours, sigma}`` or ``{dist: empirical, file, column}``."""


class Delays(Strict):
    """When a follower sees a post (``view``) and when an adopter first reposts (``repost``),
    in hours after the post or the adoption (null: at once)."""

    view: DelaySpec | None = None
    repost: DelaySpec | None = None


class Dynamics(Strict):
    """The adoption rule and the time constants of trust and memory (in steps: days unless
    ``step_hours`` says otherwise); finite numbers."""

    rule: Literal["threshold", "fractional", "cascade", "bass"] = "threshold"
    active_steps: PositiveInt | None = 1
    """Steps an adopter keeps posting (None: for the whole run)."""
    tie_half_life: Annotated[float, Field(gt=0.0)] | None = None
    reinforcement: Probability = 0.0
    memory_half_life: Annotated[float, Field(gt=0.0)] | None = None
    external_p: Probability = 0.0
    bass_q: Annotated[float, Field(ge=0.0)] = 0.0
    step_hours: Annotated[float, Field(gt=0.0, le=MAX_STEP_HOURS)] = 24.0
    """Hours per step (24: a step is a day)."""
    delays: Delays | None = None
    """Posting and viewing delays in hours (null: everything happens on the step of the post)."""

    def params(self, read: bool = True) -> Params:
        """The engine's plain parameter object for these dynamics (an empirical delay file is
        read here; ``read=False`` puts a stand-in in its place, for rule checks)."""
        view = repost = None
        if self.delays is not None:
            view = None if self.delays.view is None else self.delays.view.delay(read)
            repost = None if self.delays.repost is None else self.delays.repost.delay(read)
        return Params(**self.model_dump(exclude={"delays"}), view_delay=view, repost_delay=repost)


# ---------------------------------------------------------------------------- campaign
TierName = Literal["nano", "micro", "macro", "mega"]
PositiveFloat = Annotated[float, Field(gt=0.0)]


class Tiers(Strict):
    """Follower tiers: boundaries in followers on a reference platform, scaled to the network.

    The defaults are the industry's nano < 10k, micro 10k-100k, macro 100k-1M, mega > 1M on a
    platform of 10^7 accounts: in a 10^5-agent network, mega starts at 10^4 followers.
    """

    boundaries: Annotated[
        tuple[PositiveFloat, PositiveFloat, PositiveFloat], Field(strict=False)
    ] = (10_000, 100_000, 1_000_000)
    reference_population: PositiveFloat = 10_000_000

    @model_validator(mode="after")
    def _ascending(self) -> Tiers:
        low, mid, high = self.boundaries
        if not low < mid < high:
            raise ValueError(f"boundaries must increase, got {list(self.boundaries)}")
        return self


class TierPrices(Strict):
    """A price per post for each tier."""

    tiers: dict[TierName, Annotated[float, Field(ge=0.0)]]

    @model_validator(mode="after")
    def _all_tiers(self) -> TierPrices:
        missing = [name for name in ("nano", "micro", "macro", "mega") if name not in self.tiers]
        if missing:
            raise ValueError(f"prices.tiers needs a price for {', '.join(missing)}")
        return self


class PerFollowerPrice(Strict):
    """A price per post that grows with (platform-scale) followers f, with a floor:
    ``max(per_follower * anchor * (f / anchor) ** exponent, minimum)``.

    With ``exponent`` 1 (the default) the price is simply ``per_follower * f``; other exponents
    make cost rise more slowly (< 1) or faster (> 1) than reach, with ``anchor`` followers priced
    at ``per_follower * anchor`` whatever the exponent (Bakshy et al. 2011 vary it).
    """

    per_follower: PositiveFloat
    minimum: Annotated[float, Field(ge=0.0)] = 0.0
    exponent: Annotated[float, Field(gt=0.0, le=3.0)] = 1.0
    anchor: PositiveFloat = 1_000_000


def _price_kind(value) -> str:
    if isinstance(value, TierPrices) or (isinstance(value, dict) and "tiers" in value):
        return "tier prices"
    if isinstance(value, PerFollowerPrice) or isinstance(value, dict):
        return "per-follower price"
    return "preset"


PriceModel = Annotated[
    Annotated[Literal["rate_card", "survey"], Tag("preset")]
    | Annotated[TierPrices, Tag("tier prices")]
    | Annotated[PerFollowerPrice, Tag("per-follower price")],
    Discriminator(_price_kind),
]
"""A preset name, a per-tier table, or a per-follower price."""


class Campaign(Strict):
    """What is being promoted, with how much money, at which prices.

    ``prices``: ``rate_card`` (per-post tier prices from public rate cards), ``survey`` (a
    published per-post survey, far flatter), ``{tiers: {...}}`` or ``{per_follower: 0.01}``.
    ``price_scale`` multiplies prices (one number, or one per tier) to sweep their tenfold
    spread within a tier. ``engagement`` is the chance a follower sees an influencer's campaign
    post, by the influencer's tier (``rate_card``: 4%, 2.4%, 1.8%, 1.7%; ``null``: the
    population's attention). ``sponsored_weight`` discounts paid posts against organic word of
    mouth (authenticity).
    """

    topic: str | None = None
    budget: PositiveFloat
    currency: str = "USD"
    prices: PriceModel = "rate_card"
    price_scale: PositiveFloat | dict[TierName, PositiveFloat] = 1.0
    engagement: Literal["rate_card"] | dict[TierName, Probability] | None = "rate_card"
    sponsored_weight: Probability = 1.0
    tiers: Tiers = Tiers()


# ---------------------------------------------------------------------------- strategies
class Strategy(Strict):
    """One seeding plan: who posts the campaign, how often, and with what weight.

    ``select``:

    - ``tier``: accounts of ``tier``, ranked by ``rank``;
    - ``topic``: accounts with the most expertise on the campaign topic (within ``tier`` if
      given);
    - ``top_followers``: the most-followed accounts;
    - ``random``: accounts in random order (within ``tier`` if given);
    - ``communities``: one account per community in turn, each ranked by ``rank``;
    - ``explicit``: the listed ``ids`` (file labels for loaded networks);
    - ``brand``: no influencers; the brand's own account posts to a paid audience bought at
      ``cpm`` per thousand impressions;
    - ``none``: nobody is seeded (pure external influence: Bass's ``p``, advertising); needs
      ``dynamics.external_p`` > 0;
    - ``optimized``: the set the optimiser finds best under the budget (``method``: ``celf``
      lazy greedy on ``samples`` Monte-Carlo replications, ``ris`` reverse influence sampling
      at accuracy ``epsilon`` for the ``cascade`` rule, ``auto`` picks), among candidates
      restricted by ``tier``, ``ids`` (an explicit list) or the top ``pool`` by ``rank``;
      ``tiers`` (a list, or a mapping of tier to count) pools the top ``pool`` (or that count)
      by ``rank`` within each listed tier.

    With a campaign budget, accounts are taken in ranked order while the budget covers them
    (``k`` caps the count; without ``k``, as many as the budget buys). ``sponsored: false`` is a
    relationship programme: posts carry organic weight 1 instead of the sponsored discount.
    ``redraw: per_replication`` makes a randomised choice (``random``, ``rank: random``, a
    brand's random audience) afresh in every replication, from that replication's stream.
    """

    name: Annotated[str, Field(min_length=1)]
    select: Literal[
        "tier",
        "topic",
        "top_followers",
        "random",
        "communities",
        "explicit",
        "brand",
        "optimized",
        "none",
    ]
    k: Annotated[int, Field(ge=1)] | None = None
    tier: TierName | None = None
    rank: Literal["followers", "topic", "random"] = "followers"
    ids: list[int] | None = None
    start: Annotated[int, Field(ge=0)] = 0
    posts: PositiveInt = 1
    every: PositiveInt = 1
    sponsored: bool = True
    cpm: PositiveFloat = 10.0
    audience: Literal["random", "interest"] = "random"
    brand_expertise: Probability = 0.5
    brand_tie: Probability = 0.2
    method: Literal["auto", "celf", "ris"] | None = None
    pool: PositiveInt | None = None
    tiers: dict[TierName, PositiveInt | None] | None = None
    samples: Annotated[int, Field(ge=2)] | None = None
    epsilon: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    redraw: Literal["once", "per_replication"] = "once"

    @field_validator("tiers", mode="before")
    @classmethod
    def _tier_list(cls, value: Any) -> Any:
        """``tiers: [micro, nano]`` is ``{micro: null, nano: null}``: each takes ``pool``."""
        if isinstance(value, list | tuple):
            if len(set(map(str, value))) != len(value):
                raise ValueError(f"each tier once, got {list(value)}")
            return dict.fromkeys(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Strategy:
        if self.select == "explicit" and not self.ids:
            raise ValueError("select 'explicit' needs 'ids' (a list of node ids)")
        if self.select == "tier" and self.tier is None:
            raise ValueError("select 'tier' needs 'tier' (nano, micro, macro or mega)")
        if self.select not in ("explicit", "optimized") and self.ids is not None:
            raise ValueError("'ids' is only used with select 'explicit' (or 'optimized')")
        if self.select != "optimized":
            options = ("method", "pool", "tiers", "samples", "epsilon")
            given = [key for key in options if getattr(self, key) is not None]
            if given:
                raise ValueError(f"{', '.join(given)}: only used with select 'optimized'")
        if self.tiers is not None:
            if not self.tiers:
                raise ValueError("tiers: list at least one tier (nano, micro, macro or mega)")
            clash = [key for key in ("tier", "ids") if getattr(self, key) is not None]
            if clash:
                raise ValueError(f"tiers: give tiers or {' and '.join(clash)}, not both")
            counted = [t for t, count in self.tiers.items() if count is not None]
            if counted and self.pool is not None:
                raise ValueError(f"tiers: {counted} have their own count; drop pool")
        return self

    @property
    def last_post(self) -> int:
        """The day of the strategy's last post."""
        return self.start + self.every * (self.posts - 1)


class Outputs(Strict):
    """Where ``compare`` writes its tables and plots (default ``results/<scenario name>``)."""

    directory: FilePath | None = None
    plots: bool = True


# ---------------------------------------------------------------------------- sweep
class Sweep(Strict):
    """A design over scenario keys (dotted paths such as ``dynamics.tie_half_life``).

    Each parameter is a list of values (swept), a :class:`Range` (swept), or a single value
    (fixed for every point). ``grid`` crosses every list (and every range's ``count`` values);
    ``random`` and ``lhs`` (Latin hypercube, scipy.stats.qmc) draw ``points`` points, taking
    ranges continuously and lists as categories. Every point is re-validated as a scenario.
    """

    design: Literal["grid", "random", "lhs"] = "grid"
    points: PositiveInt | None = None
    seed: Annotated[int, Field(ge=0)] | None = None
    parameters: Annotated[dict[str, Any], Field(strict=False, min_length=1)]

    @model_validator(mode="after")
    def _sized(self) -> Sweep:
        if self.design != "grid" and self.points is None:
            raise ValueError(f"design {self.design!r} needs points (how many to draw)")
        return self


# ---------------------------------------------------------------------------- scenario
class Scenario(Strict):
    """A whole experiment: network, population, dynamics, campaign, the strategies to compare,
    and how long and how often to run them."""

    name: Annotated[str, Field(min_length=1)] = "scenario"
    network: NetworkSpec
    population: Population = Population()
    dynamics: Dynamics = Dynamics()
    campaign: Campaign | None = None
    strategies: Annotated[list[Strategy], Field(min_length=1)]
    steps: PositiveInt = 60
    replications: PositiveInt = 100
    seed: Annotated[int, Field(ge=0)] = 0
    outputs: Outputs = Outputs()
    sweep: Sweep | None = None
    """A parameter design for ``influence-sim sweep`` (ignored by run and compare)."""
    calibrate: Calibration | None = None
    """What ``influence-sim calibrate`` fits (ignored by run and compare)."""
    _source: tuple = PrivateAttr(default=(None, {}))
    """(file, {key path: line}) when read from YAML, so later errors can say where."""

    def where(self, *key) -> str:
        """``file, line N: key.path`` for messages about this scenario's parts."""
        source, lines = self._source
        path = ".".join(str(part) for part in key)
        if source is None:
            return path
        line = lines.get(tuple(key))
        return f"{source}, line {line}: {path}" if line else f"{source}: {path}"

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        # Messages start with the key path they are about; sim.config.gate turns it into a line.
        check_parts(
            self.strategies,
            self.campaign,
            self.steps,
            self.population.topics,
            external_p=self.dynamics.external_p,
        )
        check_well_mixed(
            self.network,
            self.population,
            self.dynamics.params(read=False),
            self.campaign,
            self.strategies,
        )
        return self

    @property
    def topic(self) -> str:
        """The campaign topic (the first population topic when there is no campaign)."""
        if self.campaign is not None and self.campaign.topic is not None:
            return self.campaign.topic
        return self.population.topics[0]
