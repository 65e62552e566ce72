"""The first load into a new store, at the speed of Oxigraph's bulk loader, all or nothing.

A transactional write (one per document, as `service.ingest.loading` does) costs Oxigraph about 2.5x the
time of its bulk loader, which builds the indexes directly but gives no transaction. For a store
that does not exist yet there is nothing to protect, so the whole load is made one unit instead:
the documents are extracted in parallel and streamed into ``bulk_load`` in a hidden folder beside
the target, which is renamed into place only when everything is written. A failure or a kill
leaves no store (and no half store) behind; a document that fails extraction is reported and left
out, as on the transactional path.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from queue import Queue

from loader.iris import DEFAULT_BASE
from service.ingest.bulk_witnesses import witnesses_nquads
from service.ingest.loading import (
    RDF_SUFFIXES,
    BulkDocument,
    FileResult,
    ensure_reference,
    iter_files,
    load_file,
    name_thread,
    prepare_document,
    prepared,
    reference_graphs,
    write_prepared,
)
from service.store import EmbeddedStore, both_copies_nquads, graph_to_ntriples
from service.store.witnesses import Readings

STAGING_PREFIX = ".loading-"


def is_new_store(location: str | Path) -> bool:
    """True for a path that is not there yet or is an empty folder: nothing a bulk load could hurt."""
    path = Path(location)
    if not path.exists():
        return True
    return path.is_dir() and not any(path.iterdir())


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte chunks, for ``bulk_load`` to pull from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = memoryview(chunk)
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def bulk_load_new_store(
    location: str | Path,
    paths: list[str | Path],
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    graph: str | None = None,
    progress: Callable[[FileResult], object] | None = None,
    jobs: int | None = None,
    compacting: Callable[[], object] | None = None,
) -> list[FileResult]:
    """Create the store at ``location`` from ``paths``; the same graphs as `load_paths` would write.

    ``compacting`` is called before the final compaction (a minute or more on tens of millions of
    quads), so a caller can say what is happening. Raises ValueError if ``location`` already holds something
    (use `load_paths` then)."""
    target = Path(location)
    if not is_new_store(target):
        raise ValueError(f"{target} is not a new store: bulk loading only creates stores")
    staging = target.parent / f"{STAGING_PREFIX}{target.name}-{os.getpid()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_staging(target):
        shutil.rmtree(stale, ignore_errors=True)
    results: list[FileResult] = []
    try:
        store = EmbeddedStore(staging, derive=False)  # the derived facts once, at the end
        files = list(iter_files(paths))
        documents = [f for f in files if f.suffix.lower() not in RDF_SUFFIXES]
        seen: set[str] = set()
        later: list[FileResult] = []  # a second file for a graph already streamed
        readings: Readings = {}  # every graph's readings of points, for the witnesses
        reported: set[str] = set()
        # what the derived facts read (`derived_predicates`), in a scratch store: computed there
        # they go into a bulk load too, and the new store gets no writes after it to compact
        derived_input: list[bytes] = []
        computed: Queue[bytes | BaseException | None] = Queue()  # witnesses, derived facts
        derived_later: list[Future[None]] = []

        def compute_derived() -> None:
            """The witnesses, then the derived facts part by part, each into ``computed`` as soon
            as it is known, to be bulk loaded while the next is computed."""
            name_thread("derived-facts")
            try:
                witnesses = witnesses_nquads(readings, reported)
                readings.clear()
                computed.put(witnesses)
                derived_input.append(witnesses)
                scratch = EmbeddedStore(None, derive=False)
                ensure_reference(scratch, body, base)
                scratch.bulk_load(io.BufferedReader(_Chunks(iter(derived_input))))
                derived_input.clear()
                for part in scratch.derived_nquads():
                    computed.put(part)
            except BaseException as error:  # noqa: BLE001 - raised again by the loading thread
                computed.put(error)
            finally:
                computed.put(None)

        def stream() -> Iterator[bytes]:
            # the reference data in the bulk load too: written before it, in a transaction of its
            # own, it left a file that made the final compaction rewrite the store (1k: 0.6 s)
            for iri, reference in reference_graphs(body, base):
                yield both_copies_nquads(iri, graph_to_ntriples(reference))
            for result, document in prepared(documents, body, base, jobs, nquads=True):
                if result.ok and result.graph in seen:
                    later.append(result)  # replaces, as a reload would: written after the rest
                    continue
                if isinstance(document, BulkDocument) and result.graph is not None:
                    seen.add(result.graph)
                    result.staged = True  # "read", not "loaded", until the store is in place
                    for resolution, read in document.readings.items():
                        readings.setdefault(resolution, {})[result.graph] = read
                    reported.update(document.reported)
                    derived_input.append(document.derived_input)
                    yield document.nquads
                results.append(result)
                if progress is not None:
                    progress(result)
            # a graph written after the stream (a second file of one name, RDF) may change them:
            # then the store computes them by query at the end instead. Otherwise they are
            # computed beside the bulk loader's last work (10k: 25 s and 18 s, one core each)
            if not later and len(documents) == len(files):
                derived_later.append(helper.submit(compute_derived))
            else:
                readings.clear()
                derived_input.clear()

        with ThreadPoolExecutor(1, thread_name_prefix="derived-facts") as helper:
            store.bulk_load(io.BufferedReader(_Chunks(stream()), buffer_size=1 << 20))
            # each part in a bulk load of its own, while the next is computed (one load of
            # them all would start only when the last is known); the compaction merges them
            while derived_later and (part := computed.get()) is not None:
                if isinstance(part, BaseException):
                    raise part
                store.bulk_load(io.BytesIO(part))
        for result in later:  # prepared again, here: rare (two files of the same name)
            results.append(write_prepared(store, *prepare_document(Path(result.path), body, base)))
            if progress is not None:
                progress(results[-1])
        for f in files:
            if f.suffix.lower() in RDF_SUFFIXES:
                results.append(load_file(store, f, body, base, graph))
                if progress is not None:
                    progress(results[-1])
        if not derived_later:
            store.rebuild_derived(transactional=False)
        if compacting is not None:
            compacting()
        store.optimize()  # the bulk loader leaves files that make queries 3x slower until compacted
        store.close()
        if target.exists():
            target.rmdir()  # empty, checked above
        staging.rename(target)  # the store appears whole, or not at all
        for result in results:
            result.staged = False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return results


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_staging(location: str | Path) -> list[Path]:
    """Folders left by bulk loads that were killed before they finished (their process is gone)."""
    target = Path(location)
    if not target.parent.exists():
        return []
    stale = []
    for folder in target.parent.glob(f"{STAGING_PREFIX}{target.name}-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            stale.append(folder)
    return sorted(stale)
