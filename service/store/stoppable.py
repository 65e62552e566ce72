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
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from service.errors import UserError

T = TypeVar("T")
GATE_WAIT_S = 0.05  # how long a fork waits for a running write before it forks beside it


class QueryStopped(UserError):
    """The query ran into its time limit and was stopped (503: the client may retry a narrower one)."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"the query was stopped after the time limit of {timeout_s:g} s; narrow it down (more "
            "specific patterns, a LIMIT) or ask for a lower cost; token holders may raise the limit "
            "with the 'timeout' parameter",
            503,
        )


class QueryOutOfMemory(UserError):
    """The query needed more memory than its limit: its process was stopped (503, as for time)."""

    def __init__(self, memory_mb: int) -> None:
        super().__init__(
            f"the query was stopped: it needed more than the memory limit of {memory_mb} MB; narrow "
            "it down (more specific patterns, a LIMIT, no ORDER BY or GROUP BY over everything)",
            503,
        )


class QueryCrashed(UserError):
    """The query's process died without an answer for another reason (a signal, a Rust abort)."""

    def __init__(self, how: str) -> None:
        super().__init__(
            f"the query process ended without an answer ({how}); it was not retried", 503
        )


OUT_OF_MEMORY = (b"memory allocation of", b"MemoryError", b"Cannot allocate memory")


def _own_memory_kib() -> tuple[int, int]:
    """This process's address space and data segment now (VmSize, VmData in KiB; Linux)."""
    size = data = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            size = int(line.split()[1])
        elif line.startswith("VmData:"):
            data = int(line.split()[1])
    return size, data


def limit_memory(memory_mb: int) -> None:
    """Let this (forked) process grow by at most ``memory_mb`` beyond what it inherited.

    A fork inherits the server's whole address space (its thread stacks, the store's caches), so the
    limit is set above what is mapped now: RLIMIT_AS bounds every mapping, RLIMIT_DATA the heap and
    anonymous maps. An allocation past it fails; Rust then aborts, Python raises MemoryError."""
    size_kib, data_kib = _own_memory_kib()
    extra = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size_kib * 1024 + extra, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_DATA, (data_kib * 1024 + extra, resource.RLIM_INFINITY))


def _child(fn: Callable[[], Any], write_fd: int, err_fd: int, memory_mb: int | None) -> None:
    """In the forked child: run, pickle the answer or the error, write it, and leave at once."""
    code = 0
    try:
        os.dup2(err_fd, 2)  # what an abort prints (e.g. Rust's "memory allocation … failed")
        if memory_mb:
            limit_memory(memory_mb)
        try:
            payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", "", 503))
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
    memory_mb: int | None = None,
) -> T:
    """Run ``fn`` in a forked child; its result, its error re-raised, or QueryStopped at the deadline.

    ``limit_s`` is the limit named in the message when ``timeout_s`` is what is left of it. ``gate``
    is held while forking: the writer holds it too, so no child starts with a store lock held by a
    write in another thread (a child would wait for it forever) — but it is waited for only
    ``GATE_WAIT_S``: a long write (a big document) must not stop every read, so past that the child
    is forked beside the write, and the stall watch below catches the rare child that inherited a
    lock mid-use. A fork can also catch a lock held
    by one of the store's own background threads (rare: once in ~1,000 queries under constant
    writes); with ``stall_s``, a child that used no CPU for that long is killed and `Stalled` raised,
    so the caller can fork afresh. (Only for local stores: a remote query idles on the network.)
    ``memory_mb`` bounds what the child may allocate beyond what it inherited (`limit_memory`);
    past it the child dies or fails, and `QueryOutOfMemory` is raised.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - no fork (Windows): limits are not enforced
        return fn()
    deadline = time.monotonic() + timeout_s
    read_fd, write_fd = os.pipe()
    err_read, err_write = os.pipe()
    gated = gate is not None and gate.acquire(timeout=min(GATE_WAIT_S, timeout_s))
    pid = -1
    try:
        pid = os.fork()
    finally:
        if gated and pid != 0:
            gate.release()  # type: ignore[union-attr]
    if pid == 0:  # pragma: no cover - runs in the child, which exits inside _child
        os.close(read_fd)
        os.close(err_read)
        _child(fn, write_fd, err_write, memory_mb)
    os.close(write_fd)
    os.close(err_write)
    os.set_blocking(err_read, False)
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
        _, ended = os.waitpid(pid, 0)
        try:
            printed = os.read(err_read, 1 << 16)
        except BlockingIOError:
            printed = b""
        os.close(err_read)
    if not os.WIFEXITED(ended) or os.WEXITSTATUS(ended) != 0:  # died before or while answering
        if memory_mb and any(sign in printed for sign in OUT_OF_MEMORY):
            raise QueryOutOfMemory(memory_mb)
        if os.WIFSIGNALED(ended) and os.WTERMSIG(ended) != signal.SIGKILL:
            name = signal.Signals(os.WTERMSIG(ended)).name
            raise QueryCrashed(f"{name}: {printed.decode('utf-8', 'replace').strip()[:200]}")
    if not chunks:
        raise OSError("the query process ended without an answer")
    kind, *rest = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return rest[0]
    message, status = rest
    if kind == "memory":
        raise QueryOutOfMemory(memory_mb or 0)
    if kind == "syntax":
        raise SyntaxError(message)
    if kind == "value":
        raise UserError(message, 400)
    if kind == "os":
        raise OSError(message)
    if kind == "user":
        raise UserError(message, status)
    raise RuntimeError(f"query failed in its process: {message}")
