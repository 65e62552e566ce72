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
same rule. Only IRIs validated by pyoxigraph are written into these texts."""

from __future__ import annotations

import pyoxigraph as ox

from service.store.witnesses import WITNESSES_NS

DERIVED_GRAPH = "https://w3id.org/ratsgraph/graph/derived"
DERIVED_NS = "https://w3id.org/ratsgraph/derived#"

_D = f"<{DERIVED_GRAPH}>"
PREFIXES = (
    "PREFIX rb: <https://w3id.org/ratsgraph/ontology#>\n"
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
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

_RECOMPUTE_MARKED = (
    f"DELETE {{ GRAPH {_D} {{ ?point ?dp ?dv }} }} WHERE {{ GRAPH {_D} {{\n"
    "  ?stale rbd:stale true . ?point rbd:resolution ?stale . ?point ?dp ?dv } } ;\n"
    + _INSERT
    + "WHERE {\n  "
    + _LATEST % {"scope": f"GRAPH {_D} {{ ?stale rbd:stale true }} ?point eli:is_part_of ?stale ."}
    + "\n} ;\n"
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
    parts = [PREFIXES]
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
    return PREFIXES + mark_update(graph_iri) + " ;\n" + between + recompute_marked_update()


def rebuild_update() -> str:
    """The whole derived graph recomputed from the documents (`ratsgraph derive`)."""
    return (
        PREFIXES
        + f"DROP SILENT GRAPH {_D} ;\n"
        + _INSERT
        + "WHERE {\n  "
        + _LATEST % {"scope": ""}
        + "\n}"
    )


def rebuild_construct() -> str:
    """The whole derived graph as a CONSTRUCT, for a bulk load to stream in without a transaction."""
    template = (
        "CONSTRUCT { ?point rbd:resolution ?resolution ; rbd:status ?status ;\n"
        "    rbd:statusDate ?status_date ; rbd:statusReport ?report }\n"
    )
    return PREFIXES + template + "WHERE {\n  " + _LATEST % {"scope": ""} + "\n}"
