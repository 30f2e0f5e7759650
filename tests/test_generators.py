"""Tests for the random graph generators.

Statistical checks use fixed seeds and tolerances of about 4 standard errors (SE), where the
SE comes from the model's own distribution (binomial edge counts, Poisson degree variance,
the Erdős–Rényi giant-component variance): a correct generator fails such a check with
probability below 1e-4 for a random seed, while a biased one is caught.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from scipy import stats
from scipy.optimize import brentq
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from sim.errors import InputError
from sim.network.generators import (
    barabasi_albert,
    complete,
    erdos_renyi,
    follower_graph,
    tier_counts,
    watts_strogatz,
)
from sim.network.graph import Network


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def keys(g: Network) -> np.ndarray:
    src, dst = g.edges()
    return src.astype(np.int64) * g.n_nodes + dst


def assert_simple(g: Network) -> None:
    """No self loops and no repeated edges (CSR rows are strictly increasing)."""
    src, dst = g.edges()
    assert not np.any(src == dst)
    assert np.all(np.diff(keys(g)) > 0)


def assert_symmetric(g: Network) -> None:
    src, dst = g.edges()
    reverse = np.sort(dst.astype(np.int64) * g.n_nodes + src)
    np.testing.assert_array_equal(keys(g), reverse)


def undirected_edge_set(g: Network) -> set[tuple[int, int]]:
    src, dst = g.edges()
    return {(min(a, b), max(a, b)) for a, b in zip(src.tolist(), dst.tolist(), strict=True)}


def reciprocated_fraction(g: Network) -> float:
    """Fraction of edges whose reverse edge also exists."""
    src, dst = g.edges()
    reverse = np.sort(dst.astype(np.int64) * g.n_nodes + src)
    return float(np.isin(keys(g), reverse, assume_unique=True).mean())


def within_community_fraction(g: Network) -> float:
    src, dst = g.edges()
    return float(np.mean(g.community[src] == g.community[dst]))


# ---------------------------------------------------------------------------------- reproducibility
GENERATORS = {
    "er_directed": lambda r: erdos_renyi(500, 8, rng=r),
    "er_undirected": lambda r: erdos_renyi(500, 8, directed=False, rng=r),
    "watts_strogatz": lambda r: watts_strogatz(500, 6, 0.2, rng=r),
    "barabasi_albert": lambda r: barabasi_albert(500, 3, rng=r),
    "follower_graph": lambda r: follower_graph(2000, rng=r),
}


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_same_seed_same_graph_different_seed_different_graph(make):
    a, b, c = make(rng(11)), make(rng(11)), make(rng(12))
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    if a.community is not None:
        np.testing.assert_array_equal(a.community, b.community)
    assert a.n_edges != c.n_edges or not np.array_equal(a.indices, c.indices)
    assert a.name and a.name == b.name


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS.keys())
def test_rng_must_be_a_generator(make):
    with pytest.raises(InputError, match=r"numpy\.random\.Generator"):
        make(np.random.RandomState(0))


def test_global_numpy_state_is_untouched():
    before = np.random.get_state()[1].copy()  # noqa: NPY002 - checking it is not used
    for make in GENERATORS.values():
        make(rng(5))
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


# ---------------------------------------------------------------------------------- Erdős–Rényi
@pytest.mark.parametrize("directed", [True, False])
def test_erdos_renyi_edge_count_within_binomial_error(directed):
    n, c = 20_000, 10.0
    g = erdos_renyi(n, c, directed=directed, rng=rng(1))
    p = c / (n - 1)
    pairs = n * (n - 1) if directed else n * (n - 1) // 2
    stored = 1 if directed else 2  # undirected edges are stored in both directions
    mean = stored * pairs * p
    se = stored * math.sqrt(pairs * p * (1 - p))
    assert abs(g.n_edges - mean) < 4 * se
    assert_simple(g)
    if not directed:
        assert_symmetric(g)


def test_erdos_renyi_in_degree_is_poisson_like():
    n, c = 20_000, 10.0
    g = erdos_renyi(n, c, rng=rng(2))
    deg = g.following
    lam = c * (1 - c / (n - 1))  # binomial variance (n-1) p (1-p)
    # SE of a sample variance, Poisson 4th moment: Var(s^2) ~ (2 lam^2 + lam) / n
    se_var = math.sqrt((2 * lam**2 + lam) / n)
    assert abs(deg.var() - lam) < 4 * se_var
    assert abs(deg.mean() - c) < 4 * math.sqrt(c / n)
    # out- and in-degrees are independent of node id: no structure left by the pair encoding
    halves = np.array_split(g.followers, 2)
    assert abs(halves[0].mean() - halves[1].mean()) < 4 * math.sqrt(2 * c / (n / 2))


@pytest.mark.parametrize(("n", "directed"), [(10, True), (9, False), (10, False)])
def test_erdos_renyi_every_pair_has_probability_p(n, directed):
    """Exactness: across replicates, each pair's edge count is Binomial(R, p) and the edge
    total is Binomial(#pairs, p) (odd and even n cover both parts of the undirected code)."""
    reps, c = 1500, 3.0
    p = c / (n - 1)
    pairs = n * (n - 1) if directed else n * (n - 1) // 2
    r = rng(3)
    counts = np.zeros(n * n)
    totals = np.empty(reps)
    for t in range(reps):
        g = erdos_renyi(n, c, directed=directed, rng=r)
        counts[keys(g)] += 1
        totals[t] = g.n_edges if directed else g.n_edges // 2
    off_diagonal = ~np.eye(n, dtype=bool).ravel()
    assert counts[~off_diagonal].sum() == 0
    z = (counts[off_diagonal] - reps * p) / math.sqrt(reps * p * (1 - p))
    # sum of squared z-scores ~ chi^2 with one degree per (ordered) pair
    chi2 = float(np.sum(z**2)) / (1 if directed else 2)
    assert stats.chi2.sf(chi2, pairs) > 1e-4
    var = pairs * p * (1 - p)
    assert abs(totals.mean() - pairs * p) < 4 * math.sqrt(var / reps)
    assert abs(totals.var() - var) < 4 * var * math.sqrt(2 / reps)


def test_erdos_renyi_dense_and_degenerate_cases():
    g = erdos_renyi(30, 25, rng=rng(4))  # p > 1/2: the complement is sampled
    assert_simple(g)
    p = 25 / 29
    pairs = 30 * 29
    assert abs(g.n_edges - pairs * p) < 4 * math.sqrt(pairs * p * (1 - p))
    assert erdos_renyi(30, 29, rng=rng(4)).n_edges == pairs
    assert erdos_renyi(30, 0, rng=rng(4)).n_edges == 0
    assert erdos_renyi(1, 0, rng=rng(4)).n_edges == 0
    assert erdos_renyi(2, 1, directed=False, rng=rng(4)).n_edges == 2
    with pytest.raises(ValueError):
        erdos_renyi(10, 10, rng=rng(4))


def test_erdos_renyi_giant_component_matches_percolation_theory():
    n, c = 20_000, 2.0
    g = erdos_renyi(n, c, directed=False, rng=rng(5))
    src, dst = g.edges()
    adj = csr_matrix((np.ones(src.size), (src, dst)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    giant = np.bincount(labels).max() / n
    s = brentq(lambda x: x - 1 + math.exp(-c * x), 1e-6, 1.0)  # S = 1 - exp(-c S)
    # the giant component's size has variance n S (1 - S) / (1 - c (1 - S))^2
    sd = math.sqrt(s * (1 - s) / n) / (1 - c * (1 - s))
    assert abs(giant - s) < 4 * sd


# ---------------------------------------------------------------------------------- Watts–Strogatz
def test_watts_strogatz_p0_is_exactly_the_ring_lattice():
    n, k = 60, 6
    g = watts_strogatz(n, k, 0.0, rng=rng(6))
    assert_symmetric(g)
    expected = {(min(a, b), max(a, b)) for a, b in nx.watts_strogatz_graph(n, k, 0).edges()}
    assert undirected_edge_set(g) == expected
    assert g.n_edges == n * k


@pytest.mark.parametrize("p", [0.1, 0.5, 1.0])
def test_watts_strogatz_rewiring_keeps_edges(p):
    n, k = 1000, 8
    g = watts_strogatz(n, k, p, rng=rng(7))
    assert g.n_edges == n * k
    assert_simple(g)
    assert_symmetric(g)
    assert g.followers.min() >= k // 2  # only the far end of an edge moves
    lattice = undirected_edge_set(watts_strogatz(n, k, 0.0, rng=rng(7)))
    moved = len(undirected_edge_set(g) - lattice)
    # rewired edges ~ Binomial(n k / 2, p); a few land back on vacated lattice slots
    m = n * k // 2
    expected = m * p * (1 - k / n)
    assert abs(moved - expected) < 4 * math.sqrt(m * p * (1 - p)) + m * p * k / n


def test_watts_strogatz_clustering_falls_with_p():
    n, k = 500, 10
    clustering = [
        nx.average_clustering(nx.Graph(watts_strogatz(n, k, p, rng=rng(8)).to_networkx()))
        for p in (0.0, 0.1, 1.0)
    ]
    assert clustering[0] == pytest.approx(3 * (k - 2) / (4 * (k - 1)), abs=1e-12)
    assert clustering[0] > clustering[1] > clustering[2]
    assert clustering[2] < 4 * k / n  # random-graph level ~ k / n


def test_watts_strogatz_validates():
    for args in [(10, 3, 0.1), (10, 10, 0.1), (10, 4, 1.5)]:
        with pytest.raises(ValueError):
            watts_strogatz(*args, rng=rng(0))
    assert watts_strogatz(10, 0, 0.5, rng=rng(0)).n_edges == 0


# ---------------------------------------------------------------------------------- Barabási–Albert
def test_barabasi_albert_edges_degrees_and_tail():
    n, m = 20_000, 3
    g = barabasi_albert(n, m, rng=rng(9))
    assert_simple(g)
    assert_symmetric(g)
    assert g.n_edges == 2 * (m * (m + 1) // 2 + m * (n - m - 1))
    assert g.n_edges == pytest.approx(2 * m * (n - m), rel=1e-3)
    deg = g.followers
    assert deg.min() >= m
    # degree CCDF m (m + 1) / (k (k + 1)); Poisson SE on the count of nodes above k
    for k in (10, 30):
        expected = n * m * (m + 1) / (k * (k + 1))
        assert abs((deg >= k).sum() - expected) < 4 * math.sqrt(expected) + 0.02 * expected
    er = erdos_renyi(n, 2 * m, directed=False, rng=rng(9))
    assert deg.max() > 5 * er.followers.max()


def test_barabasi_albert_validates():
    with pytest.raises(ValueError):
        barabasi_albert(3, 3, rng=rng(0))
    with pytest.raises(ValueError):
        barabasi_albert(10, 0, rng=rng(0))
    assert barabasi_albert(4, 3, rng=rng(0)).n_edges == 12  # just the seed clique


# ---------------------------------------------------------------------------------- complete
def test_complete():
    g = complete(7)
    assert g.n_edges == 7 * 6
    assert_simple(g)
    reference = nx.complete_graph(7, create_using=nx.DiGraph)
    assert set(zip(*(a.tolist() for a in g.edges()), strict=True)) == set(reference.edges())
    assert complete(1).n_edges == 0


# ---------------------------------------------------------------------------------- follower graph
N = 20_000


@pytest.fixture(scope="module")
def followers_default() -> Network:
    return follower_graph(N, rng=rng(10))


def test_follower_graph_sizes_and_reach(followers_default):
    g = followers_default
    assert_simple(g)
    assert g.n_nodes == N
    assert g.n_edges / N == pytest.approx(20.0, rel=0.1)
    top = g.followers.max()
    assert 0.1 * N / 1.5 <= top <= 0.1 * N * 1.5
    assert (g.followers >= 0.05 * N).sum() >= 3  # a handful of accounts with large reach
    assert g.n_communities == round(math.sqrt(N) / 10)
    assert np.bincount(g.community).min() > 0
    assert "follower_graph" in g.name


def test_follower_graph_tiers(followers_default):
    tiers = tier_counts(followers_default)
    assert sum(tiers.values()) == N
    # at n = 2e4 the nano threshold (20 followers) equals the mean follower count
    assert tiers["nano"] >= 0.8 * N
    assert tiers["micro"] > tiers["macro"] > 0
    assert tier_counts(followers_default, (0.01, 0.02, 0.5))["mega"] == 0


def test_follower_graph_homophily():
    g = follower_graph(N, homophily=0.7, reciprocity=0.0, closure=0.0, rng=rng(11))
    # each follow is inside its community with probability h, independently: binomial SE
    # (plus clipping of in-community draws in tiny communities, absent at this size)
    se = math.sqrt(0.7 * 0.3 / g.n_edges)
    assert within_community_fraction(g) == pytest.approx(0.7, abs=4 * se)
    g = follower_graph(N, homophily=0.3, reciprocity=0.0, closure=0.0, rng=rng(11))
    assert within_community_fraction(g) == pytest.approx(0.3, abs=4 * math.sqrt(0.21 / g.n_edges))


def test_follower_graph_homophily_with_reciprocity_and_closure(followers_default):
    # reciprocal edges keep the in/out mix; closure edges mix communities somewhat
    assert within_community_fraction(followers_default) == pytest.approx(0.7, abs=0.05)


def test_follower_graph_reciprocity_grows():
    measured = [
        reciprocated_fraction(follower_graph(N, reciprocity=r, closure=0.0, rng=rng(12)))
        for r in (0.0, 0.05, 0.2)
    ]
    assert measured[0] < measured[1] < measured[2]
    # an edge and its added reverse are both reciprocated: about 2 r / (1 + r) of all edges
    for r, value in zip((0.05, 0.2), measured[1:], strict=True):
        assert value == pytest.approx(measured[0] + 2 * r / (1 + r), abs=0.02)


def test_follower_graph_clustering_grows_with_closure():
    clustering = []
    for closure in (0.0, 0.1, 0.3):
        g = follower_graph(3000, closure=closure, rng=rng(13))
        assert g.n_edges / 3000 == pytest.approx(20.0, rel=0.1)
        clustering.append(nx.average_clustering(g.to_networkx().to_undirected()))
    assert clustering[0] < clustering[1] < clustering[2]


def test_follower_graph_single_community_and_small_n():
    g = follower_graph(5000, n_communities=1, rng=rng(14))
    assert g.n_communities == 1
    assert g.n_edges / 5000 == pytest.approx(20.0, rel=0.1)
    for n in (2, 10, 100):
        g = follower_graph(n, mean_following=min(5, n - 1), rng=rng(14))
        assert_simple(g)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 1},
        {"n": 100, "mean_following": 0},
        {"n": 100, "max_reach": 0},
        {"n": 100, "tail_exponent": 1.0},
        {"n": 100, "homophily": 1.5},
        {"n": 100, "reciprocity": -0.1},
        {"n": 100, "closure": 1.0},
        {"n": 100, "n_communities": 0},
    ],
)
def test_follower_graph_validates(kwargs):
    with pytest.raises(ValueError):
        follower_graph(rng=rng(0), **kwargs)


def test_tier_counts_by_hand():
    # node 0 has 3 followers out of n = 4 (75%), node 1 has 1 (25%), the others none
    g = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], 4)
    assert tier_counts(g, (0.2, 0.5, 0.7)) == {"nano": 2, "micro": 1, "macro": 0, "mega": 1}
    with pytest.raises(ValueError):
        tier_counts(g, (0.5, 0.1, 0.7))
