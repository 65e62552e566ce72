"""Query limits: time limits that really stop the work, a row cap (a request's own time limit
and sizes are the web front's: service/web/request_limits.py).

`LimitedStore` wraps any `Store`: every read runs in a stoppable child (stoppable.py; ours in a
warm worker, workers.py) under the request's time limit and a memory limit, at most
``max_concurrent`` at once per lane (lanes.py: anyone's SPARQL apart from our own views and pages),
and SELECT results are cut at the row cap with the response flagged. Only reads of queries we wrote
(views, pages) may skip the child once they proved fast; arbitrary SPARQL (`query_serialized`)
never does. Writes stay in the serving process, one at a time.
"""

from __future__ import annotations

import ctypes
import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from rdflib import Graph

from service.store import SelectResult, Store
from service.store.lanes import Busy, Lane
from service.store.query_guard import FederationFailed
from service.store.row_cap import cut_results
from service.store.stoppable import ForkGate, Stalled, WriteInProgress, run_stoppable
from service.store.workers import WorkerPool

T = TypeVar("T")


# anyone's SPARQL runs at a lower CPU priority than views and pages: runaway queries on every core
# made pages wait seconds (bench/load_test.py --runaway 2: a page stopped at its 20 s limit)
PUBLIC_NICE = 10
DEMOTE_AFTER_S = 1.0  # and one that computed this long (CPU; 5x on the clock) drops lowest
WRITE_WAIT_S = 0.05  # how long a read of ours waits for a running write before it runs inline
COMPACT_AFTER_WRITES = 16  # writes through the server between two compactions of the files
ONE_ROW = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"  # what a spare worker reads first (workers.py)
PROVEN_ENTRIES = 4096  # reads remembered as fast, per process (hashes: 32 bytes each)


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 20.0
    max_rows: int = 10000
    max_concurrent: int = 4  # arbitrary SPARQL queries running at once (and, apart, own reads)
    stoppable: bool = True  # False: run in the request thread (no hard stop; for comparison)
    proven_fast_s: float = 1.0  # a read that took at most this in a child runs inline next time
    memory_mb: int | None = 1024  # what a query's child may allocate beyond what it inherited
    queue: int = 16  # arbitrary SPARQL queries waiting for a slot; more are refused at once (503)
    workers: bool = True  # reads of ours in warm workers (workers.py); False: a child each


def _is_local(store: object) -> bool:
    from service.store import EmbeddedStore  # noqa: PLC0415

    return isinstance(store, EmbeddedStore)


def current_timeout(default: float) -> float:
    """The time limit of the query at hand: the request's own (``timeout=``) or the default."""
    from flask import g, has_request_context  # noqa: PLC0415

    if has_request_context():
        return float(g.get("query_timeout", default))
    return default


def note_truncated() -> None:
    """Tell the response that a result was cut at the row cap (it sends X-Ratsgraph-Truncated)."""
    from flask import g, has_request_context  # noqa: PLC0415

    if has_request_context():
        g.truncated = True


class LimitedStore:
    """A Store whose reads stop at the time limit and are capped at ``max_rows``; writes one at a time."""

    def __init__(self, inner: Store, limits: Limits) -> None:
        self.inner = inner
        self.limits = limits
        # arbitrary SPARQL in its own bounded lane; views and pages (our queries) in another
        self._public = Lane("SPARQL queries", limits.max_concurrent, limits.queue)
        # ...of which those past DEMOTE_AFTER_S move to a smaller lane, so they keep no short slot
        self._long = Lane("long-running SPARQL queries", max(1, limits.max_concurrent // 2), 0)
        self._own = Lane("views and pages", limits.max_concurrent, None)
        self._write_lock = threading.Lock()  # one write at a time
        self._gate = ForkGate()  # and no fork during a write (nor a write starving the forks)
        # a local store's query computes; one idle for a second waits on an inherited lock
        self._stall_s = (
            1.0 if getattr(inner, "path", None) is not None or _is_local(inner) else None
        )
        self._writes_since_compaction = 0
        self.after_write: list[Callable[[], object]] = []  # e.g. the view cache's refresh
        # reads that finished quickly in a child, by (store generation, read): see `_run`
        self._proven: OrderedDict[bytes, None] = OrderedDict()
        self._proven_lock = threading.Lock()
        # reads of ours in warm forked workers, one per state of a local store (workers.py)
        self._workers = WorkerPool(
            self._perform, self._gate, limits.memory_mb, self._stall_s, prime=("select", ONE_ROW)
        )
        self._spare = False  # keep an idle worker forked ahead of the next read (a server)

    def __repr__(self) -> str:
        return f"LimitedStore({self.inner!r}, {self.limits})"

    def __getattr__(self, name: str) -> Any:  # path, flush, triple_count, load_quads, backup…
        return getattr(self.inner, name)

    def _proof_key(self, read: tuple[object, ...]) -> bytes | None:
        """The read at this state of the data, hashed; None where the store has no generation."""
        generation = getattr(self.inner, "generation", None)
        if generation is None:
            return None
        return hashlib.sha256(repr((generation, read)).encode()).digest()

    def _is_proven(self, key: bytes | None) -> bool:
        if key is None:
            return False
        with self._proven_lock:
            if key in self._proven:
                self._proven.move_to_end(key)
                return True
        return False

    def _prove(self, key: bytes | None) -> None:
        if key is None:
            return
        with self._proven_lock:
            self._proven[key] = None
            while len(self._proven) > PROVEN_ENTRIES:
                self._proven.popitem(last=False)

    def _run(
        self,
        fn: Callable[[], T],
        read: tuple[object, ...] | None = None,
        public: bool = False,
        job: tuple[object, ...] | None = None,
    ) -> T:
        """Run a read within the time limit.

        On a local store a read runs in a forked child that is killed at the limit and may not
        allocate past ``memory_mb``: safe, but the fork adds ~3 ms (x15 a cheap query). The
        same read of a query *we wrote* on the same data does the same work, so one that finished
        within ``proven_fast_s`` in a child runs in the request thread the next time, until the
        store's generation moves (``read`` names the read; None: always a child). Arbitrary SPARQL
        never gets a name: its cost may depend on NOW(), RAND() or a remote answer, so a query
        fast once may run for hours (or eat the memory) the next time; and it waits in its own
        lane (``public``), so runaway queries cannot take the slots of views and pages. A read of
        ours that ``job`` describes as data (`_perform`) runs in a warm worker (workers.py). A remote
        store is asked in the request thread with the limit as its HTTP timeout: killing a child
        would not stop the server's work either."""
        timeout = current_timeout(self.limits.timeout_s)
        started = time.monotonic()
        if not public:
            with self._own.slot(timeout):
                return self._run_in_slot(fn, read, timeout, started, job=job)
        held = [self._public]
        self._public.acquire(timeout)

        def moved_to_long_lane() -> None:
            if held[0] is self._long:  # a retried child that ran long again
                return
            if not self._long.try_acquire():
                raise Busy(
                    self._long.what, self._long.running, None,
                    f"; this query ran past {DEMOTE_AFTER_S:g} s of CPU (or "
                    f"{5 * DEMOTE_AFTER_S:g} s) and was stopped",
                )  # fmt: skip
            self._public.release()
            held[0] = self._long

        try:
            return self._run_in_slot(fn, read, timeout, started, True, moved_to_long_lane)
        finally:
            held[0].release()

    def _run_in_slot(
        self,
        fn: Callable[[], T],
        read: tuple[object, ...] | None,
        timeout: float,
        started: float,
        public: bool = False,
        on_long: Callable[[], None] | None = None,
        job: tuple[object, ...] | None = None,
    ) -> T:
        """`_run` once a lane gave it a slot: inline, under a deadline, in a worker or a child."""
        if not self.limits.stoppable:
            return fn()
        if self._stall_s is None and hasattr(self.inner, "deadline"):
            with self.inner.deadline(timeout, started):
                return fn()
        key = self._proof_key(read) if read is not None else None
        if self._is_proven(key):
            return fn()
        payload = self._job_payload(job)
        for attempt in (1, 2, 3):
            left = max(0.01, timeout - (time.monotonic() - started))
            try:
                t0 = time.monotonic()
                if payload is not None:
                    result = self._workers.run(
                        payload, self.inner.generation, left, timeout, WRITE_WAIT_S
                    )
                    if time.monotonic() - t0 <= self.limits.proven_fast_s:
                        self._prove(key)
                    return result
                result = run_stoppable(
                    fn, left, timeout, self._gate, self._stall_s, self.limits.memory_mb,
                    nice=PUBLIC_NICE if public else 0,
                    gate_wait_s=None if public else WRITE_WAIT_S,
                    demote_after_s=DEMOTE_AFTER_S if public else None,
                    on_long=on_long,
                )  # fmt: skip
                if time.monotonic() - t0 <= self.limits.proven_fast_s:
                    self._prove(key)
                return result
            except WriteInProgress:
                # a long write runs: a read of ours (a view, a page) does not wait for it, and no
                # child may fork beside it, so the read runs here (pyoxigraph reads beside writes)
                return fn()
            except (OSError, Stalled):
                # A child reads the store as it was at the fork; if a write since then retired a
                # file it needed, or the fork caught a lock mid-use, a fresh child is fine.
                if attempt == 3:
                    raise OSError("the store did not answer (three attempts)") from None
        raise AssertionError("unreachable")

    def _warm(self) -> bool:
        """Warm workers read a local store that counts its writes (so they know they are stale)."""
        local = self._stall_s is not None and self.limits.workers
        return local and getattr(self.inner, "generation", None) is not None

    def _job_payload(self, job: tuple[object, ...] | None) -> bytes | None:
        """A read of ours pickled for a worker; None where it goes to a child of its own (no job,
        no warm workers here, or a job that does not pickle: a closure)."""
        if job is None or not self._warm():
            return None
        try:
            return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError):
            return None

    def _perform(self, job: tuple[Any, ...]) -> Any:
        """What a worker does for a job of `select`, `ask`, `construct` or `read_together`."""
        kind, arg = job
        if kind == "construct":
            return self.inner.construct(arg).serialize(format="nt")
        return {"select": self._capped, "ask": self.inner.ask, "together": self._together}[kind](
            arg
        )

    def keep_spare(self) -> None:
        """Keep a worker forked ahead of the next read (a server: its first visitor, and the first
        after each write, do not wait for a fork): one now and one after each write."""
        self._spare = True
        self._fork_spare()

    def _fork_spare(self) -> None:
        if self._spare and self._warm():
            self._workers.spare(self.inner.generation)

    def healthy(self) -> bool:
        """Ask the store a trivial question outside both lanes, so /healthz answers while they
        are full (in the thread: ``ASK {}`` cannot run away)."""
        return self._in_thread(lambda: self.inner.ask("ASK { }"))

    def _in_thread(self, fn: Callable[[], T]) -> T:
        """Run a read whose cost its shape bounds in the request thread, no child; a remote store
        is given the time limit as its HTTP timeout, as for every read."""
        if self._stall_s is None and hasattr(self.inner, "deadline"):
            with self.inner.deadline(current_timeout(self.limits.timeout_s), time.monotonic()):
                return fn()
        return fn()

    def _capped(self, query: str) -> SelectResult:
        """``inner.select(query)`` cut at the row cap (`truncated` says it was)."""
        result, cap = self.inner.select(query), self.limits.max_rows
        if len(result.rows) <= cap:
            return result
        return replace(result, rows=result.rows[:cap], truncated=True)

    def select(self, query: str) -> SelectResult:
        result = self._run(
            lambda: self._capped(query),
            ("select", query, self.limits.max_rows),
            job=("select", query),
        )
        if result.truncated:
            note_truncated()
        return result

    def select_lookup(self, query: str) -> SelectResult:
        """A SELECT of ours whose shape bounds its cost (one quad pattern, all constant but its
        object: an index lookup, as `derived.FORMAT_PROBE`), asked in the thread as `healthy`
        asks ``ASK {}``: a child would cost more than the read (23 ms against under 1 ms at
        100,000 resolutions). Never for a text a client wrote."""
        return self._in_thread(lambda: self.inner.select(query))

    def read_together(self, fn: Callable[[Callable[[str], SelectResult]], T], name: str) -> T:
        """Several SELECTs of ours as one read: ``fn`` is given a select and runs where one query
        would (one forked child, under the same limits), so a page read in three or four steps
        pays one fork and reads with the store's caches its own first steps warmed (each query in
        a child of its own: 4 forks, ~150 ms of a 320 ms first page at 100,000 resolutions).
        ``name`` names the read (a view's page and its parameters), as a query's text would."""
        answer, cut = self._run(
            lambda: self._together(fn), ("together", name), job=("together", fn)
        )
        if cut:
            note_truncated()
        return answer

    def _together(self, fn: Callable[[Callable[[str], SelectResult]], T]) -> tuple[T, bool]:
        """``fn`` given `_capped` as its select; and whether any of its answers was cut."""
        truncated: list[bool] = []

        def capped(query: str) -> SelectResult:
            result = self._capped(query)
            truncated.append(result.truncated)
            return result

        return fn(capped), any(truncated)

    def ask(self, query: str) -> bool:
        inner = self.inner
        return self._run(lambda: inner.ask(query), ("ask", query), job=("ask", query))

    def construct(self, query: str) -> Graph:
        inner = self.inner
        data = self._run(
            lambda: inner.construct(query).serialize(format="nt"),
            ("construct", query),
            job=("construct", query),
        )
        return Graph().parse(data=data, format="nt")

    def query_serialized(
        self,
        query: str,
        results_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        guard: Callable[[str], list[str]] | None = None,
        public: bool = False,
    ) -> tuple[bytes, str]:
        """A query's answer, serialised. ``guard`` checks the text first (in the child, where
        parsing costs the request's own time and no other thread's GIL): it raises for what may
        not run and returns the federated endpoints the query may ask; their failure is 502.
        ``public``: anyone's SPARQL, which runs in the bounded lane of its own (see `_run`)."""
        inner, cap = self.inner, self.limits.max_rows

        def capped() -> tuple[bytes, str, bool]:
            federated = guard(query) if guard is not None else []
            try:
                body, media_type = inner.query_serialized(
                    query, results_type, graph_type, default_graphs, named_graphs
                )
            except OSError as e:
                if federated:
                    raise FederationFailed(federated, e) from None
                raise
            body, truncated = cut_results(body, media_type, cap)
            return body, media_type, truncated

        # no `read` name: arbitrary SPARQL always runs in a child (see `_run`)
        body, media_type, truncated = self._run(capped, public=public)
        if truncated:
            note_truncated()
        return body, media_type

    def named_graphs(self) -> list[str]:
        return self.inner.named_graphs()

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        return self.inner.dump(media_type)

    def _wrote(self) -> None:
        self._workers.retire_stale(getattr(self.inner, "generation", None))
        self._settle()
        self._fork_spare()
        for listener in self.after_write:
            listener()

    def _settle(self) -> None:
        """After a write through the server: flush it to the files, and every
        ``COMPACT_AFTER_WRITES`` writes compact them.

        Unflushed, every write stayed in RocksDB's memory and its log: 10 uploads and deletes of
        a 0.4 MB document grew the worker by 80 MB and the store by 54 MB each, and reopening the
        store replayed the log for 52 s (bench/bench_upload_cycles.py). Compaction drops what
        deletes left behind; it costs seconds on a big store, hence not after every write, and
        it runs with no other write but beside the reads' forks (RocksDB compacts in its own
        threads anyway; a child that catches one of their locks is found idle and forked again),
        so SPARQL does not wait for it."""
        with self._write_lock:
            with self._gate.writing():
                if hasattr(self.inner, "flush"):
                    self.inner.flush()
            self._writes_since_compaction += 1
            if self._writes_since_compaction >= COMPACT_AFTER_WRITES and hasattr(
                self.inner, "optimize"
            ):
                self.inner.optimize()
                self._writes_since_compaction = 0
        _return_freed_memory()

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        with self._write_lock, self._gate.writing():
            self.inner.replace_graph(graph_iri, graph)
        self._wrote()

    def replace_graph_data(self, graph_iri: str, ntriples: str) -> None:
        with self._write_lock, self._gate.writing():
            self.inner.replace_graph_data(graph_iri, ntriples)
        self._wrote()

    def drop_graph(self, graph_iri: str) -> bool:
        with self._write_lock, self._gate.writing():
            dropped = self.inner.drop_graph(graph_iri)
        if dropped:
            self._wrote()
        return dropped

    def write(self, fn: Callable[[Store], T]) -> T:
        """Run a write (or a backup) on the inner store while no other write runs."""
        with self._write_lock, self._gate.writing():
            return fn(self.inner)

    def close(self) -> None:
        self._workers.close()
        self.inner.close()


def _return_freed_memory() -> None:
    """Give the memory a write freed back to the system (glibc keeps it in its arenas otherwise:
    a big document parsed and written leaves tens of MB per write in the worker)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
