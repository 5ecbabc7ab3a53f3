"""The compiled kernels' cache follows their code, including the modules they import."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vanishing_gradient.support.code_version import PACKAGE_DIR
from vanishing_gradient.training.kernel_version import KERNEL_MODULES

# One epoch of the batch-norm trainer (general.batch_norm_forward), which reads
# network.RUNNING_MOMENTUM as a compiled-in constant: prints a running mean and the cache
# directory the process used.
RUN = """
import numpy as np
from vanishing_gradient.training.kernels import cache as kernel_cache
from vanishing_gradient.model.network import BatchNorm, Network
from vanishing_gradient.training.trainer import Trainer

rng = np.random.default_rng(0)
net = Network(
    [rng.standard_normal((4, 3)), rng.standard_normal((3, 2))],
    [np.zeros(3), np.zeros(2)],
    batch_norm=BatchNorm.fresh([3]),
)
x, y = rng.random((6, 4)), np.eye(2)[rng.integers(0, 2, 6)]
Trainer(net).epoch(x, y, np.arange(6), mini_batch_size=6, eta=0.1, lmbda=0.0)
print(repr(float(net.batch_norm.running_mean[0][0])), kernel_cache.CACHE_DIR)
"""


def test_every_module_that_compiles_is_a_kernel_module():
    compiling = {
        ".".join(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
        for path in PACKAGE_DIR.rglob("*.py")
        if re.search(r"numba\.njit", path.read_text())
    }
    assert compiling == set(KERNEL_MODULES)


def run_copy(root: Path) -> tuple[float, str]:
    out = subprocess.run(
        [sys.executable, "-c", RUN],
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), out[1]


def test_a_change_to_a_module_a_kernel_imports_compiles_it_afresh(tmp_path):
    """numba alone would load the kernel compiled with the old constant: the same number."""
    package = tmp_path / PACKAGE_DIR.name
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    before, cache = run_copy(tmp_path)
    assert Path(cache).is_dir() and any(Path(cache).rglob("*.nbi")), "compiled once, cached"
    assert run_copy(tmp_path) == (before, cache), "unchanged code reuses the cache"
    network = package / "model" / "network.py"
    text = network.read_text()
    assert "RUNNING_MOMENTUM = 0.9 " in text
    network.write_text(text.replace("RUNNING_MOMENTUM = 0.9 ", "RUNNING_MOMENTUM = 0.5 "))
    after, new_cache = run_copy(tmp_path)
    assert new_cache != cache
    # the running mean moves from 0 by (1 - momentum) times the batch's mean
    assert after == pytest.approx(before * 0.5 / 0.1)
