"""Every compiled kernel a training job calls, compiled once before the training jobs start.

numba compiles a function the first time it is called with a combination of argument
types, and keeps the machine code in its on-disk cache (``training.kernels.cache``), where later
processes load it in hundredths of a second. Without this step the first training jobs
after a fresh checkout, or after an edit to a kernel, each compile the same loops at once:
up to 20 processor-seconds and 100 MB of memory more per job, for every job of the first
wave (two on a laptop, hundreds on a cluster).

The types, not the values, decide what is compiled: every depth, width and variant of a
loop shares one compiled version (``packed``), every activation and optimiser is a code
the loops select at run time (``training.steps``), and every optimiser and remedy but
plain SGD runs the one loop ``general.general_epoch``. So training, on a tiny split of random
pixels stored and mapped exactly as the prepared split is (``prepared``), each protocol
and the depth sweep once per loop (``LOOP_VARIANTS``) calls every kernel with the types a
training job passes. Protocol hyper-parameters reach the loops as Python floats and ints
whatever the config holds (``trainer.Trainer.epoch``), so their values never change a type.
"""

import tempfile
from importlib import import_module
from pathlib import Path

import numpy as np
from numba.core.registry import CPUDispatcher

from ..support.code_version import PACKAGE
from .depth_runs import run_depth_sweep
from ..training.kernel_version import KERNEL_MODULES
from ..data.prepared import load_split, save_split
from .protocols import Protocol, Table, Variant, run_accuracy_protocol, run_speed_protocol

# one variant per epoch loop: plain SGD (plain_sgd.plain_sgd_epoch), and every remedy at once
# (general.general_epoch: ReLU, He, Adam, residual connections, batch normalisation)
LOOP_VARIANTS = ("sigmoid-default-sgd", "relu-he-adam-residual-batchnorm")
# small enough to train in a moment, with every array as a training job has it
IMAGES, ARCHITECTURE = 20, "784-3-3-10"
ACCURACY = Protocol(training_size=IMAGES, epochs=1, mini_batch_size=10, eta=0.1, lmbda=5.0)
SPEED = Protocol(training_size=IMAGES, epochs=1, mini_batch_size=IMAGES, eta=0.1, lmbda=5.0)


def tiny_split(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random uint8 pixels and labels under the prepared split's keys and types."""
    return {
        f"{part}_{kind}": (
            rng.integers(0, 256, (IMAGES, 784), dtype=np.uint8)
            if kind == "images"
            else rng.integers(0, 10, IMAGES, dtype=np.uint8)
        )
        for part in ("train", "validation", "test")
        for kind in ("images", "labels")
    }


def kernels() -> dict[str, CPUDispatcher]:
    """Qualified name -> compiled function, for every kernel of the package (named where it
    is defined, not where it is imported). The chains that ``steps.dispatch`` makes are left
    out: they are compiled into the loops that call them, never cached on their own."""
    return {
        f"{value.py_func.__module__}.{value.py_func.__qualname__}": value
        for name in KERNEL_MODULES
        for value in vars(import_module(f"{PACKAGE}.{name}")).values()
        if isinstance(value, CPUDispatcher) and "<locals>" not in value.py_func.__qualname__
    }


def compile_kernels() -> Table:
    """Run every protocol once per loop on a tiny split, so that each kernel's versions
    for a training job's types are in numba's cache; rows ``kernel, signature, cached``
    (whether that version was loaded from the cache rather than compiled here)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.split"
        save_split(path, tiny_split(np.random.default_rng(0)))
        data = load_split(path)
        for name in LOOP_VARIANTS:
            variant = Variant.named(name)
            run_accuracy_protocol(
                ARCHITECTURE, 1, data, ACCURACY, probe_size=5, train_cost_size=5, variant=variant
            )
            run_speed_protocol(ARCHITECTURE, 1, data, SPEED, variant)
            run_depth_sweep([1, 2], 3, 1, data, SPEED, ACCURACY, probe_size=5, variant=variant)
    return Table(
        {
            "kernel": name,
            "signature": ", ".join(map(str, signature)),
            "cached": bool(kernel.stats.cache_hits[signature]),
        }
        for name, kernel in sorted(kernels().items())
        for signature in kernel.signatures
    )
