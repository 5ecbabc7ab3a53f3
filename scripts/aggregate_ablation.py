"""The ablation's per-run CSVs -> tables across seeds, one row group per variant."""

import pandas as pd

from vanishing_gradient import statistics
from vanishing_gradient.job_log import log_to
from vanishing_gradient.tables import read_variant_runs

log_to(snakemake.log[0])
keys = statistics.BY_VARIANT
by_epoch = read_variant_runs(snakemake.input.epochs)
runs = statistics.accuracy_by_run(by_epoch, read_variant_runs(snakemake.input.test), keys)
speed = pd.concat(
    [read_variant_runs(snakemake.input.accuracy_speed), read_variant_runs(snakemake.input.speed)],
    ignore_index=True,
)
saturation = read_variant_runs(snakemake.input.saturation)
tables = {
    "accuracy_by_run": runs,
    "accuracy_summary": statistics.accuracy_spread(runs, keys),
    "speed": speed,
    "speed_summary": statistics.speed_summary(speed, keys),
    "speed_ratio": statistics.speed_ratio(speed, keys),
    "saturation": saturation,
    "saturation_summary": statistics.saturation_summary(saturation, keys),
}
for name, table in tables.items():
    table.to_csv(snakemake.output[name], index=False)
