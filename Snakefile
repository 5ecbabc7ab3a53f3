# Why are deep neural networks hard to train? Chapter 5 of Nielsen's
# "Neural Networks and Deep Learning", reproduced with several seeds.
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

min_version("9.0")

# The run's config is config.yaml in the working directory (--directory), or --configfile.
if not Path("config.yaml").exists() and not workflow.overwrite_configfiles:
    raise WorkflowError(
        f"there is no config.yaml in the working directory {Path.cwd()}. Copy the project's "
        f"there to change it (cp {Path(workflow.basedir, 'config.yaml')} {Path.cwd()}/), "
        f"or run with it as it is: --configfile {Path(workflow.basedir, 'config.yaml')}"
    )


configfile: "config.yaml"


validate(config, schema="workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/ablation.smk"
include: "workflow/rules/chain.smk"
include: "workflow/rules/depth_sweep.smk"
include: "workflow/rules/report.smk"
# after the report's rules: the default report lists the code of the rules defined before it
include: "workflow/rules/glorot.smk"


rule all:
    input:
        "results/report.md",
        "results/report.html",


rule chapter:
    # The chapter's experiment alone: its tables and figures, without the ablation.
    input:
        rules.aggregate_accuracy.output,
        rules.aggregate_speed.output,
        report_figures(REPORT_FIGURES),
