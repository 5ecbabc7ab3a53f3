"""The tests behind every verdict: Welch's t-test, Holm's correction across a family of
tests, and the smallest difference each test could have detected.
"""

import numpy as np
import pandas as pd
from scipy import optimize, stats

SIGNIFICANCE_LEVEL = 0.05  # family-wise error rate of each family of Welch tests (Holm)
CONFIDENCE = 0.95  # level of the confidence interval of a difference of means
# The power at which a family's detectable difference is given: a true difference of that
# size is found with this probability.
DETECTION_POWER = 0.8
# The columns that with_family_verdicts adds to a family's comparisons, before its verdict.
FAMILY_COLUMNS = ["p_holm", "detectable_difference"]


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values, in the order given; NaN stays NaN and is not
    counted among the ``m`` tests.

    With the m p-values sorted, ``p_(1) <= ... <= p_(m)``, the adjusted value of the i-th
    is ``max_{j <= i} min(1, (m - j + 1) p_(j))``. Rejecting where the adjusted p is below
    alpha keeps the probability of any false rejection at most alpha (Holm 1979).
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def detectable_difference(standard_error: float, df: float, level: float) -> float:
    """The smallest true difference that a two-sided t-test at ``level`` finds with
    probability ``DETECTION_POWER``, given the standard error and degrees of freedom of its
    estimate.

    Under a true difference ``delta`` the statistic ``T = d / se`` follows a non-central t
    distribution with ``df`` degrees of freedom and non-centrality ``delta / se``. The test
    rejects when ``|T| > c = t_{1 - level/2, df}``, so its power is
    ``P(T > c) + P(T < -c)``; the returned ``delta`` solves power = ``DETECTION_POWER``.
    It is close to the usual approximation ``(t_{1 - level/2, df} + t_{power, df}) se``
    (with 3 seeds a side and unit spread at level 0.05: 3.07 against 3.04). It is exact for
    Student's test. Welch's test estimates its degrees of freedom from the sample, so at this
    difference it reaches a little less power: 75 % with 5 seeds a side at level 0.01 in a
    simulation (tests/test_statistics.py). NaN where the
    standard error or the degrees of freedom are missing, infinite or not positive.
    """
    if not (np.isfinite(standard_error) and standard_error > 0 and np.isfinite(df) and df > 0):
        return np.nan
    critical = stats.t.ppf(1 - level / 2, df)

    def power_gap(noncentrality: float) -> float:
        # P(T < -c | nc) is P(T > c | -nc): scipy's lower tail of nct is NaN far out
        power = stats.nct.sf(critical, df, noncentrality) + stats.nct.sf(
            critical, df, -noncentrality
        )
        return power - DETECTION_POWER

    upper = 2 * (critical + stats.t.ppf(DETECTION_POWER, df))
    return standard_error * optimize.brentq(power_gap, 0.0, upper, xtol=1e-12)


def welch(sample: np.ndarray, reference: np.ndarray) -> dict:
    """Welch's two-sided t-test of ``mean(sample) - mean(reference)``.

    ``t = d / se`` with ``d`` the difference of means, ``se = sqrt(s_1^2/n_1 + s_2^2/n_2)``
    and the Welch-Satterthwaite degrees of freedom
    ``nu = se^4 / ((s_1^2/n_1)^2/(n_1 - 1) + (s_2^2/n_2)^2/(n_2 - 1))``; the ``CONFIDENCE``
    interval is ``d -+ t_{(1 + CONFIDENCE)/2, nu} se``. Keys ``difference, ci_low, ci_high,
    welch_t, welch_df, p_value, standard_error``; all but the difference NaN when a side
    has fewer than two values or both have no spread.
    """
    sample, reference = np.asarray(sample, float), np.asarray(reference, float)
    out = {"difference": sample.mean() - reference.mean()}
    untestable = {
        key: np.nan
        for key in ("ci_low", "ci_high", "welch_t", "welch_df", "p_value", "standard_error")
    }
    spread = (
        sample.var(ddof=1) + reference.var(ddof=1) if min(len(sample), len(reference)) >= 2 else 0
    )
    if not spread > 0:
        return {**out, **untestable}
    result = stats.ttest_ind(sample, reference, equal_var=False)
    interval = result.confidence_interval(CONFIDENCE)
    return {
        **out,
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "welch_t": float(result.statistic),
        "welch_df": float(result.df),
        "p_value": float(result.pvalue),
        "standard_error": float(
            np.sqrt(sample.var(ddof=1) / len(sample) + reference.var(ddof=1) / len(reference))
        ),
    }


def difference_verdict(p_holm: float, difference: float) -> str:
    """``higher`` or ``lower`` where the Holm-adjusted p is below ``SIGNIFICANCE_LEVEL``
    (by the sign of the difference), ``within_seed_spread`` where it is not, and
    ``not_testable`` where there is no p-value."""
    if pd.isna(p_holm):
        return "not_testable"
    if p_holm >= SIGNIFICANCE_LEVEL:
        return "within_seed_spread"
    return "higher" if difference > 0 else "lower"


def detection_level(p_values) -> float:
    """The level at which a family's tests can first reject under Holm's correction:
    ``SIGNIFICANCE_LEVEL / m`` with ``m`` the tests that have a p-value. A single true
    difference among otherwise equal pairs is judged at this level."""
    return SIGNIFICANCE_LEVEL / max(int(pd.Series(p_values).notna().sum()), 1)


def with_family_verdicts(
    rows: list[dict],
    columns: list[str],
    difference: str,
    verdict: str,
    standard_error: str = "standard_error",
    df: str = "welch_df",
) -> pd.DataFrame:
    """The comparisons ``rows`` (one family of tests, each with a ``p_value``, the estimate's
    ``standard_error`` and the test's degrees of freedom ``df``) as a table of ``columns``
    followed by ``FAMILY_COLUMNS`` and ``verdict``: ``p_holm``, the Holm-adjusted p-values
    across the family; ``detectable_difference``, the smallest true difference each test
    finds with probability ``DETECTION_POWER`` at Holm's first level (``detection_level``),
    in the units of ``difference``; and ``verdict``, each row's ``difference`` classified by
    ``difference_verdict``."""
    table = pd.DataFrame(rows).reindex(columns=list(dict.fromkeys([*columns, standard_error, df])))
    table["p_holm"] = holm(table["p_value"])
    level = detection_level(table["p_value"])
    table["detectable_difference"] = [
        detectable_difference(se, nu, level) for se, nu in zip(table[standard_error], table[df])
    ]
    table[verdict] = [difference_verdict(p, d) for p, d in zip(table["p_holm"], table[difference])]
    return table[[*columns, *FAMILY_COLUMNS, verdict]]
