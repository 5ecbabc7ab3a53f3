"""Fetch the four MNIST files with checksums, and split them as the book does.

The book's split of MNIST (``mnist_loader.py``): of the 60,000 training images the first
``N - validation_size`` are the training set and the last ``validation_size`` (10,000)
the validation set; the 10,000 t10k images are the test set. An image is a row of 784
uint8 pixel values ``k``; the network's inputs are ``k / 256`` (the book's loader divides by
256, not 255), formed where they are used (``network.as_inputs``): every such value is
exact in float32 and float64 alike, so storing ``k`` loses nothing.
"""

import gzip
import hashlib
import os
import shutil
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from http.client import HTTPException
from pathlib import Path

import numpy as np

from .idx import GZIP_ERRORS, GZIP_MAGIC, read_idx
from .prepared import SPLIT_KEYS, temporary_beside

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
IMAGE_SHAPE = (28, 28)
_CHUNK = 1 << 20
_STAGING_HINT = (
    "To work offline: download the four files on a machine with internet and set "
    "MNIST_DIR=/path/to/folder (or data.offline_dir in config.yaml); the folder holds "
    f"{', '.join(name + '.gz' for name in MNIST_FILES)} (or the same names without .gz)."
)


class MnistUnavailable(RuntimeError):
    """No source gave an MNIST file with the expected checksum."""


class CachedFileChanged(RuntimeError):
    """A fetched MNIST file no longer has the bytes it was verified against."""


class _Rejected(Exception):
    """A candidate file whose bytes are not the expected ones."""


def _verify_gzip(path: Path, expected_sha256: str, expected_bytes: int) -> None:
    """Raise _Rejected unless gunzip(path) has ``expected_bytes`` bytes and that SHA-256.

    The decompressed bytes are checked because mirrors may recompress the files.
    """
    digest = hashlib.sha256()
    size = 0
    try:
        with gzip.open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except GZIP_ERRORS as exc:
        raise _Rejected(f"not a valid gzip file ({exc})") from exc
    if size != expected_bytes or digest.hexdigest() != expected_sha256:
        raise _Rejected(
            f"sha256 {digest.hexdigest()} != expected {expected_sha256} "
            f"(decompressed {size} bytes, expected {expected_bytes})"
        )


def _offline_candidates(name: str, folder: Path) -> list[Path]:
    """The copies of ``name`` in ``folder``: ``name.gz`` first, then decompressed ``name``."""
    return [p for p in (folder / f"{name}.gz", folder / name) if p.is_file()]


def _copy_offline(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` as gzip, compressing it if it is not gzip already."""
    with open(source, "rb") as src:
        # By content, not name: a decompressed copy may have kept any name.
        if src.read(2) == GZIP_MAGIC:
            shutil.copyfile(source, target)
            return
        src.seek(0)
        with gzip.open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)


def _download(url: str, target: Path, *, timeout: float) -> None:
    """Write the body of ``url`` to ``target``."""
    with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as dst:
        shutil.copyfileobj(response, dst, _CHUNK)


def fetch_verified(
    name: str,
    destination: str | os.PathLike,
    *,
    expected_sha256: str,
    expected_bytes: int,
    mirrors: list[str],
    offline_dir: str | os.PathLike | None,
    timeout: float,
    retries: int,
    backoff: float = 0.5,
) -> str:
    """Make ``destination`` hold ``name.gz``, verified; return a description of its source.

    Verified means: the decompressed bytes number ``expected_bytes`` and have SHA-256
    ``expected_sha256``. Sources in order: ``offline_dir`` (holding ``name.gz`` or the
    decompressed ``name``, which is then gzip-compressed), then each base URL in
    ``mirrors`` (``<base>/<name>.gz``), each asked once and then up to ``retries`` more
    times after a network error, sleeping ``backoff * attempt`` seconds in between. Each
    candidate goes to a temporary file beside ``destination`` and is moved onto it only
    once verified; a rejected candidate is deleted, and a wrong checksum moves on to the
    next source.

    Raises MnistUnavailable listing every source tried with its error, and how to
    stage the files offline, if no source gives the expected bytes.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    def accept(source: str, fill: Callable[[Path], None]) -> bool:
        """Fill a temporary file, verify it, move it onto ``destination``; False if rejected."""
        with temporary_beside(destination) as tmp:
            fill(tmp)
            try:
                _verify_gzip(tmp, expected_sha256, expected_bytes)
            except _Rejected as exc:
                failures.append(f"{source}: {exc}")
                return False
            os.replace(tmp, destination)
        return True

    if offline_dir:
        folder = Path(offline_dir)
        candidates = _offline_candidates(name, folder)
        if not candidates:
            failures.append(f"offline dir {folder}: no {name}(.gz) there")
        for path in candidates:
            try:
                if accept(str(path), partial(_copy_offline, path)):
                    return f"{path} (offline copy)"
            except OSError as exc:
                failures.append(f"{path}: {exc}")

    for base in mirrors:
        url = f"{base.rstrip('/')}/{name}.gz"
        attempts = 1 + retries
        for attempt in range(1, attempts + 1):
            try:
                if accept(url, partial(_download, url, timeout=timeout)):
                    return url
                break  # the mirror answered with wrong bytes: asking again will not help
            except (OSError, HTTPException) as exc:
                if attempt == attempts:
                    tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
                    failures.append(f"{url}: {exc} ({tries})")
                else:
                    time.sleep(backoff * attempt)

    tried = "\n".join(f"  - {failure}" for failure in failures) or "  (no source configured)"
    raise MnistUnavailable(
        f"could not get {name}.gz with {expected_bytes} decompressed bytes and sha256 "
        f"{expected_sha256}; sources tried:\n{tried}\n{_STAGING_HINT}"
    )


def _checked_pair(
    images: np.ndarray, labels: np.ndarray, images_name: str, labels_name: str
) -> None:
    """Raise ValueError unless images are (n, 28, 28) and labels are (n,) with the same n."""
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{images_name}: images of shape {images.shape}, expected (n, 28, 28); "
            "is it an MNIST images file?"
        )
    if labels.ndim != 1:
        raise ValueError(
            f"{labels_name}: labels of shape {labels.shape}, expected (n,); "
            "is it an MNIST labels file?"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{images_name} has {len(images)} images but {labels_name} has {len(labels)} "
            "labels; both must come from the same MNIST release (delete them and rerun)"
        )


def _as_rows(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) uint8 -> (n, 784) uint8, one image per row."""
    return np.ascontiguousarray(images.reshape(len(images), -1), dtype=np.uint8)


def split_mnist(
    train_images: np.ndarray,
    train_labels: np.ndarray,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    validation_size: int,
) -> dict[str, np.ndarray]:
    """The book's split: training = first ``N - validation_size`` training images,
    validation = the last ``validation_size``, test = all t10k images.

    Images become uint8 rows of 784 pixel values; labels stay uint8. Keys are SPLIT_KEYS.
    """
    train_name, train_labels_name, test_name, test_labels_name = MNIST_FILES
    _checked_pair(train_images, train_labels, train_name, train_labels_name)
    _checked_pair(test_images, test_labels, test_name, test_labels_name)
    n = len(train_images)
    if not 0 < validation_size < n:
        raise ValueError(
            f"validation_size {validation_size} must be between 1 and {n - 1}: "
            f"{train_name} has {n} images and the training set must not be empty"
        )
    cut = n - validation_size
    return {
        "train_images": _as_rows(train_images[:cut]),
        "train_labels": train_labels[:cut].astype(np.uint8),
        "validation_images": _as_rows(train_images[cut:]),
        "validation_labels": train_labels[cut:].astype(np.uint8),
        "test_images": _as_rows(test_images),
        "test_labels": test_labels.astype(np.uint8),
    }


def verify_fetched(path: str | os.PathLike, expected_sha256: str, expected_bytes: int) -> None:
    """Check a fetched file again before it is read: its decompressed bytes must still
    number ``expected_bytes`` and have SHA-256 ``expected_sha256``. Raises
    CachedFileChanged, naming the file and the fix, if not."""
    try:
        _verify_gzip(Path(path), expected_sha256, expected_bytes)
    except _Rejected as exc:
        raise CachedFileChanged(
            f"{path} changed since it was fetched and verified: {exc}. Delete it and rerun: "
            "the workflow fetches it again."
        ) from exc


def prepare(
    paths: dict[str, Path], validation_size: int, expected: dict[str, tuple[str, int]] | None = None
) -> dict[str, np.ndarray]:
    """Read the four IDX files (``paths`` keyed by MNIST_FILES names) and split them.
    ``expected``: name -> (SHA-256, decompressed bytes) of fetched files, each verified
    (``verify_fetched``) before any is read."""
    for name, (sha256, size) in (expected or {}).items():
        verify_fetched(paths[name], sha256, size)
    return split_mnist(*(read_idx(paths[name]) for name in MNIST_FILES), validation_size)
