"""The report from the workflow's outputs: which tables each part reads, the settings it
states, and the figures with their rendered captions."""

from pathlib import Path

from ..analysis.learning_rates import SETTINGS
from ..analysis.tables import read_table
from .beyond import SETTING_TABLES, render_beyond
from .captions import render_caption
from .chapter import render_chapter
from .document import render_report

CHAPTER_TABLES = ("accuracy_summary", "depth_comparison", "speed_at_init", "speed_ratio")
BEYOND_TABLES = (
    *(f"{setting}_{name}" for setting in SETTINGS for name in SETTING_TABLES),
    "learning_rates",
    "verdict_changes",
    "ablation_saturation_summary",
    "ablation_saturation_check",
    "chain_summary",
    "chain_exploding",
    "unstable_width",
    "depth_sweep_summary",
    "per_layer_factor",
)


def figures_named(names, paths, captions, wildcards, config: dict, report_dir: Path) -> dict:
    """Per figure name: its path relative to the report and its caption, rendered with the
    config and the wildcards of the rule that drew it (``wildcards``, an iterator)."""
    return {
        name: {
            "path": str(Path(path).relative_to(report_dir)),
            "caption": render_caption(caption, config, next(wildcards)),
        }
        for name, path, caption in zip(names, paths, captions, strict=True)
    }


def markdown(
    table_paths: dict, chapter_figures: dict, beyond_figures: dict, config: dict, origin: dict
) -> str:
    """The whole report as Markdown: the chapter's sections, "Beyond the chapter" and the
    provenance ``origin``, from the tables at ``table_paths`` (name -> CSV path)."""
    tables = {name: read_table(table_paths[name]) for name in CHAPTER_TABLES + BEYOND_TABLES}
    chapter = render_chapter(
        {name: tables[name] for name in CHAPTER_TABLES},
        chapter_figures,
        {
            "seeds": config["seeds"],
            "protocol_a": config["accuracy"],
            "protocol_b": config["speed"],
            "validation_size": config["data"]["validation_size"],
        },
    )
    beyond = render_beyond(
        {name: tables[name] for name in BEYOND_TABLES},
        beyond_figures,
        {
            **config["ablation"],
            "accuracy": config["accuracy"],
            "speed": config["speed"],
            "depth_sweep": config["depth_sweep"],
            "chain": config["chain"],
        },
    )
    return render_report(chapter, beyond, origin)
