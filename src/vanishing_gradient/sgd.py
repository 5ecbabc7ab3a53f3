"""Stochastic gradient descent with L2 weight decay, exactly as the book's network2.

For a mini-batch ``B`` of size ``m`` drawn from a training set of size ``n``::

    W^l <- (1 - eta * lmbda / n) W^l - (eta / m) sum_{x in B} dC_x/dW^l
    b^l <- b^l - (eta / m) sum_{x in B} dC_x/db^l          (biases are not decayed)

An epoch visits the training rows in the order of a fresh permutation, in consecutive
mini-batches of ``mini_batch_size`` rows (the last one may be smaller).

The chapter's experiment is thousands of tiny steps (5,000 per epoch of 784-30-10), so
from Python an epoch costs its numpy calls, not its arithmetic. The epoch therefore runs
as one compiled loop (numba): matrix products go to BLAS through ``np.dot``, and the
sigmoid, the delta of each layer, the decay and the updates are fused loops over the
mini-batch, with no temporaries beyond the products. The compiled code is cached on disk
after its first use.
"""

import math

import numba
import numpy as np

from .network import Network


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


@numba.njit(cache=True)
def _sgd_epoch(x, y, order, weights, biases, mini_batch_size, eta, decay):  # pragma: no cover
    """The epoch loop of ``sgd_epoch``; per mini-batch of rows ``x_B``:

        a^0 = x_B,  a^l = sigmoid(a^{l-1} W^l + b^l)
        delta^L = a^L - y_B
        delta^{l-1} = (delta^l (W^l)^T) * a^{l-1} (1 - a^{l-1})     (with W^l before its update)
        W^l <- decay W^l - (eta/m) (a^{l-1})^T delta^l,   b^l <- b^l - (eta/m) sum_rows delta^l

    (Compiled; coverage cannot see inside it, the tests compare it with the reference.)
    """
    n, n_inputs = x.shape
    n_layers = len(weights)
    activations = [np.empty((0, 0)) for _ in range(n_layers + 1)]
    for start in range(0, n, mini_batch_size):
        size = min(mini_batch_size, n - start)
        batch = np.empty((size, n_inputs))
        for i in range(size):
            batch[i, :] = x[order[start + i]]
        activations[0] = batch
        for layer in range(n_layers):
            z = np.dot(activations[layer], weights[layer])
            bias = biases[layer]
            for i in range(size):
                for j in range(z.shape[1]):
                    z[i, j] = 1.0 / (1.0 + math.exp(-(z[i, j] + bias[j])))
            activations[layer + 1] = z
        output = activations[n_layers]
        delta = np.empty_like(output)
        for i in range(size):
            target = y[order[start + i]]
            for j in range(output.shape[1]):
                delta[i, j] = output[i, j] - target[j]
        step = eta / size
        for layer in range(n_layers - 1, -1, -1):
            w, a_prev = weights[layer], activations[layer]
            if layer > 0:
                delta_prev = np.dot(delta, w.T)
                for i in range(size):
                    for j in range(delta_prev.shape[1]):
                        delta_prev[i, j] *= a_prev[i, j] * (1.0 - a_prev[i, j])
            grad_w = np.dot(a_prev.T, delta)
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    w[i, j] = decay * w[i, j] - step * grad_w[i, j]
            bias = biases[layer]
            for j in range(bias.shape[0]):
                total = 0.0
                for i in range(size):
                    total += delta[i, j]
                bias[j] -= step * total
            if layer > 0:
                delta = delta_prev


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
    """One epoch of mini-batch SGD over the rows ``x[order]`` (targets ``y[order]``), in place.

    ``x`` may be float32 (rows are widened to float64 as they are used); the network's
    arrays are made C-contiguous float64 (same values) so the compiled loop updates them.
    """
    net.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in net.weights]
    net.biases = [np.ascontiguousarray(b, dtype=np.float64) for b in net.biases]
    _sgd_epoch(
        x,
        np.ascontiguousarray(y, dtype=np.float64),
        np.asarray(order, dtype=np.int64),
        numba.typed.List(net.weights),
        numba.typed.List(net.biases),
        mini_batch_size,
        eta,
        1.0 - eta * lmbda / len(x),
    )
