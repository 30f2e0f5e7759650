"""The speed benchmark behind ``influence-sim bench``: the engine against its bound and its peers.

Independent cascade (the ``cascade`` rule with textbook settings: unit trust, certain posting
and attention, one posting day) from 10 random seeds with probability ``p`` on every edge, on
Erdős–Rényi, a directed Chung–Lu power-law graph generated here, the project's follower graph
and real SNAP networks (``../shared/data``), at p = 0.05 and 0.2. At each point, in one process
and interleaved, best of ``repeat``:

- ``ours``: ``Simulation.spread`` (final counts only: what the peers and the bare loop compute)
  and ``Simulation.run`` (every day's statistics), each on one thread, then on 2 threads
  (numbers checked identical);
- ``bare``: the bare Numba IC loop of :mod:`sim.bench.bare` (the bound, always shown);
- CyNetDiff's IC, its Python loop and its C batch (``compute_marginal_gains``), and ndlib's,
  when installed.

Also: ``fractional`` (textbook linear threshold, weights 1/in-degree; ``spread`` and ``run``)
against CyNetDiff's ``LinearThresholdModel``; the full model's edges touched per second
against the bare loop's coins per second on the same graph; and the kernels' first compile with
an empty numba cache (cold) and with the cache filled (warm), each in a fresh process. Without
``quick`` every graph runs in its own process. Rates are runs per second; ratios are taken in
the same process.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np

from sim.bench import bare, graphs, peers
from sim.model import (
    AgentArrays,
    Params,
    SeedSchedule,
    Simulation,
    replication_keys,
    textbook_agents,
)
from sim.model.parallel import cpus_apart, pinned
from sim.model.parallel import pool as engine_pool
from sim.network import Network
from sim.version import __version__

SIZES = (10_000, 100_000, 1_000_000)
PROBS = (0.05, 0.2)
N_SEEDS = 10
MAX_RUNS = 20_000
THREAD_RUNS = 200  # the batch size from which 2 threads should give >= 1.8x
TEXTBOOK = Params(rule="cascade", active_steps=1)
TARGETS = {
    "ours_vs_cynetdiff": 2.0,
    "ours_vs_bare": 0.7,
    "fractional_vs_cynetdiff": 2.0,
    "threads_speedup": 1.8,
    "full_model_vs_bare": 0.5,
    "cold_compile_s": 20.0,
}


def points(quick: bool) -> list[tuple[str, int | None]]:
    """(graph, size) pairs to measure; real networks have their own size (None)."""
    sizes = (10_000,) if quick else SIZES
    synthetic = [(name, n) for name in graphs.SYNTHETIC for n in sizes]
    real = ["email-Eu-core"] if quick else list(graphs.REAL)
    return synthetic + [(name, None) for name in real]


def build(name: str, n: int | None) -> Network | None:
    if name in graphs.SYNTHETIC:
        return graphs.SYNTHETIC[name](n)
    return graphs.real(name)


# ---------------------------------------------------------------------------------- timing
def interleaved(fns: dict[str, Callable], repeat: int, pause: float = 0.0) -> dict[str, float]:
    """Best seconds of each function over ``repeat`` rounds, one call of each per round."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(max(1, repeat)):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
            if pause:
                time.sleep(pause)  # let OpenMP's spinning worker threads go to sleep
    return best


def _runs_for(seconds_per_run: float, budget: float) -> int:
    """Runs for about ``budget`` seconds of the bare loop, at least THREAD_RUNS unless that
    would take more than six budgets."""
    floor = THREAD_RUNS if seconds_per_run * THREAD_RUNS <= 6 * budget else 10
    return int(np.clip(int(budget / max(seconds_per_run, 1e-9)), floor, MAX_RUNS))


def _bare_seconds_per_run(network: Network, p: float, seeds: np.ndarray) -> float:
    runs = 1
    while True:
        sizes = np.zeros(runs, np.int64)
        start = time.perf_counter()
        bare.bare_ic(network.indptr, network.indices, p, seeds, runs, 1, sizes)
        seconds = time.perf_counter() - start
        if seconds > 0.02 or runs >= MAX_RUNS:
            return seconds / runs
        runs *= 4


def cascade_point(name: str, network: Network, p: float, *, quick: bool, repeat: int) -> dict:
    """Independent cascade at probability ``p``: every engine, one point of the table."""
    n = network.n_nodes
    seeds = np.sort(np.random.default_rng(2).choice(n, N_SEEDS, replace=False)).astype(np.int64)
    ties = Network(network.indptr, network.indices, np.full(network.n_edges, p, np.float32))
    budget = 0.05 if quick else 0.4
    bare.bare_ic(network.indptr, network.indices, p, seeds, 1, 1, np.zeros(1, np.int64))
    runs = _runs_for(_bare_seconds_per_run(network, p, seeds), budget)
    keys = replication_keys(7, runs)
    schedule = SeedSchedule.build(seeds)
    pilot = Simulation(ties, textbook_agents(n), TEXTBOOK, schedule, 1000)
    last = _last_active_day(pilot.run(keys[: min(runs, 50)]))
    steps = max(20, 2 * last + 10)  # as a user would: well past the longest pilot cascade
    simulation = Simulation(ties, textbook_agents(n), TEXTBOOK, schedule, steps)
    simulation.run(keys[:2])
    sizes = np.zeros(runs, np.int64)
    out: dict = {}

    def ours():
        out.pop("ours", None)  # release the previous repeat's arrays, as a loop over chunks would
        out["ours"] = simulation.run(keys)

    simulation.spread(keys[:2])
    fns = {
        "ours": ours,
        "ours_counts": lambda: out.__setitem__("counts", simulation.spread(keys)),
        "bare": lambda: bare.bare_ic(network.indptr, network.indices, p, seeds, runs, 1, sizes),
    }
    if peers.version("cynetdiff"):
        for engine, fn in peers.cynetdiff_ic(network, p, seeds, runs).items():
            fns[engine] = lambda fn=fn, engine=engine: out.__setitem__(engine, fn())
    seconds = interleaved(fns, repeat)
    raw = out["ours"]
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    speedups: dict = {}
    if threads > 1:
        time.sleep(0.3)  # let OpenMP's spinning threads (CyNetDiff) go to sleep
        for engine, call in (("ours", simulation.run), ("ours_counts", simulation.spread)):
            call(keys[:THREAD_RUNS], threads=threads)  # start the pool, outside the timing
            rounds = _thread_rounds(seconds[engine], repeat)
            pair = interleaved(
                {
                    "1": lambda call=call: call(keys),
                    "2": lambda call=call: out.__setitem__("2T", call(keys, threads=threads)),
                },
                rounds,
            )
            speedups[engine] = pair["1"] / pair["2"]
            seconds[f"{engine}_2_threads"] = pair["2"]
            if engine == "ours":  # same numbers on 2 threads
                assert np.array_equal(out["2T"].step_stats, raw.step_stats)
            else:
                assert np.array_equal(out["2T"].adopters, out["counts"].adopters)
                speedups["machine"] = machine_threads(pair["1"], rounds)
                twin = Simulation(ties, textbook_agents(n), TEXTBOOK, schedule, steps)
                twin.spread(keys[:2])
                speedups["halves"] = halves_threads(simulation, twin, keys, rounds)
                del twin
                speedups["bare"] = bare_threads(network, p, seeds, runs, rounds)
    assert np.array_equal(out["counts"].adopters, raw.final_adopters())  # same numbers
    rates = {engine: runs / s for engine, s in seconds.items()}
    means = {"ours": float(raw.final_adopters().mean()), "bare": float(sizes.mean())}
    means |= {
        engine: float(out[engine])
        for engine in ("cynetdiff_loop", "cynetdiff_batch")
        if engine in out
    }
    if not quick and n <= 10_000 and peers.version("ndlib"):
        nd_runs = 3
        nd_seconds, means["ndlib"] = peers.ndlib_ic(network, p, seeds, nd_runs)
        rates["ndlib"] = nd_runs / nd_seconds
    cyn = max((rates[e] for e in ("cynetdiff_loop", "cynetdiff_batch") if e in rates), default=None)
    return {
        "graph": name,
        "n": int(n),
        "edges": int(network.n_edges),
        "p": p,
        "runs": runs,
        "steps": steps,
        "truncated": bool(_last_active_day(raw) >= steps - 1),
        # under 8 runs per thread, run and spread stay on one thread (the ratio is then noise)
        "threads_used": bool(threads > 1 and runs >= 8 * threads),
        "mean_size": means,
        "runs_per_s": rates,
        "ours_vs_cynetdiff": None if cyn is None else rates["ours"] / cyn,
        "ours_vs_bare": rates["ours"] / rates["bare"],
        "threads_speedup": speedups.get("ours", np.nan),
        "counts_vs_cynetdiff": None if cyn is None else rates["ours_counts"] / cyn,
        "counts_vs_bare": rates["ours_counts"] / rates["bare"],
        "counts_threads_speedup": speedups.get("ours_counts", np.nan),
        "machine_threads_speedup": speedups.get("machine", np.nan),
        "halves_threads_speedup": speedups.get("halves", np.nan),
        "bare_threads_speedup": speedups.get("bare", np.nan),
    }


def _thread_rounds(seconds: float, repeat: int) -> int:
    """Rounds of the 1- against 2-thread comparison: ``repeat``, and at least 9 for a batch
    under 0.1 s (cheap; on a shared machine a second core is missing for some bursts of a few
    milliseconds, so the best of more rounds is the machine's usual state)."""
    return max(repeat, 9) if seconds < 0.1 else repeat


def _at_once(here: Callable, there: Callable) -> None:
    """``here()`` on this thread and ``there()`` on the engine's worker thread at once, the two
    placed on different CPUs as the engine places a batch's threads."""
    with cpus_apart() as others:
        helper = engine_pool(1).submit(pinned, others, there)
        here()
        helper.result()


def machine_threads(seconds: float, rounds: int) -> float:
    """This machine's own two-thread speed-up for ``seconds`` of work: arithmetic only
    (:func:`sim.bench.bare.spin`, no memory), in two halves one after the other against the
    halves on two threads at once (on two CPUs, as the engine places them), best of ``rounds``
    each, interleaved. The bound of any 2-thread ratio for a batch that long."""
    # the engine's own worker (the one its 2-thread runs use), started and spin compiled or
    # loaded outside the calibration
    engine_pool(1).submit(bare.spin, 10).result()
    steps = 1_000_000
    start = time.perf_counter()
    bare.spin(steps)
    steps = max(1000, int(steps * seconds / 2 / max(time.perf_counter() - start, 1e-9)))

    def half() -> None:
        bare.spin(steps)

    pair = interleaved({"1": lambda: (half(), half()), "2": lambda: _at_once(half, half)}, rounds)
    return pair["1"] / pair["2"]


def halves_threads(
    simulation: Simulation, twin: Simulation, keys: np.ndarray, rounds: int
) -> float:
    """This machine's two-thread speed-up for the same final counts without the engine's
    sharing: ``simulation.spread(keys)`` on one thread against its two halves at once on two
    plain threads (``twin``, built alike, has its own scratch), placed on two CPUs as the
    engine places them; best of ``rounds`` each, interleaved. Two threads of cache misses share
    one memory system, so for a memory-bound batch this, not arithmetic, bounds the ratio."""
    mid = keys.size // 2

    def halves() -> None:
        _at_once(lambda: simulation.spread(keys[:mid]), lambda: twin.spread(keys[mid:]))

    pair = interleaved({"1": lambda: simulation.spread(keys), "2": halves}, rounds)
    return pair["1"] / pair["2"]


def bare_threads(network: Network, p: float, seeds: np.ndarray, runs: int, rounds: int) -> float:
    """The bare loop's own two-thread speed-up for the same runs: all of them on one thread
    against two halves at once on two threads (each with its own scratch, its pages touched
    beforehand, placed as the engine places its threads); best of ``rounds`` each,
    interleaved. The bound of any 2-thread ratio for this work on this machine."""
    n = network.n_nodes
    scratch = [(np.zeros(n, np.bool_), np.zeros(n, np.int32), np.zeros(runs, np.int64))
               for _ in range(2)]  # fmt: skip
    g = (network.indptr, network.indices, p, seeds)
    for k, (active, frontier, sizes) in enumerate(scratch):
        bare.bare_runs(*g, runs, k + 1, sizes, active, frontier)
    (a0, f0, s0), (a1, f1, s1) = scratch
    mid = runs // 2

    def halves() -> None:
        _at_once(lambda: bare.bare_runs(*g, mid, 1, s0, a0, f0),
                 lambda: bare.bare_runs(*g, runs - mid, 2, s1, a1, f1))  # fmt: skip

    pair = interleaved({"1": lambda: bare.bare_runs(*g, runs, 1, s0, a0, f0), "2": halves}, rounds)
    return pair["1"] / pair["2"]


def _last_active_day(raw) -> int:
    busy = np.flatnonzero(raw.stat("new_adopters").sum(axis=0))
    return int(busy[-1]) if busy.size else 0


def fractional_point(name: str, network: Network, *, quick: bool, repeat: int) -> dict | None:
    """Textbook linear threshold: ours (``fractional``, unit trust, thresholds uniform on 0..1
    drawn once for the population) against CyNetDiff's (thresholds drawn per run): our final
    counts (``spread``, what CyNetDiff computes) and every day's statistics (``run``, on a
    slice of the keys: it is the slower path)."""
    if not peers.version("cynetdiff"):
        return None
    n = network.n_nodes
    rng = np.random.default_rng(3)
    seeds = np.sort(np.random.default_rng(2).choice(n, N_SEEDS, replace=False))
    ones = np.ones(n)
    agents = AgentArrays(
        ("topic0",), ones[:, None], ones[:, None], rng.random(n), np.ones(n, np.int32), ones, ones
    )
    simulation = Simulation(
        network, agents, Params(rule="fractional", active_steps=1), SeedSchedule.build(seeds), 60
    )
    simulation.run(replication_keys(7, 2))
    simulation.spread(replication_keys(7, 2))
    start = time.perf_counter()
    simulation.spread(replication_keys(7, 20))
    per_run = (time.perf_counter() - start) / 20
    runs = int(np.clip(int((0.05 if quick else 0.4) / max(per_run, 1e-9)), 10, MAX_RUNS))
    keys = replication_keys(7, runs)
    run_keys = keys[: max(10, runs // 8)]
    out: dict = {}
    lt = peers.cynetdiff_lt(network, seeds, runs)
    seconds = interleaved(
        {
            "ours_counts": lambda: out.__setitem__("ours_counts", simulation.spread(keys)),
            "ours": lambda: out.__setitem__("ours", simulation.run(run_keys)),
            "cynetdiff_lt": lambda: out.__setitem__("cynetdiff_lt", lt()),
        },
        repeat,
    )
    counted = out["ours_counts"].adopters
    if not np.array_equal(counted[: run_keys.size], out["ours"].final_adopters()):
        raise AssertionError(f"{name}: spread and run disagree on the fractional rule")
    sizes = {"ours": run_keys.size, "ours_counts": runs, "cynetdiff_lt": runs}
    rates = {engine: sizes[engine] / s for engine, s in seconds.items()}
    mean = float(counted.mean())
    means = {"ours": mean, "ours_counts": mean, "cynetdiff_lt": float(out["cynetdiff_lt"])}
    adoptions = {engine: rates[engine] * means[engine] for engine in rates}
    return {
        "graph": name,
        "n": int(n),
        "edges": int(network.n_edges),
        "runs": runs,
        "runs_per_s": rates,
        "mean_size": means,
        "adoptions_per_s": adoptions,
        # the cascades differ in size (fixed thresholds against thresholds drawn per run), so
        # the comparison is on adoptions per second; runs per second are shown beside it
        "fractional_vs_cynetdiff": adoptions["ours_counts"] / adoptions["cynetdiff_lt"],
        "fractional_run_vs_cynetdiff": adoptions["ours"] / adoptions["cynetdiff_lt"],
    }


def full_model(n: int, replications: int) -> dict:
    """The full model (topic trust, decaying and reinforced ties, fading memory, sponsored
    posts, external influence, attribution; 60 days) on a follower graph with mean following
    20: edges touched per second, against the bare loop's coins per second on the same graph
    (p = 0.1 from the same 50 largest accounts); each the best of 3 timings."""
    from sim.config import Beta, Population
    from sim.runner.realise import build_population, with_ties

    rng = np.random.default_rng(2026)
    network = graphs.follower(n, mean_degree=20.0, seed=2026)
    network = with_ties(network, Beta(dist="beta", a=4, b=2), rng)
    spec = {
        "topics": ["fitness", "tech"],
        "expertise": {"home": {"dist": "beta", "a": 4, "b": 2}, "off_topic": 0.3},
        "interest": {"home": {"dist": "beta", "a": 5, "b": 2}, "off_topic": 0.3},
        "threshold": {"dist": "uniform", "low": 0.02, "high": 0.3},
        "activity": 0.8,
        "attention": {"mode": "power_law", "value": 0.9, "exponent": 0.2},
    }
    population = build_population(Population.model_validate(spec), network, rng)
    seeds = np.argsort(network.followers)[-50:]
    params = Params(
        rule="threshold",
        active_steps=3,
        tie_half_life=20,
        reinforcement=0.1,
        memory_half_life=10,
        external_p=1e-5,
    )
    simulation = Simulation(
        network,
        population,
        params,
        SeedSchedule.build(seeds, 0, 3, 7),
        60,
        topic="fitness",
        sponsored_weight=0.8,
    )
    simulation.run(replication_keys(0, 1))
    seconds = np.inf  # best of 3, as everywhere in the bench (the same keys each time)
    for _ in range(3):
        start = time.perf_counter()
        raw = simulation.run(replication_keys(1, replications))
        seconds = min(seconds, time.perf_counter() - start)
    touched = float(raw.stat("edges_touched").sum())
    seeds64 = np.sort(seeds).astype(np.int64)
    runs = max(1, replications)
    sizes = np.zeros(runs, np.int64)
    bare.bare_ic(network.indptr, network.indices, 0.1, seeds64, 1, 1, sizes)
    bare_seconds = np.inf
    for _ in range(3):
        start = time.perf_counter()
        coins = bare.bare_ic(network.indptr, network.indices, 0.1, seeds64, runs, 1, sizes)
        bare_seconds = min(bare_seconds, time.perf_counter() - start)
    return {
        "n": network.n_nodes,
        "edges": network.n_edges,
        "replications": replications,
        "seconds_per_replication": seconds / replications,
        "edges_per_s": touched / seconds,
        "bare_edges_per_s": coins / bare_seconds,
        "full_model_vs_bare": (touched / seconds) / (coins / bare_seconds),
    }


def per_call(repeat: int = 3, calls: int = 300) -> dict:
    """Microseconds per ``Simulation.run`` call (keys "1", "10", "100") and per
    ``Simulation.spread`` call ("spread 1", ...) with 1, 10 and 100 replications (textbook IC,
    p = 0.05, 3 seeds, 10^3 agents): the fixed cost that an optimiser pays on every call."""
    network = graphs.erdos(1000, mean_degree=5.0)
    ties = Network(network.indptr, network.indices, np.full(network.n_edges, 0.05, np.float32))
    simulation = Simulation(
        ties, textbook_agents(1000), TEXTBOOK, SeedSchedule.build([0, 1, 2]), 20
    )
    keys = replication_keys(1, 100)
    simulation.run(keys[:1])
    simulation.spread(keys[:1])
    out = {}
    for k in (1, 10, 100):

        def calls_of(k=k):
            for _ in range(calls):
                simulation.run(keys[:k])

        def spreads_of(k=k):
            for _ in range(calls):
                simulation.spread(keys[:k])

        out[str(k)] = interleaved({"run": calls_of}, repeat)["run"] / calls * 1e6
        out[f"spread {k}"] = interleaved({"spread": spreads_of}, repeat)["spread"] / calls * 1e6
    return out


_COMPILE_SCRIPT = """
import json, time
import numpy as np
start = time.perf_counter()
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import erdos_renyi
out = {"import": time.perf_counter() - start}
network = erdos_renyi(300, 4.0, rng=np.random.default_rng(1))
keys = replication_keys(1, 20000)  # enough work for the thread pool to be used
def timed(label, call):
    start = time.perf_counter()
    call()
    out[label] = time.perf_counter() - start
simulations = {}
for label, params in (("general", Params(rule="cascade", tie_half_life=20)),
                      ("textbook", Params(rule="cascade", active_steps=1))):
    simulation = Simulation(network, textbook_agents(300), params, SeedSchedule.build([0, 1]), 9)
    simulations[label] = simulation
    timed(label + " 1 thread", lambda: simulation.run(keys[:2]))  # compiles or loads
    timed(label + " 2 threads", lambda: simulation.run(keys, threads=2))
timed("spread", lambda: simulation.spread(keys[:2]))
threshold = Simulation(network, textbook_agents(300), Params(rule="fractional"),
                       SeedSchedule.build([0, 1]), 9)
timed("threshold spread", lambda: threshold.spread(keys[:2]))
general = simulations["general"]  # the teaching page's steps: the general kernel's day
timed("step", lambda: (general.start(keys[0]), general.step()))
print(json.dumps(out))
"""


def compile_times() -> dict:
    """Seconds of each kernel entry point's first call in a fresh process: with an empty numba
    cache (cold: compile and store) and again with that cache (warm: load)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = {}
        for label in ("cold", "warm"):
            done = subprocess.run(
                [sys.executable, "-c", _COMPILE_SCRIPT],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            times = json.loads(done.stdout.strip().splitlines()[-1])
            times["total"] = sum(v for k, v in times.items() if k != "import")
            out[label] = times
    return out


FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "macro_vs_micro_vs_nano.yaml"
"""The README's flagship comparison (present in a source checkout)."""


def flagship_compile() -> dict | None:
    """The README's flagship command run twice in fresh processes sharing a numba cache that
    starts empty: seconds of the first run (compiles), of the second (loads) and their
    difference, what a user's first run spends compiling. None without the scenario file."""
    if not FLAGSHIP.exists():
        return None
    seconds = {}
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "NUMBA_CACHE_DIR": os.path.join(folder, "cache")}
        for label in ("cold", "warm"):
            command = [sys.executable, "-m", "sim", "compare", str(FLAGSHIP), "--quiet",
                       "--no-plots", "--out", os.path.join(folder, label)]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            seconds[label] = time.perf_counter() - start
    return {**seconds, "compiling": seconds["cold"] - seconds["warm"]}


# ---------------------------------------------------------------------------------- driver
def machine() -> dict:
    return {
        "cores": os.cpu_count(),
        "numba_threads": numba.config.NUMBA_NUM_THREADS,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "influence_sim": __version__,
        "numpy": np.__version__,
        "numba": numba.__version__,
        "cynetdiff": peers.version("cynetdiff"),
        "ndlib": peers.version("ndlib"),
    }


def measure_graph(name: str, n: int | None, *, quick: bool, repeat: int) -> dict:
    """Every measurement on one graph (cascade at each p, fractional)."""
    start = time.perf_counter()
    network = build(name, n)
    if network is None:
        return {"graph": name, "n": n, "missing": True, "cascade": [], "fractional": None}
    built = time.perf_counter() - start
    cascade = [cascade_point(name, network, p, quick=quick, repeat=repeat) for p in PROBS]
    fractional = None
    if name in ("chung_lu", "follower") or name in graphs.REAL:
        fractional = fractional_point(name, network, quick=quick, repeat=repeat)
    return {"graph": name, "n": network.n_nodes, "build_s": built, "cascade": cascade,
            "fractional": fractional}  # fmt: skip


def run(
    *, quick: bool = False, repeat: int | None = None, progress=None, compile: bool | None = None
) -> dict:
    """The whole benchmark as one JSON-ready dict. ``quick``: 10^4 agents and one real network,
    short timings, no ndlib, no cold compile (seconds). Otherwise every graph in its own
    process (minutes)."""
    repeat = repeat or (1 if quick else 3)
    say = progress or (lambda line: None)
    results = {"machine": machine(), "quick": quick, "repeat": repeat, "cascade": [],
               "fractional": []}  # fmt: skip
    for name, n in points(quick):
        say(f"bench: {name}" + (f" n={n:,}" if n else ""))
        if quick:
            graph = measure_graph(name, n, quick=True, repeat=repeat)
        else:
            graph = _in_subprocess(name, n, repeat)
        if graph.get("missing"):
            say(f"bench: {name} skipped (no file in ../shared/data)")
            continue
        results["cascade"] += graph["cascade"]
        if graph["fractional"]:
            results["fractional"].append(graph["fractional"])
    say("bench: per-call overhead")
    results["per_call_us"] = per_call()
    say("bench: full model")
    results["full_model"] = full_model(10_000 if quick else 1_000_000, 2 if quick else 3)
    if compile if compile is not None else not quick:
        say("bench: compile times (fresh processes, empty numba cache)")
        results["compile_s"] = compile_times()
        say("bench: the README's flagship command, first run and second (fresh processes)")
        results["flagship_s"] = flagship_compile()
    else:
        results["compile_s"] = results["flagship_s"] = None
    results["targets"] = targets(results)
    return results


def _in_subprocess(name: str, n: int | None, repeat: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "sim.bench.suite", name, str(n or 0), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def targets(results: dict) -> list[dict]:
    """The issue's targets, each with the worst measured value and whether it is met."""
    rows = []

    def add(name, values, goal, *, at_least=True):
        values = [v for v in values if v is not None and np.isfinite(v)]
        if not values:
            return
        worst = min(values) if at_least else max(values)
        met = worst >= goal if at_least else worst <= goal
        rows.append({"target": name, "goal": goal, "sign": ">=" if at_least else "<=",
                     "worst": worst, "met": bool(met)})  # fmt: skip

    cascade = results["cascade"]
    # the targets are for what the peers compute (final counts); the day statistics do more
    # (every follower of every post is read), so their ratios are information beside them
    for path, label in (
        ("counts", "cascade, final counts, 1 thread / {}"),
        ("ours", "(day statistics, more than the peers compute: 1 thread / {})"),
    ):
        add(label.format("best CyNetDiff"), [r[f"{path}_vs_cynetdiff"] for r in cascade],
            TARGETS["ours_vs_cynetdiff"])  # fmt: skip
        add(label.format("bare loop"), [r[f"{path}_vs_bare"] for r in cascade],
            TARGETS["ours_vs_bare"])  # fmt: skip
    for key, label in (
        ("counts_threads_speedup", "final counts"),
        ("threads_speedup", "day statistics"),
    ):
        many = [r[key] for r in cascade if r["runs"] >= THREAD_RUNS]
        add(f"{label}: 2 threads / 1 thread (>= {THREAD_RUNS} runs)", many,
            TARGETS["threads_speedup"])  # fmt: skip
        add(f"{label}: 2 threads / 1 thread, any batch (never slower)",
            [r[key] for r in cascade if r.get("threads_used", True)], 1.0)  # fmt: skip
    machine_bound = [r["machine_threads_speedup"] for r in cascade
                     if r["runs"] >= THREAD_RUNS and "machine_threads_speedup" in r]  # fmt: skip
    if machine_bound:  # not a goal of ours: the machine's own limit for the same durations
        add("(this machine: arithmetic, 2 threads / 1 thread over the same durations)",
            machine_bound, TARGETS["threads_speedup"])  # fmt: skip
    halves = [r["halves_threads_speedup"] for r in cascade
              if r["runs"] >= THREAD_RUNS and "halves_threads_speedup" in r]  # fmt: skip
    if halves:  # neither: the same final counts split by hand in two plain threads
        add("(this machine: final counts in two halves on 2 plain threads / 1 thread)",
            halves, TARGETS["threads_speedup"])  # fmt: skip
    bare_bound = [r["bare_threads_speedup"] for r in cascade
                  if r["runs"] >= THREAD_RUNS and "bare_threads_speedup" in r]  # fmt: skip
    if bare_bound:  # nor this: the bare loop itself in two halves on two threads
        add("(this machine: the bare loop in two halves on 2 threads / 1 thread)",
            bare_bound, TARGETS["threads_speedup"])  # fmt: skip
    add("fractional, final counts, 1 thread / CyNetDiff LT (adoptions/s)",
        [r["fractional_vs_cynetdiff"] for r in results["fractional"]],
        TARGETS["fractional_vs_cynetdiff"])  # fmt: skip
    add("full model edges/s / bare loop", [results["full_model"]["full_model_vs_bare"]],
        TARGETS["full_model_vs_bare"])  # fmt: skip
    goal = TARGETS["cold_compile_s"]
    if results.get("flagship_s"):
        add("flagship command, first run: seconds compiling (first run - second)",
            [results["flagship_s"]["compiling"]], goal, at_least=False)  # fmt: skip
    if results.get("compile_s"):
        add("(every kernel entry point, teaching steps included: cold compile, s)",
            [results["compile_s"]["cold"]["total"]], goal, at_least=False)  # fmt: skip
    return rows


# ---------------------------------------------------------------------------------- text
def _rate(value: float | None) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    for scale, suffix in ((1e6, " M"), (1e3, " k")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def _sign(target: dict) -> str:
    """A target's comparison (saved documents from before it was stored: by its name)."""
    return target.get("sign") or ("<=" if target["target"].startswith("cold") else ">=")


def format_text(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"influence-sim {m['influence_sim']} bench{' --quick' if results['quick'] else ''}: "
        f"{m['cores']} cores, Python {m['python']}, numpy {m['numpy']}, numba {m['numba']}, "
        f"CyNetDiff {m['cynetdiff'] or 'not installed'}, ndlib {m['ndlib'] or 'not installed'}",
        f"best of {results['repeat']}; runs/s; ratios measured in the same process",
        "",
        "independent cascade (10 random seeds, p on every edge): final counts "
        "(Simulation.spread, what the peers and the bare loop compute) and day statistics "
        "(Simulation.run)",
        f"{'':<50} {'-- final counts --':^27} {'-- day statistics --':^27}",
        f"{'graph':<14} {'n':>9} {'p':>5} {'runs':>6} {'CyNetDiff':>9} {'bare':>8} "
        + f"{'1 thread':>8} {'÷CyN':>5} {'÷bare':>5} {'2T÷1T':>5} " * 2
        + f"{'machine 2T÷1T':>13} {'halves 2T÷1T':>12} {'bare 2T÷1T':>10}",
    ]
    for r in results["cascade"]:
        rates = r["runs_per_s"]
        cyn = max((rates[e] for e in ("cynetdiff_loop", "cynetdiff_batch") if e in rates),
                  default=None)  # fmt: skip
        line = (
            f"{r['graph']:<14} {r['n']:>9,} {r['p']:>5g} {r['runs']:>6} {_rate(cyn):>9} "
            f"{_rate(rates['bare']):>8}"
        )
        for path, rate in (("counts", "ours_counts"), ("ours", "ours")):
            ratio = r[f"{path}_vs_cynetdiff"]
            speedup = r["counts_threads_speedup" if path == "counts" else "threads_speedup"]
            line += (
                f" {_rate(rates[rate]):>8} {'-' if ratio is None else f'{ratio:.2f}':>5} "
                f"{r[f'{path}_vs_bare']:>5.2f} {speedup:>5.2f}"
            )
        line += f" {r.get('machine_threads_speedup', np.nan):>13.2f}"
        line += f" {r.get('halves_threads_speedup', np.nan):>12.2f}"
        line += f" {r.get('bare_threads_speedup', np.nan):>10.2f}"
        lines.append(line + ("  (truncated)" if r["truncated"] else ""))
    if results["fractional"]:
        lines += [
            "",
            "linear threshold (fractional, weights 1/in-degree)",
            f"{'graph':<14} {'n':>9} {'runs':>6} {'counts':>8} {'days':>8} {'CyNetDiff':>9} "
            f"{'size':>7} {'CyN size':>8} {'adoptions/s ÷CyN: counts':>25} {'days':>5}",
        ]
        for r in results["fractional"]:
            rates = r["runs_per_s"]
            lines.append(
                f"{r['graph']:<14} {r['n']:>9,} {r['runs']:>6} "
                f"{_rate(rates.get('ours_counts', np.nan)):>8} {_rate(rates['ours']):>8} "
                f"{_rate(rates['cynetdiff_lt']):>9} {r['mean_size']['ours']:>7.1f} "
                f"{r['mean_size']['cynetdiff_lt']:>8.1f} {r['fractional_vs_cynetdiff']:>25.2f} "
                f"{r.get('fractional_run_vs_cynetdiff', np.nan):>5.2f}"
            )
    f = results["full_model"]
    if results.get("per_call_us"):
        calls = results["per_call_us"]
        lines += [
            "",
            "per call (textbook IC, 10^3 agents), run: "
            + ", ".join(
                f"{k} replication{'s' * (k != '1')} {v:.0f} us"
                for k, v in calls.items()
                if not k.startswith("spread")
            )
            + "; spread: "
            + ", ".join(
                f"{k.split()[1]} {v:.0f} us" for k, v in calls.items() if k.startswith("spread")
            ),
        ]
    lines += [
        "",
        f"full model, {f['n']:,} agents / {f['edges']:,} edges: "
        f"{f['seconds_per_replication']:.2f} s per replication, {_rate(f['edges_per_s'])} edges/s; "
        f"bare loop {_rate(f['bare_edges_per_s'])} edges/s; ratio {f['full_model_vs_bare']:.2f}",
    ]
    if results.get("compile_s"):
        cold, warm = results["compile_s"]["cold"], results["compile_s"]["warm"]
        parts = ", ".join(f"{k} {v:.1f}" for k, v in cold.items() if k not in ("import", "total"))
        lines.append(
            f"first calls with an empty cache: {cold['total']:.1f} s ({parts}); "
            f"from the cache: {warm['total']:.1f} s"
        )
    if results.get("flagship_s"):
        flagship = results["flagship_s"]
        lines.append(
            f"the README's flagship command: first run {flagship['cold']:.1f} s, second "
            f"{flagship['warm']:.1f} s ({flagship['compiling']:.1f} s compiling)"
        )
    lines += ["", "targets"]
    for t in results["targets"]:
        lines.append(
            f"  {'met ' if t['met'] else 'MISS'} {t['target']}: worst {t['worst']:.2f} "
            f"(goal {_sign(t)} {t['goal']:g})"
        )
    return "\n".join(lines)


def format_markdown(results: dict) -> str:
    """The README's speed tables (independent cascade, linear threshold) and the other figures
    as Markdown, from :func:`run`'s results."""

    def ratio(value) -> str:
        return "-" if value is None or not np.isfinite(value) else f"{value:.2f}"

    def threads(row, key) -> str:
        used = row.get("threads_used", True)  # saved documents may lack the machine's column
        return ratio(row.get(key, np.nan)) if used else "one thread used"

    lines = [
        "| graph | n | p | runs | CyNetDiff (best) | bare loop | final counts, 1 thread "
        "| ÷ CyNetDiff | ÷ bare | 2 threads ÷ 1 | day statistics, 1 thread | ÷ CyNetDiff "
        "| ÷ bare | 2 threads ÷ 1 | machine, 2 threads ÷ 1 | final counts in two halves, "
        "2 plain threads ÷ 1 | bare loop in two halves, 2 threads ÷ 1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["cascade"]:
        rates = r["runs_per_s"]
        cyn = max((rates[e] for e in ("cynetdiff_loop", "cynetdiff_batch") if e in rates),
                  default=None)  # fmt: skip
        lines.append(
            f"| {r['graph']} | {r['n']:,} | {r['p']:g} | {r['runs']:,} | {_rate(cyn)} "
            f"| {_rate(rates['bare'])} | {_rate(rates['ours_counts'])} "
            f"| {ratio(r['counts_vs_cynetdiff'])} | {ratio(r['counts_vs_bare'])} "
            f"| {threads(r, 'counts_threads_speedup')} | {_rate(rates['ours'])} "
            f"| {ratio(r['ours_vs_cynetdiff'])} | {ratio(r['ours_vs_bare'])} "
            f"| {threads(r, 'threads_speedup')} "
            f"| {threads(r, 'machine_threads_speedup')} "
            f"| {threads(r, 'halves_threads_speedup')} "
            f"| {threads(r, 'bare_threads_speedup')} |"
        )
    if results["fractional"]:
        lines += [
            "",
            "| graph | n | final counts, runs/s | day statistics, runs/s | CyNetDiff runs/s "
            "| mean size ours / CyNetDiff | adoptions/s ÷ CyNetDiff: final counts "
            "| day statistics |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results["fractional"]:
            rates, sizes = r["runs_per_s"], r["mean_size"]
            lines.append(
                f"| {r['graph']} | {r['n']:,} | {_rate(rates.get('ours_counts', np.nan))} "
                f"| {_rate(rates['ours'])} | {_rate(rates['cynetdiff_lt'])} "
                f"| {sizes['ours']:.0f} / {sizes['cynetdiff_lt']:.0f} "
                f"| {ratio(r['fractional_vs_cynetdiff'])} "
                f"| {ratio(r.get('fractional_run_vs_cynetdiff', np.nan))} |"
            )
    lines += ["", "| target | goal | worst measured | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        lines.append(
            f"| {t['target']} | {_sign(t)} {t['goal']:g} | {t['worst']:.3f} "
            f"| {'yes' if t['met'] else 'no'} |"
        )
    return "\n".join(lines)


def _child(argv: list[str]) -> None:
    name, n, repeat = argv[0], int(argv[1]) or None, int(argv[2])
    print(json.dumps(measure_graph(name, n, quick=False, repeat=repeat)))


if __name__ == "__main__":
    _child(sys.argv[1:])
