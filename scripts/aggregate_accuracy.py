"""Protocol A's per-run CSVs -> accuracy tables across seeds, with the book's values."""

from vanishing_gradient.analysis import accuracy
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_runs

log_to(snakemake.log[0])
epochs = snakemake.params.epochs
by_epoch = read_runs(snakemake.input.epochs, "epochs", epochs)
by_run = accuracy.accuracy_by_run(by_epoch, read_runs(snakemake.input.test, "test", epochs))
by_epoch.to_csv(snakemake.output.by_epoch, index=False)
by_run.to_csv(snakemake.output.by_run, index=False)
accuracy.accuracy_summary(by_run).to_csv(snakemake.output.summary, index=False)
accuracy.depth_comparison(by_run).to_csv(snakemake.output.depth_comparison, index=False)
read_runs(snakemake.input.saturation, "saturation", epochs).to_csv(
    snakemake.output.saturation, index=False
)
