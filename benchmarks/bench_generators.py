"""Graph generator speed and memory: build seconds and peak resident memory per size.

Each (generator, size) runs in a fresh subprocess, so the peak RSS (``ru_maxrss``) belongs to
that build alone; the RSS after imports is shown too (``base MB``), so ``peak - base`` is
roughly what the generator itself needed. Defaults: ``follower_graph`` (mean following 20)
and ``erdos_renyi`` (directed, mean degree 20) at n = 10^5 and 10^6.

Run:  .venv/bin/python benchmarks/bench_generators.py [--sizes 100000 1000000]
          [--generators follower_graph erdos_renyi barabasi_albert watts_strogatz]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ("follower_graph", "erdos_renyi", "barabasi_albert", "watts_strogatz")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def measure(generator: str, n: int, mean_degree: float, seed: int) -> dict:
    """Build one graph in this process and report its size, time and memory."""
    sys.path.insert(0, str(ROOT))
    from sim.network import generators as gen

    rng = np.random.default_rng(seed)
    if generator == "barabasi_albert":  # compile (or load) the numba kernel outside the timing
        gen.barabasi_albert(10, 2, rng=np.random.default_rng(0))
    builders = {
        "follower_graph": lambda: gen.follower_graph(n, mean_degree, rng=rng),
        "erdos_renyi": lambda: gen.erdos_renyi(n, mean_degree, rng=rng),
        "barabasi_albert": lambda: gen.barabasi_albert(n, round(mean_degree / 2), rng=rng),
        "watts_strogatz": lambda: gen.watts_strogatz(n, 2 * round(mean_degree / 2), 0.1, rng=rng),
    }
    base = _rss_mb()
    start = time.perf_counter()
    network = builders[generator]()
    seconds = time.perf_counter() - start
    return {
        "generator": generator,
        "n": n,
        "edges": network.n_edges,
        "max_followers": int(network.followers.max(initial=0)),
        "seconds": seconds,
        "peak_mb": _rss_mb(),
        "base_mb": base,
    }


def run_isolated(generator: str, n: int, mean_degree: float, seed: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        generator,
        str(n),
        "--mean-degree",
        str(mean_degree),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--generators", nargs="+", choices=GENERATORS, default=["follower_graph", "erdos_renyi"]
    )
    parser.add_argument("--mean-degree", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--worker", nargs=2, metavar=("GENERATOR", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        generator, n = args.worker
        print(json.dumps(measure(generator, int(n), args.mean_degree, args.seed)))
        return

    header = f"{'generator':<16} {'n':>10} {'edges':>12} {'max foll.':>10} {'build s':>8} "
    header += f"{'peak MB':>8} {'base MB':>8}"
    print(header)
    print("-" * len(header))
    for generator in args.generators:
        for n in args.sizes:
            r = run_isolated(generator, n, args.mean_degree, args.seed)
            print(
                f"{r['generator']:<16} {r['n']:>10,} {r['edges']:>12,} {r['max_followers']:>10,} "
                f"{r['seconds']:>8.2f} {r['peak_mb']:>8.0f} {r['base_mb']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
