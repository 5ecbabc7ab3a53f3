"""The depth sweep's statistics: how fast the last/first speed ratio grows per added hidden
layer, with its spread over seeds, beside what the chain of single neurons predicts.

Notation. A run is one network of ``H`` hidden layers (one variant, one seed, one protocol);
``s_l(e) = ||dC/db^l||`` is the speed of hidden layer ``l`` before update ``e + 1``
(protocol B) or after epoch ``e`` (protocol A), ``e = 0`` at initialisation. Its log ratio

    rho(e) = log10( s_H(e) / s_1(e) )

is 0 for ``H = 1`` and above 0 when the first hidden layer learns more slowly (vanishing).
Per run, phase ``initialisation`` is ``rho(0)`` and phase ``training`` is the median of
``rho(e)`` over the epochs ``e >= 1`` (as ``speed.speed_ratio`` takes the median of the
ratio over training). Protocol A's runs start from the same networks as protocol B's (same
architecture and seed), so the initialisation phase is taken from protocol B alone and is
not tested twice.

Per seed, the least-squares slope ``beta`` of ``rho`` against ``H`` over the configured
depths (with an intercept: the first hidden layer, fed by 784 pixels, and the last, feeding
the output layer, need not follow the layers between them) is the log10 of the per-layer
factor: each added hidden layer multiplies the ratio by ``10^beta``. Across the ``n`` seeds,
the mean slope, its Student-t ``CONFIDENCE`` interval ``mean -+ t_{(1 + CONFIDENCE)/2, n-1}
sd / sqrt(n)`` and the one-sample two-sided t-test of ``beta = 0``, Holm-adjusted across the
table's rows (``significance.with_family_verdicts``).

Predictions, in the same units (log10 per layer, positive = vanishing):

* the chain of single neurons: ``-`` the slope of its mean ``log10(|dC/db_1| / |dC/db_L|)``
  against ``L`` (``chain.chain_ratio_summary``'s ``mean_log10``), i.e. minus the mean of
  ``log10 |w sigma'(z)|`` per neuron, with ``w ~ N(0, weight_scale^2)`` and ``b ~ N(0, 1)``.
  It models plain sigmoid layers, so it is given for the variants whose hidden layers are
  those (``chain_models``), whatever their initialiser and optimiser;
* the networks' own factors at initialisation (``depth_runs.backward_factors``: the layers'
  Jacobians, residual and batch-normalised layers included), averaged over the layers,
  depths and seeds of a variant: ``-mean_log10_factor`` (the chain's estimate on the real
  weights and derivatives) and ``-log10 rms_factor`` (with the width).
"""

from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from .. import book
from ..model.network import hidden_layers
from .significance import CONFIDENCE, FAMILY_COLUMNS, with_family_verdicts
from .speed import book_ratio
from .summary_rows import BY_VARIANT

PHASES = ("initialisation", "training")
PROTOCOLS = ("B", "A")  # the book's speed experiment first, as the tables list them
RUN = ["protocol", *BY_VARIANT, "hidden_layers", "architecture", "seed"]


def log_ratio_by_run(speed: pd.DataFrame) -> pd.DataFrame:
    """Per run and phase, ``log10_ratio`` (module docstring) from a speed table (the
    per-run speed rows: protocol, the variant's columns, architecture, seed, epoch, layer,
    grad_norm). Columns ``RUN, phase, epochs`` (the epochs it summarises), ``log10_ratio``;
    rows by protocol (``PROTOCOLS``), variant (in order of appearance), depth, seed, phase."""
    speed = speed.assign(hidden_layers=speed["architecture"].map(hidden_layers))
    ordered = speed.sort_values("layer", kind="stable")
    by_epoch = ordered.groupby([*RUN, "epoch"], sort=False)["grad_norm"]
    ends = by_epoch.agg(first="first", last="last").reset_index()
    with np.errstate(divide="ignore"):  # a speed of 0 is an infinite ratio, honestly
        ends["rho"] = np.log10(ends["last"] / ends["first"])
    # Protocol A starts from the same networks (same seeds): their initialisation is B's.
    initial = ends[(ends["epoch"] == 0) & (ends["protocol"] == "B")]
    initial = initial.assign(phase="initialisation", epochs="0")
    trained = ends[ends["epoch"] >= 1].groupby(RUN, sort=False)
    training = (
        trained["rho"]
        .median()
        .reset_index()
        .merge(trained["epoch"].agg(["min", "max"]).reset_index(), on=RUN)
    )
    training["epochs"] = training["min"].astype(str) + "–" + training["max"].astype(str)
    table = pd.concat([initial, training.assign(phase="training")], ignore_index=True)
    table = table.rename(columns={"rho": "log10_ratio"})
    rank = {variant: i for i, variant in enumerate(dict.fromkeys(speed["variant"]))}
    table = table.assign(
        _protocol=table["protocol"].map(PROTOCOLS.index),
        _variant=table["variant"].map(rank),
        _phase=table["phase"].map(PHASES.index),
    )
    table = table.sort_values(
        ["_protocol", "_variant", "hidden_layers", "seed", "_phase"], kind="stable"
    )
    return table[[*RUN, "phase", "epochs", "log10_ratio"]].reset_index(drop=True)


def t_summary(values) -> dict:
    """``n, mean, std`` (sample), ``standard_error = std / sqrt(n)`` and ``df = n - 1`` of
    the mean, ``ci_low, ci_high`` (its Student-t ``CONFIDENCE`` interval) and ``p_value``
    (one-sample two-sided t-test of mean 0) of ``values``. All but ``n`` and the mean are
    NaN with fewer than two values; the p-value also when they have no spread (the t
    statistic is then undefined); NaN values are left out."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    out = {"n": n, "mean": values.mean() if n else np.nan, "std": np.nan}
    out.update(standard_error=np.nan, df=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    if n < 2:
        return out
    std = values.std(ddof=1)
    half = stats.t.ppf((1 + CONFIDENCE) / 2, n - 1) * std / np.sqrt(n)
    out.update(std=std, standard_error=std / np.sqrt(n), df=n - 1)
    out.update(ci_low=out["mean"] - half, ci_high=out["mean"] + half)
    if std > 0 and np.isfinite(std):
        out["p_value"] = float(stats.ttest_1samp(values, 0.0).pvalue)
    return out


def depth_sweep_summary(by_run: pd.DataFrame) -> pd.DataFrame:
    """Per protocol x variant x depth x phase, ``log10_ratio`` across seeds: ``n_seeds, mean,
    std, ci_low, ci_high`` (``t_summary``), ``min, max``, and ``ratio_geometric_mean`` =
    ``10^mean``."""
    keys = ["protocol", *BY_VARIANT, "hidden_layers", "architecture", "phase", "epochs"]
    rows = []
    for key, group in by_run.groupby(keys, sort=False):
        summary = t_summary(group["log10_ratio"])
        rows.append(
            {
                **dict(zip(keys, key)),
                "n_seeds": summary["n"],
                "mean": summary["mean"],
                "std": summary["std"],
                "ci_low": summary["ci_low"],
                "ci_high": summary["ci_high"],
                "min": group["log10_ratio"].min(),
                "max": group["log10_ratio"].max(),
                "ratio_geometric_mean": 10 ** summary["mean"],
            }
        )
    return pd.DataFrame(rows)


def least_squares_slope(x, y) -> float:
    """Slope of the least-squares line ``y ~ a + b x``: ``sum (x - mean x)(y - mean y) /
    sum (x - mean x)^2``; NaN with fewer than two distinct ``x`` or a non-finite ``y``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    centred = x - x.mean()
    if len(np.unique(x)) < 2 or not np.isfinite(y).all():
        return np.nan
    return float(np.sum(centred * (y - y.mean())) / np.sum(centred**2))


def slopes_by_seed(by_run: pd.DataFrame) -> pd.DataFrame:
    """Per protocol x variant x phase x seed: ``slope`` of ``log10_ratio`` against
    ``hidden_layers`` (``least_squares_slope``) and ``n_depths``."""
    keys = ["protocol", *BY_VARIANT, "phase", "seed"]
    return (
        by_run.groupby(keys, sort=False)
        .apply(
            lambda run: pd.Series(
                {
                    "slope": least_squares_slope(run["hidden_layers"], run["log10_ratio"]),
                    "n_depths": run["hidden_layers"].nunique(),
                    "depth_min": run["hidden_layers"].min(),
                    "depth_max": run["hidden_layers"].max(),
                }
            ),
            include_groups=False,
        )
        .reset_index()
    )


def chain_slope(chain_summary: pd.DataFrame) -> float:
    """The chain's predicted log10 factor per layer: minus the least-squares slope of its
    ``mean_log10`` (of ``|dC/db_1| / |dC/db_L|``) against ``depth``. ``chain_summary`` holds
    one weight scale (``chain.chain_ratio_summary``)."""
    if "weight_scale" in chain_summary and chain_summary["weight_scale"].nunique() > 1:
        raise ValueError(
            "chain_summary has several weight scales "
            f"({sorted(chain_summary['weight_scale'].unique())}); pass the rows of one"
        )
    return -least_squares_slope(chain_summary["depth"], chain_summary["mean_log10"])


BOOK_SINGLE_LAYER = "784-30-10"  # its ratio is 1: the last hidden layer is the first


def book_slope() -> float:
    """The book's per-layer log10 factor at initialisation: the least-squares slope of
    log10 of its last/first speed ratio (``speed.book_ratio``, one run each) against
    the number of hidden layers, over 784-30-10 (ratio 1) and the networks of
    ``book.SPEED_AT_INIT``, as the sweep fits its own (about 0.67: ×4.6 per layer)."""
    architectures = [BOOK_SINGLE_LAYER, *book.SPEED_AT_INIT]
    logs = [0.0, *(np.log10(book_ratio(a)) for a in book.SPEED_AT_INIT)]
    return least_squares_slope([hidden_layers(a) for a in architectures], logs)


def measured_factors(factors: pd.DataFrame) -> pd.DataFrame:
    """Per variant, the backward factors at initialisation averaged over every layer, depth
    and seed (``depth_runs.backward_factors``): ``n_factor_layers`` (layers measured),
    ``mean_abs_factor``, ``mean_log10_factor``, ``rms_factor`` (the mean of the layers'
    rms factors)."""
    return (
        factors.groupby(list(BY_VARIANT), sort=False)
        .agg(
            n_factor_layers=("layer", "size"),
            mean_abs_factor=("mean_abs_factor", "mean"),
            mean_log10_factor=("mean_log10_factor", "mean"),
            rms_factor=("rms_factor", "mean"),
        )
        .reset_index()
    )


def chain_models(activation: str, residual: bool, batch_norm: bool) -> bool:
    """Whether the chain of single neurons models a variant's hidden layers: sigmoid units,
    no residual connection, no batch normalisation."""
    return activation == "sigmoid" and not residual and not batch_norm


def in_interval(value: float, low: float, high: float):
    """Whether ``low <= value <= high``; missing (``pd.NA``) without an interval or value."""
    if np.isnan(low) or np.isnan(high) or np.isnan(value):
        return pd.NA
    return bool(low <= value <= high)


PER_LAYER_FACTOR_COLUMNS = [
    "protocol",
    *BY_VARIANT,
    "phase",
    "epochs",
    "n_seeds",
    "n_depths",
    "depth_min",
    "depth_max",
    "slope",
    "slope_std",
    "slope_ci_low",
    "slope_ci_high",
    "factor",
    "factor_ci_low",
    "factor_ci_high",
    "p_value",
    "p_holm",
    "detectable_difference",
    "verdict",
    "book_factor",
    "book_in_ci",
    "chain_slope",
    "chain_factor",
    "chain_in_ci",
    "n_factor_layers",
    "mean_abs_factor",
    "mean_log10_factor",
    "log_mean_slope",
    "log_mean_in_ci",
    "rms_factor",
    "rms_slope",
    "rms_in_ci",
]


def per_layer_factor(
    by_run: pd.DataFrame,
    factors: pd.DataFrame,
    chain_summary: pd.DataFrame,
    book_variant: str | None = None,
) -> pd.DataFrame:
    """One row per protocol x variant x phase: the fitted per-layer factor and its
    predictions (module docstring).

    ``slope`` (mean over seeds of the per-seed slopes, ``slopes_by_seed``), ``slope_std``,
    ``slope_ci_low/high`` (``t_summary``); ``factor`` = ``10^slope`` with its interval
    ``10^ci``; ``p_value`` of ``slope = 0``, ``p_holm`` across the rows, ``verdict``
    (``significance.difference_verdict``: ``higher`` = the ratio grows with depth, a vanishing
    gradient; ``lower`` = it shrinks; ``within_seed_spread``; ``not_testable``) and the
    ``detectable_difference`` of the slope (log10 per layer; ``with_family_verdicts``).
    ``book_factor`` = ``10^book_slope()`` on the row of ``book_variant`` (the book's network)
    at initialisation by protocol B, when the sweep trained the book's architectures (else
    missing), with ``book_in_ci``;
    ``chain_slope`` (``chain_slope``) and ``chain_factor = 10^chain_slope`` on the rows of the
    variants it models (``chain_models``; missing on the others);
    ``measured_factors`` of the variant with ``log_mean_slope = -mean_log10_factor`` and
    ``rms_slope = -mean over layers of log10 rms_factor``; each ``*_in_ci`` says whether that
    predicted slope lies within the slope's interval (missing without an interval).
    """
    seeds = slopes_by_seed(by_run)
    predicted_chain = chain_slope(chain_summary)
    measured = measured_factors(factors).set_index("variant")
    rms_slopes = -np.log10(factors["rms_factor"]).groupby(factors["variant"], sort=False).mean()
    epochs = by_run.drop_duplicates(["protocol", "variant", "phase"]).set_index(
        ["protocol", "variant", "phase"]
    )["epochs"]
    book_architectures = {BOOK_SINGLE_LAYER, *book.SPEED_AT_INIT}
    rows = []
    for key, group in seeds.groupby(["protocol", *BY_VARIANT, "phase"], sort=False):
        row = dict(zip(["protocol", *BY_VARIANT, "phase"], key))
        fit = t_summary(group["slope"])
        within = partial(in_interval, low=fit["ci_low"], high=fit["ci_high"])
        variant = row["variant"]
        own = measured.loc[variant] if variant in measured.index else None
        log_mean_slope = -own["mean_log10_factor"] if own is not None else np.nan
        rms_slope = rms_slopes.get(variant, np.nan)
        trained = by_run.loc[by_run["variant"] == variant, "architecture"]
        is_book = (variant, row["protocol"], row["phase"]) == (
            book_variant,
            "B",
            "initialisation",
        ) and book_architectures <= set(trained)
        book_factor = 10 ** book_slope() if is_book else np.nan
        modelled = chain_models(row["activation"], row["residual"], row["batch_norm"])
        chain = predicted_chain if modelled else np.nan
        rows.append(
            {
                **row,
                "epochs": epochs[(row["protocol"], variant, row["phase"])],
                "n_seeds": fit["n"],
                "n_depths": int(group["n_depths"].min()),
                "depth_min": int(group["depth_min"].min()),
                "depth_max": int(group["depth_max"].max()),
                "slope": fit["mean"],
                "slope_std": fit["std"],
                "slope_ci_low": fit["ci_low"],
                "slope_ci_high": fit["ci_high"],
                "factor": 10 ** fit["mean"],
                "factor_ci_low": 10 ** fit["ci_low"],
                "factor_ci_high": 10 ** fit["ci_high"],
                "p_value": fit["p_value"],
                "standard_error": fit["standard_error"],
                "df": fit["df"],
                "book_factor": book_factor,
                "book_in_ci": within(np.log10(book_factor)),
                "chain_slope": chain,
                "chain_factor": 10**chain,
                "chain_in_ci": within(chain),
                "n_factor_layers": int(own["n_factor_layers"]) if own is not None else 0,
                "mean_abs_factor": own["mean_abs_factor"] if own is not None else np.nan,
                "mean_log10_factor": own["mean_log10_factor"] if own is not None else np.nan,
                "log_mean_slope": log_mean_slope,
                "log_mean_in_ci": within(log_mean_slope),
                "rms_factor": own["rms_factor"] if own is not None else np.nan,
                "rms_slope": rms_slope,
                "rms_in_ci": within(rms_slope),
            }
        )
    estimated = [c for c in PER_LAYER_FACTOR_COLUMNS if c not in (*FAMILY_COLUMNS, "verdict")]
    table = with_family_verdicts(rows, estimated, "slope", "verdict", df="df")
    return table[PER_LAYER_FACTOR_COLUMNS]
