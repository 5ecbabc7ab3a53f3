"""Figure: averaged dC/db of every neuron of each hidden layer at initialisation, per seed."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import gradient_bars_figure

log_to(snakemake.log[0])
figure = gradient_bars_figure(
    read_table(snakemake.input[0]),
    architecture=snakemake.params.architecture,
    book_neurons=snakemake.params.book_neurons,
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
