"""Every relative link in README.md and docs/*.md resolves: to a file that exists and, for an
``#anchor`` into a Markdown file, to one of its headings (GitHub's heading slugs)."""

import re
from pathlib import Path

import pytest

from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def without_code(text: str) -> str:
    """The Markdown ``text`` without fenced code blocks and inline code, where brackets and
    hashes are not links or headings."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (hyphens and
    underscores kept), each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: Path) -> set[str]:
    """The anchors of every heading of ``markdown``; a repeated heading gets -1, -2, ... as
    on GitHub."""
    text = FENCE.sub("", markdown.read_text())
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(markdown: Path) -> list[str]:
    """The targets of the links and images of ``markdown`` that name no scheme (http:,
    mailto:, ...), in order."""
    targets = LINK.findall(without_code(markdown.read_text()))
    return [target for target in targets if not SCHEME.match(target)]


def broken_links(markdown: Path) -> list[str]:
    """Each relative link of ``markdown`` that names a missing file or a missing heading, with
    what is wrong with it."""
    broken = []
    for target in relative_links(markdown):
        path, _, anchor = target.partition("#")
        linked = (markdown.parent / path).resolve() if path else markdown
        if not linked.exists():
            broken.append(f"{target}: no file {linked}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.name}")
    return broken


@pytest.mark.parametrize("markdown", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).name)
def test_every_relative_link_resolves(markdown):
    assert not broken_links(markdown), f"broken links in {markdown.relative_to(ROOT)}"


def test_the_readme_links_every_docs_page():
    linked = {Path(target.partition("#")[0]) for target in relative_links(ROOT / "README.md")}
    pages = {path.relative_to(ROOT) for path in DOCUMENTS[1:]}
    assert pages <= linked, f"pages the README does not link: {sorted(map(str, pages - linked))}"


def test_slugs_are_githubs():
    assert slug("Running on a SLURM cluster") == "running-on-a-slurm-cluster"
    assert slug("The ablation: `results/ablation/tables/`") == "the-ablation-resultsablationtables"
    assert slug("Job status: squeue or sacct") == "job-status-squeue-or-sacct"
    assert slug("What it found") == "what-it-found"


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# A page\n\n## Two words\n\n## Two words\n")
    (tmp_path / "README.md").write_text(
        "[fine](docs/page.md) [fine too](docs/page.md#two-words-1) [web](https://example.org)\n"
        "[gone](docs/missing.md) [no heading](docs/page.md#three-words) [self](#nowhere)\n"
        "![picture](docs/figures/missing.png)\n\n"
        "`[code](is-not-a-link.md)`\n\n```sh\n[neither](is-this.md)\n```\n"
    )
    broken = broken_links(tmp_path / "README.md")
    assert [entry.partition(":")[0] for entry in broken] == [
        "docs/missing.md",
        "docs/page.md#three-words",
        "#nowhere",
        "docs/figures/missing.png",
    ]
