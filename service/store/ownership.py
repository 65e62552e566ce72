"""Who holds a store: a running server announces itself, so another process can say where to go.

An on-disk pyoxigraph store is opened read-write by one process at a time (RocksDB's LOCK file); a
read-only handle in another process is a frozen snapshot and, per pyoxigraph, undefined while someone
writes. So readers and a writer never share a store:
* while `serve` (one worker) holds it, documents go in through the server (``POST /api/documents``
  with the token), and `load` says so instead of failing obscurely; `query`, `check`, `export` and
  `validate` say to ask the server instead of reading beside its writes;
* while `serve --workers N` reads it (read-only handles, no lock), `load`, `import-oparl` and
  `backup` refuse: stop the server, write, start it again;
* `serve --workers N` does not start while another process writes the store.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVE_FILE = "ratsgraph-serve.json"


def configure_logging() -> None:
    """Access-log lines (JSON, see health.py) on stderr; werkzeug's own request lines are dropped."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


@contextmanager
def announce(store_dir: str | Path | None, url: str, workers: int = 1) -> Iterator[None]:
    """While serving, leave a note in the store folder: which process serves it, where, and with
    how many workers (more than one: the store is read by read-only handles)."""
    configure_logging()
    note = Path(store_dir) / SERVE_FILE if store_dir else None
    if note is not None:
        info = {"pid": os.getpid(), "url": url, "workers": workers}
        note.write_text(json.dumps(info), encoding="utf-8")
    try:
        yield
    finally:
        if note is not None:
            note.unlink(missing_ok=True)


def server_of(store_dir: str | Path) -> dict[str, object] | None:
    """The server that announced itself in this store folder, if its process still runs."""
    note = Path(store_dir) / SERVE_FILE
    try:
        info = json.loads(note.read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


def in_use_message(store_dir: str | Path, error: Exception) -> str:
    """What to tell someone whose command cannot open the store because another process holds it."""
    if "lock" not in str(error).lower():
        return f"cannot open the store at {store_dir}: {error}"
    server = server_of(store_dir)
    if server:
        return (
            f"the store at {store_dir} is held by a running ratsgraph server (pid {server['pid']}, "
            f"{server['url']}); only one process can write a store. Load documents through it: "
            f"ratsgraph load --server {server['url']} FILES (token in RATSGRAPH_WRITE_TOKEN), or "
            f"POST {server['url']}/api/documents (a backup: POST {server['url']}/api/backup) — or "
            "stop the server first."
        )
    return (
        f"the store at {store_dir} is open in another process (a running ratsgraph load or serve?); "
        "only one process can write a store. Wait for it to finish, or stop it, and try again."
    )


PROBE = """
import sys, pyoxigraph as ox
try:
    (ox.Store.read_only if sys.argv[2] == "ro" else ox.Store)(sys.argv[1])
except OSError as e:
    print(e, file=sys.stderr)
    sys.exit(1)
"""


def probe(store_dir: str | Path, read_only: bool) -> OSError | None:
    """Can the store be opened? Asked in a separate process, never in this one.

    A process that is going to fork workers must not open RocksDB itself: its background threads
    do not survive the fork, and a worker's flush (every backup, a full memtable) would then wait
    for them forever.
    """
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(store_dir), "ro" if read_only else "rw"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return OSError(result.stderr.strip()) if result.returncode else None


def lock_error(store_dir: str | Path) -> OSError | None:
    """Does another process hold the store for writing? Read from RocksDB's LOCK file alone.

    `probe` opens the whole store, which costs as long as RocksDB takes to replay its log (a
    minute and more on a store written without flushing); `serve` then opened it a second time
    in its worker. Testing the lock is instant. Only for a process that does not hold the store
    itself (POSIX locks belong to the process: testing would release its own)."""
    lock = Path(store_dir) / "LOCK"
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return None  # no store yet, or never opened read-write: nobody holds it
    except OSError as e:
        return e
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        return OSError(f"IO error: lock hold by current process or another: {lock}: {e}")
    finally:
        os.close(fd)  # closing releases a lock taken here
    return None


def readers_message(store_dir: str | Path) -> str | None:
    """Why this store must not be written now: a server reads it with read-only workers."""
    server = server_of(store_dir)
    if not server or int(server.get("workers", 1)) <= 1:  # type: ignore[call-overload]
        return None
    return (
        f"the store at {store_dir} is served read-only by {server['workers']} worker processes "
        f"(pid {server['pid']}, {server['url']}); writing it beside read-only handles is undefined "
        "in pyoxigraph. Stop the server, write, and start it again — or serve with one worker, "
        f"which takes documents over HTTP (ratsgraph load --server URL)."
    )


def writer_message(store_dir: str | Path) -> str | None:
    """Why this store must not be opened read-only now: another process holds it for writing.

    Asked in a separate process (`probe`): testing RocksDB's lock from this one could release a
    lock this process holds itself (POSIX locks belong to the process, not the descriptor)."""
    if not (Path(store_dir) / "CURRENT").exists():
        return None  # no store yet: nothing to read beside
    error = probe(store_dir, read_only=False)
    if error is None or "lock" not in str(error).lower():
        return None
    server = server_of(store_dir)
    where = (
        f"a running ratsgraph server (pid {server['pid']}); ask it instead: {server['url']}/sparql "
        "or /views/…"
        if server
        else "another process (a running ratsgraph load?); wait for it to finish"
    )
    return (
        f"the store at {store_dir} is open for writing in {where}. A read-only handle beside a "
        "writer is undefined in pyoxigraph."
    )
