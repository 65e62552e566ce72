"""Views for one council or all (issue 13): what `body=` costs or saves, on two councils in one store.

The store is the generated dataset of ``--size`` resolutions (Dresden) plus its first ``--second``
documents read again for a second council, Pirna, whose reference data is Dresden's under
/id/pirna (as tests/test_views_by_body.py builds it). Each view is computed (no view cache) for all
councils and for each one, ``--repeat`` times after one warm-up; the median is reported, and its
ratio to the unfiltered answer.

Run: ``.venv/bin/python bench/bench_body.py [--size 1000] [--second 400] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import copy_store, docs_dir, machine, median, timed
from rdflib import Graph

from loader import load_document
from loader.reference import parse_reference, reference_turtle
from service.ingest.loading import reference_graph_iri
from service.queries import QUERIES_DIR, load_queries
from service.store import EmbeddedStore

ID = "https://w3id.org/ratsgraph/id/"
CASES = [
    ("open-points", {}),
    ("open-points", {"as_of": "2024-01-01"}),
    ("overdue", {"as_of": "2024-01-01"}),
    ("actor-summary", {}),
    ("committee-years", {}),
    ("status-reports", {}),
    ("framework", {}),
]


def add_second_council(store: EmbeddedStore, docs: Path, count: int) -> int:
    """The first ``count`` documents read for Pirna; how many loaded."""
    turtle = reference_turtle("dresden").replace(ID + "dresden", ID + "pirna")
    turtle = turtle.replace('"Landeshauptstadt Dresden"@de', '"Stadt Pirna"@de')
    store.replace_graph(reference_graph_iri("pirna"), Graph().parse(data=turtle, format="turtle"))
    reference = parse_reference(turtle, "pirna")
    loaded = 0
    for path in sorted(docs.glob("*.txt"))[:count]:
        doc = load_document(path, body="pirna", reference=reference)
        store.replace_graph_data(str(doc.graph_iri), doc.ntriples)
        loaded += 1
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--second", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    queries = load_queries(QUERIES_DIR)
    derived = load_queries(QUERIES_DIR / "derived")
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(copy_store(args.size, Path(tmp) / "store"))
        second = add_second_council(store, docs_dir(args.size), args.second)
        store.rebuild_derived()  # a store made by an older version may lack them
        print(f"# {machine()}")
        print(f"# {args.size} resolutions' documents for Dresden, {second} of them for Pirna")
        print(f"{'view':<30} {'all ms':>8} {'dresden ms':>11} {'pirna ms':>9}  rows all/dd/pi")
        for name, values in CASES:
            # without as_of the service answers open-points and actor-summary from derived/
            query = derived.get(name, queries[name]) if "as_of" not in values else queries[name]
            times, rows = [], []
            for body in (None, ID + "dresden", ID + "pirna"):
                text = query.bind({**values, **({"body": body} if body else {})})
                rows.append(len(store.select(text).rows))  # warm-up
                times.append(
                    median([timed(lambda t=text: store.select(t)) for _ in range(args.repeat)])
                )
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else "")
            print(
                f"{label:<30} {times[0] * 1000:8.1f} {times[1] * 1000:11.1f} {times[2] * 1000:9.1f}"
                f"  {rows[0]}/{rows[1]}/{rows[2]}"
            )
        store.close()


if __name__ == "__main__":
    main()
