"""The learning-rate search: each variant's grid, one search run, the selection of eta on
synthetic tables whose best eta is known, and the verdicts that change between settings."""

import numpy as np
import pandas as pd
import pytest

from test_protocols import ARCH, data  # noqa: F401 (a fixture)
from vanishing_gradient.analysis.learning_rates import (
    LEARNING_RATE_COLUMNS,
    learning_rates,
    selected_etas,
    verdict_changes,
)
from vanishing_gradient.experiments.learning_rates import (
    default_eta,
    eta_grid,
    eta_text,
    search_run,
)
from vanishing_gradient.experiments.protocols import Protocol, Variant, run_accuracy_protocol
from vanishing_gradient.model.identity import variant_columns
from vanishing_gradient.model.optimisers import OPTIMISERS


def test_a_learning_rate_names_a_run_by_its_shortest_decimal_form():
    assert eta_text(0.1 * 0.3) == "0.03"
    assert float(eta_text(0.1 * 3)) == 0.3
    assert eta_grid(0.1, [10, 0.1, 1, 0.3, 3]) == ["0.01", "0.03", "0.1", "0.3", "1"]
    assert eta_grid(0.001, [0.3, 3]) == ["0.0003", "0.003"]


@pytest.mark.parametrize("optimiser", list(OPTIMISERS))
def test_every_optimiser_has_a_default_learning_rate(optimiser):
    """Its own eta setting where its entry has one (Adam, RMSProp), else the protocol's."""
    own = {s.key: s.default for s in OPTIMISERS[optimiser].settings if s.argument == "eta"}
    variant = f"sigmoid-default-{optimiser}"
    expected = next(iter(own.values()), 0.25)
    assert default_eta(variant, {}, protocol_eta=0.25) == expected
    configured = {key: 0.004 for key in own}
    assert default_eta(variant, configured, protocol_eta=0.25) == (0.004 if own else 0.25)


def search_table(means: dict[float, list[float]], variant="sigmoid-default-sgd", diverged=()):
    """Search runs of one variant: per eta, one final validation accuracy per seed; the
    etas in ``diverged`` diverged for their last seed."""
    rows = []
    for eta, accuracies in means.items():
        for seed, accuracy in enumerate(accuracies, start=1):
            lost = eta in diverged and seed == len(accuracies)
            rows.append(
                {
                    **variant_columns(variant),
                    "eta": eta,
                    "seed": seed,
                    "val_accuracy": np.nan if lost else accuracy,
                    "diverged": lost,
                }
            )
    return pd.DataFrame(rows)


def chosen(table: pd.DataFrame) -> pd.Series:
    (row,) = [r for _, r in table.iterrows() if r["selected"]]
    return row


def test_the_best_mean_is_selected_and_every_row_reported():
    runs = search_table(
        {0.01: [0.90, 0.91], 0.03: [0.95, 0.951], 0.1: [0.93, 0.931], 0.3: [0.80, 0.81]}
    )
    table = learning_rates(runs, {"sigmoid-default-sgd": 0.1})
    assert list(table.columns) == LEARNING_RATE_COLUMNS
    assert table["eta"].tolist() == [0.01, 0.03, 0.1, 0.3]
    assert table["val_accuracy_mean"].tolist() == pytest.approx([0.905, 0.9505, 0.9305, 0.805])
    assert table["n_seeds"].tolist() == [2] * 4
    row = chosen(table)
    assert row["eta"] == 0.03 and not row["at_grid_edge"]
    assert table["within_one_standard_error"].tolist() == [False, True, False, False]
    assert selected_etas(table) == {"sigmoid-default-sgd": 0.03}


def test_a_tie_within_the_seeds_spread_goes_to_the_eta_nearest_the_default():
    """0.3 has the best mean, but 0.1 lies within one standard error of it (0.0025)."""
    runs = search_table({0.03: [0.90, 0.90], 0.1: [0.948, 0.952], 0.3: [0.947, 0.957]})
    table = learning_rates(runs, {"sigmoid-default-sgd": 0.1})
    assert table.loc[table["eta"] == 0.3, "val_accuracy_mean"].item() > 0.950
    assert chosen(table)["eta"] == 0.1
    # without the spread the best mean wins
    runs = search_table({0.03: [0.90, 0.90], 0.1: [0.950, 0.950], 0.3: [0.952, 0.952]})
    assert chosen(learning_rates(runs, {"sigmoid-default-sgd": 0.1}))["eta"] == 0.3


@pytest.mark.parametrize("best", [0.01, 1.0])
def test_a_best_eta_at_the_edge_of_the_grid_is_flagged(best):
    grid = [0.01, 0.1, 1.0]
    runs = search_table({eta: [0.95 if eta == best else 0.9] * 2 for eta in grid})
    table = learning_rates(runs, {"sigmoid-default-sgd": 0.1})
    row = chosen(table)
    assert row["eta"] == best and row["at_grid_edge"]
    assert table["at_grid_edge"].sum() == 1, "only the selected row carries the flag"


def test_an_eta_at_which_a_seed_diverged_is_never_selected():
    runs = search_table({0.1: [0.93, 0.93], 0.3: [0.97, 0.97]}, diverged=[0.3])
    table = learning_rates(runs, {"sigmoid-default-sgd": 0.1})
    assert table.set_index("eta").loc[0.3, "n_diverged"] == 1
    assert chosen(table)["eta"] == 0.1


def test_a_variant_whose_every_eta_diverged_is_an_error_naming_the_fix():
    runs = search_table({0.1: [0.9, 0.9], 1.0: [0.9, 0.9]}, variant="relu-he-adam")
    runs["diverged"], runs["val_accuracy"] = True, np.nan
    with pytest.raises(ValueError, match=r"relu-he-adam diverged .*ablation.eta_factors"):
        learning_rates(runs, {"relu-he-adam": 0.001})


def test_every_variant_gets_its_own_selection_in_its_order():
    runs = pd.concat(
        [
            search_table({0.1: [0.90, 0.90], 0.3: [0.95, 0.95]}, "tanh-glorot-sgd"),
            search_table({0.0003: [0.96, 0.96], 0.001: [0.90, 0.90]}, "sigmoid-default-adam"),
        ]
    )
    table = learning_rates(runs, {"tanh-glorot-sgd": 0.1, "sigmoid-default-adam": 0.001})
    assert list(dict.fromkeys(table["variant"])) == ["tanh-glorot-sgd", "sigmoid-default-adam"]
    assert selected_etas(table) == {"tanh-glorot-sgd": 0.3, "sigmoid-default-adam": 0.0003}
    assert table["default_eta"].tolist() == [0.1, 0.1, 0.001, 0.001]


def test_a_search_run_records_its_validation_accuracy_and_never_the_test(data):  # noqa: F811
    protocol = Protocol(training_size=300, epochs=2, mini_batch_size=10, eta=2.0, lmbda=1.0)
    (row,) = search_run(
        ARCH, 3, data, protocol, probe_size=50, train_cost_size=100, variant=Variant()
    )
    full = run_accuracy_protocol(ARCH, 3, data, protocol, probe_size=50, train_cost_size=100)
    assert row["val_accuracy"] == full.epoch_rows[-1]["val_accuracy"]
    assert (row["eta"], row["epochs"], row["diverged"]) == (2.0, 2, False)
    assert "test_accuracy" not in row
    untested = run_accuracy_protocol(
        ARCH, 3, data, protocol, probe_size=50, train_cost_size=100, test=False
    )
    assert len(untested.test_rows) == 0 and len(full.test_rows) == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_search_run_that_diverges_is_a_result(data):  # noqa: F811
    huge = Protocol(training_size=300, epochs=3, mini_batch_size=10, eta=1e308, lmbda=0.0)
    (row,) = search_run(ARCH, 3, data, huge, probe_size=50, train_cost_size=100, variant=Variant())
    assert row["diverged"] and np.isnan(row["val_accuracy"]) and row["epochs"] == 1


def comparison(verdicts: dict, eta: float) -> pd.DataFrame:
    """A variant_comparison table: variant -> (accuracy difference, accuracy verdict, speed
    class)."""
    return pd.DataFrame(
        [
            {
                "variant": variant,
                "eta": eta,
                "accuracy_difference": difference,
                "accuracy_verdict": accuracy,
                "verdict": speed,
            }
            for variant, (difference, accuracy, speed) in verdicts.items()
        ]
    )


def test_verdict_changes_flag_the_accuracy_direction_and_the_speed_class():
    book = comparison(
        {
            "sigmoid-default-momentum": (-0.02, "lower", "reduced"),
            "relu-he-sgd": (0.01, "higher", "removed"),
            "sigmoid-default-adam": (0.004, "higher", "reduced"),
        },
        0.1,
    )
    tuned = comparison(
        {
            "relu-he-sgd": (0.012, "higher", "removed"),
            "sigmoid-default-momentum": (0.001, "within_seed_spread", "reduced"),
            "sigmoid-default-adam": (0.005, "higher", "worse"),
        },
        0.03,
    )
    table = verdict_changes(book, tuned).set_index("variant")
    assert list(table.index) == list(book["variant"])
    assert table["accuracy_verdict_changed"].tolist() == [True, False, False]
    assert table["speed_verdict_changed"].tolist() == [False, False, True]
    momentum = table.loc["sigmoid-default-momentum"]
    assert (momentum["book_eta"], momentum["tuned_eta"]) == (0.1, 0.03)
    assert momentum["tuned_accuracy_difference"] == 0.001
