# Figures: one rule per figure, each a function of the tables; every configured format.


rule plot_sigmoid_derivative:
    output:
        report(
            figure_files("sigmoid_derivative"),
            caption="../report/sigmoid_derivative.rst",
            category="Figures",
        ),
    log:
        "logs/plot_sigmoid_derivative/figure.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_sigmoid_derivative"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_sigmoid_derivative.py"


rule plot_gradient_bars:
    input:
        "results/tables/gradient_at_init.csv",
    output:
        report(
            figure_files("gradient_bars"),
            caption="../report/gradient_bars.rst",
            category="Figures",
        ),
    log:
        "logs/plot_gradient_bars/figure.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_gradient_bars"),
        dpi=config["figures"]["dpi"],
        architecture=config["figures"]["bars_architecture"],
        neurons=config["figures"]["neurons_shown"],
        seed=config["seeds"][0],
    script:
        "../../scripts/plot_gradient_bars.py"


rule plot_speed_of_learning:
    input:
        summary="results/tables/speed_summary.csv",
        at_init="results/tables/speed_at_init.csv",
    output:
        report(
            figure_files("speed_of_learning_{protocol}"),
            caption="../report/speed_of_learning.rst",
            category="Figures",
        ),
    log:
        "logs/plot_speed_of_learning/{protocol}.log",
    wildcard_constraints:
        protocol="A|B",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_speed_of_learning"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_speed_of_learning.py"


rule plot_accuracy_vs_depth:
    input:
        by_run="results/tables/accuracy_by_run.csv",
        summary="results/tables/accuracy_summary.csv",
    output:
        report(
            figure_files("accuracy_vs_depth"),
            caption="../report/accuracy_vs_depth.rst",
            category="Figures",
        ),
    log:
        "logs/plot_accuracy_vs_depth/figure.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_accuracy_vs_depth"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_accuracy_vs_depth.py"


rule plot_accuracy_vs_epoch:
    input:
        "results/tables/accuracy_by_epoch.csv",
    output:
        report(
            figure_files("accuracy_vs_epoch"),
            caption="../report/accuracy_vs_epoch.rst",
            category="Figures",
        ),
    log:
        "logs/plot_accuracy_vs_epoch/figure.log",
    resources:
        mem_mb=500,
        runtime="5m",
    params:
        code=script_code("plot_accuracy_vs_epoch"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_accuracy_vs_epoch.py"
