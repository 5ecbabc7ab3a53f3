"""Figure captions: each has one source, ``workflow/report/<figure>.rst``, a Jinja2
template that ``snakemake --report`` renders with the run's ``snakemake.config`` and
``snakemake.wildcards``; the Markdown report renders the same file with the same values.
So a caption may state settings (seeds, epochs) but no result.
"""

import re
from types import SimpleNamespace

from jinja2 import Environment, StrictUndefined

# As snakemake.report renders captions; undefined names fail loudly here.
_ENVIRONMENT = Environment(trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


def render_caption(template: str, config: dict, wildcards: dict | None = None) -> str:
    """The caption ``template`` filled in with ``config`` (and ``wildcards``), on one line."""
    snakemake = SimpleNamespace(config=config, wildcards=SimpleNamespace(**(wildcards or {})))
    text = _ENVIRONMENT.from_string(template).render(snakemake=snakemake)
    return re.sub(r"\s+", " ", text).strip()
