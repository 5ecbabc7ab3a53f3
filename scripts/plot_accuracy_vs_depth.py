"""Figure: final validation accuracy against depth, every seed and the book's run."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import accuracy_vs_depth_figure

log_to(snakemake.log[0])
figure = accuracy_vs_depth_figure(
    read_table(snakemake.input.by_run), read_table(snakemake.input.summary)
)
save_figure(figure, snakemake.output, dpi=snakemake.params.dpi)
