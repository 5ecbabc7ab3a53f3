"""The glorot target's report: Glorot & Bengio's Table 1 beside ours, the paper's orderings
tested, the saturation test at the target's width and the share of the paper's updates.
The words are the template ``templates/glorot/report.md``; every number comes from the
target's tables (analysis/glorot_table.py) or its budget, formatted here."""

import pandas as pd

from .. import papers
from .prose import TEMPLATES, render_prose

TEMPLATE = "glorot/report"
# The orderings' questions in words.
QUESTION_TEXT = {
    "sigmoid_worst": "Is the sigmoid the worst?",
    "normalised_helps_tanh": "Does the normalised initialisation help tanh?",
}
# An ordering test's verdict in words: the model's test error against the reference's.
ORDERING_VERDICT_TEXT = {
    "lower": "lower error",
    "higher": "higher error",
    "within_seed_spread": "within the seed spread",
    "not_testable": "not testable",
}

# Whether our verdict goes the paper's way (glorot_table.paper_ordering), in words.
PAPER_ORDERING_TEXT = {
    "confirmed": "yes",
    "reversed": "reversed",
    "not_resolved": "not resolved",
}


def glorot_template_text() -> str:
    """The template's text: the report rule's param, so that an edit to the words rewrites
    the report."""
    return (TEMPLATES / f"{TEMPLATE}.md").read_text()


def glorot_report(tables: dict[str, pd.DataFrame], budget: dict) -> str:
    """The report in Markdown from the tables ``test_errors``, ``orderings``,
    ``saturation_check`` and ``updates`` and the run's ``budget`` (architectures, epochs,
    seeds, learning-rate grid, training and validation sizes)."""
    # Imported here: the workflow imports this module for its template's text alone, and the
    # saturation verdicts' words come with the figures' modules (matplotlib).
    from .saturation import NETWORK_SETTING_TEXT, SATURATION_VERDICT_TEXT

    return (
        render_prose(
            TEMPLATE,
            budget=budget,
            models=tables["test_errors"].to_dict("records"),
            orderings=tables["orderings"].to_dict("records"),
            checks=tables["saturation_check"].to_dict("records"),
            updates=tables["updates"].iloc[0].to_dict(),
            papers=papers,
            ordering_words=ORDERING_VERDICT_TEXT,
            paper_ordering_words=PAPER_ORDERING_TEXT,
            questions=QUESTION_TEXT,
            verdict_words=SATURATION_VERDICT_TEXT,
            setting_words=NETWORK_SETTING_TEXT,
        )
        + "\n"
    )
