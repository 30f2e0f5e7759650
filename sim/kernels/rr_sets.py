"""Reverse-reachable (RR) sets for the ``cascade`` rule, and greedy coverage over them.

An RR set of a random agent ``u`` lists the candidate seeds that would make ``u`` adopt in one
random world (Borgs, Brautbar, Chayes & Lucier 2014): the expected spread of a seed set ``S``
is ``n`` times the chance that ``S`` meets a random RR set. Worlds follow the engine's
``cascade`` rule, not only textbook IC:

- an organic adopter ``v`` posts on each of its ``active_steps`` days with probability
  ``activity[v]``; an edge ``v -> x`` is *seen* when a follower sees one of those posts
  (``attention[v]`` each) and *converts* with probability ``trust[e]`` (one chance per edge);
- a seed ``w`` posts ``posts`` times with its campaign engagement, so its edge is seen with
  probability ``seed_seen[w]`` and converts with ``trust[e] * sponsored_weight``.

Both kinds share the edge's two uniforms (seen, convert), as the engine shares one conversion
draw per edge whoever posts. The set is built in two layers: the agents ``R`` that reach ``u``
through organic edges (reverse breadth-first search), then every candidate ``w`` with a
seed edge into ``R`` (and ``u`` itself when it is a candidate). With certain posting, full
attention and no sponsored discount both layers coincide and the set is the textbook RR set.

Every draw is counter-based (:mod:`sim.kernels.counter_rng`): set ``s`` of a batch key is the
same whichever thread or call makes it. Only numpy and numba here.
"""

import numpy as np
from numba import njit

from sim.kernels.counter_rng import stream_base, uniform

STREAM_ROOT = 21
STREAM_POST = 22
STREAM_SEEN = 23
STREAM_CONVERT = 24


@njit(cache=True, inline="always")
def _posts(post_base, v, activity, active_steps):
    """Days (of ``active_steps``) on which agent ``v`` posts once it has adopted."""
    if activity >= 1.0:
        return active_steps
    m = 0
    for d in range(active_steps):
        if uniform(post_base, v * active_steps + d) < activity:
            m += 1
    return m


@njit(cache=True, nogil=True)
def sample_sets(
    key, first, count, n_nodes, rindptr, rsources, redges, trust, activity, attention,
    active_steps, seed_seen, sponsored_weight, visited, marked, queue,
):  # fmt: skip
    """RR sets ``first .. first + count - 1`` of batch ``key``.

    rindptr : int64 (N + 1,), rsources : int32 (E,), redges : int64 (E,) the reverse index
    (in-neighbours of each agent and the forward edge id of each). trust : float64 (E,)
    ``tie * expertise[source] * interest[target]`` on the campaign topic. activity,
    attention : float64 (N,) of organic posters; active_steps : int. seed_seen : float64 (N,)
    the chance a seed's posts are seen along one edge, 0 for non-candidates.
    visited, marked : int64 (N,) scratch stamps (any values below ``first + 1``, kept between
    calls); queue : int32 (N,) scratch.

    Returns ``sizes`` int64 (count,) and ``members`` int32 (sum of sizes,), set by set.
    """
    sizes = np.zeros(count, dtype=np.int64)
    members = np.empty(max(1024, 4 * count), dtype=np.int32)
    used = 0
    for c in range(count):
        s = first + c
        stamp = s + 1
        root_base = stream_base(key, STREAM_ROOT, s)
        post_base = stream_base(key, STREAM_POST, s)
        seen_base = stream_base(key, STREAM_SEEN, s)
        convert_base = stream_base(key, STREAM_CONVERT, s)
        u = min(int(uniform(root_base, 0) * n_nodes), n_nodes - 1)
        start = used
        visited[u] = stamp
        queue[0] = u
        head, tail = 0, 1
        if seed_seen[u] > 0.0:
            marked[u] = stamp
            if used == members.size:
                members = _grow(members)
            members[used] = u
            used += 1
        while head < tail:
            x = queue[head]
            head += 1
            for k in range(rindptr[x], rindptr[x + 1]):
                v = rsources[k]
                e = redges[k]
                p = trust[e]
                convert = uniform(convert_base, e)
                if convert >= p:  # p * sponsored_weight <= p: neither kind converts
                    continue
                seen = -1.0  # drawn only when an attention below 1 needs it
                limit = seed_seen[v]
                if marked[v] != stamp and limit > 0.0 and convert < p * sponsored_weight:
                    if limit < 1.0:
                        seen = uniform(seen_base, e)
                    if seen < limit:
                        marked[v] = stamp
                        if used == members.size:
                            members = _grow(members)
                        members[used] = v
                        used += 1
                if visited[v] == stamp:
                    continue
                m = _posts(post_base, v, activity[v], active_steps)
                if m == 0:
                    continue
                a = attention[v]
                if a < 1.0:
                    if seen < 0.0:
                        seen = uniform(seen_base, e)
                    if seen >= 1.0 - (1.0 - a) ** m:
                        continue
                visited[v] = stamp
                queue[tail] = v
                tail += 1
        sizes[c] = used - start
    return sizes, members[:used]


@njit(cache=True)
def _grow(array):
    bigger = np.empty(2 * array.size, dtype=array.dtype)
    bigger[: array.size] = array
    return bigger


@njit(cache=True, nogil=True)
def greedy_cover(indptr, members, node_ptr, node_sets, cost, budget, k, by_ratio):
    """Greedy maximum coverage of RR sets under a budget (and at most ``k`` picks, k < 0: no
    cap): each step takes the affordable agent covering the most uncovered sets (``by_ratio``:
    per unit of cost; cost 0 ranks first). Ties go to the lower id.

    indptr : int64 (S + 1,), members : int32 the sets. node_ptr : int64 (N + 1,), node_sets :
    int64 the sets that hold each agent. cost : float64 (N,) (inf: not a candidate).

    Returns ``seeds`` int64 (picks,) in order and ``covered`` int64 (picks,) the sets each
    newly covered.
    """
    n = node_ptr.size - 1
    count = np.zeros(n, dtype=np.int64)
    for v in range(n):
        count[v] = node_ptr[v + 1] - node_ptr[v]
    done = np.zeros(indptr.size - 1, dtype=np.bool_)
    picked = np.zeros(n, dtype=np.bool_)
    seeds = np.empty(n if k < 0 else min(k, n), dtype=np.int64)
    covered = np.empty(seeds.size, dtype=np.int64)
    spent = 0.0
    tolerance = 1e-9 * max(abs(budget), 1.0)
    picks = 0
    while picks < seeds.size:
        best = -1
        best_score = -1.0
        for v in range(n):
            if picked[v] or count[v] == 0 or spent + cost[v] > budget + tolerance:
                continue
            if by_ratio:
                score = np.inf if cost[v] <= 0.0 else count[v] / cost[v]
            else:
                score = float(count[v])
            if score > best_score:
                best, best_score = v, score
        if best < 0:
            break
        picked[best] = True
        seeds[picks] = best
        covered[picks] = count[best]
        spent += cost[best]
        picks += 1
        for i in range(node_ptr[best], node_ptr[best + 1]):
            s = node_sets[i]
            if done[s]:
                continue
            done[s] = True
            for j in range(indptr[s], indptr[s + 1]):
                count[members[j]] -= 1
    return seeds[:picks], covered[:picks]


@njit(cache=True, nogil=True)
def invert(indptr, members, n_nodes):
    """The sets that hold each agent, by counting sort: ``node_ptr`` int64 (N + 1,) and
    ``node_sets`` int64 (members.size,), sets ascending within an agent."""
    node_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for j in range(members.size):
        node_ptr[members[j] + 1] += 1
    for v in range(n_nodes):
        node_ptr[v + 1] += node_ptr[v]
    fill = node_ptr[:-1].copy()
    node_sets = np.empty(members.size, dtype=np.int64)
    for s in range(indptr.size - 1):
        for j in range(indptr[s], indptr[s + 1]):
            v = members[j]
            node_sets[fill[v]] = s
            fill[v] += 1
    return node_ptr, node_sets
