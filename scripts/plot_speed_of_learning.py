"""Figure: speed of learning of each hidden layer against epoch, one panel per depth."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import speed_of_learning_figure

log_to(snakemake.log[0])
figure = speed_of_learning_figure(
    read_table(snakemake.input.summary),
    read_table(snakemake.input.at_init),
    protocol=snakemake.wildcards.protocol,
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
