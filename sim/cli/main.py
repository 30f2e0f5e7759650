"""Command-line interface: ``influence-sim`` (or ``python -m sim``).

Commands: ``run`` (summary per strategy), ``compare`` (the strategist's table, files and plots),
``validate`` (check a scenario without running it) and ``schema`` (JSON Schema for editors).
Each is a thin layer over the Python API. Input errors (:class:`~sim.errors.InputError`) are
printed as one clear message with exit code 2; anything else is a bug and keeps its traceback.
Command-line overrides go through the scenario gate again (:func:`sim.config.with_overrides`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim import api
from sim.cli import bench, calibrate, optimize, sweep, teach, trace
from sim.config.gate import load_scenario, with_overrides
from sim.config.schema import Scenario
from sim.errors import InputError
from sim.report.text import clock, format_comparison, headline, run_summary
from sim.report.writer import (
    check_out,
    json_text,
    safe_name,
    save_comparison,
    save_results,
    save_table,
)
from sim.runner import resources
from sim.version import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except InputError as error:
        return _fail(args, f"error: {error}", 2)
    except KeyboardInterrupt:
        done = (
            "what was recorded is kept: run the same command to resume"
            if getattr(args, "command", None).__module__.endswith(("sweep", "calibrate"))
            else "no output folder was changed"
        )
        return _fail(args, f"interrupted: stopped before finishing; {done}", 130)


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    """One line on stderr; with ``--json`` also a JSON object on stdout, so a machine reading
    stdout always gets valid JSON."""
    print(message, file=sys.stderr)
    if getattr(args, "json", False):
        print(json_text({"error": message.split(": ", 1)[-1], "exit_code": code}))
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="influence-sim",
        description="Agent-based influence diffusion: run scenarios and compare seeding plans.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", required=True)

    run = commands.add_parser("run", help="run a scenario and print a summary per strategy")
    _common(run)
    run.add_argument("--out", "-o", help="write tables (Parquet, CSV) and summary.json here")
    _force(run)
    run.set_defaults(command=_run)

    compare = commands.add_parser(
        "compare", help="compare the scenario's strategies: table, files and plots"
    )
    _common(compare)
    compare.add_argument(
        "--out", "-o", help="output folder (default: outputs.directory, or results/<scenario name>)"
    )
    compare.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    compare.add_argument(
        "--report", action="store_true", help="also write report.html: table, figures, assumptions"
    )
    _force(compare)
    compare.add_argument(
        "--price-scale",
        nargs="+",
        type=_price_scale,
        metavar="SCALE",
        help="sweep prices: re-run at each multiplier, e.g. 0.3 1 3, or one tier: micro=0.3",
    )
    compare.add_argument(
        "--bootstrap",
        type=_positive,
        default=2000,
        help="bootstrap resamples for cost-per-adopter intervals (2000)",
    )
    compare.set_defaults(command=_compare)

    validate = commands.add_parser("validate", help="check a scenario without running it")
    validate.add_argument("scenario", help="scenario YAML file")
    validate.add_argument("--json", action="store_true", help="print the check as JSON")
    _memory(validate)
    validate.set_defaults(command=_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    schema.add_argument("--out", "-o", help="write it to this file instead")
    schema.set_defaults(command=_schema)

    teach.add_parser(commands)
    bench.add_parser(commands)
    sweep.add_parser(commands, _common, _positive)
    optimize.add_parser(commands, _common, _load, _progress)
    calibrate.add_parser(commands, _common, _positive)
    trace.add_parser(commands, _common, _load)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("scenario", help="scenario YAML file")
    command.add_argument("--replications", "-r", type=_positive, help="override the count")
    command.add_argument("--seed", "-s", type=_non_negative, help="override the root seed")
    command.add_argument("--json", action="store_true", help="print results as JSON")
    command.add_argument(
        "--quiet", "-q", action="store_true", help="no progress lines on stderr (errors still)"
    )
    command.add_argument(
        "--threads", "-t", type=_positive, help="threads for replications (default: all cores)"
    )
    _memory(command)


def _force(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--force",
        action="store_true",
        help="replace the output folder even if it holds files this tool did not write",
    )


def _memory(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-memory",
        type=_size,
        metavar="SIZE",
        help="refuse runs estimated to need more (e.g. 8G; default: the memory available now)",
    )


# ------------------------------------------------------------------------------ commands
def _run(args: argparse.Namespace) -> int:
    scenario = _load(args)
    if args.out:
        check_out(args.out, force=args.force)  # refuse before the work, not after
    bar = _progress(scenario, enabled=not (args.json or args.quiet))
    results = api.run(
        scenario, progress=bar.update, threads=args.threads, max_memory=args.max_memory
    )
    bar.close()
    summary = results.summary()
    if args.out:
        save_results(results, args.out, force=args.force)
    if args.json:
        payload = {"meta": results.meta, "summary": summary.to_dict(orient="records")}
        print(json_text(payload))
        return 0
    print(headline(scenario.name, results.meta))
    print(run_summary(summary, results.meta.get("step_hours", 24.0)))
    for note in [*results.meta.get("notes", []), *results.strategies["note"]]:
        if note:
            print(f"note: {note}")
    print("adopters: mean organic adopters (paid seeds excluded) with a 95% interval")
    if args.out:
        print(f"results written to {args.out}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    scenario = _load(args)
    if args.price_scale:
        return _price_sweep(args, scenario)
    out = Path(args.out) if args.out else _default_out(scenario)
    check_out(out, force=args.force)  # refuse before the work, not after
    bar = _progress(scenario, enabled=not (args.json or args.quiet))
    comparison = api.compare(
        scenario, progress=bar.update, bootstrap=args.bootstrap, threads=args.threads
    )
    bar.close()
    plots = scenario.outputs.plots and not args.no_plots
    save_comparison(comparison, out, scenario, plots=plots, report=args.report, force=args.force)
    if args.json:
        print((out / "summary.json").read_text())
        return 0
    print(headline(scenario.name, comparison.results.meta))
    meta = comparison.results.meta
    print(format_comparison(comparison.table, meta.get("currency") or "", meta["step_hours"]))
    print(
        f"{comparison.verdict}.\nadopters = organic adopters (paid seeds excluded), mean "
        f"with a {comparison.confidence:.0%} interval; p10-p90 = the range 8 in 10 campaigns "
        f"fall in; flop = share of replications under {comparison.flop_share:.0%} of the "
        "best's median; cost per adopter: bootstrap interval; vs best = paired difference on "
        "common random numbers."
    )
    notes = [*comparison.results.meta.get("notes", []), *comparison.results.strategies["note"]]
    for note in notes:
        if note:
            print(f"note: {note}")
    if scenario.campaign is not None:
        under = comparison.table[comparison.table["spend"] < 0.9 * scenario.campaign.budget]
        for name, spend in zip(under["strategy"], under["spend"], strict=True):
            print(
                f"note: {name!r} spends {spend:,.0f} of the {scenario.campaign.budget:,.0f} "
                "budget (its k caps it); compare its cost per adopter, not only its adopters"
            )
    print(f"results written to {out}")
    return 0


def _price_sweep(args: argparse.Namespace, scenario: Scenario) -> int:
    bar = _progress(scenario, enabled=not (args.json or args.quiet), rounds=len(args.price_scale))
    table = api.price_sweep(
        scenario,
        args.price_scale,
        progress=bar.update,
        bootstrap=args.bootstrap,
        threads=args.threads,
    )
    bar.close()
    out = Path(args.out) if args.out else _default_out(scenario)
    save_table(table, out, "price_sweep")
    if args.json:
        print(json_text(table.to_dict(orient="records")))
        return 0
    currency = scenario.campaign.currency if scenario.campaign else ""
    print(f"{scenario.name}: cost per adopter ({currency}) as prices are scaled")
    wide = table.pivot(index="strategy", columns="price_scale", values="cost_per_adopter")
    wide = wide.loc[list(dict.fromkeys(table["strategy"]))]
    print(wide.map(lambda value: f"{value:,.2f}").to_string())
    for scale, group in table.groupby("price_scale", sort=False):
        winner = group.loc[group["cheapest"], "strategy"].iloc[0]
        print(f"price scale {scale}: cheapest per adopter is {winner}")
    print(f"table written to {out / 'price_sweep.csv'}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    need = resources.check(scenario, limit=args.max_memory, threads=_threads(None))
    setup = api.prepare(scenario, max_memory=args.max_memory)
    plans = setup.plans()
    report = {
        "scenario": scenario.name,
        "network": setup.network.summary(),
        "topic": setup.topic,
        "strategies": [
            {
                "name": plan.strategy.name,
                "seeds": plan.n_seeds,
                **plan.seeds_by_tier,
                "spend": plan.spend,
            }
            for plan in plans
        ],
        "notes": [note for plan in plans for note in plan.notes],
        "budget": scenario.campaign.budget if scenario.campaign else None,
        "memory_estimate_bytes": need.total,
    }
    if args.json:
        print(json_text(report))
        return 0
    network = report["network"]
    print(
        f"{args.scenario}: ok. {network['nodes']:,} agents, {network['edges']:,} edges, "
        f"topic {setup.topic!r}, {len(plans)} strateg{'y' if len(plans) == 1 else 'ies'}; "
        "a compare needs "
        f"{resources.format_bytes(need.total)} at most"
    )
    print(pd.DataFrame(report["strategies"]).to_string(index=False))
    for note in [*setup.notes(), *(note for plan in plans for note in plan.notes)]:
        print(f"note: {note}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
        print(f"schema written to {args.out}")
    else:
        print(text)
    return 0


# ------------------------------------------------------------------------------ helpers
def _progress_enabled(args: argparse.Namespace) -> bool:
    return not (getattr(args, "json", False) or getattr(args, "quiet", False))


def _load(args: argparse.Namespace, *, check_memory: bool = True) -> Scenario:
    """The scenario with the command line's overrides applied (re-validated); with
    ``check_memory`` an in-memory run of it is estimated and refused if it would not fit."""
    scenario = load_scenario(args.scenario)
    updates = {}
    if args.replications is not None:
        updates["replications"] = args.replications
    if args.seed is not None:
        updates["seed"] = args.seed
    scenario = with_overrides(scenario, updates) if updates else scenario
    if check_memory:
        resources.check(scenario, limit=args.max_memory, threads=_threads(args.threads))
    return scenario


def _threads(threads: int | None) -> int:
    import numba

    return threads if threads is not None else int(numba.get_num_threads())


def _size(text: str) -> int:
    try:
        return resources.parse_bytes(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--max-memory: ")) from None


def _default_out(scenario: Scenario) -> Path:
    """``outputs.directory``, or ``results/<scenario name>`` with the name made a safe folder
    name (letters, digits, ``.``, ``_``, ``-``; never a path that climbs out of results/)."""
    if scenario.outputs.directory is not None:
        return scenario.outputs.directory
    return Path("results") / safe_name(scenario.name)


class _Progress:
    """What a long command says while it works, on stderr: a line before any work, then a bar
    on a terminal, or one line per finished strategy when stderr is a file or a pipe (CI logs,
    nohup). ``--quiet`` and ``--json`` silence it."""

    def __init__(self, scenario: Scenario, enabled: bool, rounds: int = 1) -> None:
        self.enabled = enabled
        self.per_strategy = scenario.replications
        self.total = scenario.replications * len(scenario.strategies) * rounds
        self.done = 0
        self.started = time.perf_counter()
        self.bar = None
        if not enabled:
            return
        print(_announce(scenario, rounds), file=sys.stderr, flush=True)
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="rep", file=sys.stderr)

    def update(self, count: int) -> None:
        if not self.enabled:
            return
        before, self.done = self.done, self.done + count
        if self.bar is not None:
            self.bar.update(count)
        elif self.done // self.per_strategy > before // self.per_strategy:
            seconds = time.perf_counter() - self.started
            print(
                f"  {self.done:,} of {self.total:,} replications done ({seconds:,.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _progress(scenario: Scenario, enabled: bool, rounds: int = 1) -> _Progress:
    return _Progress(scenario, enabled, rounds)


def _announce(scenario: Scenario, rounds: int) -> str:
    """The line printed before any work: what is about to run."""
    network = scenario.network
    size = (
        f"{network.n:,}-agent {network.generator}"
        if hasattr(network, "n")
        else str(network.file.name)
    )
    times = f" x {rounds} price scales" if rounds > 1 else ""
    count = len(scenario.strategies)
    return (
        f"{scenario.name}: {size} network, {count} strateg{'y' if count == 1 else 'ies'} x "
        f"{scenario.replications:,} replications{times}, "
        f"{clock(scenario.steps, scenario.dynamics.step_hours)}, seed {scenario.seed}"
    )


def _price_scale(text: str) -> float | dict[str, float]:
    """``0.3`` (every tier) or ``micro=0.3`` (one tier)."""
    tier, _, factor = text.rpartition("=")
    try:
        value = float(factor)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or TIER=NUMBER, got {text!r}"
        ) from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"price scale must be a finite number > 0, got {text!r}")
    if not tier:
        return value
    if tier not in ("nano", "micro", "macro", "mega"):
        raise argparse.ArgumentTypeError(f"tier must be nano, micro, macro or mega, got {tier!r}")
    return {tier: value}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
