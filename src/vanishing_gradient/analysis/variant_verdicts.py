"""The ablation's verdicts: each variant against the baseline, on the speed of learning and
on accuracy.
"""

import numpy as np
import pandas as pd

from .significance import welch, with_family_verdicts
from .summary_rows import BY_VARIANT_AND_ETA

# A median training ratio (last / first hidden-layer speed, protocol B) strictly between
# 1 / BALANCED_FACTOR and BALANCED_FACTOR counts as "the vanishing gradient removed".
BALANCED_FACTOR = 3.0


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
    learning rates the two were trained at. Then ``imbalance_below_baseline_range``: the
    largest imbalance ``max(r, 1/r)`` of the variant's per-seed training ratios ``r`` is
    below the baseline's smallest (``imbalance_range``), and ``helps`` (``helps``).
    """
    accuracy = accuracy_by_run.groupby("variant", sort=False)["test_accuracy"]
    training = speed_ratio[(speed_ratio["protocol"] == "B") & (speed_ratio["phase"] == "training")]
    training = training.set_index("variant")
    for name, present in (("accuracy_by_run", accuracy.groups), ("speed_ratio", training.index)):
        if baseline not in present:
            raise ValueError(
                f"the baseline {baseline!r} has no rows in the ablation's {name} table; "
                f"variants there: {list(dict.fromkeys(present))}; "
                "set ablation.baseline to one of them"
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
    tested = [
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
    ]
    table = with_family_verdicts(rows, tested, "accuracy_difference", "accuracy_verdict")
    table["helps"] = [
        helps(*r)
        for r in table[["verdict", "imbalance_below_baseline_range", "accuracy_verdict"]].values
    ]
    return table
