"""Mini-batch gradient descent with L2 weight decay and, optionally, momentum.

For a mini-batch ``B`` of size ``m`` drawn from a training set of size ``n``, the gradient
of the regularised cost is ``g_W = (1/m) sum_{x in B} dC_x/dW + (lmbda/n) W`` and
``g_b = (1/m) sum_{x in B} dC_x/db`` (biases are not regularised). Then:

    sgd        W <- W - eta g_W = (1 - eta lmbda / n) W - (eta / m) sum dC_x/dW   (the book)
    momentum   v <- mu v - eta g_W(W),          W <- W + v        (classical momentum)
    nesterov   v <- mu v - eta g_W(W + mu v),   W <- W + v        (the gradient at the look-ahead)

and the same for ``b`` with its own velocity. ``mu`` is fixed, or follows Sutskever et
al.'s schedule ``mu_t = min(1 - 2^(-1 - log2(floor(t / 250) + 1)), mu_max)`` over the
update count ``t = 0, 1, ...``. An epoch visits the training rows in the order of a fresh
permutation, in consecutive mini-batches (the last one may be smaller).

The chapter's experiment is thousands of tiny steps (5,000 per epoch of 784-30-10), so
from Python an epoch costs its numpy calls, not its arithmetic. The epoch therefore runs
as one compiled loop (numba), cached on disk after its first use, on the inputs' non-zero
entries (``sparse.SparseRows``). Two versions:

* ``_sgd_epoch``, for plain SGD (the book's, and every ``sgd`` variant without clipping,
  residual connections or batch normalisation); see its docstring for what it exploits.
* ``remedies._remedies_epoch`` for every other optimiser and network: momentum, Nesterov,
  Adam, gradient-norm clipping (``Optimiser.clip``), residual connections and batch
  normalisation; its module docstring has their equations.
"""

import math
from dataclasses import dataclass

import numpy as np

from .activations import CODES
from .dense import product
from .kernel_cache import JIT, numba
from .network import Network
from .packed import Packed, bind, matrix_views, pack, vector_views
from .sparse import SparseRows, _row_sums, _subtract_row_products

OPTIMISERS = ("sgd", "momentum", "nesterov", "adam")
SCHEDULE_STEPS = 250  # Sutskever et al.: mu rises every 250 updates


@dataclass(frozen=True)
class Optimiser:
    """The update rule: ``kind`` in OPTIMISERS, momentum ``mu`` (its maximum when
    ``schedule``), whether ``mu`` follows Sutskever et al.'s schedule, and the threshold
    ``clip`` of gradient-norm clipping (None: no clipping; see ``remedies``)."""

    kind: str = "sgd"
    mu: float = 0.9
    schedule: bool = False
    clip: float | None = None

    def __post_init__(self):
        if self.kind not in OPTIMISERS:
            raise ValueError(f"unknown optimiser {self.kind!r}: use one of {', '.join(OPTIMISERS)}")
        if self.clip is not None and not self.clip > 0:
            raise ValueError(f"gradient-norm clipping threshold {self.clip}: use a number > 0")

    @property
    def gradient_at_parameters(self) -> bool:
        """Whether an update's gradient is taken at the parameters before it: for every
        optimiser but nesterov, whose gradient is at the look-ahead ``p + mu v``."""
        return self.kind != "nesterov"


def momentum_at(step: int, mu_max: float, schedule: bool) -> float:
    """``mu`` of update ``step``: ``mu_max``, or Sutskever et al.'s schedule capped at it."""
    if not schedule:
        return mu_max
    return min(1.0 - 2.0 ** (-1.0 - math.log2(step // SCHEDULE_STEPS + 1)), mu_max)


_momentum_at = numba.njit(**JIT)(momentum_at)


@numba.njit(**JIT, inline="always")
def _activate(code, z):
    if code == 0:
        return 1.0 / (1.0 + math.exp(-z))
    if code == 1:
        return math.tanh(z)
    return z if z > 0.0 else 0.0


@numba.njit(**JIT, inline="always")
def _slope(code, a):
    if code == 0:
        return a * (1.0 - a)
    if code == 1:
        return 1.0 - a * a
    return 1.0 if a > 0.0 else 0.0


@numba.njit(**JIT, inline="always")
def _add_bias_and_activate(z, bias, code, rows):
    """``z[i, :] <- phi(z[i, :] + bias)`` in place for the first ``rows`` rows (``phi`` of
    ``code``, as ``_activate``)."""
    for i in range(rows):
        for j in range(z.shape[1]):
            z[i, j] = _activate(code, z[i, j] + bias[j])


@numba.njit(**JIT, inline="always")
def _output_error(delta, output, y, targets):
    """``delta^L = a^L - y`` in place: row ``i`` of ``delta`` is ``output[i] - y[targets[i]]``."""
    for i in range(len(targets)):
        target = y[targets[i]]
        for j in range(output.shape[1]):
            delta[i, j] = output[i, j] - target[j]


@numba.njit(**JIT)
def _sgd_epoch(
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

    The equations of ``remedies._remedies_epoch`` for plain SGD, arranged to skip work
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
      (``sparse._row_sums``, ``sparse._subtract_row_products``): the plain loops'
      operations in the plain loops' order, so the same numbers.
    * The first layer needs no ``delta^0`` (inputs have no parameters). The later layers'
      three products, ``a^{l-1} W^l``, ``delta^l (W^l)^T`` (through a copy of ``W^l``
      transposed) and ``(a^{l-1})^T delta^l``, are ``dense.product``'s: BLAS's numbers, without
      a BLAS call's cost for a mini-batch's small matrices.

    In floating point the results differ from ``_remedies_epoch``'s only by the rounding of
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
            _row_sums(a, i, starts[row], starts[row + 1], columns, values, scale, first)
            code = hidden if n_layers > 1 else 0
            for j in range(width):
                a[i, j] = _activate(code, s * a[i, j] + first_bias[j])
        # forward, later layers
        for layer in range(1, n_layers):
            w, b, a_prev, a = weights[layer], biases[layer], outputs[layer - 1], outputs[layer]
            product(a, size, a_prev, False, w, w.shape[0])
            _add_bias_and_activate(a, b, hidden if layer < n_layers - 1 else 0, size)
        _output_error(errors[n_layers - 1], outputs[n_layers - 1], y, order[start : start + size])
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
                    delta_prev[i, k] *= _slope(hidden, a_prev[i, k])
            for k in range(w.shape[0]):
                for j in range(w.shape[1]):
                    w[k, j] = decay * w[k, j] - step * gradient[k, j]
        # first layer: decay through the scale, gradient on the touched rows only
        s *= decay
        delta, factor = errors[0], step / s
        for i in range(size):
            row = order[start + i]
            first_entry, last_entry = starts[row], starts[row + 1]
            _subtract_row_products(
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


class Trainer:
    """Trains one network in place, epoch after epoch, keeping the optimiser's state
    (velocities or Adam's moments, number of updates so far) between epochs."""

    def __init__(self, net: Network, optimiser: Optimiser = Optimiser()):
        net.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in net.weights]
        net.biases = [np.ascontiguousarray(b, dtype=np.float64) for b in net.biases]
        self.net, self.optimiser, self.updates = net, optimiser, 0
        self._work_space = None  # _sgd_epoch's, for one mini-batch size
        self._bound = (None,) * 4  # packed.Bound of packed_parameters
        self.remedy_state = None  # remedies.RemedyState, made by the first epoch that needs it

    def packed_parameters(self) -> tuple[Packed, Packed, Packed, Packed]:
        """The network's weights; its vectors (biases, then batch normalisation's scales);
        batch normalisation's running means; its running variances: each one ``Packed``
        whose views are the network's arrays (``packed.bind``), so a loop that trains them
        trains the network, with nothing to copy back. Packed again only after the network's
        arrays were replaced."""
        net, norm = self.net, self.net.batch_norm
        lists = (
            [net.weights],
            [net.biases, norm.scales if norm else []],
            [norm.running_mean if norm else []],
            [norm.running_var if norm else []],
        )
        self._bound = tuple(bind(held, bound) for held, bound in zip(lists, self._bound))
        return tuple(bound.packed for bound in self._bound)

    def plain_sgd(self, n: int, eta: float, lmbda: float) -> bool:
        """Whether an epoch over ``n`` rows runs ``_sgd_epoch``: plain SGD whose decay
        ``1 - eta lmbda / n`` is positive (the scale ``s`` must stay positive)."""
        optimiser, net = self.optimiser, self.net
        plain = optimiser.kind == "sgd" and optimiser.clip is None
        return plain and not net.residual and not net.batch_norm and eta * lmbda < n

    def epoch(
        self,
        x: "np.ndarray | SparseRows",
        y: np.ndarray,
        order: np.ndarray,
        *,
        mini_batch_size: int,
        eta: float,
        lmbda: float,
    ) -> list[np.ndarray]:
        """One epoch over the rows ``x[order]`` with targets ``y[order]``. ``x`` may be float,
        uint8 pixels (``network.as_inputs``), or ``SparseRows`` of either (made once for many
        epochs over the same rows); rows are turned into float64 inputs as they are used.

        Returns ``(1/m) sum_x dC_x/db^l`` for every layer over the last mini-batch, at the
        parameters its gradient was taken at: those before its update, but for nesterov
        (``Optimiser.gradient_at_parameters``). With one mini-batch per epoch these are the
        mean bias gradients of the whole set at the epoch's starting parameters.
        """
        y = np.ascontiguousarray(y, dtype=np.float64)
        # the types the loops are compiled for (``precompile``), whatever the config's YAML held
        mini_batch_size, eta, lmbda = int(mini_batch_size), float(eta), float(lmbda)
        order = np.asarray(order, dtype=np.int64)
        first_step = self.updates
        self.updates += math.ceil(len(x) / mini_batch_size)
        rows = x if isinstance(x, SparseRows) else SparseRows(x)
        if not self.plain_sgd(len(x), eta, lmbda):
            from .remedies import remedies_epoch

            return remedies_epoch(self, rows, y, order, first_step, mini_batch_size, eta, lmbda)
        m = min(mini_batch_size, len(x))
        if self._work_space is None or self._work_space[0].shapes[0, 0] != m:
            batch = [(m, len(b)) for b in self.net.biases]  # outputs and errors
            later = [w.shape if layer else (0, 0) for layer, w in enumerate(self.net.weights)]
            shapes = (batch, batch, later, [shape[::-1] for shape in later])  # sums, transposes
            self._work_space = tuple(pack([np.empty(s) for s in kind]) for kind in shapes)
        weights, biases = self.packed_parameters()[:2]  # no scales: no batch normalisation
        gradients = [np.empty_like(b) for b in self.net.biases]
        packed_gradients = bind([gradients]).packed
        _sgd_epoch(
            rows.starts,
            rows.columns,
            rows.values,
            rows.scale,
            y,
            order,
            weights,
            biases,
            CODES[self.net.activation],
            mini_batch_size,
            eta,
            lmbda,
            packed_gradients,
            *self._work_space,
        )
        return gradients
