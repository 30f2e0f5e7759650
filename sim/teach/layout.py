"""Which agents the page draws, and where: a stable precomputed layout (no Mesa, no Solara).

Up to :data:`DRAW_LIMIT` agents are drawn; a larger network is shown through a fixed sample of
that many (its most-followed accounts, where seeds usually are, then a random fill), chosen
from the scenario's seed so the picture does not move between runs. Positions come from one
force-directed layout of the drawn subgraph, computed once per network and kept.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.network import Network

DRAW_LIMIT = 2_000
"""Most agents drawn on the page."""

HUB_SHARE = 0.25
"""Share of a sample taken by the most-followed accounts."""


def sample_nodes(network: Network, limit: int, seed: int) -> np.ndarray:
    """Agents to show: all of them when ``n <= limit``, else ``limit`` of them (sorted int64),
    the most-followed quarter first, then a uniform fill drawn from ``seed``."""
    n = network.n_nodes
    if n <= limit:
        return np.arange(n, dtype=np.int64)
    hubs = np.argsort(-network.followers, kind="stable")[: int(limit * HUB_SHARE)]
    rest = np.setdiff1d(np.arange(n), hubs)
    fill = np.random.default_rng(seed).choice(rest, size=limit - hubs.size, replace=False)
    return np.sort(np.concatenate([hubs, fill])).astype(np.int64)


def induced_edges(network: Network, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sources, targets)`` of the edges between ``nodes`` (agent ids), in CSR order."""
    inside = np.zeros(network.n_nodes, dtype=bool)
    inside[nodes] = True
    sources, targets = network.edges()
    keep = inside[sources] & inside[targets]
    return sources[keep].astype(np.int64), targets[keep].astype(np.int64)


def spring_positions(network: Network, nodes: np.ndarray, seed: int) -> np.ndarray:
    """Positions in [0, 1]^2 of ``nodes`` (float64 (len(nodes), 2)), from a seeded
    force-directed layout of the drawn subgraph; the same network gives the same picture."""
    return _cached_positions(_NetworkKey(network, nodes), seed).copy()


class _NetworkKey:
    """Hashable by the (frozen) network's structure and the drawn node set: a network rebuilt
    from the same scenario and seed keeps its picture."""

    def __init__(self, network: Network, nodes: np.ndarray) -> None:
        self.network, self.nodes = network, nodes
        self._hash = hash((network.indptr.tobytes(), network.indices.tobytes(), nodes.tobytes()))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, _NetworkKey)
            and np.array_equal(other.nodes, self.nodes)
            and np.array_equal(other.network.indptr, self.network.indptr)
            and np.array_equal(other.network.indices, self.network.indices)
        )


@lru_cache(maxsize=16)
def _cached_positions(key: _NetworkKey, seed: int) -> np.ndarray:
    network, nodes = key.network, key.nodes
    position = np.full(network.n_nodes, -1, dtype=np.int64)
    position[nodes] = np.arange(nodes.size)
    sources, targets = induced_edges(network, nodes)
    xy = fruchterman_reingold(
        nodes.size, position[sources], position[targets], np.random.default_rng(seed)
    )
    low, high = np.percentile(xy, [1, 99], axis=0)
    return np.clip((xy - low) / np.where(high > low, high - low, 1.0), -0.02, 1.02)


def fruchterman_reingold(
    n: int, a: np.ndarray, b: np.ndarray, rng: np.random.Generator, iterations: int | None = None
) -> np.ndarray:
    """Force-directed positions (n, 2) of an undirected graph with edges ``a[k] - b[k]``
    (Fruchterman & Reingold 1991): every pair repels with ``k^2 / d``, every edge attracts
    with ``d^2 / k``, a weak pull to the centre keeps loose agents near, and moves are capped by
    a temperature that cools linearly. Dense pairwise
    repulsion, O(n^2) per iteration in float32: about a second for 2,000 agents."""
    xy = rng.random((n, 2), dtype=np.float32)
    if iterations is None:
        iterations = 60 if n <= 800 else 30
    if n < 2:
        return xy.astype(np.float64)
    k = np.float32(1.0 / np.sqrt(n))
    temperature = np.float32(0.1)
    gravity = np.float32(1.0)
    cooling = temperature / np.float32(iterations + 1)
    for _ in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=-1))
        np.maximum(distance, np.float32(0.01), out=distance)
        push = (delta * (k * k / distance**2)[:, :, None]).sum(axis=1)
        pull_vec = xy[a] - xy[b]
        pull_len = np.sqrt((pull_vec**2).sum(axis=-1))[:, None]
        pull = pull_vec * pull_len / k
        force = push - gravity * (xy - xy.mean(axis=0))  # keeps loose agents in the picture
        np.add.at(force, a, -pull)
        np.add.at(force, b, pull)
        length = np.sqrt((force**2).sum(axis=-1))
        np.maximum(length, np.float32(1e-6), out=length)
        xy += force * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return xy.astype(np.float64)
