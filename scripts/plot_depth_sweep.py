"""The depth sweep's figure: last/first speed ratio against depth per variant."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.depth_sweep import depth_sweep_figure
from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
figure = depth_sweep_figure(
    read_table(snakemake.input.summary), read_table(snakemake.input.per_layer_factor)
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
