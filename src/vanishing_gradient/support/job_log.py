"""Where a workflow job's messages go: the rule's ``log:`` file."""

import logging
import sys

# the first line of a job that ran out of memory, before Python's own message
OUT_OF_MEMORY = (
    "out of memory: this job needed more memory than it could get. A layer's width or the "
    "figures' dpi in config.yaml is too large for this machine: make it smaller, or run the "
    "job where it gets more memory (on SLURM, the rule's mem_mb resource)."
)


def log_to(path: str) -> None:
    """Send this process's log records (INFO and above, time-stamped) to ``path``, and an
        uncaught exception too, so the log says why a job failed, not only that it did. An exception
    of running out of memory is preceded, in the log and on stderr, by ``OUT_OF_MEMORY``.

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
        if issubclass(kind, MemoryError):
            sys.stderr.write(f"{OUT_OF_MEMORY}\n")
            logging.getLogger().error(OUT_OF_MEMORY)
        logging.getLogger().error("job failed: %s", error, exc_info=(kind, error, traceback))
        sys.__excepthook__(kind, error, traceback)

    sys.excepthook = log_then_raise
