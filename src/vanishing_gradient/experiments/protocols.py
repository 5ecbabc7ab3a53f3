"""The chapter's two training protocols, one run (architecture x seed) at a time.

Protocol A (accuracy): mini-batch SGD on the training split; after every epoch the
validation accuracy and cost, the training cost on the first ``train_cost_size``
training images, and the speed of learning of every hidden layer on a fixed probe set
(the first ``probe_size`` training images).

Protocol B (speed of learning): the book's experiment, full-batch gradient descent on
the first ``training_size`` training images; before every update, the norm
``||dC/db^l||`` of the bias gradient averaged over those images, per hidden layer.

Protocol A also records, per hidden layer on the probe set, the mean, the standard
deviation and the 98th percentile of the activations and the fraction of saturated units
(Glorot & Bengio's Figures 2 and 3).
Both protocols run the book's network by default, or a ``Variant`` of it.

With batch normalisation the accuracies and costs are measured in evaluation mode
(running statistics), while the probe's speed of learning and saturation, like protocol
B's record, are measured in training mode with the probe set as one batch of its 1,000
images: the gradient they report is then the one training follows (protocol B's full
batch of 1,000 is its one mini-batch, so its record is exactly the gradient of its
update), and at initialisation the running statistics do not yet describe the network.
With residual connections a hidden layer's activations and saturation are those of its
units, ``phi(u^l)``, not of the sum ``a^l = a^{l-1} + phi(u^l)`` it passes on.

Randomness comes only from ``numpy.random.default_rng(seed)``: it draws the initial
network, then the permutation of every epoch, so a seed fixes the whole run.
"""

import csv
import logging
from dataclasses import dataclass, replace

import numpy as np

from ..model.activations import saturated
from ..model.identity import variant_columns, variant_name
from ..model.initialisers import initialise
from ..model.network import (
    Network,
    as_inputs,
    deltas,
    evaluate,
    mean_bias_gradients,
    one_hot,
    parse_architecture,
)
from ..model.optimisers import Optimiser
from ..training.trainer import Trainer
from ..training.kernels.sparse import SparseRows
from .stopwatch import Stopwatch

log = logging.getLogger(__name__)


class TrainingDiverged(RuntimeError):
    """A run produced a non-finite cost or parameter in epoch ``epoch``."""

    def __init__(self, message: str, epoch: int):
        super().__init__(message)
        self.epoch = epoch


@dataclass(frozen=True)
class Variant:
    """What the ablation varies: the hidden layers' activation, the initialisation, the
    optimiser (with its clipping threshold, if any), residual connections, batch
    normalisation, and the learning rate ``eta`` when it is not the protocol's (Adam's).
    The default is the book's network trained by the book's SGD."""

    activation: str = "sigmoid"
    initialiser: str = "default"
    optimiser: Optimiser = Optimiser()
    residual: bool = False
    batch_norm: bool = False
    eta: float | None = None

    @classmethod
    def named(
        cls,
        name: str,
        mu: float = 0.9,
        schedule: bool = False,
        eta: float | None = None,
        clip: float | None = None,
    ) -> "Variant":
        """The variant named as in ``identity`` (e.g. ``"tanh-glorot-sgd"``,
        ``"relu-he-adam-residual-batchnorm"``); a name ending in ``clip`` needs the
        threshold ``clip``, which no other name takes."""
        parts = variant_columns(name)
        if parts["clipping"] != (clip is not None):
            raise ValueError(
                f"variant {name!r} "
                + ("needs a clipping threshold" if clip is None else f"does not clip, got {clip}")
            )
        optimiser = Optimiser(parts["optimiser"], mu, schedule, clip)
        return cls(
            parts["activation"],
            parts["initialiser"],
            optimiser,
            parts["residual"],
            parts["batch_norm"],
            eta,
        )

    @property
    def name(self) -> str:
        """The variant's name (``identity.variant_name``), the inverse of ``named``."""
        return variant_name(
            self.activation,
            self.initialiser,
            self.optimiser.kind,
            residual=self.residual,
            batch_norm=self.batch_norm,
            clipping=self.optimiser.clip is not None,
        )

    def run_label(self, architecture: str, seed: int) -> str:
        """How messages name one run: ``"784-30-10 seed 1"`` for the book's network, with the
        variant's name after the architecture otherwise (``"784-30-10 tanh-glorot-sgd seed 1"``),
        so a chapter run and an ablation run of the same architecture and seed never read alike."""
        variant = "" if self.name == Variant().name else f" {self.name}"
        return f"{architecture}{variant} seed {seed}"

    def trains_by(self, protocol: "Protocol") -> "Protocol":
        """``protocol`` with this variant's ``eta`` in place of its own, if it has one."""
        return protocol if self.eta is None else replace(protocol, eta=self.eta)


@dataclass(frozen=True)
class Protocol:
    """Hyper-parameters of one protocol (the book's values are in config.yaml)."""

    training_size: int
    epochs: int
    mini_batch_size: int
    eta: float
    lmbda: float


class Table(list):
    """Rows of a tidy table, each a dict of column -> value (the first row's keys are the
    columns). Written by ``to_csv`` without pandas, which a training job then never imports;
    ``frame()`` gives the pandas DataFrame."""

    def to_csv(self, path: str) -> None:
        """Write the rows to ``path`` as CSV with a header line (values as ``str`` gives them,
        i.e. floats to their shortest exact representation, as pandas writes them)."""
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(self[0]) if self else [])
            writer.writeheader()
            for row in self:  # numpy floats as Python floats: csv would write their repr
                writer.writerow(
                    {k: float(v) if isinstance(v, float) else v for k, v in row.items()}
                )

    def led_by(self, identity: dict) -> "Table":
        """The rows led by the columns of ``identity`` (name -> the run's value), then each
        row's own other columns; a column of the same name takes the identity's value."""
        return Table({**identity, **row} | identity for row in self)

    def frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self))


@dataclass
class AccuracyRun:
    """What protocol A records for one run; ``.epochs`` etc. are its tables as DataFrames."""

    epoch_rows: Table  # architecture, seed, epoch, val_accuracy, val_cost, train_cost, seconds
    speed_rows: Table  # protocol, architecture, seed, epoch, layer, grad_norm
    # architecture, seed, epoch, layer, activation_mean, activation_std, activation_p98,
    # saturated_fraction
    saturation_rows: Table
    test_rows: Table  # architecture, seed, test_accuracy (after the last epoch)
    # processor seconds spent "training", "measuring" after the epochs, and "measuring_once"
    # (the probe at initialisation and the test)
    cpu_seconds: dict[str, float]

    epochs = property(lambda self: self.epoch_rows.frame())
    speed = property(lambda self: self.speed_rows.frame())
    saturation = property(lambda self: self.saturation_rows.frame())
    test = property(lambda self: self.test_rows.frame())


@dataclass
class SpeedRun:
    """What protocol B records for one run; ``.speed`` etc. are its tables as DataFrames."""

    speed_rows: Table  # protocol, architecture, seed, epoch, layer, grad_norm
    gradient_at_init_rows: Table  # architecture, seed, layer, neuron, grad_bias
    # processor seconds spent "training" (the passes over the data) and "measuring" (the
    # speeds each pass gives)
    cpu_seconds: dict[str, float]

    speed = property(lambda self: self.speed_rows.frame())
    gradient_at_init = property(lambda self: self.gradient_at_init_rows.frame())


def hidden_layer_speeds(grads_b: list[np.ndarray]) -> list[float]:
    """``||dC/db^l||`` for the hidden layers ``l = 1 .. L-1`` (the output layer is left out)."""
    return [float(np.linalg.norm(g)) for g in grads_b[:-1]]


def check_finite(net: Network, values: dict[str, float], run: str, epoch: int, eta: float) -> None:
    """Raise TrainingDiverged naming the run (``Variant.run_label``) and epoch if a value or
    parameter is NaN or infinite."""
    bad = [name for name, value in values.items() if not np.isfinite(value)]
    if not all(np.isfinite(p).all() for p in net.parameters()):
        bad.append("parameters")
    if bad:
        raise TrainingDiverged(
            f"{run} diverged in epoch {epoch}: {', '.join(bad)} not finite. "
            f"Lower eta (now {eta}) or check the data; no result of this run was written.",
            epoch,
        )


def speed_rows(
    protocol: str, architecture: str, seed: int, epoch: int, speeds: list[float]
) -> list[dict]:
    """Tidy rows of the speed_of_learning table for one epoch (layer 1 = first hidden layer)."""
    return [
        {
            "protocol": protocol,
            "architecture": architecture,
            "seed": seed,
            "epoch": epoch,
            "layer": layer,
            "grad_norm": value,
        }
        for layer, value in enumerate(speeds, start=1)
    ]


def saturation_rows(
    activation: str, hidden: list[np.ndarray], architecture: str, seed: int, epoch: int
) -> list[dict]:
    """Per hidden layer ``l`` (``hidden[l - 1]``: its activations on the probe set, one row
    per image): mean, standard deviation and 98th percentile of the activations (over units
    and images), and the fraction of units saturated (``activations.saturated`` of
    ``activation``)."""
    return [
        {
            "architecture": architecture,
            "seed": seed,
            "epoch": epoch,
            "layer": layer,
            "activation_mean": float(a.mean()),
            "activation_std": float(a.std()),
            "activation_p98": float(np.percentile(a, 98)),
            "saturated_fraction": float(saturated(activation, a).mean()),
        }
        for layer, a in enumerate(hidden, start=1)
    ]


def start_network(
    architecture: str, seed: int, variant: Variant
) -> tuple[Network, Trainer, np.random.Generator]:
    """The run's generator, its network drawn from it, and the network's trainer."""
    rng = np.random.default_rng(seed)
    net = initialise(
        parse_architecture(architecture),
        rng,
        variant.initialiser,
        variant.activation,
        variant.residual,
        variant.batch_norm,
    )
    return net, Trainer(net, variant.optimiser), rng


def run_accuracy_protocol(
    architecture: str,
    seed: int,
    data: dict[str, np.ndarray],
    protocol: Protocol,
    *,
    probe_size: int,
    train_cost_size: int,
    variant: Variant = Variant(),
    test: bool = True,
) -> AccuracyRun:
    """Train one network by protocol A and record every epoch (see the module docstring);
    then its accuracy on the test set, unless ``test`` is False (its ``test_rows`` empty)."""
    protocol = variant.trains_by(protocol)
    net, trainer, rng = start_network(architecture, seed, variant)
    run = variant.run_label(architecture, seed)
    x = data["train_images"][: protocol.training_size]
    rows = SparseRows(x)  # once for all epochs
    labels = data["train_labels"][: protocol.training_size]
    y = one_hot(labels)
    # evaluated every epoch: as their non-zero pixels, made once
    x_val, labels_val = SparseRows(data["validation_images"]), data["validation_labels"]
    x_cost, labels_cost = SparseRows(x[:train_cost_size]), labels[:train_cost_size]
    x_probe, y_probe = as_inputs(x[:probe_size]), y[:probe_size]

    def probe(epoch: int) -> None:
        state, layer_deltas = deltas(net, x_probe, y_probe)
        gradients = [d.mean(axis=0) for d in layer_deltas]
        speeds.extend(speed_rows("A", architecture, seed, epoch, hidden_layer_speeds(gradients)))
        hidden = state.units
        saturation.extend(saturation_rows(net.activation, hidden, architecture, seed, epoch))

    epoch_rows, speeds, saturation = Table(), Table(), Table()
    watch = Stopwatch("training", "measuring", "measuring_once")
    with watch.timing("measuring_once"):
        probe(0)
    for epoch in range(1, protocol.epochs + 1):
        with watch.timing("training"):
            trainer.epoch(
                rows,
                y,
                rng.permutation(len(x)),
                mini_batch_size=protocol.mini_batch_size,
                eta=protocol.eta,
                lmbda=protocol.lmbda,
            )
        training_seconds = watch.wall_seconds
        with watch.timing("measuring"):
            val_accuracy, val_cost = evaluate(net, x_val, labels_val, protocol.lmbda)
            _, train_cost = evaluate(net, x_cost, labels_cost, protocol.lmbda, n=len(x))
            check_finite(
                net, {"val_cost": val_cost, "train_cost": train_cost}, run, epoch, protocol.eta
            )
            probe(epoch)
        epoch_rows.append(
            {
                "architecture": architecture,
                "seed": seed,
                "epoch": epoch,
                "val_accuracy": val_accuracy,
                "val_cost": val_cost,
                "train_cost": train_cost,
                "seconds": training_seconds,
            }
        )
        log.info(
            "%s epoch %d/%d: validation accuracy %.2f %%, validation cost %.4f, "
            "training cost %.4f (%.2f s training, %.2f s measuring)",
            run,
            epoch,
            protocol.epochs,
            100 * val_accuracy,
            val_cost,
            train_cost,
            training_seconds,
            watch.wall_seconds,
        )
    test_table = Table()
    if test:
        with watch.timing("measuring_once"):
            accuracy, _ = evaluate(net, data["test_images"], data["test_labels"], protocol.lmbda)
        log.info("%s: test accuracy %.2f %%", run, 100 * accuracy)
        test_table.append({"architecture": architecture, "seed": seed, "test_accuracy": accuracy})
    return AccuracyRun(epoch_rows, speeds, saturation, test_table, watch.cpu_seconds)


def run_speed_protocol(
    architecture: str,
    seed: int,
    data: dict[str, np.ndarray],
    protocol: Protocol,
    variant: Variant = Variant(),
) -> SpeedRun:
    """Train one network by protocol B, recording ``||dC/db^l||`` at epochs 0 .. E.

    Epoch ``e`` holds the gradient at the network's weights before the ``(e+1)``-th
    epoch of updates, so epoch 0 is the network at initialisation and epoch E the
    trained one.
    """
    protocol = variant.trains_by(protocol)
    net, trainer, rng = start_network(architecture, seed, variant)
    run = variant.run_label(architecture, seed)
    pixels = data["train_images"][: protocol.training_size]
    x, rows = as_inputs(pixels), SparseRows(pixels)
    y = one_hot(data["train_labels"][: protocol.training_size])
    # A full-batch update forms, for its gradient, the mean bias gradients of the whole set
    # at the parameters before it: exactly what epoch e records, so one pass serves both
    # (batch normalisation's in training mode, the set being the batch). Nesterov's gradient
    # is at the look-ahead, so its record needs a pass of its own. In one pass the rows are
    # visited in their order, not a drawn permutation: with one batch the order changes only
    # the rounding of its sums, and the generator is used for nothing after the network.
    one_pass = protocol.mini_batch_size >= len(x) and variant.optimiser.gradient_at_parameters

    speeds = Table()
    watch = Stopwatch("training", "measuring")
    for epoch in range(protocol.epochs + 1):
        train = epoch < protocol.epochs
        with watch.timing("training"):
            if one_pass and train:
                mean_grads_b = trainer.epoch(
                    rows,
                    y,
                    np.arange(len(x)),
                    mini_batch_size=len(x),
                    eta=protocol.eta,
                    lmbda=protocol.lmbda,
                )
            else:
                mean_grads_b = mean_bias_gradients(net, x, y)
        with watch.timing("measuring"):
            layer_speeds = hidden_layer_speeds(mean_grads_b)
            check_finite(net, {"gradient": sum(layer_speeds)}, run, epoch, protocol.eta)
            if epoch == 0:
                gradient_at_init = Table(
                    {
                        "architecture": architecture,
                        "seed": seed,
                        "layer": layer,
                        "neuron": neuron,
                        "grad_bias": value,
                    }
                    for layer, g in enumerate(mean_grads_b[:-1], start=1)
                    for neuron, value in enumerate(g)
                )
            speeds += speed_rows("B", architecture, seed, epoch, layer_speeds)
        if epoch % 100 == 0:
            log.info(
                "%s epoch %d/%d: speed of learning per hidden layer %s",
                run,
                epoch,
                protocol.epochs,
                " ".join(f"{v:.3g}" for v in layer_speeds),
            )
        if train and not one_pass:
            with watch.timing("training"):
                trainer.epoch(
                    rows,
                    y,
                    rng.permutation(len(x)),
                    mini_batch_size=protocol.mini_batch_size,
                    eta=protocol.eta,
                    lmbda=protocol.lmbda,
                )
    return SpeedRun(speeds, gradient_at_init, watch.cpu_seconds)
