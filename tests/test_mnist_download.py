"""fetch_verified against a real HTTP server on 127.0.0.1, and the offline folder."""

import http.server
import os
import shutil
import socket
import threading
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from idx_fixtures import checksum, mnist_like, run_script, write_mnist_like

from vanishing_gradient.data.mnist import MNIST_FILES, MnistUnavailable, fetch_verified

NAME = "t10k-images-idx3-ubyte"
SCRIPT = Path(__file__).parents[1] / "scripts" / "download_mnist.py"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class FlakyHandler(QuietHandler):
    """Answers 503 to the first request for each path, then serves files normally."""

    seen: set[str]

    def do_GET(self):
        if self.path not in self.seen:
            self.seen.add(self.path)
            self.send_error(503, "try again")
            return
        super().do_GET()


def serve(folder: Path, handler: type[QuietHandler]):
    """Serve ``folder`` on 127.0.0.1 in a thread; (base URL, a function to stop it)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=str(folder))
    )
    # A short poll interval, so that stopping the server does not wait half a second.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join()

    return f"http://127.0.0.1:{server.server_address[1]}", stop


@pytest.fixture
def data(tmp_path):
    """Generated MNIST-like files: ``good/`` right, ``bad/`` other bytes, ``plain/`` uncompressed.

    Also ``corrupt/`` (a cut .gz) and an expected (size, sha256) for NAME from ``good/``.
    """
    root = tmp_path / "served"
    good = write_mnist_like(root / "good", mnist_like(np.random.default_rng(1), 6, 3))
    write_mnist_like(root / "bad", mnist_like(np.random.default_rng(2), 6, 3))
    write_mnist_like(root / "plain", mnist_like(np.random.default_rng(1), 6, 3), gz=False)
    (root / "corrupt").mkdir()
    cut = good[NAME].read_bytes()
    (root / "corrupt" / f"{NAME}.gz").write_bytes(cut[: len(cut) // 2])
    size, sha256 = checksum(good[NAME])
    return SimpleNamespace(root=root, size=size, sha256=sha256)


@pytest.fixture
def server(data):
    """Base URL of an HTTP server serving ``data.root``."""
    url, stop = serve(data.root, QuietHandler)
    yield url
    stop()


@pytest.fixture
def dead_url():
    """A URL on a port nobody listens on (bound once, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def fetch(data, destination, mirrors=(), offline_dir=None, retries=1):
    return fetch_verified(
        NAME,
        destination,
        expected_sha256=data.sha256,
        expected_bytes=data.size,
        mirrors=list(mirrors),
        offline_dir=offline_dir,
        timeout=2.0,
        retries=retries,
        backoff=0.01,
    )


def assert_holds_good_file(data, destination: Path):
    assert destination.read_bytes()[:2] == b"\x1f\x8b"
    assert checksum(destination) == (data.size, data.sha256)
    assert os.listdir(destination.parent) == [destination.name]


def test_good_mirror(data, server, out):
    destination = out / f"{NAME}.gz"
    source = fetch(data, destination, [f"{server}/good/"])
    assert source == f"{server}/good/{NAME}.gz"
    assert_holds_good_file(data, destination)


def test_base_url_without_trailing_slash(data, server, out):
    assert fetch(data, out / "x.gz", [f"{server}/good"]) == f"{server}/good/{NAME}.gz"


def test_wrong_checksum_leaves_nothing(data, server, out):
    with pytest.raises(MnistUnavailable) as info:
        fetch(data, out / f"{NAME}.gz", [f"{server}/bad/"])
    message = str(info.value)
    assert f"{server}/bad/{NAME}.gz: sha256 " in message
    assert f"!= expected {data.sha256}" in message
    assert f"expected {data.size})" in message
    assert os.listdir(out) == []


def test_corrupt_gzip_is_rejected(data, server, out):
    with pytest.raises(MnistUnavailable, match="not a valid gzip file"):
        fetch(data, out / f"{NAME}.gz", [f"{server}/corrupt/"])
    assert os.listdir(out) == []


def test_wrong_checksum_falls_through_to_next_mirror(data, server, out):
    destination = out / f"{NAME}.gz"
    assert fetch(data, destination, [f"{server}/bad/", f"{server}/good/"]).startswith(
        f"{server}/good/"
    )
    assert_holds_good_file(data, destination)


def test_dead_mirror_then_good_one(data, server, dead_url, out):
    destination = out / f"{NAME}.gz"
    assert fetch(data, destination, [dead_url, f"{server}/good/"]) == f"{server}/good/{NAME}.gz"
    assert_holds_good_file(data, destination)


def test_every_source_is_named_when_all_fail(data, server, dead_url, out, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    mirrors = [dead_url, f"{server}/missing/"]
    with pytest.raises(MnistUnavailable) as info:
        fetch(data, out / f"{NAME}.gz", mirrors, offline_dir=empty)
    message = str(info.value)
    assert f"offline dir {empty}: no {NAME}(.gz) there" in message
    assert f"{dead_url}{NAME}.gz: " in message
    assert f"{server}/missing/{NAME}.gz: HTTP Error 404" in message
    assert "(2 attempts)" in message  # retries=1: asked once, then once more
    assert "set MNIST_DIR=/path/to/folder (or data.offline_dir in config.yaml)" in message
    assert os.listdir(out) == []


def test_no_retries_asks_each_mirror_once(data, dead_url, out):
    with pytest.raises(MnistUnavailable, match=r"\(1 attempt\)"):
        fetch(data, out / f"{NAME}.gz", [dead_url], retries=0)


def test_retries_a_mirror_that_fails_once(data, out):
    handler = type("Flaky", (FlakyHandler,), {"seen": set()})
    url, stop = serve(data.root, handler)
    try:
        with pytest.raises(MnistUnavailable, match="HTTP Error 503"):
            fetch(data, out / "once.gz", [f"{url}/good/"], retries=0)
        handler.seen.clear()
        assert fetch(data, out / "twice.gz", [f"{url}/good/"], retries=1).startswith(url)
    finally:
        stop()


@pytest.mark.parametrize("folder", ["good", "plain"], ids=["gz", "decompressed"])
def test_offline_dir(data, dead_url, out, folder):
    destination = out / f"{NAME}.gz"
    offline = data.root / folder
    source = fetch(data, destination, [dead_url], offline_dir=offline)
    assert str(offline) in source and "offline" in source
    assert_holds_good_file(data, destination)


def test_offline_dir_missing_the_file_falls_through_to_mirror(data, server, out, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    destination = out / f"{NAME}.gz"
    assert fetch(data, destination, [f"{server}/good/"], offline_dir=empty).startswith(server)
    assert_holds_good_file(data, destination)


def test_offline_dir_with_wrong_bytes_falls_through_to_mirror(data, server, out):
    destination = out / f"{NAME}.gz"
    source = fetch(data, destination, [f"{server}/good/"], offline_dir=data.root / "bad")
    assert source == f"{server}/good/{NAME}.gz"
    assert_holds_good_file(data, destination)


@pytest.mark.parametrize("from_env", [True, False], ids=["MNIST_DIR", "config"])
def test_download_script_takes_mnist_dir_before_the_config(
    data, out, tmp_path, monkeypatch, from_env
):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("MNIST_DIR", str(data.root / "good") if from_env else "")
    configured = empty if from_env else data.root / "good"
    log = tmp_path / "download.log"
    snakemake = SimpleNamespace(
        wildcards=SimpleNamespace(name=NAME, sha256=data.sha256),
        output=[str(out / f"{NAME}.gz")],
        log=[str(log)],
        params=SimpleNamespace(bytes=data.size),
        config={
            "data": {
                "mirrors": [],
                "offline_dir": str(configured),
                "timeout_seconds": 1,
                "retries": 1,
            }
        },
    )
    run_script(SCRIPT, snakemake)
    assert_holds_good_file(data, out / f"{NAME}.gz")
    assert str(data.root / "good") in log.read_text()


def test_all_four_names_are_canonical():
    assert MNIST_FILES == (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )
