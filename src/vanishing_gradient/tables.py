"""Reading the workflow's CSV tables."""

from pathlib import Path

import pandas as pd


def read_all(paths: list[str]) -> pd.DataFrame:
    """The CSV files at ``paths`` stacked into one table (same columns in each)."""
    return pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)


def variant_columns(variant: str) -> dict[str, str]:
    """``"tanh-glorot-sgd"`` -> the identifying columns of its rows: variant, activation,
    initialiser, optimiser."""
    activation, initialiser, optimiser = variant.split("-")
    return {
        "variant": variant,
        "activation": activation,
        "initialiser": initialiser,
        "optimiser": optimiser,
    }


def read_variant_runs(paths: list[str]) -> pd.DataFrame:
    """Per-run CSVs of the ablation, ``.../<variant>/seed<seed>.<kind>.csv``, stacked, each
    row labelled with its variant and the variant's parts: columns ``variant, activation,
    initialiser, optimiser`` first, then the file's own."""
    tables = []
    for path in paths:
        table = pd.read_csv(path)
        labels = variant_columns(Path(path).parent.name)
        tables.append(pd.concat([pd.DataFrame(labels, index=table.index), table], axis=1))
    return pd.concat(tables, ignore_index=True)
