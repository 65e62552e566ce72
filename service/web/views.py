"""Blueprint `views`: the index of named views and `/views/<name>` as HTML, JSON or CSV."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
)
from werkzeug.http import http_date

from service.errors import UserError
from service.queries import LOOKUP_DIR, QUERIES_DIR, NamedQuery, get_query, load_queries
from service.store import SelectResult, Term
from service.store.derived import FORMAT, FORMAT_PROBE
from service.store.view_cache import ViewCache
from service.web import (
    charts,
    feeds,
    get_store,
    i18n,
    page_reads,
    paging,
    view_page,
    view_params,
    view_table,
)
from service.web.encode import csv_chunks, plain_rows, to_json
from service.web.errors import wants_json
from service.web.resource_links import labels_for
from service.web.view_params import cached_select
from service.web.view_table import TableArgs

bp = Blueprint("views", __name__)
# not view parameters: output format, time limit (limits.py), page language, CSV for Excel
RESERVED_ARGS = ("format", "timeout", "lang", "excel")
# a CSV answer longer than this is streamed (no ETag then: it is not held whole to hash it)
STREAM_CSV_ROWS = 2000


def queries_dir() -> Any:
    return current_app.config.get("QUERIES_DIR") or QUERIES_DIR


def resolve_iri_params(query: NamedQuery, values: dict[str, str]) -> dict[str, str]:
    """Parameters as people give them (labels, slugs, paper numbers) turned into what they name."""
    return view_params.resolve(query, values)


def bind_view(query: NamedQuery, values: dict[str, str]) -> str:
    """The view bound to the values. Without ``as_of`` (the latest state), a view with a variant
    in ``derived/`` beside it is answered by that variant, which reads each point's current status
    from the derived graph the store keeps at every write (`service.store.derived`) instead of
    grouping all status assertions on every request; the same columns and rows (tests compare
    them). With ``as_of``, or on a store without derived facts or with those of an older shape
    (`service.store.derived.FORMAT`; `ratsgraph derive` rebuilds them), the view itself computes
    the statuses from the assertions."""
    resolved = resolve_iri_params(query, values)
    bound = query.bind(resolved)  # checks the parameters as the view declares them
    variant = load_queries(Path(queries_dir()) / "derived").get(query.name)
    if variant is not None and not values.get("as_of") and _derived_kept():
        return variant.bind({k: v for k, v in resolved.items() if k != "as_of"})
    return bound


def _derived_kept() -> bool:
    """Whether the store holds derived facts of the shape this version writes and reads (their
    ``rbd:format``): asked once per state of an embedded store; a remote one is asked until it
    says yes (derived facts, once there, are kept by every write)."""
    store = get_store()
    generation = getattr(store, "generation", None)
    memo: dict[int, tuple[Any, bool]] = current_app.extensions.setdefault("ratsgraph-derived", {})
    known = memo.get(id(store))
    if known is not None and (known[0] == generation if generation is not None else known[1]):
        return known[1]
    lookup = getattr(store, "select_lookup", store.select)  # a lookup: no child for it
    kept = [r["format"].value for r in lookup(FORMAT_PROBE).rows] == [str(FORMAT)]
    memo[id(store)] = (generation, kept)
    return kept


def _answer(bound: str, page: paging.Page, wanted: TableArgs, view: str) -> Answer:
    """One page of a view's answer (sorted and filtered as asked), whether more rows follow, and
    how many rows the whole answer has (None when only the page was asked of the store).

    Where answers are cached, the whole answer (up to the row cap) is computed once per state of
    the store and every page is cut from it: an answer that grows with the data costs its full
    computation once, not once per page (its ORDER BY needs every row, whatever the LIMIT). After a
    write, a slow view may be answered from its previous answer while the new one is computed
    (`service/store/view_cache.py`); ``g.stale_since`` then says when that answer was computed.
    Sorting and filtering need the whole answer (from the store when it is not cached); otherwise a
    page past the row cap, or a store that is not cached, asks the store for the page alone."""
    cache: ViewCache = current_app.extensions["ratsgraph-cache"]
    whole: SelectResult | None = None
    if cache.applies(get_store()):
        whole, g.stale_since = cache.answer(get_store(), bound, _stale_after())
    elif wanted.active:
        whole = cached_select(bound)
    if whole is not None and wanted.active:
        view_table.check(wanted, view, whole.columns)
        whole = view_table.apply(whole, wanted)
    if whole is not None:
        end = page.offset + page.size
        if wanted.active or end <= len(whole.rows) or not whole.truncated:
            if end < len(whole.rows):
                g.truncated = False  # a page inside the capped answer is not cut by the cap
            rows = SelectResult(whole.columns, whole.rows[page.offset : end])
            more = end < len(whole.rows) or whole.truncated
            return Answer(rows, more, None if whole.truncated else len(whole.rows))
        g.stale_since = None
    fetched = cached_select(paging.page_query(bound, page))
    result, more = paging.cut(fetched, page)
    more = more or fetched.truncated  # the row cap (limits.py) cut it
    return Answer(result, more, None if more else page.offset + len(result.rows))


def _page_by_keys(
    query: NamedQuery, values: dict[str, str], bound: str, page: paging.Page, wanted: TableArgs
) -> Answer | None:
    """A page smaller than the whole answer of a view with ``<name>-page-counts``, ``-page-keys``
    and ``-page`` in ``derived/`` (open-points, overdue and status-reports without ``as_of``,
    resolution without a paper number either: no parameter given that the counts do not take),
    or with ``as_of`` where the first step takes it (overdue and status-reports by their
    ``-as-of-page-counts``, resolution by its own),
    asked of the store so that its cost follows the page, not the answer (`page_reads`).
    Kept in the view cache like a whole answer: after a write, a page that took longer than
    ``VIEW_STALE_AFTER_S`` is given from the previous state while the new one is computed.

    None: not such a page, or the whole answer (``bound``) is at hand in the view cache (the
    warm-up, the refresh after a write or an earlier request computed it): cut from it."""
    derived = load_queries(Path(queries_dir()) / "derived")
    as_of = bool(values.get("as_of"))

    def step(suffix: str) -> NamedQuery | None:
        """With ``as_of``, the view's ``-as-of`` step where the date changes that step, else its
        plain one; a plain first step must then take ``as_of`` itself (checked below)."""
        dated = derived.get(f"{query.name}-as-of-page{suffix}") if as_of else None
        return dated or derived.get(f"{query.name}-page{suffix}")

    steps = [step(suffix) for suffix in ("-counts", "-keys", "")]
    if None in steps or wanted.active:
        return None
    counts_q, keys_q, rows_q = steps  # checked above: none is None
    if any(v for k, v in values.items() if k not in counts_q.param_names):
        # the page's entries are not all of the index's (a paper number), or a date leaves out
        # entries its first step does not know of (open-points as of a date)
        return None
    if page.size >= int(current_app.config["MAX_ROWS"]) or not _derived_kept():
        return None  # the whole answer: computed once and cached (_answer)
    cache: ViewCache = current_app.extensions["ratsgraph-cache"]
    store = get_store()
    if cache.held(store, bound):
        return None
    resolved = {k: v for k, v in resolve_iri_params(query, values).items() if k != "as_of" or as_of}

    # the page's key in the cache: not SPARQL (a store given it by mistake fails; as a comment
    # it would answer the whole view); ints from paging
    key = f"page {int(page.offset)} {int(page.size)} by keys of\n{bound}"

    def read() -> SelectResult:
        steps = (counts_q, keys_q, rows_q)
        return page_reads.read_page_at_once(cache, store, steps, resolved, page, key)

    fetched, g.stale_since = cache.answer(store, key, _stale_after(), compute=read)
    result, more = paging.cut(fetched, page)
    return Answer(result, more, None if more else page.offset + len(result.rows))


@dataclass(frozen=True)
class Answer:
    result: SelectResult
    more: bool
    total: int | None


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


def run_view(name: str, values: dict[str, str]) -> SelectResult:
    """Bind and run one named view against the app's store."""
    query = get_query(name, queries_dir())
    return cached_select(bind_view(query, values))


def plain(term: Term | None) -> Any:
    return None if term is None else term.python()


def rows_as_json(result: SelectResult) -> list[dict[str, Any]]:
    return plain_rows(result)


def as_csv(result: SelectResult, excel: bool = False) -> str:
    """RFC 4180 CSV, whole (see `service.web.encode.csv_chunks`)."""
    return "".join(csv_chunks(result, excel))


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
                        "title_en": q.title_en,
                        "description": q.description,
                        "description_en": q.description_en,
                        "params": [
                            {"name": p.name, "type": p.type, "help": p.help} for p in q.params
                        ],
                        "example": q.example,
                    }
                    for q in queries.values()
                ]
            }
        )
    lang = i18n.page_lang()
    return render_template(
        "views.html",
        queries=queries.values(),
        param_labels=i18n.PARAMS[lang],
        charts=[(name, titles[lang == "en"]) for name, titles in charts.TITLES.items()],
    )


@bp.get("/views/<name>")
@bp.get("/views/<name>.<fmt>")
def view(name: str, fmt: str | None = None) -> Any:
    query = get_query(name, queries_dir())
    fmt = fmt or request.args.get("format")
    form_filter = view_page.filter_redirect(name)
    if form_filter is not None:
        return redirect(form_filter, 303)
    values = {
        k: v
        for k, v in request.args.items()
        if k not in RESERVED_ARGS and k not in paging.PARAMS and not view_table.is_table_arg(k)
    }
    repeated = sorted(k for k in values if len(request.args.getlist(k)) > 1)
    if repeated:
        raise UserError(f"parameter {repeated[0]!r} of view {name} is given more than once")
    page = paging.requested_page()
    wanted = view_table.table_args(request.args, name)
    try:
        bound = bind_view(query, values)
    except view_params.NoMatch as e:
        if fmt not in (None, "html") or wants_json():
            raise
        return view_page.no_match_page(query, values, e), 400
    answer = _page_by_keys(query, values, bound, page, wanted) or _answer(bound, page, wanted, name)
    result = answer.result
    following = paging.next_url(page) if answer.more else None
    links = {"Link": f'<{following}>; rel="next"'} if following else {}
    stale_since = g.get("stale_since")
    links.update(stale_headers(stale_since))
    computed_at = (
        datetime.fromtimestamp(stale_since, UTC).isoformat(timespec="seconds")
        if stale_since is not None
        else None
    )
    if fmt == "csv":
        excel = request.args.get("excel") not in (None, "", "0")
        large = len(result.rows) > STREAM_CSV_ROWS
        return Response(
            stream_with_context(csv_chunks(result, excel)) if large else as_csv(result, excel),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"', **links},
        )
    if fmt == "json" or (fmt is None and wants_json()):
        body = {
            "view": name,
            "columns": result.columns,
            "rows": plain_rows(result),
            "offset": page.offset,
            "total": answer.total,
            "truncated": answer.more,
            "next": following,
            "stale": stale_since is not None,
        }
        if computed_at is not None:  # an earlier state's answer; the fresh one is being computed
            body["computed_at"] = computed_at
        return Response(to_json(body), mimetype="application/json"), 200, links
    lang = i18n.page_lang()
    if fmt == "atom":
        feed = feeds.atom(query, values, result, lang)
        return Response(feed, mimetype="application/atom+xml", headers=links)
    if fmt not in (None, "html"):
        raise UserError(f"unknown format {fmt!r} for view {name}; expected html, json, csv or atom")
    columns = view_table.shown_columns(query, result)
    labels = labels_for(view_table.iris_to_label(result, columns), lang)
    html = render_template(
        "view.html",
        query=query,
        lang=lang,
        param_names=i18n.PARAMS[lang],
        values=values,
        headings=view_page.headings(name, columns, wanted, lang),
        columns=columns,
        table=view_table.cells(
            result, columns, lang, labels, view_page.reference_day(query, values), values
        ),
        row_count=view_page.row_count(
            answer.total, len(result.rows), page.offset, answer.more, lang
        ),
        filters=view_page.filter_links(name, wanted),
        formats=view_page.format_links(name),
        next_url=following,
        prev_url=paging.prev_url(page) if page.offset else None,
        computed_at=computed_at,
    )
    return html, 200, {**links, "Vary": "Accept, Accept-Language"}


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
                text = bind_view(query, values)
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
    i18n.init_app(app)  # the page language for every template (views, pages, search)
    charts.init_app(app)  # views drawn as SVG
    store = app.extensions["ratsgraph"]
    if hasattr(store, "after_write"):  # the LimitedStore every write goes through
        store.after_write.append(lambda: cache.schedule_refresh(store))
    # the named queries read and parsed now, not by a server's first visitor (~5 ms of it; the
    # lookups of labels and pages, 29 files, were still parsed by the first request)
    folder = Path(app.config.get("QUERIES_DIR") or QUERIES_DIR)
    load_queries(folder)
    if (folder / "derived").is_dir():
        load_queries(folder / "derived")
    load_queries(LOOKUP_DIR)
    app.register_blueprint(bp)
