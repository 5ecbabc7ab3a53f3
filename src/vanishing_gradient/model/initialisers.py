"""How a network's first parameters are drawn: one entry per initialiser, which the
network's start, the config's validation, the report and the tests all read.

For layer ``l`` with ``n_in`` inputs and ``n_out`` units:

    default  W ~ N(0, 1) / sqrt(n_in),                       b ~ N(0, 1)   (the book's)
    large    W ~ N(0, 1),                                    b ~ N(0, 1)   (the book's "large")
    glorot   W ~ U[-sqrt(6 / (n_in + n_out)), +sqrt(...)],   b = 0         (Glorot & Bengio's
                                                                           normalised, 2010)
    he       W ~ N(0, 2 / n_in),                             b = 0         (He et al. 2015)
    sparse   each unit has SPARSE_INPUTS non-zero incoming weights ~ N(0, 1) on random
             inputs, the others 0,                           b = 0         (Sutskever et al. 2013)
    standard W ~ U[-1/sqrt(n_in), +1/sqrt(n_in)],            b = 0         (Glorot & Bengio's
                                                                           standard, 2010)

A network with batch normalisation starts with every scale gamma = 1 (its shifts beta are
the biases drawn here); residual connections add no parameters.

All weights are drawn layer by layer before any bias, so a seed gives the same network
on every run (and the book's two schemes the same numbers as before other schemes existed).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import activation as activation_entry
from .network import BatchNorm, Network

SPARSE_INPUTS = 15


@dataclass(frozen=True)
class Initialiser:
    """One initialiser: its ``name`` in variant names and the config; ``weights(n_in, n_out,
    rng)``, one layer's ``(n_in, n_out)`` weights; whether its biases are drawn ~ N(0, 1)
    (``random_biases``) or start at 0; the report's ``description`` with its citation."""

    name: str
    weights: Callable[[int, int, np.random.Generator], np.ndarray]
    random_biases: bool
    description: str


def sparse_weights(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """``SPARSE_INPUTS`` non-zero weights ~ N(0, 1) into each unit, on random inputs."""
    weights = np.zeros((n_in, n_out))
    for unit in range(n_out):
        inputs = rng.choice(n_in, size=min(SPARSE_INPUTS, n_in), replace=False)
        weights[inputs, unit] = rng.standard_normal(len(inputs))
    return weights


def glorot_weights(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """``U[-sqrt(6 / (n_in + n_out)), +sqrt(6 / (n_in + n_out))]``: Glorot & Bengio's
    normalised initialisation (their Eq. 16)."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def standard_weights(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """``U[-1/sqrt(n_in), +1/sqrt(n_in)]``: Glorot & Bengio's standard initialisation (their
    Eq. 1), so ``n_in Var[W] = 1/3``."""
    limit = 1.0 / np.sqrt(n_in)
    return rng.uniform(-limit, limit, size=(n_in, n_out))


INITIALISERS: dict[str, Initialiser] = {
    entry.name: entry
    for entry in (
        Initialiser(
            "default",
            lambda n_in, n_out, rng: rng.standard_normal((n_in, n_out)) / np.sqrt(n_in),
            True,
            "the book's W ~ N(0, 1)/√n_in, b ~ N(0, 1)",
        ),
        Initialiser(
            "large",
            lambda n_in, n_out, rng: rng.standard_normal((n_in, n_out)),
            True,
            "the book's large W ~ N(0, 1), b ~ N(0, 1)",
        ),
        Initialiser(
            "glorot",
            glorot_weights,
            False,
            "Glorot & Bengio's normalised (Xavier) W ~ U[−√(6/(n_in + n_out)), "
            "+√(6/(n_in + n_out))], b = 0 (their Eq. 16; their standard one is `standard`)",
        ),
        Initialiser(
            "he",
            lambda n_in, n_out, rng: rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in),
            False,
            "He et al.'s W ~ N(0, 2/n_in), b = 0",
        ),
        Initialiser(
            "sparse",
            sparse_weights,
            False,
            f"Sutskever et al.'s sparse: {SPARSE_INPUTS} non-zero incoming weights ~ N(0, 1) "
            "per unit, b = 0",
        ),
        Initialiser(
            "standard",
            standard_weights,
            False,
            "Glorot & Bengio's standard W ~ U[−1/√n_in, +1/√n_in], b = 0 (their Eq. 1; their "
            "normalised one is `glorot`)",
        ),
    )
}


def initialiser(name: str) -> Initialiser:
    """The entry ``name``, or a ValueError listing the known ones."""
    if name not in INITIALISERS:
        raise ValueError(f"unknown initialisation {name!r}: use one of {', '.join(INITIALISERS)}")
    return INITIALISERS[name]


def initialise(
    sizes: tuple[int, ...],
    rng: np.random.Generator,
    scheme: str = "default",
    activation: str = "sigmoid",
    residual: bool = False,
    batch_norm: bool = False,
) -> Network:
    """A network of layer widths ``sizes`` whose parameters are drawn by ``scheme``,
    with ``activation`` in its hidden layers, and residual connections and batch
    normalisation if asked for (``network.py``)."""
    entry = initialiser(scheme)
    layers = list(zip(sizes[:-1], sizes[1:]))
    weights = [entry.weights(n_in, n_out, rng) for n_in, n_out in layers]
    if entry.random_biases:
        biases = [rng.standard_normal(n_out) for _, n_out in layers]
    else:
        biases = [np.zeros(n_out) for _, n_out in layers]
    norm = BatchNorm.fresh(list(sizes[1:-1])) if batch_norm else None
    return Network(weights, biases, activation_entry(activation).name, residual, norm)
