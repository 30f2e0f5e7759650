"""``influence-sim teach``: serve the teaching page, or export a run for slides.

``influence-sim teach [--port P] [--host 127.0.0.1]`` starts the Solara page on loopback; a
host other than loopback is refused unless ``--allow-remote`` is given (the page runs code
for whoever can reach it), and then a warning is printed. ``influence-sim teach --export FILE
SCENARIO`` writes the run as an animated GIF (MP4 where ffmpeg exists) or the adoption curve
as PNG, chosen by FILE's suffix, without starting a server. Mesa and Solara come with the
``teach`` extra; without them the command says how to install them.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from sim.errors import InputError

LOOPBACK_NAMES = {"localhost"}
DEFAULT_PORT = 8765


def add_parser(commands) -> None:
    """Register ``teach`` on the CLI's sub-command parser."""
    teach = commands.add_parser(
        "teach", help="open the teaching page (Mesa + Solara), or export a run for slides"
    )
    teach.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (8765)")
    teach.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    teach.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (anyone who can reach it can run the page)",
    )
    teach.add_argument("--no-open", action="store_true", help="do not open a browser")
    teach.add_argument(
        "--export",
        nargs=2,
        metavar=("FILE", "SCENARIO"),
        help="write SCENARIO's run to FILE (.gif, .mp4 or .png) instead of serving the page",
    )
    teach.add_argument("--strategy", help="with --export: the strategy to run (default: first)")
    teach.add_argument("--seed", type=int, help="with --export: the root seed")
    teach.set_defaults(command=run)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        from sim.teach import adapter, export
    except ImportError as error:
        raise InputError(
            f"teach: the teaching page needs Mesa and Solara ({error}); install them with "
            "pip install 'influence-sim[teach]'"
        ) from None
    if args.export:
        target, scenario = args.export
        knobs = {"scenario": scenario, "strategy": args.strategy, "rng": args.seed}
        path = export.export(target, {k: v for k, v in knobs.items() if v is not None})
        print(f"wrote {path}")
        return 0
    if not 0 < args.port < 65536:
        raise InputError(f"--port: must be in 1..65535, got {args.port}")
    if not is_loopback(args.host):
        if not args.allow_remote:
            raise InputError(
                f"--host {args.host}: not a loopback address; the page would be open to the "
                "network. Add --allow-remote if that is what you want"
            )
        print(
            f"warning: serving the teaching page on {args.host}:{args.port}; anyone who can "
            "reach this address can use it",
            file=sys.stderr,
        )
    print(f"teaching page on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    return adapter.serve("sim.teach.app", args.host, args.port, open_browser=not args.no_open)
