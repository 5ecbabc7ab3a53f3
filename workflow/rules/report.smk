# The report: results/report.md and its HTML rendering, built from the tables.


rule write_report:
    input:
        accuracy_summary=rules.aggregate_accuracy.output.summary,
        depth_comparison=rules.aggregate_accuracy.output.depth_comparison,
        speed_at_init=rules.aggregate_speed.output.at_init,
        speed_ratio=rules.aggregate_speed.output.ratio,
        figures=report_figures(REPORT_FIGURES),
        book_ablation_accuracy_summary=setting_table("accuracy_summary", "book"),
        book_ablation_speed_ratio=setting_table("speed_ratio", "book"),
        book_variant_comparison=setting_table("variant_comparison", "book"),
        tuned_ablation_accuracy_summary=setting_table("accuracy_summary", "tuned"),
        tuned_ablation_speed_ratio=setting_table("speed_ratio", "tuned"),
        tuned_variant_comparison=setting_table("variant_comparison", "tuned"),
        learning_rates=rules.select_learning_rates.output.table,
        verdict_changes=rules.compare_settings.output.changes,
        ablation_saturation_summary=setting_table("saturation_summary", "book"),
        ablation_saturation_check=setting_table("saturation_check", "book"),
        chain_summary=rules.simulate_neuron_chain.output.summary,
        chain_exploding=rules.simulate_neuron_chain.output.exploding,
        unstable_width=rules.simulate_neuron_chain.output.unstable_width,
        depth_sweep_summary=rules.aggregate_depth_sweep.output.summary,
        per_layer_factor=rules.aggregate_depth_sweep.output.per_layer_factor,
        beyond_figures=report_figures(BEYOND_FIGURES),
        run_records=lambda wildcards: accuracy_runs("provenance")
        + speed_runs("provenance")
        + search_runs("provenance")
        + all_ablation_runs("accuracy", "provenance")
        + all_ablation_runs("speed", "provenance")
        + depth_sweep_runs("provenance"),
    output:
        markdown="results/report.md",
        html="results/report.html",
    log:
        "logs/write_report/report.log",
    params:
        code=script_code("write_report"),
        code_versions=code_versions(),
        figures=list(REPORT_FIGURES),
        beyond_figures=list(BEYOND_FIGURES),
        # the config of the default run: the glorot target's section is not part of it
        config={key: value for key, value in config.items() if key != "glorot"},
        # functions: a caption's {{ ... }} must reach the template, not wildcard expansion
        captions=lambda wildcards: report_captions(REPORT_FIGURES),
        beyond_captions=lambda wildcards: report_captions(BEYOND_FIGURES),
        # the report's prose (vanishing_gradient.report.prose): editing it rewrites the report
        prose=lambda wildcards: template_texts(),
        caption_wildcards=[w for _, w in [*REPORT_FIGURES.values(), *BEYOND_FIGURES.values()]],
    script:
        "../../scripts/write_report.py"
