# Why are deep neural networks hard to train? Chapter 5 of Nielsen's
# "Neural Networks and Deep Learning", reproduced with several seeds.
from snakemake.utils import min_version, validate

min_version("9.0")


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
