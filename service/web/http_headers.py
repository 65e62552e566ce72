"""HTTP hygiene: ETag and Cache-Control on GET answers, 304, CORS, and the security headers.

Every successful GET of a page, view, SPARQL result or description gets a strong ETag from its
body and a ``Cache-Control`` of ``CACHE_MAX_AGE`` seconds (not an answer that says ``no-cache``,
such as a view's stale answer); a client sending the same ETag in
``If-None-Match`` gets a 304 with no body. Read-only requests may come from any origin (CORS ``*``):
the data is public, and writes (issue 5's upload API) are not covered by this.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request

READ_ONLY_PREFIXES = (
    "/sparql", "/views", "/id/", "/dataset", "/dumps/", "/.well-known/", "/ontology",
)  # fmt: skip


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


# Scripts, styles and everything else only from this server's own files: no inline script (the
# SPARQL editor is static/editor.js; its data is a JSON block, which no browser runs), no plugins,
# no framing by other sites, forms only to ourselves. A `javascript:` link is inline script too.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",  # a query result is never run as a script or a page
    "Referrer-Policy": "strict-origin-when-cross-origin",  # no query string leaves the site
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


def add_security_headers(resp: Response) -> Response:
    """The same security headers on every answer (an error page is a page, too)."""
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    return resp


def init_app(app: Flask) -> None:
    app.after_request(add_validators)
    app.after_request(add_cors)
    app.after_request(add_security_headers)
