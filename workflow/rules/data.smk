# MNIST: fetch and verify the four IDX files, then split them as the book does.
# A fetched file is named by the SHA-256 it was verified against, so other expected
# bytes are another file, while fetching the same bytes again (say from another
# source) is marked ancient() below and retrains nothing.


rule download_mnist:
    output:
        "results/data/mnist/{name}.{sha256}.gz",
    log:
        "logs/download_mnist/{name}.{sha256}.log",
    localrule: True
    resources:
        mem_mb=300,
        runtime="10m",
    params:
        code=script_code("download_mnist"),
        bytes=lambda wildcards: config["data"]["files"][wildcards.name]["bytes"],
        mirrors=config["data"]["mirrors"],
        offline_dir=config["data"]["offline_dir"],
        timeout=config["data"]["timeout_seconds"],
        retries=config["data"]["retries"],
    script:
        "../../scripts/download_mnist.py"


rule prepare_mnist:
    input:
        **{name: ancient(mnist_file(name)) for name in MNIST_FILES},
    output:
        split="results/data/mnist.split",
    log:
        "logs/prepare_mnist/mnist.log",
    resources:
        mem_mb=1000,
        runtime="10m",
    params:
        code=script_code("prepare_mnist"),
        validation_size=config["data"]["validation_size"],
    script:
        "../../scripts/prepare_mnist.py"
