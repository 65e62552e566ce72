"""`ratsgraph serve --workers 2`: two processes read one on-disk store, and nobody writes it meanwhile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from click.testing import CliRunner

from loader import SAMPLES_DIR
from service.cli import cli
from service.web.serving import SnapshotStore

from .conftest import ROOT, free_port, stop, wait_for_http

BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
COUNT = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/ratsgraph/ontology#Resolution> }"


def resolutions(url: str) -> str:
    resp = requests.get(url + "/sparql", params={"query": COUNT}, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]["bindings"][0]["n"]["value"]


@contextmanager
def serving(store: Path, workers: int, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`ratsgraph serve --workers N` on ``store`` as a real process, stopped on leaving."""
    port = free_port()
    with (tmp_path / f"serve-{port}.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from service.cli import main; main()", "serve",
             "--store", str(store), "--port", str(port), "--workers", str(workers)],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "RATSGRAPH_WRITE_TOKEN": "s3cret"},
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_http(url + "/", proc, log=Path(log.name))
            yield proc, url
        finally:
            stop(proc)


def store_with_ba(tmp_path: Path) -> Path:
    """A store folder holding the sample Beschlussausfertigung, loaded by `ratsgraph load`."""
    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["load", str(BA), "--store", str(store)]).exit_code == 0
    return store


def test_two_workers_serve_the_store_read_only_and_no_writer_gets_in_beside_them(
    tmp_path: Path,
) -> None:
    store = store_with_ba(tmp_path)
    with serving(store, 2, tmp_path) as (proc, url):
        assert {resolutions(url) for _ in range(6)} == {"1"}
        upload = requests.post(
            url + "/api/documents",
            files={"file": (BK.name, BK.read_bytes())},
            headers={"Authorization": "Bearer s3cret", "Accept": "application/json"},
            timeout=10,
        )
        assert upload.status_code == 409
        assert "stop it, load documents with `ratsgraph load --store DIR`" in upload.json()["error"]
        refused = CliRunner().invoke(cli, ["load", str(BK), "--store", str(store)])
        assert refused.exit_code != 0
        assert f"is served read-only by 2 worker processes (pid {proc.pid}, {url})" in (
            refused.output
        )
        # a reader beside readers is fine
        query = CliRunner().invoke(cli, ["query", "open-points", "--store", str(store)])
        assert query.exit_code == 0, query.output
    loaded = CliRunner().invoke(cli, ["load", str(BK), "--store", str(store)])
    assert loaded.exit_code == 0, loaded.output  # once the readers are gone, the writer gets in
    with serving(store, 2, tmp_path) as (proc, url):
        assert {resolutions(url) for _ in range(6)} == {"2"}


def test_a_one_worker_server_writes_so_readers_and_read_only_servers_stay_out(
    tmp_path: Path,
) -> None:
    store = store_with_ba(tmp_path)
    with serving(store, 1, tmp_path) as (proc, url):
        query = CliRunner().invoke(cli, ["query", "open-points", "--store", str(store)])
        assert query.exit_code != 0
        assert f"open for writing in a running ratsgraph server (pid {proc.pid}); ask it " in (
            query.output
        )
        assert f"{url}/sparql" in query.output
        two = CliRunner().invoke(cli, ["serve", "--store", str(store), "--workers", "2"])
        assert two.exit_code != 0
        assert "held by a running ratsgraph server" in two.output
        # one worker: told from the lock file alone (the store is opened once, by the worker)
        one = CliRunner().invoke(cli, ["serve", "--store", str(store)])
        assert (one.exit_code, "held by a running ratsgraph server" in one.output) == (2, True)


def test_a_snapshot_reopens_only_when_the_files_change(tmp_path: Path) -> None:
    store = store_with_ba(tmp_path)
    snapshot = SnapshotStore(store, check_every_s=0)
    first = snapshot.current()
    assert snapshot.current() is first
    shutil.copy(BK, tmp_path / BK.name)
    CliRunner().invoke(cli, ["load", str(tmp_path / BK.name), "--store", str(store)])
    assert snapshot.current() is not first
    assert snapshot.select(COUNT).rows[0]["n"].value == "2"
