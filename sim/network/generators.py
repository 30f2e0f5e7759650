"""Random graph generators, vectorised with numpy.

Every generator takes its randomness from an explicit ``numpy.random.Generator`` (keyword
``rng``) and returns a frozen :class:`~sim.network.graph.Network`. Edge ``i -> j`` means *j
follows i*; undirected models store each edge in both directions.

Graphs are assembled from int64 edge *keys* ``source * n + target``: a key array sorted in
place (numpy's SIMD sort) is already in CSR order, so duplicates are adjacent and the row
pointers follow from one ``searchsorted``. This also avoids ``np.unique``: on numpy 2.5 a plain
``np.unique`` of 2·10^7 random int64 keys took ~26 s here, against ~0.1 s for ``ndarray.sort``.

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

import math

import numpy as np

from sim.dtypes import EDGE, NODE
from sim.errors import InputError
from sim.kernels import growth
from sim.network.graph import Network
from sim.network.graph import dedupe_sorted as _dedupe_sorted

__all__ = [
    "barabasi_albert",
    "complete",
    "erdos_renyi",
    "follower_graph",
    "tier_counts",
    "watts_strogatz",
]

_MAX_ROUNDS = 30
"""Top-up rounds for rejection steps (duplicates, self loops); each round shrinks the deficit
geometrically, so this bound is only reached by nearly saturated parameter choices."""

_MAX_IN_COMMUNITY_DRAWS = 0.5
"""Cap on the expected number of within-community follow draws one account receives from each
member of its community (see :func:`follower_graph`)."""


# ---------------------------------------------------------------------------------- helpers
def _check_rng(rng: np.random.Generator) -> None:
    if not isinstance(rng, np.random.Generator):
        raise InputError("rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(7))")


def _in_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Boolean mask: which ``values`` occur in the sorted array ``sorted_keys``."""
    if sorted_keys.size == 0:
        return np.zeros(values.shape, dtype=bool)
    pos = np.searchsorted(sorted_keys, values)
    np.minimum(pos, sorted_keys.size - 1, out=pos)
    return sorted_keys[pos] == values


def _merge_sorted(keys: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Insert the sorted keys ``extra`` (none already present) into the sorted ``keys``, O(E)."""
    if extra.size == 0:
        return keys
    return np.insert(keys, np.searchsorted(keys, extra), extra)


def _network_from_keys(
    keys: np.ndarray,
    n: int,
    *,
    presorted: bool = False,
    community: np.ndarray | None = None,
    name: str = "",
) -> Network:
    """Build a :class:`Network` from int64 keys ``source * n + target``.

    The keys are sorted in place (unless ``presorted``) and deduplicated; self loops must have
    been removed by the caller. O(E log E) time, about 2 E int64 of extra memory.
    """
    if not presorted:
        keys.sort()
    keys, _ = _dedupe_sorted(keys)
    indptr = np.searchsorted(keys, np.arange(n + 1, dtype=np.int64) * n).astype(EDGE)
    indices = (keys % n).astype(NODE)
    return Network(indptr, indices, None, community, None, name)


def _undirected_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Both directions ``a -> b`` and ``b -> a`` as one unsorted int64 key array."""
    a = a.astype(np.int64, copy=False)
    b = b.astype(np.int64, copy=False)
    return np.concatenate([a * n + b, b * n + a])


def _sample_distinct(population: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random ``size``-subset of ``range(population)``, sorted, int64.

    Draws with replacement, drops repeats and tops the deficit up with fresh draws until the
    exact size is reached. The procedure commutes with any relabelling of the population, so
    the resulting set is uniform over all subsets of that size. Dense requests (more than
    half the population) sample the complement instead. O(size log size) time and memory.
    """
    if size <= 0:
        return np.zeros(0, dtype=np.int64)
    if size > population:
        raise InputError("cannot sample more distinct values than the population holds")
    if 2 * size > population:
        excluded = _sample_distinct(population, population - size, rng)
        mask = np.ones(population, dtype=bool)
        mask[excluded] = False
        return np.flatnonzero(mask).astype(np.int64)
    keys = rng.integers(0, population, size, dtype=np.int64)
    keys.sort()
    keys, _ = _dedupe_sorted(keys)
    while keys.size < size:
        extra = rng.integers(0, population, size - keys.size, dtype=np.int64)
        extra.sort()
        extra, _ = _dedupe_sorted(extra)
        keys = _merge_sorted(keys, extra[~_in_sorted(extra, keys)])
    return keys


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
    _check_rng(rng)
    n = int(n)
    if n < 1:
        raise InputError("n must be >= 1")
    p = 0.0 if n == 1 else float(mean_degree) / (n - 1)
    if not 0.0 <= p <= 1.0:
        raise InputError(f"mean_degree must lie in 0..n-1 = 0..{n - 1}")
    kind = "directed" if directed else "undirected"
    name = f"erdos_renyi(n={n}, mean_degree={mean_degree:g}, {kind})"
    if directed:
        pairs = n * (n - 1)
        k = _sample_distinct(pairs, int(rng.binomial(pairs, p)) if pairs else 0, rng)
        src = k // (n - 1) if n > 1 else k.copy()
        k -= src * (n - 1)  # now the target before skipping the diagonal
        k += k >= src  # skip the diagonal: keys stay sorted by (source, target)
        src *= n
        src += k
        del k
        return _network_from_keys(src, n, presorted=True, name=name)
    pairs = n * (n - 1) // 2
    k = _sample_distinct(pairs, int(rng.binomial(pairs, p)) if pairs else 0, rng)
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
    return _network_from_keys(_undirected_keys(a, b, n), n, name=name)


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
    _check_rng(rng)
    n, k, p = int(n), int(k), float(p)
    if k % 2 or k < 0 or k >= n:
        raise InputError("k must be even and 0 <= k < n")
    if not 0.0 <= p <= 1.0:
        raise InputError("p must lie in 0..1")
    half = k // 2
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v_orig = (u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    v = v_orig.copy()
    todo = np.flatnonzero(rng.random(u.size) < p) if p > 0 else np.zeros(0, dtype=np.int64)
    if todo.size:
        fixed = np.ones(u.size, dtype=bool)
        fixed[todo] = False
        taken = np.sort(np.minimum(u[fixed], v[fixed]) * n + np.maximum(u[fixed], v[fixed]))
        for _ in range(_MAX_ROUNDS):
            if todo.size == 0:
                break
            uu = u[todo]
            w = (uu + 1 + rng.integers(0, n - 1, todo.size)) % n  # never uu itself
            key = np.minimum(uu, w) * n + np.maximum(uu, w)
            ok = (w != v_orig[todo]) & ~_in_sorted(key, taken)
            order = np.argsort(key, kind="stable")  # first occurrence wins among candidates
            first = np.ones(key.size, dtype=bool)
            first[order[1:]] = key[order[1:]] != key[order[:-1]]
            ok &= first
            v[todo[ok]] = w[ok]
            taken = _merge_sorted(taken, np.sort(key[ok]))
            todo = todo[~ok]
        if todo.size:  # could not place: keep the lattice edge if still free, else drop it
            key = np.minimum(u[todo], v[todo]) * n + np.maximum(u[todo], v[todo])
            clash = _in_sorted(key, taken)
            v[todo[clash]] = u[todo[clash]]
    loop = u != v
    return _network_from_keys(
        _undirected_keys(u[loop], v[loop], n), n, name=f"watts_strogatz(n={n}, k={k}, p={p:g})"
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
    _check_rng(rng)
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
    return _network_from_keys(
        _undirected_keys(src, dst, n), n, name=f"barabasi_albert(n={n}, m={m})"
    )


# ---------------------------------------------------------------------------------- complete
def complete(n: int) -> Network:
    """The complete directed graph: every ordered pair ``i != j`` (the well-mixed population).

    ``n (n - 1)`` edges, so O(n^2) time and memory; meant for small n.
    """
    n = int(n)
    if n < 1:
        raise InputError("n must be >= 1")
    if n == 1:
        return Network(np.zeros(2, dtype=EDGE), np.zeros(0, dtype=NODE), name="complete(n=1)")
    k = np.arange(n * (n - 1), dtype=np.int64)
    row = k // (n - 1)
    col = k - row * (n - 1)
    col += col >= row
    indptr = np.arange(n + 1, dtype=EDGE) * (n - 1)
    return Network(indptr, col.astype(NODE), name=f"complete(n={n})")


# ---------------------------------------------------------------------------------- follower graph
def tier_counts(
    network: Network, boundaries: tuple[float, float, float] = (0.001, 0.01, 0.1)
) -> dict[str, int]:
    """Accounts per influencer tier, by follower count as a fraction of the population.

    ``nano``: fewer than ``boundaries[0] * n`` followers; ``micro``: up to ``boundaries[1] * n``;
    ``macro``: up to ``boundaries[2] * n``; ``mega``: at least ``boundaries[2] * n``.
    """
    b = np.asarray(boundaries, dtype=float)
    if b.shape != (3,) or np.any(np.diff(b) <= 0) or b[0] <= 0:
        raise InputError("boundaries must be three increasing positive fractions")
    share = network.followers / max(network.n_nodes, 1)
    counts = np.bincount(np.searchsorted(b, share, side="right"), minlength=4)
    return dict(zip(("nano", "micro", "macro", "mega"), (int(c) for c in counts), strict=True))


def _community_caps(
    w: np.ndarray, starts: np.ndarray, sizes: np.ndarray, ratio: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-community weight cap so that no member gets more than ``1/ratio`` of the slice's mass.

    ``w`` holds the weights with each community a contiguous slice ``starts[c]:starts[c] +
    sizes[c]`` sorted in decreasing order. Water-filling: the smallest m with
    ``(ratio - m) w_m <= R_m`` (``R_m`` the mass below the top m) gives
    ``cap = R_m / (ratio - m)``. Vectorised over communities; loops over m <= ratio + 1 only.
    Returns ``(cap, capped_mass)`` per community.
    """
    total = np.add.reduceat(w, starts)
    cap = np.full(starts.size, np.inf)
    capped_mass = total.copy()
    head = np.zeros(starts.size)  # mass of the top m weights
    undecided = np.ones(starts.size, dtype=bool)
    for m in range(math.ceil(ratio) + 1):
        inside = undecided & (m < sizes)
        wm = np.where(inside, w[np.minimum(starts + m, w.size - 1)], 0.0)
        rest = total - head
        if ratio > m:
            done = inside & ((ratio - m) * wm <= rest)
            c = np.where(done, rest / max(ratio - m, 1e-300), 0.0)
        else:  # any cap at w_m or above already satisfies the bound
            done = inside
            c = wm
        cap[done] = np.where(m > 0, c[done], np.inf)
        capped_mass[done] = rest[done] + m * c[done]
        # communities with all m members above the cap: uniform weights
        full = undecided & ~inside
        cap[full] = w[starts[full] + sizes[full] - 1]
        capped_mass[full] = sizes[full] * cap[full]
        undecided &= ~(done | full)
        head = head + wm
        if not undecided.any():
            break
    return cap, capped_mass


def follower_graph(
    n: int,
    mean_following: float = 20.0,
    *,
    max_reach: float = 0.15,
    tail_exponent: float = 2.1,
    n_communities: int | None = None,
    homophily: float = 0.7,
    reciprocity: float = 0.05,
    closure: float = 0.1,
    rng: np.random.Generator,
) -> Network:
    """A directed follower network for influencer studies.

    Heavy-tailed follower counts (a handful of accounts reach about ``max_reach * n``; for
    n >= 2·10^4 some 80% or more are "nano" accounts with fewer than 0.1% of n followers),
    communities with homophily, reciprocal follows and triadic closure.

    Parameters
    ----------
    n : int
        Number of accounts.
    mean_following : float
        Mean number of accounts followed (= mean follower count = edges / n).
    max_reach : float
        Target follower count of the most followed accounts, as a fraction of n. The default
        0.15 puts a handful of accounts above 10% of the population: the "mega" tier of
        :mod:`sim.model.tiers` (1M followers on a 10M-account platform) is never empty.
    tail_exponent : float
        Exponent of the power-law tail of the follower-count distribution (> 1).
    n_communities : int, optional
        Number of communities; default ``max(2, round(sqrt(n) / 10))``.
    homophily : float
        Fraction of each account's base follows inside its own community; the rest go to
        other communities (so 0 means heterophily; with one community it is ignored).
    reciprocity : float
        Probability that a base follow is returned.
    closure : float
        Fraction of the final edges made by triadic closure (0 <= closure < 1).
    rng : numpy.random.Generator
        Source of all randomness.

    Construction (Chung–Lu style, all numpy, in a community-sorted position space):

    1. Communities: sizes ``n / (4 C)`` plus a multinomial share of the rest with
       log-normal(0, 1) weights (moderately heavy-tailed).
    2. Popularity: a random rank r per account and weight ``w = (r + r0)^(-1/(tail_exponent
       - 1))``, so expected follower counts have a power-law tail with that exponent; r0 is
       found by bisection so that the largest expected follower count (computed for this
       construction, corrected for the closure step) is ``max_reach * n``.
    3. Base follows: account j follows ``K_j ~ Geometric`` (mean ``mean_following *
       (1 - closure) / (1 + reciprocity)``) accounts; ``Binomial(K_j, homophily)`` of them
       inside its own community with probability proportional to w (a uniform draw inside
       the community's slice of the cumulative weight, then ``searchsorted``), the others
       outside it, also proportional to w (the own slice is skipped: no rejection). Within a
       community the weights are capped (water-filling) so that no account gets more than 0.5
       expected in-community draws from each member: mega accounts draw most of their reach
       from outside their community. Self loops and repeats are redrawn (same kind, same
       follower) until every account has its K_j distinct follows.
    4. Reciprocity: each base edge independently gets its reverse added.
    5. Closure: pick a uniform edge ``k -> i`` (i follows k) and a uniform follower j of i,
       add ``k -> j`` (j follows k); self loops and existing edges are redrawn, and edges
       closed in one round serve as path segments in the next. Targets are picked in
       proportion to their follower count, so this step preserves the tail.
    6. Nodes get random ids (community is not encoded in the id order).

    Complexity O(E log E) time, O(E) memory with int32 node arrays: n = 10^6 with 2·10^7
    edges builds in about 6 s with under 1 GB peak RSS on two cores (``searchsorted`` of the
    draws is the largest cost).

    References: F. Chung & L. Lu (2002), PNAS 99:15879 (expected-degree random graphs);
    M. McPherson, L. Smith-Lovin & J. M. Cook (2001), Annu. Rev. Sociol. 27:415 (homophily);
    P. Holme & B. J. Kim (2002), Phys. Rev. E 65:026107 (triadic closure in scale-free
    growth).
    """
    _check_rng(rng)
    n = int(n)
    if n < 2:
        raise InputError("n must be >= 2")
    if mean_following <= 0 or mean_following > n - 1:
        raise InputError("mean_following must lie in (0, n - 1]")
    if not 0.0 < max_reach <= 1.0:
        raise InputError("max_reach must lie in (0, 1]")
    if tail_exponent <= 1.0:
        raise InputError("tail_exponent must be > 1")
    for label, value in (("homophily", homophily), ("reciprocity", reciprocity)):
        if not 0.0 <= value <= 1.0:
            raise InputError(f"{label} must lie in 0..1")
    if not 0.0 <= closure < 1.0:
        raise InputError("closure must lie in [0, 1)")
    n_comm = max(2, round(math.sqrt(n) / 10)) if n_communities is None else int(n_communities)
    if not 1 <= n_comm <= n:
        raise InputError("n_communities must lie in 1..n")
    name = (
        f"follower_graph(n={n}, mean_following={mean_following:g}, max_reach={max_reach:g}, "
        f"tail_exponent={tail_exponent:g}, communities={n_comm}, homophily={homophily:g}, "
        f"reciprocity={reciprocity:g}, closure={closure:g})"
    )
    alpha = 1.0 / (tail_exponent - 1.0)
    mu = float(mean_following) * (1.0 - closure) / (1.0 + reciprocity)
    h = float(homophily) if n_comm > 1 else 0.0

    # 1. communities: contiguous slices of the position space
    min_size = n // (4 * n_comm)
    shares = rng.lognormal(0.0, 1.0, n_comm)
    sizes = min_size + rng.multinomial(n - n_comm * min_size, shares / shares.sum())
    if sizes.min() < 1:  # only for n close to n_communities
        sizes = np.full(n_comm, n // n_comm) + (np.arange(n_comm) < n % n_comm)
    sizes = sizes.astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    comm_pos = np.repeat(np.arange(n_comm, dtype=NODE), sizes)

    # 2. popularity ranks, increasing within each community slice (= weights decreasing)
    ranks = comm_pos.astype(np.int64) * n + rng.permutation(n)
    ranks.sort()
    ranks -= comm_pos.astype(np.int64) * n
    ranks = ranks.astype(np.float64)
    ratio = h * mu / _MAX_IN_COMMUNITY_DRAWS
    n_top = min(n, 64)  # the accounts that may end up with the most followers
    top = np.argpartition(ranks, n_top - 1)[:n_top]
    c_top = comm_pos[top]

    def weights(r0: float) -> np.ndarray:
        return np.power(ranks + r0, -alpha)

    def expected_max(r0: float) -> float:
        """Largest expected follower count among the top-ranked accounts.

        A follower with Geometric(mean lam) draws hits an account of draw probability q with
        probability ``lam q / (1 + lam q)``; summed over followers, in- and out-community.
        """
        w = weights(r0)
        mass = np.add.reduceat(w, starts)
        total = mass.sum()
        wt = w[top]
        if n_comm == 1:
            q = mu * wt / total
            return float(np.max((n - 1) * q / (1 + q)))
        q = (1 - h) * mu * wt[:, None] / (total - mass[None, :])
        by_comm = sizes[None, :] * q / (1 + q)
        reach = by_comm.sum(axis=1) - by_comm[np.arange(n_top), c_top]
        if h > 0:
            cap, capped = _community_caps(w, starts, sizes, ratio)
            q = h * mu * np.minimum(wt, cap[c_top]) / capped[c_top]
            reach += (sizes[c_top] - 1) * q / (1 + q)
        return float(reach.max())

    boost = closure / (1.0 - closure) * (1.0 - max_reach)  # closure adds followers ∝ followers
    target = max_reach * n / (1.0 + boost)
    lo, hi = -12.0, math.log(10.0 * n) + 10.0
    if expected_max(math.exp(hi)) >= target:
        lo = hi
    elif expected_max(math.exp(lo)) <= target:
        hi = lo
    for _ in range(45):  # bisection on log r0: flatter weights (larger r0) mean less reach
        mid = 0.5 * (lo + hi)
        if expected_max(math.exp(mid)) > target:
            lo = mid
        else:
            hi = mid
    w = weights(math.exp(0.5 * (lo + hi)))

    # cumulative weights (global, and capped within communities), each with a leading 0
    cum = np.zeros(n + 1)
    np.cumsum(w, out=cum[1:])
    mass = cum[starts + sizes] - cum[starts]
    if h > 0:
        cap, _ = _community_caps(w, starts, sizes, ratio)
        w_in = np.minimum(w, np.repeat(cap, sizes))
        cum_in = np.zeros(n + 1)
        np.cumsum(w_in, out=cum_in[1:])
        del w_in
    del w
    ends = starts + sizes

    def draw_in(follower: np.ndarray) -> np.ndarray:
        c = comm_pos[follower]
        u = rng.random(follower.size)
        u *= cum_in[ends[c]] - cum_in[starts[c]]
        u += cum_in[starts[c]]
        t = np.searchsorted(cum_in, u, side="right") - 1
        return np.clip(t, starts[c], ends[c] - 1)

    def draw_out(follower: np.ndarray) -> np.ndarray:
        if n_comm == 1:
            u = rng.random(follower.size) * cum[n]
            return np.clip(np.searchsorted(cum, u, side="right") - 1, 0, n - 1)
        c = comm_pos[follower]
        u = rng.random(follower.size)
        u *= cum[n] - mass[c]
        u += np.where(u >= cum[starts[c]], mass[c], 0.0)  # skip the own community's slice
        return np.clip(np.searchsorted(cum, u, side="right") - 1, 0, n - 1)

    def draw_keys(need_in: np.ndarray, need_out: np.ndarray) -> np.ndarray:
        """Unsorted keys ``target * n + follower`` for the requested draws, self loops removed."""
        ids = np.arange(n, dtype=NODE)
        parts = []
        for need, draw in ((need_in, draw_in), (need_out, draw_out)):
            if need.sum() == 0:
                continue
            follower = np.repeat(ids, need)
            target = draw(follower)
            target *= n
            target += follower
            parts.append(target[target % (n + 1) != 0])  # t * n + t = t (n + 1): self loop
            del follower, target
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def same_community(keys: np.ndarray) -> np.ndarray:
        if n_comm == 1:  # no in-community draws: every follow counts as a global one
            return np.zeros(keys.size, dtype=bool)
        return comm_pos[keys // n] == comm_pos[keys % n]

    # 3. base follows, topped up until each follower has its drawn number of distinct follows
    k = rng.geometric(1.0 / (1.0 + mu), n) - 1
    k_in = rng.binomial(k, h) if h > 0 else np.zeros(n, dtype=np.int64)
    np.minimum(k_in, sizes[comm_pos] - 1, out=k_in)
    k_out = np.minimum(k - k_in, n - 1 if n_comm == 1 else n - sizes[comm_pos])
    keys = np.zeros(0, dtype=np.int64)  # round 1, sorted
    extra = np.zeros(0, dtype=np.int64)  # accepted in later rounds, sorted
    need_in, need_out = k_in, k_out
    del k, k_in, k_out
    for round_ in range(_MAX_ROUNDS):
        new = draw_keys(need_in, need_out)
        if new.size == 0:
            break
        new.sort()
        new, _ = _dedupe_sorted(new)
        if round_ == 0:
            keys = new
        else:
            new = new[~_in_sorted(new, keys) & ~_in_sorted(new, extra)]
            extra = _merge_sorted(extra, new)
        same = same_community(new)
        follower = (new % n).astype(NODE)
        need_in = np.maximum(need_in - np.bincount(follower[same], minlength=n), 0)
        need_out = np.maximum(need_out - np.bincount(follower[~same], minlength=n), 0)
        del new, same, follower
        if need_in.sum() + need_out.sum() == 0:
            break
    keys = _merge_sorted(keys, extra)
    del extra, need_in, need_out

    # 4. reciprocity
    if reciprocity > 0 and keys.size:
        chosen = keys[rng.random(keys.size, dtype=np.float32) < reciprocity]
        rev = (chosen % n) * n + chosen // n
        del chosen
        rev.sort()
        rev, _ = _dedupe_sorted(rev)
        keys = _merge_sorted(keys, rev[~_in_sorted(rev, keys)])
        del rev

    # 5. triadic closure, k -> i (i follows k) and i -> j  =>  k -> j; closure edges made in
    #    one round may serve as path segments in the next (closure on closure)
    if closure > 0 and keys.size:
        need = round(closure / (1.0 - closure) * keys.size)
        for _ in range(_MAX_ROUNDS):
            if need <= 0:
                break
            indptr = np.searchsorted(keys, np.arange(n + 1, dtype=np.int64) * n)
            first = keys[rng.integers(0, keys.size, need)]
            i = first % n
            deg = indptr[i + 1] - indptr[i]
            ok = deg > 0
            first, i, deg = first[ok], i[ok], deg[ok]
            pick = indptr[i] + (rng.random(i.size) * deg).astype(np.int64)
            new = first - i + keys[pick] % n  # (k * n + i) - i + j
            del indptr, first, i, deg, pick
            new = new[new % (n + 1) != 0]
            new.sort()
            new, _ = _dedupe_sorted(new)
            new = new[~_in_sorted(new, keys)]
            keys = _merge_sorted(keys, new)
            need -= new.size

            del new

    # 6. random node ids
    node_of = rng.permutation(n).astype(NODE)
    community = np.empty(n, dtype=NODE)
    community[node_of] = comm_pos
    src = node_of[(keys // n).astype(NODE)]
    dst = node_of[(keys % n).astype(NODE)]
    del keys
    keys = src.astype(np.int64)
    del src
    keys *= n
    keys += dst
    del dst
    return _network_from_keys(keys, n, community=community, name=name)
