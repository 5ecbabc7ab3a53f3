"""Benchmark: one epoch of protocol A (50,000 images, mini-batch 10, float64, one thread),
and where a training job's time goes.

    python -m vanishing_gradient.experiments.bench \
        [--data results/data/mnist.split] [--reference-rows 5000]

Times, on this machine and in one run: the per-example reference (the book's loop), the
plain vectorised step (one ``backprop`` and one numpy update per mini-batch), the trainer
used by the workflow (``training.trainer.Trainer``), PyTorch with the same math if it is
installed, and a large single-thread GEMM whose rate gives the FLOP bound of an epoch. It
prints, per architecture, the epoch time, its ratio to the reference and to the bound,
and the peak memory the epoch allocates. Quote the ratios, not the seconds. Every time is
processor time of this one-threaded process: on a quiet machine the same as wall time, and
much less disturbed by other processes sharing the cores.

An epoch costs, per example, ``2 sum_l n_{l-1} n_l`` flops forward, as many for the
weight gradients, and ``2 sum_{l>=2} n_{l-1} n_l`` to propagate deltas.

Then, per protocol, a workflow job of the book's size (A: 30 epochs; B: 500 epochs of
784-30-30-30-30-10 on 1,000 images) split into processor seconds of

* fixed cost: a run's start-up, what a job does before its first epoch (a run of one
  epoch on 10 images) as a client of the warm process (``experiments.warm_runs``), with
  Snakemake's script preamble when Snakemake is installed; plus the run's own set-up;
* training: the passes over the data (the trainer's epochs; for B also the recorded pass
  when it is not the update's);
* monitoring: everything the protocol measures (A: validation, training cost, probe speeds
  and saturation, the test; B: the norms and checks of the records);

as shares of the job, and the monitoring after an epoch over that epoch's training.
Protocol A is timed over ``--accuracy-epochs`` epochs and scaled to 30. A run's start-up is
timed over ``--start-processes`` processes one after the other, both in a fresh process (as
before the warm process) and as the warm process's client, and printed first as the min,
median and max of their wall and processor seconds.
"""

import os

# One BLAS thread, set before numpy loads its BLAS (Snakemake does the same for each job).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from ..model.initialisers import initialise
from ..model.network import PIXEL_SCALE, backprop, one_hot, parse_architecture
from ..data.prepared import load_split, save_split
from .protocols import Protocol, run_accuracy_protocol, run_speed_protocol
from ..training.reference import reference_epoch
from ..training.trainer import Trainer
from ..training.kernels.sparse import SparseRows

ARCHITECTURES = ("784-30-10", "784-30-30-30-30-10")
ETA, LMBDA, MINI_BATCH = 0.1, 5.0, 10
ACCURACY_EPOCHS, SPEED = 30, Protocol(1000, 500, 1000, ETA, LMBDA)

# What a training job's process imports before its script: Snakemake's script preamble.
_PREAMBLE = """
import sys
try:
    import pickle
    from snakemake.iocontainers import Snakemake
    from snakemake.logging import logger
except ImportError:
    pass
"""
# What a training job does before its first epoch, as a script whose global ``snakemake``
# is [split, architecture]; it prints the processor seconds of its own process.
_JOB_START = """
import time
from vanishing_gradient.support.job_log import log_to
from vanishing_gradient.data.prepared import load_split
from vanishing_gradient.experiments.protocols import Protocol, run_speed_protocol
split, architecture = snakemake
run_speed_protocol(architecture, 1, load_split(split), Protocol(10, 1, 10, 0.1, 5.0))
print(time.process_time())
"""
# A job started both ways (argv: the script above, split, architecture): in a fresh process,
# and as a client of the warm server (experiments.warm_runs), which runs it in a fork; with
# whether the script runs in another process than the one started.
START_COMMANDS = {
    "fresh process": (
        _PREAMBLE + "snakemake = sys.argv[2:]\nexec(open(sys.argv[1]).read())",
        False,
    ),
    "warm server's client": (
        _PREAMBLE
        + "from vanishing_gradient.experiments.warm_runs import run_warm\n"
        + "sys.exit(run_warm(sys.argv[1], sys.argv[2:]))",
        True,
    ),
}


def epoch_flops(sizes: tuple[int, ...], n: int) -> float:
    """Floating-point operations of one epoch over ``n`` examples (see the module docstring)."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return float(n) * (4 * sum(products) + 2 * sum(products[1:]))


def gemm_rate(size: int = 2000, repeats: int = 3) -> float:
    """Flops per second of a single-thread float64 ``size x size`` matrix product (best of
    repeats)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size)), rng.random((size, size))
    best = min(_seconds(lambda: a @ b) for _ in range(repeats))
    return 2.0 * size**3 / best


def _seconds(work: Callable[[], object]) -> float:
    return _processor_seconds(work)[0]


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


def measure(epoch, net, x, y, order, rows: int, prepare=lambda x: x) -> tuple[float, float]:
    """(seconds per epoch of ``len(x)`` rows, extrapolated from a run on the first ``rows``
    after a short warm-up that also compiles what is compiled; peak MB the epoch
    allocates, traced on at most 2,000 rows since tracing slows it). ``prepare`` turns
    rows into what ``epoch`` takes, once per run as a job does, outside the timing."""
    prepared = {count: prepare(x[:count]) for count in {100, rows, min(rows, 2000)}}

    def run(count: int) -> None:
        epoch(net.copy(), prepared[count], y[:count], order[order < count])

    run(100)
    seconds = _seconds(lambda: run(rows)) * len(x) / rows
    tracemalloc.start()
    run(min(rows, 2000))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def job_start_seconds(
    command: list[str], processes: int, forked: bool
) -> list[tuple[float, float]]:
    """(processor, wall) seconds of each of ``processes`` runs of ``command`` (a job's start,
    START_COMMANDS), one after the other; one more runs before them, so the compiled code is
    in the cache and a warm server is up. When the script runs in a fork (``forked``), the
    processor seconds add the fork's, which the script prints (``_JOB_START``)."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(processes):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        printed = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        times.append((own + (float(printed) if forked else 0.0), wall))
    return times


def start_up(split: Path, processes: int) -> float:
    """Print the start-up of a training run, over ``processes`` processes started each way
    (START_COMMANDS): min, median and max of their wall and processor seconds; return the
    warm client's median processor seconds, what a workflow's training job pays."""
    print(f"\nstart-up of a training run, {processes} processes each: min / median / max")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "job_start.py"
        script.write_text(_JOB_START)
        for way, (code, forked) in START_COMMANDS.items():
            command = [sys.executable, "-c", code, str(script), str(split), ARCHITECTURES[-1]]
            times = np.array(job_start_seconds(command, processes, forked))
            for name, column in (("processor s", 0), ("wall s", 1)):
                values = times[:, column]
                print(
                    f"{way:<22} {name:<12} {values.min():6.3f} {np.median(values):6.3f} "
                    f"{values.max():6.3f}"
                )
    return float(np.median(times[:, 0]))


def _processor_seconds(work: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def job_anatomy(
    split: Path, data: dict[str, np.ndarray], accuracy_epochs: int, start_cpu: float
) -> None:
    """Print, per protocol and architecture, where a book-sized job's processor time goes,
    with ``start_cpu`` the processor seconds of a run's start-up (``start_up``)."""
    print(
        f"\n{'job':<24} {'fixed s':>8} {'training s':>11} {'monitoring s':>13} "
        f"{'fixed':>6} {'training':>9} {'monitoring':>11} {'per epoch: mon./train':>22}"
        f"   (processor seconds)"
    )
    short = Protocol(len(data["train_images"]), accuracy_epochs, MINI_BATCH, ETA, LMBDA)
    jobs = [("A", architecture) for architecture in ARCHITECTURES] + [("B", ARCHITECTURES[-1])]
    for protocol, architecture in jobs:
        if protocol == "A":
            total, run = _processor_seconds(
                lambda: run_accuracy_protocol(
                    architecture, 1, data, short, probe_size=1000, train_cost_size=5000
                )
            )
            scale = ACCURACY_EPOCHS / accuracy_epochs
        else:
            total, run = _processor_seconds(
                lambda: run_speed_protocol(architecture, 1, data, SPEED)
            )
            scale = 1.0
        training, monitoring = run.cpu_seconds["training"], run.cpu_seconds["measuring"]
        once = run.cpu_seconds.get("measuring_once", 0.0)
        per_epoch = monitoring / training  # monitoring after an epoch over the epoch's training
        fixed = start_cpu + total - training - monitoring - once  # the run's set-up too
        training, monitoring = training * scale, monitoring * scale + once
        whole = fixed + training + monitoring
        print(
            f"{protocol + ' ' + architecture:<24} {fixed:8.2f} {training:11.2f} {monitoring:13.2f} "
            f"{fixed / whole:6.0%} {training / whole:9.0%} {monitoring / whole:11.0%} "
            f"{per_epoch:22.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", help="prepared MNIST split (default: random data of MNIST's shape)"
    )
    parser.add_argument(
        "--reference-rows", type=int, default=5000, help="rows the slow reference is timed on"
    )
    parser.add_argument(
        "--accuracy-epochs", type=int, default=2, help="epochs protocol A's job is timed on"
    )
    parser.add_argument(
        "--start-processes",
        type=int,
        default=9,
        help="fresh processes a run's start-up is timed on",
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    if args.data:
        split = load_split(args.data)
    else:  # 81 % zeros, as MNIST
        split = {}
        for part, n in (("train", 50_000), ("validation", 10_000), ("test", 10_000)):
            pixels = rng.integers(1, 256, size=(n, 784)) * (rng.random((n, 784)) < 0.19)
            split[f"{part}_images"] = pixels.astype(np.uint8)
            split[f"{part}_labels"] = rng.integers(0, 10, size=n).astype(np.uint8)
    x, labels = split["train_images"], split["train_labels"]
    inputs = (x * np.float32(PIXEL_SCALE)).astype(np.float32)  # the book's float32 k / 256
    y, order = one_hot(labels), rng.permutation(len(x))
    rate = gemm_rate()
    print(
        f"single-thread float64 GEMM: {rate / 1e9:.1f} GFLOP/s; "
        f"data: {args.data or 'random, MNIST-shaped and as sparse'}"
    )
    print(
        f"{'architecture':<20} {'implementation':<22} {'s/epoch':>8} {'vs reference':>13} "
        f"{'vs bound':>9} {'peak MB':>8}"
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
            name: measure(
                epoch,
                net,
                x if name == "trainer (numba)" else inputs,
                y,
                order,
                rows.get(name, len(x)),
                SparseRows if name == "trainer (numba)" else lambda x: x,
            )
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
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.data) if args.data else Path(folder) / "split"
        if not args.data:
            save_split(path, split)
        job_anatomy(path, split, args.accuracy_epochs, start_up(path, args.start_processes))


if __name__ == "__main__":
    main()
