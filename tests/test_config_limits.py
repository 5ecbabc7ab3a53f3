"""The config's values against the data and each other (vanishing_gradient.support.config_limits):
each value the runs would cut or misuse silently is refused, naming its key and its limit."""

import copy

import pytest
import yaml
from conftest import ROOT
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from vanishing_gradient.support.config_limits import (
    check_config,
    config_problems,
    training_split_size,
)

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
VARIANTS = ["sigmoid-default-sgd", "relu-he-sgd"]


def changed(edit) -> dict:
    """The project's config with ``edit`` applied to a copy."""
    config = copy.deepcopy(CONFIG)
    edit(config)
    return config


def test_the_projects_config_has_no_problem():
    assert config_problems(CONFIG, VARIANTS) == []
    assert training_split_size(CONFIG) == 50_000, "60,000 training images less 10,000"


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda c: c["accuracy"].update(training_size=60_000),
            "accuracy.training_size is 60,000, more than the training split's images "
            "(data.validation_size is held out) (50,000)",
        ),
        (
            lambda c: c["data"].update(validation_size=60_000),
            "data.validation_size is 60,000, which leaves no training split: the training "
            "file holds 60,000 images; give at most 59,999",
        ),
        (
            lambda c: c["speed"].update(training_size=50_001),
            "speed.training_size is 50,001, more than the training split's images",
        ),
        (
            lambda c: c["speed"].update(mini_batch_size=2_000),
            "speed.mini_batch_size is 2,000, more than speed.training_size (1,000)",
        ),
        (
            lambda c: c["accuracy"].update(probe_size=60_000),
            "accuracy.probe_size is 60,000, more than accuracy.training_size (50,000)",
        ),
        (
            lambda c: c["accuracy"].update(train_cost_size=50_001),
            "accuracy.train_cost_size is 50,001, more than accuracy.training_size (50,000)",
        ),
        (
            lambda c: c["depth_sweep"].update(accuracy_training_size=500),
            "depth_sweep.accuracy_training_size is 500, fewer than the accuracy.probe_size "
            "(1,000) images",
        ),
        (
            lambda c: c["speed"].update(lmbda=20_000.0),
            "speed.lmbda is 20000: with speed.eta = 0.1 and speed.training_size = 1,000 the "
            "weight decay factor 1 - eta * lmbda / n is -1, not above 0; lower speed.lmbda "
            "below 10,000",
        ),
        (
            lambda c: c["accuracy"].update(lmbda=200_000.0),
            "accuracy.lmbda is 200000: with accuracy.eta x max(ablation.eta_factors) = 0.3",
        ),
        (
            lambda c: c.update(architectures=["784-30-10"]),
            "architectures ['784-30-10'] has no network with two or more hidden layers",
        ),
        (
            lambda c: c["figures"].update(bars_architecture="784-30-10"),
            "figures.bars_architecture is 784-30-10, which is not among the architectures with "
            "two or more hidden layers",
        ),
        (
            lambda c: c["glorot"].update(lmbda=200_000.0),
            "glorot.lmbda is 200000: with accuracy.eta x max(glorot.eta_factors) = 0.3",
        ),
        (
            lambda c: c["glorot"].update(models=["tanh-standard-sgd", "tanh-glorot-sgd"]),
            "glorot.models lacks sigmoid-standard-sgd, the reference of the paper's orderings",
        ),
    ],
    ids=[
        "accuracy-training-size",
        "validation-size",
        "speed-training-size",
        "mini-batch",
        "probe",
        "train-cost",
        "sweep-below-probe",
        "decay-at-eta",
        "decay-at-grid",
        "no-deep-network",
        "bars",
        "glorot-decay",
        "glorot-without-sigmoid",
    ],
)
def test_a_value_beyond_its_limit_is_refused_naming_key_and_limit(edit, message):
    config = changed(edit)
    with pytest.raises(ValueError, match="^config") as refused:
        check_config(config, VARIANTS)
    assert message in str(refused.value)


def test_a_value_at_its_limit_passes():
    def at_limits(c):
        c["accuracy"].update(training_size=50_000, probe_size=50_000, train_cost_size=50_000)
        c["speed"].update(training_size=50_000, mini_batch_size=50_000)
        c["depth_sweep"].update(accuracy_training_size=50_000)

    assert config_problems(changed(at_limits), VARIANTS) == []


def test_a_variant_listed_twice_is_refused():
    with pytest.raises(ValueError, match="ablation.variants lists relu-he-sgd more than once"):
        check_config(CONFIG, [*VARIANTS, "relu-he-sgd"])


def test_every_problem_is_listed_at_once():
    def two(c):
        c["speed"].update(mini_batch_size=2_000)
        c["accuracy"].update(train_cost_size=60_000)

    with pytest.raises(ValueError) as refused:
        check_config(changed(two), VARIANTS)
    lines = str(refused.value).splitlines()
    assert lines[0] == "config:"
    assert [line[:20] for line in lines[1:]] == ["- speed.mini_batch_s", "- accuracy.train_cos"]


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_number_that_is_not_finite_is_refused_naming_its_key(value):
    config = changed(lambda c: c["accuracy"].update(lmbda=value))
    with pytest.raises(ValueError, match=f"^config accuracy.lmbda is {value}; give a finite"):
        check_config(config, VARIANTS)


SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


@pytest.mark.parametrize("section", ["accuracy", "speed"])
@pytest.mark.parametrize("key", yaml.safe_load(SCHEMA.read_text())["$defs"]["protocol"]["required"])
def test_the_schemas_error_for_a_bad_protocol_value_names_its_key(section, key):
    """Each of a protocol's keys, given a string where a number belongs, is the one the
    schema's error points at (the README: a wrong key or type fails, naming the key)."""
    config = changed(lambda c: c[section].update({key: "ten"}))
    with pytest.raises(WorkflowError) as refused:
        validate(config, schema=str(SCHEMA))
    message = str(refused.value)
    assert "'ten' is not of type" in message
    assert f"['{section}']['properties']['{key}']" in message
    assert "Unevaluated properties" not in message and "unexpected" not in message


def test_a_dpi_whose_figures_would_not_fit_in_memory_is_refused_naming_its_key():
    """The issue's 30,000 dpi: a 10 x 4 inch figure of 300,000 x 120,000 pixels."""
    assert validate(changed(lambda c: c["figures"].update(dpi=600)), schema=str(SCHEMA)) is None
    with pytest.raises(WorkflowError) as refused:
        validate(changed(lambda c: c["figures"].update(dpi=30_000)), schema=str(SCHEMA))
    message = str(refused.value)
    assert "30000 is greater than the maximum of 600" in message
    assert "['figures']['properties']['dpi']" in message
