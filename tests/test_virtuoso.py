"""The remote backend against Debian's Virtuoso (7.2, the engine LBLOD and DBpedia run on), started
here on loopback: documents load (no blank node reaches it), reload in place, and every view answers
as on the embedded store. Skipped without Virtuoso, failed so under CI (`conftest.require`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.queries import QUERIES_DIR, load_queries
from service.store import EmbeddedStore
from service.store.remote import RemoteStore
from service.store.skolem import skolemise

from .conftest import ROOT, require, serving

pytestmark = pytest.mark.virtuoso

ONTOLOGY_GRAPH = "https://w3id.org/ratsgraph/ontology"
REFERENCE_GRAPH = "https://w3id.org/ratsgraph/id/dresden/reference"
NO_BLANKS = "ASK { GRAPH ?g { ?s ?p ?o } FILTER (isBlank(?s) || isBlank(?o)) }"
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def sample_virtuoso(virtuoso: str) -> Iterator[RemoteStore]:
    """The sample documents in Virtuoso, whose default graph is the union of its graphs."""
    remote = RemoteStore(virtuoso, default_graph="server")
    results = load_paths(remote, [SAMPLES_DIR])
    assert all(r.ok for r in results), [r.line() for r in results]
    yield remote


def view_cases() -> list[tuple[str, str]]:
    """Every view without parameters, with its example, and for one council (`body`)."""
    cases = []
    for name, query in sorted(load_queries(QUERIES_DIR).items()):
        cases.append((name, ""))
        if query.example:
            cases.append((name, query.example))
        cases.append((name, "&".join([query.example, "body=dresden"]).lstrip("&")))
    return cases


@pytest.mark.parametrize(("name", "example"), view_cases())
def test_every_view_answers_on_virtuoso_as_on_the_embedded_store(
    name: str, example: str, sample_virtuoso: RemoteStore, sample_store_dir: Path
) -> None:
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import run_view  # noqa: PLC0415

    values = dict(p.split("=", 1) for p in example.split("&")) if example else {}
    answers = []
    for store in (EmbeddedStore(sample_store_dir, read_only=True), sample_virtuoso):
        with create_app({"TESTING": True}, store=store).app_context():
            result = run_view(name, values)
        answers.append((result.columns, list(result.rows)))
    assert answers[0][1], f"view {name} has no rows for {example or 'no parameters'}"
    assert answers[1] == answers[0]


def test_blank_nodes_reach_virtuoso_as_iris_under_their_graph(
    sample_virtuoso: RemoteStore,
) -> None:
    """The ontology's owl:unionOf classes are blank nodes; Virtuoso refuses them in INSERT DATA."""
    assert sample_virtuoso.ask(NO_BLANKS) is False
    ontology = Graph().parse(ROOT / "ontology" / "ratsgraph.ttl")
    blanks = {x for t in ontology for x in t if isinstance(x, BNode)}
    genids = sample_virtuoso.select(
        "SELECT DISTINCT ?x WHERE { GRAPH <https://w3id.org/ratsgraph/ontology> { ?x ?p ?o } "
        'FILTER (STRSTARTS(STR(?x), "https://w3id.org/ratsgraph/ontology/.well-known/genid/")) }'
    )
    assert len(genids.rows) == len(blanks)
    union_domain = sample_virtuoso.select(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> "
        "SELECT ?member WHERE { rb:deadline rdfs:domain/owl:unionOf/rdf:rest*/rdf:first ?member }"
        " ORDER BY ?member"
    )
    assert [r["member"].value for r in union_domain.rows] == [
        "https://w3id.org/ratsgraph/ontology#Delegation",
        "https://w3id.org/ratsgraph/ontology#ResolutionPoint",
    ]


def test_loading_again_replaces_every_graph_on_virtuoso(sample_virtuoso: RemoteStore) -> None:
    """Skolem IRIs are the same on every load, so a reload leaves no second copy behind; the
    store's graphs and dumps are the data's, not Virtuoso's own graphs beside them."""
    graphs = sample_virtuoso.named_graphs()
    in_graphs = QUADS.replace("WHERE {", f"WHERE {{ VALUES ?g {{ <{'> <'.join(graphs)}> }}")
    before = sample_virtuoso.select(in_graphs).rows[0]["n"].value
    results = load_paths(sample_virtuoso, [SAMPLES_DIR])
    assert all(r.ok for r in results)
    assert graphs == sorted([ONTOLOGY_GRAPH, REFERENCE_GRAPH, *(r.graph for r in results)])
    assert sample_virtuoso.named_graphs() == graphs
    assert sample_virtuoso.select(in_graphs).rows[0]["n"].value == before
    dumped = list(ox.parse(sample_virtuoso.dump(), format=ox.RdfFormat.N_QUADS))
    assert len(dumped) == int(before)
    assert sorted({q.graph_name.value for q in dumped}) == graphs


def test_a_document_replaced_or_deleted_on_virtuoso_leaves_no_old_triple(
    sample_virtuoso: RemoteStore,
) -> None:
    graph = "https://example.org/scratch/doc"
    sample_virtuoso.replace_graph(
        graph, Graph().parse(data="<urn:a> <urn:b> [ <urn:c> <urn:d> ] .", format="turtle")
    )
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    assert sample_virtuoso.select(count).rows[0]["n"].value == "2"
    sample_virtuoso.replace_graph(
        graph, Graph().parse(data="<urn:e> <urn:f> <urn:g> .", format="nt")
    )
    assert sample_virtuoso.select(count).rows[0]["n"].value == "1"
    assert sample_virtuoso.drop_graph(graph) is True
    assert sample_virtuoso.select(count).rows[0]["n"].value == "0"
    assert sample_virtuoso.drop_graph(graph) is False


def test_ratsgraph_serves_views_and_sparql_from_virtuoso(
    sample_virtuoso: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSGRAPH_REMOTE_DEFAULT_GRAPH", "server")
    with serving(["--store", sample_virtuoso.query_url]) as url:
        view = requests.get(
            url + "/views/resolution", params={"vorlage": "V1106/21", "format": "json"}, timeout=30
        )
        assert view.status_code == 200, view.text
        assert [r["point"] for r in view.json()["rows"]] == [1, 2, 3, 4, 5, 6, 7]
        ask = requests.get(
            url + "/sparql",
            params={"query": "ASK { ?s a <https://w3id.org/ratsgraph/ontology#Resolution> }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert (ask.status_code, ask.json()["boolean"]) == (200, True)
        # the councils on the start page, counted per body (issue 13)
        home = requests.get(url + "/", timeout=30).text
        counts = re.findall(r'<span class="count-(\w+)">(\d+)</span>', home)
        assert counts == [("resolutions", "2"), ("points", "11"), ("documents", "2")]


RESOLUTION = "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022"


def test_sparqlwrapper_reads_every_form_in_its_default_and_csv_formats_through_virtuoso(
    sample_virtuoso: RemoteStore, sample_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/sparql passes Virtuoso's answers through: SPARQLWrapper's defaults (XML: Results XML, or
    RDF/XML for graphs) and CSV reach it as the embedded store gives them (ratsgraph asks Virtuoso
    by Accept only: a format= beside it would win there and give a 406)."""
    from SPARQLWrapper import CSV, SPARQLWrapper  # noqa: PLC0415

    embedded = EmbeddedStore(sample_store_dir, read_only=True)
    select = f"SELECT ?p ?o WHERE {{ <{RESOLUTION}> ?p ?o FILTER (!isLiteral(?o)) }} ORDER BY ?p ?o"
    construct = f"CONSTRUCT {{ <{RESOLUTION}> ?p ?o }} WHERE {{ <{RESOLUTION}> ?p ?o }}"
    expected_rows = [
        (r["p"].value, r["o"].value)
        for r in embedded.select(select).rows  # type: ignore[union-attr]
    ]
    monkeypatch.setenv("RATSGRAPH_REMOTE_DEFAULT_GRAPH", "server")
    with serving(["--store", sample_virtuoso.query_url]) as url:

        def ask(query: str, fmt: str | None = None) -> object:
            sw = SPARQLWrapper(url + "/sparql")
            sw.setQuery(query)
            if fmt is not None:
                sw.setReturnFormat(fmt)
            return sw.query().convert()

        results = ask(select)  # Results XML, as a DOM
        rows = [
            tuple(
                b.getElementsByTagName("uri")[0].firstChild.data
                for b in r.getElementsByTagName("binding")
            )
            for r in results.getElementsByTagName("result")  # type: ignore[attr-defined]
        ]
        assert rows == expected_rows and len(rows) >= 10
        csv_text = ask(select, CSV).decode("utf-8")  # type: ignore[attr-defined]
        # Virtuoso's CSV, passed through: quoted its way, the same values
        parsed = [tuple(r) for r in csv.reader(io.StringIO(csv_text))]
        assert parsed == [("p", "o"), *expected_rows]
        assert isomorphic(ask(construct), embedded.construct(construct))  # RDF/XML, parsed
        answer = ask(f"ASK {{ <{RESOLUTION}> ?p ?o }}")
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[attr-defined]


def test_skolem_iris_do_not_depend_on_the_parsers_blank_node_labels() -> None:
    """Two parses of the ontology label its blank nodes differently; the IRIs are the same."""
    first, second = (Graph().parse(ROOT / "ontology" / "ratsgraph.ttl") for _ in range(2))
    assert {x for t in first for x in t if isinstance(x, BNode)}.isdisjoint(
        {x for t in second for x in t if isinstance(x, BNode)}
    )
    a, b = set(skolemise(ONTOLOGY_GRAPH, first)), set(skolemise(ONTOLOGY_GRAPH, second))
    assert a == b and len(a) == len(first)
    assert not any(isinstance(x, BNode) for t in a for x in t)
    assert all(
        x.startswith(ONTOLOGY_GRAPH + "/.well-known/genid/")
        for t in a
        for x in t
        if isinstance(x, URIRef) and "genid" in x
    )


def test_a_missing_engine_skips_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^virtuoso-t is not installed$"):
        require(None, "virtuoso-t is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        require(None, "virtuoso-t is not installed")
    assert str(failed.value) == (
        "virtuoso-t is not installed, and CI is set: CI must install it (.ci/run)"
    )
    require("/usr/bin/virtuoso-t", "virtuoso-t is not installed")  # installed: nothing happens
