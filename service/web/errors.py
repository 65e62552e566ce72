"""The one error shape for `UserError`: HTML for browsers, ``{"ok": false, ...}`` for JSON clients."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request

from service.errors import UserError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/healthz")) or request.path.endswith(".json"):
        return True
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(message: str, status: int) -> Response:
    if wants_json():
        resp = jsonify({"ok": False, "error": message, "status": status})
    elif request.path.startswith("/sparql"):
        resp = Response(message + "\n", mimetype="text/plain")
    else:
        resp = Response(render_template("error.html", message=message, status=status))
    resp.status_code = status
    return resp


def init_app(app: Flask) -> None:
    @app.errorhandler(UserError)
    def _user_error(e: UserError) -> Response:
        return error_response(e.message, e.status)

    @app.errorhandler(404)
    def _not_found(e: Exception) -> Response:
        return error_response(f"nothing at {request.path}", 404)

    @app.errorhandler(405)
    def _not_allowed(e: Exception) -> Response:
        resp = error_response(f"method {request.method} is not allowed on {request.path}", 405)
        valid = getattr(e, "valid_methods", None)
        if valid:
            resp.headers["Allow"] = ", ".join(valid)
        return resp

    @app.errorhandler(SyntaxError)
    def _syntax(e: SyntaxError) -> Response:
        return error_response(f"query syntax error: {e}", 400)

    @app.errorhandler(OSError)
    def _os_error(e: OSError) -> Response:
        log.exception("store error")
        return error_response("the store is not available right now; try again shortly", 503)

    @app.errorhandler(Exception)
    def _internal(e: Exception) -> Response:
        if hasattr(e, "code") and hasattr(e, "description"):  # werkzeug HTTPException
            return error_response(str(e.description), int(e.code))  # type: ignore[attr-defined]
        log.exception("unhandled error")
        return error_response("internal error; the server log has the details", 500)
