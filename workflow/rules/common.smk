# Target lists and wildcard constraints shared by the rule files.

MNIST_FILES = sorted(config["data"]["files"])


wildcard_constraints:
    architecture=r"784(-[0-9]+)+",
    seed=r"[0-9]+",
    name="|".join(MNIST_FILES),
    sha256=r"[0-9a-f]{64}",
    figure=r"[a-z_]+",


def mnist_file(name):
    """Where the MNIST file ``name`` lands, named by the SHA-256 it is verified against."""
    return f"results/data/mnist/{name}.{config['data']['files'][name]['sha256']}.gz"


def speed_architectures():
    """Architectures with at least two hidden layers: protocol B compares their layers."""
    return [a for a in config["architectures"] if a.count("-") >= 3]


def accuracy_runs(kind):
    """Per-run outputs of protocol A of one kind (epochs, speed, test)."""
    return expand(
        "results/accuracy/{architecture}/seed{seed}.{kind}.csv",
        architecture=config["architectures"],
        seed=config["seeds"],
        kind=kind,
    )


def speed_runs(kind):
    """Per-run outputs of protocol B of one kind (speed, gradient_at_init)."""
    return expand(
        "results/speed/{architecture}/seed{seed}.{kind}.csv",
        architecture=speed_architectures(),
        seed=config["seeds"],
        kind=kind,
    )


def figure_files(figure):
    """Every configured format of one figure."""
    return expand(
        "results/figures/{figure}.{ext}",
        figure=figure,
        ext=config["figures"]["formats"],
    )


def protocol_params(section):
    """The protocol's hyper-parameters as a sorted tuple of pairs: deterministic params."""
    keys = ["training_size", "epochs", "mini_batch_size", "eta", "lmbda"]
    return tuple((key, config[section][key]) for key in keys)
