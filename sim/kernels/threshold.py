"""The textbook threshold path: final counts of the ``threshold`` and ``fractional`` rules when
their settings reduce to the linear-threshold / Centola–Macy models, with nothing else in the
loop.

This module imports only numpy and numba. The caller (:mod:`sim.model.engine`) takes this path
only when every agent posts and sees every post for certain (activity and attention 1), ties
neither decay nor grow, influence does not fade, there is no external influence, no delay, no
changing tie and no tracing. The run then holds no random draw at all: each replication is the
same deterministic sweep, kept per key so that the counts line up with :meth:`run`'s.

:func:`run_threshold_spread` does what :func:`sim.kernels.diffusion.advance` does for who
adopts when, in the same order: on day 0 the instigators adopt; each day the scheduled seeds
adopt, then their posts and those of the organic adopters inside their posting window
(adoption order, seeds excepted) reach every follower. A follower who has not adopted gains
``tie * expertise * interest * weight`` (float32 products added into float64, post by post and
edge by edge in the general kernel's order, so the sums are the same to the last bit) - from
every post under ``threshold``, from the first post of each account under ``fractional`` - and
counts a distinct source on each account's first post; at the end of the day the agents
reached adopt, in the order they were first reached that day, when their influence clears
their cutoff and they have enough distinct sources. What is skipped is everything that only
records who saw what: awareness, origins, the post buffer, the day rows.
"""

import numpy as np
from numba import njit

from sim.kernels.cascade import constants
from sim.kernels.prefetch import prefetch

THRESHOLD_ADOPTED = np.uint8(1)
THRESHOLD_POSTED = np.uint8(2)  # the account's first post is behind it
THRESHOLD_SEED = np.uint8(4)  # a seed: kept in the scratch flags across replications
THRESHOLD_CHECK = np.uint8(8)  # reached today: listed for the end-of-day adoption check
THRESHOLD_TOUCHED = np.uint8(16)  # gained influence in this replication: listed for the reset
THRESHOLD_UNCHECK = np.uint8(0xFF ^ 8)
THRESHOLD_AHEAD = 8
"""Organic posters ahead whose edge lists :func:`run_threshold_spread` prefetches."""


@njit(cache=True, nogil=True)
def run_threshold_spread(
    n_reps, indptr, indices, tie0, expertise, interest, uniform, cutoff, min_sources,
    instigators, seed_nodes, seed_steps, steps, active_steps, every_post, sponsored_weight,
    flags, influence, n_sources, order, checks, touched, adopted_before, counts,
):  # fmt: skip
    """Final counts of ``n_reps`` replications: ``counts[r]`` = (adopters, seeds among them,
    adopters of the last step), int64 (R, 3), what :func:`sim.kernels.diffusion.advance` gives
    summed over the days.

    Graph (indptr, indices, tie0), agents (expertise, interest float32 (N,)) and schedule
    (seed_nodes, seed_steps) as in :mod:`sim.kernels.diffusion`; ``uniform`` float64 (3,) the
    one value every tie, expertise and interest has, or -1 where they differ (the constant is
    then not read per edge or agent). ``cutoff`` float64 (N,): the influence at which an agent
    adopts (its level less the general kernel's rounding tolerance; +inf for one who cannot);
    ``min_sources`` int32 (N,), read only when some agent needs more than one source (else
    pass an empty array). ``instigators`` int32 sorted ids adopting on day 0. ``active_steps``
    the posting window; ``every_post`` True under ``threshold`` (every seen post adds), False
    under ``fractional`` (only each account's first post does).

    Scratch, left as found: ``flags`` uint8 (N,) holding :data:`THRESHOLD_SEED` for the seeds
    and nothing else, ``influence`` float64 (N,) zeros, ``n_sources`` int32 (N,) zeros (or
    empty with ``min_sources``), ``order``, ``checks``, ``touched`` int32 (N + 1,),
    ``adopted_before`` int64 (steps + 1,).
    """
    sponsored = np.float32(sponsored_weight)
    organic = np.float32(1.0)
    one_tie, one_expertise, one_interest, tie_all, expertise_all, interest_all = constants(uniform)
    counts_sources = min_sources.size > 0
    window = active_steps if every_post else 1  # later posts change nothing under fractional
    n_scheduled = seed_nodes.size
    for r in range(n_reps):
        n_adopted = 0
        seed_adopters = 0
        n_touched = 0
        cursor = 0
        last_step = 0
        for t in range(steps):
            adopted_before[t] = n_adopted
            if t == 0:
                for j in instigators:
                    flags[j] |= THRESHOLD_ADOPTED
                    order[n_adopted] = j
                    n_adopted += 1
                    seed_adopters += (flags[j] & THRESHOLD_SEED) != 0
            first_seed_post = cursor
            while cursor < n_scheduled and seed_steps[cursor] == t:  # the day's seeds adopt
                i = seed_nodes[cursor]
                if not flags[i] & THRESHOLD_ADOPTED:
                    flags[i] |= THRESHOLD_ADOPTED
                    order[n_adopted] = i
                    n_adopted += 1
                    seed_adopters += 1
                cursor += 1
            # posts: the day's seed posts in schedule order, then the organic adopters of the
            # posting window in adoption order
            lo = adopted_before[max(t - window, 0)]
            hi = adopted_before[t]
            n_checks = 0
            n_seed_posts = cursor - first_seed_post
            for p in range(n_seed_posts + hi - lo):
                if p < n_seed_posts:
                    i = seed_nodes[first_seed_post + p]
                    weight = sponsored
                else:
                    k = lo + p - n_seed_posts
                    if k + THRESHOLD_AHEAD < hi:
                        prefetch(indices, indptr[order[k + THRESHOLD_AHEAD]])
                    i = order[k]
                    if flags[i] & THRESHOLD_SEED:
                        continue  # seeds post on their schedule only
                    weight = organic
                first = not flags[i] & THRESHOLD_POSTED
                if not first and not every_post:
                    continue
                flags[i] |= THRESHOLD_POSTED
                source = expertise_all if one_expertise else expertise[i]
                for e in range(indptr[i], indptr[i + 1]):
                    j = indices[e]
                    f = flags[j]
                    if f & THRESHOLD_ADOPTED:
                        continue
                    tie = tie_all if one_tie else tie0[e]
                    interest_j = interest_all if one_interest else interest[j]
                    influence[j] += tie * source * interest_j * weight
                    if counts_sources and first:
                        n_sources[j] += 1
                    if not f & THRESHOLD_CHECK:
                        if not f & THRESHOLD_TOUCHED:
                            touched[n_touched] = j
                            n_touched += 1
                        flags[j] = f | THRESHOLD_CHECK | THRESHOLD_TOUCHED
                        checks[n_checks] = j
                        n_checks += 1
            for k in range(n_checks):  # the agents reached today, in the order first reached
                j = checks[k]
                flags[j] &= THRESHOLD_UNCHECK
                if flags[j] & THRESHOLD_ADOPTED:
                    continue
                if counts_sources and n_sources[j] < min_sources[j]:
                    continue
                if influence[j] >= cutoff[j]:
                    flags[j] |= THRESHOLD_ADOPTED
                    order[n_adopted] = j
                    n_adopted += 1
                    seed_adopters += (flags[j] & THRESHOLD_SEED) != 0
            if t == steps - 1:
                last_step = n_adopted - adopted_before[t]
            if cursor >= n_scheduled and n_adopted == adopted_before[max(t + 1 - window, 0)]:
                break  # quiet: no seed post left and nobody posting tomorrow
        counts[r, 0] = n_adopted
        counts[r, 1] = seed_adopters
        counts[r, 2] = last_step
        for k in range(n_touched):
            j = touched[k]
            influence[j] = 0.0
            if counts_sources:
                n_sources[j] = 0
            flags[j] &= THRESHOLD_SEED
        for k in range(n_adopted):
            flags[order[k]] &= THRESHOLD_SEED
