"""How a network's first parameters are drawn.

For layer ``l`` with ``n_in`` inputs and ``n_out`` units:

    default  W ~ N(0, 1) / sqrt(n_in),                       b ~ N(0, 1)   (the book's)
    large    W ~ N(0, 1),                                    b ~ N(0, 1)   (the book's "large")
    glorot   W ~ U[-sqrt(6 / (n_in + n_out)), +sqrt(...)],   b = 0         (Glorot & Bengio 2010)
    he       W ~ N(0, 2 / n_in),                             b = 0         (He et al. 2015)
    sparse   each unit has SPARSE_INPUTS non-zero incoming weights ~ N(0, 1) on random
             inputs, the others 0,                           b = 0         (Sutskever et al. 2013)

A network with batch normalisation starts with every scale gamma = 1 (its shifts beta are
the biases drawn here); residual connections add no parameters.

All weights are drawn layer by layer before any bias, so a seed gives the same network
on every run (and the book's two schemes the same numbers as before other schemes existed).
"""

import numpy as np

from .activations import check_activation
from .network import BatchNorm, Network

INITIALISERS = ("default", "large", "glorot", "he", "sparse")
SPARSE_INPUTS = 15


def _weights(scheme: str, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """One layer's ``(n_in, n_out)`` weights drawn by ``scheme`` (module docstring)."""
    if scheme == "default":
        return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
    if scheme == "large":
        return rng.standard_normal((n_in, n_out))
    if scheme == "glorot":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=(n_in, n_out))
    if scheme == "he":
        return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
    weights = np.zeros((n_in, n_out))
    for unit in range(n_out):
        inputs = rng.choice(n_in, size=min(SPARSE_INPUTS, n_in), replace=False)
        weights[inputs, unit] = rng.standard_normal(len(inputs))
    return weights


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
    if scheme not in INITIALISERS:
        raise ValueError(f"unknown initialisation {scheme!r}: use one of {', '.join(INITIALISERS)}")
    layers = list(zip(sizes[:-1], sizes[1:]))
    weights = [_weights(scheme, n_in, n_out, rng) for n_in, n_out in layers]
    if scheme in ("default", "large"):
        biases = [rng.standard_normal(n_out) for _, n_out in layers]
    else:
        biases = [np.zeros(n_out) for _, n_out in layers]
    norm = BatchNorm.fresh(list(sizes[1:-1])) if batch_norm else None
    return Network(weights, biases, check_activation(activation), residual, norm)
