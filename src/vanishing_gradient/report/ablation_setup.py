"""The opening of "Beyond the chapter": what the ablation varies (each ingredient's entry
in words, with its configured settings) and how it measures accuracy, speed and
saturation; the sentences are the template ``ablation_setup``."""

import pandas as pd

from ..model.activations import ACTIVATIONS
from ..model.initialisers import INITIALISERS
from ..model.optimisers import OPTIMISERS, SCHEDULE_STEPS
from ..model.remedies import REMEDIES
from .prose import render_prose
from .remedies import remedy_constants


def momentum_text(settings: dict) -> str:
    """The configured momentum in words: constant, or Sutskever et al.'s schedule."""
    mu = settings.get("momentum")
    if settings.get("momentum_schedule"):
        return (
            f"μ_t = min(1 − 2^(−1 − log2(⌊t/{SCHEDULE_STEPS}⌋ + 1)), μ_max) "
            f"(Sutskever et al.'s schedule) with μ_max = {mu}"
        )
    return f"constant μ = {mu}"


def optimiser_text(name: str, settings: dict) -> str:
    """One optimiser in words (its entry's description), with its configured settings."""
    rule = OPTIMISERS[name]
    eta = rule.configured(settings).get("eta")
    return rule.description.format(momentum=momentum_text(settings), eta=eta)


def setup(tables: dict[str, pd.DataFrame], settings: dict, variants: list[str]) -> str:
    """What was varied and how it was measured: the ingredients of the variants in the
    book's setting's tables, each listed once in the order they first appear."""
    described = pd.concat(
        [tables["book_ablation_accuracy_summary"], tables["book_ablation_speed_ratio"]]
    )
    constants = remedy_constants(settings)
    return render_prose(
        "ablation_setup",
        architecture=settings["architecture"],
        n_variants=len(variants),
        baseline=settings["baseline"],
        accuracy_seeds=settings["accuracy_seeds"],
        speed_seeds=settings["speed_seeds"],
        activations=[
            ACTIVATIONS[name].description for name in dict.fromkeys(described["activation"])
        ],
        initialisers=[
            (name, INITIALISERS[name].description)
            for name in dict.fromkeys(described["initialiser"])
        ],
        optimisers=[
            optimiser_text(name, settings) for name in dict.fromkeys(described["optimiser"])
        ],
        remedies=[
            (part, remedy.description.format(**constants))
            for part, remedy in REMEDIES.items()
            if remedy.column in described and described[remedy.column].eq(True).any()
        ],
        accuracy=settings["accuracy"],
        accuracy_epochs=settings["accuracy_epochs"],
        speed=settings["speed"],
        speed_epochs=settings["speed_epochs"],
    )
