"""Rows of network inputs kept as their non-zero entries, and their products with the first
layer's weights (forward) and with the first layer's deltas (its weight gradient) computed
over those entries alone.

MNIST's pixels are 81 % zeros, so ``z = x W`` (``x`` a row of ``n_0`` inputs, ``W`` of shape
``(n_0, n_1)``) is ``sum_p x_p W[p, :]`` over the non-zero ``x_p`` only: a zero input adds
exactly ``0``; so does it to ``x^T d``. The trainers (``sgd``, ``remedies``) and the evaluation
of a network (``network``) use them.
"""

import numpy as np

from .kernel_cache import JIT, numba
from .network import PIXEL_SCALE

MAX_COLUMNS = np.iinfo(np.uint16).max + 1  # a column index is a uint16


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
def _product(starts, columns, values, scale, rows, w):  # pragma: no cover - compiled
    """``x W`` for the inputs ``x`` of the rows ``rows``: row ``i`` of the result is
    ``sum_q (scale values[q]) w[columns[q], :]`` over the entries ``q`` of row ``rows[i]``."""
    out = np.zeros((len(rows), w.shape[1]))
    for i in range(len(rows)):
        for q in range(starts[rows[i]], starts[rows[i] + 1]):
            v, p = values[q] * scale, columns[q]
            for j in range(w.shape[1]):
                out[i, j] += v * w[p, j]
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
        return _product(self.starts, self.columns, self.values, self.scale, np.arange(len(self)), w)
