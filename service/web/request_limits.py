"""Each request's limits: its time limit (``timeout=``), the size of its body and query, the row cap's
headers; and the app's store wrapped in `LimitedStore` so every read stops at its limit."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from flask import g, request

from service.errors import UserError
from service.store.limits import LimitedStore, Limits
from service.web.auth import is_token_holder, is_write_route, require_write

MIN_TIMEOUT_S = 0.1  # below that a fork alone may not finish: a limit nobody could meet


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
                int(config["QUERY_QUEUE"]),
                bool(config["READ_WORKERS"]),
            ),
        )

    max_query = int(config["MAX_QUERY_LENGTH"])
    # a form's fields are held in memory (files of an upload go to disk): no field needs more than
    # a query's worth, and no form many parts
    app.config["MAX_FORM_MEMORY_SIZE"] = 3 * max_query + 4096
    app.config["MAX_FORM_PARTS"] = 100

    @app.before_request
    def _limits() -> None:
        # the token first: an anonymous write is refused before a byte of its body is read
        if is_write_route():
            require_write()
        max_body = int(config["MAX_UPLOAD_BYTES"])
        if (request.content_length or 0) > max_body:  # refused before anything reads the body
            raise UserError(
                f"the request body is {request.content_length} bytes; at most {max_body} accepted",
                413,
            )
        form: dict[str, list[str]] = {}
        if request.path.startswith("/sparql"):
            form = _sparql_limits(max_query)
        given = request.args.getlist("timeout")
        if len(given) > 1:
            raise UserError(f"'timeout' is given {len(given)} times; expected it once")
        raw = given[0] if given else None
        if raw is None:
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


def _sparql_limits(max_query: int) -> dict[str, list[str]]:
    """Bound a query however it arrives (URL, form body, direct body) before it is parsed; the
    form's fields, read within those bounds."""
    if len(request.query_string) > 3 * max_query:
        raise UserError(f"the request URL is too long; at most {max_query} characters", 414)
    # percent-encoding may triple a query's length; a body without a length is read this far only
    request.max_content_length = 3 * max_query
    if (request.content_length or 0) > 3 * max_query:
        raise UserError(
            f"the request body is {request.content_length} bytes; a query may have at most "
            f"{max_query} characters",
            413,
        )
    query = request.args.get("query") or ""
    form: dict[str, list[str]] = {}
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(cache=True, as_text=True)
    elif request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        form = parse_qs(request.get_data(cache=True, as_text=True), keep_blank_values=True)
        query = max(form.get("query") or [""], key=len)
    if len(query) > max_query:
        raise UserError(
            f"the query is {len(query)} characters long; at most {max_query} allowed", 413
        )
    return form


def requested_timeout(raw: str | None, default: float, ceiling: float, token_holder: bool) -> float:
    """The time limit a request asked for: anyone may lower it, only a token holder may raise it.

    >>> requested_timeout("2.5", 20.0, 600.0, False)
    2.5
    >>> requested_timeout(None, 20.0, 600.0, False)
    20.0
    """
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"'timeout' must be a number of seconds, got {raw[:50]!r}") from None
    if not value >= MIN_TIMEOUT_S or value == float("inf"):  # NaN fails the comparison too
        raise UserError(
            f"'timeout' must be a number of seconds from {MIN_TIMEOUT_S:g} up, got {raw[:50]!r}"
        )
    if value > default and not token_holder:
        raise UserError(
            f"'timeout' {value:g} s is above this server's limit of {default:g} s; anyone may lower "
            "it, raising it needs the write token (Authorization: Bearer …)",
            403,
        )
    if value > ceiling:
        raise UserError(f"'timeout' {value:g} s is above the ceiling of {ceiling:g} s")
    return value
