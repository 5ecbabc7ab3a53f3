"""Rule prepare_mnist: the book's train / validation / test split as one file of uint8 arrays."""

import logging

import numpy as np

from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.mnist import MNIST_FILES, prepare
from vanishing_gradient.data.prepared import save_split

log_to(snakemake.log[0])
split = prepare(
    {name: snakemake.input[name] for name in MNIST_FILES},
    validation_size=int(snakemake.params.validation_size),
    expected={name: (file["sha256"], file["bytes"]) for name, file in snakemake.params.files},
)
for part in ("train", "validation", "test"):
    labels = split[f"{part}_labels"]
    logging.info(
        "%s: images %s, labels %s, label counts %s",
        part,
        split[f"{part}_images"].shape,
        labels.shape,
        np.bincount(labels, minlength=10).tolist(),
    )
save_split(snakemake.output[0], split)
logging.info("wrote %s", snakemake.output[0])
