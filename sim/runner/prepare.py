"""Prepare a run: one network and population realisation that every strategy shares.

:func:`prepare` takes a scenario (a file or a :class:`~sim.config.schema.Scenario`), Python
parts, or both (parts override the scenario's), sends every Python part through the same gate
and cross-field rules as a YAML file, realises the network and population from their own random
streams, and returns a :class:`Setup`. Strategies become concrete plans on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.campaign.strategies import Plan, StrategyError, make_plan
from sim.config.gate import load_scenario, validate_part
from sim.config.rules import check_parts, check_well_mixed
from sim.config.schema import (
    Campaign,
    FileNetwork,
    GeneratedNetwork,
    Population,
    Scenario,
    Strategy,
)
from sim.errors import InputError
from sim.model import streams
from sim.model.engine import Simulation
from sim.model.params import Params
from sim.model.population import AgentArrays
from sim.network import Network, NetworkFormatError
from sim.network.well_mixed import WellMixed
from sim.runner.realise import build_network, build_population
from sim.runner.resources import estimate_parts, refuse_over


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything a scenario's strategies share: one network and population realisation,
    the parameters, and how long and how often to run."""

    network: Network
    agents: AgentArrays
    params: Params
    campaign: Campaign | None
    strategies: tuple[Strategy, ...]
    topic: str
    steps: int
    seed: int
    replications: int
    scenario: Scenario | None
    network_spec: GeneratedNetwork | FileNetwork | None = None
    population_spec: Population | None = None

    @property
    def resamples(self) -> bool:
        """Whether every replication draws its own network or population (an ensemble)."""
        return _per_replication(self.network_spec) or _per_replication(self.population_spec)

    def redraws(self, strategy: Strategy) -> bool:
        """Whether ``strategy`` chooses its seeds afresh in every replication."""
        return strategy.redraw == "per_replication"

    def varies(self, strategies) -> bool:
        """Whether a run of ``strategies`` needs a world or a plan per replication."""
        return self.resamples or any(self.redraws(s) for s in strategies)

    def world(self, replication: int) -> Setup:
        """The setup of one replication: its own network and population where the scenario
        resamples them (from that replication's streams), the shared ones otherwise."""
        if not self.resamples:
            return self
        network, agents = self.network, self.agents
        if _per_replication(self.network_spec):
            with _located(self.scenario, "network"):
                network = build_network(
                    self.network_spec,
                    streams.generator(self.seed, streams.NETWORK, replication),
                    steps=self.steps,
                    step_hours=self.params.step_hours,
                )
        if _per_replication(self.network_spec) or _per_replication(self.population_spec):
            spec = self.population_spec
            if spec is None:  # fixed arrays given: they must fit every drawn network
                if agents.n_agents != network.n_nodes:
                    raise InputError("population: fixed agents cannot follow a resampled network")
            else:
                with _located(self.scenario, "population"):
                    rng = (
                        streams.generator(self.seed, streams.POPULATION, replication)
                        if _per_replication(spec)
                        else streams.generator(self.seed, streams.POPULATION)
                    )
                    agents = build_population(
                        spec, network, rng, self.campaign.tiers if self.campaign else None
                    )
        return dataclasses.replace(self, network=network, agents=agents)

    def plan(self, strategy: Strategy | str, replication: int | None = None) -> Plan:
        """The concrete plan (seeds, schedule, spend) of one strategy; ``replication`` gives
        a ``redraw: per_replication`` strategy that replication's own choice."""
        if isinstance(strategy, str):
            strategy = self.strategy(strategy)
        redraw = replication if self.redraws(strategy) else None
        try:
            return make_plan(
                strategy,
                self.network,
                self.agents,
                self.campaign,
                self.topic,
                streams.strategy_generator(self.seed, strategy.name, redraw),
            )
        except StrategyError as error:
            index = self.strategies.index(strategy)
            where = self.scenario.where("strategies", index) if self.scenario else None
            raise StrategyError(f"{where or f'strategies.{index}'}: {error}") from None

    def notes(self) -> list[str]:
        """What about the population a modeller should know before trusting the numbers."""
        found = []
        if self.params.rule in ("threshold", "fractional"):
            count = int(np.count_nonzero(self.agents.threshold <= 0))
            if count:
                everyone = " (every agent)" if count == self.agents.n_agents else ""
                found.append(
                    f"population: {count:,} agents{everyone} have a threshold <= 0; under "
                    f"{self.params.rule!r} they are instigators and adopt on day 0 whatever "
                    "they see (Granovetter); seeds among them adopt when they first post"
                )
        return found

    def plans(self) -> list[Plan]:
        """Every strategy's plan, in order."""
        return [self.plan(strategy) for strategy in self.strategies]

    def strategy(self, name: str) -> Strategy:
        for strategy in self.strategies:
            if strategy.name == name:
                return strategy
        known = [s.name for s in self.strategies]
        raise InputError(f"strategy: no strategy named {name!r}; the scenario has {known}")

    def simulation(self, plan: Plan) -> Simulation:
        return Simulation(
            plan.network,
            plan.agents,
            self.params,
            plan.schedule,
            self.steps,
            topic=self.topic,
            sponsored_weight=plan.sponsored_weight,
        )


def prepare(
    scenario: Scenario | str | Path | None = None,
    *,
    network=None,
    population=None,
    dynamics=None,
    campaign=None,
    strategies: Sequence | None = None,
    steps: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    max_memory: int | None = None,
) -> Setup:
    """Build the network and population once, from a scenario (file or object), Python
    objects, or both (keyword arguments override the scenario's parts).

    ``network`` may be a :class:`~sim.network.Network` or a network spec (model or dict),
    ``population`` an :class:`~sim.model.population.AgentArrays` or a population spec,
    ``dynamics`` a :class:`~sim.model.params.Params` or a dynamics spec; the rest are scenario
    parts as in a YAML file. Before the network is built, the memory the run would need is
    estimated (:mod:`sim.runner.resources`) and a run that would not fit in ``max_memory``
    bytes (default: the memory available now) is refused. The network, population and each
    strategy's choices draw from
    their own streams of the root ``seed`` (see :mod:`sim.model.streams`), so none of them
    changes with the number of replications.
    """
    if isinstance(scenario, str | Path):
        base = load_scenario(scenario)
    elif scenario is None or isinstance(scenario, Scenario):
        base = scenario
    else:
        raise InputError(
            f"scenario: expected a Scenario or a path to a YAML file, got {type(scenario).__name__}"
        )
    root = _part("seed", seed, base)
    steps = _part("steps", steps, base)
    replications = _part("replications", replications, base)
    campaign = _part("campaign", campaign, base, required=False)
    strategies = tuple(_part("strategies", strategies, base))
    network = network if network is not None else (base.network if base else None)
    if network is None:
        raise InputError("network: give a scenario or a network")
    dynamics = _part("dynamics", dynamics, base, passthrough=Params)
    with _located(base, "dynamics"):
        params = dynamics if isinstance(dynamics, Params) else dynamics.params()
    network_spec = None
    if not isinstance(network, Network | WellMixed):
        spec = network_spec = validate_part("network", network)
        refuse_over(
            estimate_parts(
                spec,
                topics=1,
                strategies=strategies,
                steps=steps,
                replications=replications,
            ),
            max_memory,
            where=str(base._source[0]) if base is not None and base._source[0] else "scenario",
        )
        with _located(base, "network"):
            network = build_network(
                spec,
                streams.generator(root, streams.NETWORK),
                steps=steps,
                step_hours=params.step_hours,
            )
    population = _part("population", population, base, passthrough=AgentArrays)
    population_spec = population if not isinstance(population, AgentArrays) else None
    if not isinstance(population, AgentArrays):
        with _located(base, "population"):
            population = build_population(
                population,
                network,
                streams.generator(root, streams.POPULATION),
                campaign.tiers if campaign is not None else None,
            )
    if population.n_agents != network.n_nodes:
        raise InputError(
            f"population: {population.n_agents} agents for a network of {network.n_nodes} nodes"
        )
    check_parts(strategies, campaign, steps, population.topics, external_p=params.external_p)
    check_well_mixed(network_spec or network, population_spec, params, campaign, strategies)
    if _per_replication(network_spec) or _per_replication(population_spec):
        optimized = [s.name for s in strategies if s.select == "optimized"]
        if optimized:
            raise InputError(
                f"strategies: {optimized} are optimised for one network; they cannot run on a "
                "network or population resampled per replication"
            )
    topic = campaign.topic if campaign is not None and campaign.topic else population.topics[0]
    return Setup(
        network,
        population,
        params,
        campaign,
        strategies,
        topic,
        steps,
        root,
        replications,
        base,
        network_spec,
        population_spec,
    )


def build(
    scenario: Scenario | str | Path | None = None, *, strategy: str | None = None, **parts
) -> Simulation:
    """A ready-to-run :class:`~sim.model.engine.Simulation` of one strategy (the first when
    not named): the way in for stepping one replication a day at a time."""
    setup = prepare(scenario, **parts)
    chosen = setup.strategy(strategy) if strategy else setup.strategies[0]
    return setup.simulation(setup.plan(chosen))


def _per_replication(spec) -> bool:
    return getattr(spec, "resample", "once") == "per_replication"


@contextmanager
def _located(base: Scenario | None, key: str):
    """Prefix errors from realising a section with where the section is (file, line, key);
    errors that already name their own data file (network files) are left as they are."""
    try:
        yield
    except NetworkFormatError:
        raise
    except InputError as error:
        where = base.where(key) if base is not None else key
        raise InputError(f"{where}: {error}") from None


def _part(key: str, value, base: Scenario | None, *, required=True, passthrough=None):
    """A scenario part: the Python value (checked by the gate) or the scenario's, or the
    schema's default; ``passthrough`` types are model objects taken as they are."""
    if value is None:
        if base is not None:
            return getattr(base, key)
        field = Scenario.model_fields[key]
        if field.is_required():
            if key == "strategies":
                raise InputError("strategies: give at least one strategy (who seeds the campaign)")
            raise InputError(f"{key}: required")
        default = field.get_default(call_default_factory=True)
        return default if (default is not None or not required) else None
    if passthrough is not None and isinstance(value, passthrough):
        return value
    return validate_part(key, value)
