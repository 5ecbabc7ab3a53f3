"""The hidden layers' activations across seeds, and Glorot & Bengio's saturation test."""

import pandas as pd

from .summary_rows import BY_ARCHITECTURE, key_columns, ordered_rows

# Glorot & Bengio's saturation of the sigmoid's top hidden layer "near 0", as we test it
# after the first epoch: mean activation below NEAR_ZERO_ACTIVATION and more than
# MOSTLY_SATURATED of its units saturated.
NEAR_ZERO_ACTIVATION = 0.1
MOSTLY_SATURATED = 0.5


def saturation_summary(saturation: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per run key x layer x epoch, across seeds: the mean of each run's activation mean,
    activation spread and saturated fraction, with the saturated fraction's min and max."""
    table = (
        saturation.groupby([*keys, "layer", "epoch"], sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            activation_mean=("activation_mean", "mean"),
            activation_std=("activation_std", "mean"),
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
        "saturated_fraction",
        "saturated_fraction_min",
        "saturated_fraction_max",
    ]
    return ordered_rows(table, keys, saturation, then=["layer", "epoch"])[
        [*key_columns(keys), *columns]
    ]


def saturation_check(saturation_summary: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Is the top hidden layer of ``variant`` saturated near 0 after the first epoch, as
    Glorot & Bengio (2010) found for the sigmoid? One row: the top ``layer``, the first
    epoch after initialisation (``epoch``), its ``activation_mean`` and
    ``saturated_fraction`` (means over seeds), ``near_zero`` (mean activation below
    ``NEAR_ZERO_ACTIVATION``), ``mostly_saturated`` (fraction above ``MOSTLY_SATURATED``)
    and ``verdict``: shown (both), partly_shown (one), not_shown (neither)."""
    rows = saturation_summary[saturation_summary["variant"] == variant]
    if rows.empty:
        raise ValueError(
            f"the saturation summary has no rows of {variant!r}; "
            f"variants there: {list(dict.fromkeys(saturation_summary['variant']))}"
        )
    top = int(rows["layer"].max())
    curve = rows[rows["layer"] == top].set_index("epoch").sort_index()
    epoch = int(curve.index[curve.index > 0].min())
    mean, fraction = curve.loc[epoch, ["activation_mean", "saturated_fraction"]]
    near_zero, saturated = bool(mean < NEAR_ZERO_ACTIVATION), bool(fraction > MOSTLY_SATURATED)
    verdict = {2: "shown", 1: "partly_shown", 0: "not_shown"}[near_zero + saturated]
    return pd.DataFrame(
        [
            {
                "variant": variant,
                "layer": top,
                "epoch": epoch,
                "activation_mean": mean,
                "saturated_fraction": fraction,
                "near_zero": near_zero,
                "mostly_saturated": saturated,
                "verdict": verdict,
            }
        ]
    )
