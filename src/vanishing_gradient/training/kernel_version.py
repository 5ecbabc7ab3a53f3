"""Which modules of the package hold compiled kernels, the files their code comes from, and
the version of that code.

The version is ``code_version``'s digest (syntax trees without docstrings) over the kernel
modules and every package module they import, directly or transitively: it changes with what
the kernels compute and with nothing else. This module imports no numba, so the workflow can
name the kernels' version without loading the compiler.
"""

import hashlib
from pathlib import Path

from ..support.code_version import PACKAGE, file_digest, imported_closure, module_file, package_of

# the package modules that compile with numba
KERNEL_MODULES = (
    "training.kernels.lanes",
    "training.kernels.sparse",
    "training.kernels.dense",
    "training.kernels.packed",
    "training.steps",
    "training.plain_sgd",
    "training.general",
)


def kernel_files() -> dict[str, Path]:
    """Module name -> file of the kernel modules and every package module they import."""
    files = {}
    for name in KERNEL_MODULES:
        module = f"{PACKAGE}.{name}"
        files[module] = module_file(module)
        files.update(imported_closure(files[module], package_of(module)))
    return files


def kernels_version() -> str:
    """sha256 over ``name NUL file_digest NEWLINE`` of ``kernel_files``, sorted by name."""
    digest = hashlib.sha256()
    for name, path in sorted(kernel_files().items()):
        digest.update(f"{name}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()
