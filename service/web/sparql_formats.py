"""The answer formats of `/sparql`: what ``format=`` and ``Accept`` ask for, per query form, and
the 406 that says which formats the query's form has.

A ``format=`` name means the format of the query's own form. Clients send one name for every
form: SPARQLWrapper's default is ``xml`` for all of them, which is SPARQL Results XML for SELECT and
ASK and RDF/XML for CONSTRUCT and DESCRIBE (as Virtuoso reads it); likewise ``json`` is Results
JSON or JSON-LD. Its other names (``rdf+xml``, ``json-ld``, ``n3``, ``turtle``), and the media
types it sends beside them (``format=tsv&format=text/tab-separated-values``), are understood too.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.errors import UserError
from service.store import GRAPH_RESULT_TYPES, MEDIA_RESULTS
from service.web.negotiation import choose

JSON_LD = "application/ld+json"
RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"

RESULT_TYPES = list(MEDIA_RESULTS)  # JSON first: the default when the client names no type
GRAPH_TYPES = [*GRAPH_RESULT_TYPES, JSON_LD]  # Turtle first
# Accept types that mean a result type (a plain JSON or XML client)
ALIASES = {
    "application/json": RESULTS_JSON,
    "application/xml": RESULTS_XML,
    "text/xml": RESULTS_XML,
}

# format= names of SELECT and ASK answers (first the short names a page shows)
RESULT_FORMATS = {
    "json": RESULTS_JSON,
    "xml": RESULTS_XML,
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    **{media: media for media in RESULT_TYPES},
    **ALIASES,
}
# format= names of CONSTRUCT and DESCRIBE answers; Turtle is N3 as well
GRAPH_FORMATS = {
    "ttl": TURTLE,
    "nt": N_TRIPLES,
    "rdf": RDF_XML,
    "jsonld": JSON_LD,
    "turtle": TURTLE,
    "n3": TURTLE,
    "ntriples": N_TRIPLES,
    "rdf+xml": RDF_XML,
    "xml": RDF_XML,
    "json-ld": JSON_LD,
    "json": JSON_LD,
    **{media: media for media in GRAPH_TYPES},
    "application/turtle": TURTLE,
    "text/n3": TURTLE,
    "text/rdf+n3": TURTLE,
    "application/xml": RDF_XML,
    "text/xml": RDF_XML,
    "application/json": JSON_LD,
}
SELECT_ASK = "SELECT and ASK queries"
CONSTRUCT_DESCRIBE = "CONSTRUCT and DESCRIBE queries"


@dataclass(frozen=True)
class Wanted:
    """The media type for each query form (None: the client takes none of that form's), and the
    ``format=`` name when that decided rather than ``Accept``."""

    results: str | None
    graph: str | None
    format: str | None
    accept: str | None

    def not_acceptable(self, graph_form: bool | None) -> UserError:
        """A 406 that says what was asked and which formats the query's form answers in
        (``graph_form``: CONSTRUCT/DESCRIBE; None when neither form has an acceptable one)."""
        if graph_form is None:
            return UserError(
                f"none of the types in Accept: {self.accept} is a format of SPARQL answers; "
                f"{SELECT_ASK} answer in {', '.join(RESULT_TYPES)}, {CONSTRUCT_DESCRIBE} in "
                f"{', '.join(GRAPH_TYPES)}",
                406,
            )
        form, types, names = (
            (CONSTRUCT_DESCRIBE, GRAPH_TYPES, ["ttl", "nt", "rdf", "jsonld"])
            if graph_form
            else (SELECT_ASK, RESULT_TYPES, ["json", "xml", "csv", "tsv"])
        )
        if self.format is not None:
            return UserError(
                f"format {self.format!r} is not a format of {form}; they answer in "
                f"format={', '.join(names)} (or by Accept: {', '.join(types)})",
                406,
            )
        return UserError(
            f"none of the types in Accept: {self.accept} is a format of {form}; they answer in "
            f"{', '.join(types)}",
            406,
        )


def wanted(format_values: list[str], accept: str | None) -> Wanted:
    """What the client asked for: the first ``format=`` value (SPARQLWrapper sends a name and a
    media type), else the Accept header; an unknown ``format=`` name is a 400."""
    name = next((v.strip() for v in format_values if v.strip()), None)
    if name is not None:
        key = name.lower()
        results, graph = RESULT_FORMATS.get(key), GRAPH_FORMATS.get(key)
        if results is None and graph is None:
            short = dict.fromkeys(n for n in [*RESULT_FORMATS, *GRAPH_FORMATS] if "/" not in n)
            raise UserError(
                f"unknown format {name!r}; expected one of: {', '.join(short)} "
                "(or a media type of one of them)",
                400,
            )
        return Wanted(results, graph, name, accept)
    return Wanted(_accepted(RESULT_TYPES, accept), _accepted(GRAPH_TYPES, accept), None, accept)


def _accepted(offered: list[str], accept: str | None) -> str | None:
    """What the client takes of ``offered`` by Accept (aliases such as application/json count)."""
    choices = offered + [a for a, target in ALIASES.items() if target in offered]
    best = choose(choices, accept, offered[0])
    return ALIASES.get(best, best) if best else None
