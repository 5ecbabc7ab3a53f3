"""A job's log: what it says, and that a rerun replaces it."""

import logging
import sys

import pytest

from vanishing_gradient.support.job_log import log_to


@pytest.fixture
def restore_logging():
    """``log_to`` configures the whole process: put the root logger and the hook back."""
    root = logging.getLogger()
    hook, handlers, level = sys.excepthook, root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    sys.excepthook = hook


def test_a_rerun_starts_its_log_afresh(tmp_path, restore_logging):
    log = tmp_path / "seed1.log"
    log_to(str(log))
    logging.info("first attempt: test accuracy 96.5 %")
    log_to(str(log))
    logging.error("second attempt diverged")
    logging.shutdown()
    text = log.read_text()
    assert "second attempt diverged" in text and "first attempt" not in text


def test_an_uncaught_error_is_logged_with_its_message(tmp_path, restore_logging, capsys):
    log = tmp_path / "seed1.log"
    log_to(str(log))
    try:
        raise RuntimeError("784-30-10 seed 1 diverged in epoch 1")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "job failed: 784-30-10 seed 1 diverged in epoch 1" in log.read_text()
