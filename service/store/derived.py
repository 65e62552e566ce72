"""Derived facts kept at write time: every point's current status, in a graph of their own.

Every view asked "what is this point's latest status?" by grouping all of its status assertions, on
every request; at 10,000 resolutions that was most of a view's 2-3 s. The answer only changes when
a document changes, so the store works it out then: the SPARQL Update that writes or drops a
document also recomputes, for the resolutions that document touches (before and after), the
derived facts of all their points, in the same transaction (one request on a remote server).

The facts live in `DERIVED_GRAPH`, never in a document's graph (whose provenance stays what its
file said) and not in the merged default graph (so a plain query sees the documents only): per
point of a resolution

    <point> rbd:resolution <resolution> ;
            rbd:status "offen" | "in_umsetzung" | "fortlaufend" | "umgesetzt" ;   # latest report's
            rbd:statusDate "2024-03-01"^^xsd:date ;      # when it has a dated report
            rbd:statusReport <report graph> .            # when it has a report

by the views' rule: the latest assertion is the greatest "date report status" key, undated
reports count as oldest, no report is "offen". A report's assertions are placed by the witnesses
graph (`service.store.witnesses`: its quotes aligned with the record's points by text): a point
takes those of the quotes aligned with it, and an assertion counts for the point its report's own
numbering names only where that report has no witness of the point and the alignment gave the
assertion to no other point of the record (a renumbered report's "point/2" holds point 3's text).
So the witnesses are realigned first, in the same request. `rebuild_update` recomputes all of
it (`ratsgraph derive`, after the witnesses); the check
`queries/checks/derived-facts-differ-violation.rq` compares it with a full recomputation by the
same rule. Only IRIs validated by pyoxigraph are written into these texts.

Beside the points' facts, the rows the growing views list are kept, so that a view's first page
is found without reading every row (`queries/derived/`): a **task** per point and actor tasked
(open-points, actor-summary), a **deadline** per point and deadline its delegations or the
point set (overdue), a **report** entry per status assertion and committee (status-reports)
and a **resolution** entry per resolution, committee and year with its counts of points tasking
someone and of those open (committee-years) and a **session** entry per resolution on a paper
(the resolution view, by session date) and a **due** entry per point and deadline, open or not
(overdue as of a date), each with its resolution, and its key: the task's status and first
deadline (open tasks only: `rbd:openDeadline`, 9999-12-31 for none), the deadline (open points
only), the status date (`rbd:reportDate`), each followed by the paper and point number
(`rbd:paper`, `rbd:number`) as the views sort. Those keys are copied into small **index graphs**
(`<derived>/tasks?actor=…&body=…`, one per actor and council, `<derived>/deadlines?body=…`,
`<derived>/reports?committee=…&body=…`, `<derived>/resolutions?committee=…&body=…&year=…`,
`<derived>/sessions?body=…`, `<derived>/due?body=…`; their rules: `service.store.derived_indexes`), where a view reads
them in one sequential
scan: dates and short strings are stored inline by Oxigraph, so sorting them needs no lookup,
where sorting a 16-byte key string needed one per comparison (45,000 tasks of one actor: 4 s
against 0.5 s). An index graph is described in the derived graph (`a rbd:TaskIndex`,
`rbd:actor`, `rbd:body`) and dropped when its last entry goes."""

from __future__ import annotations

import pyoxigraph as ox

from service.store.derived_indexes import (
    DERIVED_GRAPH,
    DERIVED_NS,
    INDEX_KEYS,
    INDEX_KINDS,
    INDEX_PREFIX,
    RULES,
)
from service.store.witnesses import WITNESSES_GRAPH, WITNESSES_NS


def is_computed(graph_iri: str) -> bool:
    """Whether a graph is computed from the documents (the derived graph, its index graphs, the
    witnesses), not data of its own: left out of graph lists, dumps and the search index."""
    return graph_iri in (DERIVED_GRAPH, WITNESSES_GRAPH) or graph_iri.startswith(INDEX_PREFIX)


_D = f"<{DERIVED_GRAPH}>"
# The shape of the derived facts and index graphs, kept in the derived graph (``<derived>
# rbd:format 4``): views read the derived facts only when they have the shape this version writes
# (format 2: one resolution index graph per year; 3: the session index graphs; 4: every
# deadline's, for overdue as of a date). A store derived by an older version is answered
# from the assertions, correctly and slowly, until `ratsgraph derive` rebuilds it.
FORMAT = 4
SHAPE = f"{_D} <{DERIVED_NS}format> {FORMAT}"  # the marker, in the derived graph
FORMAT_PROBE = f"SELECT ?format WHERE {{ GRAPH {_D} {{ {_D} <{DERIVED_NS}format> ?format }} }}"
PREFIXES = (
    "PREFIX rb: <https://w3id.org/ratsgraph/ontology#>\n"
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
    f"PREFIX rbd: <{DERIVED_NS}>\n"
    f"PREFIX rbw: <{WITNESSES_NS}>\n"
)

# The latest status of each ?point (of each ?resolution) in scope, as the views computed it: the
# latest of the assertions the witnesses give the point (?k1) and of those its reports' own numbering
# gives it where the witnesses do not say otherwise (?k2). Two OPTIONALs and the witness's document
# read from its assertion, not a UNION or a third pattern in the GRAPH: either made Oxigraph evaluate
# the witnesses of the whole store for each resolution (70-100 ms against 1 ms at 1,000 resolutions).
_LATEST = """{
    SELECT ?point ?resolution (MAX(?k1) AS ?l1) (MAX(?k2) AS ?l2) WHERE {
      %(scope)s
      ?point eli:is_part_of ?resolution . ?resolution a rb:Resolution .
      OPTIONAL {
        GRAPH <https://w3id.org/ratsgraph/graph/witnesses> { ?w rbw:point ?point . ?w rbw:assertion ?a1 }
        OPTIONAL { ?a1 rb:reportedIn ?r1 }
        OPTIONAL { ?a1 rb:status/skos:notation ?s1 }
        OPTIONAL { ?a1 rb:asOf ?d1 }
        FILTER (BOUND(?s1) && BOUND(?r1))
        BIND (CONCAT(COALESCE(STR(?d1), "0001-01-01"), " ", STR(?r1), " ", STR(?s1)) AS ?k1)
      }
      OPTIONAL {
        ?a2 rb:statusOf ?point .
        OPTIONAL { ?a2 rb:status/skos:notation ?s2 }
        OPTIONAL { ?a2 rb:reportedIn ?r2 }
        OPTIONAL { ?a2 rb:asOf ?d2 }
        FILTER (BOUND(?s2) && BOUND(?r2))
        FILTER NOT EXISTS {  # the report witnesses the point with another quote, or this one
          GRAPH <https://w3id.org/ratsgraph/graph/witnesses> { ?covers rbw:point ?point ; rbw:document ?r2 }
        }
        FILTER NOT EXISTS {  # the quote holds another record point's text
          GRAPH <https://w3id.org/ratsgraph/graph/witnesses> { ?moved rbw:assertion ?a2 ; rbw:displaces ?point }
        }
        BIND (CONCAT(COALESCE(STR(?d2), "0001-01-01"), " ", STR(?r2), " ", STR(?s2)) AS ?k2)
      }
    }
    GROUP BY ?point ?resolution
  }
  BIND (IF(COALESCE(?l1, "") > COALESCE(?l2, ""), ?l1, ?l2) AS ?latest)
  BIND (COALESCE(STRAFTER(STRAFTER(?latest, " "), " "), "offen") AS ?status)
  BIND (IF(STRSTARTS(?latest, "0001-01-01 "), ?none, xsd:date(SUBSTR(?latest, 1, 10))) AS ?status_date)
  BIND (IRI(STRBEFORE(STRAFTER(?latest, " "), " ")) AS ?report)"""

_INSERT = (
    f"INSERT {{ GRAPH {_D} {{ ?point rbd:resolution ?resolution ; rbd:status ?status ;\n"
    "    rbd:statusDate ?status_date ; rbd:statusReport ?report } }\n"
)

# resolutions a graph's triples bear on: its points' and resolutions', and those of the points its
# status assertions report on (each pattern a lookup: a subquery over all the graph's subjects
# made Oxigraph join every rb:statusOf in the store, 11 ms a document at 1,000 resolutions)
_MARK = f"""INSERT {{ GRAPH {_D} {{ ?stale rbd:stale true }} }} WHERE {{
  {{ GRAPH %(graph)s {{ ?x eli:is_part_of ?stale }} }}
  UNION {{ GRAPH %(graph)s {{ ?stale a rb:Resolution }} }}
  UNION {{ GRAPH %(graph)s {{ ?a rb:statusOf ?pt }} ?pt eli:is_part_of ?stale }}
}}"""

_MARKED = f"GRAPH {_D} {{ ?resolution rbd:stale true }}"

# the copies of the marked resolutions' index entries taken out
_COPY_MARKED = f"""INSERT {{ GRAPH ?g {{ ?node ?p ?o }} }} WHERE {{ GRAPH {_D} {{
  ?stale rbd:stale true . ?node rbd:resolution ?stale ; rbd:index ?g ; ?p ?o {INDEX_KEYS} }} }}"""
_UNCOPY_MARKED = f"""DELETE {{ GRAPH ?g {{ ?node ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?stale rbd:stale true . ?node rbd:resolution ?stale ; rbd:index ?g }}
  GRAPH ?g {{ ?node ?p ?o }} }}"""
# an index graph whose last entry went is no longer described
_DROP_EMPTY = f"""DELETE {{ GRAPH {_D} {{ ?g ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?g a ?kind . ?g ?p ?o }} {INDEX_KINDS}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?ip ?io }} }} }}"""

# the shape marker, written with the first derived facts of a store (it has none before this write)
_FORMAT_IF_NEW = (
    f"INSERT {{ GRAPH {_D} {{ {SHAPE} }} }} WHERE {{\n"
    f"  FILTER NOT EXISTS {{ GRAPH {_D} {{ ?s ?p ?o }} }} }}"
)

_RECOMPUTE_MARKED = (
    _UNCOPY_MARKED + " ;\n"
    f"DELETE {{ GRAPH {_D} {{ ?point ?dp ?dv }} }} WHERE {{ GRAPH {_D} {{\n"
    "  ?stale rbd:stale true . ?point rbd:resolution ?stale . ?point ?dp ?dv } } ;\n"
    + _INSERT
    + "WHERE {\n  "
    + _LATEST % {"scope": f"GRAPH {_D} {{ ?stale rbd:stale true }} ?point eli:is_part_of ?stale ."}
    + "\n} ;\n"
    + "".join(rule % {"scope": _MARKED} + " ;\n" for rule in RULES)
    + _COPY_MARKED
    + " ;\n"
    + _DROP_EMPTY
    + " ;\n"
    f"DELETE WHERE {{ GRAPH {_D} {{ ?stale rbd:stale true }} }}"
)

COUNT_POINTS = f"SELECT (COUNT(DISTINCT ?p) AS ?points) WHERE {{ GRAPH {_D} {{ ?p <{DERIVED_NS}status> ?s }} }}"


def _graph(graph_iri: str) -> str:
    return str(ox.NamedNode(graph_iri))  # validates the IRI


def mark_update(graph_iri: str) -> str:
    """Mark (inside the derived graph, for this transaction only) the resolutions the graph's
    current triples bear on; run once before a graph changes and once after."""
    return _MARK % {"graph": _graph(graph_iri)}


def recompute_marked_update() -> str:
    """Recompute the derived facts of every point of the marked resolutions, then drop the marks."""
    return _RECOMPUTE_MARKED


def around(
    graph_iri: str, change: str, before: bool = True, after: bool = True, witnesses: str = ""
) -> str:
    """``change`` (a SPARQL Update that writes or drops the graph) wrapped so the same request
    brings the derived facts up to date: mark before, change, mark after, the chain's witnesses
    realigned (``witnesses``, from `service.store.witnesses.change_update`; the current status
    follows them), recompute."""
    parts = [PREFIXES, _FORMAT_IF_NEW + " ;\n"]
    if before:
        parts.append(mark_update(graph_iri) + " ;\n")
    parts.append(change + " ;\n")
    if after:
        parts.append(mark_update(graph_iri) + " ;\n")
    if witnesses:
        parts.append(witnesses + " ;\n")
    parts.append(recompute_marked_update())
    return "".join(parts)


def after_new_graph_update(graph_iri: str, witnesses: str = "") -> str:
    """For a graph just written by a plain load (there was no old version to mark); the
    witnesses realigned before the recomputation reads them."""
    between = witnesses + " ;\n" if witnesses else ""
    return (
        PREFIXES
        + _FORMAT_IF_NEW
        + " ;\n"
        + mark_update(graph_iri)
        + " ;\n"
        + between
        + recompute_marked_update()
    )


_COPY_ALL = f"""INSERT {{ GRAPH ?g {{ ?node ?p ?o }} }} WHERE {{ GRAPH {_D} {{
  ?node rbd:index ?g ; ?p ?o {INDEX_KEYS} }} }}"""
_DROP_INDEXES = f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?g a ?kind }} {INDEX_KINDS}
  GRAPH ?g {{ ?s ?p ?o }} }}"""


def rebuild_update() -> str:
    """The whole derived graph and its index graphs recomputed from the documents (`ratsgraph
    derive`)."""
    return (
        PREFIXES
        + _DROP_INDEXES
        + " ;\n"
        + f"DROP SILENT GRAPH {_D} ;\n"
        + f"INSERT DATA {{ GRAPH {_D} {{ {SHAPE} }} }} ;\n"
        + _INSERT
        + "WHERE {\n  "
        + _LATEST % {"scope": ""}
        + "\n} ;\n"
        + "".join(rule % {"scope": ""} + " ;\n" for rule in RULES)
        + _COPY_ALL
    )


def _as_construct(insert: str) -> str:
    """An ``INSERT { GRAPH <derived> { T } } WHERE`` update as ``CONSTRUCT { T } WHERE``."""
    head, where = insert.split("WHERE", 1)
    template = head.split(f"GRAPH {_D} {{", 1)[1].rsplit("}", 2)[0]
    return PREFIXES + "CONSTRUCT {" + template + "}\nWHERE" + where


def rebuild_constructs() -> list[str]:
    """The whole derived graph as CONSTRUCTs, in order (the tasks and deadlines read the points'
    facts), for a bulk load to stream in without a transaction; then `INDEX_ROWS` gives the index
    graphs' quads. One update holding every fact would keep them all in memory until it commits."""
    points = _INSERT + "WHERE {\n  " + _LATEST % {"scope": ""} + "\n}"
    shape = PREFIXES + f"CONSTRUCT {{ {SHAPE} }} WHERE {{}}"
    return [_as_construct(u) for u in (points, *(u % {"scope": ""} for u in RULES))] + [shape]


INDEX_ROWS = (
    PREFIXES
    + f"""SELECT ?g ?node ?p ?o WHERE {{ GRAPH {_D} {{
  ?node rbd:index ?g ; ?p ?o {INDEX_KEYS} }} }}"""
)
