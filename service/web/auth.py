"""Who may write: the operator's bearer token, compared in constant time and never logged or echoed.

The public service is read-only. A write (upload, reload, delete, backup) or a raised query time limit
needs ``Authorization: Bearer <WRITE_TOKEN>``. No credentials: 401 with a ``WWW-Authenticate``
challenge; wrong credentials, or writes switched off (no token configured): 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request

from service.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


def presented_token() -> str | None:
    """The bearer token of the request, if it sent one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _matches(presented: str, configured: str) -> bool:
    return hmac.compare_digest(presented.encode("utf-8"), configured.encode("utf-8"))


def is_token_holder() -> bool:
    """True when the request carries the configured write token (and one is configured)."""
    configured = current_app.config.get("WRITE_TOKEN")
    presented = presented_token()
    return bool(configured) and presented is not None and _matches(presented, str(configured))


def require_write() -> None:
    """Refuse the request unless it carries the write token: 401 without credentials, 403 if wrong."""
    presented = presented_token()
    if presented is None:
        raise UserError(
            f"{request.method} {request.path} changes the store and needs the operator's token: "
            "Authorization: Bearer <token>",
            401,
        )
    configured = current_app.config.get("WRITE_TOKEN")
    if not configured:
        raise UserError(
            "writes over HTTP are switched off on this server (no RATSGRAPH_WRITE_TOKEN is set)",
            403,
        )
    if not _matches(presented, str(configured)):
        raise UserError("the bearer token is not valid for writing to this server", 403)


def require_writable_store() -> None:
    """Several workers read an on-disk store read-only (only one process may write it): say so."""
    if getattr(current_app.extensions["ratsgraph"], "read_only", False):
        raise UserError(
            "this server reads its store read-only (several worker processes share it, and a write "
            "beside read-only handles is undefined in pyoxigraph): stop it, load documents with "
            "`ratsgraph load --store DIR`, and start it again; or serve with one worker, which "
            "takes documents over HTTP",
            409,
        )


def write_route(view: F) -> F:
    """Decorate a view that changes the store: the token is checked before anything else runs."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        require_write()
        require_writable_store()
        return view(*args, **kwargs)

    guarded.writes = True  # type: ignore[attr-defined] # checked again before any body is read
    return guarded  # type: ignore[return-value]


def is_write_route() -> bool:
    """True when the request is routed to a `write_route` (known before its body is read)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes", False))


def init_app(app: Flask) -> None:
    @app.after_request
    def _challenge(response: Response) -> Response:
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="ratsgraph"'
        return response
