"""A training job's process: it runs the rule's script (``params.job``) in a fork of the warm
server (vanishing_gradient.experiments.warm_runs) and exits with that run's status."""

import sys
from pathlib import Path

from vanishing_gradient.experiments.warm_runs import run_warm

sys.exit(run_warm(Path(snakemake.scriptdir) / snakemake.params.job, snakemake))
