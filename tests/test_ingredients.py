"""The common checks of every ingredient: each activation, initialiser, optimiser and remedy
entry of the package runs through the same tests, read from the entries themselves, so a
new entry is tested without anyone writing a test for it."""

import dataclasses

import numba
import numpy as np
import pytest

from test_variants import remedy_problem, small_problem
from vanishing_gradient.model.activations import (
    ACTIVATIONS,
    SATURATION,
    Activation,
    activate,
    saturated,
    slope,
)
from vanishing_gradient.model.identity import VARIANT_COLUMNS, variant_columns, variant_name
from vanishing_gradient.model.initialisers import INITIALISERS, initialise
from vanishing_gradient.model.network import as_inputs, backprop, cross_entropy, output_logits
from vanishing_gradient.model.optimisers import OPTIMISERS, Optimiser, OptimiserRule
from vanishing_gradient.model.remedies import REMEDIES
from vanishing_gradient.training import steps
from vanishing_gradient.training.reference import reference_epoch
from vanishing_gradient.training.trainer import Trainer

Z = np.concatenate([np.linspace(-30.0, 30.0, 241), [-1e-3, 0.0, 1e-3]])


@numba.njit
def compiled_activation(code, z):
    forward, derivative = np.empty_like(z), np.empty_like(z)
    for i in range(z.size):
        forward[i] = steps.activate(code, z[i])
        derivative[i] = steps.slope(code, forward[i])
    return forward, derivative


@numba.njit
def compiled_step(code, p, g, first, second, mu, eta, t):
    steps.update(code, p, g, 1.0, first, second, mu, eta, t)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_an_activations_compiled_form_is_its_numpy_maths(name):
    forward, derivative = compiled_activation(steps.activation_code(name), Z)
    a = activate(name, Z)
    assert np.allclose(forward, a, rtol=1e-14, atol=1e-300)
    # at the same output: near tanh's +-1, 1 - a^2 turns a last-bit difference of a into more
    assert np.allclose(derivative, slope(name, forward), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_an_activations_slope_is_its_derivative(name):
    z = np.array([-3.1, -0.7, -0.2, 0.3, 0.9, 2.6])  # no kink of ReLU within eps
    eps = 1e-6
    numeric = (activate(name, z + eps) - activate(name, z - eps)) / (2 * eps)
    assert np.allclose(slope(name, activate(name, z)), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_an_activations_saturation_is_a_small_share_of_its_largest_slope(name):
    entry = ACTIVATIONS[name]
    a = activate(name, Z)
    slopes = slope(name, a)
    assert slopes.max() <= entry.max_slope * (1 + 1e-12)
    assert slopes.max() >= 0.99 * entry.max_slope  # the maximum is reached on the grid
    assert np.array_equal(saturated(name, a), slopes < SATURATION * entry.max_slope)
    assert saturated(name, a).any() and not saturated(name, a).all()


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_backprop_through_every_activation_passes_finite_differences(name):
    net, x, y = small_problem(name)
    grads_w, _ = backprop(net, x, y)
    for layer in range(3):
        w = net.weights[layer]
        original = w[1, 1]
        w[1, 1] = original + 1e-6
        up = cross_entropy(output_logits(net, x), y) * len(x)
        w[1, 1] = original - 1e-6
        down = cross_entropy(output_logits(net, x), y) * len(x)
        w[1, 1] = original
        assert grads_w[layer][1, 1] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-8)


def train_both(net, x, y, optimiser, epochs, mini_batch_size, eta):
    """The trainer and the per-example reference, ``epochs`` epochs from ``net``."""
    ours, ref = net.copy(), net.copy()
    trainer, state = Trainer(ours, optimiser), {}
    rng = np.random.default_rng(3)
    updates = -(-len(x) // mini_batch_size)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        trainer.epoch(x, y, order, mini_batch_size=mini_batch_size, eta=eta, lmbda=2.0)
        reference_epoch(
            ref,
            as_inputs(x) if x.dtype == np.uint8 else x,
            y,
            order,
            mini_batch_size=mini_batch_size,
            eta=eta,
            lmbda=2.0,
            optimiser=optimiser,
            state=state,
            first_update=epoch * updates,
        )
    return ours, ref


@pytest.mark.parametrize("optimiser", ["sgd", "momentum"])  # the plain loop, the general one
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_trainer_equals_the_reference_for_every_activation(name, optimiser):
    net, x, y = small_problem(name)
    ours, ref = train_both(net, x, y, Optimiser(optimiser), 2, 1, 0.3)
    for p, q, start in zip(ours.parameters(), ref.parameters(), net.parameters(), strict=True):
        assert np.max(np.abs(p - q)) < 1e-10
        assert not np.array_equal(p, start)


@pytest.mark.parametrize("remedies", [(False, False), (True, True)])
@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_the_trainer_equals_the_reference_for_every_optimiser(name, remedies):
    """Three epochs of mini-batches of 6 (the last one of 2), the optimiser's state carried
    over; with residual connections and batch normalisation the batch's gradient."""
    net, x, y = remedy_problem("sigmoid", "default", *remedies)
    eta = 0.01 if OPTIMISERS[name].modern else 0.5
    ours, ref = train_both(net, x, y, Optimiser(name, mu=0.8), 3, 6, eta)
    for p, q, start in zip(ours.parameters(), ref.parameters(), net.parameters(), strict=True):
        assert np.max(np.abs(p - q)) < 1e-10
        assert not np.array_equal(p, start)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_an_optimisers_compiled_step_is_its_numpy_step(name):
    rule, rng = OPTIMISERS[name], np.random.default_rng(7)
    p, g = rng.normal(size=50), rng.normal(size=50)
    first, second = rng.normal(size=50), rng.random(50)
    expected = [array.copy() for array in (p, first, second)]
    for t in (1, 2, 40):
        compiled_step(steps.optimiser_code(name), p, g, first, second, 0.7, 0.05, t)
        rule.reference_step(*expected[:1], g, *expected[1:], 0.7, 0.05, t)
        for got, want in zip((p, first, second), expected):
            assert np.allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", list(INITIALISERS))
def test_an_initialiser_draws_the_same_network_from_a_seed(name):
    sizes = (40, 30, 20, 10)
    first = initialise(sizes, np.random.default_rng(5), name)
    again = initialise(sizes, np.random.default_rng(5), name)
    for p, q in zip(first.parameters(), again.parameters(), strict=True):
        assert np.array_equal(p, q)
    assert [w.shape for w in first.weights] == [(40, 30), (30, 20), (20, 10)]
    assert all(np.any(w) for w in first.weights)
    assert all(np.any(b) == INITIALISERS[name].random_biases for b in first.biases)


@pytest.mark.parametrize("part", list(REMEDIES))
def test_a_remedy_has_its_part_of_a_name_and_its_column(part):
    remedy = REMEDIES[part]
    assert remedy.column in VARIANT_COLUMNS
    name = variant_name("sigmoid", "default", "sgd", **{remedy.column: True})
    assert name == f"sigmoid-default-sgd-{part}"
    parts = variant_columns(name)
    assert parts[remedy.column] and not any(
        parts[r.column] for r in REMEDIES.values() if r is not remedy
    )


def test_an_activation_without_its_compiled_form_is_refused():
    """The trap of adding a name and its numpy maths alone: refused when it is written."""
    sigmoid = ACTIVATIONS["sigmoid"]
    numpy_only = {f.name: getattr(sigmoid, f.name) for f in dataclasses.fields(Activation)}
    numpy_only.update(name="swish", scalar_forward=None, scalar_slope=None)
    with pytest.raises(TypeError, match="activation 'swish' has no compiled form"):
        Activation(**numpy_only)


def test_an_optimiser_without_its_compiled_form_is_refused():
    adam = OPTIMISERS["adam"]
    numpy_only = {f.name: getattr(adam, f.name) for f in dataclasses.fields(OptimiserRule)}
    numpy_only.update(name="lion", element_step=None)
    with pytest.raises(TypeError, match="optimiser 'lion' has no compiled form"):
        OptimiserRule(**numpy_only)


def test_a_code_without_an_entry_computes_nothing_else():
    """The compiled selection gives NaN for a code no entry has, never another function."""
    forward, derivative = compiled_activation(len(ACTIVATIONS), np.array([0.5]))
    assert np.isnan(forward).all() and np.isnan(derivative).all()
    p = np.ones(3)
    compiled_step(len(OPTIMISERS), p, np.ones(3), np.zeros(3), np.zeros(3), 0.9, 0.1, 1)
    assert np.isnan(p).all()


def test_the_trainer_refuses_an_activation_it_has_no_entry_for():
    net, x, y = small_problem("sigmoid")
    net.activation = "swish"
    with pytest.raises(ValueError, match="unknown activation 'swish': use one of sigmoid"):
        Trainer(net).epoch(x, y, np.arange(len(x)), mini_batch_size=3, eta=0.1, lmbda=0.0)
    with pytest.raises(ValueError, match="unknown optimiser 'lion'"):
        Optimiser("lion")
