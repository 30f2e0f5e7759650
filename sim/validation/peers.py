"""The textbook models in peer libraries, for cross-checks: CyNetDiff (C++/Cython) and ndlib
(pure Python) run on the same graphs, seeds and parameters as the engine.

- independent cascade: our ``cascade`` rule with every tie = p and textbook agents against
  CyNetDiff's ``IndependentCascadeModel`` and ndlib's ``IndependentCascadesModel`` (final-size
  distributions, two-sample KS);
- Watts / linear threshold with uniform weights: our ``fractional`` rule against ndlib's
  ``ThresholdModel`` and CyNetDiff's ``LinearThresholdModel`` with the same thresholds
  (deterministic: the adopted *sets* must be identical), and with random thresholds U(0, 1].

Edge direction is checked, not assumed: CyNetDiff's CSR must equal ours, the networkx copy must
have our in- and out-degrees, and every ndlib edge/node parameter must be set (ndlib silently
falls back to defaults: IC threshold 1/out-degree, node threshold 0.1). CyNetDiff and ndlib
are optional dependencies, imported inside the functions that use them.

References: E. W. Robson, D. Reddy & A. K. Umrawal (2024), CyNetDiff, Proc. VLDB Endow.
17(12):4409-4412; G. Rossetti et al. (2018), NDlib, Int. J. Data Sci. Anal. 5:61-79.
"""

from __future__ import annotations

import array
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import ks_2samp

from sim.kernels.diffusion import NEW_ADOPTERS  # seeds included
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network import Network
from sim.network.generators import follower_graph
from sim.network.io import load_edgelist
from sim.validation import DATA

ALPHA = 0.01
STEPS = 300  # days per run; the kernel stops a run early once nothing more can happen
FG_NAME = "follower_graph(2000)"
EMAIL_NAME = "email-Eu-core"

# (graph, p) of the IC cross-check; each is run from a random and a top-degree seed set.
IC_CASES = [(FG_NAME, 0.05), (FG_NAME, 0.1), (FG_NAME, 0.2), (EMAIL_NAME, 0.02), (EMAIL_NAME, 0.05)]
# (graph, phi, seeds per set) of the fixed-threshold comparison: near the cascade window, so
# some random seed sets trigger a global cascade and some do not.
LT_FIXED = [(FG_NAME, 0.15, 5), (EMAIL_NAME, 0.125, 10)]


@dataclass(frozen=True)
class Settings:
    """Sample sizes of the cross-check (the documented run and ``quick``, a smoke test)."""

    runs: int = 5000
    """Runs of ours and CyNetDiff per IC case, and threshold draws of the random LT check."""
    ndlib_runs: int = 500
    """Runs of ndlib per IC case (it is slow)."""
    seed_sets: int = 150
    """Random seed sets per fixed-threshold case."""
    lt_runs: int = 150
    """Random-threshold draws also run through ndlib."""
    seed: int = 7
    threads: int = 2

    @classmethod
    def quick(cls, **changes) -> Settings:
        return cls(**{"runs": 400, "ndlib_runs": 100, "seed_sets": 30, "lt_runs": 40, **changes})


def _check(condition, message: str) -> None:
    """Raise when a peer is not set up as compared (these checks must survive ``python -O``)."""
    if not condition:
        raise RuntimeError(message)


# ---------------------------------------------------------------------------------- graphs
def load_graphs(data: Path = DATA) -> dict[str, Network]:
    """The two test graphs: a synthetic heavy-tailed follower graph and a real one."""
    fg = follower_graph(2000, mean_following=10.0, rng=np.random.default_rng(1))
    email = load_edgelist(data / "email-Eu-core.txt", name="email-Eu-core")
    return {FG_NAME: fg, EMAIL_NAME: email}


def to_networkx_checked(network: Network):
    """networkx copy for the peers, with node i = our agent i and edge direction checked."""
    graph = network.to_networkx()
    _check(list(graph.nodes) == list(range(network.n_nodes)), "networkx copy: node ids differ")
    out_degree = np.array([d for _, d in graph.out_degree()])
    in_degree = np.array([d for _, d in graph.in_degree()])
    # i -> j: j follows i
    _check(np.array_equal(out_degree, network.followers), "networkx copy: out-degree differs")
    _check(np.array_equal(in_degree, network.following), "networkx copy: in-degree differs")
    return graph


def with_ties(network: Network, p: float) -> Network:
    """``network`` with every tie = p (the IC transmission probability)."""
    return dataclasses.replace(network, ties=np.full(network.n_edges, p, dtype=np.float32))


def top_degree(network: Network, k: int) -> np.ndarray:
    """The k accounts with the most followers (ties: lower id first)."""
    return np.argsort(-network.followers, kind="stable")[:k].astype(np.int32)


def random_sets(n: int, k: int, count: int, seed) -> list[np.ndarray]:
    """``count`` sorted sets of k of n accounts, drawn in turn from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, k, replace=False)) for _ in range(count)]


def random_seeds(network: Network, k: int, seed) -> np.ndarray:
    """One sorted random set of k accounts (the first of :func:`random_sets`)."""
    return random_sets(network.n_nodes, k, 1, seed)[0]


# ---------------------------------------------------------------------------------- engines
def ours_sizes(network, agents, rule, seeds, keys, threads=1) -> np.ndarray:
    """Final sizes (seeds included) of one run per key of our engine."""
    simulation = Simulation(network, agents, Params(rule=rule), SeedSchedule.build(seeds), STEPS)
    counts = simulation.spread(keys, threads=threads)
    _check(not counts.last_step.any(), "a cascade was still running on the last day; raise STEPS")
    return counts.adopters


def ours_adopted(network, agents, rule, seeds) -> np.ndarray:
    """Sorted adopters of one run (rule without randomness: the key is irrelevant)."""
    simulation = Simulation(network, agents, Params(rule=rule), SeedSchedule.build(seeds), STEPS)
    raw = simulation.run(replication_keys(0, 1))
    _check(not raw.step_stats[0, -1, NEW_ADOPTERS], "still adopting on the last day")
    return np.flatnonzero(simulation.state.agent["adopt_time"] >= 0)


def cynetdiff_ic(graph, network, p, rng_seed):
    """CyNetDiff's IC model with activation probability p on every edge, CSR checked."""
    from cynetdiff.utils import networkx_to_ic_model

    model, mapping = networkx_to_ic_model(graph, activation_prob=p, rng=rng_seed)
    check_csr(model, mapping, network)
    return model


def cynetdiff_lt(graph, network, rng_seed):
    """CyNetDiff's LT model (weights 1/in-degree, its own U(0, 1] thresholds), CSR checked."""
    from cynetdiff.utils import networkx_to_lt_model

    model, mapping = networkx_to_lt_model(graph, rng=rng_seed)
    check_csr(model, mapping, network)
    return model


def check_csr(model, mapping, network) -> None:
    """CyNetDiff's CSR equals ours: edge i -> j means i can activate j in both."""
    _check(all(k == v for k, v in mapping.items()), "CyNetDiff renumbered the nodes")
    _check(np.array_equal(np.asarray(model.starts), network.indptr[:-1]), "CyNetDiff CSR differs")
    _check(np.array_equal(np.asarray(model.edges), network.indices), "CyNetDiff CSR differs")


def cynetdiff_sizes(model, seeds, runs, thresholds=None) -> np.ndarray:
    """Final sizes of ``runs`` runs (LT: fixed ``thresholds`` if given, else its own draws)."""
    model.set_seeds([int(s) for s in seeds])
    fixed = None if thresholds is None else array.array("f", np.asarray(thresholds, np.float32))
    sizes = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        model.reset_model()  # clears LT thresholds: assign them after
        if fixed is not None:
            model._assign_thresholds(fixed)
        model.advance_until_completion()
        sizes[r] = model.get_num_activated_nodes()
    return sizes


def cynetdiff_adopted(model, seeds, thresholds) -> np.ndarray:
    """Sorted adopters of one CyNetDiff LT run with the given thresholds."""
    cynetdiff_sizes(model, seeds, 1, thresholds)
    return np.sort(np.fromiter(model.get_activated_nodes(), dtype=np.int64))


def ndlib_ic_sizes(graph, seeds, p, runs, rng_seed) -> np.ndarray:
    """Final sizes of ``runs`` runs of ndlib's IC with activation probability p on every edge."""
    from ndlib.models import ModelConfig
    from ndlib.models.epidemics import IndependentCascadesModel

    seeds = [int(s) for s in seeds]
    model = IndependentCascadesModel(graph, seed=rng_seed)
    config = ModelConfig.Configuration()
    config.add_edge_set_configuration("threshold", dict.fromkeys(graph.edges(), p))
    config.add_model_initial_configuration("Infected", seeds)
    model.set_initial_status(config)
    # ndlib silently falls back to threshold 1/out-degree unless every edge is configured.
    _check(
        len(model.params["edges"]["threshold"]) == graph.number_of_edges(),
        "ndlib: an edge without its threshold",
    )
    _check(model.graph.directed, "ndlib: the graph is not directed")
    sizes = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        model.reset(seeds)
        while model.iteration_bunch(1, node_status=False)[0]["node_count"][1] > 0:
            pass
        sizes[r] = sum(1 for s in model.status.values() if s != 0)
    return sizes


def ndlib_threshold_adopted(graph, seeds, thresholds) -> np.ndarray:
    """Adopters of ndlib's ThresholdModel, iterated to its fixed point."""
    from ndlib.models import ModelConfig
    from ndlib.models.epidemics import ThresholdModel

    model = ThresholdModel(graph, seed=0)
    config = ModelConfig.Configuration()
    config.add_node_set_configuration(
        "threshold", {node: float(thresholds[node]) for node in graph.nodes}
    )
    config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    model.set_initial_status(config)
    # directed: the share is then over predecessors = accounts followed
    _check(model.graph.directed, "ndlib: the graph is not directed")
    _check(
        len(model.params["nodes"]["threshold"]) == graph.number_of_nodes(),
        "ndlib: a node without its threshold",
    )
    model.iteration(node_status=False)  # iteration 0 only reports the seeds
    for _ in range(graph.number_of_nodes()):
        if model.iteration(node_status=False)["status_delta"][1] == 0:
            break
    return np.sort(np.array([n for n, s in model.status.items() if s == 1], dtype=np.int64))


# ---------------------------------------------------------------------------------- stats
def mean_se(values) -> tuple[float, float]:
    """Mean and its standard error (sd / sqrt(size))."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def fmt_mean(values) -> str:
    """ "mean ± SE" with one decimal."""
    mean, se = mean_se(values)
    return f"{mean:.1f} ± {se:.1f}"


def ks(a, b) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov statistic and p-value."""
    result = ks_2samp(a, b)
    return float(result.statistic), float(result.pvalue)


# ---------------------------------------------------------------------------------- study 1
def ic_cross_check(graphs, nx_graphs, settings: Settings, verbose: bool = True) -> list[dict]:
    """IC final sizes of ours, CyNetDiff and ndlib for every case of :data:`IC_CASES`, from a
    random and a top-degree seed set, with the pairwise KS tests."""
    rows = []
    keys = replication_keys(settings.seed, settings.runs)
    for name, p in IC_CASES:
        network = graphs[name]
        for label, seeds in (
            ("random 5", random_seeds(network, 5, 2)),
            ("top-degree 5", top_degree(network, 5)),
        ):
            start = time.perf_counter()
            ours = ours_sizes(
                with_ties(network, p),
                textbook_agents(network.n_nodes),
                "cascade",
                seeds,
                keys,
                threads=settings.threads,
            )
            cy = cynetdiff_sizes(
                cynetdiff_ic(nx_graphs[name], network, p, settings.seed), seeds, settings.runs
            )
            nd = ndlib_ic_sizes(nx_graphs[name], seeds, p, settings.ndlib_runs, settings.seed)
            rows.append(
                {
                    "graph": name,
                    "p": p,
                    "seeds": label,
                    "ours": ours,
                    "cynetdiff": cy,
                    "ndlib": nd,
                    "ks_cy": ks(ours, cy),
                    "ks_nd": ks(ours, nd),
                    "ks_cy_nd": ks(cy, nd),
                }
            )
            if verbose:
                print(
                    f"IC {name} p={p} {label}: ours {fmt_mean(ours)}, CyNetDiff {fmt_mean(cy)}, "
                    f"ndlib {fmt_mean(nd)}; KS p ours-Cy {rows[-1]['ks_cy'][1]:.3f}, ours-ndlib "
                    f"{rows[-1]['ks_nd'][1]:.3f} ({time.perf_counter() - start:.1f} s)"
                )
    return rows


def lt_fixed_check(graphs, nx_graphs, settings: Settings, verbose: bool = True) -> list[dict]:
    """Fixed phi, random seed sets: ours, ndlib and CyNetDiff must adopt the same sets."""
    rows = []
    for name, phi, k in LT_FIXED:
        network, graph = graphs[name], nx_graphs[name]
        agents = textbook_agents(network.n_nodes, threshold=phi)
        thresholds = np.full(network.n_nodes, phi)
        cy_model = cynetdiff_lt(graph, network, settings.seed)
        sizes, same_nd, same_cy, cy_sizes = [], 0, 0, []
        start = time.perf_counter()
        for seeds in random_sets(network.n_nodes, k, settings.seed_sets, [3, k]):
            ours = ours_adopted(network, agents, "fractional", seeds)
            nd = ndlib_threshold_adopted(graph, seeds, thresholds)
            cy = cynetdiff_adopted(cy_model, seeds, thresholds)
            sizes.append(ours.size)
            cy_sizes.append(cy.size)
            same_nd += np.array_equal(ours, nd)
            same_cy += np.array_equal(ours, cy)
        sizes = np.array(sizes)
        rows.append(
            {
                "graph": name,
                "phi": phi,
                "k": k,
                "sets": settings.seed_sets,
                "sizes": sizes,
                "cy_sizes": np.array(cy_sizes),
                "same_nd": same_nd,
                "same_cy": same_cy,
                "global": float((sizes > network.n_nodes / 4).mean()),
            }
        )
        if verbose:
            print(
                f"LT fixed {name} phi={phi} k={k}: {same_nd}/{settings.seed_sets} identical to "
                f"ndlib, {same_cy}/{settings.seed_sets} to CyNetDiff; mean size {fmt_mean(sizes)} "
                f"({time.perf_counter() - start:.1f} s)"
            )
    return rows


def lt_random_check(graphs, nx_graphs, settings: Settings, verbose: bool = True) -> list[dict]:
    """Thresholds U(0, 1] per node and run: ours on ``runs`` draws (the first ``lt_runs`` also
    through ndlib, sets compared), CyNetDiff on ``runs`` draws of its own (KS)."""
    rows = []
    for name in (FG_NAME, EMAIL_NAME):
        network, graph = graphs[name], nx_graphs[name]
        seeds = random_seeds(network, 5, 2)
        rng = np.random.default_rng(4)
        ours, same = [], 0
        start = time.perf_counter()
        for run in range(settings.runs):
            thresholds = 1.0 - rng.random(network.n_nodes)  # (0, 1], as CyNetDiff draws them
            agents = dataclasses.replace(
                textbook_agents(network.n_nodes), threshold=thresholds.astype(np.float64)
            )
            adopted = ours_adopted(network, agents, "fractional", seeds)
            ours.append(adopted.size)
            if run < settings.lt_runs:  # ndlib is slow: the first draws only
                same += np.array_equal(adopted, ndlib_threshold_adopted(graph, seeds, thresholds))
        ours = np.array(ours)
        cy = cynetdiff_sizes(cynetdiff_lt(graph, network, settings.seed), seeds, settings.runs)
        rows.append(
            {
                "graph": name,
                "seeds": "random 5",
                "ours": ours,
                "cynetdiff": cy,
                "same_nd": same,
                "runs": settings.lt_runs,
                "ks_cy": ks(ours, cy),
            }
        )
        if verbose:
            print(
                f"LT U(0,1] {name}: {same}/{settings.lt_runs} identical to ndlib; ours "
                f"{fmt_mean(ours)}, CyNetDiff {fmt_mean(cy)}, KS p {rows[-1]['ks_cy'][1]:.3f} "
                f"({time.perf_counter() - start:.1f} s)"
            )
    return rows
