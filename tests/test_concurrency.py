"""Concurrency: the service answers while documents load; `serve` and `load` on one store fail clearly.

One process at a time can write an on-disk store (RocksDB's LOCK). While `ratsgraph serve` holds it,
documents go in through the server (POST /api/documents with the token), and a `ratsgraph load` on
the same store stops at once, saying which server holds it and how to upload instead; `serve` on a
store that a load holds says so too. Readers run in forked processes and never wait for the writer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from loader import SAMPLES_DIR
from service.store import EmbeddedStore

from .conftest import ROOT, start_server, stop_server

TOKEN = "concurrency-token"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
READS = [
    "/views/open-points.json?actor=Jugendamt",
    "/views/resolution?vorlage=V1106/21",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/api/documents",
    "/healthz",
]


def ratsgraph(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def test_the_service_answers_while_documents_are_uploaded(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    url, proc = start_server(store, {"RATSGRAPH_WRITE_TOKEN": TOKEN})
    uploads: list[int] = []
    try:

        def upload_all() -> None:
            for i in range(12):
                r = requests.post(
                    f"{url}/api/documents",
                    files={"file": (f"upload-{i:02d}.txt", BK.read_bytes())},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=60,
                )
                uploads.append(r.status_code)

        writer = threading.Thread(target=upload_all)
        writer.start()
        statuses, slowest, seen, failures = [], 0.0, [], []
        while writer.is_alive():
            for path in READS:
                started = time.monotonic()
                r = requests.get(url + path, timeout=30)
                slowest = max(slowest, time.monotonic() - started)
                statuses.append(r.status_code)
                if r.status_code != 200:
                    failures.append((path, r.status_code, r.text[:300]))
                if path == "/api/documents":
                    seen.append(len(r.json()["documents"]))
        writer.join()
        assert uploads == [201] * 12
        assert failures == []
        assert set(statuses) == {200} and len(statuses) >= len(READS)
        assert slowest < 5.0
        assert seen == sorted(seen)  # readers see documents arrive, never disappear
        final = requests.get(f"{url}/api/documents", timeout=30).json()["documents"]
        assert len(final) == 2 + 12
    finally:
        stop_server(proc)


def test_load_on_a_store_a_server_holds_says_to_upload_through_the_server(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    url, proc = start_server(store)
    try:
        result = ratsgraph("load", str(BK), "--store", str(store))
    finally:
        stop_server(proc)
    assert result.returncode == 2
    assert f"held by a running ratsgraph server (pid {proc.pid}, {url})" in result.stderr
    assert f"ratsgraph load --server {url} FILES" in result.stderr
    after = ratsgraph("load", str(BK), "--store", str(store))  # the server is gone: load works
    assert after.returncode == 0, after.stdout + after.stderr


def test_load_with_server_goes_through_the_running_server(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BK, folder / "Neue-Kontrolle.txt")
    (folder / "empty.txt").write_bytes(b"")
    url, proc = start_server(store, {"RATSGRAPH_WRITE_TOKEN": TOKEN})
    try:
        result = ratsgraph("load", str(folder), "--server", url, "--token", TOKEN)
        wrong = ratsgraph("load", str(folder), "--server", url, "--token", "wrong")
        ids = {
            d["id"] for d in requests.get(f"{url}/api/documents", timeout=10).json()["documents"]
        }
    finally:
        stop_server(proc)
    assert result.returncode == 2  # one of the two files is empty
    assert "1 of 2 files loaded, 1 failed." in result.stdout
    assert "empty.txt: file is empty" in result.stderr
    assert "Neue-Kontrolle" in ids
    assert wrong.returncode == 2 and "not valid for writing" in wrong.stderr


def test_serve_on_a_store_another_process_writes_says_so(tmp_path: Path) -> None:
    holder = EmbeddedStore(tmp_path / "store")  # as a running `ratsgraph load` would
    try:
        result = ratsgraph("serve", "--store", str(tmp_path / "store"), "--port", "1", timeout=60)
    finally:
        holder.close()
    assert result.returncode == 2
    assert "is open in another process (a running ratsgraph load or serve?)" in result.stderr
