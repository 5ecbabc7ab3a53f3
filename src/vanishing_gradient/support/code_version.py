"""The version of the code a workflow rule runs, as a digest that changes with what the code
does and with nothing else.

A rule's code is its script plus every module of this package the script imports, directly
or through other modules of the package (found by reading the ``import`` statements, so a
module the trainer starts importing counts at once). Each file counts by its syntax tree
with docstrings dropped, written out in a canonical form: comments and formatting never
reach the tree, and the form names each node and its non-empty fields only, so it reads the
same on every Python version this project supports. The digest is

    sha256( for each file, sorted by module name:  name NUL sha256(canonical tree) NEWLINE )

over module names and contents alone: no path, time stamp or machine enters it, so two
checkouts in different folders give the same digest.
"""

import ast
import hashlib
from functools import cache
from pathlib import Path

PACKAGE = __name__.split(".")[0]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
IGNORED_FIELDS = {"ctx", "kind", "type_comment"}  # load/store, u"" prefixes, type comments


def is_docstring(statement: ast.stmt) -> bool:
    """A bare string statement: a docstring, or any other string that does nothing."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def canonical(node) -> str:
    """``node`` as text: ``Type(field=value,...)`` over its non-empty fields, statements that
    are bare strings left out of every body."""
    if isinstance(node, ast.AST):
        fields = []
        for name in node._fields:
            value = getattr(node, name, None)
            if name in IGNORED_FIELDS or value is None or value == []:
                continue
            if isinstance(value, list):  # a body: its bare strings do nothing
                value = [statement for statement in value if not is_docstring(statement)]
            fields.append(f"{name}={canonical(value)}")
        return f"{type(node).__name__}({','.join(fields)})"
    if isinstance(node, list):
        return f"[{','.join(canonical(item) for item in node)}]"
    return repr(node)


@cache
def parsed(path: Path) -> ast.Module:
    """The syntax tree of the Python file at ``path`` (parsed once per process)."""
    return ast.parse(path.read_text(), filename=str(path))


@cache
def file_digest(path: Path) -> str:
    """sha256 of the canonical syntax tree of the file at ``path``."""
    return hashlib.sha256(canonical(parsed(path)).encode()).hexdigest()


def module_file(module: str) -> Path | None:
    """The file of the package module ``module`` ("vanishing_gradient.training.trainer"),
    None when the name is not a module of the package (a function or class imported from one)."""
    parts = module.split(".")[1:]
    if (PACKAGE_DIR.joinpath(*parts) / "__init__.py").is_file():
        return PACKAGE_DIR.joinpath(*parts) / "__init__.py"
    if parts and PACKAGE_DIR.joinpath(*parts[:-1], f"{parts[-1]}.py").is_file():
        return PACKAGE_DIR.joinpath(*parts[:-1], f"{parts[-1]}.py")
    return None


def with_parents(module: str) -> list[str]:
    """``"a.b.c"`` -> ``["a", "a.b", "a.b.c"]``: importing a module runs its packages first."""
    parts = module.split(".")
    return [".".join(parts[: end + 1]) for end in range(len(parts))]


def statements(body: list[ast.stmt]):
    """Every statement in ``body`` and, recursively, in the bodies of its compound statements
    (functions, classes, if, try, with, loops): where an import can stand."""
    for statement in body:
        yield statement
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from statements(getattr(statement, field, []))


@cache
def imported_modules(path: Path, package: str) -> frozenset[str]:
    """The names of the modules of this package that the file at ``path`` imports, anywhere
    in it (also inside functions). ``package`` is the package a relative import starts from."""
    names = set()
    for node in statements(parsed(path).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        for module in with_parents(name):
            if module.split(".")[0] == PACKAGE and module_file(module):
                found.add(module)
    return frozenset(found)


def package_of(module: str) -> str:
    """The package a relative import in ``module`` starts from."""
    if module_file(module).name == "__init__.py":
        return module
    return module.rpartition(".")[0]


def imported_closure(path: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every package module the file at ``path`` imports, directly or transitively: module
    name -> file (``path`` itself not included; ``package`` is where its relative imports
    start)."""
    files = {}
    pending = set(imported_modules(Path(path).resolve(), package))
    while pending:
        module = pending.pop()
        files[module] = module_file(module)
        pending |= imported_modules(files[module], package_of(module)) - set(files)
    return files


def code_version(script: Path) -> str:
    """The digest (module docstring) over ``script`` and every package module it imports,
    directly or transitively."""
    files = {"script": Path(script).resolve(), **imported_closure(script)}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{file_digest(files[name])}\n".encode())
    return digest.hexdigest()
