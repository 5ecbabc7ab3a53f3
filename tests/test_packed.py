"""Arrays packed into one buffer, and the compiled loop that takes them: one compilation
for networks of every depth."""

import subprocess
import sys

import numpy as np

from vanishing_gradient.training.kernels.packed import bind, matrix_views, pack, vector_views
from vanishing_gradient.experiments.protocols import Variant, start_network
from vanishing_gradient.training.kernels.sparse import SparseRows


def test_pack_keeps_every_array_and_its_views_write_the_buffer():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((3, 2)), rng.standard_normal((2, 4)), rng.standard_normal(5)]
    packed = pack(arrays)
    assert packed.offsets.tolist() == [0, 6, 14, 19]
    assert packed.shapes.tolist() == [[3, 2], [2, 4], [1, 5]]
    views = matrix_views(packed)
    for view, a in zip(views[:2], arrays):
        np.testing.assert_array_equal(view, a)
    np.testing.assert_array_equal(vector_views(packed)[2], arrays[2])
    views[1][0, 0] = 7.0  # a view is the buffer
    assert packed.buffer[6] == 7.0
    assert pack([]).buffer.size == 0 and vector_views(pack([])) == []


def test_bound_arrays_are_the_buffer_until_a_list_gets_another_array():
    rng = np.random.default_rng(1)
    first, second = [rng.standard_normal((3, 2))], [rng.standard_normal(4), rng.standard_normal(2)]
    before = [a.copy() for a in first + second]
    bound = bind([first, second])
    for a, b in zip(first + second, before):
        np.testing.assert_array_equal(a, b)  # the same numbers, now views of the buffer
    bound.packed.buffer[:] += 1.0
    assert first[0][0, 0] == before[0][0, 0] + 1.0 and second[1][1] == before[2][1] + 1.0
    assert bind([first, second], bound) is bound  # nothing replaced: the same buffer
    second[0] = np.zeros(4)  # replaced: packed afresh, with the new array's numbers
    again = bind([first, second], bound)
    assert again is not bound and (vector_views(again.packed)[1] == 0.0).all()
    assert second[0].base is not None and first[0][0, 0] == before[0][0, 0] + 1.0


def test_training_writes_the_networks_arrays_and_follows_a_replaced_one():
    """The trainer keeps the network packed between epochs; an array put in the network's
    place between epochs is the one the next epoch trains."""
    rng = np.random.default_rng(2)
    x = SparseRows((rng.random((20, 784)) * 255).astype(np.uint8))
    y = np.eye(10)[np.arange(20) % 10]
    for variant in ("sigmoid-default-sgd", "sigmoid-default-sgd-batchnorm"):
        net, trainer, _ = start_network("784-6-6-10", 1, Variant.named(variant))
        twin, twin_trainer, _ = start_network("784-6-6-10", 1, Variant.named(variant))
        for epoch in range(2):
            for trained in (trainer, twin_trainer):
                trained.epoch(x, y, np.arange(20), mini_batch_size=10, eta=0.1, lmbda=1.0)
            if epoch == 0:  # the same numbers in new arrays, in one network only
                net.weights[1] = net.weights[1].copy()
                net.biases = [b.copy() for b in net.biases]
        for a, b in zip(net.parameters(), twin.parameters()):
            np.testing.assert_array_equal(a, b)
        assert not np.array_equal(
            net.weights[1], start_network("784-6-6-10", 1, Variant.named(variant))[0].weights[1]
        )


# Trains networks of three depths with and without the remedies' loop in a fresh process
# (whose kernels know only the types it used), and prints how many compiled versions of
# each loop it used.
THREE_DEPTHS = """
import numpy as np
from vanishing_gradient.experiments.protocols import Variant, start_network
from vanishing_gradient.training.general import general_epoch
from vanishing_gradient.training.plain_sgd import plain_sgd_epoch
from vanishing_gradient.training.kernels.sparse import SparseRows

rng = np.random.default_rng(1)
x = SparseRows((rng.random((20, 784)) * 255).astype(np.uint8))
y = np.eye(10)[np.arange(20) % 10]
for architecture in ("784-6-10", "784-6-6-6-10", "784-6-6-6-6-6-6-10"):
    for variant in ("sigmoid-default-sgd", "sigmoid-default-adam", "sigmoid-default-sgd-batchnorm"):
        _, trainer, _ = start_network(architecture, 1, Variant.named(variant))
        trainer.epoch(x, y, np.arange(20), mini_batch_size=10, eta=0.1, lmbda=1.0)
print(len(plain_sgd_epoch.signatures), len(general_epoch.signatures))
"""


def test_the_epoch_loops_compile_once_for_every_depth():
    out = subprocess.run(
        [sys.executable, "-c", THREE_DEPTHS], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["1", "1"]
