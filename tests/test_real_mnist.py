"""A short run of the real workflow on real MNIST, when MNIST_DIR holds the four files."""

import os

import pandas as pd
import pytest
import yaml

from conftest import ROOT, snakemake, write_config

pytestmark = [
    pytest.mark.real_mnist,
    pytest.mark.skipif(
        not os.environ.get("MNIST_DIR"),
        reason="set MNIST_DIR to a folder with the four MNIST .gz files",
    ),
]


def test_short_real_run(tmp_path):
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["seeds"] = [1, 2]
    config["accuracy"]["epochs"] = 2
    config["speed"]["epochs"] = 20
    config["ablation"].update(
        accuracy_seeds=[1], speed_seeds=[1], accuracy_epochs=1, speed_epochs=20
    )
    config["ablation"]["variants"] = config["ablation"]["variants"][:3]
    config["chain"]["samples"] = 2000
    config["depth_sweep"].update(hidden_layers=[1, 2, 3, 4, 5, 6], speed_epochs=20)
    write_config(tmp_path, config)
    snakemake(tmp_path, mnist_dir=os.environ["MNIST_DIR"])

    tables = tmp_path / "results" / "tables"
    by_epoch = pd.read_csv(tables / "accuracy_by_epoch.csv")
    first_epoch = by_epoch[(by_epoch["architecture"] == "784-30-10") & (by_epoch["epoch"] == 1)]
    assert len(first_epoch) == 2
    assert (first_epoch["val_accuracy"] > 0.90).all(), first_epoch
    ratio = pd.read_csv(tables / "speed_ratio.csv").set_index(["protocol", "architecture", "phase"])
    assert (
        ratio.loc[("B", "784-30-30-30-30-10", "initialisation"), "mean"] > 10
    ), "the first layer learns slowest"
    factor = pd.read_csv(tmp_path / "results" / "depth_sweep" / "tables" / "per_layer_factor.csv")
    book = factor.set_index(["protocol", "variant", "phase"]).loc[
        ("B", "sigmoid-default-sgd", "initialisation")
    ]
    assert 3 < book["factor"] < 8, "each sigmoid layer slows the first about five-fold"
    assert (tmp_path / "results" / "report.html").exists()
