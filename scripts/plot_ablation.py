"""Figures of the ablation: speed per variant, ratio heat map, accuracy, saturation."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures import ablation as ablation_plots
from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
tables = {name: read_table(path) for name, path in snakemake.input.items()}
baseline = snakemake.params.baseline
figures = {
    "variant_speed": ablation_plots.variant_speed_figure(tables["speed_summary"], baseline),
    "ratio_heatmap": ablation_plots.ratio_heatmap_figure(tables["speed_ratio"]),
    "variant_accuracy": ablation_plots.variant_accuracy_figure(
        tables["accuracy_by_run"], tables["accuracy_summary"], baseline
    ),
    "saturation": ablation_plots.saturation_figure(tables["saturation_summary"], baseline),
}
for name, figure in figures.items():
    save_figure(figure, snakemake.output[name], dpi=snakemake.params.dpi)
