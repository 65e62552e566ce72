"""Serving a large store: every view over HTTP, its first answer and repeats, and `serve`'s memory.

A `ratsgraph serve` (one worker, the default) on the dataset's store; each view is asked four times
for its first page of 100 rows: the first request computes the answer (and caches it whole), the
repeats are cut from the cache. Reports the status, the times and the server's peak RSS.

Run: ``.venv/bin/python bench/bench_serve_scale.py [--size 100000]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_views import cases
from common import ROOT, free_port, largest_peak_mib, machine, store_dir, wait_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    args = parser.parse_args()
    port = free_port()
    exe = Path(sys.executable).parent / "ratsgraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--store", str(store_dir(args.size)), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    print(f"machine: {machine()}\ndataset: {args.size} resolutions\n")
    print(
        "| view | status | rows on the page | first request | repeats |\n|---|---:|---:|---:|---|"
    )
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
            print(f"| `{label}` | {status} | {rows} | {times[0]:,.0f} ms | {repeats} |", flush=True)
        print(f"\npeak RSS of `ratsgraph serve`: {largest_peak_mib(proc.pid):.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
