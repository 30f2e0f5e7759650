"""Well-mixed speed: 10^6 agents x 100 days per rule, and the ratio to complete(n).

Each rule runs with every day busy: adopters post on every later day (``active_steps: null``,
up to 5 x 10^5 posts a day) with activity 0.5, memory fades (``threshold``), and a little
external influence keeps every day running (no early stop). Times are one replication on one
thread after a warm-up (compiling is not counted). The ratio rows run the same settings at
small n on the general kernel over ``complete(n)`` (n (n - 1) stored edges) and on the
well-mixed kernel, with identical final counts (checked).

Run:  .venv/bin/python benchmarks/bench_well_mixed.py            # n = 10^6, about a minute
      .venv/bin/python benchmarks/bench_well_mixed.py --n 100000 # smaller
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import complete
from sim.network.well_mixed import WellMixed

RULES = {
    "threshold": dict(threshold=(2.0, 60.0), memory_half_life=10.0, external_p=0.0005),
    "fractional": dict(threshold=(0.0, 0.5), memory_half_life=None, external_p=0.0005),
    "bass": dict(threshold=(0.0, 0.0), memory_half_life=None, external_p=0.002, bass_q=0.1),
}


def simulation(network, rule: str, steps: int) -> Simulation:
    """``rule`` on ``network`` with the busy settings above (seeded: 10 agents on day 0)."""
    n = network.n_nodes
    rng = np.random.default_rng(1)
    spec = dict(RULES[rule])
    low, high = spec.pop("threshold")
    agents = dataclasses.replace(
        textbook_agents(n),
        threshold=rng.uniform(low, high, n),
        activity=np.full(n, 0.5, dtype=np.float32),
    )
    params = Params(rule=rule, active_steps=None, **spec)
    return Simulation(network, agents, params, SeedSchedule.build(np.arange(10)), steps)


def timed(sim: Simulation, reps: int = 1) -> tuple[float, np.ndarray]:
    keys = replication_keys(5, reps)
    sim.run(keys[:1])  # warm-up: compile once
    start = time.perf_counter()
    raw = sim.run(keys)
    return (time.perf_counter() - start) / reps, raw.final_adopters()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--small", type=int, default=2000, help="n of the complete(n) ratio")
    args = parser.parse_args()
    print(f"well-mixed kernel, n = {args.n:,}, {args.steps} days, 1 replication, 1 thread")
    for rule in RULES:
        seconds, final = timed(simulation(WellMixed(args.n), rule, args.steps))
        print(f"  {rule:<10} {seconds:7.2f} s   final adopters {int(final[0]):,}")
    print(f"complete({args.small:,}) on the general kernel / well-mixed, same numbers:")
    for rule in RULES:
        general, g_final = timed(simulation(complete(args.small), rule, args.steps), 3)
        mixed, m_final = timed(simulation(WellMixed(args.small), rule, args.steps), 3)
        assert np.array_equal(g_final, m_final), rule
        print(f"  {rule:<10} {general:7.3f} s / {mixed:7.4f} s = {general / mixed:7.0f} x")


if __name__ == "__main__":
    main()
