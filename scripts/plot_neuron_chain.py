"""Figures of the neuron chain: vanishing with depth, exploding, the unstable width."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.figures import chain as chain_plots
from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
figures = {
    "vanishing": chain_plots.chain_vanishing_figure(read_table(snakemake.input.summary)),
    "exploding": chain_plots.chain_exploding_figure(read_table(snakemake.input.exploding)),
    "unstable_width": chain_plots.unstable_width_figure(read_table(snakemake.input.unstable_width)),
}
for name, figure in figures.items():
    save_figure(figure, snakemake.output[name], dpi=snakemake.params.dpi)
