"""The chain of single neurons: one sigmoid neuron per layer (the book's section
"What's causing the vanishing gradient problem?").

Conventions, kept everywhere in this module:

* A batch of chains is stored as arrays whose **rows are chains** (samples) and whose
  columns are layers: ``weights`` and ``biases`` have shape ``(samples, L)``, column
  ``j - 1`` holding ``w_j`` and ``b_j`` for ``j = 1 .. L``; ``a0`` has shape ``(samples,)``.
* Forward pass::

      a_0 = input,   z_j = w_j a_{j-1} + b_j,   a_j = sigmoid(z_j),   j = 1 .. L

* Backpropagation along the chain, for any cost ``C`` of ``a_L``::

      dC/db_L = sigma'(z_L) dC/da_L
      dC/db_j = sigma'(z_j) w_{j+1} dC/db_{j+1},                        j = L-1 .. 1
      dC/db_1 = sigma'(z_1) prod_{j=2..L} (w_j sigma'(z_j)) dC/da_L

* Hence the ratio of the first to the last bias gradient does not depend on ``C``::

      |dC/db_1| / |dC/db_L| = prod_{j=1..L-1} |sigma'(z_j) w_{j+1}|

  Factor ``j`` pairs the derivative at neuron ``j`` with the weight *leaving* it
  (``w_{j+1}``, into neuron ``j + 1``); ``w_1`` and ``sigma'(z_L)`` cancel. An empty
  product (``L = 1``) is 1.

Since ``max sigma' = sigma'(0) = 1/4``, every factor is below 1/4 when ``|w| < 1``
(vanishing); with ``w = 100`` and every ``z_j = 0`` each factor is 25 (exploding).
"""

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from ..model.network import sigmoid, sigmoid_prime

# The smallest |w| for which |w sigma'(z)| >= 1 is possible at all: |w| max sigma' = |w|/4.
UNSTABLE_THRESHOLD = 4.0

# The exploding chain's computed ratio agrees with (w/4)^(L-1) within this relative error.
EXPLODING_RTOL = 1e-6


def _chain_arrays(
    weights: np.ndarray, biases: np.ndarray, a0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights and biases as float arrays of shape ``(samples, L)`` and ``a0`` as
    ``(samples,)``; a 1-D ``weights`` is one chain. Raises ValueError on mismatched shapes."""
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    biases = np.atleast_2d(np.asarray(biases, dtype=float))
    a0 = np.broadcast_to(np.asarray(a0, dtype=float), weights.shape[:1])
    if weights.shape != biases.shape or weights.shape[1] < 1:
        raise ValueError(
            f"weights {weights.shape} and biases {biases.shape} must both have shape "
            "(samples, L) with L >= 1: one row per chain, one column per layer"
        )
    return weights, biases, a0


def chain_forward(weights: np.ndarray, biases: np.ndarray, a0: np.ndarray) -> np.ndarray:
    """Weighted inputs ``z_j = w_j a_{j-1} + b_j`` (``a_j = sigmoid(z_j)``, ``a_0 = a0``)
    of every neuron, shape ``(samples, L)``; column ``j - 1`` is ``z_j``."""
    weights, biases, a = _chain_arrays(weights, biases, a0)
    z = np.empty_like(weights)
    for j in range(weights.shape[1]):  # layers are sequential; samples are vectorised
        z[:, j] = weights[:, j] * a + biases[:, j]
        a = sigmoid(z[:, j])
    return z


def chain_bias_gradients(
    weights: np.ndarray, biases: np.ndarray, a0: np.ndarray, dcost_da_last: np.ndarray = 1.0
) -> np.ndarray:
    """Signed ``dC/db_j`` for ``j = 1 .. L``, shape ``(samples, L)``, by the backward
    recursion ``dC/db_L = sigma'(z_L) dC/da_L``, ``dC/db_j = sigma'(z_j) w_{j+1} dC/db_{j+1}``.

    ``dcost_da_last`` is ``dC/da_L`` (per chain or one number); e.g. ``a_L - y`` for
    ``C = (a_L - y)^2 / 2``.
    """
    weights, biases, a0 = _chain_arrays(weights, biases, a0)
    derivative = sigmoid_prime(chain_forward(weights, biases, a0))
    grads = np.empty_like(weights)
    grads[:, -1] = derivative[:, -1] * dcost_da_last
    for j in range(weights.shape[1] - 2, -1, -1):
        grads[:, j] = derivative[:, j] * weights[:, j + 1] * grads[:, j + 1]
    return grads


def chain_gradient_ratio(weights: np.ndarray, biases: np.ndarray, a0: np.ndarray) -> np.ndarray:
    """``|dC/db_1| / |dC/db_L| = prod_{j=1..L-1} |sigma'(z_j) w_{j+1}|`` per chain,
    shape ``(samples,)``; 1 for ``L = 1``.

    Computed as the product of factors, not as a quotient of gradients, so it is exact
    even when ``dC/da_L = 0`` and does not depend on the cost.
    """
    weights, biases, a0 = _chain_arrays(weights, biases, a0)
    derivative = sigmoid_prime(chain_forward(weights, biases, a0))
    return np.prod(np.abs(derivative[:, :-1] * weights[:, 1:]), axis=1)


def chain_gradient_ratios(
    depths, samples: int, rng: np.random.Generator, weight_scale: float = 1.0
) -> pd.DataFrame:
    """Ratio ``|dC/db_1| / |dC/db_L|`` of randomly drawn chains, for each depth ``L``.

    For every ``L`` in ``depths`` (positive integers, e.g. ``range(1, 11)``) draw
    ``samples`` independent chains of ``L`` neurons with

        w_j ~ N(0, weight_scale^2),   b_j ~ N(0, 1),   a_0 ~ U(0, 1),

    (per depth: all weights, then all biases, then the inputs, so one generator state
    always gives the same table) and return the tidy table with columns
    ``weight_scale``, ``depth`` (= L, the number of layers), ``sample`` (0-based) and
    ``ratio``. Depth 1 has ratio 1 (empty product).
    """
    depths = sorted({int(d) for d in depths})
    if not depths or depths[0] < 1:
        raise ValueError(f"depths {depths} must be a non-empty list of positive integers")
    if int(samples) < 1:
        raise ValueError(f"samples={samples} must be a positive integer")
    if not weight_scale > 0:
        raise ValueError(f"weight_scale={weight_scale} must be positive")
    tables = []
    for depth in depths:
        weights = weight_scale * rng.standard_normal((samples, depth))
        biases = rng.standard_normal((samples, depth))
        a0 = rng.random(samples)
        tables.append(
            pd.DataFrame(
                {
                    "weight_scale": float(weight_scale),
                    "depth": depth,
                    "sample": np.arange(samples),
                    "ratio": chain_gradient_ratio(weights, biases, a0),
                }
            )
        )
    return pd.concat(tables, ignore_index=True)


def chain_ratio_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per ``weight_scale`` (if present) and ``depth`` of a ``chain_gradient_ratios`` table:
    ``n_samples``; ``median``, ``q10``, ``q90`` of the ratio; ``mean_log10`` = mean of
    ``log10(ratio)``; and the reference ``quarter_power = (1/4)^(depth - 1)``, the bound
    on the ratio when every ``|w_j| <= 1``, with ``below_bound`` = median < quarter_power.
    """
    missing = {"depth", "ratio"} - set(table.columns)
    if missing:
        raise ValueError(
            f"table lacks columns {sorted(missing)}: pass the output of chain_gradient_ratios"
        )
    keys = ["weight_scale", "depth"] if "weight_scale" in table.columns else ["depth"]
    with np.errstate(divide="ignore"):  # a ratio that underflowed to 0 gives -inf, honestly
        log_ratio = np.log10(table["ratio"])
    grouped = table.assign(log10_ratio=log_ratio).groupby(keys)
    summary = pd.DataFrame(
        {
            "n_samples": grouped["ratio"].size(),
            "median": grouped["ratio"].median(),
            "q10": grouped["ratio"].quantile(0.1),
            "q90": grouped["ratio"].quantile(0.9),
            "mean_log10": grouped["log10_ratio"].mean(),
        }
    ).reset_index()
    summary["quarter_power"] = 0.25 ** (summary["depth"] - 1.0)
    summary["below_bound"] = summary["median"] < summary["quarter_power"]
    return summary


def exploding_chain_parameters(
    depth: int, w: float = 100.0, a0: float = 0.5
) -> tuple[np.ndarray, np.ndarray, float]:
    """The book's exploding chain: ``w_j = w`` for all ``j``, and biases making every
    ``z_j = 0``: ``b_1 = -w a_0``, ``b_j = -w sigmoid(0) = -w/2`` for ``j >= 2``.
    Returns ``(weights, biases, a0)`` with arrays of shape ``(1, depth)``."""
    if int(depth) < 1:
        raise ValueError(f"depth={depth} must be a positive integer")
    weights = np.full((1, int(depth)), float(w))
    biases = np.full((1, int(depth)), -float(w) * sigmoid(0.0))
    biases[0, 0] = -float(w) * a0
    return weights, biases, a0


def exploding_chain(depth: int, w: float = 100.0, a0: float = 0.5) -> float:
    """``|dC/db_1| / |dC/db_L|`` of the exploding chain of ``depth`` neurons (see
    ``exploding_chain_parameters``), computed by the forward pass: every factor is
    ``|w sigma'(0)| = |w|/4``, so the ratio is ``(|w|/4)^(L-1)`` (``25^(L-1)`` for w = 100)."""
    return float(chain_gradient_ratio(*exploding_chain_parameters(depth, w, a0))[0])


def unstable_width(w):
    """Width (in the input ``a``) of ``{a : |w sigma'(w a + b)| >= 1}``, analytic, vectorised.

    ``sigma'(z) = s (1 - s) >= 1/|w|`` with ``s = sigmoid(z)`` holds for
    ``s`` in ``[s_-, s_+]``, ``s_+- = (1 +- sqrt(1 - 4/|w|)) / 2``; the ``z``-interval has
    width ``2 ln(s_+ / s_-)`` and ``a = (z - b)/w`` divides it by ``|w|``, so

        width(w) = (2/|w|) ln(|w| (1 + sqrt(1 - 4/|w|)) / 2 - 1)   for |w| >= 4,
        width(w) = 0                                                for |w| <  4.

    ``b`` only shifts the set, so this is also its largest measure inside ``a in [0, 1]``
    (the width never exceeds 1). Returns an array shaped like ``w`` (a float for a scalar).
    """
    magnitude = np.abs(np.asarray(w, dtype=float))
    safe = np.maximum(magnitude, UNSTABLE_THRESHOLD)  # keeps sqrt and log real below 4
    width = (2.0 / safe) * np.log(safe * (1.0 + np.sqrt(1.0 - 4.0 / safe)) / 2.0 - 1.0)
    width = np.where(magnitude >= UNSTABLE_THRESHOLD, width, 0.0)
    return width[()] if width.ndim == 0 else width


def unstable_width_numeric(w, b_grid: np.ndarray, a_grid: np.ndarray) -> np.ndarray:
    """Brute-force check of ``unstable_width``: for each ``w``,

        max over b in b_grid of  h * #{a in a_grid : |w sigma'(w a + b)| >= 1},

    where ``a_grid`` is a uniform grid covering ``[0, 1]`` with spacing ``h``. It agrees
    with the analytic width to within ``h`` once ``b_grid`` is fine enough to place the
    set inside ``[0, 1]`` (``b`` near ``-w a_centre``). Returns shape ``(len(w),)``.
    """
    w = np.atleast_1d(np.asarray(w, dtype=float))
    a_grid = np.asarray(a_grid, dtype=float)
    b_grid = np.asarray(b_grid, dtype=float)
    steps = np.diff(a_grid)
    if a_grid.ndim != 1 or len(a_grid) < 2 or not np.allclose(steps, steps[0]) or steps[0] <= 0:
        raise ValueError("a_grid must be an increasing uniform 1-D grid, e.g. np.linspace(0, 1, n)")
    if a_grid[0] < 0 or a_grid[-1] > 1:
        raise ValueError(f"a_grid spans [{a_grid[0]}, {a_grid[-1]}]; it must lie inside [0, 1]")
    spacing = steps[0]
    widths = np.empty(len(w))
    for i, weight in enumerate(w):  # one (b, a) plane per w keeps memory at len(b) * len(a)
        z = weight * a_grid[None, :] + b_grid[:, None]
        unstable = np.abs(weight * sigmoid_prime(z)) >= 1.0
        widths[i] = spacing * unstable.sum(axis=1).max()
    return widths


def peak_unstable_width() -> tuple[float, float]:
    """``(|w| at the peak, peak width)`` of the analytic ``unstable_width``, maximised over
    ``|w|`` in ``[4, 100]`` by bounded Brent search (about (6.9, 0.45))."""
    result = minimize_scalar(
        lambda m: -unstable_width(m),
        bounds=(UNSTABLE_THRESHOLD, 100.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return float(result.x), float(-result.fun)


def chain_tables(
    max_depth: int, samples: int, seed: int, weight_scale: float, exploding_weight: float
) -> dict[str, pd.DataFrame]:
    """Everything the chain stage reports, as tidy tables:

    ``summary``: ``chain_ratio_summary`` of ``samples`` random chains per depth 1..max_depth;
    ``exploding``: depth, ratio of the exploding chain with ``w = exploding_weight``, and the
    expected ``(w/4)^(depth-1)``, their ``relative_error`` |ratio/expected - 1| and whether it
    is within ``EXPLODING_RTOL``; ``unstable_width``: w, width, method — the analytic width on
    a fine grid of ``|w|`` in [0, 20] and the brute-force check at ``|w|`` = 3, 4, ..., 20.
    """
    depths = range(1, max_depth + 1)
    ratios = chain_gradient_ratios(depths, samples, np.random.default_rng(seed), weight_scale)
    exploding = pd.DataFrame({"depth": list(depths)})
    exploding["ratio"] = [exploding_chain(d, exploding_weight) for d in depths]
    exploding["expected"] = (exploding_weight / 4.0) ** (exploding["depth"] - 1.0)
    exploding["relative_error"] = (exploding["ratio"] / exploding["expected"] - 1.0).abs()
    exploding["within_tolerance"] = exploding["relative_error"] < EXPLODING_RTOL
    analytic_w = np.linspace(0.0, 20.0, 401)
    numeric_w = np.arange(3.0, 21.0)
    numeric = unstable_width_numeric(numeric_w, np.linspace(-25, 25, 1001), np.linspace(0, 1, 2001))
    unstable = pd.concat(
        [
            pd.DataFrame(
                {"w": analytic_w, "width": unstable_width(analytic_w), "method": "analytic"}
            ),
            pd.DataFrame({"w": numeric_w, "width": numeric, "method": "numeric"}),
        ],
        ignore_index=True,
    )
    return {
        "summary": chain_ratio_summary(ratios),
        "exploding": exploding,
        "unstable_width": unstable,
    }
