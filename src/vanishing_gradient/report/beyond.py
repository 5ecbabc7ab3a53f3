"""The report's "Beyond the chapter" section: the ablation of activation, initialiser,
optimiser and the remedies of the last decade on the deep network, the saturation of its
hidden layers, the chain of single neurons, and the depth sweep.

Every number and verdict is a cell of the tables passed in: variant_comparison (each
variant against the baseline, with its verdicts), saturation_check, the chain's
below_bound and within_tolerance columns, and the depth sweep's per_layer_factor (its
intervals, Holm-adjusted p-values, verdicts and whether each prediction lies inside the
interval); this module only formats them. Variants keep
the order of the tables. The ablation's speed ratio is last / first hidden layer (> 1:
the first layer learns more slowly, the vanishing gradient); the chain's is first / last.
"""

import pandas as pd

from .. import book
from ..figures.ablation import default_saturation_variants, variant_order
from ..experiments.chain import EXPLODING_RTOL
from ..analysis.learning_rates import SETTINGS
from ..figures.chain import weights_text
from ..figures.depth_sweep import panel_title
from ..model.activations import ACTIVATIONS
from ..model.identity import has_remedy
from ..model.initialisers import INITIALISERS
from ..model.network import BATCH_NORM_EPSILON, RUNNING_MOMENTUM
from ..model.optimisers import OPTIMISERS
from ..model.remedies import REMEDIES
from ..analysis.statistics import (
    BALANCED_FACTOR,
    CONFIDENCE,
    MOSTLY_SATURATED,
    NEAR_ZERO_ACTIVATION,
    SIGNIFICANCE_LEVEL,
)
from .chapter import detection_text, protocol_text
from ..figures.labels import num, seeds_text
from .prose import render_prose
from .formatting import (
    figure,
    interval,
    join,
    markdown_table,
    null_verdict,
    p_text,
    pct,
    seed_list,
    spread,
)

BOUND = f"1/{BALANCED_FACTOR:g} and {BALANCED_FACTOR:g}"
# The ablation's tables of each setting, passed to ``render_beyond`` as "<setting>_<table>".
SETTING_TABLES = ("ablation_accuracy_summary", "ablation_speed_ratio", "variant_comparison")
# The headings of the variant_comparison verdicts, in the order they are listed.
VERDICT_HEADINGS = {
    "removed": f"**Remove the vanishing gradient** (median training ratio between {BOUND}):",
    "reduced": f"**Reduce it without removing it** (ratio from {BALANCED_FACTOR:g} up to the baseline's):",
    "worse": "**Make it worse than the baseline** (ratio above the baseline's):",
    "reversed": f"**Reverse it: the first hidden layer learns faster** (ratio at most 1/{BALANCED_FACTOR:g}, "
    "an exploding gradient):",
    "unmeasured": "**Not measured by protocol B:**",
}
ACCURACY_VERDICT_TEXT = {
    "higher": "more accurate than the baseline, beyond the seed spread",
    "lower": "less accurate than the baseline, beyond the seed spread",
    "within_seed_spread": "not larger than the seed spread",
    "not_testable": "not testable (fewer than two seeds, or no spread)",
}
# The speed class of a variant (statistics.gradient_verdict) in a clause.
SPEED_VERDICT_TEXT = {
    "removed": "is removed",
    "reduced": "is reduced without being removed",
    "worse": "is worse than the baseline's",
    "reversed": "is reversed (the first hidden layer learns faster)",
    "unmeasured": "is not measured",
}
HELPS_TEXT = {
    "speed and accuracy": "helps both the speed of learning and the accuracy",
    "speed": "helps the speed of learning, not the accuracy beyond the seed spread",
    "accuracy": "helps the accuracy, not the speed of learning",
    "neither": "fails to help: neither the speed of learning nor the accuracy",
}


def accuracy_verdict(row: pd.Series) -> str:
    """A variant's accuracy verdict in words, with its detectable difference if null."""
    text = ACCURACY_VERDICT_TEXT[row["accuracy_verdict"]]
    if row["accuracy_verdict"] != "within_seed_spread":
        return text
    seeds = (row["n_seeds"], row["n_baseline"])
    return null_verdict(text, row["detectable_difference"], seeds, unit=" percentage points")


SATURATION_VERDICT_TEXT = {
    "shown": "Our numbers show this",
    "partly_shown": "Our numbers show it only in part",
    "not_shown": "Our numbers do not show this",
}


def momentum_text(settings: dict) -> str:
    """The configured momentum in words: constant, or Sutskever et al.'s schedule."""
    mu = settings.get("momentum")
    if settings.get("momentum_schedule"):
        return (
            "μ_t = min(1 − 2^(−1 − log2(⌊t/250⌋ + 1)), μ_max) (Sutskever et al.'s schedule) "
            f"with μ_max = {mu}"
        )
    return f"constant μ = {mu}"


def optimiser_text(name: str, settings: dict) -> str:
    """One optimiser in words (its entry's description), with its configured settings."""
    rule = OPTIMISERS[name]
    eta = rule.configured(settings).get("eta")
    return rule.description.format(momentum=momentum_text(settings), eta=eta)


def remedy_constants(settings: dict) -> dict:
    """The values a remedy's ``description`` and ``words`` name: fixed and configured."""
    return {
        "epsilon": BATCH_NORM_EPSILON,
        "running_momentum": RUNNING_MOMENTUM,
        "clip_threshold": settings.get("clip_threshold"),
    }


def remedy_words(row: pd.Series, settings: dict) -> list[str]:
    """The remedies of one variant's row (its identity columns) in a few words each: a
    modern optimiser's title, then each remedy's words."""
    rule = OPTIMISERS[row["optimiser"]]
    words = [rule.title] if rule.modern else []
    return words + [
        remedy.words.format(**remedy_constants(settings))
        for remedy in REMEDIES.values()
        if row.get(remedy.column) is True
    ]


def times(factor: float) -> str:
    """A positive factor in words: '3.75 times' or '66.7 times smaller than'."""
    if pd.isna(factor) or factor <= 0:
        return "not comparable with"
    return f"{num(factor)} times" if factor >= 1 else f"{num(1 / factor)} times smaller than"


def setup(
    tables: dict[str, pd.DataFrame], settings: dict, variants: list[str], baseline: str
) -> str:
    """What was varied and how it was measured."""
    described = pd.concat(
        [tables["book_ablation_accuracy_summary"], tables["book_ablation_speed_ratio"]]
    )
    listing = "\n".join(
        [
            "- hidden activation: "
            + "; ".join(ACTIVATIONS[a].description for a in dict.fromkeys(described["activation"]))
        ]
        + [
            f"- initialiser {name}: {INITIALISERS[name].description}"
            for name in dict.fromkeys(described["initialiser"])
        ]
        + [
            f"- optimiser {optimiser_text(name, settings)}"
            for name in dict.fromkeys(described["optimiser"])
        ]
        + [
            f"- {part}: {remedy.description.format(**remedy_constants(settings))}"
            for part, remedy in REMEDIES.items()
            if remedy.column in described and described[remedy.column].eq(True).any()
        ]
    )
    accuracy, speed = settings["accuracy"], settings["speed"]
    return join(
        [
            "## Beyond the chapter",
            "The chapter names other obstacles to training deep networks: the activation function, the "
            "initialisation and the optimiser. We train the deep network "
            f"{settings['architecture']} in {len(variants)} variants, named activation-initialiser-optimiser "
            "and then the remedies they add; "
            f"{baseline} is the baseline. Each variant is trained with {len(settings['accuracy_seeds'])} "
            f"seeds by protocol A ({seed_list(settings['accuracy_seeds'])}), since accuracy differences "
            f"are small, and with {len(settings['speed_seeds'])} by protocol B "
            f"({seed_list(settings['speed_seeds'])}), whose speed ratios differ by large factors. The output layer stays a sigmoid with the cross-entropy cost. Ingredients:",
            listing,
            f"Accuracy (protocol A): {protocol_text(accuracy, settings['accuracy_epochs'])}; we compare the "
            "test accuracy after the last epoch. Speed of learning (protocol B): the first "
            f"{protocol_text(speed, settings['speed_epochs'])}; the speed of hidden layer l is ‖∂C/∂b^l‖, "
            "layer 1 being the first hidden layer. Per seed, the ratio of the last hidden layer's speed to the "
            'first\'s is taken at initialisation (epoch 0) and, as "training", its median over epochs 1 to '
            f"{settings['speed_epochs']}; then median and min–max across seeds. A ratio far above 1 is the "
            "vanishing gradient, far below 1 an exploding one, near 1 balanced learning. Saturation is "
            f"measured during protocol A on the first {accuracy['probe_size']:,} training images, at "
            "initialisation and after every epoch: a unit is saturated when its derivative is below 5 % of "
            "its maximum (for ReLU: when it is inactive).",
        ]
    )


def ratio_cell(rows: pd.DataFrame, variant: str) -> str:
    """'median (min–max, n = k)' of one variant's ratio; '—' if it was not measured."""
    if variant not in rows.index:
        return "—"
    r = rows.loc[variant]
    return f"{num(r['median'])} ({num(r['min'])}–{num(r['max'])}, n = {int(r['n_seeds'])})"


def results(
    tables: dict[str, pd.DataFrame],
    figures: dict,
    settings: dict,
    variants: list[str],
    baseline: str,
    setting: str,
) -> str:
    """The table per variant, each variant against the baseline, and the ablation figures,
    in ``setting`` (a key of ``SETTINGS``: its tables are ``<setting>_<table>``)."""
    summary = tables[f"{setting}_ablation_accuracy_summary"].set_index("variant")
    ratio = tables[f"{setting}_ablation_speed_ratio"]
    protocol_b = ratio[ratio["protocol"] == "B"]
    init = protocol_b[protocol_b["phase"] == "initialisation"].set_index("variant")
    training = protocol_b[protocol_b["phase"] == "training"].set_index("variant")
    rows = [
        [
            f"{variant} (baseline)" if variant == baseline else variant,
            num(summary.loc[variant, "eta"]) if variant in summary.index else "—",
            ratio_cell(init, variant),
            ratio_cell(training, variant),
            (
                spread(summary.loc[variant], pct, "test_accuracy_")
                if variant in summary.index
                else "—"
            ),
        ]
        for variant in variants
    ]
    header = [
        "variant",
        "η (protocol A)",
        "last/first speed at initialisation: median (min–max, n seeds)",
        "last/first speed over training: median (min–max, n seeds)",
        "test accuracy (%): mean ± std (min–max, n seeds)",
    ]
    comparisons = tables[f"{setting}_variant_comparison"]
    return join(
        [
            f"### Speed ratio and accuracy {SETTINGS[setting]}",
            markdown_table(header, rows),
            comparison(comparisons, baseline),
            remedies(comparisons, ratio, settings, baseline),
            figure(figures, f"variant_speed_{setting}"),
            figure(figures, f"ratio_heatmap_{setting}"),
            figure(figures, f"variant_accuracy_{setting}"),
        ]
    )


def comparison(table: pd.DataFrame, baseline: str) -> str:
    """The variant_comparison table in words, grouped by its verdict."""
    if table.empty:
        return f"No variant besides the baseline {baseline} was run."
    first = table.iloc[0]

    def bullet(r: pd.Series) -> str:
        text = f"- {r['variant']} (η = {num(r['eta'])}): median training ratio {num(r['training_ratio'])}"
        if not pd.isna(r["training_ratio"]):
            text += f", {times(r['ratio_fold_change'])} the baseline's"
        if r["n_seeds"] == 0:
            return text + "; no accuracy runs."
        return (
            f"{text}; test accuracy {pct(r['test_accuracy_mean'])} %, "
            f"{pct(r['accuracy_difference'], signed=True)} percentage points "
            f"({100 * CONFIDENCE:g} % interval {interval(r['ci_low'], r['ci_high'])}; Welch's p = "
            f"{p_text(r['p_value'])}, Holm-adjusted {p_text(r['p_holm'])}; n = {int(r['n_seeds'])} and "
            f"{int(r['n_baseline'])} seeds): {accuracy_verdict(r)}."
        )

    blocks = [
        f"In the baseline {baseline} (η = {num(first['baseline_eta'])}) the last hidden layer learns "
        f"{num(first['baseline_training_ratio'])} times as fast as the first over training (median "
        f"over seeds, protocol B); its test accuracy is {pct(first['baseline_test_accuracy_mean'])} %. Against it, the accuracy difference "
        f"is tested by Welch's two-sided t-test, the {int(table['p_value'].notna().sum())} p-values "
        f"Holm-adjusted together (adjusted p < {SIGNIFICANCE_LEVEL}: larger than the seed spread). "
        + detection_text(int(table["p_value"].notna().sum()))
    ]
    for verdict, heading in VERDICT_HEADINGS.items():
        members = table[table["verdict"] == verdict]
        if not members.empty:
            blocks.append(heading + "\n\n" + "\n".join(bullet(r) for _, r in members.iterrows()))
        elif verdict in ("removed", "worse"):
            blocks.append(f"{heading} none of the variants.")
    return join(blocks)


def remedies(table: pd.DataFrame, speed_ratio: pd.DataFrame, settings: dict, baseline: str) -> str:
    """The remedies of the last decade, one bullet per variant that has one (Adam, residual
    connections, batch normalisation, clipping): its training ratio and seed range against
    the baseline's, its accuracy difference, and the ``helps`` verdict of variant_comparison,
    with a closing line naming every variant that fails to help."""
    rows = table[[has_remedy(r) for _, r in table.iterrows()]]
    if rows.empty:
        return ""
    training = speed_ratio[(speed_ratio["protocol"] == "B") & (speed_ratio["phase"] == "training")]
    training = training.set_index("variant")

    def seed_range(variant: str) -> str:
        if variant not in training.index:
            return "not measured"
        r = training.loc[variant]
        return f"{num(r['median'])} ({num(r['min'])}–{num(r['max'])}, n = {int(r['n_seeds'])})"

    bullets = [
        f"- {r['variant']} ({', '.join(remedy_words(r, settings))}): last/first speed over training "
        f"{seed_range(r['variant'])}, "
        f"{'every' if r['imbalance_below_baseline_range'] else 'not every'} seed's imbalance max(r, 1/r) "
        f"below the baseline seeds' smallest; test accuracy {pct(r['accuracy_difference'], signed=True)} percentage points "
        f"({100 * CONFIDENCE:g} % interval {interval(r['ci_low'], r['ci_high'])}, Holm-adjusted p = "
        f"{p_text(r['p_holm'])}, n = {int(r['n_seeds'])} and {int(r['n_baseline'])} seeds): "
        f"{HELPS_TEXT[r['helps']]}"
        + (
            f" (accuracy: {accuracy_verdict(r)})"
            if r["accuracy_verdict"] == "within_seed_spread"
            else ""
        )
        + "."
        for _, r in rows.iterrows()
    ]
    failing = rows.loc[rows["helps"] == "neither", "variant"].tolist()
    closing = (
        f"Failing to help: {', '.join(failing)}."
        if failing
        else "Each of these helps the speed of learning, the accuracy, or both."
    )
    return join(
        [
            "#### The remedies of the last decade",
            f"Against the baseline {baseline}, whose ratio over training is {seed_range(baseline)}. "
            "A remedy helps the speed of learning when it removes the vanishing gradient, or reduces "
            "or reverses it with every seed's imbalance max(r, 1/r) of its ratio r below every "
            "baseline seed's; it helps the accuracy when the "
            "difference is larger than the seed spread (the Holm-adjusted test above). With Adam "
            "the step of a parameter is about η whatever the size of its gradient, so a layer with "
            "a small gradient does not learn correspondingly slowly: the ratio of gradients, which "
            "we report for every variant, is then not a ratio of steps. With batch normalisation the "
            "speeds of protocol A's probe, like protocol B's, are training-mode gradients (the 1,000 "
            "images as one batch), and its accuracies use the running statistics.",
            "\n".join(bullets),
            closing,
        ]
    )


def top_layer_rows(table: pd.DataFrame, variant: str) -> tuple[int, pd.DataFrame]:
    """The top hidden layer of ``variant`` and its rows, indexed by epoch."""
    rows = table[table["variant"] == variant]
    top = int(rows["layer"].max())
    return top, rows[rows["layer"] == top].set_index("epoch").sort_index()


def saturation(tables: dict[str, pd.DataFrame], figures: dict, baseline: str) -> str:
    """The baseline's top hidden layer at epoch 0, the first and the last epoch, beside the
    variants of the saturation figure, and the saturation_check verdict."""
    table, check = tables.get("ablation_saturation_summary"), tables.get(
        "ablation_saturation_check"
    )
    if table is None or table.empty or check is None or check.empty:
        return ""
    check = check.iloc[0]
    shown = default_saturation_variants(variant_order(table), baseline)
    top, base = top_layer_rows(table, baseline)
    first, last = int(check["epoch"]), int(base.index.max())
    rows = []
    for variant in shown:
        layer, curve = top_layer_rows(table, variant)
        for epoch in (0, first, last):
            if epoch in curve.index:
                r = curve.loc[epoch]
                rows.append(
                    [
                        variant,
                        str(layer),
                        str(epoch),
                        num(r["activation_mean"]),
                        num(r["activation_std"]),
                        f"{pct(r['saturated_fraction'])} ({pct(r['saturated_fraction_min'])}–"
                        f"{pct(r['saturated_fraction_max'])})",
                    ]
                )
    header = [
        "variant",
        "top hidden layer",
        "epoch",
        "mean activation",
        "std of activations",
        "saturated units (%): mean over seeds (seed min–max)",
    ]
    text = (
        f"{SATURATION_VERDICT_TEXT[check['verdict']]}: after epoch {first} the baseline's top hidden "
        f"layer (layer {int(check['layer'])}) has mean activation {num(check['activation_mean'])} "
        f"({'below' if check['near_zero'] else 'not below'} {NEAR_ZERO_ACTIVATION}) with "
        f"{pct(check['saturated_fraction'])} % of its units saturated "
        f"({'more' if check['mostly_saturated'] else 'not more'} than {100 * MOSTLY_SATURATED:g} %)."
    )
    return join(
        [
            "### Saturation of the hidden layers",
            "At the book's learning rate. Glorot & Bengio (2010) found that with the sigmoid and the initialisation of the time the top "
            "hidden layer is driven into saturation near 0 early in training and leaves it only slowly. We "
            "call this seen when, after the first epoch, the top layer's mean activation is below "
            f"{NEAR_ZERO_ACTIVATION} and more than {100 * MOSTLY_SATURATED:g} % of its units are saturated. "
            f"Top hidden layer at initialisation, after the first and after the last epoch "
            f"({seeds_text(table['n_seeds'])}, protocol A; for ReLU, saturated means inactive):",
            markdown_table(header, rows),
            text,
            figure(figures, "saturation_book"),
        ]
    )


def chain(tables: dict[str, pd.DataFrame], figures: dict) -> str:
    """The chain of single neurons: vanishing against (1/4)^(L-1), exploding against
    (w/4)^(L-1), and the peak of the unstable width."""
    blocks = []
    summary = tables.get("chain_summary")
    if summary is not None and not summary.empty:
        sentences = []
        for scale, rows in summary.groupby("weight_scale", sort=False):
            deepest = rows.loc[rows["depth"].idxmax()]
            sentences.append(
                f"With weights w ~ {weights_text(scale)} (biases N(0, 1), input a₀ ~ U(0, 1)) and "
                f"L = {int(deepest['depth'])} neurons, the median of |∂C/∂b₁| / |∂C/∂b_L| over "
                f"{int(deepest['n_samples']):,} chains is {num(deepest['median'])} (10–90 %: "
                f"{num(deepest['q10'])}–{num(deepest['q90'])}), against (1/4)^(L−1) = "
                f"{num(deepest['quarter_power'])}: {times(deepest['median'] / deepest['quarter_power'])} it, "
                f"{'below' if deepest['below_bound'] else 'at or above'} the bound that holds when every "
                "|w_j| ≤ 1."
            )
        blocks += [" ".join(sentences), figure(figures, "chain_vanishing")]
    exploding = tables.get("chain_exploding")
    if exploding is not None and not exploding.empty:
        ordered = exploding.sort_values("depth")
        deepest = ordered.iloc[-1]
        factor = float(ordered["expected"].iloc[1] / ordered["expected"].iloc[0])  # w/4
        agree = "agree" if ordered["within_tolerance"].all() else "do not agree"
        blocks += [
            f"With w = {num(4 * factor)} and biases making every z = 0 each factor is "
            f"{num(4 * factor)} · σ'(0) = {num(factor)}: at L = {int(deepest['depth'])} the computed "
            f"ratio is {num(deepest['ratio'])} against {num(factor)}^(L−1) = {num(deepest['expected'])}; "
            f"over depths {int(ordered['depth'].min())} to {int(ordered['depth'].max())} the two {agree} "
            f"to within a relative difference of {ordered['relative_error'].max():.1e} (tolerance "
            f"{EXPLODING_RTOL:g}).",
            figure(figures, "chain_exploding"),
        ]
    width = tables.get("unstable_width")
    if width is not None and not width.empty:
        analytic = width[width["method"] == "analytic"]
        peak = analytic.loc[analytic["width"].idxmax()]
        text = (
            "|w σ'(wa + b)| ≥ 1, a gradient factor that does not shrink, holds only for inputs a in an "
            f"interval; its width is largest, {num(peak['width'])}, at |w| = {num(abs(peak['w']))} "
            f"(analytic, on our grid of {len(analytic)} values of w; book: about "
            f"{book.UNSTABLE_WIDTH_PEAK[1]} near |w| = {book.UNSTABLE_WIDTH_PEAK[0]})."
        )
        matched = width[width["method"] == "numeric"].merge(
            analytic, on="w", suffixes=("_numeric", "_analytic")
        )
        if not matched.empty:
            gap = float((matched["width_numeric"] - matched["width_analytic"]).abs().max())
            text += (
                f" The brute-force grid count differs from the formula by at most {num(gap)} over "
                f"{len(matched)} values of w."
            )
        blocks += [text, figure(figures, "unstable_width")]
    if not any(blocks):
        return ""
    return join(["### The chain of single neurons", *blocks])


# The per-layer factor's verdicts (statistics.difference_verdict of the slope) in words.
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


def factor_interval(value: float, low: float, high: float) -> str:
    """'×5.06 [4.68, 5.46]'."""
    return f"×{num(value)} [{num(low)}, {num(high)}]"


def power_of_ten(exponent: float) -> str:
    """'10^6.27' for a log10 value; '—' where it is missing."""
    return "—" if pd.isna(exponent) else f"10^{exponent:.2f}"


def inside(flag) -> str:
    """Whether a prediction lies within the interval: 'inside', 'outside' or '—'."""
    return "—" if pd.isna(flag) else ("inside" if flag else "outside")


def prediction_text(flags: pd.Series, rows: pd.DataFrame, name: str) -> str:
    """Where a prediction falls, over the rows of the per-layer factor table."""
    flags = flags.astype("boolean")  # missing where there is no interval
    tested = flags.notna()
    hits = [
        f"{r['variant']} {panel_title(r['protocol'], r['phase'], r['epochs'])}"
        for _, r in rows[flags.fillna(False).to_numpy()].iterrows()
    ]
    if not tested.any():
        return f"{name}: no interval to compare with (fewer than two seeds)."
    if not hits:
        return (
            f"{name} lies outside the 95 % interval of every row: it fails to predict the factor."
        )
    return (
        f"{name} lies inside the 95 % interval of {len(hits)} of {int(tested.sum())} rows "
        f"({'; '.join(hits)}) and outside the others."
    )


def sweep_remedies_text(factors: pd.DataFrame) -> str:
    """Which swept variants with a remedy of the last decade (``identity.has_remedy``) still
    show a ratio growing with depth beyond the seed spread (verdict ``higher``) in some row
    of the per-layer factor table, i.e. fail to stop the vanishing gradient there, and which
    in none."""
    remedied = factors[[has_remedy(r) for _, r in factors.iterrows()]]
    if remedied.empty:
        return ""
    growing = remedied[remedied["verdict"] == "higher"]
    failing = list(dict.fromkeys(growing["variant"]))
    holding = [v for v in dict.fromkeys(remedied["variant"]) if v not in failing]
    where = {
        variant: ", ".join(
            f"{panel_title(r['protocol'], r['phase'], r['epochs'])} ×{num(r['factor'])}"
            for _, r in growing[growing["variant"] == variant].iterrows()
        )
        for variant in failing
    }
    parts = []
    if failing:
        parts.append(
            "Of the remedies of the last decade, "
            + "; ".join(f"{v} ({where[v]})" for v in failing)
            + " leave a ratio that grows with depth beyond the seed spread: there they fail to stop "
            "the vanishing gradient."
        )
    if holding:
        parts.append(
            f"{', '.join(holding)} show no such growth in any measurement (each row's verdict above)."
        )
    return " ".join(parts)


def depth_sweep(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The depth sweep: per variant and phase the fitted per-layer factor with its interval,
    its test, the chain's and the width-aware predictions, the factors measured at
    initialisation, the deepest networks' ratios and the figure."""
    factors, summary = tables.get("per_layer_factor"), tables.get("depth_sweep_summary")
    if factors is None or factors.empty or summary is None or summary.empty:
        return ""
    sweep, seeds = settings["depth_sweep"], settings["speed_seeds"]
    speed, accuracy = settings["speed"], settings["accuracy"]
    first = factors.iloc[0]
    chain_factors = factors["chain_factor"].dropna()
    chain_text = (
        f"×{num(chain_factors.iloc[0])} per layer, given for the variants with plain sigmoid hidden "
        "layers (it models no other)"
        if not chain_factors.empty
        else "not given: no variant swept has plain sigmoid hidden layers, the only ones it models"
    )
    rows = [
        [
            r["variant"],
            panel_title(r["protocol"], r["phase"], r["epochs"]),
            f"{factor_interval(r['factor'], r['factor_ci_low'], r['factor_ci_high'])} "
            f"(n = {int(r['n_seeds'])})",
            f"{p_text(r['p_value'])}; {p_text(r['p_holm'])}: {slope_verdict(r)}",
            (
                f"×{num(r['book_factor'])} ({inside(r['book_in_ci'])})"
                if not pd.isna(r["book_factor"])
                else "—"
            ),
            (
                f"×{num(r['chain_factor'])} ({inside(r['chain_in_ci'])})"
                if not pd.isna(r["chain_factor"])
                else "—"
            ),
            f"×{num(10 ** r['rms_slope'])} ({inside(r['rms_in_ci'])})",
        ]
        for _, r in factors.iterrows()
    ]
    header = [
        "variant",
        "measured",
        "per-layer factor 10^slope [95 % interval] (n seeds)",
        "t-test of slope 0: p; Holm-adjusted p",
        "book (inside the interval?)",
        "chain of single neurons (inside the interval?)",
        "width-aware prediction (inside?)",
    ]
    measured = factors.drop_duplicates("variant")
    factor_rows = [
        [
            r["variant"],
            str(int(r["n_factor_layers"])),
            num(r["mean_abs_factor"]),
            num(10 ** r["mean_log10_factor"]),
            num(r["rms_factor"]),
        ]
        for _, r in measured.iterrows()
    ]
    factor_header = [
        "variant",
        "layers measured (all depths and seeds)",
        "mean ∣J^l_kj∣",
        "geometric mean of ∣J^l_kj∣",
        "width-aware factor √(Σ_kj (J^l_kj)² / n_l)",
    ]
    short = factors[factors["n_seeds"] < len(seeds)]
    short_text = (
        f"Fewer than the {len(seeds)} seeds enter {len(short)} of the fits ("
        + "; ".join(
            f"{r['variant']} {panel_title(r['protocol'], r['phase'], r['epochs'])}: "
            f"n = {int(r['n_seeds'])}"
            for _, r in short.iterrows()
        )
        + "): a seed has no slope when one of its ratios is 0/0 or infinite, i.e. a hidden "
        "layer's speed is exactly 0 (all its units inactive, as dead ReLU units are)."
        if not short.empty
        else ""
    )
    initial = summary[summary["phase"] == "initialisation"]
    deepest = initial[initial["hidden_layers"] == initial["hidden_layers"].max()]
    deepest_text = "; ".join(
        f"{r['variant']} {power_of_ten(r['mean'])} (95 % interval {power_of_ten(r['ci_low'])} to "
        f"{power_of_ten(r['ci_high'])})"
        for _, r in deepest.iterrows()
    )
    return join(
        [
            "### How fast the gradient vanishes per layer: the depth sweep",
            f"We train networks of {min(sweep['hidden_layers'])} to {max(sweep['hidden_layers'])} hidden "
            f"layers of {sweep['width']} units (784-{sweep['width']}-…-{sweep['width']}-10) in "
            f"{len(sweep['variants'])} variants ({', '.join(sweep['variants'])}), with the protocol B "
            f"{seed_list(seeds)} ({seeds_text(factors['n_seeds'])} per fit); each depth is its own "
            "network drawn from the seed. Every variant keeps its default learning rate, the book's "
            "setting: the sweep's measure is mostly taken at initialisation, where η plays no part. "
            f"Protocol B: the first {protocol_text(speed, sweep['speed_epochs'])} (the book runs 500 epochs; "
            "the sweep's budget allows fewer). Protocol A, shortened: the first "
            f"{protocol_text({**accuracy, 'training_size': sweep['accuracy_training_size']}, sweep['accuracy_epochs'])}, "
            f"the speeds measured on the first {accuracy['probe_size']:,} training images. Per run, ρ = "
            "log10(speed of the last hidden layer / speed of the first) at initialisation (epoch 0, the same "
            "networks for both protocols) and, over training, the median of ρ over the epochs after it. Per "
            "seed, the least-squares slope of ρ against the number of hidden layers H (with an intercept) is "
            "the log10 of the per-layer factor: each added hidden layer multiplies the ratio by 10^slope. "
            f"Across seeds we give the mean slope's 95 % Student-t interval and test slope = 0 (one-sample t-test), "
            f"the {int(factors['p_value'].notna().sum())} p-values Holm-adjusted together (adjusted p < "
            f"{SIGNIFICANCE_LEVEL}: beyond the seed spread). "
            + detection_text(int(factors["p_value"].notna().sum())),
            markdown_table(header, rows),
            sweep_remedies_text(factors),
            short_text,
            "The book's factor is the same fit to its single runs at initialisation, over 1 (784-30-10, "
            f"ratio 1 by definition) to 4 hidden layers where ours spans {int(first['depth_min'])} to "
            f"{int(first['depth_max'])}; it is shown where the sweep trains the book's network at its width. "
            "Two predictions stand beside each fit. The chain of single neurons (weights N(0, "
            f"{settings['chain']['weight_scale']}²), biases N(0, 1)) gives the slope of its mean log10 ratio "
            f"against depth: {chain_text}. "
            "The width-aware prediction uses each network's own layers at initialisation, through their "
            "Jacobians J^l_kj = ∂a^l_j/∂a^(l−1)_k = W^l_kj φ'(u^l_j), times γ_j/σ_j with batch normalisation "
            "(the batch's σ held fixed), plus 1 on the diagonal of a residual layer: if the backpropagated "
            "∂C/∂a^l_j are uncorrelated and alike, their norm shrinks per layer by √(Σ_kj (J^l_kj)² / n_l), "
            "averaged over the images; its per-layer factor is 10^(−mean log10) of it. "
            + prediction_text(factors["chain_in_ci"], factors, "The chain's prediction")
            + " "
            + prediction_text(factors["rms_in_ci"], factors, "The width-aware prediction"),
            f"The factors measured at initialisation on protocol B's {speed['training_size']:,} images, for "
            "every hidden layer l ≥ 2 of every depth and seed (mean over images and unit pairs k, j; a "
            "geometric mean of 0 means some factors are 0: inactive ReLU units or zero weights). For a "
            "plain layer J^l_kj is the chain's w σ'(z) of one unit pair:",
            markdown_table(factor_header, factor_rows),
            "The single-neuron factor ∣w σ'(z)∣ describes one path; a layer of width n sums n of them, so in "
            "these networks it is not the per-layer factor of the speed (compare the columns). At the "
            f"deepest network swept, H = {int(deepest['hidden_layers'].max())}, the ratio at initialisation "
            f"is {deepest_text} (geometric mean over {seeds_text(deepest['n_seeds'])}).",
            figure(figures, "depth_sweep"),
        ]
    )


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


def render_beyond(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The Markdown section "## Beyond the chapter".

    ``tables``: per setting of ``SETTINGS``, ``<setting>_ablation_accuracy_summary``,
    ``<setting>_ablation_speed_ratio`` and ``<setting>_variant_comparison``, with
    learning_rates and verdict_changes (required); ablation_saturation_summary with
    ablation_saturation_check (the book's setting), chain_summary, chain_exploding,
    unstable_width, and depth_sweep_summary with per_layer_factor (each skipped when
    absent); ``figures``: name -> {"path", "caption"} (absent ones skipped); ``settings``:
    the config's ablation section (architecture, seeds, accuracy_epochs, speed_epochs,
    momentum, momentum_schedule, baseline, eta_factors) with the sections accuracy, speed,
    and, for the depth sweep, depth_sweep and chain.
    """
    required = [f"{setting}_{name}" for setting in SETTINGS for name in SETTING_TABLES] + [
        "learning_rates",
        "verdict_changes",
    ]
    missing = [name for name in required if name not in tables]
    if missing:
        raise ValueError(f"render_beyond needs the tables {missing}; given: {sorted(tables)}")
    variants = variant_order(
        tables["book_ablation_accuracy_summary"], tables["book_ablation_speed_ratio"]
    )
    baseline = settings["baseline"]
    return join(
        [
            setup(tables, settings, variants, baseline),
            learning_rate_search(tables, figures, settings),
            results(tables, figures, settings, variants, baseline, "tuned"),
            verdict_changes(tables["verdict_changes"]),
            results(tables, figures, settings, variants, baseline, "book"),
            saturation(tables, figures, baseline),
            chain(tables, figures),
            depth_sweep(tables, figures, settings),
        ]
    )
