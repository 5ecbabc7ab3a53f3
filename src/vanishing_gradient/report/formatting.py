"""How the report writes numbers, spreads and tables (Markdown). Accuracies and
fractions arrive as fractions and are printed in percent through ``pct``."""

import pandas as pd

from ..figures.labels import num


def pct(fraction: float, signed: bool = False) -> str:
    """A fraction as a percentage with 2 decimals (0.9648 -> '96.48'); '—' for NaN."""
    if pd.isna(fraction):
        return "—"
    return f"{100 * fraction:+.2f}" if signed else f"{100 * fraction:.2f}"


def p_text(p_value: float) -> str:
    """A p-value: 3 decimals, scientific below 0.001, 'not computable' for NaN."""
    if pd.isna(p_value):
        return "not computable"
    return f"{p_value:.3f}" if p_value >= 0.001 else f"{p_value:.1e}"


def interval(low: float, high: float, fmt=pct) -> str:
    """A confidence interval '[low, high]' in the format ``fmt``; '—' when not computable."""
    return "—" if pd.isna(low) or pd.isna(high) else f"[{fmt(low, True)}, {fmt(high, True)}]"


def spread(row: pd.Series, fmt, prefix: str = "") -> str:
    """'mean ± std (min–max, n = k)' of one summary row; columns ``prefix + mean`` etc."""
    mean, std, low, high = (row[prefix + key] for key in ("mean", "std", "min", "max"))
    return f"{fmt(mean)} ± {fmt(std)} ({fmt(low)}–{fmt(high)}, n = {int(row['n_seeds'])})"


def ratio_range(ratios: pd.DataFrame, variant: str, missing: str = "—") -> str:
    """'median (min–max, n = k)' of one variant's ratio (``ratios`` indexed by variant);
    ``missing`` where it was not measured."""
    if variant not in ratios.index:
        return missing
    r = ratios.loc[variant]
    return f"{num(r['median'])} ({num(r['min'])}–{num(r['max'])}, n = {int(r['n_seeds'])})"


def times(factor: float) -> str:
    """A positive factor in words: '3.75 times' or '66.7 times smaller than'."""
    if pd.isna(factor) or factor <= 0:
        return "not comparable with"
    return f"{num(factor)} times" if factor >= 1 else f"{num(1 / factor)} times smaller than"


def yes_no(flag) -> str:
    """'yes' / 'no' for a flag of the tables, '—' where it is missing (no book value)."""
    return "—" if pd.isna(flag) else ("yes" if flag else "no")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown (pipe) table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def seed_list(seeds) -> str:
    """The seeds in words, e.g. 'seeds 0, 1, 2'."""
    return "seeds " + ", ".join(str(seed) for seed in seeds)


def figure(figures: dict[str, dict], key: str) -> str:
    """The figure ``key`` (``{"path": ..., "caption": ...}``) embedded with its caption
    below it; '' if it was not made."""
    if key not in figures:
        return ""
    return f"![{key}]({figures[key]['path']})\n\n*{figures[key]['caption']}*"


def join(blocks: list[str]) -> str:
    """Markdown blocks separated by blank lines, empty ones left out."""
    return "\n\n".join(block for block in blocks if block)


def position_text(seeds_below, n_seeds) -> str:
    """Where a single-run value falls among our seeds, from how many seeds lie below it:
    'below all 5 seeds', 'above 2 of 5 seeds', 'above all 5 seeds'; '—' without a value."""
    if pd.isna(seeds_below):
        return "—"
    below, n = int(seeds_below), int(n_seeds)
    if below == 0:
        return f"below all {n} seeds"
    return f"above all {n} seeds" if below == n else f"above {below} of {n} seeds"


def null_verdict(text: str, detectable: float, n_seeds, fmt=pct, unit: str = "") -> str:
    """A verdict of no difference (``text``) followed by what the test could have detected:
    'not larger than the seed spread; with 3 and 3 seeds a difference below 2.41 percentage
    points could not have been detected'. ``n_seeds`` are the two sides' seed counts (one
    for a one-sample test); ``fmt`` and ``unit`` print the detectable difference. ``text``
    alone where the detectable difference is not computable."""
    if pd.isna(detectable):
        return text
    seeds = " and ".join(str(int(n)) for n in n_seeds)
    return (
        f"{text}; with {seeds} seeds a difference below {fmt(detectable)}{unit} could not have "
        "been detected"
    )
