"""The prepared MNIST split on disk: one file that a training job maps instead of decompressing.

Layout, little-endian::

    MAGIC                     8 bytes
    header length h           uint64
    header                    h bytes of JSON: per array its dtype, shape, offset and CRC-32,
                              and the size of the whole file
    arrays                    raw C-order bytes, each at its offset (a multiple of 64)

The arrays are uint8 (pixel values 0..255 and labels), so the 55 MB of MNIST's split are
mapped read-only (``np.memmap``): the pages a job reads come from the page cache, shared by
every job on the machine, and nothing is decompressed or copied. The file is written to a
temporary file beside its path and renamed, so a finished-looking file is a whole one; on
reading, the size and every array's CRC-32 are checked, so a truncated or damaged file is
refused with a message saying to delete it.
"""

import json
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

SPLIT_KEYS = (
    "train_images",
    "train_labels",
    "validation_images",
    "validation_labels",
    "test_images",
    "test_labels",
)
MAGIC = b"VGSPLIT1"
_ALIGN = 64
_FIX = "Delete it and rerun to prepare it again."


class BadSplitFile(ValueError):
    """A prepared-split file that is not whole or not of this format."""


@contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A new empty file in ``path``'s directory, removed on exit unless moved away.

    Beside ``path`` so that ``os.replace`` onto it is an atomic rename.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def save_split(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` (of any dtype, stored as C-order bytes) to ``path``, atomically."""
    path = Path(path)
    layout, offset = {}, 0
    for key, array in arrays.items():
        layout[key] = {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "offset": offset,
            "crc32": zlib.crc32(np.ascontiguousarray(array)),
        }
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"arrays": layout}).encode()
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    header += b" " * (start - len(MAGIC) - 8 - len(header))
    with temporary_beside(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(MAGIC + struct.pack("<Q", len(header)) + header)
            for key, array in arrays.items():
                f.seek(start + layout[key]["offset"])
                f.write(np.ascontiguousarray(array).tobytes())
            f.truncate(start + offset)
        os.replace(tmp, path)


def load_split(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of the file at ``path``, mapped read-only.

    Raises BadSplitFile, naming the file and the fix, if it is not of this format, is
    shorter or longer than its header says, fails an array's CRC-32, or lacks one of
    SPLIT_KEYS.
    """
    with open(path, "rb") as f:
        head = f.read(len(MAGIC) + 8)
        if len(head) < len(MAGIC) + 8 or head[: len(MAGIC)] != MAGIC:
            raise BadSplitFile(f"{path}: not a prepared split (no {MAGIC!r} at its start). {_FIX}")
        (length,) = struct.unpack("<Q", head[len(MAGIC) :])
        try:
            layout = json.loads(f.read(length))["arrays"]
        except (ValueError, KeyError) as exc:
            raise BadSplitFile(f"{path}: its header is damaged ({exc}). {_FIX}") from exc
    start = len(MAGIC) + 8 + length
    expected = start + sum(
        -(-np.dtype(a["dtype"]).itemsize * int(np.prod(a["shape"])) // _ALIGN) * _ALIGN
        for a in layout.values()
    )
    size = os.path.getsize(path)
    if size != expected:
        raise BadSplitFile(f"{path}: {size} bytes, its header says {expected}: truncated? {_FIX}")
    missing = [key for key in SPLIT_KEYS if key not in layout]
    if missing:
        raise BadSplitFile(f"{path}: missing arrays {missing} (has {sorted(layout)}). {_FIX}")
    whole = np.memmap(path, dtype=np.uint8, mode="r")
    arrays = {}
    for key, a in layout.items():
        dtype = np.dtype(a["dtype"])
        count = dtype.itemsize * int(np.prod(a["shape"]))
        raw = whole[start + a["offset"] : start + a["offset"] + count]
        if zlib.crc32(raw) != a["crc32"]:
            raise BadSplitFile(f"{path}: array {key!r} fails its CRC-32: damaged. {_FIX}")
        arrays[key] = np.asarray(raw).view(dtype).reshape(a["shape"])
    return arrays
