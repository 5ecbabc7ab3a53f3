"""Summaries across seeds of the per-run tables, beside the book's single-run values.

Every function takes tidy tables (one row per observation) and returns a tidy table.
Spread across seeds is the sample standard deviation (``ddof = 1``), with min and max.
"""

import numpy as np
import pandas as pd
from scipy import stats

from . import book


def hidden_layers(architecture: str) -> int:
    """Number of hidden layers of ``"784-30-30-10"`` (here 2)."""
    return architecture.count("-") - 1


def depth_order(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``hidden_layers`` column, rows sorted by depth then architecture."""
    table = table.assign(hidden_layers=table["architecture"].map(hidden_layers))
    return table.sort_values(["hidden_layers", "architecture"], kind="stable").reset_index(
        drop=True
    )


def accuracy_by_run(accuracy_by_epoch: pd.DataFrame, test_accuracy: pd.DataFrame) -> pd.DataFrame:
    """One row per run: final and best validation accuracy (and its epoch), test accuracy.

    ``test_accuracy`` has columns architecture, seed, test_accuracy.
    """
    runs = accuracy_by_epoch.sort_values("epoch").groupby(["architecture", "seed"])
    best = accuracy_by_epoch.loc[
        runs["val_accuracy"].idxmax(), ["architecture", "seed", "val_accuracy", "epoch"]
    ]
    table = (
        runs.agg(epochs=("epoch", "max"), final_val_accuracy=("val_accuracy", "last"))
        .reset_index()
        .merge(
            best.rename(columns={"val_accuracy": "best_val_accuracy", "epoch": "best_epoch"}),
            on=["architecture", "seed"],
        )
        .merge(test_accuracy, on=["architecture", "seed"], how="left", validate="one_to_one")
    )
    return depth_order(table)[
        [
            "architecture",
            "hidden_layers",
            "seed",
            "epochs",
            "final_val_accuracy",
            "best_val_accuracy",
            "best_epoch",
            "test_accuracy",
        ]
    ]


def accuracy_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per architecture: final validation accuracy across seeds, the book's, and the difference."""
    table = (
        runs.groupby(["architecture", "hidden_layers"])
        .agg(
            n_seeds=("seed", "nunique"),
            epochs=("epochs", "max"),
            val_accuracy_mean=("final_val_accuracy", "mean"),
            val_accuracy_std=("final_val_accuracy", "std"),
            val_accuracy_min=("final_val_accuracy", "min"),
            val_accuracy_max=("final_val_accuracy", "max"),
            test_accuracy_mean=("test_accuracy", "mean"),
            test_accuracy_std=("test_accuracy", "std"),
        )
        .reset_index()
    )
    table["book_val_accuracy"] = table["architecture"].map(book.VALIDATION_ACCURACY).astype(float)
    table["difference_from_book"] = table["val_accuracy_mean"] - table["book_val_accuracy"]
    table["book_in_seed_range"] = table["book_val_accuracy"].between(
        table["val_accuracy_min"], table["val_accuracy_max"]
    )
    return depth_order(table.drop(columns="hidden_layers"))[
        [
            "architecture",
            "hidden_layers",
            "n_seeds",
            "epochs",
            "val_accuracy_mean",
            "val_accuracy_std",
            "val_accuracy_min",
            "val_accuracy_max",
            "book_val_accuracy",
            "difference_from_book",
            "book_in_seed_range",
            "test_accuracy_mean",
            "test_accuracy_std",
        ]
    ]


def depth_comparison(runs: pd.DataFrame) -> pd.DataFrame:
    """Welch's two-sided t-test of final validation accuracy between neighbouring depths.

    ``t = (mean_d - mean_s) / sqrt(var_d / n_d + var_s / n_s)`` with the
    Welch-Satterthwaite degrees of freedom; NaN where a side has fewer than two seeds.
    """
    ordered = depth_order(runs.drop(columns="hidden_layers", errors="ignore"))
    architectures = list(dict.fromkeys(ordered["architecture"]))
    rows = []
    for shallower, deeper in zip(architectures[:-1], architectures[1:]):
        a = ordered.loc[ordered["architecture"] == shallower, "final_val_accuracy"].to_numpy()
        b = ordered.loc[ordered["architecture"] == deeper, "final_val_accuracy"].to_numpy()
        t, p = (
            stats.ttest_ind(b, a, equal_var=False) if min(len(a), len(b)) >= 2 else (np.nan, np.nan)
        )
        rows.append(
            {
                "shallower": shallower,
                "deeper": deeper,
                "n_shallower": len(a),
                "n_deeper": len(b),
                "mean_difference": b.mean() - a.mean(),
                "welch_t": float(t),
                "p_value": float(p),
            }
        )
    columns = [
        "shallower",
        "deeper",
        "n_shallower",
        "n_deeper",
        "mean_difference",
        "welch_t",
        "p_value",
    ]
    return pd.DataFrame(rows, columns=columns)


def speed_summary(speed: pd.DataFrame) -> pd.DataFrame:
    """Per protocol x architecture x layer x epoch: grad_norm across seeds
    (median, mean, std, 10 % and 90 % quantiles)."""
    grouped = speed.groupby(["protocol", "architecture", "layer", "epoch"])["grad_norm"]
    table = grouped.agg(n_seeds="count", median="median", mean="mean", std="std").reset_index()
    table["q10"] = grouped.quantile(0.1).to_numpy()
    table["q90"] = grouped.quantile(0.9).to_numpy()
    table = depth_order(table).sort_values(
        ["protocol", "hidden_layers", "architecture", "layer", "epoch"], kind="stable"
    )
    return table[
        [
            "protocol",
            "architecture",
            "hidden_layers",
            "layer",
            "epoch",
            "n_seeds",
            "median",
            "mean",
            "std",
            "q10",
            "q90",
        ]
    ].reset_index(drop=True)


def speed_at_init(speed: pd.DataFrame) -> pd.DataFrame:
    """Protocol B at epoch 0: speed of learning per layer across seeds, with the book's value."""
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
        ]
    ]


def book_ratio(architecture: str) -> float:
    """The book's last/first hidden-layer speed at initialisation (NaN where it has none)."""
    speeds = book.SPEED_AT_INIT.get(architecture)
    return speeds[-1] / speeds[0] if speeds else np.nan


def speed_ratio(speed: pd.DataFrame) -> pd.DataFrame:
    """How much faster the last hidden layer learns than the first.

    Per run, ``r_e = ||dC/db^{L-1}|| / ||dC/db^1||`` at each epoch ``e``; phase
    "initialisation" is ``r_0``, phase "training" is the median of ``r_e`` over
    ``e >= 1``. Then mean, std, min, max across seeds. Networks with one hidden layer
    have no ratio and are left out.
    """
    keys = ["protocol", "architecture", "seed", "epoch"]
    layers = speed.sort_values("layer").groupby(keys)
    ends = layers["grad_norm"].agg(first="first", last="last")
    deep = layers["layer"].max() >= 2
    ratio = (ends["last"] / ends["first"])[deep].rename("ratio").reset_index()
    per_run = pd.concat(
        [
            ratio[ratio["epoch"] == 0].assign(phase="initialisation"),
            ratio[ratio["epoch"] >= 1]
            .groupby(["protocol", "architecture", "seed"])["ratio"]
            .median()
            .reset_index()
            .assign(phase="training"),
        ]
    )
    table = (
        per_run.groupby(["protocol", "architecture", "phase"])["ratio"]
        .agg(n_seeds="count", mean="mean", std="std", min="min", max="max")
        .reset_index()
    )
    is_book = (table["protocol"] == "B") & (table["phase"] == "initialisation")
    table["book_ratio"] = np.where(is_book, table["architecture"].map(book_ratio), np.nan)
    table = depth_order(table).sort_values(
        ["protocol", "hidden_layers", "architecture", "phase"], kind="stable"
    )
    return table[
        [
            "protocol",
            "architecture",
            "hidden_layers",
            "phase",
            "n_seeds",
            "mean",
            "std",
            "min",
            "max",
            "book_ratio",
        ]
    ].reset_index(drop=True)
