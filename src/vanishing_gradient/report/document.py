"""The whole report: the chapter's sections, "Beyond the chapter" and the provenance, as
Markdown, and its rendering as one HTML page."""

import html
import json

import markdown

from .formatting import join, markdown_table

_CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; }
th { background: #eee; }
img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
"""


def provenance_section(provenance: dict) -> str:
    """Configuration, data checksums, package versions, commit and date of the run."""
    checksums = [
        [f"`{name}`", f"`{digest}`"]
        for name, digest in sorted(provenance["data_checksums"].items())
    ]
    packages = [[name, version] for name, version in sorted(provenance["packages"].items())]
    return join(
        [
            "## Provenance",
            "Configuration of this run:",
            "```json\n" + json.dumps(provenance["config"], indent=2, default=str) + "\n```",
            "Data files and their SHA-256:",
            markdown_table(["file", "sha256"], checksums),
            "Package versions:",
            markdown_table(["package", "version"], packages),
            f"Git commit: `{provenance['git_commit']}`\n\nRun date: {provenance['run_date']}",
        ]
    )


def render_report(chapter: str, beyond: str, provenance: dict) -> str:
    """The report as Markdown: the ``chapter``'s sections (``chapter.render_chapter``), the
    ``beyond`` section (``beyond.render_beyond``; may be empty) and the provenance."""
    return join([chapter, beyond, provenance_section(provenance)]) + "\n"


def markdown_to_html(markdown_text: str, title: str) -> str:
    """A complete HTML page of ``markdown_text`` (tables and fenced code rendered) with inline CSS."""
    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"])
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
