"""Peer engines, timed on the benchmark's own CSR when they are installed (the ``bench``/``dev``
extras): CyNetDiff's independent cascade (its Python loop and its all-in-C
``compute_marginal_gains``) and linear threshold, and ndlib's independent cascade. Each is
imported only when called, so the benchmark runs without them."""

from __future__ import annotations

import array
import importlib.metadata
import time

import numpy as np

from sim.network import Network


def version(package: str) -> str | None:
    """The installed version of ``package``, or None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _csr(network: Network) -> tuple[array.array, array.array]:
    starts = array.array("I", network.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", network.indices.astype(np.uint32).tobytes())
    return starts, edges


def cynetdiff_ic(network: Network, p: float, seeds: np.ndarray, runs: int, seed: int = 7):
    """{engine: zero-argument callable returning the mean final size of ``runs`` runs} for
    CyNetDiff's IC: its Python loop (reset / advance_until_completion / count) and its C batch
    ``compute_marginal_gains``. Each call restarts the model's generator, so repeats do the
    same work."""
    from cynetdiff.models import IndependentCascadeModel

    starts, edges = _csr(network)
    model = IndependentCascadeModel(starts, edges, activation_prob=p, rng=seed)
    seed_list = [int(s) for s in seeds]
    model.set_seeds(seed_list)

    def loop():
        model.set_rng(seed)
        total = 0
        for _ in range(runs):
            model.reset_model()
            model.advance_until_completion()
            total += model.get_num_activated_nodes()
        return total / runs

    def batched():
        model.set_rng(seed + 1)
        return model.compute_marginal_gains(seed_list, [], runs)[0]

    return {"cynetdiff_loop": loop, "cynetdiff_batch": batched}


def cynetdiff_lt(network: Network, seeds: np.ndarray, runs: int, seed: int = 7):
    """A zero-argument callable: mean final size of ``runs`` runs of CyNetDiff's linear
    threshold (weights 1/in-degree, thresholds drawn uniformly per run) in its C batch."""
    from cynetdiff.models import LinearThresholdModel

    starts, edges = _csr(network)
    model = LinearThresholdModel(starts, edges, rng=seed)
    seed_list = [int(s) for s in seeds]
    model.set_seeds(seed_list)

    def batched():
        model.set_rng(seed)
        return model.compute_marginal_gains(seed_list, [], runs)[0]

    return batched


def ndlib_ic(network: Network, p: float, seeds: np.ndarray, runs: int, seed=7):
    """(seconds, mean final size) of ndlib's IndependentCascadesModel, run until no node is
    infected; ndlib needs every edge's threshold set, else it falls back to 1/out-degree."""
    from ndlib.models import ModelConfig
    from ndlib.models.epidemics import IndependentCascadesModel

    graph = network.to_networkx()
    model = IndependentCascadesModel(graph, seed=seed)
    config = ModelConfig.Configuration()
    config.add_edge_set_configuration("threshold", dict.fromkeys(graph.edges(), p))
    config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    model.set_initial_status(config)
    start = time.perf_counter()
    sizes = []
    for _ in range(runs):
        model.reset([int(s) for s in seeds])
        while model.iteration_bunch(1, node_status=False)[0]["node_count"][1] > 0:
            pass
        sizes.append(sum(1 for s in model.status.values() if s != 0))
    return time.perf_counter() - start, float(np.mean(sizes))
