"""Benchmark: one epoch of protocol A (50,000 images, mini-batch 10, float64, one thread).

    python -m vanishing_gradient.bench [--data results/data/mnist.split] [--reference-rows 5000]

Times, on this machine and in one run: the per-example reference (the book's loop), the
plain vectorised step (one ``backprop`` and one numpy update per mini-batch), the trainer
used by the workflow (``sgd.Trainer``), PyTorch with the same math if it is installed, and a large
single-thread GEMM whose rate gives the FLOP bound of an epoch. It prints, per
architecture, the epoch time, its ratio to the reference and to the bound, and the peak
memory the epoch allocates. Quote the ratios, not the seconds.

An epoch costs, per example, ``2 sum_l n_{l-1} n_l`` flops forward, as many for the
weight gradients, and ``2 sum_{l>=2} n_{l-1} n_l`` to propagate deltas.
"""

import os

# One BLAS thread, set before numpy loads its BLAS (Snakemake does the same for each job).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from .prepared import load_split  # noqa: E402
from .initialisers import initialise  # noqa: E402
from .network import backprop, one_hot, parse_architecture  # noqa: E402
from .reference import reference_epoch  # noqa: E402
from .sgd import Trainer  # noqa: E402

ARCHITECTURES = ("784-30-10", "784-30-30-30-30-10")
ETA, LMBDA, MINI_BATCH = 0.1, 5.0, 10


def epoch_flops(sizes: tuple[int, ...], n: int) -> float:
    """Floating-point operations of one epoch over ``n`` examples (see the module docstring)."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return float(n) * (4 * sum(products) + 2 * sum(products[1:]))


def gemm_rate(size: int = 2000, repeats: int = 3) -> float:
    """Flops per second of a single-thread float64 ``size x size`` matrix product (best of repeats)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size)), rng.random((size, size))
    best = min(_seconds(lambda: a @ b) for _ in range(repeats))
    return 2.0 * size**3 / best


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _plain_vectorised_epoch(net, x, y, order) -> None:
    """The straightforward vectorised loop: one ``backprop`` and one update per mini-batch."""
    for start in range(0, len(x), MINI_BATCH):
        rows = order[start : start + MINI_BATCH]
        grads_w, grads_b = backprop(net, x[rows], y[rows])
        for w, b, g_w, g_b in zip(net.weights, net.biases, grads_w, grads_b):
            w *= 1.0 - ETA * LMBDA / len(x)
            w -= ETA / len(rows) * g_w
            b -= ETA / len(rows) * g_b


def _torch_epoch():
    """The same math in PyTorch (float64, one thread), or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def epoch(net, x, y, order) -> None:
        weights = [torch.from_numpy(np.ascontiguousarray(w)) for w in net.weights]
        biases = [torch.from_numpy(b.copy()) for b in net.biases]
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        decay = 1.0 - ETA * LMBDA / len(x)
        with torch.no_grad():
            for rows in torch.from_numpy(order).split(MINI_BATCH):
                acts = [xt[rows].double()]
                for w, b in zip(weights, biases):
                    acts.append(torch.sigmoid(acts[-1] @ w + b))
                delta = acts[-1] - yt[rows]
                step = ETA / len(rows)
                for layer in range(len(weights) - 1, -1, -1):
                    grad_w, grad_b = acts[layer].T @ delta, delta.sum(0)
                    if layer > 0:
                        a = acts[layer]
                        delta = (delta @ weights[layer].T) * a * (1 - a)
                    weights[layer].mul_(decay).sub_(step * grad_w)
                    biases[layer].sub_(step * grad_b)

    return epoch


def measure(epoch, net, x, y, order, rows: int) -> tuple[float, float]:
    """(seconds per epoch of ``len(x)`` rows, extrapolated from a run on the first ``rows``
    after a short warm-up that also compiles what is compiled; peak MB the epoch
    allocates, traced on at most 2,000 rows since tracing slows it)."""

    def run(count: int) -> None:
        epoch(net.copy(), x[:count], y[:count], order[order < count])

    run(100)
    seconds = _seconds(lambda: run(rows)) * len(x) / rows
    tracemalloc.start()
    run(min(rows, 2000))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", help="prepared MNIST split (default: random data of MNIST's shape)"
    )
    parser.add_argument(
        "--reference-rows", type=int, default=5000, help="rows the slow reference is timed on"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    if args.data:
        split = load_split(args.data)
        x, labels = split["train_images"], split["train_labels"]
    else:
        x = (rng.random((50_000, 784)) * 0.996).astype(np.float32)
        labels = rng.integers(0, 10, size=50_000)
    y, order = one_hot(labels), rng.permutation(len(x))
    rate = gemm_rate()
    print(
        f"single-thread float64 GEMM: {rate / 1e9:.1f} GFLOP/s; data: {args.data or 'random, MNIST-shaped'}"
    )
    print(
        f"{'architecture':<20} {'implementation':<22} {'s/epoch':>8} {'vs reference':>13} {'vs bound':>9} {'peak MB':>8}"
    )
    for architecture in ARCHITECTURES:
        sizes = parse_architecture(architecture)
        net = initialise(sizes, np.random.default_rng(1))
        bound = epoch_flops(sizes, len(x)) / rate
        implementations = {
            "per-example reference": lambda *a: reference_epoch(
                *a, mini_batch_size=MINI_BATCH, eta=ETA, lmbda=LMBDA
            ),
            "plain vectorised": _plain_vectorised_epoch,
            "trainer (numba)": lambda net, *a: Trainer(net).epoch(
                *a, mini_batch_size=MINI_BATCH, eta=ETA, lmbda=LMBDA
            ),
            "pytorch": _torch_epoch(),
        }
        rows = {"per-example reference": args.reference_rows}
        results = {
            name: measure(epoch, net, x, y, order, rows.get(name, len(x)))
            for name, epoch in implementations.items()
            if epoch is not None
        }
        reference = results["per-example reference"][0]
        for name, (seconds, peak) in results.items():
            print(
                f"{architecture:<20} {name:<22} {seconds:8.3f} {reference / seconds:12.1f}x "
                f"{seconds / bound:8.2f}x {peak:8.1f}"
            )
        print(f"{architecture:<20} {'FLOP bound':<22} {bound:8.3f} {reference / bound:12.1f}x")


if __name__ == "__main__":
    main()
