"""Protocol B for one network x seed: speed of learning per hidden layer and epoch; every
table led by the run's identity columns."""

from vanishing_gradient.model.identity import run_identity
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.prepared import load_split
from vanishing_gradient.experiments.protocols import Protocol, Variant, run_speed_protocol
from vanishing_gradient.support.provenance import write_run_record

log_to(snakemake.log[0])
run = run_speed_protocol(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input.split),
    Protocol(**dict(snakemake.params.protocol)),
    variant=Variant.named(**snakemake.params.variant),
)
identity = run_identity(
    "B",
    snakemake.params.architecture,
    snakemake.wildcards.seed,
    variant=snakemake.wildcards.get("variant"),
    eta=snakemake.wildcards.get("eta"),
)
tables = {"speed": run.speed_rows, "gradient_at_init": run.gradient_at_init_rows}
for kind, rows in tables.items():
    rows.led_by(identity).to_csv(snakemake.output[kind])
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
