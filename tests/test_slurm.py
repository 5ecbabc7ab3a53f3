"""The tiny workflow on a real SLURM cluster through profiles/slurm.

Uses a cluster that already answers (``sinfo`` shows an idle node), or, when slurmctld,
slurmd and munged are installed and we are root, starts a one-node cluster on localhost
with tests/slurm_cluster.sh for the session and stops it afterwards. Skipped otherwise.
"""

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, snakemake_command, tiny_config, write_config
from vanishing_gradient.data.idx import read_idx, write_idx
from vanishing_gradient.experiments.warm_runs import STARTED

pytestmark = pytest.mark.workflow

CLUSTER_SCRIPT = ROOT / "tests" / "slurm_cluster.sh"
STATE_DIR = Path(os.environ.get("VG_SLURM_DIR", "/tmp/vg-slurm"))
TIMEOUT = 1500  # seconds for one Snakemake run on the cluster (a guard against hangs)
INSTALL_HINT = "apt-get install -y slurmctld slurmd slurm-client munge"
# Snakemake's message when it loses a running group job: the learning-rate checkpoint added
# runs to that job's group while it ran (docs/slurm.md, "When a job fails").
LOST_GROUP_JOB = "KeyError: JobGroup("


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
    """A controller answers and a node takes jobs (now, or when its running jobs end)."""
    return any(state.rstrip("*~#") in {"idle", "mix", "alloc"} for (state,) in sinfo("%t"))


def test_the_slurm_executor_comes_with_the_projects_install():
    """``--workflow-profile profiles/slurm`` needs the SLURM executor plugin: the project's
    own install brings it, under no extra, so no one meets Snakemake's usage text instead."""
    (plugin,) = [
        requirement
        for requirement in importlib.metadata.requires("vanishing-gradient")
        if requirement.startswith("snakemake-executor-plugin-slurm")
    ]
    assert "extra" not in plugin
    assert importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None


@pytest.fixture(scope="session")
def slurm_cluster():
    """A SLURM cluster to submit to: its default partition (None if it has none)."""
    missing = [tool for tool in ("sbatch", "squeue", "sinfo") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"SLURM client tools not on PATH ({', '.join(missing)}): {INSTALL_HINT}")

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
        yield partitions[0].rstrip("*") if partitions else None
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
    runs: dict[str, Path], profile: Path, *args: str
) -> dict[str, tuple[int, str]]:
    """Run the workflow with the SLURM profile in each workdir of ``runs`` at once, from
    the workdir as a user on the login node would; {name: (exit code, output)}. Fails the
    test after TIMEOUT seconds."""
    command, env = snakemake_command("--workflow-profile", str(profile), *args)
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
    """The tiny workflow run once on SLURM: (workdir, profile, Snakemake's output)."""
    workdir = tmp_path_factory.mktemp("slurm_workflow")
    write_config(workdir, tiny_config(*tiny_data))
    profile = slurm_profile(tmp_path_factory.mktemp("profile"), slurm_cluster)
    [(returncode, output)] = snakemake_on_slurm({"all": (workdir,)}, profile).values()
    if returncode != 0 and LOST_GROUP_JOB in output:
        # Snakemake's known failure with group jobs and a checkpoint (docs/slurm.md): the
        # same command resumes the run, as a user would type it again.
        [(returncode, resumed)] = snakemake_on_slurm({"all": (workdir,)}, profile).values()
        output += resumed
    assert returncode == 0, f"snakemake on SLURM failed:\n{output}"
    return workdir, profile, output


def test_jobs_ran_as_slurm_jobs(slurm_workflow):
    workdir, _, output = slurm_workflow
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", output)
    assert len(submitted) >= 6, "training, aggregation and figures went through sbatch"
    slurm_logs = workdir / ".snakemake" / "slurm_logs"
    logs = list(slurm_logs.rglob("*.log"))
    assert {log.stem for log in logs} >= set(submitted), "each job left its SLURM log"
    assert not (slurm_logs / "rule_download_mnist").exists(), "downloads run on the login node"
    assert not (slurm_logs / "rule_train_for_accuracy").exists(), "no training run goes alone"
    results = workdir / "results"
    # the runs of the group train_accuracy: the chapter's, the ablation's and the search's
    runs = sum(
        1
        for folder in (results / "accuracy", results / "ablation" / "accuracy")
        for _ in folder.rglob("seed*.epochs.csv")
    ) + sum(1 for _ in (results / "ablation" / "search").rglob("seed*[0-9].csv"))
    grouped = [log for log in logs if log.parts[-2].startswith("group_train_accuracy")]
    assert 0 < len(grouped) < runs, "group-components packs several runs into one SLURM job"


@dataclass
class Run:
    """One rule's run inside a SLURM job: what it was given, when it ran (epoch seconds;
    None for a rule without a benchmark file)."""

    name: str
    mem_mb: int
    start: float | None
    end: float | None


@dataclass
class SlurmJob:
    """One SLURM job as the controller knows it, with the runs its log names."""

    jobid: str
    state: str
    cpus: int
    mem_mb: int
    seconds: int  # from its start to its end
    runs: list[Run]

    def most_runs_at_once(self) -> int:
        """1 for a job of one run, else the largest number of its runs whose
        [start, end] intervals overlap (a sweep over the ends: a run that starts when
        another ends does not overlap it)."""
        if len(self.runs) == 1:
            return 1
        events = sorted(
            [(run.start, 1) for run in self.runs] + [(run.end, -1) for run in self.runs],
            key=lambda event: (event[0], event[1]),
        )
        running = most = 0
        for _, change in events:
            running += change
            most = max(most, running)
        return most


def clock_seconds(text: str) -> int:
    """SLURM's [days-]hours:minutes:seconds in seconds."""
    days, _, clock = text.rpartition("-")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return ((int(days or 0) * 24 + hours) * 60 + minutes) * 60 + seconds


def megabytes(text: str) -> int:
    """SLURM's memory size (e.g. 600M, 1.5G) in MB."""
    factor = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[text[-1]]
    return round(float(text[:-1]) * factor)


def log_time(line: str) -> float:
    """The time stamp that starts a line of a run's own log, in seconds since the epoch."""
    stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return stamp.timestamp()


def runs_in(workdir: Path, slurm_log: Path) -> list[Run]:
    """The runs a SLURM job's log announces ("rule NAME:" or "checkpoint NAME:" blocks of
    the job step's Snakemake), with the mem_mb each was given. A run with a benchmark ends at the last
    time-stamped line of its own log and lasts the wall seconds ``s`` of its benchmark
    (not the benchmark's mtime: Snakemake rewrites it when the whole group ends)."""
    runs = []
    job_start = r"\n(?=\[[^\]]+\]\n(?:local)?(?:rule|checkpoint) \w+:)"
    for block in re.split(job_start, slurm_log.read_text()):
        announced = re.search(r"^(?:rule|checkpoint) (\w+):$", block, re.MULTILINE)
        if not announced:
            continue  # a nested "localrule" block: the same run, executed by srun
        name = announced.group(1)
        mem_mb = int(re.search(r"^\s+resources:.*\bmem_mb=(\d+)", block, re.MULTILINE).group(1))
        benchmark = re.search(r"^\s+benchmark: (\S+)$", block, re.MULTILINE)
        start = end = None
        if benchmark:
            log = re.search(r"^\s+log: (\S+)$", block, re.MULTILINE).group(1)
            end = log_time((workdir / log).read_text().splitlines()[-1])
            seconds = pd.read_csv(workdir / benchmark.group(1), sep="\t")["s"].iloc[0]
            start = end - float(seconds)
            name = log
        runs.append(Run(name, mem_mb, start, end))
    return runs


def submitted(output: str) -> list[str]:
    """The SLURM job ids of a Snakemake run, in the order it submitted them."""
    return re.findall(r"has been submitted with SLURM jobid (\d+)", output)


def scontrol(jobid: str) -> dict[str, str]:
    """What the controller knows of a job; it keeps a finished one for MinJobAge seconds
    (an hour on the test cluster)."""
    shown = subprocess.run(["scontrol", "-o", "show", "job", jobid], capture_output=True, text=True)
    if shown.returncode != 0:
        pytest.fail(
            f"scontrol show job {jobid}: {shown.stderr.strip()} (the controller forgets a "
            "finished job after MinJobAge seconds: tests/slurm_cluster.sh sets an hour)"
        )
    return dict(re.findall(r"(\w+)=(\S*)", shown.stdout))


def slurm_job(workdir: Path, jobid: str) -> SlurmJob:
    """A SLURM job of the workflow in ``workdir`` as the controller shows it, with the
    runs its log (kept under .snakemake/slurm_logs) names."""
    fields = scontrol(jobid)
    [slurm_log] = (workdir / ".snakemake" / "slurm_logs").rglob(f"{jobid}.log")
    return SlurmJob(
        jobid,
        fields["JobState"],
        int(fields["NumCPUs"]),
        megabytes(fields["MinMemoryNode"]),
        clock_seconds(fields["RunTime"]),
        runs_in(workdir, slurm_log),
    )


def test_slurm_jobs_reserve_only_what_their_runs_use(slurm_workflow):
    """No SLURM job asks for more CPUs than the most of its runs that ran at once (each
    run is single-threaded), nor for more memory than those runs were given; prints the
    CPU-seconds the training runs used over those their jobs reserved."""
    workdir, _, output = slurm_workflow
    jobs = [slurm_job(workdir, jobid) for jobid in submitted(output)]
    training = [job for job in jobs if any(run.start is not None for run in job.runs)]
    assert any(len(job.runs) > 1 for job in training), "some SLURM job holds several runs"
    assert all(job.state == "COMPLETED" for job in jobs)

    table, wasteful = [], []
    for job in jobs:
        at_once = job.most_runs_at_once()
        needed_mb = at_once * max(run.mem_mb for run in job.runs)
        row = (
            f"job {job.jobid}: {len(job.runs)} runs, at most {at_once} at once; "
            f"asked for {job.cpus} CPUs and {job.mem_mb} MB (runs at once need {needed_mb} MB)"
        )
        table.append(row)
        if job.cpus > at_once or job.mem_mb > needed_mb:
            wasteful.append(row)
    used = sum(run.end - run.start for job in training for run in job.runs)
    reserved = sum(job.cpus * job.seconds for job in training)
    summary = (
        f"training: {len(training)} SLURM jobs, {used:.0f} CPU-seconds used by the runs of "
        f"{reserved} reserved ({used / reserved:.0%}; the rest is Snakemake and srun "
        "starting inside the job, and CPUs that no run used)"
    )
    print("\n".join([*table, summary]))
    assert not wasteful, "SLURM jobs reserve what their runs never use at once:\n" + "\n".join(
        [*wasteful, summary]
    )


def test_a_group_of_training_runs_starts_one_warm_process(slurm_workflow):
    """Every run of a group job is a fork of one warm process (experiments.warm_runs), which the
    job's first run starts: its SLURM log says so once, whatever the number of its runs."""
    workdir, _, _ = slurm_workflow
    groups = list((workdir / ".snakemake" / "slurm_logs").glob("group_train_*/*.log"))
    runs = {log: len(slurm_job(workdir, log.stem).runs) for log in groups}
    assert max(runs.values()) >= 5, f"some group holds five runs: {runs}"
    for log in groups:
        assert log.read_text().count(STARTED) == 1, f"{log}: {runs[log]} runs"


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


def cancel_first_job(workdir: Path, snakemake: subprocess.Popen) -> str:
    """``scancel`` the first SLURM job submitted from ``workdir`` (queued or running), as
    SLURM itself ends a job that outgrows its memory or time; its id."""
    deadline = time.monotonic() + TIMEOUT
    while snakemake.poll() is None and time.monotonic() < deadline:
        queue = subprocess.run(
            ["squeue", "-h", "-o", "%i|%Z"], capture_output=True, text=True
        ).stdout.split()
        ours = [line.split("|")[0] for line in queue if line.split("|")[1] == str(workdir)]
        if ours:
            subprocess.run(["scancel", ours[0]], check=True)
            return ours[0]
        time.sleep(0.2)
    snakemake.kill()
    pytest.fail(f"no SLURM job of {workdir} was seen in the queue")


def test_a_group_ended_by_slurm_is_resubmitted_with_more_memory(slurm_workflow, tmp_path):
    """Two runs of one group; SLURM ends their job (scancel); Snakemake submits the group
    again with attempt 2, whose request grows with the rules' mem_mb (400 x attempt)."""
    workdir, profile, _ = slurm_workflow
    copy = failing_copy(workdir, tmp_path, lambda config: None)
    targets = [f"results/accuracy/784-6-10/seed{seed}.epochs.csv" for seed in (1, 2)]
    for target in targets:
        (copy / target).unlink()
    command, env = snakemake_command("--workflow-profile", str(profile), "--retries", "1", *targets)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=copy
    )
    cancelled = cancel_first_job(copy, process)
    output, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, output
    assert "Error in group train_accuracy" in output, output

    first, second = submitted(output)
    assert first == cancelled and scontrol(first)["JobState"] == "CANCELLED"
    retried = slurm_job(copy, second)
    assert retried.state == "COMPLETED"
    assert len(retried.runs) == 2, "the group is resubmitted whole"
    given = {run.mem_mb for run in retried.runs}
    assert retried.mem_mb in given, "the job asks for what its runs were given"
    assert retried.mem_mb > megabytes(scontrol(first)["MinMemoryNode"]), "and more than before"
    for target in targets:
        assert (copy / target).exists()


def test_failing_jobs_fail_the_run_and_say_why(slurm_workflow, tmp_path):
    """One job alone (its message gives SLURM's job id and state) and one in a group
    (Snakemake reports the group; the rule's log and the SLURM log say why), run at once."""
    workdir, profile, _ = slurm_workflow
    alone = failing_copy(workdir, tmp_path / "alone", lambda c: None)
    (cached,) = (alone / "results" / "data" / "mnist").glob("t10k-labels-idx1-ubyte.*.gz")
    write_idx(cached, (read_idx(cached) + 1) % 10)  # the same size, labels shifted by one
    (alone / "results" / "data" / "mnist.split").unlink()
    grouped = failing_copy(
        workdir,
        tmp_path / "grouped",
        lambda c: c["accuracy"].update(eta=1e308, lmbda=0.0),  # diverges
    )
    training = "results/accuracy/784-6-10/seed1.epochs.csv"
    done = snakemake_on_slurm(
        {"alone": (alone, "results/data/mnist.split"), "grouped": (grouped, training)},
        profile,
        "--retries",
        "0",
    )

    returncode, output = done["alone"]
    assert returncode != 0, output
    failure = re.search(r"SLURM-job '(\d+)' failed, SLURM status is: 'FAILED'", output)
    assert failure, f"the error gives SLURM's job id and state:\n{output}"
    changed = f"{cached.relative_to(alone)} changed since it was fetched"
    assert changed in output, "the rule's log says why"
    slurm_log = next((alone / ".snakemake" / "slurm_logs").rglob(f"{failure.group(1)}.log"))
    assert changed in slurm_log.read_text(), "the failed job's log is kept"

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
    [(returncode, output)] = snakemake_on_slurm(
        {"shipped": (tmp_path, "results/data/mnist.split")}, shipped, "--retries", "0"
    ).values()
    assert returncode != 0
    assert re.search(
        r"invalid.*<your-(partition|account)>|<your-(partition|account)>.*invalid", output
    ), f"the placeholder is named in the error:\n{output}"


def test_cores_do_not_size_a_group_of_training_runs(slurm_workflow, tmp_path):
    """`--cores 8` with the SLURM profile, as a user typing the local command out of habit: a
    group of two training runs still asks for 1 CPU and one run's memory (the profile's
    run_slot, vanishing_gradient.support.slurm_groups). Without the slot (a command-line
    `--resources` replaces the profile's list) the same group asks for 2 CPUs and two runs'
    memory, and Snakemake warns before submitting, saying what to type instead."""
    workdir, profile, _ = slurm_workflow
    targets = [f"results/accuracy/784-6-10/seed{seed}.epochs.csv" for seed in (1, 2)]
    requests = {}
    for name, extra in [("profile", []), ("no_slot", ["--resources", "licences=1"])]:
        copy = failing_copy(workdir, tmp_path / name, lambda config: None)
        for target in targets:
            (copy / target).unlink()
        [(returncode, output)] = snakemake_on_slurm(
            {name: (copy, *targets)}, profile, *extra, "--cores", "8", "--retries", "0"
        ).values()
        assert returncode == 0, output
        [jobid] = submitted(output)
        job = slurm_job(copy, jobid)
        assert len(job.runs) == 2, f"one SLURM job holds both runs:\n{output}"
        requests[name] = job.cpus, job.mem_mb, max(run.mem_mb for run in job.runs), output

    cpus, mem_mb, run_mb, output = requests["profile"]
    assert (cpus, mem_mb) == (1, run_mb), "a group asks for one run's CPU and memory"
    assert "will ask the cluster" not in output, "and nothing to warn about"

    cpus, mem_mb, run_mb, output = requests["no_slot"]
    assert (cpus, mem_mb) == (2, 2 * run_mb), "without the slot --cores sizes the group"
    assert "will ask the cluster for up to 8 CPUs" in output, output
    assert "--cores 8" in output and "--workflow-profile profiles/slurm` without" in output
