"""What a resource page shows: its links grouped by property both ways, paged, with labels in one query.

High-degree properties are not dumped (LodView#32): a page counts every property's links first
(one GROUP BY query), fetches the values of the properties it shows, and offers the rest of a long
list as its own paged page (Pubby). Every IRI on the page gets its label from one batched query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from service.queries import LOOKUP_DIR, get_query
from service.store import Term
from service.web import get_store

LANGS = ("de", "en")
UI = {
    "de": {
        "properties": "Eigenschaften",
        "incoming": "Verweise hierher",
        "of": "von",
        "more": "alle {n} anzeigen",
        "page": "Seite {page} von {pages}",
        "back": "zurück zur Übersicht",
        "prev": "vorige Seite",
        "next": "nächste Seite",
        "sources": "Quellen",
        "formats": "Formate",
        "points": "Beschlusspunkte",
        "timeline": "Zeitleiste",
        "point": "Punkt",
        "delegations": "Aufträge",
        "status_history": "Stand laut Beschlusskontrollen",
        "no_status": "noch keine Beschlusskontrolle",
        "deadline": "Frist",
        "resolution": "Beschluss",
        "framework_part": "Teil des Planungsrahmens",
        "adopted_by": "Beschlossen durch",
        "other_reports": "Weitere Planungsberichte dieses Teils",
        "holders": "Amtsinhaber",
        "delegated_points": "Beauftragte Beschlusspunkte nach Stand",
        "reports_on": "Berichtet über",
        "planning_reports": "Planungsberichte",
        "reported_status": "Gemeldeter Stand je Punkt",
        "since": "seit",
        "until": "bis",
        "beschlossen": "Beschluss gefasst",
        "Frist": "Frist",
        "Beschlusskontrolle": "Beschlusskontrolle",
        "undated": "ohne Datum",
        "query_this": "im SPARQL-Editor abfragen",
        "status_offen": "offen",
        "status_in_umsetzung": "in Umsetzung",
        "status_fortlaufend": "fortlaufend",
        "status_umgesetzt": "umgesetzt",
        "open_points": "offene Beschlusspunkte",
        "overdue": "überfällige Beschlusspunkte",
        "summary": "Übersicht nach Stand",
        "views": "Ansichten",
        "text": "Text des Dokuments",
        "facts": "Gelesene Angaben",
        "fact_of": "belegt",
    },
    "en": {
        "properties": "Properties",
        "incoming": "Links to this resource",
        "of": "of",
        "more": "show all {n}",
        "page": "page {page} of {pages}",
        "back": "back to the overview",
        "prev": "previous page",
        "next": "next page",
        "sources": "Sources",
        "formats": "Formats",
        "points": "Resolution points",
        "timeline": "Timeline",
        "point": "Point",
        "delegations": "Tasks",
        "status_history": "Status according to the status reports",
        "no_status": "no status report yet",
        "deadline": "Deadline",
        "resolution": "Resolution",
        "framework_part": "Part of the planning framework",
        "adopted_by": "Adopted by",
        "other_reports": "Other planning reports of this part",
        "holders": "Office holders",
        "delegated_points": "Delegated points by status",
        "reports_on": "Reports on",
        "planning_reports": "Planning reports",
        "reported_status": "Reported status per point",
        "since": "since",
        "until": "until",
        "beschlossen": "Resolution passed",
        "Frist": "Deadline",
        "Beschlusskontrolle": "Status report",
        "undated": "undated",
        "query_this": "query this in the SPARQL editor",
        "status_offen": "open",
        "status_in_umsetzung": "in progress",
        "status_fortlaufend": "ongoing",
        "status_umgesetzt": "implemented",
        "open_points": "open points",
        "overdue": "overdue points",
        "summary": "summary by status",
        "views": "Views",
        "text": "Text of the document",
        "facts": "Facts read",
        "fact_of": "evidence for",
    },
}


_ELI = "http://data.europa.eu/eli/ontology#"
_TIME = "http://www.w3.org/2006/time#"
_ORG = "http://www.w3.org/ns/org#"
_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
# Properties of the vocabularies we reuse, whose own labels are not in the store (de, en).
EXTERNAL_LABELS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("Typ", "type"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("Bezeichnung", "label"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("Anmerkung", "comment"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("Name", "preferred label"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("anderer Name", "alternative label"),
    "http://www.w3.org/2004/02/skos/core#notation": ("Kürzel", "notation"),
    "http://xmlns.com/foaf/0.1/name": ("Name", "name"),
    _DCT + "title": ("Titel", "title"),
    _DCT + "identifier": ("Kennung", "identifier"),
    _DCT + "date": ("Datum", "date"),
    _DCT + "isPartOf": ("ist Teil von", "is part of"),
    _ELI + "has_part": ("hat Teil", "has part"),
    _ELI + "is_part_of": ("ist Teil von", "is part of"),
    _ELI + "passed_by": ("beschlossen von", "passed by"),
    _ELI + "date_document": ("Datum", "document date"),
    _ELI + "number": ("Nummer", "number"),
    "http://data.europa.eu/eli/eli-draft-legislation-ontology#answers_to": (
        "antwortet auf",
        "answers to",
    ),
    _PROV + "wasGeneratedBy": ("entstanden in", "generated by"),
    "http://data.vlaanderen.be/ns/besluit#isGehoudenDoor": ("abgehalten von", "held by"),
    _ORG + "postIn": ("Stelle in", "post in"),
    _ORG + "member": ("Mitglied", "member"),
    _ORG + "memberDuring": ("Amtszeit", "term of office"),
    _ORG + "role": ("Rolle", "role"),
    _TIME + "hasBeginning": ("Beginn", "beginning"),
    _TIME + "hasEnd": ("Ende", "end"),
    _TIME + "inXSDDate": ("Datum", "date"),
    _TIME + "inXSDgYear": ("Jahr", "year"),
    _TIME + "inXSDgYearMonth": ("Monat", "month"),
    _ORG + "unitOf": ("Einheit von", "unit of"),
    _PROV + "wasAttributedTo": ("unterzeichnet von", "attributed to"),
    _DCT + "source": ("Quelle", "source"),
    "http://www.w3.org/2004/02/skos/core#note": ("Hinweis", "note"),
    # classes of those vocabularies, shown as a resource's type
    _PROV + "Entity": ("Quelle (PROV)", "entity (PROV)"),
    _ORG + "Post": ("Stelle", "post"),
    _ORG + "Role": ("Rolle", "role"),
    _ORG + "Membership": ("Mitgliedschaft", "membership"),
    _ORG + "OrganizationalUnit": ("Organisationseinheit", "organizational unit"),
    _ORG + "FormalOrganization": ("Organisation", "formal organization"),
    _TIME + "Interval": ("Zeitraum", "interval"),
    _TIME + "Instant": ("Zeitpunkt", "instant"),
    "http://xmlns.com/foaf/0.1/Person": ("Person", "person"),
    "http://www.w3.org/2004/02/skos/core#Concept": ("Begriff", "concept"),
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": ("Begriffssystem", "concept scheme"),
}
# How a link reads from its target's page ("Punkt 4 ist Teil von Beschluss" seen from the
# resolution: "hat Teil"), for the links to a resource; others read "← property".
INVERSE_LABELS = {
    _ELI + "is_part_of": ("hat Teil", "has part"),
    _ELI + "has_part": ("ist Teil von", "is part of"),
    _DCT + "isPartOf": ("enthält", "contains"),
    _ORG + "unitOf": ("hat Einheit", "has unit"),
    _ORG + "postIn": ("hat Stelle", "has post"),
    _ELI + "passed_by": ("hat beschlossen", "passed"),
    _PROV + "wasAttributedTo": ("hat unterzeichnet", "signed"),
    _PROV + "wasGeneratedBy": ("brachte hervor", "generated"),
    "http://data.vlaanderen.be/ns/besluit#isGehoudenDoor": ("hielt ab", "held"),
    "https://w3id.org/ratsgraph/ontology#actor": ("beauftragt in", "tasked in"),
    "https://w3id.org/ratsgraph/ontology#delegation": ("Auftrag aus", "task of"),
    "https://w3id.org/ratsgraph/ontology#statusOf": ("Stand", "status"),
    "https://w3id.org/ratsgraph/ontology#reportsOn": ("Beschlusskontrolle", "status report"),
    "https://w3id.org/ratsgraph/ontology#records": ("Ausfertigung", "recorded in"),
    "https://w3id.org/ratsgraph/ontology#body": ("Kommune von", "body of"),
    "https://w3id.org/ratsgraph/ontology#office": ("besetzt durch", "held by"),
}


def inverse_label(prop: str, labels: dict[str, str], lang: str) -> str:
    """The heading of the links to a resource by ``prop`` (never "ist Teil von von")."""
    if prop in INVERSE_LABELS:
        return INVERSE_LABELS[prop][LANGS.index(lang)]
    return "← " + labels.get(prop, prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1])


@dataclass
class LinkGroup:
    """The values of one property of a resource (``out``), or the resources pointing at it (``in``)."""

    property: str
    direction: str  # "out" | "in"
    total: int
    values: list[Term] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.values)


def label_lang(requested: str | None) -> str:
    """The page language: ``?lang=en`` for English, German otherwise."""
    return requested if requested in LANGS else "de"


def labels_for(iris: Iterable[str], lang: str = "de") -> dict[str, str]:
    """Labels of many IRIs from one query: the language asked for first, then German, English, any;
    within a language skos:prefLabel before rdfs:label, foaf:name, dct:title."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    order = [lang, *[x for x in LANGS if x != lang], ""]
    query = get_query("labels", LOOKUP_DIR)
    result = get_store().select(query.bind_many("x", wanted))
    best: dict[str, tuple[int, int, str]] = {}
    for row in result.rows:
        x, label, kind = row.get("x"), row.get("label"), row.get("kind")
        if x is None or label is None:
            continue
        tag = label.lang or ""
        lang_rank = order.index(tag) if tag in order else len(order)
        rank = (lang_rank, int(kind.value) if kind else 9, label.value)
        if x.value not in best or rank < best[x.value]:
            best[x.value] = rank
    labels = {k: v[2] for k, v in best.items()}
    for iri in set(wanted) & set(EXTERNAL_LABELS):
        if iri not in best or best[iri][0] != 0:  # nothing in the language asked for
            labels[iri] = EXTERNAL_LABELS[iri][LANGS.index(lang)]
    return labels


def link_counts(iri: str) -> dict[tuple[str, str], int]:
    """``(direction, property) -> number of links``; empty when the IRI is not in the dataset."""
    rows = get_store().select(get_query("link-counts", LOOKUP_DIR).bind({"s": iri})).rows
    return {
        (r["direction"].value, r["p"].value): int(r["n"].value)
        for r in rows
        if r.get("direction") and r.get("p") and r.get("n")
    }


def property_values(iri: str, prop: str, direction: str, limit: int, offset: int = 0) -> list[Term]:
    """One page of the values of ``prop`` (out) or of the resources linking by it (in)."""
    query = get_query("links-out" if direction == "out" else "links-in", LOOKUP_DIR)
    text = paged(query.bind({"s": iri, "p": prop}), limit, offset)
    return [r["x"] for r in get_store().select(text).rows if r.get("x") is not None]


def paged(query: str, limit: int, offset: int) -> str:
    """A query cut to one page. Both numbers are ints checked here, never text from a request."""
    if not isinstance(limit, int) or not isinstance(offset, int) or limit < 1 or offset < 0:
        raise ValueError(f"a page needs a positive limit and an offset >= 0, got {limit}, {offset}")
    return f"{query}\nLIMIT {limit} OFFSET {offset}"


BULK_LINKS = 1000  # up to this many links one way, one query fetches them all; beyond, per property


def link_groups(
    iri: str, counts: dict[tuple[str, str], int], page_size: int
) -> tuple[list[LinkGroup], list[str]]:
    """Every property of the resource both ways with its first ``page_size`` values, and the graphs
    its statements are in. A resource with few links costs one query per direction; one with many
    (the city, a much-used office) one capped query per property, so no page reads them all."""
    store = get_store()
    found: dict[tuple[str, str], list[Term]] = defaultdict(list)
    for direction, name, param, var in (
        ("out", "resource-out", "s", "o"),
        ("in", "resource-in", "o", "s"),
    ):
        if sum(n for (d, _), n in counts.items() if d == direction) > BULK_LINKS:
            continue
        for row in store.select(get_query(name, LOOKUP_DIR).bind({param: iri})).rows:
            p, x = row.get("p"), row.get(var)
            if p is not None and x is not None:
                found[(direction, p.value)].append(x)
    groups = []
    for (direction, prop), total in sorted(counts.items()):
        values = found.get((direction, prop), [])[:page_size]
        if len(values) < min(total, page_size):
            values = property_values(iri, prop, direction, page_size)
        groups.append(LinkGroup(prop, direction, total, values))
    rows = store.select(get_query("sources", LOOKUP_DIR).bind({"s": iri})).rows
    return groups, [r["g"].value for r in rows if r.get("g") is not None]


def iris_of(terms: Iterable[Term | None]) -> set[str]:
    return {t.value for t in terms if t is not None and t.kind == "uri"}
