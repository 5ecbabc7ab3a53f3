"""Per-run speed-of-learning CSVs (protocols A and B) -> tables across seeds."""

import pandas as pd

from vanishing_gradient.analysis import statistics
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_all

log_to(snakemake.log[0])
speed = pd.concat(
    [read_all(snakemake.input.accuracy_speed), read_all(snakemake.input.speed)], ignore_index=True
)
gradient_at_init = read_all(snakemake.input.gradient_at_init)
speed.to_csv(snakemake.output.speed, index=False)
statistics.speed_summary(speed).to_csv(snakemake.output.summary, index=False)
statistics.speed_at_init(speed).to_csv(snakemake.output.at_init, index=False)
statistics.speed_ratio(speed).to_csv(snakemake.output.ratio, index=False)
gradient_at_init.to_csv(snakemake.output.gradient_at_init, index=False)
