"""Arrays packed into one buffer, and the compiled loop that takes them: one compilation
for networks of every depth."""

import subprocess
import sys

import numpy as np

from vanishing_gradient.packed import matrix_views, pack, unpack_into, vector_views


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
    copies = [np.zeros_like(a) for a in arrays]
    unpack_into(packed, copies)
    np.testing.assert_array_equal(copies[0], arrays[0])
    assert copies[1][0, 0] == 7.0 and copies[1][1, 3] == arrays[1][1, 3]
    assert pack([]).buffer.size == 0 and vector_views(pack([])) == []


# Trains networks of three depths with and without the remedies' loop in a fresh process
# (whose kernels know only the types it used), and prints how many compiled versions of
# each loop it used.
THREE_DEPTHS = """
import numpy as np
from vanishing_gradient.protocols import Variant, start_network
from vanishing_gradient.remedies import _remedies_epoch
from vanishing_gradient.sgd import _sgd_epoch
from vanishing_gradient.sparse import SparseRows

rng = np.random.default_rng(1)
x = SparseRows((rng.random((20, 784)) * 255).astype(np.uint8))
y = np.eye(10)[np.arange(20) % 10]
for architecture in ("784-6-10", "784-6-6-6-10", "784-6-6-6-6-6-6-10"):
    for variant in ("sigmoid-default-sgd", "sigmoid-default-adam", "sigmoid-default-sgd-batchnorm"):
        _, trainer, _ = start_network(architecture, 1, Variant.named(variant))
        trainer.epoch(x, y, np.arange(20), mini_batch_size=10, eta=0.1, lmbda=1.0)
print(len(_sgd_epoch.signatures), len(_remedies_epoch.signatures))
"""


def test_the_epoch_loops_compile_once_for_every_depth():
    out = subprocess.run(
        [sys.executable, "-c", THREE_DEPTHS], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["1", "1"]
