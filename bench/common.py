"""What the benchmarks share: datasets by size, stores built from them, servers, and statistics.

Datasets live in ``bench/out/<size>/`` (git-ignored): ``docs/`` (generated texts), ``data.nq``
(their graphs plus ontology and reference data, extracted in parallel, once) and ``store/`` (an
on-disk pyoxigraph store bulk-loaded from ``data.nq``, with the default graph as the merge of the
named graphs, as ``ratsgraph load`` leaves it). Benchmarks copy what they need.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def machine() -> str:
    """One line on where a figure was measured."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def docs_dir(size: int) -> Path:
    """Generated texts for ``size`` resolutions (made once, seed 1)."""
    from generate import generate  # noqa: PLC0415

    out = OUT / str(size) / "docs"
    if not (out / "truth.jsonl").exists():
        generate(size, out, seed=1)
    return out


def _nquads_of(path: str) -> bytes:
    from loader import load_document  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    try:
        loaded = load_document(path, body="dresden", reference=load_reference("dresden"))
    except Exception:  # noqa: BLE001 - a document that does not load is left out, as `load` would
        return b""
    graph = ox.NamedNode(str(loaded.graph_iri))
    triples = ox.parse(loaded.graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(
        (ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples),
        format=ox.RdfFormat.N_QUADS,
    )


def nquads(size: int) -> Path:
    """All graphs of the dataset as N-Quads (extracted on every core, once)."""
    target = OUT / str(size) / "data.nq"
    if target.exists():
        return target
    from service.loading import ONTOLOGY_DIR, ONTOLOGY_GRAPH, reference_graph, reference_graph_iri  # noqa: PLC0415  # noqa: PLC0415

    files = sorted(str(p) for p in docs_dir(size).glob("*.txt"))
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        for iri, path in (
            (ONTOLOGY_GRAPH, None),
            (reference_graph_iri("dresden"), "reference"),
        ):
            from rdflib import Graph  # noqa: PLC0415

            g = (
                Graph().parse(ONTOLOGY_DIR / "ratsgraph.ttl", format="turtle")
                if path is None
                else reference_graph("dresden")
            )
            gn = ox.NamedNode(iri)
            triples = ox.parse(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
            out.write(
                ox.serialize(
                    (ox.Quad(q.subject, q.predicate, q.object, gn) for q in triples),
                    format=ox.RdfFormat.N_QUADS,
                )
            )
        with ProcessPoolExecutor() as pool:
            for chunk in pool.map(_nquads_of, files, chunksize=64):
                out.write(chunk)
    tmp.rename(target)
    return target


def store_dir(size: int) -> Path:
    """An on-disk store holding the dataset (bulk-loaded from ``data.nq``, once)."""
    target = OUT / str(size) / "store"
    if not target.exists():
        tmp = target.with_name("store.part")
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(nquads(size)), format=ox.RdfFormat.N_QUADS)
        add_default_graph(store, nquads(size))
        store.optimize()
        del store
        tmp.rename(target)
    return target


def add_default_graph(store: ox.Store, data: Path) -> None:
    """The default graph as the set-merge of the named graphs, as `replace_graph` keeps it."""
    parsed = ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in parsed)


def copy_store(size: int, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(store_dir(size), dest)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    """`oxigraph serve` on the store at ``location``: (process, base URL). Without
    ``--union-default-graph``: ratsgraph keeps the default graph as the merge itself."""
    port = free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/query?query=ASK%7B%7D", proc)
    return proc, base


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
