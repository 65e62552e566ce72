"""`ratsgraph serve --workers 2`: two processes read one on-disk store while `ratsgraph load` writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests
from click.testing import CliRunner

from loader import SAMPLES_DIR
from service.cli import cli
from service.serving import SnapshotStore

from .conftest import ROOT, free_port, stop, wait_for_http

BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
COUNT = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/ratsgraph/ontology#Resolution> }"


def resolutions(url: str) -> str:
    resp = requests.get(url + "/sparql", params={"query": COUNT}, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]["bindings"][0]["n"]["value"]


def test_two_workers_serve_snapshots_that_follow_a_concurrent_load(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["load", str(BA), "--store", str(store)]).exit_code == 0
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "serve",
         "--store", str(store), "--port", str(port), "--workers", "2"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        env={**os.environ, "RATSGRAPH_WRITE_TOKEN": "s3cret"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/", proc, log=tmp_path / "serve.log")
        assert {resolutions(url) for _ in range(6)} == {"1"}
        upload = requests.post(
            url + "/api/documents",
            files={"file": (BK.name, BK.read_bytes())},
            headers={"Authorization": "Bearer s3cret", "Accept": "application/json"},
            timeout=10,
        )
        assert upload.status_code == 409
        assert "ratsgraph load --store DIR" in upload.json()["error"]
        loaded = CliRunner().invoke(cli, ["load", str(BK), "--store", str(store)])
        assert loaded.exit_code == 0, loaded.output  # the workers only read: the writer gets in
        deadline = time.monotonic() + 10
        seen: set[str] = set()
        while time.monotonic() < deadline and seen != {"2"}:
            time.sleep(0.5)
            seen = {resolutions(url) for _ in range(6)}
        assert seen == {"2"}
    finally:
        stop(proc)
        log.close()


def test_a_snapshot_reopens_only_when_the_files_change(tmp_path: Path) -> None:
    store = tmp_path / "store"
    CliRunner().invoke(cli, ["load", str(BA), "--store", str(store)])
    snapshot = SnapshotStore(store, check_every_s=0)
    first = snapshot.current()
    assert snapshot.current() is first
    shutil.copy(BK, tmp_path / BK.name)
    CliRunner().invoke(cli, ["load", str(tmp_path / BK.name), "--store", str(store)])
    assert snapshot.current() is not first
    assert snapshot.select(COUNT).rows[0]["n"].value == "2"
