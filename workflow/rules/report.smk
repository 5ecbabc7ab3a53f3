# The report: results/report.md and its HTML rendering, built from the tables.

REPORT_FIGURES = [
    "sigmoid_derivative",
    "gradient_bars",
    "speed_of_learning_B",
    "speed_of_learning_A",
    "accuracy_vs_depth",
    "accuracy_vs_epoch",
]
BEYOND_FIGURES = [
    "variant_speed",
    "ratio_heatmap",
    "variant_accuracy",
    "saturation",
    "chain_vanishing",
    "chain_exploding",
    "unstable_width",
]


rule write_report:
    input:
        accuracy_summary="results/tables/accuracy_summary.csv",
        accuracy_by_run="results/tables/accuracy_by_run.csv",
        depth_comparison="results/tables/depth_comparison.csv",
        speed_at_init="results/tables/speed_at_init.csv",
        speed_ratio="results/tables/speed_ratio.csv",
        figures=expand("results/figures/{figure}.png", figure=REPORT_FIGURES),
        ablation_accuracy_by_run="results/ablation/tables/accuracy_by_run.csv",
        ablation_accuracy_summary="results/ablation/tables/accuracy_summary.csv",
        ablation_speed_ratio="results/ablation/tables/speed_ratio.csv",
        ablation_saturation_summary="results/ablation/tables/saturation_summary.csv",
        chain_summary="results/chain/chain_summary.csv",
        chain_exploding="results/chain/chain_exploding.csv",
        unstable_width="results/chain/unstable_width.csv",
        beyond_figures=expand("results/figures/{figure}.png", figure=BEYOND_FIGURES),
        run_records=accuracy_runs("provenance")
        + speed_runs("provenance")
        + ablation_runs("accuracy", "provenance")
        + ablation_runs("speed", "provenance"),
    output:
        markdown="results/report.md",
        html="results/report.html",
    log:
        "logs/write_report/report.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("write_report"),
        code_versions=code_versions(),
        figures=REPORT_FIGURES,
        beyond_figures=BEYOND_FIGURES,
        config=config,
    script:
        "../../scripts/write_report.py"
