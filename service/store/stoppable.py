"""Running one read where it can be stopped: a forked child, SIGKILLed at its deadline.

pyoxigraph cannot cancel a running query from Python, so a thread that ran past its limit would keep
burning a core for as long as the query likes (jena#3535, oxigraph#1336 are users hit by exactly
that). A forked child sees the store as it was at the fork — the parent's open handle, with no
reopening and no stale snapshot — runs the read, sends the answer back through a pipe and leaves with
``os._exit``, so it never flushes or closes the parent's store; at the deadline the parent SIGKILLs
it. Works for any store object: embedded, in memory, remote (killing the child closes its
connection). Measured: a fork of the serving process costs ~5-15 ms.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from service.errors import UserError

T = TypeVar("T")


class QueryStopped(UserError):
    """The query ran into its time limit and was stopped (503: the client may retry a narrower one)."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"the query was stopped after the time limit of {timeout_s:g} s; narrow it down (more "
            "specific patterns, a LIMIT) or ask for a lower cost; token holders may raise the limit "
            "with the 'timeout' parameter",
            503,
        )


def _child(fn: Callable[[], Any], write_fd: int) -> None:
    """In the forked child: run, pickle the answer or the error, write it, and leave at once."""
    code = 0
    try:
        try:
            payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except UserError as e:
            payload = pickle.dumps(("user", e.message, e.status))
        except SyntaxError as e:
            payload = pickle.dumps(("syntax", str(e), 400))
        except ValueError as e:
            payload = pickle.dumps(("value", str(e), 400))
        except OSError as e:
            payload = pickle.dumps(("os", str(e), 503))
        except BaseException as e:  # noqa: BLE001 - reported to the parent, which logs it
            payload = pickle.dumps(("internal", f"{type(e).__name__}: {e}", 500))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


class Stalled(Exception):
    """The child neither computed nor read for a whole stall period: it waits on a lock it
    inherited, forever."""


def progress(pid: int) -> tuple[int, int] | None:
    """What a working child changes: its CPU ticks and the bytes it has read (a query over a store
    that is not in the page cache waits on the disk, using no CPU for seconds while it reads)."""
    ticks = cpu_ticks(pid)
    if ticks is None:
        return None
    try:
        io = Path(f"/proc/{pid}/io").read_text()
        read = next(int(line.split()[1]) for line in io.splitlines() if line.startswith("rchar:"))
    except (OSError, StopIteration, ValueError, IndexError):
        read = 0
    return ticks, read


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU time of a process in clock ticks (Linux), None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def run_stoppable(
    fn: Callable[[], T],
    timeout_s: float,
    limit_s: float | None = None,
    gate: threading.Lock | None = None,
    stall_s: float | None = None,
) -> T:
    """Run ``fn`` in a forked child; its result, its error re-raised, or QueryStopped at the deadline.

    ``limit_s`` is the limit named in the message when ``timeout_s`` is what is left of it. ``gate``
    is held while forking: the writer holds it too, so no child starts with a store lock held by a
    write in another thread (a child would wait for it forever). A fork can still catch a lock held
    by one of the store's own background threads (rare: once in ~1,000 queries under constant
    writes); with ``stall_s``, a child that used no CPU for that long is killed and `Stalled` raised,
    so the caller can fork afresh. (Only for local stores: a remote query idles on the network.)
    """
    if not hasattr(os, "fork"):  # pragma: no cover - no fork (Windows): limits are not enforced
        return fn()
    deadline = time.monotonic() + timeout_s
    read_fd, write_fd = os.pipe()
    if gate is not None:
        if not gate.acquire(timeout=timeout_s):
            os.close(read_fd)
            os.close(write_fd)
            raise QueryStopped(limit_s or timeout_s)
    pid = -1
    try:
        pid = os.fork()
    finally:
        if gate is not None and pid != 0:
            gate.release()
    if pid == 0:  # pragma: no cover - runs in the child, which exits inside _child
        os.close(read_fd)
        _child(fn, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP)
    watch_at, ticks = time.monotonic() + (stall_s or 0), progress(pid)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise QueryStopped(limit_s or timeout_s)
            if poller.poll(min(left, stall_s or 1.0, 1.0) * 1000):
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            elif stall_s and not chunks and time.monotonic() >= watch_at:
                now = progress(pid)
                if now is not None and now == ticks:
                    os.kill(pid, signal.SIGKILL)
                    raise Stalled()
                watch_at, ticks = time.monotonic() + stall_s, now
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    if not chunks:
        raise OSError("the query process ended without an answer")
    kind, *rest = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return rest[0]
    message, status = rest
    if kind == "syntax":
        raise SyntaxError(message)
    if kind == "value":
        raise UserError(message, 400)
    if kind == "os":
        raise OSError(message)
    if kind == "user":
        raise UserError(message, status)
    raise RuntimeError(f"query failed in its process: {message}")
