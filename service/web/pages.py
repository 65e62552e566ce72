"""Blueprint `pages`: the home page and every minted IRI dereferenced (`/id/…`), as HTML or RDF.

A server answers `/id/…` for `{BASE_IRI}/id/…` whatever host it runs under, so a local copy serves
the published IRIs. Behind a reverse proxy, `PROXY_HOPS` trusts that many `X-Forwarded-*` headers
(werkzeug's ProxyFix), so absolute URLs (service description, dumps, DCAT) name the public host.
"""

from __future__ import annotations

import re
from math import ceil
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from service.errors import UserError
from service.queries import LOOKUP_DIR, Param, get_query, load_queries, to_term
from service.web import get_store
from service.web.document_text import document_section
from service.web.negotiation import RDF_FORMAT_ALIASES, RDFLIB_FORMAT, negotiate, vary
from service.web.resource_fold import (
    LABEL_PROPERTIES,
    describe_query,
    folded,
    folded_iris,
    in_language,
    show_date,
    show_literal,
    title_of,
)
from service.web.resource_links import (
    UI,
    LinkGroup,
    inverse_label,
    iris_of,
    label_lang,
    labels_for,
    link_counts,
    link_groups,
    property_values,
)
from service.web.resource_sections import sections_for
from service.web.view_params import cached_select
from service.web.views import queries_dir

bp = Blueprint("pages", __name__)

RDF_TYPES = (  # offered in this order (serialised by RDFLIB_FORMAT)
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
# On a tie between named types, RDF wins (trifid-ld#25); a plain JSON client gets JSON-LD.
PAGE_TYPES = [*RDF_TYPES, "application/json", "text/html"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RB_DOCUMENT = "https://w3id.org/ratsgraph/ontology#SourceDocument"
# shown by a section of the page rather than as a property (a document's text, marked)
IN_SECTIONS = {"https://w3id.org/ratsgraph/ontology#content"}
COUNTED = ("resolutions", "points", "documents")  # per council on the start page
BODY_VIEWS = (  # the views the start page links to filtered by each council
    ("open-points", "offene Punkte"),
    ("overdue", "überfällig"),
    ("actor-summary", "je Akteur"),
    ("committee-years", "je Gremium und Jahr"),
    ("status-reports", "gemeldeter Stand"),
)
IRI_PATH = re.compile(r"[^\s<>\"{}|\\^`#]+")  # what an IRI path may hold (RFC 3987, no fragment)


def base_iri() -> str:
    return str(current_app.config["BASE_IRI"]).rstrip("/")


def local_path(iri: str) -> str | None:
    """The URL on this server that serves a minted IRI, or None for outside IRIs."""
    prefix = base_iri() + "/id/"
    if not iri.startswith(prefix):
        return None
    rest, hash_, fragment = iri[len(prefix) :].partition("#")
    # evidence (document#char=start,end): the document's page, scrolled to the marked span
    return url_for("pages.resource", rest=rest) + hash_ + fragment


LINK_SCHEMES = ("http://", "https://", "mailto:")


def linkable(iri: str) -> bool:
    """May a link point there? Our own pages, and http, https and mailto IRIs; never another
    scheme (a `javascript:` IRI in loaded Turtle would run as script when clicked).

    >>> [linkable(i) for i in ("https://x.org/a", "MAILTO:a@b.de", "javascript:alert(1)")]
    [True, True, False]
    """
    own_path = iri.startswith("/") and not iri.startswith("//")  # /views/…, no host of its own
    return own_path or iri.lower().startswith(LINK_SCHEMES)


def short(iri: str) -> str:
    """The last part of an IRI, for one without a label; a span of a document as "912–1220"."""
    if "#char=" in iri:
        return iri.rsplit("#char=", 1)[1].replace(",", "–")
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico before they read a page's <link rel="icon">: the same SVG."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/")
def home() -> Any:
    stats = get_store().select(get_query("stats", LOOKUP_DIR).text)
    counts = {k: (v.python() if v else 0) for k, v in (stats.rows[0] if stats.rows else {}).items()}
    return render_template(
        "index.html",
        counts=counts,
        bodies=bodies(),
        body_views=BODY_VIEWS,
        queries=load_queries(queries_dir()).values(),
    )


def bodies() -> list[dict[str, Any]]:
    """The councils in the store, each with its counts, page and slug (`/id/<slug>`: what the
    views' ``body=`` takes), from the view cache: on a large store the counts take seconds."""
    out = []
    for row in cached_select(get_query("bodies", LOOKUP_DIR).text).rows:
        iri = row["body"].value  # type: ignore[union-attr]
        counts = {k: int(row[k].value) if row.get(k) else 0 for k in COUNTED}  # type: ignore[union-attr]
        name = row["name"].value if row.get("name") else short(iri)  # type: ignore[union-attr]
        slug = iri.rstrip("/").rsplit("/", 1)[-1]
        out.append({"iri": iri, "name": name, "slug": slug, "url": local_path(iri), **counts})
    return out


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UserError(f"parameter {name!r} must be a whole number from 1 up, got {raw!r}")
    return int(raw)


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Any:
    iri = f"{base_iri()}/id/{rest}"
    media = negotiate(PAGE_TYPES, default="text/html", formats=RDF_FORMAT_ALIASES)
    if media == "application/json":
        media = "application/ld+json"
    if not IRI_PATH.fullmatch(rest):
        raise UserError(f"no resource {iri} in this dataset: not a valid IRI", 404)
    counts = link_counts(iri)
    if not counts:
        raise UserError(f"no resource {iri} in this dataset", 404)
    if media in RDF_TYPES:
        graph = get_store().construct(get_query("describe", LOOKUP_DIR).bind({"s": iri}))
        return vary(Response(graph.serialize(format=RDFLIB_FORMAT[media]), mimetype=media))
    lang = label_lang(request.args.get("lang"))
    page_size = int(current_app.config["PAGE_SIZE"])
    prop = request.args.get("p")
    if prop:
        return vary(property_page(iri, prop, counts, lang, page_size))
    groups, sources = link_groups(iri, counts, page_size)
    for g in groups:
        g.values = in_language(g.values, lang, strict=g.property in LABEL_PROPERTIES)
    groups = [g for g in groups if g.values and g.property not in IN_SECTIONS]
    types = {
        t.value for g in groups if g.direction == "out" and g.property == RDF_TYPE for t in g.values
    }
    sections = sections_for(iri, types)
    if RB_DOCUMENT in types:
        sections.append(document_section(iri))
    nodes = folded(groups)
    iris = {iri, *sources, *(g.property for g in groups), *folded_iris(nodes)}
    for g in groups:
        iris |= iris_of(g.values)
    for s in sections:
        iris |= s.iris
    labels = labels_for(iris, lang)
    label = labels.get(iri, short(iri))
    html = render_template(
        "resource.html",
        iri=iri,
        label=label,
        title=title_of(groups, types, lang) or label,
        types=sorted(types),
        outgoing=[g for g in groups if g.direction == "out"],
        incoming=[g for g in groups if g.direction == "in"],
        inverse={g.property: inverse_label(g.property, labels, lang) for g in groups},
        folded=nodes,
        query_url=url_for("sparql.endpoint", query=describe_query(iri)),
        sections=sections,
        sources=sources,
        labels=labels,
        lang=lang,
        ui=UI[lang],
    )
    return vary(Response(html))


def property_page(
    iri: str, prop: str, counts: dict[tuple[str, str], int], lang: str, page_size: int
) -> Response:
    """All values of one property (or all resources linking by it), a page at a time."""
    direction = request.args.get("dir", "out")
    if direction not in ("out", "in"):
        raise UserError(f"parameter 'dir' must be 'out' or 'in', got {direction!r}")
    prop = to_term(Param("p", "iri", ""), prop, "resource page").value
    total = counts.get((direction, prop), 0)
    if not total:
        raise UserError(
            f"{iri} has no {'incoming ' if direction == 'in' else ''}<{prop}> links", 404
        )
    pages = max(1, ceil(total / page_size))
    page = _int_arg("page", 1)
    if page > pages:
        raise UserError(f"parameter 'page' is {page}, but there are only {pages} pages")
    values = property_values(iri, prop, direction, page_size, (page - 1) * page_size)
    values = in_language(values, lang)  # a long list of names: those in the page's language
    group = LinkGroup(prop, direction, total, values)
    labels = labels_for({iri, prop, *iris_of(values)}, lang)
    return Response(
        render_template(
            "property.html",
            iri=iri,
            label=labels.get(iri, short(iri)),
            group=group,
            page=page,
            pages=pages,
            start=(page - 1) * page_size + 1,
            labels=labels,
            lang=lang,
            ui=UI[lang],
        )
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    @app.template_filter("local")
    def _local(iri: str) -> str:
        """The local URL of a minted IRI, keeping the page language; outside IRIs stay as they
        are if they are `linkable`; others become "" (templates show them as text), never a
        script."""
        path = local_path(iri)
        if path is None:
            return iri if linkable(iri) else ""
        return path + "?lang=en" if request.args.get("lang") == "en" else path

    @app.template_filter("day")
    def _day(value: str) -> str:
        """An ISO date (or timestamp) as people of the page's language write it."""
        return show_date(value, label_lang(request.args.get("lang")))

    @app.template_filter("literal")
    def _literal(term: Any) -> str:
        return show_literal(term, label_lang(request.args.get("lang")))

    @app.template_filter("short")
    def _short(iri: str) -> str:
        return short(iri)
