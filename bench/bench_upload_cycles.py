"""Memory and store size over repeated upload and delete of one big document (issue 14).

A real `ratsgraph serve` over a copy of the sample store takes ``--cycles`` times a PUT of a
generated Beschlussausfertigung with ``--points`` delegated points and its DELETE. After each cycle
the worker's resident memory (VmRSS) and the store folder's size are read; at the end the server
stops and the time to open the store again is measured (what the next start costs).

Run: ``.venv/bin/python bench/bench_upload_cycles.py [--cycles 20] [--points 2000]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from common import ROOT, free_port, machine, wait_for
from generate import big_resolution

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import EmbeddedStore

TOKEN = "bench-token"


def folder_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_of(pid: int) -> int:
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        if children:
            return int(children[0])
    raise RuntimeError(f"gunicorn {pid} has no worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    document = big_resolution(args.points).encode()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        store = EmbeddedStore(store_dir)
        load_paths(store, [SAMPLES_DIR], jobs=1)
        store.close()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "server.log").open("wb")
        env = {"RATSGRAPH_WRITE_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}
        proc = subprocess.Popen(
            [sys.executable, "-c", "from service.cli import main; main()", "serve",
             "--store", str(store_dir), "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
        )  # fmt: skip
        auth = {"Authorization": f"Bearer {TOKEN}"}
        try:
            wait_for(url + "/healthz", proc)
            worker = worker_of(proc.pid)
            print(f"# {machine()}; document {len(document) / 2**20:.2f} MiB, {args.points} points")
            print(f"start: worker {rss_mib(worker):.0f} MiB, store {folder_mib(store_dir):.1f} MiB")
            print(
                "| cycle | PUT s | DELETE s | worker RSS MiB | store MiB |\n|---|---|---|---|---|"
            )
            for cycle in range(1, args.cycles + 1):
                t = time.perf_counter()
                r = requests.put(url + "/api/documents/V9999-26", data=document,
                                 headers={**auth, "Content-Type": "text/plain"}, timeout=600)  # fmt: skip
                put_s = time.perf_counter() - t
                assert r.status_code == 200, r.text
                t = time.perf_counter()
                r = requests.delete(url + "/api/documents/V9999-26", headers=auth, timeout=600)
                delete_s = time.perf_counter() - t
                assert r.status_code == 200, r.text
                print(f"| {cycle} | {put_s:.2f} | {delete_s:.2f} | {rss_mib(worker):.0f} | "
                      f"{folder_mib(store_dir):.1f} |", flush=True)  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
        t = time.perf_counter()
        reopened = EmbeddedStore(store_dir)
        count = reopened.triple_count()
        print(f"reopen: {time.perf_counter() - t:.2f} s ({count} triples), "
              f"store {folder_mib(store_dir):.1f} MiB")  # fmt: skip
        reopened.close()
        shutil.rmtree(store_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
