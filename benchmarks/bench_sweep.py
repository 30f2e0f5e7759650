"""Batch throughput: the flagship scenario through the sweep machinery, on each executor.

Prints replications per second (one replication = one strategy's run) for:

- the local executor on one thread, on two numba threads (the default), and on two worker
  processes: the 2-worker figures as ratios to one (target >= 1.8x);
- a 2-worker Dask ``LocalCluster`` against the local default on the same batch (target: within
  20%);
- the cost of resuming: a batch (1,000 replications x 5 plans) killed (SIGKILL) about half way
  and resumed, against the same batch run straight through (target: under 5% extra).

Every figure comes from this process and its children on this machine, and every executor's
tables are checked identical to the first one's. Run:

    .venv/bin/python benchmarks/bench_sweep.py                   # 200 replications x 5 plans
    .venv/bin/python benchmarks/bench_sweep.py --quick           # 2,000 agents, seconds
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "macro_vs_micro_vs_nano.yaml"


def timed(scenario, out: Path, **options) -> tuple[float, pd.DataFrame]:
    from sim.batch.sweep import run_sweep

    started = time.perf_counter()
    outcome = run_sweep(scenario, out, **options)
    seconds = time.perf_counter() - started
    assert not outcome.failures, outcome.failures
    return seconds, outcome.store.read("replications")


def killed_and_resumed(path: Path, out: Path, replications: int, fraction: float = 0.5):
    """Run the CLI, SIGKILL it once ``fraction`` of the tasks are recorded, run it again."""
    command = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out), "-r",
               str(replications), "--quiet"]  # fmt: skip
    straight_out = out.with_name(out.name + "-straight")
    started = time.perf_counter()
    subprocess.run(
        [*command[:6], str(straight_out), *command[7:]], check=True, stdout=subprocess.DEVNULL
    )
    straight = time.perf_counter() - started
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    log = out / "tasks.jsonl"
    while process.poll() is None:
        lines = len(log.read_text().splitlines()) if log.exists() else 0
        header = out / "batch.json"
        if header.exists() and lines and time.perf_counter() - started > fraction * straight:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = time.perf_counter() - started
    recorded = len(log.read_text().splitlines())
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    second = time.perf_counter() - started
    return straight, first, second, recorded


def task_overhead(folder: Path) -> list[dict]:
    """Per-task overhead: 400 tiny replications as one task and as 100 tasks, per executor."""
    import sim

    small = sim.config.parse_scenario(
        "name: tiny\nnetwork: {generator: erdos_renyi, n: 2000, mean_degree: 5, ties: 0.2}\n"
        "dynamics: {rule: cascade}\nstrategies: [{name: a, select: top_followers, k: 5}]\n"
        "steps: 15\nreplications: 400\n",
        source="tiny.yaml",
    )
    rows = []
    for label, options in [
        ("threads", {"executor": "threads", "workers": 1}),
        ("2 processes", {"executor": "processes", "workers": 2}),
        ("Dask LocalCluster, 2 workers", {"dask_local": 2}),
    ]:
        one, _ = timed(small, folder / f"one-{label}", task_size=400, **options)
        many, _ = timed(small, folder / f"many-{label}", task_size=4, **options)
        rows.append({"executor": label, "ms per task": (many - one) / 99 * 1000})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="2,000 agents, 40 replications")
    args = parser.parse_args()
    import numba

    import sim

    scenario = sim.load_scenario(FLAGSHIP)
    replications = args.replications
    if args.quick:
        scenario = sim.with_overrides(scenario, {"network.n": 2000})
        replications = 40
    scenario = sim.with_overrides(scenario, {"replications": replications})
    runs = replications * len(scenario.strategies)
    print(f"{scenario.name}: {scenario.network.n:,} agents, {len(scenario.strategies)} "
          f"strategies x {replications} replications = {runs:,} runs; {os.cpu_count()} cores, "
          f"numba {numba.__version__}")  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        sim.run(scenario, replications=2, threads=1)  # warm the kernels and the cache
        cases = [
            ("local, 1 thread", {"executor": "threads", "workers": 1}),
            ("local, 2 threads (default)", {"executor": "threads", "workers": 2}),
            ("local, 2 processes", {"executor": "processes", "workers": 2}),
            ("Dask LocalCluster, 2 workers", {"dask_local": 2}),
        ]
        reference = None
        for k, (label, options) in enumerate(cases):
            seconds, table = timed(scenario, folder / f"case{k}", **options)
            if reference is None:
                reference = table
            pd.testing.assert_frame_equal(table, reference)  # the same numbers everywhere
            rows.append({"executor": label, "seconds": seconds, "runs/s": runs / seconds})
        path = folder / "flagship.yaml"
        path.write_text(sim.config.scenario_to_yaml(scenario))
        # the resume cost is a fixed start-up (imports, kernel cache, the point's network) plus
        # the tasks in flight at the kill: measured on a batch of a realistic length
        long = replications if args.quick else max(5 * replications, 1000)
        straight, first, second, recorded = killed_and_resumed(path, folder / "killed", long)
        overheads = pd.DataFrame(task_overhead(folder))
    table = pd.DataFrame(rows)
    one = table.loc[0, "runs/s"]
    table["vs 1 thread"] = table["runs/s"] / one
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    default = table.loc[1, "runs/s"]
    dask = table.loc[3, "runs/s"]
    print(f"2 workers vs 1: threads {table.loc[1, 'vs 1 thread']:.2f}x, processes "
          f"{table.loc[2, 'vs 1 thread']:.2f}x (target >= 1.8)")  # fmt: skip
    print(f"Dask LocalCluster vs the local default: {dask / default:.2f} (target within 0.8-1.2)")
    print(overheads.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    overhead = (first + second - straight) / straight
    print(f"killed after {first:.1f} s with {recorded} tasks recorded, resumed in {second:.1f} s;"
          f" straight run {straight:.1f} s (CLI, incl. start-up): resume overhead "
          f"{overhead:+.1%} (target < 5%)")  # fmt: skip


if __name__ == "__main__":
    main()
