"""read_idx / write_idx: round trips, and every kind of damaged file is refused by name."""

import gzip
import re
import struct

import numpy as np
import pytest

from vanishing_gradient.data.idx import IdxFormatError, read_idx, write_idx

IMAGES = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
LABELS = np.array([7, 0, 255, 3], dtype=np.uint8)


def raw_idx(magic: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file's bytes with an arbitrary (possibly inconsistent) header."""
    return struct.pack(f">I{len(dims)}I", magic, *dims) + payload


def assert_refused(path, *fragments: str) -> None:
    """read_idx(path) raises IdxFormatError naming the file and each fragment."""
    with pytest.raises(IdxFormatError, match=re.escape(str(path))) as info:
        read_idx(path)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("array", [IMAGES, LABELS], ids=["images", "labels"])
@pytest.mark.parametrize("suffix", ["", ".gz"], ids=["plain", "gz"])
def test_round_trip(tmp_path, array, suffix):
    path = tmp_path / f"data{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, array)
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if suffix else b"\x00\x00")


def test_header_is_big_endian_magic_then_dims(tmp_path):
    path = tmp_path / "images"
    write_idx(path, IMAGES)
    assert path.read_bytes() == raw_idx(2051, (2, 3, 4), IMAGES.tobytes())
    write_idx(path, LABELS)
    assert path.read_bytes() == raw_idx(2049, (4,), LABELS.tobytes())


def test_gzip_is_detected_by_content_not_name(tmp_path):
    compressed = tmp_path / "compressed.idx"
    compressed.write_bytes(gzip.compress(raw_idx(2049, (4,), LABELS.tobytes())))
    plain = tmp_path / "plain.gz"
    plain.write_bytes(raw_idx(2049, (4,), LABELS.tobytes()))
    np.testing.assert_array_equal(read_idx(compressed), LABELS)
    np.testing.assert_array_equal(read_idx(plain), LABELS)


def test_returned_array_is_writable(tmp_path):
    path = tmp_path / "labels"
    write_idx(path, LABELS)
    read_idx(path)[0] = 1


@pytest.mark.parametrize("magic", [2052, 0x0C01, 0x08000803, 0])
def test_bad_magic(tmp_path, magic):
    path = tmp_path / "bad-magic"
    path.write_bytes(raw_idx(magic, (4,), LABELS.tobytes()))
    assert_refused(path, f"magic {magic}", "2051", "2049", "delete it")


def test_magic_with_a_number_of_dims_other_than_1_or_3(tmp_path):
    path = tmp_path / "two-dims"
    path.write_bytes(raw_idx(0x0802, (2, 12), IMAGES.tobytes()))
    assert_refused(path, "magic 2050", "2 dims")


def test_image_magic_with_a_labels_header(tmp_path):
    path = tmp_path / "images-with-one-dim"
    path.write_bytes(raw_idx(2051, (4,), LABELS.tobytes()))
    assert_refused(path)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_payload(tmp_path, suffix):
    path = tmp_path / f"short{suffix}"
    data = raw_idx(2051, (2, 3, 4), IMAGES.tobytes()[:-1])
    path.write_bytes(gzip.compress(data) if suffix else data)
    assert_refused(path, "truncated", "23 data bytes", "needs 24")


def test_trailing_bytes(tmp_path):
    path = tmp_path / "long"
    path.write_bytes(raw_idx(2049, (4,), LABELS.tobytes() + b"\x00"))
    assert_refused(path, "trailing bytes", "5 data bytes", "needs 4")


@pytest.mark.parametrize("data", [b"", b"\x00\x00\x08", struct.pack(">III", 2051, 2, 3)])
def test_truncated_header(tmp_path, data):
    path = tmp_path / "header"
    path.write_bytes(data)
    assert_refused(path, f"{len(data)} bytes")


def test_gzip_cut_short(tmp_path):
    path = tmp_path / "cut.gz"
    write_idx(path, IMAGES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "corrupt gzip")


def test_gzip_with_flipped_bytes(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "flipped.gz"
    write_idx(path, rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8))
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))
    assert_refused(path, "corrupt gzip")


@pytest.mark.parametrize(
    "array",
    [LABELS.astype(np.int64), np.zeros((2, 3), dtype=np.uint8)],
    ids=["int64", "2-D"],
)
def test_write_refuses_what_it_cannot_encode(tmp_path, array):
    with pytest.raises(ValueError, match="uint8"):
        write_idx(tmp_path / "x", array)
