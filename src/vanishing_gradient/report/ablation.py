"""The ablation's results in one setting (the book's learning rate, or each variant's
selected one): per variant its speed ratios and accuracy, each variant against the
baseline grouped by its speed class, the remedies and the ablation figures. The sentences
are the templates ``ablation_results`` and ``variant_comparison``. The speed ratio is last
/ first hidden layer (> 1: the first layer learns more slowly, the vanishing gradient)."""

import pandas as pd

from ..analysis.learning_rates import SETTINGS
from ..figures.labels import num
from .formatting import figure, join, pct, ratio_range, spread, times
from .prose import render_prose
from .remedies import remedies
from .verdicts import VERDICT_HEADINGS, accuracy_verdict

# The speed classes listed with "none of the variants" when no variant falls in them.
ALWAYS_LISTED = ("removed", "worse")


def variant_rows(
    summary: pd.DataFrame, ratio: pd.DataFrame, variants: list[str], baseline: str
) -> list[list[str]]:
    """Per variant the cells of the results table: its η, its protocol B ratios at
    initialisation and over training, its test accuracy; '—' where it was not run."""
    protocol_b = ratio[ratio["protocol"] == "B"]
    init = protocol_b[protocol_b["phase"] == "initialisation"].set_index("variant")
    training = protocol_b[protocol_b["phase"] == "training"].set_index("variant")
    return [
        [
            f"{variant} (baseline)" if variant == baseline else variant,
            num(summary.loc[variant, "eta"]) if variant in summary.index else "—",
            ratio_range(init, variant),
            ratio_range(training, variant),
            (
                spread(summary.loc[variant], pct, "test_accuracy_")
                if variant in summary.index
                else "—"
            ),
        ]
        for variant in variants
    ]


def comparison(table: pd.DataFrame, baseline: str) -> str:
    """The variant_comparison ``table`` in words: the baseline, then the variants grouped by
    their speed class in the order of ``VERDICT_HEADINGS``."""
    groups = []
    for verdict, heading in VERDICT_HEADINGS.items():
        members = table[table["verdict"] == verdict]
        if not members.empty or verdict in ALWAYS_LISTED:
            rows = [
                {
                    **r.to_dict(),
                    "times": (
                        None if pd.isna(r["training_ratio"]) else times(r["ratio_fold_change"])
                    ),
                    "accuracy_words": accuracy_verdict(r),
                }
                for _, r in members.iterrows()
            ]
            groups.append({"heading": heading, "members": rows})
    return render_prose(
        "variant_comparison",
        baseline=baseline,
        groups=groups if not table.empty else [],
        first=None if table.empty else table.iloc[0].to_dict(),
        n_tested=int(table["p_value"].notna().sum()),
    )


def results(
    tables: dict[str, pd.DataFrame],
    figures: dict,
    settings: dict,
    variants: list[str],
    setting: str,
) -> str:
    """The table per variant, each variant against the baseline, the remedies and the
    ablation figures, in ``setting`` (a key of ``SETTINGS``: its tables are
    ``<setting>_<table>``)."""
    summary = tables[f"{setting}_ablation_accuracy_summary"].set_index("variant")
    ratio = tables[f"{setting}_ablation_speed_ratio"]
    comparisons = tables[f"{setting}_variant_comparison"]
    baseline = settings["baseline"]
    text = render_prose(
        "ablation_results",
        setting_words=SETTINGS[setting],
        rows=variant_rows(summary, ratio, variants, baseline),
    )
    names = ("variant_speed", "ratio_heatmap", "variant_accuracy")
    return join(
        [
            text,
            comparison(comparisons, baseline),
            remedies(comparisons, ratio, settings),
            *(figure(figures, f"{name}_{setting}") for name in names),
        ]
    )
