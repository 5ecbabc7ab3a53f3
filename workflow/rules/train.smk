# Training: protocol A (accuracy) and protocol B (speed of learning), one job per run.


rule train_for_accuracy:
    input:
        split=rules.prepare_mnist.output.split,
    output:
        epochs="results/accuracy/{architecture}/seed{seed}.epochs.csv",
        speed="results/accuracy/{architecture}/seed{seed}.speed.csv",
        saturation="results/accuracy/{architecture}/seed{seed}.saturation.csv",
        test="results/accuracy/{architecture}/seed{seed}.test.csv",
        provenance="results/accuracy/{architecture}/seed{seed}.provenance.csv",
    log:
        "logs/train_for_accuracy/{architecture}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_for_accuracy/{architecture}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 400 * attempt,
        runtime="60m",
    params:
        code=script_code("train_for_accuracy"),
        architecture=lambda wildcards: wildcards.architecture,
        variant=BOOK_VARIANT,
        protocol=protocol_params("accuracy"),
        probe_size=config["accuracy"]["probe_size"],
        train_cost_size=config["accuracy"]["train_cost_size"],
    script:
        "../../scripts/train_for_accuracy.py"


rule train_for_speed:
    input:
        split=rules.prepare_mnist.output.split,
    output:
        speed="results/speed/{architecture}/seed{seed}.speed.csv",
        gradient_at_init="results/speed/{architecture}/seed{seed}.gradient_at_init.csv",
        provenance="results/speed/{architecture}/seed{seed}.provenance.csv",
    log:
        "logs/train_for_speed/{architecture}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_for_speed/{architecture}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 400 * attempt,
        runtime="30m",
    params:
        code=script_code("train_for_speed"),
        architecture=lambda wildcards: wildcards.architecture,
        variant=BOOK_VARIANT,
        protocol=protocol_params("speed"),
    script:
        "../../scripts/train_for_speed.py"
