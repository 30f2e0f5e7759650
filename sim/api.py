"""The Python API: build simulations from a scenario or from Python objects, run them, get
tidy tables. The CLI calls exactly these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim import rng as streams
from sim.config import (
    Campaign,
    Dynamics,
    FileNetwork,
    GeneratedNetwork,
    Population,
    Scenario,
    Strategy,
)
from sim.engine import Simulation
from sim.network import Network
from sim.network.build import build_network
from sim.population import AgentArrays, build_population
from sim.results import Results, tabulate
from sim.scenario import load_scenario
from sim.strategies import Plan, StrategyError, make_plan, strategy_rng
from sim.version import __version__

CHUNK = 256
"""Replications per kernel call: small enough for a live progress bar, large enough that the
Python overhead between calls does not show and that threads share the work evenly."""


def default_threads() -> int:
    """Threads for replications: numba's thread count (all cores unless NUMBA_NUM_THREADS)."""
    import numba

    return int(numba.get_num_threads())


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything a scenario's strategies share: one network and population realisation."""

    network: Network
    agents: AgentArrays
    dynamics: Dynamics
    campaign: Campaign | None
    strategies: tuple[Strategy, ...]
    topic: str
    steps: int
    seed: int
    scenario: Scenario | None

    def plan(self, strategy: Strategy | str) -> Plan:
        """The concrete plan (seeds, schedule, spend) of one strategy."""
        if isinstance(strategy, str):
            strategy = self.strategy(strategy)
        try:
            return make_plan(
                strategy,
                self.network,
                self.agents,
                self.campaign,
                self.topic,
                strategy_rng(self.seed, strategy.name),
            )
        except StrategyError as error:
            if self.scenario is None:
                raise
            index = self.strategies.index(strategy)
            raise StrategyError(f"{self.scenario.where('strategies', index)}: {error}") from None

    def strategy(self, name: str) -> Strategy:
        for strategy in self.strategies:
            if strategy.name == name:
                return strategy
        known = [s.name for s in self.strategies]
        raise KeyError(f"no strategy named {name!r}; the scenario has {known}")

    def simulation(self, plan: Plan) -> Simulation:
        return Simulation(
            plan.network,
            plan.agents,
            self.dynamics,
            plan.schedule,
            self.steps,
            topic=self.topic,
            sponsored_weight=plan.sponsored_weight,
        )


def prepare(
    scenario: Scenario | str | Path | None = None,
    *,
    network: Network | GeneratedNetwork | FileNetwork | None = None,
    population: Population | AgentArrays | None = None,
    dynamics: Dynamics | None = None,
    campaign: Campaign | None = None,
    strategies: Sequence[Strategy] | None = None,
    steps: int | None = None,
    seed: int | None = None,
) -> Setup:
    """Build the network and population once, from a scenario (file or object), Python
    objects, or both (keyword arguments override the scenario's parts).

    The network, population and each strategy's choices draw from their own streams of the root
    ``seed`` (see :mod:`sim.rng`), so none of them changes with the number of replications.
    """
    base = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
    root = _pick(seed, base, "seed", 0)
    network = _pick(network, base, "network", None)
    if network is None:
        raise ValueError("give a scenario or a network")
    if not isinstance(network, Network):
        network = build_network(network, streams.generator(root, streams.NETWORK))
    campaign = _pick(campaign, base, "campaign", None)
    population = _pick(population, base, "population", Population())
    if not isinstance(population, AgentArrays):
        population = build_population(
            population,
            network,
            streams.generator(root, streams.POPULATION),
            campaign.tiers if campaign is not None else None,
        )
    strategies = tuple(_pick(strategies, base, "strategies", ()))
    if not strategies:
        raise ValueError("give at least one strategy (who seeds the campaign)")
    topic = campaign.topic if campaign is not None and campaign.topic else population.topics[0]
    return Setup(
        network,
        population,
        _pick(dynamics, base, "dynamics", Dynamics()),
        campaign,
        strategies,
        topic,
        _pick(steps, base, "steps", 60),
        root,
        base,
    )


def build(
    scenario: Scenario | str | Path | None = None, *, strategy: str | None = None, **parts
) -> Simulation:
    """A ready-to-run :class:`Simulation` of one strategy (the first when not named)."""
    setup = prepare(scenario, **parts)
    chosen = setup.strategy(strategy) if strategy else setup.strategies[0]
    return setup.simulation(setup.plan(chosen))


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | range | None = None,
    progress: Callable[[int], None] | None = None,
    setup: Setup | None = None,
    threads: int | None = None,
    **parts,
) -> Results:
    """Run every strategy on the same network and the same replication keys (common random
    numbers) and return tidy :class:`Results`.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a path to a scenario YAML file, or None when ``parts`` give at
        least a ``network`` and ``strategies``.
    replications
        Overrides the scenario's count (default 100 without a scenario). A ``range`` runs just
        those replication indices: replication ``r`` gives the same numbers alone, in any
        batch or on any worker.
    progress
        Called with the number of replications finished after each kernel call.
    setup
        A :func:`prepare` result to reuse instead of building the network again.
    threads
        Threads sharing the replications (default: every core numba may use). The numbers do
        not depend on it.
    **parts
        ``network``, ``population``, ``dynamics``, ``campaign``, ``strategies``, ``steps``,
        ``seed``: see :func:`prepare`.

    Examples
    --------
    >>> import sim
    >>> from sim.config import Dynamics, GeneratedNetwork, Strategy
    >>> results = sim.run(
    ...     network=GeneratedNetwork(generator="erdos_renyi", n=500, mean_degree=4, ties=0.3),
    ...     dynamics=Dynamics(rule="cascade"),
    ...     strategies=[Strategy(name="top5", select="top_followers", k=5)],
    ...     steps=20, replications=10, seed=1)
    >>> len(results.replications)
    10
    """
    setup = setup if setup is not None else prepare(scenario, **parts)
    threads = default_threads() if threads is None else threads
    base = setup.scenario
    if replications is None:
        replications = base.replications if base else 100
    indices = range(replications) if isinstance(replications, int) else replications
    parts_done, plan_rows = [], []
    for strategy in setup.strategies:
        plan = setup.plan(strategy)
        simulation = setup.simulation(plan)
        seed_labels = _seed_labels(plan)
        for start in range(0, len(indices), CHUNK):
            chunk = indices[start : start + CHUNK]
            keys = streams.replication_keys(setup.seed, chunk)
            raw = simulation.run(keys, np.asarray(chunk), threads=threads)
            parts_done.append(
                tabulate(
                    strategy.name,
                    raw.replications,
                    raw.step_stats,
                    raw.by_origin,
                    raw.by_community,
                    seed_labels,
                    spend=plan.spend,
                )
            )
            if progress is not None:
                progress(len(chunk))
        plan_rows.append(_plan_row(plan))
    meta = {
        "version": __version__,
        "seed": setup.seed,
        "replications": len(indices),
        "steps": setup.steps,
        "rule": setup.dynamics.rule,
        "topic": setup.topic,
        "network": setup.network.summary(),
        "currency": setup.campaign.currency if setup.campaign else None,
        "budget": setup.campaign.budget if setup.campaign else None,
        "scenario": base.model_dump(mode="json") if base else None,
    }
    results = Results.concat(parts_done, meta=meta)
    results.strategies = pd.DataFrame(plan_rows)
    return results


def _pick(value, base: Scenario | None, name: str, default):
    if value is not None:
        return value
    return getattr(base, name) if base is not None else default


def _plan_row(plan: Plan) -> dict:
    strategy = plan.strategy
    return {
        "strategy": strategy.name,
        "select": strategy.select,
        "seeds": plan.n_seeds,
        **plan.seeds_by_tier,
        "brand": plan.is_brand,
        "posts_per_seed": strategy.posts,
        "first_day": strategy.start,
        "every": strategy.every,
        "sponsored_weight": plan.sponsored_weight,
        "spend": plan.spend,
    }


def _seed_labels(plan: Plan) -> np.ndarray:
    seeds = plan.schedule.seeds.astype(np.int64)
    labels = plan.network.labels
    return seeds if labels is None else labels[seeds]
