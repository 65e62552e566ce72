"""A small OParl 1.1 server on 127.0.0.1 for the import tests: real sockets, real pagination.

It serves the corpus' objects (the older export shape brought to 1.1 form, ids moved to this
server) through a System, one Body and paginated lists, and can be told to misbehave: a slow page,
a page that fails once or until repaired, a malformed object, a PDF download.
"""

from __future__ import annotations

import json
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
