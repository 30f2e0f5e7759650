"""The well-mixed kernel: everyone follows everyone, and no edge is stored.

This module imports only numpy and numba. It gives, day for day, the numbers the general kernel
(:mod:`sim.kernels.diffusion`) gives on the complete graph ``complete(n)`` under the settings a
well-mixed population supports: full attention, ties that neither decay nor grow, one tie value
``tie`` for every pair, any per-agent expertise, interest, threshold, min_sources and activity.
It draws the same counter-based numbers (post draws per poster, Bass draws per agent, the
external-influence gaps), so a replication's statistics, adoption days, first exposures and
origins are those of the general kernel on ``complete(n)`` with the same key.

What each quantity becomes when every post reaches every other agent
-------------------------------------------------------------------
- With full attention an edge's first exposure is its poster's first post, so every agent that
  has not adopted has seen the same posts: its distinct sources are the number of agents that
  have posted so far, and its influence is ``interest[j] * field``, where ``field`` is the
  (memory-faded) sum of ``tie * expertise[i] * weight`` over every post (``threshold``) or every
  poster's first post (``fractional``, ``bass``). Posters have adopted, and an adopter's
  influence is frozen, so "a poster never exposes itself" costs nothing.
- A day with posts makes every agent still unaware aware, attributed to the lowest seed origin
  among that day's posters (-1, no seed, ranks last).
- The ``fractional`` norm of ``j`` is the trust it places in everyone else,
  ``interest[j] * (sum_i tie * expertise[i] - tie * expertise[j])`` (computed by the caller).
- Each post touches ``n - 1`` edges and makes ``n - 1`` exposures, as on ``complete(n)``.

The influence sums are mathematically those of the general kernel; the general kernel adds
float32 doses one post at a time, so they agree to rounding (an adoption could differ only if an
agent's influence fell within about 1e-7 of its threshold).

Cost: O(N) memory; a day costs O(posts + N) (the adoption checks and, under ``bass``, the
per-agent draws visit every agent that has not adopted).

Order of one day ``t`` (as in :mod:`sim.kernels.diffusion`): instigators (day 0), post, expose,
adopt (rule, then external influence), record.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from sim.kernels.counter_rng import (
    STREAM_BASS,
    STREAM_EXTERNAL,
    STREAM_POST,
    next_hit,
    stream_base,
    uniform,
)
from sim.kernels.diffusion import (
    ADOPTED,
    AWARE,
    BASS,
    EDGES_TOUCHED,
    EXPOSURES,
    FRACTIONAL,
    NEW_ADOPTERS,
    NEW_AWARE,
    NEW_SEED_ADOPTERS,
    POSTS,
    THRESHOLD,
    earlier_origin,
)

# Slots of MixedState.counters.
N_ADOPTED = 0
SEED_CURSOR = 1
N_POSTERS = 2
"""Agents that have posted so far: the distinct sources of every agent that has not adopted."""
FIELD_TIME = 3
"""Day of the last update of the field (-1: no dose yet)."""
N_AWARE = 4
N_COUNTERS = 5

# Bits of MixedState.slot_flags (per adoption slot).
SLOT_SEED = np.uint8(1)
SLOT_POSTED = np.uint8(2)

Mixed = namedtuple(
    "Mixed",
    [
        "tie",
        "expertise",
        "interest",
        "threshold",
        "min_sources",
        "activity",
        "norm",
        "community",
        "is_seed",
        "instigators",
    ],
)
Mixed.__doc__ = """The well-mixed population's inputs.

tie : float32 scalar, the one tie value of every pair. Per agent, shape (N,): expertise,
interest float32 on the campaign topic; threshold float64; min_sources int32; activity float32;
norm float64, the trust an agent places in everyone else (``fractional`` and ``bass``);
community int32 0..C-1; is_seed bool. instigators : int32 (I,), sorted ids that adopt at the
start of day 0 (threshold <= 0 under ``threshold`` and ``fractional``, seeds excepted).
"""

MixedState = namedtuple(
    "MixedState",
    [
        "agent",
        "flags",
        "has_posted",
        "adoption_order",
        "slot_flags",
        "slot_activity",
        "slot_trust",
        "slot_origin",
        "adopted_before",
        "counters",
        "field",
    ],
)
MixedState.__doc__ = """Mutable state of one replication.

Per agent (N): agent AGENT_RECORD as in :mod:`sim.kernels.diffusion` (what the views read;
the influence and n_sources of agents that have not adopted are written by :func:`sync`),
flags uint8 (ADOPTED | AWARE), has_posted bool. Per adoption slot (N; slot k holds the k-th
adopter, copied when it adopts, so a day's posters are read in memory order): adoption_order
int32, slot_flags uint8 (SLOT_SEED | SLOT_POSTED), slot_activity float32, slot_trust float32
(``tie * expertise``), slot_origin int32 (an adopter's origin never changes). adopted_before
int64 (steps + 1). counters int64 (N_COUNTERS). field float64 (1,): the influence per unit of
interest of every agent that has not adopted, as of day ``counters[FIELD_TIME]``.
"""


@njit(cache=True, inline="always")
def _adopt(state, mixed, rule, j, t, stats, seed_adopter):
    """``j`` adopts on day ``t``; its influence and sources are frozen at what it holds now."""
    record = state.agent[j]
    if record.first_seen < 0:
        record.first_seen = t
        state.flags[j] |= AWARE
        state.counters[N_AWARE] += 1
        stats[NEW_AWARE] += 1
    record.adopt_time = t
    state.flags[j] |= ADOPTED
    slot = state.counters[N_ADOPTED]
    state.adoption_order[slot] = j
    state.slot_flags[slot] = SLOT_SEED if mixed.is_seed[j] else 0
    state.slot_activity[slot] = mixed.activity[j]
    state.slot_trust[slot] = mixed.tie * mixed.expertise[j]
    state.slot_origin[slot] = record.origin
    state.counters[N_ADOPTED] += 1
    stats[NEW_ADOPTERS] += 1
    if seed_adopter and mixed.is_seed[j]:
        stats[NEW_SEED_ADOPTERS] += 1
    if rule == THRESHOLD or rule == FRACTIONAL:
        record.n_sources = state.counters[N_POSTERS]
    since = state.counters[FIELD_TIME]
    if since >= 0:
        record.influence = mixed.interest[j] * state.field[0]
        record.influence_time = since


@njit(cache=True, inline="always")
def _collect_posts(t, key, mixed, params, schedule, state, stats):
    """Phase 1: the day's seed posts, then the organic posts; returns ``(posts, new posters,
    dose per unit of interest, lowest origin among the posters)``.

    Organic posters are read from their adoption slots (activity, trust, origin and flags
    copied there when they adopted), so the day's posters are visited in memory order."""
    rule = params.rule
    n_posts = 0
    new_posters = 0
    dose = 0.0
    lowest = -1
    cursor = state.counters[SEED_CURSOR]
    weight = np.float64(np.float32(params.sponsored_weight))
    while cursor < schedule.nodes.size and schedule.steps[cursor] == t:
        i = schedule.nodes[cursor]
        if state.agent[i].adopt_time < 0:
            state.agent[i].origin = schedule.origin[cursor]
            _adopt(state, mixed, rule, i, t, stats, True)
        cursor += 1
        n_posts += 1
        first = not state.has_posted[i]
        state.has_posted[i] = True
        if first:
            new_posters += 1
        if first or rule == THRESHOLD:
            dose += np.float64(mixed.tie * mixed.expertise[i]) * weight
        lowest = earlier_origin(lowest, state.agent[i].origin)
    state.counters[SEED_CURSOR] = cursor

    post_base = stream_base(key, STREAM_POST, t)
    slot_flags = state.slot_flags
    for k in range(state.adopted_before[max(t - params.active_steps, 0)], state.adopted_before[t]):
        flags = slot_flags[k]
        if flags & SLOT_SEED:
            continue
        activity = state.slot_activity[k]
        if activity < 1.0 and uniform(post_base, state.adoption_order[k]) >= activity:
            continue
        n_posts += 1
        first = not flags & SLOT_POSTED
        if first:
            slot_flags[k] = flags | SLOT_POSTED
            state.has_posted[state.adoption_order[k]] = True
            new_posters += 1
        if first or rule == THRESHOLD:
            dose += np.float64(state.slot_trust[k])
        lowest = earlier_origin(lowest, state.slot_origin[k])
    return n_posts, new_posters, dose, lowest


@njit(cache=True, inline="always")
def _expose(t, n_posts, new_posters, dose, lowest, params, state, stats):
    """Phase 2: every post reaches the ``n - 1`` other agents. Returns whether the rule was fed
    (``threshold``: any post; ``fractional`` and ``bass``: a poster's first post)."""
    n = state.flags.size
    stats[POSTS] += n_posts
    stats[EDGES_TOUCHED] += n_posts * (n - 1)
    stats[EXPOSURES] += n_posts * (n - 1)
    if n_posts == 0 or n < 2:
        return False
    if state.counters[N_AWARE] < n:
        for j in range(n):
            if state.agent[j].first_seen < 0:
                state.agent[j].first_seen = t
                state.agent[j].origin = lowest
                state.flags[j] |= AWARE
                stats[NEW_AWARE] += 1
        state.counters[N_AWARE] = n
    state.counters[N_POSTERS] += new_posters
    fed = new_posters > 0 or params.rule == THRESHOLD
    if fed:
        since = state.counters[FIELD_TIME]
        if since >= 0 and params.inv_memory_half_life > 0.0:
            state.field[0] *= params.memory_decay[t - since]
        state.field[0] += dose
        state.counters[FIELD_TIME] = t
    return fed


@njit(cache=True, inline="always")
def _adopt_phase(t, key, fed, mixed, params, state, stats):
    """Phase 3: the rule over every agent that has not adopted, then external influence."""
    rule = params.rule
    n = state.flags.size
    if (rule == THRESHOLD or rule == FRACTIONAL) and fed:
        field = state.field[0]
        sources = state.counters[N_POSTERS]
        for j in range(n):
            if state.flags[j] & ADOPTED or sources < mixed.min_sources[j]:
                continue
            level = mixed.threshold[j]
            if rule == FRACTIONAL:
                if mixed.norm[j] <= 0.0:
                    continue
                level *= mixed.norm[j]
            if mixed.interest[j] * field >= level - 1e-9 * abs(level):
                _adopt(state, mixed, rule, j, t, stats, True)
    elif rule == BASS and state.counters[N_POSTERS] > 0:
        since = state.counters[FIELD_TIME]
        if params.inv_memory_half_life > 0.0:
            state.field[0] *= params.memory_decay[t - since]
        state.counters[FIELD_TIME] = t
        field = state.field[0]
        p = params.external_p
        scale = params.bass_q / (1.0 - p) if p < 1.0 else 0.0
        base = stream_base(key, STREAM_BASS, t)
        for j in range(n):
            if state.flags[j] & ADOPTED:
                continue
            norm = mixed.norm[j]
            if norm > 0.0 and uniform(base, j) < scale * (mixed.interest[j] * field) / norm:
                _adopt(state, mixed, rule, j, t, stats, True)
    _external(t, key, mixed, params, state, stats)


@njit(cache=True, inline="always")
def _external(t, key, mixed, params, state, stats):
    """Every non-adopter adopts with probability ``external_p`` today, with the general
    kernel's geometric gaps (the same agents are hit)."""
    p = params.external_p
    if p <= 0.0:
        return
    n = state.flags.size
    if p >= 1.0:
        for j in range(n):
            if not state.flags[j] & ADOPTED:
                _adopt(state, mixed, params.rule, j, t, stats, True)
        return
    base = stream_base(key, STREAM_EXTERNAL, t)
    log_miss = np.log1p(-p)
    j, k = next_hit(base, log_miss, -1, 0)
    while j < n:
        if not state.flags[j] & ADOPTED:
            _adopt(state, mixed, params.rule, j, t, stats, True)
        j, k = next_hit(base, log_miss, j, k)


@njit(cache=True)
def advance(t, key, mixed, params, schedule, state, stats, by_origin, by_community):
    """Run day ``t`` of one replication (instigators on day 0, post, expose, adopt, record).

    ``stats`` is the int64 row (N_STEP_STATS,) of this day; ``by_origin`` (G + 1,) and
    ``by_community`` (C,) accumulate adoptions by seed of origin (last slot: none) and by
    community over the replication.
    """
    state.adopted_before[t] = state.counters[N_ADOPTED]
    if t == 0:
        for j in mixed.instigators:
            if state.agent[j].adopt_time < 0:
                _adopt(state, mixed, params.rule, j, 0, stats, False)
    n_posts, new_posters, dose, lowest = _collect_posts(
        t, key, mixed, params, schedule, state, stats
    )
    fed = _expose(t, n_posts, new_posters, dose, lowest, params, state, stats)
    _adopt_phase(t, key, fed, mixed, params, state, stats)
    state.adopted_before[t + 1] = state.counters[N_ADOPTED]
    for k in range(state.adopted_before[t], state.adopted_before[t + 1]):
        j = state.adoption_order[k]
        origin = state.agent[j].origin
        by_origin[origin if origin >= 0 else by_origin.size - 1] += 1
        by_community[mixed.community[j]] += 1


@njit(cache=True, inline="always")
def is_quiet(t, params, schedule, state):
    """True when nothing can happen after day ``t`` (as :func:`sim.kernels.diffusion.is_quiet`:
    no seed posts left, no adopter still posting, no external influence, no Bass candidate)."""
    if state.counters[SEED_CURSOR] < schedule.nodes.size or params.external_p > 0.0:
        return False
    if (
        params.rule == BASS
        and state.counters[N_POSTERS] > 0
        and state.counters[N_ADOPTED] < state.flags.size
    ):
        return False
    window_start = state.adopted_before[max(t + 1 - params.active_steps, 0)]
    return state.adopted_before[t + 1] == window_start


@njit(cache=True)
def reset(state):
    """Return the state to "nothing happened" (every agent: O(N))."""
    for j in range(state.flags.size):
        record = state.agent[j]
        record.adopt_time = -1
        record.first_seen = -1
        record.origin = -1
        record.n_sources = 0
        record.influence_time = -1
        record.influence = 0.0
    state.flags[:] = 0
    state.has_posted[:] = False
    state.counters[:] = 0
    state.counters[FIELD_TIME] = -1
    state.field[0] = 0.0


@njit(cache=True)
def sync(mixed, params, state):
    """Write the influence and distinct sources of every agent that has not adopted into its
    record, so the views read the general kernel's values."""
    since = state.counters[FIELD_TIME]
    counts = params.rule == THRESHOLD or params.rule == FRACTIONAL
    for j in range(state.flags.size):
        if state.flags[j] & ADOPTED:
            continue
        record = state.agent[j]
        if counts:
            record.n_sources = state.counters[N_POSTERS]
        if since >= 0:
            record.influence = mixed.interest[j] * state.field[0]
            record.influence_time = since


@njit(cache=True)
def run_day(t, key, mixed, params, schedule, state, stats, by_origin, by_community):
    """:func:`advance` as an entry point for stepping from Python, followed by :func:`sync`."""
    advance(t, key, mixed, params, schedule, state, stats, by_origin, by_community)
    sync(mixed, params, state)


@njit(cache=True, nogil=True)
def run_batch(
    keys, mixed, params, schedule, state, step_stats, by_origin, by_community, keep_last
):  # fmt: skip
    """Run one replication per key, ``params.steps`` days each, on one thread.

    keys : uint64 (R,). step_stats : int64 (R, steps, N_STEP_STATS), zeroed by the caller.
    by_origin : int64 (R, G + 1). by_community : int64 (R, C). The state must be fresh (or
    reset); it is reset before each replication after the first, and after the last unless
    ``keep_last`` (then synced for the views). Runs without the GIL: threads with distinct
    states and distinct output rows may call it at once.
    """
    for r in range(keys.size):
        if r > 0:
            reset(state)
        for t in range(params.steps):
            advance(t, keys[r], mixed, params, schedule, state, step_stats[r, t], by_origin[r],
                    by_community[r])  # fmt: skip
            if is_quiet(t, params, schedule, state):
                break
    if keep_last:
        sync(mixed, params, state)
    elif keys.size:
        reset(state)
