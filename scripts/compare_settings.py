"""The ablation's verdicts at the book's learning rate against those at each variant's
selected one: which differ."""

from vanishing_gradient.analysis.tables import read_table

from vanishing_gradient.analysis.learning_rates import verdict_changes
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
verdict_changes(read_table(snakemake.input.book), read_table(snakemake.input.tuned)).to_csv(
    snakemake.output.changes, index=False
)
