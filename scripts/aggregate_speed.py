"""Per-run speed-of-learning CSVs (protocols A and B) -> tables across seeds."""

import pandas as pd

from vanishing_gradient.analysis import speed as speed_tables
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_runs

log_to(snakemake.log[0])
epochs_a, epochs_b = ({protocol: snakemake.params.epochs[protocol]} for protocol in "AB")
speed = pd.concat(
    [
        read_runs(snakemake.input.accuracy_speed, "speed", epochs_a),
        read_runs(snakemake.input.speed, "speed", epochs_b),
    ],
    ignore_index=True,
)
gradient_at_init = read_runs(snakemake.input.gradient_at_init, "gradient_at_init", epochs_b)
speed.to_csv(snakemake.output.speed, index=False)
speed_tables.speed_summary(speed).to_csv(snakemake.output.summary, index=False)
speed_tables.speed_at_init(speed).to_csv(snakemake.output.at_init, index=False)
speed_tables.speed_ratio(speed).to_csv(snakemake.output.ratio, index=False)
gradient_at_init.to_csv(snakemake.output.gradient_at_init, index=False)
