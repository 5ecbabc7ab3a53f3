"""The workflow's CSV tables: a run's identity columns, and reading tables back."""

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


def run_identity(protocol: str, architecture: str, seed: int, variant: str | None = None) -> dict:
    """The columns that say which run a row belongs to, in the order they lead its table:
    ``protocol`` ("A" accuracy, "B" speed of learning), for an ablation run ``variant`` and
    its parts (``variant_columns``), ``architecture``, ``seed``."""
    parts = variant_columns(variant) if variant else {}
    return {"protocol": protocol, **parts, "architecture": architecture, "seed": int(seed)}


def with_identity(table: pd.DataFrame, identity: dict) -> pd.DataFrame:
    """``table`` led by the columns of ``identity`` (name -> the run's value), then its
    own other columns; a column of the same name is replaced."""
    own = table.drop(columns=list(identity), errors="ignore")
    return pd.concat([pd.DataFrame(identity, index=table.index), own], axis=1)
