"""The chapter's report: its tables are the analysis run on small synthetic per-run rows
(through CSV, as the workflow hands them over), and the report must show their numbers and
verdicts, not decide its own."""

import io
import re

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.analysis import accuracy as accuracy_tables
from vanishing_gradient.analysis import speed as speed_tables
from vanishing_gradient.book import SPEED_AT_INIT
from vanishing_gradient.report.chapter import depth_verdict, render_chapter
from vanishing_gradient.report.document import markdown_to_html, render_report
from vanishing_gradient.report.formatting import p_text, pct

SEEDS = [11, 12, 13]
# final validation accuracy per seed; the book: 0.9648, 0.9690, 0.9657
FINALS = {
    "784-30-10": [0.9638, 0.9648, 0.9658],  # the book's mean, inside the range
    "784-30-30-10": [0.9630, 0.9640, 0.9650],  # book 0.9690 outside
    "784-30-30-30-10": [0.9700, 0.9705, 0.9710],  # book 0.9657 outside; clearly above 784-30-30-10
}
FIGURES = {
    name: {"path": f"figures/{name}.png", "caption": f"Caption of {name}."}
    for name in (
        "sigmoid_derivative",
        "gradient_bars",
        "speed_of_learning_B",
        "speed_of_learning_A",
        "accuracy_vs_depth",
        "accuracy_vs_epoch",
    )
}
SETTINGS = {
    "seeds": SEEDS,
    "protocol_a": {
        "training_size": 50000,
        "epochs": 3,
        "mini_batch_size": 10,
        "eta": 0.1,
        "lmbda": 5.0,
    },
    "protocol_b": {
        "training_size": 1000,
        "epochs": 2,
        "mini_batch_size": 1000,
        "eta": 0.1,
        "lmbda": 5.0,
    },
    "validation_size": 10000,
}
PROVENANCE = {
    "config": {"seeds": SEEDS, "architectures": ["784-30-10"]},
    "data_checksums": {"train-images-idx3-ubyte": "ba891046e6505d7a"},
    "packages": {"numpy": "2.4.6"},
    "stages": [
        {
            "stage": "train_for_accuracy",
            "code_version": "feedc0de" * 8,
            "git_commit": "0123abcd4567" * 3,
            "modified": False,
            "runs": 20,
            "recorded": "by each run",
        },
        {
            "stage": "write_report",
            "code_version": "beefcafe" * 8,
            "git_commit": "89abcdef0123" * 3,
            "modified": True,
            "runs": None,
            "recorded": "at report time",
        },
    ],
    "git_commit": ("89abcdef0123" * 3, True),
    "run_date": "2031-02-03",
}


def _through_csv(table: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(table.to_csv(index=False)))


def per_run_rows(first_layer_speed: float = 0.05):
    """accuracy_by_epoch, test accuracy and speed rows of every run; the first hidden layer
    of 784-30-30-10 starts at ``first_layer_speed`` x (0.95, 1, 1.05) over the seeds (book 0.07)."""
    epochs, tests, speed = [], [], []
    for architecture, finals in FINALS.items():
        layers = architecture.count("-") - 1
        for seed, final in zip(SEEDS, finals):
            for epoch in (1, 2, 3):
                epochs.append(
                    {
                        "protocol": "A",
                        "architecture": architecture,
                        "seed": seed,
                        "epoch": epoch,
                        "val_accuracy": final - 0.01 * (3 - epoch),
                    }
                )
            tests.append(
                {"architecture": architecture, "seed": seed, "test_accuracy": final - 0.001}
            )
            book = SPEED_AT_INIT.get(architecture, ())
            for protocol in ("A", "B") if layers >= 2 else ("A",):  # B: deep networks only
                for epoch in (0, 1, 2):
                    for layer in range(1, layers + 1):
                        start = book[layer - 1] if layers >= 2 else 0.1
                        if architecture == "784-30-30-10" and layer == 1:
                            start = first_layer_speed
                        speed.append(
                            {
                                "protocol": protocol,
                                "architecture": architecture,
                                "seed": seed,
                                "epoch": epoch,
                                "layer": layer,
                                "grad_norm": start * (1 + 0.05 * (seed - 12)) / (1 + epoch),
                            }
                        )
    return pd.DataFrame(epochs), pd.DataFrame(tests), pd.DataFrame(speed)


def chapter_tables(first_layer_speed: float = 0.05, finals=None) -> dict[str, pd.DataFrame]:
    by_epoch, tests, speed = per_run_rows(first_layer_speed)
    runs = accuracy_tables.accuracy_by_run(by_epoch, tests)
    tables = {
        "accuracy_summary": accuracy_tables.accuracy_summary(runs),
        "depth_comparison": accuracy_tables.depth_comparison(runs),
        "speed_at_init": speed_tables.speed_at_init(speed),
        "speed_ratio": speed_tables.speed_ratio(speed),
    }
    return {name: _through_csv(table) for name, table in tables.items()}


@pytest.fixture(scope="module")
def tables():
    return chapter_tables()


@pytest.fixture(scope="module")
def report(tables) -> str:
    return render_report(render_chapter(tables, FIGURES, SETTINGS), "", PROVENANCE)


def _row(report: str, first_cell: str) -> list[str]:
    line = next(line for line in report.splitlines() if line.startswith(f"| {first_cell} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _differences(report: str) -> str:
    return report.split("## Where we differ from the book")[1].split("## Provenance")[0]


def test_accuracy_row_in_percent(report):
    cells = _row(report, "784-30-10")
    assert cells[1] == "96.48 ± 0.10 (96.38–96.58, n = 3)"
    assert cells[2:4] == ["96.48 (+0.00; above 1 of 3 seeds)", "96.47 (+0.01; above 1 of 3 seeds)"]
    assert _row(report, "784-30-30-10")[2:4] == [
        "96.90 (-0.50; above all 3 seeds)",
        "96.80 (-0.40; above all 3 seeds)",
    ]


def test_depth_comparison_rows_are_the_table(report, tables):
    comparison = tables["depth_comparison"]
    assert comparison["verdict"].tolist() == ["within_seed_spread", "higher"]
    for _, r in comparison.iterrows():
        cells = _row(report, f"{r['shallower']} → {r['deeper']}")
        assert cells[1] == pct(r["mean_difference"], signed=True)
        assert cells[4:6] == [p_text(r["p_value"]), p_text(r["p_holm"])]
        assert cells[-1] == depth_verdict(r)
    low, high = (
        float(x)
        for x in re.findall(r"[-+]\d+\.\d+", _row(report, "784-30-30-10 → 784-30-30-30-10")[2])
    )
    assert 0 < low < 0.65 < high  # the interval holds the difference of 0.65 points
    assert "Holm-adjusted together" in report
    null = comparison.iloc[0]
    assert _row(report, f"{null['shallower']} → {null['deeper']}")[-1] == (
        "not larger than the seed spread; with 3 and 3 seeds a difference below "
        f"{pct(null['detectable_difference'])} percentage points could not have been detected."
    )
    assert "at Holm's first level 0.05 / 2" in report


def test_speed_at_init_against_the_book(report, tables):
    init = tables["speed_at_init"]
    assert init["book_in_seed_range"].tolist() == [False, True, True, True, True]
    rows = [line for line in report.splitlines() if line.startswith("| 784-30-30-10 | ")]
    layer_one = next(r for r in rows if r.startswith("| 784-30-30-10 | 1 |"))
    assert layer_one.rstrip(" |").endswith("| 0.07 | no")


def test_figures_embedded_with_their_captions(report):
    for name, figure in FIGURES.items():
        assert f"![{name}]({figure['path']})\n\n*{figure['caption']}*" in report


def test_differences_are_the_flagged_rows(report, tables):
    listed = re.findall(r"^- (\S+), (.*?):", _differences(report), re.MULTILINE)
    summary = tables["accuracy_summary"]
    flagged = [
        *summary.query("differs_from_book == True")["architecture"],
        *summary.query("differs_from_rerun == True")["architecture"],
    ]
    assert [a for a, what in listed if what == "validation accuracy"] == flagged
    assert "Python 3 re-run 96.80 %" in _differences(report)
    assert ("784-30-30-10", "hidden layer 1, speed at initialisation") in listed
    assert ("784-30-30-10", "last/first speed ratio (initialisation, protocol B)") in listed
    outside = sum(
        int((tables[n]["book_in_seed_range"] == False).sum())
        for n in ("speed_at_init", "speed_ratio")
    )  # noqa: E712
    assert len(listed) == len(flagged) + outside == 6


def test_no_differences_says_so(monkeypatch):
    monkeypatch.setitem(FINALS, "784-30-30-10", [0.9680, 0.9690, 0.9700])
    # inside the seed range of the book's values and of the Python 3 re-run's
    monkeypatch.setitem(FINALS, "784-30-30-30-10", [0.9642, 0.9657, 0.9667])
    tables = chapter_tables(first_layer_speed=0.07)
    differences = _differences(
        render_report(render_chapter(tables, FIGURES, SETTINGS), "", PROVENANCE)
    )
    assert "None:" in differences and not re.search(r"^- ", differences, re.MULTILINE)


def test_provenance(report):
    provenance = report.split("## Provenance")[1]
    assert "`89abcdef0123` (uncommitted changes) on 2031-02-03" in provenance
    assert "| `train_for_accuracy` | `feedc0defeed` | `0123abcd4567` | 20 | by each run |" in (
        provenance
    )
    assert (
        "| `write_report` | `beefcafebeef` | `89abcdef0123` (uncommitted changes) |" in provenance
    )
    assert "ba891046e6505d7a" in provenance and "| numpy | 2.4.6 |" in provenance
    assert '"architectures": [' in provenance and "```json" in provenance


def test_html_page(report):
    page = markdown_to_html(report, title="Chapter 5 <reproduction>")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Chapter 5 &lt;reproduction&gt;</title>" in page
    assert page.count("<table>") == report.count("\n|---|")
    assert all(f'src="{figure["path"]}"' in page for figure in FIGURES.values())
    assert "<code" in page and "<style>" in page
