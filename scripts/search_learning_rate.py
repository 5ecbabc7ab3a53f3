"""One run of a variant's learning-rate search: protocol A at one eta, one selection seed;
its final validation accuracy, or the epoch it diverged in."""

from vanishing_gradient.data.prepared import load_split
from vanishing_gradient.experiments.learning_rates import search_run
from vanishing_gradient.experiments.protocols import Protocol, Variant
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.support.provenance import write_run_record

log_to(snakemake.log[0])
search_run(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input.split),
    Protocol(**dict(snakemake.params.protocol)),
    probe_size=snakemake.params.probe_size,
    train_cost_size=snakemake.params.train_cost_size,
    variant=Variant.named(**snakemake.params.variant),
).to_csv(snakemake.output.run)
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
