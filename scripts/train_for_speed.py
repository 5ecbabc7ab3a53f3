"""Protocol B for one network x seed: speed of learning per hidden layer and epoch."""

from vanishing_gradient.job_log import log_to
from vanishing_gradient.mnist import load_split
from vanishing_gradient.provenance import write_run_record
from vanishing_gradient.protocols import Protocol, Variant, run_speed_protocol

log_to(snakemake.log[0])
run = run_speed_protocol(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input[0]),
    Protocol(**dict(snakemake.params.protocol)),
    variant=Variant.named(**snakemake.params.variant),
)
run.speed.to_csv(snakemake.output.speed, index=False)
run.gradient_at_init.to_csv(snakemake.output.gradient_at_init, index=False)
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
