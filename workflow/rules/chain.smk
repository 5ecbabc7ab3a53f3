# The chain of single neurons: vanishing, exploding, and how narrow the stable region is.


rule simulate_neuron_chain:
    output:
        summary="results/chain/chain_summary.csv",
        exploding="results/chain/chain_exploding.csv",
        unstable_width="results/chain/unstable_width.csv",
    log:
        "logs/simulate_neuron_chain/chain.log",
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
        summary=rules.simulate_neuron_chain.output.summary,
        exploding=rules.simulate_neuron_chain.output.exploding,
        unstable_width=rules.simulate_neuron_chain.output.unstable_width,
    output:
        vanishing=report(
            figure_files("chain_vanishing"),
            caption=caption("chain_vanishing"),
            category="Beyond the chapter",
        ),
        exploding=report(
            figure_files("chain_exploding"),
            caption=caption("chain_exploding"),
            category="Beyond the chapter",
        ),
        unstable_width=report(
            figure_files("unstable_width"),
            caption=caption("unstable_width"),
            category="Beyond the chapter",
        ),
    log:
        "logs/plot_neuron_chain/figures.log",
    params:
        code=script_code("plot_neuron_chain"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_neuron_chain.py"
