"""The trainer: one network trained in place, epoch after epoch, by the compiled loop that
fits its optimiser and network (``plain_sgd`` for the book's plain SGD, ``general`` for
every other), with the optimiser's state kept between epochs."""

import math

import numpy as np

from ..model.network import Network
from ..model.optimisers import Optimiser
from .batches import Examples, Schedule
from .general import NetworkArrays, OptimiserSettings, OptimiserState, Remedies, general_epoch
from .kernels.packed import Packed, bind, pack
from .kernels.sparse import SparseRows
from .plain_sgd import WorkSpace, plain_sgd_epoch
from .steps import activation_code, optimiser_code


class Trainer:
    """Trains one network in place, epoch after epoch, keeping the optimiser's state
    (velocities or Adam's moments, number of updates so far) between epochs."""

    def __init__(self, net: Network, optimiser: Optimiser = Optimiser()):
        net.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in net.weights]
        net.biases = [np.ascontiguousarray(b, dtype=np.float64) for b in net.biases]
        self.net, self.optimiser, self.updates = net, optimiser, 0
        self._work_space = None  # plain_sgd.WorkSpace, for one mini-batch size
        self._bound = (None,) * 4  # packed.Bound of packed_parameters
        self.optimiser_state = None  # general.OptimiserState, made by the first general epoch

    def packed_parameters(self) -> tuple[Packed, Packed, Packed, Packed]:
        """The network's weights; its vectors (biases, then batch normalisation's scales);
        batch normalisation's running means; its running variances: each one ``Packed``
        whose views are the network's arrays (``packed.bind``), so a loop that trains them
        trains the network, with nothing to copy back. Packed again only after the network's
        arrays were replaced."""
        net, norm = self.net, self.net.batch_norm
        lists = (
            [net.weights],
            [net.biases, norm.scales if norm else []],
            [norm.running_mean if norm else []],
            [norm.running_var if norm else []],
        )
        self._bound = tuple(bind(held, bound) for held, bound in zip(lists, self._bound))
        return tuple(bound.packed for bound in self._bound)

    def plain_sgd(self, n: int, eta: float, lmbda: float) -> bool:
        """Whether an epoch over ``n`` rows runs ``plain_sgd_epoch``: the book's plain SGD
        (``model.optimisers``' ``sgd``) whose decay ``1 - eta lmbda / n`` is positive (the
        scale ``s`` must stay positive)."""
        optimiser, net = self.optimiser, self.net
        plain = optimiser.kind == "sgd" and optimiser.clip is None
        return plain and not net.residual and not net.batch_norm and eta * lmbda < n

    def epoch(
        self,
        x: "np.ndarray | SparseRows",
        y: np.ndarray,
        order: np.ndarray,
        *,
        mini_batch_size: int,
        eta: float,
        lmbda: float,
    ) -> list[np.ndarray]:
        """One epoch over the rows ``x[order]`` with targets ``y[order]``. ``x`` may be float,
        uint8 pixels (``network.as_inputs``), or ``SparseRows`` of either (made once for many
        epochs over the same rows); rows are turned into float64 inputs as they are used.

        Returns ``(1/m) sum_x dC_x/db^l`` for every layer over the last mini-batch, at the
        parameters its gradient was taken at: those before its update, but for nesterov
        (``Optimiser.gradient_at_parameters``). With one mini-batch per epoch these are the
        mean bias gradients of the whole set at the epoch's starting parameters.
        """
        y = np.ascontiguousarray(y, dtype=np.float64)
        # the types the loops are compiled for (``precompile``), whatever the config's YAML held
        mini_batch_size, eta, lmbda = int(mini_batch_size), float(eta), float(lmbda)
        schedule = Schedule(np.asarray(order, dtype=np.int64), mini_batch_size, self.updates)
        self.updates += math.ceil(len(x) / mini_batch_size)
        examples = Examples.of(x if isinstance(x, SparseRows) else SparseRows(x), y)
        gradients = [np.empty_like(b) for b in self.net.biases]
        packed_gradients = bind([gradients]).packed
        if self.plain_sgd(len(x), eta, lmbda):
            weights, biases = self.packed_parameters()[:2]  # no scales: no batch normalisation
            code = activation_code(self.net.activation)
            work_space = self.work_space(min(mini_batch_size, len(x)))
            plain_sgd_epoch(
                examples, schedule, weights, biases, code, eta, lmbda, packed_gradients, work_space
            )
        else:
            self.general_epoch(examples, schedule, eta, lmbda, packed_gradients)
        return gradients

    def work_space(self, m: int) -> WorkSpace:
        """``plain_sgd_epoch``'s work space for mini-batches of ``m`` rows, kept between epochs."""
        if self._work_space is None or self._work_space.outputs.shapes[0, 0] != m:
            batch = [(m, len(b)) for b in self.net.biases]  # outputs and errors
            later = [w.shape if layer else (0, 0) for layer, w in enumerate(self.net.weights)]
            shapes = (batch, batch, later, [shape[::-1] for shape in later])
            self._work_space = WorkSpace(*(pack([np.empty(s) for s in kind]) for kind in shapes))
        return self._work_space

    def general_epoch(
        self, examples: Examples, schedule: Schedule, eta: float, lmbda: float, gradients: Packed
    ) -> None:
        """``epoch`` for every optimiser and network but plain SGD's: one epoch of
        ``general.general_epoch``, keeping the optimiser's state in ``optimiser_state``. The
        network's arrays go in as ``packed_parameters``, the packed buffers that hold them;
        the last mini-batch's mean bias gradients come out in ``gradients``."""
        net, optimiser, norm = self.net, self.optimiser, self.net.batch_norm
        if self.optimiser_state is None:
            vectors = [*net.biases, *(norm.scales if norm else [])]
            self.optimiser_state = OptimiserState.zeros(net.weights, vectors)
        residual = np.array([net.skips(layer) for layer in range(1, len(net.weights) + 1)])
        rule = optimiser.rule
        general_epoch(
            examples,
            schedule,
            NetworkArrays(*self.packed_parameters()),
            activation_code(net.activation),
            Remedies(residual, norm is not None, float(optimiser.clip or 0.0)),
            OptimiserSettings(
                optimiser_code(optimiser.kind),
                rule.momentum,
                rule.look_ahead,
                float(optimiser.mu),
                bool(optimiser.schedule),
                eta,
                lmbda,
            ),
            self.optimiser_state,
            gradients,
        )
