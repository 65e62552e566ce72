"""Load test: N concurrent clients for T seconds against a real `ratsgraph serve` while documents load.

Clients mix views, resource pages and SPARQL; a writer uploads the corpus documents through the write
API (the server holds the store, so that is how a load runs beside it) and starts over until the time
is up. Reports requests, throughput, p50/p95/p99/max latency, errors and 5xx per kind, and checks
that no uploaded document is lost. Expected: zero 5xx, zero lost documents.

The hostile mix runs beside them (issue 14): ``--runaway`` clients send queries that would run for
hours (each stopped at its limit, or refused at once when its lane is full) without pause, and
``--big-bodies`` clients announce 48 MB anonymous uploads and 5 MB form queries (refused before
they are read). Their answers are reported apart; the normal readers must still see no 5xx.
Runaway clients share the SPARQL lane with the readers' own SPARQL, so keep them below
MAX_CONCURRENT_QUERIES (4): views, pages and /healthz have their own lane, other SPARQL does not.

    .venv/bin/python bench/load_test.py --clients 20 --seconds 60 [--runaway 2 --big-bodies 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader import SAMPLES_DIR  # noqa: E402
from service.ingest.loading import load_paths  # noqa: E402
from service.store import EmbeddedStore  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402

SHARED = Path(os.environ.get("RATSGRAPH_SHARED", ROOT.parent / "shared"))
TOKEN = "load-test-token"
SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> SELECT ?p ?t WHERE { ?p a rb:ResolutionPoint ;"
    " rb:text ?t } LIMIT 50",
    "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> SELECT ?d ?a ?dl WHERE { ?d rb:actor ?a ."
    " OPTIONAL { ?d rb:deadline ?dl } } ORDER BY ?dl LIMIT 100",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]
VIEWS = [
    "/views/open-points.json?actor=Oberbürgermeister",
    "/views/open-points.json?actor=Jugendamt",
    "/views/overdue.json?as_of=2024-01-01",
    "/views/resolution.json?vorlage=V1106/21",
    "/views/framework.json",
    "/views/actor-summary.json",
    "/views/open-points?actor=Jugendamt",
]


def pages(url: str) -> list[str]:
    """Resource pages of the loaded data: resolutions, points, offices, documents, and the index."""
    q = (
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s),"
        " 'https://w3id.org/ratsgraph/id/')) } LIMIT 200"
    )
    rows = requests.get(f"{url}/sparql", params={"query": q}, timeout=30).json()
    found = [
        b["s"]["value"].replace("https://w3id.org/ratsgraph", "")
        for b in rows["results"]["bindings"]
    ]
    return ["/", "/views/"] + [p for p in found if "#" not in p]


def client(
    url: str, stop: float, page_paths: list[str], results: list, failures: list, seed: int
) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    while time.monotonic() < stop:
        kind = rng.choice(["view", "view", "page", "sparql"])
        if kind == "view":
            args = {"url": url + rng.choice(VIEWS)}
        elif kind == "page":
            args = {"url": url + rng.choice(page_paths)}
        else:
            args = {"url": url + "/sparql", "params": {"query": rng.choice(SPARQL)}}
        started = time.monotonic()
        try:
            r = session.get(**args, timeout=60)
            status = r.status_code
            if status >= 500:
                said = r.text.split('<p class="error">', 1)[-1].split("</p>", 1)[0]  # an HTML page
                failures.append((args, status, round(time.monotonic() - started, 2), said[:300]))
        except requests.RequestException as e:
            status = f"error: {type(e).__name__}"
        results.append((kind, status, time.monotonic() - started))
        if time.monotonic() - started > 5:
            SLOW.append(
                (args["url"].replace(url, ""), status, round(time.monotonic() - started, 1))
            )


SLOW: list[tuple[str, object, float]] = []  # readers' requests that took over 5 s
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } # "


def runaway(url: str, stop: float, results: list, seed: int) -> None:
    """Queries for hours, one after the other, ignoring Retry-After (a brief pause only, so the
    load generator itself keeps a core for the readers)."""
    session = requests.Session()
    n = 0
    while time.monotonic() < stop:
        n += 1
        started = time.monotonic()
        try:
            r = session.get(url + "/sparql", params={"query": f"{RUNAWAY}{seed}-{n}"}, timeout=120)
            status: object = r.status_code
        except requests.RequestException as e:
            status = f"error: {type(e).__name__}"
        results.append(("runaway", status, time.monotonic() - started))
        time.sleep(0.05)


def head_only(url: str, head: str) -> str:
    """Send a request's head (its body announced, not sent); the status line of the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(head.encode("latin-1"))
        return conn.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def big_bodies(url: str, stop: float, results: list) -> None:
    """Anonymous 48 MB uploads (announced, never sent) and 5 MB form queries (sent)."""
    session = requests.Session()
    form = {"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5_000_000}
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            line = head_only(
                url,
                "POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                "application/x-www-form-urlencoded\r\nContent-Length: 48000000\r\n\r\n",
            )
            status: object = int(line.split()[1]) if line.startswith("HTTP/") else line
        except OSError as e:
            status = f"error: {type(e).__name__}"
        results.append(("big upload", status, time.monotonic() - started))
        started = time.monotonic()
        try:
            status = session.post(url + "/sparql", data=form, timeout=60).status_code
        except requests.RequestException as e:  # the server may close before all is sent
            status = f"refused while sending: {type(e).__name__}"
        results.append(("big form query", status, time.monotonic() - started))


def writer(url: str, stop: float, files: list[Path], log: list) -> None:
    """Upload every document, then again (reloads), until the time is up."""
    session = requests.Session()
    while time.monotonic() < stop:
        for path in files:
            if time.monotonic() >= stop:
                return
            started = time.monotonic()
            r = session.post(
                f"{url}/api/documents",
                files={"file": (path.name, path.read_bytes())},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=120,
            )
            ok = r.status_code == 201
            status = r.status_code if ok else f"{r.status_code}: {r.text[:200]}"
            log.append((path.stem, status, time.monotonic() - started, ok))


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0.0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--server-log", type=Path, help="keep the server's log (access lines) here")
    parser.add_argument(
        "--in-thread", action="store_true", help="queries in the request thread (no hard stop)"
    )
    parser.add_argument("--runaway", type=int, default=0, help="clients sending endless queries")
    parser.add_argument("--big-bodies", type=int, default=0, help="clients sending huge bodies")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ratsgraph-load-test-"))
    try:
        store = EmbeddedStore(tmp / "store")
        load_paths(store, [SAMPLES_DIR])
        store.close()
        files = sorted((SHARED / "corpus" / "ratsinfo" / "files").glob("*.txt"))
        env = {"RATSGRAPH_WRITE_TOKEN": TOKEN}
        if args.in_thread:
            env["RATSGRAPH_STOPPABLE_QUERIES"] = "false"
        url, proc = start_server(tmp / "store", env)
        try:
            page_paths = pages(url)
            results: list = []
            failures: list = []
            uploads: list = []
            stop = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=client, args=(url, stop, page_paths, results, failures, i))
                for i in range(args.clients)
            ]
            threads.append(threading.Thread(target=writer, args=(url, stop, files, uploads)))
            hostile: list = []
            threads += [
                threading.Thread(target=runaway, args=(url, stop, hostile, i))
                for i in range(args.runaway)
            ]
            threads += [
                threading.Thread(target=big_bodies, args=(url, stop, hostile))
                for _ in range(args.big_bodies)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            documents = requests.get(f"{url}/api/documents", timeout=60).json()["documents"]
        finally:
            log = stop_server(proc)
            if args.server_log:
                args.server_log.write_text(log, encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    loaded = {stem for stem, _, _, ok in uploads if ok}
    present = {d["id"] for d in documents}
    lost = sorted(loaded - present)
    latencies = [s for _, _, s in results]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, _, s in results:
        by_kind[kind].append(s)
    statuses = Counter(str(st) for _, st, _ in results)
    server_errors = sum(1 for _, st, _ in results if not isinstance(st, int) or st >= 500)
    failed_uploads = [(stem, st) for stem, st, _, ok in uploads if not ok]
    figures = {
        "queries": "in the request thread" if args.in_thread else "forked, killable child",
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": len(results),
        "requests_per_s": round(len(results) / args.seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=0) * 1000, 1),
        "per_kind": {
            k: {
                "requests": len(v),
                "p50_ms": round(percentile(v, 50) * 1000, 1),
                "p99_ms": round(percentile(v, 99) * 1000, 1),
            }
            for k, v in sorted(by_kind.items())
        },
        "statuses": dict(statuses),
        "errors_5xx_or_connection": server_errors,
        "5xx_answers": failures[:10],
        "slowest": sorted(SLOW, key=lambda r: -r[2])[:10],
        "uploads": len(uploads),
        "uploads_failed": failed_uploads,
        "upload_p50_ms": round(percentile([s for _, _, s, _ in uploads], 50) * 1000, 1),
        "documents_uploaded_distinct": len(loaded),
        "documents_lost": lost,
        "hostile": {
            "runaway_clients": args.runaway,
            "big_body_clients": args.big_bodies,
            **{
                kind: {
                    "requests": sum(1 for k, _, _ in hostile if k == kind),
                    "statuses": dict(Counter(str(st) for k, st, _ in hostile if k == kind)),
                    "p50_ms": round(
                        percentile([t for k, _, t in hostile if k == kind], 50) * 1000, 1
                    ),
                }
                for kind in sorted({k for k, _, _ in hostile})
            },
        },
        "server_log_lines": log.count("\n"),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    sys.exit(1 if server_errors or lost else 0)


if __name__ == "__main__":
    main()
