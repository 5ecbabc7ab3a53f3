"""The trainer: one network trained in place, epoch after epoch, by the compiled loop that
fits its optimiser and network (``plain_sgd`` for the book's plain SGD, ``general`` for
every other), with the optimiser's state kept between epochs."""

import math

import numpy as np

from ..model.network import Network
from ..model.optimisers import Optimiser
from .general import RemedyState, general_epoch
from .kernels.packed import Packed, bind, pack
from .kernels.sparse import SparseRows
from .plain_sgd import plain_sgd_epoch
from .steps import activation_code, optimiser_code


class Trainer:
    """Trains one network in place, epoch after epoch, keeping the optimiser's state
    (velocities or Adam's moments, number of updates so far) between epochs."""

    def __init__(self, net: Network, optimiser: Optimiser = Optimiser()):
        net.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in net.weights]
        net.biases = [np.ascontiguousarray(b, dtype=np.float64) for b in net.biases]
        self.net, self.optimiser, self.updates = net, optimiser, 0
        self._work_space = None  # plain_sgd_epoch's, for one mini-batch size
        self._bound = (None,) * 4  # packed.Bound of packed_parameters
        self.remedy_state = None  # general.RemedyState, made by the first epoch that needs it

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
        order = np.asarray(order, dtype=np.int64)
        first_step = self.updates
        self.updates += math.ceil(len(x) / mini_batch_size)
        rows = x if isinstance(x, SparseRows) else SparseRows(x)
        if not self.plain_sgd(len(x), eta, lmbda):
            return self.general_epoch(rows, y, order, first_step, mini_batch_size, eta, lmbda)
        m = min(mini_batch_size, len(x))
        if self._work_space is None or self._work_space[0].shapes[0, 0] != m:
            batch = [(m, len(b)) for b in self.net.biases]  # outputs and errors
            later = [w.shape if layer else (0, 0) for layer, w in enumerate(self.net.weights)]
            shapes = (batch, batch, later, [shape[::-1] for shape in later])  # sums, transposes
            self._work_space = tuple(pack([np.empty(s) for s in kind]) for kind in shapes)
        weights, biases = self.packed_parameters()[:2]  # no scales: no batch normalisation
        gradients = [np.empty_like(b) for b in self.net.biases]
        packed_gradients = bind([gradients]).packed
        plain_sgd_epoch(
            rows.starts,
            rows.columns,
            rows.values,
            rows.scale,
            y,
            order,
            weights,
            biases,
            activation_code(self.net.activation),
            mini_batch_size,
            eta,
            lmbda,
            packed_gradients,
            *self._work_space,
        )
        return gradients

    def general_epoch(
        self, rows: SparseRows, y: np.ndarray, order: np.ndarray, first_step: int, *args
    ) -> list[np.ndarray]:
        """``epoch`` for every optimiser and network but plain SGD's: one epoch of
        ``general.general_epoch`` over the inputs ``rows`` in the order ``order`` with
        ``(mini_batch_size, eta, lmbda) = args``, keeping the optimiser's state in
        ``remedy_state``. The network's arrays go in as ``packed_parameters``, the packed
        buffers that hold them. Returns the last mini-batch's mean bias gradients (as
        ``general_epoch`` leaves them)."""
        net, optimiser = self.net, self.optimiser
        n_layers = len(net.weights)
        norm = net.batch_norm
        if self.remedy_state is None:
            vectors = [*net.biases, *(norm.scales if norm else [])]
            self.remedy_state = RemedyState.zeros(net.weights, vectors)
        state = self.remedy_state
        packed = self.packed_parameters()
        gradients = [np.empty_like(b) for b in net.biases]
        packed_gradients = bind([gradients]).packed
        general_epoch(
            rows.starts,
            rows.columns,
            rows.values,
            rows.scale,
            y,
            order,
            *packed,
            state.first,
            state.second,
            activation_code(net.activation),
            np.array([net.skips(layer) for layer in range(1, n_layers + 1)]),
            norm is not None,
            optimiser_code(optimiser.kind),
            optimiser.rule.momentum,
            optimiser.rule.look_ahead,
            optimiser.mu,
            optimiser.schedule,
            optimiser.clip or 0.0,
            first_step,
            *args,
            packed_gradients,
        )
        return gradients
