"""The depth sweep: its runs on small synthetic data, and its statistics on per-run rows
whose log ratios, slopes and factors are planted, so the right answers are known."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vanishing_gradient.model.activations import activate
from vanishing_gradient.experiments.depth_runs import (
    backward_factors,
    probed_training,
    run_depth_sweep,
    sweep_architecture,
)
from vanishing_gradient.analysis.depth_sweep import (
    chain_slope,
    depth_sweep_summary,
    least_squares_slope,
    log_ratio_by_run,
    per_layer_factor,
    slopes_by_seed,
    t_summary,
)
from vanishing_gradient.figures.depth_sweep import depth_sweep_figure
from vanishing_gradient.model.identity import run_identity
from vanishing_gradient.model.network import BATCH_NORM_EPSILON, BatchNorm, Network, deltas
from vanishing_gradient.experiments.protocols import Protocol, Variant, run_accuracy_protocol

from test_protocols import data  # noqa: F401 - the fixture: learnable synthetic digits

SEEDS = [1, 2, 3, 4]
DEPTHS = [1, 2, 3, 4, 5, 6]
# variant -> per-seed log10 slope of the ratio against depth, at initialisation
PLANTED = {
    "sigmoid-default-sgd": [0.68, 0.70, 0.71, 0.73],
    "relu-he-sgd": [0.02, -0.05, 0.04, -0.03],
}
T_975_3 = 3.182446305284263  # Student's t, 97.5 % quantile, 3 degrees of freedom
# the output contract of depth_sweep.csv
BY_RUN_COLUMNS = [
    "protocol",
    "variant",
    "activation",
    "initialiser",
    "optimiser",
    "residual",
    "batch_norm",
    "clipping",
    "hidden_layers",
    "architecture",
    "seed",
    "phase",
    "epochs",
    "log10_ratio",
]


def speed_rows(planted=PLANTED, epochs=3, steeper=0.05) -> pd.DataFrame:
    """Per-run speed rows with ``log10(last / first) = beta (H - 1)``, ``beta`` the planted
    slope at epoch 0 and ``steeper`` more at every later epoch; the layers between follow a
    straight line in log10."""
    rows = []
    for protocol in ("B", "A"):
        for variant, slopes in planted.items():
            for seed, beta in zip(SEEDS, slopes):
                for depth in DEPTHS:
                    identity = run_identity(protocol, sweep_architecture(depth, 30), seed, variant)
                    for epoch in range(epochs + 1):
                        rho = (beta + (steeper if epoch else 0.0)) * (depth - 1)
                        for layer in range(1, depth + 1):
                            position = (layer - 1) / (depth - 1) if depth > 1 else 0.0
                            rows.append(
                                {
                                    **identity,
                                    "epoch": epoch,
                                    "layer": layer,
                                    "grad_norm": 1e-3 * seed * 10 ** (rho * position),
                                }
                            )
    return pd.DataFrame(rows)


def chain_rows(per_layer: float = -1.0) -> pd.DataFrame:
    """A chain summary whose mean log10 ratio (first / last) falls by ``per_layer``."""
    depth = np.arange(1, 8)
    return pd.DataFrame(
        {"weight_scale": 1.0, "depth": depth, "mean_log10": per_layer * (depth - 1) + 0.05}
    )


def factor_rows(mean_log10: float, rms: float) -> pd.DataFrame:
    rows = []
    for variant in PLANTED:
        for seed in SEEDS:
            for layer in (2, 3):
                rows.append(
                    {
                        **run_identity("B", "784-30-30-30-10", seed, variant),
                        "layer": layer,
                        "mean_abs_factor": 0.03,
                        "mean_log10_factor": mean_log10,
                        "rms_factor": rms,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def by_run():
    return log_ratio_by_run(speed_rows())


def test_log_ratio_is_the_planted_one(by_run):
    assert list(by_run.columns) == BY_RUN_COLUMNS
    initial = by_run[by_run["phase"] == "initialisation"]
    assert set(initial["protocol"]) == {"B"}, "protocol A starts from protocol B's networks"
    for _, r in by_run.iterrows():
        beta = PLANTED[r["variant"]][SEEDS.index(r["seed"])]
        expected = (beta + (0.05 if r["phase"] == "training" else 0)) * (r["hidden_layers"] - 1)
        assert r["log10_ratio"] == pytest.approx(expected, abs=1e-12)
    assert set(by_run.loc[by_run["phase"] == "training", "epochs"]) == {"1–3"}
    assert len(by_run) == (1 + 2) * len(PLANTED) * len(SEEDS) * len(DEPTHS)


def test_slopes_per_seed_are_the_planted_slopes(by_run):
    seeds = slopes_by_seed(by_run)
    for _, r in seeds.iterrows():
        steeper = 0.05 if r["phase"] == "training" else 0.0
        assert r["slope"] == pytest.approx(PLANTED[r["variant"]][SEEDS.index(r["seed"])] + steeper)
        assert r["n_depths"] == len(DEPTHS)


def test_least_squares_slope():
    assert least_squares_slope([1, 2, 3], [1, 3, 5]) == pytest.approx(2.0)
    assert least_squares_slope([1, 2, 3, 4], [0, 1, 1, 2]) == pytest.approx(0.6)
    assert np.isnan(least_squares_slope([2, 2], [1, 3])), "one depth has no slope"
    assert np.isnan(least_squares_slope([1, 2], [1, -np.inf]))


def test_t_summary_against_hand_computation():
    values = np.array([0.68, 0.70, 0.71, 0.73])
    mean, sd = values.mean(), np.sqrt(np.sum((values - values.mean()) ** 2) / 3)
    summary = t_summary(values)
    assert summary["mean"] == pytest.approx(0.705) and summary["std"] == pytest.approx(sd)
    assert summary["ci_low"] == pytest.approx(mean - T_975_3 * sd / 2)
    assert summary["ci_high"] == pytest.approx(mean + T_975_3 * sd / 2)
    t = mean / (sd / 2)
    assert summary["p_value"] == pytest.approx(2 * stats.t.sf(t, 3))
    assert np.isnan(t_summary([0.5])["ci_low"]), "one seed has no interval"
    flat = t_summary([0.0, 0.0, 0.0])
    assert flat["ci_low"] == flat["ci_high"] == 0.0 and np.isnan(flat["p_value"])


def test_summary_across_seeds(by_run):
    summary = depth_sweep_summary(by_run)
    row = summary[
        (summary["protocol"] == "B")
        & (summary["variant"] == "sigmoid-default-sgd")
        & (summary["hidden_layers"] == 6)
        & (summary["phase"] == "initialisation")
    ].iloc[0]
    planted = np.array(PLANTED["sigmoid-default-sgd"]) * 5
    assert row["n_seeds"] == 4 and row["mean"] == pytest.approx(planted.mean())
    assert row["min"] == pytest.approx(planted.min()) and row["max"] == pytest.approx(planted.max())
    assert row["ratio_geometric_mean"] == pytest.approx(10 ** planted.mean())
    assert row["ci_low"] < row["mean"] < row["ci_high"]


def test_per_layer_factor_is_the_planted_one_with_its_interval(by_run):
    table = per_layer_factor(by_run, factor_rows(-0.73, 10**-0.735), chain_rows(-1.0))
    assert [tuple(r) for r in table[["protocol", "variant", "phase"]].to_numpy()] == [
        ("B", "sigmoid-default-sgd", "initialisation"),
        ("B", "sigmoid-default-sgd", "training"),
        ("B", "relu-he-sgd", "initialisation"),
        ("B", "relu-he-sgd", "training"),
        ("A", "sigmoid-default-sgd", "training"),
        ("A", "relu-he-sgd", "training"),
    ]
    sigmoid = table[(table["variant"] == "sigmoid-default-sgd") & (table["protocol"] == "B")]
    for _, r in sigmoid.iterrows():
        planted = np.array(PLANTED["sigmoid-default-sgd"]) + (r["phase"] == "training") * 0.05
        half = T_975_3 * planted.std(ddof=1) / 2
        assert r["slope"] == pytest.approx(planted.mean())
        assert r["factor"] == pytest.approx(10 ** planted.mean())
        assert r["slope_ci_low"] == pytest.approx(planted.mean() - half)
        assert r["factor_ci_high"] == pytest.approx(10 ** (planted.mean() + half))
        assert r["verdict"] == "higher" and r["p_holm"] < 0.05
        assert r["n_seeds"] == 4 and (r["depth_min"], r["depth_max"]) == (1, 6)
    relu = table[table["variant"] == "relu-he-sgd"]
    assert set(relu["verdict"]) == {"within_seed_spread"}
    assert (table["p_holm"] >= table["p_value"]).all()
    # the predictions, in the same units, and whether they fall inside the interval
    # the chain models the sigmoid network alone
    modelled = table[table["variant"] == "sigmoid-default-sgd"]
    assert modelled["chain_slope"].to_numpy() == pytest.approx(1.0)
    assert modelled["chain_factor"].to_numpy() == pytest.approx(10.0)
    assert not modelled["chain_in_ci"].astype(bool).any()
    assert relu[["chain_slope", "chain_factor", "chain_in_ci"]].isna().all().all()
    assert table["log_mean_slope"].to_numpy() == pytest.approx(0.73)
    assert table["rms_slope"].to_numpy() == pytest.approx(0.735)
    assert sigmoid["rms_in_ci"].all() and sigmoid["log_mean_in_ci"].all()
    assert not relu["rms_in_ci"].any()
    assert (table["n_factor_layers"] == 2 * len(SEEDS)).all()


def test_book_factor_on_the_books_network_at_initialisation(by_run):
    # the book's ratios at initialisation: 1 (one hidden layer), 0.31/0.07, 0.283/0.012, 0.285/0.003
    logs = np.log10([1.0, 0.31 / 0.07, 0.283 / 0.012, 0.285 / 0.003])
    expected = 10 ** np.polyfit([1, 2, 3, 4], logs, 1)[0]
    factors, chain = factor_rows(-0.73, 10**-0.735), chain_rows()
    table = per_layer_factor(by_run, factors, chain, book_variant="sigmoid-default-sgd")
    book = table.dropna(subset="book_factor")
    assert book[["protocol", "variant", "phase"]].values.tolist() == [
        ["B", "sigmoid-default-sgd", "initialisation"]
    ]
    assert book["book_factor"].item() == pytest.approx(expected) == pytest.approx(4.634, abs=1e-3)
    assert book["book_in_ci"].item() is False  # the planted slope, 0.705, is steeper
    assert per_layer_factor(by_run, factors, chain)["book_factor"].isna().all()
    narrow = by_run.assign(architecture=by_run["architecture"].str.replace("30", "8"))
    table = per_layer_factor(narrow, factors, chain, book_variant="sigmoid-default-sgd")
    assert table["book_factor"].isna().all(), "another width is not the book's network"


def test_chain_slope_is_minus_the_slope_of_its_mean_log_ratio():
    assert chain_slope(chain_rows(-0.6)) == pytest.approx(0.6)
    two_scales = pd.concat([chain_rows(), chain_rows().assign(weight_scale=2.0)])
    with pytest.raises(ValueError, match="several weight scales"):
        chain_slope(two_scales)


def test_figure_draws_a_line_and_band_per_variant_and_the_predictions(by_run):
    table = per_layer_factor(by_run, factor_rows(-0.705, 10**-0.7), chain_rows(-1.0))
    fig = depth_sweep_figure(depth_sweep_summary(by_run), table)
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert ax.get_yscale() == "log"
        styles = [line.get_linestyle() for line in ax.get_lines()]
        assert styles.count("-") == 2 and styles.count(":") == 2 and styles.count("--") == 1
        assert len(ax.collections) == 2  # one band per variant
    chain_line = next(line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--")
    assert chain_line.get_ydata()[-1] == pytest.approx(10.0 ** (max(DEPTHS) - 1))


def test_figure_draws_the_remedies_in_a_row_of_their_own_beside_the_books_network(by_run):
    remedy = "relu-he-adam-residual"
    renamed = by_run.assign(variant=by_run["variant"].replace("relu-he-sgd", remedy))
    table = per_layer_factor(renamed, factor_rows(-0.705, 10**-0.7), chain_rows(-1.0))
    fig = depth_sweep_figure(depth_sweep_summary(renamed), table)
    assert len(fig.axes) == 6  # two rows of the three panels
    for row, shown in ((fig.axes[:3], ["sigmoid-default-sgd"]), (fig.axes[3:], None)):
        for ax in row:
            labels = [text.get_text().split(":")[0] for text in ax.get_legend().get_texts()]
            expected = shown or ["sigmoid-default-sgd", remedy]
            assert labels == [*expected, "chain of single neurons (sigmoid)"]


def test_sweep_architecture():
    assert sweep_architecture(1, 30) == "784-30-10"
    assert sweep_architecture(3, 5) == "784-5-5-5-10"
    with pytest.raises(ValueError, match="at least one hidden layer"):
        sweep_architecture(0, 30)


def layer_output(net: Network, layer: int, below: np.ndarray, mean, var) -> np.ndarray:
    """``a^l`` from ``a^{l-1} = below`` (rows), batch norm's statistics given: written out
    from the definitions, for the finite differences below."""
    z = below @ net.weights[layer - 1]
    if net.batch_norm is None:
        u = z + net.biases[layer - 1]
    else:
        gamma = net.batch_norm.scales[layer - 1]
        u = gamma * (z - mean) / np.sqrt(var + BATCH_NORM_EPSILON) + net.biases[layer - 1]
    h = activate(net.activation, u)
    return below + h if net.skips(layer) else h


def finite_difference_factors(net: Network, x: np.ndarray, layer: int, step=1e-6):
    """The three factors of ``backward_factors`` from the Jacobian ``da^l_j / da^{l-1}_k``
    by central differences of ``layer_output``, per image (batch statistics held at the
    batch's)."""
    a, stats = x, []
    for hidden in range(1, layer):
        z = a @ net.weights[hidden - 1]
        stats.append((z.mean(axis=0), z.var(axis=0)))
        a = layer_output(net, hidden, a, *stats[-1])
    z = a @ net.weights[layer - 1]
    mean, var = z.mean(axis=0), z.var(axis=0)
    jacobian = np.empty((len(x), a.shape[1], net.weights[layer - 1].shape[1]))
    for k in range(a.shape[1]):
        shift = np.zeros_like(a)
        shift[:, k] = step
        up = layer_output(net, layer, a + shift, mean, var)
        down = layer_output(net, layer, a - shift, mean, var)
        jacobian[:, k, :] = (up - down) / (2 * step)
    magnitude = np.abs(jacobian)
    rms = np.sqrt(np.sum(jacobian**2) / (len(x) * jacobian.shape[2]))
    return magnitude.mean(), np.log10(magnitude).mean(), rms


def random_network(sizes, activation, rng, residual=False, batch_norm=False) -> Network:
    hidden = list(sizes[1:-1])
    norm = BatchNorm.fresh(hidden) if batch_norm else None
    if norm is not None:  # scales away from 1, so that gamma enters the test
        norm.scales = [rng.uniform(0.5, 2.0, n) for n in hidden]
    return Network(
        [rng.standard_normal((m, n)) for m, n in zip(sizes[:-1], sizes[1:])],
        [rng.standard_normal(n) for n in sizes[1:]],
        activation,
        residual,
        norm,
    )


@pytest.mark.parametrize(
    "activation, residual, batch_norm",
    [
        ("sigmoid", False, False),
        ("tanh", False, False),
        ("sigmoid", True, False),
        ("sigmoid", False, True),
        ("tanh", True, True),
    ],
)
def test_backward_factors_are_the_layer_jacobians_by_finite_differences(
    activation, residual, batch_norm
):
    rng = np.random.default_rng(3)
    # hidden widths 4, 4, 3, 3: with residual connections layers 2 and 4 skip, layer 3 not
    sizes = (5, 4, 4, 3, 3, 2)
    net = random_network(sizes, activation, rng, residual, batch_norm)
    x = rng.random((7, 5))
    rows = backward_factors(net, x)
    assert [r["layer"] for r in rows] == [2, 3, 4]
    for r in rows:
        expected = finite_difference_factors(net, x, r["layer"])
        got = (r["mean_abs_factor"], r["mean_log10_factor"], r["rms_factor"])
        assert got == pytest.approx(expected, rel=1e-7)
    if residual:  # the identity path: a factor near 1 on the diagonal of skipping layers
        plain = backward_factors(random_network(sizes, activation, np.random.default_rng(3)), x)
        assert rows[0]["rms_factor"] > plain[0]["rms_factor"]


def test_backward_factors_of_a_width_one_network_are_the_chain_factors():
    """One neuron per layer and one image: the product of the factors over layers 2 .. H is
    the ratio of ``dC/da^1`` to ``dC/da^H``, i.e. of the first hidden layer's bias gradient
    to the last's once each is divided by its own ``sigma'(z)``."""
    rng = np.random.default_rng(5)
    net = Network(
        [rng.standard_normal((1, 1)) for _ in range(5)], [rng.standard_normal(1) for _ in range(5)]
    )
    x, y = rng.random((1, 1)), np.array([[1.0]])
    rows = backward_factors(net, x)
    state, layer_deltas = deltas(net, x, y)
    first, last = (layer_deltas[i][0, 0] / sigmoid_prime_of(state.units[i][0, 0]) for i in (0, 3))
    ratio = abs(first / last)
    assert np.prod([r["mean_abs_factor"] for r in rows]) == pytest.approx(ratio, rel=1e-12)
    assert sum(r["mean_log10_factor"] for r in rows) == pytest.approx(np.log10(ratio))
    for r in rows:  # width one: the width-aware factor is the single neuron's
        assert r["rms_factor"] == pytest.approx(r["mean_abs_factor"])


def sigmoid_prime_of(output: float) -> float:
    """sigma'(z) from the unit's output sigma(z)."""
    return output * (1.0 - output)


def test_backward_factors_of_one_hidden_layer_are_none():
    rng = np.random.default_rng(0)
    net = Network(
        [rng.standard_normal((3, 2)), rng.standard_normal((2, 1))], [np.zeros(2), np.zeros(1)]
    )
    assert backward_factors(net, rng.random((4, 3))) == []


SPEED = Protocol(training_size=100, epochs=3, mini_batch_size=100, eta=0.1, lmbda=5.0)
ACCURACY = Protocol(training_size=150, epochs=2, mini_batch_size=10, eta=0.5, lmbda=1.0)


@pytest.mark.parametrize("variant", ["sigmoid-default-sgd", "tanh-glorot-nesterov"])
def test_probed_training_gives_protocol_a_speeds(data, variant):
    architecture = "784-6-5-4-10"
    expected = run_accuracy_protocol(
        architecture,
        4,
        data,
        ACCURACY,
        probe_size=60,
        train_cost_size=100,
        variant=Variant.named(variant),
    ).speed
    got = probed_training(
        architecture, 4, data, ACCURACY, probe_size=60, variant=Variant.named(variant)
    ).frame()
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("name", ["relu-he-sgd", "relu-he-adam-residual-batchnorm-clip"])
def test_run_depth_sweep_trains_every_depth_by_both_protocols(data, name):
    variant = Variant.named(name, clip=1.0 if name.endswith("clip") else None)
    speeds, factors = run_depth_sweep(
        [1, 3], 4, 2, data, SPEED, ACCURACY, probe_size=60, variant=variant
    )
    speed = speeds.frame()
    identity = BY_RUN_COLUMNS[: BY_RUN_COLUMNS.index("hidden_layers")]
    assert list(speed.columns) == [*identity, "architecture", "seed", "epoch", "layer", "grad_norm"]
    counts = speed.groupby(["protocol", "architecture"]).size().to_dict()
    assert counts == {
        ("A", "784-4-10"): 3 * 1,
        ("A", "784-4-4-4-10"): 3 * 3,
        ("B", "784-4-10"): 4 * 1,
        ("B", "784-4-4-4-10"): 4 * 3,
    }
    assert set(speed["variant"]) == {name} and set(speed["seed"]) == {2}
    factor = factors.frame()
    assert factor["architecture"].unique().tolist() == ["784-4-4-4-10"]
    assert factor["layer"].tolist() == [2, 3] and set(factor["protocol"]) == {"B"}
    assert (factor["rms_factor"] > 0).all()
