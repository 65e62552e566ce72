"""Answers of views cached per state of the store: a repeated summary costs a lookup, not a scan.

Aggregates over the whole graph are slow in Oxigraph (`actor-summary` took about 2 s at 10k
resolutions) while their answer changes only when a document is written. The key is the bound
query text plus the store's ``generation`` (an embedded store counts its own writes; a read-only
snapshot changes when it reopens on new files). A store without a generation — a remote SPARQL
server that other clients may write — is never cached.

After a write, the answers most recently asked for are computed again in the background
(`schedule_refresh`), so the views people are looking at do not make the next visitor wait for a
computation that takes seconds on a large store; a visitor who comes meanwhile waits for that
computation instead of starting a second one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from .store import SelectResult


class ViewCache:
    """A small LRU of SELECT answers keyed on (store generation, query text), holding at most
    ``size`` answers and ``max_rows`` rows in all (a row of a view is about 3 KB in memory)."""

    def __init__(self, size: int, max_rows: int = 50_000, refresh: int = 0) -> None:
        self.size = size
        self.max_rows = max_rows
        self.refresh = refresh  # answers recomputed after a write (the most recently used)
        self.refreshed = 0
        self._wake = threading.Event()
        self._refresher: threading.Thread | None = None
        self._recent: OrderedDict[str, None] = OrderedDict()  # queries asked, latest last
        self._entries: OrderedDict[tuple[Any, str], SelectResult] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()
        self._computing: dict[tuple[Any, str], threading.Lock] = {}  # one computation per key
        self.hits = 0
        self.misses = 0

    def applies(self, store: Any) -> bool:
        """Whether answers from ``store`` are cached (it counts its writes, and the cache is on)."""
        return getattr(store, "generation", None) is not None and self.size > 0

    def _hit(self, key: tuple[Any, str]) -> SelectResult | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if hit is not None and hit.truncated:
            from .limits import note_truncated  # noqa: PLC0415

            note_truncated()
        return hit

    def select(self, store: Any, query: str) -> SelectResult:
        """``store.select(query)``, or the answer it gave for this query at this generation.

        Requests for an answer being computed wait for that computation instead of starting their
        own: after a write, a popular view that takes seconds is computed once, not once per
        client (their wait still counts against their own time limit, in the store's slots)."""
        generation = getattr(store, "generation", None)
        if generation is None or self.size <= 0:
            return store.select(query)
        key = (generation, query)
        with self._lock:
            self._recent[query] = None
            self._recent.move_to_end(query)
            while len(self._recent) > 64:
                self._recent.popitem(last=False)
        hit = self._hit(key)
        if hit is not None:
            return hit
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # the wait is bounded: the computation holding it has its own time limit
            try:
                hit = self._hit(key)  # computed by the request we waited for
                if hit is not None:
                    return hit
                result = store.select(query)
                self._keep(key, result, getattr(store, "generation", None))
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return result

    def _keep(self, key: tuple[Any, str], result: SelectResult, current: Any) -> None:
        """Keep an answer computed at generation ``key[0]``; the store is now at ``current``. An
        answer the store has moved past since (a write while it ran) is not kept; keeping one of
        the current generation drops the answers of older ones, which nothing can ask for."""
        with self._lock:
            self.misses += 1
            if key[0] != current:
                return
            for stale in [k for k in self._entries if k[0] != current]:
                self._rows -= len(self._entries.pop(stale).rows)
            if len(result.rows) <= self.max_rows and key not in self._entries:
                self._entries[key] = result
                self._rows += len(result.rows)
                while len(self._entries) > self.size or self._rows > self.max_rows:
                    _, old = self._entries.popitem(last=False)
                    self._rows -= len(old.rows)

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
                    self.select(store, query)
                    self.refreshed += 1
                except Exception as e:  # noqa: BLE001 - a failed refresh only means no head start
                    logging.getLogger(__name__).warning("view refresh failed: %s", e)
