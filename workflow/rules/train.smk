# Training: protocol A (accuracy) and protocol B (speed of learning), one job per run.


rule compile_kernels:
    # numba's cache of the trainers' compiled loops, filled once before any training job
    # starts, so that no two jobs compile the same loop. The record is named by the version
    # of the kernels' code, which every training job's code version includes: a new version
    # is a new record, and the training jobs it reruns would rerun anyway; an edit to this
    # warm-up alone (or a comment in a kernel) names no new record and reruns nothing.
    output:
        record=f"results/kernels/{kernels_version()}.csv",
    log:
        "logs/compile_kernels.log",
    benchmark:
        f"results/benchmarks/compile_kernels/{kernels_version()}.tsv"
    threads: 1
    resources:
        mem_mb=training_memory_mb,
        runtime="20m",
    script:
        "../../scripts/compile_kernels.py"


rule train_for_accuracy:
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        **run_files("results/accuracy/{architecture}", ACCURACY_RUN_TABLES),
    log:
        "logs/train_for_accuracy/{architecture}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_for_accuracy/{architecture}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=training_memory_mb,
        runtime="60m",
        # One of a SLURM job's run slots (profiles/slurm gives each job one): a group of
        # training runs then asks for one run's CPU and memory, whatever --cores says.
        run_slot=1,
    params:
        code=script_code("train_for_accuracy"),
        job=warm_job("train_for_accuracy"),
        architecture=lambda wildcards: wildcards.architecture,
        variant=BOOK_VARIANT,
        protocol=protocol_params("accuracy"),
        probe_size=config["accuracy"]["probe_size"],
        train_cost_size=config["accuracy"]["train_cost_size"],
    script:
        WARM_RUN


rule train_for_speed:
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        **run_files("results/speed/{architecture}", SPEED_RUN_TABLES),
    log:
        "logs/train_for_speed/{architecture}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train_for_speed/{architecture}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=training_memory_mb,
        runtime="30m",
        run_slot=1,
    params:
        code=script_code("train_for_speed"),
        job=warm_job("train_for_speed"),
        architecture=lambda wildcards: wildcards.architecture,
        variant=BOOK_VARIANT,
        protocol=protocol_params("speed"),
    script:
        WARM_RUN
