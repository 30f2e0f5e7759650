"""Follower tiers (nano, micro, macro, mega), scaled to the network's size.

Industry tiers are absolute follower counts: nano under 10k, micro 10k-100k, macro 100k-1M,
mega (celebrity) over 1M. A simulated network is far smaller than a platform, so the boundaries
are read as shares of a reference platform of ``REFERENCE_POPULATION`` accounts and scaled to the
network: in a 10^5-agent network the "celebrity" tier starts at 10^4 followers (10%).
"""

import numpy as np

TIER_NAMES = ("nano", "micro", "macro", "mega")
DEFAULT_BOUNDARIES = (10_000, 100_000, 1_000_000)
"""Follower counts separating the tiers on the reference platform."""
REFERENCE_POPULATION = 10_000_000


def scaled_boundaries(
    n_nodes: int,
    boundaries: tuple[float, float, float] = DEFAULT_BOUNDARIES,
    reference_population: float = REFERENCE_POPULATION,
) -> np.ndarray:
    """Tier boundaries in followers for a network of ``n_nodes`` agents."""
    return np.asarray(boundaries, dtype=np.float64) * (n_nodes / reference_population)


def tier_of(
    followers: np.ndarray,
    n_nodes: int,
    boundaries: tuple[float, float, float] = DEFAULT_BOUNDARIES,
    reference_population: float = REFERENCE_POPULATION,
) -> np.ndarray:
    """Tier index (0 nano .. 3 mega) of each account, int8."""
    edges = scaled_boundaries(n_nodes, boundaries, reference_population)
    return np.searchsorted(edges, np.asarray(followers), side="right").astype(np.int8)
