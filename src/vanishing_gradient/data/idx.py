"""Read and write IDX files, the format MNIST is distributed in.

An IDX file is a big-endian header followed by the data, row-major::

    uint32 magic      0x0000TTDD: TT = data type (0x08 = unsigned byte), DD = number of dims
    uint32 size_0     one per dimension: items, then (for images) rows, cols
    ...
    uint8  data[size_0 * size_1 * ...]

Two magics occur in MNIST and are the only ones accepted here:
2051 (0x0803, unsigned-byte images of shape (n, rows, cols)) and
2049 (0x0801, unsigned-byte labels of shape (n,)).
Files may be gzip-compressed, as distributed; that is detected from the gzip magic
bytes 1f 8b, not from the file name.
"""

import gzip
import struct
import zlib
from os import PathLike

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
_DIMS = {IMAGES_MAGIC: 3, LABELS_MAGIC: 1}
GZIP_MAGIC = b"\x1f\x8b"

# What the gzip module raises on a damaged stream: a bad header or CRC, a stream cut
# short, or corrupt deflate data.
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)

_FIX = "delete it and rerun to fetch it again"


class IdxFormatError(ValueError):
    """A file is not a well-formed unsigned-byte IDX file (images or labels)."""


def read_idx(path: str | PathLike) -> np.ndarray:
    """The uint8 array stored in the IDX file ``path`` (gzip-compressed or plain).

    Returns shape ``(n, rows, cols)`` for magic 2051 and ``(n,)`` for magic 2049.
    Raises IdxFormatError, naming the file, if the gzip stream is corrupt, the magic is
    not one of those two, the header is cut short, or the data are not exactly
    ``prod(sizes)`` bytes.
    """
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except GZIP_ERRORS as exc:
            raise IdxFormatError(f"{path}: corrupt gzip stream ({exc}); {_FIX}") from exc
    if len(data) < 4:
        raise IdxFormatError(
            f"{path}: {len(data)} bytes, too short for an IDX header (at least 4); {_FIX}"
        )
    (magic,) = struct.unpack(">I", data[:4])
    if magic not in _DIMS:
        raise IdxFormatError(
            f"{path}: IDX magic {magic} (data type 0x{(magic >> 8) & 0xFF:02x}, "
            f"{magic & 0xFF} dims), expected {IMAGES_MAGIC} (unsigned-byte images, 3 dims) "
            f"or {LABELS_MAGIC} (unsigned-byte labels, 1 dim); {_FIX}"
        )
    ndim = _DIMS[magic]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxFormatError(
            f"{path}: header cut short: {len(data)} bytes, magic {magic} needs {header}; {_FIX}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(shape))
    found = len(data) - header
    if found != expected:
        problem = "truncated" if found < expected else "trailing bytes"
        raise IdxFormatError(
            f"{path}: {problem}: {found} data bytes, header {shape} needs {expected}; {_FIX}"
        )
    # A copy, so callers get an ordinary writable array rather than a view of bytes.
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()


def write_idx(path: str | PathLike, array: np.ndarray) -> None:
    """Write uint8 ``array`` as IDX: magic 2051 for shape (n, rows, cols), 2049 for (n,).

    The file is gzip-compressed when ``path`` ends with ``.gz``.
    """
    array = np.asarray(array)
    if array.dtype != np.uint8 or array.ndim not in (1, 3):
        raise ValueError(
            f"IDX here holds uint8 labels (n,) or images (n, rows, cols), "
            f"got {array.dtype} of shape {array.shape}"
        )
    magic = IMAGES_MAGIC if array.ndim == 3 else LABELS_MAGIC
    data = struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.tobytes(order="C")
    if str(path).endswith(".gz"):
        data = gzip.compress(data)
    with open(path, "wb") as f:
        f.write(data)
