"""What both epoch loops (``plain_sgd``, ``general``) take besides the network: the training
set and the mini-batch schedule, each one ``NamedTuple``, which numba compiles as one
argument of one type."""

from typing import NamedTuple

import numpy as np

from .kernels.sparse import SparseRows


class Examples(NamedTuple):
    """The training set: its inputs by their non-zero entries (``sparse.SparseRows``: row
    ``r`` is ``scale values[q]`` in the columns ``columns[q]``, ``q`` from ``starts[r]`` to
    ``starts[r + 1]``) and its one-hot ``targets``, one row per example."""

    starts: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    scale: float
    targets: np.ndarray

    @classmethod
    def of(cls, rows: SparseRows, targets: np.ndarray) -> "Examples":
        return cls(rows.starts, rows.columns, rows.values, rows.scale, targets)


class Schedule(NamedTuple):
    """An epoch's mini-batches: the rows ``order[start : start + mini_batch_size]`` for
    ``start = 0, mini_batch_size, ...``; ``updates_before`` is the number of updates made by
    the epochs before, from which the update count ``t`` continues."""

    order: np.ndarray
    mini_batch_size: int
    updates_before: int
