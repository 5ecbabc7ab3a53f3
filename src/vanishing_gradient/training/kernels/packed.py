"""Arrays of several shapes packed one after the other into one flat buffer, so that a
compiled loop takes the layers of a network of any depth as arguments of one type.

numba compiles a function once per combination of its arguments' types, and a tuple of
``L`` arrays is a different type for every ``L``: the remedies' epoch loop, taking one array
per layer, compiled afresh for every depth (10 to 20 s each, every depth of the depth
sweep). A ``Packed`` is three arrays whatever the number of arrays it holds:

    buffer[offsets[k] : offsets[k + 1]] = array k in C order,   shapes[k] = its (rows, columns)

(a 1-D array of ``n`` has the shape ``(1, n)``). ``matrix_views`` and ``vector_views``
give, inside a compiled function, the list of views of the arrays: writing to a view
writes the buffer.
"""

from typing import NamedTuple

import numpy as np

from .cache import JIT, numba


class Packed(NamedTuple):
    """``buffer`` (float64), ``offsets`` (int64, one more than the arrays), ``shapes``
    (int64, one row ``(rows, columns)`` per array)."""

    buffer: np.ndarray
    offsets: np.ndarray
    shapes: np.ndarray


def pack(arrays) -> Packed:
    """The float64 1-D or 2-D ``arrays`` copied into one ``Packed``."""
    shapes = np.array([np.atleast_2d(a).shape for a in arrays], dtype=np.int64).reshape(-1, 2)
    offsets = np.concatenate([[0], np.cumsum(shapes[:, 0] * shapes[:, 1])]).astype(np.int64)
    buffer = np.empty(offsets[-1])
    for k, a in enumerate(arrays):
        buffer[offsets[k] : offsets[k + 1]] = np.ravel(a)
    return Packed(buffer, offsets, shapes)


class Bound(NamedTuple):
    """A ``Packed`` and the views of its buffer that replaced, in their lists, the arrays it
    was packed from (``bind``)."""

    packed: Packed
    views: tuple


def bind(lists, bound: Bound | None = None) -> Bound:
    """The arrays of ``lists`` (lists of float64 arrays, in turn) as one ``Packed`` whose
    views stand in the lists in their place, so that a loop writing the ``Packed`` writes the
    lists' arrays, with nothing to copy back: ``bound`` itself if the lists hold exactly its
    views, else the arrays packed afresh and each list's entries replaced by their views."""
    arrays = [a for held in lists for a in held]
    if bound is not None and len(arrays) == len(bound.views):
        if all(a is view for a, view in zip(arrays, bound.views)):
            return bound
    packed = pack(arrays)
    buffer, offsets = packed.buffer, packed.offsets
    views = [buffer[offsets[k] : offsets[k + 1]].reshape(a.shape) for k, a in enumerate(arrays)]
    first = 0
    for held in lists:
        held[:] = views[first : first + len(held)]
        first += len(held)
    return Bound(packed, tuple(views))


@numba.njit(**JIT)
def matrix_views(packed):  # pragma: no cover - compiled
    """The 2-D views ``buffer[offsets[k]:offsets[k+1]]`` of shape ``shapes[k]``, a list."""
    buffer, offsets, shapes = packed
    return [
        buffer[offsets[k] : offsets[k + 1]].reshape((shapes[k, 0], shapes[k, 1]))
        for k in range(len(shapes))
    ]


@numba.njit(**JIT)
def vector_views(packed):  # pragma: no cover - compiled
    """The 1-D views ``buffer[offsets[k]:offsets[k+1]]``, a list."""
    buffer, offsets, _ = packed
    return [buffer[offsets[k] : offsets[k + 1]] for k in range(len(offsets) - 1)]
