"""The compiled building blocks that both epoch loops share (``plain_sgd``, ``general``):
an activation and its slope, an optimiser's step over an array, and the momentum schedule,
each compiled from the entries of ``model.activations`` and ``model.optimisers``.

A loop selects an entry by its code, its position in ``ACTIVATIONS`` or ``OPTIMISERS``.
``dispatch`` compiles one function per entry and chains them into a single function of the
code: for code ``k`` it is exactly entry ``k``'s function, and for a code that no entry has
it is NaN, never another entry's function. ``activation_code`` and ``optimiser_code`` give
the codes, and refuse a name that has no entry. The chain is small, so the compiler inlines
it into the loops, where the selection costs a comparison that is the same at every
element.
"""

import math

from ..model.activations import ACTIVATIONS, activation
from ..model.optimisers import OPTIMISERS, momentum_at, optimiser_rule
from .kernels.cache import JIT, numba

# not numba's own inlining, which cannot pass *args on; LLVM inlines the chain
compile_step = numba.njit(error_model="numpy")


def dispatch(functions, missing):
    """One compiled function ``f(code, *args)`` that is ``functions[code](*args)``, and
    ``missing(*args)`` for a code outside ``range(len(functions))``."""

    def link(code, function, rest):
        def chosen(k, *args):
            if k == code:
                return function(*args)
            return rest(k, *args)

        return compile_step(chosen)

    compiled_missing = compile_step(missing)

    def none(k, *args):
        return compiled_missing(*args)

    chain = compile_step(none)
    for code in reversed(range(len(functions))):
        chain = link(code, compile_step(functions[code]), chain)
    return chain


def activation_code(name: str) -> int:
    """The code of the activation ``name`` in the compiled loops (a ValueError if there is
    no such entry)."""
    return list(ACTIVATIONS).index(activation(name).name)


def optimiser_code(name: str) -> int:
    """The code of the optimiser ``name`` in the compiled loops (a ValueError if there is no
    such entry)."""
    return list(OPTIMISERS).index(optimiser_rule(name).name)


activate = dispatch([a.scalar_forward for a in ACTIVATIONS.values()], lambda z: math.nan)
slope = dispatch([a.scalar_slope for a in ACTIVATIONS.values()], lambda a: math.nan)


def array_step(rule):
    """The optimiser ``rule``'s step over one array, compiled: ``p``, ``first`` and
    ``second`` in place, with the gradient ``factor gradient`` (the clipping factor) and the
    update count ``t``. Its element step is inlined into the loop, which LLVM can then
    vectorise (Adam's update runs about 3 times faster than through a call per element)."""
    element = numba.njit(inline="always", error_model="numpy")(rule.element_step)
    constants = numba.njit(inline="always", error_model="numpy")(rule.step_constants)

    def step(p, gradient, factor, first, second, mu, eta, t):
        p, gradient = p.reshape(p.size), gradient.reshape(gradient.size)
        first, second = first.reshape(first.size), second.reshape(second.size)
        c1, c2 = constants(eta, t)
        for k in range(p.size):
            g = factor * gradient[k]
            p[k], first[k], second[k] = element(p[k], g, first[k], second[k], mu, eta, c1, c2)

    return step


def no_step(p, gradient, factor, first, second, mu, eta, t):
    """What a code without an optimiser does to an array: makes it NaN."""
    p.reshape(p.size)[:] = math.nan


# one optimiser step over an array: update(code, p, gradient, factor, first, second, mu, eta, t)
update = dispatch([array_step(rule) for rule in OPTIMISERS.values()], no_step)
compiled_momentum_at = numba.njit(**JIT)(momentum_at)
# the output layer is always a sigmoid (with the cross-entropy cost)
OUTPUT_CODE = activation_code("sigmoid")


@numba.njit(**JIT, inline="always")
def add_bias_and_activate(z, bias, code, rows):
    """``z[i, :] <- phi(z[i, :] + bias)`` in place for the first ``rows`` rows (``phi`` of
    ``code``, as ``activate``)."""
    for i in range(rows):
        for j in range(z.shape[1]):
            z[i, j] = activate(code, z[i, j] + bias[j])
