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
import queue
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def outcome(fn: Callable[[], Any]) -> bytes:
    """Run ``fn`` and frame what came of it for the parent: 8 bytes of length, then the pickled
    answer or error (`decode` turns it back)."""
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
    # length first: the parent stops reading when it has it all, not at an end of file that a
    # sibling child (forked meanwhile, holding a copy of this pipe's end) may delay for long
    return len(payload).to_bytes(8, "big") + payload


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child(
    fn: Callable[[], Any], write_fd: int, err_fd: int, memory_mb: int | None, nice: int
) -> None:
    """In the forked child: run, pickle the answer or the error, write it, and leave at once."""
    code = 0
    try:
        os.dup2(err_fd, 2)  # what an abort prints (e.g. Rust's "memory allocation … failed")
        if memory_mb:
            limit_memory(memory_mb)
        if nice:
            os.nice(nice)
        write_all(write_fd, outcome(fn))
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


class ForkGate:
    """No fork while a write runs, and no write starving the forks.

    A child forked while another thread writes may inherit a store lock held mid-write and wait
    for it forever, so forks and writes exclude each other. A plain lock let a busy writer (one
    upload after another) take it again and again while readers waited out their whole time
    limit; here a write waits for the forks already waiting (each takes milliseconds), so
    readers come first. ``acquire``/``release`` are the fork's side, `writing` the writer's."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting = 0  # forks waiting for a write to end
        self._forking = 0
        self._writing = False

    def acquire(self, timeout: float) -> bool:
        with self._cond:
            self._waiting += 1
            try:
                if not self._cond.wait_for(lambda: not self._writing, timeout=timeout):
                    return False
            finally:
                self._waiting -= 1
            self._forking += 1
            return True

    def release(self) -> None:
        with self._cond:
            self._forking -= 1
            self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(
                lambda: not self._waiting and not self._forking and not self._writing
            )
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class WriteInProgress(Exception):
    """A write held the gate for longer than the caller would wait: no child was forked."""


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


def _complete(received: bytearray) -> bool:
    """Has the whole answer arrived (8 bytes of length, then as many bytes)?"""
    return len(received) >= 8 and len(received) >= 8 + int.from_bytes(received[:8], "big")


def _drain(fd: int) -> bytes:
    """What is left in a pipe now, without waiting."""
    os.set_blocking(fd, False)
    data = bytearray()
    try:
        while chunk := os.read(fd, 1 << 20):
            data += chunk
    except BlockingIOError:
        pass
    return bytes(data)


_reaping: tuple[int, queue.SimpleQueue[int]] | None = None  # this process's reaper and its queue
_reaping_lock = threading.Lock()


def _reap_later(pid: int) -> None:
    """Have a child that sent its whole answer waited for by one reaper thread (started once per
    process: a forked worker has none of its parent's threads), so it does not stay a zombie;
    a thread per child cost ~4 ms to start, as much as the fork."""
    global _reaping
    with _reaping_lock:
        if _reaping is None or _reaping[0] != os.getpid():
            pids: queue.SimpleQueue[int] = queue.SimpleQueue()
            threading.Thread(target=_reaper, args=(pids,), daemon=True, name="reap").start()
            _reaping = (os.getpid(), pids)
        _reaping[1].put(pid)


def _reaper(pids: queue.SimpleQueue[int]) -> None:
    while True:
        try:
            os.waitpid(pids.get(), 0)
        except ChildProcessError:
            pass


def run_stoppable(
    fn: Callable[[], T],
    timeout_s: float,
    limit_s: float | None = None,
    gate: ForkGate | None = None,
    stall_s: float | None = None,
    memory_mb: int | None = None,
    nice: int = 0,
    gate_wait_s: float | None = None,
    demote_after_s: float | None = None,
    on_long: Callable[[], None] | None = None,
) -> T:
    """Run ``fn`` in a forked child; its result, its error re-raised, or QueryStopped at the deadline.

    ``limit_s`` is the limit named in the message when ``timeout_s`` is what is left of it. ``gate``
    is held while forking: the writer holds it too, so no child starts with a store lock held by a
    write in another thread (a child forked beside a write was seen to hang, spinning, until its
    limit). With ``gate_wait_s``, a write holding it longer raises `WriteInProgress` instead, so
    the caller may run a read of its own in the thread rather than wait for the write. A fork can
    also catch a lock held
    by one of the store's own background threads (rare: once in ~1,000 queries under constant
    writes); with ``stall_s``, a child that used no CPU for that long is killed and `Stalled` raised,
    so the caller can fork afresh. (Only for local stores: a remote query idles on the network.)
    ``memory_mb`` bounds what the child may allocate beyond what it inherited (`limit_memory`);
    past it the child dies or fails, and `QueryOutOfMemory` is raised. ``nice`` lowers the
    child's CPU priority: anyone's queries yield the cores to the service's own views and pages;
    past ``demote_after_s`` of CPU time (or five times that on the clock) the child drops to the
    lowest priority, so a query that
    runs long yields to the short ones, too; ``on_long`` is called then (it may raise to stop
    the child).
    """
    if not hasattr(os, "fork"):  # pragma: no cover - no fork (Windows): limits are not enforced
        return fn()
    deadline = time.monotonic() + timeout_s
    read_fd, write_fd = os.pipe()
    err_read, err_write = os.pipe()
    try:
        pid = gated_fork(gate, timeout_s, gate_wait_s, limit_s)
    except BaseException:
        for fd in (read_fd, write_fd, err_read, err_write):
            os.close(fd)
        raise
    if pid == 0:  # pragma: no cover - runs in the child, which exits inside _child
        os.close(read_fd)
        os.close(err_read)
        _child(fn, write_fd, err_write, memory_mb, nice)
    os.close(write_fd)
    os.close(err_write)
    os.set_blocking(err_read, False)
    received = bytearray()
    ended: int | None = None
    try:
        ended = await_answer(
            pid, read_fd, received, deadline, limit_s or timeout_s, stall_s, demote_after_s, on_long
        )
    finally:
        os.close(read_fd)
        printed = b""
        if ended is None and _complete(received):
            # the whole answer is here: the child leaves by itself, and its exit (unmapping what
            # it inherited of the server's memory: 5-10 ms at 100,000 resolutions) is waited
            # for by a thread, not by the request
            _reap_later(pid)
            ended = 0
        if ended is None:
            _, ended = os.waitpid(pid, 0)
            try:
                printed = os.read(err_read, 1 << 16)
            except BlockingIOError:
                pass
        os.close(err_read)
    return decode(received, ended, printed, memory_mb)


def gated_fork(
    gate: ForkGate | None, timeout_s: float, gate_wait_s: float | None, limit_s: float | None
) -> int:
    """``os.fork()`` while ``gate`` keeps writes out (see `run_stoppable`): `WriteInProgress` when
    a write holds it past ``gate_wait_s``, `QueryStopped` past ``timeout_s``."""
    if gate is not None:
        wait = timeout_s if gate_wait_s is None else min(gate_wait_s, timeout_s)
        if not gate.acquire(timeout=wait):
            if gate_wait_s is not None:
                raise WriteInProgress()
            raise QueryStopped(limit_s or timeout_s)
    pid = -1
    try:
        pid = os.fork()
    finally:
        if gate is not None and pid != 0:
            gate.release()
    return pid


def await_answer(
    pid: int,
    read_fd: int,
    received: bytearray,
    deadline: float,
    limit_s: float,
    stall_s: float | None = None,
    demote_after_s: float | None = None,
    on_long: Callable[[], None] | None = None,
) -> int | None:
    """Read a child's answer into ``received`` until it is whole; the child's exit status where it
    ended without (None while it runs). At the deadline, or when it stalls (`Stalled`), the child
    is killed and the error raised; the caller closes the pipe and reaps the child."""
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP)
    watch_at, ticks = time.monotonic() + (stall_s or 0), progress(pid)
    # CPU time: on a busy machine a short query may wait for a core; but also time on the clock
    # (5x), as a query starved of CPU would otherwise keep its slot to the end of its limit
    demote_at = demote_after_s * os.sysconf("SC_CLK_TCK") if demote_after_s is not None else None
    demote_by = time.monotonic() + 5 * demote_after_s if demote_after_s is not None else None
    while not _complete(received):
        if demote_at is not None and (
            (cpu_ticks(pid) or 0) >= demote_at or time.monotonic() >= demote_by  # type: ignore[operator]
        ):
            demote_at = None
            try:
                os.setpriority(os.PRIO_PROCESS, pid, 19)
            except OSError:
                pass  # it ended meanwhile
            if on_long is not None:
                try:
                    on_long()
                except BaseException:
                    os.kill(pid, signal.SIGKILL)
                    raise
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            raise QueryStopped(limit_s)
        if poller.poll(min(left, stall_s or 1.0, 1.0) * 1000):
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            received += chunk
            continue
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:  # it ended, and no end of file came: a sibling holds the pipe open
            received += _drain(read_fd)
            return status
        if stall_s and not received and time.monotonic() >= watch_at:
            now = progress(pid)
            if now is not None and now == ticks:
                os.kill(pid, signal.SIGKILL)
                raise Stalled()
            watch_at, ticks = time.monotonic() + stall_s, now
    return None


def decode(received: bytes, ended: int, printed: bytes, memory_mb: int | None) -> Any:
    """What a child's framed answer (`outcome`) says: its value, or its error raised here as the
    child raised it; a child that died without a whole answer (``ended``: its exit status,
    ``printed``: what it wrote to stderr) as `QueryOutOfMemory`, `QueryCrashed` or OSError."""
    if not os.WIFEXITED(ended) or os.WEXITSTATUS(ended) != 0:  # died before or while answering
        if memory_mb and any(sign in printed for sign in OUT_OF_MEMORY):
            raise QueryOutOfMemory(memory_mb)
        if os.WIFSIGNALED(ended) and os.WTERMSIG(ended) != signal.SIGKILL:
            name = signal.Signals(os.WTERMSIG(ended)).name
            raise QueryCrashed(f"{name}: {printed.decode('utf-8', 'replace').strip()[:200]}")
    if not _complete(received):
        raise OSError("the query process ended without an answer")
    kind, *rest = pickle.loads(received[8:])
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
