"""The whole workflow on tiny generated MNIST, and what a change of config reruns."""

import hashlib
import re
import shutil

import pandas as pd
import pytest
import yaml

from conftest import snakemake, write_config

pytestmark = pytest.mark.workflow

FIGURES = [
    "sigmoid_derivative",
    "gradient_bars",
    "speed_of_learning_A",
    "speed_of_learning_B",
    "accuracy_vs_depth",
    "accuracy_vs_epoch",
]


def planned_jobs(workdir) -> dict[str, int]:
    """Rule -> number of jobs a dry run plans (read from Snakemake's job stats table)."""
    out = snakemake(workdir, "--dry-run").stdout
    stats = out.split("Job stats:")[-1] if "Job stats:" in out else ""
    return {
        rule: int(count)
        for rule, count in re.findall(r"^(\w+)\s+(\d+)$", stats, flags=re.M)
        if rule != "total"
    }


def change_config(workdir, edit) -> None:
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    edit(config)
    write_config(workdir, config)


def test_every_table_figure_and_report_is_produced(finished_workflow):
    results = finished_workflow / "results"
    for figure in FIGURES:
        for ext in ("png", "svg"):
            assert (results / "figures" / f"{figure}.{ext}").stat().st_size > 1000
    report = (results / "report.md").read_text()
    assert "## Accuracy against depth" in report and "Provenance" in report
    for figure in FIGURES:
        assert f"figures/{figure}.png" in report
    assert "<table>" in (results / "report.html").read_text()


def test_output_contract(finished_workflow):
    tables = finished_workflow / "results" / "tables"
    by_epoch = pd.read_csv(tables / "accuracy_by_epoch.csv")
    assert list(by_epoch.columns) == [
        "architecture",
        "seed",
        "epoch",
        "val_accuracy",
        "val_cost",
        "train_cost",
        "seconds",
    ]
    assert len(by_epoch) == 3 * 2 * 3  # architectures x seeds x epochs
    assert by_epoch["epoch"].between(1, 3).all() and by_epoch["val_accuracy"].between(0, 1).all()
    speed = pd.read_csv(tables / "speed_of_learning.csv")
    assert list(speed.columns) == [
        "protocol",
        "architecture",
        "seed",
        "epoch",
        "layer",
        "grad_norm",
    ]
    b = speed[speed["protocol"] == "B"]
    assert set(b["architecture"]) == {
        "784-6-6-10",
        "784-6-6-6-10",
    }, "protocol B needs two hidden layers"
    assert b["epoch"].max() == 8 and len(b) == 2 * (2 + 3) * 9
    a = speed[speed["protocol"] == "A"]
    assert (
        set(a["architecture"]) == {"784-6-10", "784-6-6-10", "784-6-6-6-10"}
        and a["epoch"].max() == 3
    )
    saturation = pd.read_csv(tables / "saturation.csv")
    assert list(saturation.columns) == [
        "architecture",
        "seed",
        "epoch",
        "layer",
        "activation_mean",
        "activation_std",
        "saturated_fraction",
    ]
    assert len(saturation) == 2 * (1 + 2 + 3) * 4  # seeds x hidden layers x epochs 0..3
    assert saturation["saturated_fraction"].between(0, 1).all()
    summary = pd.read_csv(tables / "accuracy_summary.csv")
    assert summary["n_seeds"].tolist() == [2, 2, 2]
    shallow = summary.set_index("architecture").loc["784-6-10", "val_accuracy_mean"]
    assert shallow > 0.5, "the tiny digits are learnable (deeper tiny nets barely move in 3 epochs)"


def test_rerun_with_nothing_changed_does_nothing(finished_workflow):
    assert "Nothing to be done" in snakemake(finished_workflow, "--dry-run").stdout


def test_figure_setting_reruns_only_figures_and_report(workflow_copy):
    change_config(workflow_copy, lambda c: c["figures"].update(dpi=72))
    jobs = planned_jobs(workflow_copy)
    assert set(jobs) == {
        "all",
        "write_report",
        "plot_sigmoid_derivative",
        "plot_gradient_bars",
        "plot_speed_of_learning",
        "plot_accuracy_vs_depth",
        "plot_accuracy_vs_epoch",
        "plot_ablation",
        "plot_neuron_chain",
    }


def test_ablation_settings_never_rerun_the_chapter(workflow_copy):
    change_config(workflow_copy, lambda c: c["ablation"].update(momentum=0.5, accuracy_epochs=3))
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_variant_for_accuracy"] == 4 * 2  # every variant x seed: epochs changed
    assert jobs["train_variant_for_speed"] == 1 * 2  # only the momentum variant
    chapter = {
        "train_for_accuracy",
        "train_for_speed",
        "aggregate_accuracy",
        "aggregate_speed",
        "prepare_mnist",
        "download_mnist",
        "plot_speed_of_learning",
        "plot_gradient_bars",
    }
    assert not chapter & set(jobs)
    assert {"aggregate_ablation", "plot_ablation", "write_report"} <= set(jobs)


def test_new_seed_trains_only_that_seed(workflow_copy):
    change_config(workflow_copy, lambda c: c["seeds"].append(3))
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_for_accuracy"] == 3  # one per architecture, for seed 3 alone
    assert jobs["train_for_speed"] == 2
    assert "download_mnist" not in jobs and "prepare_mnist" not in jobs
    assert {"aggregate_accuracy", "aggregate_speed", "write_report"} <= set(jobs)


def test_more_epochs_retrains_but_never_refetches(workflow_copy):
    change_config(workflow_copy, lambda c: c["accuracy"].update(epochs=4))
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_for_accuracy"] == 6
    assert not {"download_mnist", "prepare_mnist", "train_for_speed"} & set(jobs)


def test_changing_the_data_source_retrains_nothing(workflow_copy):
    """Where verified bytes come from is not what they are: at most a re-fetch."""
    change_config(workflow_copy, lambda c: c["data"].update(offline_dir="/elsewhere"))
    assert set(planned_jobs(workflow_copy)) <= {"all", "download_mnist"}


def test_other_expected_data_reprepares_everything(workflow_copy):
    """A different data set (new checksums) must not be trained on from the old split."""

    def edit(config):
        config["data"]["files"]["t10k-labels-idx1-ubyte"]["sha256"] = hashlib.sha256(
            b"other labels"
        ).hexdigest()

    change_config(workflow_copy, edit)
    jobs = planned_jobs(workflow_copy)
    assert (
        jobs["download_mnist"] == 1
        and jobs["prepare_mnist"] == 1
        and jobs["train_for_accuracy"] == 6
    )


def test_rerun_gives_the_same_numbers(workflow_copy):
    run = workflow_copy / "results" / "accuracy" / "784-6-6-10"
    before = pd.read_csv(run / "seed1.epochs.csv")
    speed_before = pd.read_csv(run / "seed1.speed.csv")
    shutil.rmtree(run)
    snakemake(workflow_copy, str(run.relative_to(workflow_copy) / "seed1.epochs.csv"))
    after = pd.read_csv(run / "seed1.epochs.csv")
    pd.testing.assert_frame_equal(before.drop(columns="seconds"), after.drop(columns="seconds"))
    pd.testing.assert_frame_equal(speed_before, pd.read_csv(run / "seed1.speed.csv"))


def test_diverging_run_fails_clearly_and_leaves_no_table(workflow_copy):
    shutil.rmtree(workflow_copy / "results" / "tables")
    change_config(workflow_copy, lambda c: c["accuracy"].update(eta=1e308))
    # the chapter's runs only: the ablation's diverge too, and may fail first
    done = snakemake(workflow_copy, "chapter", check=False)
    assert done.returncode != 0
    failure = re.search(
        r"(784(?:-6)+-10) seed (\d) diverged in epoch 1: .* Lower eta", done.stdout + done.stderr
    )
    assert failure, "the error names the architecture, seed and epoch"
    architecture, seed = failure.groups()
    log = workflow_copy / "logs" / "train_for_accuracy" / architecture / f"seed{seed}.log"
    assert failure.group(0) in log.read_text(), "the rule's log says why"
    assert not list((workflow_copy / "results" / "accuracy" / architecture).glob(f"seed{seed}.*"))
    assert not (workflow_copy / "results" / "tables").exists()


def test_config_typo_fails_before_any_job(workflow_copy):
    change_config(workflow_copy, lambda c: c["accuracy"].update(epohcs=3))
    done = snakemake(workflow_copy, "--dry-run", check=False)
    assert done.returncode != 0 and "epohcs" in done.stdout + done.stderr
