"""Answers of views cached per state of the store: a repeated summary costs a lookup, not a scan.

Aggregates over the whole graph are slow in Oxigraph (`actor-summary` took about 2 s at 10k
resolutions) while their answer changes only when a document is written. The key is the bound
query text plus the store's ``generation`` (an embedded store counts its own writes; a read-only
snapshot changes when it reopens on new files). A store without a generation — a remote SPARQL
server that other clients may write — is never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .store import SelectResult


class ViewCache:
    """A small LRU of SELECT answers keyed on (store generation, query text), holding at most
    ``size`` answers and ``max_rows`` rows in all (a row of a view is about 3 KB in memory)."""

    def __init__(self, size: int, max_rows: int = 50_000) -> None:
        self.size = size
        self.max_rows = max_rows
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
                self._keep(key, result)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return result

    def _keep(self, key: tuple[Any, str], result: SelectResult) -> None:
        # the generation may have moved while the query ran: key on the one read before, so a
        # stale answer can only be found under a generation that is already past
        with self._lock:
            self.misses += 1
            if len(result.rows) <= self.max_rows and key not in self._entries:
                self._entries[key] = result
                self._rows += len(result.rows)
                while len(self._entries) > self.size or self._rows > self.max_rows:
                    _, old = self._entries.popitem(last=False)
                    self._rows -= len(old.rows)
