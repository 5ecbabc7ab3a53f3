# Beyond the chapter: variants of the deep network, trained by both protocols, their
# tables and figures. Nothing here is an input of the chapter's experiment.


rule train_variant_for_accuracy:
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        epochs="results/ablation/accuracy/{variant}/seed{seed}.epochs.csv",
        speed="results/ablation/accuracy/{variant}/seed{seed}.speed.csv",
        saturation="results/ablation/accuracy/{variant}/seed{seed}.saturation.csv",
        test="results/ablation/accuracy/{variant}/seed{seed}.test.csv",
        provenance="results/ablation/accuracy/{variant}/seed{seed}.provenance.csv",
    log:
        "logs/train_variant_for_accuracy/{variant}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_variant_for_accuracy/{variant}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 400 * attempt,
        runtime="60m",
        run_slot=1,
    params:
        code=script_code("train_for_accuracy"),
        architecture=config["ablation"]["architecture"],
        variant=variant_params,
        protocol=protocol_params("accuracy", epochs=config["ablation"]["accuracy_epochs"]),
        probe_size=config["accuracy"]["probe_size"],
        train_cost_size=config["accuracy"]["train_cost_size"],
    script:
        "../../scripts/train_for_accuracy.py"


rule train_variant_for_speed:
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        speed="results/ablation/speed/{variant}/seed{seed}.speed.csv",
        gradient_at_init="results/ablation/speed/{variant}/seed{seed}.gradient_at_init.csv",
        provenance="results/ablation/speed/{variant}/seed{seed}.provenance.csv",
    log:
        "logs/train_variant_for_speed/{variant}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_variant_for_speed/{variant}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 400 * attempt,
        runtime="30m",
        run_slot=1,
    params:
        code=script_code("train_for_speed"),
        architecture=config["ablation"]["architecture"],
        variant=variant_params,
        protocol=protocol_params("speed", epochs=config["ablation"]["speed_epochs"]),
    script:
        "../../scripts/train_for_speed.py"


rule aggregate_ablation:
    input:
        epochs=ablation_runs("accuracy", "epochs"),
        test=ablation_runs("accuracy", "test"),
        accuracy_speed=ablation_runs("accuracy", "speed"),
        saturation=ablation_runs("accuracy", "saturation"),
        speed=ablation_runs("speed", "speed"),
    output:
        accuracy_by_run="results/ablation/tables/accuracy_by_run.csv",
        accuracy_summary=report(
            "results/ablation/tables/accuracy_summary.csv",
            caption=caption("ablation_accuracy"),
            category="Beyond the chapter",
        ),
        speed="results/ablation/tables/speed_of_learning.csv",
        speed_summary="results/ablation/tables/speed_summary.csv",
        speed_ratio=report(
            "results/ablation/tables/speed_ratio.csv",
            caption=caption("ablation_ratio"),
            category="Beyond the chapter",
        ),
        saturation="results/ablation/tables/saturation.csv",
        saturation_summary="results/ablation/tables/saturation_summary.csv",
        saturation_check="results/ablation/tables/saturation_check.csv",
        variant_comparison=report(
            "results/ablation/tables/variant_comparison.csv",
            caption=caption("variant_comparison"),
            category="Beyond the chapter",
        ),
    log:
        "logs/aggregate_ablation/tables.log",
    resources:
        mem_mb=1000,
        runtime="5m",
    params:
        code=script_code("aggregate_ablation"),
        baseline=ablation_baseline(),
    script:
        "../../scripts/aggregate_ablation.py"


rule plot_ablation:
    input:
        accuracy_by_run=rules.aggregate_ablation.output.accuracy_by_run,
        accuracy_summary=rules.aggregate_ablation.output.accuracy_summary,
        speed_summary=rules.aggregate_ablation.output.speed_summary,
        speed_ratio=rules.aggregate_ablation.output.speed_ratio,
        saturation_summary=rules.aggregate_ablation.output.saturation_summary,
    output:
        variant_speed=report(
            figure_files("variant_speed"),
            caption=caption("variant_speed"),
            category="Beyond the chapter",
        ),
        ratio_heatmap=report(
            figure_files("ratio_heatmap"),
            caption=caption("ratio_heatmap"),
            category="Beyond the chapter",
        ),
        variant_accuracy=report(
            figure_files("variant_accuracy"),
            caption=caption("variant_accuracy"),
            category="Beyond the chapter",
        ),
        saturation=report(
            figure_files("saturation"),
            caption=caption("saturation"),
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_ablation/figures.log",
    resources:
        mem_mb=1000,
        runtime="5m",
    params:
        code=script_code("plot_ablation"),
        dpi=config["figures"]["dpi"],
        baseline=ablation_baseline(),
    script:
        "../../scripts/plot_ablation.py"
