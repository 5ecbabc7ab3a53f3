"""Rule compile_kernels: every kernel a training job calls, compiled into numba's cache
before the training jobs start; the record lists each compiled version."""

import logging

from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.experiments.precompile import compile_kernels

log_to(snakemake.log[0])
record = compile_kernels()
compiled = sum(not row["cached"] for row in record)
logging.info(
    "%d kernel versions: %d compiled, %d from the cache",
    len(record),
    compiled,
    len(record) - compiled,
)
record.to_csv(snakemake.output[0])
