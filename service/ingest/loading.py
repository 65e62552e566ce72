"""Loading files into a store: documents (text, PDF) and RDF, one transaction per file, with a report.

A file that fails is reported with its reason and leaves the store as it was; the other files of a
folder load on.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from loader import LoadedDocument, LoadError, load_document
from loader.iris import DEFAULT_BASE, Minter, key
from loader.ntriples import ntriples_lines
from loader.reference import load_reference, reference_turtle
from service.ingest.bulk_witnesses import DocumentReadings, derived_predicates, document_readings
from service.store import Store, both_copies_of_lines

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
ONTOLOGY_GRAPH = "https://w3id.org/ratsgraph/ontology"
DOCUMENT_SUFFIXES = {".txt", ".pdf"}
RDF_SUFFIXES = {
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".ttl": "text/turtle",
    ".trig": "application/trig",
}


@dataclass
class FileResult:
    """What happened to one file: loaded (with its graph and triple count) or why not."""

    path: str
    ok: bool
    message: str
    graph: str | None = None
    triples: int = 0
    kind: str | None = None
    warnings: int = 0
    staged: bool = False  # read and queued for a bulk load that has not committed yet

    def line(self) -> str:
        if self.ok:
            return f"{'read    ' if self.staged else 'loaded  '}{self.path}: {self.message}"
        return f"FAILED  {self.path}: {self.message}"


def reference_graph_iri(body: str, base: str = DEFAULT_BASE) -> str:
    return f"{Minter(body, base).city()}/reference"


def reference_graph(body: str, base: str = DEFAULT_BASE) -> Graph:
    """The body's reference data (committees, offices, holders, units) with IRIs under ``base``."""
    return Graph().parse(data=reference_turtle(body, base), format="turtle")


def reference_graphs(body: str, base: str = DEFAULT_BASE) -> list[tuple[str, Graph]]:
    """The ontology and the body's reference data, each with the named graph it goes into."""
    ontology = Graph().parse(ONTOLOGY_DIR / "ratsgraph.ttl", format="turtle")
    return [
        (ONTOLOGY_GRAPH, ontology),
        (reference_graph_iri(body, base), reference_graph(body, base)),
    ]


def ensure_reference(store: Store, body: str, base: str = DEFAULT_BASE) -> None:
    """(Re)load the ontology and the body's reference data into their own named graphs."""
    for iri, graph in reference_graphs(body, base):
        store.replace_graph(iri, graph)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and in folders every document or RDF file, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES | set(RDF_SUFFIXES):
                    yield f
        else:
            yield p


def failed(path: str, error: Exception, os_error: str) -> FileResult:
    """A file that did not load, and why: a LoadError's reason, a parse error's message, an
    OSError prefixed with where it happened (``os_error``: reading the file, or the store)."""
    if isinstance(error, LoadError):
        return FileResult(path, False, error.reason)
    if isinstance(error, OSError):
        return FileResult(path, False, f"{os_error}: {error}")
    return FileResult(path, False, str(error))


def extract_document(
    path: Path, body: str = "dresden", base: str = DEFAULT_BASE
) -> tuple[FileResult, LoadedDocument | None]:
    """Extract one document: its result (with the line the report prints) and what was loaded,
    None when it failed."""
    try:
        if not path.exists():
            raise LoadError(str(path), "no such file")
        loaded = load_document(path, body=body, base=base, reference=load_reference(body, base))
    except (LoadError, ValueError, SyntaxError, OSError) as e:
        return failed(str(path), e, "cannot read file"), None
    ex = loaded.extraction
    delegations = sum(len(p.delegations) for p in ex.points)
    triples = len(loaded.triples)
    message = (
        f"{ex.kind} {ex.vorlage or '?'}"
        + (f" ({ex.session})" if ex.session else "")
        + f": {len(ex.points)} points, {delegations} delegations, {triples} triples"
        + (f", {len(ex.warnings)} warnings" if ex.warnings else "")
    )
    result = FileResult(
        str(path), True, message, str(loaded.graph_iri), triples, ex.kind, len(ex.warnings)
    )
    return result, loaded


def prepare_document(
    path: Path, body: str = "dresden", base: str = DEFAULT_BASE
) -> tuple[FileResult, str]:
    """Extract one document and serialise its graph: the CPU-bound half of loading, with no store,
    so folders are prepared in parallel processes (`prepared`) while one process writes."""
    result, loaded = extract_document(path, body, base)
    return result, "" if loaded is None else loaded.ntriples


def write_prepared(store: Store, result: FileResult, ntriples: str) -> FileResult:
    """Store a prepared document's graph in one transaction; a store error fails only this file."""
    if not result.ok or result.graph is None:
        return result
    try:
        store.replace_graph_data(result.graph, ntriples)
    except (ValueError, SyntaxError, OSError) as e:
        return failed(result.path, e, "store error")
    return result


def load_file(
    store: Store,
    path: Path,
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    graph: str | None = None,
) -> FileResult:
    """Load one file in one transaction; errors become a failed FileResult, never half a document."""
    suffix = path.suffix.lower()
    if suffix in RDF_SUFFIXES:
        try:
            if not path.exists():
                raise LoadError(str(path), "no such file")
            return _load_rdf(store, path, RDF_SUFFIXES[suffix], body, base, graph)
        except (LoadError, ValueError, SyntaxError, OSError) as e:
            return failed(str(path), e, "store error")
    return write_prepared(store, *prepare_document(path, body, base))


_RDF_TYPE = str(RDF.type)


@dataclass
class BulkDocument:
    """A document prepared for a bulk load: the N-Quads of both copies, and its readings of
    points and the resolutions it reports on, for the witnesses (`service.ingest.bulk_witnesses`),
    and as N-Triples the triples the derived facts' queries read (`derived_predicates`)."""

    nquads: bytes
    readings: DocumentReadings
    reported: set[str]
    derived_input: bytes = b""


def _prepare(
    path: str, body: str, base: str, nquads: bool
) -> tuple[FileResult, str | BulkDocument]:
    """One document prepared: its N-Triples, or with ``nquads`` a `BulkDocument`."""
    result, loaded = extract_document(Path(path), body, base)
    if loaded is None:
        return result, ""
    if nquads and result.graph is not None:
        readings, reported = document_readings(result.graph, loaded.triples)
        lines = ntriples_lines(loaded.triples)  # a set iterates in the same order every time
        keep = derived_predicates()
        pairs = zip(loaded.triples, lines, strict=True)
        # of the types, only the classes the queries name: a document's spans and evidence are
        # typed too, and were 38% of what the scratch store held (10k: 370k of 968k quads)
        read = [
            line
            for (_, p, o), line in pairs
            if (kind := str(p)) in keep
            and (kind != _RDF_TYPE or (isinstance(o, URIRef) and str(o) in keep))
        ]
        return result, BulkDocument(
            both_copies_of_lines(result.graph, lines),
            readings,
            reported,
            (" .\n".join(read) + " .\n").encode() if read else b"",
        )
    return result, loaded.ntriples


def _prctl(option: int, *args: object) -> None:
    """Linux's prctl(2) for the calling process or thread; elsewhere nothing."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, *args)
    except (OSError, AttributeError):
        pass


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the process that started it dies (a killed
    `ratsgraph load` would otherwise leave its workers waiting for work forever; elsewhere
    workers end when their queue closes)."""
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the call above
        os._exit(1)


def name_thread(name: str) -> None:
    """Linux: name the calling thread as `top -H`, `ps -L` and /proc show it (15 bytes at most),
    so a load's threads can be told apart there (`bench/bench_load_cpu.py`); elsewhere nothing."""
    _prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME


def default_jobs() -> int:
    """Worker processes for extraction: one per core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _prepare_batch(
    paths: list[str], body: str, base: str, nquads: bool
) -> list[tuple[FileResult, str | BulkDocument]]:
    out = []
    for path in paths:
        try:
            out.append(_prepare(path, body, base, nquads))
        except Exception as e:  # noqa: BLE001 - a failure in a worker fails its file only
            out.append((FileResult(path, False, f"extraction failed: {type(e).__name__}: {e}"), ""))
    return out


def _worker(conn: Connection, body: str, base: str, nquads: bool) -> None:
    """An extraction worker: batches of paths in, their prepared documents out, until None."""
    _die_with_parent()
    while (task := conn.recv()) is not None:
        number, paths = task
        conn.send((number, _prepare_batch(paths, body, base, nquads)))


BATCH = 16  # documents per task: one task per document cost the loader a fifth of its CPU
IN_FLIGHT = 4  # batches sent to a worker and not answered yet


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    batches: deque[int]  # sent, not answered yet, in the order sent


def prepared(
    paths: Iterable[Path], body: str, base: str, jobs: int | None = None, nquads: bool = False
) -> Iterator[tuple[FileResult, str | BulkDocument]]:
    """Documents prepared in ``jobs`` worker processes, yielded in the order given: each its
    result and its N-Triples, or with ``nquads`` a `BulkDocument` (both copies, and readings).

    Workers take ``BATCH`` documents at a time, at most ``IN_FLIGHT`` batches each, so memory
    stays flat however many files there are. Workers are spawned (fresh interpreters), never forked
    from a process that holds an open store: RocksDB's threads do not survive a fork. Each has a
    pipe of its own: if one dies (killed, out of memory), even half-way through sending an answer,
    its pipe ends (a pipe shared by all workers, as in ProcessPoolExecutor, waits forever for the
    rest of that answer), and the batches it had are prepared here. If the loading process dies,
    the kernel ends its workers too."""
    files = list(paths)
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(files) < 4:
        for f in files:
            yield from _prepare_batch([str(f)], body, base, nquads)
        return
    size = max(1, min(BATCH, len(files) // (jobs * IN_FLIGHT)))  # small folders use every worker
    batches = [files[i : i + size] for i in range(0, len(files), size)]
    context = mp.get_context("spawn")
    workers: list[_Worker] = []
    done: dict[int, list[tuple[FileResult, str | BulkDocument]]] = {}
    here: set[int] = set()  # batches whose worker died: prepared in this process
    sent = 0
    try:
        for _ in range(min(jobs, len(batches))):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, body, base, nquads))
            process.daemon = True
            process.start()
            theirs.close()  # only the worker holds that end: its death ends the pipe
            workers.append(_Worker(process, ours, deque()))

        def send(worker: _Worker) -> None:
            nonlocal sent
            while sent < len(batches) and len(worker.batches) < IN_FLIGHT:
                worker.conn.send((sent, [str(f) for f in batches[sent]]))
                worker.batches.append(sent)
                sent += 1

        def lost(worker: _Worker) -> None:
            nonlocal sent
            workers.remove(worker)
            here.update(worker.batches)
            worker.conn.close()
            if not workers:  # none left: the rest are prepared here too
                here.update(range(sent, len(batches)))
                sent = len(batches)

        for worker in workers:
            send(worker)
        for number, batch in enumerate(batches):
            while number not in done and number not in here:
                ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers])
                for worker in list(workers):
                    if worker.conn in ready:
                        try:
                            answered, prepared_batch = worker.conn.recv()
                        except (EOFError, OSError):  # it died, perhaps mid-answer
                            lost(worker)
                            continue
                        done[answered] = prepared_batch
                        worker.batches.remove(answered)
                        send(worker)
                    elif worker.process.sentinel in ready:
                        lost(worker)
            if number in here:
                yield from _prepare_batch([str(f) for f in batch], body, base, nquads)
            else:
                yield from done.pop(number)
    finally:
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def _load_rdf(
    store: Store, path: Path, media_type: str, body: str, base: str, graph: str | None
) -> FileResult:
    """RDF files: quads keep their graphs; triples go to ``graph`` or one named after the file."""
    default_target = graph or f"{Minter(body, base).city()}/dataset/{key(path.stem)}"
    try:
        ox.NamedNode(default_target)
    except ValueError as e:
        raise LoadError(str(path), f"graph {default_target!r} is not an absolute IRI ({e})") from e
    rdflib_format = {
        "application/n-triples": "nt",
        "text/turtle": "turtle",
        "application/n-quads": "nquads",
        "application/trig": "trig",
    }[media_type]
    try:
        dataset = Dataset()
        dataset.parse(path, format=rdflib_format)
    except Exception as e:  # noqa: BLE001 - any parser error is the file's fault
        raise LoadError(str(path), f"not valid {media_type}: {e}") from e
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = default_target if g is None or g == DATASET_DEFAULT_GRAPH_ID else str(g)
        graphs.setdefault(name, Graph()).add((s, p, o))
    for name, g in graphs.items():
        store.replace_graph(name, g)
    count = sum(len(g) for g in graphs.values())
    names = ", ".join(f"<{n}>" for n in graphs) or "no graph (the file is empty)"
    return FileResult(str(path), True, f"RDF: {count} triples into {names}", None, count, "rdf")


def load_paths(
    store: Store,
    paths: Iterable[str | Path],
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    graph: str | None = None,
    progress: object = None,
    jobs: int | None = None,
) -> list[FileResult]:
    """Load every file; the reference data first, so labels and actors resolve in queries.

    Documents are extracted in ``jobs`` processes (default: one per core) and written here, one
    transaction each, in the order given; RDF files are loaded where they fall in that order."""
    ensure_reference(store, body, base)
    files = list(iter_files(paths))
    documents = iter(prepared(
        [f for f in files if f.suffix.lower() not in RDF_SUFFIXES], body, base, jobs
    ))  # fmt: skip
    results = []
    for f in files:
        if f.suffix.lower() in RDF_SUFFIXES:
            result = load_file(store, f, body, base, graph)
        else:
            result, ntriples = next(documents)
            result = write_prepared(store, result, str(ntriples))
        results.append(result)
        if callable(progress):
            progress(result)
    if hasattr(store, "flush"):
        store.flush()  # type: ignore[attr-defined]
    return results
