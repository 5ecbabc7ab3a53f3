"""A job's log: what it says, and that a rerun replaces it."""

import logging
import subprocess
import sys

import pytest

from vanishing_gradient.support.job_log import OUT_OF_MEMORY, log_to


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


def test_a_job_out_of_memory_says_so_on_its_first_line(tmp_path):
    """A job that asks numpy for more memory than there is: its first line on stderr, and in
    its log, names the cause and the fix before Python's traceback."""
    log = tmp_path / "figure.log"
    job = (
        "import numpy as np\n"
        "from vanishing_gradient.support.job_log import log_to\n"
        f"log_to({str(log)!r})\n"
        "np.empty((10**8, 10**8))\n"
    )
    done = subprocess.run([sys.executable, "-c", job], capture_output=True, text=True)
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == OUT_OF_MEMORY
    assert "Unable to allocate" in done.stderr
    assert OUT_OF_MEMORY in log.read_text()
