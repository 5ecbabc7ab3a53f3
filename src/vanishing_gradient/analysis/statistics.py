"""Summaries across seeds of the per-run tables, beside the book's single-run values.

Every function takes tidy tables (one row per observation) and returns a tidy table.
Spread across seeds is the sample standard deviation (``ddof = 1``), with min and max.

A run is identified by its ``keys`` and its seed: ``("architecture",)`` for the chapter's
experiment (rows ordered by depth, with a ``hidden_layers`` column), or the variant
columns of the ablation (rows in the order the variants first appear).
"""

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .. import book
from ..model.identity import VARIANT_COLUMNS
from ..model.network import hidden_layers

BY_ARCHITECTURE = ("architecture",)
# An accuracy further than this (a fraction: 0.3 percentage points) from the book's is a
# difference from the book even when the book's value lies within our seed range.
ACCURACY_TOLERANCE = 0.003
BY_VARIANT = VARIANT_COLUMNS  # a variant's key: its name and the name's parts
# an ablation run's key: its variant and the learning rate it trains at
BY_VARIANT_AND_ETA = (*VARIANT_COLUMNS, "eta")


def depth_order(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``hidden_layers`` column, rows sorted by depth then architecture."""
    table = table.assign(hidden_layers=table["architecture"].map(hidden_layers))
    return table.sort_values(["hidden_layers", "architecture"], kind="stable").reset_index(
        drop=True
    )


def _key_columns(keys: tuple[str, ...]) -> list[str]:
    """The identifying columns of a summary: the keys, and the depth for architectures."""
    return ["architecture", "hidden_layers"] if keys == BY_ARCHITECTURE else list(keys)


def _ordered(
    table: pd.DataFrame, keys: tuple[str, ...], source: pd.DataFrame, then=()
) -> pd.DataFrame:
    """Rows by run key (architectures by depth; other keys as they first appear in
    ``source``), then by the columns ``then``."""
    if keys == BY_ARCHITECTURE:
        table = depth_order(table.drop(columns="hidden_layers", errors="ignore"))
        first = ["hidden_layers", "architecture"]
    else:
        rank = {key: i for i, key in enumerate(dict.fromkeys(source[keys[0]]))}
        table = table.assign(_rank=table[keys[0]].map(rank))
        first = ["_rank"]
    table = table.sort_values([*first, *then], kind="stable")
    return table.drop(columns="_rank", errors="ignore").reset_index(drop=True)


def accuracy_by_run(
    accuracy_by_epoch: pd.DataFrame, test_accuracy: pd.DataFrame, keys=BY_ARCHITECTURE
) -> pd.DataFrame:
    """One row per run: final and best validation accuracy (and its epoch), test accuracy.

    ``test_accuracy`` has the key columns, seed and test_accuracy.
    """
    run = [*keys, "seed"]
    runs = accuracy_by_epoch.sort_values("epoch").groupby(run, sort=False)
    best = accuracy_by_epoch.loc[runs["val_accuracy"].idxmax(), [*run, "val_accuracy", "epoch"]]
    table = (
        runs.agg(epochs=("epoch", "max"), final_val_accuracy=("val_accuracy", "last"))
        .reset_index()
        .merge(
            best.rename(columns={"val_accuracy": "best_val_accuracy", "epoch": "best_epoch"}),
            on=run,
        )
        .merge(test_accuracy, on=run, how="left", validate="one_to_one")
    )
    columns = [
        "seed",
        "epochs",
        "final_val_accuracy",
        "best_val_accuracy",
        "best_epoch",
        "test_accuracy",
    ]
    return _ordered(table, keys, accuracy_by_epoch, then=["seed"])[[*_key_columns(keys), *columns]]


def accuracy_spread(runs: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per run key: final validation and test accuracy across seeds."""
    table = (
        runs.groupby(list(keys), sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            epochs=("epochs", "max"),
            val_accuracy_mean=("final_val_accuracy", "mean"),
            val_accuracy_std=("final_val_accuracy", "std"),
            val_accuracy_min=("final_val_accuracy", "min"),
            val_accuracy_max=("final_val_accuracy", "max"),
            test_accuracy_mean=("test_accuracy", "mean"),
            test_accuracy_std=("test_accuracy", "std"),
            test_accuracy_min=("test_accuracy", "min"),
            test_accuracy_max=("test_accuracy", "max"),
        )
        .reset_index()
    )
    return _ordered(table, keys, runs)


def book_in_range(book_value: pd.Series, low: pd.Series, high: pd.Series) -> pd.Series:
    """Whether ``low <= book_value <= high`` per row (nullable boolean, missing where the
    book has no value)."""
    inside = book_value.between(low, high).astype("boolean")
    return inside.mask(book_value.isna())


def seeds_below(runs: pd.DataFrame, architectures: pd.Series, values: pd.Series):
    """For each architecture and value: how many of its runs' final validation accuracies
    lie strictly below the value (missing where the value is)."""
    accuracy = runs.groupby("architecture")["final_val_accuracy"]
    counts = [
        pd.NA if pd.isna(v) else int((accuracy.get_group(a) < v).sum())
        for a, v in zip(architectures, values)
    ]
    return pd.array(counts, dtype="Int64")


def accuracy_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per architecture: final validation accuracy across seeds beside each single-run
    reference ``ref`` of ``book.ACCURACY_REFERENCES`` (the book's, and a published Python 3
    re-run of its code): ``ref_val_accuracy``, ``difference_from_ref`` (our mean minus it),
    ``ref_in_seed_range`` (within our seeds' min–max), ``seeds_below_ref`` (how many of our
    seeds lie below it) and ``differs_from_ref``: it lies outside our seed range, or our
    mean is more than ``ACCURACY_TOLERANCE`` from it. Each is missing without a value."""
    table = accuracy_spread(runs)
    references = []
    for ref, values in book.ACCURACY_REFERENCES.items():
        value = table["architecture"].map(values).astype(float)
        table[f"{ref}_val_accuracy"] = value
        table[f"difference_from_{ref}"] = table["val_accuracy_mean"] - value
        inside = book_in_range(value, table["val_accuracy_min"], table["val_accuracy_max"])
        table[f"{ref}_in_seed_range"] = inside
        table[f"seeds_below_{ref}"] = seeds_below(runs, table["architecture"], value)
        far = table[f"difference_from_{ref}"].abs().round(9) > ACCURACY_TOLERANCE
        table[f"differs_from_{ref}"] = far | ~inside
        references += [
            f"{ref}_val_accuracy",
            f"difference_from_{ref}",
            f"{ref}_in_seed_range",
            f"seeds_below_{ref}",
        ]
    differs = [f"differs_from_{ref}" for ref in book.ACCURACY_REFERENCES]
    return table[
        [
            "architecture",
            "hidden_layers",
            "n_seeds",
            "epochs",
            "val_accuracy_mean",
            "val_accuracy_std",
            "val_accuracy_min",
            "val_accuracy_max",
            *references,
            "test_accuracy_mean",
            "test_accuracy_std",
            *differs,
        ]
    ]


SIGNIFICANCE_LEVEL = 0.05  # family-wise error rate of each family of Welch tests (Holm)
CONFIDENCE = 0.95  # level of the confidence interval of a difference of means
# The power at which a family's detectable difference is given: a true difference of that
# size is found with this probability.
DETECTION_POWER = 0.8
# A median training ratio (last / first hidden-layer speed, protocol B) strictly between
# 1 / BALANCED_FACTOR and BALANCED_FACTOR counts as "the vanishing gradient removed".
BALANCED_FACTOR = 3.0


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values, in the order given; NaN stays NaN and is not
    counted among the ``m`` tests.

    With the m p-values sorted, ``p_(1) <= ... <= p_(m)``, the adjusted value of the i-th
    is ``max_{j <= i} min(1, (m - j + 1) p_(j))``. Rejecting where the adjusted p is below
    alpha keeps the probability of any false rejection at most alpha (Holm 1979).
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def detectable_difference(standard_error: float, df: float, level: float) -> float:
    """The smallest true difference that a two-sided t-test at ``level`` finds with
    probability ``DETECTION_POWER``, given the standard error and degrees of freedom of its
    estimate.

    Under a true difference ``delta`` the statistic ``T = d / se`` follows a non-central t
    distribution with ``df`` degrees of freedom and non-centrality ``delta / se``. The test
    rejects when ``|T| > c = t_{1 - level/2, df}``, so its power is
    ``P(T > c) + P(T < -c)``; the returned ``delta`` solves power = ``DETECTION_POWER``.
    It is close to the usual approximation ``(t_{1 - level/2, df} + t_{power, df}) se``
    (with 3 seeds a side and unit spread at level 0.05: 3.07 against 3.04). It is exact for
    Student's test. Welch's test estimates its degrees of freedom from the sample, so at this
    difference it reaches a little less power: 75 % with 5 seeds a side at level 0.01 in a
    simulation (tests/test_statistics.py). NaN where the
    standard error or the degrees of freedom are missing, infinite or not positive.
    """
    if not (np.isfinite(standard_error) and standard_error > 0 and np.isfinite(df) and df > 0):
        return np.nan
    critical = stats.t.ppf(1 - level / 2, df)

    def power_gap(noncentrality: float) -> float:
        # P(T < -c | nc) is P(T > c | -nc): scipy's lower tail of nct is NaN far out
        power = stats.nct.sf(critical, df, noncentrality) + stats.nct.sf(
            critical, df, -noncentrality
        )
        return power - DETECTION_POWER

    upper = 2 * (critical + stats.t.ppf(DETECTION_POWER, df))
    return standard_error * optimize.brentq(power_gap, 0.0, upper, xtol=1e-12)


def welch(sample: np.ndarray, reference: np.ndarray) -> dict:
    """Welch's two-sided t-test of ``mean(sample) - mean(reference)``.

    ``t = d / se`` with ``d`` the difference of means, ``se = sqrt(s_1^2/n_1 + s_2^2/n_2)``
    and the Welch-Satterthwaite degrees of freedom
    ``nu = se^4 / ((s_1^2/n_1)^2/(n_1 - 1) + (s_2^2/n_2)^2/(n_2 - 1))``; the ``CONFIDENCE``
    interval is ``d -+ t_{(1 + CONFIDENCE)/2, nu} se``. Keys ``difference, ci_low, ci_high,
    welch_t, welch_df, p_value, standard_error``; all but the difference NaN when a side
    has fewer than two values or both have no spread.
    """
    sample, reference = np.asarray(sample, float), np.asarray(reference, float)
    out = {"difference": sample.mean() - reference.mean()}
    untestable = {
        key: np.nan
        for key in ("ci_low", "ci_high", "welch_t", "welch_df", "p_value", "standard_error")
    }
    spread = (
        sample.var(ddof=1) + reference.var(ddof=1) if min(len(sample), len(reference)) >= 2 else 0
    )
    if not spread > 0:
        return {**out, **untestable}
    result = stats.ttest_ind(sample, reference, equal_var=False)
    interval = result.confidence_interval(CONFIDENCE)
    return {
        **out,
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "welch_t": float(result.statistic),
        "welch_df": float(result.df),
        "p_value": float(result.pvalue),
        "standard_error": float(
            np.sqrt(sample.var(ddof=1) / len(sample) + reference.var(ddof=1) / len(reference))
        ),
    }


def difference_verdict(p_holm: float, difference: float) -> str:
    """``higher`` or ``lower`` where the Holm-adjusted p is below ``SIGNIFICANCE_LEVEL``
    (by the sign of the difference), ``within_seed_spread`` where it is not, and
    ``not_testable`` where there is no p-value."""
    if pd.isna(p_holm):
        return "not_testable"
    if p_holm >= SIGNIFICANCE_LEVEL:
        return "within_seed_spread"
    return "higher" if difference > 0 else "lower"


DEPTH_COMPARISON_COLUMNS = [
    "shallower",
    "deeper",
    "n_shallower",
    "n_deeper",
    "mean_difference",
    "welch_t",
    "p_value",
    "welch_df",
    "ci_low",
    "ci_high",
    "p_holm",
    "detectable_difference",
    "verdict",
]
# The columns that with_family_verdicts adds to a family's comparisons, before its verdict.
FAMILY_COLUMNS = ["p_holm", "detectable_difference"]


def detection_level(p_values) -> float:
    """The level at which a family's tests can first reject under Holm's correction:
    ``SIGNIFICANCE_LEVEL / m`` with ``m`` the tests that have a p-value. A single true
    difference among otherwise equal pairs is judged at this level."""
    return SIGNIFICANCE_LEVEL / max(int(pd.Series(p_values).notna().sum()), 1)


def with_family_verdicts(
    rows: list[dict],
    columns: list[str],
    difference: str,
    verdict: str,
    standard_error: str = "standard_error",
    df: str = "welch_df",
) -> pd.DataFrame:
    """The comparisons ``rows`` (one family of tests, each with a ``p_value``, the estimate's
    ``standard_error`` and the test's degrees of freedom ``df``) as a table of ``columns``,
    whose last three are ``FAMILY_COLUMNS`` and ``verdict``: ``p_holm``, the Holm-adjusted
    p-values across the family; ``detectable_difference``, the smallest true difference each
    test finds with probability ``DETECTION_POWER`` at Holm's first level
    (``detection_level``), in the units of ``difference``; and ``verdict``, each row's
    ``difference`` classified by ``difference_verdict``."""
    table = pd.DataFrame(rows).reindex(
        columns=list(dict.fromkeys([*columns[:-3], standard_error, df]))
    )
    table["p_holm"] = holm(table["p_value"])
    level = detection_level(table["p_value"])
    table["detectable_difference"] = [
        detectable_difference(se, nu, level) for se, nu in zip(table[standard_error], table[df])
    ]
    table[verdict] = [difference_verdict(p, d) for p, d in zip(table["p_holm"], table[difference])]
    return table[columns]


def depth_comparison(runs: pd.DataFrame) -> pd.DataFrame:
    """Final validation accuracy of each network against the next shallower one:
    ``mean_difference`` = deeper - shallower with its 95 % Welch confidence interval,
    Welch's two-sided t-test (``welch``), the p-value Holm-adjusted across the
    neighbouring-depth comparisons (``holm``), the ``detectable_difference`` of each test
    (``with_family_verdicts``), and the ``verdict`` of ``difference_verdict`` (higher,
    lower, within_seed_spread, not_testable).
    """
    ordered = depth_order(runs.drop(columns="hidden_layers", errors="ignore"))
    architectures = list(dict.fromkeys(ordered["architecture"]))
    accuracy = ordered.groupby("architecture")["final_val_accuracy"]
    rows = []
    for shallower, deeper in zip(architectures[:-1], architectures[1:]):
        a, b = accuracy.get_group(shallower).to_numpy(), accuracy.get_group(deeper).to_numpy()
        test = welch(b, a)
        rows.append(
            {
                "shallower": shallower,
                "deeper": deeper,
                "n_shallower": len(a),
                "n_deeper": len(b),
                "mean_difference": test.pop("difference"),
                **test,
            }
        )
    return with_family_verdicts(rows, DEPTH_COMPARISON_COLUMNS, "mean_difference", "verdict")


def gradient_verdict(ratio: float, baseline_ratio: float) -> str:
    """Where a variant's median training ratio (last / first hidden-layer speed) falls:
    ``removed`` strictly between 1/``BALANCED_FACTOR`` and ``BALANCED_FACTOR``,
    ``reversed`` at or below 1/``BALANCED_FACTOR`` (the first layer learns faster),
    ``worse`` above the baseline's ratio, ``reduced`` from ``BALANCED_FACTOR`` up to the
    baseline's, ``unmeasured`` without a ratio."""
    if pd.isna(ratio):
        return "unmeasured"
    if 1 / BALANCED_FACTOR < ratio < BALANCED_FACTOR:
        return "removed"
    if ratio <= 1 / BALANCED_FACTOR:
        return "reversed"
    return "worse" if ratio > baseline_ratio else "reduced"


VARIANT_COMPARISON_COLUMNS = [
    *BY_VARIANT_AND_ETA,
    "baseline",
    "baseline_eta",
    "n_seeds_speed",
    "training_ratio",
    "baseline_training_ratio",
    "ratio_fold_change",
    "verdict",
    "imbalance_below_baseline_range",
    "n_seeds",
    "n_baseline",
    "test_accuracy_mean",
    "baseline_test_accuracy_mean",
    "accuracy_difference",
    "ci_low",
    "ci_high",
    "welch_t",
    "welch_df",
    "p_value",
    "p_holm",
    "detectable_difference",
    "accuracy_verdict",
    "helps",
]


def imbalance_range(low: float, high: float) -> tuple[float, float]:
    """The smallest and largest imbalance ``max(r, 1/r)`` of seeds whose last/first ratios
    ``r`` span ``[low, high]``: how far from balanced (1) a seed's layers learn, either way."""
    largest = max(high, 1 / low)
    smallest = low if low >= 1 else (1 / high if high <= 1 else 1.0)
    return smallest, largest


def helps(speed_verdict: str, below_baseline_range: bool, accuracy_verdict: str) -> str:
    """What a variant does better than the baseline: ``"speed and accuracy"``, ``"speed"``,
    ``"accuracy"`` or ``"neither"``. Speed: the vanishing gradient removed, or reduced or
    reversed with every seed's imbalance below every baseline seed's
    (``imbalance_below_baseline_range``); accuracy: higher beyond the seed spread
    (``accuracy_verdict == "higher"``)."""
    shifted = speed_verdict in ("reduced", "reversed") and below_baseline_range
    speed = speed_verdict == "removed" or shifted
    accuracy = accuracy_verdict == "higher"
    return {
        (True, True): "speed and accuracy",
        (True, False): "speed",
        (False, True): "accuracy",
    }.get((speed, accuracy), "neither")


def variant_comparison(
    accuracy_by_run: pd.DataFrame, speed_ratio: pd.DataFrame, baseline: str
) -> pd.DataFrame:
    """Every ablation variant against ``baseline``, one row per variant (configured order,
    the baseline itself left out).

    Speed: ``training_ratio`` is the variant's median over seeds of the per-seed training
    ratio (protocol B, ``speed_ratio``), ``ratio_fold_change`` = training_ratio /
    baseline_training_ratio, ``verdict`` = ``gradient_verdict``. Accuracy: the final
    accuracies of the variant's seeds against the baseline's by ``welch``
    (``accuracy_difference`` = variant mean - baseline mean, with its 95 % interval), the
    p-value Holm-adjusted across the variants (``holm``), ``accuracy_verdict`` =
    ``difference_verdict``, with its ``detectable_difference`` (``with_family_verdicts``).
    The accuracy is the test accuracy after the last epoch: the search of each variant's
    learning rate looked at the validation data. ``eta`` and ``baseline_eta`` are the
    learning rates the two were trained at. Then ``imbalance_below_baseline_range``: the largest imbalance
    ``max(r, 1/r)`` of the variant's per-seed training ratios ``r`` is below the baseline's
    smallest (``imbalance_range``), and ``helps`` (``helps``).
    """
    accuracy = accuracy_by_run.groupby("variant", sort=False)["test_accuracy"]
    training = speed_ratio[(speed_ratio["protocol"] == "B") & (speed_ratio["phase"] == "training")]
    training = training.set_index("variant")
    for name, present in (("accuracy_by_run", accuracy.groups), ("speed_ratio", training.index)):
        if baseline not in present:
            raise ValueError(
                f"the baseline {baseline!r} has no rows in the ablation's {name} table; "
                f"variants there: {list(dict.fromkeys(present))}; set ablation.baseline to one of them"
            )
    reference = accuracy.get_group(baseline).to_numpy()
    base_ratio = float(training.loc[baseline, "median"])
    base_imbalance = imbalance_range(*training.loc[baseline, ["min", "max"]])[0]
    identity = pd.concat([accuracy_by_run, speed_ratio])[list(BY_VARIANT_AND_ETA)]
    identity = identity.drop_duplicates("variant")
    baseline_eta = float(identity.set_index("variant").loc[baseline, "eta"])
    rows = []
    for _, variant in identity[identity["variant"] != baseline].iterrows():
        name = variant["variant"]
        ratio = float(training.loc[name, "median"]) if name in training.index else np.nan
        values = accuracy.get_group(name).to_numpy() if name in accuracy.groups else np.array([])
        test = welch(values, reference) if len(values) else {"difference": np.nan}
        rows.append(
            {
                **variant.to_dict(),
                "baseline": baseline,
                "baseline_eta": baseline_eta,
                "n_seeds_speed": (
                    int(training.loc[name, "n_seeds"]) if name in training.index else 0
                ),
                "training_ratio": ratio,
                "baseline_training_ratio": base_ratio,
                "ratio_fold_change": ratio / base_ratio,
                "verdict": gradient_verdict(ratio, base_ratio),
                "n_seeds": len(values),
                "n_baseline": len(reference),
                "test_accuracy_mean": values.mean() if len(values) else np.nan,
                "baseline_test_accuracy_mean": reference.mean(),
                "accuracy_difference": test.pop("difference"),
                **test,
                "imbalance_below_baseline_range": (
                    bool(imbalance_range(*training.loc[name, ["min", "max"]])[1] < base_imbalance)
                    if name in training.index
                    else False
                ),
            }
        )
    table = with_family_verdicts(
        rows, VARIANT_COMPARISON_COLUMNS[:-1], "accuracy_difference", "accuracy_verdict"
    )
    table["helps"] = [
        helps(*r)
        for r in table[["verdict", "imbalance_below_baseline_range", "accuracy_verdict"]].values
    ]
    return table


def speed_summary(speed: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per protocol x run key x layer x epoch: grad_norm across seeds
    (median, mean, std, 10 % and 90 % quantiles)."""
    grouped = speed.groupby(["protocol", *keys, "layer", "epoch"], sort=False)["grad_norm"]
    table = grouped.agg(n_seeds="count", median="median", mean="mean", std="std").reset_index()
    table["q10"] = grouped.quantile(0.1).to_numpy()
    table["q90"] = grouped.quantile(0.9).to_numpy()
    table = _ordered(table, keys, speed, then=["layer", "epoch"])
    table = table.sort_values("protocol", kind="stable")
    columns = ["layer", "epoch", "n_seeds", "median", "mean", "std", "q10", "q90"]
    return table[["protocol", *_key_columns(keys), *columns]].reset_index(drop=True)


def speed_at_init(speed: pd.DataFrame) -> pd.DataFrame:
    """Protocol B at epoch 0: speed of learning per layer across seeds, with the book's value
    and whether it lies within our seeds' min–max (``book_in_seed_range``)."""
    init = speed[(speed["protocol"] == "B") & (speed["epoch"] == 0)]
    table = (
        init.groupby(["architecture", "layer"])["grad_norm"]
        .agg(n_seeds="count", mean="mean", std="std", min="min", max="max")
        .reset_index()
    )
    table["book_grad_norm"] = [
        (
            book.SPEED_AT_INIT.get(arch, ())[layer - 1]
            if layer <= len(book.SPEED_AT_INIT.get(arch, ()))
            else np.nan
        )
        for arch, layer in zip(table["architecture"], table["layer"])
    ]
    table["book_in_seed_range"] = book_in_range(table["book_grad_norm"], table["min"], table["max"])
    table = depth_order(table)
    return table[
        [
            "architecture",
            "hidden_layers",
            "layer",
            "n_seeds",
            "mean",
            "std",
            "min",
            "max",
            "book_grad_norm",
            "book_in_seed_range",
        ]
    ]


def book_ratio(architecture: str) -> float:
    """The book's last/first hidden-layer speed at initialisation (NaN where it has none)."""
    speeds = book.SPEED_AT_INIT.get(architecture)
    return speeds[-1] / speeds[0] if speeds else np.nan


def speed_ratio(speed: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """How much faster the last hidden layer learns than the first.

    Per run, ``r_e = ||dC/db^{L-1}|| / ||dC/db^1||`` at each epoch ``e``; phase
    "initialisation" is ``r_0``, phase "training" is the median of ``r_e`` over
    ``e >= 1``. Then mean, std, min, max and median across seeds. Networks with one
    hidden layer have no ratio and are left out. For architectures, the book's ratio at
    initialisation (protocol B) is added as ``book_ratio``, with ``book_in_seed_range``
    (within our seeds' min–max; missing without a book value).
    """
    run = ["protocol", *keys, "seed"]
    layers = speed.sort_values("layer", kind="stable").groupby([*run, "epoch"], sort=False)
    ends = layers["grad_norm"].agg(first="first", last="last")
    deep = layers["layer"].max() >= 2
    ratio = (ends["last"] / ends["first"])[deep].rename("ratio").reset_index()
    per_run = pd.concat(
        [
            ratio[ratio["epoch"] == 0].assign(phase="initialisation"),
            ratio[ratio["epoch"] >= 1]
            .groupby(run, sort=False)["ratio"]
            .median()
            .reset_index()
            .assign(phase="training"),
        ]
    )
    table = (
        per_run.groupby(["protocol", *keys, "phase"], sort=False)["ratio"]
        .agg(n_seeds="count", mean="mean", std="std", min="min", max="max", median="median")
        .reset_index()
    )
    columns = ["phase", "n_seeds", "mean", "std", "min", "max", "median"]
    if keys == BY_ARCHITECTURE:
        is_book = (table["protocol"] == "B") & (table["phase"] == "initialisation")
        table["book_ratio"] = np.where(is_book, table["architecture"].map(book_ratio), np.nan)
        table["book_in_seed_range"] = book_in_range(table["book_ratio"], table["min"], table["max"])
        columns += ["book_ratio", "book_in_seed_range"]
    table = _ordered(table, keys, speed, then=["phase"]).sort_values("protocol", kind="stable")
    return table[["protocol", *_key_columns(keys), *columns]].reset_index(drop=True)


def saturation_summary(saturation: pd.DataFrame, keys=BY_ARCHITECTURE) -> pd.DataFrame:
    """Per run key x layer x epoch, across seeds: the mean of each run's activation mean,
    activation spread and saturated fraction, with the saturated fraction's min and max."""
    table = (
        saturation.groupby([*keys, "layer", "epoch"], sort=False)
        .agg(
            n_seeds=("seed", "nunique"),
            activation_mean=("activation_mean", "mean"),
            activation_std=("activation_std", "mean"),
            saturated_fraction=("saturated_fraction", "mean"),
            saturated_fraction_min=("saturated_fraction", "min"),
            saturated_fraction_max=("saturated_fraction", "max"),
        )
        .reset_index()
    )
    columns = [
        "layer",
        "epoch",
        "n_seeds",
        "activation_mean",
        "activation_std",
        "saturated_fraction",
        "saturated_fraction_min",
        "saturated_fraction_max",
    ]
    return _ordered(table, keys, saturation, then=["layer", "epoch"])[
        [*_key_columns(keys), *columns]
    ]


# Glorot & Bengio's saturation of the sigmoid's top hidden layer "near 0", as we test it
# after the first epoch: mean activation below NEAR_ZERO_ACTIVATION and more than
# MOSTLY_SATURATED of its units saturated.
NEAR_ZERO_ACTIVATION = 0.1
MOSTLY_SATURATED = 0.5


def saturation_check(saturation_summary: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Is the top hidden layer of ``variant`` saturated near 0 after the first epoch, as
    Glorot & Bengio (2010) found for the sigmoid? One row: the top ``layer``, the first
    epoch after initialisation (``epoch``), its ``activation_mean`` and
    ``saturated_fraction`` (means over seeds), ``near_zero`` (mean activation below
    ``NEAR_ZERO_ACTIVATION``), ``mostly_saturated`` (fraction above ``MOSTLY_SATURATED``)
    and ``verdict``: shown (both), partly_shown (one), not_shown (neither)."""
    rows = saturation_summary[saturation_summary["variant"] == variant]
    if rows.empty:
        raise ValueError(
            f"the saturation summary has no rows of {variant!r}; "
            f"variants there: {list(dict.fromkeys(saturation_summary['variant']))}"
        )
    top = int(rows["layer"].max())
    curve = rows[rows["layer"] == top].set_index("epoch").sort_index()
    epoch = int(curve.index[curve.index > 0].min())
    mean, fraction = curve.loc[epoch, ["activation_mean", "saturated_fraction"]]
    near_zero, saturated = bool(mean < NEAR_ZERO_ACTIVATION), bool(fraction > MOSTLY_SATURATED)
    verdict = {2: "shown", 1: "partly_shown", 0: "not_shown"}[near_zero + saturated]
    return pd.DataFrame(
        [
            {
                "variant": variant,
                "layer": top,
                "epoch": epoch,
                "activation_mean": mean,
                "saturated_fraction": fraction,
                "near_zero": near_zero,
                "mostly_saturated": saturated,
                "verdict": verdict,
            }
        ]
    )
