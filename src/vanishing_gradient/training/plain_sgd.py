"""The book's plain SGD as one compiled loop per epoch, on the inputs' non-zero entries.

The chapter's experiment is thousands of tiny steps (5,000 per epoch of 784-30-10), so
from Python an epoch costs its numpy calls, not its arithmetic. The epoch therefore runs
as one compiled loop (numba), cached on disk after its first use, on the inputs' non-zero
entries (``kernels.sparse.SparseRows``). ``plain_sgd_epoch`` runs plain SGD (the book's,
and every ``sgd`` variant without clipping, residual connections or batch normalisation);
``general.general_epoch`` runs every other optimiser and network. The update is
``model.optimisers``' ``sgd``: ``W <- (1 - eta lmbda / n) W - (eta / m) sum_x dC_x/dW``.
"""

from .kernels.cache import JIT, numba
from .kernels.dense import product
from .kernels.packed import matrix_views, vector_views
from .kernels.sparse import row_sums, subtract_row_products
from .steps import OUTPUT_CODE, activate, add_bias_and_activate, slope


@numba.njit(**JIT, inline="always")
def output_error(delta, output, y, targets):
    """``delta^L = a^L - y`` in place: row ``i`` of ``delta`` is ``output[i] - y[targets[i]]``."""
    for i in range(len(targets)):
        target = y[targets[i]]
        for j in range(output.shape[1]):
            delta[i, j] = output[i, j] - target[j]


@numba.njit(**JIT)
def plain_sgd_epoch(
    starts,
    columns,
    values,
    scale,
    y,
    order,
    packed_weights,
    packed_biases,
    hidden,
    mini_batch_size,
    eta,
    lmbda,
    packed_mean_bias_gradients,
    packed_outputs,
    packed_errors,
    packed_sums,
    packed_transposes,
):  # pragma: no cover - compiled; the tests compare it with the per-example reference
    """Plain SGD over the rows ``order`` (the book's update of the module docstring), on
    inputs given by their non-zero entries; on return ``mean_bias_gradients[l]`` holds
    ``(1/m) sum_x delta^{l+1}_x`` of the last mini-batch, at the weights before its update.
    ``outputs`` and ``errors`` (``(m, n_l)`` per layer), ``sums`` (shaped as the weights) and
    ``transposes`` (shaped as their transposes) are work space, kept by the caller between
    epochs. Every list of arrays comes
    ``packed.Packed``, one type for every depth (so one compilation), updated in place.

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
    outputs, errors = matrix_views(packed_outputs), matrix_views(packed_errors)
    sums, transposes = matrix_views(packed_sums), matrix_views(packed_transposes)
    n = len(starts) - 1
    n_layers = len(weights)
    decay = 1.0 - eta * lmbda / n
    first, first_bias = weights[0], biases[0]
    width = first.shape[1]
    s = 1.0
    for start in range(0, n, mini_batch_size):
        size = min(mini_batch_size, n - start)
        # forward, first layer: only the non-zero inputs
        a = outputs[0]
        for i in range(size):
            row = order[start + i]
            row_sums(a, i, starts[row], starts[row + 1], columns, values, scale, first)
            code = hidden if n_layers > 1 else OUTPUT_CODE
            for j in range(width):
                a[i, j] = activate(code, s * a[i, j] + first_bias[j])
        # forward, later layers
        for layer in range(1, n_layers):
            w, b, a_prev, a = weights[layer], biases[layer], outputs[layer - 1], outputs[layer]
            product(a, size, a_prev, False, w, w.shape[0])
            add_bias_and_activate(a, b, hidden if layer < n_layers - 1 else OUTPUT_CODE, size)
        output_error(errors[n_layers - 1], outputs[n_layers - 1], y, order[start : start + size])
        step = eta / size
        # backward: delta^{l-1} from the old W^l, then W^l and b^l updated
        for layer in range(n_layers - 1, -1, -1):
            w, b, delta = weights[layer], biases[layer], errors[layer]
            gradient_b = mean_bias_gradients[layer]
            gradient_b[:] = 0.0
            for i in range(size):
                for j in range(b.shape[0]):
                    gradient_b[j] += delta[i, j]
            for j in range(b.shape[0]):
                b[j] -= step * gradient_b[j]
                gradient_b[j] /= size
            if layer == 0:
                break
            a_prev, delta_prev, gradient = outputs[layer - 1], errors[layer - 1], sums[layer]
            transposed = transposes[layer]
            for k in range(w.shape[0]):
                for j in range(w.shape[1]):
                    transposed[j, k] = w[k, j]
            product(delta_prev, size, delta, False, transposed, w.shape[1])
            product(gradient, w.shape[0], a_prev, True, delta, size)
            for i in range(size):
                for k in range(w.shape[0]):
                    delta_prev[i, k] *= slope(hidden, a_prev[i, k])
            for k in range(w.shape[0]):
                for j in range(w.shape[1]):
                    w[k, j] = decay * w[k, j] - step * gradient[k, j]
        # first layer: decay through the scale, gradient on the touched rows only
        s *= decay
        delta, factor = errors[0], step / s
        for i in range(size):
            row = order[start + i]
            first_entry, last_entry = starts[row], starts[row + 1]
            subtract_row_products(
                first, i, first_entry, last_entry, columns, values, scale, factor, delta
            )
        if s < 1e-30:
            for p in range(first.shape[0]):
                for j in range(width):
                    first[p, j] *= s
            s = 1.0
    for p in range(first.shape[0]):
        for j in range(width):
            first[p, j] *= s
