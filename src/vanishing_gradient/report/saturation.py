"""The saturation of the ablation's hidden layers (Glorot & Bengio's observation): the top
hidden layer of the book's setting and of the paper's beside the other variants of the
saturation figure, and the saturation_check verdict of each setting. The sentences are the
template ``saturation``; every number and threshold comes from the tables."""

import pandas as pd

from ..analysis.saturation import GLOROT_BENGIO_VARIANT
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
# The saturation_check's network settings in words.
NETWORK_SETTING_TEXT = {"book": "The book's setting", "glorot_bengio": "Glorot & Bengio's setting"}


def top_layer_rows(table: pd.DataFrame, variant: str) -> tuple[int, pd.DataFrame]:
    """The top hidden layer of ``variant`` and its rows, indexed by epoch."""
    rows = table[table["variant"] == variant]
    top = int(rows["layer"].max())
    return top, rows[rows["layer"] == top].set_index("epoch").sort_index()


def saturation(tables: dict[str, pd.DataFrame], figures: dict, baseline: str) -> str:
    """The top hidden layer of each variant of the saturation figure at epoch 0, the checked
    and the last epoch, and the saturation_check verdict of each setting; '' without the
    saturation tables."""
    table = tables.get("ablation_saturation_summary")
    checks = tables.get("ablation_saturation_check")
    if table is None or table.empty or checks is None or checks.empty:
        return ""
    checks = checks.to_dict("records")
    first = int(checks[0]["epoch"])
    rows = []
    for variant in default_saturation_variants(variant_order(table), baseline):
        layer, curve = top_layer_rows(table, variant)
        last = int(curve.index.max())
        rows += [
            {**curve.loc[epoch].to_dict(), "variant": variant, "layer": layer, "epoch": epoch}
            for epoch in dict.fromkeys((0, first, last))
            if epoch in curve.index
        ]
    text = render_prose(
        "saturation",
        seeds=seeds_text(table["n_seeds"]),
        rows=rows,
        checks=checks,
        criterion=checks[0],
        paper_variant=GLOROT_BENGIO_VARIANT,
        verdict_words=SATURATION_VERDICT_TEXT,
        setting_words=NETWORK_SETTING_TEXT,
    )
    return join([text, figure(figures, "saturation_book")])
