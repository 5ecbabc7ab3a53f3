"""Rule download_mnist: make the output hold one MNIST .gz file with verified contents."""

import logging
import os

from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.mnist import MnistUnavailable, fetch_verified

log_to(snakemake.log[0])
# Where the bytes come from (MNIST_DIR, the config's data section) is read here rather
# than passed as params: it does not change the verified result, so it must not make
# Snakemake rerun the job.
source_settings = snakemake.config["data"]
offline_dir = os.environ.get("MNIST_DIR") or source_settings["offline_dir"] or None
try:
    source = fetch_verified(
        snakemake.wildcards.name,
        snakemake.output[0],
        expected_sha256=snakemake.wildcards.sha256,
        expected_bytes=int(snakemake.params.bytes),
        mirrors=list(source_settings["mirrors"]),
        offline_dir=offline_dir,
        timeout=float(source_settings["timeout_seconds"]),
        retries=int(source_settings["retries"]),
    )
except MnistUnavailable as exc:
    logging.error("%s", exc)
    raise
logging.info("%s verified, from %s", snakemake.output[0], source)
