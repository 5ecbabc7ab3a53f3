"""The vectorised network against the per-example reference and finite differences."""

import numba
import numpy as np
import pytest
from numba.core.errors import TypingError

from vanishing_gradient.model.network import (
    Network,
    as_inputs,
    backprop,
    cross_entropy,
    evaluate,
    forward,
    gradients,
    mean_bias_gradients,
    one_hot,
    output_logits,
    parse_architecture,
    sigmoid_prime,
    training_cost,
)
from vanishing_gradient.model.initialisers import initialise
from vanishing_gradient.training.reference import (
    batch_gradients,
    example_gradients,
    reference_epoch,
)
from vanishing_gradient.training.trainer import Trainer
from vanishing_gradient.training.kernels.sparse import (
    LANES,
    MAX_COLUMNS,
    SparseRows,
    sparse_product,
    subtract_row_products,
    sparse_transposed_product,
)


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


@pytest.mark.parametrize(
    "sizes, residual, batch_norm",
    [((12, 7, 5, 4), False, False), ((12, 6, 6, 4), True, True), ((12, 4), False, False)],
)
def test_sparse_rows_give_the_dense_product_and_evaluation(sizes, residual, batch_norm):
    """Pixels stored as their non-zero entries form ``x W^1`` and evaluate as the dense rows,
    with or without the remedies and hidden layers."""
    rng = np.random.default_rng(4)
    pixels = (rng.integers(1, 256, size=(40, 12)) * (rng.random((40, 12)) < 0.3)).astype(np.uint8)
    pixels[3] = 0  # a row without any non-zero pixel
    net = initialise(sizes, rng, "default", "sigmoid", residual, batch_norm)
    labels = rng.integers(0, 4, size=40)
    rows = SparseRows(pixels)
    assert np.allclose(rows.product(net.weights[0]), as_inputs(pixels) @ net.weights[0], atol=1e-14)
    accuracy, cost = evaluate(net, rows, labels, lmbda=2.0)
    assert accuracy == evaluate(net, pixels, labels, lmbda=2.0)[0]
    assert cost == pytest.approx(evaluate(net, pixels, labels, lmbda=2.0)[1], rel=1e-13)


@pytest.mark.parametrize("width", [50_000, MAX_COLUMNS])
def test_sparse_rows_index_every_column_up_to_their_limit(width):
    x = np.zeros((2, width), np.uint8)
    x[0, 0], x[1, 40_000], x[1, -1] = 3, 5, 7
    w = np.arange(2 * width, dtype=float).reshape(width, 2)
    np.testing.assert_array_equal(SparseRows(x).product(w), as_inputs(x) @ w)


def test_sparse_rows_refuse_more_columns_than_they_index():
    with pytest.raises(ValueError, match=f"at most {MAX_COLUMNS}"):
        SparseRows(np.zeros((1, MAX_COLUMNS + 1), np.uint8))


@pytest.mark.parametrize("width", [5, LANES, 30, 2 * LANES + 3])
def test_sparse_product_adds_the_terms_of_each_sum_in_the_order_of_the_inputs(width):
    """Row ``i`` of ``x W`` is, to the bit, ``0 + t_1 + t_2 + ...`` with the rounded terms
    ``t_k = x_p W[p, :]`` of the row's non-zero inputs by increasing ``p``, one rounding per
    product and per sum (numpy's separate multiply and add), for a matrix narrower than
    ``LANES``, as wide, and wider with a last block that overlaps the one before."""
    rng = np.random.default_rng(9)
    pixels = (rng.integers(1, 256, size=(30, 50)) * (rng.random((30, 50)) < 0.4)).astype(np.uint8)
    pixels[4] = 0  # a row without any non-zero pixel
    w = rng.normal(size=(50, width)) * 10.0 ** rng.integers(-8, 9, size=(50, width))
    expected = np.zeros((30, width))
    for i, row in enumerate(as_inputs(pixels)):
        for p in np.flatnonzero(row):
            expected[i] = expected[i] + row[p] * w[p]
    product = SparseRows(pixels).product(w)
    assert np.array_equal(product.view(np.uint64), expected.view(np.uint64))


@numba.njit
def update_every_row(starts, columns, values, scale, factor, d, w):
    """``sparse.subtract_row_products`` for every row, in order, as the trainer runs it."""
    for i in range(d.shape[0]):
        first, last = starts[i], starts[i + 1]
        subtract_row_products(w, i, first, last, columns, values, scale, factor, d)


@pytest.mark.parametrize("width", [5, LANES, 30, 2 * LANES + 3, 3 * LANES + 3])
def test_sparse_update_changes_each_weight_as_the_plain_loop(width):
    """``W[p, :] <- W[p, :] - (x_p f) d_i`` for the non-zero inputs ``x_p`` of each row ``i``
    in turn is, to the bit, numpy's separate multiply and subtract, for a matrix narrower
    than ``LANES``, as wide, and wider with an odd or even number of blocks, the last
    overlapping the one before."""
    rng = np.random.default_rng(10)
    pixels = (rng.integers(1, 256, size=(30, 50)) * (rng.random((30, 50)) < 0.4)).astype(np.uint8)
    pixels[4] = 0  # a row without any non-zero pixel
    pixels[:, 7] = 9  # a column every row has
    w = rng.normal(size=(50, width)) * 10.0 ** rng.integers(-8, 9, size=(50, width))
    d = rng.normal(size=(30, width))
    factor = 0.37
    expected = w.copy()
    for i, row in enumerate(as_inputs(pixels)):
        for p in np.flatnonzero(row):
            expected[p] = expected[p] - row[p] * factor * d[i]
    rows = SparseRows(pixels)
    update_every_row(rows.starts, rows.columns, rows.values, rows.scale, factor, d, w)
    assert np.array_equal(w.view(np.uint64), expected.view(np.uint64))


@pytest.mark.parametrize("width", [5, 30])
def test_sparse_transposed_product_adds_each_row_in_turn(width):
    """``x^T d = sum_i x_i^T d_i`` is, to the bit, ``0 + t_1 + t_2 + ...`` per entry with the
    rounded terms ``x_p d_i`` of the rows in turn (it is computed by subtracting ``-x_p d_i``)."""
    rng = np.random.default_rng(11)
    pixels = (rng.integers(1, 256, size=(30, 50)) * (rng.random((30, 50)) < 0.4)).astype(np.uint8)
    d = rng.normal(size=(30, width)) * 10.0 ** rng.integers(-8, 9, size=(30, width))
    expected = np.zeros((50, width))
    for i, row in enumerate(as_inputs(pixels)):
        for p in np.flatnonzero(row):
            expected[p] = expected[p] + row[p] * d[i]
    rows = SparseRows(pixels)
    product = sparse_transposed_product(
        rows.starts, rows.columns, rows.values, rows.scale, np.arange(30), d, expected
    )
    assert np.array_equal(product.view(np.uint64), expected.view(np.uint64))


def test_sparse_product_refuses_a_matrix_whose_rows_are_not_contiguous():
    """The compiled product reads ``LANES`` consecutive entries of a row at once."""
    rows = SparseRows(np.eye(3, dtype=np.uint8))
    w = np.ones((3, 2 * LANES))[:, ::2]
    with pytest.raises(TypingError, match="C-contiguous"):
        sparse_product(rows.starts, rows.columns, rows.values, rows.scale, np.arange(3), w)


def remedy_network(residual: bool, batch_norm: bool, activation: str = "sigmoid"):
    """A small network with two pairs of equally wide hidden layers, its batch and targets;
    batch norm's scales and running statistics moved off their starting values, so that
    every term of the backward pass counts."""
    rng = np.random.default_rng(5)
    net = initialise((12, 6, 6, 5, 5, 4), rng, "default", activation, residual, batch_norm)
    if batch_norm:
        for arrays in (net.batch_norm.scales, net.batch_norm.running_mean):
            for a in arrays:
                a += rng.normal(0.0, 0.3, a.shape)
        for a in net.batch_norm.running_var:
            a *= rng.uniform(0.5, 2.0, a.shape)
    x = rng.random((8, 12))
    y = one_hot(rng.integers(0, 4, size=8), classes=4)
    return net, x, y


def test_residual_connections_join_equally_wide_hidden_layers_only():
    net, _, _ = remedy_network(residual=True, batch_norm=False)
    assert [net.skips(layer) for layer in range(1, 6)] == [False, True, False, True, False]
    plain, _, _ = remedy_network(residual=False, batch_norm=False)
    assert not any(plain.skips(layer) for layer in range(1, 6))


def test_residual_forward_adds_the_layer_input(batch):
    net, x, _ = remedy_network(residual=True, batch_norm=False)
    a = forward(net, x)
    h2 = 1 / (1 + np.exp(-(a[1] @ net.weights[1] + net.biases[1])))
    assert np.allclose(a[2], a[1] + h2, atol=1e-14)
    assert np.allclose(a[3], 1 / (1 + np.exp(-(a[2] @ net.weights[2] + net.biases[2]))))


@pytest.mark.parametrize(
    "residual, batch_norm, activation",
    [(True, False, "sigmoid"), (False, True, "sigmoid"), (True, True, "tanh")],
)
def test_remedy_gradients_pass_finite_difference_check(residual, batch_norm, activation):
    """Every weight, bias and scale of the network against central differences of the
    batch's cost in training mode (batch statistics, so through the mean and variance)."""
    net, x, y = remedy_network(residual, batch_norm, activation)
    grads = gradients(net, x, y)
    scales = net.batch_norm.scales if batch_norm else []
    eps = 1e-6
    checked = 0
    for params, grad in (
        (net.weights, grads.weights),
        (net.biases, grads.biases),
        (scales, grads.scales),
    ):
        for p, g in zip(params, grad):
            for index in np.ndindex(p.shape):
                original = p[index]
                p[index] = original + eps
                up = training_cost(net, x, y)
                p[index] = original - eps
                down = training_cost(net, x, y)
                p[index] = original
                assert g[index] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)
                checked += 1
    assert checked == sum(p.size for p in net.parameters())
    assert len(grads.scales) == (4 if batch_norm else 0)


def test_batch_norm_gradients_equal_the_per_batch_reference():
    net, x, y = remedy_network(residual=True, batch_norm=True)
    grads = gradients(net, x, y)
    reference, statistics = batch_gradients(net, x, y)
    for ours, ref in zip(grads.weights + grads.biases + grads.scales, reference, strict=True):
        assert np.max(np.abs(ours - ref)) < 1e-10
    z1 = x @ net.weights[0]
    assert np.allclose(statistics[0][0], z1.mean(axis=0)) and np.allclose(
        statistics[0][1], z1.var(axis=0)
    )


def test_residual_gradients_equal_the_per_example_reference():
    net, x, y = remedy_network(residual=True, batch_norm=False, activation="relu")
    grads_w, grads_b = backprop(net, x, y)
    per_example = [example_gradients(net, xi, yi) for xi, yi in zip(x, y)]
    for layer in range(len(net.weights)):
        assert np.max(np.abs(grads_w[layer] - sum(g[0][layer] for g in per_example))) < 1e-10
        assert np.max(np.abs(grads_b[layer] - sum(g[1][layer] for g in per_example))) < 1e-10


def test_batch_norm_evaluates_with_running_statistics():
    """In evaluation mode a row's output does not depend on the other rows; with the batch's
    own statistics as running statistics it equals the training-mode output."""
    net, x, y = remedy_network(residual=False, batch_norm=True)
    alone = output_logits(net, x[:1])
    assert np.allclose(output_logits(net, x)[:1], alone, atol=1e-14)
    assert not np.allclose(forward(net, x, training=True)[-1], forward(net, x)[-1])
    a = as_inputs(x)
    for layer in range(4):
        z = a @ net.weights[layer]
        net.batch_norm.running_mean[layer][...] = z.mean(axis=0)
        net.batch_norm.running_var[layer][...] = z.var(axis=0)
        a = forward(net, x, training=True)[layer + 1]
    assert np.allclose(forward(net, x, training=True)[-1], forward(net, x)[-1], atol=1e-12)
    bias_means = mean_bias_gradients(net, x, y)
    assert np.allclose(bias_means[0], gradients(net, x, y).biases[0] / len(x))
