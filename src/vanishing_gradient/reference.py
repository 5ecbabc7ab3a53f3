"""The straightforward per-example implementation, the way the book's network2 loops.

It is the yardstick for the compiled trainer: the same equations, one example at a time,
with column vectors (``z = W^T a + b`` for our ``(n_in, n_out)`` weight layout), and the
optimisers of ``sgd.py`` written out literally. Slow on purpose; tests compare against it
and the benchmark times it.
"""

import numpy as np

from .activations import activate, slope
from .network import Network, sigmoid
from .sgd import Optimiser, momentum_at


def example_gradients(
    net: Network, x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(dC_x/dW^l, dC_x/db^l)`` of one example ``x`` (shape ``(n_0,)``) with target ``y``."""
    activations, a = [x], x
    for layer, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = w.T @ a + b
        a = sigmoid(z) if layer == len(net.weights) - 1 else activate(net.activation, z)
        activations.append(a)
    delta = activations[-1] - y
    grads_w, grads_b = [], []
    for layer in reversed(range(len(net.weights))):
        grads_w.insert(0, np.outer(activations[layer], delta))
        grads_b.insert(0, delta)
        delta = (net.weights[layer] @ delta) * slope(net.activation, activations[layer])
    return grads_w, grads_b


def reference_epoch(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    *,
    mini_batch_size: int,
    eta: float,
    lmbda: float,
    optimiser: Optimiser = Optimiser(),
    velocities: tuple[list[np.ndarray], list[np.ndarray]] | None = None,
    first_update: int = 0,
) -> None:
    """One epoch over ``x[order]``, in place: per mini-batch, sum the per-example gradients
    (at the look-ahead ``W + mu v`` for nesterov) and apply the update of ``sgd.py``.
    ``velocities`` (weights', biases') are updated in place when given."""
    n = len(x)
    if velocities is None:
        velocities = (
            [np.zeros_like(w) for w in net.weights],
            [np.zeros_like(b) for b in net.biases],
        )
    velocity_w, velocity_b = velocities
    for update, start in enumerate(range(0, n, mini_batch_size), start=first_update):
        rows = order[start : start + mini_batch_size]
        m = len(rows)
        mu = (
            momentum_at(update, optimiser.mu, optimiser.schedule)
            if optimiser.kind != "sgd"
            else 0.0
        )
        at = net
        if optimiser.kind == "nesterov":
            at = Network(
                [w + mu * v for w, v in zip(net.weights, velocity_w)],
                [b + mu * v for b, v in zip(net.biases, velocity_b)],
                net.activation,
            )
        sum_w = [np.zeros_like(w) for w in net.weights]
        sum_b = [np.zeros_like(b) for b in net.biases]
        for row in rows:
            grads_w, grads_b = example_gradients(at, x[row], y[row])
            sum_w = [s + g for s, g in zip(sum_w, grads_w)]
            sum_b = [s + g for s, g in zip(sum_b, grads_b)]
        if optimiser.kind == "sgd":
            net.weights = [
                (1 - eta * lmbda / n) * w - (eta / m) * g for w, g in zip(net.weights, sum_w)
            ]
            net.biases = [b - (eta / m) * g for b, g in zip(net.biases, sum_b)]
            continue
        for layer in range(len(net.weights)):
            gradient_w = sum_w[layer] / m + lmbda / n * at.weights[layer]
            velocity_w[layer][...] = mu * velocity_w[layer] - eta * gradient_w
            velocity_b[layer][...] = mu * velocity_b[layer] - eta * sum_b[layer] / m
            net.weights[layer] = net.weights[layer] + velocity_w[layer]
            net.biases[layer] = net.biases[layer] + velocity_b[layer]
