"""The glorot target from a fresh working directory on tiny generated MNIST: its table of
test errors beside the paper's, the paper's orderings tested, and a report that names its
budget; the default target never asks for it."""

import pandas as pd
import pytest

from conftest import planned_jobs, snakemake, tiny_config, write_config
from vanishing_gradient import papers
from vanishing_gradient.analysis.glorot_table import TEST_ERROR_COLUMNS
from vanishing_gradient.analysis.significance import FAMILY_COLUMNS

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def glorot_run(tmp_path_factory, tiny_data):
    """A working directory in which `snakemake glorot` alone has run once."""
    workdir = tmp_path_factory.mktemp("glorot")
    config = tiny_config(*tiny_data)
    write_config(workdir, config)
    snakemake(workdir, "glorot")
    return workdir, config["glorot"]


def test_the_table_has_every_model_beside_the_papers_value(glorot_run):
    workdir, budget = glorot_run
    table = pd.read_csv(workdir / "results" / "glorot" / "tables" / "test_errors.csv")
    assert list(table.columns) == TEST_ERROR_COLUMNS
    assert list(table["variant"]) == budget["models"]
    assert (table["n_seeds"] == len(budget["accuracy_seeds"])).all()
    hidden = "-".join([str(budget["width"])] * budget["hidden_layers"])
    assert (table["architecture"] == f"784-{hidden}-10").all()
    assert dict(zip(table["variant"], table["paper_test_error"])) == {
        model: papers.GLOROT_BENGIO_TEST_ERROR[model] for model in budget["models"]
    }


def test_the_orderings_are_tested(glorot_run):
    workdir, _ = glorot_run
    orderings = pd.read_csv(workdir / "results" / "glorot" / "tables" / "orderings.csv")
    assert len(orderings) == len(papers.GLOROT_BENGIO_ORDERINGS)
    for column in ["difference", "p_value", *FAMILY_COLUMNS, "verdict", "paper_ordering"]:
        assert column in orderings.columns, column
    saturation = pd.read_csv(workdir / "results" / "glorot" / "tables" / "saturation_check.csv")
    assert list(saturation["network_setting"]) == ["glorot_bengio"]
    assert saturation["hidden_layers"].iloc[0] == glorot_run[1]["saturation_hidden_layers"]


def test_the_report_names_its_budget(glorot_run):
    workdir, budget = glorot_run
    report = (workdir / "results" / "glorot" / "report.md").read_text()
    assert f"for {budget['epochs']} epochs" in report
    assert "seeds " + ", ".join(map(str, budget["accuracy_seeds"])) in report
    assert "of the paper's about 5,000,000" in report
    assert "## The paper's orderings" in report and "detectable difference" in report


def test_the_default_target_does_not_run_it(glorot_run):
    workdir, _ = glorot_run
    jobs = planned_jobs(workdir)
    assert "write_report" in jobs
    assert not [rule for rule in jobs if "glorot" in rule]
