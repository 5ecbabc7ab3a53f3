"""Glorot & Bengio's Table 1 (MNIST, 5 hidden layers) at the configured budget: each model's
test error beside the paper's, the paper's orderings tested, and the share of the paper's
updates that the runs made.

Test error is ``1 - test_accuracy`` after the last epoch, per seed. A model's row gives the
mean, sample standard deviation, min and max over its seeds at the learning rate its search
selected (``learning_rates``). The orderings (``papers.GLOROT_BENGIO_ORDERINGS``) are one
family of Welch tests of ``error(model) - error(reference)``, Holm-adjusted, each with the
smallest difference it could have detected (``significance.with_family_verdicts``); a
negative difference means the model's error is lower.
"""

import math

import numpy as np
import pandas as pd

from ..papers import (
    GLOROT_BENGIO_LABELS,
    GLOROT_BENGIO_ORDERINGS,
    GLOROT_BENGIO_TEST_ERROR,
    GLOROT_BENGIO_UPDATES,
)
from .saturation import GLOROT_BENGIO_VARIANT, saturation_check
from .significance import welch, with_family_verdicts
from .summary_rows import book_in_range

TEST_ERROR_COLUMNS = [
    "variant",
    "paper_label",
    "architecture",
    "eta",
    "at_grid_edge",
    "n_seeds",
    "test_error_mean",
    "test_error_std",
    "test_error_min",
    "test_error_max",
    "paper_test_error",
    "paper_in_range",
]
ORDERING_COLUMNS = [
    "question",
    "model",
    "reference",
    "n_seeds",
    "reference_n_seeds",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "paper_difference",
]


def test_errors(test: pd.DataFrame) -> pd.DataFrame:
    """The per-run test table (protocol A's ``test`` tables stacked) with ``test_error``."""
    return test.assign(test_error=1.0 - test["test_accuracy"])


def test_error_table(test: pd.DataFrame, learning_rates: pd.DataFrame) -> pd.DataFrame:
    """One row per model, in the order of first appearance in ``test``: its test error over
    seeds (module docstring) beside the paper's, whether the paper's value lies within our
    seeds' range, and the learning rate it trained at with its ``at_grid_edge`` flag."""
    runs = test_errors(test).groupby("variant", sort=False)
    errors = runs["test_error"]
    table = pd.DataFrame(
        {
            "architecture": runs["architecture"].first(),
            "eta": runs["eta"].first(),
            "n_seeds": runs["seed"].nunique(),
            **{f"test_error_{stat}": errors.agg(stat) for stat in ("mean", "std", "min", "max")},
        }
    ).reset_index()
    chosen = learning_rates[learning_rates["selected"].astype(bool)].set_index("variant")
    table["at_grid_edge"] = table["variant"].map(chosen["at_grid_edge"]).astype("boolean")
    table["paper_label"] = table["variant"].map(GLOROT_BENGIO_LABELS)
    table["paper_test_error"] = table["variant"].map(GLOROT_BENGIO_TEST_ERROR)
    table["paper_in_range"] = book_in_range(
        table["paper_test_error"], table["test_error_min"], table["test_error_max"]
    )
    return table[TEST_ERROR_COLUMNS]


def ordering_tests(test: pd.DataFrame, orderings=GLOROT_BENGIO_ORDERINGS) -> pd.DataFrame:
    """The paper's orderings tested on our seeds, one row per (question, model, reference)
    of ``orderings`` whose two models were both trained: the difference of mean test errors
    (model - reference) with its confidence interval, Welch's p, Holm's p across the family,
    the detectable difference, the verdict (``lower``: the model's error is lower beyond the
    seed spread), the paper's difference, and whether our verdict agrees with the paper's
    ordering (``paper_ordering``: ``confirmed`` where our verdict goes the paper's way,
    ``reversed`` where it goes the other way, ``not_resolved`` where the seeds' spread, or a
    missing test, decides nothing)."""
    runs = test_errors(test)
    errors = {variant: rows["test_error"].to_numpy() for variant, rows in runs.groupby("variant")}
    rows = []
    for question, model, reference in orderings:
        if model not in errors or reference not in errors:
            continue
        tested = welch(errors[model], errors[reference])
        rows.append(
            {
                "question": question,
                "model": model,
                "reference": reference,
                "n_seeds": len(errors[model]),
                "reference_n_seeds": len(errors[reference]),
                **tested,
                "paper_difference": GLOROT_BENGIO_TEST_ERROR[model]
                - GLOROT_BENGIO_TEST_ERROR[reference],
            }
        )
    if not rows:
        raise ValueError(
            "none of the paper's orderings can be tested: train at least "
            f"{GLOROT_BENGIO_VARIANT} and one other model of {sorted(GLOROT_BENGIO_TEST_ERROR)}"
        )
    table = with_family_verdicts(rows, ORDERING_COLUMNS, "difference", "verdict")
    table["paper_ordering"] = [
        paper_ordering(verdict, paper)
        for verdict, paper in zip(table["verdict"], table["paper_difference"])
    ]
    return table


def paper_ordering(verdict: str, paper_difference: float) -> str:
    """``confirmed`` where ``verdict`` (``significance.difference_verdict``) has the sign of
    the paper's difference, ``reversed`` where it has the other, else ``not_resolved``."""
    if verdict not in ("lower", "higher"):
        return "not_resolved"
    return "confirmed" if (verdict == "lower") == (paper_difference < 0) else "reversed"


def updates_table(epochs: int, training_size: int, mini_batch_size: int) -> pd.DataFrame:
    """The updates one run made, ``epochs * ceil(training_size / mini_batch_size)``, and
    their fraction of the paper's ``GLOROT_BENGIO_UPDATES``."""
    updates = epochs * math.ceil(training_size / mini_batch_size)
    return pd.DataFrame(
        [
            {
                "epochs": epochs,
                "training_size": training_size,
                "mini_batch_size": mini_batch_size,
                "updates": updates,
                "paper_updates": GLOROT_BENGIO_UPDATES,
                "fraction_of_paper": updates / GLOROT_BENGIO_UPDATES,
            }
        ]
    )


def paper_width_saturation(saturation: pd.DataFrame) -> pd.DataFrame:
    """``saturation.saturation_check`` of the paper's setting alone (``GLOROT_BENGIO_VARIANT``
    at the target's width), from its per-run saturation table: the one row names its setting
    ``glorot_bengio`` (the check calls its first setting ``book``, its baseline)."""
    check = saturation_check(saturation, GLOROT_BENGIO_VARIANT, GLOROT_BENGIO_VARIANT)
    return check.assign(network_setting=np.full(len(check), "glorot_bengio"))
