"""``influence-sim bench [--quick] [--json]``: the speed benchmark on the user's own machine.

Runs :func:`sim.bench.suite.run`: independent cascade on Erdős–Rényi, Chung–Lu, follower and
real networks against a bare Numba loop (always) and CyNetDiff and ndlib (when installed),
linear threshold against CyNetDiff, the full model's edges per second and the kernels' compile
times, with the machine's core count and versions. ``--quick`` takes seconds (10^4 agents, one
real network, short timings); the full run takes minutes. Progress goes to stderr; ``--json``
prints one strict JSON document on stdout.
"""

from __future__ import annotations

import sys

from sim.report.writer import json_text


def add_parser(commands) -> None:
    """Register ``bench`` on the CLI's sub-command parser."""
    bench = commands.add_parser(
        "bench", help="measure the engine's speed against a bare loop and installed peers"
    )
    bench.add_argument("--quick", action="store_true", help="a few seconds: small graphs only")
    bench.add_argument("--json", action="store_true", help="print the measurements as JSON")
    bench.add_argument(
        "--repeat", type=int, default=None, help="timed repeats, best kept (3; --quick: 1)"
    )
    bench.set_defaults(command=_bench)


def _bench(args) -> int:
    from sim.bench import suite  # the benchmark imports peers lazily; keep the CLI light

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results = suite.run(quick=args.quick, repeat=args.repeat, progress=progress)
    command = "influence-sim bench" + (" --quick" if args.quick else "")
    results["command"] = command + (" --json" if args.json else "")
    print(json_text(results) if args.json else suite.format_text(results))
    return 0
