"""HTTP hygiene for the read-only API: ETag and Cache-Control on GET answers, 304, and CORS.

Every successful GET of a page, view, SPARQL result or description gets a strong ETag from its
body and a ``Cache-Control`` of ``CACHE_MAX_AGE`` seconds (not an answer that says ``no-cache``,
such as a view's stale answer); a client sending the same ETag in
``If-None-Match`` gets a 304 with no body. Read-only requests may come from any origin (CORS ``*``):
the data is public, and writes (issue 5's upload API) are not covered by this.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request

READ_ONLY_PREFIXES = ("/sparql", "/views", "/id/", "/dataset", "/dumps/", "/.well-known/")


def _read_only_api(path: str) -> bool:
    return path.startswith(READ_ONLY_PREFIXES)


def add_cors(resp: Response) -> Response:
    """Let browsers on other origins read (GET, HEAD, and POST of queries to /sparql)."""
    if not _read_only_api(request.path):
        return resp
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path == "/sparql":
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = (
            "ETag, Last-Modified, Content-Disposition, Link, X-Ratsgraph-Truncated, "
            "X-Ratsgraph-Stale, X-Ratsgraph-Computed-At"
        )  # what a script on another site needs to page through a view and see its state
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
            resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def add_validators(resp: Response) -> Response:
    """ETag + Cache-Control on successful GETs; 304 when the client already has this answer."""
    if request.method not in ("GET", "HEAD") or resp.status_code != 200 or resp.is_streamed:
        return resp
    if resp.get_etag()[0] is None:
        resp.set_etag(hashlib.sha256(resp.get_data()).hexdigest()[:32])
    control = resp.cache_control
    if not control.max_age and not control.no_store and not control.no_cache:
        control.public = True
        control.max_age = int(current_app.config["CACHE_MAX_AGE"])
    return resp.make_conditional(request)


def init_app(app: Flask) -> None:
    app.after_request(add_validators)
    app.after_request(add_cors)
