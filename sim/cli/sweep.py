"""``influence-sim sweep``: a parameter design x strategies x replications, resumable.

``influence-sim sweep SCENARIO.yaml [--set KEY=V1,V2 | KEY=LOW:HIGH ...] [--design grid|random|
lhs] [--points N] [--out DIR]`` runs every point of the design (the scenario's ``sweep:``
section, with ``--set`` keys added or replacing it) into a batch folder of Parquet part files and
a manifest. Run the same command again after a crash or a kill: what is recorded is kept, the
rest is computed. ``--scheduler tcp://HOST:PORT`` runs the tasks on a Dask cluster,
``--dask-local N`` on a local Dask cluster of N workers, ``--executor processes`` on local
processes; the numbers are the same everywhere.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.errors import InputError


def add_parser(commands, common, positive) -> None:
    """Register ``sweep`` on the CLI's sub-command parser."""
    sweep = commands.add_parser(
        "sweep", help="run a parameter design x strategies x replications into a resumable batch"
    )
    common(sweep)
    sweep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUES",
        help="sweep or fix a scenario key: dynamics.tie_half_life=7,30,90 | campaign.budget="
        "5000:20000 | steps=30 (repeatable)",
    )
    sweep.add_argument("--design", choices=["grid", "random", "lhs"], help="design (grid)")
    sweep.add_argument("--points", type=positive, help="points of a random or lhs design")
    sweep.add_argument("--out", "-o", help="batch folder (default: results/<scenario name>-sweep)")
    sweep.add_argument(
        "--executor",
        choices=["threads", "processes"],
        default="threads",
        help="local executor: this process's numba threads (default) or worker processes",
    )
    sweep.add_argument("--workers", type=positive, help="local workers (default: all cores)")
    sweep.add_argument("--scheduler", metavar="TCP://HOST:PORT", help="an existing Dask scheduler")
    sweep.add_argument("--dask-local", type=positive, metavar="N", help="start a LocalCluster")
    sweep.add_argument("--task-size", type=positive, help="replications per task (default: auto)")
    sweep.add_argument(
        "--force", action="store_true", help="start over a folder holding a different batch"
    )
    sweep.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    from sim.batch.sweep import run_sweep
    from sim.cli.main import _load, _progress_enabled
    from sim.config.gate import parse_setting, validate_part
    from sim.report.writer import json_text, safe_name

    scenario = _load(args, check_memory=False)  # a sweep streams: run_sweep checks per point
    sweep = _design(scenario, args, parse_setting, validate_part)
    out = Path(args.out) if args.out else Path("results") / f"{safe_name(scenario.name)}-sweep"
    talk = _progress_enabled(args)
    bar = []
    started = time.perf_counter()

    def progress(kind: str, message: str, done: int, total: int) -> None:
        """A bar with ETA on a terminal; otherwise one line per finished point."""
        if not talk:
            return
        if kind == "start":
            print(message, file=sys.stderr, flush=True)
            if sys.stderr.isatty():
                from tqdm import tqdm

                bar.append(tqdm(total=total, initial=done, unit="rep", file=sys.stderr))
        elif bar:
            bar[0].n = done
            bar[0].refresh()
            if done == total:
                bar[0].close()
        elif kind == "point":
            seconds = time.perf_counter() - started
            print(f"  {message}: {done:,}/{total:,} replications, {seconds:,.1f} s",
                  file=sys.stderr, flush=True)  # fmt: skip

    outcome = run_sweep(
        scenario,
        out,
        sweep=sweep,
        executor=args.executor,
        workers=args.workers or args.threads,
        scheduler=args.scheduler,
        dask_local=args.dask_local,
        task_size=args.task_size,
        max_memory=args.max_memory,
        force=args.force,
        progress=progress,
    )
    figures = _figures(outcome)
    if args.json:
        print(
            json_text(
                {
                    "out": str(out),
                    "points": len(outcome.points),
                    "ran": outcome.ran,
                    "already_recorded": outcome.skipped,
                    "failures": outcome.failures,
                    "seconds": outcome.seconds,
                    "summary": outcome.summary.to_dict(orient="records"),
                }
            )
        )
        return 1 if outcome.failures else 0
    import pandas as pd

    shown = outcome.summary.copy()
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(shown.round(2).to_string(index=False))
    print(
        f"{len(outcome.points)} points; {outcome.ran:,} replications run, "
        f"{outcome.skipped:,} already recorded, in {outcome.seconds:,.1f} s; batch in {out}"
    )
    for path in figures:
        print(f"figure: {path}")
    for failure in outcome.failures:
        where = f"point {failure['point']}, strategy {failure['strategy_name']!r}"
        if failure["replication"] is None:
            print(f"not run: {where}: {failure['error']}", file=sys.stderr)
        else:
            print(
                f"failed: {where}, replication {failure['replication']}, seed "
                f"{failure['seed']} (key {failure['key']}): {failure['error']}",
                file=sys.stderr,
            )
    return 1 if outcome.failures else 0


def _design(scenario, args, parse_setting, validate_part):
    """The scenario's sweep section with the command line's ``--set`` keys merged in."""
    base = scenario.sweep.model_dump() if scenario.sweep is not None else {"parameters": {}}
    for text in args.set:
        key, value = parse_setting(text)
        base["parameters"][key] = value
    if args.design:
        base["design"] = args.design
    if args.points:
        base["points"] = args.points
    if not base["parameters"]:
        return None
    try:
        return validate_part("sweep", base)
    except InputError as error:
        raise InputError(str(error).replace("python argument: ", "--set/--design: ")) from None


def _figures(outcome) -> list[Path]:
    if outcome.summary.empty or not outcome.points[0].values:
        return []
    from sim.report.plots import plot_sweep

    paths = []
    for key in outcome.points[0].values:
        path = outcome.store.directory / f"sweep_{key.replace('.', '_')}.png"
        paths.append(plot_sweep(outcome.summary, key, path))
    return paths
