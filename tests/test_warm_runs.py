"""Training runs in forks of one warm process: one process per group of runs, each run in its
client's directory, environment and streams, and with a fresh process's numbers."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.data.prepared import save_split
from vanishing_gradient.experiments.precompile import tiny_split
from vanishing_gradient.experiments.warm_runs import PACKAGE_DIR, RUN_COST, STARTED, server_key

# a job's process as Snakemake starts it: the script and its ``snakemake`` object in argv
CLIENT = (
    "import sys\n"
    "from vanishing_gradient.experiments.warm_runs import run_warm\n"
    "sys.exit(run_warm(sys.argv[1], sys.argv[2:]))\n"
)
DEADLINE_SECONDS = 60  # what a fork may take to notice that its client is gone


@pytest.fixture
def temporary(tmp_path_factory) -> Path:
    """A short TMPDIR of this test's own, so that its server is its own."""
    return tmp_path_factory.mktemp("w")


def client(script: Path, *job: str, temporary: Path, cwd: Path | None = None, **environment):
    """Start a client running ``script`` with ``snakemake`` = ``job`` in the warm server of
    the temporary folder ``temporary``."""
    env = {**os.environ, "TMPDIR": str(temporary), **environment}
    return subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(script), *job],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd or temporary,
        env=env,
    )


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


def script(folder: Path, name: str, code: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(code)
    return path


def test_five_runs_start_one_process_and_each_runs_in_a_fork_of_it(temporary, tmp_path):
    """As a SLURM group of five runs: one client starts the server and says so; every run is
    a fork of it (its parent), a process of its own."""
    body = script(tmp_path, "pids", "import os\nprint(os.getpid(), os.getppid())\n")
    runs = [finished(client(body, temporary=temporary)) for _ in range(5)]
    assert [status for status, _, _ in runs] == [0] * 5, runs
    pids = [tuple(map(int, stdout.split())) for _, stdout, _ in runs]
    assert len({parent for _, parent in pids}) == 1, "one server"
    assert len({pid for pid, _ in pids}) == 5, "a fork per run"
    assert sum(STARTED in stderr for _, _, stderr in runs) == 1, "started once"
    server = pids[0][1]
    command = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
    assert b"vanishing_gradient.experiments.warm_runs" in command


def test_a_run_has_its_clients_directory_environment_and_arguments(temporary, tmp_path):
    here = tmp_path / "job folder"
    here.mkdir()
    body = script(
        tmp_path,
        "where",
        "import os, tempfile\n"
        "print(os.getcwd(), os.environ['RUN_LABEL'], snakemake, tempfile.gettempdir(), sep='|')\n",
    )
    status, stdout, _ = finished(
        client(body, "a", "b", temporary=temporary, cwd=here, RUN_LABEL="x")
    )
    assert status == 0
    assert stdout.strip() == f"{here}|x|['a', 'b']|{temporary}"


def test_a_runs_log_ends_with_its_processor_seconds(temporary, tmp_path):
    """What the job's benchmark: file misses, the fork's processor time, is in the run's log."""
    log = tmp_path / "run.log"
    body = script(
        tmp_path,
        "logged",
        "import logging, time\n"
        "from vanishing_gradient.support.job_log import log_to\n"
        f"log_to({str(log)!r})\n"
        "logging.info('epoch 1/1')\n"
        "end = time.process_time() + 0.3\n"
        "while time.process_time() < end:\n"
        "    pass\n",
    )
    assert finished(client(body, temporary=temporary))[0] == 0
    last = log.read_text().splitlines()[-1]
    prefix, _, seconds = RUN_COST.partition("%.2f")
    assert prefix in last and seconds in last
    assert float(last.split(prefix)[1].split()[0]) >= 0.3


def test_a_failing_run_fails_its_own_job_and_the_next_runs(temporary, tmp_path):
    """The error reaches the job's standard error; its exit status is the job's; the server
    goes on serving."""
    failing = script(tmp_path, "failing", "raise ValueError('784-6-10 seed 1 diverged')\n")
    exiting = script(tmp_path, "exiting", "import sys\nsys.exit(3)\n")
    status, _, stderr = finished(client(failing, temporary=temporary))
    assert status == 1
    assert "ValueError: 784-6-10 seed 1 diverged" in stderr
    assert finished(client(exiting, temporary=temporary))[0] == 3
    good = script(tmp_path, "good", "print('trained')\n")
    assert finished(client(good, temporary=temporary))[:2] == (0, "trained\n")


def test_a_run_ends_when_its_job_is_killed(temporary, tmp_path):
    """Snakemake cancels a job (Ctrl-C) by ending its process: the fork running it ends too."""
    pid_file = tmp_path / "pid"
    body = script(
        tmp_path,
        "long",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n",
    )
    job = client(body, temporary=temporary)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.05)
    fork = int(pid_file.read_text())
    job.send_signal(signal.SIGKILL)
    job.wait()
    while Path(f"/proc/{fork}").exists():  # the server has the system reap its forks
        assert time.monotonic() < deadline, "the run outlived its job"
        time.sleep(0.05)


def test_a_run_in_a_fork_gives_a_fresh_processs_numbers(temporary, tmp_path):
    """Protocol B on a tiny split, in a fork of the warm server and in a fresh process: the
    same table, bit for bit (the fork starts from the server's state, not a run's)."""
    split = tmp_path / "tiny.split"
    save_split(split, tiny_split(np.random.default_rng(5)))
    body = script(
        tmp_path,
        "speed",
        "from vanishing_gradient.data.prepared import load_split\n"
        "from vanishing_gradient.experiments.protocols import Protocol, run_speed_protocol\n"
        "split, table = snakemake\n"
        "run = run_speed_protocol('784-5-5-10', 1, load_split(split), Protocol(20, 4, 10, 0.5, 1.0))\n"
        "run.speed_rows.to_csv(table)\n",
    )
    warm, fresh = tmp_path / "warm.csv", tmp_path / "fresh.csv"
    for _ in range(2):  # the second run is a fork of a server that has already served one
        assert finished(client(body, str(split), str(warm), temporary=temporary))[0] == 0
    code = f"snakemake = [{str(split)!r}, {str(fresh)!r}]\nexec(open({str(body)!r}).read())"
    subprocess.run([sys.executable, "-c", code], check=True)
    pd.testing.assert_frame_equal(pd.read_csv(warm), pd.read_csv(fresh), check_exact=True)


def test_a_changed_package_or_thread_setting_gets_its_own_server(tmp_path):
    """The key names the package's source and the BLAS threads: an edit, even a comment, or
    another thread count is another server; the same source elsewhere is another too."""
    copy = tmp_path / "package"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "cache"))
    environment = {"OMP_NUM_THREADS": "1"}
    key = server_key(environment, copy)
    assert server_key(environment, copy) == key
    assert server_key({"OMP_NUM_THREADS": "2"}, copy) != key
    assert server_key(environment, PACKAGE_DIR) != key
    trainer = copy / "training" / "trainer.py"
    trainer.write_text(trainer.read_text() + "# a comment\n")
    assert server_key(environment, copy) != key


def test_a_temporary_folder_too_long_for_a_socket_is_named_with_the_fix(tmp_path):
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    body = script(tmp_path, "nothing", "")
    status, _, stderr = finished(client(body, temporary=deep))
    assert status != 0
    assert f"the temporary folder {deep} has too long a path" in stderr
    assert "set TMPDIR to a shorter folder" in stderr
