"""Operations: `/healthz`, and one structured access-log line per request (duration, query hash).

The log line is JSON on the ``ratsgraph.access`` logger. It names the path, never the query string,
and no header at all, so no token and no user data reach the log; a query is identified by the first
16 hex digits of its SHA-256, enough to group repeated expensive queries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from service.web import get_store

log = logging.getLogger("ratsgraph.access")
bp = Blueprint("health", __name__)
HEALTH_TIMEOUT_S = 5.0


def query_hash() -> str | None:
    """A short hash of what the request asked: the SPARQL query, or a view with its parameters."""
    if request.path.startswith("/sparql"):
        query = request.args.get("query")
        if query is None and request.method == "POST":
            try:
                data = request.get_data(cache=True, as_text=True)
            except HTTPException:  # a body over the size limit: refused, and not hashed
                return None
            if request.mimetype == "application/x-www-form-urlencoded":
                query = (parse_qs(data).get("query") or [None])[0]
            elif request.mimetype == "application/sparql-query":
                query = data
        text = query
    elif request.path.startswith("/views/"):
        text = request.path + "?" + "&".join(f"{k}={v}" for k, v in sorted(request.args.items()))
    else:
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] if text else None


@bp.get("/healthz")
def healthz() -> Any:
    """200 when the store answers a trivial query within a few seconds, else 503."""
    g.query_timeout = min(g.get("query_timeout", HEALTH_TIMEOUT_S), HEALTH_TIMEOUT_S)
    started = time.monotonic()
    try:
        store = get_store()  # outside the query lanes, which runaway queries may fill
        store.healthy() if hasattr(store, "healthy") else store.ask("ASK { }")
    except Exception as e:  # noqa: BLE001 - any failure means "not healthy"; the log has it
        logging.getLogger(__name__).warning("health check failed: %s", e)
        return jsonify({"ok": False, "store": "not answering"}), 503
    return jsonify({"ok": True, "store_ms": round((time.monotonic() - started) * 1000, 1)})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start() -> None:
        g.started = time.monotonic()

    @app.after_request
    def _access_log(response: Response) -> Response:
        started = g.get("started")
        entry = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.monotonic() - started) * 1000, 1) if started else None,
            "bytes": response.calculate_content_length(),
            "query_hash": query_hash(),
            "timeout_s": g.get("query_timeout"),
            "truncated": bool(g.get("truncated")),
            "remote": request.remote_addr,
        }
        log.info(json.dumps(entry))
        return response
