"""The book's plain SGD as one compiled loop per epoch, on the inputs' non-zero entries.

The chapter's experiment is thousands of tiny steps (5,000 per epoch of 784-30-10), so
from Python an epoch costs its numpy calls, not its arithmetic. The epoch therefore runs
as one compiled loop (numba), cached on disk after its first use, on the inputs' non-zero
entries (``kernels.sparse.SparseRows``). ``plain_sgd_epoch`` runs plain SGD (the book's,
and every ``sgd`` variant without clipping, residual connections or batch normalisation);
``general.general_epoch`` runs every other optimiser and network. The update is
``model.optimisers``' ``sgd``: ``W <- (1 - eta lmbda / n) W - (eta / m) sum_x dC_x/dW``.
"""

from typing import NamedTuple

from .kernels.cache import JIT, numba
from .kernels.dense import product
from .kernels.packed import Packed, matrix_views, vector_views
from .kernels.sparse import row_sums, subtract_row_products
from .steps import OUTPUT_CODE, activate, add_bias_and_activate, slope


class WorkSpace(NamedTuple):
    """``plain_sgd_epoch``'s work space, one array per layer, kept by the caller between
    epochs: ``outputs`` ``a^l`` and ``errors`` ``delta^l`` (``(m, n_l)``), ``sums`` (the weight
    gradients' sums, shaped as ``W^l``) and ``transposes`` (``(W^l)^T``); the first layer's
    ``sums`` and ``transposes`` are unused and empty."""

    outputs: Packed
    errors: Packed
    sums: Packed
    transposes: Packed


@numba.njit(**JIT, inline="always")
def output_error(delta, output, y, targets):
    """``delta^L = a^L - y`` in place: row ``i`` of ``delta`` is ``output[i] - y[targets[i]]``."""
    for i in range(len(targets)):
        target = y[targets[i]]
        for j in range(output.shape[1]):
            delta[i, j] = output[i, j] - target[j]


@numba.njit(**JIT, inline="always")
def first_layer_forward(a, examples, rows, w, bias, s, code):  # pragma: no cover - compiled
    """``a[i, :] <- phi(s (x_i V) + b^1)`` for the examples ``x_i`` of ``rows``, ``x_i V``
    over their non-zero inputs (``sparse.row_sums``), ``V = w``, ``phi`` of ``code``."""
    starts = examples.starts
    for i in range(len(rows)):
        row = rows[i]
        row_sums(
            a, i, starts[row], starts[row + 1], examples.columns, examples.values, examples.scale, w
        )
        for j in range(w.shape[1]):
            a[i, j] = activate(code, s * a[i, j] + bias[j])


@numba.njit(**JIT, inline="always")
def later_layers_forward(weights, biases, outputs, size, activation_code):  # pragma: no cover
    """``a^l = phi(a^{l-1} W^l + b^l)`` for ``l = 2, ..., L`` (the sigmoid at the output)."""
    n_layers = len(weights)
    for layer in range(1, n_layers):
        w, b, a_prev, a = weights[layer], biases[layer], outputs[layer - 1], outputs[layer]
        product(a, size, a_prev, False, w, w.shape[0])
        code = activation_code if layer < n_layers - 1 else OUTPUT_CODE
        add_bias_and_activate(a, b, code, size)


@numba.njit(**JIT, inline="always")
def bias_step(b, delta, size, step, mean_gradient):  # pragma: no cover - compiled
    """``b <- b - (eta/m) sum_x delta_x`` with ``step = eta/m``; ``mean_gradient`` gets
    ``(1/m) sum_x delta_x``."""
    mean_gradient[:] = 0.0
    for i in range(size):
        for j in range(b.shape[0]):
            mean_gradient[j] += delta[i, j]
    for j in range(b.shape[0]):
        b[j] -= step * mean_gradient[j]
        mean_gradient[j] /= size


@numba.njit(**JIT, inline="always")
def later_layer_step(
    w, a_prev, delta, delta_prev, work, size, activation_code, decay, step
):  # pragma: no cover - compiled
    """Layer ``l >= 2`` of a mini-batch of ``size`` rows: ``delta^{l-1} = (delta^l (W^l)^T)
    phi'(a^{l-1})`` from the old ``W^l`` (``phi'`` from the units' output, ``steps.slope``),
    then ``W^l <- decay W^l - step (a^{l-1})^T delta^l``; ``work`` is the layer's pair (sums,
    transposes) of ``WorkSpace``."""
    gradient, transposed = work
    for k in range(w.shape[0]):
        for j in range(w.shape[1]):
            transposed[j, k] = w[k, j]
    product(delta_prev, size, delta, False, transposed, w.shape[1])
    product(gradient, w.shape[0], a_prev, True, delta, size)
    for i in range(size):
        for k in range(w.shape[0]):
            delta_prev[i, k] *= slope(activation_code, a_prev[i, k])
    for k in range(w.shape[0]):
        for j in range(w.shape[1]):
            w[k, j] = decay * w[k, j] - step * gradient[k, j]


@numba.njit(**JIT, inline="always")
def first_layer_step(w, examples, rows, delta, factor):  # pragma: no cover - compiled
    """``V[p, :] -= factor x_p delta^1_x`` for the non-zero inputs ``x_p`` of every example
    ``x`` of ``rows`` (``sparse.subtract_row_products``)."""
    starts = examples.starts
    for i in range(len(rows)):
        row = rows[i]
        subtract_row_products(
            w,
            i,
            starts[row],
            starts[row + 1],
            examples.columns,
            examples.values,
            examples.scale,
            factor,
            delta,
        )


@numba.njit(**JIT, inline="always")
def rescale(w, s):  # pragma: no cover - compiled
    """``w <- s w``, in place."""
    for p in range(w.shape[0]):
        for j in range(w.shape[1]):
            w[p, j] *= s


@numba.njit(**JIT)
def plain_sgd_epoch(
    examples,
    schedule,
    packed_weights,
    packed_biases,
    activation_code,
    eta,
    lmbda,
    packed_mean_bias_gradients,
    work_space,
):  # pragma: no cover - compiled; the tests compare it with the per-example reference
    """Plain SGD over the mini-batches of ``schedule`` (``batches.Schedule``) of the training
    set ``examples`` (``batches.Examples``, the inputs by their non-zero entries), with the
    book's update of the module docstring; ``activation_code`` is the hidden layers'
    activation (``steps.activation_code``). On return ``mean_bias_gradients[l]`` holds
    ``(1/m) sum_x delta^{l+1}_x`` of the last mini-batch, at the weights before its update.
    ``work_space`` is a ``WorkSpace``. Every list of arrays comes ``packed.Packed``, one type
    for every depth (so one compilation), updated in place.

    The equations of ``general.general_epoch`` for plain SGD, arranged to skip work
    whose result is known:

    * First layer, forward: ``z^1_x = sum_p x_p W^1[p, :]`` over the non-zero pixels ``p`` of
      ``x`` only (about 150 of 784 in MNIST): a zero pixel adds exactly ``0``.
    * First layer, update: ``W <- d W - (eta/m) sum_x x^T delta^1_x`` with ``d = 1 - eta
      lmbda / n`` changes every row of ``W^1`` through ``d`` but only the rows of the
      mini-batch's non-zero pixels through the gradient. So ``W^1 = s V`` is kept as a scale
      ``s`` times ``V``: the decay is ``s <- d s`` and the gradient step is
      ``V[p, :] -= (eta / (m s)) x_p delta^1_x`` for the non-zero ``x_p`` alone; then
      ``s V`` is the book's ``d W - (eta/m) G`` exactly in real arithmetic. ``z^1 = s (x V)``.
      ``V`` is folded back (``W = s V``, ``s = 1``) at the end of the epoch, or earlier if
      ``s`` falls below 1e-30, so the epoch leaves ``W^1`` itself.
    * Both first-layer loops keep ``LANES`` columns of a row in vector registers
      (``sparse.row_sums``, ``sparse.subtract_row_products``): the plain loops'
      operations in the plain loops' order, so the same numbers.
    * The first layer needs no ``delta^0`` (inputs have no parameters). The later layers'
      three products, ``a^{l-1} W^l``, ``delta^l (W^l)^T`` (through a copy of ``W^l``
      transposed) and ``(a^{l-1})^T delta^l``, are ``dense.product``'s: BLAS's numbers, without
      a BLAS call's cost for a mini-batch's small matrices.

    In floating point the results differ from ``general_epoch``'s only by the rounding of
    sums taken in another order and of the scale ``s``: relative 1e-16 per operation,
    which the tests bound against the per-example reference at 1e-10.
    """
    weights, biases = matrix_views(packed_weights), vector_views(packed_biases)
    mean_bias_gradients = vector_views(packed_mean_bias_gradients)
    outputs, errors = matrix_views(work_space.outputs), matrix_views(work_space.errors)
    sums, transposes = matrix_views(work_space.sums), matrix_views(work_space.transposes)
    order, n = schedule.order, len(examples.starts) - 1
    n_layers = len(weights)
    decay = 1.0 - eta * lmbda / n
    first_weights, first_biases = weights[0], biases[0]
    first_code = activation_code if n_layers > 1 else OUTPUT_CODE
    s = 1.0
    for start in range(0, n, schedule.mini_batch_size):
        rows = order[start : start + schedule.mini_batch_size]
        size = len(rows)
        first_layer_forward(outputs[0], examples, rows, first_weights, first_biases, s, first_code)
        later_layers_forward(weights, biases, outputs, size, activation_code)
        output_error(errors[n_layers - 1], outputs[n_layers - 1], examples.targets, rows)
        step = eta / size
        # backward: delta^{l-1} from the old W^l, then W^l and b^l updated
        for layer in range(n_layers - 1, -1, -1):
            bias_step(biases[layer], errors[layer], size, step, mean_bias_gradients[layer])
            if layer > 0:
                work = (sums[layer], transposes[layer])
                a_prev, delta_prev = outputs[layer - 1], errors[layer - 1]
                w = weights[layer]
                later_layer_step(
                    w, a_prev, errors[layer], delta_prev, work, size, activation_code, decay, step
                )
        # first layer: decay through the scale, gradient on the touched rows only
        s *= decay
        first_layer_step(first_weights, examples, rows, errors[0], step / s)
        if s < 1e-30:
            rescale(first_weights, s)
            s = 1.0
    rescale(first_weights, s)
