"""The hidden layers' activations across seeds, and Glorot & Bengio's saturation test in
the book's setting and in theirs."""

import pandas as pd

from ..model.activations import activation as activation_entry
from ..model.initialisers import initialiser as initialiser_entry
from ..model.network import parse_architecture
from .summary_rows import BY_ARCHITECTURE, key_columns, ordered_rows

# Glorot & Bengio (2010, Figure 2): with the sigmoid, the top hidden layer is driven into
# saturation near 0 early in training. A run shows it when, after epoch CHECKED_EPOCH, the
# top hidden layer's mean activation is below NEAR_ZERO_MEAN and the standard deviation of
# its activations is below NEAR_ZERO_STD.
CHECKED_EPOCH = 1
NEAR_ZERO_MEAN = 0.1
NEAR_ZERO_STD = 0.1
# The variant of the paper's setting: sigmoid, their standard initialisation, plain SGD.
# The baseline is the book's setting.
GLOROT_BENGIO_VARIANT = "sigmoid-standard-sgd"


def saturation_summary(saturation: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per run key x layer x epoch, across seeds: the mean of each run's activation mean,
    standard deviation, 98th percentile and saturated fraction, with the saturated
    fraction's min and max."""
    table = (
        saturation.groupby([*keys, "layer", "epoch"], sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            activation_mean=("activation_mean", "mean"),
            activation_std=("activation_std", "mean"),
            activation_p98=("activation_p98", "mean"),
            saturated_fraction=("saturated_fraction", "mean"),
            saturated_fraction_min=("saturated_fraction", "min"),
            saturated_fraction_max=("saturated_fraction", "max"),
        )
        .reset_index()
    )
    columns = [
        "layer",
        "epoch",
        "n_seeds",
        "activation_mean",
        "activation_std",
        "activation_p98",
        "saturated_fraction",
        "saturated_fraction_min",
        "saturated_fraction_max",
    ]
    return ordered_rows(table, keys, saturation, then=["layer", "epoch"])[
        [*key_columns(keys), *columns]
    ]


def _verdict(n_shown: int, n_seeds: int) -> str:
    """Every seed shows it, some do, none does."""
    if n_shown == n_seeds:
        return "shown"
    return "partly_shown" if n_shown else "not_shown"


def setting_description(activation: str, initialiser: str, architecture: str) -> str:
    """A network setting in words, from the entries: activation, initialiser, hidden layers
    and their width, e.g. "sigmoid, the book's W ~ N(0, 1)/√n_in, b ~ N(0, 1); 4 hidden layers
    of 30 units"."""
    hidden = parse_architecture(architecture)[1:-1]
    width = str(hidden[0]) if len(set(hidden)) == 1 else "-".join(map(str, hidden))
    return (
        f"{activation_entry(activation).name}, {initialiser_entry(initialiser).description}; "
        f"{len(hidden)} hidden layers of {width} units"
    )


def saturation_check(
    saturation: pd.DataFrame, baseline: str, paper_variant: str = GLOROT_BENGIO_VARIANT
) -> pd.DataFrame:
    """Is the top hidden layer saturated near 0 after the first epoch, as Glorot & Bengio
    (2010) found for the sigmoid? One row per setting: the book's (``baseline``) and the
    paper's (``paper_variant``, where it was trained), from the per-run table ``saturation``.

    A seed shows the saturation when, after epoch ``CHECKED_EPOCH``, its top hidden layer's
    ``activation_mean`` < ``NEAR_ZERO_MEAN`` and ``activation_std`` < ``NEAR_ZERO_STD``. The
    ``verdict`` is ``shown`` when every seed shows it, ``partly_shown`` when some do,
    ``not_shown`` when none does. A row names its ``network_setting`` (``book`` or
    ``glorot_bengio``) and describes it (activation, initialiser, hidden layers, ``width``);
    it gives the means over seeds and the largest seed's value of the mean and the std, the
    mean 98th percentile, and the thresholds it used."""
    present = list(dict.fromkeys(saturation["variant"]))
    if baseline not in present:
        raise ValueError(
            f"the saturation table has no rows of the baseline {baseline!r}; variants there: "
            f"{present}"
        )
    settings = {"book": baseline}
    if paper_variant in present and paper_variant != baseline:
        settings["glorot_bengio"] = paper_variant
    return pd.DataFrame(
        [_check_row(saturation, setting, variant) for setting, variant in settings.items()]
    )


def _check_row(saturation: pd.DataFrame, setting: str, variant: str) -> dict:
    """The row of ``saturation_check`` of one setting, from ``variant``'s seeds."""
    rows = saturation[saturation["variant"] == variant]
    top = int(rows["layer"].max())
    after = rows[(rows["layer"] == top) & (rows["epoch"] == CHECKED_EPOCH)]
    if after.empty:
        raise ValueError(
            f"the saturation table has no row of {variant!r} after epoch {CHECKED_EPOCH}: "
            "train protocol A for at least one epoch"
        )
    shown = (after["activation_mean"] < NEAR_ZERO_MEAN) & (after["activation_std"] < NEAR_ZERO_STD)
    first = after.iloc[0]
    hidden = parse_architecture(first["architecture"])[1:-1]
    return {
        "network_setting": setting,
        "variant": variant,
        "activation": first["activation"],
        "initialiser": first["initialiser"],
        "eta": first["eta"],
        "hidden_layers": len(hidden),
        "width": hidden[top - 1],
        "description": setting_description(
            first["activation"], first["initialiser"], first["architecture"]
        ),
        "layer": top,
        "epoch": CHECKED_EPOCH,
        "n_seeds": len(after),
        "n_seeds_shown": int(shown.sum()),
        "activation_mean": after["activation_mean"].mean(),
        "activation_mean_max": after["activation_mean"].max(),
        "activation_std": after["activation_std"].mean(),
        "activation_std_max": after["activation_std"].max(),
        "activation_p98": after["activation_p98"].mean(),
        "mean_threshold": NEAR_ZERO_MEAN,
        "std_threshold": NEAR_ZERO_STD,
        "verdict": _verdict(int(shown.sum()), len(after)),
    }
