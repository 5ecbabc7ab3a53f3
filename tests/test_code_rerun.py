"""What an edit to the project's code reruns, from dry runs after a finished tiny workflow.

Each test edits a copy of the project (Snakefile, rules, scripts and package, the package
imported from the copy) and asks the copy what it would rerun in a copy of the finished run."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, planned_jobs, snakemake

pytestmark = pytest.mark.workflow

TRAINING = {
    "search_learning_rate",
    "train_for_accuracy",
    "train_for_speed",
    "train_variant_for_accuracy",
    "train_variant_for_speed",
}
NEURON_CHAIN = {"simulate_neuron_chain", "plot_neuron_chain"}
LOGIC = "\n\ndef added_logic():\n    return 1\n"


@pytest.fixture
def project(tmp_path):
    """A copy of this checkout's workflow and package, in another folder."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "results", "logs", "tests", "__pycache__", "*.egg-info", "build"
        ),
    )
    return copy


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))


def module(project, name: str):
    return project / "src" / "vanishing_gradient" / f"{name}.py"


def test_a_copy_in_another_folder_reruns_nothing(workflow_copy, project):
    """The code versions do not depend on where the checkout is."""
    assert "Nothing to be done" in snakemake(workflow_copy, "--dry-run", project=project).stdout


def test_a_logic_edit_in_the_trainer_reruns_training_and_all_that_follows(workflow_copy, project):
    edit(
        module(project, "training/plain_sgd"),
        "decay = 1.0 - eta * lmbda / n",
        "decay = 1.0 - 2 * eta * lmbda / n",
    )
    jobs = planned_jobs(workflow_copy, project)
    assert TRAINING <= set(jobs) and jobs["train_for_accuracy"] == 6
    assert jobs["compile_kernels"] == 1, "the new kernels are compiled once, first"
    assert {"aggregate_accuracy", "aggregate_speed", "aggregate_ablation", "write_report"} <= set(
        jobs
    )
    assert {"plot_speed_of_learning", "plot_ablation", "plot_accuracy_vs_depth"} <= set(jobs)
    assert not NEURON_CHAIN & set(jobs) and "prepare_mnist" not in jobs


def test_an_edit_to_the_warm_up_of_the_kernels_reruns_nothing(workflow_copy, project):
    """It compiles the same kernels: no training job depends on how."""
    module(project, "experiments/precompile").write_text(
        module(project, "experiments/precompile").read_text() + LOGIC
    )
    assert "Nothing to be done" in snakemake(workflow_copy, "--dry-run", project=project).stdout


def test_an_edit_in_a_plotting_module_redraws_its_figures_and_the_report(workflow_copy, project):
    module(project, "figures/ablation").write_text(
        module(project, "figures/ablation").read_text() + LOGIC
    )
    # The tuning curves share the ablation figures' panels and colours, so they are redrawn too.
    assert set(planned_jobs(workflow_copy, project)) == {
        "plot_ablation",
        "plot_learning_rates",
        "write_report",
        "all",
    }


def test_an_edit_in_the_report_code_rewrites_only_the_report(workflow_copy, project):
    module(project, "report/document").write_text(
        module(project, "report/document").read_text() + LOGIC
    )
    assert set(planned_jobs(workflow_copy, project)) == {"write_report", "all"}


def test_an_edit_in_the_summaries_keys_redoes_tables_figures_and_report(workflow_copy, project):
    """Every summary table is keyed and ordered by ``analysis/summary_rows``."""
    module(project, "analysis/summary_rows").write_text(
        module(project, "analysis/summary_rows").read_text() + LOGIC
    )
    jobs = set(planned_jobs(workflow_copy, project))
    assert {"aggregate_accuracy", "aggregate_speed", "aggregate_ablation", "write_report"} <= jobs
    assert {"plot_speed_of_learning", "plot_accuracy_vs_depth"} <= jobs
    assert not TRAINING & jobs and "simulate_neuron_chain" not in jobs


def test_an_edit_of_the_selection_rule_retrains_nothing(workflow_copy, project):
    """The selection of each variant's eta is analysis: it reruns, and while it selects the
    same etas no run trains again (a real run, since the checkpoint decides what follows)."""
    module(project, "analysis/learning_rates").write_text(
        module(project, "analysis/learning_rates").read_text() + LOGIC
    )
    assert not TRAINING & set(planned_jobs(workflow_copy, project))
    done = snakemake(workflow_copy, project=project)
    started = r"^(?:local)?(?:rule|checkpoint) (\w+):"
    ran = set(re.findall(started, done.stdout + done.stderr, flags=re.M))
    assert "select_learning_rates" in ran
    assert not TRAINING & ran


def test_comments_docstrings_and_formatting_rerun_nothing(workflow_copy, project):
    sgd = module(project, "training/plain_sgd")
    edit(sgd, '"""The book\'s plain SGD', '"""The book\'s plain (stochastic) SGD')
    edit(sgd, "        s *= decay\n", "        s *= decay  # this update's decay\n")
    edit(sgd, "decay = 1.0 - eta * lmbda / n", "decay = (1.0 - eta*lmbda/n)")
    script = project / "scripts" / "train_for_accuracy.py"
    edit(script, '"""Protocol A', '# A training job.\n"""Protocol A')
    edit(
        script,
        "log_to(snakemake.log[0])\n",
        "log_to(snakemake.log[0])  # first, so errors land\n\n",
    )
    assert "Nothing to be done" in snakemake(workflow_copy, "--dry-run", project=project).stdout


def code_version_of(project, script: str) -> str:
    """The version of ``scripts/<script>.py`` as the copy's package computes it."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from vanishing_gradient.support.code_version import code_version; "
            "print(code_version(sys.argv[1]))",
            str(project / "scripts" / f"{script}.py"),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(project / "src")},
    )
    return done.stdout.strip()


def test_a_new_module_the_trainer_imports_is_followed(workflow_copy, project):
    module(project, "training/step_sizes").write_text("def halved(eta):\n    return eta / 2\n")
    sgd = module(project, "training/plain_sgd")
    sgd.write_text(sgd.read_text() + "\nfrom .step_sizes import halved  # noqa: E402, F401\n")
    assert TRAINING <= set(planned_jobs(workflow_copy, project))
    before = code_version_of(project, "train_for_speed")
    module(project, "training/step_sizes").write_text("def halved(eta):\n    return eta / 4\n")
    assert code_version_of(project, "train_for_speed") != before, "no list to update"
    assert code_version_of(project, "simulate_neuron_chain") == code_version_of(
        ROOT, "simulate_neuron_chain"
    )
