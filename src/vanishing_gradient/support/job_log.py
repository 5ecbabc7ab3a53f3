"""Where a workflow job's messages go: the rule's ``log:`` file."""

import logging
import sys


def log_to(path: str) -> None:
    """Send this process's log records (INFO and above, time-stamped) to ``path``, and an
    uncaught exception too, so the log says why a job failed, not only that it did.

    The file is started afresh: a job's log tells of its last attempt alone, so a failed
    rerun never sits below the lines of the earlier success it replaced."""
    logging.basicConfig(
        filename=path,
        filemode="w",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        force=True,
    )

    def log_then_raise(kind, error, traceback):
        logging.getLogger().error("job failed: %s", error, exc_info=(kind, error, traceback))
        sys.__excepthook__(kind, error, traceback)

    sys.excepthook = log_then_raise
