"""The chapter's sections of the report: what we repeat, accuracy against depth, speed of
learning at initialisation, the last-to-first layer ratio, and where we differ from the
book. Every number and verdict is a cell of the tables passed in (accuracy_summary,
depth_comparison, speed_at_init, speed_ratio); this module only formats them.
"""

import pandas as pd

from ..analysis.statistics import (
    ACCURACY_TOLERANCE,
    CONFIDENCE,
    DETECTION_POWER,
    SIGNIFICANCE_LEVEL,
)
from ..figures.labels import num, seeds_text
from .formatting import (
    figure,
    interval,
    join,
    markdown_table,
    null_verdict,
    p_text,
    pct,
    position_text,
    seed_list,
    spread,
    yes_no,
)

# How a verdict of the depth comparison reads (its column ``verdict``).
DEPTH_VERDICT_TEXT = {
    "higher": "the deeper network is more accurate, beyond the seed spread",
    "lower": "the deeper network is less accurate, beyond the seed spread",
    "within_seed_spread": "not larger than the seed spread",
    "not_testable": "not testable (a network has fewer than two seeds)",
}
# The single-run references of the accuracy table (book.ACCURACY_REFERENCES), in words.
REFERENCE_TEXT = {"book": "book", "rerun": "Python 3 re-run"}


def detection_text(n_tests: int) -> str:
    """How a detectable difference is defined, for a family of ``n_tests`` tests."""
    return (
        "Where a test finds no difference, we say which difference it could have detected: the "
        f"smallest true difference that it finds with {100 * DETECTION_POWER:g} % probability at "
        f"Holm's first level {SIGNIFICANCE_LEVEL} / {n_tests}, given the seeds' observed spread "
        "(a non-central t computation). A smaller true difference could not have been detected. "
        "Welch's test reaches a little less power at that difference (75 % with 5 seeds a side in "
        "a simulation), so it can also miss a difference slightly above it."
    )


def depth_verdict(row: pd.Series) -> str:
    """One depth comparison's verdict in words, with its detectable difference if null."""
    text = DEPTH_VERDICT_TEXT[row["verdict"]]
    if row["verdict"] != "within_seed_spread":
        return text + "."
    seeds = (row["n_shallower"], row["n_deeper"])
    return null_verdict(text, row["detectable_difference"], seeds, unit=" percentage points") + "."


def protocol_text(protocol: dict, epochs: int | None = None) -> str:
    """One protocol's settings in words: images, epochs, mini-batch, eta, lambda."""
    epochs = epochs or protocol["epochs"]
    return (
        f"{protocol['training_size']:,} training images, {epochs} epoch{'s' * (epochs != 1)}, "
        f"mini-batch {protocol['mini_batch_size']:,}, learning rate η = {protocol['eta']}, "
        f"L2 regularisation λ = {protocol['lmbda']}"
    )


def intro(tables: dict[str, pd.DataFrame], settings: dict) -> str:
    """What the chapter claims and what we repeat."""
    architectures = ", ".join(tables["accuracy_summary"]["architecture"])
    return (
        "# Why are deep neural networks hard to train? A reproduction of chapter 5 of Nielsen's "
        "*Neural Networks and Deep Learning*\n\n"
        "The chapter trains fully connected sigmoid networks on MNIST and makes two claims. First, adding "
        "hidden layers beyond the first barely improves the classification accuracy. Second, in a deep "
        "sigmoid network the early hidden layers learn much more slowly than the later ones (the vanishing "
        "gradient): the gradient reaching an early layer is a product of factors w·σ'(z), and σ'(z) ≤ 1/4. "
        'The "speed of learning" of hidden layer l is the norm ‖∂C/∂b^l‖ of the bias gradient averaged over '
        f"the training images.\n\nWe repeat both experiments on {architectures}, each with "
        f"{len(settings['seeds'])} seeds ({seed_list(settings['seeds'])}), where the book reports one run "
        "per network; so every number below comes with its spread across seeds. Validation accuracy is "
        f"measured on {settings['validation_size']:,} held-out images. Values marked \"book\" are the book's."
    )


def accuracy_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Accuracy per architecture, the neighbouring-depth comparisons and the accuracy figures."""
    summary = tables["accuracy_summary"]
    rows = [
        [
            r["architecture"],
            spread(r, pct, "val_accuracy_"),
            *[
                f"{pct(r[f'{ref}_val_accuracy'])} ({pct(r[f'difference_from_{ref}'], signed=True)}; "
                f"{position_text(r[f'seeds_below_{ref}'], r['n_seeds'])})"
                for ref in REFERENCE_TEXT
            ],
            f"{pct(r['test_accuracy_mean'])} ± {pct(r['test_accuracy_std'])}",
        ]
        for _, r in summary.iterrows()
    ]
    header = [
        "network",
        "ours: validation accuracy (%), mean ± std (min–max, n seeds)",
        *[
            f"{name} (%) (ours − {name} in percentage points; where it falls among our seeds)"
            for name in REFERENCE_TEXT.values()
        ],
        "ours: test accuracy (%)",
    ]
    comparison = tables["depth_comparison"]
    tests = markdown_table(
        [
            "shallower → deeper",
            "deeper − shallower (percentage points)",
            f"{100 * CONFIDENCE:g} % interval",
            "Welch's t",
            "p",
            "p, Holm-adjusted",
            "n seeds",
            "verdict",
        ],
        [
            [
                f"{r['shallower']} → {r['deeper']}",
                pct(r["mean_difference"], signed=True),
                interval(r["ci_low"], r["ci_high"]),
                num(r["welch_t"]),
                p_text(r["p_value"]),
                p_text(r["p_holm"]),
                f"{int(r['n_shallower'])} and {int(r['n_deeper'])}",
                depth_verdict(r),
            ]
            for _, r in comparison.iterrows()
        ],
    )
    return join(
        [
            "## Accuracy against depth",
            f"Protocol A: {protocol_text(settings['protocol_a'])}. We report the validation accuracy "
            "after the last epoch, and the test accuracy of the same network. Two single runs stand "
            "beside ours: the book's, and a published Python 3 re-run of the book's code with the "
            "same protocol (its 784-30-30-10 value has one decimal).",
            markdown_table(header, rows),
            "Is a change of depth larger than the seed-to-seed spread? Each network is compared with the "
            "next shallower one by a two-sided Welch t-test on the final validation accuracies of their "
            f"seeds; the {len(comparison)} p-values are Holm-adjusted together, and a difference counts "
            f"when the adjusted p is below {SIGNIFICANCE_LEVEL}. "
            + detection_text(int(comparison["p_value"].notna().sum())),
            tests,
            figure(figures, "accuracy_vs_depth"),
            figure(figures, "accuracy_vs_epoch"),
        ]
    )


def speed_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Speed of learning at initialisation per layer, ours against the book's, with the speed figures."""
    init = tables["speed_at_init"]
    rows = [
        [
            r["architecture"],
            str(int(r["layer"])),
            spread(r, num),
            num(r["book_grad_norm"]),
            yes_no(r["book_in_seed_range"]),
        ]
        for _, r in init.iterrows()
    ]
    header = [
        "network",
        "hidden layer",
        "ours: ‖∂C/∂b‖, mean ± std (min–max, n seeds)",
        "book",
        "book within our min–max",
    ]
    return join(
        [
            "## Speed of learning at initialisation",
            f"Protocol B: the first {protocol_text(settings['protocol_b'])} (full-batch gradient descent). "
            "Before each update we average ∂C/∂b over those images for every hidden layer and take its "
            "Euclidean norm; layer 1 is the first hidden layer. The table is the value before the first "
            "update (epoch 0).",
            markdown_table(header, rows),
            figure(figures, "sigmoid_derivative"),
            figure(figures, "gradient_bars"),
            figure(figures, "speed_of_learning_B"),
        ]
    )


def ratio_section(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """Last-to-first hidden layer speed ratio at initialisation and over training, vs the book's."""
    ratio = tables["speed_ratio"]
    rows = [
        [r["protocol"], r["architecture"], r["phase"], spread(r, num), num(r["book_ratio"])]
        for _, r in ratio.iterrows()
    ]
    return join(
        [
            "## Ratio of last to first hidden layer",
            "How many times faster the last hidden layer learns than the first: per seed, the speed of the "
            'last hidden layer divided by that of the first. "initialisation" is that ratio at epoch 0; '
            '"training" is, per seed, its median over epochs 1 to the last (protocol A: '
            f"{settings['protocol_a']['epochs']} epochs, protocol B: {settings['protocol_b']['epochs']} "
            "epochs). The book's ratio is its last-layer speed at initialisation divided by its first-layer one.",
            markdown_table(
                ["protocol", "network", "phase", "ours: mean ± std (min–max, n seeds)", "book"],
                rows,
            ),
            figure(figures, "speed_of_learning_A"),
        ]
    )


def differences_section(tables: dict[str, pd.DataFrame]) -> str:
    """The rows the tables flag as differing from the book."""
    items = []
    accuracy = tables["accuracy_summary"]
    for ref, name in REFERENCE_TEXT.items():
        for _, r in accuracy[accuracy[f"differs_from_{ref}"].fillna(False).astype(bool)].iterrows():
            where = "inside" if r[f"{ref}_in_seed_range"] else "outside"
            items.append(
                f"- {r['architecture']}, validation accuracy: ours {pct(r['val_accuracy_mean'])} %, "
                f"{name} {pct(r[f'{ref}_val_accuracy'])} % "
                f"({pct(r[f'difference_from_{ref}'], signed=True)} percentage points; the {name}'s "
                f"value is {where} our seed range {pct(r['val_accuracy_min'])}–"
                f"{pct(r['val_accuracy_max'])} %, "
                f"{position_text(r[f'seeds_below_{ref}'], r['n_seeds'])})."
            )
    init = tables["speed_at_init"]
    for _, r in init[init["book_in_seed_range"].eq(False)].iterrows():
        items.append(
            f"- {r['architecture']}, hidden layer {int(r['layer'])}, speed at initialisation: book "
            f"{num(r['book_grad_norm'])}, ours {num(r['mean'])} with range {num(r['min'])}–{num(r['max'])}."
        )
    ratio = tables["speed_ratio"]
    for _, r in ratio[ratio["book_in_seed_range"].eq(False)].iterrows():
        items.append(
            f"- {r['architecture']}, last/first speed ratio ({r['phase']}, protocol {r['protocol']}): book "
            f"{num(r['book_ratio'])}, ours {num(r['mean'])} with range {num(r['min'])}–{num(r['max'])}."
        )
    tolerance = 100 * ACCURACY_TOLERANCE
    criterion = (
        f"We list every accuracy more than {tolerance:g} percentage points from the book's or the "
        "Python 3 re-run's, or whose single-run value lies outside our seed range, and every speed or "
        "ratio whose book value lies outside our seeds' min–max. The book's and the re-run's numbers "
        "are single runs, so each carries the run-to-run spread our seeds measure."
    )
    found = "\n".join(items) or (
        "None: every single-run value lies within our seed range and no accuracy differs by more than "
        f"{tolerance:g} percentage points."
    )
    return join(["## Where we differ from the book", criterion, found])


def render_chapter(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The chapter's sections as Markdown. ``tables``: accuracy_summary, depth_comparison,
    speed_at_init, speed_ratio as the workflow writes them (rows in their order);
    ``figures``: name -> {"path", "caption"}; ``settings``: seeds, validation_size,
    protocol_a and protocol_b (the config's accuracy and speed sections)."""
    return join(
        [
            intro(tables, settings),
            accuracy_section(tables, figures, settings),
            speed_section(tables, figures, settings),
            ratio_section(tables, figures, settings),
            differences_section(tables),
        ]
    )
