"""The learning-rate search's tuning curves."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.figures.learning_rates import learning_rate_figure
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
figure = learning_rate_figure(
    read_table(snakemake.input.runs), read_table(snakemake.input.table), snakemake.params.baseline
)
save_figure(figure, snakemake.output.learning_rates, dpi=snakemake.params.dpi)
