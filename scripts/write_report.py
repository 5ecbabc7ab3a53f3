"""The report, results/report.md and .html, from the tables, figures, captions and provenance."""

from pathlib import Path

from vanishing_gradient.report.assemble import figures_named, markdown
from vanishing_gradient.report.document import markdown_to_html
from vanishing_gradient.support import provenance
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
config, params = snakemake.params.config, snakemake.params
report_dir = Path(snakemake.output.markdown).parent
wildcards = iter(params.caption_wildcards)
chapter_figures = figures_named(
    params.figures, snakemake.input.figures, params.captions, wildcards, config, report_dir
)
beyond_figures = figures_named(
    params.beyond_figures,
    snakemake.input.beyond_figures,
    params.beyond_captions,
    wildcards,
    config,
    report_dir,
)
git_state = provenance.git_state(snakemake.scriptdir)
origin = {
    "config": config,
    "data_checksums": {name: entry["sha256"] for name, entry in config["data"]["files"].items()},
    "packages": provenance.package_versions(),
    "stages": provenance.stage_rows(
        provenance.read_run_records(snakemake.input.run_records),
        dict(params.code_versions),
        git_state,
    ),
    "git_commit": git_state,
    "run_date": provenance.run_date(),
}
text = markdown(snakemake.input, chapter_figures, beyond_figures, config, origin)
Path(snakemake.output.markdown).write_text(text)
Path(snakemake.output.html).write_text(
    markdown_to_html(text, title="Why are deep neural networks hard to train?")
)
