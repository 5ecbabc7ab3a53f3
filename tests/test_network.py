"""The vectorised network against the per-example reference and finite differences."""

import numpy as np
import pytest

from vanishing_gradient.network import (
    Network,
    as_inputs,
    backprop,
    cross_entropy,
    evaluate,
    forward,
    mean_bias_gradients,
    one_hot,
    output_logits,
    parse_architecture,
    sigmoid_prime,
)
from vanishing_gradient.initialisers import initialise
from vanishing_gradient.reference import example_gradients, reference_epoch
from vanishing_gradient.sgd import Trainer
from vanishing_gradient.sparse import SparseRows


@pytest.fixture
def batch():
    """A small random network and batch, deep enough that every layer matters."""
    rng = np.random.default_rng(7)
    net = initialise((12, 7, 6, 5, 4), rng)
    x = rng.random((9, 12))
    y = one_hot(rng.integers(0, 4, size=9), classes=4)
    return net, x, y


def test_parse_architecture():
    assert parse_architecture("784-30-30-10") == (784, 30, 30, 10)
    for bad in ["784", "784-x-10", "784--10", "784-0-10"]:
        with pytest.raises(ValueError, match="architecture"):
            parse_architecture(bad)


def test_initialise_default_scales_by_fan_in():
    net = initialise((400, 300, 10), np.random.default_rng(0))
    assert net.sizes == (400, 300, 10)
    assert net.weights[0].std() == pytest.approx(1 / np.sqrt(400), rel=0.02)
    assert net.biases[0].std() == pytest.approx(1.0, rel=0.1)
    large = initialise((400, 300, 10), np.random.default_rng(0), scheme="large")
    assert large.weights[0].std() == pytest.approx(1.0, rel=0.02)


def test_same_seed_same_network():
    a = initialise((5, 4, 3), np.random.default_rng(3))
    b = initialise((5, 4, 3), np.random.default_rng(3))
    assert all(np.array_equal(p, q) for p, q in zip(a.weights + a.biases, b.weights + b.biases))


def test_sigmoid_prime_peaks_at_a_quarter():
    z = np.linspace(-8, 8, 1601)
    assert sigmoid_prime(z).max() == pytest.approx(0.25)
    assert z[np.argmax(sigmoid_prime(z))] == pytest.approx(0.0)


def test_cross_entropy_matches_the_log_form():
    z = np.array([[-2.0, 0.5, 3.0]])
    y = np.array([[0.0, 1.0, 0.0]])
    a = 1 / (1 + np.exp(-z))
    expected = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert cross_entropy(z, y) == pytest.approx(expected, abs=1e-12)


def test_chunked_logits_equal_the_forward_pass(batch):
    net, x, _ = batch
    assert np.allclose(
        output_logits(net, x, chunk_rows=2), output_logits(net, x, chunk_rows=100), atol=1e-14
    )
    a_out = forward(net, x)[-1]
    assert np.allclose(1 / (1 + np.exp(-output_logits(net, x))), a_out, atol=1e-14)


def test_backprop_equals_per_example_sum(batch):
    net, x, y = batch
    grads_w, grads_b = backprop(net, x, y)
    per_example = [example_gradients(net, xi, yi) for xi, yi in zip(x, y)]
    for layer in range(len(net.weights)):
        ref_w = sum(g[0][layer] for g in per_example)
        ref_b = sum(g[1][layer] for g in per_example)
        assert np.max(np.abs(grads_w[layer] - ref_w)) < 1e-10
        assert np.max(np.abs(grads_b[layer] - ref_b)) < 1e-10


def test_backprop_passes_finite_difference_check(batch):
    """Central differences of C = sum_x C_x, parameter by parameter."""
    net, x, y = batch
    grads_w, grads_b = backprop(net, x, y)

    def cost(n: Network) -> float:
        return cross_entropy(output_logits(n, x), y) * len(x)

    eps = 1e-6
    rng = np.random.default_rng(1)
    for layer in range(len(net.weights)):
        for params, grads in ((net.weights, grads_w), (net.biases, grads_b)):
            for flat in rng.choice(
                params[layer].size, size=min(5, params[layer].size), replace=False
            ):
                index = np.unravel_index(flat, params[layer].shape)
                original = params[layer][index]
                params[layer][index] = original + eps
                up = cost(net)
                params[layer][index] = original - eps
                down = cost(net)
                params[layer][index] = original
                numeric = (up - down) / (2 * eps)
                assert grads[layer][index] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_mean_bias_gradient_is_the_average(batch):
    net, x, y = batch
    _, grads_b = backprop(net, x, y)
    means = mean_bias_gradients(net, x, y)
    assert all(np.allclose(m, g / len(x)) for m, g in zip(means, grads_b))


def test_sgd_epoch_equals_reference_update(batch):
    net, x, y = batch
    order = np.random.default_rng(2).permutation(len(x))
    ours, ref = net.copy(), net.copy()
    Trainer(ours).epoch(x, y, order, mini_batch_size=4, eta=0.5, lmbda=3.0)
    reference_epoch(ref, x, y, order, mini_batch_size=4, eta=0.5, lmbda=3.0)
    for p, q in zip(ours.weights + ours.biases, ref.weights + ref.biases):
        assert np.max(np.abs(p - q)) < 1e-10
    assert not np.allclose(ours.weights[0], net.weights[0]), "the epoch changed nothing"


def test_evaluate_gives_accuracy_and_the_book_total_cost(batch):
    net, x, y = batch
    labels = np.argmax(y, axis=1)
    l2 = sum(np.sum(w**2) for w in net.weights)
    accuracy, cost = evaluate(net, x, labels, lmbda=2.0)
    _, cost_without_l2 = evaluate(net, x, labels, lmbda=0.0)
    assert cost - cost_without_l2 == pytest.approx(l2 / len(x))
    _, cost_of_a_sample = evaluate(net, x, labels, lmbda=2.0, n=4 * len(x))
    assert cost_of_a_sample - cost_without_l2 == pytest.approx(l2 / (4 * len(x)))
    assert cost_without_l2 == pytest.approx(cross_entropy(output_logits(net, x), y))
    predicted = np.argmax(forward(net, x)[-1], axis=1)
    assert accuracy == pytest.approx(np.mean(predicted == labels))


def test_sparse_rows_give_the_dense_product_and_evaluation():
    """Pixels stored as their non-zero entries form ``x W^1`` and evaluate as the dense rows."""
    rng = np.random.default_rng(4)
    pixels = (rng.integers(1, 256, size=(40, 12)) * (rng.random((40, 12)) < 0.3)).astype(np.uint8)
    pixels[3] = 0  # a row without any non-zero pixel
    net = initialise((12, 7, 5, 4), rng)
    labels = rng.integers(0, 4, size=40)
    rows = SparseRows(pixels)
    assert np.allclose(rows.product(net.weights[0]), as_inputs(pixels) @ net.weights[0], atol=1e-14)
    accuracy, cost = evaluate(net, rows, labels, lmbda=2.0)
    assert accuracy == evaluate(net, pixels, labels, lmbda=2.0)[0]
    assert cost == pytest.approx(evaluate(net, pixels, labels, lmbda=2.0)[1], rel=1e-13)
