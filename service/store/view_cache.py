"""Answers of views cached per state of the store: a repeated summary costs a lookup, not a scan.

Aggregates over the whole graph are slow in Oxigraph (`actor-summary` took about 2 s at 10k
resolutions, 12 s at 100k) while their answer changes only when a document is written. An answer
is kept with the store's ``generation`` it was computed at (an embedded store counts its own
writes; a read-only snapshot changes when it reopens on new files) and is *fresh* while the store
is still there. A store without a generation — a remote SPARQL server that other clients may
write — is never cached.

After a write:

* the answers most recently asked for are computed again in the background
  (`schedule_refresh`), so the next visitor usually finds them ready;
* visitors asking meanwhile share that one computation instead of starting their own;
* a view whose last computation took longer than ``stale_after_s`` (seconds; on a large store) is
  answered at once from its previous answer, marked stale with the time it was computed, while
  the new one is computed (unless the new one is due within ``stale_after_s``: then it waits for
  it); the new one replaces it as soon as it is ready. A client that
  sends ``Cache-Control: no-cache`` waits for the fresh answer (`answer(..., stale_after_s=None)`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from service.store import SelectResult


@dataclass
class Entry:
    """One query's latest answer: the store generation it belongs to, when it was computed (epoch
    seconds) and how long that took."""

    generation: Any
    result: SelectResult
    computed_at: float
    cost_s: float
    priority: float = 0.0  # GreedyDual-Size: the entry with the lowest is dropped first

    def worth(self) -> float:
        """Seconds of computation a kept row saves: an aggregate of 7 rows that took 12 s is worth
        more than a 10,000-row list that took as long."""
        return self.cost_s / max(1, len(self.result.rows))


@dataclass
class Computation:
    """An answer being computed for a query at one generation; others wait on ``done``."""

    generation: Any
    begun: float | None = None  # when it began computing (a background one may wait its turn)
    done: threading.Event = field(default_factory=threading.Event)
    entry: Entry | None = None  # set when it succeeded
    taken: bool = False  # a request computes it, not the background work it was queued for


class ViewCache:
    """SELECT answers, one per query text, holding at most ``size`` answers and ``max_rows`` rows
    in all (a row of a view is about 3 KB in memory).

    When full, the answer dropped is the one with the lowest GreedyDual-Size priority (Cao and
    Irani, 1997): its seconds of computation per row, plus an inflation that grows with every drop
    so that answers nobody asks for any more age out. Plain LRU dropped a 12-second aggregate of
    7 rows to make room for a 10,000-row list (measured at 100k resolutions).

    Computations nobody waits for (the warm-up, the refresh after a write, the new answer while a
    stale one is given) run one at a time less than there are cores, so requests keep a core."""

    def __init__(self, size: int, max_rows: int = 50_000, refresh: int = 0) -> None:
        self.size = size
        self.max_rows = max_rows
        self.refresh = refresh  # answers recomputed after a write (the most recently used)
        self.refreshed = 0
        self.refreshed_generation: Any = None  # the store state the last complete refresh was for
        self._refresh_done = threading.Condition()
        self._wake = threading.Event()
        self._refresher: threading.Thread | None = None
        self._recent: OrderedDict[str, None] = OrderedDict()  # queries asked, latest last
        # how to compute an answer that is not one query's (a page read in steps), by its key
        self._how: dict[str, Callable[[], SelectResult]] = {}
        self._entries: dict[str, Entry] = {}
        self._inflation = 0.0  # GreedyDual-Size's L: the priority of the last answer dropped
        self._rows = 0
        # computations nobody waits for, at once: one fewer than cores, so requests keep one
        self._slots = max(1, (os.cpu_count() or 2) - 1)
        self._background = threading.BoundedSemaphore(self._slots)
        self._lock = threading.Lock()
        # at most one shared computation per query: writes in quick succession do not pile up
        # computations of states already gone
        self._computing: dict[str, Computation] = {}
        self.hits = 0
        self.misses = 0
        self.stale = 0  # answers given from a previous state of the store

    def applies(self, store: Any) -> bool:
        """Whether answers from ``store`` are cached (it counts its writes, and the cache is on)."""
        return getattr(store, "generation", None) is not None and self.size > 0

    def held(self, store: Any, query: str) -> bool:
        """Whether the answer to ``query`` for the store's current state is at hand (computed by
        an earlier request, the warm-up or the refresh after a write), without computing it."""
        generation = getattr(store, "generation", None)
        if generation is None or self.size <= 0:
            return False
        with self._lock:
            entry = self._entries.get(query)
            return entry is not None and entry.generation == generation

    def peek(self, store: Any, query: str) -> SelectResult | None:
        """The answer to ``query`` for the store's current state if it is at hand, else None:
        nothing computed, nothing counted (for reads done elsewhere, see `keep`)."""
        generation = getattr(store, "generation", None)
        if generation is None or self.size <= 0:
            return None
        with self._lock:
            entry = self._entries.get(query)
            return entry.result if entry is not None and entry.generation == generation else None

    def keep(
        self, store: Any, query: str, result: SelectResult, cost_s: float, generation: Any
    ) -> None:
        """Keep an answer to ``query`` computed elsewhere (in a child that read several queries
        at once, `LimitedStore.read_together`) for the store's state it was read at,
        ``generation`` (taken before the read: a write meanwhile makes it an earlier state's)."""
        if generation is None or self.size <= 0:
            return
        current = getattr(store, "generation", None)
        self._keep(query, Entry(generation, result, time.time(), cost_s), current)

    def select(self, store: Any, query: str) -> SelectResult:
        """``store.select(query)``, or the answer it gave for this query at this generation."""
        return self.answer(store, query)[0]

    def answer(
        self,
        store: Any,
        query: str,
        stale_after_s: float | None = None,
        background: bool = False,
        compute: Callable[[], SelectResult] | None = None,
    ) -> tuple[SelectResult, float | None]:
        """The answer to ``query`` and, when it is a previous state's (stale), when it was computed.

        ``stale_after_s``: a query whose previous answer took longer than this to compute is given
        that answer at once, unless the new one is due within this time by that measure (then it
        waits that long for it); None waits for the fresh answer.
        ``background``: nobody waits for this answer (a warm-up or refresh).
        ``compute``: how to compute the answer when it is not ``store.select(query)`` (a page read
        by its keys in two or three queries; ``query`` is then its key): kept, so that the refresh
        after a write computes it again too."""
        generation = getattr(store, "generation", None)
        how = compute or (lambda: store.select(query))
        if generation is None or self.size <= 0:
            return how(), None
        with self._lock:
            self._recent[query] = None
            self._recent.move_to_end(query)
            if compute is not None:
                self._how[query] = compute
            while len(self._recent) > 64:
                self._how.pop(self._recent.popitem(last=False)[0], None)
            entry = self._entries.get(query)
            if entry is not None:
                entry.priority = self._inflation + entry.worth()
                if entry.generation == generation:
                    self.hits += 1
                    return self._given(entry.result), None
            running = self._computing.get(query)
            mine = running is None
            if running is None:
                running = self._computing[query] = Computation(generation)
        previous = entry if stale_after_s is not None and entry is not None else None
        if previous is not None and previous.cost_s <= stale_after_s:
            previous = None  # a quick view: waiting for its fresh answer costs less than staleness
        if running.generation != generation:  # an earlier state's answer is still being computed
            if previous is not None:
                return self._stale(previous)
            return self._given(self._compute_alone(store, query, generation, how)), None
        if mine and previous is None:
            self._compute(store, query, running, background, how)  # here, under its limit
        elif mine:
            threading.Thread(
                target=self._compute, args=(store, query, running, True, how), daemon=True,
                name="view-compute",
            ).start()  # fmt: skip
        if not mine and previous is None and self._take_over(running):
            # queued behind other background work (the refresh after a write): computed here at
            # once rather than after its turn, for all who wait for it
            self._finish(store, query, running, how)  # raises where it failed
            return self._given(running.entry.result), None  # type: ignore[union-attr]
        if previous is not None:
            # wait only for an answer due within stale_after_s, judged by the last computation;
            # one still queued for its turn, or running past its time, is not to be waited for
            begun = running.begun
            due_in = -1.0 if begun is None else begun + previous.cost_s - time.monotonic()
            if not running.done.wait(stale_after_s if 0 < due_in <= stale_after_s else 0):
                return self._stale(previous)
        running.done.wait()  # bounded: the computation has its own time limit
        if running.entry is None:  # it failed (its error went to the thread that computed it)
            return self._given(self._compute_alone(store, query, generation, how)), None
        if not mine:
            with self._lock:
                self.hits += 1
        return self._given(running.entry.result), None

    def _stale(self, previous: Entry) -> tuple[SelectResult, float]:
        with self._lock:
            self.stale += 1
        return self._given(previous.result), previous.computed_at

    def _given(self, result: SelectResult) -> SelectResult:
        if result.truncated:
            from service.store.limits import note_truncated  # noqa: PLC0415

            note_truncated()
        return result

    def _compute(
        self,
        store: Any,
        query: str,
        running: Computation,
        background: bool,
        how: Callable[[], SelectResult],
    ) -> None:
        """Compute the shared answer, keep it, and wake those waiting for it (also when it fails).
        A background one waits its turn; if a request took it over meanwhile (`_take_over`), that
        request computes it instead."""
        if not background:
            running.begun = time.monotonic()
            self._finish(store, query, running, how)
            return
        with self._background:
            with self._lock:
                if running.taken:
                    return
                running.begun = time.monotonic()
            self._finish(store, query, running, how)

    def _take_over(self, running: Computation) -> bool:
        """Whether this request may compute an answer still queued behind other background work
        (the refresh after a write) itself, at once: only one request may, and only before the
        queued computation began."""
        with self._lock:
            if running.begun is not None or running.taken:
                return False
            running.taken = True
            running.begun = time.monotonic()
            return True

    def _finish(
        self,
        store: Any,
        query: str,
        running: Computation,
        how: Callable[[], SelectResult],
    ) -> None:
        try:
            running.entry = self._compute_entry(store, query, running.generation, how)
        except Exception as e:
            if threading.current_thread().name == "view-compute":  # nobody to raise it to
                logging.getLogger(__name__).warning("view computation failed: %s", e)
                return
            raise
        finally:
            with self._lock:
                if self._computing.get(query) is running:
                    del self._computing[query]
            running.done.set()

    def _compute_alone(
        self, store: Any, query: str, generation: Any, how: Callable[[], SelectResult]
    ) -> SelectResult:
        """Compute an answer in this thread, not shared: the shared computation is of an earlier
        state, or failed."""
        return self._compute_entry(store, query, generation, how).result

    def _compute_entry(
        self, store: Any, query: str, generation: Any, how: Callable[[], SelectResult]
    ) -> Entry:
        """Compute with ``how`` (``store.select(query)`` unless the caller gave another way)."""
        started = time.monotonic()
        result = how()
        entry = Entry(generation, result, time.time(), time.monotonic() - started)
        self._keep(query, entry, getattr(store, "generation", None))
        return entry

    @contextmanager
    def background_held(self) -> Iterator[None]:
        """Computations nobody waits for do not begin until the block ends (they wait their turn,
        as behind other background work): what is answered while a new answer is still due can be
        looked at without racing its computation. A caller that waits for background work inside
        the block (a fresh answer being refreshed) waits for the block to end: do not."""
        for _ in range(self._slots):
            self._background.acquire()
        try:
            yield
        finally:
            for _ in range(self._slots):
                self._background.release()

    def wait_refreshed(self, store: Any, timeout: float) -> bool:
        """Wait until the refresh after the latest write to ``store`` has computed every answer
        it was to; False when ``timeout`` seconds pass first."""
        with self._refresh_done:
            return self._refresh_done.wait_for(
                lambda: self.refreshed_generation == getattr(store, "generation", None), timeout
            )

    def wait_idle(self, query: str) -> None:
        """Wait until no computation of ``query`` is running (the refresh's turn comes after)."""
        with self._lock:
            running = self._computing.get(query)
        if running is not None:
            running.done.wait()

    def _keep(self, query: str, entry: Entry, current: Any) -> None:
        """Keep ``entry`` as the query's latest answer unless one of the store's current
        generation is kept already (this one was computed before a write that came since)."""
        with self._lock:
            self.misses += 1
            kept = self._entries.get(query)
            if kept is not None and kept.generation == current and entry.generation != current:
                return
            if len(entry.result.rows) > self.max_rows:
                return
            if kept is not None:
                self._rows -= len(self._entries.pop(query).result.rows)
            entry.priority = self._inflation + entry.worth()
            self._entries[query] = entry
            self._rows += len(entry.result.rows)
            while len(self._entries) > self.size or self._rows > self.max_rows:
                victim = min(self._entries, key=lambda q: self._entries[q].priority)
                old = self._entries.pop(victim)
                self._inflation = old.priority
                self._rows -= len(old.result.rows)

    def schedule_refresh(self, store: Any, delay_s: float = 1.0) -> None:
        """After a write: recompute the ``refresh`` most recently used answers once writes have
        paused for ``delay_s`` (a folder of uploads refreshes once, not once per document)."""
        if self.refresh <= 0 or not self.applies(store):
            return
        with self._lock:
            if self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(
                    target=self._refresh_loop, args=(store, delay_s), daemon=True,
                    name="view-cache-refresh",
                )  # fmt: skip
                self._refresher.start()
        self._wake.set()

    def warm(self, store: Any, queries: list[str]) -> threading.Thread | None:
        """Compute ``queries`` in the background (when a server starts), so that the first
        visitors of the views on a large store do not wait for their first computation."""
        if not queries or not self.applies(store):
            return None
        with self._lock:
            for query in reversed(queries):
                self._recent[query] = None
                self._recent.move_to_end(query, last=False)

        started_at = getattr(store, "generation", None)

        def run() -> None:
            for done, query in enumerate(queries):
                if getattr(store, "generation", None) != started_at:
                    # written meanwhile: what is left would hold the background slot (one on two
                    # cores) for seconds each while the refresh of the answers visitors asked
                    # for since waits behind it (at 100,000 resolutions they stayed stale for
                    # minutes); the refresh recomputes what was asked for
                    logging.getLogger(__name__).info(
                        "view warm-up stopped after a write: %d answers left", len(queries) - done
                    )
                    return
                try:
                    self.answer(store, query, background=True)
                except Exception as e:  # noqa: BLE001 - a failed warm-up only means no head start
                    logging.getLogger(__name__).warning("view warm-up failed: %s", e)

        thread = threading.Thread(target=run, daemon=True, name="view-cache-warm")
        thread.start()
        return thread

    def _refresh_loop(self, store: Any, delay_s: float) -> None:
        while True:
            self._wake.wait()
            while self._wake.is_set():  # quiet for delay_s since the last write
                self._wake.clear()
                time.sleep(delay_s)
            generation = getattr(store, "generation", None)
            with self._lock:
                recent = list(reversed(self._recent))[: self.refresh]
            for query in recent:
                if self._wake.is_set() or getattr(store, "generation", None) != generation:
                    break  # written again: start over after the next pause
                try:
                    self.wait_idle(query)  # one begun before the write: then this state's
                    self.answer(store, query, background=True, compute=self._how.get(query))
                    self.refreshed += 1
                except Exception as e:  # noqa: BLE001 - a failed refresh only means no head start
                    logging.getLogger(__name__).warning("view refresh failed: %s", e)
            else:  # every answer of this state was computed again: tell who waits for it
                with self._refresh_done:
                    self.refreshed_generation = generation
                    self._refresh_done.notify_all()
