"""The report: numbers come from the tables and settings, differences are found from the tables."""

import re

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.report import markdown_to_html, render_report

FIGURES = {
    "sigmoid_derivative": "figures/sigmoid_derivative.png",
    "gradient_bars": "figures/gradient_bars.png",
    "speed_of_learning_B": "figures/speed_of_learning_B.png",
    "speed_of_learning_A": "figures/speed_of_learning_A.png",
    "accuracy_vs_depth": "figures/accuracy_vs_depth.png",
    "accuracy_vs_epoch": "figures/accuracy_vs_epoch.png",
}
SETTINGS = {
    "seeds": [11, 12, 13],
    "protocol_a": {
        "training_size": 50000,
        "epochs": 30,
        "mini_batch_size": 10,
        "eta": 0.1,
        "lmbda": 5.0,
        "probe_size": 1000,
    },
    "protocol_b": {
        "training_size": 1000,
        "epochs": 500,
        "mini_batch_size": 1000,
        "eta": 0.1,
        "lmbda": 5.0,
    },
    "validation_size": 10000,
}
PROVENANCE = {
    "config": {"seeds": [11, 12, 13], "architectures": ["784-30-10"]},
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


def _accuracy_summary(far_mean: float = 0.9640) -> pd.DataFrame:
    """784-30-10 matches the book; 784-30-30-10 has mean ``far_mean`` against the book's 0.9690."""
    rows = [
        ("784-30-10", 1, 0.9648, 0.0010, 0.9635, 0.9660, 0.9648, 0.9630, 0.0012),
        (
            "784-30-30-10",
            2,
            far_mean,
            0.0008,
            far_mean - 0.001,
            far_mean + 0.001,
            0.9690,
            0.9611,
            0.0009,
        ),
        ("784-30-30-30-10", 3, 0.9660, 0.0011, 0.9645, 0.9672, 0.9657, 0.9622, 0.0010),
        ("784-30-30-30-30-10", 4, 0.9650, 0.0015, 0.9630, 0.9670, np.nan, 0.9620, 0.0014),
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "architecture",
            "hidden_layers",
            "val_accuracy_mean",
            "val_accuracy_std",
            "val_accuracy_min",
            "val_accuracy_max",
            "book_val_accuracy",
            "test_accuracy_mean",
            "test_accuracy_std",
        ],
    )
    return table.assign(
        n_seeds=3,
        epochs=30,
        difference_from_book=table["val_accuracy_mean"] - table["book_val_accuracy"],
        book_in_seed_range=table["book_val_accuracy"].between(
            table["val_accuracy_min"], table["val_accuracy_max"]
        ),
    )


def _tables(far_mean: float = 0.9640, far_speed: float = 0.05) -> dict[str, pd.DataFrame]:
    """Synthetic tables; layer 1 of 784-30-30-10 has speed range far_speed ± 0.01 (book 0.07)."""
    depth = pd.DataFrame(
        [
            ("784-30-10", "784-30-30-10", 3, 3, -0.0008, -2.873, 0.0123),
            ("784-30-30-10", "784-30-30-30-10", 3, 3, 0.0020, 0.812, 0.4567),
        ],
        columns=[
            "shallower",
            "deeper",
            "n_shallower",
            "n_deeper",
            "mean_difference",
            "welch_t",
            "p_value",
        ],
    )
    speed = pd.DataFrame(
        [
            ("784-30-30-10", 2, 1, far_speed, 0.004, far_speed - 0.01, far_speed + 0.01, 0.07),
            ("784-30-30-10", 2, 2, 0.3137, 0.02, 0.29, 0.33, 0.31),
            ("784-30-30-30-10", 3, 1, 0.0123, 0.002, 0.0101, 0.0141, 0.012),
        ],
        columns=[
            "architecture",
            "hidden_layers",
            "layer",
            "mean",
            "std",
            "min",
            "max",
            "book_grad_norm",
        ],
    ).assign(n_seeds=3)
    ratio = pd.DataFrame(
        [
            ("B", "784-30-30-10", 2, "initialisation", 4.87, 0.5, 4.2, 5.6, 0.31 / 0.07),
            ("B", "784-30-30-10", 2, "training", 3.21, 0.4, 2.8, 3.7, np.nan),
            ("B", "784-30-30-30-10", 3, "initialisation", 23.9, 2.0, 21.0, 26.5, 0.283 / 0.012),
        ],
        columns=[
            "protocol",
            "architecture",
            "hidden_layers",
            "phase",
            "mean",
            "std",
            "min",
            "max",
            "book_ratio",
        ],
    ).assign(n_seeds=3)
    return {
        "accuracy_summary": _accuracy_summary(far_mean),
        "depth_comparison": depth,
        "speed_at_init": speed,
        "speed_ratio": ratio,
    }


def _differ_paragraph(report: str) -> str:
    return report.split("## Where we differ from the book")[1].split("## Provenance")[0]


@pytest.fixture
def report() -> str:
    return render_report(_tables(), FIGURES, PROVENANCE, SETTINGS)


def test_accuracy_numbers_in_percent(report):
    row = next(line for line in report.splitlines() if line.startswith("| 784-30-10 |"))
    assert "96.48 ± 0.10 (96.35–96.60, n = 3)" in row
    assert "| 96.48 |" in row and "+0.00" in row and "| yes |" in row and "96.30 ± 0.12" in row
    far = next(line for line in report.splitlines() if line.startswith("| 784-30-30-10 |"))
    assert "| 96.90 |" in far and "-0.50" in far and "| no |" in far
    no_book = next(
        line for line in report.splitlines() if line.startswith("| 784-30-30-30-30-10 |")
    )
    assert "| — |" in no_book


def test_depth_comparison_sentences(report):
    assert "p = 0.012" in report and "t = -2.87" in report and "p = 0.457" in report
    assert "two-sided Welch t-test" in report and "p < 0.05" in report
    first = next(
        line for line in report.splitlines() if line.startswith("- 784-30-10 → 784-30-30-10")
    )
    second = next(
        line for line in report.splitlines() if line.startswith("- 784-30-30-10 → 784-30-30-30-10")
    )
    assert "-0.08 percentage points" in first and first.endswith(": larger than the seed spread.")
    assert "+0.20 percentage points" in second and second.endswith(
        "not larger than the seed spread."
    )


def test_speed_and_ratio_tables(report):
    assert re.search(
        r"\| 784-30-30-30-10 \| 1 \| 0\.0123 ± 0\.002 \(0\.0101–0\.0141, n = 3\) \| 0\.012 \| yes \|",
        report,
    )
    assert re.search(
        r"\| B \| 784-30-30-10 \| initialisation \| 4\.87 ± 0\.5 .* \| 4\.43 \|", report
    )
    assert re.search(r"\| B \| 784-30-30-30-10 \| initialisation \| 23\.9 .* \| 23\.6 \|", report)


def test_figures_embedded_with_settings_in_captions(report):
    for path in FIGURES.values():
        assert re.search(rf"!\[[^\]]+\]\({re.escape(path)}\)", report)
    speed_caption = next(
        line for line in report.splitlines() if FIGURES["speed_of_learning_B"] in line
    )
    assert (
        "500 epochs" in speed_caption
        and "protocol B" in speed_caption
        and "seeds 11, 12, 13" in speed_caption
    )
    depth_caption = next(
        line for line in report.splitlines() if FIGURES["accuracy_vs_depth"] in line
    )
    assert (
        "30 epochs" in depth_caption
        and "protocol A" in depth_caption
        and "3 seeds" in depth_caption
    )


def test_differences_named_from_the_tables(report):
    differ = _differ_paragraph(report)
    assert re.search(
        r"^- 784-30-30-10, validation accuracy: ours 96.40 %, book 96.90 %", differ, re.MULTILINE
    )
    assert re.search(
        r"^- 784-30-30-10, hidden layer 1, speed at initialisation: book 0.07", differ, re.MULTILINE
    )
    assert re.search(r"^- 784-30-30-10, last/first speed ratio", differ, re.MULTILINE) is None
    for matching in ("784-30-10", "784-30-30-30-10", "784-30-30-30-30-10"):
        assert re.search(rf"^- {matching},", differ, re.MULTILINE) is None


def test_no_differences_says_so():
    report = render_report(_tables(far_mean=0.9689, far_speed=0.07), FIGURES, PROVENANCE, SETTINGS)
    differ = _differ_paragraph(report)
    assert "None:" in differ and not re.search(r"^- ", differ, re.MULTILINE)


def test_provenance(report):
    provenance = report.split("## Provenance")[1]
    assert "`89abcdef0123` (uncommitted changes) on 2031-02-03" in provenance
    assert "| `train_for_accuracy` | `feedc0defeed` | `0123abcd4567` | 20 | by each run |" in (
        provenance
    )
    assert "| `write_report` | `beefcafebeef` | `89abcdef0123` (uncommitted changes) |" in provenance
    assert "ba891046e6505d7a" in provenance and "| numpy | 2.4.6 |" in provenance
    assert '"architectures": [' in provenance and "```json" in provenance


def test_html_page(report):
    page = markdown_to_html(report, title="Chapter 5 <reproduction>")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Chapter 5 &lt;reproduction&gt;</title>" in page
    assert page.count("<table>") == 6
    assert all(f'src="{path}"' in page for path in FIGURES.values())
    assert "<code" in page and "<style>" in page
