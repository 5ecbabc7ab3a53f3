"""The version of a rule's code: what counts (logic, imported modules) and what does not
(comments, docstrings, formatting)."""

from pathlib import Path

import pytest

from vanishing_gradient.support.code_version import code_version, file_digest, imported_modules

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"

MODULE = '''"""A module."""

SCALE = 2.0


def scaled(x):
    """x times SCALE."""
    return SCALE * x
'''


def digest_of(tmp_path: Path, source: str) -> str:
    path = tmp_path / f"module{len(list(tmp_path.iterdir()))}.py"
    path.write_text(source)
    return file_digest(path)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda s: s.replace('"""x times SCALE."""', '"""Multiply x by SCALE."""'),
        lambda s: s.replace('"""A module."""', '"""A module.\n\nWith a longer story."""'),
        lambda s: s.replace(
            "return SCALE * x", "# why: the book scales here\n    return SCALE * x"
        ),
        lambda s: s.replace("SCALE * x", "SCALE*x").replace("\n\n\n", "\n\n\n\n"),
        lambda s: s.replace("def scaled(x):", "def scaled(\n    x,\n):"),
    ],
    ids=["function docstring", "module docstring", "comment", "spacing", "line breaks"],
)
def test_what_does_not_change_the_code_does_not_count(tmp_path, rewrite):
    assert digest_of(tmp_path, rewrite(MODULE)) == digest_of(tmp_path, MODULE)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda s: s.replace("SCALE = 2.0", "SCALE = 2.5"),
        lambda s: s.replace("SCALE * x", "x * SCALE"),
        lambda s: s.replace("def scaled(x):", "def scaled(y):").replace("* x", "* y"),
        lambda s: s + "\n\ndef other():\n    return 1\n",
        lambda s: s.replace("return SCALE * x", 'print("x")\n    return SCALE * x'),
    ],
    ids=["constant", "operand order", "argument name", "new function", "string argument"],
)
def test_every_change_to_what_the_code_does_counts(tmp_path, rewrite):
    assert digest_of(tmp_path, rewrite(MODULE)) != digest_of(tmp_path, MODULE)


def test_a_script_counts_the_modules_it_imports_through_others():
    training = imported_modules(SCRIPTS / "train_for_speed.py", "vanishing_gradient")
    assert "vanishing_gradient.experiments.protocols" in training
    chain = imported_modules(SCRIPTS / "simulate_neuron_chain.py", "vanishing_gradient")
    assert "vanishing_gradient.experiments.chain" in chain
    assert "vanishing_gradient.training.trainer" not in chain
    # protocols imports the trainer relatively: `from ..training.trainer import ...`
    protocols = ROOT / "src" / "vanishing_gradient" / "experiments" / "protocols.py"
    package = "vanishing_gradient.experiments"
    assert "vanishing_gradient.training.trainer" in imported_modules(protocols, package)


def test_versions_differ_by_what_each_script_runs():
    versions = {path.stem: code_version(path) for path in SCRIPTS.glob("*.py")}
    assert len(set(versions.values())) == len(versions)
    assert all(len(version) == 64 for version in versions.values())
