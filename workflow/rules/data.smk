# MNIST: fetch and verify the four IDX files, then split them as the book does.
# A fetched file is named by the SHA-256 it was verified against, so other expected
# bytes are another file, while fetching the same bytes again (forced, say) is marked
# ancient() below and retrains nothing.


rule download_mnist:
    output:
        "results/data/mnist/{name}.{sha256}.gz",
    log:
        "logs/download_mnist/{name}.{sha256}.log",
    localrule: True
    resources:
        mem_mb=300,
        runtime="10m",
    # Only what the bytes must be is a param. Where they come from and how (mirrors, offline
    # folder, timeout, retries) and the code fetching them cannot change a verified file, so
    # they rerun nothing: the script reads them from the config. A rerun here would also
    # hide every other change in the same run, as Snakemake then skips the own changes of
    # each job behind the ancient() input below.
    params:
        bytes=lambda wildcards: config["data"]["files"][wildcards.name]["bytes"],
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
        # what each fetched file must hold: it is checked again before it is read
        files=sorted(
            (name, {"sha256": file["sha256"], "bytes": file["bytes"]})
            for name, file in config["data"]["files"].items()
        ),
    script:
        "../../scripts/prepare_mnist.py"
