"""Small generated MNIST-like data for the tests, written as IDX files on the fly."""

import gzip
import hashlib
import logging
import runpy
import sys
from pathlib import Path

import numpy as np

from vanishing_gradient.data.idx import write_idx
from vanishing_gradient.data.mnist import MNIST_FILES


def mnist_like(rng: np.random.Generator, n_train: int, n_test: int) -> dict[str, np.ndarray]:
    """Random 28x28 uint8 images and labels 0-9, keyed by the MNIST file names."""
    arrays = []
    for n in (n_train, n_test):
        arrays.append(rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8))
        arrays.append(rng.integers(0, 10, size=n, dtype=np.uint8))
    return dict(zip(MNIST_FILES, arrays, strict=True))


def write_mnist_like(
    folder: Path, arrays: dict[str, np.ndarray], *, gz: bool = True
) -> dict[str, Path]:
    """Write each array as IDX into ``folder`` (as ``name.gz`` when ``gz``); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / (f"{name}.gz" if gz else name) for name in arrays}
    for name, path in paths.items():
        write_idx(path, arrays[name])
    return paths


def checksum(path: Path) -> tuple[int, str]:
    """(size, sha256) of the decompressed contents of ``path`` (gzip or plain)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return len(data), hashlib.sha256(data).hexdigest()


def run_script(path: Path, snakemake: object) -> None:
    """Run a Snakemake script in this process with ``snakemake`` as its global object.

    The root logger's handlers and the exception hook are restored afterwards, since
    the scripts point them at their log file.
    """
    root = logging.getLogger()
    handlers, level, excepthook = root.handlers[:], root.level, sys.excepthook
    try:
        runpy.run_path(str(path), init_globals={"snakemake": snakemake})
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
        sys.excepthook = excepthook
