"""The witnesses graph of a bulk-loaded store, aligned from its documents as they are extracted.

`service.store.witnesses` reads every point's readings back from the store by query and writes the
alignment by SPARQL Update: at a bulk load's end that was a second of a 10-second load at 1,000
resolutions (the readings serialised as JSON, parsed, the update parsed again). A new store's
documents pass through the loader anyway: each worker reads its document's readings from the
triples it has just built (`document_readings`, the same values `read_readings` would find), the
loader collects them, and the alignment goes into the bulk load as N-Quads (`witnesses_nquads`).
The rule (`align`, `witness_triples`) is the store's own, so both write the same graph. The
derived facts go the same way (`derived_predicates`): the workers pick out the triples their
queries read, and the loader computes them in a scratch store by the store's own queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from service.store.derived import INDEX_ROWS, PREFIXES, rebuild_constructs
from service.store.witnesses import (
    ELI_NUMBER,
    RB,
    WITNESSES_GRAPH,
    Reading,
    Readings,
    point_order,
    witness_triples,
)

DocumentReadings = dict[str, tuple[str, list[Reading]]]  # resolution -> (kind, points) of one graph

_IS_PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"
_KIND = RB + "documentKind"
_TEXT = RB + "text"
_DEADLINE = RB + "deadline"
_DELEGATION = RB + "delegation"
_ACTOR = RB + "actor"
_STATUS_OF = RB + "statusOf"
_STATUS = RB + "status"
_REPORTS_ON = RB + "reportsOn"


def document_readings(
    graph_iri: str, triples: Iterable[tuple[object, object, object]]
) -> tuple[DocumentReadings, set[str]]:
    """One document graph's readings of its points, as `read_readings` reads them from a store
    that holds the graph, and the resolutions the graph reports on (``rb:reportsOn``), from its
    own triples (terms whose ``str`` is their value: rdflib's). A point has one text, number
    and deadline (the loader writes one); were there several, the least would be taken."""
    kind: str | None = None
    parts: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    numbers: dict[str, str] = {}
    deadlines: dict[str, str] = {}
    delegations: dict[str, list[str]] = {}
    actors: dict[str, list[str]] = {}
    status_of: dict[str, list[str]] = {}
    statuses: dict[str, str] = {}
    reported: set[str] = set()
    for s, p, o in triples:
        subject, predicate, value = str(s), str(p), str(o)
        if predicate == _IS_PART_OF:
            parts.setdefault(subject, []).append(value)
        elif predicate == _TEXT:
            texts[subject] = min(texts.get(subject, value), value)
        elif predicate == ELI_NUMBER:
            numbers[subject] = min(numbers.get(subject, value), value)
        elif predicate == _DEADLINE:
            deadlines[subject] = min(deadlines.get(subject, value), value)
        elif predicate == _DELEGATION:
            delegations.setdefault(subject, []).append(value)
        elif predicate == _ACTOR:
            actors.setdefault(subject, []).append(value)
        elif predicate == _STATUS_OF:
            status_of.setdefault(subject, []).append(value)
        elif predicate == _STATUS:
            statuses[subject] = value
        elif predicate == _KIND and subject == graph_iri:
            kind = min(kind or value, value)
        elif predicate == _REPORTS_ON and subject == graph_iri:
            reported.add(value)
    if kind is None:  # the query reads the graph's kind with its points: no kind, no readings
        return {}, reported
    points: dict[str, dict[str, Reading]] = {}
    for point, resolutions in parts.items():
        if point not in texts:
            continue
        for resolution in resolutions:
            reading = Reading(point, numbers.get(point), texts[point], deadlines.get(point))
            reading.actors = {a for d in delegations.get(point, ()) for a in actors.get(d, ())}
            points.setdefault(resolution, {})[point] = reading
    for assertion, read in status_of.items():
        if assertion not in statuses:
            continue
        for point in read:
            for resolution in parts.get(point, ()):
                reading = points.get(resolution, {}).get(point)
                if reading is not None:
                    reading.assertion, reading.status = assertion, statuses[assertion]
    found = {r: (kind, sorted(pts.values(), key=point_order)) for r, pts in points.items()}
    return found, reported


def witnesses_nquads(readings: Readings, reported: Iterable[str]) -> bytes:
    """The witnesses graph as N-Quads, for a bulk load: what `rebuild_witnesses_updates` writes
    into a store holding these graphs (``readings``: resolution -> graph -> its readings), for
    the resolutions some graph reports on (``reported``)."""
    scope = {r: readings[r] for r in sorted(set(reported)) if r in readings}
    tail = f" <{WITNESSES_GRAPH}> .\n"
    return "".join(f"{s} {p} {o}{tail}" for s, p, o in witness_triples(scope)).encode()


@cache
def derived_predicates() -> frozenset[str]:
    """Every IRI the derived facts' queries name (`rebuild_constructs`, `INDEX_ROWS`), and
    rdf:type: a document's triples with any other predicate, or typed with a class they do not
    name, cannot change them. A bulk load keeps the others in a scratch store, computes the
    derived facts there (1k: 0.65 s, against 1.9 s in the new store, whose compaction the writes
    then cost 0.6 s more) and streams them in."""
    texts = [*rebuild_constructs(), INDEX_ROWS]
    prefixes = dict(re.findall(r"PREFIX (\w*): <([^>]+)>", PREFIXES))
    named = {
        prefixes[prefix] + local
        for text in texts
        for prefix, local in re.findall(r"\b(\w+):([A-Za-z_][\w-]*)", text)
        if prefix in prefixes
    }
    written = set(re.findall(r"<([^>\s]+)>", "\n".join(texts)))
    return frozenset(named | written | {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"})
