"""The kernels compiled before the training jobs are every kernel the jobs call: after
``precompile.compile_kernels``, training any variant, depth or protocol compiles nothing."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from vanishing_gradient.support.code_version import PACKAGE_DIR, imported_closure
from vanishing_gradient.training.kernel_version import kernel_files

COMPILE = """
import json
from vanishing_gradient.training.kernels import cache as kernel_cache
from vanishing_gradient.experiments.precompile import compile_kernels
print(json.dumps({"cache": str(kernel_cache.CACHE_DIR), "record": compile_kernels()}))
"""

# Training jobs of other variants, depths, widths, sizes and number types than the warm-up's
# (an int eta, as a config may hold), on a split stored as the prepared one: prints, per
# kernel, how many versions the process loaded from the cache and how many it compiled.
TRAIN = """
import json, sys
import numpy as np
from vanishing_gradient.experiments.depth_runs import run_depth_sweep
from vanishing_gradient.experiments.precompile import kernels
from vanishing_gradient.data.prepared import load_split, save_split
from vanishing_gradient.experiments.protocols import Protocol, Variant, run_accuracy_protocol, run_speed_protocol

rng = np.random.default_rng(5)
split = {}
for part, n in (("train", 37), ("validation", 11), ("test", 9)):
    split[f"{part}_images"] = (rng.random((n, 784)) < 0.2) * rng.integers(0, 256, (n, 784))
    split[f"{part}_images"] = split[f"{part}_images"].astype(np.uint8)
    split[f"{part}_labels"] = rng.integers(0, 10, n).astype(np.uint8)
save_split(sys.argv[1], split)
data = load_split(sys.argv[1])
accuracy = Protocol(training_size=37, epochs=2, mini_batch_size=4, eta=1, lmbda=2)
speed = Protocol(training_size=30, epochs=3, mini_batch_size=30, eta=0.5, lmbda=0.0)
variants = [
    Variant.named("tanh-glorot-nesterov", mu=0.5),
    Variant.named("sigmoid-sparse-momentum", schedule=True),
    Variant.named("relu-default-sgd-residual-clip", clip=0.5),
    Variant.named("sigmoid-large-sgd-batchnorm"),
    Variant.named("sigmoid-he-adam", eta=0.01),
    Variant.named("tanh-default-sgd"),
]
for variant in variants:
    for architecture in ("784-7-10", "784-5-5-5-5-10"):
        run_accuracy_protocol(
            architecture, 3, data, accuracy, probe_size=6, train_cost_size=8, variant=variant
        )
        run_speed_protocol(architecture, 3, data, speed, variant)
    run_depth_sweep([1, 3], 4, 2, data, speed, accuracy, probe_size=6, variant=variant)
print(json.dumps({
    name: [sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values())]
    for name, k in kernels().items()
}))
"""


def run(root: Path, code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def cache_files(cache: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(cache)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in cache.rglob("*")
    }


def test_after_the_warm_up_no_training_job_compiles(tmp_path):
    # a copy of the package, with a cache of its own that starts empty
    shutil.copytree(
        PACKAGE_DIR, tmp_path / PACKAGE_DIR.name, ignore=shutil.ignore_patterns("__pycache__")
    )
    warmed = run(tmp_path, COMPILE)
    record, cache = warmed["record"], Path(warmed["cache"])
    compiled = {row["kernel"] for row in record if not row["cached"]}
    loops = {
        "vanishing_gradient.training.plain_sgd.plain_sgd_epoch",
        "vanishing_gradient.training.general.general_epoch",
    }
    assert loops | {"vanishing_gradient.training.kernels.sparse._nonzeros"} <= compiled
    assert len(record) == len({(row["kernel"], row["signature"]) for row in record})
    filled = cache_files(cache)
    assert filled, "the warm-up filled the copy's cache"

    used = run(tmp_path, TRAIN, str(tmp_path / "tiny.split"))
    assert all(used[loop][0] for loop in loops), "the jobs ran both loops"
    assert not any(misses for _, misses in used.values()), f"compiled in a job: {used}"
    assert cache_files(cache) == filled, "a job added to the cache"
    rerun = run(tmp_path, COMPILE)["record"]
    assert rerun and all(row["cached"] for row in rerun), "a rerun loads what it compiled"


def test_every_rule_that_waits_for_the_record_runs_every_kernel():
    """A new record (a new version of the kernels' code) then reruns no job that its own code
    version would not rerun. A training rule's script is its ``job`` (warm_job)."""
    waiting = [
        next(
            name
            for name in re.search(
                r'job=warm_job\("(\w+)"\)|script:\s+"\.\./\.\./scripts/(\w+)\.py"', rule
            ).groups()
            if name
        )
        for path in (ROOT / "workflow" / "rules").glob("*.smk")
        for rule in path.read_text().split("\nrule ")
        if "rules.compile_kernels.output.record" in rule
    ]
    assert {"train_for_accuracy", "train_for_speed", "sweep_depth"} <= set(waiting)
    for script in waiting:
        assert set(kernel_files()) <= set(imported_closure(ROOT / "scripts" / f"{script}.py"))
