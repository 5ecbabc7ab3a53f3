"""Reading the workflow's CSV tables back."""

import pandas as pd


def read_all(paths: list[str]) -> pd.DataFrame:
    """The CSV files at ``paths`` stacked into one table (same columns in each)."""
    return pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
