"""The warning when --cores would size the SLURM group jobs (vanishing_gradient.support.slurm_groups);
tests/test_slurm.py checks on a one-node cluster what the group jobs ask for."""

from pathlib import Path

import pytest
import yaml

from conftest import planned_resources, tiny_config, write_config

from vanishing_gradient.support.slurm_groups import group_request_warning, runs_at_once

ROOT = Path(__file__).resolve().parents[1]

GROUPED = ["train_for_speed", "train_for_accuracy"]


def test_a_group_is_sized_by_the_smaller_of_cores_and_run_slots():
    assert runs_at_once(cores=8, run_slots=1) == 1
    assert runs_at_once(cores=8, run_slots=None) == 8
    assert runs_at_once(cores=2, run_slots=4) == 2
    assert runs_at_once(cores=None, run_slots=None) == 1


def test_cores_above_one_without_the_run_slot_warn_with_what_to_type():
    warning = group_request_warning(
        cores=8, run_slots=None, grouped_rules=GROUPED, local_exec=False
    )
    assert "train_for_accuracy, train_for_speed" in warning
    assert "up to 8 CPUs and 8 x its runs' mem_mb" in warning
    assert "--cores 8" in warning
    assert "snakemake --workflow-profile profiles/slurm` without --cores" in warning
    assert "--cores 1" in warning


def test_no_warning_when_groups_ask_for_one_run():
    assert group_request_warning(8, 1, GROUPED, local_exec=False) is None, "the profile's slot"
    assert group_request_warning(1, None, GROUPED, local_exec=False) is None, "--cores 1"
    assert group_request_warning(8, None, [], local_exec=False) is None, "no groups"
    assert group_request_warning(8, None, GROUPED, local_exec=True) is None, "local runs"


@pytest.mark.workflow
def test_every_rule_that_takes_a_run_slot_is_grouped_on_slurm(tmp_path, tiny_data):
    """A training rule (one that takes a ``run_slot``) left out of the profile's groups would
    queue once per run. The rules and their resources are Snakemake's, from a dry run."""
    write_config(tmp_path, tiny_config(*tiny_data))
    slotted = {
        rule for rule, resources in planned_resources(tmp_path).items() if "run_slot=1" in resources
    }
    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    grouped = {entry.split("=")[0] for entry in profile["groups"]}
    assert "search_learning_rate" in slotted
    assert slotted == grouped
