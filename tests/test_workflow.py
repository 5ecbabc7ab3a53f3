"""The whole workflow on tiny generated MNIST, and what a change of config reruns."""

import hashlib
import importlib.metadata
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT, planned_jobs, snakemake, write_config
from test_depth_sweep import BY_RUN_COLUMNS
from vanishing_gradient.data.idx import read_idx, write_idx
from vanishing_gradient.report.captions import render_caption

pytestmark = pytest.mark.workflow

FIGURES = [
    "sigmoid_derivative",
    "gradient_bars",
    "speed_of_learning_A",
    "speed_of_learning_B",
    "accuracy_vs_depth",
    "accuracy_vs_epoch",
]


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
        "protocol",
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
        "protocol",
        "architecture",
        "seed",
        "epoch",
        "layer",
        "activation_mean",
        "activation_std",
        "activation_p98",
        "saturated_fraction",
    ]
    assert len(saturation) == 2 * (1 + 2 + 3) * 4  # seeds x hidden layers x epochs 0..3
    assert saturation["saturated_fraction"].between(0, 1).all()
    summary = pd.read_csv(tables / "accuracy_summary.csv")
    assert summary["n_seeds"].tolist() == [2, 2, 2]
    shallow = summary.set_index("architecture").loc["784-6-10", "val_accuracy_mean"]
    assert shallow > 0.5, "the tiny digits are learnable (deeper tiny nets barely move in 3 epochs)"
    depth = pd.read_csv(tables / "depth_comparison.csv")
    assert list(depth.columns) == [
        "shallower",
        "deeper",
        "n_shallower",
        "n_deeper",
        "mean_difference",
        "welch_t",
        "p_value",
        "welch_df",
        "ci_low",
        "ci_high",
        "p_holm",
        "detectable_difference",
        "verdict",
    ]
    assert (depth["p_holm"] >= depth["p_value"]).all()
    # the smallest difference its test could detect, in the units of the difference
    tested = depth["p_value"].notna()
    assert (depth.loc[tested, "detectable_difference"] > 0).all()


def test_ablation_tables_carry_their_identity_and_compare_with_the_baseline(finished_workflow):
    ablation = finished_workflow / "results" / "ablation"
    remedies = ["residual", "batch_norm", "clipping"]
    identity = ["protocol", "variant", "activation", "initialiser", "optimiser", *remedies, "eta"]
    run = pd.read_csv(ablation / "accuracy" / "tanh-glorot-sgd" / "eta1" / "seed2.epochs.csv")
    assert list(run.columns[:11]) == [*identity, "architecture", "seed"]
    assert run[identity].drop_duplicates().values.tolist() == [
        ["A", "tanh-glorot-sgd", "tanh", "glorot", "sgd", False, False, False, 1.0]
    ]
    remedied = pd.read_csv(
        ablation / "speed" / "relu-he-adam-residual-batchnorm-clip" / "eta0.001" / "seed1.speed.csv"
    )
    assert remedied[identity].drop_duplicates().values.tolist() == [
        ["B", "relu-he-adam-residual-batchnorm-clip", "relu", "he", "adam", True, True, True, 0.001]
    ]
    speed = pd.read_csv(ablation / "speed" / "relu-he-sgd" / "eta1" / "seed1.gradient_at_init.csv")
    assert set(speed["protocol"]) == {"B"} and set(speed["variant"]) == {"relu-he-sgd"}
    comparison = pd.read_csv(ablation / "tables" / "book" / "variant_comparison.csv")
    assert list(comparison.columns) == [
        "setting",
        "variant",
        "activation",
        "initialiser",
        "optimiser",
        *remedies,
        "eta",
        "baseline",
        "baseline_eta",
        "n_seeds_speed",
        "training_ratio",
        "baseline_training_ratio",
        "ratio_fold_change",
        "verdict",
        "imbalance_below_baseline_range",
        "n_seeds",
        "n_baseline",
        "test_accuracy_mean",
        "baseline_test_accuracy_mean",
        "accuracy_difference",
        "ci_low",
        "ci_high",
        "welch_t",
        "welch_df",
        "p_value",
        "p_holm",
        "detectable_difference",
        "accuracy_verdict",
        "helps",
    ]
    assert comparison["variant"].tolist() == [
        "sigmoid-standard-sgd",
        "tanh-glorot-sgd",
        "relu-he-sgd",
        "sigmoid-default-nesterov",
        "relu-he-adam-residual-batchnorm-clip",
    ]
    assert comparison.loc[4, ["residual", "batch_norm", "clipping"]].tolist() == [True] * 3
    assert not comparison.loc[:3, ["residual", "batch_norm", "clipping"]].any(axis=None)
    assert set(comparison["baseline"]) == {"sigmoid-default-sgd"}
    assert set(comparison["setting"]) == {"book"} and set(comparison["baseline_eta"]) == {1.0}
    check = pd.read_csv(ablation / "tables" / "book" / "saturation_check.csv")
    assert check["variant"].tolist() == ["sigmoid-default-sgd", "sigmoid-standard-sgd"]
    assert check["network_setting"].tolist() == ["book", "glorot_bengio"]
    assert check[["hidden_layers", "width", "layer", "epoch"]].values.tolist() == [[3, 6, 3, 1]] * 2
    assert set(check["verdict"]) <= {"shown", "partly_shown", "not_shown"}
    assert (check["n_seeds"] == 2).all() and check["n_seeds_shown"].between(0, 2).all()
    report = (finished_workflow / "results" / "report.md").read_text()
    for setting, variant in zip(
        ("The book's setting", "Glorot & Bengio's setting"), check["variant"]
    ):
        assert f"- **{setting}**, {variant} (sigmoid, " in report


def test_each_variant_is_compared_at_the_eta_its_search_selected(finished_workflow):
    tables = finished_workflow / "results" / "ablation" / "tables"
    config = yaml.safe_load((finished_workflow / "config.yaml").read_text())["ablation"]
    search = pd.read_csv(tables / "learning_rates.csv")
    variants = [
        "sigmoid-default-sgd",
        *pd.read_csv(tables / "book" / "variant_comparison.csv")["variant"],
    ]
    assert list(dict.fromkeys(search["variant"])) == variants
    assert search.groupby("variant")["eta"].count().eq(len(config["eta_factors"])).all()
    assert search.groupby("variant")["selected"].sum().eq(1).all()
    assert set(search["n_seeds"]) == {len(config["selection_seeds"])}
    chosen = search[search["selected"]].set_index("variant")
    grid = search.groupby("variant")["eta"].agg(["min", "max"])
    grid = grid.reindex(chosen.index)
    at_edge = chosen["eta"].eq(grid["min"]) | chosen["eta"].eq(grid["max"])
    assert (
        chosen["at_grid_edge"].astype(bool).equals(at_edge)
    ), "a selected eta at an unflagged edge"
    tuned = pd.read_csv(tables / "tuned" / "variant_comparison.csv").set_index("variant")
    assert set(tuned["setting"]) == {"tuned"}
    assert tuned["eta"].to_dict() == chosen["eta"].drop("sigmoid-default-sgd").to_dict()
    assert set(tuned["baseline_eta"]) == {chosen.loc["sigmoid-default-sgd", "eta"]}
    summary = pd.read_csv(tables / "tuned" / "accuracy_summary.csv").set_index("variant")
    assert summary["eta"].to_dict() == chosen["eta"].to_dict()
    ratio = pd.read_csv(tables / "tuned" / "speed_ratio.csv")
    assert dict(zip(ratio["variant"], ratio["eta"])) == chosen["eta"].to_dict()
    changes = pd.read_csv(tables / "verdict_changes.csv")
    assert changes["variant"].tolist() == variants[1:]
    report = (finished_workflow / "results" / "report.md").read_text()
    assert "### What the learning rate changes" in report
    assert "### Speed ratio and accuracy at the book's learning rate" in report
    assert "figures/learning_rates.png" in report


def search_jobs(workdir) -> dict:
    config = yaml.safe_load((workdir / "config.yaml").read_text())["ablation"]
    return {
        "variants": len(config["variants"]),
        "etas": len(config["eta_factors"]),
        "seeds": len(config["selection_seeds"]),
    }


def test_a_new_eta_in_the_grid_trains_that_etas_search_runs_alone(workflow_copy):
    change_config(workflow_copy, lambda c: c["ablation"]["eta_factors"].append(0.1))
    jobs = planned_jobs(workflow_copy)
    size = search_jobs(workflow_copy)
    assert jobs["search_learning_rate"] == size["variants"] * size["seeds"]
    assert "select_learning_rates" in jobs
    assert not {"train_variant_for_accuracy", "train_variant_for_speed", "sweep_depth"} & set(jobs)
    assert not {"train_for_accuracy", "train_for_speed", "prepare_mnist"} & set(jobs)


def test_a_new_selection_seed_trains_that_seed_alone(workflow_copy):
    change_config(workflow_copy, lambda c: c["ablation"]["selection_seeds"].append(5))
    jobs = planned_jobs(workflow_copy)
    size = search_jobs(workflow_copy)
    assert jobs["search_learning_rate"] == size["variants"] * size["etas"]
    assert not {"train_variant_for_accuracy", "train_variant_for_speed", "sweep_depth"} & set(jobs)


def test_depth_sweep_tables_follow_the_output_contract(finished_workflow):
    sweep = finished_workflow / "results" / "depth_sweep"
    run = pd.read_csv(sweep / "relu-he-sgd" / "seed2.speed.csv")
    identity = [*BY_RUN_COLUMNS[: BY_RUN_COLUMNS.index("hidden_layers")], "architecture"]
    assert list(run.columns) == [*identity, "seed", "epoch", "layer", "grad_norm"]
    assert run.groupby(["protocol", "architecture"]).size().to_dict() == {
        ("A", "784-4-10"): 2 * 1,  # epochs 0..1 x hidden layers
        ("A", "784-4-4-10"): 2 * 2,
        ("A", "784-4-4-4-10"): 2 * 3,
        ("B", "784-4-10"): 4 * 1,  # epochs 0..3
        ("B", "784-4-4-10"): 4 * 2,
        ("B", "784-4-4-4-10"): 4 * 3,
    }
    by_run = pd.read_csv(sweep / "tables" / "depth_sweep.csv")
    assert list(by_run.columns) == BY_RUN_COLUMNS
    # B at initialisation and over training, A over training; 2 variants x 3 depths x 2 seeds
    assert len(by_run) == 3 * 2 * 3 * 2
    # one hidden layer: ratio 1, or undefined where its speed is 0 (dead ReLU units of width 4)
    assert set(by_run.loc[by_run["hidden_layers"] == 1, "log10_ratio"].dropna()) == {0.0}
    factor = pd.read_csv(sweep / "tables" / "per_layer_factor.csv")
    assert factor[["protocol", "variant", "phase"]].values.tolist() == [
        ["B", "sigmoid-default-sgd", "initialisation"],
        ["B", "sigmoid-default-sgd", "training"],
        ["B", "relu-he-sgd", "initialisation"],
        ["B", "relu-he-sgd", "training"],
        ["A", "sigmoid-default-sgd", "training"],
        ["A", "relu-he-sgd", "training"],
    ]
    # a seed whose slope is undefined (a ratio 0/0 or infinite) is left out of the fit
    sigmoid = factor[factor["variant"] == "sigmoid-default-sgd"]
    assert (sigmoid["n_seeds"] == 2).all() and factor["n_seeds"].between(0, 2).all()
    assert (factor["n_depths"] == 3).all()
    assert np.allclose(factor["factor"], 10 ** factor["slope"], equal_nan=True)
    assert (factor["p_holm"].dropna() >= factor["p_value"].dropna()).all()
    assert set(factor["verdict"]) <= {"higher", "lower", "within_seed_spread", "not_testable"}
    summary = pd.read_csv(sweep / "tables" / "depth_sweep_summary.csv")
    assert set(summary.loc[summary["variant"] == "sigmoid-default-sgd", "n_seeds"]) == {2}
    report = (finished_workflow / "results" / "report.md").read_text()
    assert "### How fast the gradient vanishes per layer: the depth sweep" in report
    assert "figures/depth_sweep.png" in report


def test_report_captions_are_the_caption_files(finished_workflow):
    report = (finished_workflow / "results" / "report.md").read_text()
    config = yaml.safe_load((finished_workflow / "config.yaml").read_text())
    for figure in FIGURES:
        protocol = figure.removeprefix("speed_of_learning_")
        name, wildcards = (
            ("speed_of_learning", {"protocol": protocol}) if protocol != figure else (figure, {})
        )
        template = (ROOT / "workflow" / "report" / f"{name}.rst").read_text()
        assert f"*{render_caption(template, config, wildcards)}*" in report


def test_snakemake_report_builds(finished_workflow, tmp_path):
    # pygments, which `snakemake --report` needs, is a dependency of the package itself
    assert any(r.startswith("pygments") for r in importlib.metadata.requires("vanishing-gradient"))
    page = tmp_path / "report.html"
    done = snakemake(finished_workflow, "--report", str(page))
    text = page.read_text()
    assert "one point per seed and layer" in text  # the gradient_bars caption, rendered
    assert "variant_comparison.csv" in text
    # every caption is valid reStructuredText: docutils neither complains nor adds its
    # block of system messages to the page
    assert "(ERROR/" not in done.stdout + done.stderr
    assert "System Message" not in text


def test_lint_asks_only_for_an_environment_per_rule(finished_workflow):
    """`snakemake --lint` has one note, as docs/development.md says: every rule runs in the
    project's one environment, not one of its own."""
    done = snakemake(finished_workflow, "--lint", check=False)
    notes = set(re.findall(r"^    \* (.+?):$", done.stdout + done.stderr, flags=re.M))
    assert notes == {"Specify a conda environment or container for each rule."}


def test_baseline_must_be_a_variant(workflow_copy):
    change_config(workflow_copy, lambda c: c["ablation"].update(baseline="tanh-he-sgd"))
    done = snakemake(workflow_copy, "--dry-run", check=False)
    assert done.returncode != 0
    assert (
        "ablation.baseline" in done.stderr + done.stdout
        and "tanh-he-sgd" in done.stderr + done.stdout
    )


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
        "plot_learning_rates",
        "plot_neuron_chain",
        "plot_depth_sweep",
    }


def test_ablation_settings_never_rerun_the_chapter(workflow_copy):
    change_config(workflow_copy, lambda c: c["ablation"].update(momentum=0.5, accuracy_epochs=3))
    jobs = planned_jobs(workflow_copy)
    # The book's setting: every variant x seed (epochs changed), and of protocol B only the
    # momentum variant. The search reruns every run, so the tuned runs wait for its selection.
    assert jobs["search_learning_rate"] == 6 * 3 * 2  # variants x etas x selection seeds
    assert jobs["train_variant_for_accuracy"] == 6 * 2
    assert jobs["train_variant_for_speed"] == 1 * 2
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


@pytest.mark.parametrize("setting", [{"adam_eta": 0.002}, {"clip_threshold": 2.0}])
def test_adam_and_clipping_settings_rerun_only_their_variants(workflow_copy, setting):
    change_config(workflow_copy, lambda c: c["ablation"].update(setting))
    jobs = planned_jobs(workflow_copy)
    assert jobs["search_learning_rate"] == 1 * 3 * 2  # its grid x the selection seeds
    assert jobs["train_variant_for_accuracy"] == jobs["train_variant_for_speed"] == 1 * 2


def test_depth_sweep_settings_rerun_only_the_sweep(workflow_copy):
    change_config(workflow_copy, lambda c: c["depth_sweep"].update(speed_epochs=4))
    jobs = planned_jobs(workflow_copy)
    assert jobs["sweep_depth"] == 2 * 2  # every variant x seed
    assert set(jobs) == {
        "sweep_depth",
        "aggregate_depth_sweep",
        "plot_depth_sweep",
        "write_report",
        "all",
    }


def test_depth_sweep_needs_two_depths(workflow_copy):
    change_config(workflow_copy, lambda c: c["depth_sweep"].update(hidden_layers=[3]))
    done = snakemake(workflow_copy, "--dry-run", check=False)
    assert done.returncode != 0 and "hidden_layers" in done.stdout + done.stderr


def test_new_seed_trains_only_that_seed(workflow_copy):
    change_config(workflow_copy, lambda c: c["seeds"].append(3))
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_for_accuracy"] == 3  # one per architecture, for seed 3 alone
    assert jobs["train_for_speed"] == 2
    assert "download_mnist" not in jobs and "prepare_mnist" not in jobs
    assert {"aggregate_accuracy", "aggregate_speed", "write_report"} <= set(jobs)


@pytest.mark.parametrize(
    "protocol, rule, others",
    [
        ("accuracy", "train_variant_for_accuracy", {"train_variant_for_speed", "sweep_depth"}),
        ("speed", "train_variant_for_speed", {"train_variant_for_accuracy"}),
    ],
)
def test_a_new_ablation_seed_trains_only_that_seed_of_its_protocol(
    workflow_copy, protocol, rule, others
):
    change_config(workflow_copy, lambda c: c["ablation"][f"{protocol}_seeds"].append(3))
    jobs = planned_jobs(workflow_copy)
    tables = workflow_copy / "results" / "ablation" / "tables"
    search = pd.read_csv(tables / "learning_rates.csv")
    tuned = search[search["selected"]].set_index("variant")["eta"]
    # the protocol's eta in the book's setting, per variant
    book = pd.read_csv(tables / "book" / "speed_ratio.csv")
    book = book[book["protocol"] == {"accuracy": "A", "speed": "B"}[protocol]]
    book = book.groupby("variant")["eta"].first()
    # for seed 3 alone: one run per variant at its book's eta, and one at its selected eta
    # where that differs
    assert jobs[rule] == len(book) + int((tuned.reindex(book.index) != book).sum())
    assert "search_learning_rate" not in jobs
    assert not others & set(jobs)
    assert not {"train_for_accuracy", "train_for_speed", "prepare_mnist"} & set(jobs)


def test_more_epochs_retrains_but_never_refetches(workflow_copy):
    change_config(workflow_copy, lambda c: c["accuracy"].update(epochs=4))
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_for_accuracy"] == 6
    assert not {"download_mnist", "prepare_mnist", "train_for_speed"} & set(jobs)


def test_changing_the_data_source_fetches_and_retrains_nothing(workflow_copy):
    """Where verified bytes come from is not what they are; the report, which renders the
    whole config, is rewritten."""
    change_config(workflow_copy, lambda c: c["data"].update(offline_dir="/elsewhere"))
    assert set(planned_jobs(workflow_copy)) == {"write_report", "all"}


def test_a_new_data_source_hides_no_other_change(workflow_copy):
    """Other epochs are retrained even when the data source changes in the same edit (a
    download that reran would hide them: Snakemake skips the own changes of every job behind
    an ancient() input whose producer reruns)."""

    def edit(config):
        config["data"].update(offline_dir="/elsewhere", timeout_seconds=5, retries=3)
        config["accuracy"].update(epochs=4)

    change_config(workflow_copy, edit)
    jobs = planned_jobs(workflow_copy)
    assert jobs["train_for_accuracy"] == 6 and "download_mnist" not in jobs


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


def test_a_changed_cached_download_is_refused_when_read(workflow_copy):
    """The cached test labels replaced by a valid gzip of the same size, shifted by one:
    preparing the split again refuses it, naming the file and the fix, and leaves no split.
    The fix it names gives back the split of the verified files."""
    (cached,) = (workflow_copy / "results" / "data" / "mnist").glob("t10k-labels-idx1-ubyte.*.gz")
    split = workflow_copy / "results" / "data" / "mnist.split"
    before = split.read_bytes()
    write_idx(cached, (read_idx(cached) + 1) % 10)
    prepare_again = ("--forcerun", "prepare_mnist", "--until", "prepare_mnist")
    done = snakemake(workflow_copy, *prepare_again, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"{cached.relative_to(workflow_copy)} changed since it was fetched" in output
    assert "Delete it and rerun" in output
    assert not split.exists()
    cached.unlink()
    snakemake(workflow_copy, "--until", "prepare_mnist")
    assert split.read_bytes() == before


@pytest.mark.parametrize("cut", ["to its header", "in the middle of a row"])
def test_a_cut_run_table_is_refused_and_its_fix_gives_back_the_tables(workflow_copy, cut):
    """The issue's case: a run's epochs table cut short. The aggregation refuses it, naming the
    file and the fix, and the report built from the whole table stays as it was (Snakemake
    then has nothing to rebuild until a job after the table must run). The fix it names
    gives back the same tables (the report differs in its time alone)."""
    table = Path("results", "accuracy", "784-6-10", "seed1.epochs.csv")
    summary = workflow_copy / "results" / "tables" / "accuracy_summary.csv"
    report = workflow_copy / "results" / "report.md"
    tables, report_before = summary.read_bytes(), report.read_bytes()
    text = (workflow_copy / table).read_text()
    cut_text = text.splitlines(keepends=True)[0] if cut == "to its header" else text[:-7]
    (workflow_copy / table).write_text(cut_text)
    done = snakemake(workflow_copy, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"{table}: " in output and f"snakemake --forcerun {table} " in output
    assert not summary.exists() and report.read_bytes() == report_before
    snakemake(workflow_copy, "--forcerun", str(table))
    assert summary.read_bytes() == tables


def diverge(workdir, *targets: str) -> str:
    """Rerun ``targets`` of the finished workflow with protocol A's eta so large that every
    run of it diverges in its first epoch; return what Snakemake printed."""
    shutil.rmtree(workdir / "results" / "tables")
    change_config(workdir, lambda c: c["accuracy"].update(eta=1e308, lmbda=0.0))
    done = snakemake(workdir, *targets, check=False)
    assert done.returncode != 0
    return done.stdout + done.stderr


def test_diverging_run_fails_clearly_and_leaves_no_table(workflow_copy):
    """The chapter's runs alone (the ablation's share eta and would diverge too): each run
    that failed is named with its epoch, its own log says why, and it left nothing behind."""
    output = diverge(workflow_copy, "chapter")
    failures = re.findall(
        r"(784(?:-6)+-10) seed (\d) diverged in epoch 1: [^\n]* Lower eta", output
    )
    assert failures, "the error names the architecture, seed and epoch"
    for architecture, seed in set(failures):
        message = f"{architecture} seed {seed} diverged in epoch 1"
        log = workflow_copy / "logs" / "train_for_accuracy" / architecture / f"seed{seed}.log"
        assert message in log.read_text(), "the rule's log says why"
        assert "test accuracy" not in log.read_text(), "no line of the earlier success is left"
        results = workflow_copy / "results" / "accuracy" / architecture
        assert not list(results.glob(f"seed{seed}.*"))
    assert not (workflow_copy / "results" / "tables").exists()


def test_diverging_variant_is_named_as_the_variant(workflow_copy):
    """An ablation run of the same network and seed as a chapter run says it is a variant."""
    variant = "sigmoid-default-nesterov"
    run = f"{variant}/eta1e+308/seed2"
    output = diverge(workflow_copy, f"results/ablation/accuracy/{run}.epochs.csv")
    message = f"784-6-6-6-10 {variant} seed 2 diverged in epoch 1"
    assert message in output
    log = workflow_copy / "logs" / "train_variant_for_accuracy" / f"{run}.log"
    assert message in log.read_text() and "test accuracy" not in log.read_text()
    results = workflow_copy / "results" / "ablation" / "accuracy" / variant / "eta1e+308"
    assert not list(results.glob("seed2.*"))


def test_a_working_directory_without_a_config_names_both_fixes(tmp_path):
    done = snakemake(tmp_path, "--dry-run", check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"there is no config.yaml in the working directory {tmp_path}" in output
    config = ROOT / "config.yaml"
    assert f"cp {config} {tmp_path}/" in output and f"--configfile {config}" in output
    assert "Job stats" in snakemake(tmp_path, "--dry-run", "--configfile", str(config)).stdout


def test_config_typo_fails_before_any_job(workflow_copy):
    change_config(workflow_copy, lambda c: c["accuracy"].update(epohcs=3))
    done = snakemake(workflow_copy, "--dry-run", check=False)
    assert done.returncode != 0 and "epohcs" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "edit, named",
    [
        (
            lambda c: c["accuracy"].update(training_size=260),
            "accuracy.training_size is 260, more than the training split's images",
        ),
        (
            lambda c: c["ablation"]["variants"].append(c["ablation"]["variants"][2]),
            "ablation.variants lists tanh-glorot-sgd more than once",
        ),
        (
            lambda c: c["figures"].update(bars_architecture="784-6-10"),
            "figures.bars_architecture is 784-6-10",
        ),
    ],
    ids=["beyond-the-data", "duplicate-variant", "bars-architecture"],
)
def test_a_value_beyond_its_limit_fails_before_any_job_naming_its_key(workflow_copy, edit, named):
    """A value the runs would cut or misuse silently (support/config_limits.py) stops the
    workflow before it plans a job."""
    change_config(workflow_copy, edit)
    done = snakemake(workflow_copy, "--dry-run", check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and named in output
    assert "Job stats" not in output


@pytest.mark.parametrize(
    "edit, where, named",
    [
        (
            lambda c: c["ablation"]["variants"][1].update(activation="swish"),
            "ablation.variants[1]",
            "activation 'swish'",
        ),
        (
            lambda c: c["ablation"]["variants"][0].update(optimiser="lion"),
            "ablation.variants[0]",
            "optimiser 'lion'",
        ),
        (
            lambda c: c["depth_sweep"]["variants"].append("relu-xavier-sgd"),
            "depth_sweep.variants[2]",
            "initialiser 'xavier'",
        ),
    ],
)
def test_an_unknown_ingredient_fails_before_any_job_naming_its_key(
    workflow_copy, edit, where, named
):
    change_config(workflow_copy, edit)
    done = snakemake(workflow_copy, "--dry-run", check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and f"config {where}" in output and f"unknown {named}" in output
