"""Load test: N concurrent clients for T seconds against a real `ratsgraph serve` while documents load.

Clients mix views, resource pages and SPARQL; a writer uploads the corpus documents through the write
API (the server holds the store, so that is how a load runs beside it) and starts over until the time
is up. Reports requests, throughput, p50/p95/p99/max latency, errors and 5xx per kind, and checks
that no uploaded document is lost. Expected: zero 5xx, zero lost documents.

    .venv/bin/python bench/load_test.py --clients 20 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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
                failures.append((args, status, round(time.monotonic() - started, 2), r.text[:300]))
        except requests.RequestException as e:
            status = f"error: {type(e).__name__}"
        results.append((kind, status, time.monotonic() - started))


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
    parser.add_argument(
        "--in-thread", action="store_true", help="queries in the request thread (no hard stop)"
    )
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
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            documents = requests.get(f"{url}/api/documents", timeout=60).json()["documents"]
        finally:
            log = stop_server(proc)
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
        "uploads": len(uploads),
        "uploads_failed": failed_uploads,
        "upload_p50_ms": round(percentile([s for _, _, s, _ in uploads], 50) * 1000, 1),
        "documents_uploaded_distinct": len(loaded),
        "documents_lost": lost,
        "server_log_lines": log.count("\n"),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    sys.exit(1 if server_errors or lost else 0)


if __name__ == "__main__":
    main()
