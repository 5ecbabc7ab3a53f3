"""The chain of single neurons: gradient ratio against finite differences, its decay with
depth, the exploding chain, the width of the unstable inputs, and the three figures."""

import numpy as np
import pytest
from scipy.special import expit

from vanishing_gradient.experiments import chain
from vanishing_gradient.figures import chain as chain_plots

# A hand-built 3-neuron chain, far from any special value.
WEIGHTS = np.array([0.8, -1.3, 2.1])
BIASES = np.array([0.2, -0.5, 0.7])
A0, TARGET = 0.6, 0.3


def _cost(biases: np.ndarray) -> float:
    """C = (a_3 - y)^2 / 2 of the hand-built chain, by an independent forward pass."""
    a = A0
    for w, b in zip(WEIGHTS, biases):
        a = expit(w * a + b)
    return 0.5 * (a - TARGET) ** 2


def _finite_difference_bias_gradients(step: float = 1e-5) -> np.ndarray:
    """Central differences dC/db_j, j = 1..3."""
    grads = []
    for j in range(len(BIASES)):
        shift = np.zeros_like(BIASES)
        shift[j] = step
        grads.append((_cost(BIASES + shift) - _cost(BIASES - shift)) / (2 * step))
    return np.array(grads)


def test_ratio_matches_finite_differences():
    fd = _finite_difference_bias_gradients()
    ratio = chain.chain_gradient_ratio(WEIGHTS, BIASES, A0)[0]
    assert ratio == pytest.approx(abs(fd[0]) / abs(fd[-1]), rel=1e-6)
    # the index bookkeeping: factors sigma'(z_j) w_{j+1}, j = 1..L-1
    z = chain.chain_forward(WEIGHTS, BIASES, A0)[0]
    s = expit(z) * (1 - expit(z))
    assert ratio == pytest.approx(abs(s[0] * WEIGHTS[1] * s[1] * WEIGHTS[2]), rel=1e-14)
    assert ratio != pytest.approx(abs(s[1] * WEIGHTS[1] * s[2] * WEIGHTS[2]), rel=1e-3)


def test_bias_gradients_match_finite_differences():
    a3 = expit(chain.chain_forward(WEIGHTS, BIASES, A0)[0, -1])
    grads = chain.chain_bias_gradients(WEIGHTS, BIASES, A0, dcost_da_last=a3 - TARGET)[0]
    np.testing.assert_allclose(grads, _finite_difference_bias_gradients(), rtol=1e-6)


def test_depth_one_ratio_is_one_and_table_is_tidy():
    table = chain.chain_gradient_ratios(range(1, 4), 50, np.random.default_rng(1))
    assert list(table.columns) == ["weight_scale", "depth", "sample", "ratio"]
    assert len(table) == 150
    assert (table.loc[table["depth"] == 1, "ratio"] == 1.0).all()
    assert (table.loc[table["depth"] > 1, "ratio"] < 1.0).mean() > 0.9


def test_same_seed_same_table():
    first = chain.chain_gradient_ratios([2, 5], 100, np.random.default_rng(3), weight_scale=2.0)
    second = chain.chain_gradient_ratios([2, 5], 100, np.random.default_rng(3), weight_scale=2.0)
    assert first.equals(second)


def test_median_ratio_decays_per_layer_faster_than_a_quarter():
    """With w ~ N(0, 1) each factor |sigma'(z_j) w_{j+1}| has E log10 <= log10(1/4) +
    E log10|w| = log10(1/4) - (gamma + ln 2) / (2 ln 10) ~ -0.878: the ratio decays
    *faster* than (1/4)^(L-1) because the typical |w| is below 1. Measured with seed 0 and
    20,000 chains per depth: slope of median log10 ratio -0.997 and of mean log10 ratio
    -1.004 per layer; the lower limit 2 log10(1/4) = -1.20 is a calibration margin."""
    table = chain.chain_gradient_ratios(range(1, 11), 20_000, np.random.default_rng(0))
    summary = chain.chain_ratio_summary(table)
    median_log10 = np.log10(summary["median"].to_numpy())
    assert np.all(np.diff(median_log10) < 0)
    bound = np.log10(0.25) - (np.euler_gamma + np.log(2)) / (2 * np.log(10))
    for values in (median_log10, summary["mean_log10"].to_numpy()):
        slope = np.polyfit(summary["depth"], values, 1)[0]
        assert 2 * np.log10(0.25) < slope < bound
    np.testing.assert_allclose(summary["quarter_power"], 0.25 ** np.arange(10), rtol=1e-15)


def test_small_weights_stay_below_the_quarter_power():
    """|w| <= 1 makes every factor < 1/4, so the ratio is below (1/4)^(L-1) (shown here
    with weight_scale 0.3, where |w| > 1 is a 0.09 % event per weight)."""
    table = chain.chain_gradient_ratios(range(2, 7), 2_000, np.random.default_rng(2), 0.3)
    summary = chain.chain_ratio_summary(table)
    assert (summary["q90"] < summary["quarter_power"]).all()


@pytest.mark.parametrize("depth", range(1, 13))
def test_exploding_chain_is_25_to_the_depth_minus_one(depth):
    assert chain.exploding_chain(depth) == pytest.approx(25.0 ** (depth - 1), rel=1e-12)
    weights, biases, a0 = chain.exploding_chain_parameters(depth)
    np.testing.assert_array_equal(chain.chain_forward(weights, biases, a0), 0.0)


def test_unstable_width_is_zero_below_four():
    w = np.array([-3.99, -1.0, 0.0, 0.5, 2.0, 3.999])
    np.testing.assert_array_equal(chain.unstable_width(w), 0.0)
    assert chain.unstable_width(4.0) == 0.0
    assert chain.unstable_width(4.5) > 0.0


def test_unstable_width_matches_brute_force():
    a_grid = np.linspace(0.0, 1.0, 2001)
    spacing = a_grid[1] - a_grid[0]
    w = np.concatenate([np.linspace(4.0, 20.0, 33), -np.array([5.0, 6.9, 12.0])])
    numeric = chain.unstable_width_numeric(w, np.linspace(-25.0, 25.0, 1001), a_grid)
    analytic = chain.unstable_width(w)
    assert np.max(np.abs(numeric - analytic)) <= spacing + 1e-12
    numeric_below = chain.unstable_width_numeric([1.0, 3.5], np.linspace(-5, 5, 101), a_grid)
    np.testing.assert_array_equal(numeric_below, 0.0)


def test_unstable_width_peak():
    w_peak, width = chain.peak_unstable_width()
    assert w_peak == pytest.approx(6.9, abs=0.1)
    assert width == pytest.approx(0.45, abs=0.01)
    grid = np.linspace(4.0, 30.0, 2601)
    assert chain.unstable_width(grid).max() <= width + 1e-12


def test_chain_vanishing_figure():
    table = chain.chain_gradient_ratios(range(1, 6), 200, np.random.default_rng(0))
    fig = chain_plots.chain_vanishing_figure(chain.chain_ratio_summary(table))
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert "200" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


@pytest.fixture(scope="module")
def tables():
    return chain.chain_tables(
        max_depth=7, samples=200, seed=0, weight_scale=1.0, exploding_weight=100.0
    )


def test_chain_tables(tables):
    assert tables["summary"]["depth"].tolist() == list(range(1, 8))
    exploding = tables["exploding"]
    np.testing.assert_allclose(exploding["ratio"], 25.0 ** np.arange(7), rtol=1e-12)
    np.testing.assert_allclose(exploding["expected"], 25.0 ** np.arange(7))
    unstable = tables["unstable_width"]
    numeric = unstable[unstable["method"] == "numeric"].set_index("w")["width"]
    analytic = chain.unstable_width(numeric.index.to_numpy())
    np.testing.assert_allclose(numeric.to_numpy(), analytic, atol=2e-3)


def test_chain_exploding_figure(tables):
    fig = chain_plots.chain_exploding_figure(tables["exploding"])
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose(markers[0].get_ydata(), 25.0 ** np.arange(7), rtol=1e-12)
    assert "25" in ax.get_title()


def test_unstable_width_figure(tables):
    fig = chain_plots.unstable_width_figure(tables["unstable_width"])
    (ax,) = fig.axes
    assert any("peak" in t.get_text() for t in ax.texts)
