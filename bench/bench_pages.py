"""Resource pages, the SPARQL endpoint, the dataset description and dumps: latency and store queries.

Loads the samples and the corpus' ratsinfo documents into a temporary on-disk store, then requests each
URL through the app (no network), REPEAT times, and prints the median and worst time and how many
store queries one answer took (labels are batched, so this stays flat however many links a page has).

Run: ``.venv/bin/python bench/bench_pages.py [CORPUS_DIR]`` (default ../shared/corpus).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import EmbeddedStore
from service.web import create_app

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 20
URLS = [
    ("/id/dresden/planning-report/V2620-23", "text/html"),
    ("/id/dresden/resolution/V2620-23/JHA-061-2024", "text/html"),
    ("/id/dresden/resolution/V2620-23/JHA-061-2024/point/4", "text/html"),
    ("/id/dresden/office/oberbuergermeister", "text/html"),
    ("/id/dresden", "text/html"),
    ("/id/dresden/office/oberbuergermeister", "text/turtle"),
    (
        "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
        "text/csv",
    ),
    ("/sparql", "text/turtle"),
    ("/dataset", "text/turtle"),
    ("/dumps/ratsgraph.nq.gz", "*/*"),
    ("/views/open-points?actor=Oberbürgermeister&_size=5", "application/json"),
]


class CountingStore:
    """The real store, counting the queries made through it."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.queries = 0

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.store, name)
        if name in ("select", "ask", "construct", "query_serialized", "dump"):

            def counted(*args: object, **kwargs: object) -> object:
                self.queries += 1
                return attr(*args, **kwargs)

            return counted
        return attr


def main(corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        files = [SAMPLES_DIR, *sorted((corpus / "ratsinfo" / "files").glob("*.txt"))]
        results = load_paths(store, files)
        print(
            f"{sum(r.ok for r in results)} of {len(results)} files loaded, "
            f"{store.triple_count()} quads"
        )
        counting = CountingStore(store)
        client = create_app({"TESTING": True}, store=counting).test_client()  # type: ignore[arg-type]
        print(
            f"{'url':70} {'accept':16} {'median ms':>9} {'max ms':>7} {'queries':>7} {'bytes':>8}"
        )
        for url, accept in URLS:
            times = []
            for _ in range(REPEAT):
                counting.queries = 0
                start = time.perf_counter()
                resp = client.get(url, headers={"Accept": accept})
                times.append((time.perf_counter() - start) * 1000)
                assert resp.status_code == 200, (url, resp.status_code)
            print(
                f"{url[:70]:70} {accept:16} {statistics.median(times):9.1f} {max(times):7.1f} "
                f"{counting.queries:7d} {len(resp.data):8d}"
            )
        store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
