"""Sixteen counter-based draws at once: which of the edges ``lo .. min(lo + 16, stop) - 1``
transmit, as a bit mask, computed in SIMD lanes (lanes at or past ``stop`` read nothing and
stay clear, so a post's last, partial block needs no other code).

A cascade kernel draws one number per edge (``uniform(base, e)``, :mod:`sim.kernels.counter_rng`)
and, at small probabilities, almost every draw fails. Drawn one by one, each draw is a chain of
multiplies and a branch; here sixteen are computed side by side (AVX-512: one register per
step; narrower machines: the same vector split in parts) and compared at once, and the kernel
then visits only the set bits (:func:`lowest_bit`). The numbers are the same: bit ``x`` of
:func:`draws_below` is ``uniform(base, lo + x) < cut * 2**-53`` computed exactly, and bit ``x``
of :func:`draws_below_ties` is ``uniform(base, lo + x) < ties[lo + x] * scale * weight`` with the
same float32 products the scalar code forms; ``tests/test_lanes.py`` checks both against the
scalar draws.

The vectors are written as LLVM IR through :func:`numba.extending.intrinsic` (numba's loop
vectoriser leaves a sixteen-trip loop unrolled as scalar code, and a longer loop gives a scalar
remainder for the short edge lists that are the common case).
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from sim.kernels import counter_rng

LANES = 16
"""Draws per mask: bit ``x`` is edge ``lo + x``."""

_I1 = ir.IntType(1)
_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_VEC = ir.VectorType(_I64, LANES)


def _splat(builder, value, vector_type):
    """``value`` in every lane of a ``vector_type``."""
    undef = ir.Constant(vector_type, ir.Undefined)
    first = builder.insert_element(undef, value, ir.Constant(_I32, 0))
    zeros = ir.Constant(ir.VectorType(_I32, vector_type.count), [0] * vector_type.count)
    return builder.shuffle_vector(first, undef, zeros)


def _lane_bits(builder, base, lo):
    """The 53 bits of ``uniform(base, lo + x)`` for every lane ``x`` (SplitMix64 of a Weyl
    sequence, as :func:`sim.kernels.counter_rng.uniform`)."""

    def const(value):
        return ir.Constant(_VEC, [int(value)] * LANES)

    rng = counter_rng
    counters = builder.add(_splat(builder, lo, _VEC), ir.Constant(_VEC, list(range(1, LANES + 1))))
    z = builder.add(builder.mul(counters, const(rng._GOLDEN)), _splat(builder, base, _VEC))
    z = builder.mul(builder.xor(z, builder.lshr(z, const(rng._S30))), const(rng._MUL1))
    z = builder.mul(builder.xor(z, builder.lshr(z, const(rng._S27))), const(rng._MUL2))
    z = builder.xor(z, builder.lshr(z, const(rng._S31)))
    return builder.lshr(z, const(rng._S11))


def _as_mask(builder, hits):
    """A ``<16 x i1>`` as the low bits of a uint64."""
    return builder.zext(builder.bitcast(hits, ir.IntType(LANES)), _I64)


def _valid(builder, lo, stop):
    """``x < stop - lo`` for every lane ``x`` (``stop >= lo``): the lanes that are edges."""
    left = _splat(builder, builder.sub(stop, lo), _VEC)
    return builder.icmp_unsigned("<", ir.Constant(_VEC, list(range(LANES))), left)


def _uint64s(context, builder, values, value_types):
    """Integer arguments as uint64 LLVM values."""
    pairs = zip(values, value_types, strict=True)
    return [context.cast(builder, v, ty, types.uint64) for v, ty in pairs]


@intrinsic
def draws_below(typingctx, base, lo, stop, cut):
    """Bit ``x`` set when ``lo + x < stop`` and the 53 bits of ``uniform(base, lo + x)`` are
    below ``cut`` (all uint64), i.e. that draw is below ``cut * 2**-53``: one probability for
    the edges ``lo .. min(lo + 16, stop) - 1``."""
    if not all(isinstance(t, types.Integer) for t in (base, lo, stop, cut)):
        return None
    signature = types.uint64(base, lo, stop, cut)

    def codegen(context, builder, sig, args):
        base_, lo_, stop_, cut_ = _uint64s(context, builder, args, sig.args)
        below = builder.icmp_unsigned(
            "<", _lane_bits(builder, base_, lo_), _splat(builder, cut_, _VEC)
        )
        return _as_mask(builder, builder.and_(below, _valid(builder, lo_, stop_)))

    return signature, codegen


@intrinsic
def draws_below_ties(typingctx, base, lo, stop, ties, scale, weight):
    """Bit ``x`` set when ``lo + x < stop`` and ``uniform(base, lo + x) < ties[lo + x] * scale
    * weight`` (``ties`` float32 1-d, the products in float32 in that order, compared in
    float64 as the scalar code does). Only ``ties[lo : stop]`` is read (a masked load), so
    ``stop <= ties.size`` is all the caller keeps."""
    if not (isinstance(ties, types.Array) and ties.ndim == 1 and ties.dtype == types.float32):
        return None
    if not all(isinstance(t, types.Integer) for t in (base, lo, stop)):
        return None
    signature = types.uint64(base, lo, stop, ties, types.float32, types.float32)

    def codegen(context, builder, sig, args):
        base_, lo_, stop_ = _uint64s(context, builder, args[:3], sig.args[:3])
        data = context.make_array(sig.args[3])(context, builder, args[3]).data
        floats = ir.VectorType(ir.FloatType(), LANES)
        doubles = ir.VectorType(ir.DoubleType(), LANES)
        valid = _valid(builder, lo_, stop_)
        address = builder.bitcast(builder.gep(data, [lo_]), floats.as_pointer())
        kind = ir.FunctionType(floats, [address.type, _I32, valid.type, floats])
        load = cgutils.get_or_insert_function(builder.module, kind, "llvm.masked.load.v16f32.p0")
        zeros = ir.Constant(floats, [0.0] * LANES)
        row = builder.call(load, [address, ir.Constant(_I32, 4), valid, zeros])
        bound = builder.fmul(row, _splat(builder, args[4], floats))
        bound = builder.fmul(bound, _splat(builder, args[5], floats))
        draws = builder.uitofp(_lane_bits(builder, base_, lo_), doubles)
        draws = builder.fmul(draws, ir.Constant(doubles, [counter_rng._TO_UNIT] * LANES))
        below = builder.fcmp_ordered("<", draws, builder.fpext(bound, doubles))
        return _as_mask(builder, builder.and_(below, valid))

    return signature, codegen


@intrinsic
def lowest_bit(typingctx, mask):
    """The index of the lowest set bit of a nonzero uint64 (``llvm.cttz``)."""
    if not isinstance(mask, types.Integer):
        return None
    signature = types.uint64(types.uint64)

    def codegen(context, builder, sig, args):
        kind = ir.FunctionType(_I64, [_I64, _I1])
        function = cgutils.get_or_insert_function(builder.module, kind, "llvm.cttz.i64")
        return builder.call(function, [args[0], ir.Constant(_I1, 1)])

    return signature, codegen
