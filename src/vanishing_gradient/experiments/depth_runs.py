"""The depth sweep's runs: for one variant and seed, networks of every configured number of
hidden layers, each trained by protocol B and by a short protocol A in one process.

A network of ``H`` hidden layers of width ``n`` is ``784-n-...-n-10`` (``sweep_architecture``);
each depth is its own run, drawn from the seed by ``protocols.start_network`` exactly as a
chapter or ablation run of that architecture would be, so depth ``H`` of seed ``s`` here is
the network the ablation trains for that architecture and seed.

Beside the speeds of learning, the backward factors of every network are measured at
initialisation on protocol B's training images (``backward_factors``): the layers' Jacobians,
whose entries in a plain layer are what the chain of single neurons (``chain.py``) calls its
factor ``|w sigma'(z)|``, in a layer of width n.

This module imports neither pandas nor scipy, so a training job stays light.
"""

import numpy as np

from ..model.activations import slope
from ..model.identity import run_identity
from ..model.network import Network, as_inputs, forward_pass, mean_bias_gradients, one_hot
from .protocols import (
    Protocol,
    Table,
    Variant,
    check_finite,
    hidden_layer_speeds,
    run_speed_protocol,
    speed_rows,
    start_network,
)
from ..training.kernels.sparse import SparseRows

INPUTS, OUTPUTS = 784, 10  # MNIST pixels, digits


def sweep_architecture(hidden_layers: int, width: int) -> str:
    """``"784-30-30-10"`` for 2 hidden layers of width 30."""
    if hidden_layers < 1 or width < 1:
        raise ValueError(
            f"a depth-sweep network needs at least one hidden layer of at least one unit; "
            f"got {hidden_layers} hidden layers of width {width}"
        )
    return "-".join(str(n) for n in (INPUTS, *[width] * hidden_layers, OUTPUTS))


def backward_factors(net: Network, x: np.ndarray) -> list[dict]:
    """The factors backpropagation multiplies the gradient by, layer to layer, at the
    network's current parameters, on the inputs ``x`` (one image per row).

    Per image and hidden layer ``l = 2 .. H`` (the layers a gradient crosses from the last
    hidden layer ``H`` down to the first), the layer's Jacobian ``J^l_{kj} = da^l_j /
    da^{l-1}_k`` carries ``e^l = dC/da^l`` down as ``e^{l-1} = J^l e^l``
    (``network.py``'s backward pass). With ``phi'`` taken at the units' output
    (``activations.slope`` of ``h^l = phi(u^l)``)::

        J^l_{kj} = W^l_{kj} g^l_j phi'(u^l_j) + [residual layer] [k = j]

    where ``g^l_j = gamma^l_j / sqrt(var^l_j + eps)`` with batch normalisation (in training
    mode, its batch statistics ``var`` those of ``x``, held fixed: the Jacobian's
    per-example part; the terms through the batch mean and variance couple the images
    and are of order 1/m) and 1 without. A plain layer's ``W_{kj} phi'(u_j)`` is the
    single-neuron chain's factor ``w_{j+1} sigma'(z_{j+1})`` (``chain.py``), one unit pair
    at a time; the identity's 1 is that of a residual chain ``a_{j+1} = a_j + sigma(z)``.

    With ``m`` images, ``n_{l-1}`` and ``n_l`` units:

        mean_abs_factor   = (1 / (m n_{l-1} n_l)) sum_{x,k,j} |J^l_{kj}(x)|
        mean_log10_factor = (1 / (m n_{l-1} n_l)) sum_{x,k,j} log10 |J^l_{kj}(x)|
        rms_factor        = sqrt( (1 / (m n_l)) sum_x sum_{k,j} J^l_{kj}(x)^2 )

    The first is the chain's mean |w sigma'(z)|, the second the log of its geometric mean
    (``-inf`` where a factor is 0: an inactive ReLU unit or a zero weight), which is what
    adds up along the layers. The third counts the width: if the ``e^l_j`` are
    uncorrelated with equal variance, ``E||e^{l-1}||^2 / ||e^l||^2`` is its square, so it
    predicts how much the gradient shrinks per layer in a network of this width, where the
    chain's factor describes one path through it. Over a run of layers the speeds
    ``||delta^l|| = ||phi'(u^l) e^l||`` shrink as the ``e^l``, up to the two end layers'
    ``phi'``. Rows: ``layer`` (= l), ``mean_abs_factor``, ``mean_log10_factor``,
    ``rms_factor``; none for one hidden layer.
    """
    state = forward_pass(net, as_inputs(x), training=True)
    rows = []
    for layer in range(2, len(net.weights)):  # hidden layers 2 .. H; weights[L-1] is the output's
        gain = slope(net.activation, state.units[layer - 1])  # phi'(u^l), (m, n_l)
        if net.batch_norm is not None:
            gain = gain * net.batch_norm.scales[layer - 1] * state.inverse_std[layer - 1]
        jacobian = net.weights[layer - 1] * gain[:, np.newaxis, :]  # (m, n_{l-1}, n_l)
        if net.skips(layer):
            jacobian += np.eye(jacobian.shape[1])
        magnitude = np.abs(jacobian)
        with np.errstate(divide="ignore"):
            mean_log10 = float(np.mean(np.log10(magnitude)))
        rows.append(
            {
                "layer": layer,
                "mean_abs_factor": float(magnitude.mean()),
                "mean_log10_factor": mean_log10,
                "rms_factor": float(
                    np.sqrt(np.sum(jacobian**2) / (len(jacobian) * jacobian.shape[2]))
                ),
            }
        )
    return rows


def probed_training(
    architecture: str,
    seed: int,
    data: dict[str, np.ndarray],
    protocol: Protocol,
    *,
    probe_size: int,
    variant: Variant,
) -> Table:
    """Protocol A's training, with its speeds of learning alone: the speed_of_learning rows
    ``protocol, architecture, seed, epoch, layer, grad_norm`` of ``||dC/db^l||`` averaged over
    the probe set (the first ``probe_size`` training images) at initialisation (epoch 0) and
    after every epoch.

    The network, its trainer and the permutation of every epoch come from the seed as in
    ``protocols.run_accuracy_protocol``, and nothing else is drawn, so the rows are that
    function's ``speed_rows`` (tested); the validation and test accuracies and the costs it
    also measures, most of a short run's time, are not computed.
    """
    net, trainer, rng = start_network(architecture, seed, variant)
    run = variant.run_label(architecture, seed)
    pixels = data["train_images"][: protocol.training_size]
    rows, y = SparseRows(pixels), one_hot(data["train_labels"][: protocol.training_size])
    x_probe, y_probe = as_inputs(pixels[:probe_size]), y[:probe_size]
    speeds = Table()
    for epoch in range(protocol.epochs + 1):
        if epoch:
            trainer.epoch(
                rows,
                y,
                rng.permutation(len(pixels)),
                mini_batch_size=protocol.mini_batch_size,
                eta=protocol.eta,
                lmbda=protocol.lmbda,
            )
        layer_speeds = hidden_layer_speeds(mean_bias_gradients(net, x_probe, y_probe))
        check_finite(net, {"gradient": sum(layer_speeds)}, run, epoch, protocol.eta)
        speeds += speed_rows("A", architecture, seed, epoch, layer_speeds)
    return speeds


def run_depth_sweep(
    hidden_layers: list[int],
    width: int,
    seed: int,
    data: dict[str, np.ndarray],
    speed: Protocol,
    accuracy: Protocol,
    *,
    probe_size: int,
    variant: Variant,
) -> tuple[Table, Table]:
    """Every depth of the sweep for one variant and seed: ``(speed_rows, factor_rows)``.

    Per number of hidden layers ``H`` in ``hidden_layers``, the network
    ``sweep_architecture(H, width)`` drawn from ``seed`` is trained by protocol B
    (``speed``, ``protocols.run_speed_protocol``) and, drawn again from the same seed, by
    protocol A (``accuracy``; ``probed_training``: its speeds of learning on the first
    ``probe_size`` training images). ``speed_rows`` has both protocols' rows, each led by
    its run's identity columns (``identity.run_identity``: protocol, the variant's columns,
    architecture, seed), then ``epoch, layer, grad_norm``. ``factor_rows`` has
    ``backward_factors`` of each initial network on protocol B's training images, led by the
    identity of its protocol B run.
    """
    speeds, factors = Table(), Table()
    for depth in hidden_layers:
        architecture = sweep_architecture(depth, width)
        identity = {
            protocol: run_identity(protocol, architecture, seed, variant.name)
            for protocol in ("A", "B")
        }
        net, _, _ = start_network(architecture, seed, variant)
        images = data["train_images"][: speed.training_size]
        factors += Table(backward_factors(net, images)).led_by(identity["B"])
        speeds += run_speed_protocol(architecture, seed, data, speed, variant).speed_rows.led_by(
            identity["B"]
        )
        speeds += probed_training(
            architecture, seed, data, accuracy, probe_size=probe_size, variant=variant
        ).led_by(identity["A"])
    return speeds, factors
