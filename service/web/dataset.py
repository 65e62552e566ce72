"""Blueprint `dataset`: the dataset described in DCAT-AP.de and VoID, and its full dumps.

`/dataset` (HTML or RDF by Accept) and `/.well-known/void` describe the data: title, publisher,
licence (Datenlizenz Deutschland Namensnennung 2.0 unless configured), the dumps, the SPARQL
endpoint, triple counts and the vocabularies used. `/dumps/ratsgraph.nq.gz` and `…ttl.gz` carry
ETag and Last-Modified and answer 304 to a client that has the current one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from service.errors import UserError
from service.queries import LOOKUP_DIR, get_query
from service.store.dumps import FORMATS, StoreState, current_dump, store_state
from service.web import get_store
from service.web.negotiation import RDFLIB_FORMAT, negotiate, vary

bp = Blueprint("dataset", __name__)

VOID = Namespace("http://rdfs.org/ns/void#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
RDF_TYPES = (  # offered in this order (serialised by RDFLIB_FORMAT)
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
)
FORMAT_ALIASES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}


def vocabularies(predicates: list[str]) -> list[str]:
    """The namespaces of the properties used: everything up to the last ``#`` or ``/``.

    >>> vocabularies(["http://purl.org/dc/terms/title", "https://w3id.org/ratsgraph/ontology#text"])
    ['http://purl.org/dc/terms/', 'https://w3id.org/ratsgraph/ontology#']
    """
    out = set()
    for p in predicates:
        cut = max(p.rfind("#"), p.rfind("/"))
        if cut > 0:
            out.add(p[: cut + 1])
    return sorted(out)


def description(state: StoreState) -> Graph:
    """The DCAT-AP.de catalogue, dataset, distributions and SPARQL service, and VoID statistics."""
    cfg = current_app.config
    store = get_store()
    stats = store.select(get_query("void-stats", LOOKUP_DIR).text).rows
    counts = {k: int(v.value) for k, v in (stats[0] if stats else {}).items() if v is not None}
    predicates = [r["p"].value for r in store.select(get_query("predicates", LOOKUP_DIR).text).rows]
    title = str(cfg["DATASET_TITLE"])
    licence = URIRef(str(cfg["LICENSE"]))
    base = str(cfg["BASE_IRI"]).rstrip("/")
    here = url_for("dataset.dataset", _external=True)
    catalog, dataset = URIRef(here + "#catalog"), URIRef(here + "#dataset")
    service = URIRef(here + "#sparql")
    sparql = URIRef(url_for("sparql.endpoint", _external=True))
    publisher = URIRef(here + "#publisher")
    modified = Literal(state.last_modified.isoformat(), datatype=XSD.dateTime)

    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("void", VOID), ("dcatde", DCATDE)):
        g.bind(prefix, ns)
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(str(cfg["PUBLISHER"]))))
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"{title} – Katalog", lang="de")))
    g.add((catalog, DCTERMS.description, Literal(f"Datenkatalog von {title}.", lang="de")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal(title, lang="de")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Beschlüsse des Rats, ihre Beschlusspunkte, Aufträge mit Fristen und die "
                "Beschlusskontrollen dazu, aus den Dokumenten des Ratsinformationssystems gelesen.",
                lang="de",
            ),
        )
    )
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.license, licence))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCAT.theme, THEME))
    g.add((dataset, DCAT.keyword, Literal("Ratsbeschlüsse", lang="de")))
    g.add((dataset, VOID.sparqlEndpoint, sparql))
    g.add((dataset, VOID.uriSpace, Literal(base + "/id/")))
    g.add((dataset, VOID.exampleResource, URIRef(f"{base}/id/{cfg['BODY']}")))
    for key, prop in (
        ("triples", VOID.triples),
        ("subjects", VOID.distinctSubjects),
        ("properties", VOID.properties),
        ("classes", VOID.classes),
    ):
        if key in counts:
            g.add((dataset, prop, Literal(counts[key], datatype=XSD.integer)))
    for vocab in vocabularies(predicates):
        g.add((dataset, VOID.vocabulary, URIRef(vocab)))
    for fmt, (media, name) in FORMATS.items():
        url = URIRef(url_for("dataset.dump", name=name, _external=True))
        dist = URIRef(f"{here}#dump-{fmt}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"Gesamtabzug ({name})", lang="de")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add(
            (dist, DCAT.mediaType, URIRef(f"http://www.iana.org/assignments/media-types/{media}"))
        )
        g.add(
            (
                dist,
                DCAT.compressFormat,
                URIRef("http://www.iana.org/assignments/media-types/application/gzip"),
            )
        )
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.modified, modified))
    endpoint_dist = URIRef(here + "#sparql-distribution")
    g.add((dataset, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCTERMS.title, Literal("SPARQL-Endpunkt", lang="de")))
    g.add((endpoint_dist, DCAT.accessURL, sparql))
    g.add((endpoint_dist, DCAT.accessService, service))
    g.add((endpoint_dist, DCTERMS.license, licence))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL-Endpunkt", lang="de")))
    g.add((service, DCAT.endpointURL, sparql))
    g.add((service, DCAT.endpointDescription, sparql))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g


@bp.get("/dataset")
def dataset() -> Any:
    media = negotiate([*RDF_TYPES, "text/html"], default="text/html", formats=FORMAT_ALIASES)
    return _describe(media)


@bp.get("/.well-known/void")
def well_known_void() -> Any:
    media = negotiate(list(RDF_TYPES), default="text/turtle", formats=FORMAT_ALIASES)
    return _describe(media)


_described: dict[tuple, Graph] = {}


def cached_description(state: StoreState) -> Graph:
    """The description, computed once per store state, host and settings (counting is a scan)."""
    cfg = current_app.config
    key = (
        id(get_store()),
        state.fingerprint,
        request.url_root,
        *(str(cfg[k]) for k in ("DATASET_TITLE", "PUBLISHER", "LICENSE", "BASE_IRI", "BODY")),
    )
    if key not in _described:
        _described.clear()  # one state at a time is all a server needs
        _described[key] = description(state)
    return _described[key]


def _describe(media: str) -> Response:
    state = store_state(get_store())
    g = cached_description(state)
    if media == "text/html":
        ds = next(g.subjects(RDF.type, DCAT.Dataset))
        html = render_template(
            "dataset.html",
            graph=g,
            ds=ds,
            title=str(current_app.config["DATASET_TITLE"]),
            value=lambda p: g.value(ds, p),
            dumps=[(name, url_for("dataset.dump", name=name)) for _, name in FORMATS.values()],
            vocabularies=sorted(str(v) for v in g.objects(ds, VOID.vocabulary)),
            VOID=VOID,
            DCTERMS=DCTERMS,
        )
        return vary(Response(html))
    return vary(Response(g.serialize(format=RDFLIB_FORMAT[media]), mimetype=media))


@bp.get("/dumps/<name>")
def dump(name: str) -> Any:
    fmt = next((f for f, (_, n) in FORMATS.items() if n == name), None)
    if fmt is None:
        names = ", ".join(n for _, n in FORMATS.values())
        raise UserError(f"no dump called {name!r}; available: {names}", 404)
    store = get_store()
    state = store_state(store)
    resp = Response(mimetype="application/gzip")
    resp.set_etag(state.fingerprint + "-" + fmt)
    resp.last_modified = state.last_modified
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if request.if_none_match.contains(state.fingerprint + "-" + fmt) or (
        not request.if_none_match
        and request.if_modified_since
        and request.if_modified_since >= state.last_modified.replace(microsecond=0)
    ):
        resp.status_code = 304
        return resp
    resp.set_data(current_dump(store, fmt, state).gzipped)
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
