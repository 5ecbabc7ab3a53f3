"""The chain of single neurons in the report: the vanishing ratio against (1/4)^(L-1), the
exploding one against (w/4)^(L-1), and the peak of the unstable width. The chain's ratio is
first / last neuron's bias gradient. The sentences are the template ``chain``."""

import pandas as pd

from .. import book
from ..experiments.chain import EXPLODING_RTOL
from ..figures.chain import weights_text
from .formatting import figure, times
from .prose import render_prose


def vanishing_values(summary: pd.DataFrame) -> list[dict]:
    """Per weight scale, the deepest chain's row of chain_summary with its weights in words
    and its median against the bound (1/4)^(L-1) as a factor in words."""
    scales = summary.groupby("weight_scale", sort=False)
    deepest = [rows.loc[rows["depth"].idxmax()] for _, rows in scales]
    return [
        {
            **r.to_dict(),
            "weights": weights_text(r["weight_scale"]),
            "times": times(r["median"] / r["quarter_power"]),
        }
        for r in deepest
    ]


def exploding_values(exploding: pd.DataFrame) -> dict:
    """The exploding chain at its deepest: the factor w/4 per layer, the computed and the
    expected ratio, and the largest relative difference over all depths."""
    ordered = exploding.sort_values("depth")
    deepest = ordered.iloc[-1]
    return {
        "factor": float(ordered["expected"].iloc[1] / ordered["expected"].iloc[0]),  # w/4
        "depth": int(deepest["depth"]),
        "depth_min": int(ordered["depth"].min()),
        "ratio": deepest["ratio"],
        "expected": deepest["expected"],
        "agree": bool(ordered["within_tolerance"].all()),
        "relative_error": ordered["relative_error"].max(),
        "tolerance": EXPLODING_RTOL,
    }


def width_values(width: pd.DataFrame) -> dict:
    """The analytic peak of the unstable width, the book's, and the largest gap between the
    brute-force count and the formula on the weights both computed."""
    analytic = width[width["method"] == "analytic"]
    peak = analytic.loc[analytic["width"].idxmax()]
    matched = width[width["method"] == "numeric"].merge(
        analytic, on="w", suffixes=("_numeric", "_analytic")
    )
    return {
        "peak": peak["width"],
        "w": abs(peak["w"]),
        "n_analytic": len(analytic),
        "book_w": book.UNSTABLE_WIDTH_PEAK[0],
        "book_peak": book.UNSTABLE_WIDTH_PEAK[1],
        "n_matched": len(matched),
        "gap": float((matched["width_numeric"] - matched["width_analytic"]).abs().max()),
    }


def present(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """The table ``name`` if it was given and has rows, else None."""
    table = tables.get(name)
    return None if table is None or table.empty else table


def chain(tables: dict[str, pd.DataFrame], figures: dict) -> str:
    """The chain's section from chain_summary, chain_exploding and unstable_width, each part
    skipped when its table is absent; '' when all are."""
    summary = present(tables, "chain_summary")
    exploding = present(tables, "chain_exploding")
    width = present(tables, "unstable_width")
    if summary is None and exploding is None and width is None:
        return ""
    return render_prose(
        "chain",
        vanishing=None if summary is None else vanishing_values(summary),
        vanishing_figure=figure(figures, "chain_vanishing"),
        exploding=None if exploding is None else exploding_values(exploding),
        exploding_figure=figure(figures, "chain_exploding"),
        width=None if width is None else width_values(width),
        width_figure=figure(figures, "unstable_width"),
    )
