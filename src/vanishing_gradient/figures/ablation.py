"""Figures of the ablation ("Beyond the chapter"): the deep network trained with other
hidden activations, initialisers, optimisers and remedies. One function per figure, each taking
tidy tables and returning a matplotlib Figure (the caller saves it; nothing here touches
pyplot's global state).

A variant is named ``"<activation>-<initialiser>-<optimiser>"`` followed by its remedies
(``identity``); ``baseline`` is the
configured variant the others are compared with (ablation.baseline). Variants keep the
order in which they first appear in the tables (the configured order). Colours: ``layer_colour(l)``
is hidden layer ``l`` (1 = first hidden layer), as in ``figures.chapter``; ``activation_colour`` is
the hidden activation. Accuracies and saturated fractions arrive as fractions and are
drawn in percent.
"""

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..analysis.learning_rates import SETTINGS
from ..analysis.saturation import GLOROT_BENGIO_VARIANT
from .chapter import layer_colour, line_with_band
from ..model.activations import activation as activation_entry
from .labels import seeds_text

# Glorot & Bengio's comparison: the baseline (the book's setting) against the sigmoid in
# their setting, tanh with their normalised initialisation and ReLU with He et al.'s; used
# when present and no variants are named.
SATURATION_PARTNERS = (GLOROT_BENGIO_VARIANT, "tanh-glorot-sgd", "relu-he-sgd")
RATIO_COLORBAR_LABEL = "log10(last / first hidden layer speed)"
PANEL_COLUMNS = 4


def activation_colour(activation: str) -> str:
    """Colour of a hidden activation, its entry's (``model.activations``), the same in
    every ablation figure."""
    return activation_entry(activation).colour


def variant_order(*tables: pd.DataFrame) -> list[str]:
    """Variant names in order of first appearance, over the ``variant`` columns of ``tables``."""
    order: dict[str, None] = {}
    for table in tables:
        order.update(dict.fromkeys(table["variant"]))
    return list(order)


def default_saturation_variants(variants, baseline: str) -> list[str]:
    """``baseline`` and those of ``SATURATION_PARTNERS`` that are among ``variants``, in
    that order."""
    present = set(variants)
    return [v for v in dict.fromkeys([baseline, *SATURATION_PARTNERS]) if v in present]


def _ordered_values(values: pd.Series) -> list:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values))


def ratio_label(ratio: float) -> str:
    """A last/first speed ratio for a heat-map cell: '78×', '1.2×', '0.05×', or
    '10^4.3×' beyond [0.01, 10^4); '' for a missing or non-positive ratio."""
    if pd.isna(ratio) or not ratio > 0 or not np.isfinite(ratio):
        return ""
    if ratio < 0.01 or ratio >= 1e4:
        return f"$10^{{{math.log10(ratio):.1f}}}$×"
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.2g}×"


def variant_speed_figure(speed_summary: pd.DataFrame, baseline: str, protocol: str = "B") -> Figure:
    """Speed of learning ||dC/db^l|| of each hidden layer l against epoch, one small panel
    per variant (grid of up to ``PANEL_COLUMNS`` columns, shared log y axis): the median
    over seeds as a line and the 10–90 % quantiles across seeds as a band. Panel title =
    variant name (``baseline``'s in bold).
    """
    rows = speed_summary[speed_summary["protocol"] == protocol]
    if rows.empty:
        raise ValueError(
            f"ablation_speed_summary has no protocol {protocol!r} rows; "
            f"protocols present: {sorted(set(speed_summary['protocol']))}"
        )
    variants = variant_order(rows)
    ncols = min(PANEL_COLUMNS, len(variants))
    nrows = math.ceil(len(variants) / ncols)
    fig = Figure(figsize=(3.3 * ncols + 1.6, 2.7 * nrows + 0.9), layout="constrained")
    grid = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    axes = grid.ravel()
    for ax, variant in zip(axes, variants):
        for layer, curve in rows[rows["variant"] == variant].groupby("layer"):
            curve = curve.sort_values("epoch")
            colour = layer_colour(layer)
            line_with_band(
                ax,
                curve["epoch"],
                curve["median"],
                curve["q10"],
                curve["q90"],
                colour,
                label=f"hidden layer {layer}",
            )
        ax.set_yscale("log")
        ax.set_title(variant, fontsize="medium", fontweight="bold" if variant == baseline else None)
    for k in range(len(variants), nrows * ncols):
        # An empty slot: remove it and let the panel above it show the epoch axis.
        row, column = divmod(k, ncols)
        grid[row, column].remove()
        grid[row - 1, column].xaxis.set_tick_params(labelbottom=True)
    for k in range(len(variants)):
        row, column = divmod(k, ncols)
        if k + ncols >= len(variants):  # lowest panel of its column
            grid[row, column].set_xlabel("epoch")
    for ax in grid[:, 0]:
        ax.set_ylabel("||dC/db|| (log scale)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", fontsize="small")
    fig.suptitle(
        f"Speed of learning per hidden layer, protocol {protocol}{setting_words(rows)}\nepochs "
        f"0–{int(rows['epoch'].max())}: median over {seeds_text(rows['n_seeds'])}, "
        "band = 10–90 % across seeds"
    )
    return fig


def setting_words(table: pd.DataFrame) -> str:
    """How a title names the setting of ``table`` (its ``setting`` column): " at the book's
    learning rate", or "" for a table without one."""
    if "setting" not in table:
        return ""
    return " " + " and ".join(SETTINGS[setting] for setting in dict.fromkeys(table["setting"]))


def training_label(row) -> str:
    """A heat-map row: the hidden activation, then how the variant is trained and what it
    adds (its name after the initialiser), unless that is plain SGD: ``"sigmoid"``,
    ``"sigmoid · nesterov"``, ``"relu · adam-residual-batchnorm"``."""
    rest = row["variant"].split("-", 2)[2]
    return row["activation"] if rest == "sgd" else f"{row['activation']} · {rest}"


def ratio_grid(speed_ratio: pd.DataFrame, protocol: str = "B", phase: str = "training"):
    """The median last/first ratio of every variant as a matrix: ``(values, trainings,
    initialisers)`` with rows = ``training_label`` (the plain-SGD rows first) and columns =
    initialisers, each in order of first appearance; NaN where no variant was run."""
    rows = speed_ratio[speed_ratio["protocol"] == protocol]
    labels = rows.apply(training_label, axis=1) if len(rows) else pd.Series(dtype=str)
    plain = labels == rows["activation"]
    trainings = _ordered_values(pd.concat([labels[plain], labels[~plain]]))
    initialisers = _ordered_values(rows["initialiser"])
    values = np.full((len(trainings), len(initialisers)), np.nan)
    for label, (_, r) in zip(labels, rows.iterrows()):
        if r["phase"] == phase:
            values[trainings.index(label), initialisers.index(r["initialiser"])] = r["median"]
    return values, trainings, initialisers


def ratio_heatmap_figure(speed_ratio: pd.DataFrame, protocol: str = "B") -> Figure:
    """Heat map of log10(median over seeds of the last/first hidden-layer speed ratio):
    rows = hidden activation and training (``training_label``: plain SGD, then the other
    optimisers and the remedies), columns = initialiser; left panel at initialisation
    (epoch 0), right panel over training (per seed the median over epochs >= 1).
    Diverging colours centred at 0 (balanced): red = vanishing (last layer faster), blue =
    exploding; grey cells = combination not run. Each cell is annotated with the ratio.
    """
    rows = speed_ratio[speed_ratio["protocol"] == protocol]
    if rows.empty:
        raise ValueError(
            f"ablation_speed_ratio has no protocol {protocol!r} rows; "
            f"protocols present: {sorted(set(speed_ratio['protocol']))}"
        )
    phases = ("initialisation", "training")
    grids = [ratio_grid(speed_ratio, protocol, phase) for phase in phases]
    trainings, initialisers = grids[0][1], grids[0][2]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = [np.log10(values) for values, _, _ in grids]
    finite = np.concatenate([g[np.isfinite(g)] for g in logs])
    limit = max(1.0, float(np.abs(finite).max())) if finite.size else 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit)
    cmap = colormaps["RdBu_r"].with_extremes(bad="#d9d9d9")
    fig = Figure(
        figsize=(3.5 + 2.4 * len(initialisers), 1.8 + 0.5 * len(trainings)),
        layout="constrained",
    )
    axes = fig.subplots(1, 2, sharey=True)
    for ax, phase, (values, _, _), log in zip(axes, phases, grids, logs):
        image = ax.imshow(
            np.ma.masked_invalid(log), cmap=cmap, norm=norm, aspect="auto", interpolation="none"
        )
        for (i, j), ratio in np.ndenumerate(values):
            if np.isfinite(log[i, j]):
                dark = abs(log[i, j]) > 0.6 * limit
                ax.text(
                    j,
                    i,
                    ratio_label(ratio),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if dark else "black",
                )
        ax.set_xticks(range(len(initialisers)), initialisers)
        ax.set_yticks(range(len(trainings)), trainings)
        ax.set_xlabel("initialiser")
        ax.set_title(
            "at initialisation\n(epoch 0)"
            if phase == "initialisation"
            else "over training\n(median over epochs ≥ 1)"
        )
    axes[0].set_ylabel("hidden activation · training")
    fig.colorbar(image, ax=list(axes), label=RATIO_COLORBAR_LABEL, shrink=0.9)
    fig.suptitle(
        f"Last / first hidden layer speed, protocol {protocol}{setting_words(rows)}: median over "
        f"{seeds_text(rows['n_seeds'])} (red: vanishing, blue: exploding, grey: not run)"
    )
    return fig


def variant_accuracy_figure(
    accuracy_by_run: pd.DataFrame, accuracy_summary: pd.DataFrame, baseline: str
) -> Figure:
    """Test accuracy (%) after the last epoch per variant, what the ablation's verdicts
    compare (the learning-rate search looked at the validation data): every seed as a small
    point (spread sideways by seed rank, coloured by activation), the mean over seeds with
    a ±1 std error bar; ``baseline``'s column shaded and its mean a dashed line."""
    variants = variant_order(accuracy_summary, accuracy_by_run)
    position = {variant: i for i, variant in enumerate(variants)}
    runs = accuracy_by_run.assign(x=accuracy_by_run["variant"].map(position)).sort_values(
        ["x", "seed"]
    )
    rank = runs.groupby("variant").cumcount()
    size = runs.groupby("variant")["seed"].transform("size")
    x_runs = runs["x"] - 0.12 + (rank - (size - 1) / 2) * (0.18 / size.max())
    summary = accuracy_summary.assign(x=accuracy_summary["variant"].map(position))
    fig = Figure(figsize=(max(6.0, 0.55 * len(variants) + 2.5), 4.8), layout="constrained")
    ax = fig.subplots()
    if baseline in position:
        ax.axvspan(
            position[baseline] - 0.45,
            position[baseline] + 0.45,
            color="#fff2b3",
            zorder=0,
            label=f"baseline ({baseline})",
        )
        baseline_mean = summary.loc[summary["variant"] == baseline, "test_accuracy_mean"]
        if not baseline_mean.empty:
            ax.axhline(
                100 * baseline_mean.iloc[0],
                color="#b8860b",
                linestyle="--",
                linewidth=1,
                label="baseline mean",
            )
    for activation in _ordered_values(runs["activation"]):
        mine = runs["activation"] == activation
        ax.scatter(
            x_runs[mine],
            100 * runs.loc[mine, "test_accuracy"],
            s=14,
            alpha=0.75,
            color=activation_colour(activation),
            label=f"one seed, {activation}",
            zorder=3,
        )
    ax.errorbar(
        summary["x"] + 0.15,
        100 * summary["test_accuracy_mean"],
        yerr=100 * summary["test_accuracy_std"],
        fmt="o",
        color="black",
        markersize=4,
        capsize=3,
        label="mean ± std over seeds",
        zorder=4,
    )
    ax.set_xticks(range(len(variants)), variants, rotation=45, ha="right")
    for label in ax.get_xticklabels():
        if label.get_text() == baseline:
            label.set_fontweight("bold")
    ax.set_xlim(-0.6, len(variants) - 0.4)
    ax.set(
        xlabel="variant (activation-initialiser-optimiser-remedies)",
        ylabel="test accuracy after the last epoch (%)",
        title=f"Accuracy per variant{setting_words(summary)}: {seeds_text(summary['n_seeds'])}, "
        f"{int(summary['epochs'].max())} epochs",
    )
    fig.legend(loc="outside right upper", fontsize="small")
    return fig


def saturation_figure(saturation_summary: pd.DataFrame, baseline: str, variants=None) -> Figure:
    """Glorot & Bengio's (2010) view of saturation, one column per variant (the book's
    setting, ``baseline``, beside theirs, ``GLOROT_BENGIO_VARIANT``): top, the mean
    activation of each hidden layer against epoch (0 = initialisation) with ± the standard
    deviation of the activations over units and images (``activation_std``) as error bars
    and the 98th percentile (``activation_p98``) as crosses, as in their Figures 2 and 3
    (nudged sideways per layer), each the mean over seeds of the runs' values; bottom, the
    fraction of saturated units (derivative below 5 % of its maximum; for ReLU inactive
    units) in percent, the mean over seeds as a line and the seed min–max as a band.

    ``variants`` defaults to ``default_saturation_variants`` of the table's.
    """
    present = variant_order(saturation_summary)
    if variants is None:
        variants = default_saturation_variants(present, baseline)
        if not variants:
            raise ValueError(
                f"ablation_saturation_summary has none of the default variants "
                f"{[baseline, *SATURATION_PARTNERS]}; pass variants= from {present}"
            )
    missing = [variant for variant in variants if variant not in present]
    if missing:
        raise ValueError(
            f"variants {missing} are not in ablation_saturation_summary; present: {present}"
        )
    fig = Figure(figsize=(3.8 * len(variants) + 1.6, 6.0), layout="constrained")
    axes = fig.subplots(2, len(variants), sharex=True, squeeze=False)
    for column, variant in enumerate(variants):
        top, bottom = axes[0, column], axes[1, column]
        rows = saturation_summary[saturation_summary["variant"] == variant]
        n_layers = rows["layer"].max()
        nudge = 0.015 * max(1, rows["epoch"].max() - rows["epoch"].min())
        for layer, curve in rows.groupby("layer"):
            curve = curve.sort_values("epoch")
            colour = layer_colour(layer)
            # Bars as in Glorot & Bengio's figure, nudged sideways per layer so they do not overlap.
            x = curve["epoch"] + nudge * (layer - (n_layers + 1) / 2)
            top.errorbar(
                x,
                curve["activation_mean"],
                yerr=curve["activation_std"],
                fmt="o-",
                markersize=3,
                linewidth=1.2,
                elinewidth=0.8,
                capsize=2,
                color=colour,
            )
            top.plot(x, curve["activation_p98"], "x", markersize=5, color=colour)
            line_with_band(
                bottom,
                curve["epoch"],
                100 * curve["saturated_fraction"],
                100 * curve["saturated_fraction_min"],
                100 * curve["saturated_fraction_max"],
                colour,
                label=f"hidden layer {layer}",
                marker="o",
                markersize=3,
            )
        setting = {
            baseline: "the book's setting, ",
            GLOROT_BENGIO_VARIANT: "Glorot & Bengio's setting, ",
        }
        top.set_title(
            f"{variant}\n({setting.get(variant, '')}{seeds_text(rows['n_seeds'])})",
            fontsize="medium",
            fontweight="bold" if variant == baseline else None,
        )
        if rows["activation"].iloc[0] == "sigmoid":
            top.set_ylim(-0.02, 1.02)  # the sigmoid's range: the settings side by side
        bottom.set_ylim(-2.0, 102.0)
        bottom.set_xlabel("epoch (0 = initialisation)")
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0, 0].set_ylabel("activation (mean ± std\nover units and images; ×: p98)")
    axes[1, 0].set_ylabel("saturated units (%)\n(mean; band: seed min–max)")
    fig.legend(*axes[1, 0].get_legend_handles_labels(), loc="outside right upper", fontsize="small")
    fig.suptitle(
        "Saturation of the hidden layers during protocol A training (after Glorot & Bengio 2010)\n"
        "saturated unit: derivative below 5 % of its maximum (ReLU: inactive unit)"
    )
    return fig
