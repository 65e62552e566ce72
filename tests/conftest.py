"""Fixtures: the sample documents loaded into a real on-disk store, the app, and a live HTTP server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from loader import SAMPLES_DIR
from service import create_app
from service.loading import load_paths
from service.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RATSGRAPH_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(
    url: str, proc: subprocess.Popen | None = None, timeout: float = 30.0, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = log.read_text(errors="replace") if log else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {out}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the two bundled sample documents, loaded once per test session."""
    path = tmp_path_factory.mktemp("store") / "samples"
    store = EmbeddedStore(path)
    results = load_paths(store, [SAMPLES_DIR])
    assert all(r.ok for r in results), [r.line() for r in results]
    store.close()
    return path


@pytest.fixture(scope="session")
def store(sample_store_dir: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(sample_store_dir, read_only=True)
    yield s


@pytest.fixture(scope="session")
def app(store: EmbeddedStore):  # noqa: ANN201
    return create_app({"TESTING": True}, store=store)


@pytest.fixture()
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@contextmanager
def serving(store_dir: Path, *options: str) -> Iterator[str]:
    """`ratsgraph serve` over ``store_dir`` as a real process on a free port; yields its base URL.

    The server logs to ``server.log`` beside the store: a file, not a pipe, as a full pipe would
    block the server."""
    port = free_port()
    log = store_dir.parent / "server.log"
    log_file = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from service.cli import main; main()",
            "serve",
            "--store",
            str(store_dir),
            "--port",
            str(port),
            *options,
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/", proc, log=log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()


@pytest.fixture(scope="session")
def live_server(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ratsgraph serve` as a real process on a free port, over its own copy of the sample store."""
    copy = tmp_path_factory.mktemp("live") / "store"
    shutil.copytree(sample_store_dir, copy)
    with serving(copy) as url:
        yield url
