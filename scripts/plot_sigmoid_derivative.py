"""Figure: the derivative of the sigmoid, with its maximum 1/4 marked."""

from vanishing_gradient.figures.files import save_figure
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.figures.chapter import sigmoid_derivative_figure

log_to(snakemake.log[0])
save_figure(sigmoid_derivative_figure(), snakemake.output, dpi=snakemake.params.dpi)
