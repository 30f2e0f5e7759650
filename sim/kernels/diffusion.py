"""The diffusion kernel: one family of adoption rules over CSR arrays.

This module imports only numpy and numba. It sees arrays (grouped in named tuples) and writes
into arrays its caller allocated; checking, seeding and tables happen in
:mod:`sim.model.engine` and above.

Order of one step ``t`` (synchronous: an agent that adopts on day ``t`` posts from ``t + 1``)
----------------------------------------------------------------------------------------------
0. **instigators** - on day 0 only, the agents listed in ``Agents.instigators`` adopt (origin
   -1, none), before anything is posted.
1. **post** - the scheduled seed posts of day ``t`` (certain, weight ``sponsored_weight``; a
   seed that has not adopted yet adopts now), then every organic adopter inside its active
   period (adopted on days ``t - active_steps .. t - 1``, not a seed) with probability
   ``activity[i]`` (weight 1).
2. **expose** - each post of ``i`` reaches each follower ``j`` with probability
   ``attention[i]``. A seen post brings the tie up to date (**decay**, lazily: the stored value
   times ``2 ** (-(t - tie_time) / tie_half_life)``), uses it, then reinforces it
   (``min(1, tie + reinforcement)``, time stamp ``t``). Trust is
   ``tie * expertise[i] * interest[j]``. For a non-adopter ``j`` the exposure marks it aware
   (and attributes it to the poster's origin on the first exposure), counts a distinct source on
   the edge's first exposure, and feeds the rule:

   - ``threshold``: every seen post adds ``trust * weight`` to the influence (which fades with
     ``memory_half_life``);
   - ``fractional`` and ``bass``: the first exposure on each edge adds ``trust * weight``;
   - ``cascade``: the first exposure on each edge converts with probability ``trust * weight``.
3. **adopt** - ``threshold``: influence >= threshold and distinct sources >= min_sources;
   ``fractional``: influence >= threshold * norm (norm = the trust the agent places in all the
   accounts it follows) and distinct sources >= min_sources; ``bass``: each agent with influence
   adopts with probability ``q * influence / norm`` (combined with ``p`` below into the exact
   hazard ``p + q * fraction``). Then external influence: every non-adopter adopts with
   probability ``external_p`` per step (Bass's ``p``, advertising), for every rule.
4. **record** - posts, edges touched, exposures, newly aware, new seed adopters and new
   adopters (seeds included) of the day.

The phases are separate compiled functions, each called once a day (inlining them into one
day doubled the first compile for no measured speed); what runs per edge or per adoption is
inlined into them. A step visits only the posters' edges, the agents those edges reach, the
Bass candidates and the external events, so its cost grows with the edges touched, not with
the number of agents.
After a replication only the agents and edges it touched are reset.

Random draws come from :mod:`sim.kernels.counter_rng`, keyed by ``(key, stream, day, index)``.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from sim.kernels.counter_rng import (
    STREAM_ATTENTION,
    STREAM_BASS,
    STREAM_CASCADE,
    STREAM_EXTERNAL,
    STREAM_POST,
    STREAM_REPOST,
    STREAM_TIMING,
    STREAM_VIEW,
    next_hit,
    stream_base,
    uniform,
)
from sim.kernels.prefetch import prefetch

THRESHOLD = 0
FRACTIONAL = 1
CASCADE = 2
BASS = 3
RULE_CODES = {"threshold": THRESHOLD, "fractional": FRACTIONAL, "cascade": CASCADE, "bass": BASS}

# Columns of the per-step statistics array.
POSTS = 0
EDGES_TOUCHED = 1
EXPOSURES = 2
NEW_AWARE = 3
NEW_SEED_ADOPTERS = 4
NEW_ADOPTERS = 5
N_STEP_STATS = 6
STEP_STAT_NAMES = (
    "posts",
    "edges_touched",
    "exposures",
    "new_aware",
    "new_seed_adopters",
    "new_adopters",
)

# Bits of State.flags: a one-byte summary of each agent, read on every exposure so that the
# 32-byte record is touched only when something about the agent changes.
ADOPTED = np.uint8(1)
AWARE = np.uint8(2)
SEEN_TODAY = np.uint8(4)
NOT_SEEN_TODAY = np.uint8(0xFF ^ 4)

# Slots of State.counters.
N_ADOPTED = 0
SEED_CURSOR = 1
N_TOUCHED = 2
N_CANDIDATES = 3
N_CHECKS = 4
N_QUEUED = 5  # delayed exposures in flight
Q_FREE = 6  # first free queue slot + 1 (0: none)
Q_USED = 7  # queue slots ever handed out in this replication
OVERFLOW = 8  # 1 when a delayed exposure found the queue full (the caller grows it and reruns)
N_LIVE_STARTS = 9  # timed adopters whose posting window has not ended
N_COUNTERS = 10

EXPOSE_BLOCK = 64
"""Edges whose attention draws the exposure loop makes at once under partial attention."""
FOLLOWERS_AHEAD = 16
"""Followers ahead in a post's edge list whose record and flag byte the exposure loop
prefetches (on a large graph each is a cache miss)."""
POSTS_AHEAD = 16
"""Posts ahead whose poster's offsets and own fields the exposure loop prefetches (its edge
arrays, the first block of them line by line: half as far ahead): on a large graph each is a
cache miss, and the misses then overlap."""

DENSE_RESET = 8
"""The reset visits every agent in index order once a replication touched at least one agent
in this many (see :func:`reset`)."""

# Delay distribution codes (Delay.kind).
NO_DELAY = 0
EXPONENTIAL = 1
LOGNORMAL = 2
EMPIRICAL = 3

Graph = namedtuple("Graph", ["indptr", "indices", "tie0", "appear", "expire"])
Graph.__doc__ = """CSR by source. indptr int64 (N+1); indices int32 (E) followers; tie0 float32
(E), each tie's strength at step 0 (or on appearing); appear, expire int32 (E, or empty when
ties never change): a tie exists on steps ``appear <= t < expire``."""

Agents = namedtuple(
    "Agents",
    [
        "expertise",
        "interest",
        "threshold",
        "min_sources",
        "activity",
        "attention",
        "norm",
        "community",
        "is_seed",
        "instigators",
    ],
)
Agents.__doc__ = """Per-agent inputs, all shape (N,).

expertise, interest : float32, credibility and relevance on the campaign topic, 0..1.
threshold : float64, rule threshold. min_sources : int32, distinct sources needed.
activity : float32, chance to post per active day. attention : float32, chance that a follower
sees one post of this agent. norm : float64, total trust an agent places in all it follows
(the denominator of ``fractional`` and ``bass``). community : int32, 0..C-1.
is_seed : bool, agents whose posts are scheduled (they do not post organically).
instigators : int32 (I,), sorted ids that adopt at the start of day 0 whatever they see
(Granovetter's instigators: threshold <= 0 under ``threshold`` and ``fractional``; empty
otherwise).
"""

Params = namedtuple(
    "Params",
    [
        "rule",
        "steps",
        "active_steps",
        "inv_tie_half_life",
        "reinforcement",
        "inv_memory_half_life",
        "external_p",
        "bass_q",
        "sponsored_weight",
        "tie_decay",
        "memory_decay",
        "step_hours",
        "timed",
        "tracing",
        "view_delay",
        "repost_delay",
        "changing_ties",
    ],
)
Params.__doc__ = """Scalars: rule code (int), steps (int), active_steps (int), 1/tie half-life
(0 = no decay), tie reinforcement per seen post, 1/memory half-life (0 = no fading),
external adoption probability per step, Bass q, weight of sponsored seed posts; two float64
tables (steps + 1,) of ``2 ** (-d / half_life)`` for ties and memory, indexed by the steps ``d``
since the last update (ones when there is no decay); hours per step (float); ``timed`` (bool:
a delay is set, so times are kept in hours and late exposures queued); ``tracing`` (bool:
record each adopter's parent); the view and repost delays (:data:`Delay`); ``changing_ties``
(bool: ties appear and expire, see ``Graph``)."""

Delay = namedtuple("Delay", ["kind", "a", "b", "values"])
Delay.__doc__ = """A delay distribution in hours: kind (NO_DELAY, EXPONENTIAL: mean ``a``;
LOGNORMAL: log-median ``a``, log-sd ``b``; EMPIRICAL: a draw from the float64 array
``values``)."""

Schedule = namedtuple("Schedule", ["nodes", "steps", "origin"])
Schedule.__doc__ = """Seed posts sorted by step: nodes int32 (S), steps int32 (S), origin int32 (S)
(the attribution id of each post's seed, 0..G-1)."""

AGENT_RECORD = np.dtype(
    [
        ("adopt_time", np.int32),
        ("first_seen", np.int32),
        ("origin", np.int32),
        ("n_sources", np.int32),
        ("influence_time", np.int32),
        ("interest", np.float32),
        ("influence", np.float64),
    ],
    align=True,
)
"""One agent's hot fields in 32 bytes, so an exposure reads one cache line, not seven arrays.

adopt_time, first_seen: day or -1. origin: attribution id or -1. n_sources: distinct accounts
seen. influence_time: day of the last influence update (-1 none). interest: a copy of the
agent's interest in the campaign topic (an input, kept here for locality; never reset).
influence: accumulated influence as of influence_time."""

State = namedtuple(
    "State",
    [
        "agent",
        "flags",
        "has_posted",
        "candidate",
        "tie",
        "tie_time",
        "edge_seen",
        "adoption_order",
        "adopted_before",
        "touched_list",
        "check_list",
        "candidate_list",
        "post_nodes",
        "post_weight",
        "counters",
        "origin_of",
        "hours",
        "parent",
        "post_hours",
        "start_head",
        "start_tail",
        "start_count",
        "start_next",
        "q_head",
        "q_tail",
        "q_next",
        "q_edge",
        "q_poster",
        "q_weight",
        "q_hours",
    ],
)
State.__doc__ = """Mutable state of one replication (see :func:`sim.model.state.allocate_state`).

Per agent (N): agent AGENT_RECORD, flags uint8 (ADOPTED | AWARE | SEEN_TODAY), has_posted
bool, candidate bool. Per edge (E): tie float32, tie_time int32, edge_seen bool. Work lists:
adoption_order int32 (N), adopted_before int64 (steps + 1), touched_list int32 (N + 1: a spare
slot, written without a branch), check_list int32 (N), candidate_list int32 (N), post_nodes
int32 (N + S), post_weight float32 (N + S), counters int64 (N_COUNTERS). origin_of int32 (N):
the textbook cascade path's compact copy of each aware agent's origin (valid where AWARE).

Timing and tracing: hours float64 (N), under delays the time of the agent's latest exposure
and, once it adopts, of its adoption (-1 none); parent int32 (N), with ``tracing`` the poster
whose exposure made the agent adopt (-1: seed, instigator, outside); post_hours float64 (N + S),
the time of each post of the day. Posting windows of timed adopters, one FIFO list per step in
which the window starts: start_head, start_tail, start_count int32 (steps + 1), start_next int32
(N). Delayed exposures, one FIFO list per step at which they are seen: q_head, q_tail int64
(steps + 1) and per slot (the queue's capacity Q; 0 without delays) q_next int64, q_edge int64,
q_poster int32, q_weight float32, q_hours float64.
"""


@njit(cache=True, inline="always")
def _adopt(state, agents, j, t, stats):
    """``j`` adopts on day ``t`` (and is aware from today if it was not, listed for the reset).

    For callers outside the hot loops: each array read from the tuples here costs a reference
    count, so :func:`_expose` and :func:`_adopt_phase` write an adoption out over arrays they
    took out once (their adopters are aware already)."""
    record = state.agent[j]
    if record.first_seen < 0:
        record.first_seen = t
        state.flags[j] |= AWARE | SEEN_TODAY
        state.touched_list[state.counters[N_TOUCHED]] = j
        state.counters[N_TOUCHED] += 1
        stats[NEW_AWARE] += 1
    record.adopt_time = t
    state.flags[j] |= ADOPTED
    state.adoption_order[state.counters[N_ADOPTED]] = j
    state.counters[N_ADOPTED] += 1
    stats[NEW_ADOPTERS] += 1
    if agents.is_seed[j]:
        stats[NEW_SEED_ADOPTERS] += 1


@njit(cache=True, inline="always")
def earlier_origin(a, b):
    """The lower seed index of two origins, where -1 (no seed) ranks last."""
    if a < 0:
        return b
    if b < 0:
        return a
    return min(a, b)


@njit(cache=True, inline="always")
def _delay(delay, base, index):
    """One draw of ``delay`` (hours, >= 0) for ``index`` within the stream ``base``."""
    kind = delay.kind
    if kind == EXPONENTIAL:
        return -delay.a * np.log1p(-uniform(base, index))
    if kind == LOGNORMAL:  # Box-Muller on two draws of the same index
        radius = np.sqrt(-2.0 * np.log1p(-uniform(base, 2 * index)))
        angle = 2.0 * np.pi * uniform(base, 2 * index + 1)
        return np.exp(delay.a + delay.b * radius * np.cos(angle))
    if kind == EMPIRICAL:
        return delay.values[int(uniform(base, index) * delay.values.size)]
    return 0.0


@njit(cache=True)
def _first_post_hours(key, i, adopted_step, adopted_hours, repost_delay, step_hours):
    """When timed adopter ``i`` first posts: its adoption time plus its repost delay, and no
    earlier than the start of the step after it adopted (posting stays synchronous)."""
    repost = _delay(repost_delay, stream_base(key, STREAM_REPOST, 0), i)
    return max(adopted_hours + repost, (adopted_step + 1) * step_hours)


@njit(cache=True)
def _collect_posts(t, key, agents, params, schedule, state, stats):
    """Phase 1: fill the post buffer for day ``t``; returns the number of posts."""
    n_posts = 0
    cursor = state.counters[SEED_CURSOR]
    now = t * params.step_hours
    while cursor < schedule.nodes.size and schedule.steps[cursor] == t:
        i = schedule.nodes[cursor]
        if state.agent[i].adopt_time < 0:
            state.agent[i].origin = schedule.origin[cursor]
            state.hours[i] = now
            state.parent[i] = -1
            _adopt(state, agents, i, t, stats)
        state.post_nodes[n_posts] = i
        state.post_weight[n_posts] = params.sponsored_weight
        state.post_hours[n_posts] = now
        n_posts += 1
        cursor += 1
    state.counters[SEED_CURSOR] = cursor

    post_base = stream_base(key, STREAM_POST, t)
    if params.timed:
        # adopters whose posting window started on one of the last active_steps steps
        first = max(t - params.active_steps + 1, 0)
        for s in range(first, t + 1):
            i = state.start_head[s]
            while i >= 0:
                activity = agents.activity[i]
                if activity >= 1.0 or uniform(post_base, i) < activity:
                    state.post_nodes[n_posts] = i
                    state.post_weight[n_posts] = 1.0
                    offset = (t - s) * params.step_hours
                    state.post_hours[n_posts] = offset + _first_post_hours(
                        key, i, state.agent[i].adopt_time, state.hours[i], params.repost_delay,
                        params.step_hours,
                    )  # fmt: skip
                    n_posts += 1
                i = state.start_next[i]
        if t - params.active_steps + 1 >= 0:
            state.counters[N_LIVE_STARTS] -= state.start_count[t - params.active_steps + 1]
        return n_posts
    lo = state.adopted_before[max(t - params.active_steps, 0)]
    hi = state.adopted_before[t]
    order, is_seed, activity_of = state.adoption_order, agents.is_seed, agents.activity
    post_nodes, post_weight = state.post_nodes, state.post_weight
    for k in range(lo, hi):
        i = order[k]
        if is_seed[i]:
            continue
        activity = activity_of[i]
        if activity < 1.0 and uniform(post_base, i) >= activity:
            continue
        post_nodes[n_posts] = i
        post_weight[n_posts] = 1.0
        n_posts += 1
    return n_posts


@njit(cache=True, inline="always")
def _append(head, tail, following, bucket, item):
    """Append ``item`` to the FIFO list ``bucket`` (lists linked through ``following``)."""
    following[item] = -1
    if tail[bucket] >= 0:
        following[tail[bucket]] = item
    else:
        head[bucket] = item
    tail[bucket] = item


@njit(cache=True)
def _schedule_posting(t, key, agents, params, state):
    """Timed runs: list today's organic adopters under the step their posting window opens."""
    for k in range(state.adopted_before[t], state.counters[N_ADOPTED]):
        i = state.adoption_order[k]
        if agents.is_seed[i]:
            continue
        first = _first_post_hours(key, i, t, state.hours[i], params.repost_delay, params.step_hours)
        s = max(int(first / params.step_hours), t + 1)
        if s >= params.steps:
            continue
        _append(state.start_head, state.start_tail, state.start_next, s, i)
        state.start_count[s] += 1
        state.counters[N_LIVE_STARTS] += 1


@njit(cache=True)
def _expose(t, key, n_posts, graph, agents, params, state, stats):
    """Phase 2: deliver the exposures queued for today (timed runs), then push every post along
    its poster's follower edges; a timed exposure seen on a later step is queued for it.

    One loop serves both sources of exposures, so the per-exposure body exists once. Every
    array it reads is taken out of its tuple once, above the loop, and the work lists' lengths
    are kept in local counters: an array read from a tuple inside the loop costs an atomic
    reference count (a locked instruction, which also waits for every cache miss in flight);
    indices are unsigned, so no wrap-around test is emitted per access."""
    rule = params.rule
    timed = params.timed
    tracing = params.tracing
    attention_base = stream_base(key, STREAM_ATTENTION, t)
    cascade_base = stream_base(key, STREAM_CASCADE, 0)
    view_base = stream_base(key, STREAM_VIEW, t)
    decays_ties = params.inv_tie_half_life > 0.0
    updates_ties = decays_ties or params.reinforcement > 0.0
    fades = params.inv_memory_half_life > 0.0
    counts_sources = rule == THRESHOLD or rule == FRACTIONAL
    reinforcement = params.reinforcement
    tie_decay, memory_decay = params.tie_decay, params.memory_decay
    indptr, indices, tie0 = graph.indptr, graph.indices, graph.tie0
    changing, appear, expire = params.changing_ties, graph.appear, graph.expire
    expertise, attention_of, is_seed = agents.expertise, agents.attention, agents.is_seed
    agent, flag_of, has_posted = state.agent, state.flags, state.has_posted
    tie_now, tie_time, edge_seen = state.tie, state.tie_time, state.edge_seen
    post_nodes, post_weight, post_hours = state.post_nodes, state.post_weight, state.post_hours
    touched_list, check_list = state.touched_list, state.check_list
    candidate, candidate_list = state.candidate, state.candidate_list
    hours, parent, counters = state.hours, state.parent, state.counters
    order = state.adoption_order
    q_next, q_edge, q_poster = state.q_next, state.q_edge, state.q_poster
    q_weight, q_hours = state.q_weight, state.q_hours
    n_touched = counters[N_TOUCHED]
    n_checks = counters[N_CHECKS]
    n_candidates = counters[N_CANDIDATES]
    n_adopted = counters[N_ADOPTED]
    new_adopters = new_seed_adopters = 0
    exposures = 0
    edges_touched = 0
    new_aware = 0
    slot = state.q_head[t] if timed else -1  # the next queued exposure (-1: none left)
    p = 0  # the next post
    e = stop = 0  # the next edge of the current post, and its end
    i = 0
    weight = np.float32(0.0)
    attention = np.float32(1.0)
    posted = 0.0
    first_post = False
    source_origin = -1
    source_expertise = np.float32(0.0)
    hit = np.empty(EXPOSE_BLOCK, np.bool_)  # partial attention: one block's draws
    seen_edges = np.empty(EXPOSE_BLOCK, np.int64)  # and the edges whose follower saw the post
    n_listed = listed = 0
    while True:
        if slot >= 0:  # an exposure queued for today
            edge = q_edge[slot]
            i = q_poster[slot]
            weight = q_weight[slot]
            seen = q_hours[slot]
            following = q_next[slot]
            q_next[slot] = counters[Q_FREE] - 1
            counters[Q_FREE] = slot + 1
            counters[N_QUEUED] -= 1
            slot = following
            if changing and not appear[edge] <= t < expire[edge]:
                continue  # the tie ended while the post was on its way
            source_origin = agent[i].origin
            source_expertise = expertise[i]
            first = not edge_seen[edge]
            edge_seen[edge] = True
        else:
            if listed < n_listed:  # the next follower of the current post who saw it
                edge = seen_edges[listed]
                if listed + FOLLOWERS_AHEAD < n_listed:  # the record of one a few ahead
                    ahead = np.uint64(indices[np.uint64(seen_edges[listed + FOLLOWERS_AHEAD])])
                    prefetch(agent, ahead)
                    prefetch(flag_of, ahead)
                listed += 1
            else:
                if e >= stop:  # the next post
                    if p >= n_posts:
                        break
                    i = post_nodes[p]
                    weight = post_weight[p]
                    posted = post_hours[p]
                    if p + POSTS_AHEAD < n_posts:  # a poster a few posts ahead: its offsets
                        ahead = np.uint64(post_nodes[p + POSTS_AHEAD])  # and own fields
                        prefetch(indptr, ahead)
                        prefetch(agent, ahead)
                        prefetch(attention_of, ahead)
                        prefetch(expertise, ahead)
                        prefetch(has_posted, ahead)
                    if p + POSTS_AHEAD // 2 < n_posts:  # and the edge arrays of one nearer
                        ahead_node = post_nodes[p + POSTS_AHEAD // 2]
                        ahead = indptr[ahead_node]
                        ahead_stop = min(indptr[ahead_node + 1], ahead + EXPOSE_BLOCK)
                        prefetch(edge_seen, ahead)  # read under partial attention, delays
                        while ahead < ahead_stop:  # its first block of edges, line by line
                            prefetch(indices, ahead)
                            if updates_ties:
                                prefetch(tie_now, ahead)
                                prefetch(tie_time, ahead)
                            else:
                                prefetch(tie0, ahead)
                            ahead += 16  # 4-byte entries: 16 to a cache line
                    p += 1
                    attention = attention_of[i]
                    # With full attention a post reaches every follower, so an edge's first
                    # exposure is its poster's first post; only partial attention needs the
                    # per-edge record.
                    first_post = not has_posted[i]
                    has_posted[i] = True
                    source_origin = agent[i].origin
                    source_expertise = expertise[i]
                    e, stop = indptr[i], indptr[i + 1]
                    edges_touched += stop - e
                    continue
                if attention < 1.0:
                    # Partial attention: draw a block of edges at once (vectorised) and list the
                    # followers who see the post without a branch (a branch on a coin near 1/2
                    # would be mispredicted half the time); they are taken from the list above,
                    # in edge order, so every number is the one a draw per edge would give.
                    hi = min(e + EXPOSE_BLOCK, stop)
                    for x in range(e, hi):
                        hit[x - e] = uniform(attention_base, x) < attention
                    n_listed = 0
                    for x in range(e, hi):
                        seen_edges[n_listed] = x
                        n_listed += hit[x - e]
                    for x in range(min(n_listed, FOLLOWERS_AHEAD)):  # the first records
                        ahead = np.uint64(indices[np.uint64(seen_edges[x])])
                        prefetch(agent, ahead)
                        prefetch(flag_of, ahead)
                    listed = 0
                    e = hi
                    continue
                edge = e
                if e + FOLLOWERS_AHEAD < stop:  # the record of a follower a few ahead
                    ahead = np.uint64(indices[np.uint64(e + FOLLOWERS_AHEAD)])
                    prefetch(agent, ahead)
                    prefetch(flag_of, ahead)
                e += 1
            if changing and not appear[edge] <= t < expire[edge]:
                continue  # no tie on this step: the post cannot reach this follower
            first = first_post
            if (attention < 1.0 or changing) and not timed:
                # a post need not reach every follower, so the edge keeps its own record
                first = not edge_seen[edge]
                edge_seen[edge] = True
            seen = posted
            if timed:
                # delayed posts arrive out of order, so every edge keeps its record
                seen = posted + _delay(params.view_delay, view_base, edge)
                when = max(int(seen / params.step_hours), t)
                if when > t:
                    if when >= params.steps:
                        continue  # seen after the last step: never arrives
                    # queue it for step ``when``
                    free = counters[Q_FREE]
                    if free > 0:
                        queued = free - 1
                        counters[Q_FREE] = q_next[queued] + 1
                    elif counters[Q_USED] < q_edge.size:
                        queued = counters[Q_USED]
                        counters[Q_USED] += 1
                    else:  # full: the caller grows the queue and runs the replication again
                        counters[OVERFLOW] = 1
                        continue
                    q_edge[queued] = edge
                    q_poster[queued] = i
                    q_weight[queued] = weight
                    q_hours[queued] = seen
                    _append(state.q_head, state.q_tail, q_next, when, queued)
                    counters[N_QUEUED] += 1
                    continue
                first = not edge_seen[edge]
                edge_seen[edge] = True
        exposures += 1
        ue = np.uint64(edge)
        j = np.uint64(indices[ue])
        if not updates_ties:
            tie = tie0[ue]
        else:
            tie = tie_now[ue]
            if decays_ties:
                last = tie_time[ue]
                if changing:  # a tie that appeared later starts fresh when it appears
                    last = max(last, appear[ue])
                tie *= tie_decay[np.uint64(t - last)]
            tie_now[ue] = min(1.0, tie + reinforcement)
            tie_time[ue] = t
        flags = flag_of[j]
        if flags & SEEN_TODAY:
            if not (flags & ADOPTED and is_seed[j]):
                # Cascades arriving on the same first day: the lowest seed index wins, so
                # the attribution does not depend on the order in which posts are processed.
                agent[j].origin = earlier_origin(agent[j].origin, source_origin)
        if flags & ADOPTED:
            continue
        target = agent[j]
        if not flags & AWARE:  # first seen today: aware, listed for the reset
            target.first_seen = t
            target.origin = source_origin
            flag_of[j] = flags | AWARE | SEEN_TODAY
            touched_list[n_touched] = j
            n_touched += 1
            new_aware += 1
        if not first and rule != THRESHOLD:
            continue
        if rule == CASCADE:
            # one chance per edge; the bound without interest (<= 1) spares a record read
            u = uniform(cascade_base, edge)
            bound = tie * source_expertise * weight
            if u < bound and u < bound * target.interest:
                if timed:
                    hours[j] = seen
                if tracing:
                    parent[j] = i
                target.adopt_time = t  # j adopts (aware already; see _adopt)
                flag_of[j] |= ADOPTED
                order[n_adopted] = j
                n_adopted += 1
                new_adopters += 1
                new_seed_adopters += is_seed[j]
            continue
        if timed:  # the latest exposure so far: its time, and its poster
            if seen >= hours[j]:
                hours[j] = seen
                if tracing:
                    parent[j] = i
        elif tracing:
            parent[j] = i
        # without branches: whether an exposure is an edge's first is a coin to the predictor
        target.n_sources += np.int32(first and counts_sources)
        dose = tie * source_expertise * target.interest * weight
        updated_today = target.influence_time == t
        if fades:
            target.influence *= memory_decay[np.uint64(t - target.influence_time)]
        target.influence += dose
        target.influence_time = t
        if rule == BASS:
            if not candidate[j]:
                candidate[j] = True
                candidate_list[n_candidates] = j
                n_candidates += 1
        elif not updated_today:
            check_list[n_checks] = j
            n_checks += 1
    if timed:
        state.q_head[t] = -1
        state.q_tail[t] = -1
    counters[N_TOUCHED] = n_touched
    counters[N_CHECKS] = n_checks
    counters[N_CANDIDATES] = n_candidates
    counters[N_ADOPTED] = n_adopted
    stats[NEW_ADOPTERS] += new_adopters
    stats[NEW_SEED_ADOPTERS] += new_seed_adopters
    stats[EXPOSURES] += exposures
    stats[EDGES_TOUCHED] += edges_touched
    stats[NEW_AWARE] += new_aware


@njit(cache=True)
def _adopt_phase(t, key, agents, params, state, stats):
    """Phase 3: rule-specific adoption of the agents reached today, then external influence."""
    rule = params.rule
    if rule == CASCADE:
        _external(t, key, agents, params, state, stats)
        return
    bass = rule == BASS
    agent, flags, order, counters = state.agent, state.flags, state.adoption_order, state.counters
    min_sources, threshold, norm = agents.min_sources, agents.threshold, agents.norm
    is_seed, memory_decay = agents.is_seed, params.memory_decay
    fades = params.inv_memory_half_life > 0.0
    listed = state.candidate_list if bass else state.check_list  # agents reached today
    n_listed = counters[N_CANDIDATES] if bass else counters[N_CHECKS]
    p = params.external_p
    scale = params.bass_q / (1.0 - p) if p < 1.0 else 0.0
    base = stream_base(key, STREAM_BASS, t)
    n_adopted = counters[N_ADOPTED]
    new_adopters = new_seed_adopters = 0
    kept = 0  # Bass candidates who stay candidates
    for k in range(n_listed):
        j = np.uint64(listed[k])
        candidate = agent[j]
        if candidate.adopt_time >= 0:
            continue
        if bass:
            if fades:
                candidate.influence *= memory_decay[np.uint64(t - candidate.influence_time)]
                candidate.influence_time = t
            if not (norm[j] > 0.0 and uniform(base, j) < scale * candidate.influence / norm[j]):
                listed[kept] = j
                kept += 1
                continue
            if params.timed:  # a hazard acts at some time within the step
                state.hours[j] = _within_step(key, t, j, params)
        else:
            if candidate.n_sources < min_sources[j]:
                continue
            level = threshold[j]
            if rule == FRACTIONAL:
                if norm[j] <= 0.0:
                    continue
                level *= norm[j]
            # A relative tolerance absorbs float rounding when a fraction equals its threshold
            # (written as "not >=": an infinite threshold gives NaN, and nobody adopts)
            if not candidate.influence >= level - 1e-9 * abs(level):
                continue
        candidate.adopt_time = t  # j adopts (aware already: it was reached; see _adopt)
        flags[j] |= ADOPTED
        order[n_adopted] = j
        n_adopted += 1
        new_adopters += 1
        new_seed_adopters += is_seed[j]
    counters[N_ADOPTED] = n_adopted
    stats[NEW_ADOPTERS] += new_adopters
    stats[NEW_SEED_ADOPTERS] += new_seed_adopters
    if bass:
        counters[N_CANDIDATES] = kept
    else:
        counters[N_CHECKS] = 0
    _external(t, key, agents, params, state, stats)


@njit(cache=True, inline="always")
def _external(t, key, agents, params, state, stats):
    """Every non-adopter adopts with probability ``external_p`` today.

    Visits only the agents whose draw falls below ``p`` by skipping geometric gaps, so the cost
    is about ``p * N`` per step. The gaps depend only on the key and the day (common random
    numbers): the same agents are hit whatever the seeds.
    """
    p = params.external_p
    if p <= 0.0:
        return
    n = agents.threshold.size
    if p >= 1.0:
        for j in range(n):
            if state.agent[j].adopt_time < 0:
                _adopt_outside(t, key, agents, params, state, stats, j)
        return
    base = stream_base(key, STREAM_EXTERNAL, t)
    log_miss = np.log1p(-p)
    j, k = next_hit(base, log_miss, -1, 0)
    while j < n:
        if state.agent[j].adopt_time < 0:
            _adopt_outside(t, key, agents, params, state, stats, j)
        j, k = next_hit(base, log_miss, j, k)


@njit(cache=True, inline="always")
def _within_step(key, t, j, params):
    """Timed runs: the hour within step ``t`` at which an outside or hazard adoption of ``j``
    happens, uniform over the step."""
    return (t + uniform(stream_base(key, STREAM_TIMING, t), j)) * params.step_hours


@njit(cache=True, inline="always")
def _adopt_outside(t, key, agents, params, state, stats, j):
    """``j`` adopts from outside the network (no parent)."""
    if params.timed:
        state.hours[j] = _within_step(key, t, j, params)
    if params.tracing:
        state.parent[j] = -1
    _adopt(state, agents, j, t, stats)


@njit(cache=True)
def advance(t, key, graph, agents, params, schedule, state, stats, by_origin, by_community):
    """Run day ``t`` of one replication (instigators on day 0, post, expose with lazy decay,
    adopt, record).

    ``stats`` is the int64 row (N_STEP_STATS,) of this day; ``by_origin`` (G + 1,) and
    ``by_community`` (C,) accumulate adoptions by seed of origin (last slot: none) and by
    community over the replication.
    """
    state.adopted_before[t] = state.counters[N_ADOPTED]
    aware_before = state.counters[N_TOUCHED]
    if t == 0:
        for j in agents.instigators:
            state.hours[j] = 0.0
            _adopt(state, agents, j, 0, stats)
            state.flags[j] &= NOT_SEEN_TODAY  # no seed's cascade reached it: no origin
    n_posts = _collect_posts(t, key, agents, params, schedule, state, stats)
    stats[POSTS] += n_posts
    _expose(t, key, n_posts, graph, agents, params, state, stats)
    _adopt_phase(t, key, agents, params, state, stats)
    if params.timed:
        _schedule_posting(t, key, agents, params, state)
    state.adopted_before[t + 1] = state.counters[N_ADOPTED]
    order, agent, community = state.adoption_order, state.agent, agents.community
    for k in range(state.adopted_before[t], state.adopted_before[t + 1]):
        j = np.uint64(order[k])
        origin = agent[j].origin
        by_origin[origin if origin >= 0 else by_origin.size - 1] += 1
        by_community[community[j]] += 1
    flags, touched = state.flags, state.touched_list
    for k in range(aware_before, state.counters[N_TOUCHED]):
        flags[np.uint64(touched[k])] &= NOT_SEEN_TODAY


@njit(cache=True, inline="always")
def is_quiet(t, params, schedule, state):
    """True when nothing can happen after day ``t``: no seed posts left, no adopter still
    posting, no external influence and no Bass candidate. The remaining days are then empty, and
    skipping them changes no result."""
    if state.counters[SEED_CURSOR] < schedule.nodes.size or params.external_p > 0.0:
        return False
    if params.rule == BASS and state.counters[N_CANDIDATES] > 0:
        return False
    if params.timed:
        return state.counters[N_QUEUED] == 0 and state.counters[N_LIVE_STARTS] == 0
    window_start = state.adopted_before[max(t + 1 - params.active_steps, 0)]
    return state.adopted_before[t + 1] == window_start


@njit(cache=True)
def reset(graph, agents, params, state):
    """Return the state to "nothing happened", visiting only what the replication touched.

    When it touched at least one agent in :data:`DENSE_RESET` the agents are visited in index
    order instead, all of them (an untouched agent is rewritten with what it holds): the
    records and the posters' edge lists are then read front to back, not one cache miss per
    agent (measured: 87 -> 21 ms after a full-model replication that reached 95% of 10^6
    agents), and the cost stays within a few times what the replication touched."""
    updates_ties = params.inv_tie_half_life > 0.0 or params.reinforcement > 0.0
    if params.timed:
        state.start_head[:] = -1
        state.start_tail[:] = -1
        state.start_count[:] = 0
        state.q_head[:] = -1
        state.q_tail[:] = -1
    indptr, tie0, attention = graph.indptr, graph.tie0, agents.attention
    tie, tie_time, edge_seen = state.tie, state.tie_time, state.edge_seen
    has_posted = state.has_posted
    agent, flags, candidate = state.agent, state.flags, state.candidate
    hours, parent, touched = state.hours, state.parent, state.touched_list
    per_edge_seen = params.timed or params.changing_ties
    n_touched = state.counters[N_TOUCHED]
    dense = n_touched * DENSE_RESET >= flags.size
    for k in range(flags.size if dense else n_touched):
        j = np.uint64(k) if dense else np.uint64(touched[k])
        hours[j] = -1.0
        parent[j] = -1
        if has_posted[j]:  # its edges: element by element (a slice copy is not vectorised)
            start, stop = np.uint64(indptr[j]), np.uint64(indptr[j + np.uint64(1)])
            if attention[j] < 1.0 or per_edge_seen:
                for e in range(start, stop):
                    edge_seen[e] = False
            if updates_ties:
                for e in range(start, stop):
                    tie[e] = tie0[e]
                    tie_time[e] = 0
            has_posted[j] = False
        record = agent[j]
        record.adopt_time = -1
        record.first_seen = -1
        record.origin = -1
        record.n_sources = 0
        record.influence_time = -1
        record.influence = 0.0
        flags[j] = 0
        candidate[j] = False
    state.counters[:] = 0
