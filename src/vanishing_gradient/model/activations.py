"""Hidden-layer activations: one entry each, which the network, the compiled trainer, the
config's validation, the report, the figures and the tests all read.

Backpropagation needs ``phi'(z^l)``; for each activation here it is a function of the
output ``a = phi(z)`` alone, so no ``z`` has to be kept::

    sigmoid   a = 1 / (1 + exp(-z))   phi'(z) = a (1 - a)          max 1/4 at z = 0
    tanh      a = tanh(z)             phi'(z) = 1 - a^2            max 1   at z = 0
    relu      a = max(z, 0)           phi'(z) = 1 if a > 0 else 0  max 1
    softplus  a = log(1 + exp(z))     phi'(z) = 1 - exp(-a)        max 1   as z -> infinity
    softsign  a = z / (1 + |z|)       phi'(z) = (1 - |a|)^2        max 1   at z = 0

An entry states its maths on numpy arrays (``forward``, ``slope``: the network's passes, the
per-example reference, the saturation measure) and on one float (``scalar_forward``,
``scalar_slope``: plain Python that ``training.steps`` compiles with numba for the fast
trainer); where one expression serves both, one function does. The tests hold the two
forms to each other and to finite differences, for every entry. The compiled trainer
selects an entry by its position in ``ACTIVATIONS``.

A unit is *saturated* when ``phi'(z)`` is below ``SATURATION`` (5 %) of its maximum:
sigmoid outputs within about 0.013 of 0 or 1, tanh outputs beyond about +-0.975, inactive
ReLU units (``a = 0``), softplus units with ``z`` below about -2.9, and softsign outputs
beyond about +-0.78.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SATURATION = 0.05


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


@dataclass(frozen=True)
class Activation:
    """One hidden-layer activation: its ``name`` in variant names and the config; its maths
    on arrays (``forward(z) -> a``, ``slope(a) -> phi'(z)``) and on one float
    (``scalar_forward``, ``scalar_slope``, the same maths in plain Python that numba
    compiles); ``max_slope``, the largest ``phi'``; the report's ``description`` with its
    citation; the ablation figures' ``colour``."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]
    max_slope: float
    description: str
    colour: str
    scalar_forward: Callable[[float], float] | None = None
    scalar_slope: Callable[[float], float] | None = None

    def __post_init__(self):
        if not (callable(self.scalar_forward) and callable(self.scalar_slope)):
            raise TypeError(
                f"activation {self.name!r} has no compiled form: give scalar_forward and "
                "scalar_slope, its maths on one float in plain Python, which the fast trainer "
                "compiles (see the entries in vanishing_gradient/model/activations.py)"
            )


def _sigmoid_scalar(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _sigmoid_slope(a):
    return a * (1.0 - a)


def _tanh_slope(a):
    return 1.0 - a * a


def _softplus(z: np.ndarray) -> np.ndarray:
    # log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): no overflow for large z
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _softplus_scalar(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _softsign_slope(a):
    # 1 - |a| = 1 / (1 + |z|), so phi'(z) = 1 / (1 + |z|)^2 = (1 - |a|)^2
    return (1.0 - abs(a)) ** 2


ACTIVATIONS: dict[str, Activation] = {
    entry.name: entry
    for entry in (
        Activation(
            name="sigmoid",
            forward=sigmoid,
            slope=_sigmoid_slope,
            max_slope=0.25,
            description="σ(z) = 1/(1 + e^−z) (the book's)",
            colour="#1f77b4",
            scalar_forward=_sigmoid_scalar,
            scalar_slope=_sigmoid_slope,
        ),
        Activation(
            name="tanh",
            forward=np.tanh,
            slope=_tanh_slope,
            max_slope=1.0,
            description="tanh(z)",
            colour="#2ca02c",
            scalar_forward=lambda z: math.tanh(z),
            scalar_slope=_tanh_slope,
        ),
        Activation(
            name="relu",
            forward=lambda z: np.maximum(z, 0.0),
            slope=lambda a: (a > 0.0).astype(a.dtype),
            max_slope=1.0,
            description="ReLU max(0, z)",
            colour="#9467bd",
            scalar_forward=lambda z: z if z > 0.0 else 0.0,
            scalar_slope=lambda a: 1.0 if a > 0.0 else 0.0,
        ),
        Activation(
            name="softplus",
            forward=_softplus,
            slope=lambda a: -np.expm1(-a),
            max_slope=1.0,
            description="softplus log(1 + e^z), a smooth ReLU (Dugas et al. 2001; Glorot, "
            "Bordes & Bengio 2011), φ'(z) = σ(z)",
            colour="#ff7f0e",
            scalar_forward=_softplus_scalar,
            scalar_slope=lambda a: -math.expm1(-a),
        ),
        Activation(
            name="softsign",
            forward=lambda z: z / (1.0 + np.abs(z)),
            slope=_softsign_slope,
            max_slope=1.0,
            description="softsign z/(1 + |z|), φ'(z) = 1/(1 + |z|)² (Glorot & Bengio 2010, "
            "with their standard initialisation `standard` and their normalised one `glorot`)",
            colour="#8c564b",
            scalar_forward=lambda z: z / (1.0 + abs(z)),
            scalar_slope=_softsign_slope,
        ),
    )
}


def activation(name: str) -> Activation:
    """The entry ``name``, or a ValueError listing the known ones."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: use one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """``phi(z)`` of the activation ``name``."""
    return activation(name).forward(z)


def slope(name: str, a: np.ndarray) -> np.ndarray:
    """``phi'(z)`` from the output ``a = phi(z)`` (see the module docstring)."""
    return activation(name).slope(a)


def saturated(name: str, a: np.ndarray) -> np.ndarray:
    """True where ``phi'(z) < SATURATION * max phi'``."""
    entry = activation(name)
    return entry.slope(a) < SATURATION * entry.max_slope
