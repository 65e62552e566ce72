"""The index entries of the derived graph: one SPARQL rule per kind of entry a view pages through.

Each rule is an ``INSERT`` into the derived graph whose ``%(scope)s`` restricts it to the marked
resolutions (a write) or to none (`ratsgraph derive`); `service.store.derived` runs them after the
points' facts, in the order of `RULES`, and copies each entry's keys (`INDEX_KEYS`) into its index
graph (`<derived>/tasks?…`, `deadlines?…`, `reports?…`, `resolutions?…`, `sessions?…`, `due?…`). What each
entry is and why it is kept is said beside its rule; the check
`queries/checks/derived-index-differs-violation.rq` recomputes every kind by the same rule."""

from __future__ import annotations

DERIVED_GRAPH = "https://w3id.org/ratsgraph/graph/derived"
DERIVED_NS = "https://w3id.org/ratsgraph/derived#"
# index graphs and the derived nodes' IRIs: under the derived graph's own IRI space
INDEX_PREFIX = DERIVED_GRAPH + "/"
_NODE = "https://w3id.org/ratsgraph/derived/"
_D = f"<{DERIVED_GRAPH}>"

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
TASKS = f"""INSERT {{ GRAPH {_D} {{
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

# a point's deadlines, as overdue lists them: each deadline of its delegations, or its own where
# no delegation has one; the scope inside each branch: a UNION is evaluated on its own, and with
# the scope outside it read every point's deadlines (and a per-row NOT EXISTS over every
# delegation: 3-4 s a write at 10,000 resolutions)
_POINT_DEADLINES = """{ %(scope)s
         ?point eli:is_part_of ?resolution ; rb:delegation ?d . ?d rb:deadline ?deadline }
      UNION
      { %(scope)s
         ?point eli:is_part_of ?resolution ; rb:deadline ?deadline .
         OPTIONAL { ?point rb:delegation ?d2 . ?d2 rb:deadline ?x } FILTER (!BOUND(?x)) }"""

# the deadlines of the open points in scope, as overdue lists them: each deadline of the point's
# delegations, or the point's own where no delegation has one
DEADLINES = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:point ?point ; rbd:index ?g ; rbd:openDeadline ?deadline ;
          rbd:paper ?open_paper ; rbd:number ?open_number .
    ?g a rbd:DeadlineIndex ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution ?point ?deadline ?status (SAMPLE(?b) AS ?body) (MIN(?v) AS ?paper)
           (MIN(?n) AS ?number) WHERE {{
      {_POINT_DEADLINES}
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
REPORTS = f"""INSERT {{ GRAPH {_D} {{
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
RESOLUTIONS = f"""INSERT {{ GRAPH {_D} {{
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

# the resolutions in scope by the date of their session, as the resolution view lists them (its
# rows of one resolution after those of every resolution of an earlier session date): an entry per
# resolution on a paper, keyed by its session's date (`rbd:sessionDate`, 0001-01-01 for none: the
# view lists those first); a page of the view reads whole dates of them (`service.web.page_reads`)
SESSIONS = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:index ?g ; rbd:sessionDate ?key .
    ?g a rbd:SessionIndex ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution (SAMPLE(?b) AS ?body) (MIN(?sd) AS ?date) WHERE {{
      %(scope)s
      ?resolution a rb:Resolution ; rb:decidesOn ?submission . ?submission dct:identifier ?v .
      OPTIONAL {{ ?resolution rb:session ?z . ?z rb:sessionNumber ?s OPTIONAL {{ ?z dct:date ?sd }} }}
      OPTIONAL {{ ?resolution rb:body ?b }}
    }}
    GROUP BY ?resolution
  }}
  BIND (COALESCE(?date, "0001-01-01"^^xsd:date) AS ?key)
  BIND (IRI(CONCAT("{INDEX_PREFIX}sessions", IF(BOUND(?body), CONCAT("?body=",
                   ENCODE_FOR_URI(STR(?body))), ""))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}session?resolution=", ENCODE_FOR_URI(STR(?resolution)))) AS ?node)
}}"""

# every deadline of the points in scope, open or not, as overdue lists them as of a reference date
# (a point implemented since may have been open then): an entry per point and deadline of a
# resolution on a paper, keyed by the deadline (`rbd:dueDate`); a page of overdue with `as_of`
# reads whole dates of them and keeps those open on that day (`service.web.page_reads`)
DUE = f"""INSERT {{ GRAPH {_D} {{
    ?node rbd:resolution ?resolution ; rbd:point ?point ; rbd:index ?g ; rbd:dueDate ?deadline .
    ?g a rbd:DueIndex ; rbd:body ?body }} }}
WHERE {{
  {{
    SELECT ?resolution ?point ?deadline (SAMPLE(?b) AS ?body) (MIN(?v) AS ?paper) WHERE {{
      {_POINT_DEADLINES}
      ?resolution a rb:Resolution .
      OPTIONAL {{ ?resolution rb:body ?b }}
      OPTIONAL {{ ?resolution rb:decidesOn ?submission . ?submission dct:identifier ?v }}
    }}
    GROUP BY ?resolution ?point ?deadline
  }}
  FILTER (BOUND(?paper))  # overdue lists only points of resolutions on a paper
  BIND (IRI(CONCAT("{INDEX_PREFIX}due", IF(BOUND(?body), CONCAT("?body=",
                   ENCODE_FOR_URI(STR(?body))), ""))) AS ?g)
  BIND (IRI(CONCAT("{_NODE}due?point=", ENCODE_FOR_URI(STR(?point)), "&date=",
                   ENCODE_FOR_URI(STR(?deadline)))) AS ?node)
}}"""

# in order: each reads the points' facts only (none reads another's entries)
RULES = (TASKS, DEADLINES, REPORTS, RESOLUTIONS, SESSIONS, DUE)
# the keys copied into the index graphs, and the kinds of index graph
INDEX_KEYS = (
    "FILTER (?p IN (rbd:taskStatus, rbd:openDeadline, rbd:reportDate, rbd:paper, rbd:number,"
    " rbd:year, rbd:taskedPoints, rbd:openPoints, rbd:sessionDate, rbd:dueDate))"
)
INDEX_KINDS = (
    "FILTER (?kind IN (rbd:TaskIndex, rbd:DeadlineIndex, rbd:ReportIndex, rbd:ResolutionIndex,"
    " rbd:SessionIndex, rbd:DueIndex))"
)
