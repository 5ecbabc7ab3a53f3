"""The ablation's verdicts in words: the speed classes (variant_verdicts.gradient_verdict)
as headings and as clauses, and the accuracy verdicts against the baseline."""

import pandas as pd

from ..analysis.variant_verdicts import BALANCED_FACTOR
from .formatting import null_verdict

BOUND = f"1/{BALANCED_FACTOR:g} and {BALANCED_FACTOR:g}"
# The headings of the variant_comparison verdicts, in the order they are listed.
VERDICT_HEADINGS = {
    "removed": f"**Remove the vanishing gradient** (median training ratio between {BOUND}):",
    "reduced": (
        f"**Reduce it without removing it** (ratio from {BALANCED_FACTOR:g} up to the "
        "baseline's):"
    ),
    "worse": "**Make it worse than the baseline** (ratio above the baseline's):",
    "reversed": (
        "**Reverse it: the first hidden layer learns faster** (ratio at most "
        f"1/{BALANCED_FACTOR:g}, an exploding gradient):"
    ),
    "unmeasured": "**Not measured by protocol B:**",
}
# The speed class of a variant in a clause.
SPEED_VERDICT_TEXT = {
    "removed": "is removed",
    "reduced": "is reduced without being removed",
    "worse": "is worse than the baseline's",
    "reversed": "is reversed (the first hidden layer learns faster)",
    "unmeasured": "is not measured",
}
ACCURACY_VERDICT_TEXT = {
    "higher": "more accurate than the baseline, beyond the seed spread",
    "lower": "less accurate than the baseline, beyond the seed spread",
    "within_seed_spread": "not larger than the seed spread",
    "not_testable": "not testable (fewer than two seeds, or no spread)",
}


def accuracy_verdict(row: pd.Series) -> str:
    """A variant's accuracy verdict in words, with its detectable difference if null."""
    text = ACCURACY_VERDICT_TEXT[row["accuracy_verdict"]]
    if row["accuracy_verdict"] != "within_seed_spread":
        return text
    seeds = (row["n_seeds"], row["n_baseline"])
    return null_verdict(text, row["detectable_difference"], seeds, unit=" percentage points")
