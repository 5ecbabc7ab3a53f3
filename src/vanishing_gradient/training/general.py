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
from typing import NamedTuple

import numpy as np

from ..model.network import BATCH_NORM_EPSILON, RUNNING_MOMENTUM
from .kernels.cache import JIT, numba
from .kernels.dense import product
from .kernels.packed import Packed, matrix_views, pack, vector_views
from .kernels.sparse import sparse_product, sparse_transposed_product
from .steps import OUTPUT_CODE, activate, add_bias_and_activate, compiled_momentum_at, slope, update


class NetworkArrays(NamedTuple):
    """The network's arrays, each list ``packed.Packed`` (one type for every depth, so one
    compilation): ``weights`` ``(W^1, ..., W^L)``; ``vectors`` ``(b^1, ..., b^L, gamma^1, ...,
    gamma^{L-1})`` (no gamma without batch normalisation; with it, ``b^l`` is its shift
    beta); ``running_mean`` and ``running_var``, batch normalisation's running statistics of
    the hidden layers (none without it)."""

    weights: Packed
    vectors: Packed
    running_mean: Packed
    running_var: Packed


class Remedies(NamedTuple):
    """The remedies a network trains with: ``residual[l - 1]``, whether layer ``l`` adds its
    input to its output (``network.Network.skips``, one entry per layer); ``batch_norm``,
    whether the hidden layers are normalised; ``clip_threshold``, gradient-norm clipping's
    ``c`` (0: no clipping)."""

    residual: np.ndarray
    batch_norm: bool
    clip_threshold: float


class OptimiserSettings(NamedTuple):
    """The optimiser: its ``code`` (``steps.optimiser_code``); its entry's flags ``momentum``
    and ``look_ahead`` (nesterov's gradient at ``p + mu v``); the momentum ``mu_max`` and
    whether it follows the ``schedule`` (``optimisers.momentum_at``); the learning rate
    ``eta`` and the L2 factor ``lmbda``."""

    code: int
    momentum: bool
    look_ahead: bool
    mu_max: float
    schedule: bool
    eta: float
    lmbda: float


class OptimiserState(NamedTuple):
    """The optimiser's state between epochs, zero at the start, in the layout of
    ``NetworkArrays``' weights and vectors: ``velocity_*`` is the entry's ``first`` (the
    velocity ``v`` of momentum and nesterov, Adam's mean of the gradients ``m``) and
    ``mean_square_*`` its ``second`` (the mean of the squared gradients ``v`` of Adam and
    RMSprop)."""

    velocity_weights: Packed
    velocity_vectors: Packed
    mean_square_weights: Packed
    mean_square_vectors: Packed

    @classmethod
    def zeros(cls, matrices: list, vectors: list) -> "OptimiserState":
        def like(arrays):
            return pack([np.zeros_like(a) for a in arrays])

        return cls(like(matrices), like(vectors), like(matrices), like(vectors))


class ForwardPass(NamedTuple):
    """What the backward pass needs of the forward pass, one entry per layer: the
    ``activations`` ``a^0, ..., a^L`` (``a^0`` unused: the inputs are read as ``Examples``),
    the hidden layers' ``units`` ``h^l = phi(u^l)``, and with batch normalisation their
    ``normalised`` ``zh^l`` and ``inverse_std`` ``1 / sqrt(var_B + eps)``."""

    activations: list
    units: list
    normalised: list
    inverse_std: list


@numba.njit(**JIT)
def _column_sums(a):  # pragma: no cover - compiled
    """``sum_i a[i, :]``, in row order."""
    sums = np.zeros(a.shape[1])
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            sums[j] += a[i, j]
    return sums


@numba.njit(**JIT, inline="always")
def look_ahead(out, parameters, velocities, mu):  # pragma: no cover - compiled
    """``out[k] <- p_k + mu v_k`` for every array ``p_k`` of ``parameters`` and its velocity
    ``v_k``, elementwise, in place: nesterov's look-ahead."""
    for k in range(len(out)):
        point, p = out[k].reshape(out[k].size), parameters[k].reshape(parameters[k].size)
        v = velocities[k].reshape(velocities[k].size)
        for e in range(point.size):
            point[e] = p[e] + mu * v[e]


@numba.njit(**JIT, inline="always")
def layer_product(examples, rows, a, w, layer):  # pragma: no cover - compiled
    """``z = a^{l-1} W^l`` for the mini-batch ``rows``, layer ``l = layer + 1``; the first
    layer's over the inputs' non-zero entries (a zero input adds exactly 0)."""
    if layer == 0:
        starts, columns, values = examples.starts, examples.columns, examples.values
        return sparse_product(starts, columns, values, examples.scale, rows, w)
    z = np.empty((len(rows), w.shape[1]))
    product(z, len(rows), a, False, w, w.shape[0])
    return z


@numba.njit(**JIT, inline="always")
def add_bias(z, bias):  # pragma: no cover - compiled
    """``z[i, :] <- z[i, :] + bias``, in place."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] += bias[j]


@numba.njit(**JIT, inline="always")
def activated(activation_code, u):  # pragma: no cover - compiled
    """``h = phi(u)`` elementwise, a new array (``phi`` of ``activation_code``)."""
    h = np.empty_like(u)
    for i in range(u.shape[0]):
        for j in range(u.shape[1]):
            h[i, j] = activate(activation_code, u[i, j])
    return h


@numba.njit(**JIT, inline="always")
def batch_norm_forward(z, gamma, beta, running_mean, running_var):  # pragma: no cover
    """Batch normalisation in training mode, ``z`` in place with the mini-batch's ``m`` rows::

        mu_B = (1/m) sum_i z_i,   var_B = (1/m) sum_i (z_i - mu_B)^2,
        zh = (z - mu_B) / sqrt(var_B + eps),   z <- gamma zh + beta

    and the running statistics move towards the batch's, ``r <- k r + (1 - k) stat_B``
    (``k = network.RUNNING_MOMENTUM``). Returns ``zh`` and ``1 / sqrt(var_B + eps)``."""
    size, width = z.shape
    mean = _column_sums(z) / size
    var = np.zeros(width)
    for i in range(size):
        for j in range(width):
            var[j] += (z[i, j] - mean[j]) ** 2
    var /= size
    inverse = 1.0 / np.sqrt(var + BATCH_NORM_EPSILON)
    zh = np.empty_like(z)
    for i in range(size):
        for j in range(width):
            zh[i, j] = (z[i, j] - mean[j]) * inverse[j]
            z[i, j] = gamma[j] * zh[i, j] + beta[j]
    kept = RUNNING_MOMENTUM
    running_mean[:] = kept * running_mean + (1.0 - kept) * mean
    running_var[:] = kept * running_var + (1.0 - kept) * var
    return zh, inverse


@numba.njit(**JIT, inline="always")
def batch_norm_backward(delta, zh, inverse, gamma):  # pragma: no cover - compiled
    """From ``delta = dC/du`` of the normalised layer ``u = gamma zh + beta`` over the
    mini-batch's ``m`` rows, ``dC/dz`` through the batch's own statistics and ``dC/dgamma``::

        dzh = delta gamma,
        dC/dz_i = (1/sqrt(var_B + eps)) / m (m dzh_i - sum_k dzh_k - zh_i sum_k dzh_k zh_k),
        dC/dgamma = (1/m) sum_i delta_i zh_i                         (dC/dbeta: the bias's)"""
    size = delta.shape[0]
    dzh = delta * gamma
    sum_dzh = _column_sums(dzh)
    sum_dzh_zh = _column_sums(dzh * zh)
    dz = np.empty_like(delta)
    for i in range(size):
        for j in range(dz.shape[1]):
            dz[i, j] = (
                inverse[j] / size * (size * dzh[i, j] - sum_dzh[j] - zh[i, j] * sum_dzh_zh[j])
            )
    return dz, _column_sums(delta * zh) / size


@numba.njit(**JIT, inline="always")
def residual_add(a, skipped):  # pragma: no cover - compiled
    """``a + skipped``, a new array: a residual layer's output ``a^l = h^l + a^{l-1}``, and
    backwards the skip's share of the gradient, ``dC/da^{l-1} = (W^l path) + dC/da^l``."""
    return a + skipped


@numba.njit(**JIT, inline="always")
def clip_factor(weight_gradients, vector_gradients, threshold):  # pragma: no cover - compiled
    """The factor ``min(1, c / ||g||)`` of gradient-norm clipping with threshold ``c``, ``||g||``
    the norm of every gradient array together; 1 for ``c = 0`` (no clipping)."""
    if threshold <= 0.0:
        return 1.0
    squares = 0.0
    for g in weight_gradients:
        flat = g.reshape(g.size)
        squares += np.dot(flat, flat)
    for g in vector_gradients:
        squares += np.dot(g, g)
    norm = math.sqrt(squares)
    return threshold / norm if norm > threshold else 1.0


@numba.njit(**JIT, inline="always")
def hidden_delta(upstream, h, activation_code):  # pragma: no cover - compiled
    """``delta^l = dC/da^l phi'(u^l)`` elementwise, a new array; ``phi'`` from the units'
    output ``h^l = phi(u^l)`` (``steps.slope``)."""
    delta = upstream.copy()
    for i in range(h.shape[0]):
        for j in range(h.shape[1]):
            delta[i, j] *= slope(activation_code, h[i, j])
    return delta


@numba.njit(**JIT, inline="always")
def weight_gradient(examples, rows, a, dz, w, layer, decay):  # pragma: no cover - compiled
    """``g_W = (1/m) (a^{l-1})^T dC/dz^l + (lmbda/n) W^l`` over the ``m`` rows, layer ``l =
    layer + 1``, ``decay = lmbda/n``; the first layer's product over the inputs' non-zero
    entries: its rows of the pixels no example of the batch has are exactly 0 before the L2
    term."""
    size = len(rows)
    if layer == 0:
        starts, columns, values = examples.starts, examples.columns, examples.values
        gradient = sparse_transposed_product(starts, columns, values, examples.scale, rows, dz, w)
    else:
        gradient = np.empty(w.shape)
        product(gradient, w.shape[0], a, True, dz, size)
    for i in range(gradient.shape[0]):
        for j in range(gradient.shape[1]):
            gradient[i, j] = gradient[i, j] / size + decay * w[i, j]
    return gradient


@numba.njit(**JIT)
def forward(
    examples, rows, weights, vectors, running, activation_code, remedies
):  # pragma: no cover
    """The forward pass of the mini-batch ``rows`` in training mode, with the parameters
    ``weights`` and ``vectors`` (lists, in ``NetworkArrays``' layout); ``running`` is the pair
    of lists of batch normalisation's running means and variances, updated in place::

        a^0 = x_B;  hidden l: z = a^{l-1} W^l,  u = gamma zh + b (batch norm, batch
        statistics) or z + b;  h^l = phi(u);  a^l = a^{l-1} + h^l (residual) or h^l
        a^L = sigmoid(a^{L-1} W^L + b^L)
    """
    n_layers = len(weights)
    activations = [np.empty((0, 0)) for _ in range(n_layers + 1)]
    units = [np.empty((0, 0)) for _ in range(n_layers)]
    normalised = [np.empty((0, 0)) for _ in range(n_layers)]
    inverse_std = [np.empty(0) for _ in range(n_layers)]
    for layer in range(n_layers - 1):
        z = layer_product(examples, rows, activations[layer], weights[layer], layer)
        if remedies.batch_norm:
            gamma, beta = vectors[n_layers + layer], vectors[layer]
            normalised[layer], inverse_std[layer] = batch_norm_forward(
                z, gamma, beta, running[0][layer], running[1][layer]
            )
        else:
            add_bias(z, vectors[layer])
        h = activated(activation_code, z)
        units[layer] = h
        activations[layer + 1] = (
            residual_add(h, activations[layer]) if remedies.residual[layer] else h
        )
    output = n_layers - 1
    z = layer_product(examples, rows, activations[output], weights[output], output)
    add_bias_and_activate(z, vectors[output], OUTPUT_CODE, len(rows))
    activations[n_layers] = z
    return ForwardPass(activations, units, normalised, inverse_std)


@numba.njit(**JIT)
def backward(
    examples, rows, passed, weights, vectors, activation_code, remedies, decay, mean_bias_gradients
):  # pragma: no cover
    """The backward pass of ``network.py`` for the mini-batch ``rows`` from its forward pass
    ``passed``, at the parameters ``weights`` and ``vectors`` the forward pass used: the
    gradients ``g`` of every weight matrix (with the L2 term, ``decay = lmbda/n``) and of
    every vector (biases, then scales), two lists. ``mean_bias_gradients[l]`` gets
    ``g_b^{l+1}``. Output layer ``delta^L = a^L - y``; below it ``dC/da^{l-1} = dC/dz^l
    (W^l)^T``, plus ``dC/da^l`` across a residual layer's skip."""
    n_layers, size = len(weights), len(rows)
    activations = passed.activations
    delta = activations[n_layers] - examples.targets[rows]
    weight_gradients = [np.empty((0, 0)) for _ in range(n_layers)]
    vector_gradients = [np.zeros(v.shape[0]) for v in vectors]
    upstream = np.empty((0, 0))
    for layer in range(n_layers - 1, -1, -1):
        dz = delta
        if layer < n_layers - 1:
            delta = hidden_delta(upstream, passed.units[layer], activation_code)
            dz = delta
            if remedies.batch_norm:
                gamma = vectors[n_layers + layer]
                zh, inverse = passed.normalised[layer], passed.inverse_std[layer]
                dz, gamma_gradient = batch_norm_backward(delta, zh, inverse, gamma)
                vector_gradients[n_layers + layer] = gamma_gradient
        w = weights[layer]
        weight_gradients[layer] = weight_gradient(
            examples, rows, activations[layer], dz, w, layer, decay
        )
        vector_gradients[layer] = _column_sums(delta) / size
        mean_bias_gradients[layer][:] = vector_gradients[layer]
        if layer > 0:
            below = np.empty((size, w.shape[0]))
            product(below, size, dz, False, np.ascontiguousarray(w.T), w.shape[1])
            skips = layer < n_layers - 1 and remedies.residual[layer]
            upstream = residual_add(below, upstream) if skips else below
    return weight_gradients, vector_gradients


@numba.njit(**JIT, inline="always")
def optimiser_step(
    optimiser, parameters, gradients, factor, velocities, mean_squares, mu, t
):  # pragma: no cover
    """Every array of ``parameters`` takes the optimiser's step with the gradient ``factor g``
    (``steps.update``), at update ``t``, its state in ``velocities`` and ``mean_squares``."""
    for k in range(len(parameters)):
        update(
            optimiser.code,
            parameters[k],
            gradients[k],
            factor,
            velocities[k],
            mean_squares[k],
            mu,
            optimiser.eta,
            t,
        )


@numba.njit(**JIT)
def general_epoch(
    examples,
    schedule,
    network,
    activation_code,
    remedies,
    optimiser,
    state,
    packed_mean_bias_gradients,
):  # pragma: no cover - compiled; the tests compare it with the reference
    """One epoch of the mini-batches of ``schedule`` (``batches.Schedule``) over the training
    set ``examples`` (``batches.Examples``), in place (module docstring): ``network``
    (``NetworkArrays``) and ``state`` (``OptimiserState``) are updated; ``activation_code`` is
    the hidden layers' activation (``steps.activation_code``). On return
    ``packed_mean_bias_gradients`` holds, one array per layer, ``(1/m) sum_x dC_x/db^{l+1}`` of
    the last mini-batch (before clipping), at the parameters its gradient was taken at.

    Per mini-batch: the momentum ``mu`` of its update; the parameters the gradient is taken
    at (the look-ahead ``p + mu v`` for nesterov, else the parameters themselves);
    ``forward``; ``backward``; ``clip_factor``; every array's step. The helpers that run per
    layer are inlined (``inline="always"``): a call per layer and mini-batch cost 1.5 % of a
    momentum epoch of 784-30-30-30-30-10.
    """
    weights, vectors = matrix_views(network.weights), vector_views(network.vectors)
    running = (vector_views(network.running_mean), vector_views(network.running_var))
    velocity_w = matrix_views(state.velocity_weights)
    velocity_v = vector_views(state.velocity_vectors)
    mean_square_w = matrix_views(state.mean_square_weights)
    mean_square_v = vector_views(state.mean_square_vectors)
    mean_bias_gradients = vector_views(packed_mean_bias_gradients)
    decay = optimiser.lmbda / (len(examples.starts) - 1)  # the L2 term's factor in g_W
    # the parameters the gradient is taken at: for nesterov the look-ahead, written in place
    gradient_at_w = [np.copy(w) if optimiser.look_ahead else w for w in weights]
    gradient_at_v = [np.copy(v) if optimiser.look_ahead else v for v in vectors]
    t = schedule.updates_before
    for start in range(0, len(examples.starts) - 1, schedule.mini_batch_size):
        rows = schedule.order[start : start + schedule.mini_batch_size]
        mu = 0.0
        if optimiser.momentum:
            mu = compiled_momentum_at(t, optimiser.mu_max, optimiser.schedule)
        if optimiser.look_ahead:
            look_ahead(gradient_at_w, weights, velocity_w, mu)
            look_ahead(gradient_at_v, vectors, velocity_v, mu)
        passed = forward(
            examples, rows, gradient_at_w, gradient_at_v, running, activation_code, remedies
        )
        weight_gradients, vector_gradients = backward(
            examples,
            rows,
            passed,
            gradient_at_w,
            gradient_at_v,
            activation_code,
            remedies,
            decay,
            mean_bias_gradients,
        )
        factor = clip_factor(weight_gradients, vector_gradients, remedies.clip_threshold)
        t += 1
        optimiser_step(
            optimiser, weights, weight_gradients, factor, velocity_w, mean_square_w, mu, t
        )
        optimiser_step(
            optimiser, vectors, vector_gradients, factor, velocity_v, mean_square_v, mu, t
        )
