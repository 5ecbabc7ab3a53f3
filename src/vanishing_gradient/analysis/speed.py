"""The speed of learning across seeds: each hidden layer's gradient norm, and how much
faster the last hidden layer learns than the first, beside the book's values.
"""

import numpy as np
import pandas as pd

from .. import book
from .summary_rows import BY_ARCHITECTURE, book_in_range, depth_order, key_columns, ordered_rows


def speed_summary(speed: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per protocol x run key x layer x epoch: grad_norm across seeds
    (median, mean, std, 10 % and 90 % quantiles)."""
    grouped = speed.groupby(["protocol", *keys, "layer", "epoch"], sort=False)["grad_norm"]
    table = grouped.agg(n_seeds="count", median="median", mean="mean", std="std").reset_index()
    table["q10"] = grouped.quantile(0.1).to_numpy()
    table["q90"] = grouped.quantile(0.9).to_numpy()
    table = ordered_rows(table, keys, speed, then=["layer", "epoch"])
    table = table.sort_values("protocol", kind="stable")
    columns = ["layer", "epoch", "n_seeds", "median", "mean", "std", "q10", "q90"]
    return table[["protocol", *key_columns(keys), *columns]].reset_index(drop=True)


def speed_at_init(speed: pd.DataFrame) -> pd.DataFrame:
    """Protocol B at epoch 0: speed of learning per layer across seeds, with the book's value
    and whether it lies within our seeds' min–max (``book_in_seed_range``)."""
    init = speed[(speed["protocol"] == "B") & (speed["epoch"] == 0)]
    table = (
        init.groupby(["architecture", "layer"])["grad_norm"]
        .agg(n_seeds="count", mean="mean", std="std", min="min", max="max")
        .reset_index()
    )
    table["book_grad_norm"] = [
        (
            book.SPEED_AT_INIT.get(arch, ())[layer - 1]
            if layer <= len(book.SPEED_AT_INIT.get(arch, ()))
            else np.nan
        )
        for arch, layer in zip(table["architecture"], table["layer"])
    ]
    table["book_in_seed_range"] = book_in_range(table["book_grad_norm"], table["min"], table["max"])
    table = depth_order(table)
    return table[
        [
            "architecture",
            "hidden_layers",
            "layer",
            "n_seeds",
            "mean",
            "std",
            "min",
            "max",
            "book_grad_norm",
            "book_in_seed_range",
        ]
    ]


def book_ratio(architecture: str) -> float:
    """The book's last/first hidden-layer speed at initialisation (NaN where it has none)."""
    speeds = book.SPEED_AT_INIT.get(architecture)
    return speeds[-1] / speeds[0] if speeds else np.nan


def speed_ratio(speed: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """How much faster the last hidden layer learns than the first.

    Per run, ``r_e = ||dC/db^{L-1}|| / ||dC/db^1||`` at each epoch ``e``; phase
    "initialisation" is ``r_0``, phase "training" is the median of ``r_e`` over
    ``e >= 1``. Then mean, std, min, max and median across seeds. Networks with one
    hidden layer have no ratio and are left out. For architectures, the book's ratio at
    initialisation (protocol B) is added as ``book_ratio``, with ``book_in_seed_range``
    (within our seeds' min–max; missing without a book value).
    """
    run = ["protocol", *keys, "seed"]
    layers = speed.sort_values("layer", kind="stable").groupby([*run, "epoch"], sort=False)
    ends = layers["grad_norm"].agg(first="first", last="last")
    deep = layers["layer"].max() >= 2
    ratio = (ends["last"] / ends["first"])[deep].rename("ratio").reset_index()
    per_run = pd.concat(
        [
            ratio[ratio["epoch"] == 0].assign(phase="initialisation"),
            ratio[ratio["epoch"] >= 1]
            .groupby(run, sort=False)["ratio"]
            .median()
            .reset_index()
            .assign(phase="training"),
        ]
    )
    table = (
        per_run.groupby(["protocol", *keys, "phase"], sort=False)["ratio"]
        .agg(n_seeds="count", mean="mean", std="std", min="min", max="max", median="median")
        .reset_index()
    )
    columns = ["phase", "n_seeds", "mean", "std", "min", "max", "median"]
    if keys == BY_ARCHITECTURE:
        is_book = (table["protocol"] == "B") & (table["phase"] == "initialisation")
        table["book_ratio"] = np.where(is_book, table["architecture"].map(book_ratio), np.nan)
        table["book_in_seed_range"] = book_in_range(table["book_ratio"], table["min"], table["max"])
        columns += ["book_ratio", "book_in_seed_range"]
    table = ordered_rows(table, keys, speed, then=["phase"]).sort_values("protocol", kind="stable")
    return table[["protocol", *key_columns(keys), *columns]].reset_index(drop=True)
