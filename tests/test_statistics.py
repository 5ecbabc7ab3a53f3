"""Summaries across seeds, checked against hand-computed values."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from test_report_beyond import saturation_rows

from vanishing_gradient.analysis import accuracy as accuracy_tables
from vanishing_gradient.analysis import saturation as saturation_tables
from vanishing_gradient.analysis import significance
from vanishing_gradient.analysis import speed as speed_tables
from vanishing_gradient.analysis import summary_rows
from vanishing_gradient.analysis import variant_verdicts
from vanishing_gradient.model.identity import variant_columns


@pytest.fixture
def by_epoch():
    rows = []
    for arch, finals in {
        "784-30-10": [0.95, 0.96, 0.97],
        "784-30-30-10": [0.97, 0.975, 0.98],
    }.items():
        for seed, final in enumerate(finals, start=1):
            for epoch, acc in enumerate([final - 0.02, final + 0.005, final], start=1):
                rows.append(
                    {
                        "architecture": arch,
                        "seed": seed,
                        "epoch": epoch,
                        "val_accuracy": acc,
                        "val_cost": 0.1,
                        "train_cost": 0.1,
                        "seconds": 1.0,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def test_accuracy():
    return pd.DataFrame(
        {
            "architecture": ["784-30-10"] * 3 + ["784-30-30-10"] * 3,
            "seed": [1, 2, 3] * 2,
            "test_accuracy": [0.9, 0.91, 0.92, 0.93, 0.94, 0.95],
        }
    )


def test_accuracy_by_run_final_and_best(by_epoch, test_accuracy):
    runs = accuracy_tables.accuracy_by_run(by_epoch, test_accuracy)
    first = runs[(runs["architecture"] == "784-30-10") & (runs["seed"] == 1)].iloc[0]
    assert first["final_val_accuracy"] == pytest.approx(0.95)
    assert first["best_val_accuracy"] == pytest.approx(0.955)
    assert first["best_epoch"] == 2
    assert first["epochs"] == 3
    assert first["test_accuracy"] == pytest.approx(0.9)
    assert first["hidden_layers"] == 1


def test_accuracy_summary_against_the_book(by_epoch, test_accuracy):
    summary = accuracy_tables.accuracy_summary(
        accuracy_tables.accuracy_by_run(by_epoch, test_accuracy)
    )
    row = summary.set_index("architecture").loc["784-30-10"]
    assert row["n_seeds"] == 3
    assert row["val_accuracy_mean"] == pytest.approx(0.96)
    assert row["val_accuracy_std"] == pytest.approx(0.01)  # sample std, ddof = 1
    assert row["book_val_accuracy"] == pytest.approx(0.9648)
    assert row["difference_from_book"] == pytest.approx(0.96 - 0.9648)
    assert row["book_in_seed_range"]
    assert not summary.set_index("architecture").loc[
        "784-30-30-10", "book_in_seed_range"
    ]  # 0.969 < 0.97
    assert summary["architecture"].tolist() == ["784-30-10", "784-30-30-10"]


def test_accuracy_summary_places_each_single_run_among_the_seeds(by_epoch, test_accuracy):
    summary = accuracy_tables.accuracy_summary(
        accuracy_tables.accuracy_by_run(by_epoch, test_accuracy)
    )
    table = summary.set_index("architecture")
    # seeds 0.95, 0.96, 0.97 and 0.97, 0.975, 0.98; book 0.9648, 0.969; re-run 0.9647, 0.968
    assert table["seeds_below_book"].tolist() == [2, 0]
    assert table["seeds_below_rerun"].tolist() == [2, 0]
    assert table.loc["784-30-10", "rerun_val_accuracy"] == pytest.approx(0.9647)
    assert table.loc["784-30-10", "difference_from_rerun"] == pytest.approx(0.96 - 0.9647)
    assert table["rerun_in_seed_range"].tolist() == [True, False]
    assert table["differs_from_rerun"].tolist() == [True, True]  # 0.47 points away; outside
    assert table["differs_from_book"].tolist() == [True, True]


# Cohen (1988), table 2.4.1: two groups of n, unit spread, two-sided level 0.05, power 0.80
# need n = 26 for a difference of 0.8, 64 for 0.5 and 393 for 0.2.
@pytest.mark.parametrize("n, difference", [(26, 0.8), (64, 0.5), (393, 0.2)])
def test_detectable_difference_gives_cohens_sample_sizes(n, difference):
    detectable = significance.detectable_difference(np.sqrt(2 / n), 2 * n - 2, 0.05)
    assert detectable == pytest.approx(difference, abs=0.01)
    # one seed fewer a side could not detect the same difference
    assert significance.detectable_difference(np.sqrt(2 / (n - 1)), 2 * n - 4, 0.05) > detectable


def test_detectable_difference_near_the_usual_approximation():
    """(t_{1 - alpha/2, df} + t_{power, df}) se: 3.0 with 3 seeds a side, 1.3 with 10."""
    for n, expected in ((3, 3.0), (10, 1.3)):
        detectable = significance.detectable_difference(np.sqrt(2 / n), 2 * n - 2, 0.05)
        approximation = (stats.t.ppf(0.975, 2 * n - 2) + stats.t.ppf(0.8, 2 * n - 2)) * np.sqrt(
            2 / n
        )
        assert detectable == pytest.approx(expected, abs=0.08)
        assert detectable == pytest.approx(approximation, rel=0.02)


@pytest.mark.parametrize(
    "n1, n2, s1, s2, welch, found",
    [
        # Student's test, for which the non-central t is exact
        (5, 5, 1.0, 1.0, False, (0.785, 0.815)),
        # Welch's test estimates its degrees of freedom from the sample, fewer than the
        # true spreads give, so it falls a little short of the power it was given
        (5, 5, 1.0, 1.0, True, (0.72, 0.78)),
        (5, 7, 1.0, 2.0, True, (0.74, 0.80)),
    ],
)
def test_detectable_difference_is_found_with_its_power_in_a_simulation(
    n1, n2, s1, s2, welch, found
):
    """t-tests of two normal samples at level 0.01 (20,000 draws, a fixed seed) with a true
    difference equal to the detectable difference: the share of draws that find it (its
    standard error is 0.3 %), and far fewer at half that difference."""
    rng = np.random.default_rng(20)
    level = 0.01
    se = np.sqrt(s1**2 / n1 + s2**2 / n2)
    nu = se**4 / ((s1**2 / n1) ** 2 / (n1 - 1) + (s2**2 / n2) ** 2 / (n2 - 1))
    detectable = significance.detectable_difference(se, nu, level)

    def power(delta):
        a = rng.normal(delta, s1, size=(20000, n1))
        b = rng.normal(0.0, s2, size=(20000, n2))
        return np.mean(stats.ttest_ind(a, b, axis=1, equal_var=not welch).pvalue < level)

    low, high = found
    assert low < power(detectable) < high
    assert power(detectable / 2) < 0.35


def test_detectable_difference_needs_a_spread():
    assert np.isnan(significance.detectable_difference(0.0, 4, 0.05))
    assert np.isnan(significance.detectable_difference(np.nan, 4, 0.05))
    assert np.isnan(significance.detectable_difference(1.0, np.nan, 0.05))


def test_a_familys_detectable_difference_is_at_holms_first_level():
    """Three tests of which one has no p-value: each is judged first at 0.05 / 2."""
    rows = [
        {"difference": d, "p_value": p, "standard_error": 0.01, "welch_df": 8.0}
        for d, p in ((0.02, 0.001), (0.001, 0.8), (0.0, np.nan))
    ]
    table = significance.with_family_verdicts(
        rows,
        ["difference", "p_value"],
        "difference",
        "verdict",
    )
    assert table.columns.tolist() == [
        "difference",
        "p_value",
        "p_holm",
        "detectable_difference",
        "verdict",
    ]
    expected = significance.detectable_difference(0.01, 8.0, 0.05 / 2)
    assert table["detectable_difference"].tolist() == pytest.approx([expected] * 3)
    assert table["verdict"].tolist() == ["higher", "within_seed_spread", "not_testable"]
    assert expected > significance.detectable_difference(0.01, 8.0, 0.05)


def test_depth_comparison_is_welch(by_epoch, test_accuracy):
    table = accuracy_tables.depth_comparison(
        accuracy_tables.accuracy_by_run(by_epoch, test_accuracy)
    )
    row = table.iloc[0]
    a, b = np.array([0.95, 0.96, 0.97]), np.array([0.97, 0.975, 0.98])
    t = (b.mean() - a.mean()) / np.sqrt(a.var(ddof=1) / 3 + b.var(ddof=1) / 3)
    assert (row["shallower"], row["deeper"]) == ("784-30-10", "784-30-30-10")
    assert row["mean_difference"] == pytest.approx(0.015)
    se = np.sqrt(a.var(ddof=1) / 3 + b.var(ddof=1) / 3)
    df = se**4 / ((a.var(ddof=1) / 3) ** 2 / 2 + (b.var(ddof=1) / 3) ** 2 / 2)
    assert row["welch_t"] == pytest.approx(t)
    assert row["welch_df"] == pytest.approx(df)
    half = stats.t.ppf(0.975, df) * se
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.015 - half, 0.015 + half))
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), df))
    assert row["p_holm"] == pytest.approx(row["p_value"])  # a single comparison
    assert row["verdict"] == "within_seed_spread"  # p = 0.16
    assert row["detectable_difference"] == pytest.approx(
        significance.detectable_difference(se, df, 0.05)  # one comparison: level 0.05
    )


def test_holm_by_hand():
    # sorted: 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> running
    # maximum 0.02, 0.03, 0.06, 0.06; NaN is no test and stays NaN
    adjusted = significance.holm([0.01, np.nan, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, np.nan, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(significance.holm([0.6, 0.5]), [1.0, 1.0])  # capped at 1
    assert significance.holm([]).size == 0


def test_depth_comparison_holm_across_neighbours():
    finals = {
        "784-30-10": [0.90, 0.91, 0.92],
        "784-30-30-10": [0.95, 0.96, 0.97],
        "784-30-30-30-10": [0.951, 0.962, 0.969],
        "784-30-30-30-30-10": [0.96],
    }
    runs = pd.DataFrame(
        [
            {"architecture": arch, "seed": seed, "final_val_accuracy": value}
            for arch, values in finals.items()
            for seed, value in enumerate(values, start=1)
        ]
    )
    table = accuracy_tables.depth_comparison(runs)
    assert table["deeper"].tolist() == list(finals)[1:]
    np.testing.assert_allclose(table["p_holm"], significance.holm(table["p_value"]))
    assert table["p_holm"].iloc[0] == pytest.approx(2 * table["p_value"].iloc[0])  # m = 2
    assert table["verdict"].tolist() == ["higher", "within_seed_spread", "not_testable"]


def test_welch_without_spread_is_not_testable():
    test = significance.welch([0.9, 0.9], [0.8, 0.8])
    assert test["difference"] == pytest.approx(0.1)
    assert np.isnan(test["p_value"]) and np.isnan(test["ci_low"])


def _variant_rows(accuracies: dict, ratios: dict):
    runs = pd.DataFrame(
        [
            {**variant_columns(variant), "eta": 0.1, "seed": seed, "test_accuracy": value}
            for variant, values in accuracies.items()
            for seed, value in enumerate(values, start=1)
        ]
    )
    ratio = pd.DataFrame(
        [
            {
                "protocol": protocol,
                **variant_columns(variant),
                "eta": 0.1,
                "phase": phase,
                "n_seeds": 3,
                "median": median * (1000 if protocol == "A" else 1),
                "min": 0.8 * median * (1000 if protocol == "A" else 1),
                "max": 1.25 * median * (1000 if protocol == "A" else 1),
            }
            for protocol in ("A", "B")
            for variant, median in ratios.items()
            for phase in ("initialisation", "training")
        ]
    )
    return runs, ratio


def test_variant_comparison_against_the_baseline():
    accuracies = {
        "tanh-glorot-sgd": [0.970, 0.971, 0.975],
        "sigmoid-default-sgd": [0.960, 0.962, 0.964],
        "sigmoid-large-sgd": [0.900, 0.910, 0.920],
        "tanh-default-sgd": [0.963, 0.965, 0.967],
        "relu-he-nesterov": [0.97],  # one seed: not testable
    }
    ratios = {
        "tanh-glorot-sgd": 1.2,
        "sigmoid-default-sgd": 80.0,
        "sigmoid-large-sgd": 320.0,
        "tanh-default-sgd": 3.5,
        "relu-he-nesterov": 0.2,
    }
    table = variant_verdicts.variant_comparison(
        *_variant_rows(accuracies, ratios), "sigmoid-default-sgd"
    )
    assert table["variant"].tolist() == [
        "tanh-glorot-sgd",
        "sigmoid-large-sgd",
        "tanh-default-sgd",
        "relu-he-nesterov",
    ]
    assert (table["baseline"] == "sigmoid-default-sgd").all()
    row = table.set_index("variant").loc["sigmoid-large-sgd"]
    assert row["ratio_fold_change"] == pytest.approx(4.0)  # protocol B: 320 / 80
    assert row["accuracy_difference"] == pytest.approx(0.91 - 0.962)
    expected = stats.ttest_ind([0.900, 0.910, 0.920], [0.960, 0.962, 0.964], equal_var=False)
    assert row["p_value"] == pytest.approx(expected.pvalue)
    assert row["ci_low"] < row["accuracy_difference"] < row["ci_high"] < 0
    assert table["verdict"].tolist() == ["removed", "worse", "reduced", "reversed"]
    np.testing.assert_allclose(table["p_holm"], significance.holm(table["p_value"]))
    assert np.isnan(table["p_holm"].iloc[3])  # not counted among the tests
    assert table["accuracy_verdict"].tolist()[3] == "not_testable"
    assert table.set_index("variant").loc["sigmoid-large-sgd", "accuracy_verdict"] == "lower"
    assert table["imbalance_below_baseline_range"].tolist() == [True, False, True, True]
    # relu-he-nesterov reverses the ratio to 0.2 (seeds 0.16-0.25): imbalance at most 6.25
    assert table["helps"].tolist() == ["speed and accuracy", "neither", "speed", "speed"]


def test_a_remedy_helps_only_beyond_the_seed_ranges():
    """A ratio just below the baseline's, with overlapping seed ranges, does not help; the
    variant's parts, remedies included, lead its row."""
    accuracies = {"sigmoid-default-sgd": [0.960, 0.962, 0.964]}
    accuracies["sigmoid-default-sgd-clip"] = accuracies["sigmoid-default-sgd"]
    accuracies["sigmoid-default-sgd-residual"] = [0.960, 0.963, 0.964]
    ratios = {"sigmoid-default-sgd": 80.0, "sigmoid-default-sgd-clip": 79.0}
    ratios["sigmoid-default-sgd-residual"] = 20.0
    table = variant_verdicts.variant_comparison(
        *_variant_rows(accuracies, ratios), "sigmoid-default-sgd"
    )
    assert table["verdict"].tolist() == ["reduced", "reduced"]
    assert table["helps"].tolist() == ["neither", "speed"]
    assert table[["residual", "clipping"]].values.tolist() == [[False, True], [True, False]]
    assert variant_verdicts.helps("worse", False, "higher") == "accuracy"
    assert variant_verdicts.helps("reversed", False, "lower") == "neither"


def test_imbalance_range_counts_both_directions():
    assert variant_verdicts.imbalance_range(2.0, 8.0) == (2.0, 8.0)
    assert variant_verdicts.imbalance_range(0.1, 0.5) == (2.0, 10.0)
    assert variant_verdicts.imbalance_range(0.5, 4.0) == (1.0, 4.0)  # a seed may be balanced


def test_variant_comparison_names_a_missing_baseline():
    runs, ratio = _variant_rows({"tanh-glorot-sgd": [0.9, 0.91]}, {"tanh-glorot-sgd": 1.0})
    with pytest.raises(ValueError, match="sigmoid-default-sgd.*ablation.baseline"):
        variant_verdicts.variant_comparison(runs, ratio, "sigmoid-default-sgd")


@pytest.fixture
def speed():
    rows = []
    for seed, scale in [(1, 1.0), (2, 2.0)]:
        for epoch in range(3):
            for layer, base in enumerate([0.003, 0.017, 0.07, 0.285], start=1):
                rows.append(
                    {
                        "protocol": "B",
                        "architecture": "784-30-30-30-30-10",
                        "seed": seed,
                        "epoch": epoch,
                        "layer": layer,
                        "grad_norm": base * scale * (epoch + 1) ** (layer - 1),
                    }
                )
    return pd.DataFrame(rows)


def test_speed_at_init_carries_the_book(speed):
    table = speed_tables.speed_at_init(speed)
    assert table["layer"].tolist() == [1, 2, 3, 4]
    assert table["book_grad_norm"].tolist() == [0.003, 0.017, 0.070, 0.285]
    assert table.loc[0, "mean"] == pytest.approx(0.0045)
    assert table.loc[0, "n_seeds"] == 2


def test_speed_ratio_at_initialisation_and_over_training(speed):
    table = speed_tables.speed_ratio(speed).set_index("phase")
    assert table.loc["initialisation", "mean"] == pytest.approx(95.0)
    assert table.loc["initialisation", "book_ratio"] == pytest.approx(0.285 / 0.003)
    # per seed, ratio at epoch e is 95 (e+1)^3: median of epochs 1, 2 is 95 (8 + 27) / 2
    assert table.loc["training", "mean"] == pytest.approx(95 * 17.5)
    assert np.isnan(table.loc["training", "book_ratio"])


def test_speed_summary_quantiles(speed):
    table = speed_tables.speed_summary(speed)
    row = table[(table["layer"] == 1) & (table["epoch"] == 0)].iloc[0]
    assert row["median"] == pytest.approx(0.0045)
    assert row["q10"] == pytest.approx(0.003 + 0.1 * 0.003)
    assert row["q90"] == pytest.approx(0.003 + 0.9 * 0.003)


def test_variant_keys_keep_the_configured_order(speed):
    variants = []
    for name, scale in [("tanh-glorot-sgd", 0.01), ("sigmoid-default-sgd", 1.0)]:
        variants.append(
            speed.assign(
                **variant_columns(name),
                grad_norm=speed["grad_norm"] * np.where(speed["layer"] == 1, 1.0, scale),
            )
        )
    table = speed_tables.speed_ratio(pd.concat(variants), keys=summary_rows.BY_VARIANT)
    assert table["variant"].tolist() == ["tanh-glorot-sgd"] * 2 + ["sigmoid-default-sgd"] * 2
    init = table[table["phase"] == "initialisation"].set_index("variant")
    assert init.loc["tanh-glorot-sgd", "median"] == pytest.approx(0.95)
    assert init.loc["sigmoid-default-sgd", "median"] == pytest.approx(95.0)
    assert "book_ratio" not in table.columns


def test_saturation_summary_across_seeds():
    rows = [
        {
            "architecture": "784-30-30-10",
            "seed": seed,
            "epoch": 0,
            "layer": layer,
            "activation_mean": 0.5 + 0.1 * seed,
            "activation_std": 0.2,
            "activation_p98": 0.8 + 0.05 * seed,
            "saturated_fraction": 0.1 * seed,
        }
        for seed in (1, 2, 3)
        for layer in (1, 2)
    ]
    table = saturation_tables.saturation_summary(pd.DataFrame(rows))
    row = table[table["layer"] == 2].iloc[0]
    assert row["n_seeds"] == 3
    assert row["activation_mean"] == pytest.approx(0.7)
    assert row["activation_p98"] == pytest.approx(0.9)
    assert row["saturated_fraction"] == pytest.approx(0.2)
    assert (row["saturated_fraction_min"], row["saturated_fraction_max"]) == pytest.approx(
        (0.1, 0.3)
    )


def saturation_runs(top_after_first: dict) -> pd.DataFrame:
    """Per-run saturation rows of 784-30-30-10 (``test_report_beyond.saturation_rows``): the
    top layer after epoch 0 at each seed's (mean, std) of ``top_after_first[variant]``."""
    return pd.DataFrame(
        [
            row
            for variant, tops in top_after_first.items()
            for row in saturation_rows({**variant_columns(variant), "eta": 0.1}, tops)
        ]
    )


BOOK, PAPER = "sigmoid-default-sgd", saturation_tables.GLOROT_BENGIO_VARIANT


def test_the_saturation_check_decides_from_every_seed():
    """Shown: every seed's top layer has mean and std below 0.1 after epoch 1; partly shown:
    some seeds; not shown: none. A value at the threshold is not below it."""
    near, far_mean, far_std = (0.05, 0.03), (0.3, 0.03), (0.05, 0.2)
    table = saturation_runs({BOOK: [far_mean, far_mean, (0.1, 0.03)], PAPER: [near] * 3})
    check = saturation_tables.saturation_check(table, BOOK).set_index("network_setting")
    assert check["variant"].to_dict() == {"book": BOOK, "glorot_bengio": PAPER}
    assert check["verdict"].to_dict() == {"book": "not_shown", "glorot_bengio": "shown"}
    assert check["n_seeds_shown"].to_dict() == {"book": 0, "glorot_bengio": 3}
    paper = check.loc["glorot_bengio"]
    assert (paper["layer"], paper["epoch"], paper["n_seeds"]) == (2, 1, 3)
    assert (paper["hidden_layers"], paper["width"]) == (2, 30)
    assert (paper["mean_threshold"], paper["std_threshold"]) == (0.1, 0.1)
    assert paper["activation_p98"] == pytest.approx(0.11)
    assert paper["description"].startswith("sigmoid, Glorot & Bengio's standard W ~ U[")
    assert paper["description"].endswith("; 2 hidden layers of 30 units")
    assert check.loc["book", "activation_mean_max"] == pytest.approx(0.3)
    assert check.loc["book", "description"].startswith("sigmoid, the book's W ~ N(0, 1)/√n_in")
    for seeds, verdict in (
        ([near, far_std, near], "partly_shown"),
        ([far_mean, near, near], "partly_shown"),
        ([far_std] * 3, "not_shown"),
    ):
        check = saturation_tables.saturation_check(saturation_runs({BOOK: seeds}), BOOK)
        assert check["network_setting"].tolist() == ["book"]  # the paper's was not trained
        assert check["verdict"].item() == verdict


def test_the_saturation_check_names_a_missing_baseline():
    table = saturation_runs({PAPER: [(0.05, 0.03)]})
    with pytest.raises(ValueError, match="no rows of the baseline 'sigmoid-default-sgd'"):
        saturation_tables.saturation_check(table, BOOK)
