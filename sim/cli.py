"""Command-line interface: ``influence-sim`` (or ``python -m sim``).

Each command is a thin layer over :mod:`sim.api`; errors in input files are printed as one clear
message with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sim import api
from sim.network.io import NetworkFormatError
from sim.scenario import ScenarioError, load_scenario
from sim.version import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except (ScenarioError, NetworkFormatError, FileNotFoundError, KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="influence-sim",
        description="Agent-based influence diffusion: run scenarios and compare seeding plans.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", required=True)

    run = commands.add_parser("run", help="run one scenario and print a summary table")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--replications", "-r", type=_positive, help="override the scenario's count")
    run.add_argument("--seed", "-s", type=_non_negative, help="override the root seed")
    run.add_argument("--out", "-o", help="write tables (Parquet, CSV) and summary.json here")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.set_defaults(command=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    total = args.replications or scenario.replications
    bar = _progress(total, enabled=not args.json)
    results = api.run(scenario, replications=args.replications, seed=args.seed, progress=bar.update)
    bar.close()
    summary = results.summary()
    if args.out:
        results.save(args.out)
    if args.json:
        payload = {"meta": results.meta, "summary": summary.to_dict(orient="records")}
        print(json.dumps(payload, indent=2, default=str))
        return 0
    network = results.meta["network"]
    print(
        f"{scenario.name}: {network['nodes']:,} agents, {network['edges']:,} edges, "
        f"rule {results.meta['rule']}, {results.meta['steps']} steps, "
        f"{results.meta['replications']} replications, seed {results.meta['seed']}"
    )
    print(_format_summary(summary))
    if args.out:
        print(f"results written to {args.out}")
    return 0


def _format_summary(summary) -> str:
    rows = []
    for record in summary.to_dict(orient="records"):
        rows.append(
            {
                "strategy": record["strategy"],
                "seeds": record["seeds"],
                "final adopters": _interval(record, "final_adopters"),
                "reach": _interval(record, "reach"),
                "days to half": _interval(record, "time_to_half", digits=1),
            }
        )
    import pandas as pd

    return pd.DataFrame(rows).to_string(index=False)


def _interval(record: dict, column: str, digits: int = 0) -> str:
    # round first and add 0.0 so a tiny negative bound prints as 0, not -0
    mean, low, high = (
        round(record[f"{column}_{part}"], digits) + 0.0 for part in ("mean", "low", "high")
    )
    if mean != mean:  # NaN
        return "-"
    if low != low:
        return f"{mean:,.{digits}f}"
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total, unit="rep", disable=not enabled or not sys.stderr.isatty(), file=sys.stderr
    )


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
