# Glorot & Bengio (2010) in their own setting: their Table 1 and their saturation test at
# their width (the glorot section of config.yaml). The target `glorot` alone asks for these;
# nothing here is an input of the default run.


# The ablation's search run (ablation.smk) on the target's network, with its own budget.
use rule search_learning_rate as search_glorot_learning_rate with:
    output:
        run="results/glorot/search/{variant}/eta{eta}/seed{seed}.csv",
        provenance="results/glorot/search/{variant}/eta{eta}/seed{seed}.provenance.csv",
    log:
        "logs/search_glorot_learning_rate/{variant}/eta{eta}/seed{seed}.log",
    benchmark:
        "results/benchmarks/search_glorot_learning_rate/{variant}/eta{eta}/seed{seed}.tsv"
    resources:
        mem_mb=glorot_memory_mb,
        runtime=glorot_runtime,
        run_slot=1,
    params:
        architecture=glorot_architecture("hidden_layers"),
        variant=variant_settings,
        protocol=lambda wildcards: glorot_protocol(wildcards.eta),


checkpoint select_glorot_learning_rates:
    # A checkpoint: which runs the table trains is known once it is written.
    input:
        runs=glorot_search_runs(),
    output:
        runs="results/glorot/tables/search_runs.csv",
        table="results/glorot/tables/learning_rates.csv",
    log:
        "logs/select_glorot_learning_rates/tables.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("select_learning_rates"),
        epochs={"A": config["glorot"]["epochs"]},
        default_etas=sorted((model, float(eta)) for model, eta in glorot_default_etas().items()),
    script:
        "../../scripts/select_learning_rates.py"


# The chapter's protocol A run (train.smk) on the target's networks, at a learning rate.
use rule train_for_accuracy as train_glorot_for_accuracy with:
    output:
        **run_files(
            "results/glorot/accuracy/{architecture}/{variant}/eta{eta}", ACCURACY_RUN_TABLES
        ),
    log:
        "logs/train_glorot_for_accuracy/{architecture}/{variant}/eta{eta}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_glorot_for_accuracy/{architecture}/{variant}/eta{eta}/seed{seed}.tsv"
    resources:
        mem_mb=glorot_memory_mb,
        runtime=glorot_runtime,
        run_slot=1,
    params:
        architecture=lambda wildcards: wildcards.architecture,
        variant=variant_settings,
        protocol=lambda wildcards: glorot_protocol(wildcards.eta),


rule aggregate_glorot:
    input:
        test=lambda wildcards: glorot_table_runs("test"),
        saturation=lambda wildcards: glorot_saturation_runs("saturation"),
        learning_rates=rules.select_glorot_learning_rates.output.table,
    output:
        test_errors="results/glorot/tables/test_errors.csv",
        orderings="results/glorot/tables/orderings.csv",
        saturation_check="results/glorot/tables/saturation_check.csv",
        updates="results/glorot/tables/updates.csv",
    log:
        "logs/aggregate_glorot/tables.log",
    resources:
        mem_mb=1000,
    params:
        code=script_code("aggregate_glorot"),
        epochs={"A": config["glorot"]["epochs"]},
        training_size=config["accuracy"]["training_size"],
        mini_batch_size=config["accuracy"]["mini_batch_size"],
    script:
        "../../scripts/aggregate_glorot.py"


rule write_glorot_report:
    input:
        test_errors=rules.aggregate_glorot.output.test_errors,
        orderings=rules.aggregate_glorot.output.orderings,
        saturation_check=rules.aggregate_glorot.output.saturation_check,
        updates=rules.aggregate_glorot.output.updates,
    output:
        markdown="results/glorot/report.md",
    log:
        "logs/write_glorot_report/report.log",
    params:
        code=script_code("write_glorot_report"),
        budget=glorot_budget(),
        # the report's words (vanishing_gradient.report.glorot): editing them rewrites it
        prose=lambda wildcards: glorot_template_text(),
    script:
        "../../scripts/write_glorot_report.py"


rule glorot:
    # Glorot & Bengio's Table 1 and saturation test at their width: not part of `all`.
    input:
        rules.write_glorot_report.output.markdown,
