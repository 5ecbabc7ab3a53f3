"""The small dense products of the trainers' later layers: every entry one chain of fused
multiply-adds, in the order of its terms."""

from fractions import Fraction

import numpy as np
import pytest
from numba.core.errors import TypingError

from vanishing_gradient.training.kernels.dense import ONE_CHAIN_TERMS, chain_products, product
from vanishing_gradient.training.kernels.cache import numba


def fma(x: float, y: float, s: float) -> float:
    """``x y + s`` rounded once to the nearest float64 (exact rational arithmetic, then one
    correctly rounded conversion)."""
    return float(Fraction(x) * Fraction(y) + Fraction(s))


def chained(a_rows: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a_rows b`` with entry ``(r, j)`` computed as ``s <- fma(a[r, t], b[t, j], s)`` for
    ``t = 0, 1, ...`` from ``s = 0``."""
    out = np.empty((a_rows.shape[0], b.shape[1]))
    for r in range(a_rows.shape[0]):
        for j in range(b.shape[1]):
            s = 0.0
            for t in range(b.shape[0]):
                s = fma(float(a_rows[r, t]), float(b[t, j]), s)
            out[r, j] = s
    return out


def operands(rng, rows, terms, width):
    """Random factors spread over many magnitudes, so that products and sums round often."""

    def spread(shape):
        return rng.normal(size=shape) * 10.0 ** rng.integers(-6, 7, size=shape)

    return spread((rows, terms)), spread((terms, width))


@pytest.mark.parametrize("width", [1, 5, 8, 10, 16, 30, 40, 48])
@pytest.mark.parametrize("transposed", [False, True])
def test_each_entry_is_one_chain_of_fused_multiply_adds(width, transposed):
    """Widths below 8 (one entry at a time), 8 to 15 (two blocks of 8, overlapping below
    16), 16 and more with an even or odd number of blocks of 16, the last overlapping; the
    left factor as given or transposed."""
    rng = np.random.default_rng(width)
    a, b = operands(rng, 7, 13, width)
    given = np.ascontiguousarray(a.T) if transposed else a
    out = np.full((9, width), np.nan)
    chain_products(out, 7, given, transposed, b, 13)
    assert np.array_equal(out[:7].view(np.uint64), chained(a, b).view(np.uint64))
    assert np.isnan(out[7:]).all()  # rows past ``rows`` untouched


def test_a_chain_is_not_the_sum_of_separately_rounded_products():
    """Each step is one rounding: ``-(1 + 2^-29) + x x`` with ``x = 1 + 2^-30`` is ``2^-60``
    exactly as one fused multiply-add, and 0 with ``x x`` rounded first."""
    x = 1.0 + 2.0**-30
    a, b = np.array([[-1.0, x]]), np.array([[1.0 + 2.0**-29], [x]])
    out = np.empty((1, 1))
    chain_products(out, 1, a, False, b, 2)
    assert out[0, 0] == 2.0**-60
    assert -(1.0 + 2.0**-29) + x * x == 0.0


def test_only_the_first_terms_are_summed():
    rng = np.random.default_rng(3)
    a, b = operands(rng, 4, 12, 30)
    out = np.empty((4, 30))
    chain_products(out, 4, a, False, b, 5)
    assert np.array_equal(out, chained(a[:, :5], b[:5]))


@numba.njit
def compiled_product(out, rows, a, transposed, b, terms):
    product(out, rows, a, transposed, b, terms)


@pytest.mark.parametrize("transposed", [False, True])
def test_a_sum_longer_than_one_chain_goes_to_blas(transposed):
    """Past ``ONE_CHAIN_TERMS`` terms the product is BLAS's: the same matrix, up to the
    rounding of its sums (BLAS's order), whichever factor comes transposed."""
    rng = np.random.default_rng(4)
    terms = ONE_CHAIN_TERMS + 44
    a, b = operands(rng, 30, terms, 30)
    given = np.ascontiguousarray(a.T) if transposed else a
    out = np.empty((30, 30))
    compiled_product(out, 30, given, transposed, b, terms)
    assert (np.abs(out - a @ b) <= 1e-13 * (np.abs(a) @ np.abs(b))).all()


def test_a_matrix_whose_rows_are_not_contiguous_is_refused():
    """The products read consecutive entries of a row at once."""
    b = np.ones((3, 64))[:, ::2]
    with pytest.raises(TypingError, match="C-contiguous"):
        chain_products(np.empty((2, 32)), 2, np.ones((2, 3)), False, b, 3)
