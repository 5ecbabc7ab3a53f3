"""The two profiles: profiles/slurm replaces profiles/default, so it gives the same defaults."""

from pathlib import Path

import pytest
import yaml

from conftest import planned_resources, tiny_config, write_config

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {name: ROOT / "profiles" / name / "config.yaml" for name in ("default", "slurm")}


def profile(name: str) -> dict:
    return yaml.safe_load(PROFILES[name].read_text())


def test_both_profiles_give_the_same_resource_defaults_and_rerun_triggers():
    local, slurm = profile("default"), profile("slurm")
    for resource in ("mem_mb", "runtime"):
        assert slurm["default-resources"][resource] == local["default-resources"][resource]
    assert slurm["rerun-triggers"] == local["rerun-triggers"]


@pytest.mark.workflow
def test_a_rule_without_resources_of_its_own_takes_the_profiles(tmp_path, tiny_data):
    """A dry run: write_report declares no resources, a training rule declares its own."""
    write_config(tmp_path, tiny_config(*tiny_data))
    resources = planned_resources(tmp_path)
    defaults = profile("default")["default-resources"]
    runtime_minutes = int(defaults["runtime"].removesuffix("m"))
    assert f"mem_mb={defaults['mem_mb']}," in resources["write_report"]
    assert f"runtime={runtime_minutes}" in resources["write_report"]
    assert "mem_mb=400," in resources["train_for_accuracy"], "training_memory_mb, first attempt"
    assert "runtime=60" in resources["train_for_accuracy"]
