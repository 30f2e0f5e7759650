"""What the engine hands the kernels besides the checked arrays: the graph with its tie
history, Granovetter's instigators, the room for delayed exposures, and whether the textbook
independent-cascade and threshold paths apply."""

from __future__ import annotations

import numpy as np

from sim.dtypes import NODE, STEP, VALUE
from sim.kernels import diffusion as kernel
from sim.model.params import Params
from sim.network import Network


def kernel_graph(network: Network, params: Params) -> kernel.Graph:
    """The kernel's arrays of ``network``: with a tie history, the ties' windows, and initial
    strengths decayed by their age (lazy decay is multiplicative, so a tie last used ``age``
    steps before the start is, from step 0 on, a tie of that lower strength used at step 0)."""
    ties, history = network.tie_values(), network.history
    appear = expire = np.empty(0, dtype=STEP)
    if history is not None:
        if history.changes_ties:
            appear, expire = history.windows(network.n_edges)
        if history.age is not None and params.tie_half_life is not None:
            ties = (ties * np.exp2(-history.age / params.tie_half_life)).astype(VALUE)
    return kernel.Graph(network.indptr, network.indices, ties, appear, expire)


QUEUE_SLOTS = 1 << 16
"""First room for delayed exposures in flight (32 bytes each); it grows fourfold on demand."""


def initial_queue(network: Network, params: Params) -> int:
    """Queue slots to allocate: none without delays, else at most one per edge."""
    return min(max(network.n_edges, 1), QUEUE_SLOTS) if params.timed else 0


def instigators(rule: str, threshold: np.ndarray, is_seed: np.ndarray) -> np.ndarray:
    """Granovetter's instigators: under ``threshold`` and ``fractional``, the agents whose
    threshold is <= 0 adopt at the start of day 0 whatever they see (seeds excepted: they adopt
    when their first post is scheduled, so that the adoption is attributed to them). Sorted
    int32 ids; empty for the other rules."""
    if rule not in ("threshold", "fractional"):
        return np.empty(0, dtype=NODE)
    return np.flatnonzero((threshold <= 0) & ~is_seed).astype(NODE)


def is_textbook_cascade(
    params: kernel.Params, agents: kernel.Agents, *, counts_only: bool = False
) -> bool:
    """True when the ``cascade`` rule reduces to textbook independent cascade, so the frontier
    path :mod:`sim.kernels.cascade` gives the general kernel's numbers: certain posting and
    attention, one posting day, ties that neither decay nor grow, no external influence.

    With ``counts_only`` (the final counts of :func:`sim.kernels.cascade.run_spread`) any
    number of posting days will do: only an adopter's first post, the day after it adopts,
    can convert anyone, so later posts change the day rows but not who adopts when."""
    return bool(
        params.rule == kernel.CASCADE
        and not params.timed
        and not params.tracing
        and not params.changing_ties
        and (counts_only or params.active_steps == 1)
        and params.inv_tie_half_life == 0.0
        and params.reinforcement == 0.0
        and params.external_p == 0.0
        and (agents.activity >= 1.0).all()
        and (agents.attention >= 1.0).all()
    )


def is_textbook_threshold(params: kernel.Params, agents: kernel.Agents) -> bool:
    """True when the ``threshold`` or ``fractional`` rule reduces to its textbook model (the
    Centola–Macy threshold, the linear threshold): certain posting and attention, ties that
    neither decay nor grow, influence that does not fade, no external influence, no delays or
    changing ties. :func:`sim.kernels.threshold.run_threshold_spread` then gives the general
    kernel's final counts (any ``active_steps``)."""
    return bool(
        params.rule in (kernel.THRESHOLD, kernel.FRACTIONAL)
        and not params.timed
        and not params.tracing
        and not params.changing_ties
        and params.inv_tie_half_life == 0.0
        and params.reinforcement == 0.0
        and params.inv_memory_half_life == 0.0
        and params.external_p == 0.0
        and (agents.activity >= 1.0).all()
        and (agents.attention >= 1.0).all()
    )


def adoption_cutoff(params: kernel.Params, agents: kernel.Agents) -> np.ndarray:
    """The influence at which each agent adopts under ``threshold`` or ``fractional``, float64
    (N,): the level (``threshold``, times ``norm`` under ``fractional``) less the general
    kernel's relative rounding tolerance, computed with the same float operations as
    :func:`sim.kernels.diffusion._adopt_phase`; +inf for an agent who trusts nobody under
    ``fractional`` (it cannot adopt) and for an infinite threshold."""
    level = agents.threshold.astype(np.float64)
    with np.errstate(invalid="ignore"):  # an infinite threshold: inf * 0 and inf - inf
        if params.rule == kernel.FRACTIONAL:
            level = level * agents.norm
        cutoff = level - 1e-9 * np.abs(level)
    if params.rule == kernel.FRACTIONAL:
        cutoff[agents.norm <= 0.0] = np.inf
    cutoff[np.isnan(cutoff)] = np.inf  # the kernel's comparison with NaN is False: never
    return cutoff


def uniform_values(*arrays: np.ndarray) -> np.ndarray:
    """For each array the one value all its entries have, or -1.0 when they differ or it is
    empty (float64 (len(arrays),)): the final-counts kernels (:mod:`sim.kernels.cascade`,
    :mod:`sim.kernels.threshold`) then read no constant per edge or per agent. The arrays hold
    values in 0..1."""
    return np.array(
        [float(a[0]) if a.size and (a == a[0]).all() else -1.0 for a in arrays], dtype=np.float64
    )
