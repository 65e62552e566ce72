"""Reference data of one council (committees, offices, holders, units, framework) read from Turtle.

Everything council-specific lives in ``ontology/reference/<body>.ttl``; this module only reads
it, so the extraction works for another city given another file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, SDO, SKOS, TIME

from loader import iris
from loader.vocab import ELI, RB

SCHEMA = SDO  # https://schema.org/

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "ontology" / "reference"


@dataclass(frozen=True)
class Committee:
    abbreviation: str  # as printed in session numbers: "JHA", "OSR LB"
    name: str  # full German name
    iri: str
    labels: tuple[str, ...]  # all German labels incl. genitive forms
    is_council: bool = False
    founded: date | None = None  # a session of an earlier year under this code was another body


@dataclass(frozen=True)
class Actor:
    """Something a resolution can task: an office, a unit or a committee."""

    label: str  # the preferred German label ("Oberbürgermeister", "Jugendamt")
    iri: str
    kind: str  # "office" | "unit" | "committee"
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Incumbency:
    office_iri: str
    office_label: str
    office_labels: tuple[str, ...]
    start: date | None = None
    end: date | None = None

    def covers(self, day: date | None) -> bool:
        """True when ``day`` is inside the term, or the term (or day) is not known to exclude it."""
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Person:
    name: str
    iri: str
    incumbencies: tuple[Incumbency, ...] = ()


@dataclass(frozen=True)
class FrameworkPart:
    number: str  # Roman numeral: "II"
    label: str
    iri: str


@dataclass
class Reference:
    """What the extraction needs to know about one council."""

    body: str
    city_iri: str
    # the city's name as it heads the signature line ("Dresden, 17.10.2022"): last word of its labels
    place_names: tuple[str, ...] = ()
    committees: dict[str, Committee] = field(default_factory=dict)  # by abbreviation
    actors: list[Actor] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    role_labels: list[str] = field(default_factory=list)  # every label a signer's role may carry
    framework_iri: str | None = None
    framework_label: str | None = None
    framework_parts: list[FrameworkPart] = field(default_factory=list)
    # `match_person`'s answers by the line read (the persons above do not change once loaded)
    person_matches: dict[str, tuple[Person | None, float, bool]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def committee_by_label(self, text: str) -> Committee | None:
        """The committee whose (longest) label occurs in ``text``, case-insensitively."""
        low = text.lower()
        best: tuple[int, Committee] | None = None
        for c in self.committees.values():
            for lab in c.labels:
                if lab.lower() in low and (best is None or len(lab) > best[0]):
                    best = (len(lab), c)
        return best[1] if best else None

    def place_codes(self) -> set[str]:
        """Place codes of Ortschaften/Stadtbezirke: "OSR LB" -> "LB"."""
        abbrs = [c.abbreviation for c in self.committees.values()]
        return {a.split()[-1] for a in abbrs if " " in a}


def _de(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    out = []
    for o in graph.objects(node, prop):
        if isinstance(o, Literal) and (o.language in (None, "de")):
            out.append(str(o))
    return sorted(out)


def _instant(graph: Graph, interval, prop: URIRef, end: bool) -> date | None:
    for inst in graph.objects(interval, prop):
        for p in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear):
            for value in graph.objects(inst, p):
                text = str(value)
                parts = [int(x) for x in text.split("-")[:3]]
                if len(parts) == 3:
                    return date(*parts)
                if len(parts) == 2:
                    y, m = parts
                    if not end:
                        return date(y, m, 1)
                    nxt = date(y + (m == 12), m % 12 + 1, 1)
                    return date.fromordinal(nxt.toordinal() - 1)
                return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
    return None


def reference_turtle(body: str = "dresden", base: str = iris.DEFAULT_BASE) -> str:
    """``ontology/reference/<body>.ttl``, its IRIs (written under ``DEFAULT_BASE``) moved to ``base``."""
    path = REFERENCE_DIR / f"{body}.ttl"
    if not path.is_file():
        raise FileNotFoundError(f"no reference data for body {body!r}: expected {path}")
    turtle = path.read_text(encoding="utf-8")
    if base.rstrip("/") != iris.DEFAULT_BASE:
        turtle = turtle.replace(iris.DEFAULT_BASE + "/id/", base.rstrip("/") + "/id/")
    return turtle


def parse_reference(turtle: str, body: str, base: str = iris.DEFAULT_BASE) -> Reference:
    """Build a `Reference` from Turtle text whose IRIs are minted under ``base``."""
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    minter = iris.Minter(body, base)
    city = minter.city()
    names = _de(graph, city, SKOS.prefLabel) + _de(graph, city, SKOS.altLabel)
    places = tuple(dict.fromkeys(n.split()[-1] for n in names if n.split()))
    ref = Reference(body=body, city_iri=str(city), place_names=places)

    for node in sorted(set(graph.subjects(RB.abbreviation, None))):
        pref = _de(graph, node, SKOS.prefLabel)
        if not pref:
            continue
        labels = tuple(pref + _de(graph, node, SKOS.altLabel))
        abbr = str(graph.value(node, RB.abbreviation))
        founded = graph.value(node, SCHEMA.foundingDate)
        c = Committee(
            abbr,
            pref[0],
            str(node),
            labels,
            (node, RDF.type, RB.CityCouncil) in graph,
            date.fromisoformat(str(founded)) if founded is not None else None,
        )
        ref.committees[abbr] = c
        ref.actors.append(Actor(pref[0], str(node), "committee", labels))

    offices: dict[str, Actor] = {}
    for kind, cls in (("office", RB.Office), ("unit", RB.AdministrativeUnit)):
        for node in sorted(set(graph.subjects(RDF.type, cls))):
            pref = _de(graph, node, SKOS.prefLabel)
            if not pref:
                continue
            actor = Actor(pref[0], str(node), kind, tuple(pref + _de(graph, node, SKOS.altLabel)))
            ref.actors.append(actor)
            if kind == "office":
                offices[str(node)] = actor
                ref.role_labels.extend(actor.labels)
    for node in sorted(set(graph.subjects(RDF.type, ORG.Role))):
        ref.role_labels.extend(_de(graph, node, SKOS.prefLabel) + _de(graph, node, SKOS.altLabel))

    for node in sorted(set(graph.subjects(RDF.type, RB.Person))):
        name = graph.value(node, FOAF.name)
        if name is None:
            continue
        incs = []
        for inc in sorted(set(graph.subjects(ORG.member, node))):
            office = graph.value(inc, RB.office)
            if office is None or str(office) not in offices:
                continue
            actor = offices[str(office)]
            interval = graph.value(inc, ORG.memberDuring)
            start = _instant(graph, interval, TIME.hasBeginning, False) if interval else None
            end = _instant(graph, interval, TIME.hasEnd, True) if interval else None
            incs.append(Incumbency(actor.iri, actor.label, actor.labels, start, end))
        ref.persons.append(Person(str(name), str(node), tuple(incs)))

    fw = next(iter(sorted(set(graph.subjects(RDF.type, RB.PlanningFramework)))), None)
    if fw is not None:
        ref.framework_iri = str(fw)
        ref.framework_label = (_de(graph, fw, SKOS.prefLabel) or [None])[0]
    for node in sorted(set(graph.subjects(RDF.type, RB.FrameworkPart))):
        num = graph.value(node, ELI.number)
        label = (_de(graph, node, SKOS.prefLabel) or [""])[0]
        if num is not None:
            ref.framework_parts.append(FrameworkPart(str(num), label, str(node)))
    return ref


@lru_cache(maxsize=8)
def load_reference(body: str = "dresden", base: str = iris.DEFAULT_BASE) -> Reference:
    """Read ``ontology/reference/<body>.ttl``; IRIs are rewritten to ``base`` when it differs."""
    return parse_reference(reference_turtle(body, base), body, base)


def has_reference(body: str) -> bool:
    """Whether ``ontology/reference/<body>.ttl`` exists: reference data is optional enrichment."""
    return (REFERENCE_DIR / f"{body}.ttl").is_file()


def reference_or_empty(body: str, base: str = iris.DEFAULT_BASE) -> Reference:
    """The body's reference data, or an empty one for a council that has none (an OParl import
    needs none: its committees come from OParl)."""
    if has_reference(body):
        return load_reference(body, base)
    return Reference(body=body, city_iri=str(iris.Minter(body, base).city()))
