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

from loader.oparl_body import body_slug, reference_body_of
from loader.oparl_legacy import Resolver, local_id, type_name, upgrade

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

    def __init__(self, where: str, message: str, status: int | None = None) -> None:
        self.where = where
        self.reason = message
        self.status = status  # the HTTP status when the server answered
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
        status: int | None = None
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
                last, status = f"HTTP {e.code} {e.reason}", e.code
                if e.code != 429 and e.code < 500:
                    break  # the server says the request is wrong: asking again will not help
                asked = retry_after(e.headers.get("Retry-After"), self.max_retry_after)
            except TimeoutError:
                status = None
                last = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as e:
                status = None
                last = f"cannot connect: {e.reason}"
            except OSError as e:
                status = None
                last = f"connection failed: {e}"
        tries = f" (after {attempt + 1} attempts)" if attempt else ""
        raise FetchError(url, last + tries, status)

    def get_json(self, url: str) -> Any:
        return lenient_json(self.get(url), url)


def lenient_json(data: bytes, where: str) -> Any:
    r"""JSON as OParl servers write it: raw control characters inside strings (a paper title
    pasted from a word processor) are read, not refused, and text that is not UTF-8 is read as
    Windows-1252, as the ecosystem's importers do.

    >>> lenient_json(b'{"name": "GmbH\x0b(neu)"}', "x")
    {'name': 'GmbH\x0b(neu)'}
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as e:
        raise FetchError(where, f"not JSON: {e}") from e


def list_items(page: Any) -> tuple[list[Any], str | None, str | None]:
    """The items of a list page, its next page, and a note when it was not a proper list page:
    an array instead of a page, or a single object where a list was expected."""
    if isinstance(page, list):
        return page, None, "a JSON array where an OParl list page was expected"
    if isinstance(page, dict) and isinstance(page.get("data"), list):
        links = page.get("links") if isinstance(page.get("links"), dict) else {}
        nxt = links.get("next")
        return page["data"], nxt if isinstance(nxt, str) else None, None
    if isinstance(page, dict) and page.get("id") and page.get("type"):
        return [page], None, "a single object where an OParl list page was expected"
    return [], None, "not an OParl list page (no data array)"


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


def _since_url(url: str, since: str | None, form: str) -> str:
    """A list's URL asking for what changed since ``since``, in the form the server takes."""
    if not since or form == "none":
        return url
    if form == "raw":
        return f"{url}{'&' if '?' in url else '?'}modified_since={since}"
    return with_query(url, modified_since=since)


class HttpSource:
    """An OParl endpoint: the System object's URL (or a Body's), its bodies and their lists."""

    def __init__(self, system_url: str, http: Http | None = None) -> None:
        self.url = system_url
        self.http = http or Http()
        self.failures: list[FetchError] = []  # pages that could not be read: the run is incomplete
        self.warnings: list[tuple[str, str]] = []  # quirks worked around
        # how the server takes modified_since: "encoded" (as it should), "raw" (Somacos), "none"
        self.since_form = "encoded"

    def key(self, body: dict[str, Any]) -> str:
        """What the import state of a body is kept under: its URL."""
        return str(body.get("id") or self.url)

    def bodies(self) -> list[dict[str, Any]]:
        system = self.http.get_json(self.url)
        if type_name(system) == "Body":
            return [system]
        if type_name(system) != "System" or not system.get("body"):
            raise FetchError(self.url, "not an OParl System object (no type System, no body list)")
        if isinstance(system["body"], list):  # bodies written out in the System
            return [b for b in system["body"] if isinstance(b, dict)]
        return [b for b in self.pages(system["body"], None) if type_name(b) == "Body"]

    def pages(self, url: str, modified_since: str | None) -> Iterator[Any]:
        """Every item of a paginated list; a page that fails ends the list and is remembered.

        A server that refuses ``modified_since`` (4xx on the first page) is asked again with the
        value unencoded (Somacos reads only that form), then for the whole list: slower, but the
        import goes on (unchanged objects are not written again). What worked is kept in
        ``since_form`` for the next lists and runs."""
        form = self.since_form if modified_since else "none"
        next_url: str | None = _since_url(url, modified_since, form)
        seen: set[str] = set()
        first = True
        while next_url and next_url not in seen:
            seen.add(next_url)
            current = next_url
            try:
                page = self.http.get_json(current)
            except FetchError as e:
                refused = e.status is not None and 400 <= e.status < 500 and e.status != 429
                if first and modified_since and refused and form != "none":
                    self.since_form = "raw" if form == "encoded" else "none"
                    if self.since_form == "none":
                        self.warnings.append(
                            (
                                current,
                                f"the server refuses modified_since ({e.reason}): listing everything",
                            )
                        )
                    yield from self.pages(url, modified_since)
                    return
                self.failures.append(e)
                return
            first = False
            items, next_url, note = list_items(page)
            if note and not items and not isinstance(page, list):
                self.failures.append(FetchError(current, note))
                return
            if note:
                self.warnings.append((current, note))
            yield from items

    def objects(self, body: dict[str, Any], since: str | None) -> Iterator[tuple[str, Any]]:
        for key, kind in BODY_LISTS:
            if isinstance(body.get(key), str):
                for obj in self.pages(body[key], since):
                    yield kind, obj
            elif isinstance(body.get(key), list | dict):  # a list written out in the Body
                items = body[key] if isinstance(body[key], list) else [body[key]]
                for obj in items:
                    yield kind, obj

    def fetch(self, oparl_id: str) -> Any:
        return self.http.get_json(oparl_id)

    def file_bytes(self, obj: dict[str, Any]) -> bytes | None:
        for key in ("accessUrl", "downloadUrl"):
            if isinstance(obj.get(key), str) and obj[key].strip():
                return self.http.get(obj[key])
        return None


class FolderSource:
    """A dump folder: one object per file (``gremien/ meetings/ vorlagen/ files/``, any names),
    files holding an array of objects or a list page, objects embedded in others; sorted by
    their ``type``. A file's text is ``<id>.txt`` beside ``<id>.json`` (or anywhere in the dump)."""

    ORDER = (
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "Paper",
        "Consultation",
        "File",
    )

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FetchError(str(self.root), "no such folder")
        self.failures: list[FetchError] = []
        self.warnings: list[tuple[str, str]] = []
        self._objects: list[tuple[Path, dict[str, Any]]] = []
        for path in sorted(self.root.rglob("*.json")):
            try:
                data = lenient_json(path.read_bytes(), str(path))
            except (OSError, FetchError) as e:
                self.failures.append(FetchError(str(path), f"not readable JSON: {e}"))
                continue
            items = [data] if type_name(data) else list_items(data)[0]
            self._objects += [(path, o) for o in items if isinstance(o, dict)]
        self.resolve = Resolver.learn(obj for _, obj in self._objects)
        self._texts = {p.stem: p for p in sorted(self.root.rglob("*.txt"))}
        self._paths: dict[int, Path] = {}

    def key(self, body: dict[str, Any]) -> str:
        return "folder:" + str(self.root.resolve())

    def bodies(self) -> list[dict[str, Any]]:
        return [{}]  # the dump's lists are its folders

    def has_files(self) -> bool:
        """Whether the dump holds File objects of its own (else its files are inside others)."""
        return any(type_name(o) == "File" for _, o in self._objects)

    def body_slug(self) -> str | None:
        """The dump's council: its Body object, else the reference data naming its objects' URLs."""
        for _, obj in self._objects:
            if type_name(obj) == "Body" and obj.get("id"):
                return body_slug(obj)
        for _, obj in self._objects:
            known = reference_body_of(str(obj.get("id") or ""))
            if known:
                return known
        return None

    def objects(self, body: dict[str, Any], since: str | None) -> Iterator[tuple[str, Any]]:
        ranked = sorted(
            (self.ORDER.index(type_name(o)) if type_name(o) in self.ORDER else 99, n, p, o)
            for n, (p, o) in enumerate(self._objects)
        )
        for _, _, path, obj in ranked:
            kind = type_name(obj)
            upgraded = upgrade(obj, self.resolve) if kind else obj
            self._paths[id(upgraded)] = path
            yield (kind or "?"), (upgraded if kind else {**obj, "_path": str(path)})

    def text_of(self, obj: dict[str, Any]) -> bytes | None:
        path = self._paths.get(id(obj))
        txt = path.with_suffix(".txt") if path else None
        if txt is None or not txt.is_file():
            txt = self._texts.get(local_id(str(obj.get("id") or "")))
        return txt.read_bytes() if txt and txt.is_file() else None

    def fetch(self, oparl_id: str) -> Any:
        raise FetchError(oparl_id, "a folder import reads every object; nothing to fetch")

    def file_bytes(self, obj: dict[str, Any]) -> bytes | None:
        return None


__all__ = [
    "FetchError",
    "FolderSource",
    "Http",
    "HttpSource",
    "lenient_json",
    "list_items",
    "with_query",
]
