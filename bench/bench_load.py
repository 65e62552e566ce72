"""Loading speed: triples per second through `ratsgraph load`, against pyoxigraph's `bulk_load`.

Figures per run, medians over ``--runs``, ratios within the same run:
* ``ratsgraph load DOCS --store NEW`` as a process: a new store, so extraction in worker processes
  streamed into Oxigraph's bulk loader, all or nothing (`service.ingest.bulk`), with its peak memory;
* ``ratsgraph load DOCS --store DIR --no-bulk``: the same, one transaction per document (the path
  every load into an existing store takes);
* the store half of it: the same documents' graphs, built beforehand, written with
  ``Store.replace_graph`` (one atomic update per document), embedded and remote (``oxigraph serve``);
* ``pyoxigraph.Store.bulk_load`` of exactly the quads `ratsgraph load` wrote (document graphs and
  the default graph, their merge), as N-Quads: the physical limit; and the same followed by
  ``optimize``, the compacted state `ratsgraph load` leaves.

Run: ``.venv/bin/python bench/bench_load.py [--size 1000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from common import ROOT, docs_dir, largest_peak_mib, machine, median, start_oxigraph, stop


def ratsgraph_load(docs: Path, store: Path, *options: str) -> tuple[float, float]:
    """Seconds and peak memory (MiB) of `ratsgraph load`: the largest peak RSS of any one of its
    processes (the writer; extraction workers are small), polled from /proc while it runs.
    (``wait4``'s ``ru_maxrss`` would report this benchmark's own size, which the child had
    between fork and exec.)"""
    exe = Path(sys.executable).parent / "ratsgraph"
    os.sync()  # the last run's 1.6 GB dump and deleted stores written out first, not during it
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "load", str(docs), "--store", str(store), *options],
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, largest_peak_mib(proc.pid))
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"ratsgraph load exited with {proc.returncode}")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only `ratsgraph load` into a new store against bulk_load (the others take an hour at 10k)",
    )
    args = parser.parse_args()

    from loader import load_document  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415
    from service.ingest.loading import ensure_reference  # noqa: PLC0415
    from service.store import EmbeddedStore  # noqa: PLC0415

    docs = docs_dir(args.size)
    reference = load_reference("dresden")
    graphs = []
    for f in [] if args.quick else sorted(docs.glob("*.txt")):
        loaded = load_document(f, body="dresden", reference=reference)
        graphs.append((str(loaded.graph_iri), loaded.graph))
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-load-"))
    rows = []
    try:
        for run in range(args.runs):
            target = work / f"load-{run}"
            seconds, peak = ratsgraph_load(docs, target)
            one_by_one = work / f"load-tx-{run}"
            tx_seconds, tx_peak = (
                (float("nan"), float("nan"))
                if args.quick
                else ratsgraph_load(docs, one_by_one, "--no-bulk")
            )
            shutil.rmtree(one_by_one, ignore_errors=True)
            loaded = ox.Store.read_only(str(target))
            triples = len(loaded)  # the document graphs and the default graph (their merge)
            same = work / "same.nq"  # exactly these quads, for bulk_load
            loaded.dump(str(same), format=ox.RdfFormat.N_QUADS)
            del loaded
            shutil.rmtree(target)

            write_s = remote_s = float("nan")
            if not args.quick:
                store = EmbeddedStore(work / f"write-{run}")
                start = time.perf_counter()
                ensure_reference(store, "dresden")
                for iri, g in graphs:
                    store.replace_graph(iri, g)
                store.flush()
                write_s = time.perf_counter() - start
                store.close()
                shutil.rmtree(work / f"write-{run}")

                location = work / f"remote-{run}"
                proc, base = start_oxigraph(location)
                try:
                    from service.store.remote import RemoteStore  # noqa: PLC0415

                    remote = RemoteStore(base + "/query", base + "/update")
                    start = time.perf_counter()
                    ensure_reference(remote, "dresden")
                    for iri, g in graphs:
                        remote.replace_graph(iri, g)
                    remote_s = time.perf_counter() - start
                finally:
                    stop(proc)
                shutil.rmtree(location)

            bulk = ox.Store(str(work / f"bulk-{run}"))
            os.sync()  # the dump just written goes to disk before, not during, the bulk load
            start = time.perf_counter()
            bulk.bulk_load(path=str(same), format=ox.RdfFormat.N_QUADS)
            bulk.flush()
            bulk_s = time.perf_counter() - start
            start = time.perf_counter()
            bulk.optimize()  # the compaction `ratsgraph load` ends with (queries 3x faster)
            compact_s = time.perf_counter() - start
            bulk_triples = len(bulk)
            del bulk
            shutil.rmtree(work / f"bulk-{run}")
            rows.append(
                (triples / seconds, triples / write_s, triples / remote_s,
                 bulk_triples / bulk_s, peak, triples, triples / tx_seconds, tx_peak,
                 bulk_triples / (bulk_s + compact_s))
            )  # fmt: skip
            print(f"run {run + 1}: " + ", ".join(f"{v:,.0f}" for v in rows[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load, write, remote, bulk, peak, triples, tx, tx_peak, compacted = (
        median([r[i] for r in rows]) for i in range(9)
    )
    ratio = median([r[0] / r[3] for r in rows])
    same_state_ratio = median([r[0] / r[8] for r in rows])
    tx_ratio = median([r[6] / r[3] for r in rows])
    write_ratio = median([r[1] / r[3] for r in rows])
    remote_ratio = median([r[2] / r[3] for r in rows])
    print(f"machine: {machine()}")
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"uptime at the end: {uptime}")
    print(f"dataset: {args.size} resolutions, {len(list(docs.glob('*.txt')))} documents, {triples:,.0f} triples; "
          f"runs: {args.runs}")  # fmt: skip
    print("| path | triples/s | ratio to bulk_load |\n|---|---:|---:|")
    print(f"| `ratsgraph load`, new store (bulk) | {load:,.0f} | {ratio:.2f} |")
    print(
        f"| `ratsgraph load --no-bulk` (a transaction per document) | {tx:,.0f} | {tx_ratio:.2f} |"
    )
    print(f"| replace_graph, embedded (write only) | {write:,.0f} | {write_ratio:.2f} |")
    print(f"| replace_graph, remote oxigraph serve | {remote:,.0f} | {remote_ratio:.2f} |")
    print(f"| pyoxigraph bulk_load | {bulk:,.0f} | 1.00 |")
    print(
        f"| pyoxigraph bulk_load, then optimize (the state `ratsgraph load` leaves) | "
        f"{compacted:,.0f} | {compacted / bulk:.2f} |"
    )
    print(f"`ratsgraph load` (bulk) against bulk_load then optimize: {same_state_ratio:.2f}")
    print(f"peak memory of `ratsgraph load`: {peak:.0f} MiB (bulk), {tx_peak:.0f} MiB (--no-bulk)")


if __name__ == "__main__":
    main()
