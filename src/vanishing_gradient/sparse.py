"""Rows of network inputs kept as their non-zero entries, and their product with the first
layer's weights computed over those entries alone.

MNIST's pixels are 81 % zeros, so ``z = x W`` (``x`` a row of ``n_0`` inputs, ``W`` of shape
``(n_0, n_1)``) is ``sum_p x_p W[p, :]`` over the non-zero ``x_p`` only: a zero input adds
exactly ``0``. The trainer (``sgd``) and the evaluation of a network (``network``) both use it.
"""

import numpy as np

from .kernel_cache import numba
from .network import PIXEL_SCALE


@numba.njit(cache=True)
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


@numba.njit(cache=True)
def _product(starts, columns, values, scale, w):  # pragma: no cover - compiled
    """``out[r, :] = sum_q (scale values[q]) w[columns[q], :]`` over row ``r``'s entries ``q``."""
    n, width = len(starts) - 1, w.shape[1]
    out = np.zeros((n, width))
    for r in range(n):
        for q in range(starts[r], starts[r + 1]):
            v = values[q] * scale
            p = columns[q]
            for j in range(width):
                out[r, j] += v * w[p, j]
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
        return _product(
            self.starts, self.columns, self.values, self.scale, np.ascontiguousarray(w, np.float64)
        )
