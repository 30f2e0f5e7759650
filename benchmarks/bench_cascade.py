"""Independent-cascade speed: a thin wrapper around ``influence-sim bench``.

The benchmark itself lives in :mod:`sim.bench` (graphs, the bare Numba loop that bounds the
engine, the peers CyNetDiff and ndlib, the table), so that users can run it on their own
machine with ``influence-sim bench``. This script passes its arguments through.

Run:  .venv/bin/python benchmarks/bench_cascade.py            # every graph and size, minutes
      .venv/bin/python benchmarks/bench_cascade.py --quick    # seconds
      .venv/bin/python benchmarks/bench_cascade.py --json     # machine-readable
"""

import sys

from sim.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
