"""The straightforward per-example implementation, the way the book's network2 loops.

It is the yardstick for the vectorised code: the same equations, one example at a time,
with column vectors (``z = W^T a + b`` for our ``(n_in, n_out)`` weight layout). Slow on
purpose; tests compare against it and the benchmark times it.
"""

import numpy as np

from .network import Network, sigmoid


def example_gradients(
    net: Network, x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(dC_x/dW^l, dC_x/db^l)`` of one example ``x`` (shape ``(n_0,)``) with target ``y``."""
    activations, a = [x], x
    for w, b in zip(net.weights, net.biases):
        a = sigmoid(w.T @ a + b)
        activations.append(a)
    delta = activations[-1] - y
    grads_w, grads_b = [], []
    for layer in reversed(range(len(net.weights))):
        grads_w.insert(0, np.outer(activations[layer], delta))
        grads_b.insert(0, delta)
        a = activations[layer]
        delta = (net.weights[layer] @ delta) * a * (1.0 - a)
    return grads_w, grads_b


def reference_sgd_epoch(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    *,
    mini_batch_size: int,
    eta: float,
    lmbda: float,
) -> None:
    """One epoch of the book's ``update_mini_batch`` over ``x[order]``, in place: per mini-batch,
    sum the per-example gradients, then ``W <- (1 - eta lmbda / n) W - (eta / m) sum``,
    ``b <- b - (eta / m) sum``."""
    n = len(x)
    for start in range(0, n, mini_batch_size):
        rows = order[start : start + mini_batch_size]
        sum_w = [np.zeros_like(w) for w in net.weights]
        sum_b = [np.zeros_like(b) for b in net.biases]
        for row in rows:
            grads_w, grads_b = example_gradients(net, x[row], y[row])
            sum_w = [s + g for s, g in zip(sum_w, grads_w)]
            sum_b = [s + g for s, g in zip(sum_b, grads_b)]
        m = len(rows)
        net.weights = [
            (1 - eta * lmbda / n) * w - (eta / m) * g for w, g in zip(net.weights, sum_w)
        ]
        net.biases = [b - (eta / m) * g for b, g in zip(net.biases, sum_b)]
