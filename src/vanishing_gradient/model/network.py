"""A fully connected network with the cross-entropy cost (the book's network2).

The book's network is sigmoid throughout; the hidden layers may also use tanh or ReLU
(``activations.py``), while the output layer stays sigmoid so that costs compare.

Conventions, kept everywhere in this package:

* A batch is a 2-D array of shape ``(m, n)``: one example per **row**.
* Layer ``l = 1 .. L`` has weights ``W[l]`` of shape ``(n_{l-1}, n_l)`` and biases
  ``b[l]`` of shape ``(n_l,)``; in Python they are ``weights[l - 1]``, ``biases[l - 1]``.
* Forward pass::

      a^0 = x,   z^l = a^{l-1} W^l + b^l,   a^l = phi(z^l) (hidden),   a^L = sigmoid(z^L)

* Cross-entropy cost of one example with one-hot target ``y``::

      C_x = -sum_j [ y_j ln a^L_j + (1 - y_j) ln(1 - a^L_j) ]
          =  sum_j [ softplus(z^L_j) - y_j z^L_j ]

  (the second form is the same number, computed without ``log(0)``).
* Backpropagation::

      delta^L = a^L - y
      delta^l = (delta^{l+1} (W^{l+1})^T) * phi'(z^l),   sigmoid' = a (1 - a)
      dC/dW^l = (a^{l-1})^T delta^l,   dC/db^l = sum over rows of delta^l

  summed over the batch.

Two remedies of the last decade change the hidden layers (``l = 1 .. L-1``); the output
layer never changes.

* Residual connections (He et al. 2016), ``Network.residual``: a hidden layer ``l >= 2``
  whose width equals that of hidden layer ``l - 1`` adds its input to its units' output,
  ``a^l = a^{l-1} + phi(u^l)``; other layers (the first hidden layer, whose input is the
  pixels, and any layer that changes width) are as above. Backward, the identity path
  passes the upstream gradient on unchanged::

      e^l = dC/da^l,   e^{L-1} = delta^L (W^L)^T
      delta^l = e^l * phi'(u^l),   e^{l-1} = delta^l (W^l)^T + e^l   (residual layer)

  ``phi'`` is taken from the units' output ``h^l = phi(u^l)``, which with a residual is
  not ``a^l``.
* Batch normalisation (Ioffe & Szegedy 2015), ``Network.batch_norm``: per unit, over the
  ``m`` rows of the batch::

      z = a^{l-1} W^l,   mu = mean(z),   var = mean((z - mu)^2)   (biased: divides by m)
      zh = (z - mu) / sqrt(var + eps),   u^l = gamma^l zh + beta^l,   h^l = phi(u^l)

  with ``eps = BATCH_NORM_EPSILON``. The shift ``beta^l`` takes the place of the bias, so it
  is stored as ``b^l`` (a bias added to ``z`` would be cancelled by ``- mu``): ``dC/db^l =
  dC/dbeta^l`` is still the sum of ``delta^l = dC/du^l``, and the layer's speed of learning
  ``||dC/db^l||`` is ``||dC/dbeta^l||``. The scale ``gamma^l`` starts at 1. Backward, per
  unit, exactly through ``mu`` and ``var``::

      dzh = delta^l gamma,   dz = (m dzh - sum dzh - zh sum(dzh zh)) / (m sqrt(var + eps))
      dC/dgamma^l = sum(delta^l zh),   dC/dW^l = (a^{l-1})^T dz,   e^{l-1} = dz (W^l)^T (+ e^l)

  That is *training mode*, the batch's own statistics: ``deltas``, ``gradients``,
  ``backprop`` and ``mean_bias_gradients`` use it. *Evaluation mode* (``output_logits``,
  ``evaluate``, and ``forward`` unless told otherwise) uses the running statistics
  instead, which the trainer updates after every mini-batch as ``r <- RUNNING_MOMENTUM r +
  (1 - RUNNING_MOMENTUM) s`` for the batch's ``mu`` and biased ``var`` (starting at 0 and 1).
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .activations import activate, sigmoid, slope

PIXEL_SCALE = 1.0 / 256  # an MNIST pixel k in 0..255 is the input k / 256 (the book's loader)
BATCH_NORM_EPSILON = 1e-5  # the eps of sqrt(var + eps), Ioffe & Szegedy's usual value
RUNNING_MOMENTUM = 0.9  # weight of the old running statistic per mini-batch


@dataclass
class BatchNorm:
    """Batch normalisation's own numbers, one array of ``n_l`` per hidden layer ``l``: the
    learned ``scales`` gamma and the running statistics used in evaluation (the shifts beta
    are the network's biases, see the module docstring)."""

    scales: list[np.ndarray]
    running_mean: list[np.ndarray]
    running_var: list[np.ndarray]

    @classmethod
    def fresh(cls, widths: list[int]) -> "BatchNorm":
        """gamma = 1, running mean 0 and variance 1, for hidden layers of ``widths``."""
        return cls(
            [np.ones(n) for n in widths],
            [np.zeros(n) for n in widths],
            [np.ones(n) for n in widths],
        )

    def copy(self) -> "BatchNorm":
        """A deep copy (the scales and both running statistics)."""
        return BatchNorm(
            *(
                [a.copy() for a in arrays]
                for arrays in (self.scales, self.running_mean, self.running_var)
            )
        )


@dataclass
class Network:
    """The parameters of a network: ``weights[i]`` is ``W^{i+1}``, ``biases[i]`` is ``b^{i+1}``;
    ``activation`` is that of the hidden layers; ``residual`` and ``batch_norm`` (None: off)
    are the remedies of the module docstring."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "sigmoid"
    residual: bool = False
    batch_norm: BatchNorm | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_0, n_1, ..., n_L)``, inputs first."""
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    def skips(self, layer: int) -> bool:
        """Whether hidden layer ``layer`` (1-based) adds its input to its output: residual
        connections are on, ``layer >= 2`` and layers ``layer - 1`` and ``layer`` are as wide."""
        sizes = self.sizes
        return self.residual and 2 <= layer < len(sizes) - 1 and sizes[layer - 1] == sizes[layer]

    def parameters(self) -> list[np.ndarray]:
        """Every trained array: the weights, the biases, then batch norm's scales."""
        scales = self.batch_norm.scales if self.batch_norm else []
        return [*self.weights, *self.biases, *scales]

    def copy(self) -> "Network":
        """A deep copy, so training one never changes the other."""
        return Network(
            [w.copy() for w in self.weights],
            [b.copy() for b in self.biases],
            self.activation,
            self.residual,
            self.batch_norm.copy() if self.batch_norm else None,
        )


def hidden_layers(architecture: str) -> int:
    """Number of hidden layers of ``"784-30-30-10"`` (here 2)."""
    return architecture.count("-") - 1


def parse_architecture(architecture: str) -> tuple[int, ...]:
    """``"784-30-10"`` -> ``(784, 30, 10)``; raises ValueError on anything else."""
    try:
        sizes = tuple(int(part) for part in architecture.split("-"))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"architecture {architecture!r} is not a list of layer widths such as '784-30-10'"
        )
    return sizes


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """``sigmoid'(z) = sigmoid(z) (1 - sigmoid(z))``; its maximum is ``sigmoid'(0) = 1/4``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def as_inputs(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows of network inputs in float64: uint8 rows are pixel values ``k`` and become
    ``k * PIXEL_SCALE = k / 256``, exactly (a power of two); float rows are widened, exactly.

    Written into ``out`` (float64, of ``x``'s shape) when given: reusing one buffer spares
    the page faults of a fresh large array, which cost more than the conversion.
    """
    if out is None:
        return x * PIXEL_SCALE if x.dtype == np.uint8 else np.asarray(x, dtype=np.float64)
    out[...] = x
    if x.dtype == np.uint8:
        out *= PIXEL_SCALE
    return out


class ForwardPass(NamedTuple):
    """What one forward pass of a batch leaves for the backward pass: ``activations``
    ``[a^0, ..., a^L]``, per hidden layer its units' output ``units[l-1] = h^l = phi(u^l)``
    and, with batch normalisation, ``normalised[l-1] = zh`` and ``inverse_std[l-1] =
    1 / sqrt(var + eps)`` (empty lists otherwise); ``logits`` is ``z^L``."""

    activations: list[np.ndarray]
    units: list[np.ndarray]
    normalised: list[np.ndarray]
    inverse_std: list[np.ndarray]
    logits: np.ndarray


def forward_pass(
    net: Network, a: np.ndarray | None, training: bool, product: np.ndarray | None = None
) -> ForwardPass:
    """The forward pass of the module docstring for float inputs ``a = a^0`` (rows), in
    training mode (batch statistics) or evaluation mode (running statistics). ``product``
    is ``a W^1`` when the caller has formed it (from the non-zero inputs alone); ``a`` is
    then not needed and may be None."""
    activations, units, normalised, inverse_std = [a], [], [], []
    for layer, (w, b) in enumerate(zip(net.weights[:-1], net.biases[:-1]), start=1):
        z = product if layer == 1 and product is not None else a @ w
        if net.batch_norm is None:
            u = z + b
        else:
            norm = net.batch_norm
            if training:
                mean, var = z.mean(axis=0), z.var(axis=0)
            else:
                mean, var = norm.running_mean[layer - 1], norm.running_var[layer - 1]
            inverse = 1.0 / np.sqrt(var + BATCH_NORM_EPSILON)
            normalised.append((z - mean) * inverse)
            inverse_std.append(inverse)
            u = norm.scales[layer - 1] * normalised[-1] + b
        units.append(activate(net.activation, u))
        a = a + units[-1] if net.skips(layer) else units[-1]
        activations.append(a)
    no_hidden_layer = len(net.weights) == 1
    z = product if no_hidden_layer and product is not None else a @ net.weights[-1]
    logits = z + net.biases[-1]
    activations.append(sigmoid(logits))
    return ForwardPass(activations, units, normalised, inverse_std, logits)


def forward(net: Network, x: np.ndarray, training: bool = False) -> list[np.ndarray]:
    """Activations ``[a^0, a^1, ..., a^L]`` of a batch ``x`` of shape ``(m, n_0)``
    (``a^0 = as_inputs(x)``), in evaluation mode unless ``training``."""
    return forward_pass(net, as_inputs(x), training).activations


def output_logits(net: Network, x, chunk_rows: int = 1024) -> np.ndarray:
    """``z^L`` of a batch in evaluation mode: the output layer's weighted input, shape
    ``(m, n_L)``.

    ``x`` is rows of inputs (``as_inputs``), or rows that form their own product ``x W^1``
    with the first layer's weights (``sparse.SparseRows``, over their non-zero inputs only).
    Dense rows are processed ``chunk_rows`` at a time, so a set of pixels is turned into
    float64 inputs a cache-sized chunk at a time, never whole, in one buffer (in evaluation
    mode every row's output depends on that row alone).
    """
    if hasattr(x, "product"):
        return forward_pass(net, None, False, product=x.product(net.weights[0])).logits
    chunks = []
    buffer = np.empty((min(chunk_rows, len(x)), x.shape[1]))
    for start in range(0, len(x), chunk_rows):
        chunk = x[start : start + chunk_rows]
        a = as_inputs(chunk, buffer[: len(chunk)])
        chunks.append(forward_pass(net, a, training=False).logits)
    return np.concatenate(chunks)


def cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """Mean over rows of ``C_x = sum_j softplus(z_j) - y_j z_j`` (the cross-entropy of
    ``sigmoid(z)``)."""
    return float(np.mean(np.sum(np.logaddexp(0.0, z_out) - y * z_out, axis=1)))


def evaluate(
    net: Network, x: np.ndarray, labels: np.ndarray, lmbda: float, n: int | None = None
) -> tuple[float, float]:
    """``(accuracy, total cost)`` of the rows ``x`` (as ``output_logits`` takes them) whose
    digits are ``labels``, from one forward pass.

    Accuracy is the fraction of rows whose largest output is the true digit; the total
    cost is the book's ``total_cost``: the mean cross-entropy over the rows plus the L2
    term ``(lmbda / 2n) sum_l ||W^l||_F^2``, where ``n`` is the number of rows unless
    given (the training-set size, when ``x`` is a sample of the training set).
    """
    n = len(x) if n is None else n
    z_out = output_logits(net, x)
    correct = float(np.mean(np.argmax(z_out, axis=1) == labels))
    l2 = sum(float(np.sum(w * w)) for w in net.weights)
    cost = cross_entropy(z_out, one_hot(labels, z_out.shape[1])) + 0.5 * lmbda / n * l2
    return correct, cost


def deltas(net: Network, x: np.ndarray, y: np.ndarray) -> tuple[ForwardPass, list[np.ndarray]]:
    """``(the training-mode forward pass, [delta^1, ..., delta^L])`` of a batch, where
    ``delta^l = dC/du^l`` by the backward recursion of the module docstring (one row per
    example; ``u^l = z^l`` without batch normalisation)."""
    return _backward(net, forward_pass(net, as_inputs(x), training=True), y)[:2]


def _backward(
    net: Network, state: ForwardPass, y: np.ndarray
) -> tuple[ForwardPass, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """``(state, [delta^l], [dC/dz^l], [dC/dgamma^l])``: the backward pass of the module
    docstring from the training-mode forward pass ``state``; ``dC/dz^l`` is ``delta^l``
    without batch normalisation, and the last list is empty."""
    delta = state.activations[-1] - y
    layer_deltas, z_deltas, scale_gradients = [delta], [delta], []
    upstream = delta @ net.weights[-1].T  # e^{L-1}
    for layer in range(len(net.weights) - 1, 0, -1):
        delta = upstream * slope(net.activation, state.units[layer - 1])
        dz = delta
        if net.batch_norm is not None:
            zh, inverse = state.normalised[layer - 1], state.inverse_std[layer - 1]
            dzh = delta * net.batch_norm.scales[layer - 1]
            m = len(dzh)
            dz = inverse / m * (m * dzh - dzh.sum(axis=0) - zh * (dzh * zh).sum(axis=0))
            scale_gradients.append((delta * zh).sum(axis=0))
        layer_deltas.append(delta)
        z_deltas.append(dz)
        if layer > 1:
            below = dz @ net.weights[layer - 1].T
            upstream = below + upstream if net.skips(layer) else below
    return state, layer_deltas[::-1], z_deltas[::-1], scale_gradients[::-1]


class Gradients(NamedTuple):
    """``dC/dW^l``, ``dC/db^l`` for ``l = 1 .. L`` and, with batch normalisation,
    ``dC/dgamma^l`` for the hidden layers (else empty), of ``C = sum_x C_x`` over a batch."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    scales: list[np.ndarray]


def gradients(net: Network, x: np.ndarray, y: np.ndarray) -> Gradients:
    """The gradients of the summed cost of the batch ``x`` in training mode:
    ``(a^{l-1})^T dC/dz^l``, the column sums of ``delta^l``, and ``sum(delta^l zh^l)``."""
    state, layer_deltas, z_deltas, scale_gradients = _backward(
        net, forward_pass(net, as_inputs(x), training=True), y
    )
    grads_w = [a.T @ d for a, d in zip(state.activations[:-1], z_deltas)]
    return Gradients(grads_w, [d.sum(axis=0) for d in layer_deltas], scale_gradients)


def backprop(
    net: Network, x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Gradients ``(dC/dW^l, dC/db^l)`` for ``l = 1 .. L`` of ``C = sum_x C_x`` over the batch
    (summed, not averaged; see ``gradients``, which also gives batch norm's scales)."""
    grads = gradients(net, x, y)
    return grads.weights, grads.biases


def training_cost(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    """``C = sum_x C_x`` of the batch in training mode (batch statistics), without the L2
    term: the function whose gradient ``gradients`` gives."""
    logits = forward_pass(net, as_inputs(x), training=True).logits
    return cross_entropy(logits, y) * len(x)


def mean_bias_gradients(net: Network, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """``dC/db^l`` averaged over the rows of ``x`` (training mode: the rows are one batch),
    for every layer ``l = 1 .. L`` (no weight gradients are formed).

    Its Euclidean norm for a hidden layer is the book's "speed of learning" of that layer.
    Biases are not regularised, so the L2 term does not enter.
    """
    return [d.mean(axis=0) for d in deltas(net, x, y)[1]]


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Rows ``e_label`` of the identity: shape ``(len(labels), classes)``, float64."""
    return np.eye(classes)[labels]
