"""The saturation of the ablation's hidden layers (Glorot & Bengio's observation): the
baseline's top hidden layer beside the variants of the saturation figure, and the
saturation_check verdict. The sentences are the template ``saturation``."""

import pandas as pd

from ..analysis.saturation import MOSTLY_SATURATED, NEAR_ZERO_ACTIVATION
from ..figures.ablation import default_saturation_variants, variant_order
from ..figures.labels import seeds_text
from .formatting import figure, join
from .prose import render_prose

# The saturation_check verdict in words.
SATURATION_VERDICT_TEXT = {
    "shown": "Our numbers show this",
    "partly_shown": "Our numbers show it only in part",
    "not_shown": "Our numbers do not show this",
}


def top_layer_rows(table: pd.DataFrame, variant: str) -> tuple[int, pd.DataFrame]:
    """The top hidden layer of ``variant`` and its rows, indexed by epoch."""
    rows = table[table["variant"] == variant]
    top = int(rows["layer"].max())
    return top, rows[rows["layer"] == top].set_index("epoch").sort_index()


def saturation(tables: dict[str, pd.DataFrame], figures: dict, baseline: str) -> str:
    """The baseline's top hidden layer at epoch 0, the first and the last epoch, beside the
    variants of the saturation figure, and the saturation_check verdict; '' without the
    saturation tables."""
    table = tables.get("ablation_saturation_summary")
    check = tables.get("ablation_saturation_check")
    if table is None or table.empty or check is None or check.empty:
        return ""
    check = check.iloc[0]
    _, base = top_layer_rows(table, baseline)
    first, last = int(check["epoch"]), int(base.index.max())
    rows = []
    for variant in default_saturation_variants(variant_order(table), baseline):
        layer, curve = top_layer_rows(table, variant)
        rows += [
            {**curve.loc[epoch].to_dict(), "variant": variant, "layer": layer, "epoch": epoch}
            for epoch in (0, first, last)
            if epoch in curve.index
        ]
    text = render_prose(
        "saturation",
        seeds=seeds_text(table["n_seeds"]),
        rows=rows,
        check=check.to_dict(),
        first=first,
        verdict_words=SATURATION_VERDICT_TEXT,
        near_zero=NEAR_ZERO_ACTIVATION,
        mostly_saturated=MOSTLY_SATURATED,
    )
    return join([text, figure(figures, "saturation_book")])
