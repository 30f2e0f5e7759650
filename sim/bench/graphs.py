"""The benchmark's graphs: Erdős–Rényi, a directed Chung–Lu power-law graph generated here, the
project's follower graph, and real SNAP networks read from ``../shared/data`` when present.

Every builder takes a size and a seed and returns a :class:`sim.network.Network` (edge
``i -> j``: ``i`` can activate ``j``), so every engine sees the same CSR.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sim.network import Network
from sim.network.generators import erdos_renyi, follower_graph
from sim.network.io import load_edgelist

MEAN_DEGREE = 10.0


def chung_lu(n: int, *, mean_degree: float = MEAN_DEGREE, exponent: float = 2.2, seed: int = 1):
    """Directed Chung–Lu power-law graph: every node follows ``mean_degree`` accounts drawn with
    probability proportional to power-law weights ``w_i ~ (i + i0) ** (-1 / (exponent - 1))``
    (heavy-tailed out-degree, tail exponent ``exponent``); repeated picks and self-picks are
    dropped, so every in-degree is at most ``mean_degree`` (and the mean out-degree just
    under it). Independent of the project's own generators on purpose."""
    rng = np.random.default_rng(seed)
    k = round(mean_degree)
    i0 = max(1.0, n ** (1.0 - (exponent - 1.0) / 2.0) / 10.0)  # caps the largest hub
    weights = (np.arange(n) + i0) ** (-1.0 / (exponent - 1.0))
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    sources = np.searchsorted(cumulative, rng.random((n, k)), side="right")
    sources = np.minimum(sources, n - 1)
    sources = rng.permutation(n)[sources]  # hubs anywhere, not at low ids
    targets = np.repeat(np.arange(n), k)
    return Network.from_edges(sources.ravel(), targets, n, name=f"Chung–Lu n={n}")


def erdos(n: int, *, mean_degree: float = MEAN_DEGREE, seed: int = 1) -> Network:
    """Directed Erdős–Rényi G(n, p) with mean out-degree ``mean_degree``."""
    return erdos_renyi(n, mean_degree, rng=np.random.default_rng(seed))


def follower(n: int, *, mean_degree: float = MEAN_DEGREE, seed: int = 1) -> Network:
    """The project's follower graph (heavy-tailed followers, communities, reciprocity)."""
    return follower_graph(n, mean_following=mean_degree, rng=np.random.default_rng(seed))


def data_dir() -> Path | None:
    """``../shared/data`` beside the repository (or ``$SIM_SHARED_DATA``), if it exists."""
    env = os.environ.get("SIM_SHARED_DATA")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [parent / "shared" / "data" for parent in here.parents[:4]]
    candidates.append(Path.cwd().parent / "shared" / "data")
    return next((path for path in candidates if path.is_dir()), None)


REAL = {
    # name: (file, reverse so that an edge points from influencer to follower, undirected)
    "wiki-Vote": ("wiki-Vote.txt", True, False),
    "email-Eu-core": ("email-Eu-core.txt", False, False),
    "facebook": ("facebook_combined.txt", False, True),
}


def real(name: str) -> Network | None:
    """One SNAP network from the shared data folder, or None when it is absent."""
    folder = data_dir()
    if folder is None or not (folder / REAL[name][0]).is_file():
        return None
    file, reverse, undirected = REAL[name]
    return load_edgelist(folder / file, reverse=reverse, undirected=undirected, name=name)


SYNTHETIC = {"erdos_renyi": erdos, "chung_lu": chung_lu, "follower": follower}
