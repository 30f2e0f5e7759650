"""The Python API: build a simulation from a scenario or from Python objects, run it, get tables.

The CLI calls exactly these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from sim import rng as streams
from sim.config import Dynamics, FileNetwork, GeneratedNetwork, Population, Scenario, Seeds
from sim.engine import Simulation
from sim.network import Network
from sim.network.build import build_network
from sim.population import AgentArrays, build_population
from sim.results import Results, tabulate
from sim.scenario import load_scenario
from sim.seeding import SeedSchedule, select_seeds
from sim.version import __version__

CHUNK = 64
"""Replications per kernel call: small enough for a live progress bar, large enough that the
Python overhead between calls does not show."""


def build(
    scenario: Scenario | str | Path | None = None,
    *,
    network: Network | GeneratedNetwork | FileNetwork | None = None,
    population: Population | AgentArrays | None = None,
    dynamics: Dynamics | None = None,
    seeds: Seeds | Sequence[int] | np.ndarray | None = None,
    steps: int | None = None,
    seed: int | None = None,
) -> Simulation:
    """A ready-to-run :class:`Simulation` from a scenario (file or object), Python objects, or
    both (keyword arguments override the scenario's parts).

    The network, population and seed selection draw from their own streams of the root ``seed``
    (see :mod:`sim.rng`), so they do not change with the number of replications.
    """
    base = _as_scenario(scenario)
    root = seed if seed is not None else (base.seed if base else 0)
    steps = steps if steps is not None else (base.steps if base else 60)
    dynamics = dynamics if dynamics is not None else (base.dynamics if base else Dynamics())
    network = network if network is not None else (base.network if base else None)
    if network is None:
        raise ValueError("give a scenario or a network")
    if not isinstance(network, Network):
        network = build_network(network, streams.generator(root, streams.NETWORK))
    population = (
        population if population is not None else (base.population if base else Population())
    )
    if not isinstance(population, AgentArrays):
        population = build_population(
            population, network, streams.generator(root, streams.POPULATION)
        )
    seeds = seeds if seeds is not None else (base.seeds if base else None)
    if seeds is None:
        raise ValueError("give seeds: a Seeds spec or a list of agent ids")
    if isinstance(seeds, Seeds):
        chosen = select_seeds(
            seeds, network, population, streams.generator(root, streams.SEEDING), dynamics.topic
        )
        schedule = SeedSchedule.build(chosen, seeds.step, seeds.posts, seeds.every)
    else:
        schedule = SeedSchedule.build(np.asarray(seeds, dtype=np.int64))
    return Simulation(network, population, dynamics, schedule, steps)


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | range | None = None,
    seed: int | None = None,
    strategy: str | None = None,
    progress: Callable[[int], None] | None = None,
    **parts,
) -> Results:
    """Run replications and return tidy :class:`Results`.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, or a path to a scenario YAML file, or None when ``parts`` give at
        least a ``network``.
    replications, seed
        Override the scenario's values (defaults 100 and 0 without a scenario). A ``range``
        runs just those replication indices: replication ``r`` gives the same numbers alone,
        in any batch or on any worker.
    strategy
        Label for the tables (default: the seeds' label).
    progress
        Called with the number of replications finished after each chunk.
    **parts
        ``network``, ``population``, ``dynamics``, ``seeds``, ``steps``: see :func:`build`.

    Examples
    --------
    >>> import sim
    >>> from sim.config import Dynamics, GeneratedNetwork, Seeds
    >>> results = sim.run(network=GeneratedNetwork(generator="erdos_renyi", n=500, mean_degree=4,
    ...                   ties=0.3), dynamics=Dynamics(rule="cascade"),
    ...                   seeds=Seeds(strategy="random", k=5), steps=20, replications=10, seed=1)
    >>> len(results.replications)
    10
    """
    base = _as_scenario(scenario)
    root = seed if seed is not None else (base.seed if base else 0)
    if replications is None:
        replications = base.replications if base else 100
    indices = range(replications) if isinstance(replications, int) else replications
    simulation = build(base, seed=root, **parts)
    label = strategy or _label(parts.get("seeds", base.seeds if base else None))
    seed_labels = _seed_labels(simulation)
    parts_done = []
    for start in range(0, len(indices), CHUNK):
        chunk = indices[start : start + CHUNK]
        raw = simulation.run(streams.replication_keys(root, chunk), np.asarray(chunk))
        parts_done.append(
            tabulate(
                label,
                raw.replications,
                raw.step_stats,
                raw.by_origin,
                raw.by_community,
                seed_labels,
            )
        )
        if progress is not None:
            progress(len(chunk))
    meta = {
        "version": __version__,
        "seed": root,
        "replications": len(indices),
        "steps": simulation.steps,
        "rule": simulation.dynamics.rule,
        "network": simulation.network.summary(),
        "scenario": base.model_dump(mode="json") if base else None,
    }
    return Results.concat(parts_done, meta=meta)


def _as_scenario(scenario: Scenario | str | Path | None) -> Scenario | None:
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    return load_scenario(scenario)


def _label(seeds) -> str:
    if isinstance(seeds, Seeds):
        return seeds.label
    return "seeds"


def _seed_labels(simulation: Simulation) -> np.ndarray:
    seeds = simulation.schedule.seeds.astype(np.int64)
    labels = simulation.network.labels
    return seeds if labels is None else labels[seeds]
