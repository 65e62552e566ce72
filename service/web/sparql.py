"""Blueprint `sparql`: the read-only SPARQL 1.1 Protocol endpoint at `/sparql`.

Its default graph is the union of all named graphs, so a plain query sees every document; named
graphs (one per source document) are there for GRAPH queries and `default-graph-uri`. A GET without
a query answers with the SPARQL 1.1 Service Description, or the query editor for browsers.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Flask, Response, current_app, render_template, request
from pyoxigraph import NamedNode
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from service.errors import UserError
from service.queries import load_queries
from service.store.query_guard import check_nesting, check_services, parse_allowlist
from service.web import get_store
from service.web.negotiation import RDFLIB_FORMAT, choose, negotiate, vary
from service.web.sparql_formats import (
    ALIASES,
    GRAPH_FORMATS,
    GRAPH_TYPES,
    JSON_LD,
    RESULT_TYPES,
    wanted,
)

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def _args(text: str) -> dict[str, list[str]]:
    return parse_qs(text, keep_blank_values=True)


def _protocol_params() -> tuple[str | None, list[str], list[str], list[str]]:
    """The query (None when absent), dataset and ``format=`` values of a GET, form POST or direct
    POST."""
    url_args = _args(request.query_string.decode("utf-8", "replace"))
    body_query = None
    if request.method == "GET":
        args = url_args
    else:
        ctype = (request.mimetype or "").lower()
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if ctype == "application/sparql-update":
            raise UserError(READ_ONLY, 403)
        if not ctype:
            raise UserError(
                "a POST to /sparql needs a Content-Type: application/sparql-query or "
                "application/x-www-form-urlencoded; none was sent",
                400,
            )
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise UserError(
                f"unsupported Content-Type {ctype!r}; expected application/sparql-query or "
                "application/x-www-form-urlencoded",
                415,
            )
        if charset.replace("-", "") != "utf8":
            raise UserError(f"SPARQL requests must be UTF-8; got charset {charset!r}", 400)
        try:
            body = request.get_data().decode("utf-8")
        except UnicodeDecodeError as e:
            raise UserError(f"the request body is not valid UTF-8: {e}", 400) from e
        if ctype == "application/x-www-form-urlencoded":
            if "query" in url_args:
                raise UserError("the query is given both in the URL and in the form body", 400)
            args = _args(body)
            for name, values in url_args.items():  # e.g. default-graph-uri in the URL
                args.setdefault(name, []).extend(values)
        else:
            args = url_args
            body_query = body
    if "update" in args:
        raise UserError(READ_ONLY, 403)
    queries = args.get("query", [])
    if body_query is not None:
        if queries:
            raise UserError("the query is given both in the body and as a 'query' parameter", 400)
        queries = [body_query]
    if len(queries) > 1:
        raise UserError(f"expected one 'query' parameter, got {len(queries)}", 400)
    query = queries[0] if queries else None
    graphs = args.get("default-graph-uri", []), args.get("named-graph-uri", [])
    return query, *graphs, args.get("format", [])


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Any:
    query, default_graphs, named_graphs, formats = _protocol_params()
    if query is None and request.method == "GET":
        return service_description()
    if query is None or not query.strip():
        raise UserError("missing 'query': expected a SPARQL query, got nothing", 400)
    if request.method == "GET" and not request.args.get("format") and _wants_editor():
        return editor_page(query)  # a shared link opened in a browser: the editor runs it
    check_nesting(query)  # before any parser: each level costs them a stack frame or more
    asked = wanted(formats, request.headers.get("Accept"))
    results_type, graph_type = asked.results, asked.graph
    if results_type is None and graph_type is None:
        raise asked.not_acceptable(graph_form=None)
    allowlist = parse_allowlist(current_app.config["SERVICE_ALLOWLIST"])
    try:
        body, media_type = get_store().query_serialized(  # type: ignore[call-arg]
            with_base(query),
            results_type,
            "application/n-triples" if graph_type == JSON_LD else graph_type,
            default_graphs,
            named_graphs,
            guard=partial(check_services, allowlist=allowlist),
            public=True,
        )
    except SyntaxError as e:
        raise UserError(f"query syntax error: {unshifted(str(e), len(base_declaration()))}") from e
    if media_type in RDFLIB_FORMAT:
        if graph_type is None:
            raise asked.not_acceptable(graph_form=True)
        if graph_type == JSON_LD:
            graph = Graph().parse(data=body, format="nt")
            body, media_type = graph.serialize(format="json-ld").encode(), JSON_LD
    elif results_type is None:
        raise asked.not_acceptable(graph_form=False)
    return vary(Response(body, mimetype=media_type))


def with_base(query: str) -> str:
    """The query with the endpoint's URL as its base IRI, so relative IRIs resolve as the protocol
    asks; a BASE of the query's own still wins, being declared later. It goes on the first line,
    so syntax errors keep their line numbers (see `unshifted`)."""
    return f"{base_declaration()}{query}"


def base_declaration() -> str:
    return f"BASE {NamedNode(request.base_url)} "


def unshifted(message: str, shift: int) -> str:
    """A syntax error's ``line:column`` as the user wrote the query (before the BASE was added).

    >>> unshifted("error at 1:40: expected WHERE", 30)
    'error at 1:10: expected WHERE'
    >>> unshifted("http://127.0.0.1:7878/query rejected the query: error at 1:40: x", 30)
    'http://127.0.0.1:7878/query rejected the query: error at 1:10: x'
    """
    # "1:40" as a position, not inside an address such as 127.0.0.1:7878 a remote store names
    return re.sub(
        r"(?<![\d.:])\b1:(\d+)", lambda m: f"1:{max(int(m.group(1)) - shift, 1)}", message, count=1
    )


def description_graph(
    endpoint_url: str, named_graphs: list[str], triples: int | None, federated: bool = False
) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint, ``sd:endpoint`` as the client sees it;
    federated query is a feature only where the operator allowlisted SERVICE endpoints."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint_url + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint_url)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        g.add((service, SD.resultFormat, FORMATS_NS[fmt]))
    for fmt in ("SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"):
        g.add((service, SD.resultFormat, FORMATS_NS[fmt]))
    dataset = BNode()
    default_graph = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    if triples is not None:
        g.add((default_graph, VOID.triples, Literal(triples)))
    for name in named_graphs:
        node = BNode()
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
    return g


def _wants_editor() -> bool:
    """A browser: it names text/html and prefers it to every result format (a browser's own
    Accept lists application/xml at q=0.9, which used to win and showed raw XML)."""
    offered = [*RESULT_TYPES, *GRAPH_TYPES, *ALIASES, "text/html"]
    return choose(offered, request.headers.get("Accept"), None) == "text/html"


def editor_page(query: str | None = None) -> Response:
    """The query editor; with ``query`` (a permalink) it shows that query and runs it."""
    from service.web.sparql_editor import editor_context  # noqa: PLC0415

    html = render_template("sparql.html", **editor_context(), initial_query=query)
    return vary(Response(html))


def service_description() -> Response:
    """RDF clients get a SPARQL 1.1 Service Description; browsers get the query editor."""
    media = negotiate([*GRAPH_TYPES, "text/html"], default="text/turtle", formats=GRAPH_FORMATS)
    if media == "text/html":
        return editor_page()
    store = get_store()
    count = store.triple_count() if hasattr(store, "triple_count") else None
    federated = bool(parse_allowlist(current_app.config["SERVICE_ALLOWLIST"]))
    g = description_graph(request.base_url, store.named_graphs(), count, federated)
    return vary(Response(g.serialize(format=RDFLIB_FORMAT[media]), mimetype=media))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


__all__ = ["bp", "description_graph", "init_app", "load_queries"]
