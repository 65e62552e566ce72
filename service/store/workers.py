"""Warm read workers: a forked child kept for the next read of ours while the store is unchanged.

A read in a child of its own (stoppable.py) pays a fork (3-5 ms at 100,000 resolutions), the
child's first writes to the server's memory (copy on write) and cold store caches, for every read:
a view's label lookup warmed nothing for its page query. A worker is forked once per state of the
store and answers reads one after the other. A read is sent to it as data (pickled: the read's
kind and text, or a function of a module and its arguments), never a closure, since the worker
was forked before the read existed. It is killed at a read's deadline like any child and
replaced; retired when the store changes (it reads the store as it was at its fork, like every
child), when it grew by half its memory limit, and it leaves by itself after `IDLE_S` without a
read or when the server's end of its pipe closes.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.store.stoppable import (
    ForkGate,
    _complete,
    _reap_later,
    await_answer,
    decode,
    gated_fork,
    limit_memory,
    outcome,
    write_all,
)

IDLE_S = 60.0  # a worker without a read this long leaves (the next read forks a new one)


@dataclass
class Worker:
    """The server's side of one worker: its process and pipes, and the store state it reads."""

    pid: int
    jobs: int  # the server writes reads here
    answers: int  # and reads the worker's answers here
    errors: int  # what the worker printed (a Rust abort says why)
    generation: Any
    data_kib: int = 0  # its heap when it was forked (the server's then)
    idle_since: float = field(default_factory=time.monotonic)

    def fds(self) -> tuple[int, int, int]:
        return self.jobs, self.answers, self.errors


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a pipe, or None at its end."""
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _serve_reads(perform: Callable[[Any], Any], jobs: int, answers: int, prime: Any) -> None:
    """The worker's loop: one framed read in, its framed outcome out, until the pipe closes or it
    idles `IDLE_S`. A spare worker first runs ``prime``, a read of a row, while nobody waits: its
    first writes to the memory it shares with the server (the copies of the pages that the
    query path touches) are made then, not during the first read someone waits for."""
    if prime is not None:
        try:
            perform(prime)
        except Exception:  # noqa: BLE001, S110 - only a warm-up; the reads report their own errors
            pass
    poller = select.poll()
    poller.register(jobs, select.POLLIN | select.POLLHUP)
    while poller.poll(IDLE_S * 1000):
        head = _read_exactly(jobs, 8)
        if head is None:
            return
        body = _read_exactly(jobs, int.from_bytes(head, "big"))
        if body is None:
            return
        job = pickle.loads(body)
        write_all(answers, outcome(lambda job=job: perform(job)))


def _data_kib(pid: int) -> int:
    """A process's heap and anonymous maps (VmData, KiB), 0 where unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:  # noqa: PTH123 - a small /proc file
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class WorkerPool:
    """Workers that run ``perform(job)`` for a store, at most ``keep`` of them idle at once.

    ``gate`` and ``stall_s`` as for `run_stoppable`; ``memory_mb`` bounds each read (a worker's
    address space may grow that much past what it inherited, and one grown by half of it is
    retired after its read, so every read finds at least half its limit free); ``prime``, a job
    a spare runs before its first read (`_serve_reads`)."""

    def __init__(
        self,
        perform: Callable[[Any], Any],
        gate: ForkGate,
        memory_mb: int | None,
        stall_s: float | None,
        keep: int = 2,
        prime: Any = None,
    ) -> None:
        self._perform = perform
        self._prime = prime
        self._gate = gate
        self._memory_mb = memory_mb
        self._stall_s = stall_s
        self._keep = keep
        self._idle: list[Worker] = []
        self._all: dict[int, Worker] = {}  # every worker alive, busy or idle (by pid)
        self._lock = threading.Lock()

    def run(
        self,
        payload: bytes,
        generation: Any,
        timeout_s: float,
        limit_s: float,
        gate_wait_s: float | None = None,
    ) -> Any:
        """The answer to one pickled job (``payload``), read as of ``generation``: its value, its
        error raised, `QueryStopped` at the deadline (the worker killed), `WriteInProgress` where
        a new worker would wait for a write longer than ``gate_wait_s``."""
        deadline = time.monotonic() + timeout_s
        worker = self._take(generation) or self._fork(generation, timeout_s, gate_wait_s, limit_s)
        received = bytearray()
        ended: int | None = None
        try:
            write_all(worker.jobs, len(payload).to_bytes(8, "big") + payload)
            ended = await_answer(
                worker.pid, worker.answers, received, deadline, limit_s, self._stall_s
            )
        except BrokenPipeError:  # it left (idle, or its memory) as the read came
            self._retire(worker, kill=True)
            raise OSError("the read worker had ended") from None
        except BaseException:
            self._retire(worker, kill=True)
            raise
        if ended is not None or not _complete(received):  # it died answering
            if ended is None:  # its end of the pipe closed: it has left or is leaving
                _, ended = os.waitpid(worker.pid, 0)
            try:
                printed = os.read(worker.errors, 1 << 16)
            except BlockingIOError:
                printed = b""
            self._forget(worker)
            return decode(received, ended, printed, self._memory_mb)
        self._give_back(worker)
        return decode(received, 0, b"", self._memory_mb)

    def spare(self, generation: Any, gate_wait_s: float = 1.0) -> None:
        """Fork an idle worker now (after a server starts or a write), so the next read does not
        wait for the fork; nothing where one for this state is idle already or a write runs."""
        with self._lock:
            if any(w.generation == generation for w in self._idle):
                return
        try:
            worker = self._fork(generation, gate_wait_s, gate_wait_s, gate_wait_s, spare=True)
        except Exception:  # noqa: BLE001 - a write came: the next read forks one
            return
        self._give_back(worker)

    def retire_stale(self, generation: Any) -> None:
        """Let go of the idle workers that read an earlier state of the store."""
        with self._lock:
            stale = [w for w in self._idle if w.generation != generation]
            self._idle = [w for w in self._idle if w.generation == generation]
        for worker in stale:
            self._retire(worker)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            self._retire(worker)

    def _take(self, generation: Any) -> Worker | None:
        """An idle worker for this state of the store (the latest idle first: its caches are the
        warmest), the stale and the departed ones let go."""
        self.retire_stale(generation)
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    return None
                worker = self._idle.pop()
            if now - worker.idle_since < IDLE_S - 1 and os.waitpid(worker.pid, os.WNOHANG)[0] == 0:
                return worker
            self._retire(worker)

    def _fork(
        self,
        generation: Any,
        timeout_s: float,
        gate_wait_s: float | None,
        limit_s: float,
        spare: bool = False,
    ) -> Worker:
        jobs_r, jobs_w = os.pipe()
        answers_r, answers_w = os.pipe()
        errors_r, errors_w = os.pipe()
        with self._lock:  # the other workers' ends, which this one must not hold open
            others = [fd for w in self._all.values() for fd in w.fds()]
        try:
            pid = gated_fork(self._gate, timeout_s, gate_wait_s, limit_s)
        except BaseException:
            for fd in (jobs_r, jobs_w, answers_r, answers_w, errors_r, errors_w):
                os.close(fd)
            raise
        if pid == 0:  # pragma: no cover - the worker, which leaves inside
            code = 0
            try:
                for fd in (jobs_w, answers_r, errors_r, *others):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                os.dup2(errors_w, 2)
                if self._memory_mb:
                    limit_memory(self._memory_mb)
                _serve_reads(self._perform, jobs_r, answers_w, self._prime if spare else None)
            except BaseException:  # noqa: BLE001 - nothing may escape a forked child
                code = 1
            finally:
                os._exit(code)
        for fd in (jobs_r, answers_w, errors_w):
            os.close(fd)
        os.set_blocking(errors_r, False)
        worker = Worker(pid, jobs_w, answers_r, errors_r, generation, _data_kib(pid))
        with self._lock:
            self._all[pid] = worker
        return worker

    def _give_back(self, worker: Worker) -> None:
        grown_kib = _data_kib(worker.pid) - worker.data_kib
        if self._memory_mb and grown_kib * 2 > self._memory_mb * 1024:
            self._retire(worker)
            return
        worker.idle_since = time.monotonic()
        with self._lock:
            self._idle.append(worker)
            extra = self._idle[: -self._keep] if len(self._idle) > self._keep else []
            del self._idle[: len(extra)]
        for old in extra:
            self._retire(old)

    def _retire(self, worker: Worker, kill: bool = False) -> None:
        """Close the server's ends (a worker reading its pipe's end leaves); reaped by a thread."""
        if kill:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._forget(worker)
        _reap_later(worker.pid)

    def _forget(self, worker: Worker) -> None:
        with self._lock:
            self._all.pop(worker.pid, None)
        for fd in worker.fds():
            try:
                os.close(fd)
            except OSError:
                pass
