"""Figures: panel counts, scales, book markers and bar containers on small synthetic tables."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer

from vanishing_gradient.figures import chapter as plots

ARCHITECTURES = ["784-30-10", "784-30-30-10", "784-30-30-30-10"]
SEEDS = [0, 1, 2]
BOOK_SPEED = {"784-30-30-10": (0.07, 0.31), "784-30-30-30-10": (0.012, 0.060, 0.283)}


def _depth(architecture: str) -> int:
    return architecture.count("-") - 1


def _speed_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """speed_summary for protocols A and B (epochs 0..5) and speed_at_init with book values."""
    summary, init = [], []
    for architecture in ARCHITECTURES:
        for layer in range(1, _depth(architecture) + 1):
            median = 0.01 * 4.0**layer * np.linspace(1.0, 0.5, 6)
            for protocol in ("A", "B"):
                summary.append(
                    pd.DataFrame(
                        {
                            "protocol": protocol,
                            "architecture": architecture,
                            "hidden_layers": _depth(architecture),
                            "layer": layer,
                            "epoch": np.arange(6),
                            "n_seeds": len(SEEDS),
                            "median": median,
                            "mean": median,
                            "std": 0.1 * median,
                            "q10": 0.8 * median,
                            "q90": 1.2 * median,
                        }
                    )
                )
            book = BOOK_SPEED.get(architecture, (np.nan,))[layer - 1]
            init.append(
                {
                    "architecture": architecture,
                    "hidden_layers": _depth(architecture),
                    "layer": layer,
                    "n_seeds": len(SEEDS),
                    "mean": median[0],
                    "std": 0.0,
                    "min": median[0],
                    "max": median[0],
                    "book_grad_norm": book,
                }
            )
    return pd.concat(summary, ignore_index=True), pd.DataFrame(init)


def _gradient_table() -> pd.DataFrame:
    """gradient_at_init for 784-30-30-10: every seed x 2 hidden layers x 10 neurons."""
    rows = [
        {
            "architecture": "784-30-30-10",
            "seed": seed,
            "layer": layer,
            "neuron": j,
            "grad_bias": 0.01 * layer * (j - 4) * seed,
        }
        for seed in SEEDS
        for layer in (1, 2)
        for j in range(10)
    ]
    return pd.DataFrame(rows)


def _accuracy_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """accuracy_by_epoch (4 epochs), accuracy_by_run and accuracy_summary for ARCHITECTURES x SEEDS."""
    rng = np.random.default_rng(0)
    by_epoch = pd.DataFrame(
        [
            {
                "architecture": a,
                "seed": s,
                "epoch": e,
                "val_accuracy": 0.9 + 0.015 * e + rng.normal(0, 0.002),
                "val_cost": 0.0,
                "train_cost": 0.0,
                "seconds": 1.0,
            }
            for a in ARCHITECTURES
            for s in SEEDS
            for e in range(1, 5)
        ]
    )
    by_run = (
        by_epoch[by_epoch["epoch"] == 4]
        .rename(columns={"val_accuracy": "final_val_accuracy"})
        .assign(hidden_layers=lambda t: t["architecture"].map(_depth))
    )
    summary = (
        by_run.groupby(["architecture", "hidden_layers"])["final_val_accuracy"]
        .agg(n_seeds="count", val_accuracy_mean="mean", val_accuracy_std="std")
        .reset_index()
        .assign(
            epochs=4,
            book_val_accuracy=[0.9648, 0.9690, np.nan],
            rerun_val_accuracy=[0.9647, 0.968, np.nan],
        )
    )
    return by_epoch, by_run, summary


def test_sigmoid_derivative_peaks_at_a_quarter():
    fig = plots.sigmoid_derivative_figure()
    (ax,) = fig.axes
    curve = ax.get_lines()[0]
    assert curve.get_ydata().max() == pytest.approx(0.25)
    assert curve.get_xdata()[curve.get_ydata().argmax()] == pytest.approx(0.0)
    assert any("1/4" in text.get_text() for text in ax.texts)


def test_gradient_bars_rank_every_neuron_of_every_seed_and_outline_the_books():
    fig = plots.gradient_bars_figure(_gradient_table(), "784-30-30-10", book_neurons=3)
    seed_axes = [ax for ax in fig.axes if ax.get_title().startswith("seed ")]
    assert [ax.get_title() for ax in seed_axes] == [f"seed {s}" for s in SEEDS]
    second = seed_axes[SEEDS.index(2)]
    bars = [c for c in second.containers if isinstance(c, BarContainer)]
    assert [len(c.patches) for c in bars] == [10, 10]  # every neuron of both layers
    # |0.01 * layer * (j - 4) * seed| ranked largest first (ties by neuron): j = 9, 0, 8, 1, ...
    sizes = 0.01 * 2 * 2 * np.array([5, 4, 4, 3, 3, 2, 2, 1, 1, 0])
    assert [p.get_height() for p in bars[1].patches] == pytest.approx(sizes)
    outlined = [i for i, p in enumerate(bars[1].patches) if p.get_edgecolor()[3] > 0]
    assert outlined == [1, 3, 5]  # neurons 0, 1, 2: the first three, where they rank
    (spread_ax,) = [ax for ax in fig.axes if ax.get_title().startswith("every seed")]
    points = [line for line in spread_ax.get_lines() if line.get_marker() == "o"]
    assert len(points) == len(SEEDS) * 2
    expected = np.sqrt(np.mean((0.02 * (np.arange(10) - 4) * max(SEEDS)) ** 2))
    assert max(p.get_ydata()[0] for p in points) == pytest.approx(expected)
    assert f"{len(SEEDS)} seeds" in spread_ax.get_title()


def test_gradient_bars_unknown_architecture_names_the_available():
    with pytest.raises(ValueError, match=r"784-30-30-30-10.*784-30-30-10"):
        plots.gradient_bars_figure(_gradient_table(), "784-30-30-30-10")


ALL_BOOK_SPEEDS = sorted(v for values in BOOK_SPEED.values() for v in values)


@pytest.mark.parametrize("protocol, book_speeds", [("B", ALL_BOOK_SPEEDS), ("A", [])])
def test_speed_of_learning_panels(protocol, book_speeds):
    summary, init = _speed_tables()
    fig = plots.speed_of_learning_figure(summary, init, protocol=protocol)
    assert [ax.get_title() for ax in fig.axes] == ["784-30-30-10", "784-30-30-30-10"]
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    book = [
        line for ax in fig.axes for line in ax.get_lines() if line.get_label() == "book, epoch 0"
    ]
    assert sorted(y for line in book for y in line.get_ydata()) == pytest.approx(book_speeds)
    assert all(x == 0 for line in book for x in line.get_xdata())
    medians = [
        line
        for ax in fig.axes
        for line in ax.get_lines()
        if line.get_label().startswith("hidden layer")
    ]
    assert len(medians) == 2 + 3
    assert f"{len(SEEDS)} seeds" in fig.get_suptitle()


def test_speed_of_learning_unknown_protocol():
    summary, init = _speed_tables()
    with pytest.raises(ValueError, match="protocol 'C'"):
        plots.speed_of_learning_figure(summary, init, protocol="C")


def test_accuracy_vs_depth_in_percent_with_book():
    _, by_run, summary = _accuracy_tables()
    fig = plots.accuracy_vs_depth_figure(by_run, summary)
    (ax,) = fig.axes
    seeds = ax.collections[0].get_offsets()
    assert len(seeds) == len(ARCHITECTURES) * len(SEEDS)
    assert np.allclose(np.sort(seeds[:, 1]), np.sort(100 * by_run["final_val_accuracy"]))
    book = [line for line in ax.get_lines() if line.get_label() == "book (one run)"]
    assert len(book) == 1 and list(book[0].get_ydata()) == pytest.approx([96.48, 96.90])
    rerun = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(rerun) == 1 and list(rerun[0].get_ydata()) == pytest.approx([96.47, 96.8])
    assert f"{len(SEEDS)} seeds" in ax.get_title()


def test_accuracy_vs_epoch_every_epoch_and_a_zoom_on_the_second_half():
    by_epoch, _, _ = _accuracy_tables()
    fig = plots.accuracy_vs_epoch_figure(by_epoch)
    full_ax, zoom_ax = fig.axes
    for ax in (full_ax, zoom_ax):
        assert [line.get_label() for line in ax.get_lines()] == ARCHITECTURES
        assert len(ax.collections) == len(ARCHITECTURES)  # one band each
    first = by_epoch[by_epoch["architecture"] == ARCHITECTURES[0]].groupby("epoch")["val_accuracy"]
    assert np.allclose(full_ax.get_lines()[0].get_ydata(), 100 * first.mean().to_numpy())
    assert list(zoom_ax.get_lines()[0].get_xdata()) == [2, 3, 4]  # ceil(4 / 2) to 4
    later = 100 * by_epoch.loc[by_epoch["epoch"] >= 2, "val_accuracy"]
    low, high = zoom_ax.get_ylim()
    assert low < later.min() and high > later.max()
    assert high - low < 1.3 * (later.max() - later.min())
    assert f"{len(SEEDS)} seeds" in fig.get_suptitle()
