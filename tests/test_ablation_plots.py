"""Ablation figures: panel counts, log axes, blank heat-map cells and saved PNGs on
small synthetic tables (plausible shapes, not real results)."""

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.figures.ablation import (
    RATIO_COLORBAR_LABEL,
    ratio_heatmap_figure,
    ratio_grid,
    ratio_label,
    saturation_figure,
    variant_accuracy_figure,
    variant_order,
    variant_speed_figure,
)
from vanishing_gradient.figures.chapter import layer_colour
from vanishing_gradient.model.identity import variant_columns

SEEDS = [1, 2, 3]
BASELINE = "sigmoid-default-sgd"
LAYERS = [1, 2, 3, 4]
# variant -> (median last/first ratio at initialisation, over training, mean accuracy)
VARIANTS = {
    "sigmoid-default-sgd": (95.0, 80.0, 0.962),
    "sigmoid-large-sgd": (400.0, 300.0, 0.90),
    "sigmoid-glorot-sgd": (60.0, 40.0, 0.963),
    "sigmoid-sparse-sgd": (30.0, 12.0, 0.958),
    "tanh-default-sgd": (3.5, 2.5, 0.965),
    "tanh-glorot-sgd": (1.5, 1.2, 0.970),
    "relu-he-sgd": (0.8, 0.9, 0.972),
    "relu-large-sgd": (0.002, 0.05, 0.60),
    "sigmoid-default-sgd-residual": (3.0, 2.0, 0.965),
    "relu-he-adam-residual-batchnorm": (1.1, 0.9, 0.975),
    "sigmoid-default-momentum": (95.0, 20.0, 0.966),
    "sigmoid-sparse-nesterov": (30.0, 5.0, 0.968),
}
EPOCHS_B = 50
EPOCHS_A = 6


def speed_summary(variants: dict = VARIANTS) -> pd.DataFrame:
    """Protocol A and B speed curves: layer l's median is geometric between layer 1 and
    layer 4 with the variant's init ratio, drifting to the training ratio over epochs."""
    rows = []
    for variant, (init_ratio, train_ratio, _) in variants.items():
        for protocol, epochs in (("A", EPOCHS_A), ("B", EPOCHS_B)):
            epoch = np.arange(epochs + 1)
            log_ratio = np.log10(train_ratio) + (
                np.log10(init_ratio) - np.log10(train_ratio)
            ) * np.exp(-epoch / 5)
            for layer in LAYERS:
                median = (
                    0.3 * 10 ** (-(4 - layer) / 3 * log_ratio) * (1 + 0.5 * np.exp(-epoch / 20))
                )
                rows.append(
                    pd.DataFrame(
                        {
                            "protocol": protocol,
                            **variant_columns(variant),
                            "layer": layer,
                            "epoch": epoch,
                            "n_seeds": len(SEEDS),
                            "median": median,
                            "mean": median,
                            "std": 0.2 * median,
                            "q10": 0.7 * median,
                            "q90": 1.4 * median,
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)


def speed_ratio(variants: dict = VARIANTS) -> pd.DataFrame:
    """Per protocol, variant and phase: the median ratio, with min = 0.5 and max = 2 x it."""
    rows = [
        {
            "protocol": protocol,
            **variant_columns(variant),
            "phase": phase,
            "n_seeds": len(SEEDS),
            "mean": value,
            "std": 0.3 * value,
            "min": 0.5 * value,
            "max": 2.0 * value,
            "median": value,
        }
        for protocol in ("A", "B")
        for variant, (init_ratio, train_ratio, _) in variants.items()
        for phase, value in (("initialisation", init_ratio), ("training", train_ratio))
    ]
    return pd.DataFrame(rows)


def accuracy_tables(variants: dict = VARIANTS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """accuracy_by_run (seed offsets -0.002, 0, +0.003 around the mean) and its summary."""
    offsets = {1: -0.002, 2: 0.0, 3: 0.003}
    runs = pd.DataFrame(
        [
            {
                **variant_columns(variant),
                "seed": seed,
                "epochs": EPOCHS_A,
                "final_val_accuracy": accuracy + offsets[seed],
                "best_val_accuracy": accuracy + offsets[seed] + 0.001,
                "best_epoch": EPOCHS_A - 1,
                "test_accuracy": accuracy + offsets[seed] - 0.001,
            }
            for variant, (_, _, accuracy) in variants.items()
            for seed in SEEDS
        ]
    )
    grouped = runs.groupby("variant", sort=False)
    summary = grouped[["activation", "initialiser", "optimiser"]].first()
    summary["n_seeds"] = grouped.size()
    summary["epochs"] = EPOCHS_A
    acc = grouped["final_val_accuracy"]
    summary["val_accuracy_mean"] = acc.mean()
    summary["val_accuracy_std"] = acc.std()
    summary["val_accuracy_min"] = acc.min()
    summary["val_accuracy_max"] = acc.max()
    summary["test_accuracy_mean"] = grouped["test_accuracy"].mean()
    summary["test_accuracy_std"] = grouped["test_accuracy"].std()
    # the figure draws what the verdicts compare: the test accuracy, never the validation's
    summary["val_accuracy_mean"] = summary["val_accuracy_mean"] - 0.05
    return runs, summary.reset_index()


def saturation_summary(
    variants=("sigmoid-default-sgd", "sigmoid-standard-sgd", "tanh-glorot-sgd", "relu-he-sgd")
):
    """Sigmoid's top layer drops towards 0 and saturates after epoch 1, then recovers;
    tanh stays near 0 unsaturated; ReLU keeps about half its units inactive. The 98th
    percentile lies two stds above the mean."""
    rows = []
    for variant in variants:
        activation = variant.split("-")[0]
        for layer in LAYERS:
            for epoch in range(EPOCHS_A + 1):
                if activation == "sigmoid":
                    top = layer == LAYERS[-1]
                    mean = 0.5 if epoch == 0 or not top else 0.03 + 0.05 * (epoch - 1)
                    fraction = (
                        0.1 if epoch == 0 or not top else 0.9 - 0.1 * (epoch - 1)
                    ) + 0.01 * layer
                    std = 0.2
                elif activation == "tanh":
                    mean, fraction, std = 0.01 * layer, 0.02 + 0.01 * epoch, 0.4
                else:
                    mean, fraction, std = 0.3 + 0.1 * layer, 0.45 + 0.01 * epoch, 0.5
                rows.append(
                    {
                        **variant_columns(variant),
                        "layer": layer,
                        "epoch": epoch,
                        "n_seeds": len(SEEDS),
                        "activation_mean": mean,
                        "activation_std": std,
                        "activation_p98": min(1.0, mean + 2 * std),
                        "saturated_fraction": fraction,
                        "saturated_fraction_min": max(0.0, fraction - 0.05),
                        "saturated_fraction_max": min(1.0, fraction + 0.05),
                    }
                )
    return pd.DataFrame(rows)


def test_variant_order_is_first_appearance():
    table = pd.DataFrame({"variant": ["b", "a", "b", "c", "a"]})
    assert variant_order(table, pd.DataFrame({"variant": ["d", "c"]})) == ["b", "a", "c", "d"]


def test_variant_speed_figure_has_one_log_panel_per_variant():
    fig = variant_speed_figure(speed_summary(), BASELINE, protocol="B")
    axes = fig.axes
    assert len(axes) == len(VARIANTS)  # 10 variants in a 3 x 4 grid: two slots removed
    assert [ax.get_title() for ax in axes] == list(VARIANTS)
    assert all(ax.get_yscale() == "log" for ax in axes)
    first = axes[0]
    assert len(first.get_lines()) == len(LAYERS)
    assert [line.get_color() for line in first.get_lines()] == [layer_colour(l) for l in LAYERS]
    assert first.get_lines()[0].get_xdata().max() == EPOCHS_B
    assert "3 seeds" in fig.get_suptitle()


def test_variant_speed_figure_rejects_a_missing_protocol():
    with pytest.raises(ValueError, match="protocol 'C'"):
        variant_speed_figure(speed_summary(), BASELINE, protocol="C")


TRAININGS = [
    "sigmoid",
    "tanh",
    "relu",
    "sigmoid · sgd-residual",
    "relu · adam-residual-batchnorm",
    "sigmoid · momentum",
    "sigmoid · nesterov",
]


def test_ratio_heatmap_blank_where_no_variant():
    fig = ratio_heatmap_figure(speed_ratio(), protocol="B")
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 2
    assert [ax.get_title() for ax in panels][0].startswith("at initialisation")
    trainings = [t.get_text() for t in panels[0].get_yticklabels()]
    initialisers = [t.get_text() for t in panels[0].get_xticklabels()]
    assert trainings == TRAININGS  # plain SGD first, then the others as they first appear
    assert initialisers == ["default", "large", "glorot", "sparse", "he"]
    for ax, phase in zip(panels, (0, 1)):
        data = ax.images[0].get_array()
        assert data.shape == (7, 5)
        # tanh-large, relu-default, nesterov with the default initialiser were not run
        assert np.ma.is_masked(data[trainings.index("tanh"), initialisers.index("large")])
        assert np.ma.is_masked(data[trainings.index("relu"), initialisers.index("default")])
        nesterov = trainings.index("sigmoid · nesterov")
        assert np.ma.is_masked(data[nesterov, initialisers.index("default")])
        assert data[nesterov, initialisers.index("sparse")] == pytest.approx(
            np.log10(VARIANTS["sigmoid-sparse-nesterov"][phase])
        )
        residual = data[trainings.index("sigmoid · sgd-residual"), 0]
        assert residual == pytest.approx(np.log10(VARIANTS["sigmoid-default-sgd-residual"][phase]))
        baseline = data[0, 0]
        assert baseline == pytest.approx(np.log10(VARIANTS["sigmoid-default-sgd"][phase]))
    assert data[trainings.index("relu"), initialisers.index("large")] < 0  # exploding
    texts = [t.get_text() for t in panels[1].texts]
    assert "80×" in texts and "1.2×" in texts and len(texts) == len(VARIANTS)  # one per run
    colorbar = [ax for ax in fig.axes if ax.get_ylabel() == RATIO_COLORBAR_LABEL]
    assert colorbar
    norm = panels[0].images[0].norm
    assert norm.vcenter == 0.0 and norm.vmin == -norm.vmax


def test_ratio_grid_is_nan_where_no_variant():
    values, trainings, initialisers = ratio_grid(speed_ratio(), "B", "training")
    assert trainings == TRAININGS
    assert values.shape == (7, 5)
    assert np.isnan(values[trainings.index("tanh"), initialisers.index("he")])
    assert values[trainings.index("tanh"), initialisers.index("glorot")] == 1.2
    assert np.isnan(values).sum() == 35 - len(VARIANTS)  # each variant one cell


def test_ratio_label():
    assert ratio_label(78.4) == "78×"
    assert ratio_label(1.234) == "1.2×"
    assert ratio_label(0.05) == "0.05×"
    assert ratio_label(12345.0) == "$10^{4.1}$×"
    assert ratio_label(np.nan) == ""


def test_variant_accuracy_figure_points_per_seed_and_baseline():
    runs, summary = accuracy_tables()
    fig = variant_accuracy_figure(runs, summary, BASELINE)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list(VARIANTS)
    assert all(t.get_rotation() == 45 for t in ax.get_xticklabels())
    points = np.concatenate([c.get_offsets()[:, 1] for c in ax.collections if c.get_offsets().size])
    assert len(points) >= len(VARIANTS) * len(SEEDS)
    assert np.isclose(points, 100 * runs["test_accuracy"].to_numpy()[:, None]).any(axis=1).all()
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == [BASELINE]
    handles, legend_labels = ax.get_legend_handles_labels()
    assert any("baseline" in label for label in legend_labels)
    assert "3 seeds" in ax.get_title() and f"{EPOCHS_A} epochs" in ax.get_title()
    assert "%" in ax.get_ylabel()


def test_saturation_figure_default_variants_and_panels():
    table = saturation_summary(("sigmoid-default-sgd", "tanh-default-sgd", "relu-he-sgd"))
    fig = saturation_figure(table, BASELINE)
    # tanh-glorot-sgd is absent, so the default is the baseline and relu-he-sgd.
    assert len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert [t.split("\n")[0] for t in titles] == ["sigmoid-default-sgd", "relu-he-sgd"]
    bottom = fig.axes[2]  # row-major: top row first
    assert "saturated" in bottom.get_ylabel()
    top_layer = bottom.get_lines()[-1]
    assert top_layer.get_color() == layer_colour(4)
    assert top_layer.get_ydata()[1] == pytest.approx(100 * 0.94)


def test_saturation_figure_sets_the_papers_setting_beside_the_books_with_p98_crosses():
    table = saturation_summary()
    fig = saturation_figure(table, BASELINE)
    top_row = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split("\n")[0] for ax in top_row] == [
        "sigmoid-default-sgd",
        "sigmoid-standard-sgd",
        "tanh-glorot-sgd",
        "relu-he-sgd",
    ]
    assert "the book's setting" in top_row[0].get_title()
    assert "Glorot & Bengio's" in top_row[1].get_title()
    paper = table[(table["variant"] == "sigmoid-standard-sgd")]
    for ax in top_row[:2]:
        crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
        assert [line.get_color() for line in crosses] == [layer_colour(l) for l in LAYERS]
        top = paper[paper["layer"] == LAYERS[-1]].sort_values("epoch")
        assert crosses[-1].get_ydata() == pytest.approx(top["activation_p98"].to_numpy())
        bars = ax.containers[-1]  # the top layer's error bars: mean ± std
        assert bars.lines[0].get_ydata() == pytest.approx(top["activation_mean"].to_numpy())


def test_saturation_figure_named_variants_and_errors():
    table = saturation_summary()
    fig = saturation_figure(table, BASELINE, variants=["tanh-glorot-sgd"])
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="relu-large-sgd"):
        saturation_figure(table, BASELINE, variants=["relu-large-sgd"])
    with pytest.raises(ValueError, match="default variants"):
        saturation_figure(saturation_summary(("tanh-default-sgd",)), BASELINE)
