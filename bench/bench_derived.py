"""Derived facts (issue 17): what they save the views, what they cost the writes, and the cheaper
serialisation of large answers; every figure a ratio of two things measured in the same run,
interleaved (A, B, A, B, …), medians over ``--repeat``.

* views: each status view's text computing every status from the assertions (what it ran before)
  against its variant in queries/derived/ reading the derived graph, through the service's read
  path without the view cache (every run computes), and the first page (50 rows) asked of the store;
* writes: reloading ``--writes`` documents into a copy of the store with the derived facts kept
  (one update per document, as every load and upload does) against the same without them;
  and ``ratsgraph derive`` over the whole store (one transaction, and as a bulk load streams it);
* serialisation: the largest answer as JSON and CSV the former way (a `Term` per cell, Flask's
  json module; csv of whole dicts) against `service.web.encode` (plain values from the packed
  rows, orjson; CSV in chunks).

Run: ``.venv/bin/python bench/bench_derived.py --size 10000 [--repeat 5] [--writes 100]`` (the
store in bench/out/<size>/store must have been made by this version: `ratsgraph derive` fixes one
made before). Prints the machine and its load (`uptime`) first.
"""

from __future__ import annotations

import argparse
import csv
import io
import pickle
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import docs_dir, machine, store_dir

CASES = [
    ("open-points", {"actor": "Oberbürgermeister"}),
    ("open-points", {"actor": "Jugendamt"}),
    ("open-points", {}),
    ("actor-summary", {"actor": "Jugendamt"}),
    ("actor-summary", {}),
]


def interleaved(
    a: Callable[[], object], b: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median seconds of ``a`` and of ``b``, run alternately ``repeat`` times each."""
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((a, ta), (b, tb)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def views(location: Path, repeat: int) -> object:
    """Per case: rows, ms from the assertions, ms from the derived graph, their ratio; and the
    first page of the derived variant. Returns the largest answer, for the serialisation bench."""
    from service.queries import QUERIES_DIR, get_query, load_queries  # noqa: PLC0415
    from service.store import EmbeddedStore  # noqa: PLC0415
    from service.web import create_app  # noqa: PLC0415
    from service.web.paging import Page, page_query  # noqa: PLC0415
    from service.web.view_params import cached_select  # noqa: PLC0415
    from service.web.views import resolve_iri_params  # noqa: PLC0415

    store = EmbeddedStore(location, read_only=True)
    config = {"TESTING": True, "QUERY_TIMEOUT_S": 600.0, "VIEW_CACHE_SIZE": 0, "VIEW_WARM": False}
    app = create_app(config, store=store)
    largest = None
    with app.app_context():
        print("view | rows | from assertions ms | derived ms | ratio | derived first page ms")
        for name, values in CASES:
            query = get_query(name, QUERIES_DIR)
            resolved = resolve_iri_params(query, values)
            before = query.bind(resolved)
            after = load_queries(QUERIES_DIR / "derived")[name].bind(resolved)
            rows = cached_select(after)
            assert len(rows.rows) == len(cached_select(before).rows), name
            if largest is None or len(rows.rows) > len(largest.rows):
                largest = rows
            t_before, t_after = interleaved(
                lambda b=before: cached_select(b), lambda a=after: cached_select(a), repeat
            )
            first = page_query(after, Page(0, 50))
            t_page, _ = interleaved(lambda f=first: cached_select(f), lambda: None, repeat)
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else "")
            print(
                f"{label} | {len(rows.rows)} | {t_before * 1000:.0f} | {t_after * 1000:.0f} | "
                f"{t_before / t_after:.1f}x | {t_page * 1000:.0f}",
                flush=True,
            )
    store.close()
    return largest


def writes(location: Path, docs: Path, count: int) -> None:
    """Reloading ``count`` documents into a copy of the store, derived facts kept or not."""
    from service.ingest.loading import prepare_document  # noqa: PLC0415
    from service.store import EmbeddedStore  # noqa: PLC0415

    files = sorted(docs.glob("*.txt"))[:count]
    prepared = [prepare_document(f, "dresden", "https://w3id.org/ratsgraph") for f in files]
    with tempfile.TemporaryDirectory(dir=location.parent) as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(location, copy)
        store = EmbeddedStore(copy)
        on = off = 0.0
        for result, ntriples in prepared:  # alternately, so both meet the same machine load
            for derive in (True, False):
                store.derive = derive
                start = time.perf_counter()
                store.replace_graph_data(result.graph, ntriples)
                elapsed = time.perf_counter() - start
                on, off = (on + elapsed, off) if derive else (on, off + elapsed)
        n = len(prepared)
        print(
            f"reload of {n} documents: {on / n * 1000:.1f} ms each with the derived facts kept, "
            f"{off / n * 1000:.1f} ms without: {on / off:.2f}x"
        )
        start = time.perf_counter()
        store.rebuild_derived()
        whole = time.perf_counter() - start
        start = time.perf_counter()
        store.rebuild_derived(transactional=False)
        streamed = time.perf_counter() - start
        print(
            f"ratsgraph derive (whole store): {whole:.1f} s in one transaction, {streamed:.1f} s as a bulk load streams it"
        )
        store.close()


def serialisation(result: object, repeat: int) -> None:
    """The largest answer as JSON and as CSV, the former way against service.web.encode."""
    from flask import Flask  # noqa: PLC0415

    from service.web.encode import csv_chunks, plain_rows, to_json  # noqa: PLC0415

    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    wire = pickle.dumps(result.rows)  # type: ignore[attr-defined]
    columns = result.columns  # type: ignore[attr-defined]

    def fresh() -> object:  # as an answer arrives from its query process: packed, nothing read
        from service.store import SelectResult  # noqa: PLC0415

        return SelectResult(columns, pickle.loads(wire))

    def json_before() -> bytes:
        r = fresh()
        rows = [
            {c: None if row.get(c) is None else row.get(c).python() for c in columns}
            for row in r.rows  # type: ignore[attr-defined]
        ]
        return app.json.dumps({"columns": columns, "rows": rows}).encode()

    def json_after() -> bytes:
        return to_json({"columns": columns, "rows": plain_rows(fresh())})  # type: ignore[arg-type]

    def csv_before() -> str:
        r = fresh()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in r.rows:  # type: ignore[attr-defined]
            plain = {c: None if row.get(c) is None else row.get(c).python() for c in columns}
            writer.writerow(["" if plain[c] is None else plain[c] for c in columns])
        return out.getvalue()

    def csv_after() -> str:
        return "".join(csv_chunks(fresh()))  # type: ignore[arg-type]

    assert csv_before() == csv_after()
    import json  # noqa: PLC0415

    assert json.loads(json_before()) == json.loads(json_after())
    n = len(result.rows)  # type: ignore[attr-defined]
    for what, a, b in (("JSON", json_before, json_after), ("CSV", csv_before, csv_after)):
        t_a, t_b = interleaved(a, b, repeat)
        print(
            f"{what} of {n} rows: before {t_a * 1000:.1f} ms, after {t_b * 1000:.1f} ms: {t_a / t_b:.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument(
        "--store", type=Path, help="a store made by this version (default: bench/out)"
    )
    parser.add_argument("--docs", type=Path, help="its documents (default: bench/out)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--writes", type=int, default=100)
    args = parser.parse_args()
    location = args.store or store_dir(args.size)
    docs = args.docs or docs_dir(args.size)
    print(machine())
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"store: {location}, {args.size} resolutions")
    largest = views(location, args.repeat)
    serialisation(largest, max(args.repeat, 10))
    if args.writes:
        writes(location, docs, args.writes)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
