"""Random graph generators, vectorised with numpy.

Every generator takes its randomness from an explicit ``numpy.random.Generator`` (keyword
``rng``) and returns a frozen :class:`~sim.network.graph.Network`. Edge ``i -> j`` means *j
follows i*; undirected models store each edge in both directions.

Graphs are assembled from int64 edge *keys* ``source * n + target`` (:mod:`sim.network.
edge_keys`). ``follower_graph`` lives in :mod:`sim.network.follower_graph` and is re-exported
here.

Generators
----------
erdos_renyi
    G(n, p), directed or undirected, exact and O(E) memory.
watts_strogatz
    Ring lattice with random rewiring (small world).
barabasi_albert
    Linear preferential attachment (scale-free degree tail).
complete
    Every ordered pair: the well-mixed population.
follower_graph
    Heavy-tailed, community-structured follower network with reciprocity and triadic
    closure, for influencer studies.
"""

from __future__ import annotations

import numpy as np

from sim.dtypes import EDGE, NODE
from sim.errors import InputError
from sim.kernels import growth
from sim.network.edge_keys import (
    MAX_ROUNDS,
    check_rng,
    in_sorted,
    merge_sorted,
    network_from_keys,
    sample_distinct,
    undirected_keys,
)
from sim.network.follower_graph import follower_graph, tier_counts
from sim.network.graph import Network

__all__ = [
    "barabasi_albert",
    "complete",
    "erdos_renyi",
    "follower_graph",
    "tier_counts",
    "watts_strogatz",
]


# ---------------------------------------------------------------------------------- Erdős–Rényi
def erdos_renyi(
    n: int, mean_degree: float, *, directed: bool = True, rng: np.random.Generator
) -> Network:
    """Erdős–Rényi graph G(n, p) with ``p = mean_degree / (n - 1)``.

    Directed: every ordered pair ``i != j`` is an edge independently with probability p.
    Undirected: every unordered pair is, and is stored in both directions. Either way the
    mean out-degree (= mean in-degree) is ``mean_degree``.

    The distribution is exact, not approximate: the number of edges M is drawn from
    Binomial(#pairs, p) and then a uniformly random M-subset of pairs is chosen (sampling with
    replacement, dropping repeats, topping up). Pairs are encoded as integers so no
    self-loop rejection is needed: ordered pair ``k -> (k // (n-1), skip(k % (n-1)))``;
    unordered pair ``k -> {i, i + d mod n}`` (``i = k // h, d = k % h + 1, h = (n-1)//2``,
    plus the ``n/2`` antipodal pairs when n is even).

    Complexity O(E log E) time, O(E) memory: n = 10^6 with mean degree 20 takes about a second.

    References: P. Erdős & A. Rényi (1959), Publ. Math. Debrecen 6:290; E. N. Gilbert (1959),
    Ann. Math. Stat. 30:1141.
    """
    check_rng(rng)
    n = int(n)
    if n < 1:
        raise InputError(f"n must be >= 1, got {n}")
    p = 0.0 if n == 1 else float(mean_degree) / (n - 1)
    if not 0.0 <= p <= 1.0:
        raise InputError(
            f"erdos_renyi: mean_degree must lie in 0..n-1 = 0..{n - 1}, got {mean_degree}"
        )
    kind = "directed" if directed else "undirected"
    name = f"erdos_renyi(n={n}, mean_degree={mean_degree:g}, {kind})"
    if directed:
        pairs = n * (n - 1)
        k = sample_distinct(pairs, int(rng.binomial(pairs, p)) if pairs else 0, rng)
        src = k // (n - 1) if n > 1 else k.copy()
        k -= src * (n - 1)  # now the target before skipping the diagonal
        k += k >= src  # skip the diagonal: keys stay sorted by (source, target)
        src *= n
        src += k
        del k
        return network_from_keys(src, n, presorted=True, name=name)
    pairs = n * (n - 1) // 2
    k = sample_distinct(pairs, int(rng.binomial(pairs, p)) if pairs else 0, rng)
    half = (n - 1) // 2
    ring = k < n * half
    a = np.empty_like(k)
    b = np.empty_like(k)
    if half:
        a[ring] = k[ring] // half
        b[ring] = (a[ring] + k[ring] % half + 1) % n
    a[~ring] = k[~ring] - n * half  # antipodal pairs {i, i + n/2}, n even
    b[~ring] = a[~ring] + n // 2
    del k, ring
    return network_from_keys(undirected_keys(a, b, n), n, name=name)


# ---------------------------------------------------------------------------------- Watts–Strogatz
def watts_strogatz(n: int, k: int, p: float, *, rng: np.random.Generator) -> Network:
    """Watts–Strogatz small-world graph, undirected (both directions stored).

    Start from the ring lattice where node i links to ``i ± 1 .. i ± k/2`` (mod n), then
    rewire every lattice edge ``(i, i + d)`` independently with probability p: its far end
    moves to a uniformly random node, avoiding self loops, the edge's old end and edges that
    already exist (collisions are redrawn, all at once, for a few rounds). ``p = 0`` gives the
    lattice exactly; ``p = 1`` approaches a random graph with minimum degree k/2. The number of
    edges is exactly ``n * k`` stored (directed) edges except in near-complete graphs, where an
    edge that cannot be placed after the redraw rounds is dropped.

    Complexity O(n k log(n k)). Mirrors ``networkx.watts_strogatz_graph``.

    Reference: D. J. Watts & S. H. Strogatz (1998), Nature 393:440.
    """
    check_rng(rng)
    n, k, p = int(n), int(k), float(p)
    if k % 2 or k < 0 or k >= n:
        raise InputError(f"watts_strogatz: k must be even and 0 <= k < n = {n}, got k={k}")
    if not 0.0 <= p <= 1.0:
        raise InputError(f"watts_strogatz: p must lie in 0..1, got {p}")
    half = k // 2
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v_orig = (u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    v = v_orig.copy()
    todo = np.flatnonzero(rng.random(u.size) < p) if p > 0 else np.zeros(0, dtype=np.int64)
    if todo.size:
        fixed = np.ones(u.size, dtype=bool)
        fixed[todo] = False
        taken = np.sort(np.minimum(u[fixed], v[fixed]) * n + np.maximum(u[fixed], v[fixed]))
        for _ in range(MAX_ROUNDS):
            if todo.size == 0:
                break
            uu = u[todo]
            w = (uu + 1 + rng.integers(0, n - 1, todo.size)) % n  # never uu itself
            key = np.minimum(uu, w) * n + np.maximum(uu, w)
            ok = (w != v_orig[todo]) & ~in_sorted(key, taken)
            order = np.argsort(key, kind="stable")  # first occurrence wins among candidates
            first = np.ones(key.size, dtype=bool)
            first[order[1:]] = key[order[1:]] != key[order[:-1]]
            ok &= first
            v[todo[ok]] = w[ok]
            taken = merge_sorted(taken, np.sort(key[ok]))
            todo = todo[~ok]
        if todo.size:  # could not place: keep the lattice edge if still free, else drop it
            key = np.minimum(u[todo], v[todo]) * n + np.maximum(u[todo], v[todo])
            clash = in_sorted(key, taken)
            v[todo[clash]] = u[todo[clash]]
    loop = u != v
    return network_from_keys(
        undirected_keys(u[loop], v[loop], n), n, name=f"watts_strogatz(n={n}, k={k}, p={p:g})"
    )


# ---------------------------------------------------------------------------------- Barabási–Albert
_WORDS_PER_BLOCK = 1 << 20
"""Random words handed to the growth kernel at a time (4 MiB): bounded memory at any size."""


def barabasi_albert(n: int, m: int, *, rng: np.random.Generator) -> Network:
    """Barabási–Albert preferential-attachment graph, undirected (both directions stored).

    Starts from the complete graph on ``m + 1`` nodes (so every degree is at least m), then
    each new node links to m distinct existing nodes chosen with probability proportional to
    degree (the repeated-nodes list trick). Exactly ``m(m+1)/2 + m(n-m-1)`` undirected edges,
    i.e. about ``2 m (n - m)`` stored; the degree distribution has a ``k^-3`` tail.

    Growth is sequential, so it runs in the kernel :func:`sim.kernels.growth.attach`, fed with
    blocks of 32-bit words from a Mersenne Twister seeded by one draw of ``rng`` (the words the
    first releases drew, so graphs are unchanged). No global random state is used. O(n m) time:
    n = 10^6, m = 10 takes about 2 s.

    Reference: A.-L. Barabási & R. Albert (1999), Science 286:509.
    """
    check_rng(rng)
    n, m = int(n), int(m)
    if m < 1 or n <= m:
        raise InputError(f"barabasi_albert needs m >= 1 and n > m, got n={n}, m={m}")
    words = np.random.RandomState(int(rng.integers(2**32)))
    n0 = m + 1
    n_edges = n0 * m // 2 + (n - n0) * m
    src = np.empty(n_edges, dtype=NODE)
    dst = np.empty(n_edges, dtype=NODE)
    repeated = np.empty(2 * n_edges, dtype=NODE)  # each node once per edge end
    targets = np.empty(m, dtype=NODE)
    progress = np.zeros(growth.N_PROGRESS, dtype=np.int64)
    growth.seed_clique(m, src, dst, repeated, progress)
    while progress[growth.NEXT_NODE] < n:
        block = words.randint(0, 2**32, size=_WORDS_PER_BLOCK, dtype=np.uint32)
        growth.attach(n, m, block, src, dst, repeated, targets, progress)
    return network_from_keys(undirected_keys(src, dst, n), n, name=f"barabasi_albert(n={n}, m={m})")


# ---------------------------------------------------------------------------------- complete
def complete(n: int) -> Network:
    """The complete directed graph: every ordered pair ``i != j`` (the well-mixed population).

    ``n (n - 1)`` edges, so O(n^2) time and memory; meant for small n.
    """
    n = int(n)
    if n < 1:
        raise InputError(f"n must be >= 1, got {n}")
    if n == 1:
        return Network(np.zeros(2, dtype=EDGE), np.zeros(0, dtype=NODE), name="complete(n=1)")
    k = np.arange(n * (n - 1), dtype=np.int64)
    row = k // (n - 1)
    col = k - row * (n - 1)
    col += col >= row
    indptr = np.arange(n + 1, dtype=EDGE) * (n - 1)
    return Network(indptr, col.astype(NODE), name=f"complete(n={n})")
