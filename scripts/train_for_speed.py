"""Protocol B for one network x seed: speed of learning per hidden layer and epoch."""

from vanishing_gradient.job_log import log_to
from vanishing_gradient.prepared import load_split
from vanishing_gradient.protocols import Protocol, Variant, run_speed_protocol

log_to(snakemake.log[0])
run = run_speed_protocol(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input[0]),
    Protocol(**dict(snakemake.params.protocol)),
    variant=Variant.named(**snakemake.params.variant),
)
run.speed_rows.to_csv(snakemake.output.speed)
run.gradient_at_init_rows.to_csv(snakemake.output.gradient_at_init)
