"""Protocol A for one network x seed: per-epoch accuracy, costs, probe speeds, saturation;
every table led by the run's identity columns."""

from vanishing_gradient.model.identity import run_identity
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.prepared import load_split
from vanishing_gradient.experiments.protocols import Protocol, Variant, run_accuracy_protocol
from vanishing_gradient.support.provenance import write_run_record

log_to(snakemake.log[0])
run = run_accuracy_protocol(
    snakemake.params.architecture,
    int(snakemake.wildcards.seed),
    load_split(snakemake.input.split),
    Protocol(**dict(snakemake.params.protocol)),
    probe_size=snakemake.params.probe_size,
    train_cost_size=snakemake.params.train_cost_size,
    variant=Variant.named(**snakemake.params.variant),
)
identity = run_identity(
    "A",
    snakemake.params.architecture,
    snakemake.wildcards.seed,
    variant=snakemake.wildcards.get("variant"),
    eta=snakemake.wildcards.get("eta"),
)
tables = {
    "epochs": run.epoch_rows,
    "speed": run.speed_rows,
    "saturation": run.saturation_rows,
    "test": run.test_rows,
}
for kind, rows in tables.items():
    rows.led_by(identity).to_csv(snakemake.output[kind])
write_run_record(
    snakemake.output.provenance, snakemake.rule, snakemake.params.code, snakemake.scriptdir
)
