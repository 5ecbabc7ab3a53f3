"""The remedies of the last decade in the ablation (a modern optimiser, residual
connections, batch normalisation, clipping): each remedied variant's ratio against the
baseline's and its ``helps`` verdict of variant_comparison; the sentences are the template
``remedies``."""

import pandas as pd

from ..model.identity import has_remedy
from ..model.network import BATCH_NORM_EPSILON, RUNNING_MOMENTUM
from ..model.optimisers import OPTIMISERS
from ..model.remedies import REMEDIES
from .formatting import ratio_range
from .prose import render_prose
from .verdicts import accuracy_verdict

# A remedy's ``helps`` verdict (variant_verdicts) in words.
HELPS_TEXT = {
    "speed and accuracy": "helps both the speed of learning and the accuracy",
    "speed": "helps the speed of learning, not the accuracy beyond the seed spread",
    "accuracy": "helps the accuracy, not the speed of learning",
    "neither": "fails to help: neither the speed of learning nor the accuracy",
}


def remedy_constants(settings: dict) -> dict:
    """The values a remedy's ``description`` and ``words`` name: fixed and configured."""
    return {
        "epsilon": BATCH_NORM_EPSILON,
        "running_momentum": RUNNING_MOMENTUM,
        "clip_threshold": settings.get("clip_threshold"),
    }


def remedy_words(row: pd.Series, settings: dict) -> list[str]:
    """The remedies of one variant's row (its identity columns) in a few words each: a
    modern optimiser's title, then each remedy's words."""
    rule = OPTIMISERS[row["optimiser"]]
    words = [rule.title] if rule.modern else []
    return words + [
        remedy.words.format(**remedy_constants(settings))
        for remedy in REMEDIES.values()
        if row.get(remedy.column) is True
    ]


def remedies(table: pd.DataFrame, speed_ratio: pd.DataFrame, settings: dict) -> str:
    """One bullet per variant of ``table`` (variant_comparison) that has a remedy: its
    training ratio and seed range against the baseline's, its accuracy difference, and its
    ``helps`` verdict, with a closing line naming every variant that fails to help; '' when
    no variant has a remedy."""
    rows = table[[has_remedy(r) for _, r in table.iterrows()]]
    if rows.empty:
        return ""
    training = speed_ratio[(speed_ratio["protocol"] == "B") & (speed_ratio["phase"] == "training")]
    training = training.set_index("variant")
    return render_prose(
        "remedies",
        baseline=settings["baseline"],
        probe_size=settings["accuracy"]["probe_size"],
        speed_training_size=settings["speed"]["training_size"],
        baseline_ratio=ratio_range(training, settings["baseline"], "not measured"),
        rows=[
            {
                **r.to_dict(),
                "remedies": remedy_words(r, settings),
                "ratio": ratio_range(training, r["variant"], "not measured"),
                "accuracy_words": accuracy_verdict(r),
            }
            for _, r in rows.iterrows()
        ],
        helps_words=HELPS_TEXT,
        failing=rows.loc[rows["helps"] == "neither", "variant"].tolist(),
    )
