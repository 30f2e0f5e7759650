"""Full-model speed on follower graphs: build time, run time, edges touched per second, memory.

For each size, in a fresh subprocess (so peak memory belongs to that size alone):

- build the follower graph (heavy-tailed followers, communities, reciprocity, closure),
- draw the population (two topics, Beta expertise/interest, thresholds, activity, attention
  falling with follower count),
- run the full model for 60 days: threshold rule with topic trust, decaying and reinforced ties,
  fading memory, sponsored seed posts, external influence and attribution,
- and, as the in-process baseline, the same network under the bare ``cascade`` rule (unit trust,
  no decay), so the cost of the full model shows as a ratio.

Run:  .venv/bin/python benchmarks/bench_engine.py [--sizes 100000 1000000] [--replications 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def measure(n: int, replications: int) -> dict:
    from sim.config import Beta, Population
    from sim.kernels.diffusion import STEP_STAT_NAMES
    from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
    from sim.network.generators import follower_graph
    from sim.runner.realise import build_population, with_ties

    rng = np.random.default_rng(2026)
    start = time.perf_counter()
    network = follower_graph(n, mean_following=20, rng=rng)
    build_seconds = time.perf_counter() - start
    network = with_ties(network, Beta(dist="beta", a=4, b=2), rng)

    start = time.perf_counter()
    population = build_population(
        Population.model_validate(
            {
                "topics": ["fitness", "tech"],
                "expertise": {"home": {"dist": "beta", "a": 4, "b": 2}, "off_topic": 0.3},
                "interest": {"home": {"dist": "beta", "a": 5, "b": 2}, "off_topic": 0.3},
                "threshold": {"dist": "uniform", "low": 0.02, "high": 0.3},
                "activity": 0.8,
                "attention": {"mode": "power_law", "value": 0.9, "exponent": 0.2},
            }
        ),
        network,
        rng,
    )
    population_seconds = time.perf_counter() - start
    seeds = np.argsort(network.followers)[-50:]
    full = Params(
        rule="threshold",
        active_steps=3,
        tie_half_life=20,
        reinforcement=0.1,
        memory_half_life=10,
        external_p=1e-5,
    )
    rows = {}
    cases = (
        ("full model", full, population, {"topic": "fitness", "sponsored_weight": 0.8}),
        ("bare cascade (baseline)", Params(rule="cascade"), textbook_agents(n), {}),
    )
    for label, dynamics, agents, campaign in cases:
        start = time.perf_counter()
        schedule = SeedSchedule.build(seeds, 0, 3, 7)
        simulation = Simulation(network, agents, dynamics, schedule, 60, **campaign)
        setup_seconds = time.perf_counter() - start
        simulation.run(replication_keys(0, 1))  # warm-up: loads or compiles the kernel
        start = time.perf_counter()
        raw = simulation.run(replication_keys(1, replications))
        seconds = (time.perf_counter() - start) / replications
        touched = raw.step_stats[:, :, STEP_STAT_NAMES.index("edges_touched")].sum()
        touched /= replications
        adopters = raw.step_stats[:, :, STEP_STAT_NAMES.index("new_adopters")].sum()
        adopters /= replications
        rows[label] = {
            "setup_s": setup_seconds,
            "run_s": seconds,
            "edges_touched": touched,
            "edges_per_s": touched / seconds,
            "adopters": adopters,
        }
    return {
        "n": n,
        "edges": network.n_edges,
        "build_s": build_seconds,
        "population_s": population_seconds,
        "rows": rows,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.replications)))
        return
    print(
        f"{'agents':>9} {'edges':>11} {'model':<24} {'build s':>8} {'run s':>7} "
        f"{'edges touched':>13} {'M edges/s':>9} {'adopters':>9} {'ratio':>6} {'peak MiB':>8}"
    )
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--replications", str(args.replications)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        baseline = result["rows"]["bare cascade (baseline)"]["edges_per_s"]
        for label, row in result["rows"].items():
            rate = row["edges_per_s"]
            print(
                f"{result['n']:>9,} {result['edges']:>11,} {label:<24} {result['build_s']:>8.1f} "
                f"{row['run_s']:>7.2f} {row['edges_touched']:>13,.0f} {rate / 1e6:>9.1f} "
                f"{row['adopters']:>9,.0f} {rate / baseline:>6.2f} {result['peak_mib']:>8,.0f}"
            )


if __name__ == "__main__":
    main()
