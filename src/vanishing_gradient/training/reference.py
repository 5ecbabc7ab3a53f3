"""The straightforward per-example implementation, the way the book's network2 loops.

It is the yardstick for the compiled trainer: the same equations, one example at a time,
with column vectors (``z = W^T a + b`` for our ``(n_in, n_out)`` weight layout), and each
optimiser's step as its entry writes it on arrays (``OptimiserRule.reference_step``).
Slow on purpose; tests compare against it and the benchmark times it.
"""

import numpy as np

from ..model.activations import activate, slope
from ..model.network import BATCH_NORM_EPSILON, RUNNING_MOMENTUM, Network, sigmoid
from ..model.optimisers import Optimiser, momentum_at


def example_gradients(
    net: Network, x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(dC_x/dW^l, dC_x/db^l)`` of one example ``x`` (shape ``(n_0,)``) with target ``y``,
    through the residual connections if ``net`` has them (not for batch normalisation, whose
    gradient belongs to a whole batch: ``batch_gradients``)."""
    activations, units, a = [x], [], x
    for layer, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = w.T @ a + b
        if layer == len(net.weights) - 1:
            a = sigmoid(z)
        else:
            units.append(activate(net.activation, z))
            a = a + units[-1] if net.skips(layer + 1) else units[-1]
        activations.append(a)
    delta = activations[-1] - y
    grads_w, grads_b = [], []
    upstream = None  # dC/da of the layer whose delta was just used
    for layer in reversed(range(len(net.weights))):
        grads_w.insert(0, np.outer(activations[layer], delta))
        grads_b.insert(0, delta)
        if layer == 0:
            break
        below = net.weights[layer] @ delta
        upstream = below + upstream if net.skips(layer + 1) else below
        delta = upstream * slope(net.activation, units[layer - 1])
    return grads_w, grads_b


def batch_gradients(
    net: Network, xs: np.ndarray, ys: np.ndarray
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """For a network with batch normalisation: the summed gradients of the batch ``xs``
    (rows) in training mode, as one list ``[dC/dW^l..., dC/db^l..., dC/dgamma^l...]`` in the
    order of ``Network.parameters``, and each hidden layer's batch statistics ``(mean,
    biased variance)``. Written per example and per unit: the statistics are plain sums
    over the examples, and each example's ``dC/dz`` is

        dz_x = (dzh_x - (1/m) sum_k dzh_k - zh_x (1/m) sum_k dzh_k zh_k) / sqrt(var + eps)

    with ``dzh_x = gamma delta_x``: the chain rule through ``mean`` and ``var``."""
    norm, m, n_layers = net.batch_norm, len(xs), len(net.weights)
    a_rows = [list(xs)]
    units, normalised, statistics = [], [], []
    for layer in range(n_layers - 1):
        w, b = net.weights[layer], net.biases[layer]
        z = [w.T @ a for a in a_rows[-1]]
        mean = sum(z) / m
        var = sum((zi - mean) ** 2 for zi in z) / m
        statistics.append((mean, var))
        zh = [(zi - mean) / np.sqrt(var + BATCH_NORM_EPSILON) for zi in z]
        h = [activate(net.activation, norm.scales[layer] * zi + b) for zi in zh]
        a_rows.append([a + hi for a, hi in zip(a_rows[-1], h)] if net.skips(layer + 1) else h)
        units.append(h)
        normalised.append(zh)
    w, b = net.weights[-1], net.biases[-1]
    deltas = [sigmoid(w.T @ a + b) - y for a, y in zip(a_rows[-1], ys)]
    grads_w = [None] * n_layers
    grads_b = [None] * n_layers
    grads_scale = [None] * (n_layers - 1)
    grads_w[-1] = sum(np.outer(a, d) for a, d in zip(a_rows[-1], deltas))
    grads_b[-1] = sum(deltas)
    upstream = [w @ d for d in deltas]  # dC/da^{L-1} per example
    for layer in reversed(range(n_layers - 1)):
        deltas = [e * slope(net.activation, h) for e, h in zip(upstream, units[layer])]
        zh, (mean, var) = normalised[layer], statistics[layer]
        dzh = [norm.scales[layer] * d for d in deltas]
        mean_dzh = sum(dzh) / m
        mean_dzh_zh = sum(g * zi for g, zi in zip(dzh, zh)) / m
        dz = [
            (g - mean_dzh - zi * mean_dzh_zh) / np.sqrt(var + BATCH_NORM_EPSILON)
            for g, zi in zip(dzh, zh)
        ]
        grads_w[layer] = sum(np.outer(a, d) for a, d in zip(a_rows[layer], dz))
        grads_b[layer] = sum(deltas)
        grads_scale[layer] = sum(d * zi for d, zi in zip(deltas, zh))
        if layer > 0:
            below = [net.weights[layer] @ d for d in dz]
            skips = net.skips(layer + 1)
            upstream = [u + e for u, e in zip(below, upstream)] if skips else below
    return grads_w + grads_b + grads_scale, statistics


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
    state: dict | None = None,
    first_update: int = 0,
) -> None:
    """One epoch over ``x[order]``, in place: per mini-batch, sum the per-example gradients
    (per batch with batch normalisation; at the look-ahead ``p + mu v`` for nesterov) and
    apply the optimiser's step (``model.optimisers``; plain SGD as the book writes it),
    clipped first if asked. ``state`` (a dict, empty at the start of a run) keeps the
    optimiser's arrays between epochs: ``"first"`` (velocity, or Adam's m) and ``"second"``
    (Adam's and RMSProp's v), one per array of ``Network.parameters``."""
    n, n_layers = len(x), len(net.weights)
    parameters = net.parameters()
    state = {} if state is None else state
    for key in ("first", "second"):
        state.setdefault(key, [np.zeros_like(p) for p in parameters])
    for update, start in enumerate(range(0, n, mini_batch_size), start=first_update):
        rows = order[start : start + mini_batch_size]
        m = len(rows)
        rule = optimiser.rule
        mu = momentum_at(update, optimiser.mu, optimiser.schedule) if rule.momentum else 0.0
        at = net
        if rule.look_ahead:
            at = net.copy()
            for p, q, v in zip(at.parameters(), parameters, state["first"]):
                p[...] = q + mu * v
        if net.batch_norm is None:
            sums = [np.zeros_like(p) for p in parameters]
            for row in rows:
                grads_w, grads_b = example_gradients(at, x[row], y[row])
                sums = [s + g for s, g in zip(sums, grads_w + grads_b)]
        else:
            sums, statistics = batch_gradients(at, x[rows], y[rows])
            norm = net.batch_norm
            for layer, (mean, var) in enumerate(statistics):
                norm.running_mean[layer][...] = (
                    RUNNING_MOMENTUM * norm.running_mean[layer] + (1 - RUNNING_MOMENTUM) * mean
                )
                norm.running_var[layer][...] = (
                    RUNNING_MOMENTUM * norm.running_var[layer] + (1 - RUNNING_MOMENTUM) * var
                )
        if optimiser.kind == "sgd" and optimiser.clip is None:  # the book's update
            for k, (p, s) in enumerate(zip(parameters, sums)):
                decay = 1 - eta * lmbda / n if k < n_layers else 1.0
                p[...] = decay * p - (eta / m) * s
            continue
        at_parameters = at.parameters()
        gradient = [
            s / m + (lmbda / n * q if k < n_layers else 0.0)
            for k, (s, q) in enumerate(zip(sums, at_parameters))
        ]
        if optimiser.clip is not None:
            norm_g = np.sqrt(sum(np.sum(g**2) for g in gradient))
            gradient = [g * min(1.0, optimiser.clip / norm_g) for g in gradient]
        t = update + 1
        for p, g, first, second in zip(parameters, gradient, state["first"], state["second"]):
            rule.reference_step(p, g, first, second, mu, eta, t)
