"""The depth sweep for one variant x seed: every depth trained by protocols B and A, the
speeds of learning and the backward factors at initialisation, led by each run's identity."""

from vanishing_gradient.experiments.depth_runs import run_depth_sweep
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.prepared import load_split
from vanishing_gradient.experiments.protocols import Protocol, Variant
from vanishing_gradient.support.provenance import write_run_record

log_to(snakemake.log[0])
speeds, factors = run_depth_sweep(
    snakemake.params.hidden_layers,
    snakemake.params.width,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input.split),
    Protocol(**dict(snakemake.params.speed)),
    Protocol(**dict(snakemake.params.accuracy)),
    probe_size=snakemake.params.probe_size,
    variant=Variant.named(**snakemake.params.variant),
)
speeds.to_csv(snakemake.output.speed)
factors.to_csv(snakemake.output.factors)
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
