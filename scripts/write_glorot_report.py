"""The glorot target's report, results/glorot/report.md, from its tables."""

from pathlib import Path

import pandas as pd

from vanishing_gradient.report.glorot import glorot_report
from vanishing_gradient.support.job_log import log_to

log_to(snakemake.log[0])
tables = {name: pd.read_csv(path) for name, path in snakemake.input.items()}
Path(snakemake.output.markdown).write_text(glorot_report(tables, dict(snakemake.params.budget)))
