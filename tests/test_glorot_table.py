"""Glorot & Bengio's Table 1 at the glorot target's budget (analysis/glorot_table.py) on
synthetic per-run tables: the table of test errors beside the paper's, the paper's orderings
tested, the saturation test at the target's width, the share of the paper's updates."""

import numpy as np
import pandas as pd
import pytest

from test_report_beyond import saturation_rows
from vanishing_gradient import papers
from vanishing_gradient.analysis import glorot_table
from vanishing_gradient.analysis.saturation import GLOROT_BENGIO_VARIANT
from vanishing_gradient.model.identity import variant_columns
from vanishing_gradient.report.glorot import glorot_report

SEEDS = [1, 2, 3, 4, 5, 6]
ARCHITECTURE = "784-20-20-20-20-20-10"


def per_run_test_tables(errors: dict[str, list[float]]) -> pd.DataFrame:
    """Per-run test tables of each model with the given test errors, one per seed."""
    return pd.DataFrame(
        [
            {
                "protocol": "A",
                **variant_columns(model),
                "eta": 0.3,
                "architecture": ARCHITECTURE,
                "seed": seed,
                "test_accuracy": 1.0 - error,
            }
            for model, model_errors in errors.items()
            for seed, error in zip(SEEDS, model_errors)
        ]
    )


def spread(centre: float, width: float = 0.001) -> list[float]:
    """Six errors around ``centre`` with a small spread."""
    return list(centre + width * np.array([-1.0, -0.5, -0.2, 0.2, 0.5, 1.0]))


# The paper's ordering, clearly: sigmoid far worse, tanh N better than tanh.
ORDERED = {
    "sigmoid-standard-sgd": spread(0.08),
    "tanh-standard-sgd": spread(0.030),
    "tanh-glorot-sgd": spread(0.020),
    "softsign-standard-sgd": spread(0.025),
    "softsign-glorot-sgd": spread(0.026),
}


def learning_rates(models) -> pd.DataFrame:
    """A learning_rates table that selected eta 0.3 for each model, at the grid's edge for
    the first."""
    return pd.DataFrame(
        [
            {"variant": model, "eta": 0.3, "selected": True, "at_grid_edge": i == 0}
            for i, model in enumerate(models)
        ]
    )


def test_the_table_has_every_model_beside_the_papers_value():
    table = glorot_table.test_error_table(per_run_test_tables(ORDERED), learning_rates(ORDERED))
    assert list(table["variant"]) == list(ORDERED)
    assert list(table.columns) == glorot_table.TEST_ERROR_COLUMNS
    row = table.set_index("variant").loc["tanh-glorot-sgd"]
    assert row["paper_label"] == "Tanh N" and row["paper_test_error"] == 0.0164
    assert row["test_error_mean"] == pytest.approx(0.020)
    assert row["test_error_std"] == pytest.approx(np.std(spread(0.020), ddof=1))
    assert row["n_seeds"] == 6 and not row["paper_in_range"]
    assert table.set_index("variant").loc["sigmoid-standard-sgd", "at_grid_edge"]


def test_the_paper_value_in_our_range_is_flagged():
    errors = {**ORDERED, "tanh-standard-sgd": spread(0.0176)}
    table = glorot_table.test_error_table(per_run_test_tables(errors), learning_rates(errors))
    assert table.set_index("variant").loc["tanh-standard-sgd", "paper_in_range"]


def test_a_known_ordering_is_detected():
    table = glorot_table.ordering_tests(per_run_test_tables(ORDERED))
    assert len(table) == len(papers.GLOROT_BENGIO_ORDERINGS) == 5
    assert set(table["question"]) == {"sigmoid_worst", "normalised_helps_tanh"}
    for column in ("difference", "ci_low", "ci_high", "p_holm", "detectable_difference"):
        assert table[column].notna().all(), column
    assert (table["verdict"] == "lower").all()
    assert (table["paper_ordering"] == "confirmed").all()
    tanh = table[table["question"] == "normalised_helps_tanh"].iloc[0]
    assert tanh["difference"] == pytest.approx(-0.010)
    assert tanh["paper_difference"] == pytest.approx(0.0164 - 0.0176)


def test_a_test_that_finds_no_difference_states_its_detectable_difference():
    errors = {**ORDERED, "tanh-glorot-sgd": spread(0.030, 0.01)}
    table = glorot_table.ordering_tests(per_run_test_tables(errors))
    tanh = table[table["question"] == "normalised_helps_tanh"].iloc[0]
    assert tanh["verdict"] == "within_seed_spread"
    assert tanh["paper_ordering"] == "not_resolved"
    assert 0 < tanh["detectable_difference"] < 0.05
    report = glorot_report(tables(errors), BUDGET)
    assert f"{100 * tanh['detectable_difference']:.2f}" in report


def test_a_reversed_ordering_is_named():
    errors = {**ORDERED, "tanh-glorot-sgd": spread(0.040)}
    table = glorot_table.ordering_tests(per_run_test_tables(errors))
    tanh = table[table["question"] == "normalised_helps_tanh"].iloc[0]
    assert tanh["verdict"] == "higher" and tanh["paper_ordering"] == "reversed"


def test_an_ordering_whose_models_were_not_trained_is_left_out():
    errors = {model: ORDERED[model] for model in ("sigmoid-standard-sgd", "tanh-standard-sgd")}
    table = glorot_table.ordering_tests(per_run_test_tables(errors))
    assert list(table["model"]) == ["tanh-standard-sgd"]
    with pytest.raises(ValueError, match="none of the paper's orderings"):
        glorot_table.ordering_tests(
            per_run_test_tables({"tanh-glorot-sgd": ORDERED["tanh-glorot-sgd"]})
        )


def test_the_updates_are_a_fraction_of_the_papers():
    row = glorot_table.updates_table(3, 50_000, 10).iloc[0]
    assert row["updates"] == 15_000 and row["paper_updates"] == 5_000_000
    assert row["fraction_of_paper"] == pytest.approx(0.003)
    assert glorot_table.updates_table(1, 25, 10).iloc[0]["updates"] == 3, "a last short batch"


def test_the_papers_sigmoid_is_the_saturation_tests_network():
    assert papers.SIGMOID == GLOROT_BENGIO_VARIANT
    assert set(papers.GLOROT_BENGIO_LABELS) == set(papers.GLOROT_BENGIO_TEST_ERROR)


def saturation(top_after_first) -> pd.DataFrame:
    return pd.DataFrame(
        saturation_rows({**variant_columns(GLOROT_BENGIO_VARIANT), "eta": 0.3}, top_after_first)
    )


def test_the_saturation_test_names_the_papers_setting():
    check = glorot_table.paper_width_saturation(saturation([(0.05, 0.02)] * 3))
    assert len(check) == 1
    row = check.iloc[0]
    assert row["network_setting"] == "glorot_bengio" and row["verdict"] == "shown"
    assert row["variant"] == GLOROT_BENGIO_VARIANT


BUDGET = {
    "table_architecture": ARCHITECTURE,
    "saturation_architecture": "784-20-20-10",
    "epochs": 3,
    "lmbda": 0.0,
    "accuracy_seeds": tuple(SEEDS),
    "selection_seeds": (101, 102),
    "eta_factors": (0.3, 1.0, 3.0),
    "training_size": 50_000,
    "mini_batch_size": 10,
    "validation_size": 10_000,
    "probe_size": 1000,
}


def tables(errors) -> dict[str, pd.DataFrame]:
    runs = per_run_test_tables(errors)
    return {
        "test_errors": glorot_table.test_error_table(runs, learning_rates(errors)),
        "orderings": glorot_table.ordering_tests(runs),
        "saturation_check": glorot_table.paper_width_saturation(saturation([(0.3, 0.2)] * 3)),
        "updates": glorot_table.updates_table(3, 50_000, 10),
    }


def test_the_report_names_its_budget_and_the_papers_values():
    report = glorot_report(tables(ORDERED), BUDGET)
    assert ARCHITECTURE in report and "after 3 epochs" in report
    assert "15,000 updates" in report and "0.3 % of the paper's about 5,000,000" in report
    assert "seeds 1, 2, 3, 4, 5, 6" in report and "seeds 101, 102" in report
    for model, error in papers.GLOROT_BENGIO_TEST_ERROR.items():
        assert f"| {model} | {papers.GLOROT_BENGIO_LABELS[model]} |" in report
        assert f"| {100 * error:.2f} |" in report
    assert "Our numbers do not show this" in report
    assert "{" not in report, "every template field is filled"
