"""The Markdown report of the reproduction, and its rendering as one HTML page.

Every number in the report is read from the tables and settings passed in; the only
constants here are the thresholds by which we call a result different from the book's.
Accuracies arrive as fractions and are printed in percent through ``_pct``.
"""

import html
import json

import markdown
import pandas as pd

ACCURACY_TOLERANCE_PP = (
    0.3  # |ours - book| above this many percentage points is listed as a difference
)
SIGNIFICANCE_LEVEL = 0.05  # two-sided Welch t-test between neighbouring depths

_CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; }
th { background: #eee; }
img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
"""


def _pct(fraction: float, signed: bool = False) -> str:
    """A fraction as a percentage with 2 decimals (0.9648 -> '96.48'); '—' for NaN."""
    if pd.isna(fraction):
        return "—"
    return f"{100 * fraction:+.2f}" if signed else f"{100 * fraction:.2f}"


def _num(value: float) -> str:
    """A speed of learning or a ratio with 3 significant digits; '—' for NaN."""
    return "—" if pd.isna(value) else f"{value:.3g}"


def _p(p_value: float) -> str:
    """A p-value: 3 decimals, scientific below 0.001, 'not computable' for NaN."""
    if pd.isna(p_value):
        return "not computable"
    return f"{p_value:.3f}" if p_value >= 0.001 else f"{p_value:.1e}"


def _spread(row: pd.Series, fmt, prefix: str = "") -> str:
    """'mean ± std (min–max, n = k)' of one summary row; columns ``prefix + mean`` etc."""
    mean, std, low, high = (row[prefix + key] for key in ("mean", "std", "min", "max"))
    return f"{fmt(mean)} ± {fmt(std)} ({fmt(low)}–{fmt(high)}, n = {int(row['n_seeds'])})"


def _yes_no(flag, book_value: float) -> str:
    """'yes' / 'no' for a book-within-range flag, '—' where the book has no value."""
    return "—" if pd.isna(book_value) else ("yes" if flag else "no")


def _within(value: float, low: float, high: float) -> bool:
    """Whether ``low <= value <= high``."""
    return bool(low <= value <= high)


def _verdict(p_value: float) -> str:
    """Whether a difference between depths exceeds the seed spread (p < SIGNIFICANCE_LEVEL)."""
    if pd.isna(p_value):
        return "not testable (a network has fewer than two seeds)."
    return (
        "larger than the seed spread."
        if p_value < SIGNIFICANCE_LEVEL
        else "not larger than the seed spread."
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown (pipe) table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _seeds(n_seeds: pd.Series) -> str:
    """'5 seeds', or '3–5 seeds' when the count differs between rows."""
    low, high = int(n_seeds.min()), int(n_seeds.max())
    return f"{low} seeds" if low == high else f"{low}–{high} seeds"


def _seed_list(settings: dict) -> str:
    """The configured seeds, e.g. 'seeds 0, 1, 2'."""
    return "seeds " + ", ".join(str(seed) for seed in settings["seeds"])


def _protocol_text(settings: dict, key: str) -> str:
    """One protocol's settings in words: images, epochs, mini-batch, eta, lambda."""
    p = settings[key]
    return (
        f"{p['training_size']:,} training images, {p['epochs']} epochs, mini-batch {p['mini_batch_size']:,}, "
        f"learning rate η = {p['eta']}, L2 regularisation λ = {p['lmbda']}"
    )


def _figure(figures: dict[str, str], key: str, caption: str) -> str:
    """The figure ``key`` embedded with its caption below it; '' if it was not made."""
    return f"![{caption}]({figures[key]})\n\n*{caption}*" if key in figures else ""


def _join(blocks: list[str]) -> str:
    """Markdown blocks separated by blank lines, empty ones left out."""
    return "\n\n".join(block for block in blocks if block)


def _intro(tables: dict[str, pd.DataFrame], settings: dict) -> str:
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
        f"{len(settings['seeds'])} seeds ({_seed_list(settings)}), where the book reports one run per network; "
        f"so every number below comes with its spread across seeds. Validation accuracy is measured on "
        f"{settings['validation_size']:,} held-out images. Values marked \"book\" are the book's."
    )


def _accuracy_section(
    tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict
) -> str:
    """Accuracy table per architecture, the neighbouring-depth tests and the accuracy figures."""
    summary = tables["accuracy_summary"].sort_values("hidden_layers")
    rows = [
        [
            r["architecture"],
            _spread(r, _pct, "val_accuracy_"),
            _pct(r["book_val_accuracy"]),
            _pct(r["difference_from_book"], signed=True),
            _yes_no(r["book_in_seed_range"], r["book_val_accuracy"]),
            f"{_pct(r['test_accuracy_mean'])} ± {_pct(r['test_accuracy_std'])}",
        ]
        for _, r in summary.iterrows()
    ]
    header = [
        "network",
        "ours: validation accuracy (%), mean ± std (min–max, n seeds)",
        "book (%)",
        "ours − book (percentage points)",
        "book within our seed range",
        "ours: test accuracy (%)",
    ]
    tests = "\n".join(
        f"- {r['shallower']} → {r['deeper']}: mean difference {_pct(r['mean_difference'], signed=True)} percentage "
        f"points (deeper − shallower), Welch's t = {_num(r['welch_t'])}, p = {_p(r['p_value'])} "
        f"(n = {int(r['n_shallower'])} and {int(r['n_deeper'])} seeds): {_verdict(r['p_value'])}"
        for _, r in tables["depth_comparison"].iterrows()
    )
    n, epochs = _seeds(summary["n_seeds"]), settings["protocol_a"]["epochs"]
    return _join(
        [
            "## Accuracy against depth",
            f"Protocol A: {_protocol_text(settings, 'protocol_a')}. We report the validation accuracy after the "
            "last epoch, and the test accuracy of the same network.",
            _table(header, rows),
            "Is a change of depth larger than the seed-to-seed spread? We call it so when a two-sided Welch "
            f"t-test on the final validation accuracies of the n seeds of each network gives p < {SIGNIFICANCE_LEVEL}.",
            tests,
            _figure(
                figures,
                "accuracy_vs_depth",
                f"Validation accuracy after {epochs} epochs against the number of hidden layers (protocol A, {n}: "
                f"{_seed_list(settings)}); points: single seeds, bars: mean ± std, crosses: book.",
            ),
            _figure(
                figures,
                "accuracy_vs_epoch",
                f"Validation accuracy against epoch, 1 to {epochs} (protocol A, {n}: {_seed_list(settings)}); "
                "line: mean over seeds, band: seed min–max.",
            ),
        ]
    )


def _speed_section(tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict) -> str:
    """Speed of learning at initialisation per layer, ours against the book's, with the speed figures."""
    init = tables["speed_at_init"].sort_values(["hidden_layers", "layer"])
    rows = [
        [
            r["architecture"],
            str(int(r["layer"])),
            _spread(r, _num),
            _num(r["book_grad_norm"]),
            _yes_no(_within(r["book_grad_norm"], r["min"], r["max"]), r["book_grad_norm"]),
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
    n, epochs = _seeds(init["n_seeds"]), settings["protocol_b"]["epochs"]
    return _join(
        [
            "## Speed of learning at initialisation",
            f"Protocol B: the first {_protocol_text(settings, 'protocol_b')} (full-batch gradient descent). Before "
            "each update we average ∂C/∂b over those images for every hidden layer and take its Euclidean norm; "
            "layer 1 is the first hidden layer. The table is the value before the first update (epoch 0).",
            _table(header, rows),
            _figure(
                figures,
                "sigmoid_derivative",
                "σ'(z) = σ(z)(1 − σ(z)) peaks at 1/4 for z = 0 (analytic: no training, no seeds, no epochs).",
            ),
            _figure(
                figures,
                "gradient_bars",
                f"Averaged ∂C/∂b of the first neurons of each hidden layer at initialisation, epoch 0 of {epochs} "
                f"(protocol B, {n}: {_seed_list(settings)}); bars: mean, whiskers: seed min–max.",
            ),
            _figure(
                figures,
                "speed_of_learning_B",
                f"Speed of learning of each hidden layer over {epochs} epochs (protocol B, {n}: "
                f"{_seed_list(settings)}); line: median, band: 10–90 % across seeds, crosses: book at epoch 0.",
            ),
        ]
    )


def _ratio_section(tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict) -> str:
    """Last-to-first hidden layer speed ratio at initialisation and over training, vs the book's."""
    ratio = tables["speed_ratio"].sort_values(["protocol", "hidden_layers", "phase"])
    rows = [
        [r["protocol"], r["architecture"], r["phase"], _spread(r, _num), _num(r["book_ratio"])]
        for _, r in ratio.iterrows()
    ]
    return _join(
        [
            "## Ratio of last to first hidden layer",
            "How many times faster the last hidden layer learns than the first: per seed, the speed of the last "
            'hidden layer divided by that of the first. "initialisation" is that ratio at epoch 0; "training" '
            "is, per seed, its median over epochs 1 to the last (protocol A: "
            f"{settings['protocol_a']['epochs']} epochs, protocol B: {settings['protocol_b']['epochs']} epochs). "
            "The book's ratio is its last-layer speed at initialisation divided by its first-layer one.",
            _table(
                ["protocol", "network", "phase", "ours: mean ± std (min–max, n seeds)", "book"],
                rows,
            ),
            _figure(
                figures,
                "speed_of_learning_A",
                f"Speed of learning of each hidden layer on the first {settings['protocol_a']['probe_size']:,} "
                f"training images after each of {settings['protocol_a']['epochs']} epochs of mini-batch SGD "
                f"(protocol A, {_seeds(ratio['n_seeds'])}: {_seed_list(settings)}); line: median, "
                "band: 10–90 % across seeds.",
            ),
        ]
    )


def _differences_section(tables: dict[str, pd.DataFrame]) -> str:
    """The comparisons in which the book's value falls outside what our seeds show."""
    items = []
    accuracy = tables["accuracy_summary"].sort_values("hidden_layers")
    for _, r in accuracy[accuracy["book_val_accuracy"].notna()].iterrows():
        far = round(100 * abs(r["difference_from_book"]), 6) > ACCURACY_TOLERANCE_PP
        if far or not r["book_in_seed_range"]:
            where = "inside" if r["book_in_seed_range"] else "outside"
            items.append(
                f"- {r['architecture']}, validation accuracy: ours {_pct(r['val_accuracy_mean'])} %, book "
                f"{_pct(r['book_val_accuracy'])} % ({_pct(r['difference_from_book'], signed=True)} percentage points; "
                f"the book's value is {where} our seed range {_pct(r['val_accuracy_min'])}–{_pct(r['val_accuracy_max'])} %)."
            )
    init = tables["speed_at_init"].sort_values(["hidden_layers", "layer"])
    for _, r in init[init["book_grad_norm"].notna()].iterrows():
        if not _within(r["book_grad_norm"], r["min"], r["max"]):
            items.append(
                f"- {r['architecture']}, hidden layer {int(r['layer'])}, speed at initialisation: book "
                f"{_num(r['book_grad_norm'])}, ours {_num(r['mean'])} with range {_num(r['min'])}–{_num(r['max'])}."
            )
    ratio = tables["speed_ratio"].sort_values(["protocol", "hidden_layers", "phase"])
    for _, r in ratio[ratio["book_ratio"].notna()].iterrows():
        if not _within(r["book_ratio"], r["min"], r["max"]):
            items.append(
                f"- {r['architecture']}, last/first speed ratio ({r['phase']}, protocol {r['protocol']}): book "
                f"{_num(r['book_ratio'])}, ours {_num(r['mean'])} with range {_num(r['min'])}–{_num(r['max'])}."
            )
    criterion = (
        f"We list every accuracy more than {ACCURACY_TOLERANCE_PP} percentage points from the book's or whose book "
        "value lies outside our seed range, and every speed or ratio whose book value lies outside our seeds' "
        "min–max. The book's numbers are single runs, so each carries the run-to-run spread our seeds measure."
    )
    found = (
        "\n".join(items)
        if items
        else (
            "None: every book value lies within our seed range and no accuracy differs by more than "
            f"{ACCURACY_TOLERANCE_PP} percentage points."
        )
    )
    return _join(["## Where we differ from the book", criterion, found])


def _commit_text(commit: str, modified: bool) -> str:
    """A git commit as the report shows it: short, marked when the tree had changes."""
    return f"`{commit[:12]}`" + (" (uncommitted changes)" if modified else "")


def _provenance_section(provenance: dict) -> str:
    """Configuration, data checksums, package versions, the code of every stage, commit and
    date of the run."""
    checksums = [
        [f"`{name}`", f"`{digest}`"]
        for name, digest in sorted(provenance["data_checksums"].items())
    ]
    packages = [[name, version] for name, version in sorted(provenance["packages"].items())]
    stages = [
        [
            f"`{row['stage']}`",
            f"`{row['code_version'][:12]}`",
            _commit_text(row["git_commit"], row["modified"]),
            "" if row["runs"] is None else str(row["runs"]),
            row["recorded"],
        ]
        for row in provenance["stages"]
    ]
    return _join(
        [
            "## Provenance",
            "Configuration of this run:",
            "```json\n" + json.dumps(provenance["config"], indent=2, default=str) + "\n```",
            "Data files and their SHA-256:",
            _table(["file", "sha256"], checksums),
            "Package versions:",
            _table(["package", "version"], packages),
            "The code of each stage: the version of its script and of every package module the "
            "script imports (comments and docstrings do not count), and the git commit it ran at. "
            "A stage reruns whenever its code version changes, so every result here was made by "
            "the code version listed for its stage.",
            _table(["stage", "code version", "git commit", "runs", "recorded"], stages),
            f"Report written at git commit {_commit_text(*provenance['git_commit'])} on "
            f"{provenance['run_date']}.",
        ]
    )


def render_report(
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    provenance: dict,
    settings: dict,
    beyond: str = "",
) -> str:
    """The report as Markdown: intro, accuracy against depth (with Welch tests between
    neighbouring depths), speed of learning at initialisation, last/first layer ratio,
    where we differ from the book, the ``beyond`` section (Markdown, may be empty) and
    provenance; figures embedded from ``figures``
    (paths relative to the report). Uses the tables accuracy_summary, depth_comparison,
    speed_at_init and speed_ratio.
    """
    sections = [
        _intro(tables, settings),
        _accuracy_section(tables, figures, settings),
        _speed_section(tables, figures, settings),
        _ratio_section(tables, figures, settings),
        _differences_section(tables),
        beyond,
        _provenance_section(provenance),
    ]
    return _join(sections) + "\n"


def markdown_to_html(markdown_text: str, title: str) -> str:
    """A complete HTML page of ``markdown_text`` (tables and fenced code rendered) with inline CSS."""
    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"])
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
