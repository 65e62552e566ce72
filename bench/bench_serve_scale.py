"""Serving a large store: every view over HTTP, its first answer and repeats, and `serve`'s memory.

A `ratsgraph serve` (one worker, the default) on a copy of the dataset's store; each view is asked
four times for its first page of 100 rows: the first request computes the answer (and caches it
whole), the repeats are cut from the cache. Then one document is uploaded (a write), and after the
time the first computations took, every view is asked once more: the refresh after a write
(`VIEW_REFRESH`) should have computed them already. Reports the times and the server's peak RSS.

Run: ``.venv/bin/python bench/bench_serve_scale.py [--size 100000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_views import cases
from common import ROOT, copy_store, docs_dir, free_port, largest_peak_mib, machine, wait_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    args = parser.parse_args()
    port = free_port()
    exe = Path(sys.executable).parent / "ratsgraph"
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-serve-"))
    store = copy_store(args.size, work / "store")
    proc = subprocess.Popen(
        [str(exe), "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, "RATSGRAPH_WRITE_TOKEN": TOKEN},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    print(f"machine: {machine()}\ndataset: {args.size} resolutions\n")
    print(
        "| view | status | rows on the page | first request | repeats |\n|---|---:|---:|---:|---|"
    )
    first_total = 0.0
    try:
        wait_for(base + "/views/", proc, timeout=300)
        for name, params in cases(args.size):
            query = urllib.parse.urlencode({**params, "format": "json", "_size": "100"})
            times, status, rows = [], 200, 0
            for _ in range(4):
                start = time.perf_counter()
                try:
                    body = urllib.request.urlopen(
                        f"{base}/views/{name}?{query}", timeout=600
                    ).read()
                    rows = len(json.loads(body)["rows"])
                except urllib.error.HTTPError as e:
                    status = e.code
                times.append((time.perf_counter() - start) * 1000)
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            repeats = ", ".join(f"{t:.1f} ms" for t in times[1:])
            first_total += times[0] / 1000
            print(f"| `{label}` | {status} | {rows} | {times[0]:,.0f} ms | {repeats} |", flush=True)
        upload(base, next(iter(sorted(docs_dir(args.size).glob("*Beschlusskontrolle_1.txt")))))
        time.sleep(first_total + 5)  # the refresh computes them again, one after the other
        print("\nafter a write (one document uploaded) and a pause as long as the first requests:")
        for name, params in cases(args.size):
            query = urllib.parse.urlencode({**params, "format": "json", "_size": "100"})
            start = time.perf_counter()
            urllib.request.urlopen(f"{base}/views/{name}?{query}", timeout=600).read()
            print(f"  {name} {params}: {(time.perf_counter() - start) * 1000:,.1f} ms", flush=True)
        print(f"\npeak RSS of `ratsgraph serve`: {largest_peak_mib(proc.pid):.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def upload(base: str, path: Path) -> None:
    """PUT one document (a reload of one already there: a write that changes the generation)."""
    request = urllib.request.Request(
        f"{base}/api/documents",
        data=_multipart(path),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": f"multipart/form-data; "
                 f"boundary={BOUNDARY}"},
        method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.status in (200, 201), response.status


BOUNDARY = "ratsgraph-bench-boundary"
TOKEN = "bench-token"


def _multipart(path: Path) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    return head + path.read_bytes() + f"\r\n--{BOUNDARY}--\r\n".encode()


if __name__ == "__main__":
    main()
