"""``influence-sim bench [--quick] [--json]``: the speed benchmark on the user's own machine.

Runs :func:`sim.bench.suite.run`: independent cascade on Erdős–Rényi, Chung–Lu, follower and
real networks against a bare Numba loop (always) and CyNetDiff and ndlib (when installed),
linear threshold against CyNetDiff, the full model's edges per second and the kernels' compile
times, with the machine's core count and versions. ``--quick`` takes seconds (10^4 agents, one
real network, short timings); the full run takes minutes. Progress goes to stderr; ``--json``
prints one strict JSON document on stdout, ``--markdown`` the README's tables, and
``--from FILE`` formats a saved ``--json`` document instead of measuring again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.errors import InputError
from sim.report.writer import json_text


def add_parser(commands) -> None:
    """Register ``bench`` on the CLI's sub-command parser."""
    bench = commands.add_parser(
        "bench", help="measure the engine's speed against a bare loop and installed peers"
    )
    bench.add_argument("--quick", action="store_true", help="a few seconds: small graphs only")
    output = bench.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the measurements as JSON")
    output.add_argument(
        "--markdown", action="store_true", help="print the README's tables (Markdown)"
    )
    bench.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=None,
        metavar="FILE",
        help="format a saved --json output instead of measuring",
    )
    bench.add_argument(
        "--repeat", type=int, default=None, help="timed repeats, best kept (3; --quick: 1)"
    )
    bench.set_defaults(command=_bench)


def _bench(args) -> int:
    from sim.bench import suite  # the benchmark imports peers lazily; keep the CLI light

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.source is not None:
        results = _saved(args.source)
    else:
        results = suite.run(quick=args.quick, repeat=args.repeat, progress=progress)
        command = "influence-sim bench" + (" --quick" if args.quick else "")
        results["command"] = command + (" --json" if args.json else "")
    if args.json:
        print(json_text(results))
    elif args.markdown:
        print(suite.format_markdown(results))
    else:
        print(suite.format_text(results))
    return 0


def _saved(path: Path) -> dict:
    """A document ``influence-sim bench --json`` wrote, checked enough to format."""
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"--from {path}: cannot read it ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"--from {path}: not JSON ({error})") from None
    needed = {"machine", "cascade", "fractional", "full_model", "targets"}
    if not isinstance(results, dict) or not needed <= set(results):
        raise InputError(
            f"--from {path}: not an 'influence-sim bench --json' document "
            f"(needs keys {sorted(needed)})"
        )
    return results
