"""Independent cascade (IC) throughput: our engine against CyNetDiff and ndlib, in one process.

The engine's ``cascade`` rule with unit expertise and interest, activity 1, attention 1,
``active_steps=1`` and tie ``p`` on every edge is exactly the IC model: each newly activated node
gets one chance to activate each follower with probability ``p``. On ONE heavy-tailed follower
graph (``follower_graph(n, mean_following=degree)``), ONE random seed set and each ``p``:

- ours: ``Simulation.run`` with ``runs`` keys in one kernel call, timed after a warm-up call
  (the first call, JIT compile or cache load, is reported on its own line), on one thread and
  on every thread numba may use (replications shared out; the numbers are checked identical);
- CyNetDiff ``IndependentCascadeModel`` (built by ``networkx_to_ic_model``, whose CSR is checked
  to equal ours, so edge i -> j means i can activate j in both): a Python loop of
  ``reset_model / advance_until_completion / get_num_activated_nodes``, and its all-in-C
  ``compute_marginal_gains(seeds, [], runs)`` (mean only);
- ndlib ``IndependentCascadesModel`` (per-edge ``threshold`` = p, ``Infected`` = the seeds),
  iterated until no node is infected; very slow, so only ``--ndlib-runs`` runs.

Timed figures are the best of ``--repeat`` identical repeats (same keys / RNG seed), since the
machine may be shared. Final sizes include the seeds. Ours and CyNetDiff must agree within
``4`` combined standard errors, else a MISMATCH line is printed. ``adopt/s`` (activated nodes per
second) normalises for the luck of the sample: at p = 0.05 a few runs hit the giant component.

Run:  .venv/bin/python benchmarks/bench_cascade.py            # n = 100000, 500 runs
      .venv/bin/python benchmarks/bench_cascade.py --quick    # smoke test, a few seconds
"""

from __future__ import annotations

import argparse
import resource
import time

import numba
import numpy as np
from cynetdiff.utils import networkx_to_ic_model
from ndlib.models import ModelConfig
from ndlib.models.epidemics import IndependentCascadesModel

from sim.kernels import batch
from sim.kernels import diffusion as kernel
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network import Network
from sim.network.generators import follower_graph

NEW_ADOPTERS = kernel.STEP_STAT_NAMES.index("new_adopters")  # seeds included
EDGES_TOUCHED = kernel.STEP_STAT_NAMES.index("edges_touched")


def best_of(repeat: int, fn):
    """(best seconds, last result) of ``repeat`` calls of ``fn``."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def mean_se(sizes: np.ndarray) -> tuple[float, float]:
    sizes = np.asarray(sizes, dtype=float)
    se = sizes.std(ddof=1) / np.sqrt(sizes.size) if sizes.size > 1 else float("nan")
    return float(sizes.mean()), float(se)


def run_ours(network, seeds, p, args) -> list[dict]:
    ties = Network(network.indptr, network.indices, np.full(network.n_edges, p, np.float32))
    agents = textbook_agents(network.n_nodes)
    dynamics = Params(rule="cascade", active_steps=1)

    def simulation(steps):
        return Simulation(ties, agents, dynamics, SeedSchedule.build(seeds), steps)

    sim = simulation(args.steps)
    keys = replication_keys(args.seed, args.runs)
    start = time.perf_counter()
    sim.run(keys[:2])  # warm-up: JIT compile (or cache load) and first touch of the state
    first_call = time.perf_counter() - start
    stats = batch.run_batch.stats  # numba's on-disk cache: a hit means no compile happened
    how = "cache load" if sum(stats.cache_hits.values()) else "JIT compile"
    seconds, raw = best_of(args.repeat, lambda: sim.run(keys))
    new = raw.step_stats[:, :, NEW_ADOPTERS]
    busy = np.flatnonzero(new.sum(axis=0))
    last = int(busy[-1]) if busy.size else 0
    print(
        f"  ours p={p:g}: first call {first_call:.2f} s ({how}); "
        f"last step with new adopters: {last} of 0..{args.steps - 1}"
    )
    if last >= args.steps - 1:
        print(f"  WARNING: cascades still running at step {args.steps - 1}; raise --steps")
    sizes = new.sum(axis=1)
    edges = raw.step_stats[:, :, EDGES_TOUCHED].sum()
    rows = [row("ours", sizes, seconds, edges)]
    threads = numba.get_num_threads()
    if threads > 1:
        sim.run(keys[:4], threads=threads)  # warm-up of the threaded kernel
        par_seconds, par_raw = best_of(args.repeat, lambda: sim.run(keys, threads=threads))
        assert np.array_equal(par_raw.step_stats, raw.step_stats)  # same numbers on T threads
        rows.append(row(f"ours {threads} threads", sizes, par_seconds, edges))
    return rows


def run_cynetdiff(graph, network, seeds, p, args) -> list[dict]:
    model, mapping = networkx_to_ic_model(graph, activation_prob=p, rng=args.seed)
    assert all(k == v for k, v in mapping.items())
    assert np.array_equal(np.asarray(model.starts), network.indptr[:-1])
    assert np.array_equal(np.asarray(model.edges), network.indices)
    seed_list = [int(s) for s in seeds]
    model.set_seeds(seed_list)

    def loop():
        model.set_rng(args.seed)  # identical work in every repeat
        sizes = np.empty(args.runs, dtype=np.int64)
        for r in range(args.runs):
            model.reset_model()
            model.advance_until_completion()
            sizes[r] = model.get_num_activated_nodes()
        return sizes

    def batched():
        model.set_rng(args.seed + 1)
        return model.compute_marginal_gains(seed_list, [], args.runs)[0]

    seconds, sizes = best_of(args.repeat, loop)
    rows = [row("CyNetDiff loop", sizes, seconds)]
    seconds, mean = best_of(args.repeat, batched)
    rows.append(row("CyNetDiff batch", None, seconds, runs=args.runs, mean=mean))
    return rows


def run_ndlib(graph, seeds, p, args) -> list[dict]:
    model = IndependentCascadesModel(graph, seed=args.seed)
    config = ModelConfig.Configuration()
    config.add_edge_set_configuration("threshold", dict.fromkeys(graph.edges(), p))
    config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    model.set_initial_status(config)
    # ndlib silently falls back to threshold 1/out-degree unless every edge is configured.
    assert len(model.params["edges"]["threshold"]) == graph.number_of_edges()
    sizes = []
    start = time.perf_counter()
    for _ in range(args.ndlib_runs):
        model.reset([int(s) for s in seeds])
        while model.iteration_bunch(1, node_status=False)[0]["node_count"][1] > 0:
            pass
        sizes.append(sum(1 for s in model.status.values() if s != 0))
    return [row("ndlib", np.array(sizes), time.perf_counter() - start)]


def row(engine, sizes, seconds, edges=None, *, runs=None, mean=None) -> dict:
    runs = len(sizes) if sizes is not None else runs
    mean, se = mean_se(sizes) if sizes is not None else (mean, float("nan"))
    return {
        "engine": engine,
        "runs": runs,
        "seconds": seconds,
        "rate": runs / seconds,
        "mean": mean,
        "se": se,
        "adopt_rate": mean * runs / seconds,
        "edge_rate": None if edges is None else edges / seconds,
    }


def check_agreement(p: float, rows: list[dict]) -> None:
    ours, cy = rows[0], next(r for r in rows if r["engine"] == "CyNetDiff loop")
    se = np.hypot(ours["se"], cy["se"])
    z = (ours["mean"] - cy["mean"]) / se if se > 0 else 0.0
    verdict = "agree" if abs(z) <= 4 else "MISMATCH !!! (|z| > 4)"
    print(
        f"  p={p}: ours {ours['mean']:.1f} ± {ours['se']:.1f} vs CyNetDiff "
        f"{cy['mean']:.1f} ± {cy['se']:.1f}: z = {z:+.2f} -> {verdict}"
    )
    for r in rows:
        if r["engine"] in ("CyNetDiff batch", "ndlib"):
            print(f"  p={p}: {r['engine']} mean {r['mean']:.1f} over {r['runs']} runs")


def print_table(network, rows_by_p: dict[float, list[dict]]) -> None:
    header = (
        f"{'n':>7} {'edges':>8} {'p':>5} {'engine':<16} {'runs':>5} {'seconds':>8} "
        f"{'runs/s':>9} {'mean final size ± SE':>22} {'adopt/s':>9} {'ours÷this':>9} "
        f"{'edges/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for p, rows in rows_by_p.items():
        ours = rows[0]["rate"]
        for r in rows:
            size = (
                f"{r['mean']:.1f} ± {r['se']:.1f}" if np.isfinite(r["se"]) else f"{r['mean']:.1f}"
            )
            edges = f"{r['edge_rate'] / 1e6:.1f}M" if r["edge_rate"] else "-"
            print(
                f"{network.n_nodes:>7} {network.n_edges:>8} {p:>5g} {r['engine']:<16} "
                f"{r['runs']:>5} {r['seconds']:>8.3f} {r['rate']:>9.1f} {size:>22} "
                f"{r['adopt_rate']:>9.3g} {ours / r['rate']:>9.2f} {edges:>8}"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--degree", type=float, default=10.0, help="mean following")
    parser.add_argument("--probs", type=float, nargs="+", default=[0.05, 0.2])
    parser.add_argument("--seeds", type=int, default=10, help="number of seed nodes")
    parser.add_argument("--runs", type=int, default=500, help="runs of ours and CyNetDiff")
    parser.add_argument("--ndlib-runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=100, help="engine steps per run")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats, best kept")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="n=5000, 50 runs, 1 repeat")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.runs, args.ndlib_runs, args.repeat = 5000, 50, 2, 1

    start = time.perf_counter()
    network = follower_graph(args.n, mean_following=args.degree, rng=np.random.default_rng(1))
    seeds = np.sort(np.random.default_rng(2).choice(network.n_nodes, args.seeds, replace=False))
    print(
        f"follower_graph n={network.n_nodes} edges={network.n_edges} max out-degree "
        f"{network.followers.max()} built in {time.perf_counter() - start:.2f} s; "
        f"seeds {seeds.tolist()}"
    )
    rows_by_p = {p: run_ours(network, seeds, p, args) for p in args.probs}
    rss_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    graph = network.to_networkx()
    print(f"networkx copy for CyNetDiff and ndlib: {time.perf_counter() - start:.2f} s")
    for p in args.probs:
        rows_by_p[p] += run_cynetdiff(graph, network, seeds, p, args)
        rows_by_p[p] += run_ndlib(graph, seeds, p, args)
        check_agreement(p, rows_by_p[p])

    print()
    print_table(network, rows_by_p)
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS: {rss_ours:.0f} MiB after our runs, {rss_end:.0f} MiB at the end")
    for p, rows in rows_by_p.items():
        rates = {r["engine"]: r["rate"] for r in rows}
        cy = max(rates["CyNetDiff loop"], rates["CyNetDiff batch"])
        for engine in (name for name in rates if name.startswith("ours")):
            ok_cy = "ok" if rates[engine] >= 2 * cy else "BELOW TARGET"
            ok_nd = "ok" if rates[engine] >= 100 * rates["ndlib"] else "BELOW TARGET"
            print(
                f"p={p:g}, {engine}: / best CyNetDiff = {rates[engine] / cy:.2f} "
                f"(target >= 2: {ok_cy}); / ndlib = {rates[engine] / rates['ndlib']:.0f} "
                f"(target >= 100: {ok_nd})"
            )


if __name__ == "__main__":
    main()
