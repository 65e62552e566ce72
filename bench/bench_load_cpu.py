"""Where a load's CPU goes: `ratsgraph load` into a new store against `bulk_load` of the same quads,
thread by thread (issue 17: why `ratsgraph load` stays near half of `bulk_load` on 2 cores).

Runs, one after the other, on a quiet machine:
1. ``ratsgraph load bench/out/<size>/docs --store NEW`` as a process;
2. ``pyoxigraph.Store.bulk_load`` of exactly the quads it wrote (dumped as N-Quads), in a process
   of its own, then ``optimize`` (the compaction `ratsgraph load` ends with) in another.

While each runs, the CPU time of every thread of its process tree is read from /proc (user +
system, every 0.25 s; a thread's last reading counts) and summed by what the thread is: the
process's main thread (Python, and the N-Quads parser of the bulk loader it calls), RocksDB's
compaction threads (``rocksdb:*``), the derived facts' thread (``derived-facts``, named by
`service.ingest.bulk`), the extraction workers (child processes), and the rest of the loading
process (the bulk loader's batch threads, which sort and write the files). A wall time can be no
shorter than the CPU time over the cores the machine has: the last line gives that bound as a
ratio to `bulk_load`.

Run: ``.venv/bin/python bench/bench_load_cpu.py --size 10000``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from common import ROOT, docs_dir, family, machine

TICK = os.sysconf("SC_CLK_TCK")
GROUPS = (
    "main thread (Python; the bulk loader's parser)",
    "bulk loader's batch threads",
    "derived facts' thread",
    "RocksDB compaction threads",
    "extraction workers",
)


def group(root: int, pid: int, tid: int, name: str) -> str:
    """What a thread of the process tree under ``root`` is (`GROUPS`)."""
    if pid != root:
        return GROUPS[4]
    if tid == pid:
        return GROUPS[0]
    if name.startswith("rocksdb"):
        return GROUPS[3]
    if name == "derived-facts":
        return GROUPS[2]
    return GROUPS[1]


def threads(pid: int) -> dict[tuple[int, int], tuple[str, float]]:
    """(pid, tid) -> (name, CPU seconds so far) for every thread of ``pid``."""
    found = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:  # noqa: PTH123 - a small /proc file
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[(pid, int(tid))] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return found


def sampled(command: list[str]) -> tuple[float, Counter[str]]:
    """Run ``command``; its wall seconds and the CPU seconds of its threads by `group`."""
    os.sync()  # what the last step wrote goes to disk before, not during, this one
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT)
    last: dict[tuple[int, int], tuple[str, float]] = {}
    while proc.poll() is None:
        for pid in family(proc.pid):
            last.update(threads(pid))
        time.sleep(0.25)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{command[:3]} exited with {proc.returncode}")
    cpu: Counter[str] = Counter()
    for (pid, tid), (name, seconds) in last.items():
        cpu[group(proc.pid, pid, tid, name)] += seconds
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="bench/out/<size>/docs")
    args = parser.parse_args()
    docs = docs_dir(args.size)
    work = Path(tempfile.mkdtemp(prefix="ratsgraph-bench-load-cpu-"))
    python = sys.executable
    cores = len(os.sched_getaffinity(0))
    try:
        load_wall, load_cpu = sampled(
            [str(Path(python).parent / "ratsgraph"), "load", str(docs), "--store", str(work / "a")]
        )
        same = work / "same.nq"
        loaded = ox.Store.read_only(str(work / "a"))
        quads = len(loaded)
        loaded.dump(str(same), format=ox.RdfFormat.N_QUADS)
        del loaded
        shutil.rmtree(work / "a")
        bulk = "import pyoxigraph as ox, sys; ox.Store(sys.argv[1]).bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)"  # noqa: E501
        bulk_wall, bulk_cpu = sampled([python, "-c", bulk, str(work / "b"), str(same)])
        compact = "import pyoxigraph as ox, sys; ox.Store(sys.argv[1]).optimize()"
        compact_wall, compact_cpu = sampled([python, "-c", compact, str(work / "b")])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {machine()}, {cores} cores")
    print(f"dataset: {args.size} resolutions, {quads:,} quads\n")
    print("| CPU seconds | `ratsgraph load` | `bulk_load` | then `optimize` |")
    print("|---|---:|---:|---:|")
    for name in GROUPS:
        print(f"| {name} | {load_cpu[name]:.1f} | {bulk_cpu[name]:.1f} | {compact_cpu[name]:.1f} |")
    total = [sum(c.values()) for c in (load_cpu, bulk_cpu, compact_cpu)]
    print(f"| **all** | **{total[0]:.1f}** | **{total[1]:.1f}** | **{total[2]:.1f}** |")
    print(f"| wall seconds | {load_wall:.1f} | {bulk_wall:.1f} | {compact_wall:.1f} |")
    print(
        f"\nratio to bulk_load: {bulk_wall / load_wall:.2f}; to bulk_load then optimize: "
        f"{(bulk_wall + compact_wall) / load_wall:.2f}. The most it could be with every core busy "
        f"throughout (wall >= CPU / {cores}): {bulk_wall / (total[0] / cores):.2f} and "
        f"{(bulk_wall + compact_wall) / (total[0] / cores):.2f}"
    )


if __name__ == "__main__":
    main()
