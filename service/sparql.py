"""Blueprint `sparql`: the read-only SPARQL 1.1 Protocol endpoint at `/sparql`.

Its default graph is the union of all named graphs, so a plain query sees every document; named
graphs (one per source document) are there for GRAPH queries and `default-graph-uri`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Flask, Response, render_template, request

from . import get_store
from .errors import UserError
from .queries import load_queries
from .store import GRAPH_RESULT_TYPES, MEDIA_RESULTS

bp = Blueprint("sparql", __name__)

RESULT_TYPES = list(MEDIA_RESULTS)
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}


def _best(offered: list[str]) -> str | None:
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*" and len(list(accept.values())) == 1:
        return None
    choices = offered + [a for a, target in ALIASES.items() if target in offered]
    best = accept.best_match(choices)
    return ALIASES.get(best, best) if best else None


def _protocol_params() -> tuple[str, list[str], list[str]]:
    """The query and dataset of a protocol request (GET, form POST or direct POST)."""
    if request.method == "GET":
        args = parse_qs(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
        body_query = None
    else:
        ctype = (request.mimetype or "").lower()
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset.replace("-", "") != "utf8":
            raise UserError(f"SPARQL requests must be UTF-8; got charset {charset!r}", 400)
        if ctype == "application/x-www-form-urlencoded":
            args = parse_qs(request.get_data(as_text=True), keep_blank_values=True)
            if "update" in args:
                raise UserError("this endpoint is read-only: SPARQL Update is not accepted", 403)
            body_query = None
        elif ctype == "application/sparql-query":
            args = parse_qs(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
            body_query = request.get_data(as_text=True)
        elif ctype == "application/sparql-update":
            raise UserError("this endpoint is read-only: SPARQL Update is not accepted", 403)
        elif not ctype:
            raise UserError(
                "a POST to /sparql needs a Content-Type: application/sparql-query or "
                "application/x-www-form-urlencoded",
                400,
            )
        else:
            raise UserError(
                f"unsupported Content-Type {ctype!r}; expected application/sparql-query or "
                "application/x-www-form-urlencoded",
                415,
            )
    queries = args.get("query", [])
    if body_query is not None:
        if queries:
            raise UserError("the query is given both in the body and as a 'query' parameter", 400)
        queries = [body_query]
    if len(queries) > 1:
        raise UserError(f"expected one 'query' parameter, got {len(queries)}", 400)
    if "update" in args:
        raise UserError("this endpoint is read-only: SPARQL Update is not accepted", 403)
    query = queries[0] if queries else ""
    return query, args.get("default-graph-uri", []), args.get("named-graph-uri", [])


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Any:
    query, default_graphs, named_graphs = _protocol_params()
    if not query.strip():
        if request.method == "GET" and "query" not in request.args:
            return service_description()
        raise UserError("missing 'query': expected a SPARQL query", 400)
    results_type = _best(RESULT_TYPES)
    graph_type = _best(list(GRAPH_RESULT_TYPES))
    body, media_type = get_store().query_serialized(
        query, results_type, graph_type, default_graphs, named_graphs
    )
    resp = Response(body, mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    return resp


SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix ssd: <http://www.w3.org/ns/sparql-service-description#> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
    <http://www.w3.org/ns/formats/SPARQL_Results_XML>, <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
    <http://www.w3.org/ns/formats/SPARQL_Results_TSV>, <http://www.w3.org/ns/formats/Turtle>,
    <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/RDF_XML> .
"""


def service_description() -> Response:
    """RDF clients get a SPARQL 1.1 Service Description; browsers get the query editor."""
    best = request.accept_mimetypes.best_match(["text/html", *GRAPH_RESULT_TYPES])
    if best == "text/html" or best is None:
        return Response(render_template("sparql.html", views=load_queries().values()))
    from rdflib import Graph  # noqa: PLC0415

    g = Graph().parse(data=SERVICE_DESCRIPTION.format(endpoint=request.base_url), format="turtle")
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[
        best
    ]
    resp = Response(g.serialize(format=fmt), mimetype=best)
    resp.headers["Vary"] = "Accept"
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
