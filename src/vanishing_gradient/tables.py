"""Reading the workflow's CSV tables."""

from pathlib import Path

import pandas as pd


def read_all(paths: list[str]) -> pd.DataFrame:
    """The CSV files at ``paths`` stacked into one table (same columns in each)."""
    return pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)


def read_variant_runs(paths: list[str]) -> pd.DataFrame:
    """Per-run CSVs of the ablation, ``.../<variant>/seed<seed>.<kind>.csv``, stacked, each
    row labelled with its variant and the variant's parts: columns ``variant, activation,
    initialiser, optimiser`` first, then the file's own."""
    tables = []
    for path in paths:
        variant = Path(path).parent.name
        activation, initialiser, optimiser = variant.split("-")
        table = pd.read_csv(path)
        table.insert(0, "optimiser", optimiser)
        table.insert(0, "initialiser", initialiser)
        table.insert(0, "activation", activation)
        table.insert(0, "variant", variant)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
