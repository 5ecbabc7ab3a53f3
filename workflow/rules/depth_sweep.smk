# Beyond the chapter: how fast the gradient vanishes per added hidden layer. One job per
# variant x seed trains every depth (a job's fixed cost is paid once, not per depth).


rule sweep_depth:
    input:
        split=rules.prepare_mnist.output.split,
        kernels=rules.compile_kernels.output.record,
    output:
        speed="results/depth_sweep/{variant}/seed{seed}.speed.csv",
        factors="results/depth_sweep/{variant}/seed{seed}.factors.csv",
        provenance="results/depth_sweep/{variant}/seed{seed}.provenance.csv",
    log:
        "logs/sweep_depth/{variant}/seed{seed}.log",
    benchmark:
        "results/benchmarks/sweep_depth/{variant}/seed{seed}.tsv"
    threads: 1
    resources:
        mem_mb=training_memory_mb,
        runtime="30m",
    params:
        code=script_code("sweep_depth"),
        job=warm_job("sweep_depth"),
        hidden_layers=sorted(config["depth_sweep"]["hidden_layers"]),
        width=config["depth_sweep"]["width"],
        variant=variant_params,
        speed=protocol_params("speed", epochs=config["depth_sweep"]["speed_epochs"]),
        accuracy=protocol_params(
            "accuracy",
            epochs=config["depth_sweep"]["accuracy_epochs"],
            training_size=config["depth_sweep"]["accuracy_training_size"],
        ),
        probe_size=config["accuracy"]["probe_size"],
    script:
        WARM_RUN


rule aggregate_depth_sweep:
    input:
        speed=depth_sweep_runs("speed"),
        factors=depth_sweep_runs("factors"),
        chain_summary=rules.simulate_neuron_chain.output.summary,
    output:
        by_run=report(
            "results/depth_sweep/tables/depth_sweep.csv",
            caption=caption("depth_sweep_table"),
            category="Beyond the chapter",
        ),
        summary="results/depth_sweep/tables/depth_sweep_summary.csv",
        per_layer_factor=report(
            "results/depth_sweep/tables/per_layer_factor.csv",
            caption=caption("per_layer_factor"),
            category="Beyond the chapter",
        ),
    log:
        "logs/aggregate_depth_sweep/tables.log",
    params:
        code=script_code("aggregate_depth_sweep"),
        book_variant=BOOK_VARIANT["name"],
        epochs={
            "A": config["depth_sweep"]["accuracy_epochs"],
            "B": config["depth_sweep"]["speed_epochs"],
        },
        architectures=[
            sweep_architecture(layers, config["depth_sweep"]["width"])
            for layers in sorted(config["depth_sweep"]["hidden_layers"])
        ],
    script:
        "../../scripts/aggregate_depth_sweep.py"


rule plot_depth_sweep:
    input:
        summary=rules.aggregate_depth_sweep.output.summary,
        per_layer_factor=rules.aggregate_depth_sweep.output.per_layer_factor,
    output:
        report(
            figure_files("depth_sweep"),
            caption=caption("depth_sweep"),
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_depth_sweep/figure.log",
    params:
        code=script_code("plot_depth_sweep"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_depth_sweep.py"
