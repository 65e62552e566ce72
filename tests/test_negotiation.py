"""Content negotiation: the Accept parser's rules, then the served pages and endpoint over HTTP."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef

from service.web.negotiation import choose, parse_accept, quality

PAGE_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/html",
]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RAPPER = (
    "application/rdf+xml, text/rdf;q=0.6, application/n-triples, text/plain;q=0.1, text/html;q=0.6"
)
RESOLUTION = "https://w3id.org/ratsgraph/id/dresden/resolution/V2620-23/JHA-061-2024"


def test_parse_accept_reads_q_values_parameters_and_skips_garbage() -> None:
    ranges = parse_accept('text/turtle;charset="utf-8";q=0.5, nonsense, a/b;q=x, */*;q=0.01')
    assert [(r.type, r.subtype, r.q, r.params) for r in ranges] == [
        ("text", "turtle", 0.5, (("charset", "utf-8"),)),
        ("*", "*", 0.01, ()),
    ]


def test_the_most_specific_range_decides_the_quality() -> None:
    ranges = parse_accept("text/*;q=0.3, text/html;q=0.7, */*;q=0.1")
    assert [quality(m, ranges) for m in ("text/html", "text/turtle", "application/json")] == [
        (0.7, 2),
        (0.3, 1),
        (0.1, 0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("", "text/html"),
        ("*/*", "text/html"),
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json, application/trig", "application/ld+json"),  # trifid#362
        (
            RAPPER,
            "application/n-triples",
        ),  # trifid-ld#25: RDF, never HTML; server order breaks the tie
        ("text/html, text/turtle", "text/turtle"),  # a tie between named types goes to RDF
        ("text/html;q=0.9, text/turtle;q=0.5", "text/html"),
        ("text/*", "text/turtle"),
        ("*/*;q=0.5, text/html;q=0", "text/turtle"),  # q=0 excludes even under a wildcard
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_choose_for_a_resource_page(accept: str | None, expected: str | None) -> None:
    assert choose(PAGE_TYPES, accept, default="text/html") == expected


def test_resource_page_turtle_by_accept_header(live_server: str) -> None:
    resp = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024",
        headers={"Accept": "text/turtle"},
    )
    assert (resp.status_code, resp.headers["Content-Type"], resp.headers["Vary"]) == (
        200,
        "text/turtle; charset=utf-8",
        "Accept",
    )
    assert (URIRef(RESOLUTION), None, None) in Graph().parse(data=resp.text, format="turtle")


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdflib_format"),
    [
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", None, "application/rdf+xml", "xml"),
        (BROWSER, "ttl", "text/turtle", "turtle"),
        ("text/turtle", "jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_resource_page_in_every_rdf_format(
    live_server: str, accept: str, fmt: str | None, media: str, rdflib_format: str
) -> None:
    resp = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024",
        params={"format": fmt} if fmt else {},
        headers={"Accept": accept},
    )
    assert resp.headers["Content-Type"].split(";")[0] == media
    g = Graph().parse(data=resp.text, format=rdflib_format)
    assert set(g.subjects()) == {URIRef(RESOLUTION)}


def test_resource_page_406_names_what_was_asked_and_what_is_on_offer(live_server: str) -> None:
    resp = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024",
        headers={"Accept": "image/png"},
    )
    assert resp.status_code == 406
    assert "image/png" in resp.text and "text/turtle" in resp.text


def test_unknown_format_parameter_is_400(live_server: str) -> None:
    resp = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024",
        params={"format": "yaml"},
        headers={"Accept": "application/json"},
    )
    assert (resp.status_code, resp.json()["error"]) == (
        400,
        "unknown format 'yaml'; expected one of: ttl, turtle, nt, jsonld, json-ld, rdf, xml, html",
    )


def test_html_page_links_its_alternate_formats(live_server: str) -> None:
    html = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024", headers={"Accept": BROWSER}
    ).text
    assert '<link rel="alternate" type="text/turtle" href="?format=ttl">' in html
    assert '<link rel="alternate" type="application/ld+json" href="?format=jsonld">' in html


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("text/xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        # a browser preferring HTML gets the query editor with the results (issue 15: permalinks)
        ("text/html;q=0.9, text/csv;q=0.8", "text/html"),
        ("text/html;q=0.7, text/csv;q=0.8", "text/csv"),
    ],
)
def test_sparql_select_result_format_by_accept(
    live_server: str, accept: str | None, media: str
) -> None:
    resp = requests.get(
        live_server + "/sparql",
        params={"query": "SELECT ?x WHERE { VALUES ?x { 1 } }"},
        headers={"Accept": accept} if accept else {"Accept": ""},
    )
    assert (resp.status_code, resp.headers["Content-Type"].split(";")[0]) == (200, media)
    assert resp.headers["Vary"] == "Accept"


def test_sparql_construct_as_json_ld(live_server: str) -> None:
    q = f"CONSTRUCT {{ <{RESOLUTION}> ?p ?o }} WHERE {{ <{RESOLUTION}> ?p ?o }}"
    resp = requests.post(
        live_server + "/sparql", data={"query": q}, headers={"Accept": "application/ld+json"}
    )
    assert resp.headers["Content-Type"].split(";")[0] == "application/ld+json"
    assert set(Graph().parse(data=resp.text, format="json-ld").subjects()) == {URIRef(RESOLUTION)}


def test_sparql_406_when_the_query_form_has_no_acceptable_format(live_server: str) -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    resp = requests.post(
        live_server + "/sparql",
        data={"query": construct},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert resp.status_code == 406
    resp = requests.get(
        live_server + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}
    )
    assert resp.status_code == 406


def test_sparql_format_parameter_overrides_accept(live_server: str) -> None:
    resp = requests.get(
        live_server + "/sparql",
        params={"query": "SELECT ?x WHERE { VALUES ?x { 1 } }", "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert (resp.headers["Content-Type"].split(";")[0], resp.text) == ("text/csv", "x\r\n1\r\n")


def test_a_plain_json_client_gets_json_ld(live_server: str) -> None:
    resp = requests.get(
        live_server + "/id/dresden/resolution/V2620-23/JHA-061-2024",
        headers={"Accept": "application/json"},
    )
    assert resp.headers["Content-Type"] == "application/ld+json"
    assert set(Graph().parse(data=resp.text, format="json-ld").subjects()) == {URIRef(RESOLUTION)}


def test_sparql_syntax_errors_keep_the_users_line_and_column(live_server: str) -> None:
    one_line = requests.get(live_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    two_lines = requests.get(
        live_server + "/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"}
    )
    assert (one_line.status_code, two_lines.status_code) == (400, 400)
    # a remote store names itself before the server's message ("http://…/query rejected the query: ")
    assert one_line.text.startswith("query syntax error: ")
    assert "error at 1:25:" in one_line.text
    assert "error at 2:9:" in two_lines.text
