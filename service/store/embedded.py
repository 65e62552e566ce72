"""The embedded backend: pyoxigraph on disk (the default), or in memory for tests.

Every document lives in its own named graph; `replace_graph` swaps a document's graph in one SPARQL
Update, which Oxigraph (and any SPARQL 1.1 server) applies as one transaction, so a reload never
duplicates and a failure never leaves half a document.

The default graph is kept as the *merge* of all named graphs, maintained by the same update. Oxigraph's
"union default graph" mode is a multiset: a triple asserted by eight documents (a resolution's type,
repeated by every Beschlusskontrolle of a chain) comes back eight times, and joins over such triples
explode (a 6-pattern view took minutes on 44 documents). A real default graph has set semantics,
works the same on every SPARQL 1.1 server, and costs one extra copy of the triples.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from threading import Lock
from typing import IO

import pyoxigraph as ox
from rdflib import Graph

from service.store.base import (
    GRAPH_RESULT_TYPES,
    MEDIA_GRAPH,
    MEDIA_RESULTS,
    SelectResult,
    both_copies_nquads,
    drop_graph_update,
    graph_to_ntriples,
    replace_graph_update,
    select_result_from_json,
)
from service.store.derived import (
    DERIVED_GRAPH,
    INDEX_ROWS,
    after_new_graph_update,
    around,
    is_computed,
    rebuild_constructs,
    rebuild_update,
)
from service.store.rebuild import BATCH, rebuild_in_batches
from service.store.witnesses import WITNESSES_GRAPH, change_update, rebuild_witnesses_updates


class EmbeddedStore:
    """pyoxigraph on disk (or in memory when ``path`` is None)."""

    def __init__(
        self, path: str | Path | None, read_only: bool = False, derive: bool = True
    ) -> None:
        self.path = Path(path) if path else None
        # keep the derived facts (service.store.derived) with every write; off only for a bulk
        # load, which computes them once at its end
        self.derive = derive
        # a frozen snapshot: the service must refuse writes, not fail them
        self.read_only = read_only
        self.generation = 0  # counts this handle's writes: cached answers are keyed on it
        self._write_lock = Lock()  # "is the graph new?" and the write that follows are one step
        if self.path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path) if self.path else 'memory'})"

    def _query(
        self, query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
    ) -> object:
        kwargs: dict[str, object] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._store.query(query, **kwargs)

    def select(self, query: str) -> SelectResult:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("expected a SELECT query")
        # serialised by Oxigraph in one call (no GIL), then read by the json module: 18% less
        # time for a view's rows than reading every solution's terms from Python
        return select_result_from_json(result.serialize(format=ox.QueryResultsFormat.JSON))

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("expected an ASK query")
        return bool(result)

    def construct(self, query: str) -> Graph:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("expected a CONSTRUCT or DESCRIBE query")
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return Graph().parse(data=data, format="nt")

    def query_serialized(
        self,
        query: str,
        results_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]:
        """Run any query; serialise solutions as ``results_type``, triples as ``graph_type``."""
        result = self._query(query, default_graphs, named_graphs)
        if isinstance(result, ox.QueryTriples):
            media_type = graph_type if graph_type in GRAPH_RESULT_TYPES else "text/turtle"
            return result.serialize(format=MEDIA_GRAPH[media_type]), media_type
        media_type = (
            results_type if results_type in MEDIA_RESULTS else "application/sparql-results+json"
        )
        return result.serialize(format=MEDIA_RESULTS[media_type]), media_type

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        self.replace_graph_data(graph_iri, graph_to_ntriples(graph))

    def replace_graph_data(self, graph_iri: str, ntriples: str) -> None:
        """Replace one named graph (given as N-Triples) in one transaction.

        A graph the store does not have yet is written by one transactional ``load`` of both
        copies, 1.5x the speed of parsing the same triples as an ``INSERT DATA`` update; a graph
        it has goes through the update that also takes its old triples out of the merge."""
        with self._write_lock:
            # the chain's witnesses realigned in the same update (service.store.witnesses)
            witnesses = change_update(self.select, graph_iri, ntriples) if self.derive else ""
            if self._store.contains_named_graph(ox.NamedNode(graph_iri)):
                change = replace_graph_update(graph_iri, ntriples)
                self._store.update(
                    around(graph_iri, change, witnesses=witnesses) if self.derive else change
                )
            else:
                data = both_copies_nquads(graph_iri, ntriples)
                self._store.load(data, format=ox.RdfFormat.N_QUADS)
                if self.derive:  # a second transaction: a crash between leaves what `check` finds
                    self._store.update(after_new_graph_update(graph_iri, witnesses))
            self.generation += 1

    def bulk_load(self, nquads: IO[bytes]) -> None:
        """Oxigraph's bulk loader: fast, but *no transaction*; only `service.ingest.bulk` calls it, on a
        store nobody else sees yet. The quads must already include the default graph's copies."""
        with self._write_lock:
            self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
            self.generation += 1

    def rebuild_derived(self, transactional: bool = True, witnesses: bool = True) -> None:
        """Recompute the whole derived graph (`ratsgraph derive`). ``transactional=False`` streams
        it in with the bulk loader's writer, for a store nobody else sees yet (`service.ingest.bulk`):
        one update holding every point's facts would keep them all in memory until it commits.
        ``witnesses=False``: the witnesses graph is up to date already (a bulk load wrote it)."""
        with self._write_lock:
            # the witnesses first: a point's current status follows them
            for update in rebuild_witnesses_updates(self.select) if witnesses else ():
                self._store.update(update)  # every chain's witnesses
            if transactional:
                self._store.update(rebuild_update())
            else:
                for graph in list(self._store.named_graphs()):
                    if isinstance(graph, ox.NamedNode) and is_computed(graph.value):
                        if graph.value != WITNESSES_GRAPH:
                            self._store.remove_graph(graph)
                for _ in self._derive_by_bulk_load():
                    pass  # written here; the N-Quads are for a scratch store's caller
            self.generation += 1

    def rebuild_derived_in_batches(
        self, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """`ratsgraph derive`: the derived facts rebuilt ``batch`` resolutions per transaction
        (`service.store.rebuild`), so memory follows the batch, not the store."""

        def update(text: str) -> None:
            with self._write_lock:
                self._store.update(text)
                self.generation += 1

        return rebuild_in_batches(self.select, update, batch, progress)

    def _derive_by_bulk_load(self, index: bool = True) -> Iterator[bytes]:
        """The derived graph written with the bulk loader, each part given as N-Quads once it is
        written. Each CONSTRUCT's answer goes from Oxigraph to Oxigraph as N-Triples text, never
        as Python objects (10k: 16 s a Python quad at a time, 10 s this way). ``index=False``:
        the index graphs' quads are only given, not written (nothing here reads them after)."""
        derived = ox.NamedNode(DERIVED_GRAPH)
        in_graph = f" <{DERIVED_GRAPH}> .\n".encode()
        for construct in rebuild_constructs():  # in order: tasks read the points' facts
            triples = self._store.query(construct)
            assert isinstance(triples, ox.QueryTriples)
            text = triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
            self._store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=derived)
            # every N-Triples line ends in " .\n" (a newline in a literal is written as \n)
            yield text.replace(b" .\n", in_graph)
        rows = self._store.query(INDEX_ROWS)
        assert isinstance(rows, ox.QuerySolutions)
        quads = [ox.Quad(r[1], r[2], r[3], r[0]) for r in rows]
        if index:
            self._store.bulk_extend(quads)
        yield ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""

    def derived_nquads(self) -> Iterator[bytes]:
        """Compute the derived graph and its index graphs and give them as N-Quads, part by part
        (not the witnesses): what a bulk load computes in a scratch store of its own holding only
        what their queries read, and streams into the new store (`service.ingest.bulk`). The index
        graphs are not written here (10k: 1.3 s saved): this store is the scratch, not the result."""
        with self._write_lock:
            self.generation += 1
            yield from self._derive_by_bulk_load(index=False)

    def optimize(self) -> None:
        """Compact the files (RocksDB): after a bulk load, queries ran 3x slower without it
        (open-points over 4.4 million quads: 2.5 s, then 0.8 s; compaction took 8 s)."""
        with self._write_lock:
            self._store.optimize()

    def drop_graph(self, graph_iri: str) -> bool:
        with self._write_lock:
            if not self._store.contains_named_graph(ox.NamedNode(graph_iri)):
                return False
            change = drop_graph_update(graph_iri)
            if self.derive:
                witnesses = change_update(self.select, graph_iri, None)
                change = around(graph_iri, change, after=False, witnesses=witnesses)
            self._store.update(change)
            self.generation += 1
            return True

    def named_graphs(self) -> list[str]:
        """The data's graphs: the derived graph is not data of its own (it is computed from them)."""
        return sorted(
            g.value
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and not is_computed(g.value)
        )

    def triple_count(self) -> int:
        return len(self._store)

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        out = io.BytesIO()
        fmt = MEDIA_GRAPH[media_type]
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            # the named graphs only: the default graph is their merge, the derived and the
            # witnesses graph are computed from them, none is data of its own
            quads = (
                q
                for q in self._store.quads_for_pattern(None, None, None, None)
                if isinstance(q.graph_name, ox.NamedNode) and not is_computed(q.graph_name.value)
            )
            ox.serialize(quads, out, format=fmt)
        else:
            self._store.dump(out, format=fmt, from_graph=ox.DefaultGraph())
        return out.getvalue()

    def flush(self) -> None:
        self._store.flush()

    def backup(self, target: str | Path) -> None:
        """A consistent copy into a new folder (RocksDB checkpoint: hard links where it can)."""
        self._store.backup(str(target))

    def close(self) -> None:
        try:
            self._store.flush()
        except (OSError, RuntimeError):  # RuntimeError: a read-only handle has nothing to flush
            pass
        del self._store
