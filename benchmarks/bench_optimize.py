"""Optimiser benchmarks: the flagship $20,000 plan, planning time at 10^5 agents, IMM against
PyNetIM on real networks, RIS at 10^6 agents.

    .venv/bin/python benchmarks/bench_optimize.py flagship   # docs/optimize.md table + figure
    .venv/bin/python benchmarks/bench_optimize.py scale      # 10^5 follower graph, ~50 seeds
    .venv/bin/python benchmarks/bench_optimize.py pynetim    # IMM vs PyNetIM, two networks
    .venv/bin/python benchmarks/bench_optimize.py million    # RIS time at 10^6 agents

Each prints its figures (JSON lines). Timings are best of 3 in one process where stated; the
machine is shared, so read ratios, not seconds.
"""

from __future__ import annotations

import json
import math
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

import sim
from sim.analysis.comparison import compare_setup
from sim.model import streams
from sim.optimize import optimize
from sim.optimize.objective import PlanObjective

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def emit(**record) -> None:
    print(json.dumps(record, default=float), flush=True)


def flagship(samples: int = 32) -> None:
    """CELF on the flagship scenario (threshold rule, full model), candidates the top 10
    macro, 60 micro and 60 nano accounts by topic expertise (the pool of docs/optimize.md),
    against the five hand-made plans on the scenario's 200 replications (fresh: the plan was
    chosen on selection keys)."""
    scenario = ROOT / "scenarios" / "macro_vs_micro_vs_nano.yaml"
    base = sim.prepare(scenario)
    strategies = [s.model_dump(exclude_defaults=True) for s in base.strategies]
    strategies.append(
        {
            "name": "optimised (CELF)",
            "select": "optimized",
            "tiers": {"macro": 10, "micro": 60, "nano": 60},
            "rank": "topic",
            "samples": samples,
            "method": "celf",
        }
    )
    setup = sim.prepare(scenario, strategies=strategies)
    started = time.perf_counter()
    found = optimize(setup, "optimised (CELF)")
    seconds = time.perf_counter() - started
    plans = [
        found.plan if s.name == "optimised (CELF)" else setup.plan(s) for s in setup.strategies
    ]
    comparison = compare_setup(setup, plans=plans)
    table = comparison.table
    emit(
        what="flagship",
        seconds=seconds,
        evaluations=found.details["evaluations"],
        rule=found.details["rule"],
        seeds_by_tier=found.plan.seeds_by_tier,
        spend=found.plan.spend,
        selection_estimate=found.estimate,
        paths={
            k: {"n": len(v["seeds"]), "spend": v["spend"]}
            for k, v in found.details["paths"].items()
        },
    )
    columns = ["strategy", "seeds", "spend", "adopters_mean", "adopters_low", "adopters_high",
               "adopters_p10", "adopters_p90"]  # fmt: skip
    present = [c for c in columns if c in table.columns]
    for record in table[present].to_dict(orient="records"):
        emit(what="flagship_row", **record)
    _figure(table, ROOT / "docs" / "figures" / "optimize_flagship.png")


def _figure(table, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    y = np.arange(len(table))
    mean = table["adopters_mean"].to_numpy()
    low, high = table["adopters_low"].to_numpy(), table["adopters_high"].to_numpy()
    colours = ["#c44e52" if "optimised" in s else "#4c72b0" for s in table["strategy"]]
    ax.barh(y, mean, color=colours, alpha=0.8)
    ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="none", ecolor="black", capsize=3)
    if "adopters_p10" in table.columns:
        ax.scatter(table["adopters_p10"], y, marker="|", color="grey", s=80, label="p10 / p90")
        ax.scatter(table["adopters_p90"], y, marker="|", color="grey", s=80)
        ax.legend(loc="lower right", frameon=False)
    ax.set_yticks(y, table["strategy"])
    ax.invert_yaxis()
    ax.set_xlabel("organic adopters (mean, 95% interval; 200 fresh replications)")
    ax.set_title("$20,000: the optimised plan against the five hand-made ones")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _follower_cascade(n: int, budget: float):
    """A follower graph under the cascade rule with rate-card prices; budget ~50 nano seeds."""
    return dict(
        network={
            "generator": "follower_graph",
            "n": n,
            "mean_following": 10,
            "ties": {"dist": "beta", "a": 1, "b": 19},
        },
        dynamics={"rule": "cascade"},
        campaign={"budget": budget, "prices": "rate_card", "engagement": None},
        steps=60,
        replications=200,
        seed=7,
    )


def scale(n: int = 100_000) -> None:
    """RIS and CELF planning time, memory and fresh adopters on a 10^5-agent follower graph,
    against the best single-tier strategy for the same budget."""
    parts = _follower_cascade(n, budget=5_000.0)
    hand = [{"name": f"{tier} by topic", "select": "tier", "tier": tier, "rank": "topic"}
            for tier in ("nano", "micro", "macro", "mega")]  # fmt: skip
    for method, extra in (("ris", {"epsilon": 0.1}), ("celf", {"samples": 32, "pool": 200})):
        opt = {"name": f"optimised ({method})", "select": "optimized", "method": method, **extra}
        try:
            setup = sim.prepare(**parts, strategies=[*hand, opt])
        except Exception as error:  # an empty tier at this size
            hand = [h for h in hand if h["tier"] not in str(error)]
            setup = sim.prepare(**parts, strategies=[*hand, opt])
        tracemalloc.start()
        started = time.perf_counter()
        found = optimize(setup, opt["name"])
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        plans = []
        for strategy in setup.strategies:
            try:
                plans.append(found.plan if strategy.name == opt["name"] else setup.plan(strategy))
            except Exception:
                continue
        table = compare_setup(setup, plans=plans).table.set_index("strategy")
        best_hand = table.drop(index=opt["name"])["adopters_mean"].idxmax()
        emit(
            what="scale", method=method, n=n, seconds=seconds, peak_python_bytes=peak,
            rr_bytes=found.details.get("bytes"), rr_sets=found.details.get("rr_sets"),
            seeds=int(found.seeds.size), spend=found.plan.spend,
            adopters=table.loc[opt["name"], "adopters_mean"],
            adopters_interval=[table.loc[opt["name"], "adopters_low"],
                               table.loc[opt["name"], "adopters_high"]],
            best_tier=best_hand, best_tier_adopters=table.loc[best_hand, "adopters_mean"],
        )  # fmt: skip


def _edges(name: str):
    """(sources, targets) of a real network as influencer -> follower, 0..n-1."""
    if name == "wiki-Vote":
        raw = np.loadtxt(DATA / "wiki-Vote.txt", dtype=np.int64, comments="#")
        raw = raw[:, ::-1]  # A votes for B: B influences A
    else:
        raw = np.loadtxt(DATA / "email-Eu-core.txt", dtype=np.int64)
        raw = raw[raw[:, 0] != raw[:, 1]]
    _, flat = np.unique(raw, return_inverse=True)
    flat = flat.reshape(raw.shape)
    return flat[:, 0], flat[:, 1]


def pynetim(k: int = 50, epsilon: float = 0.2, probability: float = 0.05) -> None:
    """Unit-cost IMM against PyNetIM's IMM at the same k and epsilon (IC, constant edge
    probability), on two real networks: spread ratio on fresh engine replications and planning
    time ratio (best of 3 each, same process)."""
    import pynetim as pn
    from pynetim.algorithms import IMMAlgorithm

    from sim.network import Network

    for name in ("wiki-Vote", "email-Eu-core"):
        sources, targets = _edges(name)
        n = int(max(sources.max(), targets.max()) + 1)
        network = Network.from_edges(
            sources, targets, n_nodes=n, ties=np.full(sources.size, probability, np.float32)
        )
        setup = sim.prepare(
            network=network,
            dynamics={"rule": "cascade"},
            strategies=[
                {"name": "opt", "select": "optimized", "k": k, "method": "ris", "epsilon": epsilon}
            ],
            steps=60,
            replications=400,
            seed=3,
        )
        edges = list(zip(network.edge_sources().tolist(), network.indices.tolist(), strict=True))
        graph = pn.IMGraph(edges, weights=probability, directed=True, renumber=False)
        ours_t, theirs_t = [], []
        for trial in range(3):
            started = time.perf_counter()
            ours = optimize(setup, "opt")
            ours_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            theirs = sorted(
                IMMAlgorithm(graph, "IC", epsilon=epsilon, l=1, random_seed=trial).run(k)
            )
            theirs_t.append(time.perf_counter() - started)
        keys = streams.replication_keys(setup.seed, 1000)
        objective = PlanObjective(setup, setup.strategy("opt"), keys)
        a = objective.samples(ours.seeds.tolist()) + k
        b = objective.samples(theirs) + k
        difference = a - b
        emit(
            what="pynetim", network=name, n=n, edges=network.n_edges, k=k, epsilon=epsilon,
            p=probability, ours_spread=a.mean(), pynetim_spread=b.mean(),
            spread_ratio=a.mean() / b.mean(),
            ratio_error=difference.std(ddof=1) / math.sqrt(difference.size) / b.mean(),
            ours_seconds=min(ours_t), pynetim_seconds=min(theirs_t),
            time_ratio=min(ours_t) / min(theirs_t), rr_sets=ours.details["rr_sets"],
        )  # fmt: skip


def million(n: int = 1_000_000) -> None:
    parts = _follower_cascade(n, budget=5_000.0)
    opt = {
        "name": "opt",
        "select": "optimized",
        "method": "ris",
        "epsilon": 0.3,
    }  # 0.1 would need ~15 GB of sets
    setup = sim.prepare(**parts, strategies=[opt])
    started = time.perf_counter()
    found = optimize(setup, "opt")
    emit(
        what="million", n=n, seconds=time.perf_counter() - started,
        rr_sets=found.details["rr_sets"], rr_bytes=found.details["bytes"],
        seeds=int(found.seeds.size), spend=found.plan.spend,
    )  # fmt: skip


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["flagship", "scale", "pynetim", "million"]
    for part in wanted:
        {"flagship": flagship, "scale": scale, "pynetim": pynetim, "million": million}[part]()
