"""Each figure's caption, workflow/report/<figure>.rst rendered with the project's config,
says what its figure draws: the caption's words for marks (bars, error bars, bands,
crosses, dashed or dotted lines, log scale) are exactly the marks on the figure."""

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer

import test_ablation_plots as ablation_tables
import test_depth_sweep as sweep_tables
import test_plots as chapter_tables
import test_report_beyond as report_tables
from vanishing_gradient.analysis.learning_rates import learning_rates
from vanishing_gradient.figures.learning_rates import learning_rate_figure
from vanishing_gradient.experiments import chain
from vanishing_gradient.figures import ablation as ablation_plots
from vanishing_gradient.figures import chain as chain_plots
from vanishing_gradient.figures import chapter as plots
from vanishing_gradient.analysis import depth_sweep
from vanishing_gradient.figures.depth_sweep import depth_sweep_figure
from vanishing_gradient.report.captions import render_caption

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
# What a caption says -> the mark it promises.
WORDS = {
    "bars": r"\bbars of\b|\bone bar\b",
    "error bars": r"\berror bars\b",
    "band": r"\bband\b",
    "crosses": r"\bcrosses\b",
    "dashed": r"\bdashed\b",
    "dotted": r"\bdotted\b",
    "log scale": r"\blog scale\b",
}


def caption(name: str, **wildcards) -> str:
    return render_caption(
        (ROOT / "workflow" / "report" / f"{name}.rst").read_text(), CONFIG, wildcards
    )


def promised(text: str) -> set[str]:
    return {mark for mark, pattern in WORDS.items() if re.search(pattern, text)}


def drawn(fig) -> set[str]:
    """The marks of ``WORDS`` that ``fig`` draws."""
    marks = set()
    for ax in fig.axes:
        containers = ax.containers
        if any(isinstance(c, BarContainer) for c in containers):
            marks.add("bars")
        if any(isinstance(c, ErrorbarContainer) for c in containers):
            marks.add("error bars")
        if any(isinstance(c, PolyCollection) for c in ax.collections):
            marks.add("band")
        if ax.get_yscale() == "log" and ax.get_lines():
            marks.add("log scale")
        for line in ax.get_lines():
            if line.get_marker() == "x":
                marks.add("crosses")
            if line.get_linestyle() == "--":
                marks.add("dashed")
            if line.get_linestyle() == ":":
                marks.add("dotted")
    return marks


def _figures():
    """(caption name, wildcards, figure drawn from small synthetic tables)."""
    speed_summary, speed_at_init = chapter_tables._speed_tables()
    by_epoch, by_run, summary = chapter_tables._accuracy_tables()
    baseline = CONFIG["ablation"]["baseline"]
    runs, variant_summary = ablation_tables.accuracy_tables()
    chain_data = chain.chain_tables(
        max_depth=5, samples=100, seed=0, weight_scale=1.0, exploding_weight=100.0
    )
    sweep = depth_sweep.log_ratio_by_run(sweep_tables.speed_rows())
    sweep_figure = depth_sweep_figure(
        depth_sweep.depth_sweep_summary(sweep),
        depth_sweep.per_layer_factor(
            sweep, sweep_tables.factor_rows(-0.7, 0.2), sweep_tables.chain_rows()
        ),
    )
    bars = plots.gradient_bars_figure(
        chapter_tables._gradient_table(),
        CONFIG["figures"]["bars_architecture"],
        CONFIG["figures"]["book_neurons"],
    )
    return [
        ("sigmoid_derivative", {}, plots.sigmoid_derivative_figure()),
        ("gradient_bars", {}, bars),
        *[
            (
                "speed_of_learning",
                {"protocol": protocol},
                plots.speed_of_learning_figure(speed_summary, speed_at_init, protocol),
            )
            for protocol in ("A", "B")
        ],
        ("accuracy_vs_depth", {}, plots.accuracy_vs_depth_figure(by_run, summary)),
        ("accuracy_vs_epoch", {}, plots.accuracy_vs_epoch_figure(by_epoch)),
        (
            "variant_speed",
            {"setting": "tuned"},
            ablation_plots.variant_speed_figure(ablation_tables.speed_summary(), baseline),
        ),
        (
            "ratio_heatmap",
            {"setting": "book"},
            ablation_plots.ratio_heatmap_figure(ablation_tables.speed_ratio()),
        ),
        (
            "variant_accuracy",
            {"setting": "tuned"},
            ablation_plots.variant_accuracy_figure(runs, variant_summary, baseline),
        ),
        (
            "saturation",
            {"setting": "tuned"},
            ablation_plots.saturation_figure(ablation_tables.saturation_summary(), baseline),
        ),
        (
            "learning_rates",
            {},
            learning_rate_figure(
                report_tables.search_runs(),
                learning_rates(
                    report_tables.search_runs(),
                    dict.fromkeys(report_tables.VARIANTS, report_tables.BOOK_ETA),
                ),
                baseline,
            ),
        ),
        ("chain_vanishing", {}, chain_plots.chain_vanishing_figure(chain_data["summary"])),
        ("chain_exploding", {}, chain_plots.chain_exploding_figure(chain_data["exploding"])),
        ("unstable_width", {}, chain_plots.unstable_width_figure(chain_data["unstable_width"])),
        ("depth_sweep", {}, sweep_figure),
    ]


FIGURES = _figures()


@pytest.mark.parametrize(
    "name, wildcards, fig", FIGURES, ids=[f"{n}{''.join(w.values())}" for n, w, _ in FIGURES]
)
def test_caption_names_exactly_the_marks_drawn(name, wildcards, fig):
    text = caption(name, **wildcards)
    assert promised(text) == drawn(fig), text


def test_gradient_bars_caption_names_every_seed_and_the_books_neurons():
    fig = next(f for n, _, f in FIGURES if n == "gradient_bars")
    text = caption("gradient_bars")
    seeds, book = CONFIG["seeds"], CONFIG["figures"]["book_neurons"]
    assert f"One panel per seed ({len(seeds)} seeds: {', '.join(map(str, seeds))})" in text
    assert "one bar for each neuron of each hidden layer" in text
    assert f"first {book} neurons of one run, and those are outlined in black" in text
    panels = [ax for ax in fig.axes if ax.get_title().startswith("seed ")]
    assert len(panels) == len(chapter_tables.SEEDS)
    for ax in panels:
        containers = [c for c in ax.containers if isinstance(c, BarContainer)]
        outlined = [p for c in containers for p in c.patches if p.get_edgecolor()[3] > 0]
        assert len(outlined) == len(containers) * min(book, 10)  # the table has 10 neurons
    assert "one point per seed and layer" in text


def test_captions_state_the_configured_settings():
    seeds = CONFIG["seeds"]
    text = caption("accuracy_vs_epoch")
    assert f"every epoch, 1 to {CONFIG['accuracy']['epochs']}" in text
    assert f"{len(seeds)} seeds: {', '.join(map(str, seeds))}" in text
    assert caption("speed_of_learning", protocol="A") != caption("speed_of_learning", protocol="B")
    assert CONFIG["ablation"]["baseline"] in caption("variant_accuracy", setting="book")
    assert caption("variant_accuracy", setting="book") != caption(
        "variant_accuracy", setting="tuned"
    )
    search = caption("learning_rates")
    factors = ", ".join(f"{f:g}" for f in CONFIG["ablation"]["eta_factors"])
    assert f"its default times {factors}" in search


def test_accuracy_vs_epoch_zoom_is_where_its_caption_says():
    fig = next(f for n, _, f in FIGURES if n == "accuracy_vs_epoch")
    full_ax, zoom_ax = fig.axes
    epochs = [int(x) for x in zoom_ax.get_lines()[0].get_xdata()]
    # the synthetic table has 4 epochs; the caption, rendered for the configured number
    assert (epochs[0], epochs[-1]) == ((4 + 1) // 2, 4)
    configured = CONFIG["accuracy"]["epochs"]
    assert f"epochs {(configured + 1) // 2} to {configured}" in caption("accuracy_vs_epoch")
    assert np.ptp(zoom_ax.get_ylim()) < np.ptp(full_ax.get_ylim())
