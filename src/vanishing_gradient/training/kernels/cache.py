"""numba, with its on-disk cache of compiled functions kept per version of their code.

numba's own cache (``cache=True``) reuses a compiled function as long as the file that
defines it is unchanged. It does not look at the other modules it reads: a compiled helper
inlined from another module (the loops inline the functions of ``steps``, compiled from the
ingredients' entries) or a constant read from one (``network.BATCH_NORM_EPSILON``) can
change while the cached machine code, built from the old one, is still loaded, and a rerun
would give the old numbers. So the cache lives in a directory named by
``training.kernel_version.kernels_version()``, the version of the code of every module
that compiles with numba and of every package module they import, directly or transitively.

Any change to what that code does compiles afresh in a new directory; unchanged code reuses
the compiled functions across processes, as numba's cache does (and a comment or docstring
edit in a kernel's own file recompiles that file's functions in place, numba's own rule).
Importing this module sets ``numba.config.CACHE_DIR`` for the process, before the kernel
modules' decorators read it.
"""

import numba

from ...support.code_version import PACKAGE_DIR
from ..kernel_version import kernels_version

# How they compile: cached on disk (in CACHE_DIR below), and with numpy's error model, under
# which a division by zero gives inf or nan instead of raising, so no divisor is tested inside
# a loop and LLVM can vectorise loops that divide (Adam's update runs 4 times faster). No
# divisor in these loops can be zero: 1 + e^-z >= 1, sqrt(v) + eps > 0, batch sizes >= 1.
JIT = {"cache": True, "error_model": "numpy"}

CACHE_DIR = PACKAGE_DIR / "__pycache__" / f"numba-{kernels_version()[:16]}"
numba.config.CACHE_DIR = str(CACHE_DIR)
