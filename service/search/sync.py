"""Keeping the index in step with the store, whoever wrote it.

The index is derived from the store the way a cache is: every named graph is indexed at a version,
and `sync` brings the index to the store's graphs as they are — new and changed graphs indexed,
dropped ones forgotten — in one transaction. A document graph's version is its ``rb:loadedAt``
(every load and reload writes a new one, to the second) with its file's ``rb:sha256`` (two loads
within a second differ by their text), an OParl object's its ``dct:modified``; a graph with
neither (the ontology, the reference data, RDF loaded as such) is versioned by its triple count.

So every write is followed however it was made — `ratsgraph load` (transactions or the bulk
loader), `import-oparl`, the HTTP API, a restore, another client of a remote store — with no hook
in any writer: the server syncs before a search when its store changed (`SearchService`), the CLI
after it loaded, and `ratsgraph reindex` builds the index anew. The store is read through the
`Store` interface only (SPARQL), so this works for the embedded and any remote store alike."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from service.search.index import SearchIndex, index_path

VERSIONS = """SELECT ?g (GROUP_CONCAT(?stamp; separator="\\n") AS ?version) WHERE {
  GRAPH ?g { ?s ?p ?v }
  VALUES ?p { <https://w3id.org/ratsgraph/ontology#loadedAt> <https://w3id.org/ratsgraph/ontology#sha256>
              <http://purl.org/dc/terms/modified> }
  BIND (CONCAT(STR(?p), "=", STR(?v)) AS ?stamp)
} GROUP BY ?g"""
COUNTED = 200  # graphs without a version are counted one by one up to this many
REMOTE_EVERY_S = 5.0  # a store that cannot say it changed (remote) is compared this often at most


def _inner(store: Any) -> Any:
    """The store itself, not the wrapper that limits requests' reads (the sync reads whole graphs)."""
    while hasattr(store, "inner"):
        store = store.inner
    return store


def store_versions(store: Any, graph: str | None = None) -> dict[str, str]:
    """Every named graph of the store with its version (see the module's docstring); with
    ``graph``, that one only."""
    store = _inner(store)
    query = VERSIONS
    if graph is not None:
        query = VERSIONS.replace("WHERE {", f"WHERE {{ VALUES ?g {{ {ox.NamedNode(graph)} }}", 1)
    versions = {  # sorted: GROUP_CONCAT's order is the server's
        row["g"].value: "\n".join(sorted(set(row["version"].value.split("\n"))))
        for row in store.select(query).rows
        if row["g"] is not None and row["version"] is not None
    }
    if graph is not None:
        return versions
    rest = [g for g in store.named_graphs() if g not in versions]
    for graph in rest:
        if len(rest) > COUNTED:
            versions[graph] = ""
            continue
        iri = ox.NamedNode(graph)  # validated: it came from the store, but is pasted into SPARQL
        rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}").rows
        versions[graph] = f"{rows[0]['n'].value} triples"
    return versions


def graph_ntriples(store: Any, graph: str) -> str:
    """One named graph's triples as N-Triples, read by SPARQL."""
    iri = ox.NamedNode(graph)
    body, _ = _inner(store).query_serialized(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}",
        None,
        "application/n-triples",
    )
    return body.decode("utf-8")


def sync(index: SearchIndex, store: Any, rebuild: bool = False) -> tuple[int, int]:
    """Bring ``index`` to the store's graphs as they are now (``rebuild``: index every graph
    anew). Returns (graphs indexed, graphs forgotten)."""
    now = store_versions(store)
    before = {} if rebuild else index.versions()
    changed = [g for g, v in now.items() if before.get(g) != v]
    dropped = [g for g in before if g not in now]

    def read() -> Iterator[tuple[str, str, str]]:
        for graph in changed:
            yield graph, now[graph], graph_ntriples(store, graph)

    indexed = index.update(read(), dropped, clear=rebuild)
    return indexed, len(dropped)


def open_index(store: Any) -> SearchIndex:
    """The index of a store: the file beside an on-disk store, in memory otherwise (a remote or
    in-memory store); a read-only store's file is copied into memory, which it then keeps up to date."""
    inner = _inner(store)
    path = getattr(inner, "path", None)
    if not path or not isinstance(path, str | Path):
        return SearchIndex(None)
    file = index_path(path)
    if not getattr(inner, "read_only", False):
        return SearchIndex(file)
    if file.exists():
        on_disk = SearchIndex(file, read_only=True)
        try:
            return on_disk.copy_into_memory()
        finally:
            on_disk.close()
    return SearchIndex(None)


class SearchService:
    """A store's index, synced before a search when the store changed: when its ``generation``
    moved (a write through this process), and for a store without one (remote: others may write
    it) at most every ``REMOTE_EVERY_S`` seconds. One per store, shared by the threads of a server."""

    _by_store: weakref.WeakKeyDictionary[Any, SearchService] = weakref.WeakKeyDictionary()
    _lock = threading.Lock()

    def __init__(self, store: Any) -> None:
        self.store = store
        self.index = open_index(store)
        self._seen: object = object()  # the generation last synced at
        self._synced_at = float("-inf")
        self._sync_lock = threading.Lock()

    @classmethod
    def of(cls, store: Any) -> SearchService:
        with cls._lock:
            service = cls._by_store.get(store)
            if service is None:
                service = cls._by_store[store] = cls(store)
            return service

    def wrote(self, graph: str) -> None:
        """This server wrote (or dropped) ``graph``: index that graph alone, so the next search
        need not compare every graph (0.57 s at 3,658 graphs, `bench/RESULTS.md`). Only when it is
        the one write since the last sync; otherwise the next search syncs as usual."""
        with self._sync_lock:
            generation = getattr(_inner(self.store), "generation", None)
            single = isinstance(generation, int) and isinstance(self._seen, int)
            if generation is not None and not (single and generation == self._seen + 1):
                return
            node = ox.NamedNode(graph)
            if not _inner(self.store).ask(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}"):
                self.index.update([], [graph])  # dropped
            else:
                version = store_versions(self.store, graph).get(graph)
                if version is None:
                    return  # not a document (no version of its own): the next sync counts it
                self.index.update([(graph, version, graph_ntriples(self.store, graph))])
            if generation is not None:
                self._seen = generation

    def current(self) -> SearchIndex:
        """The index, synced first if the store may have changed since the last sync."""
        with self._sync_lock:
            generation = getattr(_inner(self.store), "generation", None)
            if generation is None:
                due = time.monotonic() - self._synced_at >= REMOTE_EVERY_S
            else:
                due = generation != self._seen
            if due:
                sync(self.index, self.store)
                self._seen = generation
                self._synced_at = time.monotonic()
        return self.index
