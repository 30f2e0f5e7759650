"""The Python API: load a scenario, build, run, compare, save. The CLI calls exactly these.

Every function takes a scenario (a path or a :class:`~sim.config.schema.Scenario`), Python parts
(``network``, ``population``, ``dynamics``, ``campaign``, ``strategies``, ``steps``, ``seed``),
or both; parts go through the same gate and cross-field rules as a YAML file, so a mistake is
one :class:`~sim.errors.InputError` line whichever way it came in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.comparison import Comparison, compare_setup
from sim.analysis.price_sweep import price_sweep_setup
from sim.analysis.results import Results
from sim.config.schema import Scenario
from sim.errors import InputError
from sim.model import streams
from sim.optimize.plan import has_optimized, plan_strategies
from sim.runner.prepare import Setup, build, prepare
from sim.runner.stream import replication_range, run_meta, stream

__all__ = ["build", "calibrate", "compare", "prepare", "price_sweep", "run", "save", "trace"]


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
    numbers) and return tidy :class:`~sim.analysis.results.Results`.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a path to a scenario YAML file, or None when ``parts`` give at
        least a ``network`` and ``strategies``.
    replications
        Overrides the scenario's count (the schema's default without a scenario). A ``range``
        runs just those replication indices: replication ``r`` gives the same numbers alone, in
        any batch or on any worker.
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
    >>> sorted(results.replications["seeds"].unique().tolist())
    [5]
    """
    setup = _setup(scenario, setup, parts)
    indices = replication_range(replications, setup.replications)
    plans = plan_strategies(setup, threads=threads) if has_optimized(setup) else None
    chunks = stream(setup, indices, plans=plans, threads=threads, progress=progress)
    return Results.from_stream(chunks, meta=run_meta(setup, indices))


def compare(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | range | None = None,
    progress: Callable[[int], None] | None = None,
    setup: Setup | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
    **parts,
) -> Comparison:
    """Run every strategy with common random numbers and compare them: the strategist's table
    (see :mod:`sim.analysis.comparison`). Arguments as for :func:`run`, plus the interval
    ``confidence`` and the ``bootstrap`` resamples for cost per adopter."""
    setup = _setup(scenario, setup, parts)
    _check_statistics(confidence, bootstrap)
    return compare_setup(
        setup,
        replications,
        plans=plan_strategies(setup, threads=threads) if has_optimized(setup) else None,
        progress=progress,
        confidence=confidence,
        bootstrap=bootstrap,
        threads=threads,
    )


def price_sweep(
    scenario: Scenario | str | Path | None = None,
    scales: Sequence[float | dict[str, float]] = (0.3, 1.0, 3.0),
    *,
    replications: int | range | None = None,
    setup: Setup | None = None,
    progress: Callable[[int], None] | None = None,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    threads: int | None = None,
    **parts,
) -> pd.DataFrame:
    """Re-run the comparison with prices multiplied by each scale (a number for every tier, or
    ``{tier: factor}``); one row per (scale, strategy), ``cheapest`` marking the winner (see
    :mod:`sim.analysis.price_sweep`)."""
    setup = _setup(scenario, setup, parts)
    _check_statistics(confidence, bootstrap)
    return price_sweep_setup(
        setup,
        scales,
        replications=replications,
        progress=progress,
        confidence=confidence,
        bootstrap=bootstrap,
        threads=threads,
    )


def trace(
    scenario: Scenario | str | Path | None = None,
    *,
    strategy: str | None = None,
    replications: int | range | Sequence[int] = 1,
    setup: Setup | None = None,
    **parts,
) -> pd.DataFrame:
    """Every adoption of some replications of one strategy (the first when not named), one
    row each: ``replication``, ``agent``, ``parent`` (the poster whose exposure made the agent
    adopt; -1 for seeds, instigators and outside adoptions), ``step``, ``hours`` since the start
    (with delays, the time of the exposure itself), ``origin_seed`` (the seed it is attributed
    to, -1 none); for a network read from a file also ``agent_label`` and ``parent_label``, the
    file's ids (-1: no parent). The numbers are those of :func:`run` for the same replications
    (their keys, worlds and plans). ``replications``: a count (0..n-1) or the indices."""
    setup = _setup(scenario, setup, parts)
    chosen = setup.strategy(strategy) if strategy is not None else setup.strategies[0]
    if isinstance(replications, int) and not isinstance(replications, bool):
        replications = replication_range(replications, 1)
    frames, simulation = [], None
    for r in replications:
        if isinstance(r, bool) or not isinstance(r, int | np.integer) or r < 0:
            raise InputError(f"replications: indices must be integers >= 0, got {r!r}")
        r = int(r)
        world = setup.world(r)
        if simulation is None or world is not setup or setup.redraws(chosen):
            simulation = world.simulation(world.plan(chosen, replication=r))
        key = streams.replication_keys(setup.seed, [r])[0]
        frame = simulation.trace(key).frame()
        labels = getattr(world.network, "labels", None)
        if labels is not None:  # a file's own ids beside the internal ones
            frame["agent_label"] = labels[frame["agent"].to_numpy()]
            parent = frame["parent"].to_numpy()
            frame["parent_label"] = np.where(parent >= 0, labels[np.maximum(parent, 0)], -1)
        frame.insert(0, "replication", r)
        frames.append(frame)
    if not frames:
        raise InputError("replications: give at least one replication to trace")
    table = pd.concat(frames, ignore_index=True)
    table.insert(1, "strategy", chosen.name)
    return table


def save(
    outcome: Results | Comparison,
    directory: str | Path,
    scenario: Scenario | None = None,
    *,
    plots: bool = True,
) -> Path:
    """Write a run's or a comparison's output folder (replaced whole, never half-written; see
    :mod:`sim.report.writer`)."""
    from sim.report.writer import save_comparison, save_results

    if isinstance(outcome, Comparison):
        return save_comparison(outcome, directory, scenario, plots=plots)
    if isinstance(outcome, Results):
        return save_results(outcome, directory)
    raise InputError(f"save: expected Results or a Comparison, got {type(outcome).__name__}")


def calibrate(scenario: Scenario | str | Path, **options):
    """Fit scenario keys to observed cascades or an adoption curve: see
    :func:`sim.calibrate.calibrate` (the options) and docs/calibration.md. Returns a
    :class:`~sim.calibrate.result.CalibrationResult`. (Not re-exported as ``sim.calibrate``,
    which is the package.)"""
    from sim.calibrate import calibrate as fit

    return fit(scenario, **options)


def _setup(scenario, setup: Setup | None, parts: dict) -> Setup:
    if setup is None:
        return prepare(scenario, **parts)
    if scenario is not None or parts:
        raise InputError("setup: give either a prepared setup or a scenario and parts, not both")
    if not isinstance(setup, Setup):
        raise InputError(f"setup: expected a Setup from sim.prepare, got {type(setup).__name__}")
    return setup


def _check_statistics(confidence: float, bootstrap: int) -> None:
    if not (isinstance(confidence, float | int) and 0 < confidence < 1):
        raise InputError(f"confidence: must lie strictly between 0 and 1, got {confidence!r}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 1:
        raise InputError(f"bootstrap: must be an integer >= 1, got {bootstrap!r}")
