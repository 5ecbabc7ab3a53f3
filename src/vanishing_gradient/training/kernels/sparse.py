"""Rows of network inputs kept as their non-zero entries, and their products with the first
layer's weights (forward) and with the first layer's deltas (its weight gradient) computed
over those entries alone.

MNIST's pixels are 81 % zeros, so ``z = x W`` (``x`` a row of ``n_0`` inputs, ``W`` of shape
``(n_0, n_1)``) is ``sum_p x_p W[p, :]`` over the non-zero ``x_p`` only: a zero input adds
exactly ``0``; so does it to ``x^T d``. The trainers (``sgd``, ``remedies``) and the evaluation
of a network (``network``) use them.

The forward sums (``row_sums``) keep ``LANES`` of a row's running sums in vector registers
over all of the row's non-zero inputs and store them once. Written as a plain loop,
``out[i, j] += v W[p, j]``, the sums live in memory: every non-zero input loads them back
from the stores of the one before (the compiler cannot keep them in registers, as ``out``
might be ``W``), and that chain of stores and loads, not the arithmetic, sets the pace.
``_zero_lanes`` and ``_add_scaled_lanes`` give the compiler the running sums as a buffer of
the compiled function's own stack, which nothing else can reach, so it keeps them in
registers; each lane is one multiply and one add per input, as in the plain loop. The
trainer's update of the first layer, ``W[p, :] -= v d[i, :]`` (``subtract_row_products``),
holds ``d[i, :]`` in registers the same way instead of loading it again for every input.
Both give the plain loops' numbers to the bit (their docstrings say why).
"""

import numpy as np
from numba import types
from numba.extending import intrinsic

from .cache import JIT, numba
from .lanes import (
    LANES_POINTER,
    check_matrix,
    lanes_at,
    splat,
    stack_lanes,
    store_lanes,
    vector_of,
    zero_lanes,
)
from ...model.network import PIXEL_SCALE

MAX_COLUMNS = np.iinfo(np.uint16).max + 1  # a column index is a uint16

LANES = 16  # columns of a row held in vector registers at once (4 of AVX2's 16 registers)
_LANES_TYPE = vector_of(LANES)


_zero_lanes = zero_lanes(LANES)


@intrinsic
def _add_scaled_lanes(typingctx, lanes, v, w, p, j):
    """``lanes[k] <- lanes[k] + v * w[p, j + k]`` for ``k < LANES``: for each lane the
    rounded product, then the rounded sum, as ``lanes[k] += v * w[p, j + k]`` (no fused
    multiply-add). ``w``: a C-contiguous float64 matrix; ``0 <= p`` and ``0 <= j <=
    w.shape[1] - LANES``: the caller's to ensure."""
    check_matrix("_add_scaled_lanes", w)

    def codegen(context, builder, signature, args):
        slot = builder.bitcast(args[0], _LANES_TYPE.as_pointer())
        entries = lanes_at(context, builder, _LANES_TYPE, w, args[2], args[3:], signature.args[3:])
        terms = builder.fmul(splat(builder, _LANES_TYPE, args[1]), builder.load(entries, align=8))
        builder.store(builder.fadd(builder.load(slot), terms), slot)
        return context.get_dummy_value()

    return types.void(LANES_POINTER, types.float64, w, p, j), codegen


@intrinsic
def _row_lanes(typingctx, d, i, j):
    """A buffer of ``LANES`` float64 on the compiled caller's stack holding ``d[i, j:j +
    LANES]`` (a pointer to it), kept in registers as ``_zero_lanes``'s. ``d``: a C-contiguous
    float64 matrix; ``0 <= i`` and ``0 <= j <= d.shape[1] - LANES``: the caller's to ensure."""
    check_matrix("_row_lanes", d)

    def codegen(context, builder, signature, args):
        entries = lanes_at(context, builder, _LANES_TYPE, d, args[0], args[1:], signature.args[1:])
        return stack_lanes(builder, builder.load(entries, align=8))

    return LANES_POINTER(d, i, j), codegen


def _subtract_scaled_blocks(context, builder, signature, args, blocks):
    """The code of ``_subtract_scaled_lanes`` (``blocks = 1``) and of
    ``_subtract_scaled_lane_pair`` (``blocks = 2``): every block of ``w`` read, then each
    written."""
    matrix, row, *columns = args[: 2 + blocks]
    v, lanes = args[2 + blocks], args[3 + blocks :]
    row_type, column_types = signature.args[1], signature.args[2 : 2 + blocks]
    w = signature.args[0]
    entries = [
        lanes_at(context, builder, _LANES_TYPE, w, matrix, (row, column), (row_type, column_type))
        for column, column_type in zip(columns, column_types)
    ]
    old = [builder.load(block, align=8) for block in entries]
    scales = splat(builder, _LANES_TYPE, v)
    for block, before, factors in zip(entries, old, lanes):
        factors = builder.load(builder.bitcast(factors, _LANES_TYPE.as_pointer()))
        builder.store(builder.fsub(before, builder.fmul(scales, factors)), block, align=8)
    return context.get_dummy_value()


@intrinsic
def _subtract_scaled_lanes(typingctx, w, p, j, v, lanes):
    """``w[p, j + l] <- w[p, j + l] - v * lanes[l]`` for ``l < LANES``: the rounded
    product, then the rounded difference, as ``w[p, j + l] -= v * lanes[l]``. ``w``: a
    C-contiguous float64 matrix; ``0 <= p`` and ``0 <= j <= w.shape[1] - LANES``: the
    caller's to ensure."""
    check_matrix("_subtract_scaled_lanes", w)

    def codegen(context, builder, signature, args):
        return _subtract_scaled_blocks(context, builder, signature, args, 1)

    return types.void(w, p, j, types.float64, LANES_POINTER), codegen


@intrinsic
def _subtract_scaled_lane_pair(typingctx, w, p, j, k, v, lanes_j, lanes_k):
    """``_subtract_scaled_lanes`` on the blocks of ``w[p]`` at ``j`` (with ``lanes_j``) and at
    ``k`` (with ``lanes_k``), both read before either is written: where they overlap, the
    two writes are the same number, so each entry changes once."""
    check_matrix("_subtract_scaled_lane_pair", w)

    def codegen(context, builder, signature, args):
        return _subtract_scaled_blocks(context, builder, signature, args, 2)

    return types.void(w, p, j, k, types.float64, LANES_POINTER, LANES_POINTER), codegen


@numba.njit(**JIT, inline="always")
def row_sums(out, i, first, last, columns, values, scale, w):  # pragma: no cover - compiled
    """``out[i, :] <- sum_q (scale values[q]) w[columns[q], :]`` over the entries ``q`` from
    ``first`` to ``last - 1``: each sum starts at 0 and adds its terms by increasing ``q``,
    one rounding per product and per sum.

    ``LANES`` columns at a time (``_add_scaled_lanes``) from ``j = 0, LANES, ...``, the last
    block ending at the last column (it may overlap the one before: an overlapped column's
    sum is computed twice, the same number both times); the first block alone if their number
    is odd, then two blocks per pass over the entries, so that twice the sums are under way
    at once (each waits for its last addition); a matrix narrower than ``LANES``, one column
    at a time. Every sum sees the same operations in the same order either way, so the
    results are the plain loop's to the bit.
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
    blocks = (width + LANES - 1) // LANES
    if blocks % 2:
        lanes = _zero_lanes()
        for q in range(first, last):
            _add_scaled_lanes(lanes, values[q] * scale, w, columns[q], 0)
        store_lanes(out, i, 0, lanes, LANES)
    for pair in range(blocks % 2, blocks, 2):
        j, k = pair * LANES, min((pair + 1) * LANES, width - LANES)
        lanes_j, lanes_k = _zero_lanes(), _zero_lanes()
        for q in range(first, last):
            v, p = values[q] * scale, columns[q]
            _add_scaled_lanes(lanes_j, v, w, p, j)
            _add_scaled_lanes(lanes_k, v, w, p, k)
        store_lanes(out, i, j, lanes_j, LANES)
        store_lanes(out, i, k, lanes_k, LANES)


@numba.njit(**JIT, inline="always")
def subtract_row_products(
    w, i, first, last, columns, values, scale, factor, d
):  # pragma: no cover - compiled
    """``w[columns[q], :] <- w[columns[q], :] - v_q d[i, :]``, ``v_q = values[q] scale
    factor`` (rounded left to right), for the entries ``q`` from ``first`` to ``last - 1``:
    one rounded product and one rounded difference per changed entry, as the plain loop
    ``w[p, j] -= v_q d[i, j]``. The entries of one row have distinct columns, so each entry
    of ``w`` changes at most once and the order of the ``q`` does not matter.

    ``LANES`` columns at a time, in blocks placed as ``row_sums``'s, with ``d[i, :]``'s
    block in registers: the first block alone if their number is odd, then a pass over the
    ``q`` for each following pair of blocks (``_subtract_scaled_lane_pair``), so that a last
    block overlapping its neighbour shares its pass. A matrix narrower than ``LANES``, one
    column at a time.
    """
    width = w.shape[1]
    if width < LANES:
        for q in range(first, last):
            v, p = values[q] * scale * factor, columns[q]
            for j in range(width):
                w[p, j] -= v * d[i, j]
        return
    blocks = (width + LANES - 1) // LANES
    if blocks % 2:
        lanes = _row_lanes(d, i, 0)
        for q in range(first, last):
            _subtract_scaled_lanes(w, columns[q], 0, values[q] * scale * factor, lanes)
    for pair in range(blocks % 2, blocks, 2):
        j, k = pair * LANES, min((pair + 1) * LANES, width - LANES)
        lanes_j, lanes_k = _row_lanes(d, i, j), _row_lanes(d, i, k)
        for q in range(first, last):
            v = values[q] * scale * factor
            _subtract_scaled_lane_pair(w, columns[q], j, k, v, lanes_j, lanes_k)


@numba.njit(**JIT)
def _nonzeros(x):  # pragma: no cover - compiled
    """The non-zero entries of the rows of ``x`` (compressed sparse rows): row ``r``'s are
    ``values[starts[r]:starts[r + 1]]`` in the columns ``columns[...]``, by increasing column
    (uint16, half of int32's memory: 15 MB less for the 50,000 training images)."""
    n, width = x.shape
    starts = np.zeros(n + 1, np.int64)
    for r in range(n):
        count = 0
        for p in range(width):
            if x[r, p] != 0:
                count += 1
        starts[r + 1] = starts[r] + count
    columns = np.empty(starts[n], np.uint16)
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
def sparse_product(starts, columns, values, scale, rows, w):  # pragma: no cover - compiled
    """``x W`` for the inputs ``x`` of the rows ``rows`` (``w`` C-contiguous): row ``i`` of
    the result is ``sum_q (scale values[q]) w[columns[q], :]`` over the entries ``q`` of row
    ``rows[i]`` (``row_sums``)."""
    out = np.empty((len(rows), w.shape[1]))
    for i in range(len(rows)):
        row_sums(out, i, starts[rows[i]], starts[rows[i] + 1], columns, values, scale, w)
    return out


@numba.njit(**JIT)
def sparse_transposed_product(starts, columns, values, scale, rows, d, w):  # pragma: no cover
    """``x^T d`` for the inputs ``x`` of the rows ``rows`` (``d``: one row per input), shaped
    as ``w``: ``sum_i x_i^T d[i, :]`` over the entries of the rows only, so the rows of
    ``x^T d`` for the columns that no input has are exactly 0.

    Each ``out[p, :] += v d[i, :]`` (``v = scale values[q]``) is taken as ``out[p, :] -= (-v)
    d[i, :]`` by ``subtract_row_products`` with the factor -1: negating is exact, so
    ``(-v) d = -(v d)`` and ``o - (-(v d)) = o + v d``, the same numbers."""
    out = np.zeros(w.shape)
    for i in range(len(rows)):
        first, last = starts[rows[i]], starts[rows[i] + 1]
        subtract_row_products(out, i, first, last, columns, values, scale, -1.0, d)
    return out


class SparseRows:
    """Rows of inputs kept as their non-zero entries (``_nonzeros``) beside the dense rows;
    the inputs are ``scale`` times the stored values (``network.as_inputs``: uint8 pixels
    ``k`` are the inputs ``k / 256``)."""

    def __init__(self, x: np.ndarray):
        if x.shape[1] > MAX_COLUMNS:
            raise ValueError(f"rows of {x.shape[1]} inputs: at most {MAX_COLUMNS} are supported")
        self.dense = x
        self.scale = PIXEL_SCALE if x.dtype == np.uint8 else 1.0
        self.starts, self.columns, self.values = _nonzeros(x)

    def __len__(self) -> int:
        return len(self.dense)

    def product(self, w: np.ndarray) -> np.ndarray:
        """``x W`` for the inputs ``x`` (one row each), float64 of shape ``(len(self), n_1)``."""
        w = np.ascontiguousarray(w, np.float64)
        return sparse_product(
            self.starts, self.columns, self.values, self.scale, np.arange(len(self)), w
        )
