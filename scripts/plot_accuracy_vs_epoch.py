"""Figure: validation accuracy against epoch per architecture."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import accuracy_vs_epoch_figure

log_to(snakemake.log[0])
save_figure(
    accuracy_vs_epoch_figure(read_table(snakemake.input[0])),
    snakemake.output,
    dpi=snakemake.params.dpi,
)
