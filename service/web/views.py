"""Blueprint `views`: the index of named views and `/views/<name>` as HTML, JSON or CSV."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
from werkzeug.http import http_date

from service.errors import UserError
from service.queries import (
    LOOKUP_DIR,
    MAX_VALUE_LENGTH,
    QUERIES_DIR,
    NamedQuery,
    get_query,
    load_queries,
)
from service.store import SelectResult, Term
from service.store.view_cache import ViewCache
from service.web import get_store, paging
from service.web.errors import wants_json

bp = Blueprint("views", __name__)
RESERVED_ARGS = ("format", "timeout")  # not view parameters: output format, time limit (limits.py)


def queries_dir() -> Any:
    return current_app.config.get("QUERIES_DIR") or QUERIES_DIR


def resolve_iri_params(query: NamedQuery, values: dict[str, str]) -> dict[str, str]:
    """Let `iri` parameters take a label or slug ("Oberbürgermeister", "jugendamt") as well as an IRI."""
    resolved = dict(values)
    for param in query.params:
        raw = values.get(param.name)
        if param.type != "iri" or not raw or ":" in raw:
            continue
        if len(raw) > MAX_VALUE_LENGTH:  # say so in the view's terms, not the lookup's
            raise UserError(
                f"parameter {param.name!r} of view {query.name} is {len(raw)} characters long; "
                f"at most {MAX_VALUE_LENGTH} allowed"
            )
        lookup = get_query("actor", LOOKUP_DIR)
        found = cached_select(lookup.bind({"label": raw.strip()}))
        iris = sorted({r["actor"].value for r in found.rows if r.get("actor")})
        if not iris:
            raise UserError(
                f"parameter {param.name!r} of view {query.name}: no office, unit or committee is "
                f"called {raw!r}; give its label (e.g. Oberbürgermeister), slug or IRI"
            )
        if len(iris) > 1:
            raise UserError(
                f"parameter {param.name!r} of view {query.name}: {raw!r} is ambiguous; "
                f"use one of these IRIs: {', '.join(iris)}"
            )
        resolved[param.name] = iris[0]
    return resolved


def _page_of(bound: str, page: paging.Page) -> tuple[SelectResult, bool]:
    """One page of a view's answer and whether more rows follow.

    Where answers are cached, the whole answer (up to the row cap) is computed once per state of
    the store and every page is cut from it: an answer that grows with the data costs its full
    computation once, not once per page (its ORDER BY needs every row, whatever the LIMIT). After a
    write, a slow view may be answered from its previous answer while the new one is computed
    (`service/cache.py`); ``g.stale_since`` then says when that answer was computed. A page past the
    row cap, or a store that is not cached, asks the store for the page alone."""
    cache: ViewCache = current_app.extensions["ratsgraph-cache"]
    if cache.applies(get_store()):
        whole, g.stale_since = cache.answer(get_store(), bound, _stale_after())
        end = page.offset + page.size
        if end <= len(whole.rows) or not whole.truncated:
            if end < len(whole.rows):
                g.truncated = False  # a page inside the capped answer is not cut by the cap
            rows = SelectResult(whole.columns, whole.rows[page.offset : end])
            return rows, end < len(whole.rows) or whole.truncated
        g.stale_since = None
    fetched = cached_select(paging.page_query(bound, page))
    result, more = paging.cut(fetched, page)
    return result, more or fetched.truncated  # the row cap (limits.py) cut it


def _stale_after() -> float | None:
    """``VIEW_STALE_AFTER_S`` for this request (see `ViewCache.answer`); None (wait for the fresh
    answer) when the client asks for it with ``Cache-Control: no-cache`` (a browser's hard reload)
    or ``Pragma: no-cache``, or the setting is 0."""
    limit = float(current_app.config["VIEW_STALE_AFTER_S"])
    asked_fresh = request.cache_control.no_cache or "no-cache" in request.pragma
    return None if limit <= 0 or asked_fresh else limit


def stale_headers(since: float | None) -> dict[str, str]:
    """Headers of an answer given from a previous state of the store: when it was computed, and
    that nobody may keep it (the fresh answer is on its way)."""
    if since is None:
        return {}
    return {
        "X-Ratsgraph-Stale": "true",
        "X-Ratsgraph-Computed-At": http_date(since),
        "Cache-Control": "no-cache",
    }


def cached_select(query: str) -> SelectResult:
    """A view's answer, from the cache while the store has not changed (see service/cache.py)."""
    return current_app.extensions["ratsgraph-cache"].select(get_store(), query)


def run_view(name: str, values: dict[str, str]) -> SelectResult:
    """Bind and run one named view against the app's store."""
    query = get_query(name, queries_dir())
    return cached_select(query.bind(resolve_iri_params(query, values)))


def plain(term: Term | None) -> Any:
    return None if term is None else term.python()


def rows_as_json(result: SelectResult) -> list[dict[str, Any]]:
    return [{c: plain(row.get(c)) for c in result.columns} for row in result.rows]


def as_csv(result: SelectResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.columns)
    for row in rows_as_json(result):
        writer.writerow(["" if row[c] is None else row[c] for c in result.columns])
    return out.getvalue()


@bp.get("/views/")
def index() -> Any:
    queries = load_queries(queries_dir())
    if wants_json():
        return jsonify(
            {
                "views": [
                    {
                        "name": q.name,
                        "title": q.title,
                        "description": q.description,
                        "params": [
                            {"name": p.name, "type": p.type, "help": p.help} for p in q.params
                        ],
                        "example": q.example,
                    }
                    for q in queries.values()
                ]
            }
        )
    return render_template("views.html", queries=queries.values())


@bp.get("/views/<name>")
@bp.get("/views/<name>.<fmt>")
def view(name: str, fmt: str | None = None) -> Any:
    query = get_query(name, queries_dir())
    fmt = fmt or request.args.get("format")
    values = {
        k: v for k, v in request.args.items() if k not in RESERVED_ARGS and k not in paging.PARAMS
    }
    repeated = sorted(k for k in values if len(request.args.getlist(k)) > 1)
    if repeated:
        raise UserError(f"parameter {repeated[0]!r} of view {name} is given more than once")
    page = paging.requested_page()
    bound = query.bind(resolve_iri_params(query, values))
    result, more = _page_of(bound, page)
    following = paging.next_url(page) if more else None
    links = {"Link": f'<{following}>; rel="next"'} if following else {}
    stale_since = g.get("stale_since")
    links.update(stale_headers(stale_since))
    computed_at = (
        datetime.fromtimestamp(stale_since, UTC).isoformat(timespec="seconds")
        if stale_since is not None
        else None
    )
    if fmt == "csv":
        return Response(
            as_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"', **links},
        )
    if fmt == "json" or (fmt is None and wants_json()):
        body = {
            "view": name,
            "columns": result.columns,
            "rows": rows_as_json(result),
            "offset": page.offset,
            "truncated": more,
            "next": following,
            "stale": stale_since is not None,
        }
        if computed_at is not None:  # an earlier state's answer; the fresh one is being computed
            body["computed_at"] = computed_at
        return jsonify(body), 200, links
    if fmt not in (None, "html"):
        raise UserError(f"unknown format {fmt!r} for view {name}; expected html, json or csv")
    html = render_template(
        "view.html",
        query=query,
        values=values,
        result=result,
        next_url=following,
        computed_at=computed_at,
    )
    return html, 200, links


def warm(app: Flask) -> threading.Thread | None:
    """When a server starts (``VIEW_WARM``): compute each view's answer without parameters and for
    its example (`# example:`, the link on the start page) in the background, so on a large store
    the first visitors of these views do not wait seconds for their first computation."""
    cache: ViewCache = app.extensions["ratsgraph-cache"]
    if not app.config["VIEW_WARM"] or not cache.applies(get_store(app)):
        return None
    with app.app_context():
        bound: list[str] = []
        queries = load_queries(queries_dir()).values()
        # the examples first: the start page links to them
        wanted = [(q, dict(parse_qsl(q.example))) for q in queries] + [(q, {}) for q in queries]
        for query, values in wanted:
            try:
                text = query.bind(resolve_iri_params(query, values))
            except UserError:  # an example naming an actor this store does not have
                continue
            if text not in bound:
                bound.append(text)
        return cache.warm(get_store(), bound)


def init_app(app: Flask) -> None:
    cache = ViewCache(
        int(app.config["VIEW_CACHE_SIZE"]),
        int(app.config["VIEW_CACHE_ROWS"]),
        int(app.config["VIEW_REFRESH"]),
    )
    app.extensions["ratsgraph-cache"] = cache
    store = app.extensions["ratsgraph"]
    if hasattr(store, "after_write"):  # the LimitedStore every write goes through
        store.after_write.append(lambda: cache.schedule_refresh(store))
    app.register_blueprint(bp)
