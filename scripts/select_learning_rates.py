"""The learning-rate search's runs -> one table of them, and per variant x eta the mean
validation accuracy across the selection seeds with the selected eta."""

from vanishing_gradient.analysis.learning_rates import learning_rates
from vanishing_gradient.analysis.tables import read_runs
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
runs = read_runs(snakemake.input.runs, "search", snakemake.params.epochs)
runs.to_csv(snakemake.output.runs, index=False)
learning_rates(runs, dict(snakemake.params.default_etas)).to_csv(
    snakemake.output.table, index=False
)
