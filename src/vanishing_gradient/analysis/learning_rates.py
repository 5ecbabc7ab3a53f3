"""Each variant's learning rate, selected on validation data, and which verdicts change
between the book's learning rate and the selected one.

The search trains every variant at each learning rate ``eta`` of its grid with the selection
seeds (``experiments.learning_rates``). Per variant and ``eta``: the mean ``m(eta)`` and
sample standard deviation ``s(eta)`` of the final validation accuracy over the seeds that
finished, and how many diverged. An ``eta`` at which any seed diverged is not selectable.

Selection, the one-standard-error rule turned towards the default: let ``eta*`` have the
best mean, with standard error ``se = s(eta*) / sqrt(n)``. Every selectable ``eta`` with
``m(eta) >= m(eta*) - se`` is as good as the best within the seeds' spread; of these the one
nearest the variant's default ``eta_0`` in ``|log(eta / eta_0)|`` is selected (equally near:
the better mean). A selected ``eta`` at the smallest or largest of its grid is flagged
``at_grid_edge``: the best may lie beyond it.
"""

import numpy as np
import pandas as pd

from ..model.identity import VARIANT_COLUMNS

# The two settings in which the ablation compares its variants, and how the report and the
# figures name each.
SETTINGS = {
    "book": "at the book's learning rate",
    "tuned": "at each variant's selected learning rate",
}

LEARNING_RATE_COLUMNS = [
    *VARIANT_COLUMNS,
    "eta",
    "default_eta",
    "n_seeds",
    "n_diverged",
    "val_accuracy_mean",
    "val_accuracy_std",
    "within_one_standard_error",
    "selected",
    "at_grid_edge",
]


def learning_rates(search: pd.DataFrame, default_etas: dict[str, float]) -> pd.DataFrame:
    """One row per variant x ``eta`` of the search runs (``search``: one row per run with
    the variant's columns, ``eta``, ``seed``, ``val_accuracy`` and ``diverged``), variants
    in their order of first appearance, ``eta`` ascending, with the selection of the module
    docstring. ``default_etas``: variant -> its default learning rate."""
    missing = sorted(set(search["variant"]) - set(default_etas))
    if missing:
        raise ValueError(f"no default learning rate for the variants {missing}")
    keys = [*VARIANT_COLUMNS, "eta"]
    order = {variant: i for i, variant in enumerate(dict.fromkeys(search["variant"]))}
    table = (
        search.groupby(keys, sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            n_diverged=("diverged", "sum"),
            val_accuracy_mean=("val_accuracy", "mean"),
            val_accuracy_std=("val_accuracy", "std"),
        )
        .reset_index()
    )
    table["n_diverged"] = table["n_diverged"].astype(int)
    table["default_eta"] = table["variant"].map(default_etas).astype(float)
    table = table.sort_values(
        ["variant", "eta"], key=lambda c: c.map(order) if c.name == "variant" else c
    )
    chosen = [_select(rows) for _, rows in table.groupby("variant", sort=False)]
    table = pd.concat(chosen).reset_index(drop=True)
    return table[LEARNING_RATE_COLUMNS]


def _select(rows: pd.DataFrame) -> pd.DataFrame:
    """One variant's rows with ``within_one_standard_error``, ``selected`` and
    ``at_grid_edge`` (module docstring); a ValueError when every ``eta`` diverged."""
    rows = rows.copy()
    selectable = (rows["n_diverged"] == 0) & rows["val_accuracy_mean"].notna()
    if not selectable.any():
        raise ValueError(
            f"every learning rate of {rows['variant'].iloc[0]} diverged in the search "
            f"({', '.join(f'{eta:g}' for eta in rows['eta'])}); add smaller factors to "
            "ablation.eta_factors"
        )
    best = rows[selectable]["val_accuracy_mean"].idxmax()
    spread = rows.loc[best, "val_accuracy_std"] / np.sqrt(rows.loc[best, "n_seeds"])
    threshold = rows.loc[best, "val_accuracy_mean"] - (0.0 if pd.isna(spread) else spread)
    rows["within_one_standard_error"] = selectable & (rows["val_accuracy_mean"] >= threshold)
    distance = np.abs(np.log(rows["eta"] / rows["default_eta"]))
    candidates = rows[rows["within_one_standard_error"]].assign(_distance=distance)
    chosen = candidates.sort_values(
        ["_distance", "val_accuracy_mean"], ascending=[True, False], kind="stable"
    ).index[0]
    rows["selected"] = rows.index == chosen
    edges = (rows["eta"] == rows["eta"].min()) | (rows["eta"] == rows["eta"].max())
    rows["at_grid_edge"] = rows["selected"] & edges
    return rows


def selected_etas(table: pd.DataFrame) -> dict[str, float]:
    """Variant -> its selected learning rate, from a ``learning_rates`` table."""
    chosen = table[table["selected"].astype(bool)]
    return dict(zip(chosen["variant"], chosen["eta"].astype(float)))


VERDICT_CHANGE_COLUMNS = [
    "variant",
    "book_eta",
    "tuned_eta",
    "book_accuracy_difference",
    "tuned_accuracy_difference",
    "book_accuracy_verdict",
    "tuned_accuracy_verdict",
    "accuracy_verdict_changed",
    "book_speed_verdict",
    "tuned_speed_verdict",
    "speed_verdict_changed",
]


def verdict_changes(book: pd.DataFrame, tuned: pd.DataFrame) -> pd.DataFrame:
    """Every variant of two ``variant_verdicts.variant_comparison`` tables, the book's setting
    (``book``) and each variant's selected learning rate (``tuned``): its learning rate,
    accuracy difference from the baseline and verdicts in each, and whether the accuracy
    verdict (higher, lower, within the seed spread) or the speed class (removed, reduced,
    worse, reversed) differs between them. Variants in the book table's order."""
    renamed = {
        "eta": "eta",
        "accuracy_difference": "accuracy_difference",
        "accuracy_verdict": "accuracy_verdict",
        "verdict": "speed_verdict",
    }
    both = book[["variant", *renamed]].merge(
        tuned[["variant", *renamed]],
        on="variant",
        how="left",
        suffixes=("_book", "_tuned"),
        validate="one_to_one",
    )
    table = pd.DataFrame({"variant": both["variant"]})
    for setting in ("book", "tuned"):
        for column, name in renamed.items():
            table[f"{setting}_{name}"] = both[f"{column}_{setting}"]
    for name in ("accuracy_verdict", "speed_verdict"):
        table[f"{name}_changed"] = table[f"book_{name}"] != table[f"tuned_{name}"]
    return table[VERDICT_CHANGE_COLUMNS]
