"""Optimisers: one entry each, which the compiled trainer, the per-example reference, the
workflow's settings, the report and the tests all read.

For a mini-batch ``B`` of size ``m`` drawn from a training set of size ``n``, the gradient
of the regularised cost is ``g_W = (1/m) sum_{x in B} dC_x/dW + (lmbda/n) W`` and
``g_b = (1/m) sum_{x in B} dC_x/db`` (biases are not regularised; with gradient-norm
clipping ``g`` is clipped first, ``model.remedies``). Every array ``p`` then takes one step
of its optimiser, with ``first`` and ``second`` the optimiser's state of that array (zero
at the start) and ``t = 1, 2, ...`` the update count over the whole run::

    sgd        p <- p - eta g                                      (the book's)
    momentum   v <- mu v - eta g,             p <- p + v          (classical momentum)
    nesterov   v <- mu v - eta g(p + mu v),   p <- p + v          (the gradient at the look-ahead)
    adam       m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
               p <- p - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    rmsprop    v <- rho v + (1 - rho) g^2,    p <- p - eta g / (sqrt(v) + eps)

``mu`` is fixed, or follows Sutskever et al.'s schedule (``momentum_at``). For ``sgd`` on
the book's network ``p - eta g`` is the book's ``(1 - eta lmbda / n) W - (eta / m) sum
dC_x/dW``.

An entry states each step twice: on numpy arrays, in place (``reference_step``, for the
per-example reference), and on one element in plain Python (``element_step``, with the
per-array constants of ``step_constants``), which ``training.steps`` compiles with numba
for the fast trainer. The compiled trainer selects an entry by its position in
``OPTIMISERS``. An entry's ``settings`` name the config keys (of the ``ablation`` section)
of its hyper-parameters, with their defaults: they enter the runs of the variants that use
the optimiser and no others.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SCHEDULE_STEPS = 250  # Sutskever et al.: mu rises every 250 updates
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8
RMSPROP_RHO, RMSPROP_EPSILON = 0.9, 1e-8


@dataclass(frozen=True)
class Setting:
    """A hyper-parameter an optimiser takes from the config: the trainer's ``argument``
    (``mu``, ``schedule`` or ``eta``), the ``key`` in the config's ablation section, and the
    ``default`` used when the config does not set it."""

    argument: str
    key: str
    default: float | bool


def no_constants(eta: float, t: int) -> tuple[float, float]:
    """The per-array constants of a step that needs none."""
    return 0.0, 0.0


@dataclass(frozen=True)
class OptimiserRule:
    """One optimiser: its ``name`` in variant names and the config; its step on arrays
    (``reference_step(p, g, first, second, mu, eta, t)``, in place) and on one element
    (``element_step(p, g, first, second, mu, eta, c1, c2) -> (p, first, second)``, plain
    Python that numba compiles, with ``(c1, c2) = step_constants(eta, t)`` once per array and
    update, none by default); its ``title`` in the report's sentences; whether it takes a
    ``momentum`` ``mu``; whether its gradient is taken at the ``look_ahead`` ``p + mu v``;
    whether it is a ``modern`` remedy of the last decade; its ``settings``; its
    ``description`` for the report, a format string that may name ``{momentum}`` (the
    momentum in words) and ``{eta}`` (its configured learning rate)."""

    name: str
    title: str
    reference_step: Callable
    description: str
    momentum: bool = False
    look_ahead: bool = False
    modern: bool = False
    settings: tuple[Setting, ...] = ()
    element_step: Callable | None = None
    step_constants: Callable = no_constants

    def __post_init__(self):
        if not (callable(self.element_step) and callable(self.step_constants)):
            raise TypeError(
                f"optimiser {self.name!r} has no compiled form: give element_step (and "
                "step_constants if it needs per-array constants), its step on one element in "
                "plain Python, which the fast trainer compiles (see the entries in "
                "vanishing_gradient/model/optimisers.py)"
            )

    def configured(self, section: dict) -> dict:
        """The trainer's arguments from its ``settings``: each from the config ``section``
        (the ablation's), or its default where the section does not set it."""
        return {s.argument: section.get(s.key, s.default) for s in self.settings}


def sgd_reference(p, g, first, second, mu, eta, t) -> None:
    p[...] = p - eta * g


def sgd_element(p, g, first, second, mu, eta, c1, c2):
    return p - eta * g, first, second


def momentum_reference(p, g, first, second, mu, eta, t) -> None:
    first[...] = mu * first - eta * g
    p[...] = p + first


def momentum_element(p, g, first, second, mu, eta, c1, c2):
    velocity = mu * first - eta * g
    return p + velocity, velocity, second


def adam_reference(p, g, first, second, mu, eta, t) -> None:
    first[...] = ADAM_BETA1 * first + (1 - ADAM_BETA1) * g
    second[...] = ADAM_BETA2 * second + (1 - ADAM_BETA2) * g**2
    corrected = first / (1 - ADAM_BETA1**t)
    p[...] = p - eta * corrected / (np.sqrt(second / (1 - ADAM_BETA2**t)) + ADAM_EPSILON)


def adam_constants(eta: float, t: int) -> tuple[float, float]:
    """Adam's step as ``p <- p - alpha m / (sqrt(v) + floor)`` with ``alpha = eta sqrt(c2) /
    c1`` and ``floor = eps sqrt(c2)``, ``c_i = 1 - beta_i^t``: the module docstring's step with
    numerator and denominator multiplied by ``sqrt(c2)``, one division per element instead
    of three."""
    correction1, correction2 = 1.0 - ADAM_BETA1**t, 1.0 - ADAM_BETA2**t
    return eta * math.sqrt(correction2) / correction1, ADAM_EPSILON * math.sqrt(correction2)


def adam_element(p, g, first, second, mu, eta, alpha, floor):
    first = ADAM_BETA1 * first + (1.0 - ADAM_BETA1) * g
    second = ADAM_BETA2 * second + (1.0 - ADAM_BETA2) * g * g
    return p - alpha * first / (math.sqrt(second) + floor), first, second


def rmsprop_reference(p, g, first, second, mu, eta, t) -> None:
    second[...] = RMSPROP_RHO * second + (1 - RMSPROP_RHO) * g**2
    p[...] = p - eta * g / (np.sqrt(second) + RMSPROP_EPSILON)


def rmsprop_element(p, g, first, second, mu, eta, c1, c2):
    second = RMSPROP_RHO * second + (1.0 - RMSPROP_RHO) * g * g
    return p - eta * g / (math.sqrt(second) + RMSPROP_EPSILON), first, second


MOMENTUM_SETTINGS = (
    Setting("mu", "momentum", 0.9),
    Setting("schedule", "momentum_schedule", False),
)

OPTIMISERS: dict[str, OptimiserRule] = {
    rule.name: rule
    for rule in (
        OptimiserRule(
            name="sgd",
            title="plain gradient descent",
            reference_step=sgd_reference,
            element_step=sgd_element,
            description="sgd: plain gradient descent (the book's)",
        ),
        OptimiserRule(
            name="momentum",
            title="classical momentum",
            reference_step=momentum_reference,
            element_step=momentum_element,
            momentum=True,
            settings=MOMENTUM_SETTINGS,
            description="momentum: classical momentum v ← μv − η∇C, w ← w + v, {momentum}",
        ),
        OptimiserRule(
            name="nesterov",
            title="Nesterov's momentum",
            reference_step=momentum_reference,
            element_step=momentum_element,
            momentum=True,
            look_ahead=True,
            settings=MOMENTUM_SETTINGS,
            description="nesterov: Nesterov's momentum (the gradient taken at w + μv), {momentum}",
        ),
        OptimiserRule(
            name="adam",
            title="Adam",
            reference_step=adam_reference,
            element_step=adam_element,
            step_constants=adam_constants,
            modern=True,
            settings=(Setting("eta", "adam_eta", 0.001),),
            description=f"adam: Adam (Kingma & Ba 2015), β1 = {ADAM_BETA1:g}, β2 = "
            f"{ADAM_BETA2:g}, ε = {ADAM_EPSILON:g}, bias-corrected moments, η = {{eta}} in place "
            "of the protocols' η; the L2 term is part of the gradient (not AdamW's decoupled "
            "decay)",
        ),
        OptimiserRule(
            name="rmsprop",
            title="RMSProp",
            reference_step=rmsprop_reference,
            element_step=rmsprop_element,
            modern=True,
            settings=(Setting("eta", "rmsprop_eta", 0.001),),
            description=f"rmsprop: RMSProp (Hinton 2012, lecture 6e), ρ = {RMSPROP_RHO:g}, ε = "
            f"{RMSPROP_EPSILON:g} outside the root, no momentum and no bias correction, η = "
            "{eta} in place of the protocols' η; the L2 term is part of the gradient",
        ),
    )
}


def optimiser_rule(name: str) -> OptimiserRule:
    """The entry ``name``, or a ValueError listing the known ones."""
    if name not in OPTIMISERS:
        raise ValueError(f"unknown optimiser {name!r}: use one of {', '.join(OPTIMISERS)}")
    return OPTIMISERS[name]


@dataclass(frozen=True)
class Optimiser:
    """The update rule of a run: ``kind``, an entry of ``OPTIMISERS``; momentum ``mu`` (its
    maximum when ``schedule``), whether ``mu`` follows Sutskever et al.'s schedule, and the
    threshold ``clip`` of gradient-norm clipping (None: no clipping; ``model.remedies``)."""

    kind: str = "sgd"
    mu: float = 0.9
    schedule: bool = False
    clip: float | None = None
    rule: OptimiserRule = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "rule", optimiser_rule(self.kind))
        if self.clip is not None and not self.clip > 0:
            raise ValueError(f"gradient-norm clipping threshold {self.clip}: use a number > 0")

    @property
    def gradient_at_parameters(self) -> bool:
        """Whether an update's gradient is taken at the parameters before it: for every
        optimiser but those whose gradient is at the look-ahead ``p + mu v``."""
        return not self.rule.look_ahead


def momentum_at(step: int, mu_max: float, schedule: bool) -> float:
    """``mu`` of update ``step``: ``mu_max``, or Sutskever et al.'s schedule
    ``mu_t = min(1 - 2^(-1 - log2(floor(t / 250) + 1)), mu_max)`` capped at it."""
    if not schedule:
        return mu_max
    return min(1.0 - 2.0 ** (-1.0 - math.log2(step // SCHEDULE_STEPS + 1)), mu_max)
