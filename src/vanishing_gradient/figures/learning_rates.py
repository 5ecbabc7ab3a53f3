"""The learning-rate search's tuning curves: validation accuracy against the learning rate,
one panel per variant, with the selected and the default learning rate marked.

Takes the search's runs (one row per run: variant, eta, seed, val_accuracy, diverged) and the
``analysis.learning_rates`` table (one row per variant x eta, with ``selected``,
``at_grid_edge`` and ``default_eta``); returns a matplotlib Figure. Accuracies arrive as
fractions and are drawn in percent.
"""

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from .ablation import PANEL_COLUMNS, activation_colour, variant_order
from .labels import num, seeds_text

# Each panel shows this many percentage points below its best mean: a tuning curve's top
# is where the selection happens; a value below the window sits on its lower edge as a
# downward triangle.
WINDOW_BELOW_BEST = 3.0
WINDOW_ABOVE_BEST = 0.6
SELECTED_COLOUR = "black"
# The x axis reaches this factor beyond the grid's smallest and largest learning rate.
GRID_MARGIN = 1.6
DIVERGED_MARK = "x"


def learning_rate_figure(runs: pd.DataFrame, table: pd.DataFrame, baseline: str) -> Figure:
    """Per variant: every seed's final validation accuracy (dots), the mean with the seeds'
    standard deviation as bars (line), against the learning rate on a log axis; the selected
    learning rate as a ring and the default as a dashed line. A diverged run is a cross at
    the panel's foot. The title says when the selection lies at an edge of the grid."""
    variants = variant_order(table)
    ncols = min(PANEL_COLUMNS, len(variants))
    nrows = math.ceil(len(variants) / ncols)
    fig = Figure(figsize=(3.3 * ncols, 2.6 * nrows + 0.9), layout="constrained")
    grid = fig.subplots(nrows, ncols, squeeze=False)
    for ax, variant in zip(grid.ravel(), variants):
        rows = table[table["variant"] == variant].sort_values("eta")
        seeds = runs[runs["variant"] == variant]
        _panel(ax, rows, seeds)
        edge = bool(rows["at_grid_edge"].any())
        ax.set_title(
            variant + ("\nselected at the grid's edge" if edge else ""),
            fontsize="medium",
            fontweight="bold" if variant == baseline else "normal",
            color="tab:red" if edge else "black",
        )
    for ax in grid.ravel()[len(variants) :]:
        ax.remove()
    for ax in grid[:, 0]:
        ax.set_ylabel("validation accuracy (%)")
    for ax in grid.ravel()[max(0, len(variants) - ncols) : len(variants)]:
        ax.set_xlabel("learning rate η (log scale)")
    fig.suptitle(
        f"Learning-rate search, protocol A: final validation accuracy of "
        f"{seeds_text(table['n_seeds'])} per learning rate\nline = mean, bars = std across "
        "seeds; ring = selected η, dashed = default η"
    )
    return fig


def _panel(ax, rows: pd.DataFrame, seeds: pd.DataFrame) -> None:
    """One variant's tuning curve in ``ax``: ticks at the grid's learning rates, a window of
    ``WINDOW_BELOW_BEST`` to ``WINDOW_ABOVE_BEST`` points around the best mean. A mean below
    the window is a triangle on its floor, without bars."""
    colour = activation_colour(rows["activation"].iloc[0])
    finished = rows[rows["val_accuracy_mean"].notna()]
    top = 100 * finished["val_accuracy_mean"].max()
    low, high = top - WINDOW_BELOW_BEST, top + WINDOW_ABOVE_BEST
    etas = rows["eta"].to_numpy()
    ax.set_xscale("log")
    ax.set_xlim(etas.min() / GRID_MARGIN, etas.max() * GRID_MARGIN)
    ax.xaxis.set_major_locator(FixedLocator(etas))
    ax.xaxis.set_major_formatter(FixedFormatter([num(eta) for eta in etas]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_ylim(low, high)
    ax.axvline(rows["default_eta"].iloc[0], color="grey", linestyle="--", linewidth=1)
    ok = seeds[~seeds["diverged"].astype(bool)]
    accuracy = 100 * ok["val_accuracy"].to_numpy()
    inside = accuracy >= low
    ax.plot(ok["eta"][inside], accuracy[inside], ".", color=colour, alpha=0.5)
    ax.plot(ok["eta"][~inside], np.full((~inside).sum(), low), "v", color=colour, alpha=0.5)
    mean = 100 * finished["val_accuracy_mean"].to_numpy()
    shown = mean >= low
    ax.plot(finished["eta"], np.maximum(mean, low), color=colour)
    ax.errorbar(
        finished["eta"][shown],
        mean[shown],
        yerr=100 * finished["val_accuracy_std"].fillna(0)[shown],
        color=colour,
        capsize=3,
        linestyle="none",
    )
    ax.plot(finished["eta"][~shown], np.full((~shown).sum(), low), "v", color=colour)
    diverged = seeds[seeds["diverged"].astype(bool)]
    ax.plot(diverged["eta"], np.full(len(diverged), low), DIVERGED_MARK, color="tab:red")
    chosen = rows[rows["selected"].astype(bool)]
    ax.plot(
        chosen["eta"],
        100 * chosen["val_accuracy_mean"],
        "o",
        markersize=11,
        markerfacecolor="none",
        markeredgecolor=SELECTED_COLOUR,
        markeredgewidth=1.5,
    )
