# Tidy tables across runs: the per-run CSVs concatenated, and their summaries across seeds.


rule aggregate_accuracy:
    input:
        epochs=accuracy_runs("epochs"),
        test=accuracy_runs("test"),
        saturation=accuracy_runs("saturation"),
    output:
        by_epoch=report(
            "results/tables/accuracy_by_epoch.csv",
            caption=caption("accuracy_by_epoch"),
            category="Tables",
        ),
        by_run="results/tables/accuracy_by_run.csv",
        summary=report(
            "results/tables/accuracy_summary.csv",
            caption=caption("accuracy_summary"),
            category="Tables",
        ),
        depth_comparison=report(
            "results/tables/depth_comparison.csv",
            caption=caption("depth_comparison"),
            category="Tables",
        ),
        saturation="results/tables/saturation.csv",
    log:
        "logs/aggregate_accuracy/tables.log",
    params:
        code=script_code("aggregate_accuracy"),
        epochs={"A": config["accuracy"]["epochs"]},
    script:
        "../../scripts/aggregate_accuracy.py"


rule aggregate_speed:
    input:
        accuracy_speed=accuracy_runs("speed"),
        speed=speed_runs("speed"),
        gradient_at_init=speed_runs("gradient_at_init"),
    output:
        speed=report(
            "results/tables/speed_of_learning.csv",
            caption=caption("speed_of_learning_table"),
            category="Tables",
        ),
        summary="results/tables/speed_summary.csv",
        at_init=report(
            "results/tables/speed_at_init.csv",
            caption=caption("speed_at_init"),
            category="Tables",
        ),
        ratio=report(
            "results/tables/speed_ratio.csv",
            caption=caption("speed_ratio"),
            category="Tables",
        ),
        gradient_at_init=report(
            "results/tables/gradient_at_init.csv",
            caption=caption("gradient_at_init"),
            category="Tables",
        ),
    log:
        "logs/aggregate_speed/tables.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("aggregate_speed"),
        epochs={"A": config["accuracy"]["epochs"], "B": config["speed"]["epochs"]},
    script:
        "../../scripts/aggregate_speed.py"
