"""Fetching from an OParl server politely: at most so many requests a second, and as long a wait as
a busy server asks for (``Retry-After``) before asking again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.ingest.oparl_sources import Http, retry_after


@pytest.fixture
def server() -> Iterator[str]:
    """A loopback server: ``/ok`` answers, ``/busy`` answers 429 (Retry-After: 7) the first time."""
    asked: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            busy = self.path == "/busy" and self.path not in asked
            asked.add(self.path)
            self.send_response(429 if busy else 200)
            if busy:
                self.send_header("Retry-After", "7")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_requests_keep_the_pace_the_import_was_given(server: str) -> None:
    waits: list[float] = []
    http = Http(max_rate=2.0, sleep=waits.append, clock=lambda: 100.0)  # time stands still
    assert [http.get(server + "/ok") for _ in range(3)] == [b"ok"] * 3
    assert waits == [0.5, 0.5]  # two requests a second: half a second before each after the first


def test_without_a_rate_requests_do_not_wait(server: str) -> None:
    waits: list[float] = []
    http = Http(sleep=waits.append, clock=lambda: 100.0)
    assert [http.get(server + "/ok") for _ in range(3)] == [b"ok"] * 3
    assert waits == []


def test_a_busy_server_is_asked_again_after_the_wait_it_names(server: str) -> None:
    waits: list[float] = []
    http = Http(backoff=1.0, sleep=waits.append)
    assert http.get(server + "/busy") == b"ok"
    assert (waits, http.requests) == ([7.0], 2)  # its Retry-After, not the 1 s backoff


def test_retry_after_reads_seconds_and_dates_and_caps_them() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert retry_after("120", cap=300.0) == 120.0
    assert retry_after("86400", cap=300.0) == 300.0  # a day is too long to wait in an import
    assert 50.0 < (retry_after(soon, cap=300.0) or 0.0) <= 60.0
    assert retry_after("soon", cap=300.0) is None
    assert retry_after(None, cap=300.0) is None
