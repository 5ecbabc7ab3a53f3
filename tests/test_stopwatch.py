"""The stopwatch that splits a run's processor time into training and measuring."""

import time

import pytest

from vanishing_gradient.experiments.stopwatch import Stopwatch


def busy(seconds: float) -> None:
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass


def test_a_stopwatch_sums_processor_seconds_per_kind_and_keeps_the_last_wall_time():
    watch = Stopwatch("busy", "idle")
    for _ in range(2):
        with watch.timing("busy"):
            busy(0.02)
    assert watch.cpu_seconds["busy"] >= 0.04
    with watch.timing("idle"):
        time.sleep(0.05)
    assert watch.wall_seconds >= 0.05, "the last block's wall time"
    assert watch.cpu_seconds["idle"] < 0.02, "sleeping uses almost no processor time"


def test_a_block_that_raises_is_still_timed():
    watch = Stopwatch("busy")
    with pytest.raises(ValueError), watch.timing("busy"):
        busy(0.02)
        raise ValueError("diverged")
    assert watch.cpu_seconds["busy"] >= 0.02


def test_a_kind_the_stopwatch_was_not_given_is_an_error():
    watch = Stopwatch("training")
    ran = []
    with pytest.raises(KeyError, match="traning"), watch.timing("traning"):
        ran.append(True)
    assert not ran, "refused before the block runs"
