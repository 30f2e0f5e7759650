"""Watts (2002) global cascades on random graphs: the cascade condition and window, the
analytic frequency (extended vulnerable cluster) and size (Gleeson & Cahalane 2007, single-seed
limit) for Poisson degrees, and the driver that runs the ``fractional`` rule from one random
seed on fresh undirected Erdős–Rényi graphs.

Nodes of degree 1 <= k <= 1/phi are vulnerable (one adopted neighbour tips them); global
cascades are possible where the vulnerable cluster percolates. Every run here is deterministic
given its graph and seed (unit trust, certain posting and attention), so each Simulation runs one
replication on a freshly drawn graph and binomial standard errors apply directly.

References: D. J. Watts (2002), A simple model of global cascades on random networks, *PNAS*
99:5766; J. P. Gleeson & D. J. Cahalane (2007), Seed size strongly affects cascades on random
networks, *Phys. Rev. E* 75:056103.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import erdos_renyi

WATTS_N = 10_000
PHI = 0.18
GLOBAL_CUTOFF = 0.05  # a cascade is global when more than 5% of the n agents adopt
EDGE_LEVEL = 0.02  # simulated window edge: where the global-cascade frequency crosses 2%
WATTS_STEPS = 1_000


def _poisson(z: float) -> tuple[np.ndarray, np.ndarray]:
    """Degrees k = 0..kmax and their Poisson(z) probabilities (tail mass below 1e-15)."""
    kmax = int(z + 12.0 * math.sqrt(z) + 30)
    k = np.arange(kmax + 1)
    return k, stats.poisson.pmf(k, z)


def vulnerable(k: np.ndarray, phi: float) -> np.ndarray:
    """rho_k: 1 for degrees 1 <= k <= 1/phi (one adopted neighbour suffices), else 0."""
    return ((k >= 1) & (k <= math.floor(1.0 / phi + 1e-12))).astype(np.float64)


def cascade_condition(z: float, phi: float = PHI) -> float:
    """Watts (2002, eq. 3): sum_k k (k - 1) rho_k p_k - z; global cascades where it is > 0."""
    k, p = _poisson(z)
    return float(np.sum(k * (k - 1) * vulnerable(k, phi) * p) - z)


def cascade_window(phi: float = PHI, z_max: float = 30.0) -> tuple[float, float]:
    """Lower and upper edge of the analytic cascade window (roots of the cascade condition)."""
    grid = np.linspace(0.05, z_max, 3000)
    values = np.array([cascade_condition(z, phi) for z in grid])
    inside = values > 0
    if not inside.any():
        raise ValueError(f"no cascade window for phi = {phi}")
    first, last = np.flatnonzero(inside)[[0, -1]]
    low = brentq(cascade_condition, grid[first - 1], grid[first], args=(phi,), xtol=1e-10)
    high = brentq(cascade_condition, grid[last], grid[last + 1], args=(phi,), xtol=1e-10)
    return low, high


def _smallest_root(h, lo: float, hi: float, points: int = 400) -> float | None:
    """Smallest root of h in (lo, hi] where h changes sign from + to -, on a log grid."""
    grid = lo + np.logspace(-10, 0, points) * (hi - lo)
    values = np.array([h(x) for x in grid])
    change = np.flatnonzero((values[:-1] > 0) & (values[1:] <= 0))
    if values[0] <= 0 or change.size == 0:
        return None
    i = change[0]
    return brentq(h, grid[i], grid[i + 1], xtol=1e-14)


def cascade_frequency(z: float, phi: float = PHI) -> float:
    """Analytic frequency of global cascades from one random seed: the share of nodes in the
    extended vulnerable cluster (the giant vulnerable cluster and its neighbours; Watts 2002).

    With G1(x) = sum_k rho_k k p_k x^(k-1) / z, the probability u that an edge does not lead
    into the giant vulnerable cluster solves u = 1 - G1(1) + G1(u) (its smallest root); a seed
    of degree k triggers a global cascade unless all k of its edges fail, so the frequency is
    1 - sum_k p_k u^k = 1 - exp(z (u - 1)).
    """
    k, p = _poisson(z)
    weight = vulnerable(k, phi) * k * p / z
    g1_at_1 = weight.sum()

    def h(u):  # > 0 below the smallest root, 0 at u = 1 (always a root)
        return 1.0 - g1_at_1 + np.sum(weight * u ** np.maximum(k - 1, 0)) - u

    # the smallest root lies below 1 iff G1'(1) > 1, i.e. the cascade condition holds
    if cascade_condition(z, phi) <= 0:
        return 0.0
    top = 1.0 - 1e-12
    u = brentq(h, 0.0, _below_one(h, top), xtol=1e-15) if h(0.0) > 0 else 0.0
    return float(1.0 - np.sum(p * u**k))


def _below_one(h, top: float) -> float:
    """A point just below 1 where h < 0 (h(1) = 0 and h'(1) > 0 inside the window)."""
    for delta in np.logspace(-12, 0, 200):
        if h(1.0 - delta) < 0:
            return 1.0 - delta
    return top


def cascade_size(z: float, phi: float = PHI) -> float:
    """Analytic share of adopters in a global cascade, in the single-seed limit (Gleeson &
    Cahalane 2007, seed fraction -> 0): q = sum_k (k p_k / z) P[Bin(k - 1, q) >= m_k],
    share = sum_k p_k P[Bin(k, q) >= m_k], with m_k = ceil(phi k) the adopted neighbours a
    degree-k node needs. q is the smallest positive fixed point; 0 outside the window."""
    k, p = _poisson(z)
    k, p = k[1:], p[1:]
    need = np.ceil(phi * k - 1e-9)

    def g(q):
        return np.sum(k * p / z * stats.binom.sf(need - 1, k - 1, q))

    q = _smallest_root(lambda x: g(x) - x, 0.0, 1.0)
    if q is None:
        return 0.0
    return float(np.sum(p * stats.binom.sf(need - 1, k, q)))


def giant_component(z: float) -> float:
    """Share S of the giant component of G(n, z/n): S = 1 - exp(-z S)."""
    if z <= 1.0:
        return 0.0
    return brentq(lambda s: s - 1.0 + math.exp(-z * s), 1e-12, 1.0)


# ---------------------------------------------------------------------------------------------
# Watts (2002): simulation
# ---------------------------------------------------------------------------------------------
def watts_sizes(z: float, runs: int, seed: int, n: int = WATTS_N, phi: float = PHI) -> np.ndarray:
    """Final adopter counts (seed included) of ``runs`` independent runs: each on a fresh
    undirected G(n, z/n) from one uniformly random seed, ``fractional`` rule, threshold phi,
    every adopter posting once (``active_steps`` = 1: seen sources count forever)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(round(z * 1000), n)))
    agents = textbook_agents(n, threshold=phi)
    dynamics = Params(rule="fractional", active_steps=1)
    key = replication_keys(seed, 1)
    sizes = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        network = erdos_renyi(n, z, directed=False, rng=rng)
        schedule = SeedSchedule.build([int(rng.integers(n))])
        daily = Simulation(network, agents, dynamics, schedule, WATTS_STEPS).run(key)
        adopters = daily.step_stats[0, :, NEW_ADOPTERS]
        if adopters[-1]:
            raise RuntimeError(f"z = {z}: a cascade was still growing after {WATTS_STEPS} days")
        sizes[r] = adopters.sum()
    return sizes


@dataclass(frozen=True)
class CascadeStats:
    """Frequency and mean size of global cascades over independent runs at one mean degree z."""

    z: float
    runs: int
    n: int
    n_global: int
    frequency: float
    frequency_se: float  # binomial
    size: float  # mean share of n over global cascades (nan if none)
    size_se: float

    @classmethod
    def of(cls, z: float, sizes: np.ndarray, n: int, cutoff: float = GLOBAL_CUTOFF):
        share = sizes / n
        big = share[share > cutoff]
        runs = sizes.size
        f = big.size / runs
        size = big.mean() if big.size else math.nan
        size_se = big.std(ddof=1) / math.sqrt(big.size) if big.size > 1 else math.nan
        return cls(z, runs, n, big.size, f, math.sqrt(f * (1 - f) / runs), size, size_se)

    def upper_bound(self, confidence: float = 0.99) -> float:
        """One-sided Clopper–Pearson upper bound on the frequency (useful when it is 0)."""
        if self.n_global == self.runs:
            return 1.0
        return float(stats.beta.ppf(confidence, self.n_global + 1, self.runs - self.n_global))


def watts_study(z_values, runs: int, seed: int = 2002, n: int = WATTS_N) -> list[CascadeStats]:
    """:class:`CascadeStats` of ``runs`` independent runs at each mean degree in ``z_values``."""
    return [CascadeStats.of(z, watts_sizes(z, runs, seed, n), n) for z in z_values]


def crossings(z: np.ndarray, freq: np.ndarray, level: float = EDGE_LEVEL) -> tuple[float, float]:
    """Simulated window edges: the first upward and the last downward crossing of ``level`` by
    the frequency, linearly interpolated between grid points."""
    above = freq > level
    if not above.any():
        return math.nan, math.nan
    first, last = np.flatnonzero(above)[[0, -1]]

    def interpolate(a, b):
        return z[a] + (level - freq[a]) * (z[b] - z[a]) / (freq[b] - freq[a])

    low = interpolate(first - 1, first) if first > 0 else math.nan
    high = interpolate(last, last + 1) if last + 1 < z.size else math.nan
    return float(low), float(high)
