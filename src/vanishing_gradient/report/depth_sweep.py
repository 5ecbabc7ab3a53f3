"""The depth sweep in the report: per variant and measurement the fitted per-layer factor
with its interval and test, the book's, the chain's and the width-aware predictions, the
factors measured at initialisation and the deepest networks' ratios. Every number and
verdict is a cell of per_layer_factor or depth_sweep_summary; the sentences are the
templates ``depth_sweep`` and ``sweep_remedies``."""

import pandas as pd

from ..figures.depth_sweep import panel_title
from ..figures.labels import num, seeds_text
from ..model.identity import has_remedy
from .formatting import figure, join, null_verdict, p_text
from .prose import render_prose

# The per-layer factor's verdicts (significance.difference_verdict of the slope) in words.
SLOPE_VERDICT_TEXT = {
    "higher": "the ratio grows with depth beyond the seed spread: a vanishing gradient",
    "lower": "the ratio shrinks with depth beyond the seed spread: an exploding gradient",
    "within_seed_spread": "no trend with depth beyond the seed spread",
    "not_testable": "not testable (fewer than two seeds, or no spread)",
}


def slope_verdict(row: pd.Series) -> str:
    """A per-layer factor's verdict in words, with its detectable slope if null."""
    text = SLOPE_VERDICT_TEXT[row["verdict"]]
    if row["verdict"] != "within_seed_spread":
        return text
    return null_verdict(
        text,
        row["detectable_difference"],
        (row["n_seeds"],),
        fmt=lambda slope: f"{num(slope)} in the slope (a factor ×{num(10**slope)} per layer)",
    )


def measured(row: pd.Series) -> str:
    """Which variant and measurement a row of per_layer_factor is, in words."""
    return f"{row['variant']} {panel_title(row['protocol'], row['phase'], row['epochs'])}"


def power_of_ten(exponent: float) -> str:
    """'10^6.27' for a log10 value; '—' where it is missing."""
    return "—" if pd.isna(exponent) else f"10^{exponent:.2f}"


def inside(flag) -> str:
    """Whether a prediction lies within the interval: 'inside', 'outside' or '—'."""
    return "—" if pd.isna(flag) else ("inside" if flag else "outside")


def prediction(factor: float, flag) -> str:
    """A prediction's cell: '×5.43 (inside)', or '—' where there is none."""
    return "—" if pd.isna(factor) else f"×{num(factor)} ({inside(flag)})"


def factor_row(r: pd.Series) -> list[str]:
    """One fit's cells: the per-layer factor 10^slope with its interval, its test and
    verdict, and the three predictions with whether each lies inside the interval."""
    return [
        r["variant"],
        panel_title(r["protocol"], r["phase"], r["epochs"]),
        f"×{num(r['factor'])} [{num(r['factor_ci_low'])}, {num(r['factor_ci_high'])}] "
        f"(n = {int(r['n_seeds'])})",
        f"{p_text(r['p_value'])}; {p_text(r['p_holm'])}: {slope_verdict(r)}",
        prediction(r["book_factor"], r["book_in_ci"]),
        prediction(r["chain_factor"], r["chain_in_ci"]),
        f"×{num(10 ** r['rms_slope'])} ({inside(r['rms_in_ci'])})",
    ]


def found(flags: pd.Series, factors: pd.DataFrame) -> dict:
    """Where a prediction falls over the rows of ``factors``: how many rows have an
    interval (``n_tested``) and the rows whose interval holds it (``hits``)."""
    flags = flags.astype("boolean")  # missing where there is no interval
    hits = factors[flags.fillna(False).to_numpy()]
    return {"n_tested": int(flags.notna().sum()), "hits": [measured(r) for _, r in hits.iterrows()]}


def sweep_remedies_text(factors: pd.DataFrame) -> str:
    """Which swept variants with a remedy of the last decade (``identity.has_remedy``) still
    show a ratio growing with depth beyond the seed spread (verdict ``higher``) in some row
    of the per-layer factor table, i.e. fail to stop the vanishing gradient there, and which
    in none; '' when no swept variant has a remedy."""
    remedied = factors[[has_remedy(r) for _, r in factors.iterrows()]]
    if remedied.empty:
        return ""
    growing = remedied[remedied["verdict"] == "higher"]
    failing = list(dict.fromkeys(growing["variant"]))
    return render_prose(
        "sweep_remedies",
        failing=[
            {
                "variant": variant,
                "growing": [
                    {
                        "measured": panel_title(r["protocol"], r["phase"], r["epochs"]),
                        "factor": r["factor"],
                    }
                    for _, r in growing[growing["variant"] == variant].iterrows()
                ],
            }
            for variant in failing
        ],
        holding=[v for v in dict.fromkeys(remedied["variant"]) if v not in failing],
    )


def deepest_values(summary: pd.DataFrame) -> dict:
    """The deepest network swept at initialisation: its number of hidden layers, per variant
    the ratio's geometric mean and interval as powers of ten, and the seeds behind them."""
    initial = summary[summary["phase"] == "initialisation"]
    deepest = initial[initial["hidden_layers"] == initial["hidden_layers"].max()]
    return {
        "deepest_depth": int(deepest["hidden_layers"].max()),
        "deepest": [
            {
                "variant": r["variant"],
                "mean": power_of_ten(r["mean"]),
                "low": power_of_ten(r["ci_low"]),
                "high": power_of_ten(r["ci_high"]),
            }
            for _, r in deepest.iterrows()
        ],
        "deepest_seeds": seeds_text(deepest["n_seeds"]),
    }


def depth_sweep(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The depth sweep's section from per_layer_factor and depth_sweep_summary; '' without
    them."""
    factors, summary = tables.get("per_layer_factor"), tables.get("depth_sweep_summary")
    if factors is None or factors.empty or summary is None or summary.empty:
        return ""
    sweep, seeds = settings["depth_sweep"], settings["speed_seeds"]
    chain_factors = factors["chain_factor"].dropna()
    short = factors[factors["n_seeds"] < len(seeds)]
    measured_factors = factors.drop_duplicates("variant")
    text = render_prose(
        "depth_sweep",
        sweep=sweep,
        seeds=seeds,
        seeds_per_fit=seeds_text(factors["n_seeds"]),
        speed=settings["speed"],
        accuracy_shortened={
            **settings["accuracy"],
            "training_size": sweep["accuracy_training_size"],
        },
        n_tested=int(factors["p_value"].notna().sum()),
        rows=[factor_row(r) for _, r in factors.iterrows()],
        remedies=sweep_remedies_text(factors),
        short=[
            {"measured": measured(r), "n_seeds": int(r["n_seeds"])} for _, r in short.iterrows()
        ],
        depth_min=int(factors.iloc[0]["depth_min"]),
        depth_max=int(factors.iloc[0]["depth_max"]),
        weight_scale=settings["chain"]["weight_scale"],
        chain_factor=None if chain_factors.empty else chain_factors.iloc[0],
        chain_found=found(factors["chain_in_ci"], factors),
        width_found=found(factors["rms_in_ci"], factors),
        factor_rows=[
            [
                r["variant"],
                str(int(r["n_factor_layers"])),
                num(r["mean_abs_factor"]),
                num(10 ** r["mean_log10_factor"]),
                num(r["rms_factor"]),
            ]
            for _, r in measured_factors.iterrows()
        ],
        **deepest_values(summary),
    )
    return join([text, figure(figures, "depth_sweep")])
