"""The depth sweep's figure (``depth_sweep.py``): a function of its tables returning a
matplotlib Figure (the caller saves it; nothing here touches pyplot's state)."""

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .plots import line_with_band
from .report.formatting import num, seeds_text

# (protocol, phase) of each panel, left to right.
PANELS = (("B", "initialisation"), ("B", "training"), ("A", "training"))


def panel_title(protocol: str, phase: str, epochs: str) -> str:
    """Which measurement a row of the depth sweep is, in words, as panels and the report
    name it: 'at initialisation (epoch 0)', 'protocol B, median over epochs 1–40' or
    'protocol A, after epoch 1' (``epochs`` as the tables write it)."""
    if phase == "initialisation":
        return "at initialisation (epoch 0)"
    first, _, last = epochs.partition("–")
    if first == last:
        return f"protocol {protocol}, after epoch {first}"
    return f"protocol {protocol}, median over epochs {epochs}"


def depth_sweep_figure(summary: pd.DataFrame, per_layer_factor: pd.DataFrame) -> Figure:
    """The last/first hidden-layer speed ratio against the number of hidden layers ``H``,
    log y, one panel per ``PANELS`` entry present in ``summary``
    (``depth_sweep.depth_sweep_summary``).

    Per variant (one colour each, in the tables' order): the geometric mean over seeds
    ``10^mean(log10 ratio)`` as a line with markers and ``10^`` its 95 % interval as a band,
    labelled with the fitted per-layer factor and its interval (``per_layer_factor``); the
    width-aware prediction from the variant's own factors at initialisation,
    ``10^(rms_slope (H - 1))``, dotted in its colour; and the chain of single neurons'
    ``10^(chain_slope (H - 1))``, dashed black, where it models a variant.
    """
    panels = [
        p for p in PANELS if ((summary["protocol"] == p[0]) & (summary["phase"] == p[1])).any()
    ]
    if not panels:
        raise ValueError(
            "the depth-sweep summary has none of the panels' (protocol, phase) rows "
            f"{list(PANELS)}; pass the output of depth_sweep.depth_sweep_summary"
        )
    variants = list(dict.fromkeys(summary["variant"]))
    colours = {v: colormaps["tab10"](i % 10) for i, v in enumerate(variants)}
    fits = per_layer_factor.set_index(["protocol", "variant", "phase"])
    depths = np.sort(summary["hidden_layers"].unique())
    fig = Figure(figsize=(5.0 * len(panels) + 0.5, 5.4), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (protocol, phase) in zip(axes, panels):
        rows = summary[(summary["protocol"] == protocol) & (summary["phase"] == phase)]
        for variant in variants:
            curve = rows[rows["variant"] == variant].sort_values("hidden_layers")
            if curve.empty:
                continue
            fit = fits.loc[(protocol, variant, phase)]
            line_with_band(
                ax,
                curve["hidden_layers"],
                10 ** curve["mean"],
                10 ** curve["ci_low"],
                10 ** curve["ci_high"],
                colours[variant],
                label=f"{variant}: ×{num(fit['factor'])} per layer "
                f"[{num(fit['factor_ci_low'])}, {num(fit['factor_ci_high'])}]",
                marker="o",
                markersize=3,
            )
            ax.plot(
                depths,
                10 ** (fit["rms_slope"] * (depths - 1)),
                ":",
                color=colours[variant],
                linewidth=1.2,
            )
        for chain in per_layer_factor["chain_slope"].dropna().unique():  # one, or none
            ax.plot(
                depths,
                10 ** (chain * (depths - 1)),
                "--",
                color="black",
                label=f"chain of single neurons (sigmoid): ×{num(10**chain)} per layer",
            )
        ax.set_yscale("log")
        ax.set_xlabel("hidden layers H")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(panel_title(protocol, phase, rows["epochs"].iloc[0]), fontsize="medium")
        ax.legend(loc="upper left", fontsize="x-small")
    axes[0].set_ylabel("last / first hidden-layer speed ‖∂C/∂b‖ (log scale)")
    fig.suptitle(
        f"The speed ratio against depth: geometric mean over {seeds_text(summary['n_seeds'])}, "
        "band = 95 % interval; dotted: width-aware prediction from the variant's factors at "
        "initialisation"
    )
    return fig
