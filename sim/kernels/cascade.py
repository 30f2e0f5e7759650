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
wrap-around per access; a follower's flag byte (adopted, aware, seen today and, with fewer
than 31 seeds, its origin) is rewritten from a table (:data:`AWARENESS`), not through branches
that a large cascade makes unpredictable (wiki-Vote at p = 0.05: 19 ms -> 7 ms per 100
replications); and the agents' 32-byte records, read only for the replication whose final
state is kept, are written after that replication from the lists it built (awareness and
adoption in order, day by day), never inside the loop. A first post's draws are made
sixteen at a time (:mod:`sim.kernels.lanes`), so the loop over its followers tests one bit
where it drew a number. The loop reads no array view and calls no helper with array arguments
(either costs two atomic reference counts). The edge lists of the posters a few ahead, an
adopter's offsets as it adopts and the first posters' edge lists as a day begins are
prefetched (:mod:`sim.kernels.prefetch`), so cache misses on a large graph overlap.

Order of one day ``t`` (as in :mod:`sim.kernels.diffusion`): the seeds scheduled on day ``t``
adopt and post (weight ``sponsored_weight``); then the adopters of day ``t - 1`` that are not
seeds post (weight 1); every post reaches every follower, marks it aware (attributed to the
poster's origin; on the day a follower is first seen the lowest seed index wins) and, on the
poster's first post, converts it with probability ``tie * expertise * interest * weight``.

:func:`run_spread` is the same cascade when only its final counts are wanted (an influence
estimate, an optimiser's objective): who adopts does not depend on who merely saw a post, so it
keeps no awareness, origins or day rows, draws a post's edges sixteen at a time
(:mod:`sim.kernels.lanes`) and touches a follower only when the edge's draw succeeds.
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
from sim.kernels.lanes import LANES, draws_below, draws_below_ties, lowest_bit
from sim.kernels.prefetch import prefetch

SPREAD_ADOPTED = np.uint8(1)
SPREAD_POSTED = np.uint8(2)  # a seed's first scheduled post is behind it (skip repeats)
SPREAD_SEED = np.uint8(4)  # a seed: kept in the scratch flags across replications
SPREAD_AHEAD = 8
"""Posts ahead whose offsets :func:`run_spread` prefetches (their edges: half as far ahead)."""

ORIGIN_SHIFT = 3
LOW_BITS = np.uint8((1 << ORIGIN_SHIFT) - 1)  # ADOPTED | AWARE | SEEN_TODAY
MAX_PACKED_ORIGINS = (1 << (8 - ORIGIN_SHIFT)) - 1
"""With fewer seeds than this, an agent's origin + 1 is kept in its flag byte's upper five bits
(one byte read and written per exposure instead of a byte and an int32 in another array)."""


def _awareness_table() -> np.ndarray:
    """A post's effect on a follower's flag byte (packed origins), uint8 (32 * 256): entry
    ``code * 256 + flags`` for a poster whose origin code (origin + 1) is ``code``. A fresh
    follower becomes aware and seen today with that origin; one first seen today keeps the
    lower seed index (no origin ranks last); any other byte stays as it is. Seeds are never
    "seen today" once they adopt, so their own origin stands without a test per edge. Row 0
    (no origin) is the flag bits alone, for origins kept in their own array."""
    table = np.empty((MAX_PACKED_ORIGINS + 1, 256), np.uint8)
    for code in range(MAX_PACKED_ORIGINS + 1):
        for flags in range(256):
            low, held = flags & LOW_BITS, flags >> ORIGIN_SHIFT
            if low == 0:
                table[code, flags] = (code << ORIGIN_SHIFT) | AWARE | SEEN_TODAY
            elif low & SEEN_TODAY:
                lower = code if held == 0 else held if code == 0 else min(held, code)
                table[code, flags] = (lower << ORIGIN_SHIFT) | low
            else:
                table[code, flags] = flags
    return table.ravel()


AWARENESS = _awareness_table()
"""A follower's new flag byte after a post, at ``(origin + 1) * 256 + flags`` (uint8)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_ONE = np.uint64(1)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_TWO53 = 9007199254740992.0
_LANES = np.uint64(LANES)


@njit(cache=True, inline="always")
def constants(uniform):
    """The final-counts kernels' ``uniform`` float64 (3,) (one tie, expertise and interest
    everywhere, or -1): whether each is one value, and the three values as float32 (the same
    float32 every entry holds where it is one value)."""
    return (
        uniform[0] >= 0, uniform[1] >= 0, uniform[2] >= 0,
        np.float32(uniform[0]), np.float32(uniform[1]), np.float32(uniform[2]),
    )  # fmt: skip


@njit(cache=True, inline="always")
def _bits(base, e):
    """The 53 bits behind :func:`_uniform` (``_uniform == _bits * 2**-53``)."""
    return mix64(base + (e + _ONE) * _GOLDEN) >> _S11


@njit(cache=True, inline="always")
def _uniform(base, e):
    """:func:`sim.kernels.counter_rng.uniform` for an unsigned edge index ``e`` (the same
    number: the index arithmetic stays unsigned, so no wrap-around check is emitted)."""
    return float(_bits(base, e)) * _TO_UNIT


@njit(cache=True, inline="always")
def _cut(bound):
    """The integer ``c`` with ``_bits < c`` exactly when ``_uniform < bound``: a draw is
    ``k * 2**-53`` for an integer ``k < 2**53``, and ``k < B`` is ``k < ceil(B)`` for any real
    ``B``; capped at ``2**53`` (every draw is below a bound >= 1)."""
    return np.uint64(min(np.ceil(bound * _TWO53), _TWO53))


@njit(cache=True)
def run_block(
    keys, lo, hi, keep_last, indptr, indices, tie0, expertise, interest, uniform, is_seed,
    community, seed_nodes, seed_steps, seed_origin, steps, sponsored_weight, record, flags,
    has_posted, order, touched, adopted_before, counters, origin_of, step_stats, by_origin,
    by_community,
):  # fmt: skip
    """Replications ``lo .. hi - 1`` of ``keys`` on the textbook IC path, each reset after it
    (except the last when ``keep_last``, so its final state can be read).

    The arrays are the fields of :class:`sim.kernels.diffusion.Graph` (indptr, indices, tie0),
    ``Agents`` (expertise, interest, is_seed, community), ``Schedule`` (seed_nodes, seed_steps,
    seed_origin), ``uniform`` as in :func:`run_spread` (a tie, expertise or interest that is
    one value everywhere is not read: at 10^5 agents those reads were a quarter of the time
    of small cascades) and ``State`` (record = agent, flags, has_posted, order = adoption_order,
    touched = touched_list, adopted_before, counters, origin_of), same dtypes and shapes,
    passed one by one: the loop then reads no tuple and takes no array view, so a replication
    costs only what it does. ``steps`` int, ``sponsored_weight`` float. ``step_stats`` int64
    (R, steps, N_STEP_STATS), ``by_origin`` int64 (R, G + 1) and ``by_community`` int64 (R, C)
    are zeroed by the caller and indexed by replication; this path writes a day's row once,
    from counts kept in registers, and adds each adopter into the origin and community rows.

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
    one_tie, one_expertise, one_interest, tie, expertise_all, interest_all = constants(uniform)
    n_scheduled = seed_nodes.size
    no_origin = by_origin.shape[1] - 1
    fresh_bits = ADOPTED | AWARE | SEEN_TODAY  # none set: a follower reached for the first time
    packed = no_origin < MAX_PACKED_ORIGINS  # origins live in the flag byte's upper bits
    for r in range(lo, hi):
        kept = keep_last and r == hi - 1  # this replication's final state is read: fill records
        base = stream_base(keys[r], STREAM_CASCADE, 0)
        n_adopted = 0
        n_touched = 0
        cursor = 0
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
                    # the seed's origin, written out: a helper taking the two arrays here
                    # would count references to them (atomic) for every seed
                    if packed:
                        flags[i] = (flags[i] & LOW_BITS) | _pack(seed_origin[cursor])
                    else:
                        origin_of[i] = seed_origin[cursor]
                    if not flags[i] & AWARE:  # not "seen today": its own origin stands
                        flags[i] |= AWARE
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
            organic_hi = adopted_before[t]
            n_posts = cursor - first_seed_post + organic_hi - organic_lo
            # the first posters' edge lists (offsets prefetched as they adopted), as in
            # run_spread: a small cascade's few misses of the day overlap
            for k in range(organic_lo, min(organic_hi, organic_lo + SPREAD_AHEAD // 2)):
                ahead = indptr[np.uint64(order[k])]
                prefetch(indices, ahead)
                if not one_tie:
                    prefetch(tie0, ahead)
            # 2. expose: seed posts in schedule order, then yesterday's organic adopters
            for p in range(n_posts):
                if first_seed_post + p < cursor:
                    i = np.uint64(seed_nodes[first_seed_post + p])
                    weight = sponsored
                else:
                    k = organic_lo + first_seed_post + p - cursor
                    if k + SPREAD_AHEAD < organic_hi:  # offsets and edges a few posts ahead
                        prefetch(indptr, order[k + SPREAD_AHEAD])
                    if k + SPREAD_AHEAD // 2 < organic_hi:
                        ahead = indptr[np.uint64(order[k + SPREAD_AHEAD // 2])]
                        prefetch(indices, ahead)
                        if not one_tie:
                            prefetch(tie0, ahead)
                    i = np.uint64(order[k])
                    if is_seed[i]:
                        continue
                    weight = organic
                    posts += 1
                first_post = not has_posted[i]
                has_posted[i] = True
                source_origin = _origin(flags, origin_of, i, packed)
                # its AWARENESS row (origins kept apart: row 0, the flag bits alone)
                row = np.uint64(source_origin + 1) << np.uint64(8) if packed else np.uint64(0)
                source_expertise = expertise_all if one_expertise else expertise[i]
                start, stop = np.uint64(indptr[i]), np.uint64(indptr[i + _ONE])
                edges += np.int64(stop - start)
                cut = _cut(tie * source_expertise * weight) if one_tie else _ONE
                for block in range(start, stop, _LANES):
                    # this post's draws, sixteen at once (none after its first post)
                    if not first_post:
                        hit = np.uint64(0)
                    elif one_tie:
                        hit = draws_below(base, block, stop, cut)
                    else:
                        hit = draws_below_ties(base, block, stop, tie0, source_expertise, weight)
                    for e in range(block, min(block + _LANES, stop)):
                        j = np.uint64(indices[e])
                        f = flags[j]
                        # without a branch on the follower (fresh, aware, adopted: a coin to
                        # the predictor once a cascade is large): its new flag byte from the
                        # table, the follower listed in any case and counted when fresh
                        # (``touched`` has a spare slot)
                        flags[j] = AWARENESS[row + f]
                        fresh = f & fresh_bits == 0
                        touched[np.uint64(n_touched)] = j
                        n_touched += fresh
                        new_aware += fresh
                        if not packed:  # the origin kept beside the flags
                            if fresh:
                                origin_of[j] = source_origin
                            elif f & SEEN_TODAY:
                                origin_of[j] = earlier_origin(origin_of[j], source_origin)
                        if not (hit >> (e - block)) & _ONE or f & ADOPTED:
                            continue  # the draw failed, or the follower has adopted
                        bound = (tie if one_tie else tie0[e]) * source_expertise * weight
                        interest_j = interest_all if one_interest else interest[j]
                        if _uniform(base, e) < bound * interest_j:
                            flags[j] |= ADOPTED
                            prefetch(indptr, j)  # it posts tomorrow
                            order[np.uint64(n_adopted)] = j
                            n_adopted += 1
                            if is_seed[j]:  # not "seen today": its own origin stands
                                flags[j] &= NOT_SEEN_TODAY
                                new_seed_adopters += 1
            # 4. record (stored, not added: the row is zero and a store does not wait for it)
            adopted_before[t + 1] = n_adopted
            step_stats[r, t, POSTS] = posts
            step_stats[r, t, EDGES_TOUCHED] = edges
            step_stats[r, t, EXPOSURES] = edges  # full attention: every edge is an exposure
            step_stats[r, t, NEW_AWARE] = new_aware
            step_stats[r, t, NEW_SEED_ADOPTERS] = new_seed_adopters
            step_stats[r, t, NEW_ADOPTERS] = n_adopted - adopted_before[t]
            for k in range(aware_before, n_touched):
                flags[np.uint64(touched[k])] &= NOT_SEEN_TODAY
            if cursor >= n_scheduled and n_adopted == adopted_before[t]:
                break  # quiet: no seed post left and nobody to post tomorrow
        days = min(t + 1, steps)
        # adoptions by origin and community, added into the rows (zero on entry; an adopter's
        # origin is final once its first day ends); one community: every adopter is in it
        if by_community.shape[1] == 1:
            by_community[r, 0] = n_adopted
            for k in range(n_adopted):
                by_origin[r, _slot(flags, origin_of, np.uint64(order[k]), packed, no_origin)] += 1
        else:
            for k in range(n_adopted):
                j = np.uint64(order[k])
                by_origin[r, _slot(flags, origin_of, j, packed, no_origin)] += 1
                by_community[r, community[j]] += 1
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
                aware_hi = aware_lo + step_stats[r, d, NEW_AWARE]
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


@njit(cache=True, nogil=True)
def run_spread(
    keys, indptr, indices, tie0, expertise, interest, uniform, seed_nodes, seed_steps, steps,
    sponsored_weight, flags, order, counts,
):  # fmt: skip
    """Final counts of one textbook-IC replication per key: ``counts[r]`` = (adopters, seeds
    among them, adopters of the last step), int64 (R, 3), the numbers :func:`run_block` gives
    (``new_adopters`` summed, ``new_seed_adopters`` summed, ``new_adopters`` of the last step).

    The arrays are those of :func:`run_block` (graph, agents, schedule). ``uniform`` float64
    (3,) holds the one value every tie, every expertise and every interest has, or -1 where
    they differ: a constant is then not read per edge or per agent (at 10^6 agents each array
    read is a cache miss). ``flags`` uint8 (N,) is scratch holding :data:`SPREAD_SEED` for the
    seeds and nothing else on entry, and left so (the seed bit sits beside the adoption bit,
    read in the same byte); ``order`` int32 (N + 1,) is scratch.

    The same posts in the same order and the same draws as :func:`run_block`: an edge converts
    its follower when the follower has not adopted, ``u < tie * expertise * weight`` and
    ``u < that * interest``, so the same agents adopt on the same days; what is skipped is
    everything that only records who saw what. A post's edges are drawn sixteen at a time in
    SIMD lanes (:mod:`sim.kernels.lanes`; with one tie everywhere the draws' bits are compared
    with one integer cut, :func:`_cut`), and only the successes are visited: the follower is
    read and converted without a branch (with p = 0.2 a branch on the coin would be
    mispredicted a fifth of the time). Reading the followers first instead, to skip the draws
    of those who have adopted, no longer pays even in large cascades: a draw costs less than
    the follower's flag byte.

    The edge lists of the posts a few ahead are prefetched (:mod:`sim.kernels.prefetch`): in a
    large cascade on a large graph each is a cache miss, and the misses then overlap. So are an
    adopter's offsets as it adopts and the first posters' edge lists as a day begins, so the
    few misses of a small cascade's day overlap too.
    """
    sponsored = np.float32(sponsored_weight)
    organic = np.float32(1.0)
    one_tie, one_expertise, one_interest, tie, expertise_all, interest_all = constants(uniform)
    n_scheduled = seed_nodes.size
    for r in range(keys.size):
        base = stream_base(keys[r], STREAM_CASCADE, 0)
        n_adopted = 0
        seed_adopters = 0
        last_step = 0
        cursor = 0
        yesterday = 0  # first adopter of the previous step in ``order``
        for t in range(steps):
            today = n_adopted
            first_seed_post = cursor
            while cursor < n_scheduled and seed_steps[cursor] == t:  # the step's seeds adopt
                i = np.uint64(seed_nodes[cursor])
                if not flags[i] & SPREAD_ADOPTED:
                    flags[i] |= SPREAD_ADOPTED
                    order[np.uint64(n_adopted)] = i
                    n_adopted += 1
                    seed_adopters += 1
                cursor += 1
            # the edge lists of the first organic posters (their offsets were prefetched when
            # they adopted): a small cascade's few misses of the day then overlap
            for k in range(yesterday, min(today, yesterday + SPREAD_AHEAD // 2)):
                ahead = indptr[np.uint64(order[k])]
                prefetch(indices, ahead)
                if not one_tie:
                    prefetch(tie0, ahead)
            # posts: the step's seed posts in schedule order, then yesterday's organic adopters
            n_posts = cursor - first_seed_post + today - yesterday
            for p in range(n_posts):
                if first_seed_post + p < cursor:
                    i = np.uint64(seed_nodes[first_seed_post + p])
                    if flags[i] & SPREAD_POSTED:
                        continue  # a repeat would draw its first post's numbers: no news
                    flags[i] |= SPREAD_POSTED
                    weight = sponsored
                else:
                    k = yesterday + first_seed_post + p - cursor
                    # two steps ahead: the offsets of the poster after next and the edges of
                    # the next but three (large cascades: misses overlap instead of queueing)
                    if k + SPREAD_AHEAD < today:
                        prefetch(indptr, order[k + SPREAD_AHEAD])
                    if k + SPREAD_AHEAD // 2 < today:
                        ahead = indptr[np.uint64(order[k + SPREAD_AHEAD // 2])]
                        prefetch(indices, ahead)
                        if not one_tie:
                            prefetch(tie0, ahead)
                    i = np.uint64(order[k])
                    if flags[i] & SPREAD_SEED:
                        continue  # seeds post on their schedule only
                    weight = organic
                source_expertise = expertise_all if one_expertise else expertise[i]
                start, stop = np.uint64(indptr[i]), np.uint64(indptr[i + _ONE])
                # draw sixteen edges at once and visit the successes only; a success is then
                # converted without a branch (with p = 0.2 one on the coin would be
                # mispredicted a fifth of the time)
                cut = _cut(tie * source_expertise * weight) if one_tie else _ONE
                for lo in range(start, stop, _LANES):
                    if one_tie:
                        hit = draws_below(base, lo, stop, cut)
                    else:
                        hit = draws_below_ties(base, lo, stop, tie0, source_expertise, weight)
                    while hit:
                        e = lo + lowest_bit(hit)
                        hit &= hit - _ONE
                        j = np.uint64(indices[e])
                        f = flags[j]
                        fresh = f & SPREAD_ADOPTED == 0
                        bound = (tie if one_tie else tie0[e]) * source_expertise * weight
                        interest_j = interest_all if one_interest else interest[j]
                        convert = fresh & (_uniform(base, e) < bound * interest_j)
                        prefetch(indptr, j)  # it may post tomorrow
                        order[np.uint64(n_adopted)] = j  # kept only when it converts
                        n_adopted += convert
                        flags[j] = f | np.uint8(convert)
                        seed_adopters += convert & ((f & SPREAD_SEED) != 0)
            yesterday = today
            if t == steps - 1:
                last_step = n_adopted - today
            if cursor >= n_scheduled and n_adopted == today:
                break  # quiet: no seed post left and nobody to post tomorrow
        counts[r, 0] = n_adopted
        counts[r, 1] = seed_adopters
        counts[r, 2] = last_step
        for k in range(n_adopted):  # only adopters were marked
            flags[np.uint64(order[k])] &= SPREAD_SEED
