"""The report, results/report.md and .html, from the tables, figures and provenance."""

from pathlib import Path

import pandas as pd

from vanishing_gradient import provenance
from vanishing_gradient.job_log import log_to
from vanishing_gradient.report import markdown_to_html, render_report
from vanishing_gradient.report_beyond import render_beyond_section

log_to(snakemake.log[0])
config = snakemake.params.config
report_dir = Path(snakemake.output.markdown).parent


def tables_named(names):
    """The input tables of these names, keyed by name."""
    return {name: pd.read_csv(snakemake.input[name]) for name in names}


def figures_named(names, paths):
    """Figure paths relative to the report, keyed by figure name."""
    return {name: str(Path(path).relative_to(report_dir)) for name, path in zip(names, paths)}


chapter_tables = tables_named(
    ["accuracy_summary", "accuracy_by_run", "depth_comparison", "speed_at_init", "speed_ratio"]
)
beyond_tables = tables_named(
    [
        "ablation_accuracy_by_run",
        "ablation_accuracy_summary",
        "ablation_speed_ratio",
        "ablation_saturation_summary",
        "chain_summary",
        "chain_exploding",
        "unstable_width",
    ]
)
ablation = config["ablation"]
beyond = render_beyond_section(
    beyond_tables,
    figures_named(snakemake.params.beyond_figures, snakemake.input.beyond_figures),
    {
        "architecture": ablation["architecture"],
        "seeds": ablation["seeds"],
        "accuracy_epochs": ablation["accuracy_epochs"],
        "speed_epochs": ablation["speed_epochs"],
        "momentum": ablation["momentum"],
        "momentum_schedule": ablation["momentum_schedule"],
        "accuracy": config["accuracy"],
        "speed": config["speed"],
    },
)
settings = {
    "seeds": config["seeds"],
    "protocol_a": config["accuracy"],
    "protocol_b": config["speed"],
    "validation_size": config["data"]["validation_size"],
}
git_state = provenance.git_state(snakemake.scriptdir)
origin = {
    "config": config,
    "data_checksums": {name: entry["sha256"] for name, entry in config["data"]["files"].items()},
    "packages": provenance.package_versions(),
    "stages": provenance.stage_rows(
        provenance.read_run_records(snakemake.input.run_records),
        dict(snakemake.params.code_versions),
        git_state,
    ),
    "git_commit": git_state,
    "run_date": provenance.run_date(),
}
figures = figures_named(snakemake.params.figures, snakemake.input.figures)
markdown = render_report(chapter_tables, figures, origin, settings, beyond)
Path(snakemake.output.markdown).write_text(markdown)
Path(snakemake.output.html).write_text(
    markdown_to_html(markdown, title="Why are deep neural networks hard to train?")
)
