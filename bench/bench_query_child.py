"""What a query's child process costs: the memory it adds, and the time the fork adds.

Every view (with parameters from the generated data, as in bench_views.py) and a few typical SPARQL
queries run through the service's own app (view cache off, ``PROVEN_FAST_S=0``: every read in a
child). Each child reports how far its address space (VmPeak - VmSize at its start) and its resident
memory (VmHWM - VmRSS at its start; Linux resets both marks at a fork) grew: what `QUERY_MEMORY_MB`
must allow. Then one cheap SELECT runs ``--repeat`` times inline and in a child; the ratio is what a
fork costs a query that needs no time of its own.

Run: ``.venv/bin/python bench/bench_query_child.py [--size 1000] [--repeat 200]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_views import cases
from common import copy_store, machine, median

import service.store.limits as limits_module
from service.store import EmbeddedStore
from service.store.stoppable import run_stoppable
from service.web import create_app

SPARQL = {
    "count everything": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "first 1000 triples": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000",
    "types by count": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY DESC(?n)",
    "labels sorted": "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
    "ORDER BY ?l",
    "describe-ish construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5000",
}


def _status_kib() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmPeak", "VmSize", "VmHWM", "VmRSS"):
            fields[name] = int(rest.split()[0])
    return fields


GROWTH: list[tuple[int, int]] = []


def measuring(real: Callable[..., Any]) -> Callable[..., Any]:
    """run_stoppable, with the child also reporting how much it grew."""

    def run(fn: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
        def measured() -> tuple[Any, tuple[int, int]]:
            start = _status_kib()
            result = fn()
            end = _status_kib()
            return result, (end["VmPeak"] - start["VmSize"], end["VmHWM"] - start["VmRSS"])

        result, growth = real(measured, *args, **kwargs)
        GROWTH.append(growth)
        return result

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = copy_store(args.size, Path(tmp) / "store")
        store = EmbeddedStore(path)
        app = create_app(
            {"TESTING": True, "VIEW_CACHE_SIZE": 0, "PROVEN_FAST_S": 0, "VIEW_WARM": False},
            store=store,
        )
        client = app.test_client()
        limits_module.run_stoppable = measuring(run_stoppable)  # type: ignore[assignment]
        print(f"# {machine()}; {args.size} resolutions, {store.triple_count()} triples")
        print("| read | status | address space + (MiB) | resident + (MiB) |\n|---|---|---|---|")
        worst = (0, 0)
        for name, params in cases(args.size):
            GROWTH.clear()
            r = client.get(f"/views/{name}.json", query_string=params)
            vm, rss = max(GROWTH, default=(0, 0))
            worst = (max(worst[0], vm), max(worst[1], rss))
            print(f"| view {name} {json.dumps(params, ensure_ascii=False)} | {r.status_code} | "
                  f"{vm / 1024:.1f} | {rss / 1024:.1f} |")  # fmt: skip
        for name, query in SPARQL.items():
            GROWTH.clear()
            r = client.get("/sparql", query_string={"query": query})
            vm, rss = max(GROWTH, default=(0, 0))
            worst = (max(worst[0], vm), max(worst[1], rss))
            print(f"| sparql {name} | {r.status_code} | {vm / 1024:.1f} | {rss / 1024:.1f} |")
        print(f"\nlargest growth: address space {worst[0] / 1024:.1f} MiB, "
              f"resident {worst[1] / 1024:.1f} MiB")  # fmt: skip
        limits_module.run_stoppable = run_stoppable  # type: ignore[assignment]

        cheap = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
        inline, forked = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            store.select(cheap)
            inline.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_stoppable(lambda: store.select(cheap), 10.0, memory_mb=1024)
            forked.append(time.perf_counter() - t)
        a, b = median(inline) * 1000, median(forked) * 1000
        print(f"cheap SELECT, median of {args.repeat}: inline {a:.2f} ms, in a child {b:.2f} ms "
              f"(x{b / a:.0f}; the fork adds {b - a:.1f} ms)")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()
