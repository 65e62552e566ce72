"""Real SPARQL clients against the live `/sparql` over HTTP: SPARQLWrapper with every query form,
every request method and each of its return formats (its defaults included: ``format=xml`` for
every form), and rdflib's SPARQLStore; the answers parsed back and compared whole."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

ELI = Namespace("http://data.europa.eu/eli/ontology#")
RESOLUTION = "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022"
POINT = RESOLUTION + "/point/{}"
PREFIXES = (
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)
SELECT = PREFIXES + (
    f"SELECT ?point ?number ?n ?label WHERE {{ ?point eli:is_part_of <{RESOLUTION}> ;"
    ' eli:number ?number FILTER (?number IN ("1", "2"))'
    ' BIND (xsd:integer(?number) AS ?n) BIND ("Öffnung"@de AS ?label) } ORDER BY ?n'
)
ASK_TRUE = f"ASK {{ <{RESOLUTION}> ?p ?o }}"
ASK_FALSE = "ASK { <https://example.org/nothing> ?p ?o }"
CONSTRUCT = PREFIXES + (
    f'CONSTRUCT {{ ?point eli:is_part_of <{RESOLUTION}> ; eli:number ?number ; rdfs:label "Punkt"@de }}'
    f" WHERE {{ ?point eli:is_part_of <{RESOLUTION}> ; eli:number ?number"
    ' FILTER (?number IN ("1", "2")) }'
)
DESCRIBE = f"DESCRIBE <{POINT.format(1)}>"

METHODS = {"GET": (GET, None), "POST": (POST, POSTDIRECTLY), "form POST": (POST, URLENCODED)}
XSD_STRING = str(XSD.string)
XSD_INTEGER = str(XSD.integer)

# SELECT's answer, as (type, value, datatype, language) per variable
ROWS = [
    {
        "point": ("uri", POINT.format(n), None, None),
        "number": ("literal", str(n), XSD_STRING, None),
        "n": ("literal", str(n), XSD_INTEGER, None),
        "label": ("literal", "Öffnung", None, "de"),
    }
    for n in (1, 2)
]
SELECT_CSV = (
    f"point,number,n,label\r\n{POINT.format(1)},1,1,Öffnung\r\n{POINT.format(2)},2,2,Öffnung\r\n"
)
SELECT_TSV = (
    "?point\t?number\t?n\t?label\n"
    f'<{POINT.format(1)}>\t"1"\t1\t"Öffnung"@de\n'
    f'<{POINT.format(2)}>\t"2"\t2\t"Öffnung"@de\n'
)


def constructed() -> Graph:
    g = Graph()
    for n in (1, 2):
        point = URIRef(POINT.format(n))
        g.add((point, ELI.is_part_of, URIRef(RESOLUTION)))
        g.add((point, ELI.number, Literal(str(n))))
        g.add((point, RDFS.label, Literal("Punkt", lang="de")))
    return g


def wrapper(live_server: str, query: str, method: str, fmt: str | None) -> SPARQLWrapper:
    sw = SPARQLWrapper(live_server + "/sparql")
    http, request_method = METHODS[method]
    sw.setMethod(http)
    if request_method is not None:
        sw.setRequestMethod(request_method)
    if fmt is not None:  # None: SPARQLWrapper's default (XML)
        sw.setReturnFormat(fmt)
    sw.setQuery(query)
    return sw


def xml_rows(doc: Document) -> list[dict[str, tuple[str, str, str | None, str | None]]]:
    """The bindings of SPARQL Results XML, as SPARQLWrapper hands them over (a DOM)."""
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            term = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            kind = "uri" if term.tagName == "uri" else term.tagName
            row[binding.getAttribute("name")] = (
                kind,
                term.firstChild.data,
                term.getAttribute("datatype") or None,
                term.getAttribute("xml:lang") or None,
            )
        rows.append(row)
    return rows


def json_rows(data: dict) -> list[dict[str, tuple[str, str, str | None, str | None]]]:
    return [
        {
            name: (t["type"], t["value"], t.get("datatype"), t.get("xml:lang"))
            for name, t in binding.items()
        }
        for binding in data["results"]["bindings"]
    ]


def _xml_rows_with_plain_strings(rows: list[dict]) -> list[dict]:
    """Results XML may leave xsd:string implicit (RDF 1.1: the same literal)."""
    return [
        {k: (t[0], t[1], t[2] or (XSD_STRING if t[0] == "literal" and not t[3] else None), t[3])
         for k, t in row.items()}
        for row in rows
    ]  # fmt: skip


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [None, XML, JSON, CSV, TSV])
def test_sparqlwrapper_select_in_each_format_and_method(
    live_server: str, method: str, fmt: str | None
) -> None:
    answer = wrapper(live_server, SELECT, method, fmt).query().convert()
    if fmt in (None, XML):
        assert _xml_rows_with_plain_strings(xml_rows(answer)) == ROWS
    elif fmt == JSON:
        assert _xml_rows_with_plain_strings(json_rows(answer)) == ROWS
    elif fmt == CSV:
        assert answer.decode("utf-8") == SELECT_CSV
    else:
        assert answer.decode("utf-8") == SELECT_TSV


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [None, XML, JSON, CSV, TSV])
def test_sparqlwrapper_ask_in_each_format_and_method(
    live_server: str, method: str, fmt: str | None
) -> None:
    answers = []
    for query in (ASK_TRUE, ASK_FALSE):
        answer = wrapper(live_server, query, method, fmt).query().convert()
        if fmt in (None, XML):
            answers.append(answer.getElementsByTagName("boolean")[0].firstChild.data)
        elif fmt == JSON:
            answers.append(answer["boolean"])
        else:
            answers.append(answer.decode("utf-8"))
    expected = {None: ["true", "false"], XML: ["true", "false"], JSON: [True, False]}
    assert answers == expected.get(fmt, ["true", "false"])


GRAPH_FORMATS = [None, XML, RDFXML, TURTLE, N3, JSONLD]


def parsed_graph(answer: object, fmt: str | None) -> Graph:
    if isinstance(answer, Graph):  # SPARQLWrapper parsed RDF/XML and JSON-LD itself
        return answer
    assert fmt in (TURTLE, N3), fmt
    return Graph().parse(data=answer.decode("utf-8"), format="turtle")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_sparqlwrapper_construct_in_each_format_and_method(
    live_server: str, method: str, fmt: str | None
) -> None:
    answer = wrapper(live_server, CONSTRUCT, method, fmt).query().convert()
    assert isomorphic(parsed_graph(answer, fmt), constructed())


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_sparqlwrapper_describe_in_each_format_and_method(
    live_server: str, method: str, fmt: str | None
) -> None:
    point = URIRef(POINT.format(1))
    plain = requests.get(
        live_server + "/sparql",
        params={"query": f"CONSTRUCT {{ <{point}> ?p ?o }} WHERE {{ <{point}> ?p ?o }}"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    expected = Graph().parse(data=plain.text, format="nt")
    assert (point, ELI.number, Literal("1")) in expected
    answer = wrapper(live_server, DESCRIBE, method, fmt).query().convert()
    assert isomorphic(parsed_graph(answer, fmt), expected)


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_reads_every_query_form(live_server: str, method: str) -> None:
    store = SPARQLStore(live_server + "/sparql", method=method)
    graph = Graph(store=store)
    rows = [
        (str(r.point), r.number, r.n, r.label)
        for r in graph.query(SELECT)  # type: ignore[union-attr]
    ]
    assert rows == [
        (POINT.format(n), Literal(str(n)), Literal(n), Literal("Öffnung", lang="de"))
        for n in (1, 2)
    ]
    assert [graph.query(q).askAnswer for q in (ASK_TRUE, ASK_FALSE)] == [True, False]
    assert isomorphic(graph.query(CONSTRUCT).graph, constructed())  # type: ignore[arg-type]
    store.close()


def test_format_names_mean_the_query_forms_own_format(live_server: str) -> None:
    """``format=xml`` is Results XML for SELECT and RDF/XML for CONSTRUCT; a name that only one
    form has is a 406 for the other, saying which names that form takes."""
    url = live_server + "/sparql"
    got = {
        (form, name): requests.get(url, params={"query": q, "format": name}, timeout=30)
        for form, q in (("select", SELECT), ("construct", CONSTRUCT))
        for name in ("xml", "json", "rdf+xml", "json-ld", "n3", "turtle", "csv", "tsv")
    }
    media = {k: (r.status_code, r.headers["Content-Type"].split(";")[0]) for k, r in got.items()}
    assert media == {
        ("select", "xml"): (200, "application/sparql-results+xml"),
        ("select", "json"): (200, "application/sparql-results+json"),
        ("select", "rdf+xml"): (406, "text/plain"),
        ("select", "json-ld"): (406, "text/plain"),
        ("select", "n3"): (406, "text/plain"),
        ("select", "turtle"): (406, "text/plain"),
        ("select", "csv"): (200, "text/csv"),
        ("select", "tsv"): (200, "text/tab-separated-values"),
        ("construct", "xml"): (200, "application/rdf+xml"),
        ("construct", "json"): (200, "application/ld+json"),
        ("construct", "rdf+xml"): (200, "application/rdf+xml"),
        ("construct", "json-ld"): (200, "application/ld+json"),
        ("construct", "n3"): (200, "text/turtle"),
        ("construct", "turtle"): (200, "text/turtle"),
        ("construct", "csv"): (406, "text/plain"),
        ("construct", "tsv"): (406, "text/plain"),
    }
    assert got[("construct", "csv")].text == (
        "format 'csv' is not a format of CONSTRUCT and DESCRIBE queries; they answer in "
        "format=ttl, nt, rdf, jsonld (or by Accept: text/turtle, application/n-triples, "
        "application/rdf+xml, application/ld+json)\n"
    )
    assert list(csv.reader(io.StringIO(got[("select", "csv")].text))) == [
        ["point", "number", "n", "label"],
        [POINT.format(1), "1", "1", "Öffnung"],
        [POINT.format(2), "2", "2", "Öffnung"],
    ]


def test_a_406_names_what_was_asked_and_what_the_query_form_answers_in(live_server: str) -> None:
    url = live_server + "/sparql"
    construct = requests.post(
        url, data={"query": CONSTRUCT}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert (construct.status_code, construct.text) == (
        406,
        "none of the types in Accept: application/sparql-results+xml is a format of CONSTRUCT "
        "and DESCRIBE queries; they answer in text/turtle, application/n-triples, "
        "application/rdf+xml, application/ld+json\n",
    )
    ask = requests.get(url, params={"query": ASK_TRUE}, headers={"Accept": "image/png"})
    assert (ask.status_code, ask.text) == (
        406,
        "none of the types in Accept: image/png is a format of SPARQL answers; SELECT and ASK "
        "queries answer in application/sparql-results+json, application/sparql-results+xml, "
        "text/csv, text/tab-separated-values, CONSTRUCT and DESCRIBE queries in text/turtle, "
        "application/n-triples, application/rdf+xml, application/ld+json\n",
    )
    unknown = requests.get(url, params={"query": ASK_TRUE, "format": "yaml"})
    assert unknown.status_code == 400
    assert unknown.text.startswith(
        "unknown format 'yaml'; expected one of: json, xml, csv, tsv, ttl, nt, rdf, jsonld, "
    )
