"""Blueprint `search`: `/search?q=…` over documents, resolutions, points and names, with facets;
HTML, JSON (`format=json` or Accept) and CSV (`format=csv`). The index is `service.search`."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from service.errors import UserError
from service.queries import Param
from service.search import FACETS, SearchResult, SearchService
from service.web import get_store
from service.web.errors import wants_json
from service.web.pages import linkable, local_path
from service.web.view_params import look_up

bp = Blueprint("search", __name__)
BODY = Param("body", "iri", "the council", lookup="body")  # queries/lookup/body.rq
MAX_QUERY = 500  # characters of a search
PAGE = 20
TAG = re.compile(r"<[^>]+>")

TEXT = {
    "de": {
        "title": "Suche",
        "placeholder": "Suchen: Schulsozialarbeit, V1106/21, Jugendamt …",
        "button": "Suchen",
        "found": ("{n} Treffer", "{n} Treffer"),
        "none": "Nichts gefunden für „{q}“.",
        "capped": "Es passten mehr Einträge, als gelesen wurden; die Facetten zählen die ersten.",
        "more": "weitere Treffer",
        "back": "vorige Treffer",
        "remove": "Filter entfernen",
        "facets": {
            "body": "Kommune",
            "committee": "Gremium",
            "kind": "Art",
            "year": "Jahr",
            "actor": "Beauftragt",
            "status": "Stand",
        },
        "hint": "Wörter in jeder Form (Öffnung findet Öffnungen), Vorlagennummern als V1106/21 "
        "oder V1106-21, „Anführungszeichen“ für Wortfolgen.",
    },
    "en": {
        "title": "Search",
        "placeholder": "Search: Schulsozialarbeit, V1106/21, Jugendamt …",
        "button": "Search",
        "found": ("{n} result", "{n} results"),
        "none": "Nothing found for “{q}”.",
        "capped": "More entries matched than were read; the facets count the first ones.",
        "more": "more results",
        "back": "previous results",
        "remove": "remove filter",
        "facets": {
            "body": "Municipality",
            "committee": "Committee",
            "kind": "Kind",
            "year": "Year",
            "actor": "Tasked",
            "status": "Status",
        },
        "hint": "Words in any form (Öffnung finds Öffnungen), paper numbers as V1106/21 or "
        'V1106-21, "quotes" for phrases.',
    },
}
KINDS_EN = {
    "Beschluss": "resolution",
    "Beschlussempfehlung": "recommendation",
    "Beschlusspunkt": "resolution point",
    "Planungsbericht": "planning report",
    "Gremium": "committee",
    "Amt": "office",
    "Organisationseinheit": "administrative unit",
    "Person": "person",
    "Teil des Planungsrahmens": "framework part",
    "Planungsrahmen": "planning framework",
    "Kommune": "municipality",
}


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "de"


def _args(**changes: str | None) -> str:
    """This search's URL with some parameters changed (None: removed); page starts over."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "format")}
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    return "?" + urlencode(args)


def kind_label(kind: str, lang: str) -> str:
    return KINDS_EN.get(kind, kind) if lang == "en" else kind


def run_search() -> tuple[str, dict[str, str], int, SearchResult]:
    """The search this request asks for; raises UserError for a query too long or a bad page."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise UserError(f"the search 'q' is {len(q)} characters long; at most {MAX_QUERY} allowed")
    raw_page = request.args.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise UserError(f"'page' must be a whole number from 1 up, got {raw_page[:20]!r}")
    page = int(raw_page)
    filters = {f: request.args[f] for f in FACETS if request.args.get(f)}
    if ":" not in filters.get("body", ":"):  # a slug or label, as the views take it: dresden
        filters["body"] = look_up(BODY, filters["body"].strip(), "search")
    index = SearchService.of(get_store()).current()
    result = index.search(q, filters, _lang(), (page - 1) * PAGE, PAGE)
    return q, filters, page, result


def _facet_label(name: str, value: str, result: SearchResult, lang: str) -> str:
    if name == "kind":
        return kind_label(value, lang)
    return result.labels.get(value, value)


@bp.get("/search")
def search() -> Any:
    q, filters, page, result = run_search()
    lang = _lang()
    fmt = request.args.get("format")
    hits = [
        {
            "iri": h.iri,
            "url": local_path(h.iri) or (h.iri if linkable(h.iri) else None),  # never javascript:
            "kind": kind_label(h.kind, lang),
            "title": h.title,
            "snippet": TAG.sub("", h.snippet),
            "facets": {
                name: [_facet_label(name, v, result, lang) for v in h.facets.get(name, [])]
                for name in FACETS
            },
        }
        for h in result.hits
    ]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        columns = [name for name in FACETS if name != "kind"]
        writer.writerow(["iri", "kind", "title", "snippet", *columns])
        for h in hits:
            facets = [" | ".join(h["facets"][name]) for name in columns]
            writer.writerow([h["iri"], h["kind"], h["title"], h["snippet"], *facets])
        return Response(out.getvalue(), mimetype="text/csv", headers={"Vary": "Accept"})
    facets = {
        name: [
            {
                "value": value,
                "label": _facet_label(name, value, result, lang),
                "count": n,
                "selected": filters.get(name) == value,
                "url": _args(**{name: None if filters.get(name) == value else value}),
            }
            for value, n in result.facets.get(name, [])
        ]
        for name in FACETS
    }
    if fmt == "json" or (fmt is None and wants_json()):
        return jsonify(
            {
                "query": q,
                "filters": filters,
                "total": result.total,
                "offset": (page - 1) * PAGE,
                "hits": hits,
                "facets": {
                    name: [{k: f[k] for k in ("value", "label", "count")} for f in values]
                    for name, values in facets.items()
                },
                "capped": result.capped,
            }
        )
    if fmt not in (None, "html"):
        raise UserError(f"'format' must be html, json or csv, got {fmt[:20]!r}", 406)
    ui = TEXT[lang]
    one, many = ui["found"]
    found = (one if result.total == 1 else many).format(n=f"{result.total:n}")
    pages = {
        "next": _args(page=str(page + 1)) if page * PAGE < result.total else None,
        "previous": _args(page=str(page - 1)) if page > 1 else None,
    }
    return render_template(
        "search.html",
        q=q,
        result=result,
        hits=zip(hits, result.hits, strict=True),
        facets=facets,
        filters=filters,
        found=found,
        ui=ui,
        lang=lang,
        pages=pages,
        formats={"json": _args(format="json"), "csv": _args(format="csv")},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _search_box() -> dict[str, Any]:
        lang = "en" if request.args.get("lang") == "en" else "de"
        return {"search_ui": TEXT[lang], "search_lang": lang}
