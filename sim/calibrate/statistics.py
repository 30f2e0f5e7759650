"""Per-cascade statistics of diffusion trees, the same for observed and simulated cascades.

A collection of trees is given as flat arrays, one row per node: its cascade, the row of its
parent (-1 for the root) and its time in hours. For each cascade:

========================  ===================================================================
``size``                  nodes (the source included)
``depth``                 largest distance from the source, in hops
``depth1_share``          share of the non-source nodes attached to the source (how star-like)
``virality``              structural virality: the mean distance between two nodes of the tree
                          (Goel, Anderson, Hofman & Watts 2016), from subtree sizes in O(n):
                          sum over edges of s (n - s), times 2 / (n (n - 1))
``time_last``             hours from the source to the last node
``time_half``             hours by which half of the nodes (rounded up) had appeared
``delay_median``          median hours between a parent and its child
========================  ===================================================================

Observed trees (Twitter15) link users: a user's parent is the user it was first reached from in
a breadth-first search from the source over the ``parent -> child`` rows (the depth the
validation report uses), its time the earliest of its rows. Simulated trees come from the
engine's trace (:class:`Trace`-like objects: per adopter ``agent``, ``parent`` and ``hours``).

Reference: S. Goel, A. Anderson, J. Hofman & D. J. Watts (2016), The structural virality of
online diffusion, *Management Science* 62(1):180-196.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from sim.calibrate.observed import ROOT, CascadeEdges

STATISTICS = (
    "size",
    "depth",
    "depth1_share",
    "virality",
    "time_last",
    "time_half",
    "delay_median",
)
"""The per-cascade statistics, in the order of every table."""

LABELS = {
    "size": "size (nodes)",
    "depth": "depth (hops)",
    "depth1_share": "depth-1 share",
    "virality": "structural virality",
    "time_last": "time to last event (hours)",
    "time_half": "time to half of final size (hours)",
    "delay_median": "median parent-child delay (hours)",
}


class TraceLike(Protocol):
    """What :func:`trace_statistics` reads of one simulated replication, per adopter in
    adoption order: ``agent`` and ``parent`` (int32, -1 for seeds and outside adoptions) and
    ``hours`` (float64, time of adoption)."""

    agent: np.ndarray
    parent: np.ndarray
    hours: np.ndarray


def tree_statistics(cascade: np.ndarray, parent: np.ndarray, hours: np.ndarray) -> pd.DataFrame:
    """One row per cascade code (sorted) with the columns :data:`STATISTICS`.

    ``cascade`` int64 (n,) codes; ``parent`` int64 (n,) the row of each node's parent, -1 for
    a root (one per cascade), -2 for a node to leave out (with its descendants); ``hours``
    float64 (n,). Nodes whose chain of parents does not reach a root are left out."""
    cascade = np.asarray(cascade, dtype=np.int64)
    parent = np.asarray(parent, dtype=np.int64)
    hours = np.asarray(hours, dtype=np.float64)
    depth = np.where(parent == -1, 0, -1).astype(np.int64)
    linked = parent >= 0
    while True:  # one pass per level: depth(child) = depth(parent) + 1
        ready = linked & (depth < 0)
        ready[ready] = depth[parent[ready]] >= 0
        if not ready.any():
            break
        depth[ready] = depth[parent[ready]] + 1
    keep = depth >= 0
    # subtree sizes, deepest level first
    subtree = keep.astype(np.int64)
    for level in range(int(depth.max(initial=0)), 0, -1):
        rows = np.flatnonzero(depth == level)
        np.add.at(subtree, parent[rows], subtree[rows])
    rows = np.flatnonzero(keep)
    code = cascade[rows]
    root_hours = pd.Series(hours[parent == -1], index=cascade[parent == -1])
    root_hours = root_hours[~root_hours.index.duplicated()]
    frame = pd.DataFrame(
        {
            "cascade": code,
            "depth": depth[rows],
            "hours": hours[rows] - root_hours.reindex(code).to_numpy(),
            "subtree": subtree[rows],
        }
    )
    child = depth[rows] > 0
    frame["delay"] = np.where(
        child, hours[rows] - hours[np.where(child, parent[rows], rows)], np.nan
    ).clip(min=0.0)
    grouped = frame.groupby("cascade", sort=True)
    size = grouped.size()
    frame["n"] = size.reindex(frame["cascade"]).to_numpy()
    frame["pairs"] = np.where(child, frame["subtree"] * (frame["n"] - frame["subtree"]), 0)
    frame["direct"] = frame["depth"] == 1
    sums = grouped[["pairs", "direct"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        virality = 2.0 * sums["pairs"] / (size * (size - 1))
        direct = sums["direct"] / (size - 1)
    halves = frame.sort_values(["cascade", "hours"], kind="stable")
    rank = halves.groupby("cascade").cumcount().to_numpy() + 1
    wanted = (halves["n"].to_numpy() + 1) // 2
    time_half = halves[rank == wanted].set_index("cascade")["hours"]
    table = pd.DataFrame(
        {
            "size": size.astype(np.int64),
            "depth": grouped["depth"].max().astype(np.int64),
            "depth1_share": direct.where(size > 1),
            "virality": virality.where(size > 1),
            "time_last": grouped["hours"].max(),
            "time_half": time_half.reindex(size.index),
            "delay_median": grouped["delay"].median(),
        }
    )
    table.index.name = "cascade"
    return table


# ---------------------------------------------------------------------------- observed
def observed_statistics(observed: CascadeEdges) -> pd.DataFrame:
    """:data:`STATISTICS` of every observed cascade (index: the cascade id, in file order)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    edges = observed.edges
    roots = edges["parent_uid"].to_numpy() == ROOT
    cascade = edges["cascade"].to_numpy()
    child_key = pd.Series(cascade).str.cat(edges["child_uid"], sep="\x1f")
    parent_key = pd.Series(cascade).str.cat(edges["parent_uid"], sep="\x1f")
    codes, nodes = pd.factorize(pd.concat([child_key, parent_key[~roots]], ignore_index=True))
    n = len(nodes)
    child = codes[: len(edges)]
    parent = np.full(len(edges), n, dtype=np.int64)  # the super-root joins every source
    parent[~roots] = codes[len(edges) :]
    loop = parent == child
    graph = csr_matrix(
        (np.ones(int((~loop).sum())), (parent[~loop], child[~loop])), shape=(n + 1, n + 1)
    )
    order, predecessor = breadth_first_order(graph, n, directed=True, return_predecessors=True)
    reached = order[order < n]
    time = np.full(n, np.inf)
    np.minimum.at(time, child, edges["hours"].to_numpy())
    node_cascade = np.empty(n, dtype=object)
    node_cascade[child] = cascade
    ids, cascade_code = np.unique(node_cascade[reached].astype(str), return_inverse=True)
    position = np.full(n + 1, -1, dtype=np.int64)
    position[reached] = np.arange(reached.size)
    up = predecessor[reached]
    tree_parent = np.where(up == n, -1, position[np.clip(up, 0, n)])
    table = tree_statistics(cascade_code, tree_parent, time[reached])
    table.index = pd.Index(ids[table.index.to_numpy()], name="cascade")
    first = pd.unique(cascade)
    return table.reindex(first)


# ---------------------------------------------------------------------------- simulated
def trace_statistics(traces: list[TraceLike]) -> pd.DataFrame:
    """:data:`STATISTICS` of simulated single-seed cascades, one row per trace (index 0..).

    Each trace's first adopter is its cascade's source; adopters with no parent after it
    (outside adoptions, other instigators) start trees of their own and are left out, with
    everything they passed on."""
    cascades, parents, hours = [], [], []
    offset = 0
    for k, trace in enumerate(traces):
        agent = np.asarray(trace.agent, dtype=np.int64)
        up = np.asarray(trace.parent, dtype=np.int64)
        m = agent.size
        if m == 0:
            continue
        order = np.argsort(agent, kind="stable")
        found = np.searchsorted(agent[order], up)
        found = np.clip(found, 0, m - 1)
        known = (up >= 0) & (agent[order][found] == up)
        row = np.where(known, order[found], -2)
        row[0] = -1
        row[1:][up[1:] < 0] = -2
        cascades.append(np.full(m, k, dtype=np.int64))
        parents.append(np.where(row >= 0, row + offset, row))
        hours.append(np.asarray(trace.hours, dtype=np.float64))
        offset += m
    if not cascades:
        return pd.DataFrame(columns=list(STATISTICS), index=pd.Index([], name="cascade"))
    table = tree_statistics(
        np.concatenate(cascades), np.concatenate(parents), np.concatenate(hours)
    )
    return table.reindex(range(len(traces)))
