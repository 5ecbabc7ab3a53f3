"""What a workflow run's jobs cost, per rule, from Snakemake's ``benchmark:`` files.

    python -m vanishing_gradient.support.job_costs results/benchmarks

Every rule that declares ``benchmark: "results/benchmarks/<rule>/..."`` leaves one
tab-separated file per job, with its wall seconds ``s``, processor seconds ``cpu_time`` and
peak resident memory ``max_rss`` (MB). Per rule this prints the number of jobs, the sum and
the median of their wall seconds, the sum of their processor seconds and the largest peak
resident memory (what a rule's ``mem_mb`` is set from), then the totals.

A training rule's job is a client that has its run done in a fork of the warm process
(``experiments.warm_runs``): its benchmark counts the client alone, and its wall seconds are the
run's. The run's own processor seconds are the last line of its log.
"""

import argparse
from pathlib import Path

import pandas as pd

COLUMNS = ["jobs", "wall_s", "median_wall_s", "processor_s", "max_rss_mb"]


def job_costs(folder: Path) -> pd.DataFrame:
    """One row per rule (the first folder below ``folder``) with COLUMNS, largest processor
    sum first; raises FileNotFoundError naming ``folder`` if it holds no benchmark file."""
    files = sorted(Path(folder).rglob("*.tsv"))
    if not files:
        raise FileNotFoundError(
            f"no benchmark files (*.tsv) under {folder}: run the workflow first, or name the "
            "folder its rules write their benchmark: files to"
        )
    runs = pd.concat(
        pd.read_csv(path, sep="\t").assign(rule=path.relative_to(folder).parts[0]) for path in files
    )
    return (
        runs.groupby("rule")
        .agg(
            jobs=("s", "size"),
            wall_s=("s", "sum"),
            median_wall_s=("s", "median"),
            processor_s=("cpu_time", "sum"),
            max_rss_mb=("max_rss", "max"),
        )
        .sort_values("processor_s", ascending=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the folder of benchmark files")
    costs = job_costs(parser.parse_args().folder)
    total = costs[["jobs", "wall_s", "processor_s"]].sum()
    total["max_rss_mb"] = costs["max_rss_mb"].max()
    print(pd.concat([costs, total.to_frame("all rules").T]).round(1).to_string(na_rep=""))


if __name__ == "__main__":
    main()
