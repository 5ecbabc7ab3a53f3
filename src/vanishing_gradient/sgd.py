"""Stochastic gradient descent with L2 weight decay, exactly as the book's network2.

For a mini-batch ``B`` of size ``m`` drawn from a training set of size ``n``::

    W^l <- (1 - eta * lmbda / n) W^l - (eta / m) sum_{x in B} dC_x/dW^l
    b^l <- b^l - (eta / m) sum_{x in B} dC_x/db^l          (biases are not decayed)

An epoch visits the training rows in the order of a fresh permutation, in consecutive
mini-batches of ``mini_batch_size`` rows (the last one may be smaller).
"""

import numpy as np

from .network import Network, backprop


def apply_update(
    net: Network,
    grads_w: list[np.ndarray],
    grads_b: list[np.ndarray],
    *,
    batch_size: int,
    eta: float,
    lmbda: float,
    n: int,
) -> None:
    """One update of ``net`` in place from gradients summed over a batch of ``batch_size`` rows."""
    decay = 1.0 - eta * lmbda / n
    step = eta / batch_size
    for w, b, g_w, g_b in zip(net.weights, net.biases, grads_w, grads_b):
        w *= decay
        w -= step * g_w
        b -= step * g_b


def sgd_epoch(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    *,
    mini_batch_size: int,
    eta: float,
    lmbda: float,
) -> None:
    """One epoch of mini-batch SGD over the rows ``x[order]`` (targets ``y[order]``), in place."""
    n = len(x)
    for start in range(0, n, mini_batch_size):
        rows = order[start : start + mini_batch_size]
        grads_w, grads_b = backprop(net, x[rows], y[rows])
        apply_update(net, grads_w, grads_b, batch_size=len(rows), eta=eta, lmbda=lmbda, n=n)
