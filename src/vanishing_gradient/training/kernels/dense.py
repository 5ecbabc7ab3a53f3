"""The small dense products of a mini-batch step past the first layer, with every entry one
chain of fused multiply-adds kept in vector registers:

    out[r, :] = sum_{t < terms} A[r, t] B[t, :],   A = a or a^T,

each entry computed as ``s <- fma(A[r, t], B[t, j], s)`` for ``t = 0, 1, ...`` from ``s = 0``
(``fma(x, y, s)`` is ``x y + s`` rounded once). A step of protocol A multiplies 10 rows by
30 x 30 and 30 x 10 matrices, three products per layer: there a BLAS call costs more than its
arithmetic (10 x 30 by 30 x 30 took 1.5-1.8 us by BLAS and 0.85-1.0 us here, in a loop of
calls on this machine; 12 such products make a step of 784-30-30-30-30-10).

The same numbers as BLAS where it computes an entry this way: OpenBLAS's Haswell kernels,
which it picks on this machine's AMD EPYC (a profile of its calls shows), do so for a sum of
at most ``ONE_CHAIN_TERMS`` terms (checked here for 10, 30 and 1,000 rows; a longer sum is
split in blocks summed apart, and a remainder of a few rows, such as 3 or 7, goes to a
kernel that orders its sums otherwise). Elsewhere the two may differ in the last bit of an
entry; the trainers stay within the tests' 1e-10 of the reference either way.

A row's entries 16 at a time (8 for rows narrower than 16), the last block ending at the
last column (it may overlap the one before, which computes the overlapped entries twice, the
same number both times); a row narrower than 8, one entry at a time.
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .cache import JIT, numba
from .lanes import LANES_POINTER, check_matrix, lanes_at, splat, store_lanes, vector_of, zero_lanes

ONE_CHAIN_TERMS = 256  # OpenBLAS's GEMM_Q for double precision on Haswell


def _fma(builder, x, y, s):
    """``fma(x, y, s)`` lane by lane (LLVM's ``llvm.fma``, never split in two roundings)."""
    kind = s.type
    suffix = f"v{kind.count}f64" if isinstance(kind, ir.VectorType) else "f64"
    function = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(kind, [kind] * 3), f"llvm.fma.{suffix}"
    )
    return builder.call(function, [x, y, s])


def _chain_intrinsics(count: int):
    """The intrinsics ``zero()`` (``lanes.zero_lanes``) and ``add(lanes, v, b, t, j)``:
    ``lanes[k] <- fma(v, b[t, j + k], lanes[k])`` for ``k < count`` (``b`` a C-contiguous
    float64 matrix; ``0 <= t`` and ``0 <= j <= b.shape[1] - count``, the caller's to
    ensure)."""
    vector = vector_of(count)

    @intrinsic
    def add(typingctx, lanes, v, b, t, j):
        check_matrix("a chain of fused multiply-adds", b)

        def codegen(context, builder, signature, args):
            slot = builder.bitcast(args[0], vector.as_pointer())
            entries = lanes_at(context, builder, vector, b, args[2], args[3:], signature.args[3:])
            row = builder.load(entries, align=8)
            builder.store(
                _fma(builder, splat(builder, vector, args[1]), row, builder.load(slot)), slot
            )
            return context.get_dummy_value()

        return types.void(LANES_POINTER, types.float64, b, t, j), codegen

    return zero_lanes(count), add


_zero16, _add16 = _chain_intrinsics(16)
_zero8, _add8 = _chain_intrinsics(8)


@intrinsic
def _scalar_fma(typingctx, x, y, s):
    """``fma(x, y, s)`` of three float64."""

    def codegen(context, builder, signature, args):
        return _fma(builder, *args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@numba.njit(**JIT, inline="always")
def _entry(a, transposed, r, t):  # pragma: no cover - compiled
    """``A[r, t]``: ``a[t, r]`` if ``transposed``, else ``a[r, t]``."""
    return a[t, r] if transposed else a[r, t]


@numba.njit(**JIT, inline="always")
def _row16(out, r, a, transposed, b, terms):  # pragma: no cover - compiled
    """Row ``r`` of ``chain_products`` for ``b`` at least 16 wide, 16 columns at a time: the
    first block alone if their number is odd, then two blocks per pass over ``t``."""
    width = b.shape[1]
    blocks = (width + 15) // 16
    if blocks % 2:
        lanes = _zero16()
        for t in range(terms):
            _add16(lanes, _entry(a, transposed, r, t), b, t, 0)
        store_lanes(out, r, 0, lanes, 16)
    for pair in range(blocks % 2, blocks, 2):
        j, k = pair * 16, min(pair * 16 + 16, width - 16)
        lanes_j, lanes_k = _zero16(), _zero16()
        for t in range(terms):
            v = _entry(a, transposed, r, t)
            _add16(lanes_j, v, b, t, j)
            _add16(lanes_k, v, b, t, k)
        store_lanes(out, r, j, lanes_j, 16)
        store_lanes(out, r, k, lanes_k, 16)


@numba.njit(**JIT, inline="always")
def _row8(out, r, a, transposed, b, terms):  # pragma: no cover - compiled
    """Row ``r`` of ``chain_products`` for ``b`` 8 to 15 wide: two blocks of 8, the second
    ending at the last column, in one pass over ``t``."""
    k = b.shape[1] - 8
    lanes_j, lanes_k = _zero8(), _zero8()
    for t in range(terms):
        v = _entry(a, transposed, r, t)
        _add8(lanes_j, v, b, t, 0)
        _add8(lanes_k, v, b, t, k)
    store_lanes(out, r, 0, lanes_j, 8)
    store_lanes(out, r, k, lanes_k, 8)


@numba.njit(**JIT)
def chain_products(out, rows, a, transposed, b, terms):  # pragma: no cover - compiled
    """``out[r, :] <- sum_{t < terms} A[r, t] b[t, :]`` for ``r < rows``, ``A = a^T`` if
    ``transposed`` else ``a``, each entry one chain of fused multiply-adds by increasing ``t``
    (module docstring). ``b`` and ``out``: C-contiguous float64 matrices as wide.

    A chain waits for its last step, so the blocks of a row go two per pass over ``t``: twice
    the independent chains at once."""
    width = b.shape[1]
    for r in range(rows):
        if width >= 16:
            _row16(out, r, a, transposed, b, terms)
        elif width >= 8:
            _row8(out, r, a, transposed, b, terms)
        else:
            for j in range(width):
                s = 0.0
                for t in range(terms):
                    s = _scalar_fma(_entry(a, transposed, r, t), b[t, j], s)
                out[r, j] = s


@numba.njit(**JIT, inline="always")
def product(out, rows, a, transposed, b, terms):  # pragma: no cover - compiled
    """``chain_products`` for sums of at most ``ONE_CHAIN_TERMS`` terms; a longer sum by BLAS
    (``np.dot``), with BLAS's numbers, at a size where its call costs little. ``a`` has
    ``terms`` columns (``rows``, if ``transposed``)."""
    if terms <= ONE_CHAIN_TERMS:
        chain_products(out, rows, a, transposed, b, terms)
    elif transposed:
        np.dot(a[:terms].T, b[:terms], out[:rows])
    else:
        np.dot(a[:rows], b[:terms], out[:rows])
