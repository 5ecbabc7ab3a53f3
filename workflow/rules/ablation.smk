# Beyond the chapter: variants of the deep network, trained by both protocols, their
# tables and figures. Nothing here is an input of the chapter's experiment.


# The chapter's training rules (train.smk) with another output folder: a variant of the
# ablation's network at a learning rate.
use rule train_for_accuracy as train_variant_for_accuracy with:
    output:
        **run_files("results/ablation/accuracy/{variant}/eta{eta}", ACCURACY_RUN_TABLES),
    log:
        "logs/train_variant_for_accuracy/{variant}/eta{eta}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_variant_for_accuracy/{variant}/eta{eta}/seed{seed}.tsv"
    params:
        architecture=config["ablation"]["architecture"],
        variant=variant_settings,
        protocol=lambda wildcards: protocol_params(
            "accuracy", epochs=config["ablation"]["accuracy_epochs"], eta=wildcards.eta
        ),


use rule train_for_speed as train_variant_for_speed with:
    output:
        **run_files("results/ablation/speed/{variant}/eta{eta}", SPEED_RUN_TABLES),
    log:
        "logs/train_variant_for_speed/{variant}/eta{eta}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_variant_for_speed/{variant}/eta{eta}/seed{seed}.tsv"
    params:
        architecture=config["ablation"]["architecture"],
        variant=variant_settings,
        protocol=lambda wildcards: protocol_params(
            "speed", epochs=config["ablation"]["speed_epochs"], eta=wildcards.eta
        ),


rule search_learning_rate:
    # One run of a variant's learning-rate search: protocol A at one eta of its grid with
    # one selection seed; a run that diverges is recorded as such.
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        run="results/ablation/search/{variant}/eta{eta}/seed{seed}.csv",
        provenance="results/ablation/search/{variant}/eta{eta}/seed{seed}.provenance.csv",
    log:
        "logs/search_learning_rate/{variant}/eta{eta}/seed{seed}.log",
    benchmark:
        "results/benchmarks/search_learning_rate/{variant}/eta{eta}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=training_memory_mb,
        runtime="60m",
        run_slot=1,
    params:
        code=script_code("search_learning_rate"),
        job=warm_job("search_learning_rate"),
        architecture=config["ablation"]["architecture"],
        variant=variant_settings,
        protocol=lambda wildcards: protocol_params(
            "accuracy", epochs=config["ablation"]["accuracy_epochs"], eta=wildcards.eta
        ),
        probe_size=config["accuracy"]["probe_size"],
        train_cost_size=config["accuracy"]["train_cost_size"],
    script:
        WARM_RUN


checkpoint select_learning_rates:
    # A checkpoint: which runs the tuned setting trains is known once it is written.
    input:
        runs=search_runs(),
    output:
        runs="results/ablation/tables/search_runs.csv",
        table=report(
            "results/ablation/tables/learning_rates.csv",
            caption=caption("learning_rates_table"),
            category="Beyond the chapter",
        ),
    log:
        "logs/select_learning_rates/tables.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("select_learning_rates"),
        epochs={"A": config["ablation"]["accuracy_epochs"]},
        default_etas=lambda wildcards: sorted(
            (variant, float(eta)) for variant, eta in book_etas("accuracy").items()
        ),
    script:
        "../../scripts/select_learning_rates.py"


rule aggregate_ablation:
    input:
        epochs=lambda wildcards: ablation_runs("accuracy", "epochs", wildcards.setting),
        test=lambda wildcards: ablation_runs("accuracy", "test", wildcards.setting),
        accuracy_speed=lambda wildcards: ablation_runs("accuracy", "speed", wildcards.setting),
        saturation=lambda wildcards: ablation_runs("accuracy", "saturation", wildcards.setting),
        speed=lambda wildcards: ablation_runs("speed", "speed", wildcards.setting),
    output:
        accuracy_by_run="results/ablation/tables/{setting}/accuracy_by_run.csv",
        accuracy_summary=report(
            "results/ablation/tables/{setting}/accuracy_summary.csv",
            caption=caption("ablation_accuracy"),
            category="Beyond the chapter",
        ),
        speed="results/ablation/tables/{setting}/speed_of_learning.csv",
        speed_summary="results/ablation/tables/{setting}/speed_summary.csv",
        speed_ratio=report(
            "results/ablation/tables/{setting}/speed_ratio.csv",
            caption=caption("ablation_ratio"),
            category="Beyond the chapter",
        ),
        saturation="results/ablation/tables/{setting}/saturation.csv",
        saturation_summary="results/ablation/tables/{setting}/saturation_summary.csv",
        saturation_check="results/ablation/tables/{setting}/saturation_check.csv",
        variant_comparison=report(
            "results/ablation/tables/{setting}/variant_comparison.csv",
            caption=caption("variant_comparison"),
            category="Beyond the chapter",
        ),
    log:
        "logs/aggregate_ablation/{setting}.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("aggregate_ablation"),
        epochs={
            "A": config["ablation"]["accuracy_epochs"],
            "B": config["ablation"]["speed_epochs"],
        },
        baseline=ablation_baseline(),
    script:
        "../../scripts/aggregate_ablation.py"


rule compare_settings:
    input:
        book=setting_table("variant_comparison", "book"),
        tuned=setting_table("variant_comparison", "tuned"),
    output:
        changes=report(
            "results/ablation/tables/verdict_changes.csv",
            caption=caption("verdict_changes"),
            category="Beyond the chapter",
        ),
    log:
        "logs/compare_settings/tables.log",
    params:
        code=script_code("compare_settings"),
    script:
        "../../scripts/compare_settings.py"


rule plot_learning_rates:
    input:
        runs=rules.select_learning_rates.output.runs,
        table=rules.select_learning_rates.output.table,
    output:
        learning_rates=report(
            figure_files("learning_rates"),
            caption=caption("learning_rates"),
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_learning_rates/figure.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("plot_learning_rates"),
        dpi=config["figures"]["dpi"],
        baseline=ablation_baseline(),
    script:
        "../../scripts/plot_learning_rates.py"


rule plot_ablation:
    input:
        accuracy_by_run=rules.aggregate_ablation.output.accuracy_by_run,
        accuracy_summary=rules.aggregate_ablation.output.accuracy_summary,
        speed_summary=rules.aggregate_ablation.output.speed_summary,
        speed_ratio=rules.aggregate_ablation.output.speed_ratio,
        saturation_summary=rules.aggregate_ablation.output.saturation_summary,
    output:
        variant_speed=report(
            figure_files("variant_speed_{setting}"),
            caption=caption("variant_speed"),
            category="Beyond the chapter",
        ),
        ratio_heatmap=report(
            figure_files("ratio_heatmap_{setting}"),
            caption=caption("ratio_heatmap"),
            category="Beyond the chapter",
        ),
        variant_accuracy=report(
            figure_files("variant_accuracy_{setting}"),
            caption=caption("variant_accuracy"),
            category="Beyond the chapter",
        ),
        saturation=report(
            figure_files("saturation_{setting}"),
            caption=caption("saturation"),
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_ablation/{setting}.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("plot_ablation"),
        dpi=config["figures"]["dpi"],
        baseline=ablation_baseline(),
    script:
        "../../scripts/plot_ablation.py"
