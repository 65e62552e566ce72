"""Each request's limits: its time limit (``timeout=``), the size of its body and query, the row cap's
headers; and the app's store wrapped in `LimitedStore` so every read stops at its limit."""

from __future__ import annotations

from typing import Any

from flask import g, request

from service.errors import UserError
from service.store.limits import LimitedStore, Limits, requested_timeout
from service.web.auth import is_token_holder


def init_app(app: Any) -> None:
    """Wrap the app's store in the limits and check each request's time limit and sizes."""
    config = app.config
    app.config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_BYTES"])
    store = app.extensions["ratsgraph"]
    if not isinstance(store, LimitedStore):
        app.extensions["ratsgraph"] = LimitedStore(
            store,
            Limits(
                float(config["QUERY_TIMEOUT_S"]),
                int(config["MAX_ROWS"]),
                int(config["MAX_CONCURRENT_QUERIES"]),
                bool(config["STOPPABLE_QUERIES"]),
                float(config["PROVEN_FAST_S"]),
                int(config["QUERY_MEMORY_MB"]) or None,
            ),
        )

    @app.before_request
    def _limits() -> None:
        max_body = int(config["MAX_UPLOAD_BYTES"])
        if (request.content_length or 0) > max_body:  # refused before anything reads the body
            raise UserError(
                f"the request body is {request.content_length} bytes; at most {max_body} accepted",
                413,
            )
        max_query = int(config["MAX_QUERY_LENGTH"])
        if request.path.startswith("/sparql"):
            if len(request.query_string) > 3 * max_query:
                raise UserError(f"the request URL is too long; at most {max_query} characters", 414)
            if (request.content_length or 0) > 3 * max_query:
                raise UserError(
                    f"the request body is {request.content_length} bytes; a query may have at most "
                    f"{max_query} characters",
                    413,
                )
            query = request.args.get("query") or ""
            if request.method == "POST" and request.mimetype == "application/sparql-query":
                query = request.get_data(cache=True, as_text=True)
            if len(query) > max_query:
                raise UserError(
                    f"the query is {len(query)} characters long; at most {max_query} allowed", 413
                )
        given = request.args.getlist("timeout")
        if len(given) > 1:
            raise UserError(f"'timeout' is given {len(given)} times; expected it once")
        raw = given[0] if given else None
        if raw is None and request.mimetype == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qs  # noqa: PLC0415

            form = parse_qs(request.get_data(cache=True, as_text=True))
            raw = (form.get("timeout") or [None])[0]
        default = float(config["QUERY_TIMEOUT_S"])
        g.query_timeout = requested_timeout(
            raw, default, float(config["MAX_QUERY_TIMEOUT_S"]), is_token_holder()
        )

    @app.after_request
    def _truncated(response: Any) -> Any:
        if g.get("truncated"):
            response.headers["X-Ratsgraph-Truncated"] = "true"
            response.headers["X-Ratsgraph-Max-Rows"] = str(config["MAX_ROWS"])
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", "1")
        return response
