"""Protocol A for one network x seed: per-epoch accuracy, costs, probe speeds, saturation."""

from vanishing_gradient.job_log import log_to
from vanishing_gradient.mnist import load_split
from vanishing_gradient.provenance import write_run_record
from vanishing_gradient.protocols import Protocol, Variant, run_accuracy_protocol

log_to(snakemake.log[0])
run = run_accuracy_protocol(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input[0]),
    Protocol(**dict(snakemake.params.protocol)),
    probe_size=snakemake.params.probe_size,
    train_cost_size=snakemake.params.train_cost_size,
    variant=Variant.named(**snakemake.params.variant),
)
run.epochs.to_csv(snakemake.output.epochs, index=False)
run.speed.to_csv(snakemake.output.speed, index=False)
run.saturation.to_csv(snakemake.output.saturation, index=False)
run.test.to_csv(snakemake.output.test, index=False)
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
