"""Hidden-layer activations, each with its derivative written in terms of its output.

Backpropagation needs ``phi'(z^l)``; for these three it is a function of ``a = phi(z)``
alone, so no ``z`` has to be kept::

    sigmoid  a = 1 / (1 + exp(-z))   phi'(z) = a (1 - a)        max 1/4 at z = 0
    tanh     a = tanh(z)             phi'(z) = 1 - a^2          max 1   at z = 0
    relu     a = max(z, 0)           phi'(z) = 1 if a > 0 else 0

A unit is *saturated* when ``phi'(z)`` is below ``SATURATION`` (5 %) of its maximum:
sigmoid outputs within about 0.013 of 0 or 1, tanh outputs beyond about +-0.975, and
inactive ReLU units (``a = 0``).
"""

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
SATURATION = 0.05
CODES = {name: code for code, name in enumerate(ACTIVATIONS)}  # as the compiled trainer knows them


def check_activation(name: str) -> str:
    """``name`` if it is a known activation, else a ValueError listing the known ones."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: use one of {', '.join(ACTIVATIONS)}")
    return name


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``sigmoid(z) = 1 / (1 + exp(-z))`` in float64; for ``z`` below about -709, ``exp(-z)``
    overflows to infinity and the value is 0, as it should be, without a warning.

    The four steps (negate, exponentiate, add 1, invert) run in place in one new array:
    the roundings of the expression, without its three temporary arrays of ``z``'s size
    (for a batch of 10,000 rows, half the time). A scalar ``z`` gives a scalar.
    """
    a = np.empty_like(z, dtype=np.float64)
    np.negative(z, out=a)
    with np.errstate(over="ignore"):
        np.exp(a, out=a)
    a += 1.0
    np.divide(1.0, a, out=a)
    return a if a.ndim else a[()]


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """``phi(z)`` of the activation ``name``."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def slope(name: str, a: np.ndarray) -> np.ndarray:
    """``phi'(z)`` from the output ``a = phi(z)`` (see the module docstring)."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    return (a > 0.0).astype(a.dtype)


def max_slope(name: str) -> float:
    """The largest value of ``phi'``: 1/4 for the sigmoid, 1 for tanh and ReLU."""
    return 0.25 if name == "sigmoid" else 1.0


def saturated(name: str, a: np.ndarray) -> np.ndarray:
    """True where ``phi'(z) < SATURATION * max phi'``."""
    return slope(name, a) < SATURATION * max_slope(name)
