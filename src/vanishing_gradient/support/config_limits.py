"""The config's values checked against the data and against each other, before any job.

The schema checks each value alone. These checks need two values at once, or the data: a
run takes its images from the start of the training split, so a size beyond the split would
be cut to it silently, and the report would state a size that was not used. Each problem
names its key, its value and its limit.

The training split holds ``N - validation_size`` images, where ``N``, the images of the
training file, is its labels file's size less its 8-byte IDX header. A weight decays by the
factor ``1 - eta * lmbda / n`` per step (``n`` = the protocol's training_size); a factor
below 0 flips every weight's sign at every step, so ``eta * lmbda / n`` must stay below 1 for
every learning rate a protocol trains at.
"""

import math

from ..model.network import hidden_layers
from ..papers import SIGMOID

LABELS_FILE = "train-labels-idx1-ubyte"
IDX1_HEADER_BYTES = 8


def training_split_size(config: dict) -> int:
    """Images in the training split: the training file's less the validation set."""
    images = config["data"]["files"][LABELS_FILE]["bytes"] - IDX1_HEADER_BYTES
    return images - config["data"]["validation_size"]


def _at_most(problems: list, key: str, value, limit, limit_text: str) -> None:
    """Add a problem when ``value`` exceeds ``limit``."""
    if value > limit:
        problems.append(f"{key} is {value:,}, more than {limit_text} ({limit:,}); lower it")


def non_finite_problems(value, key: str = "") -> list[str]:
    """Every number in ``value`` (the config, or a part of it at ``key``) that is NaN or
    infinite: the schema's limits let both through, and either would spoil every run."""
    if isinstance(value, dict):
        return [
            problem
            for name, item in value.items()
            for problem in non_finite_problems(item, f"{key}.{name}" if key else str(name))
        ]
    if isinstance(value, list):
        return [
            problem
            for i, item in enumerate(value)
            for problem in non_finite_problems(item, f"{key}[{i}]")
        ]
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{key} is {value}; give a finite number"]
    return []


def size_problems(config: dict) -> list[str]:
    """Sizes beyond the data or beyond the set they are taken from, starting with a
    validation set that leaves no training split."""
    split = training_split_size(config)
    split_text = "the training split's images (data.validation_size is held out)"
    problems: list[str] = []
    if split < 1:
        images = split + config["data"]["validation_size"]
        return [
            f"data.validation_size is {config['data']['validation_size']:,}, which leaves no "
            f"training split: the training file holds {images:,} images; give at most "
            f"{images - 1:,}"
        ]
    for section in ("accuracy", "speed"):
        protocol = config[section]
        _at_most(problems, f"{section}.training_size", protocol["training_size"], split, split_text)
        _at_most(
            problems,
            f"{section}.mini_batch_size",
            protocol["mini_batch_size"],
            protocol["training_size"],
            f"{section}.training_size",
        )
    accuracy = config["accuracy"]
    for key in ("probe_size", "train_cost_size"):
        _at_most(
            problems,
            f"accuracy.{key}",
            accuracy[key],
            accuracy["training_size"],
            "accuracy.training_size",
        )
    sweep = config["depth_sweep"]["accuracy_training_size"]
    _at_most(problems, "depth_sweep.accuracy_training_size", sweep, split, split_text)
    if sweep < accuracy["probe_size"]:
        problems.append(
            f"depth_sweep.accuracy_training_size is {sweep:,}, fewer than the "
            f"accuracy.probe_size ({accuracy['probe_size']:,}) images its speeds are measured "
            "on; raise it or lower accuracy.probe_size"
        )
    return problems


def decay_problems(config: dict) -> list[str]:
    """Weight decay factors ``1 - eta * lmbda / n`` at or below 0, for each protocol at its
    own learning rate and at the largest of the ablation's learning-rate grid."""
    largest_factor = max(config["ablation"]["eta_factors"])
    problems = []
    for section in ("accuracy", "speed"):
        protocol = config[section]
        for eta, where in (
            (protocol["eta"], f"{section}.eta"),
            (protocol["eta"] * largest_factor, f"{section}.eta x max(ablation.eta_factors)"),
        ):
            shrink = eta * protocol["lmbda"] / protocol["training_size"]
            if shrink >= 1:
                problems.append(
                    f"{section}.lmbda is {protocol['lmbda']:g}: with {where} = {eta:g} and "
                    f"{section}.training_size = {protocol['training_size']:,} the weight decay "
                    f"factor 1 - eta * lmbda / n is {1 - shrink:.3g}, not above 0; lower "
                    f"{section}.lmbda below {protocol['training_size'] / eta:,.6g}"
                )
    return problems


def architecture_problems(config: dict) -> list[str]:
    """Protocol B and the gradient bars compare hidden layers: they need a network with at
    least two, and the bars draw one of those."""
    compared = [a for a in config["architectures"] if hidden_layers(a) >= 2]
    problems = []
    if not compared:
        problems.append(
            f"architectures {config['architectures']} has no network with two or more hidden "
            "layers, which protocol B compares; add one, e.g. 784-30-30-10"
        )
    bars = config["figures"]["bars_architecture"]
    if compared and bars not in compared:
        problems.append(
            f"figures.bars_architecture is {bars}, which is not among the architectures with "
            f"two or more hidden layers ({', '.join(compared)}); name one of them"
        )
    return problems


def duplicate_problems(key: str, names: list[str]) -> list[str]:
    """A name listed twice under ``key`` would train the same runs twice over."""
    twice = sorted({name for name in names if names.count(name) > 1})
    if not twice:
        return []
    return [f"{key} lists {', '.join(twice)} more than once; keep one of each"]


def glorot_problems(config: dict) -> list[str]:
    """The glorot target's models must hold the paper's sigmoid network (the reference of
    its orderings and the network of its saturation test), and its weight decay factor must
    stay above 0 at the largest learning rate of its grid."""
    glorot = config["glorot"]
    problems = duplicate_problems("glorot.models", glorot["models"])
    if SIGMOID not in glorot["models"]:
        problems.append(
            f"glorot.models lacks {SIGMOID}, the reference of the paper's "
            "orderings and the network of its saturation test; add it"
        )
    eta = config["accuracy"]["eta"] * max(glorot["eta_factors"])
    size = config["accuracy"]["training_size"]
    if eta * glorot["lmbda"] / size >= 1:
        problems.append(
            f"glorot.lmbda is {glorot['lmbda']:g}: with accuracy.eta x max(glorot.eta_factors)"
            f" = {eta:g} the weight decay factor 1 - eta * lmbda / n is not above 0; lower "
            f"glorot.lmbda below {size / eta:,.6g}"
        )
    return problems


def config_problems(config: dict, variants: list[str]) -> list[str]:
    """Every problem of ``config`` the schema cannot see; ``variants``: the names of
    ablation.variants, in order."""
    non_finite = non_finite_problems(config)
    if non_finite:
        return non_finite  # the limits below would compare with them
    return (
        size_problems(config)
        + decay_problems(config)
        + architecture_problems(config)
        + duplicate_problems("ablation.variants", variants)
        + glorot_problems(config)
    )


def check_config(config: dict, variants: list[str]) -> None:
    """Raise ValueError listing every problem of ``config_problems``."""
    problems = config_problems(config, variants)
    if len(problems) == 1:
        raise ValueError(f"config {problems[0]}")
    if problems:
        raise ValueError("config:\n" + "\n".join(f"- {problem}" for problem in problems))
