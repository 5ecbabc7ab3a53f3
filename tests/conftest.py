"""Shared fixtures: a tiny MNIST-shaped data set and a workflow directory that uses it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from idx_fixtures import checksum, write_mnist_like
from vanishing_gradient.data.mnist import MNIST_FILES

ROOT = Path(__file__).resolve().parents[1]


def tiny_mnist(directory: Path, train: int = 260, test: int = 60, seed: int = 0) -> dict:
    """Write the four IDX .gz files of a small learnable MNIST look-alike (noisy digit
    templates) to ``directory``; return the config entries (bytes, sha256) for them."""
    rng = np.random.default_rng(seed)
    templates = (rng.random((10, 28, 28)) < 0.2) * 200

    def draw(n):
        labels = np.arange(n, dtype=np.uint8) % 10
        noise = rng.integers(0, 40, size=(n, 28, 28))
        return np.clip(templates[labels] + noise, 0, 255).astype(np.uint8), labels

    arrays = dict(zip(MNIST_FILES, (*draw(train), *draw(test)), strict=True))
    paths = write_mnist_like(directory, arrays)
    return {name: dict(zip(("bytes", "sha256"), checksum(path))) for name, path in paths.items()}


def tiny_config(mnist_dir: Path, files: dict) -> dict:
    """The project's config.yaml shrunk to seconds: small networks, two seeds, few epochs."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["data"].update(
        mirrors=["http://127.0.0.1:9/"],
        offline_dir=str(mnist_dir),
        timeout_seconds=1,
        retries=0,
        validation_size=60,
        files=files,
    )
    config["architectures"] = ["784-6-10", "784-6-6-10", "784-6-6-6-10"]
    config["seeds"] = [1, 2]
    config["accuracy"].update(
        training_size=200, epochs=3, mini_batch_size=10, eta=1.0, probe_size=50, train_cost_size=100
    )
    config["speed"].update(training_size=100, epochs=8, mini_batch_size=100)
    config["ablation"].update(
        architecture="784-6-6-6-10",
        accuracy_seeds=[1, 2],
        speed_seeds=[1, 2],
        selection_seeds=[3, 4],
        eta_factors=[0.3, 1, 3],
        accuracy_epochs=2,
        speed_epochs=4,
        variants=[
            {"activation": "sigmoid", "initialiser": "default", "optimiser": "sgd"},
            {"activation": "sigmoid", "initialiser": "standard", "optimiser": "sgd"},
            {"activation": "tanh", "initialiser": "glorot", "optimiser": "sgd"},
            {"activation": "relu", "initialiser": "he", "optimiser": "sgd"},
            {"activation": "sigmoid", "initialiser": "default", "optimiser": "nesterov"},
            {
                "activation": "relu",
                "initialiser": "he",
                "optimiser": "adam",
                "residual": True,
                "batch_norm": True,
                "clip": True,
            },
        ],
    )
    config["chain"].update(max_depth=4, samples=200)
    config["depth_sweep"].update(
        hidden_layers=[1, 2, 3],
        width=4,
        variants=["sigmoid-default-sgd", "relu-he-sgd"],
        speed_epochs=3,
        accuracy_epochs=1,
        accuracy_training_size=100,
    )
    config["figures"].update(bars_architecture="784-6-6-10", book_neurons=4, dpi=60)
    config["glorot"].update(
        width=5,
        hidden_layers=3,
        saturation_hidden_layers=2,
        epochs=2,
        accuracy_seeds=[1, 2, 3],
        selection_seeds=[3, 4],
        eta_factors=[0.3, 1, 3],
    )
    return config


def snakemake_command(
    *args: str, mnist_dir: str | None = None, project: Path = ROOT
) -> tuple[list[str], dict]:
    """The command line running the Snakefile of ``project`` (this checkout, or a copy of it
    whose package is then imported from the copy) with ``args``, and its environment:
    MNIST_DIR set to ``mnist_dir`` (unset when None)."""
    env = {k: v for k, v in os.environ.items() if k != "MNIST_DIR"}
    if mnist_dir:
        env["MNIST_DIR"] = mnist_dir
    if project != ROOT:
        env["PYTHONPATH"] = str(project / "src")
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(project / "Snakefile")]
    return [*command, *args], env


def snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    mnist_dir: str | None = None,
    project: Path = ROOT,
) -> subprocess.CompletedProcess:
    """Run the workflow of ``project`` in ``workdir`` (its config.yaml), as a user would."""
    command, env = snakemake_command(
        "--directory", str(workdir), "--cores", "2", *args, mnist_dir=mnist_dir, project=project
    )
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def planned_jobs(workdir: Path, project: Path = ROOT) -> dict[str, int]:
    """Rule -> number of jobs a dry run plans (read from Snakemake's job stats table)."""
    out = snakemake(workdir, "--dry-run", project=project).stdout
    stats = out.split("Job stats:")[-1] if "Job stats:" in out else ""
    return {
        rule: int(count)
        for rule, count in re.findall(r"^(\w+)\s+(\d+)$", stats, flags=re.M)
        if rule != "total"
    }


def planned_resources(workdir: Path) -> dict[str, str]:
    """Rule -> the resources a dry run prints for its jobs (the last job's line)."""
    plan = snakemake(workdir, "--dry-run").stdout
    job = r"^(?:local)?(?:rule|checkpoint) (\w+):\n(?:    .*\n)*?    resources: (.*)$"
    return dict(re.findall(job, plan, flags=re.M))


def write_config(workdir: Path, config: dict) -> None:
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> tuple[Path, dict]:
    directory = tmp_path_factory.mktemp("mnist")
    return directory, tiny_mnist(directory)


@pytest.fixture(scope="session")
def finished_workflow(tmp_path_factory, tiny_data) -> Path:
    """A workflow directory in which the whole tiny workflow has run once."""
    workdir = tmp_path_factory.mktemp("workflow")
    write_config(workdir, tiny_config(*tiny_data))
    snakemake(workdir)
    return workdir


@pytest.fixture
def workflow_copy(tmp_path, finished_workflow) -> Path:
    """A private copy of the finished workflow, to change and rerun."""
    copy = tmp_path / "workflow"
    shutil.copytree(finished_workflow, copy, symlinks=True)
    return copy
