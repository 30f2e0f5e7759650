"""``influence-sim trace SCENARIO.yaml``: every adoption of some replications, with its parent
and its time in hours.

``[--strategy NAME] [--replications N] [--out adoptions.csv]``: one row per adoption
(``replication, strategy, agent, parent, step, hours, origin_seed``; see :func:`sim.api.trace`),
written atomically to a CSV file (``.parquet`` for Parquet), and a summary per replication on
the terminal: adopters, adoptions with a parent, the deepest generation and the median hours
from a parent's adoption to its child's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.api import trace
from sim.batch.store import write_atomically, write_parquet
from sim.errors import InputError
from sim.report.writer import json_text
from sim.runner.prepare import prepare


def add_parser(commands, common, load) -> None:
    """Register ``trace``; ``common`` and ``load`` are the CLI's shared options and loader."""
    command = commands.add_parser(
        "trace", help="write every adoption (who, from whom, when in hours) of some replications"
    )
    common(command)
    command.add_argument("--strategy", help="the strategy to trace (default: the first)")
    command.add_argument(
        "--out", metavar="FILE", help="adoptions table: .csv (default adoptions.csv) or .parquet"
    )
    command.set_defaults(command=lambda args: _trace(args, load))


def _trace(args: argparse.Namespace, load) -> int:
    scenario = load(args)
    count = args.replications if args.replications is not None else 1
    table = trace(setup=prepare(scenario), strategy=args.strategy, replications=count)
    out = Path(args.out or "adoptions.csv")
    _write(table, out)
    summary = summarise(table)
    if args.json:
        print(json_text({"file": str(out), "replications": summary.to_dict("records")}))
        return 0
    print(summary.to_string(index=False))
    if not args.quiet:
        print(f"{len(table):,} adoptions written to {out}", file=sys.stderr)
    return 0


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per replication: adopters, adoptions with a parent, deepest generation, median hours
    from the parent's adoption to the child's."""
    rows = []
    for r, group in table.groupby("replication", sort=True):
        hours = dict(zip(group["agent"].to_numpy(), group["hours"].to_numpy(), strict=True))
        parent = dict(zip(group["agent"].to_numpy(), group["parent"].to_numpy(), strict=True))
        child = group[group["parent"] >= 0]
        lag = child["hours"].to_numpy() - np.array([hours[p] for p in child["parent"]])
        depth = {}
        for agent in group["agent"].to_numpy():  # adoption order: parents come first
            up = parent[agent]
            depth[agent] = depth.get(up, 0) + 1 if up >= 0 else 0
        rows.append(
            {
                "replication": int(r),
                "adopters": len(group),
                "with_parent": len(child),
                "generations": max(depth.values(), default=0),
                "median_lag_hours": float(np.median(lag)) if lag.size else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _write(table: pd.DataFrame, out: Path) -> None:
    """Write ``table`` to ``out`` whole or not at all (a temporary file renamed into place)."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"--out: {out}: the table is written as .csv or .parquet")
    if out.is_dir():
        raise InputError(f"--out: {out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise InputError(f"--out: {out.parent} does not exist")
    if suffix == ".csv":
        write_atomically(out, table.to_csv(index=False))
    else:
        write_parquet(out, table)
