"""A view's first answer through a remote store (no cache of ours) against the same query sent to
`oxigraph serve` directly, and against the view computing its statuses from the assertions, on
the same server, interleaved, medians over ``--repeat`` (issue 17).

Run: ``.venv/bin/python bench/bench_first_answer.py --store bench/out/10000/store [--repeat 3]``
(a store made by this version, not opened by anything else).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import machine, start_oxigraph, stop

CASES = [
    ("open-points", {"actor": "Oberbürgermeister"}),
    ("open-points", {"actor": "Jugendamt"}),
    ("actor-summary", {}),
]


def main() -> None:
    from service.queries import QUERIES_DIR, get_query  # noqa: PLC0415
    from service.store.remote import RemoteStore  # noqa: PLC0415
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import bind_view, resolve_iri_params, run_view  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    proc, base = start_oxigraph(args.store)
    try:
        store = RemoteStore(base + "/query", base + "/update", timeout=600)
        config = {"TESTING": True, "QUERY_TIMEOUT_S": 600.0, "VIEW_WARM": False}
        app = create_app(config, store=store)

        def direct(text: str) -> bytes:
            data = urllib.parse.urlencode({"query": text}).encode()
            headers = {"Accept": "application/sparql-results+json"}
            with urllib.request.urlopen(
                urllib.request.Request(base + "/query", data, headers)
            ) as r:
                return r.read()

        print("view | ratsgraph (remote) | oxigraph serve, same query | ratio | "
              "oxigraph serve, view from the assertions")  # fmt: skip
        with app.app_context():
            for name, values in CASES:
                query = get_query(name, QUERIES_DIR)
                text = bind_view(query, values)
                old = query.bind(resolve_iri_params(query, values))
                runs: list[list[float]] = [[], [], []]
                for _ in range(args.repeat):
                    for out, fn in zip(
                        runs,
                        (
                            lambda n=name, v=values: run_view(n, v),
                            lambda t=text: direct(t),
                            lambda o=old: direct(o),
                        ),
                        strict=True,
                    ):
                        start = time.perf_counter()
                        fn()
                        out.append(time.perf_counter() - start)
                ours, alone, before = (statistics.median(r) * 1000 for r in runs)
                label = name + (
                    "?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else ""
                )
                print(f"{label} | {ours:.0f} ms | {alone:.0f} ms | {ours / alone:.2f}x | {before:.0f} ms",
                      flush=True)  # fmt: skip
    finally:
        stop(proc)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
