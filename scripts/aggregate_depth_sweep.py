"""The depth sweep's per-run CSVs -> the log ratio per run, its summary across seeds, and the
fitted per-layer factor beside the chain's prediction."""

from vanishing_gradient.analysis import depth_sweep
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.analysis.tables import read_runs, read_table

log_to(snakemake.log[0])
epochs, architectures = snakemake.params.epochs, snakemake.params.architectures
by_run = depth_sweep.log_ratio_by_run(
    read_runs(snakemake.input.speed, "speed", epochs, architectures)
)
tables = {
    "by_run": by_run,
    "summary": depth_sweep.depth_sweep_summary(by_run),
    "per_layer_factor": depth_sweep.per_layer_factor(
        by_run,
        read_runs(snakemake.input.factors, "factors", {"B": epochs["B"]}, architectures),
        read_table(snakemake.input.chain_summary),
        book_variant=snakemake.params.book_variant,
    ),
}
for name, table in tables.items():
    table.to_csv(snakemake.output[name], index=False)
