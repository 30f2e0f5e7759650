"""Realise a scenario's specs: draw or load the network, draw the population.

Specs come checked from :mod:`sim.config`; what comes out are the model's objects
(:class:`~sim.network.Network`, :class:`~sim.model.population.AgentArrays`). Each draw takes an
explicit generator, which :mod:`sim.runner.prepare` derives from the root seed
(:mod:`sim.model.streams`).

Expertise and interest are (agents x topics) tables correlated with communities: each community
has a home topic, on which its members draw from the ``home`` distribution; on other topics the
draw is scaled by ``off_topic``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.schema import (
    Attention,
    Beta,
    Constant,
    Distribution,
    FileNetwork,
    GeneratedNetwork,
    Normal,
    Population,
    Tiers,
    TopicProfile,
    as_distribution,
)
from sim.config.schema import Uniform as UniformDist
from sim.dtypes import ACCUM, NODE, VALUE
from sim.errors import InputError
from sim.model.population import AgentArrays
from sim.model.tiers import TIER_NAMES, tier_of
from sim.network import Network, generators, io, tie_history
from sim.network.well_mixed import WellMixed


# ---------------------------------------------------------------------------- network
def build_network(
    spec: GeneratedNetwork | FileNetwork,
    rng: np.random.Generator,
    *,
    steps: int = 1,
    step_hours: float = 24.0,
) -> Network | WellMixed:
    """Generate or load the network ``spec`` describes, with its initial tie strengths and
    its tie history (``well_mixed``: the implicit population, no edges). ``steps`` and
    ``step_hours`` place drawn or file times on the run's clock."""
    times = (None, None)
    if isinstance(spec, FileNetwork):
        network, times = _load(spec)
        if spec.weight is None:
            network = with_ties(network, spec.ties, rng)
    elif spec.generator == "well_mixed":  # one tie value for every pair (checked in rules)
        tie = as_distribution(spec.ties).value
        return WellMixed.with_blocks(spec.n, spec.n_communities or 1, tie)
    else:
        network = with_ties(_generate(spec, rng), spec.ties, rng)
    return with_history(network, spec, times, rng, steps=steps, step_hours=step_hours)


HOURS_PER_UNIT = {"days": 24.0, "hours": 1.0, "minutes": 1.0 / 60, "seconds": 1.0 / 3600}
"""Hours in one unit of an edge file's time column (``steps``: one step)."""


def with_history(network, spec, times, rng, *, steps: int, step_hours: float) -> Network:
    """``network`` with the tie history ``spec`` asks for: ages and windows from the file's
    ``times`` (time, until), or an age distribution and churn drawn from ``rng``."""
    time, until = times
    age = appear = expire = None
    if time is not None or until is not None:
        hours = HOURS_PER_UNIT.get(spec.time_unit, step_hours)
        history = tie_history.from_times(
            time, until, start=spec.start, steps_per_unit=hours / step_hours,
            source=str(spec.file),
        )  # fmt: skip
        age, appear, expire = history.age, history.appear, history.expire
    if spec.tie_age is not None:
        age = np.maximum(sample(spec.tie_age, network.n_edges, rng), 0.0)
    if spec.churn is not None:
        appear, expire = tie_history.churn(
            network.n_edges, lifetime=spec.churn.lifetime, arrivals=spec.churn.arrivals,
            steps=steps, rng=rng,
        )  # fmt: skip
    if age is None and appear is None and expire is None:
        return network
    return dataclasses.replace(network, history=tie_history.TieHistory(appear, expire, age))


def with_ties(network: Network, ties, rng: np.random.Generator) -> Network:
    """The same network with tie strengths drawn from ``ties`` (a number or distribution)."""
    dist = as_distribution(ties)
    if isinstance(dist, Constant) and dist.value == 1.0:
        return dataclasses.replace(network, ties=None)
    values = np.clip(sample(dist, network.n_edges, rng), 0.0, 1.0).astype(VALUE)
    return dataclasses.replace(network, ties=values)


def _generate(spec: GeneratedNetwork, rng: np.random.Generator) -> Network:
    match spec.generator:
        case "erdos_renyi":
            return generators.erdos_renyi(spec.n, spec.mean_degree, directed=spec.directed, rng=rng)
        case "watts_strogatz":
            return generators.watts_strogatz(spec.n, spec.k, spec.p, rng=rng)
        case "barabasi_albert":
            return generators.barabasi_albert(spec.n, spec.m, rng=rng)
        case "complete":
            return generators.complete(spec.n)
        case "follower_graph":
            options = {
                name: getattr(spec, name)
                for name in (
                    "mean_following",
                    "max_reach",
                    "tail_exponent",
                    "n_communities",
                    "homophily",
                    "reciprocity",
                    "closure",
                )
                if getattr(spec, name) is not None
            }
            return generators.follower_graph(spec.n, rng=rng, **options)
    raise InputError(f"unknown generator {spec.generator!r}")


def _load(spec: FileNetwork) -> tuple[Network, tuple]:
    """The file's network and its (time, until) columns per edge (None where not asked)."""
    name = spec.file.name.lower()
    is_csv = spec.format == "csv" or (spec.format == "auto" and name.endswith((".csv", ".csv.gz")))
    times = (None, None)
    if is_csv:
        network, *found = io.load_csv_times(
            spec.file,
            source=spec.source,
            target=spec.target,
            weight=spec.weight,
            time=spec.time,
            until=spec.until,
            header=spec.header,
            reverse=spec.reverse,
            undirected=spec.undirected,
            weight_scale=spec.weight_scale,
        )
        times = tuple(found)
    else:
        network = io.load_edgelist(
            spec.file,
            reverse=spec.reverse,
            undirected=spec.undirected,
            weight_column=spec.weight,
            weight_scale=spec.weight_scale,
        )
    if spec.communities is not None:
        network = dataclasses.replace(network, community=io.load_labels(spec.communities, network))
    return network, times


# ---------------------------------------------------------------------------- population
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
    raise InputError(f"unknown distribution {dist!r}")


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
    """Per-agent values from a CSV (``node`` plus value columns); every value is checked and
    a bad one is named with its file line (the header is line 1)."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the population file ({error})") from None
    table.columns = [str(c).strip() for c in table.columns]
    if "node" not in table.columns:
        raise InputError(f"{path}: needs a 'node' column, has {list(table.columns)}")
    allowed = "node, threshold, activity, expertise_<topic>, interest_<topic>"
    for column in table.columns:
        kind, _, topic = column.partition("_")
        if column in ("node", "threshold", "activity"):
            continue
        if kind not in ("expertise", "interest") or not topic:
            raise InputError(f"{path}: unknown column {column!r}; allowed: {allowed}")
        if topic not in topics:
            raise InputError(f"{path}: column {column!r} names topic {topic!r}, not in {topics}")
    ids = _numbers(path, table, "node", integer=True)
    try:
        rows = network.node_ids(ids)
    except InputError as error:
        raise InputError(f"{path}: {error.args[0]}") from None
    for column in table.columns:
        if column == "node":
            continue
        unit = column != "threshold"
        values = _numbers(path, table, column, unit=unit)
        if column == "threshold":
            threshold[rows] = values
        elif column == "activity":
            activity[rows] = values
        else:
            kind, _, topic = column.partition("_")
            target = expertise if kind == "expertise" else interest
            target[rows, topics.index(topic)] = values


def _numbers(path: Path, table, column: str, *, integer=False, unit=False) -> np.ndarray:
    """One column as numbers: finite, integers for ``node``, 0..1 where ``unit``."""
    text = table[column].str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if integer:
        bad |= (values != np.round(values)) | (values < 0)
    if unit:
        bad |= (values < 0) | (values > 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        allowed = (
            "a non-negative integer node id"
            if integer
            else "a number in 0..1"
            if unit
            else "a finite number"
        )
        raise InputError(
            f"{path}, line {row + 2}: {column}: expected {allowed}, got {text.iloc[row]!r}"
        )
    return values.astype(np.int64) if integer else values
