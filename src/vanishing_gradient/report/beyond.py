"""The report's "Beyond the chapter" section, put together from its parts in reading order:
the ablation's set-up (``ablation_setup``), its learning rates (``learning_rates``), its
results in each setting (``ablation``, with ``remedies``), the saturation of its hidden
layers (``saturation``), the chain of single neurons (``chain``) and the depth sweep
(``depth_sweep``). Every number and verdict is a cell of the tables passed in; variants
keep the order of the tables."""

import pandas as pd

from ..analysis.learning_rates import SETTINGS
from ..figures.ablation import variant_order
from .ablation import results
from .ablation_setup import setup
from .chain import chain
from .depth_sweep import depth_sweep
from .formatting import join
from .learning_rates import learning_rate_search, verdict_changes
from .saturation import saturation

# The ablation's tables of each setting, passed to ``render_beyond`` as "<setting>_<table>".
SETTING_TABLES = ("ablation_accuracy_summary", "ablation_speed_ratio", "variant_comparison")


def render_beyond(tables: dict[str, pd.DataFrame], figures: dict, settings: dict) -> str:
    """The Markdown section "## Beyond the chapter".

    ``tables``: per setting of ``SETTINGS``, ``<setting>_ablation_accuracy_summary``,
    ``<setting>_ablation_speed_ratio`` and ``<setting>_variant_comparison``, with
    learning_rates and verdict_changes (required); ablation_saturation_summary with
    ablation_saturation_check (the book's setting), chain_summary, chain_exploding,
    unstable_width, and depth_sweep_summary with per_layer_factor (each skipped when
    absent); ``figures``: name -> {"path", "caption"} (absent ones skipped); ``settings``:
    the config's ablation section (architecture, seeds, accuracy_epochs, speed_epochs,
    momentum, momentum_schedule, baseline, eta_factors) with the sections accuracy, speed,
    and, for the depth sweep, depth_sweep and chain.
    """
    required = [f"{setting}_{name}" for setting in SETTINGS for name in SETTING_TABLES] + [
        "learning_rates",
        "verdict_changes",
    ]
    missing = [name for name in required if name not in tables]
    if missing:
        raise ValueError(f"render_beyond needs the tables {missing}; given: {sorted(tables)}")
    variants = variant_order(
        tables["book_ablation_accuracy_summary"], tables["book_ablation_speed_ratio"]
    )
    return join(
        [
            setup(tables, settings, variants),
            learning_rate_search(tables, figures, settings),
            results(tables, figures, settings, variants, "tuned"),
            verdict_changes(tables["verdict_changes"]),
            results(tables, figures, settings, variants, "book"),
            saturation(tables, figures, settings["baseline"]),
            chain(tables, figures),
            depth_sweep(tables, figures, settings),
        ]
    )
