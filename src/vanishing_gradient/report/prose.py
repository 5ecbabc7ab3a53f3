"""The report's prose as Jinja2 templates, one file per part in ``templates/``, filled with
numbers and verdicts from the tables. The words can be read and edited as words; every
number comes from a table or a constant passed in, printed by the report's own formats
(``formatting``, ``figures.labels``) as filters: ``pct``, ``signed`` (a signed percentage),
``num``, ``p`` and ``interval``."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..figures.labels import num
from .formatting import interval, p_text, pct

TEMPLATES = Path(__file__).with_name("templates")

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
)


def render_prose(name: str, **values) -> str:
    """The template ``templates/<name>.md`` filled with ``values``."""
    return _ENVIRONMENT.get_template(f"{name}.md").render(**values).strip()


def template_texts() -> list[str]:
    """Every template's text, in name order: the report rule's param, so that an edit to the
    words rewrites the report."""
    return [path.read_text() for path in sorted(TEMPLATES.glob("*.md"))]
