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
"""

from dataclasses import dataclass

import numpy as np

from .activations import activate, sigmoid, slope

PIXEL_SCALE = 1.0 / 256  # an MNIST pixel k in 0..255 is the input k / 256 (the book's loader)


@dataclass
class Network:
    """The parameters of a network: ``weights[i]`` is ``W^{i+1}``, ``biases[i]`` is ``b^{i+1}``;
    ``activation`` is that of the hidden layers."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "sigmoid"

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_0, n_1, ..., n_L)``, inputs first."""
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    def copy(self) -> "Network":
        """A deep copy, so training one never changes the other."""
        return Network(
            [w.copy() for w in self.weights], [b.copy() for b in self.biases], self.activation
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


def forward(net: Network, x: np.ndarray) -> list[np.ndarray]:
    """Activations ``[a^0, a^1, ..., a^L]`` of a batch ``x`` of shape ``(m, n_0)``
    (``a^0 = as_inputs(x)``)."""
    activations = [as_inputs(x)]
    for w, b in zip(net.weights[:-1], net.biases[:-1]):
        activations.append(activate(net.activation, activations[-1] @ w + b))
    activations.append(sigmoid(activations[-1] @ net.weights[-1] + net.biases[-1]))
    return activations


def output_logits(net: Network, x, chunk_rows: int = 1024) -> np.ndarray:
    """``z^L`` of a batch: the output layer's weighted input, shape ``(m, n_L)``.

    ``x`` is rows of inputs (``as_inputs``), or rows that form their own product ``x W^1``
    with the first layer's weights (``sparse.SparseRows``, over their non-zero inputs only).
    Dense rows are processed ``chunk_rows`` at a time, so a set of pixels is turned into
    float64 inputs a cache-sized chunk at a time, never whole, in one buffer.
    """
    if hasattr(x, "product"):
        return _logits_from_first_product(net, x.product(net.weights[0]))
    chunks = []
    buffer = np.empty((min(chunk_rows, len(x)), x.shape[1]))
    for start in range(0, len(x), chunk_rows):
        chunk = x[start : start + chunk_rows]
        a = as_inputs(chunk, buffer[: len(chunk)])
        chunks.append(_logits_from_first_product(net, a @ net.weights[0]))
    return np.concatenate(chunks)


def _logits_from_first_product(net: Network, product: np.ndarray) -> np.ndarray:
    """``z^L`` from ``x W^1``: ``z^1 = x W^1 + b^1``, then ``z^l = phi(z^{l-1}) W^l + b^l``."""
    z = product + net.biases[0]
    for w, b in zip(net.weights[1:], net.biases[1:]):
        z = activate(net.activation, z) @ w + b
    return z


def cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """Mean over rows of ``C_x = sum_j softplus(z_j) - y_j z_j`` (the cross-entropy of ``sigmoid(z)``)."""
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


def deltas(net: Network, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``([a^0, ..., a^L], [delta^1, ..., delta^L])`` of a batch, by the forward pass and the
    backward recursion of the module docstring (one row per example)."""
    activations = forward(net, x)
    delta = activations[-1] - y
    backward = [delta]
    for layer in range(len(net.weights) - 1, 0, -1):
        delta = (delta @ net.weights[layer].T) * slope(net.activation, activations[layer])
        backward.append(delta)
    return activations, backward[::-1]


def backprop(
    net: Network, x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Gradients ``(dC/dW^l, dC/db^l)`` for ``l = 1 .. L`` of ``C = sum_x C_x`` over the batch:
    ``(a^{l-1})^T delta^l`` and the column sums of ``delta^l`` (summed, not averaged)."""
    activations, layer_deltas = deltas(net, x, y)
    grads_w = [a.T @ d for a, d in zip(activations[:-1], layer_deltas)]
    return grads_w, [d.sum(axis=0) for d in layer_deltas]


def mean_bias_gradients(net: Network, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """``dC/db^l`` averaged over the rows of ``x``, for every layer ``l = 1 .. L`` (no weight
    gradients are formed).

    Its Euclidean norm for a hidden layer is the book's "speed of learning" of that layer.
    Biases are not regularised, so the L2 term does not enter.
    """
    return [d.mean(axis=0) for d in deltas(net, x, y)[1]]


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Rows ``e_label`` of the identity: shape ``(len(labels), classes)``, float64."""
    return np.eye(classes)[labels]
