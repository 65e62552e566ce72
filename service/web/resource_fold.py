"""A resource page for people rather than for RDF: literals in the page's language, internal nodes
(a delegation, a status assertion, an interval, evidence, a signature) folded into the page of their
owner instead of shown as bare links, a resolution titled by its subject, dates as people write
them, and a "query this" link into the SPARQL editor."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import pyoxigraph as ox

from service.queries import LOOKUP_DIR, get_query
from service.store import Term
from service.web import get_store
from service.web.resource_links import LinkGroup

RB = "https://w3id.org/ratsgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT_TITLE = "http://purl.org/dc/terms/title"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TITLED_BY_SUBJECT = {RB + "Resolution", RB + "Recommendation"}
# shown inside their owner's page, never as pages of their own in a list
FOLDED_PROPERTIES = {RDF_TYPE, RDFS_LABEL}
MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}


def show_date(value: str, lang: str = "de") -> str:
    """An ISO date or timestamp as people read it; anything else unchanged.

    >>> show_date("2022-10-13"), show_date("2026-11-29T14:05:00Z"), show_date("2022-10-13", "en")
    ('13.10.2022', '29.11.2026, 14:05', '13 October 2022')
    """
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            if lang == "en":
                return f"{d.day} {MONTHS['en'].split()[d.month - 1]} {d.year}"
            return f"{d.day:02d}.{d.month:02d}.{d.year}"
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if lang == "en":
        return f"{show_date(t.date().isoformat(), 'en')}, {t:%H:%M}"
    return f"{t:%d.%m.%Y, %H:%M}"


def show_literal(t: Term, lang: str) -> str:
    """A literal's text for a page: dates as people write them, booleans in words."""
    dt = t.datatype or ""
    if dt in (XSD + "date", XSD + "dateTime"):
        return show_date(t.value, lang)
    if dt == XSD + "boolean":
        yes = t.value in ("true", "1")
        return ("ja" if yes else "nein") if lang == "de" else ("yes" if yes else "no")
    return t.value


LABEL_PROPERTIES = {
    RDFS_LABEL,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
}


def in_language(values: list[Term], lang: str, strict: bool = False) -> list[Term]:
    """Of language-tagged literals, those in ``lang`` (else German, else all): "Bezeichnung:
    Oberbürgermeister", not the same name twice with "@en" beside it. Other values stay.
    ``strict`` (names): only ``lang``, so a German page shows no English name at all."""
    tagged = [v for v in values if v.kind == "literal" and v.lang]
    if not tagged:
        return values
    if strict:
        return [v for v in values if not (v.kind == "literal" and v.lang and v.lang != lang)]
    for wanted in (lang, "de"):
        if any(v.lang == wanted for v in tagged):
            return [v for v in values if not (v.kind == "literal" and v.lang and v.lang != wanted)]
    return values


def title_of(groups: list[LinkGroup], types: set[str], lang: str) -> str | None:
    """A resolution's subject (dct:title) as its page's heading."""
    if not types & TITLED_BY_SUBJECT:
        return None
    for g in groups:
        if g.direction == "out" and g.property == DCT_TITLE:
            titles = in_language(g.values, lang)
            if titles:
                return titles[0].value
    return None


def folded(groups: list[LinkGroup]) -> dict[str, list[tuple[str, list[Term]]]]:
    """The properties of every internal node among the page's values, in one query:
    node -> [(property, values)]. The template shows them in place of a bare link."""
    candidates = sorted(
        {v.value for g in groups for v in g.values if v.kind == "uri"}
        - {g.property for g in groups}
    )
    if not candidates:
        return {}
    query = get_query("internal-nodes", LOOKUP_DIR).bind_many("x", candidates)
    found: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in get_store().select(query).rows:
        x, p, o = row.get("x"), row.get("p"), row.get("inner") or row.get("o")
        if x is not None and p is not None and o is not None and p.value not in FOLDED_PROPERTIES:
            if o not in found[x.value][p.value]:
                found[x.value][p.value].append(o)
    return {node: sorted(props.items()) for node, props in found.items()}


def folded_iris(nodes: dict[str, list[tuple[str, list[Term]]]]) -> set[str]:
    """Every IRI the folded nodes show, for the page's one label query."""
    out: set[str] = set()
    for props in nodes.values():
        for prop, values in props:
            out.add(prop)
            out |= {v.value for v in values if v.kind == "uri"}
    return out


def describe_query(iri: str) -> str:
    """The SPARQL behind "query this": every statement about the resource, both ways."""
    node = ox.NamedNode(iri)  # checked: the page's own IRI, written as <…>
    return (
        f"# {iri}: its properties (out) and the links to it (in)\n"
        "SELECT ?direction ?property ?value WHERE {\n"
        f'  {{ {node} ?property ?value . BIND ("out" AS ?direction) }}\n'
        "  UNION\n"
        f'  {{ ?value ?property {node} . BIND ("in" AS ?direction) }}\n'
        "}\nORDER BY ?direction ?property ?value"
    )
