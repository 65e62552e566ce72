"""What of a named graph is searchable: one record per page a person would want to land on.

A document graph gives its source document (the full text), its resolution (titled by its
subject), each point (its text, its tasks, what a report said of it) and a planning report; the
reference graph gives committees, offices, units and people by name. Internal nodes (delegations,
status assertions, evidence, signatures) are folded into their owner's record. Every record
carries the facets of its document: body, committee, kind, year, actors, status.

Read from the graph's N-Triples as written to the store, so the index is built the same way at a
write and from a store's contents (`ratsgraph reindex`, a remote store)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

RB = "https://w3id.org/ratsgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
BESLUIT_HELD_BY = "http://data.vlaanderen.be/ns/besluit#isGehoudenDoor"
ONTOLOGY_GRAPH = "https://w3id.org/ratsgraph/ontology"

# types whose pages people land on, with the kind shown (German, English)
KINDS: dict[str, tuple[str, str]] = {
    RB + "Resolution": ("Beschluss", "resolution"),
    RB + "Recommendation": ("Beschlussempfehlung", "recommendation"),
    RB + "ResolutionPoint": ("Beschlusspunkt", "resolution point"),
    RB + "PlanningReport": ("Planungsbericht", "planning report"),
    RB + "Committee": ("Gremium", "committee"),
    RB + "CityCouncil": ("Gremium", "committee"),
    RB + "Office": ("Amt", "office"),
    RB + "AdministrativeUnit": ("Organisationseinheit", "administrative unit"),
    RB + "Person": ("Person", "person"),
    RB + "FrameworkPart": ("Teil des Planungsrahmens", "framework part"),
    RB + "PlanningFramework": ("Planungsrahmen", "planning framework"),
    RB + "City": ("Kommune", "municipality"),
}
DOCUMENT = RB + "SourceDocument"


@dataclass
class Record:
    """One searchable page: its IRI, kind, title, text, paper numbers and facet values."""

    iri: str
    kind: str  # German kind label: "Beschluss", "Beschlussausfertigung", …
    title: str
    text: str
    papers: list[str] = field(default_factory=list)  # paper numbers as written (V1106/21)
    date: str | None = None  # ISO date of the decision or document
    body: str | None = None  # IRIs: resolved to labels when searched
    committee: str | None = None
    actors: list[str] = field(default_factory=list)
    status: str | None = None  # status concept IRI (a point's, as its report gave it)
    status_date: str | None = None


def _value(term: object) -> str:
    return term.value  # type: ignore[attr-defined]


class _Graph:
    """The triples of one graph by subject: predicate -> values (IRIs and literal texts)."""

    def __init__(self, ntriples: str) -> None:
        self.props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.langs: list[tuple[str, str, str | None, str]] = []  # (subject, predicate, lang, text)
        for t in ox.parse(ntriples.encode(), format=ox.RdfFormat.N_TRIPLES):
            s, p, o = _value(t.subject), t.predicate.value, t.object
            self.props[s][p].append(_value(o))
            if isinstance(o, ox.Literal) and p in (RDFS_LABEL, SKOS_PREF, FOAF_NAME):
                self.langs.append((s, p, o.language, o.value))

    def one(self, s: str | None, p: str) -> str | None:
        values = self.props.get(s or "", {}).get(p)
        return values[0] if values else None

    def all(self, s: str, p: str) -> list[str]:
        return self.props.get(s, {}).get(p, [])

    def name(self, s: str) -> str:
        """The German label of ``s`` (else any label or name; else the IRI)."""
        named = [(lang != "de", text) for subject, _, lang, text in self.langs if subject == s]
        return min(named)[1] if named else s

    def typed(self, cls: str) -> list[str]:
        return [s for s, ps in self.props.items() if cls in ps.get(RDF_TYPE, [])]


def records(graph_iri: str, ntriples: str) -> tuple[list[Record], list[tuple[str, str, str]]]:
    """The records of one named graph, and its labels (IRI, language, label): facet values are shown by these."""
    g = _Graph(ntriples)
    found_labels = [(s, lang or "", text) for s, _, lang, text in g.langs]
    if graph_iri == ONTOLOGY_GRAPH:  # classes and properties: labels only, no pages to land on
        return [], found_labels
    docs = g.typed(DOCUMENT)
    doc = docs[0] if docs else None
    resolutions = g.typed(RB + "Resolution") + g.typed(RB + "Recommendation")
    resolution = resolutions[0] if resolutions else None
    session = g.one(resolution, RB + "session")
    committee = g.one(resolution, ELI + "passed_by") or g.one(session, BESLUIT_HELD_BY)
    date = (
        g.one(resolution, ELI + "date_document")
        or g.one(session, DCT + "date")
        or g.one(doc, ELI + "date_document")
        or max(
            (d for a in g.typed(RB + "StatusAssertion") for d in g.all(a, RB + "asOf")),
            default=None,
        )
    )
    papers = [
        p
        for s in g.typed(RB + "Submission")
        for p in g.all(s, DCT + "identifier") or g.all(s, RDFS_LABEL)
    ]
    body = g.one(doc, RB + "body") or g.one(resolution, RB + "body")
    points = g.typed(RB + "ResolutionPoint")
    point_actors = {
        p: sorted({a for d in g.all(p, RB + "delegation") for a in g.all(d, RB + "actor")})
        for p in points
    }
    all_actors = sorted({a for actors in point_actors.values() for a in actors})
    assertions = {g.one(a, RB + "statusOf"): a for a in g.typed(RB + "StatusAssertion")}

    def context(**fields: object) -> dict[str, object]:
        base: dict[str, object] = {"papers": papers, "date": date, "body": body}
        base["committee"] = committee
        base.update(fields)
        return base

    out: list[Record] = []
    cities = g.typed(RB + "City")
    if doc is not None:
        kind = g.one(doc, RB + "documentKind") or "Dokument"
        title = g.one(doc, DCT + "title") or ""
        label = g.one(doc, RDFS_LABEL) or kind
        text = g.one(doc, RB + "content") or ""
        fields = context(actors=all_actors, date=g.one(doc, ELI + "date_document") or date)
        out.append(Record(doc, kind, f"{label}: {title}" if title else label, text, **fields))  # type: ignore[arg-type]
    for s, ps in g.props.items():
        kinds = [KINDS[t] for t in ps.get(RDF_TYPE, []) if t in KINDS]
        if not kinds or s.startswith("_:"):
            continue
        kind = kinds[0][0]
        name = g.name(s)
        if s in points:
            parts = [g.one(s, RB + "text") or ""]
            for d in g.all(s, RB + "delegation"):
                parts += g.all(d, RB + "actorText") + g.all(d, RB + "task")
            a = assertions.get(s)
            parts += g.all(a, RB + "statusNote") if a else []
            status = g.one(a, RB + "status") if a else None
            status_date = g.one(a, RB + "asOf") if a else None
            fields = context(actors=point_actors[s], status=status, status_date=status_date)
            out.append(Record(s, kind, name, "\n".join(parts), **fields))  # type: ignore[arg-type]
        elif s in resolutions:
            subject = g.one(s, DCT + "title")
            fields = context(actors=all_actors)
            texts = [g.one(p, RB + "text") or "" for p in g.all(s, ELI + "has_part")]
            text = "\n".join([name, subject or "", *texts])  # found by what it resolved
            out.append(Record(s, kind, subject or name, text, **fields))  # type: ignore[arg-type]
        elif doc is None:  # reference data: names only
            alt = [v for p in (RDFS_LABEL, SKOS_PREF, FOAF_NAME) for v in g.all(s, p)]
            alt += g.all(s, DCT + "identifier")
            # its council: said (committees), else the city whose IRI space holds it (offices,
            # units, persons: /id/dresden/unit/jugendamt), so a body facet finds them too
            own = g.one(s, RB + "body") or next((c for c in cities if s.startswith(c + "/")), None)
            out.append(Record(s, kind, name, "\n".join(dict.fromkeys(alt)), body=own))
        else:  # a planning report named in a document
            title = g.one(s, DCT + "title") or name
            out.append(Record(s, kind, title, title, **context(actors=all_actors)))  # type: ignore[arg-type]
    return out, found_labels
