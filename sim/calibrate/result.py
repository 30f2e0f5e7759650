"""What a calibration returns: the best values, the within-noise set, the comparison with an
untuned baseline, the figures and a ready-to-run calibrated scenario.

:meth:`CalibrationResult.save` writes one folder, whole (through
:func:`sim.report.writer.staged`): ``candidates.csv`` (every candidate, its loss, bootstrap SE
and whether it is within noise of the best), ``compare.csv`` (observed vs calibrated vs
untuned), ``calibration.json`` (the summary), ``calibrated.yaml`` (the scenario with the best
values, ready for ``influence-sim run``), and ``calibration_fit.png`` /
``calibration_search.png``; for an adoption curve also ``bass.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.loss import DISTANCES, cumulative_at, distance
from sim.config.gate import scenario_to_yaml
from sim.config.schema import Scenario
from sim.report.writer import staged, write_json

SUMMARY_ROWS = (
    ("cascades", "n", None),
    ("size median", "size", 0.5),
    ("size p90", "size", 0.9),
    ("depth-1 share median", "depth1_share", 0.5),
    ("depth median", "depth", 0.5),
    ("structural virality median", "virality", 0.5),
    ("time to last event median (hours)", "time_last", 0.5),
    ("parent-child delay median (hours)", "delay_median", 0.5),
)
"""(row label, statistic, quantile) of the comparison table."""


def _summary(table: pd.DataFrame) -> dict[str, float]:
    out = {}
    for label, column, quantile in SUMMARY_ROWS:
        if column == "n":
            out[label] = float(len(table))
        else:
            values = table[column].dropna().to_numpy(dtype=np.float64)
            out[label] = float(np.quantile(values, quantile)) if values.size else np.nan
    return out


def _loss(observed: pd.DataFrame, simulated: pd.DataFrame, weights: dict) -> float:
    if simulated.empty or observed.empty:
        return np.nan
    total = sum(weights.values())
    return (
        sum(
            w * distance(k, observed[k].to_numpy(), simulated[k].to_numpy())
            for k, w in weights.items()
            if w > 0
        )
        / total
    )


def compare_cascades(
    fit: pd.DataFrame,
    held_out: pd.DataFrame,
    calibrated: pd.DataFrame,
    untuned: pd.DataFrame,
    min_size: int,
    weights: dict,
) -> pd.DataFrame:
    """Rows (part, statistic) with the observed, calibrated and untuned values; the simulated
    cascades are filtered like the observed ones (at least ``min_size`` nodes)."""
    sims = {
        "calibrated": calibrated[calibrated["size"] >= min_size],
        "untuned": untuned[untuned["size"] >= min_size],
    }
    rows = []
    for part, observed in (("fit", fit), ("held_out", held_out)):
        if observed is None or observed.empty:
            continue
        summaries = {"observed": _summary(observed)} | {k: _summary(v) for k, v in sims.items()}
        for label, _, _ in SUMMARY_ROWS:
            rows.append(
                {"part": part, "statistic": label} | {k: s[label] for k, s in summaries.items()}
            )
        rows.append(
            {"part": part, "statistic": "loss", "observed": 0.0}
            | {k: _loss(observed, v, weights) for k, v in sims.items()}
        )
        for name, weight in weights.items():
            if weight > 0:
                rows.append(
                    {"part": part, "statistic": f"  {name} ({DISTANCES[name][0]})", "observed": 0.0}
                    | {
                        k: distance(name, observed[name].to_numpy(), v[name].to_numpy())
                        if len(v)
                        else np.nan
                        for k, v in sims.items()
                    }
                )
    return pd.DataFrame(rows)


@dataclass(eq=False)
class CalibrationResult:
    """A finished calibration (see the module docstring for what :meth:`save` writes)."""

    kind: str
    parameters: list
    best: dict[str, Any]
    table: pd.DataFrame
    compare: pd.DataFrame | None
    scenario: Scenario
    baseline: Scenario
    settings: Any
    simulated: dict[str, pd.DataFrame]
    observed: dict[str, pd.DataFrame]
    curve: Any
    step_hours: float
    min_size: int | None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ran: int = 0
    recorded: int = 0
    folder: Path | None = None

    @property
    def within_noise(self) -> pd.DataFrame:
        """The candidates the bootstrap cannot tell from the best (the best included)."""
        return self.table[self.table["within_noise"] & (self.table["candidate"] > 0)]

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """Each key's uncertainty range: the span of the within-noise candidates."""
        near = self.within_noise
        return {
            p.key: (float(near[p.key].min()), float(near[p.key].max())) for p in self.parameters
        }

    @property
    def brackets(self) -> dict[str, tuple[float, float]]:
        """Each key's within-noise span widened to the nearest candidates outside the noise
        (or the bounds): the search has seen no value beyond them that fits as well, so the
        best value's uncertainty is at most this wide on this candidate set."""
        searched = self.table[self.table["candidate"] > 0]
        out = {}
        for p in self.parameters:
            low, high = self.ranges[p.key]
            rejected = searched.loc[~searched["within_noise"], p.key]
            below, above = rejected[rejected < low], rejected[rejected > high]
            out[p.key] = (
                float(below.max()) if len(below) else float(p.low),
                float(above.min()) if len(above) else float(p.high),
            )
        return out

    @property
    def best_loss(self) -> float:
        return float(self.table.loc[self.table["candidate"] > 0, "loss"].min())

    @property
    def baseline_loss(self) -> float:
        return float(self.table.loc[self.table["candidate"] == 0, "loss"].iloc[0])

    @property
    def bass(self) -> pd.DataFrame | None:
        """For an adoption curve: the Bass fits (closed form, recursion) beside the
        agent-based fit, on the same curve error."""
        if self.kind != "curve":
            return None
        from sim.calibrate.bass import FORMS, fit_bass

        rows = [fit_bass(self.curve, form).row() for form in FORMS]
        rows.append({"model": "agent-based (calibrated)", "curve_error": self.best_loss})
        rows.append({"model": "agent-based (untuned)", "curve_error": self.baseline_loss})
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        """The result as JSON-able data."""
        out = {
            "kind": self.kind,
            "best": self.best,
            "range": {k: list(v) for k, v in self.ranges.items()},
            "bracket": {k: list(v) for k, v in self.brackets.items()},
            "best_loss": self.best_loss,
            "baseline_loss": self.baseline_loss,
            "candidates": int((self.table["candidate"] > 0).sum()),
            "within_noise": len(self.within_noise),
            "seconds": self.seconds,
            "ran": self.ran,
            "already_recorded": self.recorded,
            "min_size": self.min_size,
            "notes": self.notes,
        }
        if self.compare is not None:
            out["compare"] = self.compare.to_dict(orient="records")
        if self.kind == "curve":
            out["bass"] = self.bass.to_dict(orient="records")
        return out

    def calibrated_yaml(self) -> str:
        """The calibrated scenario, ready to run, with a comment saying where it came from."""
        lines = [f"# calibrated by influence-sim calibrate ({self.kind}) from {self.baseline.name}"]
        for key, value in self.best.items():
            low, high = self.ranges[key]
            lines.append(f"#   {key} = {value:.6g} (within noise: {low:.6g} .. {high:.6g})")
        lines.append(f"#   loss {self.best_loss:.4f} (untuned {self.baseline_loss:.4f})")
        return "\n".join(lines) + "\n" + scenario_to_yaml(self.scenario)

    def save(self, folder: str | Path, *, force: bool = False, plots: bool = True) -> Path:
        """Write the result folder whole (see the module docstring); returns it."""
        with staged(folder, force=force) as out:
            self.table.to_csv(out / "candidates.csv", index=False)
            if self.compare is not None:
                self.compare.to_csv(out / "compare.csv", index=False)
            if self.kind == "curve":
                self.bass.to_csv(out / "bass.csv", index=False)
            write_json(out / "calibration.json", self.summary())
            (out / "calibrated.yaml").write_text(self.calibrated_yaml())
            if plots:
                self.figures(out)
        return Path(folder)

    def figures(self, folder: str | Path) -> list[Path]:
        """Draw ``calibration_fit.png`` (observed vs calibrated vs untuned) and
        ``calibration_search.png`` (loss against each key) into ``folder``."""
        from sim.report import plots

        folder = Path(folder)
        if self.kind == "cascades":
            cut = {k: v[v["size"] >= self.min_size] for k, v in self.simulated.items()}
            part = "held_out" if not self.observed["held_out"].empty else "fit"
            tables = {f"observed ({part.replace('_', '-')})": self.observed[part]} | cut
            fit = plots.plot_calibration_fit(
                tables,
                folder / "calibration_fit.png",
                f"{self.baseline.name}: observed vs calibrated vs untuned "
                f"(simulated cascades of >= {self.min_size} nodes)",
            )
        else:
            from sim.calibrate.bass import FORMS, fit_bass

            curves = {"observed": self.curve.cumulative} | curve_means(self)
            for form in FORMS:
                curves[f"Bass ({form.replace('_', ' ')})"] = fit_bass(self.curve, form).fitted
            fit = plots.plot_calibration_curve(
                self.curve.hours, curves, folder / "calibration_fit.png", self.baseline.name
            )
        search = plots.plot_calibration_search(
            self.table,
            [p.key for p in self.parameters],
            folder / "calibration_search.png",
            frozenset(p.key for p in self.parameters if p.log),
        )
        return [fit, search]

    def text(self) -> str:
        """A terminal summary: best values with ranges, the loss against the baseline, the
        comparison table."""
        lines = []
        for key, value in self.best.items():
            low, high = self.ranges[key]
            lines.append(f"{key} = {value:.4g}   (within noise: {low:.4g} .. {high:.4g})")
        lines.append(
            f"loss {self.best_loss:.4f} calibrated vs {self.baseline_loss:.4f} untuned; "
            f"{len(self.within_noise)} of {int((self.table['candidate'] > 0).sum())} "
            "candidates within noise of the best"
        )
        if self.compare is not None:
            with pd.option_context("display.width", 160):
                lines.append(self.compare.round(3).to_string(index=False))
        if self.kind == "curve":
            lines.append(self.bass.round(4).to_string(index=False))
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def curve_means(result: CalibrationResult) -> dict[str, np.ndarray]:
    """Mean cumulative simulated curves at the observed times (calibrated, untuned)."""
    out = {}
    for label, frame in result.simulated.items():
        mean = frame.to_numpy(dtype=np.float64).mean(axis=0)
        out[label] = cumulative_at(mean, result.step_hours, result.curve.hours)
    return out


__all__ = ["CalibrationResult", "compare_cascades", "curve_means"]
