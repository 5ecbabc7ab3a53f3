"""Figure: final validation accuracy against depth, every seed and the book's run."""

import pandas as pd

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import accuracy_vs_depth_figure

log_to(snakemake.log[0])
figure = accuracy_vs_depth_figure(
    pd.read_csv(snakemake.input.by_run), pd.read_csv(snakemake.input.summary)
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
