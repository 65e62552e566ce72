"""Fixtures: the sample documents in a real store, the app, and a live HTTP server — per backend.

The ``backend`` fixture is parametrised: every test that uses ``store``, ``app``, ``client``,
``fresh_store`` or ``live_server`` runs once against the embedded on-disk pyoxigraph store and once
against a real ``oxigraph serve`` (started here on 127.0.0.1, a free port, default graph of its own).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import requests
from hypothesis import settings

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import EmbeddedStore, Store
from service.store.remote import RemoteStore
from service.web import create_app

# The same examples on every run, so CI is reproducible; `--hypothesis-seed` explores others.
settings.register_profile("ratsgraph", derandomize=True)
settings.load_profile("ratsgraph")

ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
SHARED = Path(os.environ.get("RATSGRAPH_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def require(available: object, missing: str) -> None:
    """Skip a test whose engine or browser is not installed, but fail it when ``CI`` is set:
    CI installs every one (`.ci/run`), so a skip there would hide a test that never ran."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}, and CI is set: CI must install it (.ci/run)", pytrace=False)
    pytest.skip(missing)


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
            # a server still starting may accept the connection before its worker answers: a
            # slow first answer (the start page's first queries on a busy machine) is waited for
            requests.get(url, timeout=max(1.0, deadline - time.monotonic()))
            return
        except (requests.ConnectionError, requests.Timeout):
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


@dataclass
class OxigraphServer:
    """A running `oxigraph serve`: its query and update URLs."""

    base: str
    proc: subprocess.Popen
    log: IO[bytes]

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    def store(self, **options: object) -> RemoteStore:
        return RemoteStore(self.query_url, self.update_url, **options)  # type: ignore[arg-type]


def start_oxigraph(location: Path | None = None, union: bool = False) -> OxigraphServer:
    """`oxigraph serve` (the PyPI package `oxigraph`) on 127.0.0.1 and a free port."""
    oxigraph = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
    if not oxigraph:
        raise RuntimeError("no `oxigraph` executable: pip install -e '.[test]' installs it")
    port = free_port()
    args = [oxigraph, "serve", "--bind", f"127.0.0.1:{port}"]
    args += ["--location", str(location)] if location else []
    args += ["--union-default-graph"] if union else []
    log = tempfile.TemporaryFile()  # a pipe nobody reads would fill up and stall the server
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    server = OxigraphServer(f"http://127.0.0.1:{port}", proc, log)
    wait_for_http(server.query_url, proc)
    return server


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def sample_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """`oxigraph serve` with the sample documents, loaded through RemoteStore once per session."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "samples")
    results = load_paths(server.store(), [SAMPLES_DIR])
    assert all(r.ok for r in results), [r.line() for r in results]
    yield server
    stop(server.proc)
    server.log.close()


@pytest.fixture(scope="session")
def scratch_oxigraph() -> Iterator[OxigraphServer]:
    """An in-memory `oxigraph serve` that tests empty before use (see ``fresh_store``)."""
    server = start_oxigraph()
    yield server
    stop(server.proc)
    server.log.close()


@pytest.fixture(scope="session", params=["embedded", "remote"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def store(backend: str, sample_store_dir: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The sample documents, read-only embedded or in a running `oxigraph serve`."""
    if backend == "remote":
        yield request.getfixturevalue("sample_oxigraph").store()
    else:
        yield EmbeddedStore(sample_store_dir, read_only=True)


@pytest.fixture()
def fresh_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    """An empty writable store: a new directory, or the scratch server with every graph dropped."""
    if backend == "remote":
        server = request.getfixturevalue("scratch_oxigraph")
        remote = server.store()
        remote.update("DROP ALL")
        return remote
    return EmbeddedStore(tmp_path / "s")


@pytest.fixture(scope="session")
def app(store: Store):  # noqa: ANN201
    return create_app({"TESTING": True}, store=store)


@pytest.fixture()
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@contextmanager
def serving(store: Path | list[str], *options: str, log_dir: Path | None = None) -> Iterator[str]:
    """`ratsgraph serve` over a store directory (or ``--store …`` arguments for a remote store) as a
    real process on a free port; yields its base URL.

    The server logs to ``server.log`` (beside the store, or in ``log_dir``): a file, not a pipe, as a
    full pipe would block the server."""
    store_args = store if isinstance(store, list) else ["--store", str(store)]
    if log_dir is None:
        log_dir = store.parent if isinstance(store, Path) else Path(tempfile.mkdtemp())
    port = free_port()
    log = log_dir / "server.log"
    log_file = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from service.cli import main; main()",
            "serve",
            *store_args,
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
        stop(proc)
        log_file.close()


def start_server(
    store_dir: Path, env: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen]:
    """`ratsgraph serve` as a real process on a free port; stop it with `stop_server`."""
    port = free_port()
    # a file, not a pipe: a full pipe would block the server
    log = Path(tempfile.mkstemp(prefix="ratsgraph-serve-", suffix=".log")[1])
    with log.open("wb") as log_file:
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
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
    proc.log_path = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/", proc, log=log)
    except BaseException:
        stop_server(proc)
        raise
    return url, proc


def stop_server(proc: subprocess.Popen) -> str:
    """Stop a server started by `start_server`; its output (the access log among it)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log: Path = proc.log_path  # type: ignore[attr-defined]
    out = log.read_text(encoding="utf-8", errors="replace")
    log.unlink(missing_ok=True)
    return out


@pytest.fixture(scope="session")
def live_server(
    backend: str,
    sample_store_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """`ratsgraph serve` as a real process on a free port, over its own copy of the sample store
    (embedded) or over the sample `oxigraph serve` (remote)."""
    live = tmp_path_factory.mktemp("live")
    if backend == "remote":
        server = request.getfixturevalue("sample_oxigraph")
        store_args = ["--store", server.query_url, "--update-url", server.update_url]
        with serving(store_args, log_dir=live) as url:
            yield url
    else:
        copy = live / "store"
        shutil.copytree(sample_store_dir, copy)
        with serving(copy) as url:
            yield url


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {d}
MaxSortedTopRows = 100000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 8
MaxClientConnections = 8
[SPARQL]
ResultSetMaxRows = 100000
"""
# MaxSortedTopRows: a view's page asks for up to MAX_ROWS + 1 sorted rows (Virtuoso's default 10000
# refuses that); ServerThreads: without it one stalled request stops Virtuoso's HTTP server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's Virtuoso (virtuoso-opensource) on loopback: its /sparql URL, updates granted.

    Skipped when it is not installed, failed then under CI (`require`)."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    require(
        server and isql, "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)"
    )
    d = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    while http == sql:  # each was free when asked; the second may be the first one again
        http = free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, sql=sql, http=http))
    log = (d / "stdout.log").open("wb")
    proc = subprocess.Popen(
        [server, "+foreground", "+configfile", str(d / "virtuoso.ini")],
        cwd=d, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{http}/sparql", proc, timeout=120, log=d / "stdout.log")
        grant = 'GRANT SPARQL_UPDATE TO "SPARQL";'
        subprocess.run([isql, str(sql), "dba", "dba", f"exec={grant}"], check=True, timeout=60)
        yield f"http://127.0.0.1:{http}/sparql"
    finally:
        stop(proc)
        log.close()


def fill_synthetic(path: Path, n: int = 3000) -> None:
    """A store of ``n`` plain triples in ten graphs: enough for a cross join that runs for hours."""
    import pyoxigraph as ox  # noqa: PLC0415

    store = ox.Store(str(path))
    for graph in (lambda i: ox.NamedNode(f"http://example.org/g{i % 10}"), lambda i: None):
        # in its named graph and in the default graph, which the store keeps as their merge
        store.extend(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{i}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(f"value {i}"),
                graph(i),
            )
            for i in range(n)
        )
    store.flush()
    del store


@pytest.fixture(scope="session")
def synthetic_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "store"
    fill_synthetic(path)
    return path
