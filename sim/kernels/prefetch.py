"""A software prefetch for the kernels: ``prefetch(array, index)`` asks the CPU to bring the
cache line holding ``array[index]`` closer, without waiting for it and without faulting (it is
a hint: an index past the end does no harm).

Kernels that know which memory they will read a few steps ahead (the edge lists of the next
posters) overlap those cache misses with the work at hand instead of taking them one after
another. The intrinsic is LLVM's ``llvm.prefetch`` (read, high locality, data cache), emitted
through :func:`numba.extending.intrinsic`; the unsuffixed name is upgraded by LLVM to the
pointer type of its version.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_READ, _KEEP, _DATA = 0, 3, 1  # llvm.prefetch arguments: read, high temporal locality, data


@intrinsic
def prefetch(typingctx, array, index):
    """Prefetch ``array[index]`` (a 1-d array and an integer index); returns nothing."""
    if not isinstance(array, types.Array) or array.ndim != 1:
        return None
    if not isinstance(index, types.Integer):
        return None
    signature = types.void(array, index)

    def codegen(context, builder, sig, args):
        array_type, index_type = sig.args
        data = context.make_array(array_type)(context, builder, args[0]).data
        offset = context.cast(builder, args[1], index_type, types.intp)
        address = builder.bitcast(builder.gep(data, [offset]), ir.IntType(8).as_pointer())
        word = ir.IntType(32)
        hint = ir.FunctionType(ir.VoidType(), [address.type, word, word, word])
        function = cgutils.get_or_insert_function(builder.module, hint, "llvm.prefetch")
        builder.call(
            function,
            [address, ir.Constant(word, _READ), ir.Constant(word, _KEEP), ir.Constant(word, _DATA)],
        )
        return context.get_dummy_value()

    return signature, codegen
