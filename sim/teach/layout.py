"""Which agents the page draws, and where: a stable precomputed layout (no Mesa, no Solara).

Up to :data:`DRAW_LIMIT` agents are drawn; a larger network is shown through a fixed sample of
that many (its most-followed accounts, where seeds usually are, then a random fill), chosen
from the scenario's seed so the picture does not move between runs. Positions come from one
spring layout of the drawn subgraph, computed once per network and kept.
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
    """Positions in [0, 1]^2 of ``nodes`` (float64 (len(nodes), 2)), from networkx's spring
    layout of the undirected drawn subgraph, seeded; the same network gives the same picture."""
    return _cached_positions(_NetworkKey(network, nodes), seed).copy()


class _NetworkKey:
    """Hashable by the identity of the (frozen) network and the drawn node set."""

    def __init__(self, network: Network, nodes: np.ndarray) -> None:
        self.network, self.nodes = network, nodes
        self._hash = hash((id(network), nodes.size, nodes.tobytes()))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, _NetworkKey)
            and other.network is self.network
            and np.array_equal(other.nodes, self.nodes)
        )


@lru_cache(maxsize=16)
def _cached_positions(key: _NetworkKey, seed: int) -> np.ndarray:
    import networkx as nx

    network, nodes = key.network, key.nodes
    sources, targets = induced_edges(network, nodes)
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    graph.add_edges_from(zip(sources.tolist(), targets.tolist(), strict=True))
    k = 1.2 / np.sqrt(max(nodes.size, 1))
    placed = nx.spring_layout(graph, seed=seed, iterations=60, k=k)
    xy = np.array([placed[v] for v in nodes.tolist()], dtype=np.float64).reshape(-1, 2)
    low, high = xy.min(axis=0), xy.max(axis=0)
    return (xy - low) / np.where(high > low, high - low, 1.0)
