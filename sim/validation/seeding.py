"""Who to seed (Kempe, Kleinberg & Tardos 2003): expected IC spread of k random seeds, of the k
accounts with the most followers and of CELF greedy seeds, on email-Eu-core.

Under the independent cascade the expected spread is monotone and submodular, so greedy is
within 1 - 1/e of the best set; Kempe et al. found it ahead of degree heuristics, which beat
random seeding. The greedy sets are chosen (:func:`sim.optimize.celf_greedy`, common random
numbers) on one set of replication keys and every strategy is evaluated on an independent one,
so the greedy sets are not flattered by the keys that chose them; top degree and greedy share
the evaluation keys, so their difference is paired.

References: D. Kempe, J. Kleinberg & É. Tardos (2003), Maximizing the spread of influence
through a social network, KDD; J. Leskovec et al. (2007), Cost-effective outbreak detection in
networks, KDD (CELF).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from sim.model import Params, replication_keys, textbook_agents
from sim.network import Network
from sim.optimize import celf_greedy, simulation_builder, spreads
from sim.validation.peers import STEPS, random_sets, top_degree, with_ties

SEEDING_PROBS = (0.01, 0.03)
K_MAX = 20


@dataclass(frozen=True)
class SeedingSettings:
    """Sample sizes of the seeding study (the documented run and ``quick``, a smoke test)."""

    eval_runs: int = 2000
    """Independent replication keys every strategy is evaluated on."""
    random_sets: int = 400
    """Random seed sets per k, one run each."""
    greedy_k: int = 20
    greedy_runs: dict[float, int] = field(default_factory=lambda: {0.01: 2000, 0.03: 200})
    """Selection keys of the greedy per p (p = 0.01 needs many: the gains differ little)."""
    seed: int = 7
    threads: int = 2

    @classmethod
    def quick(cls, **changes) -> SeedingSettings:
        small = {"eval_runs": 300, "random_sets": 100, "greedy_k": 3}
        return cls(**{**small, "greedy_runs": {0.01: 100, 0.03: 50}, **changes})


def ic_builder(network_p: Network):
    """:func:`sim.optimize.simulation_builder` of the IC cascade (ties already = p, textbook
    agents, ``STEPS`` days)."""
    return simulation_builder(
        network_p, textbook_agents(network_p.n_nodes), Params(rule="cascade"), STEPS
    )


def seeding_study(
    network: Network, settings: SeedingSettings, probabilities=SEEDING_PROBS, verbose: bool = True
) -> list[dict]:
    """Per p: final sizes on the evaluation keys for k = 1..K_MAX of top degree (``top``) and
    random seeds (``random``, one run per set), and for k = 1..greedy_k of the greedy sets
    (``greedy``), with the greedy seeds, objective, evaluation count and timings."""
    eval_keys = replication_keys(settings.seed + 100, settings.eval_runs)
    ks_ = np.arange(1, K_MAX + 1)
    top = top_degree(network, K_MAX)
    results = []
    for p in probabilities:
        build = ic_builder(with_ties(network, p))
        start = time.perf_counter()
        top_runs = [spreads(build, top[:k], eval_keys, settings.threads) for k in ks_]
        random_runs = []
        for k in ks_:
            sizes = [
                spreads(build, seeds, eval_keys[r % eval_keys.size : r % eval_keys.size + 1])[0]
                for r, seeds in enumerate(
                    random_sets(network.n_nodes, k, settings.random_sets, [5, int(k)])
                )
            ]
            random_runs.append(np.array(sizes))
        t_baselines = time.perf_counter() - start
        start = time.perf_counter()
        select_keys = replication_keys(settings.seed + 200, settings.greedy_runs[p])
        # one thread: a thread pool per small candidate run costs more than it saves
        greedy = celf_greedy(build, range(network.n_nodes), settings.greedy_k, select_keys)
        t_select = time.perf_counter() - start
        greedy_runs = [
            spreads(build, greedy.seeds[:k], eval_keys, settings.threads)
            for k in range(1, settings.greedy_k + 1)
        ]
        results.append(
            {
                "p": p,
                "k": ks_,
                "top": top_runs,
                "random": random_runs,
                "greedy": greedy_runs,
                "greedy_seeds": greedy.seeds,
                "greedy_objective": list(greedy.objective),
                "evaluations": greedy.evaluations,
                "t_select": t_select,
                "t_baselines": t_baselines,
            }
        )
        if verbose:
            print(
                f"seeding p={p}: top-degree k=1,5,20: "
                f"{[round(float(top_runs[k - 1].mean()), 1) for k in (1, 5, 20)]}, random "
                f"{[round(float(random_runs[k - 1].mean()), 1) for k in (1, 5, 20)]}; greedy "
                f"to k={settings.greedy_k}: {[round(float(g.mean()), 1) for g in greedy_runs]} "
                f"({greedy.evaluations} evaluations x {settings.greedy_runs[p]} runs, "
                f"{t_select:.1f} s; baselines {t_baselines:.1f} s)"
            )
    return results
