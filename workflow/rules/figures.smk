# Figures: one rule per figure, each a function of the tables; every configured format.


rule plot_sigmoid_derivative:
    output:
        report(
            figure_files("sigmoid_derivative"),
            caption=caption("sigmoid_derivative"),
            category="Figures",
        ),
    log:
        "logs/plot_sigmoid_derivative/figure.log",
    params:
        code=script_code("plot_sigmoid_derivative"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_sigmoid_derivative.py"


rule plot_gradient_bars:
    input:
        rules.aggregate_speed.output.gradient_at_init,
    output:
        report(
            figure_files("gradient_bars"),
            caption=caption("gradient_bars"),
            category="Figures",
        ),
    log:
        "logs/plot_gradient_bars/figure.log",
    params:
        code=script_code("plot_gradient_bars"),
        dpi=config["figures"]["dpi"],
        architecture=config["figures"]["bars_architecture"],
        book_neurons=config["figures"]["book_neurons"],
    script:
        "../../scripts/plot_gradient_bars.py"


rule plot_speed_of_learning:
    input:
        summary=rules.aggregate_speed.output.summary,
        at_init=rules.aggregate_speed.output.at_init,
    output:
        report(
            figure_files("speed_of_learning_{protocol}"),
            caption=caption("speed_of_learning"),
            category="Figures",
        ),
    log:
        "logs/plot_speed_of_learning/{protocol}.log",
    wildcard_constraints:
        protocol="A|B",
    params:
        code=script_code("plot_speed_of_learning"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_speed_of_learning.py"


rule plot_accuracy_vs_depth:
    input:
        by_run=rules.aggregate_accuracy.output.by_run,
        summary=rules.aggregate_accuracy.output.summary,
    output:
        report(
            figure_files("accuracy_vs_depth"),
            caption=caption("accuracy_vs_depth"),
            category="Figures",
        ),
    log:
        "logs/plot_accuracy_vs_depth/figure.log",
    params:
        code=script_code("plot_accuracy_vs_depth"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_accuracy_vs_depth.py"


rule plot_accuracy_vs_epoch:
    input:
        rules.aggregate_accuracy.output.by_epoch,
    output:
        report(
            figure_files("accuracy_vs_epoch"),
            caption=caption("accuracy_vs_epoch"),
            category="Figures",
        ),
    log:
        "logs/plot_accuracy_vs_epoch/figure.log",
    params:
        code=script_code("plot_accuracy_vs_epoch"),
        dpi=config["figures"]["dpi"],
    script:
        "../../scripts/plot_accuracy_vs_epoch.py"
