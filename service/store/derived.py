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
someone and of those open (committee-years), each with its resolution, and its key: the task's status and first
deadline (open tasks only: `rbd:openDeadline`, 9999-12-31 for none), the deadline (open points
only), the status date (`rbd:reportDate`), each followed by the paper and point number
(`rbd:paper`, `rbd:number`) as the views sort. Those keys are copied into small **index graphs**
(`<derived>/tasks?actor=…&body=…`, one per actor and council, `<derived>/deadlines?body=…`,
`<derived>/reports?committee=…&body=…`, `<derived>/resolutions?committee=…&body=…&year=…`), where a view reads them in one sequential
scan: dates and short strings are stored inline by Oxigraph, so sorting them needs no lookup,
where sorting a 16-byte key string needed one per comparison (45,000 tasks of one actor: 4 s
against 0.5 s). An index graph is described in the derived graph (`a rbd:TaskIndex`,
`rbd:actor`, `rbd:body`) and dropped when its last entry goes."""

from __future__ import annotations

import pyoxigraph as ox

from service.store.witnesses import WITNESSES_GRAPH, WITNESSES_NS

DERIVED_GRAPH = "https://w3id.org/ratsgraph/graph/derived"
DERIVED_NS = "https://w3id.org/ratsgraph/derived#"
# index graphs (see above) and the derived nodes' IRIs: under the derived graph's own IRI space
INDEX_PREFIX = DERIVED_GRAPH + "/"
_NODE = "https://w3id.org/ratsgraph/derived/"


def is_computed(graph_iri: str) -> bool:
    """Whether a graph is computed from the documents (the derived graph, its index graphs, the
    witnesses), not data of its own: left out of graph lists, dumps and the search index."""
    return graph_iri in (DERIVED_GRAPH, WITNESSES_GRAPH) or graph_iri.startswith(INDEX_PREFIX)


_D = f"<{DERIVED_GRAPH}>"
# The shape of the derived facts and index graphs, kept in the derived graph (``<derived>
# rbd:format 2``): views read the derived facts only when they have the shape this version writes
# (format 2: one resolution index graph per year). A store derived by an older version is answered
# from the assertions, correctly and slowly, until `ratsgraph derive` rebuilds it.
FORMAT = 2
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

# an open entry's keys after its date, as the views sort (paper number, then point number; -1
# where the point has none, as the views put those first): copied into the index graphs beside
# the date, they let a page's first and last entries be found in one scan of a graph (both are
# stored inline by Oxigraph), and so the entries between them, however many share a date
_SORT_KEYS = """BIND (IF(BOUND(?open), ?paper, ?none) AS ?open_paper)
  BIND (IF(BOUND(?open), COALESCE(?number, -1), ?none) AS ?open_number)"""

# the tasks of the points in scope: one per point and actor tasked, as open-points lists them (a
# point of a resolution with a paper number, its status from the facts just computed); its key is
# the first deadline of its delegations, 9999-12-31 for none (open-points' order), kept as
# rbd:openDeadline while the point is not "umgesetzt"
_TASKS = f"""INSERT {{ GRAPH {_D} {{
    ?task rbd:resolution ?resolution ; rbd:point ?point ; rbd:actor ?actor ; rbd:index ?g ;
          rbd:taskStatus ?status ; rbd:openDeadline ?open ; rbd:paper ?open_paper ;
          rbd:number ?open_number .
    ?g a rbd:TaskIndex ; rbd:actor ?actor ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution ?point ?actor ?status (MIN(?dl) AS ?first) (SAMPLE(?b) AS ?body)
           (MIN(?v) AS ?paper) (MIN(?n) AS ?number) WHERE {{
      %(scope)s
      ?point eli:is_part_of ?resolution ; rb:delegation ?d . ?d a rb:Delegation ; rb:actor ?actor .
      # looked up here: joined after the grouping, the whole derived graph was read per write
      GRAPH {_D} {{ ?point rbd:status ?status }}
      OPTIONAL {{ ?d rb:deadline ?dl }}
      OPTIONAL {{ ?resolution rb:body ?b }}
      OPTIONAL {{ ?resolution rb:decidesOn ?submission . ?submission dct:identifier ?v }}
      OPTIONAL {{ ?point eli:number ?num BIND (xsd:integer(?num) AS ?n) }}
    }}
    GROUP BY ?resolution ?point ?actor ?status
  }}
  BIND (COALESCE(?first, "9999-12-31"^^xsd:date) AS ?key)
  # open-points lists only points of resolutions on a paper: only theirs count for its pages
  BIND (IF(?status != "umgesetzt" && BOUND(?paper), ?key, ?none) AS ?open)
  {_SORT_KEYS}
  BIND (IRI(CONCAT("{INDEX_PREFIX}tasks?actor=", ENCODE_FOR_URI(STR(?actor)),
                   IF(BOUND(?body), CONCAT("&body=", ENCODE_FOR_URI(STR(?body))), ""))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}task?point=", ENCODE_FOR_URI(STR(?point)), "&actor=",
                   ENCODE_FOR_URI(STR(?actor)))) AS ?task)
}}"""

# the deadlines of the open points in scope, as overdue lists them: each deadline of the point's
# delegations, or the point's own where no delegation has one
_DEADLINES = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:point ?point ; rbd:index ?g ; rbd:openDeadline ?deadline ;
          rbd:paper ?open_paper ; rbd:number ?open_number .
    ?g a rbd:DeadlineIndex ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution ?point ?deadline ?status (SAMPLE(?b) AS ?body) (MIN(?v) AS ?paper)
           (MIN(?n) AS ?number) WHERE {{
      # the scope inside each branch: a UNION is evaluated on its own, and with the scope outside
      # it read every point's deadlines (and a per-row NOT EXISTS over every delegation: 3-4 s a
      # write at 10,000 resolutions)
      {{ %(scope)s
         ?point eli:is_part_of ?resolution ; rb:delegation ?d . ?d rb:deadline ?deadline }}
      UNION
      {{ %(scope)s
         ?point eli:is_part_of ?resolution ; rb:deadline ?deadline .
         OPTIONAL {{ ?point rb:delegation ?d2 . ?d2 rb:deadline ?x }} FILTER (!BOUND(?x)) }}
      GRAPH {_D} {{ ?point rbd:status ?status }}
      OPTIONAL {{ ?resolution rb:body ?b }}
      # in the grouped pattern, not FILTER EXISTS (per row: 58 s at 10,000 resolutions) nor a
      # subquery over every resolution (evaluated whole at every write)
      OPTIONAL {{ ?resolution rb:decidesOn ?submission . ?submission dct:identifier ?v }}
      OPTIONAL {{ ?point eli:number ?num BIND (xsd:integer(?num) AS ?n) }}
    }}
    GROUP BY ?resolution ?point ?deadline ?status
  }}
  FILTER (BOUND(?paper))  # overdue lists only points of resolutions on a paper
  FILTER (?status != "umgesetzt")
  BIND (?deadline AS ?open)
  {_SORT_KEYS}
  BIND (IRI(CONCAT("{INDEX_PREFIX}deadlines", IF(BOUND(?body), CONCAT("?body=",
                   ENCODE_FOR_URI(STR(?body))), ""))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}deadline?point=", ENCODE_FOR_URI(STR(?point)), "&date=",
                   ENCODE_FOR_URI(STR(?deadline)))) AS ?node)
}}"""

# the status assertions on the points in scope, as status-reports lists them: one entry per
# assertion and committee that passed its resolution (on a paper), keyed by its status date
# (0001-01-01 for none: the view lists those last, newest first), paper and point number
_REPORTS = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:point ?point ; rbd:assertion ?a ; rbd:index ?g ;
          rbd:reportDate ?key ; rbd:paper ?open_paper ; rbd:number ?open_number .
    ?g a rbd:ReportIndex ; rbd:committee ?committee ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution ?point ?a ?committee (SAMPLE(?b) AS ?body) (MIN(?v) AS ?paper)
           (MIN(?n) AS ?number) (MIN(?sd) AS ?date) WHERE {{
      %(scope)s
      ?point eli:is_part_of ?resolution . ?resolution a rb:Resolution ; eli:passed_by ?committee .
      ?a rb:statusOf ?point ; rb:reportedIn ?report ; rb:status/skos:notation ?status .
      ?resolution rb:decidesOn ?submission . ?submission dct:identifier ?v .
      OPTIONAL {{ ?a rb:asOf ?sd }}
      OPTIONAL {{ ?resolution rb:body ?b }}
      OPTIONAL {{ ?point eli:number ?num BIND (xsd:integer(?num) AS ?n) }}
    }}
    GROUP BY ?resolution ?point ?a ?committee
  }}
  BIND (COALESCE(?date, "0001-01-01"^^xsd:date) AS ?key)
  BIND (?key AS ?open)
  {_SORT_KEYS}
  BIND (IRI(CONCAT("{INDEX_PREFIX}reports?committee=", ENCODE_FOR_URI(STR(?committee)),
                   IF(BOUND(?body), CONCAT("&body=", ENCODE_FOR_URI(STR(?body))), ""))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}report?assertion=", ENCODE_FOR_URI(STR(?a)), "&point=",
                   ENCODE_FOR_URI(STR(?point)), "&committee=", ENCODE_FOR_URI(STR(?committee))))
        AS ?node)
}}"""

# the resolutions in scope, as committee-years counts them: an entry per resolution, committee
# that passed it and year it was taken in (its document date, else its session's, else 1 January
# of its session number's year), with how many of its points task someone and how many of those
# are not implemented (by the points' facts just computed)
_RESOLUTIONS = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:index ?g ; rbd:year ?year ;
          rbd:taskedPoints ?tasked ; rbd:openPoints ?open .
    ?g a rbd:ResolutionIndex ; rbd:committee ?committee ; rbd:body ?body ; rbd:year ?year }} }}
WHERE {{
  {{
    SELECT ?resolution ?committee ?year (SAMPLE(?b) AS ?body) (COUNT(DISTINCT ?p) AS ?tasked)
           (COUNT(DISTINCT ?o) AS ?open) WHERE {{
      %(scope)s
      ?resolution a rb:Resolution ; eli:passed_by ?committee .
      OPTIONAL {{ ?resolution rb:session ?z . ?z rb:sessionNumber ?s OPTIONAL {{ ?z dct:date ?sdate }} }}
      OPTIONAL {{ ?resolution eli:date_document ?decided }}
      BIND (COALESCE(?decided, ?sdate,
                     xsd:date(CONCAT(REPLACE(STR(?s), "^.*/", ""), "-01-01"))) AS ?day)
      FILTER (BOUND(?day))
      BIND (YEAR(?day) AS ?year)
      OPTIONAL {{ ?resolution rb:body ?b }}
      # one pattern, then single-pattern OPTIONALs: looked up per point, where one OPTIONAL of
      # three patterns made Oxigraph read every point of the store at every write
      OPTIONAL {{
        ?p eli:is_part_of ?resolution .
        OPTIONAL {{ ?p rb:delegation ?d }}
        OPTIONAL {{ GRAPH {_D} {{ ?p rbd:status ?st }} }}
        FILTER (BOUND(?d) && BOUND(?st))
        BIND (IF(?st != "umgesetzt", ?p, ?none) AS ?o)
      }}
    }}
    GROUP BY ?resolution ?committee ?year
  }}
  BIND (IRI(CONCAT("{INDEX_PREFIX}resolutions?committee=", ENCODE_FOR_URI(STR(?committee)),
                   IF(BOUND(?body), CONCAT("&body=", ENCODE_FOR_URI(STR(?body))), ""),
                   "&year=", STR(?year))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}resolution?resolution=", ENCODE_FOR_URI(STR(?resolution)),
                   "&committee=", ENCODE_FOR_URI(STR(?committee)), "&year=", STR(?year))) AS ?node)
}}"""

_MARKED = f"GRAPH {_D} {{ ?resolution rbd:stale true }}"

# the keys copied into the index graphs; the copies of the marked resolutions' nodes taken out
_INDEX_KEYS = (
    "FILTER (?p IN (rbd:taskStatus, rbd:openDeadline, rbd:reportDate, rbd:paper, rbd:number,"
    " rbd:year, rbd:taskedPoints, rbd:openPoints))"
)
_COPY_MARKED = f"""INSERT {{ GRAPH ?g {{ ?node ?p ?o }} }} WHERE {{ GRAPH {_D} {{
  ?stale rbd:stale true . ?node rbd:resolution ?stale ; rbd:index ?g ; ?p ?o {_INDEX_KEYS} }} }}"""
_UNCOPY_MARKED = f"""DELETE {{ GRAPH ?g {{ ?node ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?stale rbd:stale true . ?node rbd:resolution ?stale ; rbd:index ?g }}
  GRAPH ?g {{ ?node ?p ?o }} }}"""
# an index graph whose last entry went is no longer described
_DROP_EMPTY = f"""DELETE {{ GRAPH {_D} {{ ?g ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?g a ?kind . ?g ?p ?o }} FILTER (?kind IN (rbd:TaskIndex, rbd:DeadlineIndex, rbd:ReportIndex,
                      rbd:ResolutionIndex))
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
    + _TASKS % {"scope": _MARKED}
    + " ;\n"
    + _DEADLINES % {"scope": _MARKED}
    + " ;\n"
    + _REPORTS % {"scope": _MARKED}
    + " ;\n"
    + _RESOLUTIONS % {"scope": _MARKED}
    + " ;\n"
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
  ?node rbd:index ?g ; ?p ?o {_INDEX_KEYS} }} }}"""
_DROP_INDEXES = f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?g a ?kind }} FILTER (?kind IN (rbd:TaskIndex, rbd:DeadlineIndex, rbd:ReportIndex,
                      rbd:ResolutionIndex))
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
        + _TASKS % {"scope": ""}
        + " ;\n"
        + _DEADLINES % {"scope": ""}
        + " ;\n"
        + _REPORTS % {"scope": ""}
        + " ;\n"
        + _RESOLUTIONS % {"scope": ""}
        + " ;\n"
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
    later = (_TASKS, _DEADLINES, _REPORTS, _RESOLUTIONS)
    shape = PREFIXES + f"CONSTRUCT {{ {SHAPE} }} WHERE {{}}"
    return [_as_construct(u) for u in (points, *(u % {"scope": ""} for u in later))] + [shape]


INDEX_ROWS = (
    PREFIXES
    + f"""SELECT ?g ?node ?p ?o WHERE {{ GRAPH {_D} {{
  ?node rbd:index ?g ; ?p ?o {_INDEX_KEYS} }} }}"""
)
