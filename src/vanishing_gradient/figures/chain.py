"""Figures of the chain of single neurons (``chain.py``): one function per figure, each
returning a matplotlib Figure (the caller saves it; nothing here touches pyplot's state).
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..experiments.chain import UNSTABLE_THRESHOLD, peak_unstable_width
from .chapter import line_with_band

SCALE_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a")
RATIO_LABEL = r"$|\partial C/\partial b_1| \,/\, |\partial C/\partial b_L|$ (dimensionless)"
DEPTH_LABEL = "chain depth L (number of layers, one neuron each)"


def weights_text(scale: float) -> str:
    """'N(0, 1)' or 'N(0, 0.5²)'."""
    return "N(0, 1)" if scale == 1.0 else f"N(0, {scale:g}²)"


def chain_vanishing_figure(summary: pd.DataFrame) -> Figure:
    """Ratio |dC/db_1| / |dC/db_L| of random chains against depth L, log y: median over
    samples as a line with markers, the 10–90 % quantiles as a band (one colour per weight
    scale), and the reference (1/4)^(L-1), the bound when every |w_j| <= 1, dashed black.
    ``summary`` is the output of ``chain_ratio_summary``.
    """
    if summary.empty:
        raise ValueError("summary is empty: pass the output of chain_ratio_summary")
    if "weight_scale" not in summary.columns:
        summary = summary.assign(weight_scale=np.nan)
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    for i, (scale, curve) in enumerate(summary.groupby("weight_scale", dropna=False)):
        curve = curve.sort_values("depth")
        colour = SCALE_COLOURS[i % len(SCALE_COLOURS)]
        weights = "w ~ ?" if np.isnan(scale) else f"w ~ {weights_text(scale)}"
        n = int(curve["n_samples"].min())
        line_with_band(
            ax,
            curve["depth"],
            curve["median"],
            curve["q10"],
            curve["q90"],
            colour,
            label=f"median of {n:,} chains; {weights}, b ~ N(0, 1), $a_0$ ~ U(0, 1)",
            band_label="10–90 % of chains",
            marker="o",
        )
    reference = summary.drop_duplicates("depth").sort_values("depth")
    ax.plot(
        reference["depth"],
        reference["quarter_power"],
        "--",
        color="black",
        label=r"$(1/4)^{L-1}$: bound when every $|w_j| \leq 1$",
    )
    ax.set_yscale("log")
    ax.set_xticks(reference["depth"])
    ax.set(
        xlabel=DEPTH_LABEL,
        ylabel=RATIO_LABEL,
        title="Vanishing gradient in a chain of sigmoid neurons",
    )
    ax.legend(loc="lower left", fontsize="small")
    return fig


def chain_exploding_figure(exploding: pd.DataFrame) -> Figure:
    """The exploding chain (every w_j = w, biases making every z_j = 0): the ratio
    |dC/db_1| / |dC/db_L| of the forward and backward pass (``exploding.ratio``, markers)
    against depth L, with the expected (w/4)^(L-1) (``exploding.expected``) as a line, log y."""
    depths = exploding["depth"].to_numpy()
    factor = float(exploding["expected"].iloc[1] / exploding["expected"].iloc[0])
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(depths, exploding["expected"], "-", color="black", label=f"${factor:g}^{{L-1}}$")
    ax.plot(
        depths,
        exploding["ratio"],
        "o",
        color="#d95f02",
        label=rf"forward + backward pass, $w_j = {4 * factor:g}$, every $z_j = 0$",
    )
    ax.set_yscale("log")
    ax.set_xticks(depths)
    ax.set(
        xlabel=DEPTH_LABEL,
        ylabel=RATIO_LABEL,
        title=rf"Exploding gradient: each factor $|w\,\sigma'(0)| = {factor:g}$",
    )
    ax.legend(loc="upper left", fontsize="small")
    return fig


def unstable_width_figure(unstable: pd.DataFrame) -> Figure:
    """Width of {a in [0, 1] : |w sigma'(w a + b)| >= 1} (maximised over b) against |w|:
    the analytic curve (rows with method "analytic"), the brute-force grid values (method
    "numeric") as markers, the threshold |w| = 4 and the peak (``peak_unstable_width``)
    annotated. Linear axes."""
    analytic = unstable[unstable["method"] == "analytic"].sort_values("w")
    numeric = unstable[unstable["method"] == "numeric"]
    w_values, numeric_w = analytic["w"].abs().to_numpy(), numeric["w"].abs().to_numpy()
    numeric_widths = numeric["width"].to_numpy()
    w_peak, width_peak = peak_unstable_width()
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(
        w_values,
        analytic["width"].to_numpy(),
        color="black",
        label=r"analytic $\frac{2}{|w|}\ln\left(\frac{|w|(1+\sqrt{1-4/|w|})}{2}-1\right)$",
    )
    ax.plot(
        numeric_w,
        numeric_widths,
        "o",
        color="#d95f02",
        markerfacecolor="none",
        label="numeric: grid count over a, best b",
    )
    ax.axvline(UNSTABLE_THRESHOLD, color="grey", linestyle=":", label="|w| = 4: threshold")
    ax.plot([w_peak], [width_peak], "*", color="#7570b3", markersize=12)
    ax.annotate(
        f"peak: |w| = {w_peak:.2f}, width = {width_peak:.3f}",
        xy=(w_peak, width_peak),
        xytext=(w_peak + 2.0, width_peak + 0.05),
        arrowprops={"arrowstyle": "->"},
    )
    ax.set(
        xlabel="weight magnitude |w|",
        ylabel="width of unstable inputs a\n(fraction of the input range [0, 1])",
        ylim=(0.0, 0.55),
        xlim=(0.0, max(w_values.max(), numeric_w.max(initial=0.0)) * 1.02),
        title=r"Inputs with $|w\,\sigma'(wa+b)| \geq 1$ (gradient not shrinking)",
    )
    ax.legend(loc="lower right", fontsize="small")
    return fig
