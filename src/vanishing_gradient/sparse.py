"""Rows of network inputs kept as their non-zero entries, and their products with the first
layer's weights (forward) and with the first layer's deltas (its weight gradient) computed
over those entries alone.

MNIST's pixels are 81 % zeros, so ``z = x W`` (``x`` a row of ``n_0`` inputs, ``W`` of shape
``(n_0, n_1)``) is ``sum_p x_p W[p, :]`` over the non-zero ``x_p`` only: a zero input adds
exactly ``0``; so does it to ``x^T d``. The trainers (``sgd``, ``remedies``) and the evaluation
of a network (``network``) use them.

The forward sums (``_row_sums``) keep ``LANES`` of a row's running sums in vector registers
over all of the row's non-zero inputs and store them once. Written as a plain loop,
``out[i, j] += v W[p, j]``, the sums live in memory: every non-zero input loads them back
from the stores of the one before (the compiler cannot keep them in registers, as ``out``
might be ``W``), and that chain of stores and loads, not the arithmetic, sets the pace.
``_zero_lanes`` and ``_add_scaled_lanes`` give the compiler the running sums as a buffer of
the compiled function's own stack, which nothing else can reach, so it keeps them in
registers; each lane is one multiply and one add per input, as in the plain loop.
"""

import numpy as np
from llvmlite import ir
from numba import carray, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.extending import intrinsic

from .kernel_cache import JIT, numba
from .network import PIXEL_SCALE

LANES = 16  # running sums of a row kept in vector registers at once (4 of AVX2's 16)
_LANES_TYPE = ir.VectorType(ir.DoubleType(), LANES)
_LANES_POINTER = types.CPointer(types.float64)


@intrinsic
def _zero_lanes(typingctx):
    """A buffer of ``LANES`` float64 on the compiled caller's stack, set to 0 (a pointer to
    it). Its address is not known outside the function, so the compiler can keep its
    content in registers across a loop that writes other arrays."""

    def codegen(context, builder, signature, args):
        slot = cgutils.alloca_once(builder, _LANES_TYPE)
        builder.store(ir.Constant(_LANES_TYPE, [0.0] * LANES), slot)
        return builder.bitcast(slot, ir.DoubleType().as_pointer())

    return _LANES_POINTER(), codegen


@intrinsic
def _add_scaled_lanes(typingctx, lanes, v, w, p, j):
    """``lanes[k] <- lanes[k] + v * w[p, j + k]`` for ``k < LANES``: for each lane the
    rounded product, then the rounded sum, as ``lanes[k] += v * w[p, j + k]`` (no fused
    multiply-add). ``w``: a C-contiguous float64 matrix, its row segment read at once;
    ``0 <= p`` and ``0 <= j <= w.shape[1] - LANES`` are the caller's to ensure (no index is
    checked or wrapped)."""
    if not (isinstance(w, types.Array) and w.ndim == 2 and w.layout == "C"):
        raise TypingError(f"_add_scaled_lanes needs a C-contiguous matrix, got {w}")
    if w.dtype != types.float64 or lanes != _LANES_POINTER:
        raise TypingError(f"_add_scaled_lanes adds float64 rows to float64 lanes, got {w}")

    def codegen(context, builder, signature, args):
        lanes_pointer, v, matrix, row, column = args
        indices = [
            context.cast(builder, index, index_type, types.intp)
            for index, index_type in zip((row, column), signature.args[3:])
        ]
        array = context.make_array(w)(context, builder, matrix)
        entry = cgutils.get_item_pointer(context, builder, w, array, indices)
        terms = builder.load(builder.bitcast(entry, _LANES_TYPE.as_pointer()), align=8)
        scales = builder.insert_element(
            ir.Constant(_LANES_TYPE, ir.Undefined), v, ir.Constant(ir.IntType(32), 0)
        )
        scales = builder.shuffle_vector(  # v in every lane
            scales,
            ir.Constant(_LANES_TYPE, ir.Undefined),
            ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES),
        )
        slot = builder.bitcast(lanes_pointer, _LANES_TYPE.as_pointer())
        builder.store(builder.fadd(builder.load(slot), builder.fmul(scales, terms)), slot)
        return context.get_dummy_value()

    return types.void(_LANES_POINTER, types.float64, w, p, j), codegen


@numba.njit(**JIT, inline="always")
def _row_sums(out, i, first, last, columns, values, scale, w):  # pragma: no cover - compiled
    """``out[i, :] <- sum_q (scale values[q]) w[columns[q], :]`` over the entries ``q`` from
    ``first`` to ``last - 1``: each sum starts at 0 and adds its terms by increasing ``q``,
    one rounding per product and per sum.

    ``LANES`` columns at a time (``_add_scaled_lanes``) from ``j = 0, LANES, ...``, the last
    block ending at the last column (it may overlap the one before: an overlapped column's
    sum is computed twice, the same number both times); a matrix narrower than ``LANES``, one
    column at a time. Every sum sees the same operations in the same order either way, so
    the results are the plain loop's to the bit.
    """
    width = w.shape[1]
    if width < LANES:
        for j in range(width):
            out[i, j] = 0.0
        for q in range(first, last):
            v, p = values[q] * scale, columns[q]
            for j in range(width):
                out[i, j] += v * w[p, j]
        return
    for block in range(0, width, LANES):
        j = min(block, width - LANES)
        lanes = _zero_lanes()
        for q in range(first, last):
            _add_scaled_lanes(lanes, values[q] * scale, w, columns[q], j)
        sums = carray(lanes, LANES)
        for k in range(LANES):
            out[i, j + k] = sums[k]


@numba.njit(**JIT)
def _nonzeros(x):  # pragma: no cover - compiled
    """The non-zero entries of the rows of ``x`` (compressed sparse rows): row ``r``'s are
    ``values[starts[r]:starts[r + 1]]`` in the columns ``columns[...]``, by increasing column."""
    n, width = x.shape
    starts = np.zeros(n + 1, np.int64)
    for r in range(n):
        count = 0
        for p in range(width):
            if x[r, p] != 0:
                count += 1
        starts[r + 1] = starts[r] + count
    columns = np.empty(starts[n], np.int32)
    values = np.empty(starts[n], x.dtype)
    for r in range(n):
        q = starts[r]
        for p in range(width):
            if x[r, p] != 0:
                columns[q] = p
                values[q] = x[r, p]
                q += 1
    return starts, columns, values


@numba.njit(**JIT)
def _product(starts, columns, values, scale, rows, w):  # pragma: no cover - compiled
    """``x W`` for the inputs ``x`` of the rows ``rows`` (``w`` C-contiguous): row ``i`` of
    the result is ``sum_q (scale values[q]) w[columns[q], :]`` over the entries ``q`` of row
    ``rows[i]`` (``_row_sums``)."""
    out = np.empty((len(rows), w.shape[1]))
    for i in range(len(rows)):
        _row_sums(out, i, starts[rows[i]], starts[rows[i] + 1], columns, values, scale, w)
    return out


@numba.njit(**JIT)
def _transposed_product(starts, columns, values, scale, rows, d, w):  # pragma: no cover
    """``x^T d`` for the inputs ``x`` of the rows ``rows`` (``d``: one row per input), shaped
    as ``w``: ``sum_i x_i^T d[i, :]`` over the entries of the rows only, so the rows of
    ``x^T d`` for the columns that no input has are exactly 0."""
    out = np.zeros(w.shape)
    for i in range(len(rows)):
        for q in range(starts[rows[i]], starts[rows[i] + 1]):
            v, p = values[q] * scale, columns[q]
            for j in range(w.shape[1]):
                out[p, j] += v * d[i, j]
    return out


class SparseRows:
    """Rows of inputs kept as their non-zero entries (``_nonzeros``) beside the dense rows;
    the inputs are ``scale`` times the stored values (``network.as_inputs``: uint8 pixels
    ``k`` are the inputs ``k / 256``)."""

    def __init__(self, x: np.ndarray):
        self.dense = x
        self.scale = PIXEL_SCALE if x.dtype == np.uint8 else 1.0
        self.starts, self.columns, self.values = _nonzeros(x)

    def __len__(self) -> int:
        return len(self.dense)

    def product(self, w: np.ndarray) -> np.ndarray:
        """``x W`` for the inputs ``x`` (one row each), float64 of shape ``(len(self), n_1)``."""
        w = np.ascontiguousarray(w, np.float64)
        return _product(self.starts, self.columns, self.values, self.scale, np.arange(len(self)), w)
