"""The report, results/report.md and .html, from the tables, figures and provenance."""

from pathlib import Path

import pandas as pd

from vanishing_gradient import provenance
from vanishing_gradient.job_log import log_to
from vanishing_gradient.report import markdown_to_html, render_report

log_to(snakemake.log[0])
config = snakemake.params.config
report_dir = Path(snakemake.output.markdown).parent
tables = {
    name: pd.read_csv(snakemake.input[name])
    for name in (
        "accuracy_summary",
        "accuracy_by_run",
        "depth_comparison",
        "speed_at_init",
        "speed_ratio",
    )
}
figures = {
    name: str(Path(path).relative_to(report_dir))
    for name, path in zip(snakemake.params.figures, snakemake.input.figures)
}
settings = {
    "seeds": config["seeds"],
    "protocol_a": config["accuracy"],
    "protocol_b": config["speed"],
    "validation_size": config["data"]["validation_size"],
}
origin = {
    "config": config,
    "data_checksums": {name: entry["sha256"] for name, entry in config["data"]["files"].items()},
    "packages": provenance.package_versions(),
    "git_commit": provenance.git_commit(snakemake.scriptdir),
    "run_date": provenance.run_date(),
}
markdown = render_report(tables, figures, origin, settings)
Path(snakemake.output.markdown).write_text(markdown)
Path(snakemake.output.html).write_text(
    markdown_to_html(markdown, title="Why are deep neural networks hard to train?")
)
