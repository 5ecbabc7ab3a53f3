"""Protocols A and B on small synthetic data: contracts, reproducibility, divergence."""

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.analysis.tables import RUN_TABLES
from vanishing_gradient.model.identity import variant_columns
from vanishing_gradient.model.initialisers import initialise
from vanishing_gradient.model.network import mean_bias_gradients, one_hot, parse_architecture
from vanishing_gradient.experiments.protocols import (
    Protocol,
    TrainingDiverged,
    Variant,
    run_accuracy_protocol,
    run_speed_protocol,
)
from vanishing_gradient.training.reference import reference_epoch

ARCH = "784-8-6-10"


@pytest.fixture(scope="module")
def data():
    """Digits drawn as noisy class templates, so a network can learn them."""
    rng = np.random.default_rng(0)
    templates = rng.random((10, 784)) < 0.2

    def draw(n):
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        noise = rng.random((n, 784)) < 0.05
        return (np.logical_xor(templates[labels], noise) * 0.9).astype(np.float32), labels

    train, train_labels = draw(300)
    val, val_labels = draw(100)
    test, test_labels = draw(100)
    return {
        "train_images": train,
        "train_labels": train_labels,
        "validation_images": val,
        "validation_labels": val_labels,
        "test_images": test,
        "test_labels": test_labels,
    }


A = Protocol(training_size=300, epochs=4, mini_batch_size=10, eta=2.0, lmbda=1.0)
B = Protocol(training_size=100, epochs=6, mini_batch_size=100, eta=0.1, lmbda=5.0)


def test_accuracy_protocol_records_every_epoch(data):
    run = run_accuracy_protocol(ARCH, 3, data, A, probe_size=50, train_cost_size=100)
    assert list(run.epochs.columns) == [
        "architecture",
        "seed",
        "epoch",
        "val_accuracy",
        "val_cost",
        "train_cost",
        "seconds",
    ]
    assert run.epochs["epoch"].tolist() == [1, 2, 3, 4]
    assert run.epochs["val_accuracy"].between(0, 1).all()
    assert run.epochs["val_accuracy"].iloc[-1] > 0.5, "the network should learn the templates"
    assert run.epochs["train_cost"].iloc[-1] < run.epochs["train_cost"].iloc[0]
    assert list(run.speed.columns) == [
        "protocol",
        "architecture",
        "seed",
        "epoch",
        "layer",
        "grad_norm",
    ]
    assert sorted(run.speed["epoch"].unique()) == [0, 1, 2, 3, 4]
    assert sorted(run.speed["layer"].unique()) == [1, 2]
    assert (run.speed["protocol"] == "A").all()
    assert run.test["test_accuracy"].iloc[0] > 0.5


def test_saturation_rows_are_each_hidden_layers_mean_std_and_98th_percentile(data):
    """At initialisation (epoch 0) the rows describe the network the seed draws, on the
    probe images: the first hidden layer's 50 x 8 and the second's 50 x 6 activations."""
    run = run_accuracy_protocol(ARCH, 3, data, A, probe_size=50, train_cost_size=100)
    # the columns the table checker expects of a run's saturation table
    assert list(run.saturation.columns) == [
        "architecture",
        "seed",
        *RUN_TABLES["saturation"].columns,
    ]
    net = initialise(parse_architecture(ARCH), np.random.default_rng(3))
    a = data["train_images"][:50].astype(np.float64)
    at_start = run.saturation[run.saturation["epoch"] == 0].set_index("layer")
    for layer, (w, b) in enumerate(zip(net.weights[:-1], net.biases[:-1]), start=1):
        a = 1.0 / (1.0 + np.exp(-(a @ w + b)))
        row = at_start.loc[layer]
        assert row["activation_mean"] == pytest.approx(a.mean(), rel=1e-12)
        assert row["activation_std"] == pytest.approx(a.std(), rel=1e-12)
        assert row["activation_p98"] == pytest.approx(np.percentile(a, 98), rel=1e-12)
        # 98 % of the layer's values lie at or below it, and not all of them
        assert 0.98 <= (a <= row["activation_p98"]).mean() < 1.0
    assert (run.saturation["activation_p98"] >= run.saturation["activation_mean"]).all()


def test_same_seed_same_numbers_other_seed_other_numbers(data):
    first = run_accuracy_protocol(ARCH, 3, data, A, probe_size=50, train_cost_size=100)
    again = run_accuracy_protocol(ARCH, 3, data, A, probe_size=50, train_cost_size=100)
    other = run_accuracy_protocol(ARCH, 4, data, A, probe_size=50, train_cost_size=100)
    columns = ["val_accuracy", "val_cost", "train_cost"]
    pd.testing.assert_frame_equal(first.epochs[columns], again.epochs[columns])
    pd.testing.assert_frame_equal(first.speed, again.speed)
    assert not np.allclose(first.epochs["val_cost"], other.epochs["val_cost"])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_names_the_run_and_epoch(data):
    huge = Protocol(training_size=300, epochs=3, mini_batch_size=10, eta=1e308, lmbda=0.0)
    with pytest.raises(TrainingDiverged, match=r"784-8-6-10 seed 3 diverged in epoch 1.*eta"):
        run_accuracy_protocol(ARCH, 3, data, huge, probe_size=50, train_cost_size=100)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_of_a_variant_names_the_variant(data):
    """A chapter run and an ablation run of the same network and seed must not read alike."""
    huge = Protocol(training_size=300, epochs=3, mini_batch_size=10, eta=1e308, lmbda=0.0)
    nesterov = Variant.named("sigmoid-default-nesterov")
    with pytest.raises(
        TrainingDiverged, match=r"784-8-6-10 sigmoid-default-nesterov seed 3 diverged in epoch 1"
    ):
        run_accuracy_protocol(
            ARCH, 3, data, huge, probe_size=50, train_cost_size=100, variant=nesterov
        )


def test_speed_protocol_matches_plain_gradient_descent(data):
    run = run_speed_protocol(ARCH, 5, data, B)
    net = initialise(parse_architecture(ARCH), np.random.default_rng(5))
    x = data["train_images"][:100]
    y = one_hot(data["train_labels"][:100])
    for epoch in range(B.epochs + 1):
        expected = [np.linalg.norm(g) for g in mean_bias_gradients(net, x, y)[:-1]]
        got = run.speed[run.speed["epoch"] == epoch].sort_values("layer")["grad_norm"].to_numpy()
        assert np.allclose(got, expected, rtol=1e-10, atol=0)
        reference_epoch(net, x, y, np.arange(100), mini_batch_size=100, eta=B.eta, lmbda=B.lmbda)


def test_speed_protocol_records_each_neuron_at_initialisation(data):
    run = run_speed_protocol(ARCH, 5, data, B)
    init = run.gradient_at_init
    assert list(init.columns) == ["architecture", "seed", "layer", "neuron", "grad_bias"]
    assert len(init) == 8 + 6
    layer1 = init[init["layer"] == 1]["grad_bias"].to_numpy()
    first_speed = run.speed.query("epoch == 0 and layer == 1")["grad_norm"].iloc[0]
    assert np.linalg.norm(layer1) == pytest.approx(first_speed)


def test_pixels_give_the_numbers_of_their_float_inputs(data):
    """uint8 pixels k train exactly as the float32 inputs k / 256 of the book's loader."""
    rng = np.random.default_rng(1)
    pixels = {k: v for k, v in data.items() if k.endswith("labels")}
    floats = dict(pixels)
    for part in ("train", "validation", "test"):
        pixels[f"{part}_images"] = rng.integers(0, 256, size=data[f"{part}_images"].shape).astype(
            np.uint8
        )
        floats[f"{part}_images"] = pixels[f"{part}_images"].astype(np.float32) / np.float32(256)
    runs = [
        run_accuracy_protocol(ARCH, 3, images, A, probe_size=50, train_cost_size=100)
        for images in (pixels, floats)
    ]
    columns = ["val_accuracy", "val_cost", "train_cost"]
    pd.testing.assert_frame_equal(runs[0].epochs[columns], runs[1].epochs[columns])
    pd.testing.assert_frame_equal(runs[0].speed, runs[1].speed)
    pd.testing.assert_frame_equal(runs[0].test, runs[1].test)
    speed = [run_speed_protocol(ARCH, 5, images, B).speed for images in (pixels, floats)]
    pd.testing.assert_frame_equal(*speed)


@pytest.mark.parametrize(
    "variant, architecture",
    [
        (Variant.named("sigmoid-default-sgd"), ARCH),
        (Variant.named("relu-he-sgd"), ARCH),
        (Variant.named("tanh-default-nesterov", mu=0.9), ARCH),
        (Variant.named("sigmoid-default-momentum", mu=0.9), ARCH),
        (Variant.named("sigmoid-default-adam", eta=0.01), ARCH),
        (Variant.named("sigmoid-default-sgd-batchnorm"), ARCH),
        (Variant.named("sigmoid-default-sgd-residual-batchnorm-clip", clip=0.5), "784-6-6-10"),
        (Variant.named("relu-he-adam-residual-batchnorm", eta=0.01), "784-6-6-10"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_speed_protocol_records_the_speeds_of_its_trajectory(data, variant, architecture):
    """Each epoch's record is mean_bias_gradients at that epoch's weights (training mode: the
    set is one batch), and the weights follow the per-example (per-batch) reference's
    full-batch trajectory, at the variant's own eta (one pass per epoch, or two for nesterov,
    whose update's gradient is not the record's)."""
    run = run_speed_protocol(architecture, 5, data, B, variant=variant)
    net = initialise(
        parse_architecture(architecture),
        np.random.default_rng(5),
        variant.initialiser,
        variant.activation,
        variant.residual,
        variant.batch_norm,
    )
    x = data["train_images"][:100].astype(np.float64)
    y = one_hot(data["train_labels"][:100])
    state = {}
    for epoch in range(B.epochs + 1):
        expected = [np.linalg.norm(g) for g in mean_bias_gradients(net, x, y)[:-1]]
        got = run.speed[run.speed["epoch"] == epoch].sort_values("layer")["grad_norm"].to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=0)
        reference_epoch(
            net,
            x,
            y,
            np.arange(100),
            mini_batch_size=100,
            eta=variant.trains_by(B).eta,
            lmbda=B.lmbda,
            optimiser=variant.optimiser,
            state=state,
            first_update=epoch,
        )


def test_variant_names_parse_into_their_parts():
    assert variant_columns("tanh-glorot-sgd") == {
        "variant": "tanh-glorot-sgd",
        "activation": "tanh",
        "initialiser": "glorot",
        "optimiser": "sgd",
        "residual": False,
        "batch_norm": False,
        "clipping": False,
    }
    parts = variant_columns("relu-he-adam-batchnorm-clip")
    assert (parts["optimiser"], parts["residual"], parts["batch_norm"], parts["clipping"]) == (
        "adam",
        False,
        True,
        True,
    )
    for bad in ["relu-he", "relu-he-sgd-clip-residual", "relu-he-sgd-residual-residual", "a-b-c-d"]:
        with pytest.raises(ValueError, match=f"variant '{bad}' is not named"):
            variant_columns(bad)
    for name in [
        "sigmoid-default-sgd",
        "relu-he-adam-residual-batchnorm",
        "tanh-large-nesterov-clip",
    ]:
        clip = 1.0 if name.endswith("clip") else None
        assert Variant.named(name, clip=clip).name == name
    with pytest.raises(ValueError, match="needs a clipping threshold"):
        Variant.named("sigmoid-default-sgd-clip")
    with pytest.raises(ValueError, match="does not clip"):
        Variant.named("sigmoid-default-sgd", clip=1.0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_accuracy_protocol_trains_a_batch_norm_variant(data):
    """Adam with batch norm and residual connections learns the templates, at its own eta;
    the saturation rows describe the units phi(u), whose sigmoid outputs lie in (0, 1)."""
    variant = Variant.named("sigmoid-default-adam-residual-batchnorm", eta=0.01)
    run = run_accuracy_protocol(
        "784-6-6-10", 3, data, A, probe_size=50, train_cost_size=100, variant=variant
    )
    assert run.epochs["val_accuracy"].iloc[-1] > 0.8
    assert run.saturation["activation_mean"].between(0, 1).all()
    assert sorted(set(run.speed["layer"])) == [1, 2]
    with pytest.raises(TrainingDiverged, match="Lower eta \\(now 1e\\+308\\)"):
        huge = Variant.named("sigmoid-default-adam", eta=1e308)
        run_accuracy_protocol(ARCH, 3, data, A, probe_size=50, train_cost_size=100, variant=huge)
