"""What a reader needs to trust a result: which code made it, packages, date."""

import csv
import subprocess
from collections import Counter
from datetime import datetime, timezone
from importlib import metadata

PACKAGES = ("vanishing-gradient", "numpy", "pandas", "scipy", "matplotlib", "snakemake")
RUN_RECORD_COLUMNS = ["rule", "code_version", "git_commit", "modified"]


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution, or "not installed"."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(directory: str) -> tuple[str, bool]:
    """The commit checked out at ``directory`` and whether its tracked files have uncommitted
    changes; ``("unknown (not a git checkout)", False)`` outside a git checkout."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", directory, *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        return git("rev-parse", "HEAD"), bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)", False


def write_run_record(path: str, rule: str, code_version: str, directory: str) -> None:
    """One run's record of the code that made it, a one-row CSV of RUN_RECORD_COLUMNS: the
    rule, its code version (``code_version``) and the git state of ``directory``."""
    commit, modified = git_state(directory)
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(RUN_RECORD_COLUMNS)
        writer.writerow([rule, code_version, commit, modified])


def read_run_records(paths: list[str]) -> list[dict]:
    """The records ``write_run_record`` wrote at ``paths``, ``modified`` as a bool."""
    records = []
    for path in paths:
        with open(path, newline="") as file:
            for row in csv.DictReader(file):
                records.append({**row, "modified": row["modified"] == "True"})
    return records


def stage_rows(
    run_records: list[dict], code_versions: dict[str, str], report_state: tuple[str, bool]
) -> list[dict]:
    """Per stage (rule), the code that made its results, as rows ``stage, code_version,
    git_commit, modified, runs, recorded``, sorted. A training stage has a row per distinct
    record of its runs (``run_records``), ``recorded`` "by each run". Any other stage has the
    version of its code in this workflow (``code_versions``, rule -> version; the stage reruns
    whenever it changes, so its outputs were made by it) and the git state of the report's
    run (``report_state``), ``recorded`` "at report time"."""
    counts = Counter(
        tuple(record[column] for column in RUN_RECORD_COLUMNS) for record in run_records
    )
    rows = [
        {
            **dict(zip(["stage", *RUN_RECORD_COLUMNS[1:]], key)),
            "runs": runs,
            "recorded": "by each run",
        }
        for key, runs in counts.items()
    ]
    recorded = {row["stage"] for row in rows}
    commit, modified = report_state
    rows += [
        {
            "stage": rule,
            "code_version": version,
            "git_commit": commit,
            "modified": modified,
            "runs": None,
            "recorded": "at report time",
        }
        for rule, version in code_versions.items()
        if rule not in recorded
    ]
    return sorted(rows, key=lambda row: (row["stage"], row["code_version"], row["git_commit"]))


def run_date() -> str:
    """Now, in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
