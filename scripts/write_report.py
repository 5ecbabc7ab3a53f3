"""The report, results/report.md and .html, from the tables, figures, captions and provenance."""

from pathlib import Path

import pandas as pd

from vanishing_gradient import provenance
from vanishing_gradient.job_log import log_to
from vanishing_gradient.report.beyond import render_beyond
from vanishing_gradient.report.captions import render_caption
from vanishing_gradient.report.chapter import render_chapter
from vanishing_gradient.report.document import markdown_to_html, render_report

log_to(snakemake.log[0])
config = snakemake.params.config
report_dir = Path(snakemake.output.markdown).parent
wildcards = iter(snakemake.params.caption_wildcards)


def tables_named(names):
    """The input tables of these names, keyed by name."""
    return {name: pd.read_csv(snakemake.input[name]) for name in names}


def figures_named(names, paths, captions):
    """Per figure name: its path relative to the report and its rendered caption."""
    return {
        name: {
            "path": str(Path(path).relative_to(report_dir)),
            "caption": render_caption(caption, config, next(wildcards)),
        }
        for name, path, caption in zip(names, paths, captions, strict=True)
    }


chapter_figures = figures_named(
    snakemake.params.figures, snakemake.input.figures, snakemake.params.captions
)
beyond_figures = figures_named(
    snakemake.params.beyond_figures,
    snakemake.input.beyond_figures,
    snakemake.params.beyond_captions,
)
chapter = render_chapter(
    tables_named(["accuracy_summary", "depth_comparison", "speed_at_init", "speed_ratio"]),
    chapter_figures,
    {
        "seeds": config["seeds"],
        "protocol_a": config["accuracy"],
        "protocol_b": config["speed"],
        "validation_size": config["data"]["validation_size"],
    },
)
beyond = render_beyond(
    tables_named(
        [
            "ablation_accuracy_summary",
            "ablation_speed_ratio",
            "ablation_saturation_summary",
            "ablation_saturation_check",
            "variant_comparison",
            "chain_summary",
            "chain_exploding",
            "unstable_width",
            "depth_sweep_summary",
            "per_layer_factor",
        ]
    ),
    beyond_figures,
    {
        **config["ablation"],
        "accuracy": config["accuracy"],
        "speed": config["speed"],
        "depth_sweep": config["depth_sweep"],
        "chain": config["chain"],
    },
)
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
markdown = render_report(chapter, beyond, origin)
Path(snakemake.output.markdown).write_text(markdown)
Path(snakemake.output.html).write_text(
    markdown_to_html(markdown, title="Why are deep neural networks hard to train?")
)
