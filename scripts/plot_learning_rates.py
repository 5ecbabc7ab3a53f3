"""The learning-rate search's tuning curves."""

import pandas as pd

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.figures.learning_rates import learning_rate_figure
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
figure = learning_rate_figure(
    pd.read_csv(snakemake.input.runs), pd.read_csv(snakemake.input.table), snakemake.params.baseline
)
save_figure(figure, snakemake.output.learning_rates, dpi=snakemake.params.dpi)
