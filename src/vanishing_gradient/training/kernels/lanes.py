"""LLVM building blocks of the compiled loops that keep a row's running values in vector
registers (``sparse``, ``dense``): a vector of ``count`` float64 ("lanes"), a pointer to
``count`` consecutive entries of a matrix row, one value copied to every lane, a buffer of
lanes on the compiled function's own stack, and the store of a buffer into a matrix row.

The buffer is how the loops get their running sums into registers: its address is not known
outside the function, so the compiler may keep its content in registers across a loop that
writes other arrays, where a sum kept in an output array would be stored and loaded back at
every step (the output might be one of the arrays read).
"""

from llvmlite import ir
from numba import carray, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.extending import intrinsic

from .cache import JIT, numba

LANES_POINTER = types.CPointer(types.float64)  # numba's type of a buffer of lanes


def vector_of(count: int) -> ir.VectorType:
    """The LLVM vector of ``count`` float64."""
    return ir.VectorType(ir.DoubleType(), count)


def check_matrix(name, w):
    """Raise TypingError unless ``w`` is a C-contiguous float64 matrix: the loops read and
    write consecutive entries of a row at once."""
    if not (isinstance(w, types.Array) and w.ndim == 2 and w.layout == "C"):
        raise TypingError(f"{name} needs a C-contiguous matrix, got {w}")
    if w.dtype != types.float64:
        raise TypingError(f"{name} needs float64 entries, got {w}")


def lanes_at(context, builder, vector, matrix_type, matrix, indices, index_types):
    """The LLVM pointer to the entries ``matrix[r, c:c + n]`` as the vector type ``vector`` of
    ``n`` lanes, ``(r, c) = indices`` (of the numba types ``index_types``), neither checked
    nor wrapped."""
    array = context.make_array(matrix_type)(context, builder, matrix)
    indices = [context.cast(builder, i, t, types.intp) for i, t in zip(indices, index_types)]
    entry = cgutils.get_item_pointer(context, builder, matrix_type, array, indices)
    return builder.bitcast(entry, vector.as_pointer())


def splat(builder, vector, v):
    """The vector of the type ``vector`` with the float64 ``v`` in every lane."""
    first = builder.insert_element(
        ir.Constant(vector, ir.Undefined), v, ir.Constant(ir.IntType(32), 0)
    )
    return builder.shuffle_vector(
        first,
        ir.Constant(vector, ir.Undefined),
        ir.Constant(ir.VectorType(ir.IntType(32), vector.count), [0] * vector.count),
    )


def stack_lanes(builder, value):
    """A buffer on the compiled caller's stack holding the vector ``value`` (a float64
    pointer to its first lane), which the compiler can keep in registers (module docstring)."""
    slot = cgutils.alloca_once(builder, value.type)
    builder.store(value, slot)
    return builder.bitcast(slot, ir.DoubleType().as_pointer())


def zero_lanes(count: int):
    """An intrinsic taking no argument that returns a ``stack_lanes`` buffer of ``count``
    zeros (its float64 pointer), where a compiled loop keeps ``count`` running sums."""
    zeros = ir.Constant(vector_of(count), [0.0] * count)

    @intrinsic
    def zero(typingctx):
        def codegen(context, builder, signature, args):
            return stack_lanes(builder, zeros)

        return LANES_POINTER(), codegen

    return zero


@numba.njit(**JIT, inline="always")
def store_lanes(out, r, j, lanes, count):  # pragma: no cover - compiled
    """``out[r, j:j + count] <- lanes[:count]`` (``lanes`` a buffer of ``count`` float64)."""
    sums = carray(lanes, count)
    for k in range(count):
        out[r, j + k] = sums[k]
