"""Where OParl objects come from: a live endpoint over HTTP, or a folder in the dump's layout.

Both give the same thing: OParl 1.1 objects by type, in the order the mapping needs them
(committees before meetings before papers before files), and a file's text. Over HTTP lists are
followed page by page through their ``next`` links, with ``modified_since`` for incremental runs,
time-outs, retries with exponential backoff for time-outs, 429 and 5xx answers (waiting as long as
a ``Retry-After`` header asks, up to five minutes), and at most ``max_rate`` requests a second, so
an import does not hammer a council's server.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from loader.oparl_legacy import Resolver, type_name, upgrade

USER_AGENT = "ratsgraph-oparl-import/0.1 (+https://w3id.org/ratsgraph)"
# The lists of an OParl 1.1 Body, in the order the mapping needs them.
BODY_LISTS = (
    ("organization", "Organization"),
    ("person", "Person"),
    ("membership", "Membership"),
    ("meeting", "Meeting"),
    ("paper", "Paper"),
    ("file", "File"),
)


class FetchError(Exception):
    """A URL (or file) that could not be read; the message names it and says why."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}")


class Http:
    """GET with a time-out, retries and a pace; ``sleep`` and ``clock`` are injectable so waiting
    costs nothing in tests."""

    def __init__(
        self,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        max_rate: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        max_retry_after: float = 300.0,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0  # 0: no pace
        self.clock = clock
        self.max_retry_after = max_retry_after
        self.requests = 0
        self._last: float | None = None  # when the last request started

    def _pace(self) -> None:
        """Wait until ``min_interval`` has passed since the last request started."""
        if self.min_interval and self._last is not None:
            wait = self._last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def get(self, url: str) -> bytes:
        last = "no attempt made"
        asked: float | None = None  # the wait a Retry-After header asked for
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(asked if asked is not None else self.backoff * 2 ** (attempt - 1))
            asked = None
            self._pace()
            self.requests += 1
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code} {e.reason}"
                if e.code != 429 and e.code < 500:
                    break  # the server says the request is wrong: asking again will not help
                asked = retry_after(e.headers.get("Retry-After"), self.max_retry_after)
            except TimeoutError:
                last = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as e:
                last = f"cannot connect: {e.reason}"
            except OSError as e:
                last = f"connection failed: {e}"
        tries = f" (after {attempt + 1} attempts)" if attempt else ""
        raise FetchError(url, last + tries)

    def get_json(self, url: str) -> Any:
        data = self.get(url)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise FetchError(url, f"not JSON: {e}") from e


def retry_after(value: str | None, cap: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), at most ``cap``;
    None when there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(0.0, when.timestamp() - time.time()), cap)


def with_query(url: str, **params: str) -> str:
    """``url`` with query parameters added (kept if the URL already has some).

    >>> with_query("http://x/papers?page=2", modified_since="2024-01-01T00:00:00+00:00")
    'http://x/papers?page=2&modified_since=2024-01-01T00%3A00%3A00%2B00%3A00'
    """
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class HttpSource:
    """An OParl endpoint: the System object's URL, its bodies and their paginated lists."""

    def __init__(self, system_url: str, http: Http | None = None) -> None:
        self.url = system_url
        self.http = http or Http()
        self.failures: list[FetchError] = []  # pages that could not be read: the run is incomplete

    def bodies(self) -> list[dict[str, Any]]:
        system = self.http.get_json(self.url)
        if type_name(system) == "Body":
            return [system]
        if type_name(system) != "System" or not system.get("body"):
            raise FetchError(self.url, "not an OParl System object (no type System, no body list)")
        return list(self.pages(system["body"], None))

    def pages(self, url: str, modified_since: str | None) -> Iterator[Any]:
        """Every item of a paginated list; a page that fails ends the list and is remembered."""
        next_url: str | None = with_query(url, modified_since=modified_since or "")
        seen: set[str] = set()
        while next_url and next_url not in seen:
            seen.add(next_url)
            try:
                page = self.http.get_json(next_url)
            except FetchError as e:
                self.failures.append(e)
                return
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                self.failures.append(FetchError(next_url, "not an OParl list page (no data array)"))
                return
            yield from page["data"]
            links = page.get("links") if isinstance(page.get("links"), dict) else {}
            next_url = links.get("next")

    def objects(self, body: dict[str, Any], since: str | None) -> Iterator[tuple[str, Any]]:
        for key, kind in BODY_LISTS:
            if isinstance(body.get(key), str):
                for obj in self.pages(body[key], since):
                    yield kind, obj

    def fetch(self, oparl_id: str) -> Any:
        return self.http.get_json(oparl_id)

    def file_bytes(self, obj: dict[str, Any]) -> bytes | None:
        for key in ("accessUrl", "downloadUrl"):
            if isinstance(obj.get(key), str):
                return self.http.get(obj[key])
        return None


class FolderSource:
    """A dump in the corpus layout: ``gremien/ meetings/ vorlagen/ files/`` (any folder names work,
    objects are sorted by their ``type``), files' text in ``files/<id>.txt`` beside ``<id>.json``."""

    ORDER = ("Body", "Organization", "Person", "Membership", "Meeting", "Paper", "File")

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FetchError(str(self.root), "no such folder")
        self.failures: list[FetchError] = []
        self._objects: list[tuple[Path, dict[str, Any]]] = []
        for path in sorted(self.root.rglob("*.json")):
            try:
                obj = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                self.failures.append(FetchError(str(path), f"not readable JSON: {e}"))
                continue
            self._objects.append((path, obj))
        self.resolve = Resolver.learn(obj for _, obj in self._objects)
        self._paths: dict[int, Path] = {}

    def bodies(self) -> list[dict[str, Any]]:
        return [{}]  # the dump's lists are its folders

    def objects(self, body: dict[str, Any], since: str | None) -> Iterator[tuple[str, Any]]:
        ranked = sorted(
            ((self.ORDER.index(type_name(o)) if type_name(o) in self.ORDER else 99, p, o))
            for p, o in self._objects
        )
        for _, path, obj in ranked:
            kind = type_name(obj)
            upgraded = upgrade(obj, self.resolve) if kind else obj
            self._paths[id(upgraded)] = path
            yield (kind or "?"), (upgraded if kind else {**obj, "_path": str(path)})

    def text_of(self, obj: dict[str, Any]) -> bytes | None:
        path = self._paths.get(id(obj))
        txt = path.with_suffix(".txt") if path else None
        return txt.read_bytes() if txt and txt.is_file() else None

    def fetch(self, oparl_id: str) -> Any:
        raise FetchError(oparl_id, "a folder import reads every object; nothing to fetch")

    def file_bytes(self, obj: dict[str, Any]) -> bytes | None:
        return None


__all__ = ["FetchError", "FolderSource", "Http", "HttpSource", "with_query"]
