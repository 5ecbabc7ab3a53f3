"""The report's "Beyond the chapter" section: the ablation of activation, initialiser and
optimiser on the deep network, the saturation of its hidden layers, and the chain of
single neurons.

Every number is read from the tables and settings passed in; the constants below are
only the thresholds by which a result is put into words (and the book's reading of one
curve, cited as such). Accuracies and saturated fractions arrive as fractions and are
printed in percent through ``_pct``. Variants keep the order of the tables (baseline
first). The speed ratio of the ablation is last / first hidden layer (> 1: the first
layer learns more slowly, the vanishing gradient); the chain's ratio is first / last.
"""

import warnings

import numpy as np
import pandas as pd
from scipy.stats import ttest_ind

from . import book
from .ablation_plots import BASELINE, default_saturation_variants, variant_order
from .chain_plots import _scale_text
from .initialisers import SPARSE_INPUTS
from .report import SIGNIFICANCE_LEVEL, _figure, _join, _num, _p, _pct, _seed_list, _seeds
from .report import _spread, _table, _verdict

# A median training ratio (last / first hidden layer speed, protocol B) strictly between
# 1 / BALANCED_FACTOR and BALANCED_FACTOR counts as "the vanishing gradient removed".
BALANCED_FACTOR = 3.0
# Glorot & Bengio's saturation of the sigmoid's top hidden layer "near 0", as we test it
# after the first epoch: mean activation below NEAR_ZERO_ACTIVATION and more than
# MOSTLY_SATURATED of its units saturated.
NEAR_ZERO_ACTIVATION = 0.1
MOSTLY_SATURATED = 0.5
# The exploding chain agrees with (w/4)^(L-1) when every depth is within this relative error.
EXPLODING_RTOL = 1e-6

ACTIVATION_TEXT = {
    "sigmoid": "σ(z) = 1/(1 + e^−z) (the book's)",
    "tanh": "tanh(z)",
    "relu": "ReLU max(0, z)",
}
INITIALISER_TEXT = {
    "default": "the book's W ~ N(0, 1)/√n_in, b ~ N(0, 1)",
    "large": "the book's large W ~ N(0, 1), b ~ N(0, 1)",
    "glorot": "Glorot & Bengio's normalised (Xavier) W ~ U[−√(6/(n_in + n_out)), +√(6/(n_in + n_out))], b = 0",
    "he": "He et al.'s W ~ N(0, 2/n_in), b = 0",
    "sparse": f"Sutskever et al.'s sparse: {SPARSE_INPUTS} non-zero incoming weights ~ N(0, 1) per unit, b = 0",
}


def _optimiser_text(name: str, settings: dict) -> str:
    """One optimiser in words, with the configured momentum."""
    mu = settings.get("momentum")
    if settings.get("momentum_schedule"):
        mu_text = (
            "μ_t = min(1 − 2^(−1 − log2(⌊t/250⌋ + 1)), μ_max) (Sutskever et al.'s schedule) "
            f"with μ_max = {mu}"
        )
    else:
        mu_text = f"constant μ = {mu}"
    if name == "sgd":
        return "sgd: plain gradient descent (the book's)"
    if name == "momentum":
        return f"momentum: classical momentum v ← μv − η∇C, w ← w + v, {mu_text}"
    if name == "nesterov":
        return f"nesterov: Nesterov's momentum (the gradient taken at w + μv), {mu_text}"
    return name


def _protocol_words(protocol: dict, epochs: int) -> str:
    """A protocol's settings in words: images, epochs, mini-batch, eta, lambda."""
    return (
        f"{protocol['training_size']:,} training images, {epochs} epochs, mini-batch "
        f"{protocol['mini_batch_size']:,}, learning rate η = {protocol['eta']}, L2 regularisation "
        f"λ = {protocol['lmbda']}"
    )


def _baseline(variants: list[str]) -> str:
    """``BASELINE`` if it was run, else the first variant (the configured order puts the
    baseline first)."""
    if not variants:
        raise ValueError("the ablation tables list no variants: check ablation_accuracy_summary")
    return BASELINE if BASELINE in variants else variants[0]


def _times(value: float, reference: float) -> str:
    """``value`` relative to ``reference`` in words: '3.75 times' or '66.7 times smaller than'."""
    if pd.isna(value) or pd.isna(reference) or value <= 0 or reference <= 0:
        return "not comparable with"
    factor = value / reference
    return f"{_num(factor)} times" if factor >= 1 else f"{_num(1 / factor)} times smaller than"


def accuracy_against_baseline(accuracy_by_run: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per variant: ``n_seeds`` and ``mean`` of the final validation accuracy, ``difference``
    = mean − baseline mean, and Welch's two-sided t-test (``welch_t``, ``p_value``) of the
    variant's per-seed final accuracies against the baseline's (NaN with fewer than two
    seeds on either side), with ``n_baseline``."""
    accuracy = accuracy_by_run.groupby("variant", sort=False)["final_val_accuracy"]
    if baseline not in accuracy.groups:
        raise ValueError(
            f"baseline {baseline!r} has no runs in ablation_accuracy_by_run; "
            f"variants: {list(accuracy.groups)}"
        )
    reference = accuracy.get_group(baseline).to_numpy()
    rows = []
    for variant, values in accuracy:
        values = values.to_numpy()
        t = p = np.nan
        if len(values) >= 2 and len(reference) >= 2:
            with warnings.catch_warnings():  # identical seeds: scipy warns and returns NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                result = ttest_ind(values, reference, equal_var=False)
            t, p = float(result.statistic), float(result.pvalue)
        rows.append(
            {
                "variant": variant,
                "n_seeds": len(values),
                "mean": values.mean(),
                "difference": values.mean() - reference.mean(),
                "welch_t": t,
                "p_value": p,
                "n_baseline": len(reference),
            }
        )
    return pd.DataFrame(rows)


def _ratio_rows(speed_ratio: pd.DataFrame, phase: str, protocol: str = "B") -> pd.DataFrame:
    """The ratio rows of one phase and protocol, indexed by variant."""
    rows = speed_ratio[(speed_ratio["protocol"] == protocol) & (speed_ratio["phase"] == phase)]
    return rows.set_index("variant")


def _ratio_cell(rows: pd.DataFrame, variant: str) -> str:
    """'median (min–max, n = k)' of one variant's ratio; '—' if it was not measured."""
    if variant not in rows.index:
        return "—"
    r = rows.loc[variant]
    return f"{_num(r['median'])} ({_num(r['min'])}–{_num(r['max'])}, n = {int(r['n_seeds'])})"


def _category(ratio: float, baseline_ratio: float) -> str:
    """Where a median training ratio falls: removed, reduced, worse, reversed or unmeasured."""
    if pd.isna(ratio):
        return "unmeasured"
    if 1 / BALANCED_FACTOR < ratio < BALANCED_FACTOR:
        return "removed"
    if ratio <= 1 / BALANCED_FACTOR:
        return "reversed"
    return "worse" if ratio > baseline_ratio else "reduced"


def _setup(tables: dict[str, pd.DataFrame], settings: dict, variants: list[str]) -> str:
    """What was varied and how it was measured."""
    summary = tables["ablation_accuracy_summary"]
    ratio = tables["ablation_speed_ratio"]
    described = pd.concat([summary, ratio])
    activations = list(dict.fromkeys(described["activation"]))
    initialisers = list(dict.fromkeys(described["initialiser"]))
    optimisers = list(dict.fromkeys(described["optimiser"]))
    listing = "\n".join(
        [f"- hidden activation: {'; '.join(ACTIVATION_TEXT.get(a, a) for a in activations)}"]
        + [f"- initialiser {name}: {INITIALISER_TEXT.get(name, name)}" for name in initialisers]
        + [f"- optimiser {_optimiser_text(name, settings)}" for name in optimisers]
    )
    accuracy, speed = settings["accuracy"], settings["speed"]
    probe = accuracy.get("probe_size")
    probe_text = (
        f"the first {probe:,} training images" if probe else "a fixed set of training images"
    )
    return _join(
        [
            "## Beyond the chapter",
            "The chapter names other obstacles to training deep networks: the activation function, the "
            "initialisation and the optimiser. We train the deep network "
            f"{settings['architecture']} in {len(variants)} variants, named activation-initialiser-optimiser, "
            f"{len(settings['seeds'])} seeds each ({_seed_list(settings)}); the book's network, "
            f"{_baseline(variants)}, is the baseline. The output layer stays a sigmoid with the cross-entropy "
            "cost. Ingredients:",
            listing,
            f"Accuracy (protocol A): {_protocol_words(accuracy, settings['accuracy_epochs'])}; we report the "
            "validation accuracy after the last epoch. Speed of learning (protocol B): the first "
            f"{_protocol_words(speed, settings['speed_epochs'])}; the speed of hidden layer l is ‖∂C/∂b^l‖, "
            "layer 1 being the first hidden layer. Per seed, the ratio of the last hidden layer's speed to the "
            'first\'s is taken at initialisation (epoch 0) and, as "training", its median over epochs 1 to '
            f"{settings['speed_epochs']}; then median and min–max across seeds. A ratio far above 1 is the "
            "vanishing gradient, far below 1 an exploding one, near 1 balanced learning. Saturation is "
            f"measured during protocol A on {probe_text}, at initialisation and after every epoch: a unit is "
            "saturated when its derivative is below 5 % of its maximum (for ReLU: when it is inactive).",
        ]
    )


def _results(
    tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict, variants: list[str]
) -> str:
    """The table per variant, the verdicts against the baseline, and the ablation figures."""
    summary = tables["ablation_accuracy_summary"].set_index("variant")
    ratio = tables["ablation_speed_ratio"]
    init, training = _ratio_rows(ratio, "initialisation"), _ratio_rows(ratio, "training")
    baseline = _baseline(variants)
    rows = [
        [
            f"{variant} (baseline)" if variant == baseline else variant,
            _ratio_cell(init, variant),
            _ratio_cell(training, variant),
            (
                _spread(summary.loc[variant], _pct, "val_accuracy_")
                if variant in summary.index
                else "—"
            ),
        ]
        for variant in variants
    ]
    header = [
        "variant",
        "last/first speed at initialisation: median (min–max, n seeds)",
        "last/first speed over training: median (min–max, n seeds)",
        "validation accuracy (%): mean ± std (min–max, n seeds)",
    ]
    n_speed, n_accuracy = _seeds(ratio["n_seeds"]), _seeds(summary["n_seeds"])
    return _join(
        [
            "### Speed ratio and accuracy per variant",
            _table(header, rows),
            _verdicts(tables, variants, training),
            _figure(
                figures,
                "variant_speed",
                f"Speed of learning ‖∂C/∂b^l‖ of each hidden layer against epoch, 0 to {settings['speed_epochs']}, "
                f"one panel per variant (protocol B, {n_speed}: {_seed_list(settings)}); line: median, band: "
                "10–90 % across seeds, log scale.",
            ),
            _figure(
                figures,
                "ratio_heatmap",
                "log10 of the last/first hidden-layer speed ratio of the plain-SGD variants, activation × "
                "initialiser, at initialisation and over training (per seed the median over epochs 1 to "
                f"{settings['speed_epochs']}; protocol B, median over {n_speed}: {_seed_list(settings)}); red: "
                "vanishing, blue: exploding, grey: combination not run.",
            ),
            _figure(
                figures,
                "variant_accuracy",
                f"Validation accuracy after {settings['accuracy_epochs']} epochs per variant (protocol A, "
                f"{n_accuracy}: {_seed_list(settings)}); points: single seeds, bars: mean ± std, shaded: "
                "the baseline.",
            ),
        ]
    )


def _verdicts(tables: dict[str, pd.DataFrame], variants: list[str], training: pd.DataFrame) -> str:
    """Which variants remove the vanishing gradient, which make it worse, and at what accuracy."""
    baseline = _baseline(variants)
    medians = {v: training.loc[v, "median"] if v in training.index else np.nan for v in variants}
    base_ratio = medians[baseline]
    if pd.isna(base_ratio):
        raise ValueError(
            f"ablation_speed_ratio has no protocol B training ratio for the baseline {baseline!r}"
        )
    accuracy = accuracy_against_baseline(tables["ablation_accuracy_by_run"], baseline)
    accuracy = accuracy.set_index("variant")
    base_n = int(training.loc[baseline, "n_seeds"])

    def bullet(variant: str) -> str:
        ratio = medians[variant]
        text = f"- {variant}: median training ratio {_num(ratio)}"
        if not pd.isna(ratio):
            text += f", {_times(ratio, base_ratio)} the baseline's {_num(base_ratio)}"
        if variant not in accuracy.index:
            return text + "; no accuracy runs."
        a = accuracy.loc[variant]
        return (
            f"{text}; validation accuracy {_pct(a['mean'])} % against the baseline's "
            f"{_pct(accuracy.loc[baseline, 'mean'])} %, {_pct(a['difference'], signed=True)} percentage "
            f"points (Welch's t-test p = {_p(a['p_value'])}, n = {int(a['n_seeds'])} and "
            f"{int(a['n_baseline'])} seeds): {_verdict(a['p_value'])}"
        )

    bound = f"1/{BALANCED_FACTOR:g} and {BALANCED_FACTOR:g}"
    headings = {
        "removed": f"**Remove the vanishing gradient** (median training ratio between {bound}):",
        "reduced": f"**Reduce it without removing it** (ratio from {BALANCED_FACTOR:g} up to the "
        "baseline's):",
        "worse": "**Make it worse than the baseline** (ratio above the baseline's):",
        "reversed": f"**Reverse it: the first hidden layer learns faster** (ratio at most "
        f"1/{BALANCED_FACTOR:g}, an exploding gradient):",
        "unmeasured": "**Not measured by protocol B:**",
    }
    others = [v for v in variants if v != baseline]
    blocks = [
        f"In the baseline {baseline} the last hidden layer learns {_num(base_ratio)} times as fast as "
        f"the first over training (median over {base_n} seeds, protocol B). Against it, with the "
        f"accuracy difference tested by Welch's two-sided t-test (p < {SIGNIFICANCE_LEVEL}: larger "
        "than the seed spread):"
    ]
    for category, heading in headings.items():
        members = [v for v in others if _category(medians[v], base_ratio) == category]
        if members:
            blocks.append(heading + "\n\n" + "\n".join(bullet(v) for v in members))
        elif category in ("removed", "worse"):
            blocks.append(f"{heading} none of the variants.")
    return _join(blocks)


def _top_layer_rows(table: pd.DataFrame, variant: str) -> tuple[int, pd.DataFrame]:
    """The top hidden layer of ``variant`` and its rows, indexed by epoch."""
    rows = table[table["variant"] == variant]
    top = int(rows["layer"].max())
    return top, rows[rows["layer"] == top].set_index("epoch").sort_index()


def _saturation(
    tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict, variants: list[str]
) -> str:
    """The baseline's top hidden layer at epoch 0, the first and the last epoch, against the
    tanh and ReLU variants, and whether it saturates near 0 as Glorot & Bengio found."""
    table = tables.get("ablation_saturation_summary")
    if table is None or table.empty:
        return ""
    present = variant_order(table)
    baseline = _baseline(variants)
    if baseline not in present:
        return ""
    shown = default_saturation_variants(present)
    compared = [v for v in shown if v != baseline]
    if not compared:  # the usual partners are absent: the first tanh and ReLU variants run
        activation = table.drop_duplicates("variant").set_index("variant")["activation"]
        compared = [
            next(v for v in present if activation[v] == name)
            for name in ("tanh", "relu")
            if name in set(activation)
        ]
    top, base = _top_layer_rows(table, baseline)
    first, last = int(base.index[base.index > 0].min()), int(base.index.max())
    rows = []
    for variant in [baseline, *compared]:
        layer, curve = _top_layer_rows(table, variant)
        for epoch in (0, first, last):
            if epoch in curve.index:
                r = curve.loc[epoch]
                rows.append(
                    [
                        variant,
                        str(layer),
                        str(epoch),
                        _num(r["activation_mean"]),
                        _num(r["activation_std"]),
                        f"{_pct(r['saturated_fraction'])} ({_pct(r['saturated_fraction_min'])}–"
                        f"{_pct(r['saturated_fraction_max'])})",
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
    early = base.loc[first]
    near_zero = early["activation_mean"] < NEAR_ZERO_ACTIVATION
    saturated = early["saturated_fraction"] > MOSTLY_SATURATED
    if near_zero and saturated:
        verdict = "Our numbers show this"
    elif near_zero or saturated:
        verdict = "Our numbers show it only in part"
    else:
        verdict = "Our numbers do not show this"
    lowest_epoch = int(base["activation_mean"].idxmin())
    check = (
        f"{verdict}: after epoch {first} the baseline's top hidden layer (layer {top}) has mean activation "
        f"{_num(early['activation_mean'])} ({'below' if near_zero else 'not below'} {NEAR_ZERO_ACTIVATION}) "
        f"with {_pct(early['saturated_fraction'])} % of its units saturated ({'more' if saturated else 'not more'} "
        f"than {100 * MOSTLY_SATURATED:g} %), against {_num(base.loc[0, 'activation_mean'])} and "
        f"{_pct(base.loc[0, 'saturated_fraction'])} % at initialisation; after epoch {last} it is "
        f"{_num(base.loc[last, 'activation_mean'])} and {_pct(base.loc[last, 'saturated_fraction'])} %. "
        f"Its lowest mean activation, {_num(base.loc[lowest_epoch, 'activation_mean'])}, is at epoch "
        f"{lowest_epoch}."
    )
    comparison = "; ".join(
        f"{variant}: mean activation {' → '.join(_num(c.loc[e, 'activation_mean']) for e in (0, first, last) if e in c.index)}, "
        f"saturated {' → '.join(_pct(c.loc[e, 'saturated_fraction']) for e in (0, first, last) if e in c.index)} %"
        for variant in compared
        for c in [_top_layer_rows(table, variant)[1]]
    )
    n = _seeds(table["n_seeds"])
    return _join(
        [
            "### Saturation of the hidden layers",
            "Glorot & Bengio (2010) found that with the sigmoid and the initialisation of the time the top "
            "hidden layer is driven into saturation near 0 early in training and leaves it only slowly. We "
            "call this seen when, after the first epoch, the top layer's mean activation is below "
            f"{NEAR_ZERO_ACTIVATION} and more than {100 * MOSTLY_SATURATED:g} % of its units are saturated. "
            f"Top hidden layer at initialisation, after the first and after the last epoch ({n}, protocol A):",
            _table(header, rows),
            check,
            (
                f"For comparison (epochs 0 → {first} → {last}), {comparison}. For ReLU, saturated means inactive."
                if comparison
                else ""
            ),
            _figure(
                figures,
                "saturation",
                "Mean activation (± std over units and images) and saturated units of each hidden layer at "
                f"initialisation and after each of {settings['accuracy_epochs']} epochs (protocol A, {n}: "
                f"{_seed_list(settings)}); saturated-unit band: seed min–max.",
            ),
        ]
    )


def _chain(tables: dict[str, pd.DataFrame], figures: dict[str, str]) -> str:
    """The chain of single neurons: vanishing against (1/4)^(L-1), exploding against
    (w/4)^(L-1), and the peak of the unstable width."""
    blocks = []
    summary = tables.get("chain_summary")
    if summary is not None and not summary.empty:
        sentences = []
        for scale, rows in summary.groupby("weight_scale", sort=False):
            deepest = rows.loc[rows["depth"].idxmax()]
            depth, median, bound = (
                int(deepest["depth"]),
                deepest["median"],
                deepest["quarter_power"],
            )
            sentences.append(
                f"With weights w ~ {_scale_text(scale)} (biases N(0, 1), input a₀ ~ U(0, 1)) and L = {depth} "
                f"neurons, the median of |∂C/∂b₁| / |∂C/∂b_L| over {int(deepest['n_samples']):,} chains is "
                f"{_num(median)} (10–90 %: {_num(deepest['q10'])}–{_num(deepest['q90'])}), against "
                f"(1/4)^(L−1) = {_num(bound)}: {_times(median, bound)} it, "
                f"{'below' if median < bound else 'at or above'} the bound that holds when every |w_j| ≤ 1."
            )
        blocks.append(" ".join(sentences))
        depths = sorted(summary["depth"].unique())
        blocks.append(
            _figure(
                figures,
                "chain_vanishing",
                f"Ratio |∂C/∂b₁| / |∂C/∂b_L| of random chains against depth L = {depths[0]} to {depths[-1]}, "
                f"{int(summary['n_samples'].min()):,} chains per depth (no training, no seeds of the "
                "network); line: median, band: 10–90 %, dashed: (1/4)^(L−1).",
            )
        )
    exploding = tables.get("chain_exploding")
    if exploding is not None and not exploding.empty:
        error = float((exploding["ratio"] / exploding["expected"] - 1).abs().max())
        deepest = exploding.loc[exploding["depth"].idxmax()]
        agree = "agree" if error < EXPLODING_RTOL else "do not agree"
        ordered = exploding.sort_values("depth")["expected"].to_numpy()
        factor = float(ordered[1] / ordered[0])  # (w/4)^(L-1): one layer's factor w/4
        blocks.append(
            f"With w = {_num(4 * factor)} and biases making every z = 0 each factor is "
            f"{_num(4 * factor)} · σ'(0) = {_num(factor)}: at L = "
            f"{int(deepest['depth'])} the computed ratio is {_num(deepest['ratio'])} against "
            f"{_num(factor)}^(L−1) = "
            f"{_num(deepest['expected'])}; over depths {int(exploding['depth'].min())} to "
            f"{int(exploding['depth'].max())} the two {agree} to within a relative difference of {error:.1e} "
            f"(tolerance {EXPLODING_RTOL:g})."
        )
        blocks.append(
            _figure(
                figures,
                "chain_exploding",
                f"The exploding chain, w = {_num(4 * factor)} with every z = 0, depths "
                f"{int(exploding['depth'].min())} to {int(exploding['depth'].max())}: computed ratio "
                f"against {_num(factor)}^(L−1) (deterministic: no seeds, no training).",
            )
        )
    width = tables.get("unstable_width")
    if width is not None and not width.empty:
        analytic = width[width["method"] == "analytic"]
        peak = analytic.loc[analytic["width"].idxmax()]
        text = (
            "|w σ'(wa + b)| ≥ 1, a gradient factor that does not shrink, holds only for inputs a in an "
            f"interval; its width is largest, {_num(peak['width'])}, at |w| = {_num(abs(peak['w']))} (analytic, "
            f"on our grid of {len(analytic)} values of w; book: about {book.UNSTABLE_WIDTH_PEAK[1]} near "
            f"|w| = {book.UNSTABLE_WIDTH_PEAK[0]})."
        )
        numeric = width[width["method"] == "numeric"]
        matched = numeric.merge(analytic, on="w", suffixes=("_numeric", "_analytic"))
        if not matched.empty:
            gap = float((matched["width_numeric"] - matched["width_analytic"]).abs().max())
            text += (
                f" The brute-force grid count differs from the formula by at most {_num(gap)} over "
                f"{len(matched)} values of w."
            )
        blocks.append(text)
        blocks.append(
            _figure(
                figures,
                "unstable_width",
                "Width of the inputs a with |w σ'(wa + b)| ≥ 1 against |w|: formula and grid count "
                "(analytic: no seeds, no training).",
            )
        )
    if not any(blocks):
        return ""
    return _join(["### The chain of single neurons", *blocks])


def render_beyond_section(
    tables: dict[str, pd.DataFrame], figures: dict[str, str], settings: dict
) -> str:
    """The Markdown section "## Beyond the chapter": what was varied and how it was
    measured, a table per variant (last/first hidden-layer speed ratio at initialisation
    and over training, protocol B; final validation accuracy), which variants remove the
    vanishing gradient (median training ratio within a factor ``BALANCED_FACTOR`` of 1) or
    make it worse than the baseline, with accuracy differences and Welch tests against the
    baseline; the saturation of the top hidden layer (Glorot & Bengio); and the chain of
    single neurons. Figures are embedded from ``figures`` (keys variant_speed,
    ratio_heatmap, variant_accuracy, saturation, chain_vanishing, chain_exploding,
    unstable_width; absent keys are skipped).

    Uses the tables ablation_accuracy_by_run, ablation_accuracy_summary and
    ablation_speed_ratio, and when present ablation_saturation_summary, chain_summary,
    chain_exploding and unstable_width. ``settings`` holds architecture, seeds,
    accuracy_epochs, speed_epochs, momentum, momentum_schedule and the protocol settings
    accuracy and speed (training_size, mini_batch_size, eta, lmbda; probe_size optional).
    """
    required = ["ablation_accuracy_by_run", "ablation_accuracy_summary", "ablation_speed_ratio"]
    missing = [name for name in required if name not in tables]
    if missing:
        raise ValueError(
            f"render_beyond_section needs the tables {missing}; given: {sorted(tables)}"
        )
    variants = variant_order(
        tables["ablation_accuracy_summary"],
        tables["ablation_speed_ratio"],
        tables["ablation_accuracy_by_run"],
    )
    return _join(
        [
            _setup(tables, settings, variants),
            _results(tables, figures, settings, variants),
            _saturation(tables, figures, settings, variants),
            _chain(tables, figures),
        ]
    )
