"""What delays and changing ties cost: the flagship scenario's "40 micro" plan untimed, with
viewing delays (daily and hourly clocks) and with churning ties, in one process.

Each row is the best of three runs of the same replications on one thread after a warm-up
(compiling is not counted), as time, edges touched per second and the ratio of that rate to the
untimed run's (the baseline, measured in the same process). Delays change what spreads, so the
adopters column differs; the per-edge rate is the comparable figure.

Run:  .venv/bin/python benchmarks/bench_timing.py                 # 100 replications
      .venv/bin/python benchmarks/bench_timing.py --replications 20
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import sim
from sim.config.gate import with_overrides
from sim.model import replication_keys

FLAGSHIP = Path(__file__).resolve().parents[1] / "scenarios" / "macro_vs_micro_vs_nano.yaml"

CASES = {
    "untimed (baseline)": {},
    "view delay exponential, mean 2 h": {
        "dynamics.delays": {"view": {"dist": "exponential", "mean_hours": 2.0}}
    },
    "view delay log-normal, median 6 h, sigma 1.5": {
        "dynamics.delays": {"view": {"dist": "lognormal", "median_hours": 6.0, "sigma": 1.5}}
    },
    "hourly clock, view + repost delays": {
        "dynamics.step_hours": 1.0,
        "steps": 24 * 30,
        "dynamics.active_steps": 24,
        "dynamics.delays": {
            "view": {"dist": "lognormal", "median_hours": 6.0, "sigma": 1.5},
            "repost": {"dist": "exponential", "mean_hours": 12.0},
        },
    },
    "churn: lifetime 30 days, 20% of ties form later": {
        "network.churn": {"lifetime": 30, "arrivals": 0.2}
    },
}


def measure(scenario, replications: int) -> tuple[float, float, float]:
    """(best seconds, edges touched per second, mean final adopters) of the third strategy."""
    setup = sim.prepare(scenario)
    simulation = setup.simulation(setup.plan(setup.strategies[2]))
    keys = replication_keys(1, replications)
    simulation.run(keys[:3])
    best, raw = float("inf"), None
    for _ in range(3):
        start = time.perf_counter()
        raw = simulation.run(keys)
        best = min(best, time.perf_counter() - start)
    edges = float(raw.step_stats[:, :, 1].sum())
    return best, edges / best, float(raw.final_adopters().mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=100)
    args = parser.parse_args()
    base = sim.load_scenario(FLAGSHIP)
    baseline = None
    print(f"{'setting':48s} {'time':>9s} {'edges/s':>10s} {'x untimed':>9s} {'adopters':>9s}")
    for name, change in CASES.items():
        scenario = with_overrides(base, change) if change else base
        seconds, rate, adopters = measure(scenario, args.replications)
        baseline = rate if baseline is None else baseline
        print(
            f"{name:48s} {seconds * 1000:7.0f} ms {rate / 1e6:8.1f} M {rate / baseline:9.2f} "
            f"{adopters:9,.0f}"
        )


if __name__ == "__main__":
    main()
