"""Protocol A's per-run CSVs -> accuracy tables across seeds, with the book's values."""

from vanishing_gradient.analysis import statistics
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_all

log_to(snakemake.log[0])
by_epoch = read_all(snakemake.input.epochs)
by_run = statistics.accuracy_by_run(by_epoch, read_all(snakemake.input.test))
by_epoch.to_csv(snakemake.output.by_epoch, index=False)
by_run.to_csv(snakemake.output.by_run, index=False)
statistics.accuracy_summary(by_run).to_csv(snakemake.output.summary, index=False)
statistics.depth_comparison(by_run).to_csv(snakemake.output.depth_comparison, index=False)
read_all(snakemake.input.saturation).to_csv(snakemake.output.saturation, index=False)
