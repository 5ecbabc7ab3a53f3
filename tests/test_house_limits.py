"""Sizes a newcomer can read: every function of the package within 100 lines and 12
parameters, every report module within 300 lines, every line within 100 characters."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vanishing_gradient"
MAX_FUNCTION_LINES = 100
MAX_PARAMETERS = 12
MAX_REPORT_MODULE_LINES = 300
MAX_LINE_CHARACTERS = 100  # black's line length, pyproject.toml


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def functions():
    """(module, function) for every function and method of the package."""
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield path.relative_to(PACKAGE), node


def parameters(function: ast.FunctionDef) -> int:
    signature = function.args
    named = [*signature.posonlyargs, *signature.args, *signature.kwonlyargs]
    return len(named) + (signature.vararg is not None) + (signature.kwarg is not None)


def test_every_function_is_within_100_lines_and_12_parameters():
    too_long = [
        f"{path}: {f.name} has {f.end_lineno - f.lineno + 1} lines"
        for path, f in functions()
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    too_many = [
        f"{path}: {f.name} takes {parameters(f)} parameters"
        for path, f in functions()
        if parameters(f) > MAX_PARAMETERS
    ]
    assert not too_long + too_many


def test_every_report_module_is_within_300_lines():
    report = sorted((PACKAGE / "report").glob("*.py"))
    assert report, "the report's modules are found"
    too_long = [
        f"{path.name} has {n} lines"
        for path in report
        if (n := len(path.read_text().splitlines())) > MAX_REPORT_MODULE_LINES
    ]
    assert not too_long


def test_every_line_of_the_package_is_within_100_characters():
    too_long = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > MAX_LINE_CHARACTERS
    ]
    assert not too_long
