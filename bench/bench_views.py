"""View latency: p50/p99 of every named view, embedded and through `oxigraph serve`, by dataset size.

Each view runs the service's own path (`service.web.views.run_view`: label resolution, binding, query,
result conversion, the query limits of `service.store.limits`) ``--repeat`` times after one warm-up run:
* embedded without the view cache: every run computes the answer;
* embedded with the view cache (the default): every run after the first is answered from it, until
  a write;
* remote (`oxigraph serve` over loopback on a copy of the same store; never cached).
The time limit is raised to 10 minutes, so a slow view is measured rather than stopped.

Run: ``.venv/bin/python bench/bench_views.py [--sizes 1000 10000] [--repeat 30] [--no-remote]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from common import OUT, copy_store, docs_dir, machine, percentile, start_oxigraph, stop, store_dir


def cases(size: int) -> list[tuple[str, dict[str, str]]]:
    """Every view of ``queries/``, as its ``# example:`` asks it and without parameters (every
    parameter may be left out), plus open-points for the Jugendamt. The paper number of the
    resolution view's example is taken from the generated data (the example's may not be there)."""
    from urllib.parse import parse_qsl  # noqa: PLC0415

    from service.queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    first = json.loads((docs_dir(size) / "truth.jsonl").open(encoding="utf-8").readline())
    out: list[tuple[str, dict[str, str]]] = []
    for query in load_queries(QUERIES_DIR).values():
        example = dict(parse_qsl(query.example))
        if "vorlage" in example:
            example["vorlage"] = first["vorlage"]
        out += [(query.name, example), (query.name, {})] if example else [(query.name, {})]
    return [*out, ("open-points", {"actor": "Jugendamt"})]


def measure(
    store: object, size: int, repeat: int, cache: bool = False
) -> list[tuple[str, int, float, float]]:
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import run_view  # noqa: PLC0415

    config = {"TESTING": True, "QUERY_TIMEOUT_S": 600.0, "VIEW_CACHE_SIZE": 128 if cache else 0}
    app = create_app(config, store=store)  # type: ignore[arg-type]
    out = []
    with app.app_context():
        for name, params in cases(size):
            rows = len(run_view(name, params).rows)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                run_view(name, params)
                times.append((time.perf_counter() - start) * 1000)
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            out.append((label, rows, percentile(times, 50), percentile(times, 99)))
            print(f"  {label}: {rows} rows, p50 {out[-1][2]:.1f} ms, p99 {out[-1][3]:.1f} ms",
                  flush=True)  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-remote", action="store_true", help="embedded figures only")
    args = parser.parse_args()

    from service.store import EmbeddedStore  # noqa: PLC0415
    from service.store.remote import RemoteStore  # noqa: PLC0415

    print(f"machine: {machine()}")
    for size in args.sizes:
        import pyoxigraph as ox  # noqa: PLC0415

        triples = len(ox.Store.read_only(str(store_dir(size))))
        print(f"\n### {size} resolutions ({triples:,} triples), {args.repeat} runs per view")
        print("embedded, no cache:")
        embedded = measure(EmbeddedStore(store_dir(size), read_only=True), size, args.repeat)
        print("embedded, view cache:")
        cached = measure(EmbeddedStore(store_dir(size), read_only=True), size, args.repeat, True)
        remote = [("", 0, float("nan"), float("nan"))] * len(embedded)
        if not args.no_remote:
            work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-views-"))
            proc, base = start_oxigraph(copy_store(size, work / "store"))
            try:
                print("remote:")
                remote = measure(RemoteStore(base + "/query", base + "/update"), size, args.repeat)
            finally:
                stop(proc)
                shutil.rmtree(work, ignore_errors=True)
        print("\n| view | rows | embedded p50 | embedded p99 | cached p50 | cached p99 | remote p50 "
              "| remote p99 |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for e, c, r in zip(embedded, cached, remote, strict=True):
            assert args.no_remote or e[1] == r[1], f"{e[0]}: {e[1]} rows embedded, {r[1]} remote"
            print(f"| `{e[0]}` | {e[1]} | {e[2]:.1f} ms | {e[3]:.1f} ms | {c[2]:.2f} ms | "
                  f"{c[3]:.2f} ms | {r[2]:.1f} ms | {r[3]:.1f} ms |")  # fmt: skip
    (OUT / "views.done").touch()


if __name__ == "__main__":
    main()
