"""The textbook independent-cascade path: the ``cascade`` rule when its settings reduce to the
Kempe–Kleinberg–Tardos model, run as a frontier sweep with nothing else in the loop.

This module imports only numpy and numba. The caller (:mod:`sim.model.engine`) takes this path
only when every agent posts and sees every post for certain (activity and attention 1), an
adopter posts for one day (``active_steps = 1``), ties neither decay nor grow and there is no
external influence. Under those settings :func:`sim.kernels.diffusion.advance` does exactly what
:func:`run_block` does, in the same order and with the same counter-based draws
(``uniform(stream_base(key, STREAM_CASCADE, 0), e)`` for the one chance of edge ``e``), so every
number and every agent's final state are identical; ``tests/test_kernel_paths.py`` checks it
draw for draw. What it saves is the general kernel's per-edge tests (attention, tie updates,
the rule switch), the post buffer, and the per-day work of the other rules: the day's counts
stay in registers and are written once.

What keeps the loop lean: every array index is unsigned, so numba emits no negative-index
wrap-around per access; a fresh follower (the common case: not yet aware, not adopted) takes one
test on its flag byte; and the agents' 32-byte records, read only for the replication whose
final state is kept, are written after that replication from the lists it built (awareness
and adoption in order, day by day), never inside the loop.

Order of one day ``t`` (as in :mod:`sim.kernels.diffusion`): the seeds scheduled on day ``t``
adopt and post (weight ``sponsored_weight``); then the adopters of day ``t - 1`` that are not
seeds post (weight 1); every post reaches every follower, marks it aware (attributed to the
poster's origin; on the day a follower is first seen the lowest seed index wins) and, on the
poster's first post, converts it with probability ``tie * expertise * interest * weight``.
"""

import numpy as np
from numba import njit

from sim.kernels.counter_rng import STREAM_CASCADE, mix64, stream_base
from sim.kernels.diffusion import (
    ADOPTED,
    AWARE,
    EDGES_TOUCHED,
    EXPOSURES,
    N_ADOPTED,
    N_TOUCHED,
    NEW_ADOPTERS,
    NEW_AWARE,
    NEW_SEED_ADOPTERS,
    NOT_SEEN_TODAY,
    POSTS,
    SEED_CURSOR,
    SEEN_TODAY,
    earlier_origin,
)

ORIGIN_SHIFT = 3
LOW_BITS = np.uint8((1 << ORIGIN_SHIFT) - 1)  # ADOPTED | AWARE | SEEN_TODAY
MAX_PACKED_ORIGINS = (1 << (8 - ORIGIN_SHIFT)) - 1
"""With fewer seeds than this, an agent's origin + 1 is kept in its flag byte's upper five bits
(one byte read and written per exposure instead of a byte and an int32 in another array)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_ONE = np.uint64(1)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _uniform(base, e):
    """:func:`sim.kernels.counter_rng.uniform` for an unsigned edge index ``e`` (the same
    number: the index arithmetic stays unsigned, so no wrap-around check is emitted)."""
    z = mix64(base + (e + _ONE) * _GOLDEN)
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True)
def run_block(
    keys, lo, hi, keep_last, indptr, indices, tie0, expertise, interest, is_seed, community,
    seed_nodes, seed_steps, seed_origin, steps, sponsored_weight, record, flags, has_posted,
    order, touched, adopted_before, counters, origin_of, step_stats, by_origin, by_community,
):  # fmt: skip
    """Replications ``lo .. hi - 1`` of ``keys`` on the textbook IC path, each reset after it
    (except the last when ``keep_last``, so its final state can be read).

    The arrays are the fields of :class:`sim.kernels.diffusion.Graph` (indptr, indices, tie0),
    ``Agents`` (expertise, interest, is_seed, community), ``Schedule`` (seed_nodes, seed_steps,
    seed_origin) and ``State`` (record = agent, flags, has_posted, order = adoption_order,
    touched = touched_list, adopted_before, counters, origin_of), same dtypes and shapes,
    passed one by one: the loop then reads no tuple and takes no array view, so a replication
    costs only what it does. ``steps`` int, ``sponsored_weight`` float. ``step_stats`` int64
    (R, steps, N_STEP_STATS), ``by_origin`` int64 (R, G + 1) and ``by_community`` int64 (R, C)
    are zeroed by the caller and indexed by replication; this path stores into them (a
    replication's rows are written once, from counts kept in registers and small buffers).

    The state must be fresh or reset (counters zero); only the kept replication writes the
    counters. The replications whose state is not kept work on the one-byte flags (adopted,
    aware, seen today) and the compact ``origin_of``, and reset only those. For the kept one,
    the 32-byte agent records are filled at its end: ``touched`` lists the agents in the order
    they became aware (``step_stats[r, d, NEW_AWARE]`` of them on day ``d``) and ``order`` the
    adopters in the order they adopted (``adopted_before`` bounds each day), so each record
    gets its day of first exposure, of adoption and its origin without a record write in the
    loop.
    """
    sponsored = np.float32(sponsored_weight)
    organic = np.float32(1.0)
    n_scheduled = seed_nodes.size
    no_origin = by_origin.shape[1] - 1
    fresh_bits = ADOPTED | AWARE | SEEN_TODAY  # none set: a follower reached for the first time
    packed = no_origin < MAX_PACKED_ORIGINS  # origins live in the flag byte's upper bits
    origin_count = np.zeros(by_origin.shape[1], np.int64)
    community_count = np.zeros(by_community.shape[1], np.int64)
    for r in range(lo, hi):
        kept = keep_last and r == hi - 1  # this replication's final state is read: fill records
        base = stream_base(keys[r], STREAM_CASCADE, 0)
        n_adopted = 0
        n_touched = 0
        cursor = 0
        stats = step_stats[r]
        for t in range(steps):
            adopted_before[t] = n_adopted
            aware_before = n_touched
            new_aware = 0
            new_seed_adopters = 0
            edges = 0
            # 1. post: the day's seeds adopt (all before any exposure) and post below
            first_seed_post = cursor
            while cursor < n_scheduled and seed_steps[cursor] == t:
                i = np.uint64(seed_nodes[cursor])
                if not flags[i] & ADOPTED:
                    _set_origin(flags, origin_of, i, seed_origin[cursor], packed)
                    if not flags[i] & AWARE:
                        flags[i] |= AWARE | SEEN_TODAY
                        touched[np.uint64(n_touched)] = i
                        n_touched += 1
                        new_aware += 1
                    flags[i] |= ADOPTED
                    order[np.uint64(n_adopted)] = i
                    n_adopted += 1
                    new_seed_adopters += 1  # every scheduled agent is a seed
                cursor += 1
            posts = cursor - first_seed_post
            organic_lo = adopted_before[t - 1] if t > 0 else 0
            n_posts = cursor - first_seed_post + adopted_before[t] - organic_lo
            # 2. expose: seed posts in schedule order, then yesterday's organic adopters
            for p in range(n_posts):
                if first_seed_post + p < cursor:
                    i = np.uint64(seed_nodes[first_seed_post + p])
                    weight = sponsored
                else:
                    i = np.uint64(order[organic_lo + first_seed_post + p - cursor])
                    if is_seed[i]:
                        continue
                    weight = organic
                    posts += 1
                first_post = not has_posted[i]
                has_posted[i] = True
                source_origin = _origin(flags, origin_of, i, packed)
                source_bits = _pack(source_origin) if packed else np.uint8(0)
                source_expertise = expertise[i]
                start, stop = np.uint64(indptr[i]), np.uint64(indptr[i + _ONE])
                edges += np.int64(stop - start)
                for e in range(start, stop):
                    j = np.uint64(indices[e])
                    f = flags[j]
                    if f & fresh_bits == 0:
                        if packed:
                            flags[j] = source_bits | AWARE | SEEN_TODAY
                        else:
                            origin_of[j] = source_origin
                            flags[j] = AWARE | SEEN_TODAY
                        touched[np.uint64(n_touched)] = j
                        n_touched += 1
                        new_aware += 1
                    elif f & SEEN_TODAY:
                        if f & ADOPTED:
                            if not is_seed[j]:
                                _lower_origin(flags, origin_of, j, source_origin, packed)
                            continue
                        _lower_origin(flags, origin_of, j, source_origin, packed)
                    elif f & ADOPTED:
                        continue
                    if not first_post:
                        continue
                    u = _uniform(base, e)
                    bound = tie0[e] * source_expertise * weight
                    if u < bound and u < bound * interest[j]:
                        flags[j] |= ADOPTED
                        order[np.uint64(n_adopted)] = j
                        n_adopted += 1
                        if is_seed[j]:
                            new_seed_adopters += 1
            # 4. record (stored, not added: the row is zero and a store does not wait for it)
            adopted_before[t + 1] = n_adopted
            day = stats[t]
            day[POSTS] = posts
            day[EDGES_TOUCHED] = edges
            day[EXPOSURES] = edges  # full attention: every edge is an exposure
            day[NEW_AWARE] = new_aware
            day[NEW_SEED_ADOPTERS] = new_seed_adopters
            day[NEW_ADOPTERS] = n_adopted - adopted_before[t]
            for k in range(aware_before, n_touched):
                flags[np.uint64(touched[k])] &= NOT_SEEN_TODAY
            if cursor >= n_scheduled and n_adopted == adopted_before[t]:
                break  # quiet: no seed post left and nobody to post tomorrow
        days = min(t + 1, steps)
        # adoptions by origin and community: counted here, then stored into the row (an
        # adopter's origin is final once its first day ends)
        for k in range(n_adopted):
            j = np.uint64(order[k])
            origin_count[_slot(flags, origin_of, j, packed, no_origin)] += 1
            community_count[community[j]] += 1
        for k in range(n_adopted):
            j = np.uint64(order[k])
            slot = _slot(flags, origin_of, j, packed, no_origin)
            by_origin[r, slot] = origin_count[slot]
            by_community[r, community[j]] = community_count[community[j]]
        for k in range(n_adopted):
            j = np.uint64(order[k])
            origin_count[_slot(flags, origin_of, j, packed, no_origin)] = 0
            community_count[community[j]] = 0
        if kept:
            counters[N_ADOPTED] = n_adopted
            counters[SEED_CURSOR] = cursor
            counters[N_TOUCHED] = n_touched
            for k in range(n_touched):
                j = np.uint64(touched[k])
                origin_of[j] = _origin(flags, origin_of, j, packed)
                record[j].origin = origin_of[j]
                flags[j] &= ADOPTED | AWARE  # the general kernel's flags (no origin bits)
            aware_lo = 0
            for d in range(days):
                aware_hi = aware_lo + stats[d, NEW_AWARE]
                for k in range(aware_lo, aware_hi):
                    record[np.uint64(touched[k])].first_seen = d
                aware_lo = aware_hi
                for k in range(adopted_before[d], adopted_before[d + 1]):
                    record[np.uint64(order[k])].adopt_time = d
        else:  # reset what this replication changed: flags and posts (records untouched)
            for k in range(n_touched):
                flags[np.uint64(touched[k])] = 0
            for k in range(n_adopted):  # only adopters post
                has_posted[np.uint64(order[k])] = False
            # counters untouched: still zero (threads' counters share cache lines)


@njit(cache=True, inline="always")
def _pack(origin):
    """An origin (-1 or a seed index below MAX_PACKED_ORIGINS) as the flag byte's upper bits."""
    return np.uint8((origin + 1) << ORIGIN_SHIFT)


@njit(cache=True, inline="always")
def _origin(flags, origin_of, j, packed):
    """Agent ``j``'s origin: from its flag byte when ``packed``, else from ``origin_of``."""
    if packed:
        return np.int32(flags[j] >> ORIGIN_SHIFT) - 1
    return origin_of[j]


@njit(cache=True, inline="always")
def _slot(flags, origin_of, j, packed, no_origin):
    """Agent ``j``'s column of ``by_origin``: its origin, or the last column for none."""
    origin = _origin(flags, origin_of, j, packed)
    return origin if origin >= 0 else no_origin


@njit(cache=True, inline="always")
def _set_origin(flags, origin_of, j, origin, packed):
    if packed:
        flags[j] = (flags[j] & LOW_BITS) | _pack(origin)
    else:
        origin_of[j] = origin


@njit(cache=True, inline="always")
def _lower_origin(flags, origin_of, j, origin, packed):
    """A second cascade reaching ``j`` on its first day: the lower seed index wins."""
    _set_origin(
        flags, origin_of, j, earlier_origin(_origin(flags, origin_of, j, packed), origin), packed
    )
