"""The report's prose as Jinja2 templates, one file per part in ``templates/``, filled with
numbers and verdicts from the tables. The words can be read and edited as words; every
number comes from a table or a constant, printed by the report's own formats
(``formatting``, ``figures.labels``) as filters: ``pct``, ``signed`` (a signed percentage),
``num``, ``p``, ``interval``, ``level`` (a fraction as a whole percentage), ``count`` (an
integer with thousands separators), ``seed_list`` and ``one_line``.

A template writes a paragraph (or a long table row) a sentence (or a cell) a line inside
``{% filter one_line %}``; the report prints it as one line. The constants the prose
states (confidence level, significance level, detection power, saturation threshold, the book's
epochs of protocol B) are
the templates' globals, and ``templates/phrases.md`` holds the phrases several parts
share, as macros."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import book
from ..analysis.significance import CONFIDENCE, DETECTION_POWER, SIGNIFICANCE_LEVEL
from ..figures.labels import num
from ..model.activations import SATURATION
from .formatting import interval, p_text, pct, seed_list

TEMPLATES = Path(__file__).with_name("templates")


def one_line(text: str) -> str:
    """The non-empty lines of ``text`` joined by single spaces into one line, ending in a
    newline."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
_ENVIRONMENT.filters.update(
    pct=pct,
    signed=lambda fraction: pct(fraction, signed=True),
    num=num,
    p=p_text,
    interval=interval,
    level=lambda fraction: f"{100 * fraction:g}",
    count=lambda number: f"{int(number):,}",
    one_line=one_line,
    seed_list=seed_list,
)
_ENVIRONMENT.globals.update(
    confidence=CONFIDENCE,
    significance_level=SIGNIFICANCE_LEVEL,
    detection_power=DETECTION_POWER,
    saturation=SATURATION,
    book_speed_epochs=book.SPEED_EPOCHS,
)


def render_prose(name: str, **values) -> str:
    """The template ``templates/<name>.md`` filled with ``values``."""
    return _ENVIRONMENT.get_template(f"{name}.md").render(**values).strip()


def template_texts() -> list[str]:
    """Every template's text, in name order: the report rule's param, so that an edit to the
    words rewrites the report."""
    return [path.read_text() for path in sorted(TEMPLATES.glob("*.md"))]
