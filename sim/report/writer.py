"""The one writer of output folders: every file a run or a comparison leaves behind.

A folder is assembled in a temporary sibling and then swapped into place, so a reader (or a run
that is killed half-way) never sees a mix of old and new files: the folder holds either the
previous complete output or the new one. JSON is always valid JSON (NaN and infinities are
written as ``null``).

Layout: every results table as Parquet and CSV (``steps``, ``replications``, ``attribution``,
``communities``, ``strategies``), ``summary.json``; for a comparison also ``comparison.csv`` and
``comparison.parquet``, the resolved ``scenario.yaml`` and, with plots,
``adoption_curves.png`` and ``cost_per_adopter.png``.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.comparison import Comparison
from sim.analysis.results import Results
from sim.config.gate import scenario_to_yaml
from sim.config.schema import Scenario
from sim.errors import InputError

TABLES = ("steps", "replications", "attribution", "communities", "strategies")
OUTPUT_FILES = frozenset(
    [f"{name}.{ext}" for name in (*TABLES, "comparison") for ext in ("parquet", "csv")]
    + ["summary.json", "scenario.yaml", "adoption_curves.png", "cost_per_adopter.png"]
    + ["outcomes.png", "report.html"]
    + ["price_sweep.csv"]
    + ["candidates.csv", "compare.csv", "bass.csv", "calibration.json", "calibrated.yaml"]
    + ["calibration_fit.png", "calibration_search.png"]
)
"""Every file name the writer puts in an output folder: a folder holding anything else is not
one of ours, and is never replaced."""


def save_results(
    results: Results, directory: str | Path, confidence: float = 0.95, *, force: bool = False
) -> Path:
    """Write a run's tables and ``summary.json`` into ``directory`` (replaced whole)."""
    with staged(directory, force=force) as out:
        _write_tables(results, out)
        payload = {
            "meta": results.meta,
            "summary": results.summary(confidence).to_dict(orient="records"),
        }
        write_json(out / "summary.json", payload)
    return Path(directory)


def save_comparison(
    comparison: Comparison,
    directory: str | Path,
    scenario: Scenario | None = None,
    *,
    plots: bool = True,
    report: bool = False,
    force: bool = False,
) -> Path:
    """Write a comparison's tables, ``comparison.csv``, ``summary.json``, the resolved scenario
    and, with ``plots``, the PNG figures into ``directory`` (replaced whole); with ``report``
    also ``report.html``, one file holding the table, the figures and the assumptions."""
    with staged(directory, force=force) as out:
        _write_tables(comparison.results, out)
        comparison.table.to_csv(out / "comparison.csv", index=False)
        comparison.table.to_parquet(out / "comparison.parquet", index=False)
        summary = {
            "meta": comparison.results.meta,
            "confidence": comparison.confidence,
            "best": comparison.best,
            "verdict": comparison.verdict,
            "flop_share": comparison.flop_share,
            "comparison": comparison.table.to_dict(orient="records"),
        }
        write_json(out / "summary.json", summary)
        if scenario is not None:
            (out / "scenario.yaml").write_text(scenario_to_yaml(scenario))
        if plots or report:
            draw_comparison(comparison, out)
        if report:
            from sim.report.html import write_report

            write_report(comparison, out, scenario)
    return Path(directory)


def draw_comparison(comparison: Comparison, out: Path) -> list[Path]:
    """The comparison's figures: adoption curves, every replication's outcome and, when the
    strategies were priced, cost per adopter."""
    from sim.report.plots import plot_adoption_curves, plot_cost_per_adopter, plot_outcomes

    results = comparison.results
    drawn = [
        plot_adoption_curves(results.steps, out / "adoption_curves.png", comparison.confidence),
        plot_outcomes(results.replications, out / "outcomes.png", flop_line=flop_line(comparison)),
    ]
    if comparison.table["cost_per_adopter"].notna().any():
        drawn.append(
            plot_cost_per_adopter(
                comparison.table,
                out / "cost_per_adopter.png",
                currency=results.meta.get("currency") or "",
                confidence=comparison.confidence,
            )
        )
    return drawn


def flop_line(comparison: Comparison) -> float | None:
    """Adopters under which a replication counts as a flop (None when there is no best)."""
    best = comparison.best
    if best is None:
        return None
    reps = comparison.results.replications
    best_values = reps.loc[reps["strategy"] == best, "organic_adopters"]
    return comparison.flop_share * float(best_values.median())


def save_table(table: pd.DataFrame, directory: str | Path, name: str) -> Path:
    """Write one table as ``<name>.csv`` into ``directory`` (created if needed), atomically."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.csv"
    with tempfile.NamedTemporaryFile("w", dir=out, prefix=f".{name}.", delete=False) as handle:
        table.to_csv(handle, index=False)
    os.replace(handle.name, target)
    return target


def check_out(directory: str | Path, *, force: bool = False) -> None:
    """Refuse, before any work, an output folder that :func:`staged` would refuse after it."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InputError(f"output folder {target} is a file; give a folder path")
    if _precious(target.resolve()):
        raise InputError(
            f"output folder {target} is the working folder, one of its parents or the home "
            "folder, which is never replaced; give a folder inside it, e.g. results/run"
        )
    if target.exists():
        foreign = sorted(p.name for p in target.iterdir() if p.name not in OUTPUT_FILES)
        if foreign and not force:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise InputError(
                f"output folder {target} holds files this tool did not write ({shown}); "
                "it replaces its output folders whole, so give a new or empty folder, or "
                "--force to replace it"
            )


@contextmanager
def staged(directory: str | Path, *, force: bool = False):
    """Yield a fresh temporary folder beside ``directory``; on success it replaces
    ``directory`` whole, on failure (or Ctrl-C) it is removed and ``directory`` is left as it
    was. A folder holding files this tool did not write is replaced only with ``force``, and
    never when it is the working folder, one of its parents or the home folder."""
    target = Path(directory)
    check_out(target, force=force)  # checked again here: the folder may have changed meanwhile
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def json_text(payload) -> str:
    """Strict JSON text (no NaN or Infinity tokens: they become null)."""
    return json.dumps(_clean(payload), indent=2, allow_nan=False)


def _precious(folder: Path) -> bool:
    """The working folder, any of its parents, the home folder or the root: never replaced."""
    cwd = Path.cwd().resolve()
    return folder == Path.home().resolve() or folder == cwd or folder in cwd.parents


def safe_name(name: str) -> str:
    """``name`` as one safe folder name: runs of other characters become ``_``, no leading
    dots, at most 100 characters ("scenario" if nothing is left)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+|\.{2,}", "_", name)
    cleaned = re.sub(r"_+", "_", cleaned).lstrip("._")[:100].rstrip("_")
    return cleaned or "scenario"


def write_json(path: Path, payload) -> None:
    """Write :func:`json_text` of ``payload`` to ``path``."""
    path.write_text(json_text(payload) + "\n")


def _write_tables(results: Results, out: Path) -> None:
    for name, table in results.tables().items():
        table.to_parquet(out / f"{name}.parquet", index=False)
        table.to_csv(out / f"{name}.csv", index=False)


def _clean(value):
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
