"""Replication drivers: whole replications and one day stepped from Python.

This module imports only numpy and numba; the day itself (post, expose, adopt, record) is
:func:`sim.kernels.diffusion.advance`, driven by :func:`run_batch`, and the textbook
independent-cascade path is :func:`sim.kernels.cascade.run_block`, driven by
:func:`run_textbook` (two entry points, so each compiles only where it is used), which takes
plain arrays (a call with a few replications then costs microseconds of dispatch, not tens:
numba types a named tuple of arrays field by field on every call). Both drivers release the
GIL, so the caller runs replications on several threads by calling them from several Python
threads, each with its own state and its own rows of the outputs. A replication's numbers
depend only on its key, so they are the same whichever driver runs it, on any number of
threads.
"""

from numba import njit

from sim.kernels import cascade
from sim.kernels.diffusion import N_TOUCHED, OVERFLOW, advance, is_quiet, reset


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
    happen, each reset after it (except the last when ``keep_last``). Returns ``hi``, or the
    replication whose delayed exposures overflowed the queue (left as it stopped: the caller
    grows the queue, resets and runs again from there)."""
    for r in range(lo, hi):
        stats, origin_row, community_row = step_stats[r], by_origin[r], by_community[r]
        for t in range(params.steps):
            advance(t, keys[r], graph, agents, params, schedule, state, stats[t], origin_row,
                    community_row)  # fmt: skip
            if state.counters[OVERFLOW]:
                return r
            if is_quiet(t, params, schedule, state):
                break
        if r < hi - 1 or not keep_last:
            reset(graph, agents, params, state)
    return hi


@njit(cache=True, nogil=True)
def run_batch(
    keys, graph, agents, params, schedule, state, step_stats, by_origin, by_community, keep_last
):  # fmt: skip
    """Run one replication per key, ``params.steps`` days each, on one thread.

    keys : uint64 (R,). step_stats : int64 (R, steps, N_STEP_STATS), zeroed by the caller.
    by_origin : int64 (R, G + 1). by_community : int64 (R, C). The state must be fresh (or
    reset); it is reset after each replication, except after the last when ``keep_last`` is
    true, so the caller can read the agents' final state. The general kernel whatever the
    settings (the textbook IC path, :func:`run_textbook`, is kept out of this entry point, so
    it is not compiled where it is not used). Runs without the GIL: threads with distinct
    states and distinct output rows may call it at once. Returns the number of replications
    done: ``keys.size``, or fewer when delayed exposures overflowed the state's queue (see
    :func:`_general_block`).
    """
    return _general_block(
        keys, 0, keys.size, keep_last, graph, agents, params, schedule, state, step_stats,
        by_origin, by_community,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def run_textbook(
    keys, indptr, indices, tie0, expertise, interest, uniform, is_seed, community, seed_nodes,
    seed_steps, seed_origin, steps, sponsored_weight, record, flags, has_posted, candidate, hours,
    parent, order, touched, adopted_before, counters, origin_of, step_stats, by_origin,
    by_community, keep_last,
):  # fmt: skip
    """:func:`run_batch` on the textbook IC path (:func:`sim.kernels.cascade.run_block`) over
    plain arrays, the state reset first: the same numbers, and no tuple for numba to type.

    The arguments are the fields of ``Graph``, ``Agents``, ``Schedule``, ``Params`` (steps,
    sponsored_weight) and ``State`` that the path reads or writes, same dtypes and shapes, then
    the outputs of :func:`run_batch`; ``uniform`` as in :func:`sim.kernels.cascade.run_spread`
    (:func:`sim.model.kernel_inputs.uniform_values` of tie0, expertise, interest). The reset
    is :func:`sim.kernels.diffusion.reset` for settings the textbook path accepts (certain
    attention, no delays, ties that neither decay nor grow: no edge array can have changed),
    so the state may come from any driver, the general kernel's included. Returns ``keys.size``.
    """
    for k in range(counters[N_TOUCHED]):
        j = touched[k]
        hours[j] = -1.0
        parent[j] = -1
        has_posted[j] = False
        agent = record[j]
        agent.adopt_time = -1
        agent.first_seen = -1
        agent.origin = -1
        agent.n_sources = 0
        agent.influence_time = -1
        agent.influence = 0.0
        flags[j] = 0
        candidate[j] = False
    counters[:] = 0
    cascade.run_block(
        keys, 0, keys.size, keep_last, indptr, indices, tie0, expertise, interest, uniform,
        is_seed, community, seed_nodes, seed_steps, seed_origin, steps, sponsored_weight, record,
        flags, has_posted, order, touched, adopted_before, counters, origin_of, step_stats,
        by_origin, by_community,
    )  # fmt: skip
    return keys.size
