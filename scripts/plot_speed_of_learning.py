"""Figure: speed of learning of each hidden layer against epoch, one panel per depth."""

import pandas as pd

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import speed_of_learning_figure

log_to(snakemake.log[0])
figure = speed_of_learning_figure(
    pd.read_csv(snakemake.input.summary),
    pd.read_csv(snakemake.input.at_init),
    protocol=snakemake.wildcards.protocol,
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
