"""The "Beyond the chapter" section: every number comes from the (synthetic) tables, the
verdicts follow the thresholds, and the figures are embedded."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ttest_ind

from vanishing_gradient import report_beyond
from vanishing_gradient.report import _p
from vanishing_gradient.report_beyond import accuracy_against_baseline, render_beyond_section
from vanishing_gradient.tables import variant_columns

SEEDS = [1, 2, 3]
# variant -> (median last/first ratio at initialisation, over training, per-seed accuracies)
VARIANTS = {
    "sigmoid-default-sgd": (95.0, 80.0, [0.960, 0.962, 0.964]),
    "tanh-glorot-sgd": (1.5, 1.2, [0.970, 0.971, 0.975]),
    "sigmoid-large-sgd": (410.0, 320.0, [0.900, 0.910, 0.920]),
    "tanh-default-sgd": (4.0, 3.5, [0.963, 0.965, 0.967]),
    "relu-he-nesterov": (0.9, 0.8, [0.972, 0.973, 0.977]),
}
FIGURES = {
    key: f"figures/beyond/{key}.png"
    for key in (
        "variant_speed",
        "ratio_heatmap",
        "variant_accuracy",
        "saturation",
        "chain_vanishing",
        "chain_exploding",
        "unstable_width",
    )
}
SETTINGS = {
    "architecture": "784-30-30-30-30-10",
    "seeds": SEEDS,
    "accuracy_epochs": 12,
    "speed_epochs": 480,
    "momentum": 0.85,
    "momentum_schedule": False,
    "accuracy": {
        "training_size": 50000,
        "mini_batch_size": 10,
        "eta": 0.1,
        "lmbda": 5.0,
        "probe_size": 1000,
    },
    "speed": {"training_size": 1000, "mini_batch_size": 1000, "eta": 0.1, "lmbda": 5.0},
}


def _accuracy_by_run() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                **variant_columns(variant),
                "seed": seed,
                "epochs": 12,
                "final_val_accuracy": accuracy,
                "best_val_accuracy": accuracy,
                "best_epoch": 12,
                "test_accuracy": accuracy - 0.001,
            }
            for variant, (_, _, accuracies) in VARIANTS.items()
            for seed, accuracy in zip(SEEDS, accuracies)
        ]
    )


def _accuracy_summary() -> pd.DataFrame:
    rows = []
    for variant, (_, _, accuracies) in VARIANTS.items():
        a = np.array(accuracies)
        rows.append(
            {
                **variant_columns(variant),
                "n_seeds": len(a),
                "epochs": 12,
                "val_accuracy_mean": a.mean(),
                "val_accuracy_std": a.std(ddof=1),
                "val_accuracy_min": a.min(),
                "val_accuracy_max": a.max(),
                "test_accuracy_mean": a.mean() - 0.001,
                "test_accuracy_std": a.std(ddof=1),
            }
        )
    return pd.DataFrame(rows)


def _speed_ratio() -> pd.DataFrame:
    """Protocol B rows (min = 0.5 x, max = 2 x the median) and protocol A decoys (x 1000)."""
    rows = []
    for protocol, factor in (("A", 1000.0), ("B", 1.0)):
        for variant, (init, training, _) in VARIANTS.items():
            for phase, median in (("initialisation", init), ("training", training)):
                value = factor * median
                rows.append(
                    {
                        "protocol": protocol,
                        **variant_columns(variant),
                        "phase": phase,
                        "n_seeds": 3,
                        "mean": value,
                        "std": 0.1,
                        "min": 0.5 * value,
                        "max": 2.0 * value,
                        "median": value,
                    }
                )
    return pd.DataFrame(rows)


def _saturation(top_after_first: float = 0.031, fraction_after_first: float = 0.87):
    """Two hidden layers, epochs 0..3; the baseline's top layer (2) has mean activation
    0.52 / ``top_after_first`` / 0.24 and saturated fraction 0.12 / ``fraction_after_first``
    / 0.41 at epochs 0 / 1 / 3; tanh-glorot-sgd's top layer 0.013 and 0.026."""
    rows = []
    for variant in ("sigmoid-default-sgd", "tanh-glorot-sgd", "sigmoid-large-sgd"):
        for layer in (1, 2):
            for epoch in range(4):
                mean, fraction = 0.45, 0.2
                if variant == "sigmoid-default-sgd" and layer == 2:
                    mean = (0.52, top_after_first, 0.3, 0.24)[epoch]
                    fraction = (0.12, fraction_after_first, 0.5, 0.41)[epoch]
                elif variant == "tanh-glorot-sgd":
                    mean, fraction = 0.013, 0.026
                rows.append(
                    {
                        **variant_columns(variant),
                        "layer": layer,
                        "epoch": epoch,
                        "n_seeds": 3,
                        "activation_mean": mean,
                        "activation_std": 0.2,
                        "saturated_fraction": fraction,
                        "saturated_fraction_min": fraction,
                        "saturated_fraction_max": fraction,
                    }
                )
    return pd.DataFrame(rows)


def _chain_tables() -> dict[str, pd.DataFrame]:
    depths = np.arange(1, 9)
    chain_summary = pd.DataFrame(
        {
            "weight_scale": 1.0,
            "depth": depths,
            "n_samples": 5000,
            "median": 0.1 ** (depths - 1.0) * 2.5,  # depth 8: 2.5e-07
            "q10": 0.1 ** (depths - 1.0),
            "q90": 0.1 ** (depths - 1.0) * 9,
            "mean_log10": -(depths - 1.0),
            "quarter_power": 0.25 ** (depths - 1.0),
        }
    )
    exploding = pd.DataFrame(
        {"depth": depths, "ratio": 25.0 ** (depths - 1.0), "expected": 25.0 ** (depths - 1.0)}
    )
    width = pd.DataFrame(
        {
            "w": [4.0, 5.5, 6.9, 8.0, 12.0, 6.9, 3.0],
            "width": [0.0, 0.41, 0.449, 0.44, 0.37, 0.447, 0.93],  # the numeric 0.93 is no peak
            "method": ["analytic"] * 5 + ["numeric"] * 2,
        }
    )
    return {"chain_summary": chain_summary, "chain_exploding": exploding, "unstable_width": width}


def _tables(**replace) -> dict[str, pd.DataFrame]:
    tables = {
        "ablation_accuracy_by_run": _accuracy_by_run(),
        "ablation_accuracy_summary": _accuracy_summary(),
        "ablation_speed_ratio": _speed_ratio(),
        "ablation_saturation_summary": _saturation(),
        **_chain_tables(),
    }
    tables.update(replace)
    return tables


def _block(text: str, heading: str) -> str:
    """The text after the bold ``heading`` up to the next bold heading or section."""
    start = text.index(heading)
    rest = text[start + len(heading) :]
    end = min((rest.index(m) for m in ("**", "\n#", "![") if m in rest), default=len(rest))
    return rest[:end]


def _row(text: str, first_cell: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {first_cell}"))


@pytest.fixture(scope="module")
def section() -> str:
    return render_beyond_section(_tables(), FIGURES, SETTINGS)


def test_section_starts_with_heading_and_names_every_variant_in_order(section):
    assert section.startswith("## Beyond the chapter")
    results = section[section.index("### Speed ratio") : section.index("### Saturation")]
    table_rows = [line for line in results.splitlines() if line.startswith("| ")]
    first_cells = [row.split(" | ")[0][2:] for row in table_rows]
    named = [
        cell.removesuffix(" (baseline)")
        for cell in first_cells
        if cell in VARIANTS or cell.endswith("(baseline)")
    ]
    assert named == list(VARIANTS)


def test_table_holds_protocol_b_ratios_and_accuracy(section):
    baseline = _row(section, "sigmoid-default-sgd (baseline)")
    assert "95 (47.5–190, n = 3)" in baseline  # initialisation: median 95.0 shown as "95"
    assert "80 (40–160, n = 3)" in baseline
    assert "96.20 ± 0.20 (96.00–96.40, n = 3)" in baseline
    assert "95000" not in section and "8e+04" not in section  # protocol A decoys unused
    assert "1.2 (0.6–2.4, n = 3)" in _row(section, "tanh-glorot-sgd")


def test_removed_and_worse_lists(section):
    removed = _block(section, "**Remove the vanishing gradient**")
    assert "1/3 and 3" in removed
    assert "tanh-glorot-sgd" in removed and "relu-he-nesterov" in removed
    assert "sigmoid-default-sgd" not in removed  # the baseline, ratio 80
    assert "tanh-default-sgd" not in removed  # ratio 3.5 is outside (1/3, 3)
    worse = _block(section, "**Make it worse than the baseline**")
    assert "sigmoid-large-sgd: median training ratio 320, 4 times the baseline's 80" in worse
    assert "tanh-glorot-sgd" not in worse
    reduced = _block(section, "**Reduce it without removing it**")
    assert "tanh-default-sgd" in reduced
    assert "the last hidden layer learns 80 times as fast as the first" in section


def test_balanced_factor_is_the_threshold(monkeypatch):
    monkeypatch.setattr(report_beyond, "BALANCED_FACTOR", 4.0)
    text = render_beyond_section(_tables(), FIGURES, SETTINGS)
    removed = _block(text, "**Remove the vanishing gradient**")
    assert "1/4 and 4" in removed and "tanh-default-sgd" in removed


def test_accuracy_difference_and_welch_p_value(section):
    base = VARIANTS["sigmoid-default-sgd"][2]
    for variant, difference in (("tanh-glorot-sgd", "+1.00"), ("sigmoid-large-sgd", "-5.20")):
        p = ttest_ind(VARIANTS[variant][2], base, equal_var=False).pvalue
        line = next(l for l in section.splitlines() if l.startswith(f"- {variant}:"))
        assert f"{difference} percentage points" in line
        assert f"p = {_p(p)}" in line and "n = 3 and 3 seeds" in line
    large = next(l for l in section.splitlines() if l.startswith("- sigmoid-large-sgd:"))
    assert "91.00 % against the baseline's 96.20 %" in large
    assert large.endswith("larger than the seed spread.")


def test_accuracy_against_baseline_table():
    table = accuracy_against_baseline(_accuracy_by_run(), "sigmoid-default-sgd").set_index(
        "variant"
    )
    assert table.loc["tanh-glorot-sgd", "difference"] == pytest.approx(0.972 - 0.962)
    expected = ttest_ind(
        VARIANTS["tanh-glorot-sgd"][2], VARIANTS["sigmoid-default-sgd"][2], equal_var=False
    )
    assert table.loc["tanh-glorot-sgd", "p_value"] == pytest.approx(expected.pvalue)
    one_seed = _accuracy_by_run().query("not (variant == 'tanh-glorot-sgd' and seed > 1)")
    table = accuracy_against_baseline(one_seed, "sigmoid-default-sgd").set_index("variant")
    assert np.isnan(table.loc["tanh-glorot-sgd", "p_value"])
    with pytest.raises(ValueError, match="relu-he-sgd"):
        accuracy_against_baseline(_accuracy_by_run(), "relu-he-sgd")


def test_saturation_paragraph_uses_the_table(section):
    text = section[section.index("### Saturation") : section.index("### The chain")]
    assert "Our numbers show this" in text
    assert (
        "after epoch 1 the baseline's top hidden layer (layer 2) has mean activation 0.031" in text
    )
    assert "87.00 % of its units saturated" in text
    assert "0.52 and 12.00 % at initialisation" in text
    assert "after epoch 3 it is 0.24 and 41.00 %" in text
    assert "tanh-glorot-sgd: mean activation 0.013 → 0.013 → 0.013" in text
    assert "sigmoid-large-sgd" not in text  # not one of the compared variants
    assert FIGURES["saturation"] in text


def test_saturation_verdict_follows_the_numbers():
    tables = _tables(ablation_saturation_summary=_saturation(0.4, 0.1))
    text = render_beyond_section(tables, FIGURES, SETTINGS)
    assert "Our numbers do not show this" in text
    tables = _tables(ablation_saturation_summary=_saturation(0.05, 0.1))
    assert "show it only in part" in render_beyond_section(tables, FIGURES, SETTINGS)


def test_chain_paragraph_uses_the_tables(section):
    text = section[section.index("### The chain") :]
    assert "L = 8" in text and "is 2.5e-07" in text
    assert "(1/4)^(L−1) = 6.1e-05" in text
    assert "5,000 chains" in text
    assert "at L = 8 the computed ratio is 6.1e+09 against 25^(L−1) = 6.1e+09" in text
    assert "agree to within a relative difference of 0.0e+00" in text
    assert "largest, 0.449, at |w| = 6.9" in text
    assert "0.93" not in text  # numeric rows are not the peak
    assert "at most 0.002 over 1 values of w" in text


def test_exploding_mismatch_is_reported():
    chain = _chain_tables()["chain_exploding"]
    chain.loc[chain["depth"] == 8, "ratio"] *= 1.01
    text = render_beyond_section(_tables(chain_exploding=chain), FIGURES, SETTINGS)
    assert "do not agree to within a relative difference of 1.0e-02" in text


def test_settings_and_figures(section):
    assert "784-30-30-30-30-10" in section and "seeds 1, 2, 3" in section
    assert "constant μ = 0.85" in section
    assert "12 epochs" in section and "480 epochs" in section
    assert "Xavier" in section and "sparse" not in section  # only initialisers that were run
    for key, path in FIGURES.items():
        assert f"]({path})" in section, key
    captions = re.findall(r"^\*(.+)\*$", section, flags=re.MULTILINE)
    assert len(captions) == len(FIGURES)
    speed_caption = next(c for c in captions if c.startswith("Speed of learning"))
    assert "3 seeds" in speed_caption and "480" in speed_caption
    accuracy_caption = next(c for c in captions if c.startswith("Validation accuracy"))
    assert "after 12 epochs" in accuracy_caption and "3 seeds" in accuracy_caption


def test_schedule_absent_figures_and_optional_tables_skipped():
    settings = {**SETTINGS, "momentum_schedule": True}
    tables = {
        k: v
        for k, v in _tables().items()
        if not k.startswith(("chain", "unstable", "ablation_sat"))
    }
    figures = {"variant_speed": FIGURES["variant_speed"]}
    text = render_beyond_section(tables, figures, settings)
    assert "Sutskever et al.'s schedule" in text and "μ_max = 0.85" in text
    assert "### Saturation" not in text and "### The chain" not in text
    assert FIGURES["variant_speed"] in text and FIGURES["ratio_heatmap"] not in text


def test_missing_ablation_table_is_named():
    tables = _tables()
    del tables["ablation_speed_ratio"]
    with pytest.raises(ValueError, match="ablation_speed_ratio"):
        render_beyond_section(tables, FIGURES, SETTINGS)
