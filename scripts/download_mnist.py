"""Rule download_mnist: make the output hold one MNIST .gz file with verified contents."""

import logging
import os

from vanishing_gradient.job_log import log_to
from vanishing_gradient.mnist import MnistUnavailable, fetch_verified

log_to(snakemake.log[0])
# MNIST_DIR is read here rather than passed as a param: where verified bytes come
# from does not change the result, so it must not make Snakemake rerun the job.
offline_dir = os.environ.get("MNIST_DIR") or snakemake.params.offline_dir or None
try:
    source = fetch_verified(
        snakemake.wildcards.name,
        snakemake.output[0],
        expected_sha256=snakemake.wildcards.sha256,
        expected_bytes=int(snakemake.params.bytes),
        mirrors=list(snakemake.params.mirrors),
        offline_dir=offline_dir,
        timeout=float(snakemake.params.timeout),
        retries=int(snakemake.params.retries),
    )
except MnistUnavailable as exc:
    logging.error("%s", exc)
    raise
logging.info("%s verified, from %s", snakemake.output[0], source)
