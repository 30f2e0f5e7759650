"""``calibrate``: fit scenario keys to observed cascades or an adoption curve.

The steps (docs/calibration.md has the reasoning):

1. the settings come from the scenario's ``calibrate:`` section, with keyword arguments (the
   command line) replacing parts of it; the untuned baseline is the scenario as written;
2. the observed data is read and checked (:mod:`sim.calibrate.observed`), cascades are split
   into the part the fit uses and the part held out (``split``);
3. candidate values (:mod:`sim.calibrate.search`) become scenarios through
   :func:`sim.config.gate.with_overrides`, are simulated on common random numbers
   (:mod:`sim.calibrate.simulate`) and recorded as they finish
   (:mod:`sim.calibrate.store`); the baseline is candidate 0;
4. every candidate's loss is bootstrapped on paired resamples to find the candidates within
   noise of the best, and the best and the baseline are compared with the observed data on
   the fit part and on the held-out part.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.loss import DISTANCES, cumulative_at, curve_error, weights_for
from sim.calibrate.observed import load_cascades, load_curve, split_ids
from sim.calibrate.result import CalibrationResult, compare_cascades
from sim.calibrate.search import Parameter, search, within_noise
from sim.calibrate.simulate import (
    Worlds,
    seed_accounts,
    simulate_cascades,
    simulate_curve,
    step_hours,
)
from sim.calibrate.statistics import observed_statistics
from sim.calibrate.store import CalibrationStore
from sim.config.gate import load_scenario, validate_part, with_overrides
from sim.config.schema import Calibration, Range, Scenario
from sim.errors import InputError
from sim.model import streams
from sim.version import __version__

Progress = Callable[[str, int, int], None]


def settings_for(scenario: Scenario, **given: Any) -> Calibration:
    """The scenario's ``calibrate`` section with the given parts replacing its own (``None``
    keeps the section's); ``parameters`` given are added to (or replace) the section's."""
    base = scenario.calibrate.model_dump() if scenario.calibrate is not None else {}
    parameters = dict(base.get("parameters") or {})
    for key, bounds in (given.pop("parameters", None) or {}).items():
        parameters[key] = bounds.model_dump() if isinstance(bounds, Range) else bounds
    if parameters:
        base["parameters"] = parameters
    for key, value in given.items():
        if value is not None:
            base[key] = value
    if not base.get("observed"):
        raise InputError(
            f"{scenario.name}: nothing to fit: give observed data (--observed FILE or "
            "calibrate.observed in the scenario)"
        )
    if not base.get("parameters"):
        raise InputError(
            f"{scenario.name}: no keys to fit: give --set KEY=LOW:HIGH or calibrate.parameters"
        )
    try:
        return validate_part("calibrate", base)
    except InputError as error:
        raise InputError(str(error).replace("python argument: ", "")) from None


def parameters_for(base: Scenario, settings: Calibration) -> list[Parameter]:
    """The calibrated keys, each checked at both bounds as a whole scenario; a key whose
    current value is an integer is searched over integers."""
    found = []
    data = base.model_dump(mode="json")
    for key, bounds in settings.parameters.items():
        node: Any = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        integer = bounds.integer or (isinstance(node, int) and not isinstance(node, bool))
        parameter = Parameter(key, bounds.low, bounds.high, bounds.log, integer)
        for value in (parameter.value(0.0), parameter.value(1.0)):
            try:
                with_overrides(base, {key: value})
            except InputError as error:
                raise InputError(f"calibrate.parameters.{key} = {value}: {error}") from None
        found.append(parameter)
    return found


def _digest(paths) -> list[dict]:
    out = []
    for path in paths:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
        out.append({"file": Path(path).name, "sha256": digest})
    return out


def calibrate(
    scenario: Scenario | str | Path,
    *,
    observed: str | Path | list | None = None,
    parameters: dict | None = None,
    kind: str | None = None,
    budget: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    split: str | None = None,
    weights: dict | None = None,
    out: str | Path | None = None,
    threads: int = 1,
    force: bool = False,
    progress: Progress | None = None,
) -> CalibrationResult:
    """Fit ``parameters`` (``{key: {"low", "high", "log"}}`` or :class:`Range`) of
    ``scenario`` to ``observed`` data; keyword arguments replace the scenario's ``calibrate``
    section. With ``out`` the candidates are recorded there as they finish and a second call
    resumes (nothing recorded is computed again). Returns a :class:`CalibrationResult`."""
    started = time.perf_counter()
    scenario = load_scenario(scenario) if isinstance(scenario, str | Path) else scenario
    if isinstance(observed, str | Path):
        observed = [observed]
    settings = settings_for(
        scenario,
        observed=[str(p) for p in observed] if observed is not None else None,
        parameters=parameters,
        kind=kind,
        budget=budget,
        replications=replications,
        seed=seed,
        split=split,
        weights=weights,
    )
    base = with_overrides(scenario, {"calibrate": None})
    keys = parameters_for(base, settings)
    seed = settings.seed if settings.seed is not None else base.seed
    stat_weights = weights_for(settings.weights) if settings.kind == "cascades" else {}
    notes: list[str] = []
    worlds = Worlds()
    base_setup = worlds.setup(base)

    if settings.kind == "cascades":
        data = load_cascades(settings.observed)
        table = observed_statistics(data)
        fit_rows = split_ids(table.index.to_numpy(), settings.split)
        fit_obs, held_obs = table[fit_rows], table[~fit_rows]
        if len(fit_obs) < 2:
            raise InputError(f"{settings.observed[0]}: fewer than 2 observed cascades to fit")
        min_size = settings.cascades.min_size or int(fit_obs["size"].min())
        design = settings.cascades
        seeds = seed_accounts(base_setup.network, design, seed)
        curve = None
    else:
        curve = load_curve(settings.observed)
        fit_obs = held_obs = None
        min_size = None
    hours = step_hours(base_setup)

    header = {
        "version": __version__,
        "scenario": base.model_dump(mode="json"),
        "calibrate": settings.model_dump(mode="json", exclude={"observed", "budget"}),
        "observed": _digest(settings.observed),
        "seed": seed,
    }
    temporary = None
    if out is None:
        temporary = tempfile.TemporaryDirectory(prefix="influence-sim-calibrate-")
        out = temporary.name
    store = CalibrationStore.open(out, header, force=force)
    tables: dict[int, pd.DataFrame] = {}
    counter = {"ran": 0, "recorded": 0}
    total = settings.budget + 1

    def simulated(index: int, values: dict) -> pd.DataFrame:
        if index in store.done and store.done[index] == values:
            counter["recorded"] += 1
            frame = store.read(index)
        else:
            candidate = with_overrides(base, values) if values else base
            setup = worlds.setup(candidate)
            if settings.kind == "cascades":
                frame = simulate_cascades(setup, seeds, settings.replications, seed, threads)
            else:
                counts = simulate_curve(setup, settings.replications, seed, threads)
                frame = pd.DataFrame(counts, columns=[f"s{t}" for t in range(counts.shape[1])])
            store.record(index, values, frame)
            counter["ran"] += 1
        tables[index] = frame
        if progress is not None:
            progress("candidate", len(tables), total)
        return frame

    def loss_of(frame: pd.DataFrame) -> float:
        if settings.kind == "cascades":
            passing = frame[frame["size"] >= min_size]
            if len(passing) < settings.cascades.min_cascades:
                return np.nan
            return _cascade_loss(_arrays(fit_obs), _arrays(passing), stat_weights)
        mean = frame.to_numpy(dtype=np.float64).mean(axis=0)
        return curve_error(curve.cumulative, cumulative_at(mean, hours, curve.hours))

    try:
        baseline_loss = loss_of(simulated(0, {}))
        counter_index = iter(range(1, total))

        def evaluate(values: dict) -> float:
            return loss_of(simulated(next(counter_index), values))

        candidates = search(keys, settings.budget, seed, evaluate, settings.lhs_share)
    finally:
        if temporary is not None:
            frames = dict(tables)
            temporary.cleanup()
            tables = frames
    rows = [
        {"candidate": 0, "round": -1, **{p.key: np.nan for p in keys}, "loss": baseline_loss}
    ] + [
        {"candidate": k + 1, "round": c["round"], **c["values"], "loss": c["loss"]}
        for k, c in enumerate(candidates)
    ]
    frame = pd.DataFrame(rows)
    judged = frame[np.isfinite(frame["loss"]) & (frame["candidate"] > 0)]
    if judged.empty:
        raise InputError(
            f"{scenario.name}: no candidate gave {settings.cascades.min_cascades} simulated "
            f"cascades of at least {min_size} nodes (the observed filter); widen the bounds, "
            "add seeds or replications, or lower calibrate.cascades.min_size"
            if settings.kind == "cascades"
            else f"{scenario.name}: no candidate could be judged"
        )
    best_index = int(judged.loc[judged["loss"].idxmin(), "candidate"])
    resampled = _bootstrap(settings, seed, tables, fit_obs, min_size, stat_weights, curve, hours)
    noise = within_noise(resampled, best_index)
    noise[0] = noise[0] and best_index == 0
    frame["loss_se"] = [
        float(row[np.isfinite(row)].std(ddof=1)) if np.isfinite(row).sum() > 1 else np.nan
        for row in resampled
    ]
    frame["within_noise"] = noise
    best = candidates[best_index - 1]["values"]
    calibrated = with_overrides(base, best)
    if not np.isfinite(baseline_loss):
        notes.append(
            f"untuned baseline: fewer than {settings.cascades.min_cascades} simulated cascades "
            f"reach {min_size} nodes; it cannot be judged on the observed filter"
        )
    if settings.kind == "cascades":
        for label, index in (("calibrated", best_index), ("untuned", 0)):
            cut = tables[index]
            cut = cut[cut["size"] >= min_size]
            if len(cut) and (cut["last_step"] >= base.steps - 1).any():
                notes.append(
                    f"{label}: {int((cut['last_step'] >= base.steps - 1).sum())} cascades were "
                    f"still growing on the last step ({base.steps}); raise steps"
                )
        compare = compare_cascades(
            fit_obs, held_obs, tables[best_index], tables[0], min_size, stat_weights
        )
    else:
        compare = None
    seconds = time.perf_counter() - started
    return CalibrationResult(
        kind=settings.kind,
        parameters=keys,
        best=best,
        table=frame,
        compare=compare,
        scenario=calibrated,
        baseline=base,
        settings=settings,
        simulated={"calibrated": tables[best_index], "untuned": tables[0]},
        observed={"fit": fit_obs, "held_out": held_obs} if fit_obs is not None else {},
        curve=curve,
        step_hours=hours,
        min_size=min_size,
        notes=notes,
        seconds=seconds,
        ran=counter["ran"],
        recorded=counter["recorded"],
        folder=None if temporary is not None else Path(out),
    )


# ---------------------------------------------------------------------------- losses
def _arrays(table: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: table[name].to_numpy(dtype=np.float64) for name in DISTANCES}


def _cascade_loss(observed: dict, simulated: dict, weights: dict) -> float:
    from sim.calibrate.loss import distance

    total = sum(weights.values())
    return (
        sum(
            w * distance(name, observed[name], simulated[name])
            for name, w in weights.items()
            if w > 0
        )
        / total
    )


def _bootstrap(settings, seed, tables, fit_obs, min_size, weights, curve, hours) -> np.ndarray:
    """float (candidates, resamples): each candidate's loss on the same paired resamples."""
    n = settings.bootstrap
    indices = sorted(tables)
    out = np.full((len(indices), n), np.nan)
    if settings.kind == "cascades":
        observed = _arrays(fit_obs)
        units = len(tables[indices[0]])
        obs_draw = streams.calibration_generator(seed, 2, 0).integers(
            0, len(fit_obs), (n, len(fit_obs))
        )
        sim_draw = streams.calibration_generator(seed, 2, 1).integers(0, units, (n, units))
        for row, index in enumerate(indices):
            frame = tables[index]
            arrays = _arrays(frame)
            sizes = frame["size"].to_numpy()
            for b in range(n):
                chosen = sim_draw[b][sizes[sim_draw[b]] >= min_size]
                if chosen.size < settings.cascades.min_cascades:
                    continue
                out[row, b] = _cascade_loss(
                    {k: v[obs_draw[b]] for k, v in observed.items()},
                    {k: v[chosen] for k, v in arrays.items()},
                    weights,
                )
        return out
    reps = len(tables[indices[0]])
    draw = streams.calibration_generator(seed, 2, 1).integers(0, reps, (n, reps))
    for row, index in enumerate(indices):
        counts = tables[index].to_numpy(dtype=np.float64)
        for b in range(n):
            mean = counts[draw[b]].mean(axis=0)
            out[row, b] = curve_error(curve.cumulative, cumulative_at(mean, hours, curve.hours))
    return out
