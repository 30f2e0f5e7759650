"""Sixteen draws at once (:mod:`sim.kernels.lanes`) are the scalar draws, bit for bit.

Each mask bit is compared with the scalar test the kernels made before: ``_bits(base, e) <
cut`` for one probability, ``uniform(base, e) < tie[e] * scale * weight`` (float32 products)
for a tie per edge, over random stream bases, offsets near the ends of the counter range, and
cuts and ties at the edges (none, all, exact multiples of 2**-53 and their neighbours)."""

import numpy as np
from numba import njit

from sim.kernels.cascade import _bits, _cut, _uniform
from sim.kernels.lanes import LANES, draws_below, draws_below_ties, lowest_bit


@njit(cache=True)
def _masks(bases, los, stops, cuts):
    out = np.empty(bases.size, np.uint64)
    for k in range(bases.size):
        out[k] = draws_below(bases[k], los[k], stops[k], cuts[k])
    return out


@njit(cache=True)
def _scalar_masks(bases, los, stops, cuts):
    out = np.zeros(bases.size, np.uint64)
    for k in range(bases.size):
        for x in range(min(LANES, stops[k] - los[k])):
            if _bits(bases[k], los[k] + np.uint64(x)) < cuts[k]:
                out[k] |= np.uint64(1) << np.uint64(x)
    return out


@njit(cache=True)
def _tie_masks(bases, los, stops, ties, scales, weights):
    out = np.empty(bases.size, np.uint64)
    for k in range(bases.size):
        out[k] = draws_below_ties(bases[k], los[k], stops[k], ties, scales[k], weights[k])
    return out


@njit(cache=True)
def _scalar_tie_masks(bases, los, stops, ties, scales, weights):
    out = np.zeros(bases.size, np.uint64)
    for k in range(bases.size):
        for x in range(min(LANES, stops[k] - los[k])):
            e = los[k] + np.uint64(x)
            if _uniform(bases[k], e) < ties[e] * scales[k] * weights[k]:
                out[k] |= np.uint64(1) << np.uint64(x)
    return out


@njit(cache=True)
def _lowest(masks):
    out = np.empty(masks.size, np.uint64)
    for k in range(masks.size):
        out[k] = lowest_bit(masks[k])
    return out


def _words(rng, size):
    return rng.integers(0, 2**64, size, dtype=np.uint64)


def test_one_probability_mask_is_the_scalar_draws():
    rng = np.random.default_rng(1)
    size = 4000
    bases = _words(rng, size)
    los = np.concatenate(
        [
            rng.integers(0, 10**9, size - 8).astype(np.uint64),
            np.array([0, 2**64 - 1, 2**64 - 16, 2**64 - 17, 2**63, 1, 15, 16], np.uint64),
        ]
    )
    bounds = rng.choice([0.0, 2.0**-53, 0.01, 0.05, 0.2, 0.5, 0.99, 1.0, 1.5], size)
    bounds = np.where(rng.random(size) < 0.3, rng.random(size), bounds)
    cuts = np.array([_cut(b) for b in bounds], np.uint64)
    cuts[:50] = rng.integers(0, 2**53, 50, dtype=np.uint64)  # exact cuts, any value
    # a full block of sixteen, or a post's last edges (1 to 15; the counter range's end too)
    stops = los + rng.choice([1, 5, 15, 16], size).astype(np.uint64)
    stops[los > np.uint64(2**64 - 17)] = np.uint64(2**64 - 1)
    got = _masks(bases, los, stops, cuts)
    np.testing.assert_array_equal(got, _scalar_masks(bases, los, stops, cuts))
    assert got.max() < 2**LANES  # sixteen lanes, no more
    assert (got == 0).any() and (got == 2**LANES - 1).any() and ((got != 0) & (got != 65535)).any()


def test_tie_mask_is_the_scalar_draws():
    rng = np.random.default_rng(2)
    n_edges = 5000
    ties = rng.random(n_edges).astype(np.float32)
    ties[::7] = 0.0
    ties[::11] = 1.0
    ties[::13] = np.float32(2.0**-20)
    size = 3000
    bases = _words(rng, size)
    los = rng.integers(0, n_edges, size).astype(np.uint64)
    # whole blocks, partial ones, and blocks cut by the array's end (nothing read past it)
    stops = np.minimum(los + rng.choice([1, 7, 16], size).astype(np.uint64), np.uint64(n_edges))
    scales = rng.choice([0.0, 0.3, 1.0], size).astype(np.float32)
    scales = np.where(rng.random(size) < 0.5, rng.random(size), scales).astype(np.float32)
    weights = rng.choice([0.5, 0.8, 1.0, 1.7], size).astype(np.float32)
    got = _tie_masks(bases, los, stops, ties, scales, weights)
    np.testing.assert_array_equal(got, _scalar_tie_masks(bases, los, stops, ties, scales, weights))
    assert (got == 0).any() and ((got != 0) & (got != 65535)).any()


def test_a_wrong_stream_or_offset_gives_other_masks():
    """Twin of the tests above: the comparison would catch lanes shifted by one edge or drawn
    from another stream (the masks are then different almost everywhere)."""
    rng = np.random.default_rng(3)
    bases = _words(rng, 500)
    los = rng.integers(0, 10**6, 500).astype(np.uint64)
    cuts = np.full(500, _cut(0.5), np.uint64)
    stops = los + np.uint64(LANES)
    got = _masks(bases, los, stops, cuts)
    shifted = _scalar_masks(bases, los + np.uint64(1), stops + np.uint64(1), cuts)
    assert (got != shifted).mean() > 0.95
    assert (got != _scalar_masks(bases + np.uint64(1), los, stops, cuts)).mean() > 0.95
    assert (got != _masks(bases, los, stops - np.uint64(1), cuts)).any()  # the last lane counts


def test_lowest_bit():
    rng = np.random.default_rng(4)
    masks = _words(rng, 1000) | np.uint64(1) << np.uint64(63)
    masks[:64] = np.uint64(1) << np.arange(64, dtype=np.uint64)
    expected = [next(x for x in range(64) if int(m) >> x & 1) for m in masks]
    np.testing.assert_array_equal(_lowest(masks), expected)
