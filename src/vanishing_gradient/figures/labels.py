"""How the figures and the report write a speed, a ratio and a number of seeds."""

import pandas as pd


def num(value: float) -> str:
    """A speed of learning or a ratio with 3 significant digits; '—' for NaN."""
    return "—" if pd.isna(value) else f"{value:.3g}"


def seeds_text(n_seeds: pd.Series) -> str:
    """'5 seeds', or '3–5 seeds' when the count differs between rows."""
    low, high = int(n_seeds.min()), int(n_seeds.max())
    return f"{low} seeds" if low == high else f"{low}–{high} seeds"
