# The chain of single neurons: vanishing, exploding, and how narrow the stable region is.


rule simulate_neuron_chain:
    output:
        summary="results/chain/chain_summary.csv",
        exploding="results/chain/chain_exploding.csv",
        unstable_width="results/chain/unstable_width.csv",
    log:
        "logs/simulate_neuron_chain/chain.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("simulate_neuron_chain"),
        max_depth=config["chain"]["max_depth"],
        samples=config["chain"]["samples"],
        seed=config["chain"]["seed"],
        weight_scale=config["chain"]["weight_scale"],
        exploding_weight=config["chain"]["exploding_weight"],
    script:
        "../../scripts/simulate_neuron_chain.py"


rule plot_neuron_chain:
    input:
        summary="results/chain/chain_summary.csv",
        exploding="results/chain/chain_exploding.csv",
        unstable_width="results/chain/unstable_width.csv",
    output:
        vanishing=report(
            figure_files("chain_vanishing"),
            caption="../report/chain_vanishing.rst",
            category="Beyond the chapter",
        ),
        exploding=report(
            figure_files("chain_exploding"),
            caption="../report/chain_exploding.rst",
            category="Beyond the chapter",
        ),
        unstable_width=report(
            figure_files("unstable_width"),
            caption="../report/unstable_width.rst",
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_neuron_chain/figures.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_neuron_chain"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_neuron_chain.py"
