"""The glorot target's runs -> its table of test errors beside the paper's, the paper's
orderings tested, the saturation test at its width and the share of the paper's updates."""

import pandas as pd

from vanishing_gradient.analysis.glorot_table import (
    ordering_tests,
    paper_width_saturation,
    test_error_table,
    updates_table,
)
from vanishing_gradient.analysis.tables import read_runs
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
test = read_runs(snakemake.input.test, "test", snakemake.params.epochs)
saturation = read_runs(snakemake.input.saturation, "saturation", snakemake.params.epochs)
learning_rates = pd.read_csv(snakemake.input.learning_rates)
test_error_table(test, learning_rates).to_csv(snakemake.output.test_errors, index=False)
ordering_tests(test).to_csv(snakemake.output.orderings, index=False)
paper_width_saturation(saturation).to_csv(snakemake.output.saturation_check, index=False)
updates_table(
    snakemake.params.epochs["A"], snakemake.params.training_size, snakemake.params.mini_batch_size
).to_csv(snakemake.output.updates, index=False)
