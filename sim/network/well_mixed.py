"""The implicit well-mixed population: everyone follows everyone, no edge is stored.

:class:`WellMixed` stands where a :class:`~sim.network.graph.Network` stands for what the layers
above read of a network (its size, follower counts, communities, labels, a summary), in O(N)
memory; the engine runs it on :mod:`sim.kernels.well_mixed`, which gives the numbers of the
general kernel on ``complete(n)`` (``n (n - 1)`` stored edges) without the edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.dtypes import NODE
from sim.errors import InputError

MAX_NODES = int(np.iinfo(NODE).max) - 1


class NoEdgesError(InputError, AttributeError):
    """An edge array asked of a well-mixed population (an AttributeError too, so ``hasattr``
    and ``getattr(..., default)`` answer "no")."""


@dataclass(frozen=True, eq=False)
class WellMixed:
    """``n`` agents, each following every other one (the complete graph, never stored).

    Parameters
    ----------
    n : int
        Agents, >= 2.
    tie : float
        The one tie strength of every pair, 0..1.
    community : int32 array, shape (n,), optional
        Community id of each agent (0..n_communities-1); only for tables by community.
    name : str
        A short description (default ``well_mixed(n=...)``).

    Examples
    --------
    >>> population = WellMixed(1000)
    >>> population.n_nodes, int(population.followers[0]), population.n_edges
    (1000, 999, 999000)
    """

    n: int
    tie: float = 1.0
    community: np.ndarray | None = None
    name: str = ""

    labels = None
    """Agents are numbered 0..n-1 (no file labels)."""
    ties = None
    """No per-edge tie array: one value, :attr:`tie`."""

    def __post_init__(self) -> None:
        n = self.n
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_NODES:
            raise InputError(f"n: a well-mixed population needs 2..{MAX_NODES} agents, got {n!r}")
        object.__setattr__(self, "n", int(n))
        tie = self.tie
        if not (
            isinstance(tie, int | float | np.floating)
            and not isinstance(tie, bool)
            and math.isfinite(tie)
            and 0.0 <= tie <= 1.0
        ):
            raise InputError(f"ties: a well-mixed population takes one number in 0..1, got {tie!r}")
        object.__setattr__(self, "tie", float(tie))
        if self.community is not None:
            community = np.ascontiguousarray(self.community, dtype=NODE)
            if community.shape != (self.n,):
                raise InputError("community must have one value per node")
            if community.min() < 0:
                raise InputError("community ids must be >= 0")
            community.flags.writeable = False
            object.__setattr__(self, "community", community)
        if not self.name:
            object.__setattr__(self, "name", f"well_mixed(n={self.n})")

    @classmethod
    def with_blocks(cls, n: int, n_communities: int, tie: float = 1.0) -> WellMixed:
        """``n`` agents in ``n_communities`` contiguous blocks of (nearly) equal size."""
        if n_communities < 1:
            raise InputError(f"n_communities: must be >= 1, got {n_communities!r}")
        community = (np.arange(n, dtype=np.int64) * n_communities // n).astype(NODE)
        return cls(n, tie, community if n_communities > 1 else None)

    # ------------------------------------------------------------------ sizes
    @property
    def n_nodes(self) -> int:
        return self.n

    @property
    def n_edges(self) -> int:
        """Edges of the complete graph it stands for, ``n (n - 1)`` (none is stored)."""
        return self.n * (self.n - 1)

    @cached_property
    def followers(self) -> np.ndarray:
        """Follower count of every agent, ``n - 1``, int64 (read-only)."""
        values = np.full(self.n, self.n - 1, dtype=np.int64)
        values.flags.writeable = False
        return values

    @property
    def following(self) -> np.ndarray:
        """Accounts each agent follows, ``n - 1``, int64."""
        return self.followers

    @property
    def n_communities(self) -> int:
        return 0 if self.community is None else int(self.community.max(initial=-1) + 1)

    def node_ids(self, labels: np.ndarray) -> np.ndarray:
        """Internal ids of agents given by id (the identity), checked."""
        wanted = np.asarray(labels, dtype=np.int64).ravel()
        bad = wanted[(wanted < 0) | (wanted >= self.n)]
        if bad.size:
            raise InputError(f"node {bad[0]} is not in the network (ids are 0..{self.n - 1})")
        return wanted.astype(NODE)

    def summary(self) -> dict:
        """Sizes and degree figures, for reports (``edges``: none stored)."""
        return {
            "name": self.name,
            "nodes": self.n,
            "edges": 0,
            "implicit_edges": self.n_edges,
            "mean_followers": float(self.n - 1),
            "max_followers": self.n - 1,
            "communities": self.n_communities,
        }

    def __getattr__(self, name: str):
        if name in ("indptr", "indices", "edges", "edge_sources", "reverse_index", "tie_values"):
            raise NoEdgesError(
                f"{name}: a well-mixed population stores no edges; use "
                "sim.network.generators.complete(n) for an explicit graph"
            )
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"WellMixed({self.name!r}, nodes={self.n}, tie={self.tie})"
