"""`ratsgraph serve`: gunicorn workers, each with its own store handle, opened after the fork.

The serving architecture, chosen by measurement (bench/RESULTS.md):
* one worker (the default): one process owns the on-disk store read-write, with threads. Queries
  already use every core (each runs in a forked child, or, proven fast, in a thread while pyoxigraph
  releases the GIL): `/sparql` answered 82 requests/s with one worker and with two;
* ``--workers N`` on a directory: N processes, each opening the store *read-only*, which doubles what
  Python bounds (cached views: 338 -> 732 requests/s). pyoxigraph leaves a read-only handle beside a
  writer undefined, so nothing writes the store meanwhile (`service.store.ownership` makes `load` refuse and
  keeps this mode from starting beside a writer). Each worker reopens its snapshot should the
  store's files change all the same (checked at most once a second);
* ``--workers N`` on a SPARQL URL: N stateless processes in front of one SPARQL server (e.g.
  `oxigraph serve`), which uses every core for the queries and takes the writes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from service.store import EmbeddedStore


class SnapshotStore:
    """A read-only EmbeddedStore that reopens itself when the store on disk has changed."""

    def __init__(self, path: str | Path, check_every_s: float = 1.0) -> None:
        self.path = Path(path)
        self.check_every_s = check_every_s
        self._lock = threading.Lock()
        self._stamp = self._files_stamp()
        self._store = EmbeddedStore(self.path, read_only=True)
        self._checked = time.monotonic()

    def _files_stamp(self) -> tuple[tuple[str, int, int], ...]:
        with os.scandir(self.path) as entries:
            return tuple(
                sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries))  # fmt: skip

    def current(self) -> EmbeddedStore:
        """The snapshot to use now: the same one until the files change."""
        now = time.monotonic()
        if now - self._checked < self.check_every_s:
            return self._store
        with self._lock:
            self._checked = now
            stamp = self._files_stamp()
            if stamp != self._stamp:
                self._store = EmbeddedStore(self.path, read_only=True)
                self._stamp = stamp
        return self._store

    @property
    def generation(self) -> tuple[object, ...]:
        """Changes exactly when a newer snapshot is opened, so cached answers follow the files."""
        store = self.current()
        return (id(store), self._stamp)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)

    def __repr__(self) -> str:
        return f"SnapshotStore({self.path})"


def app_factory(
    location: str, update_url: str | None, config: dict[str, Any], workers: int
) -> Callable[[], Flask]:
    """What each worker calls after the fork to build its app and open its own store handle."""

    def make() -> Flask:
        from service.store import open_store  # noqa: PLC0415
        from service.web import (
            create_app,  # noqa: PLC0415
            views,  # noqa: PLC0415
        )

        if location.startswith(("http://", "https://")):
            store: Any = open_store(location, update_url=update_url)
        elif workers > 1:
            store = SnapshotStore(location)
        else:
            store = open_store(location)
        app = create_app(config, store=store)
        limited = app.extensions["ratsgraph"]
        if hasattr(limited, "keep_spare"):  # a worker forked for the first visitor's read
            limited.keep_spare()
        views.warm(app)
        return app

    return make


def run(
    factory: Callable[[], Flask], host: str, port: int, workers: int = 1, threads: int = 32
) -> None:
    """Serve with gunicorn (gthread workers); blocks until stopped."""
    from gunicorn.app.base import BaseApplication  # noqa: PLC0415

    class Server(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "preload_app": False,  # each worker opens its own store handle
                "accesslog": None,
                "timeout": 120,
                "keepalive": 5,
            }
            if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 25.1
                # one shared socket in ~/.gunicorn would be fought over by several servers
                options["control_socket_disable"] = True
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return factory()

    Server().run()
