"""numba, with its on-disk cache of compiled functions kept per version of their code.

numba's own cache (``cache=True``) reuses a compiled function as long as the file that
defines it is unchanged. It does not look at the other modules it reads: a compiled helper
inlined from another module (``remedies`` calls ``sgd``'s) or a constant read from one
(``network.BATCH_NORM_EPSILON``) can change while the cached machine code, built from the
old one, is still loaded, and a rerun would give the old numbers. So the cache lives in a
directory named by a digest of the raw bytes of every module that compiles with numba
(``KERNEL_MODULES``) and of every package module they import, directly or transitively
(``code_version.imported_closure``):

    sha256( for each file, sorted by module name:  name NUL bytes )

Any change to that code compiles afresh in a new directory; unchanged code reuses the
compiled functions across processes, as numba's cache does. Importing this module sets
``numba.config.CACHE_DIR`` for the process, before the kernel modules' decorators read it.
"""

import hashlib
from pathlib import Path

import numba

from .code_version import PACKAGE, PACKAGE_DIR, imported_closure, module_file, package_of

# the package modules that compile with numba
KERNEL_MODULES = ("sparse", "sgd", "packed", "remedies")
# How they compile: cached on disk (in CACHE_DIR below), and with numpy's error model, under
# which a division by zero gives inf or nan instead of raising, so no divisor is tested inside
# a loop and LLVM can vectorise loops that divide (Adam's update runs 4 times faster). No
# divisor in these loops can be zero: 1 + e^-z >= 1, sqrt(v) + eps > 0, batch sizes >= 1.
JIT = {"cache": True, "error_model": "numpy"}


def kernel_files() -> dict[str, Path]:
    """Module name -> file of the kernel modules and every package module they import."""
    files = {}
    for name in KERNEL_MODULES:
        module = f"{PACKAGE}.{name}"
        files[module] = module_file(module)
        files.update(imported_closure(files[module], package_of(module)))
    return files


def kernel_digest() -> str:
    """The digest of the module docstring (hexadecimal)."""
    digest = hashlib.sha256()
    for name, path in sorted(kernel_files().items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CACHE_DIR = PACKAGE_DIR / "__pycache__" / f"numba-{kernel_digest()[:16]}"
numba.config.CACHE_DIR = str(CACHE_DIR)
