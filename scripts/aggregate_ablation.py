"""The ablation's per-run CSVs of one setting -> tables across seeds, one row group per
variant, and every variant against the baseline; every table names its setting."""

import pandas as pd

from vanishing_gradient.analysis import statistics
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_all

log_to(snakemake.log[0])
keys = statistics.BY_VARIANT_AND_ETA
by_epoch = read_all(snakemake.input.epochs)
runs = statistics.accuracy_by_run(by_epoch, read_all(snakemake.input.test), keys)
speed = pd.concat(
    [read_all(snakemake.input.accuracy_speed), read_all(snakemake.input.speed)],
    ignore_index=True,
)
saturation = read_all(snakemake.input.saturation)
saturation_summary = statistics.saturation_summary(saturation, keys)
speed_ratio = statistics.speed_ratio(speed, keys)
tables = {
    "accuracy_by_run": runs,
    "accuracy_summary": statistics.accuracy_spread(runs, keys),
    "speed": speed,
    "speed_summary": statistics.speed_summary(speed, keys),
    "speed_ratio": speed_ratio,
    "saturation": saturation,
    "saturation_summary": saturation_summary,
    "saturation_check": statistics.saturation_check(saturation_summary, snakemake.params.baseline),
    "variant_comparison": statistics.variant_comparison(
        runs, speed_ratio, snakemake.params.baseline
    ),
}
for name, table in tables.items():
    table.insert(0, "setting", snakemake.wildcards.setting)
    table.to_csv(snakemake.output[name], index=False)
