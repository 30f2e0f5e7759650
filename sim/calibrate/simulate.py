"""Simulating what a calibration compares: single-seed cascades and adoption curves.

**Cascades.** The scenario's network, population and dynamics run from one seed account at a
time (as :mod:`sim.validation.cascades` does on wiki-Vote): ``seeds`` accounts, chosen once
from the calibration's own stream (or the most-followed ones), each replicated
``replications`` times. Unit ``u = j * replications + r`` (seed account ``j``, replication
``r``) always runs with replication key ``u`` of the root seed, so every candidate sees the
same random numbers (common random numbers) and a unit is the same alone, on one thread or
two. Each unit's tree comes from :meth:`Simulation.trace <sim.model.engine.Simulation.trace>`
and its statistics from :func:`sim.calibrate.statistics.trace_statistics`.

**Curves.** The scenario runs as ``run`` would (its first strategy's plan) and the new
adopters per step of every replication are kept.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.statistics import STATISTICS, trace_statistics
from sim.config.schema import FileNetwork, Scenario
from sim.errors import InputError
from sim.model import SeedSchedule, Simulation, replication_keys, streams
from sim.network import Network
from sim.runner.prepare import Setup, prepare
from sim.runner.realise import build_network, with_ties


@dataclass(frozen=True)
class CascadeDesign:
    """How the simulated cascades are started: ``seeds`` accounts (``random`` among those
    with at least ``min_followers`` followers, or the ``top_followers``), ``replications``
    each; ``min_size`` is the filter (the observed minimum by default)."""

    seeds: int = 200
    select: str = "random"
    min_followers: int = 1
    replications: int = 4
    min_size: int | None = None

    @property
    def units(self) -> int:
        return self.seeds * self.replications


def step_hours(setup: Setup) -> float:
    """Hours per engine step (the parameters' ``step_hours``, one day by default)."""
    return float(setup.params.step_hours)


class Worlds:
    """Setups of candidate scenarios, sharing a file network's loading: a candidate that
    changes only ``network.ties`` of a file network without a tie history reuses the loaded
    edges (the ties are drawn from the same network stream that
    :func:`sim.runner.prepare.prepare` uses); anything else is prepared afresh."""

    def __init__(self) -> None:
        self._networks: dict[str, Network] = {}

    def setup(self, scenario: Scenario) -> Setup:
        spec = scenario.network
        plain = (
            isinstance(spec, FileNetwork)
            and spec.weight is None
            and all(getattr(spec, name) is None for name in _HISTORY_KEYS)
        )
        if not plain:
            return prepare(scenario)
        bare = spec.model_copy(update={"ties": 1.0})
        key = bare.model_dump_json()
        if key not in self._networks:
            self._networks[key] = build_network(
                bare, streams.generator(scenario.seed, streams.NETWORK)
            )
        network = with_ties(
            self._networks[key], spec.ties, streams.generator(scenario.seed, streams.NETWORK)
        )
        return prepare(scenario, network=network)


_HISTORY_KEYS = ("time", "until", "tie_age", "churn")
"""File-network keys that give the ties a history: such networks are never shared."""


def seed_accounts(network: Network, design: CascadeDesign, seed: int) -> np.ndarray:
    """The seed accounts of the simulated cascades (int64, sorted by choice order)."""
    followers = network.followers
    eligible = np.flatnonzero(followers >= design.min_followers)
    if eligible.size < design.seeds:
        raise InputError(
            f"calibrate.cascades.seeds: {design.seeds} seed accounts asked, but only "
            f"{eligible.size} accounts have >= {design.min_followers} followers"
        )
    if design.select == "top_followers":
        order = np.lexsort((eligible, -followers[eligible]))
        return eligible[order[: design.seeds]].astype(np.int64)
    rng = streams.calibration_generator(seed, 1)
    return np.sort(rng.choice(eligible, design.seeds, replace=False)).astype(np.int64)


def simulate_traces(
    setup: Setup, seeds: np.ndarray, replications: int, key_seed: int, threads: int = 1
) -> list:
    """The trace of every unit, in unit order (seed account ``j``, replication ``r`` is unit
    ``j * replications + r``, run with replication key ``u`` of ``key_seed``). Seed accounts
    are spread over ``threads`` threads, each with its own Simulation; the traces do not
    depend on it."""
    keys = replication_keys(key_seed, len(seeds) * replications)

    def one(j: int) -> list:
        simulation = Simulation(
            setup.network,
            setup.agents,
            setup.params,
            SeedSchedule.build([int(seeds[j])]),
            setup.steps,
            topic=setup.topic,
        )
        return [simulation.trace(keys[j * replications + r]) for r in range(replications)]

    if threads > 1:
        with ThreadPoolExecutor(threads, thread_name_prefix="sim-calibrate") as pool:
            done = list(pool.map(one, range(len(seeds))))
    else:
        done = [one(j) for j in range(len(seeds))]
    return [trace for chunk in done for trace in chunk]


def simulate_cascades(
    setup: Setup, seeds: np.ndarray, replications: int, key_seed: int, threads: int = 1
) -> pd.DataFrame:
    """One row per unit (seed account x replication): ``unit``, ``seed_account``,
    ``replication``, the :data:`~sim.calibrate.statistics.STATISTICS` and ``last_step`` (the
    step of the last adoption, to spot cascades cut off by the end of the run)."""
    traces = simulate_traces(setup, seeds, replications, key_seed, threads)
    table = trace_statistics(traces).reset_index(drop=True)
    table.insert(0, "unit", np.arange(len(traces), dtype=np.int64))
    table.insert(1, "seed_account", np.repeat(np.asarray(seeds, dtype=np.int64), replications))
    table.insert(2, "replication", np.tile(np.arange(replications, dtype=np.int64), len(seeds)))
    table["last_step"] = np.array(
        [int(np.max(t.step)) if len(t.step) else -1 for t in traces], dtype=np.int64
    )
    return table[["unit", "seed_account", "replication", *STATISTICS, "last_step"]]


def simulate_curve(setup: Setup, replications: int, key_seed: int, threads: int = 1) -> np.ndarray:
    """New adopters per step (seeds included), int64 (replications, steps), of the scenario's
    first strategy."""
    plan = setup.plan(setup.strategies[0])
    simulation = setup.simulation(plan)
    raw = simulation.run(replication_keys(key_seed, replications), threads=threads)
    return raw.stat("new_adopters").astype(np.int64)
