"""How a summary's rows are keyed and ordered, and where the book's value lies among ours.

A run is identified by its ``keys`` and its seed: ``("architecture",)`` for the chapter's
experiment (rows ordered by depth, with a ``hidden_layers`` column), or the variant
columns of the ablation (rows in the order the variants first appear).
"""

import pandas as pd

from ..model.identity import VARIANT_COLUMNS
from ..model.network import hidden_layers

BY_ARCHITECTURE = ("architecture",)
BY_VARIANT = VARIANT_COLUMNS  # a variant's key: its name and the name's parts
# an ablation run's key: its variant and the learning rate it trains at
BY_VARIANT_AND_ETA = (*VARIANT_COLUMNS, "eta")


def depth_order(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``hidden_layers`` column, rows sorted by depth then architecture."""
    table = table.assign(hidden_layers=table["architecture"].map(hidden_layers))
    return table.sort_values(["hidden_layers", "architecture"], kind="stable").reset_index(
        drop=True
    )


def key_columns(keys: tuple[str, ...]) -> list[str]:
    """The identifying columns of a summary: the keys, and the depth for architectures."""
    return ["architecture", "hidden_layers"] if keys == BY_ARCHITECTURE else list(keys)


def ordered_rows(
    table: pd.DataFrame, keys: tuple[str, ...], source: pd.DataFrame, then=()
) -> pd.DataFrame:
    """Rows by run key (architectures by depth; other keys as they first appear in
    ``source``), then by the columns ``then``."""
    if keys == BY_ARCHITECTURE:
        table = depth_order(table.drop(columns="hidden_layers", errors="ignore"))
        first = ["hidden_layers", "architecture"]
    else:
        rank = {key: i for i, key in enumerate(dict.fromkeys(source[keys[0]]))}
        table = table.assign(_rank=table[keys[0]].map(rank))
        first = ["_rank"]
    table = table.sort_values([*first, *then], kind="stable")
    return table.drop(columns="_rank", errors="ignore").reset_index(drop=True)


def book_in_range(book_value: pd.Series, low: pd.Series, high: pd.Series) -> pd.Series:
    """Whether ``low <= book_value <= high`` per row (nullable boolean, missing where the
    book has no value)."""
    inside = book_value.between(low, high).astype("boolean")
    return inside.mask(book_value.isna())
