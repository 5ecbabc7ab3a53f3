"""The whole report: the chapter's sections, "Beyond the chapter" and the provenance, as
Markdown, and its rendering as one HTML page."""

import html
import json

import markdown

from .formatting import join, markdown_table

_CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; \
line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; }
th { background: #eee; }
img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
"""


def commit_text(commit: str, modified: bool) -> str:
    """A git commit as the report shows it: short, marked when the tree had changes."""
    return f"`{commit[:12]}`" + (" (uncommitted changes)" if modified else "")


def provenance_section(provenance: dict) -> str:
    """Configuration, data checksums, package versions, the code of every stage, commit and
    date of the run."""
    checksums = [
        [f"`{name}`", f"`{digest}`"]
        for name, digest in sorted(provenance["data_checksums"].items())
    ]
    packages = [[name, version] for name, version in sorted(provenance["packages"].items())]
    stages = [
        [
            f"`{row['stage']}`",
            f"`{row['code_version'][:12]}`",
            commit_text(row["git_commit"], row["modified"]),
            "" if row["runs"] is None else str(row["runs"]),
            row["recorded"],
        ]
        for row in provenance["stages"]
    ]
    return join(
        [
            "## Provenance",
            "Configuration of this run:",
            "```json\n" + json.dumps(provenance["config"], indent=2, default=str) + "\n```",
            "Data files and their SHA-256:",
            markdown_table(["file", "sha256"], checksums),
            "Package versions:",
            markdown_table(["package", "version"], packages),
            "The code of each stage: the version of its script and of every package module the "
            "script imports (comments and docstrings do not count), and the git commit it ran at. "
            "A stage reruns whenever its code version changes, so every result here was made by "
            "the code version listed for its stage.",
            markdown_table(["stage", "code version", "git commit", "runs", "recorded"], stages),
            f"Report written at git commit {commit_text(*provenance['git_commit'])} on "
            f"{provenance['run_date']}.",
        ]
    )


def render_report(chapter: str, beyond: str, provenance: dict) -> str:
    """The report as Markdown: the ``chapter``'s sections (``chapter.render_chapter``), the
    ``beyond`` section (``beyond.render_beyond``; may be empty) and the provenance."""
    return join([chapter, beyond, provenance_section(provenance)]) + "\n"


def markdown_to_html(markdown_text: str, title: str) -> str:
    """A complete HTML page of ``markdown_text`` (tables and fenced code rendered) with
    inline CSS."""
    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
