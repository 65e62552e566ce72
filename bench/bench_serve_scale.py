"""Serving a large store: every view over HTTP, at start and in a steady state with writes.

A `ratsgraph serve` (one worker, default settings) on a copy of the dataset's store:

1. **start**: as soon as it answers, each view is asked once for its first page of 100 rows (the
   server is meanwhile computing its views' default and example answers, `VIEW_WARM`);
2. **steady state**: for ``--seconds``, every view is asked once per round (a round every half
   second), while documents are uploaded (writes) at the times ``--writes`` gives (default: at a
   twelfth and at half of ``--seconds``). Per view and its first page (``_size=100``): p50,
   p99 and the slowest request, how many answers were stale (an earlier state's answer while the
   new one was computed, `VIEW_STALE_AFTER_S`), and after each write how long until the view's
   answer was fresh again.

The views are `bench_views.cases`: every view with its example and without parameters. Reports the
server's peak RSS, the memory of the server and its children together (the sum of their PSS, so
pages a forked read worker still shares with the server count once: largest sampled after each
round, and at the end) and the machine's load (uptime) before and after. Run on a copy of
``bench/out/<size>/store``: ``.venv/bin/python bench/bench_serve_scale.py --size 100000
[--seconds 240] [--writes 20 120] [--setting READ_WORKERS=false]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_views import cases
from common import (
    ROOT,
    copy_store,
    docs_dir,
    family_pss_mib,
    free_port,
    largest_peak_mib,
    machine,
    server_settings,
    wait_for,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--seconds", type=float, default=240.0, help="length of the steady state")
    parser.add_argument(
        "--writes", type=float, nargs="*", default=None,
        help="seconds into the steady state at which a document is uploaded (default: at a "
        "twelfth and at half of --seconds)",
    )  # fmt: skip
    parser.add_argument(
        "--skip", action="append", default=[], metavar="LABEL",
        help="leave out this case, e.g. 'resolution' or 'overdue?as_of=2024-01-01' (repeatable): "
        "the rounds are sequential, so a view that runs into its time limit takes every round's "
        "time",
    )  # fmt: skip
    parser.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE",
        help="a setting of service/config.py for the server, e.g. READ_WORKERS=false (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    writes = [args.seconds / 12, args.seconds / 2] if args.writes is None else args.writes
    port = free_port()
    exe = Path(sys.executable).parent / "ratsgraph"
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-serve-"))
    store = copy_store(args.size, work / "store")
    proc = subprocess.Popen(
        [str(exe), "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, **server_settings({"RATSGRAPH_WRITE_TOKEN": TOKEN}, args.setting)},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    views = [(_label(name, params), _url(base, name, params)) for name, params in cases(args.size)]
    views = [(label, url) for label, url in views if label not in args.skip]
    print(f"machine: {machine()}\ndataset: {args.size} resolutions\nuptime: {_uptime()}")
    print(f"server settings: {' '.join(args.setting) or 'defaults'}\n")
    try:
        wait_for(base + "/views/", proc, timeout=300)
        print("start: each view's first request\n\n| view | status | rows | time | stale |")
        print("|---|---:|---:|---:|---|")
        for label, url in views:
            status, rows, ms, stale = ask(url)
            print(f"| `{label}` | {status} | {rows} | {ms:,.0f} ms | {stale} |", flush=True)
        largest = steady(views, args.seconds, writes, args.size, base, proc.pid)
        print(f"\npeak RSS of `ratsgraph serve`: {largest_peak_mib(proc.pid):.0f} MiB")
        pss, count = family_pss_mib(proc.pid)
        print(
            f"memory of the server and its children (sum of PSS): largest {largest[0]:.0f} MiB "
            f"({largest[1]} processes), at the end {pss:.0f} MiB ({count} processes)"
        )
        print(f"uptime: {_uptime()}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def steady(
    views: list[tuple[str, str]],
    seconds: float,
    writes: list[float],
    size: int,
    base: str,
    server: int,
) -> tuple[float, int]:
    """Rounds of every view for ``seconds``, uploading a document at each of ``writes``; the
    largest memory of the ``server`` process and its children after a round (`family_pss_mib`)."""
    largest = (0.0, 0)
    document = next(iter(sorted(docs_dir(size).glob("*Beschlusskontrolle_1.txt"))))
    times: dict[str, list[float]] = {label: [] for label, _ in views}
    stale: dict[str, int] = {label: 0 for label, _ in views}
    errors: dict[str, int] = {label: 0 for label, _ in views}
    fresh_after: list[dict[str, float]] = []  # per write: view -> seconds until fresh again
    pending = sorted(writes)
    written_at: float | None = None
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if pending and time.monotonic() - start >= pending[0]:
            pending.pop(0)
            upload(base, document)
            written_at = time.monotonic()
            fresh_after.append({})
        for label, url in views:
            status, _, ms, was_stale = ask(url)
            times[label].append(ms)
            stale[label] += was_stale
            errors[label] += status != 200
            if written_at is not None and not was_stale and label not in fresh_after[-1]:
                fresh_after[-1][label] = time.monotonic() - written_at
        largest = max(largest, family_pss_mib(server))
        time.sleep(0.5)
    print(
        f"\nsteady state: {seconds:.0f} s, a round of every view every 0.5 s, documents uploaded "
        f"at {', '.join(f'{w:.0f} s' for w in writes)}\n"
    )
    print("| view | requests | p50 | p99 | slowest | stale answers | errors | fresh again after |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, _ in views:
        ms = sorted(times[label])
        p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
        again = ", ".join(
            f"{w[label]:.1f} s" if label in w else "not yet" for w in fresh_after
        )  # fmt: skip
        print(
            f"| `{label}` | {len(ms)} | {statistics.median(ms):.1f} ms | {p99:.1f} ms | "
            f"{ms[-1]:,.1f} ms | {stale[label]} | {errors[label]} | {again} |",
            flush=True,
        )
    return largest


def ask(url: str) -> tuple[int, int, float, bool]:
    """One request: status, rows on the page, milliseconds, and whether the answer was stale."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            body = json.loads(response.read())
        status, rows, stale = 200, len(body["rows"]), bool(body.get("stale"))
    except urllib.error.HTTPError as e:
        status, rows, stale = e.code, 0, False
    return status, rows, (time.perf_counter() - start) * 1000, stale


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _label(name: str, params: dict[str, str]) -> str:
    return name + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _url(base: str, name: str, params: dict[str, str]) -> str:
    query = urllib.parse.urlencode({**params, "format": "json", "_size": "100"})
    return f"{base}/views/{name}?{query}"


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
