"""Activations, initialisations and optimisers beyond the book, against plain references, in
the combinations the common checks of every entry (tests/test_ingredients.py) leave out."""

import numpy as np
import pytest

from vanishing_gradient.model.activations import saturated
from vanishing_gradient.model.initialisers import SPARSE_INPUTS, initialise
from vanishing_gradient.model.network import as_inputs, gradients, mean_bias_gradients, one_hot
from vanishing_gradient.model.optimisers import Optimiser, momentum_at
from vanishing_gradient.training.reference import reference_epoch
from vanishing_gradient.training.trainer import Trainer


def small_problem(activation: str, scheme: str = "default"):
    rng = np.random.default_rng(11)
    net = initialise((12, 7, 6, 4), rng, scheme, activation)
    x = rng.random((9, 12))
    y = one_hot(rng.integers(0, 4, size=9), classes=4)
    return net, x, y


def test_saturation_is_a_small_derivative():
    assert saturated("sigmoid", np.array([0.001, 0.5, 0.999])).tolist() == [True, False, True]
    assert saturated("tanh", np.array([-0.99, 0.0, 0.9])).tolist() == [True, False, False]
    assert saturated("relu", np.array([0.0, 0.1])).tolist() == [True, False]


def test_initialisers_follow_their_formulas():
    rng = np.random.default_rng(0)
    glorot = initialise((400, 300, 10), rng, "glorot")
    limit = np.sqrt(6 / 700)
    assert np.abs(glorot.weights[0]).max() <= limit
    assert glorot.weights[0].std() == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert not np.any(glorot.biases[0])
    he = initialise((400, 300, 10), rng, "he")
    assert he.weights[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    sparse = initialise((400, 300, 10), rng, "sparse")
    assert (np.count_nonzero(sparse.weights[0], axis=0) == SPARSE_INPUTS).all()
    assert (np.count_nonzero(sparse.weights[1], axis=0) == SPARSE_INPUTS).all()
    with pytest.raises(ValueError, match="unknown initialisation 'xavier'.*glorot"):
        initialise((4, 3), rng, "xavier")
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        initialise((4, 3), rng, activation="gelu")


def test_sutskever_schedule():
    assert [momentum_at(t, 0.99, True) for t in (0, 249, 250, 750, 1750)] == [
        0.5,
        0.5,
        0.75,
        0.875,
        0.9375,
    ]
    assert momentum_at(10**9, 0.9, True) == 0.9
    assert momentum_at(0, 0.9, False) == 0.9


@pytest.mark.parametrize(
    "activation, optimiser",
    [
        ("tanh", Optimiser("sgd")),
        ("relu", Optimiser("sgd")),
        ("sigmoid", Optimiser("momentum", mu=0.9)),
        ("tanh", Optimiser("nesterov", mu=0.8)),
        ("sigmoid", Optimiser("nesterov", mu=0.99, schedule=True)),
    ],
)
def test_trainer_equals_reference_over_two_epochs(activation, optimiser):
    """Velocities and the update count carry over from one epoch to the next."""
    net, x, y = small_problem(activation)
    ours, ref = net.copy(), net.copy()
    trainer = Trainer(ours, optimiser)
    state = {}
    rng = np.random.default_rng(3)
    for epoch in range(2):
        order = rng.permutation(len(x))
        trainer.epoch(x, y, order, mini_batch_size=1, eta=0.3, lmbda=2.0)
        reference_epoch(
            ref,
            x,
            y,
            order,
            mini_batch_size=1,
            eta=0.3,
            lmbda=2.0,
            optimiser=optimiser,
            state=state,
            first_update=epoch * len(x),
        )
    for p, q in zip(ours.weights + ours.biases, ref.weights + ref.biases):
        assert np.max(np.abs(p - q)) < 1e-10
    assert trainer.updates == 2 * len(x)


def test_momentum_changes_the_result():
    net, x, y = small_problem("sigmoid")
    plain, heavy = net.copy(), net.copy()
    Trainer(plain).epoch(x, y, np.arange(9), mini_batch_size=3, eta=0.3, lmbda=0.0)
    Trainer(heavy, Optimiser("momentum", 0.9)).epoch(
        x, y, np.arange(9), mini_batch_size=3, eta=0.3, lmbda=0.0
    )
    assert not np.allclose(plain.weights[0], heavy.weights[0])


def remedy_problem(activation: str, scheme: str, residual: bool, batch_norm: bool):
    """A small network with equally wide hidden layers (so residual connections join them)."""
    rng = np.random.default_rng(13)
    net = initialise((12, 6, 6, 6, 4), rng, scheme, activation, residual, batch_norm)
    x = rng.integers(0, 256, size=(20, 12)).astype(np.uint8)  # pixels, as MNIST's
    y = one_hot(rng.integers(0, 4, size=20), classes=4)
    return net, x, y


@pytest.mark.parametrize(
    "activation, scheme, residual, batch_norm, optimiser",
    [
        ("sigmoid", "default", False, False, Optimiser("adam")),
        ("sigmoid", "default", False, False, Optimiser("sgd", clip=0.05)),
        ("sigmoid", "default", True, False, Optimiser("sgd")),
        ("sigmoid", "default", False, True, Optimiser("sgd")),
        ("relu", "he", True, True, Optimiser("adam", clip=0.5)),
        ("tanh", "glorot", True, True, Optimiser("nesterov", mu=0.9, clip=0.2)),
        ("sigmoid", "large", False, True, Optimiser("momentum", mu=0.8, schedule=True)),
    ],
)
def test_remedies_trainer_equals_reference_over_three_epochs(
    activation, scheme, residual, batch_norm, optimiser
):
    """The compiled epoch of the remedies against the per-example (per-batch, with batch
    norm) reference: parameters, batch norm's running statistics and the optimiser's state
    carry over from one epoch to the next; mini-batches of 6 leave a last one of 2."""
    net, x, y = remedy_problem(activation, scheme, residual, batch_norm)
    ours, ref = net.copy(), net.copy()
    trainer = Trainer(ours, optimiser)
    state = {}
    rng = np.random.default_rng(4)
    eta = 0.01 if optimiser.kind == "adam" else 0.5
    for epoch in range(3):
        order = rng.permutation(len(x))
        trainer.epoch(x, y, order, mini_batch_size=6, eta=eta, lmbda=2.0)
        reference_epoch(
            ref,
            as_inputs(x),
            y,
            order,
            mini_batch_size=6,
            eta=eta,
            lmbda=2.0,
            optimiser=optimiser,
            state=state,
            first_update=epoch * 4,
        )
    assert trainer.updates == 12
    for p, q, start in zip(ours.parameters(), ref.parameters(), net.parameters(), strict=True):
        assert np.max(np.abs(p - q)) < 1e-10
        assert not np.array_equal(p, start)
    if batch_norm:
        for p, q in zip(
            ours.batch_norm.running_mean + ours.batch_norm.running_var,
            ref.batch_norm.running_mean + ref.batch_norm.running_var,
        ):
            assert np.max(np.abs(p - q)) < 1e-10


@pytest.mark.parametrize(
    "residual, batch_norm, optimiser",
    [
        (False, False, Optimiser("sgd")),
        (False, False, Optimiser("momentum", mu=0.9)),
        (True, True, Optimiser("adam", clip=0.5)),
        (False, True, Optimiser("nesterov", mu=0.8)),
    ],
)
def test_epoch_returns_the_last_mini_batch_mean_bias_gradients(residual, batch_norm, optimiser):
    """The epoch returns mean_bias_gradients of its last mini-batch (2 of the 20 rows, after
    three of 6) at the parameters its update's gradient was taken at: those after the first
    three updates, or their look-ahead p + mu v for nesterov."""
    net, x, y = remedy_problem("sigmoid", "default", residual, batch_norm)
    ours, ref = net.copy(), net.copy()
    order = np.random.default_rng(5).permutation(len(x))
    eta = 0.01 if optimiser.kind == "adam" else 0.5
    returned = Trainer(ours, optimiser).epoch(x, y, order, mini_batch_size=6, eta=eta, lmbda=2.0)
    # the first three updates: the reference over those 18 rows, lmbda scaled to keep lmbda / n
    first, state = order[:18], {}
    settings = {"mini_batch_size": 6, "eta": eta, "optimiser": optimiser, "state": state}
    reference_epoch(ref, as_inputs(x[first]), y[first], np.arange(18), lmbda=1.8, **settings)
    if optimiser.kind == "nesterov":
        mu = momentum_at(3, optimiser.mu, optimiser.schedule)
        for p, v in zip(ref.parameters(), state["first"]):
            p += mu * v
    last = order[18:]
    for got, expected in zip(returned, mean_bias_gradients(ref, x[last], y[last]), strict=True):
        assert np.max(np.abs(got - expected)) < 1e-10
        assert np.any(expected != 0)


def test_clipping_bounds_the_step_and_is_inactive_below_its_threshold():
    """Full-batch SGD: clipped, the whole step has length eta c; with a threshold above the
    gradient's norm the trainer gives the unclipped update."""
    net, x, y = remedy_problem("sigmoid", "default", False, False)
    start = net.parameters()
    grads = gradients(net, x, y)
    norm = np.sqrt(
        sum(np.sum((g / len(x)) ** 2) for g in grads.biases)
        + sum(np.sum((g / len(x) + 2.0 / len(x) * w) ** 2) for g, w in zip(grads.weights, start))
    )
    steps = {}
    for clip in (norm / 4, norm * 2, None):
        trained = net.copy()
        Trainer(trained, Optimiser("sgd", clip=clip)).epoch(
            x, y, np.arange(len(x)), mini_batch_size=len(x), eta=0.3, lmbda=2.0
        )
        steps[clip] = [p - q for p, q in zip(trained.parameters(), start)]
    length = np.sqrt(sum(np.sum(d**2) for d in steps[norm / 4]))
    assert length == pytest.approx(0.3 * norm / 4, rel=1e-12)
    for p, q in zip(steps[norm * 2], steps[None]):
        assert np.max(np.abs(p - q)) < 1e-12
    with pytest.raises(ValueError, match="clipping threshold -1"):
        Optimiser("sgd", clip=-1.0)


def test_first_adam_step_moves_every_parameter_by_eta():
    """Bias correction: after one update m_hat / sqrt(v_hat) = g / |g|, so every parameter
    with a non-zero gradient moves by eta (less the eps), against its gradient."""
    net, x, y = remedy_problem("sigmoid", "default", False, False)
    trained = net.copy()
    Trainer(trained, Optimiser("adam")).epoch(
        x, y, np.arange(len(x)), mini_batch_size=len(x), eta=1e-3, lmbda=0.0
    )
    grads = gradients(net, x, y)
    for p, q, g in zip(trained.parameters(), net.parameters(), grads.weights + grads.biases):
        moved = g != 0
        assert np.allclose((p - q)[moved], -1e-3 * np.sign(g[moved]), rtol=1e-4)
