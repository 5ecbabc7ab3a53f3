"""Protocol A for one network x seed: per-epoch accuracy, costs, probe speeds, saturation."""

from vanishing_gradient.job_log import log_to
from vanishing_gradient.prepared import load_split
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
run.epoch_rows.to_csv(snakemake.output.epochs)
run.speed_rows.to_csv(snakemake.output.speed)
run.saturation_rows.to_csv(snakemake.output.saturation)
run.test_rows.to_csv(snakemake.output.test)
