"""The ablation's per-run CSVs of one setting -> tables across seeds, one row group per
variant, and every variant against the baseline; every table names its setting."""

import pandas as pd

from vanishing_gradient.analysis import (
    accuracy,
    saturation as saturation_tables,
    speed as speed_tables,
)
from vanishing_gradient.analysis.summary_rows import BY_VARIANT_AND_ETA
from vanishing_gradient.analysis.variant_verdicts import variant_comparison
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_runs

log_to(snakemake.log[0])
keys = BY_VARIANT_AND_ETA
epochs_a, epochs_b = ({protocol: snakemake.params.epochs[protocol]} for protocol in "AB")
by_epoch = read_runs(snakemake.input.epochs, "epochs", epochs_a)
runs = accuracy.accuracy_by_run(by_epoch, read_runs(snakemake.input.test, "test", epochs_a), keys)
speed = pd.concat(
    [
        read_runs(snakemake.input.accuracy_speed, "speed", epochs_a),
        read_runs(snakemake.input.speed, "speed", epochs_b),
    ],
    ignore_index=True,
)
saturation = read_runs(snakemake.input.saturation, "saturation", epochs_a)
saturation_summary = saturation_tables.saturation_summary(saturation, keys)
speed_ratio = speed_tables.speed_ratio(speed, keys)
tables = {
    "accuracy_by_run": runs,
    "accuracy_summary": accuracy.accuracy_spread(runs, keys),
    "speed": speed,
    "speed_summary": speed_tables.speed_summary(speed, keys),
    "speed_ratio": speed_ratio,
    "saturation": saturation,
    "saturation_summary": saturation_summary,
    "saturation_check": saturation_tables.saturation_check(saturation, snakemake.params.baseline),
    "variant_comparison": variant_comparison(runs, speed_ratio, snakemake.params.baseline),
}
for name, table in tables.items():
    table.insert(0, "setting", snakemake.wildcards.setting)
    table.to_csv(snakemake.output[name], index=False)
