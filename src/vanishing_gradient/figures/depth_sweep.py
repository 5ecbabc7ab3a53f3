"""The depth sweep's figure (``depth_sweep.py``): a function of its tables returning a
matplotlib Figure (the caller saves it; nothing here touches pyplot's state)."""

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..model.identity import has_remedy, variant_columns
from .chapter import line_with_band
from .labels import num, seeds_text

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
    log y, one column per ``PANELS`` entry present in ``summary``
    (``depth_sweep.depth_sweep_summary``), one row per group of variants: those without a
    remedy of the last decade (``identity.has_remedy``), then those with one beside the
    first variant of the tables (the book's network, as the config lists it first), each
    panel on its own y range (an exploding ratio in one would flatten the others).

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
    remedied = [v for v in variants if has_remedy(variant_columns(v))]
    plain = [v for v in variants if v not in remedied]
    groups = [g for g in (plain, [*plain[:1], *remedied] if remedied else []) if g]
    fits = per_layer_factor.set_index(["protocol", "variant", "phase"])
    depths = np.sort(summary["hidden_layers"].unique())
    fig = Figure(figsize=(5.0 * len(panels) + 0.5, 4.8 * len(groups) + 0.6), layout="constrained")
    grid = fig.subplots(len(groups), len(panels), squeeze=False)
    for axes, group in zip(grid, groups):
        for ax, (protocol, phase) in zip(axes, panels):
            rows = summary[(summary["protocol"] == protocol) & (summary["phase"] == phase)]
            for variant in group:
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
            modelled = per_layer_factor[per_layer_factor["variant"].isin(group)]
            for chain in modelled["chain_slope"].dropna().unique():  # one, or none
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
        "band = 95 % interval\ndotted: width-aware prediction from the variant's factors at "
        "initialisation" + ("; lower row: the remedies of the last decade" if remedied else "")
    )
    return fig
