"""Where a run's time goes: processor seconds summed per kind of work."""

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Stopwatch:
    """Processor seconds per kind of work, and the wall seconds of the last block timed.

    ``with watch.timing("training"):`` adds the block's processor time to
    ``watch.cpu_seconds["training"]`` and keeps its wall time in ``watch.wall_seconds``.
    """

    def __init__(self, *kinds: str):
        self.cpu_seconds = dict.fromkeys(kinds, 0.0)
        self.wall_seconds = 0.0

    @contextmanager
    def timing(self, kind: str) -> Iterator[None]:
        if kind not in self.cpu_seconds:
            raise KeyError(f"the stopwatch times {list(self.cpu_seconds)}, not {kind!r}")
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.cpu_seconds[kind] += time.process_time() - cpu
            self.wall_seconds = time.perf_counter() - wall
