"""HTTP throughput: requests/s and p99 of `/sparql` and `/views/open-points` under concurrent clients,
against `oxigraph serve` answering the same SPARQL on the same data; peak memory of the servers.

Clients are separate processes with keep-alive connections, on the same machine as the servers (so
both sides share the cores, the same way for every server measured). Each configuration runs
``--seconds`` per round, ``--rounds`` times; req/s is the median round, p99 over all requests.

Run: ``.venv/bin/python bench/bench_http.py [--size 1000] [--clients 4] [--seconds 10] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import (
    ROOT,
    copy_store,
    free_port,
    machine,
    median,
    percentile,
    start_oxigraph,
    stop,
    wait_for,
)

JUGENDAMT = "https://w3id.org/ratsgraph/id/dresden/unit/jugendamt"


def client(base: str, method: str, path: str, body: bytes | None, headers: dict, until: float,
           out: mp.Queue) -> None:  # fmt: skip
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    times, errors = [], 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            errors += 1
        times.append(time.perf_counter() - start)
    out.put((times, errors))


def load(base: str, method: str, path: str, body: bytes | None, headers: dict, clients: int,
         seconds: float, rounds: int) -> tuple[float, float, int]:  # fmt: skip
    """(median req/s, p99 ms, errors) of ``clients`` processes hammering one request."""
    rates, pooled, errors = [], [], 0
    for _ in range(rounds):
        out: mp.Queue = mp.Queue()
        until = time.perf_counter() + seconds
        procs = [
            mp.Process(target=client, args=(base, method, path, body, headers, until, out))
            for _ in range(clients)
        ]
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
        count = sum(len(t) for t, _ in results)
        rates.append(count / seconds)
        pooled += [x for t, _ in results for x in t]
        errors += sum(e for _, e in results)
    return median(rates), percentile(pooled, 99) * 1000, errors


def tree_peak_mib(pid: int) -> float:
    """Peak RSS summed over a process and its children (gunicorn master + workers)."""
    pids, total = {pid}, 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                pids.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def start_ratsgraph(
    store: str, workers: int, extra: list[str] | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).parent / "ratsgraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--store", store, "--port", str(port), "--workers", str(workers),
         *(extra or [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        # no warm-up at start: it would compete with the measured requests (bench_serve_scale
        # measures it); the first request of a round computes what the round then reads
        env={**os.environ, "RATSGRAPH_VIEW_WARM": "false", **(env or {})},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/views/", proc)
    return proc, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from service.queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    query = load_queries(QUERIES_DIR)["open-points"].bind({"actor": JUGENDAMT})
    form = urlencode({"query": query}).encode()
    sparql_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    view = "/views/open-points?" + urlencode({"actor": "Jugendamt", "format": "json"})
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-http-"))
    rows = []

    def measure(label: str, base: str, method: str, path: str, body: bytes | None,
                headers: dict, pid: int) -> None:  # fmt: skip
        for _ in range(3):  # warm up
            conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status == 200, (label, resp.status, data[:300])
        rate, p99, errors = load(base, method, path, body, headers, args.clients, args.seconds,
                                 args.rounds)  # fmt: skip
        rows.append((label, rate, p99, errors, tree_peak_mib(pid)))
        print(f"{label}: {rate:.0f} req/s, p99 {p99:.1f} ms, {errors} errors", flush=True)

    try:
        ox_proc, ox_base = start_oxigraph(copy_store(args.size, work / "oxigraph"))
        try:
            measure("oxigraph serve: /query (open-points SPARQL)", ox_base, "POST", "/query",
                    form, sparql_headers, ox_proc.pid)  # fmt: skip
            for workers in (1, 2):
                proc, base = start_ratsgraph(
                    ox_base + "/query", workers, ["--update-url", ox_base + "/update"]
                )
                try:
                    measure(f"ratsgraph --workers {workers} -> oxigraph serve: /sparql",
                            base, "POST", "/sparql", form, sparql_headers, proc.pid)  # fmt: skip
                    measure(f"ratsgraph --workers {workers} -> oxigraph serve: /views/open-points",
                            base, "GET", view, None, {}, proc.pid)  # fmt: skip
                finally:
                    stop(proc)
        finally:
            stop(ox_proc)
        store = copy_store(args.size, work / "embedded")
        for workers in (1, 2):
            proc, base = start_ratsgraph(str(store), workers)
            try:
                measure(f"ratsgraph --workers {workers}, embedded: /sparql (same SPARQL)", base,
                        "POST", "/sparql", form, sparql_headers, proc.pid)  # fmt: skip
                measure(f"ratsgraph --workers {workers}, embedded: /views/open-points", base,
                        "GET", view, None, {}, proc.pid)  # fmt: skip
            finally:
                stop(proc)
            # the same without the view cache: every request computes the view
            proc, base = start_ratsgraph(
                str(store), workers, env={"RATSGRAPH_VIEW_CACHE_SIZE": "0"}
            )
            try:
                measure(f"ratsgraph --workers {workers}, embedded, no view cache: /views/open-points",
                        base, "GET", view, None, {}, proc.pid)  # fmt: skip
            finally:
                stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    reference = rows[0][1]
    print(f"\nmachine: {machine()}")
    print(f"dataset: {args.size} resolutions; {args.clients} client processes, {args.rounds} "
          f"rounds of {args.seconds:.0f} s; query: open-points for the Jugendamt")  # fmt: skip
    print("\n| server and request | req/s | ratio to oxigraph serve | p99 | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for label, rate, p99, errors, peak in rows:
        note = f" ({errors} errors)" if errors else ""
        print(f"| {label}{note} | {rate:.0f} | {rate / reference:.2f} | {p99:.1f} ms | "
              f"{peak:.0f} MiB |")  # fmt: skip
    json.dump(rows, sys.stderr)


if __name__ == "__main__":
    main()
