"""The epoch loop of every optimiser and network but plain SGD's
(``plain_sgd.plain_sgd_epoch``): every entry of ``model.optimisers``, gradient-norm clipping,
and networks with residual connections or batch normalisation (``model.network`` has their
forward and backward passes).

For a mini-batch ``B`` of ``m`` rows from a training set of ``n`` rows, every trained
array ``p`` (weights, biases = batch norm's shifts beta, batch norm's scales gamma) gets
the gradient of the regularised cost, L2 entering as in ``model.optimisers``::

    g_W = (1/m) sum_{x in B} dC_x/dW + (lmbda/n) W,   g_b = (1/m) sum dC_x/db,
    g_gamma = (1/m) sum dC_x/dgamma                     (no L2 on biases or scales)

With batch normalisation ``dC_x/d.`` is the gradient of the batch's cost in training mode
(its own statistics), which is not a sum of per-example terms; the ``(1/m) sum`` is that
of the batch. Gradient-norm clipping (Pascanu et al. 2013) with threshold ``c`` rescales
the whole mini-batch gradient, over all parameters together (one global norm, not per
layer)::

    ||g||^2 = sum over every array p of sum g_p^2,    g <- g min(1, c / ||g||)

Then every array takes its optimiser's step (``model.optimisers``, compiled from its
entry by ``steps``), with the update count ``t = 1, 2, ...`` over the whole run. L2 is part
of ``g``, so Adam's is Adam with L2 regularisation, not AdamW's decoupled decay.
After each mini-batch's forward pass, batch normalisation's running statistics move
towards the batch's (``network.RUNNING_MOMENTUM``).

Plain SGD on the book's network reduces to the book's update: ``p - eta g`` is
``(1 - eta lmbda / n) W - (eta / m) sum dC_x/dW``, the same number up to rounding.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..model.network import BATCH_NORM_EPSILON, RUNNING_MOMENTUM
from .kernels.cache import JIT, numba
from .kernels.dense import product
from .kernels.packed import matrix_views, pack, vector_views
from .kernels.sparse import sparse_product, sparse_transposed_product
from .steps import (
    OUTPUT_CODE,
    activate,
    add_bias_and_activate,
    compiled_momentum_at,
    slope,
    update,
)


@numba.njit(**JIT)
def _column_sums(a):  # pragma: no cover - compiled
    """``sum_i a[i, :]``, in row order."""
    sums = np.zeros(a.shape[1])
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            sums[j] += a[i, j]
    return sums


@numba.njit(**JIT)
def _look_ahead(out, p, v, mu):  # pragma: no cover - compiled
    """``out <- p + mu v``, elementwise, in place."""
    out, p, v = out.reshape(out.size), p.reshape(p.size), v.reshape(v.size)
    for k in range(out.size):
        out[k] = p[k] + mu * v[k]


@numba.njit(**JIT)
def general_epoch(
    starts,
    columns,
    values,
    scale,
    y,
    order,
    packed_weights,
    packed_vectors,
    packed_running_mean,
    packed_running_var,
    first,
    second,
    hidden,
    skips,
    batch_norm,
    kind,
    momentum,
    look_ahead,
    mu_max,
    schedule,
    clip,
    first_step,
    mini_batch_size,
    eta,
    lmbda,
    packed_mean_bias_gradients,
):  # pragma: no cover - compiled; the tests compare it with the reference
    """One epoch over the rows ``order`` of the inputs, in place (module docstring); on
    return ``mean_bias_gradients[l]`` holds ``(1/m) sum_x dC_x/db^{l+1}`` of the last
    mini-batch (before clipping), at the parameters its gradient was taken at.

    The inputs are given by their non-zero entries (``sparse.SparseRows``: row ``r`` is
    ``scale values[q]`` in the columns ``columns[q]``, ``q`` from ``starts[r]`` to
    ``starts[r + 1]``), so the first layer's two products run over those alone (a zero
    input adds exactly 0): ``z^1_x = sum_p x_p W~^1[p, :]`` and ``dC/dW^1 = sum_x x^T dz^1_x``,
    whose rows of the pixels no example of the batch has are exactly 0. The L2 term
    ``(lmbda/n) W`` still enters ``g`` for every row.

    Every list of arrays comes ``packed.Packed`` (one type for every depth, so one
    compilation): ``packed_weights`` holds ``(W^1, ..., W^L)``, ``packed_vectors`` the 1-D
    arrays ``(b^1, ..., b^L, gamma^1, ..., gamma^{L-1})`` (no gamma without batch
    normalisation), ``packed_running_mean`` and ``packed_running_var`` batch normalisation's
    running statistics of the hidden layers (none without it), ``packed_mean_bias_gradients``
    one array per layer for the result; ``first`` and ``second`` hold the optimiser's state
    in the layout of the weights and vectors (a pair of ``Packed`` each). They are updated in
    place. ``skips[l - 1]`` says whether hidden layer ``l`` is residual; ``batch_norm``
    whether the hidden layers are normalised; ``kind`` is the optimiser's code
    (``steps.optimiser_code``), ``momentum`` and ``look_ahead`` its entry's flags (nesterov's
    look-ahead ``p + mu v``); ``clip`` is the threshold (0: no clipping). Per mini-batch,
    with ``~`` the parameters the gradient is taken at (the look-ahead for nesterov)::

        a^0 = x_B;  hidden l: z = a^{l-1} W~^l,  u = gamma~ zh + b~ (batch norm, batch
        statistics) or z + b~;  h^l = phi(u);  a^l = a^{l-1} + h^l (residual) or h^l
        a^L = sigmoid(a^{L-1} W~^L + b~^L);  then the backward pass of ``network.py``
    """
    weights, vectors = matrix_views(packed_weights), vector_views(packed_vectors)
    running_mean, running_var = vector_views(packed_running_mean), vector_views(packed_running_var)
    mean_bias_gradients = vector_views(packed_mean_bias_gradients)
    first_w, first_v = matrix_views(first[0]), vector_views(first[1])
    second_w, second_v = matrix_views(second[0]), vector_views(second[1])
    n = len(starts) - 1
    decay = lmbda / n  # the L2 term's factor in g_W
    n_layers = len(weights)
    step_index = first_step
    # the look-ahead p + mu v (nesterov's), written in place every update
    used_w = [np.copy(w) if look_ahead else w for w in weights]
    used_v = [np.copy(v) if look_ahead else v for v in vectors]
    for start in range(0, n, mini_batch_size):
        size = min(mini_batch_size, n - start)
        mu = compiled_momentum_at(step_index, mu_max, schedule) if momentum else 0.0
        if look_ahead:
            for k in range(len(weights)):
                _look_ahead(used_w[k], weights[k], first_w[k], mu)
            for k in range(len(vectors)):
                _look_ahead(used_v[k], vectors[k], first_v[k], mu)
        activations = [np.empty((0, 0)) for _ in range(n_layers + 1)]
        units = [np.empty((0, 0)) for _ in range(n_layers)]
        normalised = [np.empty((0, 0)) for _ in range(n_layers)]
        inverse_std = [np.empty(0) for _ in range(n_layers)]
        rows = order[start : start + size]
        for layer in range(n_layers):
            if layer == 0:
                z = sparse_product(starts, columns, values, scale, rows, used_w[0])
            else:
                at = used_w[layer]
                z = np.empty((size, at.shape[1]))
                product(z, size, activations[layer], False, at, at.shape[0])
            bias = used_v[layer]
            width = z.shape[1]
            if layer == n_layers - 1:
                add_bias_and_activate(z, bias, OUTPUT_CODE, size)
                activations[n_layers] = z
                break
            if batch_norm:
                mean = _column_sums(z) / size
                var = np.zeros(width)
                for i in range(size):
                    for j in range(width):
                        var[j] += (z[i, j] - mean[j]) ** 2
                var /= size
                inverse = 1.0 / np.sqrt(var + BATCH_NORM_EPSILON)
                gamma = used_v[n_layers + layer]
                zh = np.empty_like(z)
                for i in range(size):
                    for j in range(width):
                        zh[i, j] = (z[i, j] - mean[j]) * inverse[j]
                        z[i, j] = gamma[j] * zh[i, j] + bias[j]
                normalised[layer], inverse_std[layer] = zh, inverse
                kept = RUNNING_MOMENTUM
                running_mean[layer][:] = kept * running_mean[layer] + (1.0 - kept) * mean
                running_var[layer][:] = kept * running_var[layer] + (1.0 - kept) * var
            else:
                for i in range(size):
                    for j in range(width):
                        z[i, j] += bias[j]
            h = np.empty_like(z)
            for i in range(size):
                for j in range(width):
                    h[i, j] = activate(hidden, z[i, j])
            units[layer] = h
            activations[layer + 1] = h + activations[layer] if skips[layer] else h
        delta = activations[n_layers] - y[rows]
        grads_w = [np.empty((0, 0)) for _ in range(len(weights))]
        grads_v = [np.zeros(v.shape[0]) for v in vectors]
        upstream = np.empty((0, 0))
        for layer in range(n_layers - 1, -1, -1):
            dz = delta
            if layer < n_layers - 1:
                delta = upstream.copy()
                h = units[layer]
                for i in range(size):
                    for j in range(h.shape[1]):
                        delta[i, j] *= slope(hidden, h[i, j])
                dz = delta
                if batch_norm:
                    zh, inverse = normalised[layer], inverse_std[layer]
                    gamma = used_v[n_layers + layer]
                    dzh = delta * gamma
                    sum_dzh = _column_sums(dzh)
                    sum_dzh_zh = _column_sums(dzh * zh)
                    dz = np.empty_like(delta)
                    for i in range(size):
                        for j in range(dz.shape[1]):
                            dz[i, j] = (
                                inverse[j]
                                / size
                                * (size * dzh[i, j] - sum_dzh[j] - zh[i, j] * sum_dzh_zh[j])
                            )
                    grads_v[n_layers + layer] = _column_sums(delta * zh) / size
            at = used_w[layer]
            if layer == 0:
                gradient = sparse_transposed_product(starts, columns, values, scale, rows, dz, at)
            else:
                gradient = np.empty(at.shape)
                product(gradient, at.shape[0], activations[layer], True, dz, size)
            for i in range(gradient.shape[0]):
                for j in range(gradient.shape[1]):
                    gradient[i, j] = gradient[i, j] / size + decay * at[i, j]
            grads_w[layer] = gradient
            grads_v[layer] = _column_sums(delta) / size
            mean_bias_gradients[layer][:] = grads_v[layer]
            if layer > 0:
                below = np.empty((size, at.shape[0]))
                product(below, size, dz, False, np.ascontiguousarray(at.T), at.shape[1])
                if layer < n_layers - 1 and skips[layer]:
                    below += upstream
                upstream = below
        factor = 1.0
        if clip > 0.0:
            squares = 0.0
            for g in grads_w:
                flat = g.reshape(g.size)
                squares += np.dot(flat, flat)
            for g in grads_v:
                squares += np.dot(g, g)
            norm = math.sqrt(squares)
            if norm > clip:
                factor = clip / norm
        t = step_index + 1
        for k in range(len(weights)):
            update(kind, weights[k], grads_w[k], factor, first_w[k], second_w[k], mu, eta, t)
        for k in range(len(vectors)):
            update(kind, vectors[k], grads_v[k], factor, first_v[k], second_v[k], mu, eta, t)
        step_index += 1


@dataclass
class RemedyState:
    """The optimiser's state between epochs, in ``general_epoch``'s layout: ``first``
    (momentum's velocity or Adam's m) and ``second`` (Adam's v), each a pair of
    ``packed.Packed``: one array per weight matrix, one per vector (biases then scales)."""

    first: tuple
    second: tuple

    @classmethod
    def zeros(cls, matrices: list, vectors: list) -> "RemedyState":
        def like():
            return (
                pack([np.zeros_like(w) for w in matrices]),
                pack([np.zeros_like(v) for v in vectors]),
            )

        return cls(like(), like())
