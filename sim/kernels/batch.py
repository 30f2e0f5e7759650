"""Replication drivers: whole replications, one day stepped from Python, and batches of
replications on one thread or several.

This module imports only numpy and numba; the day itself (post, expose, adopt, record) is
:func:`sim.kernels.diffusion.advance`, and the textbook independent-cascade path is
:func:`sim.kernels.cascade.run_block`. A replication's numbers depend only on its key, so they
are the same whichever driver runs it, on any number of threads.
"""

import numba
from numba import njit, prange

from sim.kernels import cascade
from sim.kernels.diffusion import State, advance, is_quiet, reset


@njit(cache=True)
def run_day(t, key, graph, agents, params, schedule, state, stats, by_origin, by_community):
    """:func:`advance` as an entry point: day ``t`` of a replication stepped from Python (the
    teaching page). Calling it for t = 0, 1, ... gives exactly what :func:`run_batch` gives."""
    advance(t, key, graph, agents, params, schedule, state, stats, by_origin, by_community)


@njit(cache=True)
def _general_block(
    keys, lo, hi, keep_last, graph, agents, params, schedule, state, step_stats, by_origin,
    by_community,
):  # fmt: skip
    """Replications ``lo .. hi - 1`` on the general kernel, every day until nothing more can
    happen, each reset after it (except the last when ``keep_last``)."""
    for r in range(lo, hi):
        stats, origin_row, community_row = step_stats[r], by_origin[r], by_community[r]
        for t in range(params.steps):
            advance(t, keys[r], graph, agents, params, schedule, state, stats[t], origin_row,
                    community_row)  # fmt: skip
            if is_quiet(t, params, schedule, state):
                break
        if r < hi - 1 or not keep_last:
            reset(graph, agents, params, state)


@njit(cache=True, inline="always")
def _block(
    keys, lo, hi, keep_last, graph, agents, params, schedule, state, step_stats, by_origin,
    by_community, textbook,
):  # fmt: skip
    """Replications ``lo .. hi - 1`` on the path the caller chose: with ``textbook`` (the
    settings reduce to textbook IC, checked by the caller) the frontier path
    :func:`sim.kernels.cascade.run_block`, with identical numbers; otherwise the general
    kernel."""
    if textbook:
        cascade.run_block(
            keys,
            lo,
            hi,
            keep_last,
            graph.indptr,
            graph.indices,
            graph.tie0,
            agents.expertise,
            agents.interest,
            agents.is_seed,
            agents.community,
            schedule.nodes,
            schedule.steps,
            schedule.origin,
            params.steps,
            params.sponsored_weight,
            state.agent,
            state.flags,
            state.has_posted,
            state.adoption_order,
            state.touched_list,
            state.adopted_before,
            state.counters,
            state.origin_of,
            step_stats,
            by_origin,
            by_community,
        )
    else:
        _general_block(
            keys, lo, hi, keep_last, graph, agents, params, schedule, state, step_stats,
            by_origin, by_community,
        )  # fmt: skip


@njit(cache=True)
def run_batch(
    keys, graph, agents, params, schedule, state, step_stats, by_origin, by_community, keep_last,
    textbook,
):  # fmt: skip
    """Run one replication per key, ``params.steps`` days each, on one thread.

    keys : uint64 (R,). step_stats : int64 (R, steps, N_STEP_STATS), zeroed by the caller.
    by_origin : int64 (R, G + 1). by_community : int64 (R, C). The state must be fresh (or
    reset); it is reset after each replication, except after the last when ``keep_last`` is
    true, so the caller can read the agents' final state. ``textbook``: take the textbook IC
    path (see :func:`_block`).
    """
    _block(
        keys, 0, keys.size, keep_last, graph, agents, params, schedule, state, step_stats,
        by_origin, by_community, textbook,
    )  # fmt: skip


@njit(cache=True, inline="always")
def thread_state(stack, k):
    """The State of thread ``k`` from a stack whose arrays have a leading thread axis."""
    return State(
        stack.agent[k],
        stack.flags[k],
        stack.has_posted[k],
        stack.candidate[k],
        stack.tie[k],
        stack.tie_time[k],
        stack.edge_seen[k],
        stack.adoption_order[k],
        stack.adopted_before[k],
        stack.touched_list[k],
        stack.check_list[k],
        stack.candidate_list[k],
        stack.post_nodes[k],
        stack.post_weight[k],
        stack.counters[k],
        stack.origin_of[k],
    )


@njit(cache=True)
def _block_on_thread(
    b, blocks, keys, graph, agents, params, schedule, stack, step_stats, by_origin,
    by_community, textbook,
):  # fmt: skip
    """Replications ``blocks[b] .. blocks[b + 1] - 1`` on the calling thread's own state,
    which is left reset."""
    thread = numba.get_thread_id()
    if thread >= stack.flags.shape[0]:
        raise RuntimeError("more threads than per-thread states; allocate one per thread")
    state = thread_state(stack, thread)
    _block(
        keys, blocks[b], blocks[b + 1], False, graph, agents, params, schedule, state,
        step_stats, by_origin, by_community, textbook,
    )  # fmt: skip


@njit(cache=True, parallel=True)
def run_batch_threads(
    keys, blocks, graph, agents, params, schedule, stack, step_stats, by_origin, by_community,
    textbook,
):  # fmt: skip
    """:func:`run_batch` on several threads, one State per thread (``stack``: arrays with a
    leading axis of ``numba.get_num_threads()`` states, all fresh or reset). The replications
    are cut into consecutive blocks (``blocks`` int64 (B + 1,): block ``b`` holds replications
    ``blocks[b] .. blocks[b + 1] - 1``), handed out one block at a time (the caller sets
    ``numba.parallel_chunksize(1)``): blocks of several small cascades keep the scheduling cost
    per replication low, and many blocks per thread keep a few large cascades from leaving a
    thread idle. A replication's numbers depend only on its key, so they are the same on any
    number of threads. All states are left reset."""
    # The loop body is one call: numba's parallel transform must not see into the kernel.
    for b in prange(blocks.size - 1):
        _block_on_thread(
            b, blocks, keys, graph, agents, params, schedule, stack, step_stats, by_origin,
            by_community, textbook,
        )  # fmt: skip
