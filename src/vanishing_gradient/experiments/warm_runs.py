"""Training jobs run in a warm process: the start-up of a training run is paid once per
server, not once per run.

A training job's fresh Python process spends about a second before its first epoch: importing
numpy and numba, and loading each compiled kernel from numba's cache. A *warm
server* pays this once. It imports what the training scripts import, loads every kernel,
then listens on a Unix socket. Each training job is a small client (``scripts/warm_run.py``).
It sends the server its job: the script to run, Snakemake's ``snakemake`` object, its
working directory and environment, and its standard input, output and error. The server
forks. The fork runs the script as Snakemake would have run it, and sends back its exit
status, which the client exits with.

A fork starts from the server's state, never from an earlier run's, so a run computes what
a fresh process would: the same numbers, bit for bit. Each run still has its own log,
outputs, provenance and exit status, and Snakemake still schedules every job.

One server serves every client of the same *key*: the same Python, the same package source
(a digest of its files' bytes), the same SLURM job (none when local), and the same thread
settings of numpy's BLAS. An edit to the package gives a new key and so a new server. The
socket and a lock file are in the temporary folder, readable by their owner alone. The
first client of a key starts its server under the lock; the others wait on the lock, then
connect. A server exits when no job has come for ``IDLE_SECONDS``.

A fork watches its client: when the client dies (Ctrl-C, or Snakemake cancels the job),
the fork exits at once, so no run outlives its job.
"""

import errno
import fcntl
import hashlib
import logging
import os
import pickle
import runpy
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# a server with no job for this long exits; Snakemake starts a training job every few
# seconds while there are any to start
IDLE_SECONDS = 30.0
# how long a client waits for a server it started to listen
START_SECONDS = 300.0
# the environment variables that a server's imports read (its BLAS threads), and the SLURM
# job whose end ends the server
SERVER_ENVIRONMENT = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "SLURM_JOB_ID")
# what a training script imports, imported by the server before it forks
WARM_MODULES = (
    "snakemake.iocontainers",
    "snakemake.logging",
    "vanishing_gradient.data.prepared",
    "vanishing_gradient.experiments.depth_runs",
    "vanishing_gradient.experiments.learning_rates",
    "vanishing_gradient.experiments.protocols",
    "vanishing_gradient.model.identity",
    "vanishing_gradient.support.job_log",
    "vanishing_gradient.support.provenance",
)
SOCKET_PATH_BYTES = 107  # the longest path of a Unix socket on Linux
ACCEPTED = b"A"  # the fork's first byte to its client: the job has a process
# the last line of a run's log: its fork's processor seconds, which Snakemake's benchmark:
# file does not count (it measures the client's process tree)
RUN_COST = "this run's process used %.2f processor seconds"
# what the client that starts a server says, once per server, on its standard error
STARTED = "started a warm process for training runs"
STANDARD_STREAMS = 3  # stdin, stdout, stderr, passed to the fork as file descriptors


class WarmServerFailed(RuntimeError):
    """The warm server could not be started or reached."""


def server_key(environment: dict[str, str] | None = None, package_dir: Path = PACKAGE_DIR) -> str:
    """sha256 over the Python executable, the package's folder and every Python file in it
    (path and bytes), and the SERVER_ENVIRONMENT variables of ``environment`` (this
    process's by default)."""
    environment = os.environ if environment is None else environment
    digest = hashlib.sha256(f"{sys.executable}\0{package_dir}\n".encode())
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(f"{path.relative_to(package_dir)}\0".encode() + path.read_bytes())
    for name in SERVER_ENVIRONMENT:
        digest.update(f"{name}={environment.get(name, '')}\n".encode())
    return digest.hexdigest()


def server_paths(key: str) -> dict[str, Path]:
    """The socket, lock and log of the server of ``key``, in the temporary folder (TMPDIR).
    Raises WarmServerFailed when that folder's path is too long for a socket's."""
    stem = Path(tempfile.gettempdir()) / f"vg-{os.getuid()}-{key[:16]}"
    paths = {kind: stem.with_suffix(f".{kind}") for kind in ("socket", "lock", "log")}
    if len(os.fsencode(paths["socket"])) > SOCKET_PATH_BYTES:
        raise WarmServerFailed(
            f"the temporary folder {tempfile.gettempdir()} has too long a path for the training "
            f"runs' socket (at most {SOCKET_PATH_BYTES - len(stem.name) - 8} bytes): set TMPDIR "
            "to a shorter folder"
        )
    return paths


def send_message(connection: socket.socket, value, fds: list[int] = ()) -> None:
    """Send ``value`` pickled, after its length as 8 bytes, with ``fds`` beside it."""
    payload = pickle.dumps(value)
    socket.send_fds(connection, [struct.pack("!Q", len(payload))], list(fds))
    connection.sendall(payload)


def receive_message(connection: socket.socket, max_fds: int = 0):
    """(value, fds) of one ``send_message``; EOFError when the peer closed first."""
    header, fds, _, _ = socket.recv_fds(connection, 8, max_fds)
    if len(header) < 8:
        raise EOFError("the peer closed the connection")
    (size,) = struct.unpack("!Q", header)
    payload = bytearray()
    while len(payload) < size:
        chunk = connection.recv(size - len(payload))
        if not chunk:
            raise EOFError("the peer closed the connection")
        payload += chunk
    return pickle.loads(payload), fds


# -- the client ----------------------------------------------------------------------------


def connect(paths: dict[str, Path]) -> socket.socket | None:
    """A connection to the server at ``paths["socket"]``, or None when none listens there."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(paths["socket"]))
        return client
    except (FileNotFoundError, ConnectionRefusedError):
        client.close()
        return None


def start_server(key: str, paths: dict[str, Path]) -> socket.socket:
    """Start the server of ``key`` and return a connection to it; the caller holds the lock.
    Raises WarmServerFailed with the server's own log when it stops before listening."""
    paths["socket"].unlink(missing_ok=True)  # a server that died leaves its socket
    with open(os.open(paths["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-P", "-m", __name__, key],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # not a child of this job: it serves the next ones
        )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        connection = connect(paths)
        if connection is not None:
            sys.stderr.write(f"{STARTED} (process {server.pid}, {paths['socket']})\n")
            return connection
        if server.poll() is not None:
            break
        time.sleep(0.02)
    raise WarmServerFailed(
        f"the warm server for training runs did not start; its log {paths['log']} says:\n"
        + paths["log"].read_text()
    )


def server_connection() -> socket.socket:
    """A connection to the warm server of this process's key, started if none listens."""
    key = server_key()
    paths = server_paths(key)
    connection = connect(paths)
    if connection is not None:
        return connection
    with open(os.open(paths["lock"], os.O_WRONLY | os.O_CREAT, 0o600), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return connect(paths) or start_server(key, paths)


def run_warm(script: str, job) -> int:
    """Run the Python ``script`` with the global ``snakemake`` = ``job`` in a fork of the
    warm server, with this process's working directory, environment and standard streams;
    its exit status (0 when it finished). A server that exits as this client connects is
    replaced, once."""
    request = {
        "script": str(Path(script).resolve()),
        "snakemake": job,
        "cwd": os.getcwd(),
        "environment": dict(os.environ),
    }
    for _ in range(2):
        with server_connection() as connection:
            try:
                send_message(connection, request, fds=range(STANDARD_STREAMS))
                accepted = connection.recv(1) == ACCEPTED
            except (BrokenPipeError, ConnectionResetError):
                accepted = False
            if not accepted:
                continue  # the server was exiting: start another
            try:
                status, _ = receive_message(connection)
            except EOFError:
                sys.stderr.write(
                    "the process running this job ended without a result: it was killed, "
                    "perhaps for lack of memory\n"
                )
                return 1
            return status
    raise WarmServerFailed("no warm server accepted this job after a restart")


# -- the server ----------------------------------------------------------------------------


def exit_when_client_leaves(connection: socket.socket) -> None:
    """In a fork: end this process as soon as its client's end of ``connection`` closes."""

    def watch() -> None:
        connection.recv(1)  # returns only when the client is gone
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def run_job(connection: socket.socket) -> None:
    """In a fork: take the client's job from ``connection``, run it, send its exit status
    back, and exit."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server's setting; jobs wait on git
    status = 1
    try:
        request, fds = receive_message(connection, max_fds=STANDARD_STREAMS)
        connection.sendall(ACCEPTED)
        exit_when_client_leaves(connection)
        for stream, fd in enumerate(fds):
            os.dup2(fd, stream)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["environment"])
        tempfile.tempdir = None  # found again from the client's TMPDIR
        sys.argv = [request["script"]]
        try:
            runpy.run_path(
                request["script"],
                init_globals={"snakemake": request["snakemake"]},
                run_name="__main__",
            )
            status = 0
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except BaseException:
            sys.excepthook(*sys.exc_info())  # the job's log hook (support.job_log) or Python's
        # the job's log (when its script opened one) ends with what a benchmark: file misses
        logging.getLogger().info(RUN_COST, time.process_time())
        sys.stdout.flush()
        sys.stderr.flush()
        send_message(connection, status)
    finally:
        os._exit(status)


def warm_up() -> None:
    """Import WARM_MODULES and load every compiled kernel a training run calls (a tiny run of
    each protocol and loop, as the compile_kernels rule does), so that forks load nothing."""
    from importlib import import_module

    for name in WARM_MODULES:
        import_module(name)
    from .precompile import compile_kernels

    compile_kernels()


def serve(key: str) -> None:
    """Warm up, then listen on the socket of ``key`` and fork per job until IDLE_SECONDS
    pass without one."""
    if key != server_key():
        raise WarmServerFailed("the package changed while its warm server started")
    warm_up()
    paths = server_paths(key)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped by the system
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    listener.bind(str(paths["socket"]))
    os.umask(old_mask)
    listener.listen(64)
    listener.settimeout(IDLE_SECONDS)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            break
        except OSError as error:
            if error.errno == errno.EINTR:
                continue
            raise
        sys.stdout.flush()  # nothing of the server's is written twice
        sys.stderr.flush()
        if os.fork() == 0:
            listener.close()
            connection.settimeout(None)
            run_job(connection)
        connection.close()
    with open(paths["lock"], "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        paths["socket"].unlink(missing_ok=True)
        listener.close()


if __name__ == "__main__":
    serve(sys.argv[1])
