"""The tiny workflow on a real SLURM cluster through profiles/slurm.

Uses a cluster that already answers (``sinfo`` shows an idle node), or, when slurmctld,
slurmd and munged are installed and we are root, starts a one-node cluster on localhost
with tests/slurm_cluster.sh for the session and stops it afterwards. Skipped otherwise.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, snakemake_command, tiny_config, write_config

pytestmark = pytest.mark.workflow

CLUSTER_SCRIPT = ROOT / "tests" / "slurm_cluster.sh"
STATE_DIR = Path(os.environ.get("VG_SLURM_DIR", "/tmp/vg-slurm"))
TIMEOUT = 600  # seconds for one Snakemake run on the cluster
INSTALL_HINT = "apt-get install -y slurmctld slurmd slurm-client munge"


def sinfo(*fields: str) -> list[list[str]]:
    """Rows of ``sinfo -h -o`` with the given fields; [] when no controller answers."""
    try:
        done = subprocess.run(
            ["sinfo", "-h", "-o", "|".join(fields)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return []
    if done.returncode != 0:
        return []
    return [line.split("|") for line in done.stdout.split()]


def answers() -> bool:
    """A controller answers and a node can take jobs now."""
    return any(state.rstrip("*~#") in {"idle", "mix"} for (state,) in sinfo("%t"))


@pytest.fixture(scope="session")
def slurm_cluster():
    """A SLURM cluster to submit to: (default partition, CPUs of its nodes)."""
    missing = [tool for tool in ("sbatch", "squeue", "sinfo") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"SLURM client tools not on PATH ({', '.join(missing)}): {INSTALL_HINT}")
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        pytest.skip("snakemake-executor-plugin-slurm is not installed: pip install -e '.[slurm]'")

    started = False
    if not answers():
        daemons = [tool for tool in ("slurmctld", "slurmd", "munged") if not shutil.which(tool)]
        if daemons or os.geteuid() != 0:
            pytest.skip(
                "no SLURM cluster answers (sinfo shows no idle node) and none can be started "
                f"here: tests/slurm_cluster.sh needs root and {INSTALL_HINT}"
            )
        done = subprocess.run(
            ["bash", str(CLUSTER_SCRIPT), "start", str(STATE_DIR)],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            pytest.fail(f"tests/slurm_cluster.sh start failed:\n{done.stdout}\n{done.stderr}")
        started = True
    try:
        partitions = [name for (name,) in sinfo("%P") if name.endswith("*")]
        cpus = min(int(c) for (c,) in sinfo("%c"))
        yield (partitions[0].rstrip("*") if partitions else None), cpus
    finally:
        if started:
            subprocess.run(["bash", str(CLUSTER_SCRIPT), "stop", str(STATE_DIR)], timeout=120)


def slurm_profile(directory: Path, partition: str | None) -> Path:
    """profiles/slurm filled in as a user of this cluster would, polling faster than on a
    shared cluster (a job here takes seconds)."""
    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    resources = profile["default-resources"]
    del resources["slurm_account"]  # the test cluster keeps no accounts
    if partition:
        resources["slurm_partition"] = partition
    else:
        del resources["slurm_partition"]
    profile.update(
        {
            "latency-wait": 10,
            "seconds-between-status-checks": 2,
            "slurm-init-seconds-before-status-checks": 2,
            "slurm-keep-successful-logs": True,
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    return directory


def snakemake_on_slurm(
    runs: dict[str, Path], profile: Path, cores: int, *args: str
) -> dict[str, tuple[int, str]]:
    """Run the workflow with the SLURM profile in each workdir of ``runs`` at once, from
    the workdir as a user on the login node would; {name: (exit code, output)}. Fails the
    test after TIMEOUT seconds."""
    # --cores: the widest job (a group of training runs) must fit on one node
    command, env = snakemake_command(
        "--workflow-profile", str(profile), "--cores", str(cores), *args
    )
    started = {
        name: subprocess.Popen(
            [*command, *targets],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=workdir,
        )
        for name, (workdir, *targets) in runs.items()
    }
    deadline = time.monotonic() + TIMEOUT
    done = {}
    for name, process in started.items():
        try:
            output, _ = process.communicate(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in started.values():
                other.kill()
            queue = subprocess.run(["squeue"], capture_output=True, text=True).stdout
            pytest.fail(f"snakemake on SLURM ({name}) did not finish in {TIMEOUT} s:\n{queue}")
        done[name] = process.returncode, output
    return done


@pytest.fixture(scope="session")
def slurm_workflow(tmp_path_factory, tiny_data, slurm_cluster):
    """The tiny workflow run once on SLURM: (workdir, profile, cores, Snakemake's output)."""
    partition, cpus = slurm_cluster
    cores = min(cpus, 2)
    workdir = tmp_path_factory.mktemp("slurm_workflow")
    write_config(workdir, tiny_config(*tiny_data))
    profile = slurm_profile(tmp_path_factory.mktemp("profile"), partition)
    [(returncode, output)] = snakemake_on_slurm({"all": (workdir,)}, profile, cores).values()
    assert returncode == 0, f"snakemake on SLURM failed:\n{output}"
    return workdir, profile, cores, output


def test_jobs_ran_as_slurm_jobs(slurm_workflow):
    workdir, _, _, output = slurm_workflow
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", output)
    assert len(submitted) >= 6, "training, aggregation and figures went through sbatch"
    slurm_logs = workdir / ".snakemake" / "slurm_logs"
    logs = list(slurm_logs.rglob("*.log"))
    assert {log.stem for log in logs} >= set(submitted), "each job left its SLURM log"
    assert not (slurm_logs / "rule_download_mnist").exists(), "downloads run on the login node"
    assert not (slurm_logs / "rule_train_for_accuracy").exists(), "no training run goes alone"
    runs = len(list((workdir / "results" / "accuracy").rglob("seed*.epochs.csv")))
    grouped = [log for log in logs if log.parts[-2].startswith("group_train_accuracy")]
    assert 0 < len(grouped) < runs, "group-components packs several runs into one SLURM job"


def test_slurm_run_gives_the_local_numbers(slurm_workflow, finished_workflow):
    workdir = slurm_workflow[0]
    local_tables = finished_workflow / "results" / "tables"
    names = sorted(path.name for path in local_tables.glob("*.csv"))
    assert {"accuracy_by_epoch.csv", "speed_of_learning.csv"} <= set(names)
    assert names == sorted(path.name for path in (workdir / "results" / "tables").glob("*.csv"))
    for name in names:
        local = pd.read_csv(local_tables / name)
        on_slurm = pd.read_csv(workdir / "results" / "tables" / name)
        wall_time = [column for column in local.columns if column == "seconds"]
        try:
            pd.testing.assert_frame_equal(
                local.drop(columns=wall_time), on_slurm.drop(columns=wall_time), check_exact=True
            )
        except AssertionError as difference:
            raise AssertionError(f"{name} differs between the local and the SLURM run") from (
                difference
            )
    assert (workdir / "results" / "report.html").exists()


def failing_copy(workdir: Path, directory: Path, edit) -> Path:
    """A copy of the finished SLURM workflow with its config changed by ``edit``."""
    copy = directory / "workflow"
    shutil.copytree(workdir, copy, symlinks=True, ignore=shutil.ignore_patterns("slurm_logs"))
    config = yaml.safe_load((copy / "config.yaml").read_text())
    edit(config)
    write_config(copy, config)
    return copy


def test_failing_jobs_fail_the_run_and_say_why(slurm_workflow, tmp_path):
    """One job alone (its message gives SLURM's job id and state) and one in a group
    (Snakemake reports the group; the rule's log and the SLURM log say why), run at once."""
    workdir, profile, cores, _ = slurm_workflow
    alone = failing_copy(
        workdir, tmp_path / "alone", lambda c: c["data"].update(validation_size=100_000)
    )
    grouped = failing_copy(
        workdir, tmp_path / "grouped", lambda c: c["accuracy"].update(eta=1e308)  # diverges
    )
    training = "results/accuracy/784-6-10/seed1.epochs.csv"
    done = snakemake_on_slurm(
        {"alone": (alone, "results/data/mnist.split"), "grouped": (grouped, training)},
        profile,
        cores,
        "--retries",
        "0",
    )

    returncode, output = done["alone"]
    assert returncode != 0, output
    failure = re.search(r"SLURM-job '(\d+)' failed, SLURM status is: 'FAILED'", output)
    assert failure, f"the error gives SLURM's job id and state:\n{output}"
    assert "validation_size 100000 must be between" in output, "the rule's log says why"
    slurm_log = next((alone / ".snakemake" / "slurm_logs").rglob(f"{failure.group(1)}.log"))
    assert "validation_size 100000" in slurm_log.read_text(), "the failed job's log is kept"

    returncode, output = done["grouped"]
    assert returncode != 0, output
    assert "Error in group train_accuracy" in output, output
    assert "784-6-10 seed 1 diverged in epoch 1" in output, "the rule's log says why"
    slurm_log = re.search(r"submitted with SLURM jobid \d+ \(log: (\S+)\)", output).group(1)
    assert "diverged" in Path(slurm_log).read_text(), "the failed job's SLURM log is kept"
    assert not (grouped / training).exists()


def test_profile_as_shipped_says_what_to_fill_in(slurm_cluster, tiny_data, tmp_path):
    write_config(tmp_path, tiny_config(*tiny_data))
    shipped = ROOT / "profiles" / "slurm"
    cores = min(slurm_cluster[1], 2)
    [(returncode, output)] = snakemake_on_slurm(
        {"shipped": (tmp_path, "results/data/mnist.split")}, shipped, cores, "--retries", "0"
    ).values()
    assert returncode != 0
    assert re.search(
        r"invalid.*<your-(partition|account)>|<your-(partition|account)>.*invalid", output
    ), f"the placeholder is named in the error:\n{output}"
