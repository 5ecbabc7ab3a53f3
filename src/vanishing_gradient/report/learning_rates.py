"""The ablation's learning rates: how each variant's η was selected, its tuning curves, and
the verdicts that differ between the book's η and the selected one. The sentences are the
templates ``learning_rates`` and ``verdict_changes``."""

import pandas as pd

from ..figures.labels import num
from .formatting import figure, join
from .prose import render_prose
from .verdicts import ACCURACY_VERDICT_TEXT, SPEED_VERDICT_TEXT


def learning_rate_search(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The learning-rate search: how η was selected, each variant's selected η, the grid's
    edges, and the tuning curves."""
    table = tables["learning_rates"]
    chosen = table[table["selected"].astype(bool)]
    near_best = table[table["within_one_standard_error"].astype(bool)].groupby("variant")["eta"]
    diverged = table.groupby("variant")["n_diverged"].sum()
    rows = [
        {
            **r.to_dict(),
            "near_best": ", ".join(num(eta) for eta in near_best.get_group(r["variant"])),
            "n_diverged": int(diverged[r["variant"]]),
        }
        for _, r in chosen.iterrows()
    ]
    return join(
        [
            render_prose(
                "learning_rates",
                rows=rows,
                factors=[f"{factor:g}" for factor in settings["eta_factors"]],
                selection_seeds=settings["selection_seeds"],
                accuracy_seeds=settings["accuracy_seeds"],
                book_eta=settings["accuracy"]["eta"],
                n_runs=int(table["n_seeds"].sum()),
                edges=chosen.loc[chosen["at_grid_edge"].astype(bool), "variant"].tolist(),
                changed_eta=chosen.loc[chosen["eta"] != chosen["default_eta"], "variant"].tolist(),
            ),
            figure(figures, "learning_rates"),
        ]
    )


def verdict_changes(table: pd.DataFrame) -> str:
    """The variants whose accuracy verdict or speed class differs between the two settings
    (the verdict_changes table)."""
    changed = table[table["accuracy_verdict_changed"] | table["speed_verdict_changed"]]
    return render_prose(
        "verdict_changes",
        changed=[r.to_dict() for _, r in changed.iterrows()],
        n_variants=len(table),
        accuracy_words=ACCURACY_VERDICT_TEXT,
        speed_words=SPEED_VERDICT_TEXT,
    )
