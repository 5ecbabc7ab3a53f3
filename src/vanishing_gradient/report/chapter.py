"""The chapter's sections of the report: what we repeat, accuracy against depth, speed of
learning at initialisation, the last-to-first layer ratio, and where we differ from the
book. Every number and verdict is a cell of the tables passed in (accuracy_summary,
depth_comparison, speed_at_init, speed_ratio); this module prepares the table rows and the
verdict words, and the templates ``chapter_intro``, ``accuracy``, ``speed``, ``ratio`` and
``differences`` hold the sentences.
"""

import pandas as pd

from ..analysis.accuracy import ACCURACY_TOLERANCE
from ..figures.labels import num
from .formatting import (
    figure,
    interval,
    join,
    null_verdict,
    p_text,
    pct,
    position_text,
    spread,
    yes_no,
)
from .prose import render_prose

# How a verdict of the depth comparison reads (its column ``verdict``).
DEPTH_VERDICT_TEXT = {
    "higher": "the deeper network is more accurate, beyond the seed spread",
    "lower": "the deeper network is less accurate, beyond the seed spread",
    "within_seed_spread": "not larger than the seed spread",
    "not_testable": "not testable (a network has fewer than two seeds)",
}
# The single-run references of the accuracy table (book.ACCURACY_REFERENCES), in words.
REFERENCE_TEXT = {"book": "book", "rerun": "Python 3 re-run"}


def depth_verdict(row: pd.Series) -> str:
    """One depth comparison's verdict in words, with its detectable difference if null."""
    text = DEPTH_VERDICT_TEXT[row["verdict"]]
    if row["verdict"] != "within_seed_spread":
        return text + "."
    seeds = (row["n_shallower"], row["n_deeper"])
    return null_verdict(text, row["detectable_difference"], seeds, unit=" percentage points") + "."


def accuracy_row(r: pd.Series) -> list[str]:
    """One architecture's cells: our spread, each single-run reference and where it falls
    among our seeds, and our test accuracy."""
    return [
        r["architecture"],
        spread(r, pct, "val_accuracy_"),
        *[
            f"{pct(r[f'{ref}_val_accuracy'])} ({pct(r[f'difference_from_{ref}'], signed=True)}; "
            f"{position_text(r[f'seeds_below_{ref}'], r['n_seeds'])})"
            for ref in REFERENCE_TEXT
        ],
        f"{pct(r['test_accuracy_mean'])} ± {pct(r['test_accuracy_std'])}",
    ]


def depth_test_row(r: pd.Series) -> list[str]:
    """One neighbouring-depth comparison's cells: difference, interval, test and verdict."""
    return [
        f"{r['shallower']} → {r['deeper']}",
        pct(r["mean_difference"], signed=True),
        interval(r["ci_low"], r["ci_high"]),
        num(r["welch_t"]),
        p_text(r["p_value"]),
        p_text(r["p_holm"]),
        f"{int(r['n_shallower'])} and {int(r['n_deeper'])}",
        depth_verdict(r),
    ]


def accuracy_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Accuracy per architecture, the neighbouring-depth comparisons and the accuracy figures."""
    comparison = tables["depth_comparison"]
    text = render_prose(
        "accuracy",
        protocol_a=settings["protocol_a"],
        references=list(REFERENCE_TEXT.values()),
        rows=[accuracy_row(r) for _, r in tables["accuracy_summary"].iterrows()],
        tests=[depth_test_row(r) for _, r in comparison.iterrows()],
        n_tested=int(comparison["p_value"].notna().sum()),
    )
    return join([text, figure(figures, "accuracy_vs_depth"), figure(figures, "accuracy_vs_epoch")])


def speed_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Speed of learning at initialisation per layer, ours against the book's, with the
    speed figures."""
    rows = [
        [
            r["architecture"],
            str(int(r["layer"])),
            spread(r, num),
            num(r["book_grad_norm"]),
            yes_no(r["book_in_seed_range"]),
        ]
        for _, r in tables["speed_at_init"].iterrows()
    ]
    names = ("sigmoid_derivative", "gradient_bars", "speed_of_learning_B")
    text = render_prose("speed", protocol_b=settings["protocol_b"], rows=rows)
    return join([text, *(figure(figures, name) for name in names)])


def ratio_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Last-to-first hidden layer speed ratio at initialisation and over training, vs the
    book's."""
    rows = [
        [r["protocol"], r["architecture"], r["phase"], spread(r, num), num(r["book_ratio"])]
        for _, r in tables["speed_ratio"].iterrows()
    ]
    text = render_prose(
        "ratio", protocol_a=settings["protocol_a"], protocol_b=settings["protocol_b"], rows=rows
    )
    return join([text, figure(figures, "speed_of_learning_A")])


def differences_section(tables: dict[str, pd.DataFrame]) -> str:
    """The rows the tables flag as differing from the book."""
    summary = tables["accuracy_summary"]
    accuracies = [
        {
            "architecture": r["architecture"],
            "name": name,
            "ours": r["val_accuracy_mean"],
            "theirs": r[f"{ref}_val_accuracy"],
            "difference": r[f"difference_from_{ref}"],
            "inside": bool(r[f"{ref}_in_seed_range"]),
            "low": r["val_accuracy_min"],
            "high": r["val_accuracy_max"],
            "position": position_text(r[f"seeds_below_{ref}"], r["n_seeds"]),
        }
        for ref, name in REFERENCE_TEXT.items()
        for _, r in summary[summary[f"differs_from_{ref}"].fillna(False).astype(bool)].iterrows()
    ]
    init, ratio = tables["speed_at_init"], tables["speed_ratio"]
    return render_prose(
        "differences",
        tolerance=ACCURACY_TOLERANCE,
        accuracies=accuracies,
        speeds=[
            {**r.to_dict(), "layer": int(r["layer"])}
            for _, r in init[init["book_in_seed_range"].eq(False)].iterrows()
        ],
        ratios=[r.to_dict() for _, r in ratio[ratio["book_in_seed_range"].eq(False)].iterrows()],
    )


def render_chapter(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The chapter's sections as Markdown. ``tables``: accuracy_summary, depth_comparison,
    speed_at_init, speed_ratio as the workflow writes them (rows in their order);
    ``figures``: name -> {"path", "caption"}; ``settings``: seeds, validation_size,
    protocol_a and protocol_b (the config's accuracy and speed sections)."""
    intro = render_prose(
        "chapter_intro",
        architectures=tables["accuracy_summary"]["architecture"].tolist(),
        seeds=settings["seeds"],
        validation_size=settings["validation_size"],
    )
    return join(
        [
            intro,
            accuracy_section(tables, figures, settings),
            speed_section(tables, figures, settings),
            ratio_section(tables, figures, settings),
            differences_section(tables),
        ]
    )
