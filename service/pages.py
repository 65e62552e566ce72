"""Blueprint `pages`: the home page and a browsable page for every minted IRI (`/id/…`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request

from . import get_store
from .errors import UserError
from .queries import get_query, load_queries
from .store import Term
from .views import LOOKUP_DIR, queries_dir

bp = Blueprint("pages", __name__)

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
FORMAT_ALIASES = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "html": "text/html",
}


def base_iri() -> str:
    return str(current_app.config["BASE_IRI"]).rstrip("/")


def local_path(iri: str) -> str | None:
    """The path on this server that serves a minted IRI, or None for outside IRIs."""
    prefix = base_iri() + "/id/"
    if iri.startswith(prefix):
        return "/id/" + iri[len(prefix) :]
    if iri == base_iri() + "/id":
        return "/id"
    return None


def labels_for(iris: set[str]) -> dict[str, str]:
    """German labels (else English, else any) of many IRIs, fetched in one query."""
    if not iris:
        return {}
    query = get_query("labels", LOOKUP_DIR)
    result = get_store().select(query.bind_many("x", sorted(iris)))
    best: dict[str, tuple[int, str]] = {}
    for row in result.rows:
        x, label = row.get("x"), row.get("label")
        if x is None or label is None:
            continue
        rank = {"de": 0, "en": 1}.get(label.lang or "", 2)
        if x.value not in best or rank < best[x.value][0]:
            best[x.value] = (rank, label.value)
    return {k: v[1] for k, v in best.items()}


def short(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


@bp.get("/")
def home() -> Any:
    stats = get_store().select(get_query("stats", LOOKUP_DIR).text)
    counts = {k: (v.python() if v else 0) for k, v in (stats.rows[0] if stats.rows else {}).items()}
    return render_template(
        "index.html", counts=counts, queries=load_queries(queries_dir()).values()
    )


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Any:
    iri = f"{base_iri()}/id/{rest}"
    wanted = request.args.get("format")
    media = FORMAT_ALIASES.get(wanted or "") if wanted else None
    if wanted and media is None:
        raise UserError(f"unknown format {wanted!r}; expected html, ttl, nt, jsonld or rdf", 400)
    if media is None:
        media = request.accept_mimetypes.best_match(["text/html", *RDF_TYPES]) or "text/html"
    store = get_store()
    out = store.select(get_query("resource-out", LOOKUP_DIR).bind({"s": iri}))
    incoming = store.select(get_query("resource-in", LOOKUP_DIR).bind({"o": iri}))
    if not out.rows and not incoming.rows:
        raise UserError(f"no resource {iri} in this dataset", 404)
    if media in RDF_TYPES:
        graph = store.construct(get_query("describe", LOOKUP_DIR).bind({"s": iri}))
        resp = Response(graph.serialize(format=RDF_TYPES[media]), mimetype=media)
        resp.headers["Vary"] = "Accept"
        return resp
    groups: dict[str, list[Term]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    sources: set[str] = set()
    for row in out.rows:
        p, o, g = row["p"], row["o"], row.get("g")
        if g is not None:
            sources.add(g.value)
        if p is None or o is None or (p.value, o.value) in seen:
            continue
        seen.add((p.value, o.value))
        groups[p.value].append(o)
    inbound: dict[str, list[Term]] = defaultdict(list)
    for row in incoming.rows:
        if row["p"] is not None and row["s"] is not None:
            inbound[row["p"].value].append(row["s"])
    iris = {iri, *groups, *inbound, *sources}
    iris |= {t.value for ts in groups.values() for t in ts if t.kind == "uri"}
    iris |= {t.value for ts in inbound.values() for t in ts}
    labels = labels_for(iris)
    resp = Response(
        render_template(
            "resource.html",
            iri=iri,
            label=labels.get(iri, short(iri)),
            outgoing=sorted(groups.items()),
            incoming=sorted(inbound.items()),
            sources=sorted(sources),
            labels=labels,
            page_size=int(current_app.config["PAGE_SIZE"]),
        )
    )
    resp.headers["Vary"] = "Accept"
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.template_filter("local")
    def _local(iri: str) -> str:
        return local_path(iri) or iri

    @app.template_filter("short")
    def _short(iri: str) -> str:
        return short(iri)
