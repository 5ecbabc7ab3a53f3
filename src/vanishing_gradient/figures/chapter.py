"""The report's figures: one function per figure, each taking tidy tables and returning
a matplotlib Figure (the caller saves it; nothing here touches pyplot's global state).

Colour means the same thing everywhere: ``layer_colour(l)`` is hidden layer ``l``
(1 = first hidden layer) and ``architecture_colour(h)`` is the network with ``h``
hidden layers. The book's single-run values are always a black cross, and a published
Python 3 re-run of the book's code an open black diamond.
Accuracies arrive as fractions and are drawn in percent.
"""

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .labels import seeds_text
from ..model.network import hidden_layers

LAYER_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
BOOK_STYLE = {
    "marker": "x",
    "color": "black",
    "linestyle": "none",
    "markersize": 8,
    "markeredgewidth": 2,
}


# A published Python 3 re-run of the book's code, the second single-run reference.
RERUN_STYLE = {
    "marker": "D",
    "color": "black",
    "markerfacecolor": "none",
    "linestyle": "none",
    "markersize": 7,
    "markeredgewidth": 1.5,
}


def layer_colour(layer: int) -> str:
    """Colour of hidden layer ``layer`` (1-based), the same in every figure."""
    return LAYER_COLOURS[(int(layer) - 1) % len(LAYER_COLOURS)]


def architecture_colour(n_hidden: int) -> tuple[float, float, float, float]:
    """Colour of the network with ``n_hidden`` hidden layers: darker for shallower
    (networks deeper than four hidden layers share the lightest colour)."""
    return colormaps["viridis"](0.8 * min(n_hidden - 1, 3) / 3)


def zoomed_limits(low: pd.Series, high: pd.Series, margin: float = 0.08) -> tuple[float, float]:
    """Axis limits from ``min(low)`` to ``max(high)`` widened by ``margin`` of that span on
    each side (at least 0.05 in total, so a flat curve still shows)."""
    bottom, top = float(low.min()), float(high.max())
    pad = max(margin * (top - bottom), 0.025)
    return bottom - pad, top + pad


def line_with_band(ax, x, centre, low, high, colour, label=None, band_label=None, **line) -> None:
    """A line through ``centre`` and, in the same colour, a translucent band from ``low``
    to ``high`` (a spread across seeds or samples); ``line`` styles the line."""
    ax.plot(x, centre, color=colour, label=label, **line)
    ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0, label=band_label)


def sigmoid_derivative_figure() -> Figure:
    """sigma'(z) = sigma(z) (1 - sigma(z)) for z in [-6, 6], its maximum sigma'(0) = 1/4 marked."""
    z = np.linspace(-6.0, 6.0, 601)
    sigma = 1.0 / (1.0 + np.exp(-z))
    fig = Figure(figsize=(5.5, 3.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(
        z, sigma * (1.0 - sigma), color="black", label=r"$\sigma'(z) = \sigma(z)\,(1-\sigma(z))$"
    )
    ax.plot([0.0], [0.25], "o", color="#d95f02", label="maximum")
    ax.annotate(
        r"$\sigma'(0) = 1/4$", xy=(0.0, 0.25), xytext=(1.6, 0.2), arrowprops={"arrowstyle": "->"}
    )
    ax.set(
        xlabel="weighted input z",
        ylabel=r"$\sigma'(z)$",
        ylim=(0.0, 0.29),
        title="Derivative of the sigmoid (analytic)",
    )
    ax.legend(loc="upper left", fontsize="small")
    return fig


def gradient_bars_figure(
    gradient_at_init: pd.DataFrame, architecture: str = "784-30-30-10", book_neurons: int = 6
) -> Figure:
    """The book's bars for every neuron of every seed, and their size per layer.

    One panel per seed: ``|dC/db_j^l| = |(1/n) sum_x delta_j^l(x)|`` at initialisation for
    every neuron ``j`` of every hidden layer ``l``, the neurons of a layer ranked by that size
    (largest first), one colour (one bar container) per layer, side by side at each rank. The
    first ``book_neurons`` neurons of each layer, the ones the book draws, are outlined in
    black. Which neurons are first is arbitrary, so a choice of a few can show either layer
    ahead; ranking all of them shows each layer's whole spread. Last panel: per seed, the root
    mean square over all neurons of each layer, ``||dC/db^l|| / sqrt(n_l)``, one point per
    seed and layer, a seed's points joined by a grey line.
    """
    available = sorted(set(gradient_at_init["architecture"]))
    if architecture not in available:
        raise ValueError(
            f"architecture {architecture!r} is not in the gradient_at_init table; "
            f"available: {available}"
        )
    runs = gradient_at_init[gradient_at_init["architecture"] == architecture]
    runs = runs.assign(size=runs["grad_bias"].abs())
    seeds, layers = sorted(runs["seed"].unique()), sorted(runs["layer"].unique())
    columns = min(3, len(seeds) + 1)
    rows = -(-(len(seeds) + 1) // columns)
    fig = Figure(figsize=(4.0 * columns, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    width = 0.8 / len(layers)
    for ax, seed in zip(axes, seeds):
        for i, layer in enumerate(layers):
            ranked = runs[(runs["seed"] == seed) & (runs["layer"] == layer)].sort_values(
                ["size", "neuron"], ascending=[False, True], kind="stable"
            )
            x = np.arange(1, len(ranked) + 1) + (i - (len(layers) - 1) / 2) * width
            edges = ["black" if j < book_neurons else "none" for j in ranked["neuron"]]
            ax.bar(
                x,
                ranked["size"],
                width,
                color=layer_colour(layer),
                edgecolor=edges,
                linewidth=0.7,
                label=f"hidden layer {layer}",
            )
        ax.set(title=f"seed {seed}", xlabel="neuron's rank in its layer (1 = largest)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[: len(seeds) : columns]:
        ax.set_ylabel("|dC/db| averaged over the images")

    spread_ax = axes[len(seeds)]
    rms = runs.groupby(["seed", "layer"])["grad_bias"].apply(
        lambda g: float(np.sqrt(np.mean(g**2)))
    )
    for (run_seed, layer), value in rms.items():
        spread_ax.plot(layer, value, "o", color=layer_colour(layer), alpha=0.8)
    for run_seed, per_layer in rms.groupby(level="seed"):
        spread_ax.plot(
            per_layer.index.get_level_values("layer"),
            per_layer.to_numpy(),
            color="grey",
            linewidth=0.6,
        )
    spread_ax.set_xticks(layers, [str(layer) for layer in layers])
    spread_ax.set(
        xlabel="hidden layer",
        ylabel="RMS of dC/db over the layer's neurons",
        title=f"every seed ({len(seeds)} seeds)",
    )
    for ax in axes[len(seeds) + 1 :]:
        ax.set_axis_off()
    handles, labels = axes[0].get_legend_handles_labels()
    book = Patch(facecolor="white", edgecolor="black", label=f"the book's {book_neurons} neurons")
    fig.legend(
        [*handles, book], [*labels, book.get_label()], loc="outside right upper", fontsize="small"
    )
    fig.suptitle(f"{architecture} at initialisation: every neuron of every seed")
    return fig


def speed_of_learning_figure(
    speed_summary: pd.DataFrame, speed_at_init: pd.DataFrame, protocol: str = "B"
) -> Figure:
    """Speed of learning ||dC/db^l|| of each hidden layer l against epoch, one panel per
    network with >= 2 hidden layers (shallowest first): the median over seeds as a line,
    the 10–90 % quantiles across seeds as a band, log y axis. For protocol B the book's
    values at initialisation (``speed_at_init.book_grad_norm``) are black crosses at epoch 0.
    """
    rows = speed_summary[
        (speed_summary["protocol"] == protocol) & (speed_summary["hidden_layers"] >= 2)
    ]
    if rows.empty:
        raise ValueError(
            f"speed_summary has no protocol {protocol!r} rows "
            "for networks with >= 2 hidden layers; "
            f"protocols present: {sorted(set(speed_summary['protocol']))}"
        )
    architectures = rows.drop_duplicates("architecture").sort_values("hidden_layers")[
        "architecture"
    ]
    fig = Figure(figsize=(4.2 * len(architectures), 4.2), layout="constrained")
    axes = fig.subplots(1, len(architectures), sharey=True, squeeze=False)[0]
    for ax, architecture in zip(axes, architectures):
        for layer, curve in rows[rows["architecture"] == architecture].groupby("layer"):
            curve = curve.sort_values("epoch")
            line_with_band(
                ax,
                curve["epoch"],
                curve["median"],
                curve["q10"],
                curve["q90"],
                layer_colour(layer),
                label=f"hidden layer {layer}",
            )
        book = speed_at_init[
            (speed_at_init["architecture"] == architecture)
            & speed_at_init["book_grad_norm"].notna()
        ]
        if protocol == "B" and not book.empty:
            ax.plot(
                np.zeros(len(book)), book["book_grad_norm"], **BOOK_STYLE, label="book, epoch 0"
            )
        ax.set_yscale("log")
        ax.set(title=architecture, xlabel="epoch")
    axes[0].set_ylabel("speed of learning ||dC/db|| (log scale)")
    fig.legend(*axes[-1].get_legend_handles_labels(), loc="outside right upper", fontsize="small")
    fig.suptitle(
        f"Protocol {protocol}: median over {seeds_text(rows['n_seeds'])}, "
        "band = 10–90 % across seeds"
    )
    return fig


def accuracy_vs_depth_figure(
    accuracy_by_run: pd.DataFrame, accuracy_summary: pd.DataFrame
) -> Figure:
    """Final validation accuracy (%) against the number of hidden layers: each seed as a
    small point (spread sideways by seed rank, no randomness), the mean over seeds with a
    ±1 std error bar, the book's single-run value as a black cross and the Python 3
    re-run's (``rerun_val_accuracy``) as an open diamond.
    """
    runs = accuracy_by_run.sort_values(["hidden_layers", "seed"])
    rank = runs.groupby("hidden_layers").cumcount()
    size = runs.groupby("hidden_layers")["seed"].transform("size")
    x_runs = runs["hidden_layers"] - 0.15 + (rank - (size - 1) / 2) * (0.2 / size.max())
    summary = accuracy_summary.sort_values("hidden_layers")
    book = summary[summary["book_val_accuracy"].notna()]
    rerun = summary[summary["rerun_val_accuracy"].notna()]
    fig = Figure(figsize=(6.5, 4.4), layout="constrained")
    ax = fig.subplots()
    ax.scatter(
        x_runs,
        100 * runs["final_val_accuracy"],
        s=14,
        alpha=0.7,
        color=[architecture_colour(h) for h in runs["hidden_layers"]],
        label="one seed",
    )
    ax.errorbar(
        summary["hidden_layers"] + 0.1,
        100 * summary["val_accuracy_mean"],
        yerr=100 * summary["val_accuracy_std"],
        fmt="o",
        color="grey",
        capsize=4,
        label="mean ± std over seeds",
    )
    ax.plot(
        book["hidden_layers"] + 0.2,
        100 * book["book_val_accuracy"],
        **BOOK_STYLE,
        label="book (one run)",
    )
    ax.plot(
        rerun["hidden_layers"] + 0.3,
        100 * rerun["rerun_val_accuracy"],
        **RERUN_STYLE,
        label="Python 3 re-run of the book's code (one run)",
    )
    ax.set_xticks(
        summary["hidden_layers"],
        [f"{h}\n{a}" for h, a in zip(summary["hidden_layers"], summary["architecture"])],
    )
    ax.set(
        xlabel="number of hidden layers",
        ylabel="validation accuracy after the last epoch (%)",
        title=(
            f"Accuracy against depth: {seeds_text(summary['n_seeds'])}, "
            f"{int(summary['epochs'].max())} epochs"
        ),
    )
    fig.legend(loc="outside lower center", ncols=2, fontsize="small")
    return fig


def accuracy_vs_epoch_figure(accuracy_by_epoch: pd.DataFrame) -> Figure:
    """Validation accuracy (%) against epoch, one line per network: the mean over seeds,
    with the seed minimum to maximum as a band. Left, every epoch; right, the second half
    of the epochs (from ``ceil(E / 2)`` of E) with the y axis spanning only their bands
    (``zoomed_limits``): on the left's range the differences between depths, a fraction of
    a percentage point at the end, vanish under the first epochs' rise."""
    stats = (
        accuracy_by_epoch.groupby(["architecture", "epoch"])["val_accuracy"]
        .agg(["mean", "min", "max", "count"])
        .reset_index()
    )
    last = int(stats["epoch"].max())
    later = stats[stats["epoch"] >= -(-last // 2)]
    fig = Figure(figsize=(10.0, 4.2), layout="constrained")
    full_ax, zoom_ax = fig.subplots(1, 2)
    for ax, rows in ((full_ax, stats), (zoom_ax, later)):
        for architecture in sorted(rows["architecture"].unique(), key=hidden_layers):
            curve = rows[rows["architecture"] == architecture]
            line_with_band(
                ax,
                curve["epoch"],
                100 * curve["mean"],
                100 * curve["min"],
                100 * curve["max"],
                architecture_colour(hidden_layers(architecture)),
                label=architecture,
            )
        ax.set(xlabel="epoch", ylabel="validation accuracy (%)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    full_ax.set_title(f"every epoch, 1 to {last}")
    zoom_ax.set(
        ylim=zoomed_limits(100 * later["min"], 100 * later["max"]),
        title=f"epochs {int(later['epoch'].min())} to {last}, accuracy axis zoomed",
    )
    full_ax.legend(fontsize="small", loc="lower right")
    fig.suptitle(f"Validation accuracy: mean and min–max over {seeds_text(stats['count'])}")
    return fig
