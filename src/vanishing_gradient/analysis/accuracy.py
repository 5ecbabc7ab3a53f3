"""Accuracy across seeds: per run, per network beside the book's single-run values, and
each network against the next shallower one.

Spread across seeds is the sample standard deviation (``ddof = 1``), with min and max.
"""

import pandas as pd

from .. import book
from .significance import welch, with_family_verdicts
from .summary_rows import BY_ARCHITECTURE, book_in_range, depth_order, key_columns, ordered_rows

# An accuracy further than this (a fraction: 0.3 percentage points) from the book's is a
# difference from the book even when the book's value lies within our seed range.
ACCURACY_TOLERANCE = 0.003


def accuracy_by_run(
    accuracy_by_epoch: pd.DataFrame, test_accuracy: pd.DataFrame, keys=BY_ARCHITECTURE
) -> pd.DataFrame:
    """One row per run: final and best validation accuracy (and its epoch), test accuracy.

    ``test_accuracy`` has the key columns, seed and test_accuracy.
    """
    run = [*keys, "seed"]
    runs = accuracy_by_epoch.sort_values("epoch").groupby(run, sort=False)
    best = accuracy_by_epoch.loc[runs["val_accuracy"].idxmax(), [*run, "val_accuracy", "epoch"]]
    table = (
        runs.agg(epochs=("epoch", "max"), final_val_accuracy=("val_accuracy", "last"))
        .reset_index()
        .merge(
            best.rename(columns={"val_accuracy": "best_val_accuracy", "epoch": "best_epoch"}),
            on=run,
        )
        .merge(test_accuracy, on=run, how="left", validate="one_to_one")
    )
    columns = [
        "seed",
        "epochs",
        "final_val_accuracy",
        "best_val_accuracy",
        "best_epoch",
        "test_accuracy",
    ]
    return ordered_rows(table, keys, accuracy_by_epoch, then=["seed"])[
        [*key_columns(keys), *columns]
    ]


def accuracy_spread(runs: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per run key: final validation and test accuracy across seeds."""
    table = (
        runs.groupby(list(keys), sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            epochs=("epochs", "max"),
            val_accuracy_mean=("final_val_accuracy", "mean"),
            val_accuracy_std=("final_val_accuracy", "std"),
            val_accuracy_min=("final_val_accuracy", "min"),
            val_accuracy_max=("final_val_accuracy", "max"),
            test_accuracy_mean=("test_accuracy", "mean"),
            test_accuracy_std=("test_accuracy", "std"),
            test_accuracy_min=("test_accuracy", "min"),
            test_accuracy_max=("test_accuracy", "max"),
        )
        .reset_index()
    )
    return ordered_rows(table, keys, runs)


def seeds_below(runs: pd.DataFrame, architectures: pd.Series, values: pd.Series):
    """For each architecture and value: how many of its runs' final validation accuracies
    lie strictly below the value (missing where the value is)."""
    accuracy = runs.groupby("architecture")["final_val_accuracy"]
    counts = [
        pd.NA if pd.isna(v) else int((accuracy.get_group(a) < v).sum())
        for a, v in zip(architectures, values)
    ]
    return pd.array(counts, dtype="Int64")


def accuracy_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per architecture: final validation accuracy across seeds beside each single-run
    reference ``ref`` of ``book.ACCURACY_REFERENCES`` (the book's, and a published Python 3
    re-run of its code): ``ref_val_accuracy``, ``difference_from_ref`` (our mean minus it),
    ``ref_in_seed_range`` (within our seeds' min–max), ``seeds_below_ref`` (how many of our
    seeds lie below it) and ``differs_from_ref``: it lies outside our seed range, or our
    mean is more than ``ACCURACY_TOLERANCE`` from it. Each is missing without a value."""
    table = accuracy_spread(runs)
    references = []
    for ref, values in book.ACCURACY_REFERENCES.items():
        value = table["architecture"].map(values).astype(float)
        table[f"{ref}_val_accuracy"] = value
        table[f"difference_from_{ref}"] = table["val_accuracy_mean"] - value
        inside = book_in_range(value, table["val_accuracy_min"], table["val_accuracy_max"])
        table[f"{ref}_in_seed_range"] = inside
        table[f"seeds_below_{ref}"] = seeds_below(runs, table["architecture"], value)
        far = table[f"difference_from_{ref}"].abs().round(9) > ACCURACY_TOLERANCE
        table[f"differs_from_{ref}"] = far | ~inside
        references += [
            f"{ref}_val_accuracy",
            f"difference_from_{ref}",
            f"{ref}_in_seed_range",
            f"seeds_below_{ref}",
        ]
    differs = [f"differs_from_{ref}" for ref in book.ACCURACY_REFERENCES]
    return table[
        [
            "architecture",
            "hidden_layers",
            "n_seeds",
            "epochs",
            "val_accuracy_mean",
            "val_accuracy_std",
            "val_accuracy_min",
            "val_accuracy_max",
            *references,
            "test_accuracy_mean",
            "test_accuracy_std",
            *differs,
        ]
    ]


def depth_comparison(runs: pd.DataFrame) -> pd.DataFrame:
    """Final validation accuracy of each network against the next shallower one:
    ``mean_difference`` = deeper - shallower with its 95 % Welch confidence interval,
    Welch's two-sided t-test (``welch``), the p-value Holm-adjusted across the
    neighbouring-depth comparisons (``holm``), the ``detectable_difference`` of each test
    (``with_family_verdicts``), and the ``verdict`` of ``difference_verdict`` (higher,
    lower, within_seed_spread, not_testable).
    """
    ordered = depth_order(runs.drop(columns="hidden_layers", errors="ignore"))
    architectures = list(dict.fromkeys(ordered["architecture"]))
    accuracy = ordered.groupby("architecture")["final_val_accuracy"]
    rows = []
    for shallower, deeper in zip(architectures[:-1], architectures[1:]):
        a, b = accuracy.get_group(shallower).to_numpy(), accuracy.get_group(deeper).to_numpy()
        test = welch(b, a)
        rows.append(
            {
                "shallower": shallower,
                "deeper": deeper,
                "n_shallower": len(a),
                "n_deeper": len(b),
                "mean_difference": test.pop("difference"),
                **test,
            }
        )
    tested = [
        "shallower",
        "deeper",
        "n_shallower",
        "n_deeper",
        "mean_difference",
        "welch_t",
        "p_value",
        "welch_df",
        "ci_low",
        "ci_high",
    ]
    return with_family_verdicts(rows, tested, "mean_difference", "verdict")
