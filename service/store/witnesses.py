"""Witnesses across documents: each report's quotes aligned with the resolution's points by text.

A Beschlusskontrolle quotes the resolution it reports on, read from its own scan with its own OCR
errors, and its segmentation can fail where the Beschlussausfertigung's did not: points quoted
unnumbered (IRIs ``point/u1`` …), numbered differently, or two points in one block. Its graph says
only what its text says (the quote under the number it read); the loader sees one document at a
time and cannot know better. The store can: whenever a document of a resolution's chain is written
or dropped, it aligns every report's quotes with the record's points (the Beschlussausfertigung or
Beschlussempfehlung of the same resolution) by their text (rapidfuzz on letters and digits only, so
split and joined words do not count), falling back to the number where no text matches, and keeps
the result in `WITNESSES_GRAPH`, never in a document's graph:

    <point/3/witness/268419> a rbw:Witness ; rbw:resolution <res> ; rbw:point <point/3> ;
        rbw:record <record doc> ; rbw:document <report doc> ; rbw:quote <point/u1> ;
        rbw:by "text" | "number" ; rbw:score 0.97 ;
        rbw:assertion <point/u1/status/268419> ; rbw:status <concept> ;   # the report's status
        rbw:displaces <point/2> .   # when the quote's IRI is another point of the record
    <point/3/witness/268419/deadline> a rbw:Disagreement ; rbw:resolution <res> ;
        rbw:witness <…witness/268419> ; rbw:property rb:deadline ;
        rbw:recordValue "2016-09-15" ; rbw:witnessValue "2017-09-15" .

The check `witnesses-disagree` lists the disagreements (number, text, delegation, deadline).
Only IRIs and literals built by pyoxigraph (validated, escaped) are written into the updates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
from rapidfuzz import fuzz

from service.store.base import SelectResult, select_result_from_json

WITNESSES_GRAPH = "https://w3id.org/ratsgraph/graph/witnesses"
WITNESSES_NS = "https://w3id.org/ratsgraph/witnesses#"
RB = "https://w3id.org/ratsgraph/ontology#"
ELI_NUMBER = "http://data.europa.eu/eli/ontology#number"
_IS_PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"
REPORT_KIND = "Beschlusskontrolle"

# a quote aligns with a point by text from this score (0-100) on; below it only by number
ALIGN_SCORE = 80.0
# an alignment by number whose texts score below this is a text disagreement
TEXT_AGREES = 60.0

_PREFIXES = (
    f"PREFIX rb: <{RB}>\nPREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    f"PREFIX rbw: <{WITNESSES_NS}>\n"
)
_W = f"<{WITNESSES_GRAPH}>"

# every point of the resolutions in scope as each document graph reads it; the statuses in a
# branch of their own (as an OPTIONAL, Oxigraph joined every assertion of the store: 0.2 s a
# resolution at 3,000 resolutions, against 1 ms)
_READINGS = (
    _PREFIXES
    + """SELECT ?resolution ?g ?kind ?p ?number ?text ?deadline ?actor ?a ?status WHERE {
  VALUES ?resolution { %s }
  { GRAPH ?g { ?p eli:is_part_of ?resolution ; rb:text ?text . ?g rb:documentKind ?kind .
      OPTIONAL { ?p eli:number ?number }
      OPTIONAL { ?p rb:deadline ?deadline }
      OPTIONAL { ?p rb:delegation/rb:actor ?actor } } }
  UNION
  { GRAPH ?g { ?p eli:is_part_of ?resolution . ?a rb:statusOf ?p ; rb:status ?status } }
}"""
)
_READ_PREDICATES = re.compile(
    "> <(?:http://data.europa.eu/eli/ontology#(?:is_part_of|number)|"
    "https://w3id.org/ratsgraph/ontology#(?:text|documentKind|deadline|delegation|actor|statusOf|status)"
    ")> "
)
_RESOLUTIONS_OF = _PREFIXES + "SELECT DISTINCT ?r WHERE { GRAPH %s { ?p eli:is_part_of ?r } }"
_REPORTED = _PREFIXES + "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?g rb:reportsOn ?r } }"


@dataclass
class Reading:
    """One point as one document reads it."""

    iri: str
    number: str | None
    text: str
    deadline: str | None = None
    actors: set[str] = field(default_factory=set)
    assertion: str | None = None
    status: str | None = None

    @cached_property
    def letters(self) -> str:
        return letters(self.text)


@dataclass(frozen=True)
class Alignment:
    """A record point, the quote of one report that witnesses it, how and how well."""

    point: Reading
    quote: Reading
    by: str  # "text" or "number"
    score: float  # 0-100


def letters(text: str) -> str:
    """Letters and digits only, lower case: OCR splits and joins words ('Be schluss',
    'DerJugendhilfeausschuss') and drops hyphens; none of that says the texts differ.

    >>> letters("DerJugend- hilfeausschuss beschließt")
    'derjugendhilfeausschussbeschließt'
    """
    return re.sub(r"[\W_]+", "", text.lower())


def similarity(point: str, quote: str, cutoff: float = 0.0) -> float:
    """How well a quote witnesses a point's text (0-100), both given as `letters`: the whole text,
    or the point found inside a longer quote (a block holding two points). Below ``cutoff``
    rapidfuzz may stop early and answer 0."""
    a, b = point, quote
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b, score_cutoff=cutoff)
    if score < ALIGN_SCORE and 40 <= len(a) < 0.9 * len(b):
        score = max(score, fuzz.partial_ratio(a, b, score_cutoff=cutoff))
    return score


def align(record: list[Reading], quotes: list[Reading]) -> list[Alignment]:
    """Each record point with the quote of one report that witnesses it: the best-scoring quote
    by text (several points may share one quote, a block holding two), else the quote with the
    same number that no point took by text. Points a report does not quote are left out.
    A quote of the point's own IRI that matches at 90 or more is taken without trying the
    others (most quotes are: it saves nine tenths of the time)."""
    result: dict[int, Alignment] = {}
    taken: set[int] = set()
    own = {q.iri: j for j, q in enumerate(quotes)}
    for i, point in enumerate(record):
        j = own.get(point.iri)
        if j is not None:
            score = similarity(point.letters, quotes[j].letters, cutoff=90.0)
            if score >= 90.0:
                result[i] = Alignment(point, quotes[j], "text", score)
                taken.add(j)
                continue
        scored = [(similarity(point.letters, q.letters, ALIGN_SCORE), q.number == point.number, j)
                  for j, q in enumerate(quotes)]  # fmt: skip
        if not scored:
            break
        score, _, j = max(scored)
        if score >= ALIGN_SCORE:
            result[i] = Alignment(point, quotes[j], "text", score)
            taken.add(j)
    for i, point in enumerate(record):
        if i in result or point.number is None:
            continue
        for j, q in enumerate(quotes):
            if j not in taken and q.number == point.number:
                result[i] = Alignment(point, q, "number", similarity(point.letters, q.letters))
                taken.add(j)
                break
    return [result[i] for i in sorted(result)]


def disagreements(a: Alignment) -> list[tuple[str, str, str]]:
    """(property IRI, record's value, witness's value) where the two readings differ: a number
    both read, a deadline both read, the actors of delegations both read, a text only matched by
    its number. A reading one of them lacks is a gap, not a disagreement."""
    out = []
    p, q = a.point, a.quote
    if p.number and q.number and p.number != q.number:
        out.append((ELI_NUMBER, p.number, q.number))
    if a.by == "number" and a.score < TEXT_AGREES:
        out.append((RB + "text", _short(p.text), _short(q.text)))
    if p.deadline and q.deadline and p.deadline != q.deadline:
        out.append((RB + "deadline", p.deadline, q.deadline))
    if p.actors and q.actors and p.actors != q.actors:
        out.append((RB + "actor", " ".join(sorted(p.actors)), " ".join(sorted(q.actors))))
    return out


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


Readings = dict[str, dict[str, tuple[str, list[Reading]]]]  # resolution -> graph -> (kind, points)


def read_readings(select: Callable[[str], SelectResult], resolutions: Iterable[str]) -> Readings:
    """Per resolution, every graph's kind and its readings of the resolution's points."""
    values = " ".join(str(ox.NamedNode(r)) for r in sorted(set(resolutions)))
    if not values:
        return {}
    graphs: dict[str, dict[str, tuple[str, dict[str, Reading]]]] = {}
    rows = select(_READINGS % values).rows
    for row in rows:
        if row.get("text") is None:
            continue  # a status: attached below, once its point is read
        r, g, iri = row["resolution"].value, row["g"].value, row["p"].value  # type: ignore[union-attr]
        kind, points = graphs.setdefault(r, {}).setdefault(g, (_value(row["kind"]) or "", {}))
        reading = points.setdefault(
            iri, Reading(iri, _value(row.get("number")), _value(row["text"]) or "")
        )
        reading.deadline = reading.deadline or _value(row.get("deadline"))
        if row.get("actor") is not None:
            reading.actors.add(_value(row["actor"]) or "")
    for row in rows:
        if row.get("a") is None:
            continue
        r, g, iri = row["resolution"].value, row["g"].value, row["p"].value  # type: ignore[union-attr]
        point = graphs.get(r, {}).get(g, ("", {}))[1].get(iri)
        if point is not None:
            point.assertion, point.status = _value(row["a"]), _value(row.get("status"))
    return {
        r: {g: (kind, sorted(pts.values(), key=point_order)) for g, (kind, pts) in by_graph.items()}
        for r, by_graph in graphs.items()
    }


def point_order(reading: Reading) -> tuple[int, str]:
    """Points in document order: numbered by number, unnumbered (u1, u2, …) by their index."""
    tail = reading.iri.rsplit("/", 1)[-1]
    digits = tail.lstrip("u")
    return (int(digits) if digits.isdigit() else 0, tail)


def _graph_readings(graph_iri: str, ntriples: str) -> Readings:
    """The readings of a graph about to be written, from its own N-Triples (read in a store of
    its own with the same query), so the alignment can ride in the write's own request."""
    scratch = ox.Store()
    # only the triples the query reads (a document's text and evidence were most of the parsing)
    lines = "\n".join(line for line in ntriples.splitlines() if _READ_PREDICATES.search(line))
    scratch.load(lines.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))
    found = [
        t.object.value for t in scratch.quads_for_pattern(None, ox.NamedNode(_IS_PART_OF), None)
    ]

    def select(query: str) -> SelectResult:
        data = scratch.query(query).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        return select_result_from_json(data)

    return read_readings(select, found)


def change_update(
    select: Callable[[str], SelectResult], graph_iri: str, ntriples: str | None
) -> str:
    """The SPARQL Update that brings the witnesses up to date for a change of one graph (its new
    N-Triples, or None when it is dropped), computed before the change: the store's readings of
    the resolutions it bears on before and after, the graph's own taken from its new triples.
    Empty when the graph bears on no resolution's points."""
    # most graphs (OParl objects, reference data) describe no point: no need to read them twice
    describes_points = ntriples is not None and f"<{_IS_PART_OF}>" in ntriples
    new = _graph_readings(graph_iri, ntriples) if ntriples and describes_points else {}
    scope = resolutions_in(select, graph_iri) | set(new)
    if not scope:
        return ""
    readings = read_readings(select, scope)
    for r in scope:
        graphs = readings.setdefault(r, {})
        graphs.pop(graph_iri, None)
        graphs.update(new.get(r, {}))
    return witnesses_update(readings, scope)


def witnesses_update(readings: Readings, scope: Iterable[str] | None = None) -> str:
    """One SPARQL Update replacing the witnesses of the resolutions in ``scope`` (of all, when
    None) by a new alignment of these readings."""
    if scope is None:
        drop = f"DROP SILENT GRAPH {_W}"
    else:
        values = " ".join(str(ox.NamedNode(r)) for r in sorted(set(scope)))
        drop = (
            f"DELETE {{ GRAPH {_W} {{ ?w ?p ?o }} }} WHERE {{ VALUES ?r {{ {values} }}\n"
            f"  GRAPH {_W} {{ ?w <{WITNESSES_NS}resolution> ?r ; ?p ?o }} }}"
        )
    quads = list(witness_triples(readings))
    if not quads:
        return drop
    insert = "\n".join(f"{s} {p} {o} ." for s, p, o in quads)
    # no prologue: it follows other updates in one request, and not every engine takes a
    # PREFIX after a ';' (Oxigraph does not)
    return f"{drop} ;\nINSERT DATA {{ GRAPH {_W} {{\n{insert}\n}} }}"


def witness_triples(
    readings: Readings,
) -> Iterable[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """Each report's alignment with the record (the first Beschlussausfertigung or
    -empfehlung by IRI) of its resolution; nothing where no record is loaded."""

    def w(name: str) -> ox.NamedNode:
        return ox.NamedNode(WITNESSES_NS + name)

    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    for resolution, by_graph in sorted(readings.items()):
        records = sorted(g for g, (kind, _) in by_graph.items() if kind != REPORT_KIND)
        if not records:
            continue
        record = records[0]
        in_record = {p.iri for p in by_graph[record][1]}
        res = ox.NamedNode(resolution)
        for g, (kind, quotes) in sorted(by_graph.items()):
            if kind != REPORT_KIND:
                continue
            document = ox.NamedNode(g)
            for a in align(by_graph[record][1], quotes):
                node = ox.NamedNode(f"{a.point.iri}/witness/{g.rsplit('/', 1)[-1]}")
                yield (
                    node,
                    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    w("Witness"),
                )
                yield node, w("resolution"), res
                yield node, w("point"), ox.NamedNode(a.point.iri)
                yield node, w("record"), ox.NamedNode(record)
                yield node, w("document"), document
                yield node, w("quote"), ox.NamedNode(a.quote.iri)
                yield node, w("by"), ox.Literal(a.by)
                yield node, w("score"), ox.Literal(f"{a.score / 100:.2f}", datatype=decimal)
                if a.quote.assertion and a.quote.status:
                    yield node, w("assertion"), ox.NamedNode(a.quote.assertion)
                    yield node, w("status"), ox.NamedNode(a.quote.status)
                    if a.quote.iri != a.point.iri and a.quote.iri in in_record:
                        # the quote's own number names another record point: the status is not
                        # that point's (service.store.derived)
                        yield node, w("displaces"), ox.NamedNode(a.quote.iri)
                for prop, mine, theirs in disagreements(a):
                    d = ox.NamedNode(f"{node.value}/{prop.rsplit('#', 1)[-1]}")
                    yield (
                        d,
                        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                        w("Disagreement"),
                    )
                    yield d, w("resolution"), res
                    yield d, w("witness"), node
                    yield d, w("property"), ox.NamedNode(prop)
                    yield d, w("recordValue"), ox.Literal(mine)
                    yield d, w("witnessValue"), ox.Literal(theirs)


def resolutions_in(select: Callable[[str], SelectResult], graph_iri: str) -> set[str]:
    """The resolutions whose points a document graph describes now."""
    rows = select(_RESOLUTIONS_OF % ox.NamedNode(graph_iri)).rows
    return {row["r"].value for row in rows}  # type: ignore[union-attr]


def rebuild_witnesses_updates(
    select: Callable[[str], SelectResult], chunk: int = 500
) -> Iterator[str]:
    """The whole witnesses graph recomputed from the documents (`ratsgraph derive`, a bulk load's
    end), for every resolution some Beschlusskontrolle reports on: the graph dropped, then one
    update per ``chunk`` resolutions, each run before the next is read (so no request holds the
    readings of a whole store)."""
    found = sorted({row["r"].value for row in select(_REPORTED).rows})  # type: ignore[union-attr]
    yield f"DROP SILENT GRAPH {_W}"
    for start in range(0, len(found), chunk):
        scope = found[start : start + chunk]
        yield witnesses_update(read_readings(select, scope), scope)
