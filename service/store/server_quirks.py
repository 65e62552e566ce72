"""What SPARQL servers answer differently from the standard, read the standard way.

Virtuoso 7.2 (Debian's) answers an ASK as a one-column SELECT (``__ASK_RETVAL``: a row holding 1
when true, no row when false) in every results format, and keeps graphs of its own beside the data
(its RDF views' mappings, an LDP vocabulary, its service description), which are no document's and
must not show up among the store's graphs or in its dumps.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

VIRTUOSO_ASK = "__ASK_RETVAL"
# Virtuoso's own graphs: its quad map schema and the LDP vocabulary it installs
SERVER_GRAPH_PREFIXES = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#")
# a graph named after a SPARQL service that it describes is a server's service description
SERVICE_DESCRIPTION_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a <http://www.w3.org/ns/sparql-service-description#Service> } }"


def ask_answer(body: bytes, url: str) -> bool:
    """The boolean of an ASK's JSON results, in the standard shape or Virtuoso's."""
    try:
        data = json.loads(body)
        if isinstance(data.get("boolean"), bool):
            return data["boolean"]
        if data["head"]["vars"] == [VIRTUOSO_ASK]:
            return any(
                b.get(VIRTUOSO_ASK, {}).get("value") not in (None, "0", "false")
                for b in data["results"]["bindings"]
            )
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    raise ValueError(f"expected the boolean answer of an ASK query from {url}, got {body[:200]!r}")


def boolean_results(value: bool, format: ox.QueryResultsFormat) -> bytes:
    """An ASK's answer written in a SPARQL results format, as the standard has it."""
    result = ox.parse_query_results(
        json.dumps({"head": {}, "boolean": value}).encode(), format=ox.QueryResultsFormat.JSON
    )
    return result.serialize(format=format)


def is_server_graph(graph_iri: str, service_descriptions: set[str]) -> bool:
    """Whether a graph is the server's own rather than data ratsgraph (or its user) wrote."""
    return graph_iri.startswith(SERVER_GRAPH_PREFIXES) or graph_iri in service_descriptions
