"""Lanes: how many reads of one kind run at once, how many wait, and who is turned away at once.

Arbitrary SPARQL from anyone and the service's own reads (views, pages) go through separate lanes,
so runaway queries fill their own lane and no other: a view, a page or /healthz still gets a
thread and a slot. Within SPARQL, a query that runs past a second leaves its slot for a place in
a smaller lane of long-running queries, or is stopped when that is full: short queries keep their
slots however many long ones are sent. A full line answers 503 with Retry-After at once instead of holding a server
thread for the length of a time limit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from service.errors import UserError


class Busy(UserError):
    def __init__(self, what: str, running: int, waiting: int | None, why: str = "") -> None:
        line = f" and {waiting} waiting" if waiting else ""
        super().__init__(
            f"the server is busy: {running} {what} are running{line}{why}; try again in a moment",
            503,
        )


class Lane:
    """At most ``running`` reads at once; at most ``waiting`` more wait for a slot (None: any
    number, each within its time limit); past that a read is refused with `Busy` at once."""

    def __init__(self, what: str, running: int, waiting: int | None) -> None:
        self.what = what
        self.running = running
        self.waiting = waiting
        self._slots = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._in_line = 0

    def __repr__(self) -> str:
        return f"Lane({self.what!r}, running={self.running}, waiting={self.waiting})"

    def acquire(self, timeout: float) -> None:
        """Take a slot: at once, after waiting in line (up to ``timeout``), or `Busy`."""
        if self._slots.acquire(blocking=False):
            return
        with self._lock:
            if self.waiting is not None and self._in_line >= self.waiting:
                raise Busy(self.what, self.running, self.waiting)
            self._in_line += 1
        try:
            got = self._slots.acquire(timeout=timeout)
        finally:
            with self._lock:
                self._in_line -= 1
        if not got:
            raise Busy(self.what, self.running, self.waiting)

    def try_acquire(self) -> bool:
        """Take a slot if one is free now."""
        return self._slots.acquire(blocking=False)

    def release(self) -> None:
        self._slots.release()

    @contextmanager
    def slot(self, timeout: float) -> Iterator[None]:
        """Hold a slot for the block (see `acquire`)."""
        self.acquire(timeout)
        try:
            yield
        finally:
            self.release()
