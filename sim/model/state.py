"""Allocating the kernels' mutable state, and the decay tables they read."""

from __future__ import annotations

import numpy as np

from sim.dtypes import EDGE, NODE, STEP, VALUE
from sim.kernels import diffusion as kernel


def allocate_state(
    n_nodes: int,
    n_edges: int,
    steps: int,
    n_posts: int,
    threads: int | None = None,
    queue: int = 0,
) -> kernel.State:
    """Fresh kernel state for a network of the given size (see ``kernel.State``); with
    ``threads``, one state per thread stacked along a leading axis; ``queue`` slots for delayed
    exposures (0 without delays)."""
    lead = () if threads is None else (threads,)

    def filled(size, dtype, value=0):
        return np.full((*lead, size), value, dtype=dtype)

    agent = np.zeros((*lead, n_nodes), dtype=kernel.AGENT_RECORD)
    for name in ("adopt_time", "first_seen", "origin", "influence_time"):
        agent[name] = -1
    return kernel.State(
        agent=agent,
        flags=filled(n_nodes, np.uint8),
        has_posted=filled(n_nodes, np.bool_),
        candidate=filled(n_nodes, np.bool_),
        tie=filled(n_edges, VALUE),
        tie_time=filled(n_edges, STEP),
        edge_seen=filled(n_edges, np.bool_),
        adoption_order=filled(n_nodes, NODE),
        adopted_before=filled(steps + 1, EDGE),
        touched_list=filled(n_nodes + 1, NODE),  # a spare slot: listed without a branch
        check_list=filled(n_nodes, NODE),
        candidate_list=filled(n_nodes, NODE),
        post_nodes=filled(n_nodes + n_posts, NODE),
        post_weight=filled(n_nodes + n_posts, VALUE),
        counters=filled(kernel.N_COUNTERS, np.int64),
        origin_of=filled(n_nodes, NODE, -1),
        hours=filled(n_nodes, np.float64, -1.0),
        parent=filled(n_nodes, NODE, -1),
        post_hours=filled(n_nodes + n_posts, np.float64),
        start_head=filled(steps + 1, NODE, -1),
        start_tail=filled(steps + 1, NODE, -1),
        start_count=filled(steps + 1, NODE),
        start_next=filled(n_nodes, NODE, -1),
        q_head=filled(steps + 1, EDGE, -1),
        q_tail=filled(steps + 1, EDGE, -1),
        q_next=filled(queue, EDGE, -1),
        q_edge=filled(queue, EDGE),
        q_poster=filled(queue, NODE),
        q_weight=filled(queue, VALUE),
        q_hours=filled(queue, np.float64),
    )


def grow_queue(state: kernel.State, queue: int) -> kernel.State:
    """``state`` with room for ``queue`` delayed exposures (a fresh, empty queue)."""
    lead = state.q_edge.shape[:-1]
    return state._replace(
        q_next=np.full((*lead, queue), -1, dtype=EDGE),
        q_edge=np.zeros((*lead, queue), dtype=EDGE),
        q_poster=np.zeros((*lead, queue), dtype=NODE),
        q_weight=np.zeros((*lead, queue), dtype=VALUE),
        q_hours=np.zeros((*lead, queue), dtype=np.float64),
    )


def halving_table(half_life: float | None, steps: int) -> np.ndarray:
    """``2 ** (-d / half_life)`` for d = 0..steps (all ones without a half-life), float64."""
    days = np.arange(steps + 1, dtype=np.float64)
    return np.ones(steps + 1) if half_life is None else np.exp2(-days / half_life)
