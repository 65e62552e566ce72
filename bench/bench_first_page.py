"""Every view's first page, asked first of a fresh `ratsgraph serve`, against the same SPARQL text
sent to a fresh `oxigraph serve` on the same store (issue 17: under 1 s at 100k, within 1.3x).

For each case (every view of ``queries/`` with its ``# example:`` and without parameters, see
`bench_views.cases`), on one copy of ``bench/out/<size>/store``:

1. **capture**: the service's own app (`create_app`, the settings the server gets) answers the
   request in-process once, with the select and ask methods of its store (`LimitedStore`, the object
   every read of a request goes through) wrapped to record the text they are given: label lookups,
   the derived-facts probe and the view's page query, in order; whatever `service.web.views` and
   `paging` send today, with no query text copied here. This run also fills the OS page cache, so
   both servers below read from memory: what is compared is the servers, not the disk.
2. **ratsgraph**: `ratsgraph serve` started afresh (``RATSGRAPH_VIEW_WARM=false``: nothing computed
   before the request; view cache at its default, so empty), the request timed when ``/healthz``
   answers: ``GET /views/<name>?<params>&_size=100`` with ``Accept: application/json``; stopped.
3. **oxigraph**: `oxigraph serve` started afresh on the same store; the recorded texts sent in order
   (POST /query, SPARQL JSON results, read whole), timed all together and the last (the view's)
   alone; stopped.

Ratios: ratsgraph's first answer over oxigraph's time for all the texts the request sent, over
the view's text alone, and over the view's own SPARQL (``queries/<name>.rq`` bound to the same
values, cut to the page with LIMIT/OFFSET) on another fresh `oxigraph serve`: the query a user of
`oxigraph serve` would send for this page. Medians over ``--repeat`` (each repeat on fresh servers).

Run: ``.venv/bin/python bench/bench_first_page.py --size 1000 [--repeat 3] [--view open-points]``
(copies the store to a temporary folder; ``--store DIR`` uses that store in place instead: a
store nothing else has open, as each server takes its lock).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_views import cases
from common import (
    ROOT,
    copy_store,
    free_port,
    machine,
    server_settings,
    start_oxigraph,
    stop,
    wait_for,
)

PAGE_SIZE = 100
# what `ratsgraph serve` gets beside its defaults: no warm-up, so its first request is its first;
# the time limit raised (as in bench_views.py), so a slow first answer is measured, not stopped
SERVER_ENV = {"RATSGRAPH_VIEW_WARM": "false", "RATSGRAPH_QUERY_TIMEOUT_S": "600"}


@dataclass
class Sent:
    """What one request of the service sent to its store, in order: (method, SPARQL text)."""

    texts: list[tuple[str, str]]
    status: int
    rows: int
    own: str  # the view's own text (queries/<name>.rq, bound) cut to the page: what a user sends


def view_url(name: str, values: dict[str, str]) -> str:
    """The path and query string of a view's first page."""
    return f"/views/{name}?" + urllib.parse.urlencode({**values, "_size": str(PAGE_SIZE)})


def capture(store: Path, name: str, values: dict[str, str], env: dict[str, str]) -> Sent:
    """Answer the first page in-process, recording every text the request gives its store."""
    from service.web import create_app  # noqa: PLC0415

    settings: dict[str, Any] = {}
    for key, raw in env.items():
        try:
            settings[key.removeprefix("RATSGRAPH_")] = json.loads(raw)
        except json.JSONDecodeError:
            settings[key.removeprefix("RATSGRAPH_")] = raw
    from service.queries import get_query  # noqa: PLC0415
    from service.web import paging  # noqa: PLC0415
    from service.web.views import resolve_iri_params  # noqa: PLC0415

    app = create_app({**settings, "STORE": str(store)})
    limited = app.extensions["ratsgraph"]
    with app.app_context():
        query = get_query(name)
        own = paging.page_query(
            query.bind(resolve_iri_params(query, values)), paging.Page(0, PAGE_SIZE)
        )
    texts: list[tuple[str, str]] = []
    for method in ("select", "ask"):
        inner = getattr(limited, method)

        def record(query: str, inner: Any = inner, method: str = method) -> Any:
            texts.append((method, query))
            return inner(query)

        setattr(limited, method, record)
    lookup = limited.select_lookup

    def record_lookup(query: str) -> Any:
        texts.append(("select", query))
        return lookup(query)

    def record_together(fn: Any, name: str) -> Any:  # the steps of a page, each recorded
        def select(query: str) -> Any:
            texts.append(("select", query))
            return limited.inner.select(query)

        return fn(select)

    limited.select_lookup, limited.read_together = record_lookup, record_together
    try:
        response = app.test_client().get(
            view_url(name, values), headers={"Accept": "application/json"}
        )
        rows = len(response.get_json()["rows"]) if response.status_code == 200 else 0
        return Sent(texts, response.status_code, rows, own)
    finally:
        limited.close()


def start_ratsgraph(store: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """A fresh `ratsgraph serve` on ``store`` with ``env``, once ``/healthz`` answers."""
    port = free_port()
    exe = Path(sys.executable).parent / "ratsgraph"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--store", str(store), "--port", str(port)],
            stdout=out, stderr=out, cwd=ROOT, env={**os.environ, **env},
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc, timeout=600)
    except BaseException:
        stop(proc)
        raise
    return proc, base


def ratsgraph_first(
    store: Path, name: str, values: dict[str, str], env: dict[str, str], log: Path
) -> tuple[float, int]:
    """Milliseconds of a fresh server's first request for the page, and the rows it gave."""
    proc, base = start_ratsgraph(store, env, log)
    try:
        request = urllib.request.Request(
            base + view_url(name, values), headers={"Accept": "application/json"}
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=900) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            print(f"{name} {values}: HTTP {e.code} from ratsgraph serve: {e.read()[:200]!r}")
            return float("nan"), -1
        ms = (time.perf_counter() - start) * 1000
        return ms, len(json.loads(body)["rows"])
    finally:
        stop(proc)


def oxigraph_first(
    store: Path, texts: list[tuple[str, str]], timeout_s: float = 900
) -> tuple[float, float, int]:
    """Milliseconds of a fresh `oxigraph serve` for all the texts in order, for the last alone,
    and the rows the last one returned."""
    proc, base = start_oxigraph(store)
    try:
        total = last = 0.0
        rows = 0
        for method, text in texts:
            data = urllib.parse.urlencode({"query": text}).encode()
            headers = {"Accept": "application/sparql-results+json"}
            start = time.perf_counter()
            with urllib.request.urlopen(
                urllib.request.Request(base + "/query", data, headers), timeout=timeout_s
            ) as response:
                body = response.read()
            last = (time.perf_counter() - start) * 1000
            total += last
            if method == "select":
                rows = len(json.loads(body)["results"]["bindings"])
        return total, last, rows
    finally:
        stop(proc)


def floors(store: Path, env: dict[str, str], log: Path, times: int = 5) -> tuple[float, float]:
    """Milliseconds of the least each fresh server does for a request, medians of ``times``:
    `ratsgraph serve`'s ``GET /healthz`` (an ``ASK {}`` of the store in the request thread, no
    child) and `oxigraph serve`'s ``ASK {}``, each after the server's first request: what a page
    of a few rows cannot go below."""

    def median_ms(url: str, data: bytes | None = None) -> float:
        times_ms = []
        for _ in range(times):
            start = time.perf_counter()
            with urllib.request.urlopen(url, data, timeout=60) as response:
                response.read()
            times_ms.append((time.perf_counter() - start) * 1000)
        return statistics.median(times_ms)

    proc, base = start_ratsgraph(store, env, log)
    try:
        ours = median_ms(base + "/healthz")
    finally:
        stop(proc)
    proc, base = start_oxigraph(store)
    try:
        theirs = median_ms(base + "/query", urllib.parse.urlencode({"query": "ASK {}"}).encode())
    finally:
        stop(proc)
    return ours, theirs


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100000, help="bench/out/<size>/store")
    parser.add_argument("--store", type=Path, help="use this store in place (not a copy)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh servers per case")
    parser.add_argument("--view", action="append", help="only these views (repeatable)")
    parser.add_argument(
        "--floor", action="store_true",
        help="first the least each fresh server takes for a request (GET /healthz, ASK {})",
    )  # fmt: skip
    parser.add_argument(
        "--own-timeout", type=float, default=900,
        help="seconds the view's own query may take on oxigraph serve (nan past it)",
    )  # fmt: skip
    parser.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for both the server and the capture, e.g. VIEW_CACHE_SIZE=0 (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    env = server_settings(SERVER_ENV, args.setting)
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-first-page-"))
    print(f"machine: {machine()}\nuptime: {uptime()}")
    try:
        store = args.store or copy_store(args.size, work / "store")
        print(f"store: {store} ({args.size} resolutions), server log: {work / 'serve.log'}")
        print("server settings: " + " ".join(f"{k}={v}" for k, v in env.items()) + "\n")
        if args.floor:
            ours, theirs = floors(store, env, work / "serve.log")
            print(
                f"floor: `ratsgraph serve` GET /healthz {ours:.2f} ms, `oxigraph serve` ASK {{}} "
                f"{theirs:.2f} ms (medians of 5, fresh servers)\n"
            )
        print(
            f"| view (first page, _size={PAGE_SIZE}) | rows | ratsgraph first answer | "
            "oxigraph serve, all texts | ratio | oxigraph serve, view text | ratio | texts | "
            "rows from the store | oxigraph serve, the view's own query for the page | ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, values in cases(args.size):
            if args.view and name not in args.view:
                continue
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else "")
            sent = capture(store, name, values, env)
            if sent.status != 200:
                print(f"| `{label}` | HTTP {sent.status} in-process | | | | | | | |", flush=True)
                continue
            ours, every, alone, plain = [], [], [], []
            for _ in range(args.repeat):
                ms, rows = ratsgraph_first(store, name, values, env, work / "serve.log")
                ours.append(ms)
                total, last, store_rows = oxigraph_first(store, sent.texts)
                every.append(total)
                alone.append(last)
                # a fresh server again: the view's own text, as a user would send it for the page
                # (one that computes a whole answer of 100,000 resolutions may not end: given up)
                try:
                    plain.append(oxigraph_first(store, [("select", sent.own)], args.own_timeout)[0])
                except (OSError, urllib.error.URLError):  # a timeout, or the server gave up
                    plain.append(float("nan"))
            if rows >= 0:
                assert rows == sent.rows, f"{label}: {rows} rows over HTTP, {sent.rows} in-process"
            r, e, a, o = (statistics.median(x) for x in (ours, every, alone, plain))
            print(
                f"| `{label}` | {rows} | {r:,.0f} ms | {e:,.0f} ms | {ratio(r, e)} | {a:,.0f} ms | "
                f"{ratio(r, a)} | {len(sent.texts)} | {store_rows} | {o:,.0f} ms | {ratio(r, o)} |",
                flush=True,
            )
    finally:
        shutil.rmtree(work / "store", ignore_errors=True)  # the copy; the server log stays
    print(f"\nuptime: {uptime()}")


def ratio(ours: float, theirs: float) -> str:
    """ours/theirs, or "n/a" where theirs is nothing (no text was sent to the store)."""
    return f"{ours / theirs:.2f}x" if theirs > 0 else "n/a"


if __name__ == "__main__":
    main()
