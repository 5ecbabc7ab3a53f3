"""The chain of single neurons: random chains per depth, the exploding chain, the unstable width."""

from vanishing_gradient.experiments.chain import chain_tables
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
tables = chain_tables(
    max_depth=snakemake.params.max_depth,
    samples=snakemake.params.samples,
    seed=snakemake.params.seed,
    weight_scale=snakemake.params.weight_scale,
    exploding_weight=snakemake.params.exploding_weight,
)
for name, table in tables.items():
    table.to_csv(snakemake.output[name], index=False)
