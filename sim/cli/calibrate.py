"""``influence-sim calibrate SCENARIO.yaml``: fit scenario keys to observed data, resumable.

``[--observed FILE ...] [--kind cascades|curve] [--set KEY=LOW:HIGH[:log] ...] [--budget N]
[--replications R] [--split none|parity|hash] [--seed S] [--out DIR]``. The command line
replaces the parts of the scenario's ``calibrate:`` section it names (``--set`` adds keys or
replaces their bounds). Candidates are recorded in ``DIR`` as they finish: run the same command
again after a kill and only the missing ones are computed. The result (tables, figures, the
calibrated scenario) is written whole to ``DIR/report``. ``--replications`` is per seed account
(cascades) or of the run (curve); ``--seed`` is the calibration's seed (candidates, seed
accounts, replication keys; default the scenario's).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.errors import InputError


def add_parser(commands, common, positive) -> None:
    """Register ``calibrate`` on the CLI's sub-command parser."""
    command = commands.add_parser(
        "calibrate", help="fit scenario keys to observed cascades or an adoption curve"
    )
    common(command)
    for action in command._actions:  # the shared --seed seeds the calibration here
        if "--seed" in action.option_strings:
            action.help = "the calibration's seed (candidates, seed accounts, replications)"
    command.add_argument(
        "--observed", nargs="+", metavar="FILE", help="observed data (cascade trees or a curve)"
    )
    command.add_argument("--kind", choices=["cascades", "curve"], help="what the data is")
    command.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=LOW:HIGH[:log]",
        help="a key to fit and its bounds: network.ties=0.01:0.2:log (repeatable)",
    )
    command.add_argument("--budget", type=positive, help="candidates to evaluate")
    command.add_argument("--split", choices=["none", "parity", "hash"], help="held-out split")
    command.add_argument(
        "--out", "-o", help="calibration folder (default: results/<scenario name>-calibrate)"
    )
    command.add_argument(
        "--force", action="store_true", help="start over a folder holding another calibration"
    )
    command.add_argument("--no-plots", action="store_true", help="skip the figures")
    command.set_defaults(command=run)


def bounds(texts: list[str]) -> dict[str, dict]:
    """``--set KEY=LOW:HIGH[:log]`` as ``{key: {"low", "high", "log"}}``."""
    from sim.config.gate import parse_setting

    found = {}
    for text in texts:
        key, value = parse_setting(text)
        if not isinstance(value, dict):
            raise InputError(
                f"--set {key}: calibrate needs bounds KEY=LOW:HIGH or KEY=LOW:HIGH:log, got "
                f"{text.partition('=')[2]!r}"
            )
        found[key] = value
    return found


def run(args: argparse.Namespace) -> int:
    from sim.calibrate import calibrate
    from sim.cli.main import _progress_enabled, _threads
    from sim.config.gate import load_scenario
    from sim.report.writer import json_text, safe_name

    scenario = load_scenario(args.scenario)
    out = Path(args.out) if args.out else Path("results") / f"{safe_name(scenario.name)}-calibrate"
    talk = _progress_enabled(args)
    started = time.perf_counter()

    parameters = bounds(args.set)

    def progress(kind: str, done: int, total: int) -> None:
        """One line per finished candidate (the first says where the calibration goes)."""
        if not talk:
            return
        if done == 1:
            print(f"{scenario.name}: calibrating into {out}", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - started
        print(f"  candidate {done}/{total} ({seconds:,.1f} s)", file=sys.stderr, flush=True)

    result = calibrate(
        scenario,
        observed=args.observed,
        parameters=parameters,
        kind=args.kind,
        budget=args.budget,
        replications=args.replications,
        seed=args.seed,
        split=args.split,
        out=out,
        threads=_threads(args.threads),
        force=args.force,
        progress=progress,
    )
    report = result.save(out / "report", force=args.force, plots=not args.no_plots)
    if args.json:
        print(json_text({"out": str(out), "report": str(report), **result.summary()}))
        return 0
    print(result.text())
    print(
        f"{result.ran} candidates run, {result.recorded} already recorded, in "
        f"{result.seconds:,.1f} s; calibrated scenario: {report / 'calibrated.yaml'}"
    )
    return 0
