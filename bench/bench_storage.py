"""Storage (issue 17): can the merged default graph (every triple a second time) be replaced?

From a store made by `ratsgraph load`, two stores of the same document graphs are bulk-loaded and
compacted, in the same run:
* merge: the named graphs and the default graph as their merge (what ratsgraph keeps);
* union: the named graphs only, queried with Oxigraph's union default graph (a multiset: a triple
  in k graphs is matched k times).
Figures: disk size, load + compaction time, and each view's time and rows (the views' texts as
they are, and with SELECT DISTINCT, which the union needs to give the merge's rows), medians over
``--repeat`` interleaved runs.

Run: ``.venv/bin/python bench/bench_storage.py --store bench/out/10000/store [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from multiprocessing import Queue, get_context
from pathlib import Path
from queue import Empty

import pyoxigraph as ox
from common import machine

DERIVED = "https://w3id.org/ratsgraph/graph/derived"


def size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def build(quads_file: Path, target: Path) -> tuple[float, float]:
    """Bulk load and compact; seconds and MiB on disk."""
    start = time.perf_counter()
    store = ox.Store(str(target))
    store.bulk_load(path=str(quads_file), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    seconds = time.perf_counter() - start
    del store
    return seconds, size_mib(target)


def texts() -> list[tuple[str, str]]:
    """The views as the service runs them without parameters (derived variants where there are)."""
    from service.queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    views = load_queries(QUERIES_DIR)
    derived = load_queries(QUERIES_DIR / "derived")
    out = []
    for name, q in views.items():
        if any(p.default for p in q.params):
            out.append((name, q.bind({})))
        else:
            out.append(
                (name + (" (derived)" if name in derived else ""), (derived.get(name) or q).text)
            )
    return out


def distinct(text: str) -> str:
    """The same query with its outermost SELECT made DISTINCT."""
    return re.sub(r"^SELECT ", "SELECT DISTINCT ", text, count=1, flags=re.M)


def _run(location: str, query: str, union: bool, out: Queue) -> None:
    store = ox.Store.read_only(location)
    start = time.perf_counter()
    rows = sorted(str(list(r)) for r in store.query(query, use_default_graph_as_union=union))
    out.put((time.perf_counter() - start, rows))


def timed_in_child(
    location: Path, query: str, union: bool, limit: float
) -> tuple[float, list[str]] | None:
    """Seconds and the rows (as text, sorted) of one query, in a child process stopped at
    ``limit`` seconds (None then): a join over the multiset union can run for hours."""
    spawn = get_context("spawn")  # a forked child of a process that ran RocksDB's threads hung
    out = spawn.Queue()
    child = spawn.Process(target=_run, args=(str(location), query, union, out))
    child.start()
    try:
        return out.get(timeout=limit)
    except Empty:
        return None
    finally:
        child.kill()
        child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds a query may run")
    args = parser.parse_args()
    print(machine())
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-storage-", dir=args.store.parent))
    try:
        source = ox.Store.read_only(str(args.store))
        named = work / "named.nq"  # the document graphs and the derived graph
        merged = work / "merged.nq"  # and the default graph, their merge (without the derived)
        with named.open("wb") as n, merged.open("wb") as m:
            for q in source.quads_for_pattern(None, None, None, None):
                line = (str(q) + " .\n").encode()
                if isinstance(q.graph_name, ox.DefaultGraph):
                    m.write(line)
                else:
                    n.write(line)
                    m.write(line)
        del source
        results = {}
        for name, quads in (("merge", merged), ("union", named)):
            results[name] = build(quads, work / name)
            print(f"{name}: load + compaction {results[name][0]:.1f} s, {results[name][1]:.0f} MiB")
        print(
            f"union against merge: size {results['union'][1] / results['merge'][1]:.2f}x, "
            f"load {results['union'][0] / results['merge'][0]:.2f}x"
        )
        print(f"view | merge ms | union ms (same rows?) | union DISTINCT ms (same rows?); "
              f"a run past {args.limit:.0f} s is stopped")  # fmt: skip
        for name, text in texts():
            cells = []
            expected = None
            for key, location, union, query in (
                ("merge", work / "merge", False, text),
                ("union", work / "union", True, text),
                ("DISTINCT", work / "union", True, distinct(text)),
            ):
                times, rows = [], None
                for _ in range(args.repeat):
                    got = timed_in_child(location, query, union, args.limit)
                    if got is None:
                        break
                    times.append(got[0])
                    rows = got[1]
                if not times:
                    cells.append(f"> {args.limit:.0f} s")
                    continue
                if key == "merge":
                    expected = rows
                    cells.append(f"{statistics.median(times) * 1000:.0f}")
                else:
                    same = "same" if rows == expected else "differ"
                    cells.append(f"{statistics.median(times) * 1000:.0f} ({same})")
            print(f"{name} | " + " | ".join(cells), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
