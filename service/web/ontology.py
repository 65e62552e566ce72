"""Blueprint `ontology`: the ratsgraph ontology (ontology/ratsgraph.ttl) where its IRIs point.

``https://w3id.org/ratsgraph/ontology#Resolution`` names a term of the document
``…/ontology``; served at `/ontology` of whatever host runs the service (as `/id/…` serves minted
IRIs), the fragment lands on the term's anchor. Browsers get one page listing every class,
property and status concept (SKOS) with German and English labels and its comment, types,
superclasses, domain and range, linked to each other; RDF clients get the ontology as Turtle,
JSON-LD, RDF/XML or N-Triples by ``Accept`` or ``format=``. ``/ontology/<Term>`` leads to the
term's anchor (and, for RDF clients, to the whole ontology, the document that defines it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from loader.shapes import ONTOLOGY_FILE
from service.errors import UserError
from service.web.negotiation import RDF_FORMAT_ALIASES, RDFLIB_FORMAT, negotiate, vary

bp = Blueprint("ontology", __name__)

ONTOLOGY_IRI = "https://w3id.org/ratsgraph/ontology"
NS = ONTOLOGY_IRI + "#"
RDF_TYPES = (  # offered in this order (serialised by RDFLIB_FORMAT)
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
)
# the sections of the page, in order: heading (de, en) and the types that put a term in it
SECTIONS = (
    ("Klassen", "Classes", (OWL.Class, RDFS.Class)),
    ("Objekteigenschaften", "Object properties", (OWL.ObjectProperty,)),
    ("Dateneigenschaften", "Datatype properties", (OWL.DatatypeProperty,)),
    ("Begriffsschemata", "Concept schemes", (SKOS.ConceptScheme,)),
    ("Status (SKOS-Begriffe)", "Status concepts (SKOS)", (SKOS.Concept,)),
)
PREFIXES = {
    "http://data.europa.eu/eli/ontology#": "eli",
    "http://data.europa.eu/eli/eli-draft-legislation-ontology#": "eli-dl",
    "http://data.vlaanderen.be/ns/besluit#": "besluit",
    "http://www.w3.org/ns/org#": "org",
    "http://www.w3.org/ns/prov#": "prov",
    "http://www.w3.org/2004/02/skos/core#": "skos",
    "http://purl.org/dc/terms/": "dct",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2006/time#": "time",
    "http://www.w3.org/ns/oa#": "oa",
    "https://schema.org/": "schema",
    "http://www.w3.org/2001/XMLSchema#": "xsd",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://www.w3.org/2002/07/owl#": "owl",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    NS: "rb",
}


@dataclass(frozen=True)
class Ref:
    """A term as a link: its short name (rb:Resolution) and where it leads (our anchor, or the
    IRI of another vocabulary)."""

    name: str
    href: str
    own: bool


@dataclass
class Term:
    """One term of the ontology as its page shows it."""

    local: str
    iri: str
    labels: dict[str, str] = field(default_factory=dict)  # language -> label
    comments: dict[str, str] = field(default_factory=dict)
    types: list[Ref] = field(default_factory=list)
    facts: list[tuple[str, str, list[list[Ref] | str]]] = field(default_factory=list)


@cache
def ontology() -> Graph:
    """The ontology as the file has it (read once: it changes with a release, not with data)."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def ref(node: Node) -> Ref:
    text = str(node)
    if text.startswith(NS):
        local = text[len(NS) :]
        return Ref(f"rb:{local}", f"#{local}", True)
    for namespace, prefix in PREFIXES.items():
        if text.startswith(namespace):
            return Ref(f"{prefix}:{text[len(namespace) :]}", text, False)
    return Ref(text, text, False)


def refs(g: Graph, node: Node) -> list[Ref]:
    """A named term as one link; an ``owl:unionOf`` class as the links of its members."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return [ref(m) for m in Collection(g, members)]
        return []
    return [ref(node)]


# what a term's page says beside its labels: (German, English) heading, property, outgoing
FACTS = (
    ("Unterklasse von", "Subclass of", RDFS.subClassOf),
    ("Unterproperty von", "Subproperty of", RDFS.subPropertyOf),
    ("Gleichbedeutend mit", "Equivalent to", OWL.equivalentClass),
    ("Gleichbedeutend mit", "Equivalent to", OWL.equivalentProperty),
    ("Definitionsbereich", "Domain", RDFS.domain),
    ("Wertebereich", "Range", RDFS.range),
    ("Invers zu", "Inverse of", OWL.inverseOf),
    ("Kürzel", "Notation", SKOS.notation),
    ("In Schema", "In scheme", SKOS.inScheme),
    ("Oberbegriffe", "Top concepts", SKOS.hasTopConcept),
    ("Siehe auch", "See also", RDFS.seeAlso),
    ("Entspricht", "Exact match", SKOS.exactMatch),
    ("Ähnlich", "Close match", SKOS.closeMatch),
)


def term(g: Graph, node: URIRef) -> Term:
    t = Term(str(node)[len(NS) :], str(node))
    for prop in (RDFS.label, SKOS.prefLabel):
        for label in g.objects(node, prop):
            if isinstance(label, Literal):
                t.labels.setdefault(label.language or "", str(label))
    for prop in (RDFS.comment, SKOS.definition):
        for comment in g.objects(node, prop):
            if isinstance(comment, Literal):
                t.comments.setdefault(comment.language or "", str(comment))
    t.types = sorted((ref(o) for o in g.objects(node, RDF.type)), key=lambda r: r.name)
    for de, en, prop in FACTS:
        values: list[list[Ref] | str] = []
        for o in sorted(g.objects(node, prop), key=str):
            values.append(str(o) if isinstance(o, Literal) else refs(g, o))
        if values:
            t.facts.append((de, en, values))
    used_as = [
        ("Eigenschaften mit diesem Definitionsbereich", "Properties with this domain", RDFS.domain),
        ("Eigenschaften mit diesem Wertebereich", "Properties with this range", RDFS.range),
        ("Unterklassen", "Subclasses", RDFS.subClassOf),
    ]
    for de, en, prop in used_as:
        found = sorted(
            {ref(s) for s, o in _targets(g, prop) if o == node and isinstance(s, URIRef)},
            key=lambda r: r.name,
        )
        if found:
            t.facts.append((de, en, [[r] for r in found]))
    return t


def _targets(g: Graph, prop: URIRef) -> list[tuple[Node, Node]]:
    """(subject, named object) of ``prop``, a union's members counted as its objects."""
    out = []
    for s, o in g.subject_objects(prop):
        if isinstance(o, BNode) and (members := g.value(o, OWL.unionOf)) is not None:
            out.extend((s, m) for m in Collection(g, members))
        else:
            out.append((s, o))
    return out


def sections(g: Graph) -> list[tuple[str, str, list[Term]]]:
    """The page's sections and their terms, each term in the first section its types put it."""
    placed: set[URIRef] = set()
    out = []
    for de, en, types in SECTIONS:
        nodes = {
            s
            for kind in types
            for s in g.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(NS) and s not in placed
        }
        placed |= nodes
        out.append((de, en, [term(g, n) for n in sorted(nodes, key=str)]))
    return out


@bp.get("/ontology")
def document() -> Any:
    media = negotiate(["text/html", *RDF_TYPES], default="text/html", formats=RDF_FORMAT_ALIASES)
    g = ontology()
    if media != "text/html":
        return vary(Response(g.serialize(format=RDFLIB_FORMAT[media]), mimetype=media))
    node = URIRef(ONTOLOGY_IRI)
    page = term(g, node)
    titles = {o.language: str(o) for o in g.objects(node, URIRef("http://purl.org/dc/terms/title"))}
    described = g.value(node, URIRef("http://purl.org/dc/terms/description"))
    return vary(
        Response(
            render_template(
                "ontology.html",
                titles=titles,
                description=str(described or ""),
                version=str(g.value(node, OWL.versionInfo) or ""),
                sections=sections(g),
                iri=ONTOLOGY_IRI,
                facts=page.facts,
            )
        )
    )


@bp.get("/ontology/<local>")
def term_page(local: str) -> Response:
    """A term by path (``/ontology/Resolution``): its anchor on the ontology's page."""
    if (URIRef(NS + local), None, None) not in ontology():
        raise UserError(f"the ontology has no term {local!r} (see /ontology)", 404)
    return redirect(url_for("ontology.document") + f"#{local}", 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
