"""The book's split of MNIST, the file it is stored in, and (with MNIST_DIR) the real data."""

import os
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from idx_fixtures import checksum, mnist_like, run_script, write_mnist_like

from vanishing_gradient.data.idx import write_idx
from vanishing_gradient.data.mnist import (
    MNIST_FILES,
    CachedFileChanged,
    fetch_verified,
    prepare,
    split_mnist,
)
from vanishing_gradient.model.network import as_inputs
from vanishing_gradient.data.prepared import SPLIT_KEYS, BadSplitFile, load_split, save_split

SCRIPT = Path(__file__).parents[1] / "scripts" / "prepare_mnist.py"
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = MNIST_FILES


@pytest.fixture
def arrays():
    """12 training and 5 test images; the first training image's first pixel is 3."""
    arrays = mnist_like(np.random.default_rng(0), 12, 5)
    arrays[TRAIN_IMAGES][0, 0, 0] = 3
    return arrays


def split(arrays, validation_size=4):
    return split_mnist(*(arrays[name] for name in MNIST_FILES), validation_size)


def test_split_sizes_order_and_keys(arrays):
    parts = split(arrays, validation_size=4)
    assert tuple(parts) == SPLIT_KEYS
    rows = arrays[TRAIN_IMAGES].reshape(12, 784)
    np.testing.assert_array_equal(parts["train_images"], rows[:8])
    np.testing.assert_array_equal(parts["validation_images"], rows[8:])
    np.testing.assert_array_equal(parts["train_labels"], arrays[TRAIN_LABELS][:8])
    np.testing.assert_array_equal(parts["validation_labels"], arrays[TRAIN_LABELS][8:])
    np.testing.assert_array_equal(parts["test_images"], arrays[TEST_IMAGES].reshape(5, 784))
    np.testing.assert_array_equal(parts["test_labels"], arrays[TEST_LABELS])


def test_pixels_are_uint8_and_the_inputs_pixel_over_256(arrays):
    parts = split(arrays)
    for part in ("train", "validation", "test"):
        assert parts[f"{part}_images"].dtype == np.uint8
        assert parts[f"{part}_labels"].dtype == np.uint8
    inputs = as_inputs(parts["train_images"])
    assert inputs.dtype == np.float64
    assert inputs[0, 0] == 0.01171875  # 3 / 256, not 3 / 255
    # the float32 inputs of the book's loader, widened, are the same numbers
    book = (parts["train_images"].astype(np.float32) / np.float32(256)).astype(np.float64)
    np.testing.assert_array_equal(inputs, book)


@pytest.mark.parametrize(
    "images, labels", [(TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)]
)
def test_count_mismatch_names_both_files(arrays, images, labels):
    arrays[labels] = arrays[labels][:-1]
    with pytest.raises(ValueError, match=f"{images} has .* but {labels} has"):
        split(arrays)


def test_images_must_be_28x28(arrays):
    arrays[TEST_IMAGES] = arrays[TEST_IMAGES][:, :27, :]
    with pytest.raises(ValueError, match=re.escape(f"{TEST_IMAGES}: images of shape (5, 27, 28)")):
        split(arrays)


def test_labels_must_be_one_dimensional(arrays):
    arrays[TRAIN_LABELS] = arrays[TRAIN_IMAGES]
    with pytest.raises(ValueError, match=f"{TRAIN_LABELS}: labels of shape"):
        split(arrays)


@pytest.mark.parametrize("validation_size", [0, 12, 13, -1])
def test_validation_size_must_leave_both_parts_non_empty(arrays, validation_size):
    with pytest.raises(
        ValueError, match=f"validation_size {validation_size} must be between 1 and 11"
    ):
        split(arrays, validation_size)


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "plain"])
def test_prepare_reads_the_four_files(arrays, tmp_path, gz):
    paths = write_mnist_like(tmp_path, arrays, gz=gz)
    parts = prepare(paths, validation_size=4)
    for key, expected in split(arrays).items():
        np.testing.assert_array_equal(parts[key], expected)


def expected_checksums(paths: dict[str, Path]) -> dict[str, tuple[str, int]]:
    """name -> (SHA-256, decompressed bytes) of each file, as prepare's ``expected``."""
    return {name: checksum(path)[::-1] for name, path in paths.items()}


def test_prepare_verifies_each_fetched_file_again_before_reading_it(arrays, tmp_path):
    """A valid gzip of the same size whose labels are shifted by one would train and test
    on wrong labels; its checksum refuses it, naming the file and the fix."""
    paths = write_mnist_like(tmp_path, arrays)
    expected = expected_checksums(paths)
    parts = prepare(paths, validation_size=4, expected=expected)
    np.testing.assert_array_equal(parts["test_labels"], arrays[TEST_LABELS])
    write_idx(paths[TEST_LABELS], (arrays[TEST_LABELS] + 1) % 10)
    assert checksum(paths[TEST_LABELS])[0] == expected[TEST_LABELS][1], "same size"
    with pytest.raises(CachedFileChanged) as refused:
        prepare(paths, validation_size=4, expected=expected)
    message = str(refused.value)
    assert str(paths[TEST_LABELS]) in message
    assert "changed since it was fetched" in message and "Delete it and rerun" in message


def test_save_load_round_trip(arrays, tmp_path):
    path = tmp_path / "mnist.split"
    parts = split(arrays)
    save_split(path, parts)
    assert os.listdir(tmp_path) == ["mnist.split"]
    back = load_split(path)
    assert set(back) == set(SPLIT_KEYS)
    for key, expected in parts.items():
        assert back[key].dtype == expected.dtype
        np.testing.assert_array_equal(back[key], expected)
    assert not back["train_images"].flags.writeable, "mapped read-only"


def test_load_refuses_a_file_missing_a_key(arrays, tmp_path):
    path = tmp_path / "mnist.split"
    parts = split(arrays)
    del parts["validation_labels"]
    save_split(path, parts)
    with pytest.raises(BadSplitFile, match=re.escape(str(path))) as info:
        load_split(path)
    assert "validation_labels" in str(info.value)
    assert "Delete it and rerun" in str(info.value)


def flip_a_bit(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda data: data[:-100], "truncated"),
        (lambda data: data + b"\0" * 64, "its header says"),
        (lambda data: flip_a_bit(data, len(data) // 2), "fails its CRC-32"),
        (lambda data: b"PK" + data[2:], "not a prepared split"),
        (lambda data: data[:16] + b"[" + data[17:], "header is damaged"),
    ],
    ids=["truncated", "too long", "a flipped bit", "another format", "damaged header"],
)
def test_load_refuses_a_damaged_file(arrays, tmp_path, damage, message):
    path = tmp_path / "mnist.split"
    save_split(path, split(arrays))
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(BadSplitFile, match=message) as info:
        load_split(path)
    assert str(path) in str(info.value) and "Delete it and rerun" in str(info.value)


def test_an_interrupted_save_leaves_nothing(arrays, tmp_path):
    parts = split(arrays)
    parts["test_labels"] = object()  # fails when the file is half written
    with pytest.raises(Exception):
        save_split(tmp_path / "mnist.split", parts)
    assert os.listdir(tmp_path) == []


def test_prepare_script(arrays, tmp_path):
    paths = write_mnist_like(tmp_path / "raw", arrays)
    log = tmp_path / "prepare.log"
    snakemake = SimpleNamespace(
        input={name: str(path) for name, path in paths.items()},  # named by file, as the rule
        params=SimpleNamespace(
            validation_size=4,
            files=[
                (name, {"sha256": sha256, "bytes": size})
                for name, (sha256, size) in expected_checksums(paths).items()
            ],
        ),
        output=[str(tmp_path / "mnist.split")],
        log=[str(log)],
    )
    run_script(SCRIPT, snakemake)
    back = load_split(tmp_path / "mnist.split")
    assert back["validation_images"].shape == (4, 784)
    assert "validation: images (4, 784)" in log.read_text()


# REFERENCE.md: (decompressed bytes, sha256) of the four files.
REAL_CHECKSUMS = {
    "train-images-idx3-ubyte": (
        47040016,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train-labels-idx1-ubyte": (
        60008,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "t10k-images-idx3-ubyte": (
        7840016,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "t10k-labels-idx1-ubyte": (
        10008,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}


@pytest.mark.real_mnist
@pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="MNIST_DIR is not set")
def test_real_mnist(tmp_path):
    paths = {}
    for name, (size, sha256) in REAL_CHECKSUMS.items():
        paths[name] = tmp_path / f"{name}.gz"
        fetch_verified(
            name,
            paths[name],
            expected_sha256=sha256,
            expected_bytes=size,
            mirrors=[],
            offline_dir=os.environ["MNIST_DIR"],
            timeout=1.0,
            retries=1,
        )
    parts = prepare(paths, validation_size=10000)
    assert parts["train_images"].shape == (50000, 784)
    assert parts["validation_images"].shape == (10000, 784)
    assert parts["test_images"].shape == (10000, 784)
    first = parts["train_images"][0]
    np.testing.assert_array_equal(first[first > 0][:2], [3, 18])
    train_labels = np.concatenate([parts["train_labels"], parts["validation_labels"]])
    assert np.bincount(train_labels).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert np.bincount(parts["test_labels"]).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]
