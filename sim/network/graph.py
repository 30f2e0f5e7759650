"""The frozen CSR follower graph.

Edge ``i -> j`` means *j follows i*: what ``i`` posts can reach ``j``. Rows of the CSR are
sources, so ``indices[indptr[i]:indptr[i + 1]]`` are the followers of ``i`` and the out-degree
of ``i`` is its follower count. The reverse index (who ``j`` follows) is built on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.dtypes import EDGE, NODE, VALUE
from sim.errors import InputError
from sim.network.tie_history import TieHistory


@dataclass(frozen=True, eq=False)
class Network:
    """A directed graph in compressed sparse row form, by source.

    Parameters
    ----------
    indptr : int64 array, shape (n_nodes + 1,)
        Row pointers: the followers of node ``i`` are ``indices[indptr[i]:indptr[i+1]]``.
    indices : int32 array, shape (n_edges,)
        Follower ids, sorted within each row.
    ties : float32 array, shape (n_edges,), optional
        Initial relationship strength of each edge in 0..1 (all ones when omitted).
    community : int32 array, shape (n_nodes,), optional
        Community id of each node (0..n_communities-1).
    labels : int64 array, shape (n_nodes,), optional
        Original node ids when the graph was read from a file; ``labels[k]`` is the file's id of
        internal node ``k``.
    name : str
        A short description, for tables and plots.
    history : TieHistory, optional
        When each tie appears and expires, and its age at the start
        (:mod:`sim.network.tie_history`; None: every tie exists throughout, fresh at step 0).

    Build instances with :meth:`from_edges` rather than by hand; arrays are made read-only.
    """

    indptr: np.ndarray
    indices: np.ndarray
    ties: np.ndarray | None = None
    community: np.ndarray | None = None
    labels: np.ndarray | None = None
    name: str = ""
    history: TieHistory | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        indptr = np.ascontiguousarray(self.indptr, dtype=EDGE)
        indices = np.ascontiguousarray(self.indices, dtype=NODE)
        if indptr.ndim != 1 or indptr.size < 1 or indptr[0] != 0:
            raise InputError("indptr must be a 1-d array starting at 0")
        if indptr[-1] != indices.size:
            raise InputError(f"indptr[-1] = {indptr[-1]} but there are {indices.size} indices")
        n = indptr.size - 1
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            raise InputError(f"indices must lie in 0..{n - 1}")
        object.__setattr__(self, "indptr", _frozen(indptr))
        object.__setattr__(self, "indices", _frozen(indices))
        if self.ties is not None:
            ties = np.ascontiguousarray(self.ties, dtype=VALUE)
            if ties.shape != indices.shape:
                raise InputError("ties must have one value per edge")
            if ties.size and (ties.min() < 0 or ties.max() > 1):
                raise InputError("ties must lie in 0..1")
            object.__setattr__(self, "ties", _frozen(ties))
        if self.community is not None:
            community = np.ascontiguousarray(self.community, dtype=NODE)
            if community.shape != (n,):
                raise InputError("community must have one value per node")
            if community.size and community.min() < 0:
                raise InputError("community ids must be >= 0")
            object.__setattr__(self, "community", _frozen(community))
        if self.labels is not None:
            labels = np.ascontiguousarray(self.labels, dtype=np.int64)
            if labels.shape != (n,):
                raise InputError("labels must have one value per node")
            object.__setattr__(self, "labels", _frozen(labels))
        if self.history is not None:
            if not isinstance(self.history, TieHistory):
                raise InputError("history must be a sim.network.tie_history.TieHistory")
            if self.history.n_edges not in (None, indices.size):
                raise InputError(
                    f"history has {self.history.n_edges} values; the network has "
                    f"{indices.size} edges"
                )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_edges(
        cls,
        sources: np.ndarray,
        targets: np.ndarray,
        n_nodes: int | None = None,
        *,
        ties: np.ndarray | None = None,
        community: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        dedupe: bool = True,
        drop_self_loops: bool = True,
        name: str = "",
    ) -> Network:
        """Build a network from parallel arrays of edges ``sources[k] -> targets[k]``.

        Runs in O(E log E) with numpy sorts, no Python loop over edges. Duplicate edges keep
        the first occurrence's tie (``dedupe``); self-loops are dropped unless asked otherwise.
        """
        src = np.asarray(sources, dtype=np.int64).ravel()
        dst = np.asarray(targets, dtype=np.int64).ravel()
        if src.shape != dst.shape:
            raise InputError("sources and targets must have the same length")
        if n_nodes is None:
            n_nodes = int(max(src.max(initial=-1), dst.max(initial=-1)) + 1)
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n_nodes):
            raise InputError(f"edge endpoints must lie in 0..{n_nodes - 1}")
        if n_nodes >= np.iinfo(NODE).max:
            raise InputError(f"at most {np.iinfo(NODE).max - 1} nodes are supported")
        tie_values = None if ties is None else np.asarray(ties, dtype=VALUE).ravel()
        if tie_values is not None and tie_values.shape != src.shape:
            raise InputError("ties must have one value per edge")
        keep = None
        if drop_self_loops:
            keep = src != dst
            if keep.all():
                keep = None
        if keep is not None:
            src, dst = src[keep], dst[keep]
            tie_values = None if tie_values is None else tie_values[keep]
        key = src * n_nodes + dst
        if tie_values is None:
            key = np.sort(key)
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
            tie_values = tie_values[order]
        if dedupe:
            key, first = dedupe_sorted(key)
            if first is not None and tie_values is not None:
                tie_values = tie_values[first]
        row = key // n_nodes
        indices = (key - row * n_nodes).astype(NODE)
        indptr = np.zeros(n_nodes + 1, dtype=EDGE)
        np.cumsum(np.bincount(row, minlength=n_nodes), out=indptr[1:])
        return cls(indptr, indices, tie_values, community, labels, name)

    # ------------------------------------------------------------------ sizes
    @property
    def n_nodes(self) -> int:
        return self.indptr.size - 1

    @property
    def n_edges(self) -> int:
        return self.indices.size

    @cached_property
    def followers(self) -> np.ndarray:
        """Follower count (out-degree) of every node, int64."""
        return np.diff(self.indptr)

    @cached_property
    def following(self) -> np.ndarray:
        """How many accounts each node follows (in-degree), int64."""
        return np.bincount(self.indices, minlength=self.n_nodes).astype(np.int64)

    @property
    def n_communities(self) -> int:
        return 0 if self.community is None else int(self.community.max(initial=-1) + 1)

    def tie_values(self) -> np.ndarray:
        """Initial tie strength per edge (ones when the network has none), float32."""
        if self.ties is not None:
            return self.ties
        if "ones" not in self._cache:
            self._cache["ones"] = _frozen(np.ones(self.n_edges, dtype=VALUE))
        return self._cache["ones"]

    # ------------------------------------------------------------------ views
    def edge_sources(self) -> np.ndarray:
        """Source node of every edge, int32, in CSR order."""
        if "sources" not in self._cache:
            src = np.repeat(np.arange(self.n_nodes, dtype=NODE), self.followers)
            self._cache["sources"] = _frozen(src)
        return self._cache["sources"]

    def reverse_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR by target: ``(indptr, sources, edge_ids)``.

        ``sources[indptr[j]:indptr[j+1]]`` are the accounts ``j`` follows, and ``edge_ids`` the
        positions of those edges in this network's CSR order. Built once and cached.
        """
        if "reverse" not in self._cache:
            order = np.argsort(self.indices, kind="stable").astype(EDGE)
            indptr = np.zeros(self.n_nodes + 1, dtype=EDGE)
            np.cumsum(self.following, out=indptr[1:])
            sources = self.edge_sources()[order]
            self._cache["reverse"] = (_frozen(indptr), _frozen(sources), _frozen(order))
        return self._cache["reverse"]

    def reversed(self) -> Network:
        """The same graph with every edge turned around (ties follow their edges)."""
        indptr, sources, order = self.reverse_index()
        ties = None if self.ties is None else self.ties[order]
        history = None if self.history is None else self.history.permuted(order)
        return Network(indptr, sources, ties, self.community, self.labels, self.name, history)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """``(sources, targets)`` arrays of every edge, in CSR order."""
        return self.edge_sources(), self.indices

    def to_networkx(self):
        """A ``networkx.DiGraph`` copy, for small-graph conveniences and cross-checks."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(range(self.n_nodes))
        src, dst = self.edges()
        graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        return graph

    def node_ids(self, labels: np.ndarray) -> np.ndarray:
        """Internal ids of nodes given by their original file labels (identity without labels).

        Raises :class:`~sim.errors.InputError` naming the first label that is not in the network.
        """
        wanted = np.asarray(labels, dtype=np.int64).ravel()
        if self.labels is None:
            bad = wanted[(wanted < 0) | (wanted >= self.n_nodes)]
            if bad.size:
                raise InputError(
                    f"node {bad[0]} is not in the network (ids are 0..{self.n_nodes - 1})"
                )
            return wanted.astype(NODE)
        order = np.argsort(self.labels)
        pos = np.searchsorted(self.labels, wanted, sorter=order)
        pos = np.minimum(pos, self.n_nodes - 1)
        found = self.labels[order[pos]] == wanted
        if not found.all():
            raise InputError(f"node {wanted[~found][0]} is not in the network")
        return order[pos].astype(NODE)

    def summary(self) -> dict:
        """Sizes and degree figures, for reports."""
        followers = self.followers
        return {
            "name": self.name,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "mean_followers": float(followers.mean()) if self.n_nodes else 0.0,
            "max_followers": int(followers.max(initial=0)),
            "communities": self.n_communities,
        }

    def __repr__(self) -> str:
        return f"Network({self.name!r}, nodes={self.n_nodes}, edges={self.n_edges})"


def dedupe_sorted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Drop repeats from a sorted array; returns ``(unique, keep_mask or None if no repeats)``.

    ``keep_mask`` marks the first element of each run, so parallel arrays can follow.
    """
    if keys.size < 2:
        return keys, None
    keep = np.empty(keys.size, dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    if keep.all():
        return keys, None
    return keys[keep], keep


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
