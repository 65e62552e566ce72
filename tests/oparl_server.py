"""A small OParl 1.1 server on 127.0.0.1 for the import tests: real sockets, real pagination.

`OParlServer` serves the corpus' objects (the older export shape brought to 1.1 form, ids moved to
this server) through a System, one Body and paginated lists, and can be told to misbehave: a slow
page, a page that fails once or until repaired, a malformed object, a PDF download.
`VendorServer` serves real objects of other councils' systems, several councils at once, with
the quirks of those systems.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from loader.oparl_legacy import Resolver, type_name, upgrade

DRESDEN = "http://oparl.dresden.de/"
LISTS = {"Organization": "organization", "Meeting": "meeting", "Paper": "paper", "File": "file"}
OLD_MODIFIED = "2020-01-01T00:00:00+00:00"  # the older export has no modified dates


def corpus_objects(ratsinfo: Path) -> dict[str, list[dict[str, Any]]]:
    """The corpus as OParl 1.1 objects by type, files with their text (``File.text``)."""
    raw = [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(ratsinfo.rglob("*.json"))]
    resolve = Resolver.learn(obj for _, obj in raw)
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in LISTS}
    for path, obj in raw:
        new = upgrade(obj, resolve)
        new.setdefault("modified", OLD_MODIFIED)
        if type_name(new) == "File" and path.with_suffix(".txt").is_file():
            new["text"] = path.with_suffix(".txt").read_text(encoding="utf-8")
        out[type_name(new)].append(new)
    return out


class OParlServer:
    def __init__(
        self, objects: dict[str, list[dict[str, Any]]], page_size: int = 10, file_list: bool = True
    ) -> None:
        self.page_size = page_size
        self.file_list = file_list  # False: an OParl 1.0 body, files only inside papers/meetings
        self.objects = objects
        self.downloads: dict[str, bytes] = {}
        self.slow: dict[str, float] = {}  # path?query -> seconds to wait, once
        self.fail_once: set[str] = set()
        self.fail_always: set[str] = set()
        self.extra: dict[str, list[Any]] = {}  # list name -> raw items appended (malformed ones)
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> OParlServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def system_url(self) -> str:
        return self.base + "system"

    def here(self, value: Any) -> Any:
        """Objects as this server serves them: Dresden's ids moved to this server."""
        return json.loads(json.dumps(value).replace(DRESDEN, self.base))

    def _list(self, name: str, query: dict[str, list[str]]) -> dict[str, Any]:
        kind = next(k for k, v in LISTS.items() if v == name)
        since = query.get("modified_since", [""])[0]
        items = [o for o in self.objects.get(kind, []) if o.get("modified", "") >= since]
        items = [self.here(o) for o in items] + (self.extra.get(name, []) if not since else [])
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        links = {}
        if page * self.page_size < len(items):
            params = {"page": str(page + 1), **({"modified_since": since} if since else {})}
            links["next"] = f"{self.base}bodies/0001/{name}s?{urllib.parse.urlencode(params)}"
        return {"data": chunk, "links": links, "pagination": {"totalElements": len(items)}}

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if path == "/system":
            body = {
                "id": self.base + "system",
                "type": "https://schema.oparl.org/1.1/System",
                "oparlVersion": "https://schema.oparl.org/1.1/",
                "body": self.base + "bodies",
            }
            return 200, "application/json", json.dumps(body).encode()
        if path == "/bodies":
            b = self.base + "bodies/0001"
            body = {
                "id": b,
                "type": "https://schema.oparl.org/1.1/Body",
                "name": "Landeshauptstadt Dresden",
                **{v: f"{b}/{v}s" for v in LISTS.values() if v != "file" or self.file_list},
            }
            return 200, "application/json", json.dumps({"data": [body], "links": {}}).encode()
        for name in LISTS.values():
            if path == f"/bodies/0001/{name}s":
                return 200, "application/json", json.dumps(self._list(name, query)).encode()
        if path in self.downloads:
            return 200, "application/pdf", self.downloads[path]
        for objs in self.objects.values():
            for o in objs:
                if self.here(o["id"]) == self.base + path.lstrip("/"):
                    return 200, "application/json", json.dumps(self.here(o)).encode()
        return 404, "application/json", b'{"error": "not found"}'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                parts = urllib.parse.urlsplit(self.path)
                key = parts.path + ("?" + parts.query if parts.query else "")
                server.requests.append(key)
                if key in server.slow:
                    time.sleep(server.slow.pop(key))
                if key in server.fail_always or key in server.fail_once:
                    server.fail_once.discard(key)
                    status, ctype, data = 500, "text/plain", b"internal error"
                else:
                    status, ctype, data = server._answer(
                        parts.path, urllib.parse.parse_qs(parts.query)
                    )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow page)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


# ----------------------------------------------------------------------------------------------
# Real OParl objects of other councils' systems (tests/data/oparl-vendors/, see its README),
# served as they would be by their systems, with the quirks those systems show in the field.

VENDORS = Path(__file__).resolve().parent / "data" / "oparl-vendors"
TYPE = "https://schema.oparl.org/1.1/"
BODY_LIST_NAMES = (  # every list an OParl 1.1 Body names; the server offers only the ones it has
    "organization",
    "person",
    "meeting",
    "paper",
    "file",
    "membership",
    "agendaItem",
    "consultation",
    "locationList",
    "legislativeTermList",
)


def vendor_objects(folder: str) -> list[dict[str, Any]]:
    """Every object of one vendor folder (read leniently: some hold raw control characters)."""
    return [
        json.loads(p.read_text(encoding="utf-8"), strict=False)
        for p in sorted((VENDORS / folder).glob("*.json"))
    ]


class Council:
    """One council's system on the test server, under ``/<name>/``: its real objects, their ids
    moved from ``origin`` to this server; ``body`` is the real Body or, where the source gave none,
    one made for the test (named as such)."""

    def __init__(
        self,
        name: str,
        origin: str,
        body: dict[str, Any],
        lists: dict[str, list[dict[str, Any]]],
        quirks: set[str] | None = None,
        siblings: tuple[str, ...] = (),
    ) -> None:
        self.name, self.origin, self.body, self.lists = name, origin, body, lists
        self.siblings = siblings  # other councils whose Bodies this System lists too
        # "no-modified-since": answers 404 to any modified_since (Sternberg);
        # "raw-modified-since": 404 to a percent-encoded modified_since, takes it raw (Somacos);
        # "control-chars": raw control characters inside JSON strings (Somacos, Braunschweig);
        # "object-for-list": the body list answers with the Body object itself (Sternberg, Krefeld)
        self.quirks = quirks or set()


class VendorServer:
    """Several councils on one loopback server: System, body list, paginated lists with
    ``modified_since`` (deleted objects stay listed, as ``deleted: true``), objects by id, downloads."""

    def __init__(self, councils: list[Council], page_size: int = 2) -> None:
        self.councils = {c.name: c for c in councils}
        self.page_size = page_size
        self.downloads: dict[str, bytes] = {}  # path -> bytes; any other download is a 404
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> VendorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def system_url(self, name: str) -> str:
        return f"{self.base}{name}/system"

    def url(self, name: str, original: str) -> str:
        """Where this server serves what the council's system serves at ``original``."""
        return original.replace(self.councils[name].origin, f"{self.base}{name}/")

    def _here(self, c: Council, value: Any) -> Any:
        return json.loads(json.dumps(value).replace(c.origin, f"{self.base}{c.name}/"))

    def _body(self, c: Council) -> dict[str, Any]:
        body = {k: v for k, v in self._here(c, c.body).items() if k not in BODY_LIST_NAMES}
        for name in c.lists:
            body[name] = f"{self.base}{c.name}/lists/{name}"
        return body

    def _json(self, c: Council, value: Any) -> bytes:
        text = json.dumps(value, ensure_ascii=False)
        if "control-chars" in c.quirks:  # as the system writes them: raw, not escaped
            text = re.sub(r"\\u00([01][0-9a-f])", lambda m: chr(int(m.group(1), 16)), text)
        return text.encode("utf-8")

    def _answer(self, path: str, query: str) -> tuple[int, bytes]:
        name, _, rest = path.lstrip("/").partition("/")
        c = self.councils.get(name)
        params = urllib.parse.parse_qs(query)
        if c is None:
            return 404, b'{"error": "no such council"}'
        if rest == "system":
            system = {
                "id": f"{self.base}{name}/system",
                "type": TYPE + "System",
                "oparlVersion": TYPE,
                "body": f"{self.base}{name}/bodies",
            }
            return 200, self._json(c, system)
        if rest == "bodies":
            if "object-for-list" in c.quirks:
                return 200, self._json(c, self._body(c))
            bodies = [self._body(c)] + [self._body(self.councils[n]) for n in c.siblings]
            return 200, self._json(c, {"data": bodies, "links": {}})
        if rest.startswith("lists/") and rest[6:] in c.lists:
            since = params.get("modified_since", [""])[0].replace(" ", "+")  # a raw "+"
            refused = "no-modified-since" in c.quirks or (
                "raw-modified-since" in c.quirks and "%3A" in query
            )
            if since and refused:
                error = {"error": "Die angeforderte Ressource wurde nicht gefunden.", "code": 802}
                return 404, json.dumps(error, ensure_ascii=False).encode()
            items = [o for o in c.lists[rest[6:]] if o.get("modified", "") >= since]
            page = int(params.get("page", ["1"])[0])
            links = {}
            if page * self.page_size < len(items):
                more = {"page": str(page + 1), **({"modified_since": since} if since else {})}
                links["next"] = f"{self.base}{path.lstrip('/')}?{urllib.parse.urlencode(more)}"
            chunk = items[(page - 1) * self.page_size : page * self.page_size]
            return 200, self._json(c, {"data": self._here(c, chunk), "links": links})
        if path in self.downloads:
            return 200, self.downloads[path]
        wanted = f"{self.base}{path.lstrip('/')}" + (f"?{query}" if query else "")
        for objects in c.lists.values():
            for o in objects:
                for found in (o, *embedded(o)):
                    if self._here(c, found.get("id")) == wanted:
                        return 200, self._json(c, self._here(c, found))
        return 404, b'{"error": "not found"}'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                parts = urllib.parse.urlsplit(self.path)
                server.requests.append(self.path)
                status, data = server._answer(parts.path, parts.query)
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def embedded(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Objects written out inside another (files of a paper or meeting, its consultations)."""
    out = []
    for key in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol"):
        if isinstance(obj.get(key), dict):
            out.append(obj[key])
    for key in ("auxiliaryFile", "consultation", "agendaItem"):
        value = obj.get(key)
        out += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]
    return out
